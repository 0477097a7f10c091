r"""Line searches: how far to go along a direction (chapter 2).

A line search looks at the objective along a direction :math:`p` from
:math:`x`, :math:`\phi(\alpha) = f(x + \alpha p)`, and picks a step
:math:`\alpha`. The searches here are pure functions of :math:`\phi`;
:func:`along` builds :math:`\phi` (and :math:`\phi'`) from an objective.

* :func:`exact_quadratic_step`: the exact minimizer on a quadratic,
  :math:`\alpha^* = -g^T p / p^T A p` (:math:`g^T g / g^T A g` along :math:`-g`).
* :func:`armijo`: backtracking until the sufficient-decrease (Armijo) condition
  :math:`\phi(\alpha) \le \phi(0) + c_1 \alpha \phi'(0)` holds.
* :func:`golden_section`: minimizes :math:`\phi` on an interval without derivatives.

A search that fails returns ``success=False`` and a ``message``; it never
raises for a failed search and never emits RuntimeWarnings.

References: Nocedal and Wright (2006), *Numerical Optimization*, ch. 3;
scipy.optimize's ``_linesearch.py``.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

from . import _validate


class LineSearchResult(NamedTuple):
    """Outcome of a line search.

    Attributes
    ----------
    alpha : float
        The step found (the last one tried if the search failed).
    phi : float
        :math:`\\phi(\\alpha)`.
    n_evals : int
        Number of evaluations of :math:`\\phi`.
    success : bool
    message : str
    """

    alpha: float
    phi: float
    n_evals: int
    success: bool
    message: str


def along(objective, x, p):
    r"""Return :math:`\phi(\alpha) = f(x + \alpha p)` and :math:`\phi'(\alpha) = \nabla f(x + \alpha p)^T p`.

    Overflow while evaluating far out gives ``inf`` or ``nan`` silently (the
    searches treat those as "too far").
    """
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)

    def phi(alpha):
        with np.errstate(over="ignore", invalid="ignore"):
            return float(objective.value(x + alpha * p))

    def dphi(alpha):
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.dot(objective.grad(x + alpha * p), p))

    return phi, dphi


def exact_quadratic_step(A, g, p=None) -> float:
    r"""Exact line search on a quadratic with Hessian :math:`A`.

    Along :math:`p` from a point with gradient :math:`g`,
    :math:`\phi(\alpha) = \phi(0) + \alpha g^T p + \tfrac12 \alpha^2 p^T A p`,
    so :math:`\phi'(\alpha) = 0` gives

    .. math::

        \alpha^* = -\frac{g^T p}{p^T A p}
        \qquad\text{and for } p = -g: \qquad
        \alpha^* = \frac{g^T g}{g^T A g}.

    Returns ``inf`` when :math:`p^T A p \le 0` (no minimum along :math:`p`)
    and 0 when :math:`p = 0`.
    """
    A = np.asarray(A, dtype=float)
    g = np.asarray(g, dtype=float)
    p = -g if p is None else np.asarray(p, dtype=float)
    curvature = float(p @ A @ p)
    slope = float(g @ p)
    if not np.any(p):
        return 0.0
    if curvature <= 0:
        return math.inf
    return -slope / curvature


def armijo_condition(phi_alpha, phi0, dphi0, alpha, c1=1e-4) -> bool:
    r"""Sufficient decrease: :math:`\phi(\alpha) \le \phi(0) + c_1 \alpha \phi'(0)`."""
    return bool(phi_alpha <= phi0 + c1 * alpha * dphi0)


def curvature_condition(dphi_alpha, dphi0, c2=0.9, strong=False) -> bool:
    r"""Wolfe's curvature condition :math:`\phi'(\alpha) \ge c_2 \phi'(0)`.

    Strong form: :math:`|\phi'(\alpha)| \le c_2 |\phi'(0)|`.
    """
    if strong:
        return bool(abs(dphi_alpha) <= c2 * abs(dphi0))
    return bool(dphi_alpha >= c2 * dphi0)


def armijo(phi: Callable, phi0: float, dphi0: float, alpha0=1.0, rho=0.5, c1=1e-4,
           max_iter=60) -> LineSearchResult:
    r"""Backtracking line search with the Armijo condition.

    Try :math:`\alpha = \alpha_0, \rho\alpha_0, \rho^2\alpha_0, \dots` until

    .. math::

        \phi(\alpha) \le \phi(0) + c_1\, \alpha\, \phi'(0).

    Parameters
    ----------
    phi : callable
        :math:`\phi(\alpha)`.
    phi0, dphi0 : float
        :math:`\phi(0)` and the slope :math:`\phi'(0) = \nabla f(x)^T p` (< 0
        for a descent direction).
    alpha0 : float, default 1
    rho : float, default 0.5
        Shrink factor, in (0, 1).
    c1 : float, default 1e-4
        In (0, 1).
    max_iter : int, default 60

    Returns
    -------
    LineSearchResult
        ``success=False`` if :math:`p` is not a descent direction or no step
        passed within ``max_iter`` trials.
    """
    alpha = _validate.real("alpha0", alpha0, low=0.0, low_open=True)
    rho = _validate.real("rho", rho, low=0.0, high=1.0, low_open=True, high_open=True)
    c1 = _validate.real("c1", c1, low=0.0, high=1.0, low_open=True, high_open=True)
    max_iter = _validate.integer("max_iter", max_iter, low=1)
    if not dphi0 < 0:
        return LineSearchResult(0.0, phi0, 0, False,
                                f"not a descent direction: phi'(0) = {dphi0:.3g} >= 0")
    for k in range(1, max_iter + 1):
        phi_alpha = phi(alpha)
        if phi_alpha <= phi0 + c1 * alpha * dphi0:          # the Armijo condition
            return LineSearchResult(alpha, phi_alpha, k, True, "sufficient decrease")
        alpha = rho * alpha
    alpha = alpha / rho
    return LineSearchResult(alpha, phi_alpha, max_iter, False,
                            f"no sufficient decrease after {max_iter} trials (alpha = {alpha:.3g})")


def backtracking(objective, x, p, alpha0=1.0, rho=0.5, c1=1e-4, max_iter=60) -> LineSearchResult:
    """:func:`armijo` along ``p`` from ``x`` for an objective with ``value`` and ``grad``."""
    phi, _ = along(objective, x, p)
    dphi0 = float(np.dot(objective.grad(np.asarray(x, dtype=float)), p))
    return armijo(phi, phi(0.0), dphi0, alpha0=alpha0, rho=rho, c1=c1, max_iter=max_iter)


_INV_PHI = (math.sqrt(5) - 1) / 2        # 1/golden ratio, about 0.618


def golden_section(phi: Callable, a=0.0, b=1.0, tol=1e-8, max_iter=200) -> LineSearchResult:
    r"""Golden-section search for the minimum of a unimodal :math:`\phi` on :math:`[a, b]`.

    Keep two interior points :math:`c = b - \tau (b - a)`, :math:`d = a + \tau (b - a)`,
    :math:`\tau = (\sqrt5 - 1)/2`; drop the end beyond the larger of
    :math:`\phi(c), \phi(d)`. Each step shrinks the bracket by :math:`\tau`
    and reuses one point, so it costs one evaluation.

    Returns
    -------
    LineSearchResult
        ``success=False`` if the bracket is still wider than ``tol`` after
        ``max_iter`` steps, or if the minimum sits at the right end ``b``
        (the interval was too short).
    """
    a = _validate.real("a", a)
    b = _validate.real("b", b)
    if not b > a:
        raise ValueError(f"b must be > a, got a={a!r}, b={b!r}")
    tol = _validate.real("tol", tol, low=0.0, low_open=True)
    max_iter = _validate.integer("max_iter", max_iter, low=1)
    right_end = b
    c, d = b - _INV_PHI * (b - a), a + _INV_PHI * (b - a)
    phi_c, phi_d = phi(c), phi(d)
    n = 2
    while b - a > tol and n < max_iter + 2:
        if phi_c <= phi_d or not np.isfinite(phi_d):   # minimum in [a, d]
            b, d, phi_d = d, c, phi_c
            c = b - _INV_PHI * (b - a)
            phi_c = phi(c)
        else:                                          # minimum in [c, b]
            a, c, phi_c = c, d, phi_d
            d = a + _INV_PHI * (b - a)
            phi_d = phi(d)
        n += 1
    alpha, phi_alpha = (c, phi_c) if phi_c <= phi_d else (d, phi_d)
    if b - a > tol:
        return LineSearchResult(alpha, phi_alpha, n, False, f"bracket still {b - a:.3g} wide after {max_iter} steps")
    if right_end - alpha <= 2 * tol:
        return LineSearchResult(alpha, phi_alpha, n, False,
                                "minimum at the right end of the interval: enlarge it")
    return LineSearchResult(alpha, phi_alpha, n, True, "bracket below tolerance")


__all__ = ["LineSearchResult", "along", "exact_quadratic_step", "armijo_condition",
           "curvature_condition", "armijo", "backtracking", "golden_section"]
