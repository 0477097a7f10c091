r"""2-D convolution by im2col (chapter 9, the convolutional case).

A convolution is a fully connected layer applied to every image patch with
shared weights. ``im2col`` lays the patches out as rows of a matrix, so the
forward pass and the weight gradient are the matrix products of ``Linear``:

.. math::

    z_{n,o,i,j} = b_o + \sum_{c,p,q} W_{o,c,p,q}\, x_{n,c,\,s i + p,\, s j + q}
    \quad\Longleftrightarrow\quad Z = X_{\text{col}} W_{\text{mat}}^\top + b .

Backward, with :math:`\delta = \partial L / \partial z`:

.. math::

    \frac{\partial L}{\partial W} = \delta_{\text{mat}}^\top X_{\text{col}},\qquad
    \frac{\partial L}{\partial b_o} = \sum_{n,i,j}\delta_{n,o,i,j},\qquad
    \frac{\partial L}{\partial x} = \mathrm{col2im}\bigl(\delta_{\text{mat}} W_{\text{mat}}\bigr).

``col2im`` adds every patch's gradient back at the pixels it came from; for
stride 1 this equals the "full" convolution of :math:`\delta` with the kernel
rotated by 180 degrees, the form in which the lecture notes write the hidden-
layer residual of a convolutional layer.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import _validate
from . import init
from .module import Module, as_float


def _pair(name: str, value: Any, low: int) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        return (_validate.integer(name, value[0], low=low), _validate.integer(name, value[1], low=low))
    v = _validate.integer(name, value, low=low)
    return (v, v)


def im2col(x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Patches of a (padded) ``(N, C, H, W)`` array as rows: shape ``(N*Ho*Wo, C*kh*kw)``.

    Uses a strided view (no copy) of all windows, then one copy into the
    row layout that the matrix product needs.
    """
    kh, kw = kernel
    sh, sw = stride
    windows = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]  # (N, C, Ho, Wo, kh, kw)
    N, C, Ho, Wo = windows.shape[:4]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * Ho * Wo, C * kh * kw)


def col2im(cols: np.ndarray, x_shape: tuple[int, ...], kernel: tuple[int, int], stride: tuple[int, int],
           out_hw: tuple[int, int]) -> np.ndarray:
    """Adjoint of ``im2col``: add each patch row back onto the pixels it was read from.

    Loops over the ``kh * kw`` kernel offsets only (never over samples or pixels).
    """
    N, C, H, W = x_shape
    kh, kw = kernel
    sh, sw = stride
    Ho, Wo = out_hw
    patches = cols.reshape(N, Ho, Wo, C, kh, kw).transpose(0, 3, 4, 5, 1, 2)  # (N, C, kh, kw, Ho, Wo)
    dx = np.zeros(x_shape, dtype=cols.dtype)
    for p in range(kh):
        for q in range(kw):
            dx[:, :, p:p + sh * Ho:sh, q:q + sw * Wo:sw] += patches[:, :, p, q]
    return dx


class Conv2d(Module):
    r"""2-D convolution (cross-correlation, as in torch's ``nn.Conv2d``).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size, stride, padding : int or (int, int)
        Zero padding on each side; output size
        :math:`H_o = \lfloor (H + 2P - K)/S \rfloor + 1`.
    bias : bool
    rng : np.random.Generator or int, optional
        Initial weights, torch's default :math:`U(-1/\sqrt{n_{in}}, 1/\sqrt{n_{in}})`,
        :math:`n_{in} = C_{in} K_h K_w`.
    dtype : numpy dtype

    Notes
    -----
    ``weight`` has shape ``(out_channels, in_channels, kh, kw)``, ``bias``
    ``(out_channels,)``; input ``(N, C_in, H, W)``, output ``(N, C_out, H_o, W_o)``.
    """

    decay_keys = ("weight",)

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 bias: bool = True, rng: Any = None, dtype: Any = np.float64) -> None:
        super().__init__()
        self.in_channels = _validate.integer("in_channels", in_channels, low=1)
        self.out_channels = _validate.integer("out_channels", out_channels, low=1)
        self.kernel_size = _pair("kernel_size", kernel_size, 1)
        self.stride = _pair("stride", stride, 1)
        self.padding = _pair("padding", padding, 0)
        g = init.as_generator(rng)
        shape = (self.out_channels, self.in_channels, *self.kernel_size)
        self.params["weight"] = init.torch_default(shape, rng=g).astype(dtype)
        if bias:
            fan_in, _ = init.fans(shape)
            self.params["bias"] = init.torch_default((self.out_channels,), fan_in=fan_in, rng=g).astype(dtype)
        self.zero_grad()
        self.cols: np.ndarray | None = None

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}")

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"{self!r} expects input of shape (N, {self.in_channels}, H, W), got {x.shape}")
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if (ph or pw) else x
        N, C, H, W = x_pad.shape
        if H < kh or W < kw:
            raise ValueError(f"{self!r}: padded input {x_pad.shape[2:]} is smaller than the kernel {(kh, kw)} "
                             f"(input shape {x.shape})")
        Ho, Wo = (H - kh) // sh + 1, (W - kw) // sw + 1
        W_mat = self.params["weight"].reshape(self.out_channels, -1).astype(x.dtype, copy=False)
        self.cols = im2col(x_pad, self.kernel_size, self.stride)    # X_col: one patch per row
        self.x_shape, self.pad_shape, self.out_hw = x.shape, x_pad.shape, (Ho, Wo)
        z = self.cols @ W_mat.T                                     # Z = X_col W_mat^T + b
        if "bias" in self.params:
            z += self.params["bias"].astype(x.dtype, copy=False)
        return z.reshape(N, Ho, Wo, self.out_channels).transpose(0, 3, 1, 2)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        cols = self._cached("cols")
        N, Ho, Wo = self.x_shape[0], *self.out_hw
        delta = self._check_dy(dy, (N, self.out_channels, Ho, Wo))
        delta_mat = delta.transpose(0, 2, 3, 1).reshape(-1, self.out_channels)  # one row per output pixel
        Wt = self.params["weight"]
        self.grads["weight"] = (delta_mat.T @ cols).reshape(Wt.shape).astype(Wt.dtype, copy=False)  # delta^T X_col
        if "bias" in self.params:
            self.grads["bias"] = delta_mat.sum(axis=0).astype(Wt.dtype, copy=False)   # sum over n, i, j
        dcols = delta_mat @ Wt.reshape(self.out_channels, -1).astype(delta.dtype, copy=False)  # delta W_mat
        dx_pad = col2im(dcols, self.pad_shape, self.kernel_size, self.stride, self.out_hw)
        ph, pw = self.padding
        return dx_pad[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]   # drop the padding
