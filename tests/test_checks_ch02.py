"""Chapter 2's exercise checks: right answers pass, typical mistakes are named."""
import numpy as np
import pytest

import gdlib
from gdlib.checks import ch02, registry
from gdlib.objectives import Quadratic


def test_every_exercise_is_registered():
    for label in ("ch02-alpha-star", "ch02-armijo-c1", "ch02-iterations", "ch02-backtrack-bound",
                  "ch02-classify"):
        assert label in registry


# ------------------------------------------------------------------ alpha_star
def right_alpha_star(A, g):
    return g @ g / (g @ A @ g)


def test_alpha_star_right_answer_passes_and_matches_gdlib():
    assert ch02.alpha_star(right_alpha_star)
    for A, g in ch02.STEP_CASES:
        assert np.isclose(right_alpha_star(A, g), gdlib.linesearch.exact_quadratic_step(A, g))


def test_alpha_star_is_the_step_steepest_descent_takes():
    A, g = ch02.STEP_CASES[1]
    q = Quadratic(A)
    x0 = np.linalg.solve(A, g)              # a point whose gradient is g
    r = gdlib.steepest_descent(q, x0, line_search="exact", steps=1)
    assert np.isclose(r.info["alphas"][0], right_alpha_star(A, g))


@pytest.mark.parametrize("answer, words", [
    (lambda A, g: g @ A @ g / (g @ g), "reciprocal"),
    (lambda A, g: -(g @ g) / (g @ A @ g), "sign is flipped"),
    (lambda A, g: g @ g / (2 * g @ A @ g), "factor of 2 is missing"),
    (lambda A, g: 2 * g @ g / (g @ A @ g), "climbs back"),
    (lambda A, g: np.linalg.norm(g) / (g @ A @ g), "squared norm"),
    (lambda A, g: 1 / np.linalg.eigvalsh(A).max(), "safe fixed step"),
    (lambda A, g: 2 / (np.linalg.eigvalsh(A).min() + np.linalg.eigvalsh(A).max()), "chapter 1"),
    (lambda A, g: 1.1 * (g @ g) / (g @ A @ g), "test case 1 of 4"),
])
def test_alpha_star_names_the_mistake(answer, words):
    fb = ch02.alpha_star(answer)
    assert not fb and words in fb.message, fb.message


def test_alpha_star_placeholders_and_wrong_types():
    assert not ch02.alpha_star(...).answered

    def alpha_star(A, g):
        return ...
    assert not ch02.alpha_star(alpha_star).answered
    assert "Python function" in ch02.alpha_star(0.5).message
    assert "single number" in ch02.alpha_star(lambda A, g: g).message
    assert "raised ZeroDivisionError" in ch02.alpha_star(lambda A, g: 1 / 0).message
    assert "not a finite" in ch02.alpha_star(lambda A, g: np.inf).message


# ------------------------------------------------------------------ armijo c1
def test_armijo_c1():
    assert ch02.armijo_c1(0.5) and ch02.armijo_c1(1 / 2)
    assert not ch02.armijo_c1(...).answered
    assert "tangent" in ch02.armijo_c1(1.0).message
    assert "factor of 2 too small" in ch02.armijo_c1(0.25).message
    assert "default" in ch02.armijo_c1(1e-4).message
    assert "only asks for decrease" in ch02.armijo_c1(0).message
    assert "too large" in ch02.armijo_c1(0.7).message
    assert "single number" in ch02.armijo_c1("half").message
    for fb in (ch02.armijo_c1(1.0), ch02.armijo_c1(0.7)):
        assert "0.5" not in fb.message


def test_armijo_c1_is_the_truth_on_a_quadratic():
    """The exact step passes the Armijo test at c1 = 1/2 and fails just above."""
    A, g = ch02.STEP_CASES[2]
    alpha = right_alpha_star(A, g)
    phi0, dphi0 = 0.0, -(g @ g)
    phi = phi0 + alpha * dphi0 + 0.5 * alpha**2 * (g @ A @ g)
    assert gdlib.linesearch.armijo_condition(phi, phi0, dphi0, alpha, c1=0.5 - 1e-9)
    assert not gdlib.linesearch.armijo_condition(phi, phi0, dphi0, alpha, c1=0.5 + 1e-6)


# ------------------------------------------------------------------ iterations
def test_iterations_right_answer_matches_a_run():
    assert ch02.iterations(35)
    k = ch02.ITERATIONS_KAPPA
    q = Quadratic(np.diag([1.0, k]))
    r = gdlib.steepest_descent(q, [1.0, 1.0 / k], line_search="exact", steps=100, tol=0)
    gap = r.losses / r.losses[0]
    assert int(np.argmax(gap <= 1 / ch02.ITERATIONS_FACTOR)) == 35


@pytest.mark.parametrize("answer, words", [
    (69, "without the square"),
    (34, "rounded down"),
    (132, "1 - 1/kappa"),
    (68, "unsquared factor and rounds down"),
    (36, "too large"),
    (20, "too small"),
    (35.5, "whole number"),
])
def test_iterations_names_the_mistake(answer, words):
    fb = ch02.iterations(answer)
    assert not fb and words in fb.message, fb.message
    assert "35" not in fb.message


def test_iterations_placeholder_and_types():
    assert not ch02.iterations(...).answered
    assert "whole number" in ch02.iterations("many").message
    assert ch02.iterations(np.int64(35)) and ch02.iterations(35.0)


# ------------------------------------------------------------------ backtracking bound
def right_alpha_min(L, alpha0, rho, c1):
    return min(alpha0, 2 * rho * (1 - c1) / L)


def test_backtrack_bound_right_answer_passes_and_holds_in_practice():
    assert ch02.backtrack_bound(right_alpha_min)
    q = gdlib.objectives.ill_conditioned(10.0, angle=0.3)
    r = gdlib.steepest_descent(q, [-1.5, 1.0], line_search="armijo", steps=200, alpha0=1.0, rho=0.5,
                               c1=1e-4)
    assert r.info["alphas"].min() >= right_alpha_min(q.L, 1.0, 0.5, 1e-4)


@pytest.mark.parametrize("answer, words", [
    (lambda L, a, r, c: min(a, 2 * (1 - c) / L), "rho is missing"),
    (lambda L, a, r, c: 2 * r * (1 - c) / L, "minimum with alpha0"),
    (lambda L, a, r, c: min(a, r * (1 - c) / L), "factor of 2 is missing"),
    (lambda L, a, r, c: min(a, 2 * r * c / L), "1 - c1 belongs"),
    (lambda L, a, r, c: min(a, r / L), "steepest step 1/L"),
    (lambda L, a, r, c: min(a, 2 * (1 - c) / (r * L)), "wrong side"),
    (lambda L, a, r, c: 0.0, "test case 1 of 4"),
])
def test_backtrack_bound_names_the_mistake(answer, words):
    fb = ch02.backtrack_bound(answer)
    assert not fb and words in fb.message, fb.message


# ------------------------------------------------------------------ classify
def right_classify(H):
    lam = np.linalg.eigvalsh(H)
    if np.all(lam > 0):
        return "minimum"
    if np.all(lam < 0):
        return "maximum"
    if lam.min() < 0 < lam.max():
        return "saddle"
    return "inconclusive"


def test_classify_right_answer_passes():
    assert ch02.classify(right_classify)
    assert ch02.classify(lambda H: right_classify(H).upper())


def semidefinite_is_enough(H):
    lam = np.linalg.eigvalsh(H)
    if np.all(lam >= 0) and lam.max() > 0:
        return "minimum"
    if np.all(lam <= 0) and lam.min() < 0:
        return "maximum"
    return right_classify(H)


def zero_means_saddle(H):
    lam = np.linalg.eigvalsh(H)
    return "saddle" if np.any(np.isclose(lam, 0)) else right_classify(H)


def any_zero_inconclusive(H):
    lam = np.linalg.eigvalsh(H)
    return "inconclusive" if np.any(np.isclose(lam, 0)) else right_classify(H)


def diagonal_test(H):
    d = np.diag(H)
    if np.all(d > 0):
        return "minimum"
    if np.all(d < 0):
        return "maximum"
    return right_classify(H)


def swapped(H):
    return {"minimum": "maximum", "maximum": "minimum"}.get(right_classify(H), right_classify(H))


def determinant_test(H):
    if H.shape == (2, 2):
        return right_classify(H)
    return "minimum" if np.linalg.det(H) > 0 else right_classify(H)


@pytest.mark.parametrize("answer, words", [
    (semidefinite_is_enough, "semidefinite Hessian with a zero eigenvalue"),
    (zero_means_saddle, "zero eigenvalue alone does not make a saddle"),
    (any_zero_inconclusive, "whatever the zero eigenvalues do"),
    (diagonal_test, "positive diagonal entries"),
    (swapped, "swapped"),
    (determinant_test, "more than two dimensions"),
    (lambda H: "minimum" if H[0, 0] > 1 else right_classify(H), "wrong kind of point"),
])
def test_classify_names_the_mistake(answer, words):
    fb = ch02.classify(answer)
    assert not fb and words in fb.message, fb.message


def test_classify_placeholders_and_types():
    assert not ch02.classify(...).answered
    assert "should return one of" in ch02.classify(lambda H: 1).message
    assert "should return one of" in ch02.classify(lambda H: "local minimum").message
    assert "Python function" in ch02.classify("minimum").message
