r"""Fully connected layer, activations and ``Flatten`` (chapter 9).

Notation of chapter 9 for one layer :math:`l` on a mini-batch of :math:`N` rows:

.. math::

    z^{(l)} = a^{(l-1)} W^{(l)\top} + b^{(l)}, \qquad a^{(l)} = f(z^{(l)}),

and the residual (delta) :math:`\delta^{(l)} = \partial L / \partial z^{(l)}`.
Backpropagation is the two-line recursion

.. math::

    \delta^{(l)} = \bigl(\delta^{(l+1)} W^{(l+1)}\bigr) \odot f'(z^{(l)}), \qquad
    \frac{\partial L}{\partial W^{(l)}} = \delta^{(l)\top} a^{(l-1)}, \quad
    \frac{\partial L}{\partial b^{(l)}} = \textstyle\sum_n \delta^{(l)}_n .

In code the recursion is split between two layers: ``Linear.backward`` does the
product with :math:`W` (and the weight and bias gradients), the activation's
``backward`` does :math:`\odot f'(z)`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate
from . import init
from .module import Module, as_float


class Linear(Module):
    r"""Fully connected layer :math:`z = a W^\top + b` (torch's ``nn.Linear``).

    Parameters
    ----------
    in_features, out_features : int
        Sizes of :math:`a` (one row) and :math:`z`.
    bias : bool
        Whether to learn :math:`b`.
    rng : np.random.Generator or int, optional
        Draws the initial weights, torch's default
        :math:`U(-1/\sqrt{n_{in}}, 1/\sqrt{n_{in}})`; see ``gdlib.nn.init`` for others.
    dtype : numpy dtype
        dtype of the parameters (float64 default).

    Notes
    -----
    Shapes: ``weight`` is ``(out_features, in_features)``, ``bias`` is
    ``(out_features,)``, input ``(N, in_features)``. The output takes the
    input's floating dtype (float32 in, float32 out).
    """

    decay_keys = ("weight",)

    def __init__(self, in_features: int, out_features: int, bias: bool = True, rng: Any = None,
                 dtype: Any = np.float64) -> None:
        super().__init__()
        self.in_features = _validate.integer("in_features", in_features, low=1)
        self.out_features = _validate.integer("out_features", out_features, low=1)
        g = init.as_generator(rng)
        self.params["weight"] = init.torch_default((self.out_features, self.in_features), rng=g).astype(dtype)
        if bias:
            self.params["bias"] = init.torch_default((self.out_features,), fan_in=self.in_features, rng=g).astype(dtype)
        self.zero_grad()
        self.a_prev: np.ndarray | None = None

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={'bias' in self.params}"

    def forward(self, x: np.ndarray) -> np.ndarray:
        a_prev = as_float(x)
        if a_prev.ndim != 2 or a_prev.shape[1] != self.in_features:
            raise ValueError(f"{self!r} expects input of shape (N, {self.in_features}), got {a_prev.shape}")
        W = self.params["weight"].astype(a_prev.dtype, copy=False)
        self.a_prev = a_prev                       # a^{(l-1)}, kept for dL/dW
        z = a_prev @ W.T                           # z = a W^T + b
        if "bias" in self.params:
            z += self.params["bias"].astype(a_prev.dtype, copy=False)
        return z

    def backward(self, dy: np.ndarray) -> np.ndarray:
        a_prev = self._cached("a_prev")
        delta = self._check_dy(dy, (a_prev.shape[0], self.out_features))   # delta^{(l)} = dL/dz
        W = self.params["weight"]
        self.grads["weight"] = (delta.T @ a_prev).astype(W.dtype, copy=False)  # dL/dW = delta^T a^{(l-1)}
        if "bias" in self.params:
            self.grads["bias"] = delta.sum(axis=0).astype(W.dtype, copy=False)  # dL/db = sum_n delta_n
        return delta @ W.astype(delta.dtype, copy=False)                     # dL/da^{(l-1)} = delta W


class _Activation(Module):
    """An elementwise :math:`a = f(z)` whose backward multiplies by :math:`f'(z)`."""

    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _check(self, dy: np.ndarray) -> np.ndarray:
        return self._check_dy(dy, self._cached("a").shape)


class ReLU(_Activation):
    r"""Rectified linear unit :math:`f(z) = \max(z, 0)`, :math:`f'(z) = [z > 0]`."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        z = as_float(x)
        self.a = np.maximum(z, 0)                  # f(z) = max(z, 0)
        return self.a

    def backward(self, dy: np.ndarray) -> np.ndarray:
        dy = self._check(dy)
        return dy * (self.a > 0)                   # delta = dy * f'(z), f'(z) = 1 if z > 0 else 0


def sigmoid(z: np.ndarray) -> np.ndarray:
    r"""Logistic function :math:`\sigma(z) = 1/(1+e^{-z})`, computed without overflow.

    With :math:`e = e^{-|z|} \le 1`: :math:`\sigma(z) = 1/(1+e)` for :math:`z \ge 0`
    and :math:`e/(1+e)` for :math:`z < 0`.
    """
    z = as_float(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


class Sigmoid(_Activation):
    r"""Logistic unit :math:`f(z) = \sigma(z)`, :math:`f'(z) = \sigma(z)(1 - \sigma(z))`."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.a = sigmoid(x)                        # a = 1 / (1 + exp(-z))
        return self.a

    def backward(self, dy: np.ndarray) -> np.ndarray:
        dy = self._check(dy)
        return dy * self.a * (1 - self.a)          # f'(z) = a (1 - a)


class Tanh(_Activation):
    r"""Hyperbolic tangent :math:`f(z) = \tanh z` (zero-centred), :math:`f'(z) = 1 - \tanh^2 z`."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.a = np.tanh(as_float(x))              # a = tanh z
        return self.a

    def backward(self, dy: np.ndarray) -> np.ndarray:
        dy = self._check(dy)
        return dy * (1 - self.a ** 2)              # f'(z) = 1 - a^2


class Flatten(Module):
    """Reshape ``(N, C, H, W)`` (or any ``(N, ...)``) to ``(N, C*H*W)``; backward reshapes back.

    Like torch's ``nn.Flatten`` with ``start_dim=1, end_dim=-1``.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        if x.ndim < 1:
            raise ValueError(f"{self!r} expects an input with a batch dimension, got shape {x.shape}")
        self.in_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        shape = self._cached("in_shape")
        dy = self._check_dy(dy, (shape[0], int(np.prod(shape[1:]))))
        return dy.reshape(shape)
