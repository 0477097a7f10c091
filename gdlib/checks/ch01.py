"""Checks for the exercises of chapter 1, the descent direction.

Each check takes the reader's answer (a function, or numbers) and returns
:class:`~gdlib.checks.Feedback`. Answers that are functions are evaluated on
test cases of the check's own, so a formula that only happens to fit one
example does not pass; a wrong answer is matched against the mistakes people
make (a missing factor of 2, the wrong eigenvalue, a learning rate where a
length was asked for, a flipped sign, the Euclidean answer to a question about
another norm) and the kind of mistake is named, never the expected value.

=======================  ===========================================  ====================
exercise label           asks for                                     check
=======================  ===========================================  ====================
``ch01-threshold``       ``eta_max(A)``: the largest stable rate       :func:`threshold`
``ch01-rise-radius``     ``r_max(A, theta)``: when the loss rises      :func:`rise_radius`
``ch01-linf-direction``  ``steepest_linf(g)``: the max-norm direction  :func:`linf_direction`
``ch01-best-rate``       ``eta_best``, ``rho_best`` for kappa = 10     :func:`best_rate`
=======================  ===========================================  ====================
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ._core import Feedback, check_number, correct, exercise, not_answered, wrong
from ._core import call_answer, check_function, rotation, spd_matrix  # noqa: E402

# Shared with the other chapters' checks (gdlib.checks._core).
_evaluate = call_answer
_rotation = rotation
_spd = spd_matrix


# ------------------------------------------------------------------ test cases
#: Matrices A of the quadratics the checks use (eigenvalues chosen so that the
#: usual mistakes give values different from the right one).
MATRICES = (
    np.array([[4.0]]),
    np.diag([1.0, 10.0]),
    _rotation(0.4) @ np.diag([0.5, 3.0]) @ _rotation(0.4).T,
    _spd([0.2, 1.5, 7.0], seed=1),
)

#: Points theta at which the rise-radius check evaluates, one per matrix.
POINTS = (
    np.array([1.5]),
    np.array([1.0, 1.0]),
    np.array([-0.7, 1.2]),
    np.array([0.3, -1.1, 0.8]),
)

#: Gradients the max-norm check uses (no zero components: their sign is a tie).
GRADIENTS = (
    np.array([3.0, -0.5]),
    np.array([-1.0, 2.0, 0.25]),
    np.array([0.1, -4.0, 2.0, -0.3]),
)


_function_check = check_function


def _eig(A) -> np.ndarray:
    return np.linalg.eigvalsh(np.atleast_2d(A))


# ------------------------------------------------------------------ exercises
@exercise("ch01-threshold")
def threshold(eta_max: Any) -> Feedback:
    """``eta_max(A)``: the learning rate above which gradient descent on ½θᵀAθ diverges."""
    mistakes = (
        (lambda A: 1.0 / _eig(A).max(),
         "a factor of 2 is missing. That rate is the fastest one for the steepest direction; "
         "between it and the threshold the iterates still converge, while overshooting."),
        (lambda A: 2.0 / _eig(A).min(),
         "this uses the flattest direction (the smallest eigenvalue). Every eigen-direction must "
         "contract, and the steepest one is the first to fail."),
        (lambda A: 1.0 / _eig(A).min(),
         "this uses the flattest direction, and a factor of 2 is missing too."),
        (lambda A: 2.0 / np.trace(np.atleast_2d(A)),
         "the trace adds up all the curvatures; the threshold depends on one eigenvalue only "
         "(the two agree only in one dimension)."),
        (lambda A: _eig(A).max() / 2.0,
         "this is the reciprocal of the threshold: check where the eigenvalue goes."),
        (lambda A: 2.0 / (_eig(A).min() + _eig(A).max()),
         "this is the best constant rate (the last exercise), which is smaller than the "
         "largest stable one."),
    )
    return _function_check(eta_max, [(A,) for A in MATRICES], lambda A: 2.0 / _eig(A).max(),
                           mistakes, "eta_max(A)")


def _rise(A, theta) -> float:
    g = A @ theta
    return 2.0 * float(g @ g) ** 1.5 / float(g @ A @ g)


@exercise("ch01-rise-radius")
def rise_radius(r_max: Any) -> Feedback:
    """``r_max(A, theta)``: the step length along -g/|g| beyond which f = ½θᵀAθ goes up."""
    def g_of(A, theta):
        return A @ theta

    mistakes = (
        (lambda A, t: _rise(A, t) / 2.0,
         "a factor of 2 is missing: this is the length at which the loss along the ray is "
         "lowest, not where it climbs back to its starting value."),
        (lambda A, t: _rise(A, t) / np.linalg.norm(g_of(A, t)),
         "this is a learning rate (the factor that multiplies g), not a length along the unit "
         "direction: the two differ by a factor |g|."),
        (lambda A, t: _rise(A, t) / (2.0 * np.linalg.norm(g_of(A, t))),
         "this is a learning rate (the factor that multiplies g), not a length, and a factor of "
         "2 is missing as well."),
        (lambda A, t: 2.0 * np.linalg.norm(g_of(A, t)) / _eig(A).max(),
         "this bounds the curvature by the largest eigenvalue, which gives a radius that is safe "
         "but too small: use the curvature along the gradient itself."),
    )
    return _function_check(r_max, list(zip(MATRICES, POINTS)), _rise, mistakes, "r_max(A, theta)")


@exercise("ch01-linf-direction")
def linf_direction(steepest_linf: Any) -> Feedback:
    """``steepest_linf(g)``: the d with |d|_inf <= 1 that minimizes gᵀd."""
    what = "steepest_linf(g)"
    for g in GRADIENTS:
        value, feedback = _evaluate(steepest_linf, (g.copy(),), what)
        if feedback is not None:
            return feedback
        try:
            d = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return wrong(f"{what} should return an array of numbers.")
        if d.shape != g.shape:
            return wrong(f"{what} returned shape {d.shape} for a gradient of shape {g.shape}; "
                         "the direction lives in the same space as g.")
        if not np.all(np.isfinite(d)):
            return wrong(f"{what} contains NaN or infinite entries.")
        best = -float(np.abs(g).sum())
        if np.allclose(d, g / np.linalg.norm(g)) or np.allclose(d, g):
            return wrong(f"{what} points uphill: the sign is flipped.")
        if np.max(np.abs(d)) > 1 + 1e-9:
            if np.allclose(d, -g):
                return wrong(f"{what} is not normalized: the raw negative gradient leaves the unit "
                             "ball of the max-norm (some |d_i| > 1).")
            return wrong(f"{what} leaves the unit ball of the max-norm: some |d_i| > 1.")
        if np.isclose(float(g @ d), -best):
            return wrong(f"{what} points uphill: the sign is flipped.")
        if np.isclose(float(g @ d), best, rtol=1e-9, atol=1e-12):
            continue
        if np.allclose(d, -g / np.linalg.norm(g)):
            return wrong(f"{what} is the steepest direction for the Euclidean norm; with the max-norm "
                         "every coordinate may move by a full unit independently.")
        i = int(np.argmax(np.abs(g)))
        if np.count_nonzero(d) == 1 and np.isclose(abs(d[i]), 1.0):
            return wrong(f"{what} moves along one coordinate only: that is the answer for the "
                         "l1 norm, whose unit ball has corners on the axes.")
        if float(g @ d) < 0:
            return wrong(f"{what} goes downhill, but another d in the unit ball goes down faster.")
        return wrong(f"{what} does not go downhill (g^T d >= 0).")
    return correct()


#: The quadratic of the best-rate exercise: ``gdlib.objectives.ill_conditioned(10)``, eigenvalues 1 and 10.
BEST_RATE_EIGENVALUES = (1.0, 10.0)


@exercise("ch01-best-rate")
def best_rate(eta_best: Any, rho_best: Any) -> Feedback:
    """``eta_best``, ``rho_best``: the best constant rate for eigenvalues 1 and 10, and its factor."""
    lo, hi = BEST_RATE_EIGENVALUES
    eta = 2.0 / (lo + hi)
    rho = (hi - lo) / (hi + lo)
    if eta_best is Ellipsis or rho_best is Ellipsis or eta_best is None or rho_best is None:
        return not_answered()
    hints_eta = {1.0 / hi: "eta_best = 1/lambda_max makes the steep direction converge in one step "
                           "but leaves the flat one crawling; balance the two.",
                 2.0 / hi: "eta_best is the stability threshold itself, where the steep direction "
                           "stops converging.",
                 1.0 / lo: "eta_best uses the flat direction only; at that rate the steep one diverges."}
    for value, words in hints_eta.items():
        if isinstance(eta_best, (int, float, np.floating)) and np.isclose(float(eta_best), value):
            return wrong(words)
    fb = check_number(eta_best, eta, rtol=1e-4, what="eta_best")
    if not fb:
        return fb
    if isinstance(rho_best, (int, float, np.floating)):
        r = float(rho_best)
        if np.isclose(r, 1 - lo / hi, rtol=1e-4):
            return wrong("rho_best: this is the factor at eta = 1/lambda_max (the flat mode's); "
                         "at eta_best both modes contract by the same, smaller factor.")
        if np.isclose(r, -rho, rtol=1e-4):
            return wrong("rho_best: a contraction factor is an absolute value, |1 - eta lambda|.")
        if np.isclose(r, rho ** 2, rtol=1e-4):
            return wrong("rho_best: this is the factor for the loss (squared); the question asks "
                         "for the factor on the distance to the minimizer.")
    fb = check_number(rho_best, rho, rtol=1e-4, what="rho_best")
    return correct("Both the rate and its contraction factor are right.") if fb else fb


__all__ = ["threshold", "rise_radius", "linf_direction", "best_rate", "MATRICES", "POINTS",
           "GRADIENTS", "BEST_RATE_EIGENVALUES"]
