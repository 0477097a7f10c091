r"""Normalization layers (chapter 11): batch, layer, instance and group norm.

All four compute the same thing over different axes :math:`S` of the input:

.. math::

    \mu = \frac{1}{|S|}\sum_{S} x, \qquad
    \sigma^2 = \frac{1}{|S|}\sum_{S} (x - \mu)^2, \qquad
    \hat x = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}, \qquad
    y = \gamma \odot \hat x + \beta .

==================  =====================================  ======================
layer               statistics over (input N x C x H x W)  gamma, beta per
==================  =====================================  ======================
``BatchNorm1d/2d``  N, H, W (per channel)                  channel
``LayerNorm``       the trailing ``normalized_shape``      element of that shape
``InstanceNorm2d``  H, W (per sample and channel)          channel
``GroupNorm``       channels of a group, H, W              channel
==================  =====================================  ======================

Backward (derived in chapter 11): with :math:`g = \partial L/\partial \hat x =
\gamma \odot \delta` and means :math:`\langle\cdot\rangle` over :math:`S`,

.. math::

    \frac{\partial L}{\partial x} = \frac{1}{\sqrt{\sigma^2+\epsilon}}
    \Bigl(g - \langle g\rangle - \hat x\,\langle g \odot \hat x\rangle\Bigr),\quad
    \frac{\partial L}{\partial \gamma} = \sum \delta \odot \hat x,\quad
    \frac{\partial L}{\partial \beta} = \sum \delta ,

the last two summed over every axis that :math:`\gamma` is shared across.
Only batch norm differs between training and evaluation.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate
from .module import Module, as_float


def normalize(x: np.ndarray, axes: tuple[int, ...], eps: float) -> tuple[np.ndarray, ...]:
    r"""Normalize over ``axes``: return :math:`\hat x`, :math:`1/\sqrt{\sigma^2+\epsilon}`, :math:`\mu`, :math:`\sigma^2`.

    The statistics keep the reduced axes as size-1 dimensions (they broadcast against ``x``).
    """
    mu = x.mean(axis=axes, keepdims=True)                  # mu = mean of x over S
    xc = x - mu
    var = (xc * xc).mean(axis=axes, keepdims=True)         # sigma^2 = mean of (x - mu)^2 (biased)
    inv_std = 1.0 / np.sqrt(var + eps)
    return xc * inv_std, inv_std, mu, var                  # x_hat = (x - mu) / sqrt(sigma^2 + eps)


def normalize_backward(g: np.ndarray, x_hat: np.ndarray, inv_std: np.ndarray,
                       axes: tuple[int, ...]) -> np.ndarray:
    r"""Input gradient of ``normalize`` given :math:`g = \partial L/\partial \hat x`.

    .. math::

        \frac{\partial L}{\partial x} = \frac{1}{\sqrt{\sigma^2+\epsilon}}
        \bigl(g - \langle g\rangle - \hat x\,\langle g \odot \hat x\rangle\bigr)

    (the two means come from :math:`\mu` and :math:`\sigma^2` depending on every :math:`x` in the group).
    """
    return inv_std * (g - g.mean(axis=axes, keepdims=True)
                      - x_hat * (g * x_hat).mean(axis=axes, keepdims=True))


class _Affine(Module):
    """Shared :math:`y = \\gamma \\hat x + \\beta` with gamma/beta of ``param_shape``."""

    def _init_affine(self, affine: bool, param_shape: tuple[int, ...], dtype: Any) -> None:
        self.affine = bool(affine)
        if self.affine:
            self.params["weight"] = np.ones(param_shape, dtype=dtype)    # gamma
            self.params["bias"] = np.zeros(param_shape, dtype=dtype)     # beta
        self.zero_grad()

    def _apply_affine(self, x_hat: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        if not self.affine:
            return x_hat
        gamma = self.params["weight"].astype(x_hat.dtype, copy=False).reshape(shape)
        beta = self.params["bias"].astype(x_hat.dtype, copy=False).reshape(shape)
        return gamma * x_hat + beta                                       # y = gamma x_hat + beta

    def _affine_backward(self, delta: np.ndarray, x_hat: np.ndarray, shape: tuple[int, ...],
                         shared_axes: tuple[int, ...]) -> np.ndarray:
        """Fill dgamma, dbeta; return g = dL/dx_hat."""
        if not self.affine:
            return delta
        gamma = self.params["weight"]
        dgamma = (delta * x_hat).sum(axis=shared_axes)                   # dL/dgamma = sum delta * x_hat
        dbeta = delta.sum(axis=shared_axes)                              # dL/dbeta = sum delta
        self.grads["weight"] = dgamma.reshape(gamma.shape).astype(gamma.dtype, copy=False)
        self.grads["bias"] = dbeta.reshape(gamma.shape).astype(gamma.dtype, copy=False)
        return delta * gamma.astype(delta.dtype, copy=False).reshape(shape)  # g = gamma * delta


class _BatchNorm(_Affine):
    r"""Batch normalization (Ioffe & Szegedy 2015) over every axis except the channel axis 1.

    Training: statistics of the mini-batch, and the running estimates (torch's
    conventions)

    .. math::

        \hat\mu \leftarrow (1-m)\,\hat\mu + m\,\mu_{\mathcal B},\qquad
        \hat\sigma^2 \leftarrow (1-m)\,\hat\sigma^2 + m\,\frac{n}{n-1}\sigma^2_{\mathcal B},

    with momentum :math:`m = 0.1` and :math:`n` values per channel in the batch
    (the running variance is *unbiased*; the batch normalization itself uses the
    biased :math:`\sigma^2_{\mathcal B}`). ``momentum=None`` gives the cumulative
    average :math:`m = 1/t` over the :math:`t` batches seen so far.
    Evaluation: :math:`\hat x = (x - \hat\mu)/\sqrt{\hat\sigma^2 + \epsilon}`.
    The slides' other option, statistics of the whole training set, is
    ``set_population_statistics(model, X_train)``.

    Parameters
    ----------
    num_features : int
        Number of channels C (``weight``, ``bias``, ``running_mean`` and
        ``running_var`` have shape ``(C,)``).
    eps : float
    momentum : float or None
    affine : bool
        Learn :math:`\gamma` (``weight``) and :math:`\beta` (``bias``).
    track_running_stats : bool
        If False, batch statistics are used in evaluation too.
    """

    _ndims: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, dtype: Any = np.float64) -> None:
        super().__init__()
        self.num_features = _validate.integer("num_features", num_features, low=1)
        self.eps = _validate.real("eps", eps, low=0, low_open=True)
        self.momentum = None if momentum is None else _validate.real("momentum", momentum, low=0, high=1)
        self.track_running_stats = bool(track_running_stats)
        self._init_affine(affine, (self.num_features,), dtype)
        if self.track_running_stats:
            self.buffers["running_mean"] = np.zeros(self.num_features, dtype=dtype)
            self.buffers["running_var"] = np.ones(self.num_features, dtype=dtype)
            self.buffers["num_batches_tracked"] = np.array(0, dtype=np.int64)
        self.x_hat: np.ndarray | None = None

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps:g}, momentum={self.momentum}, affine={self.affine}"

    def _axes(self, x: np.ndarray) -> tuple[int, ...]:
        if x.ndim not in self._ndims or x.shape[1] != self.num_features:
            C = self.num_features
            want = f"(N, {C}) or (N, {C}, L)" if self._ndims == (2, 3) else f"(N, {C}, H, W)"
            raise ValueError(f"{self!r} expects input of shape {want}, got {x.shape}")
        return (0,) + tuple(range(2, x.ndim))

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        axes = self._axes(x)
        shape = (1, self.num_features) + (1,) * (x.ndim - 2)     # broadcast shape of per-channel vectors
        self.axes, self.shape = axes, shape
        use_batch = self.training or not self.track_running_stats
        if use_batch:
            n = x.size // self.num_features                        # values per channel in the batch
            if self.training and n <= 1:
                raise ValueError(f"{self!r}: training needs more than 1 value per channel, got input shape {x.shape}")
            x_hat, inv_std, mu, var = normalize(x, axes, self.eps)
            if self.training and self.track_running_stats:
                self._update_running(mu.reshape(-1), var.reshape(-1), n)
        else:
            rm = self.buffers["running_mean"].astype(x.dtype, copy=False).reshape(shape)
            rv = self.buffers["running_var"].astype(x.dtype, copy=False).reshape(shape)
            inv_std = 1.0 / np.sqrt(rv + self.eps)
            x_hat = (x - rm) * inv_std                    # x_hat = (x - running_mean) / sqrt(running_var + eps)
        self.x_hat, self.inv_std, self.used_batch = x_hat, inv_std, use_batch
        return self._apply_affine(x_hat, shape)

    def _update_running(self, mu: np.ndarray, var: np.ndarray, n: int) -> None:
        self.buffers["num_batches_tracked"] = self.buffers["num_batches_tracked"] + 1
        m = self.momentum if self.momentum is not None else 1.0 / float(self.buffers["num_batches_tracked"])
        rm, rv = self.buffers["running_mean"], self.buffers["running_var"]
        self.buffers["running_mean"] = ((1 - m) * rm + m * mu).astype(rm.dtype)               # running mean
        self.buffers["running_var"] = ((1 - m) * rv + m * var * n / (n - 1)).astype(rv.dtype)  # unbiased variance

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x_hat = self._cached("x_hat")
        delta = self._check_dy(dy, x_hat.shape)
        g = self._affine_backward(delta, x_hat, self.shape, self.axes)      # g = dL/dx_hat
        if self.used_batch:
            return normalize_backward(g, x_hat, self.inv_std, self.axes)   # mu, sigma depend on x
        return g * self.inv_std                                            # eval: mu, sigma are constants


class BatchNorm1d(_BatchNorm):
    __doc__ = (_BatchNorm.__doc__ or "") + """
    Notes
    -----
    Input ``(N, C)`` (fully connected layers: statistics per feature over the
    batch) or ``(N, C, L)``.
    """
    _ndims = (2, 3)


class BatchNorm2d(_BatchNorm):
    __doc__ = (_BatchNorm.__doc__ or "") + """
    Notes
    -----
    Input ``(N, C, H, W)`` (convolutional layers, "spatial batch norm": one
    mean and variance per channel over N, H and W).
    """
    _ndims = (4,)


class LayerNorm(_Affine):
    r"""Layer normalization (Ba et al. 2016): statistics over the trailing ``normalized_shape`` of each sample.

    Same behaviour in training and evaluation (no running statistics), so it
    works for any batch size and in recurrent networks. ``weight`` and ``bias``
    have shape ``normalized_shape``.

    Parameters
    ----------
    normalized_shape : int or tuple of int
    eps : float
    elementwise_affine : bool
    """

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True,
                 dtype: Any = np.float64) -> None:
        super().__init__()
        if isinstance(normalized_shape, (int, np.integer)):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(_validate.integer("normalized_shape", s, low=1) for s in normalized_shape)
        self.eps = _validate.real("eps", eps, low=0, low_open=True)
        self._init_affine(elementwise_affine, self.normalized_shape, dtype)
        self.x_hat: np.ndarray | None = None

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps:g}, elementwise_affine={self.affine}"

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        k = len(self.normalized_shape)
        if x.ndim < k + 1 or x.shape[-k:] != self.normalized_shape:
            raise ValueError(f"{self!r} expects input of shape (N, ..., {', '.join(map(str, self.normalized_shape))}), "
                             f"got {x.shape}")
        self.axes = tuple(range(x.ndim - k, x.ndim))            # the trailing dims of each sample
        self.shared = tuple(range(x.ndim - k))                  # gamma is shared over the leading dims
        self.x_hat, self.inv_std, _, _ = normalize(x, self.axes, self.eps)
        return self._apply_affine(self.x_hat, self.normalized_shape)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x_hat = self._cached("x_hat")
        delta = self._check_dy(dy, x_hat.shape)
        g = self._affine_backward(delta, x_hat, self.normalized_shape, self.shared)
        return normalize_backward(g, x_hat, self.inv_std, self.axes)


class GroupNorm(_Affine):
    r"""Group normalization (Wu & He 2018): the C channels split into ``num_groups`` groups;
    statistics over each group's channels and all spatial positions, per sample.

    ``num_groups=1`` is layer norm over (C, H, W) with per-channel
    :math:`\gamma`; ``num_groups=C`` is instance norm. Same in training and evaluation.

    Parameters
    ----------
    num_groups : int
        Must divide ``num_channels``.
    num_channels : int
    eps : float
    affine : bool
        ``weight``, ``bias`` of shape ``(C,)``.
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 dtype: Any = np.float64) -> None:
        super().__init__()
        self.num_groups = _validate.integer("num_groups", num_groups, low=1)
        self.num_channels = _validate.integer("num_channels", num_channels, low=1)
        if self.num_channels % self.num_groups:
            raise ValueError(f"num_channels ({self.num_channels}) must be divisible by num_groups ({self.num_groups})")
        self.eps = _validate.real("eps", eps, low=0, low_open=True)
        self._init_affine(affine, (self.num_channels,), dtype)
        self.x_hat: np.ndarray | None = None

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps:g}, affine={self.affine}"

    def _check(self, x: np.ndarray) -> None:
        if x.ndim < 2 or x.shape[1] != self.num_channels:
            raise ValueError(f"{self!r} expects input of shape (N, {self.num_channels}, *), got {x.shape}")

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        self._check(x)
        N, G = x.shape[0], self.num_groups
        xg = x.reshape(N, G, -1)                                      # (N, G, C/G * H * W)
        x_hat, self.inv_std, _, _ = normalize(xg, (2,), self.eps)
        self.x_hat = x_hat.reshape(x.shape)
        self.shape = (1, self.num_channels) + (1,) * (x.ndim - 2)
        return self._apply_affine(self.x_hat, self.shape)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x_hat = self._cached("x_hat")
        delta = self._check_dy(dy, x_hat.shape)
        shared = (0,) + tuple(range(2, x_hat.ndim))
        g = self._affine_backward(delta, x_hat, self.shape, shared)
        N, G = x_hat.shape[0], self.num_groups
        dx = normalize_backward(g.reshape(N, G, -1), x_hat.reshape(N, G, -1), self.inv_std, (2,))
        return dx.reshape(x_hat.shape)


class InstanceNorm2d(GroupNorm):
    r"""Instance normalization (Ulyanov et al. 2016): statistics over H, W for each sample and channel.

    Same in training and evaluation (torch's default ``track_running_stats=False``);
    ``affine=False`` by default as in torch. Input ``(N, C, H, W)``.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, affine: bool = False, dtype: Any = np.float64) -> None:
        super().__init__(num_features, num_features, eps=eps, affine=affine, dtype=dtype)
        self.num_features = self.num_channels

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps:g}, affine={self.affine}"

    def _check(self, x: np.ndarray) -> None:
        if x.ndim != 4 or x.shape[1] != self.num_features:
            raise ValueError(f"{self!r} expects input of shape (N, {self.num_features}, H, W), got {x.shape}")


def _flat_layers(model: Module) -> list[Module]:
    out: list[Module] = []
    for layer in getattr(model, "layers", [model]):
        out.extend(_flat_layers(layer) if hasattr(layer, "layers") else [layer])
    return out


def set_population_statistics(model: Module, X: np.ndarray, unbiased: bool = False) -> Module:
    r"""Set every batch norm's running statistics to those of the whole training set ``X``.

    The slides' first test-time option: the exact mean and variance of each
    batch norm's input over all :math:`N` training examples (variance with
    :math:`1/N`, or :math:`1/(N-1)` if ``unbiased``). Layers are processed in
    order, each seeing the input produced by the layers before it in
    evaluation mode (so later layers see the already-fixed statistics of
    earlier ones). The model is left in evaluation mode.
    """
    model.eval()
    a = as_float(X)
    for layer in _flat_layers(model):
        if isinstance(layer, _BatchNorm) and layer.track_running_stats:
            axes = layer._axes(a)
            mu = a.mean(axis=axes)
            var = a.var(axis=axes, ddof=1 if unbiased else 0)
            layer.buffers["running_mean"] = mu.astype(layer.buffers["running_mean"].dtype)
            layer.buffers["running_var"] = var.astype(layer.buffers["running_var"].dtype)
        a = layer.forward(a)
    return model
