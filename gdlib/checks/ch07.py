"""Checks for the exercises of chapter 7, adaptive learning rates.

Each check takes the reader's answer (a function or a number) and returns
:class:`~gdlib.checks.Feedback`. Functions are evaluated on test cases of the
check's own; a wrong answer is matched against the mistakes people make with
adaptive methods (a missing square root, the bias-corrected value where the
uncorrected one is asked for, the averaging window where the half-life is
asked for, a move counted after Rprop's sign change, epsilon placed on the
wrong side of the square root) and the kind of mistake is named, never the
expected value.

=========================  =========================================================  ======================
exercise label             asks for                                                   check
=========================  =========================================================  ======================
``ch07-first-step``        ``first_step(beta1, beta2)``: uncorrected Adam's first      :func:`first_step`
                           step in units of ``lr``
``ch07-half-life``         ``half_life(rho)``: steps until a weight of a moving        :func:`half_life`
                           average halves
``ch07-rprop-cycle``       ``theta_10``: Rprop's position after one nine-up-one-down   :func:`rprop_cycle`
                           cycle
``ch07-eps-inside``        ``g_star(eps)``: the gradient size at which epsilon         :func:`eps_inside`
                           inside the square root doubles the denominator
=========================  =========================================================  ======================
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

import numpy as np

from ._core import Feedback, check_number, correct, exercise, not_answered, wrong
from ._core import check_function  # noqa: E402


__all__ = ["first_step", "half_life", "rprop_cycle", "eps_inside",
           "BETA_CASES", "RHO_CASES", "EPS_CASES", "rprop_cycle_value"]

#: (beta1, beta2) pairs on which ``first_step(beta1, beta2)`` is evaluated.
BETA_CASES = ((0.9, 0.999), (0.9, 0.99), (0.99, 0.999), (0.5, 0.75), (0.0, 0.9))

#: decay rates on which ``half_life(rho)`` is evaluated.
RHO_CASES = (0.5, 0.9, 0.99, 0.999, 0.75)

#: epsilons on which ``g_star(eps)`` is evaluated.
EPS_CASES = (1e-8, 1e-6, 1e-10, 0.01)


# ------------------------------------------------------------------ helpers
_scalar_function = functools.partial(check_function, atol=1e-300)


# ------------------------------------------------------------------ exercises
@exercise("ch07-first-step")
def first_step(fn: Any) -> Feedback:
    """``first_step(beta1, beta2)``: |theta_1 - theta_0| / lr for Adam without bias correction (eps -> 0)."""
    mistakes = (
        (lambda b1, b2: 1.0,
         "this is the first step *with* bias correction; the slides' Adam divides the raw m_1 by the raw sqrt(v_1)."),
        (lambda b1, b2: (1 - b1) / (1 - b2),
         "the square root is missing: the denominator is sqrt(v_1), not v_1."),
        (lambda b1, b2: np.sqrt(1 - b2) / (1 - b1),
         "this is the reciprocal of the quantity asked for: m_1 is in the numerator."),
        (lambda b1, b2: b1 / np.sqrt(b2),
         "the new gradient enters m_1 and v_1 with the weights 1 - beta1 and 1 - beta2, not beta1 and beta2."),
        (lambda b1, b2: (1 - b1) / np.sqrt(b2),
         "v_1 = (1 - beta2) g^2: the weight of the new squared gradient is 1 - beta2."),
        (lambda b1, b2: b1 / np.sqrt(1 - b2),
         "m_1 = (1 - beta1) g: the weight of the new gradient is 1 - beta1."),
        (lambda b1, b2: -(1 - b1) / np.sqrt(1 - b2),
         "the sign is flipped: the step length is a magnitude."),
    )
    return _scalar_function(fn, BETA_CASES, lambda b1, b2: (1 - b1) / np.sqrt(1 - b2), mistakes,
                            "first_step(beta1, beta2)")


@exercise("ch07-half-life")
def half_life(fn: Any) -> Feedback:
    """``half_life(rho)``: the n with rho**n = 1/2 (a real number)."""
    mistakes = (
        (lambda rho: 1 / (1 - rho),
         "this is the effective window 1 / (1 - rho) (the sum of the weights relative to the newest), "
         "not the number of steps after which a weight has halved."),
        (lambda rho: np.log(2) / np.log(rho),
         "the sign is flipped: ln(rho) < 0, so the half-life is ln 2 / (-ln rho)."),
        (lambda rho: np.log10(2) / -np.log(rho),
         "the logarithms must have the same base (ln 2 / -ln rho, or log10 2 / -log10 rho)."),
        (lambda rho: np.log(2) / -np.log10(rho),
         "the logarithms must have the same base (ln 2 / -ln rho, or log10 2 / -log10 rho)."),
        (lambda rho: np.log(2) / (1 - rho),
         "close for rho near 1 (-ln rho is about 1 - rho), but not exact: use -ln rho."),
        (lambda rho: -np.log(rho) / np.log(2),
         "this is the reciprocal of the quantity asked for: solve rho^n = 1/2 for n."),
        (lambda rho: np.log(2) / -np.log(1 - rho),
         "the weights decay by the factor rho per step, not 1 - rho."),
    )
    return _scalar_function(fn, [(r,) for r in RHO_CASES], lambda rho: np.log(2) / -np.log(rho), mistakes,
                            "half_life(rho)")


def rprop_cycle_value(lr: float = 0.01, etaplus: float = 1.2, up: int = 9) -> float:
    """Position of torch-style Rprop from 0 after ``up`` gradients +0.1 and one -0.9 (no backtracking)."""
    # first update: no previous gradient, step lr; then up - 1 growing steps; the flip does not move.
    return -lr * sum(etaplus ** k for k in range(up))


@exercise("ch07-rprop-cycle")
def rprop_cycle(theta_10: Any) -> Feedback:
    """``theta_10``: Rprop(lr=0.01) after nine gradients +0.1 and one -0.9, from theta = 0."""
    if theta_10 is Ellipsis or theta_10 is None:
        return not_answered()
    try:
        x = float(np.asarray(theta_10, dtype=float).reshape(()))
    except (TypeError, ValueError):
        return check_number(theta_10, rprop_cycle_value(), rtol=1e-6, what="theta_10")
    expected = rprop_cycle_value()
    if np.isclose(x, expected, rtol=1e-6):
        return correct()
    last = 0.5 * 0.01 * 1.2 ** 9            # size of a (wrong) move at the sign change
    hints = (
        (-expected, "the sign is flipped: a positive gradient moves the weight down."),
        (expected + last, "at a sign change torch's Rprop halves the step size and does not move."),
        (expected + 0.01 * 1.2 ** 9, "at a sign change torch's Rprop halves the step size and does not move."),
        (rprop_cycle_value(up=10), "count again: the tenth gradient has the opposite sign."),
        (-0.01 * sum(1.2 ** k for k in range(1, 10)),
         "the first update has no previous gradient (the product is 0): it uses the initial step lr unchanged."),
        (0.0, "that is what SGD does (the gradients average to zero); Rprop looks only at signs."),
        (-0.09, "the step sizes grow by the factor 1.2 while the signs agree."),
    )
    for value, words in hints:
        if np.isclose(x, value, rtol=1e-6, atol=1e-12):
            return wrong(f"theta_10: {words}")
    return check_number(x, expected, rtol=1e-6, what="theta_10")


@exercise("ch07-eps-inside")
def eps_inside(fn: Any) -> Feedback:
    """``g_star(eps)``: |g| > 0 with sqrt(g^2 + eps) = 2 |g| (steady state v = g^2)."""
    mistakes = (
        (lambda eps: np.sqrt(eps),
         "at |g| = sqrt(eps) the denominator is sqrt(2) |g|, not 2 |g|: solve g^2 + eps = 4 g^2."),
        (lambda eps: eps,
         "this is the answer for epsilon *outside* the square root (|g| + eps = 2 |g|)."),
        (lambda eps: np.sqrt(eps / 4),
         "square both sides of sqrt(g^2 + eps) = 2|g|: g^2 + eps = 4 g^2, so 3 g^2 = eps."),
        (lambda eps: eps / 3,
         "the square root is missing: g^2 = eps / 3 gives |g|, after a square root."),
        (lambda eps: np.sqrt(3 * eps),
         "3 g^2 = eps: divide by 3, do not multiply."),
        (lambda eps: np.sqrt(eps / 2),
         "square both sides of sqrt(g^2 + eps) = 2|g|: the right-hand side becomes 4 g^2."),
    )
    return _scalar_function(fn, [(e,) for e in EPS_CASES], lambda eps: np.sqrt(eps / 3), mistakes,
                            "g_star(eps)")
