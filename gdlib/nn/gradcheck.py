r"""Gradient checking with central finite differences (chapter 9; Ruder §2.1).

For every parameter entry :math:`\theta_i` (and, optionally, every input entry)

.. math::

    \frac{\partial L}{\partial \theta_i} \approx
    \frac{L(\theta + h e_i) - L(\theta - h e_i)}{2h},

with an error :math:`O(h^2)` plus rounding :math:`O(\varepsilon / h)`. For each
array the check reports the largest difference relative to the array's
largest entry,

.. math::

    e = \frac{\max_i |g^{bp}_i - g^{fd}_i|}{\max(\max_i |g^{bp}_i|, \max_i |g^{fd}_i|, \text{floor})},

which is about 1e-8 or less in float64 with :math:`h = 10^{-6}` when backprop
is right, and of order 1 when a formula is wrong. (The floor keeps gradients
that are exactly zero, like the bias of a layer followed by batch norm, from
turning rounding noise into a large relative error.)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .. import _validate
from .dropout import Dropout
from .module import Module
from .norm import _flat_layers


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6,
                       indices: np.ndarray | None = None) -> np.ndarray:
    r"""Central differences :math:`(f(x + h e_i) - f(x - h e_i)) / 2h` for the flat ``indices`` of ``x`` (all by default).

    ``x`` is not modified; entries not in ``indices`` are left at 0.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    idx = np.arange(x.size) if indices is None else np.asarray(indices)
    for i in idx:
        old = flat[i]
        flat[i] = old + h
        f_plus = f(x)
        flat[i] = old - h
        f_minus = f(x)
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


@dataclass
class GradCheckResult:
    """Largest relative error per checked array (``"input"`` and each parameter key)."""

    errors: dict[str, float] = field(default_factory=dict)
    tol: float = 1e-6

    @property
    def max_error(self) -> float:
        return max(self.errors.values(), default=0.0)

    @property
    def ok(self) -> bool:
        return self.max_error <= self.tol

    def __repr__(self) -> str:
        rows = ", ".join(f"{k}: {v:.2e}" for k, v in self.errors.items())
        return f"GradCheckResult(ok={self.ok}, max_error={self.max_error:.2e}, {rows})"


def _rel_error(a: np.ndarray, b: np.ndarray, floor: float) -> float:
    if a.size == 0:
        return 0.0
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))), floor)
    return float(np.max(np.abs(a - b))) / scale


def gradcheck(model: Module, loss: Any, x: np.ndarray, target: np.ndarray, h: float = 1e-6, tol: float = 1e-6,
              check_input: bool = True, max_entries: int | None = None, rng: Any = 0,
              floor: float = 1e-2) -> GradCheckResult:
    """Compare backprop's gradients of ``loss(model(x), target)`` with central differences.

    Runs in float64 in the model's current mode. Dropout layers keep one mask
    for the whole check (``reuse_mask``); batch norm in training mode uses the
    batch statistics, which are part of the function being differentiated (its
    running statistics are restored afterwards).

    Parameters
    ----------
    model : Module
        A layer or ``Sequential``.
    loss : MSELoss or CrossEntropyLoss
    x, target : arrays
    h : float
        Finite-difference step.
    tol : float
        ``result.ok`` is ``max_error <= tol``.
    check_input : bool
        Also check :math:`\\partial L/\\partial x`.
    max_entries : int, optional
        Check at most this many randomly chosen entries per array (all by default).
    rng : Generator or int
        Chooses the entries when ``max_entries`` is set.
    floor : float
        Lower bound of the error's denominator (see the module docstring).

    Returns
    -------
    GradCheckResult
    """
    h = _validate.real("h", h, low=0, low_open=True)
    x = np.array(x, dtype=np.float64)
    g = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    dropouts = [layer for layer in _flat_layers(model) if isinstance(layer, Dropout)]
    old_reuse = [d.reuse_mask for d in dropouts]
    saved_buffers = model.state_dict()
    try:
        for d in dropouts:
            d.reuse_mask = False
        out = model.forward(x)                      # draws the dropout masks once
        loss.forward(out, target)
        dx = model.backward(loss.backward())
        analytic = {k: v.copy() for k, v in model.grads.items()}
        for d in dropouts:
            d.reuse_mask = True

        def pick(size: int) -> np.ndarray | None:
            if max_entries is None or size <= max_entries:
                return None
            return g.choice(size, size=max_entries, replace=False)

        result = GradCheckResult(tol=tol)
        if check_input:
            idx = pick(x.size)
            num = numerical_gradient(lambda xx: loss.forward(model.forward(xx), target), x, h, idx)
            sel = slice(None) if idx is None else idx
            result.errors["input"] = _rel_error(dx.reshape(-1)[sel], num.reshape(-1)[sel], floor)
        params = {k: v.astype(np.float64) for k, v in model.params.items()}
        for key, value in params.items():
            def f(theta: np.ndarray, key: str = key) -> float:
                model.load_params({key: theta}, strict=False)
                return loss.forward(model.forward(x), target)
            idx = pick(value.size)
            num = numerical_gradient(f, value, h, idx)
            model.load_params({key: value}, strict=False)
            sel = slice(None) if idx is None else idx
            result.errors[key] = _rel_error(analytic[key].reshape(-1)[sel], num.reshape(-1)[sel], floor)
        return result
    finally:
        for d, r in zip(dropouts, old_reuse):
            d.reuse_mask = r
        model.load_state_dict(saved_buffers)
