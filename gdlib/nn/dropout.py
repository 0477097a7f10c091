r"""Dropout (Srivastava et al. 2014; chapter 10).

In training every unit is kept with probability :math:`q = 1 - p` and zeroed
otherwise, with a fresh mask :math:`m_i \sim \text{Bernoulli}(q)` per forward
pass. Two ways keep the expected input of the next layer the same at test
time:

* **inverted** (torch, the default): scale in training,
  :math:`y = m \odot x / q`; at test time :math:`y = x`.
* **classic** (the course slides): :math:`y = m \odot x` in training and scale
  at test time by the keep probability, :math:`y = q\,x`.

Both give :math:`\mathbb E[y_{\text{train}}] = y_{\text{test}}`. (The slides
call the factor "the dropout probability p" and write :math:`\sigma(p\,W h)`:
there ``p`` is the probability of *keeping* a unit, which is :math:`q` here;
``Dropout(p)`` follows torch, ``p`` = probability of dropping.)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate
from . import init
from .module import Module, as_float


class Dropout(Module):
    r"""Zero each input with probability ``p`` in training (``mode="inverted"`` or ``"classic"``).

    Parameters
    ----------
    p : float in [0, 1]
        Probability of dropping a unit; :math:`q = 1 - p` is the keep probability.
    mode : {"inverted", "classic"}
        inverted: :math:`y = m \odot x / q` in training, :math:`y = x` in eval.
        classic: :math:`y = m \odot x` in training, :math:`y = q x` in eval.
    rng : np.random.Generator or int, optional
        Source of the masks.

    Notes
    -----
    ``forward(x, mask=m)`` uses a given boolean mask (to compare with another
    implementation); the mask of the last forward pass is ``layer.mask`` and is
    reused by ``backward``: :math:`\partial L/\partial x = m \odot \delta / q`
    (inverted) or :math:`m \odot \delta` (classic). With ``reuse_mask = True``
    the layer keeps its mask between forward passes (used by gradient checking).
    """

    def __init__(self, p: float = 0.5, mode: str = "inverted", rng: Any = None) -> None:
        super().__init__()
        self.p = _validate.real("p", p, low=0, high=1)
        self.mode = _validate.choice("mode", mode, ("inverted", "classic"))
        self.rng = init.as_generator(rng)
        self.mask: np.ndarray | None = None
        self.reuse_mask = False

    def extra_repr(self) -> str:
        return f"p={self.p:g}, mode={self.mode!r}"

    def _scale(self) -> float:
        q = 1.0 - self.p                              # keep probability
        if self.mode == "classic":
            return 1.0
        return 1.0 / q if q > 0 else 0.0              # p = 1 drops everything

    def forward(self, x: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        x = as_float(x)
        self.in_shape = x.shape
        q = 1.0 - self.p
        if not self.training:
            self.mask = None
            return x if self.mode == "inverted" else x * x.dtype.type(q)   # classic: y = q x at test time
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != x.shape:
                raise ValueError(f"{self!r}: mask shape {mask.shape} does not match input shape {x.shape}")
            self.mask = mask
        elif not (self.reuse_mask and self.mask is not None and self.mask.shape == x.shape):
            self.mask = self.rng.random(x.shape) < q   # m_i ~ Bernoulli(q)
        return x * (self.mask * x.dtype.type(self._scale()))   # y = m * x (/ q if inverted)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        shape = self._cached("in_shape")
        dy = self._check_dy(dy, shape)
        if not self.training:
            q = 1.0 - self.p
            return dy if self.mode == "inverted" else dy * dy.dtype.type(q)
        return dy * (self.mask * dy.dtype.type(self._scale()))  # the same mask as the forward pass
