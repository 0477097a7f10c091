r"""Losses and the residual of the output layer (chapter 9).

``loss.forward(pred, target)`` returns the (mean) loss, ``loss.backward()``
returns :math:`\partial L/\partial \text{pred}`, the residual :math:`\delta^{(L)}`
that starts backpropagation.

* ``MSELoss``: :math:`L = \frac1{M}\sum (\hat y - y)^2`, :math:`\delta^{(L)} = \frac{2}{M}(\hat y - y)`
  (:math:`M` = number of entries). The lecture notes' :math:`\frac12\sum` form
  differs by a constant factor only (``reduction="half_sum"``).
* ``CrossEntropyLoss``: softmax and negative log-likelihood on logits,
  :math:`L = -\frac1N\sum_n \log \mathrm{softmax}(z_n)_{y_n}`,
  :math:`\delta^{(L)} = \frac1N(\mathrm{softmax}(z) - \mathrm{onehot}(y))`: the
  output-layer residual "prediction minus target".
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate
from .module import as_float


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    r""":math:`\log\mathrm{softmax}(z)_k = z_k - \max z - \log\sum_j e^{z_j - \max z}` (no overflow)."""
    z = as_float(z)
    shifted = z - z.max(axis=axis, keepdims=True)          # the largest entry becomes 0: exp never overflows
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    r""":math:`\mathrm{softmax}(z)_k = e^{z_k} / \sum_j e^{z_j}`, computed from the shifted logits."""
    z = as_float(z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


class _Loss:
    def __call__(self, pred: np.ndarray, target: np.ndarray) -> float:
        return self.forward(pred, target)

    def forward(self, pred: np.ndarray, target: np.ndarray) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def _cached(self, name: str) -> Any:
        value = getattr(self, name, None)
        if value is None:
            raise RuntimeError(f"{self!r}: backward called before forward")
        return value


class MSELoss(_Loss):
    r"""Squared error :math:`L = \frac1M\sum_i(\hat y_i - y_i)^2` (``reduction="mean"``, torch's default).

    ``reduction="sum"`` gives :math:`\sum_i(\hat y_i - y_i)^2`; ``"half_sum"``
    the lecture notes' :math:`\frac12\sum_i(\hat y_i - y_i)^2`, whose residual is
    simply :math:`\hat y - y`.
    """

    def __init__(self, reduction: str = "mean") -> None:
        self.reduction = _validate.choice("reduction", reduction, ("mean", "sum", "half_sum"))
        self.diff: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"MSELoss(reduction={self.reduction!r})"

    def forward(self, pred: np.ndarray, target: np.ndarray) -> float:
        pred, target = as_float(pred), as_float(target)
        if pred.shape != target.shape:
            raise ValueError(f"{self!r}: pred shape {pred.shape} and target shape {target.shape} differ")
        self.diff = pred - target                            # y_hat - y
        sq = float(np.sum(self.diff * self.diff))
        return {"mean": sq / max(self.diff.size, 1), "sum": sq, "half_sum": 0.5 * sq}[self.reduction]

    def backward(self) -> np.ndarray:
        diff = self._cached("diff")
        if self.reduction == "mean":
            return 2.0 * diff / max(diff.size, 1)             # delta = 2 (y_hat - y) / M
        return 2.0 * diff if self.reduction == "sum" else diff.copy()


class CrossEntropyLoss(_Loss):
    r"""Softmax + negative log-likelihood on logits ``(N, C)`` and integer labels ``(N,)``, mean over N.

    .. math::

        L = -\frac1N \sum_n \log p_{n, y_n},\quad p_n = \mathrm{softmax}(z_n),\qquad
        \frac{\partial L}{\partial z_n} = \frac1N (p_n - e_{y_n}).

    ``reduction="sum"`` drops the :math:`1/N`.
    """

    def __init__(self, reduction: str = "mean") -> None:
        self.reduction = _validate.choice("reduction", reduction, ("mean", "sum"))
        self.p: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"CrossEntropyLoss(reduction={self.reduction!r})"

    def forward(self, pred: np.ndarray, target: np.ndarray) -> float:
        z = as_float(pred)
        y = np.asarray(target)
        if z.ndim != 2:
            raise ValueError(f"{self!r} expects logits of shape (N, C), got {z.shape}")
        if y.shape != (z.shape[0],):
            raise ValueError(f"{self!r} expects integer labels of shape ({z.shape[0]},) for logits {z.shape}, "
                             f"got {y.shape}")
        if y.dtype.kind not in "iu":
            raise TypeError(f"{self!r} expects integer class labels, got dtype {y.dtype}")
        if y.size and (y.min() < 0 or y.max() >= z.shape[1]):
            raise ValueError(f"{self!r}: labels must be in [0, {z.shape[1] - 1}], got values in [{y.min()}, {y.max()}]")
        logp = log_softmax(z, axis=1)                          # log softmax, stable
        self.p, self.y = np.exp(logp), y                       # p = softmax(z)
        nll = -float(logp[np.arange(y.size), y].sum())         # -sum_n log p_{n, y_n}
        return nll / max(y.size, 1) if self.reduction == "mean" else nll

    def backward(self) -> np.ndarray:
        p = self._cached("p")
        delta = p.copy()
        delta[np.arange(self.y.size), self.y] -= 1             # p - onehot(y)
        if self.reduction == "mean":
            delta /= max(self.y.size, 1)                       # mean over the batch
        return delta
