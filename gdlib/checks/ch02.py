"""Checks for the exercises of chapter 2, steepest descent and line search.

Each check takes the reader's answer (a function, a number or a whole number)
and returns :class:`~gdlib.checks.Feedback`. Functions are evaluated on test
cases of the check's own, so a formula that fits one example by luck does not
pass; a wrong answer is matched against the mistakes people make (the
reciprocal step, a stray factor of 2, the rate on the distance instead of the
loss, a semidefinite Hessian taken for a definite one) and the kind of mistake
is named, never the expected value.

=========================  ==============================================  =======================
exercise label             asks for                                        check
=========================  ==============================================  =======================
``ch02-alpha-star``        ``alpha_star(A, g)``: the exact step along -g    :func:`alpha_star`
``ch02-armijo-c1``         ``c1_max``: the largest c1 the exact step meets  :func:`armijo_c1`
``ch02-iterations``        ``n_steps``: steps to shrink f - f* by 10^6      :func:`iterations`
``ch02-backtrack-bound``   ``alpha_min(L, alpha0, rho, c1)``                :func:`backtrack_bound`
``ch02-classify``          ``classify(H)``: what a stationary point is      :func:`classify`
=========================  ==============================================  =======================
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from ._core import Feedback, check_number, correct, exercise, not_answered, wrong
from ._core import call_answer, check_function, rotation, spd_matrix  # noqa: E402

# Shared with the other chapters' checks (gdlib.checks._core).
_evaluate = call_answer
_rotation = rotation
_spd = spd_matrix


# ------------------------------------------------------------------ test cases
#: (A, g) pairs on which ``alpha_star`` is evaluated. The gradients are not
#: eigenvectors, so 1/lambda_max and similar shortcuts give different values.
STEP_CASES = (
    (np.diag([2.0, 4.0]), np.array([2.0, 4.0])),
    (_rotation(0.5) @ np.diag([1.0, 10.0]) @ _rotation(0.5).T, np.array([1.0, -2.0])),
    (_spd([0.3, 2.0, 9.0], seed=2), np.array([0.5, -1.5, 2.0])),
    (_spd([1.0, 1.5, 4.0, 25.0], seed=3), np.array([-1.0, 0.2, 0.7, 1.3])),
)


_function_check = check_function


def _eig(A) -> np.ndarray:
    return np.linalg.eigvalsh(np.atleast_2d(A))


# ------------------------------------------------------------------ exercises
def _exact_step(A, g) -> float:
    return float(g @ g) / float(g @ A @ g)


@exercise("ch02-alpha-star")
def alpha_star(fn: Any) -> Feedback:
    """``alpha_star(A, g)``: the step along -g that minimizes ½xᵀAx - bᵀx exactly."""
    mistakes = (
        (lambda A, g: float(g @ A @ g) / float(g @ g),
         "this is the reciprocal of the step: the curvature g^T A g belongs in the denominator."),
        (lambda A, g: -_exact_step(A, g),
         "the sign is flipped. The step multiplies -g, so it is positive for a descent step."),
        (lambda A, g: 0.5 * _exact_step(A, g),
         "a factor of 2 is missing: the derivative of (alpha^2 / 2) g^T A g is alpha g^T A g."),
        (lambda A, g: 2.0 * _exact_step(A, g),
         "twice too large: this is where phi(alpha) climbs back to phi(0), not where it is lowest."),
        (lambda A, g: float(np.linalg.norm(g)) / float(g @ A @ g),
         "the numerator should be g^T g, the squared norm, not the norm."),
        (lambda A, g: 1.0 / _eig(A).max(),
         "1/lambda_max is a safe fixed step, not the exact one: the exact step depends on g "
         "through the curvature along g."),
        (lambda A, g: 2.0 / (_eig(A).min() + _eig(A).max()),
         "this is the best fixed learning rate of chapter 1; the exact step changes with g at "
         "every iteration."),
    )
    return _function_check(fn, STEP_CASES, _exact_step, mistakes, "alpha_star(A, g)")


@exercise("ch02-armijo-c1")
def armijo_c1(c1_max: Any) -> Feedback:
    """``c1_max``: the largest c1 for which the exact step on any convex quadratic is Armijo."""
    if c1_max is Ellipsis or c1_max is None:
        return not_answered()
    hints = {
        1.0: "with c1 = 1 the Armijo line is the tangent itself, and a convex phi never lies "
             "below its tangent: no positive step would pass.",
        0.0: "c1 = 0 only asks for decrease; the question is how large c1 may be.",
        0.25: "a factor of 2 too small: write phi(alpha*) with the exact step and compare it "
              "with phi(0) + c1 alpha* phi'(0) directly.",
        1e-4: "1e-4 is the customary default, which is far below the largest c1 that works.",
    }
    try:
        x = float(np.asarray(c1_max).reshape(()))
    except (TypeError, ValueError):
        x = None
    if x is not None:
        for value, words in hints.items():
            if np.isclose(x, value, rtol=1e-9, atol=1e-12):
                return wrong(f"c1_max: {words}")
    return check_number(c1_max, 0.5, rtol=1e-6, what="c1_max")


#: The iteration-count exercise: kappa and the factor by which f - f* must shrink.
ITERATIONS_KAPPA = 10.0
ITERATIONS_FACTOR = 1e6


def _steps(rate: float) -> int:
    return int(math.ceil(math.log(ITERATIONS_FACTOR) / -math.log(rate)))


@exercise("ch02-iterations")
def iterations(n_steps: Any) -> Feedback:
    """``n_steps``: exact steps from the worst start (kappa = 10) to shrink f - f* by 10^6."""
    if n_steps is Ellipsis or n_steps is None:
        return not_answered()
    k = ITERATIONS_KAPPA
    right = _steps(((k - 1) / (k + 1)) ** 2)
    try:
        x = float(np.asarray(n_steps).reshape(()))
    except (TypeError, ValueError):
        return wrong("n_steps should be a single whole number.")
    hints = {
        _steps((k - 1) / (k + 1)): "this uses (kappa - 1)/(kappa + 1) without the square; that "
                                   "factor bounds the distance in the A-norm, the loss gap "
                                   "shrinks by its square.",
        right - 1: "rounded down: after that many steps the gap is not yet below the target; "
                   "an iteration count rounds up.",
        _steps(1 - 1 / k): "this uses 1 - 1/kappa, the factor of a fixed step 1/L on the "
                           "flattest direction, not the steepest-descent bound.",
        _steps((k - 1) / (k + 1)) - 1: "this uses the unsquared factor and rounds down.",
    }
    if np.isfinite(x) and x == round(x) and int(x) in hints and int(x) != right:
        return wrong(f"n_steps: {hints[int(x)]}")
    return check_number(n_steps, right, integer=True, what="n_steps")


#: (L, alpha0, rho, c1) cases of the backtracking bound; in each, neither
#: branch of the minimum is the trivial one for every case.
BACKTRACK_CASES = (
    (10.0, 1.0, 0.5, 1e-4),
    (0.5, 1.0, 0.5, 0.1),
    (4.0, 2.0, 0.8, 0.3),
    (100.0, 0.5, 0.3, 0.01),
)


def _backtrack_bound(L, alpha0, rho, c1) -> float:
    return min(alpha0, 2.0 * rho * (1.0 - c1) / L)


@exercise("ch02-backtrack-bound")
def backtrack_bound(fn: Any) -> Feedback:
    """``alpha_min(L, alpha0, rho, c1)``: a lower bound on the step backtracking accepts."""
    mistakes = (
        (lambda L, a, r, c: min(a, 2.0 * (1.0 - c) / L),
         "the shrink factor rho is missing: the first step that passes can be as much as a factor "
         "rho below the largest step that would have passed."),
        (lambda L, a, r, c: 2.0 * r * (1.0 - c) / L,
         "the minimum with alpha0 is missing: when alpha0 already passes, backtracking returns it."),
        (lambda L, a, r, c: min(a, r * (1.0 - c) / L),
         "a factor of 2 is missing: the sufficient-decrease inequality holds for every "
         "alpha <= 2 (1 - c1) / L."),
        (lambda L, a, r, c: min(a, 2.0 * r * c / L),
         "c1 appears where 1 - c1 belongs: the gap between slope -alpha|g|^2 and the Armijo slope "
         "-c1 alpha|g|^2 is (1 - c1) alpha|g|^2."),
        (lambda L, a, r, c: min(a, r / L),
         "this is the bound for the steepest step 1/L only; the Armijo condition with c1 < 1 "
         "admits steps up to 2 (1 - c1)/L."),
        (lambda L, a, r, c: min(a, 2.0 * (1.0 - c) / (r * L)),
         "rho is on the wrong side: the step shrinks by rho, so the bound is rho times the "
         "largest passing step."),
    )
    return _function_check(fn, BACKTRACK_CASES, _backtrack_bound, mistakes,
                           "alpha_min(L, alpha0, rho, c1)")


#: Hessians at stationary points and what each point is.
CLASSIFY_CASES = (
    (np.diag([2.0, 3.0]), "minimum"),
    (np.diag([-1.0, -4.0]), "maximum"),
    (np.diag([2.0, -2.0]), "saddle"),
    (np.array([[1.0, 2.0], [2.0, 1.0]]), "saddle"),        # positive diagonal, eigenvalues 3 and -1
    (np.array([[-1.0, -2.0], [-2.0, -1.0]]), "saddle"),    # negative diagonal, eigenvalues -3 and 1
    (np.diag([2.0, 0.0]), "inconclusive"),                 # x^2 + y^3 and x^2 + y^4 share it
    (np.diag([0.0, -1.0]), "inconclusive"),
    (np.zeros((2, 2)), "inconclusive"),
    (np.diag([1.0, -1.0, 0.0]), "saddle"),                 # a zero eigenvalue does not rescue it
    (_spd([0.5, 2.0, 7.0], seed=5), "minimum"),
    (_spd([-3.0, 1.0, 4.0], seed=6), "saddle"),
    (_spd([-1.0, -2.0, 3.0], seed=7), "saddle"),            # determinant > 0, still a saddle
)

CLASSES = ("minimum", "maximum", "saddle", "inconclusive")


@exercise("ch02-classify")
def classify(fn: Any) -> Feedback:
    """``classify(H)``: a stationary point with Hessian H is a strict minimum, maximum, saddle or unknown."""
    what = "classify(H)"
    answers = []
    for H, _ in CLASSIFY_CASES:
        value, feedback = _evaluate(fn, (H,), what)
        if feedback is not None:
            return feedback
        if not isinstance(value, str) or value.strip().lower() not in CLASSES:
            return wrong(f"{what} should return one of {', '.join(map(repr, CLASSES))}, got {value!r}.")
        answers.append(value.strip().lower())
    bad = [(i, H, exp, got) for i, ((H, exp), got) in enumerate(zip(CLASSIFY_CASES, answers)) if got != exp]
    if not bad:
        return correct()
    i, H, expected, got = bad[0]
    eig = _eig(H)
    case = f"on test case {i + 1} of {len(CLASSIFY_CASES)}"
    if expected == "inconclusive" and got in ("minimum", "maximum"):
        return wrong(f"{what} {case}: a semidefinite Hessian with a zero eigenvalue is not enough "
                     "for a strict extremum; the higher-order terms decide (compare x^2 + y^3 with "
                     "x^2 + y^4).")
    if expected == "inconclusive" and got == "saddle":
        return wrong(f"{what} {case}: a zero eigenvalue alone does not make a saddle; without a "
                     "negative and a positive eigenvalue the second-order test cannot tell.")
    if expected == "saddle" and got == "inconclusive":
        return wrong(f"{what} {case}: one positive and one negative eigenvalue already make a saddle, "
                     "whatever the zero eigenvalues do.")
    if len(eig) > 2 and expected == "saddle" and got in ("minimum", "maximum"):
        return wrong(f"{what} {case}: in more than two dimensions the sign of the determinant does "
                     "not decide; check the sign of every eigenvalue.")
    if expected == "saddle" and np.all(np.diag(H) > 0) and got == "minimum":
        return wrong(f"{what} {case}: positive diagonal entries do not make a matrix positive "
                     "definite; look at the eigenvalues.")
    if expected == "saddle" and np.all(np.diag(H) < 0) and got == "maximum":
        return wrong(f"{what} {case}: negative diagonal entries do not make a matrix negative "
                     "definite; look at the eigenvalues.")
    if {expected, got} == {"minimum", "maximum"}:
        return wrong(f"{what} {case}: minimum and maximum are swapped: positive curvature in every "
                     "direction means the function rises away from the point.")
    return wrong(f"{what} {case} gives the wrong kind of point.")


__all__ = ["alpha_star", "armijo_c1", "iterations", "backtrack_bound", "classify", "STEP_CASES",
           "ITERATIONS_KAPPA", "ITERATIONS_FACTOR", "BACKTRACK_CASES", "CLASSIFY_CASES", "CLASSES"]
