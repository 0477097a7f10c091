"""Checks for the exercises of chapter 8, comparing optimizers.

Each check takes the reader's answer (a function, a number or a choice) and
returns :class:`~gdlib.checks.Feedback`. Functions are evaluated on test cases
of the check's own; a wrong answer is matched against the mistakes people make
here (the factor 2 of :math:`\\partial_y(-y^2) = -2y` dropped, rounding down
instead of up, a ratio upside down, a square root forgotten, gradient
descent's :math:`1/L` or :math:`2L` in place of :math:`2/L`, a learning rate
reported where a step count was asked) and the kind of mistake is named,
never the expected value.

==========================  ==========================================================  =======================
exercise label              asks for                                                    check
==========================  ==========================================================  =======================
``ch08-saddle-escape``      ``escape_steps(y0, eta)``: SGD steps to reach ``|y| >= 1``   :func:`saddle_escape`
``ch08-exact-saddle``       ``who_escapes``: which methods leave the exact saddle        :func:`exact_saddle`
``ch08-sparse-rates``       ``rate_ratio(p_rare, p_common)``: Adagrad's rate ratio       :func:`sparse_rates`
``ch08-adadelta-limit``     ``lr_max(L)``: the largest rate at which Adadelta settles    :func:`adadelta_limit`
``ch08-himmelblau``         ``best_steps``: the learning-rate search on Himmelblau       :func:`himmelblau`
==========================  ==========================================================  =======================
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Callable, Sequence

import numpy as np

from ._core import Feedback, check_choice, check_number, correct, exercise, not_answered, wrong
from ._core import check_function  # noqa: E402


__all__ = ["saddle_escape", "exact_saddle", "sparse_rates", "adadelta_limit", "himmelblau",
           "ESCAPE_CASES", "RATE_CASES", "LIMIT_CASES", "HIMMELBLAU_START", "HIMMELBLAU_GRID",
           "HIMMELBLAU_TOL", "HIMMELBLAU_STEPS", "himmelblau_search"]

#: (y0, eta) pairs on which ``escape_steps(y0, eta)`` is evaluated (none lands on a whole number).
ESCAPE_CASES = ((1e-3, 0.05), (1e-2, 0.1), (1e-6, 0.01), (0.3, 0.2), (2e-4, 0.03))

#: (p_rare, p_common) pairs on which ``rate_ratio`` is evaluated.
RATE_CASES = ((0.01, 0.5), (0.001, 0.1), (0.05, 0.8), (0.003, 0.3))

#: Values of L on which ``lr_max(L)`` is evaluated.
LIMIT_CASES = ((50.0,), (2.0,), (0.5,), (1000.0,))

#: The protocol of exercise ``ch08-himmelblau``.
HIMMELBLAU_START = (-1.0, -1.0)
HIMMELBLAU_GRID = (0.01, 0.03, 0.1, 0.3)
HIMMELBLAU_TOL = 1e-3
HIMMELBLAU_STEPS = 1000


# ------------------------------------------------------------------ helpers
_scalar_function = check_function


# ------------------------------------------------------------------ exercises
def _escape(y0: float, eta: float) -> int:
    return math.ceil(math.log(1.0 / y0) / math.log(1.0 + 2.0 * eta))


@exercise("ch08-saddle-escape")
def saddle_escape(fn: Any) -> Feedback:
    """``escape_steps(y0, eta)``: the first t with ``|y_t| >= 1`` for SGD on ``x^2 - y^2`` from ``0 < y0 < 1``."""
    mistakes = (
        (lambda y0, eta: math.ceil(math.log(1 / y0) / math.log(1 + eta)),
         "the factor 2 is missing: the derivative of -y^2 is -2y, so each step multiplies y by 1 + 2 eta."),
        (lambda y0, eta: math.floor(math.log(1 / y0) / math.log(1 + 2 * eta)),
         "rounded down: after that many steps |y| is still below 1; the count must be rounded up."),
        (lambda y0, eta: math.log(1 / y0) / math.log(1 + 2 * eta),
         "the number of steps is a whole number: round the real solution up."),
        (lambda y0, eta: math.ceil(math.log(1 + 2 * eta) / math.log(1 / y0)),
         "the ratio of logarithms is upside down."),
        (lambda y0, eta: math.ceil(math.log(1 / y0) / (2 * eta)),
         "ln(1 + 2 eta) was replaced by 2 eta: that approximation is only good for tiny eta, "
         "and the question asks for the exact count."),
    )
    return _scalar_function(fn, ESCAPE_CASES, _escape, mistakes, "escape_steps(y0, eta)", integer=True)


_SADDLE_OPTIONS = ("none", "only the adaptive methods", "only momentum and NAG", "all of them")


@exercise("ch08-exact-saddle")
def exact_saddle(answer: Any) -> Feedback:
    """Which of the seven methods leave the saddle from a start exactly on the ridge y = 0."""
    hints = {
        "only the adaptive methods": (
            "an adaptive method divides the gradient by its size, but a gradient component that is "
            "exactly zero stays zero: 0 / (0 + eps) = 0."),
        "only momentum and NAG": "the velocity in y is built from y-gradients only; what are they on the ridge?",
        "all of them": "look at the y-component of the gradient of x^2 - y^2 at a point with y = 0.",
    }
    return check_choice(answer, "none", _SADDLE_OPTIONS, hints=hints, what="who_escapes")


@exercise("ch08-sparse-rates")
def sparse_rates(fn: Any) -> Feedback:
    """``rate_ratio(p_rare, p_common)``: Adagrad's effective rate of a rare over a common feature."""
    mistakes = (
        (lambda pr, pc: pc / pr, "the square root is missing: Adagrad divides by the root of the sum of squares."),
        (lambda pr, pc: math.sqrt(pr / pc),
         "this is the reciprocal: the rare feature has the smaller sum, hence the larger rate."),
        (lambda pr, pc: pr / pc, "upside down and without the square root."),
        (lambda pr, pc: 1.0, "that is plain SGD, whose rate is the same for every feature; Adagrad's is not."),
    )
    return _scalar_function(fn, RATE_CASES, lambda pr, pc: math.sqrt(pc / pr), mistakes,
                            "rate_ratio(p_rare, p_common)")


@exercise("ch08-adadelta-limit")
def adadelta_limit(fn: Any) -> Feedback:
    """``lr_max(L)``: the largest ``lr`` for which Adadelta can settle at the minimum of a quadratic with top curvature L."""
    mistakes = (
        (lambda L: 1.0 / L, "1/L is the rate that removes the steepest component in one step, not the stability limit."),
        (lambda L: 2.0 * L, "the limit is inversely proportional to the curvature: a steeper valley needs a smaller rate."),
        (lambda L: L / 2.0, "this is the reciprocal of the limit."),
        (lambda L: 2.0 / math.sqrt(L), "no square root: near the minimum Adadelta's factor tends to 1, "
                                       "leaving plain gradient descent."),
    )
    return _scalar_function(fn, LIMIT_CASES, lambda L: 2.0 / L, mistakes, "lr_max(L)")


@lru_cache(maxsize=1)
def himmelblau_search() -> tuple[float, int]:
    """(best lr, its step count) of Adam on Himmelblau under the exercise's protocol, computed with gdlib."""
    from ..descent import minimize
    from ..objectives import Himmelblau
    from ..optim import Adam

    f = Himmelblau()
    best = None
    for lr in HIMMELBLAU_GRID:
        res = minimize(f, np.array(HIMMELBLAU_START), Adam(lr=lr), steps=HIMMELBLAU_STEPS, tol=HIMMELBLAU_TOL)
        if res.status == "converged" and (best is None or res.steps < best[1]):
            best = (lr, res.steps)
    if best is None:  # pragma: no cover  (the protocol is chosen so that some rate converges)
        raise RuntimeError("no learning rate of the grid converged")
    return best


@exercise("ch08-himmelblau")
def himmelblau(best_steps: Any) -> Feedback:
    """``best_steps``: the fewest steps Adam needs on Himmelblau over the exercise's grid of rates."""
    if best_steps is Ellipsis or best_steps is None:
        return not_answered()
    lr, steps = himmelblau_search()
    arr = np.asarray(best_steps)
    if arr.size == 1 and arr.dtype.kind in "biuf":
        x = float(arr.reshape(()))
        if x in HIMMELBLAU_GRID:
            return wrong("best_steps: this is one of the learning rates; the question asks for the number of steps.")
        if x == steps + 1:
            return wrong("best_steps: one too many; count updates (res.steps), not iterates (len(res.path)).")
        if x == HIMMELBLAU_STEPS:
            return wrong("best_steps: that is the step budget, reached by a run that did not converge.")
    return check_number(best_steps, steps, integer=True, what="best_steps")
