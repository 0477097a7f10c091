"""Finite differences, Taylor models and gradient checking (chapters 1, 3 and 9).

``f`` below is a function of one point ``x`` of shape ``(d,)`` returning a
float, or an objective from :mod:`gdlib.objectives` (its ``value`` is used).
"""
from __future__ import annotations

from typing import Callable, NamedTuple, Optional

import numpy as np

from . import _validate


def _fun(f) -> Callable:
    return f.value if hasattr(f, "value") else f


def _point(x) -> np.ndarray:
    x = _validate.finite_array("x", x)
    if x.ndim != 1:
        raise ValueError(f"x must be a vector of shape (d,), got shape {x.shape}")
    return x.astype(np.float64)


def numerical_gradient(f, x, h=1e-6) -> np.ndarray:
    r"""Central-difference gradient :math:`\partial_i f(x) \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}`.

    The error is :math:`O(h^2)` (plus rounding of order :math:`\epsilon_{\text{mach}} |f| / h`).

    Parameters
    ----------
    f : callable or objective
    x : (d,) array_like
    h : float, default 1e-6

    Returns
    -------
    ndarray of shape (d,)
    """
    f = _fun(f)
    x = _point(x)
    h = _validate.real("h", h, low=0.0, low_open=True)
    g = np.empty_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def numerical_hessian(f, x, h=1e-4, grad: Optional[Callable] = None) -> np.ndarray:
    r"""Central-difference Hessian.

    From values:

    .. math::

        H_{ij} \approx \frac{f(x + h e_i + h e_j) - f(x + h e_i - h e_j)
                            - f(x - h e_i + h e_j) + f(x - h e_i - h e_j)}{4 h^2}

    or, when ``grad`` is given (or ``f`` is an objective with ``grad``), from
    gradients, :math:`H_{:, j} \approx (\nabla f(x + h e_j) - \nabla f(x - h e_j)) / 2h`,
    symmetrised. Both are :math:`O(h^2)` accurate.

    Returns
    -------
    ndarray of shape (d, d)
    """
    if grad is None and hasattr(f, "grad"):
        grad = f.grad
    fun = _fun(f)
    x = _point(x)
    h = _validate.real("h", h, low=0.0, low_open=True)
    d = x.size
    eye = np.eye(d) * h
    H = np.empty((d, d))
    if grad is not None:
        for j in range(d):
            H[:, j] = (np.asarray(grad(x + eye[j])) - np.asarray(grad(x - eye[j]))) / (2 * h)
        return 0.5 * (H + H.T)
    for i in range(d):
        for j in range(d):
            H[i, j] = (fun(x + eye[i] + eye[j]) - fun(x + eye[i] - eye[j])
                       - fun(x - eye[i] + eye[j]) + fun(x - eye[i] - eye[j])) / (4 * h * h)
    return 0.5 * (H + H.T)


class TaylorModel:
    r"""The Taylor model of an objective at :math:`x_0`, as a function of :math:`x`.

    .. math::

        m_1(x) &= f(x_0) + \nabla f(x_0)^T (x - x_0) \\
        m_2(x) &= m_1(x) + \tfrac12 (x - x_0)^T \nabla^2 f(x_0) (x - x_0)

    Callable on points of shape ``(d,)`` or ``(..., d)`` (a grid).

    Attributes
    ----------
    x0 : ndarray
    f0 : float
        :math:`f(x_0)`.
    g : ndarray
        :math:`\nabla f(x_0)`.
    H : ndarray or None
        :math:`\nabla^2 f(x_0)` (order 2 only).
    order : int
    """

    def __init__(self, x0, f0, g, H=None):
        self.x0, self.f0, self.g, self.H = x0, f0, g, H
        self.order = 1 if H is None else 2

    def __call__(self, x):
        dx = np.asarray(x, dtype=float) - self.x0
        m = self.f0 + dx @ self.g                               # first-order model
        if self.H is not None:
            m = m + 0.5 * np.einsum("...i,ij,...j->...", dx, self.H, dx)   # curvature term
        return m

    def minimizer(self):
        r"""The stationary point of the second-order model, :math:`x_0 - H^{-1} g` (the Newton step)."""
        if self.H is None:
            raise ValueError("minimizer needs order=2; a first-order model has no minimum")
        return self.x0 - np.linalg.solve(self.H, self.g)

    def __repr__(self) -> str:
        return f"TaylorModel(order={self.order}, x0={self.x0.tolist()})"


def taylor(objective, x0, order=2) -> TaylorModel:
    """First- or second-order Taylor model of ``objective`` at ``x0`` (chapters 1 and 3).

    Uses ``objective.grad`` and ``objective.hess`` when present, otherwise
    :func:`numerical_gradient` / :func:`numerical_hessian`.
    """
    order = _validate.choice("order", order, (1, 2))
    x0 = _point(x0)
    f0 = float(_fun(objective)(x0))
    g = np.asarray(objective.grad(x0), float) if hasattr(objective, "grad") else numerical_gradient(objective, x0)
    H = None
    if order == 2:
        H = (np.asarray(objective.hess(x0), float) if hasattr(objective, "hess")
             else numerical_hessian(objective, x0))
    return TaylorModel(x0, f0, g, H)


class GradientCheck(NamedTuple):
    """Result of :func:`gradient_check`."""

    relative_error: float
    analytic: np.ndarray
    numeric: np.ndarray


def gradient_check(f, x, grad: Optional[Callable] = None, h=1e-6) -> GradientCheck:
    r"""Compare an analytic gradient with central differences.

    .. math::

        \text{relative error} = \frac{\|g_{\text{analytic}} - g_{\text{numeric}}\|}
                                     {\max(\|g_{\text{analytic}}\|, \|g_{\text{numeric}}\|)}

    (0 when both are zero). Around 1e-7 or less is a correct gradient in
    float64; 1e-2 or more is a bug (chapter 9).

    Parameters
    ----------
    f : objective or callable
        With ``grad`` omitted, ``f`` must have ``value`` and ``grad``.
    x : (d,) array_like
    grad : callable, optional
    h : float, default 1e-6
    """
    if grad is None:
        if not hasattr(f, "grad"):
            raise TypeError(f"grad must be given when f has no .grad method, got f={f!r}")
        grad = f.grad
    x = _point(x)
    analytic = np.asarray(grad(x), dtype=float)
    numeric = numerical_gradient(f, x, h)
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numeric))
    error = 0.0 if scale == 0 else float(np.linalg.norm(analytic - numeric) / scale)
    return GradientCheck(error, analytic, numeric)


__all__ = ["numerical_gradient", "numerical_hessian", "taylor", "TaylorModel", "gradient_check",
           "GradientCheck"]
