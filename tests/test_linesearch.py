"""gdlib.linesearch: the exact step, Armijo backtracking, golden section; failures are reported."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from gdlib.linesearch import (along, armijo, armijo_condition, backtracking, curvature_condition,
                              exact_quadratic_step, golden_section)
from gdlib.objectives import Quadratic, Rosenbrock

Q = Quadratic([[4.0, 1.0], [1.0, 2.0]], [1.0, 1.0])


def test_exact_step_worked_example():
    # at x = (1, 1): g = A x - b = (4, 2); alpha = g.g / g.A.g = 20 / 88
    x = np.array([1.0, 1.0])
    g = Q.grad(x)
    np.testing.assert_allclose(g, [4.0, 2.0])
    alpha = exact_quadratic_step(Q.A, g)
    assert alpha == pytest.approx(20 / 88)
    phi, dphi = along(Q, x, -g)
    assert dphi(alpha) == pytest.approx(0, abs=1e-12)                   # minimum along the line
    assert all(phi(alpha) <= phi(alpha + d) for d in (-1e-3, 1e-3))


def test_exact_step_general_direction_and_degenerate_cases():
    g = np.array([4.0, 2.0])
    p = np.array([-1.0, 0.0])
    assert exact_quadratic_step(Q.A, g, p) == pytest.approx(4.0 / 4.0)
    assert exact_quadratic_step(Q.A, g, np.zeros(2)) == 0.0
    assert exact_quadratic_step(np.diag([1.0, -1.0]), np.array([0.0, 1.0])) == math.inf


def test_armijo_finds_a_step_satisfying_sufficient_decrease():
    r = Rosenbrock()
    x = np.array([-1.2, 1.0])
    p = -r.grad(x)
    result = backtracking(r, x, p, alpha0=1.0, rho=0.5, c1=1e-4)
    assert result.success and result.message == "sufficient decrease"
    phi, dphi = along(r, x, p)
    assert armijo_condition(result.phi, phi(0), dphi(0), result.alpha, 1e-4)
    assert not armijo_condition(phi(2 * result.alpha), phi(0), dphi(0), 2 * result.alpha, 1e-4)
    assert result.n_evals == round(math.log2(1 / result.alpha)) + 1


def test_armijo_accepts_the_first_trial_when_it_is_good():
    phi = lambda a: (a - 1.0) ** 2
    result = armijo(phi, phi(0), -2.0, alpha0=1.0)
    assert result.success and result.alpha == 1.0 and result.n_evals == 1


def test_armijo_failures_are_reported_not_raised():
    phi = lambda a: (a - 1.0) ** 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        up = armijo(phi, phi(0), +2.0)
        assert not up.success and "not a descent direction" in up.message
        never = armijo(lambda a: 1.0 + a, 0.0, -1.0, max_iter=5)
        assert not never.success and "after 5 trials" in never.message and never.n_evals == 5
        overflow = armijo(lambda a: math.inf if a > 1e-3 else -a, 0.0, -1.0)  # far trials overflow
        assert overflow.success and overflow.alpha <= 1e-3


def test_wolfe_curvature_condition():
    phi, dphi = along(Q, np.array([1.0, 1.0]), -Q.grad(np.array([1.0, 1.0])))
    alpha = exact_quadratic_step(Q.A, Q.grad(np.array([1.0, 1.0])))
    assert curvature_condition(dphi(alpha), dphi(0), c2=0.9)
    assert curvature_condition(dphi(alpha), dphi(0), c2=0.1, strong=True)
    assert not curvature_condition(dphi(1e-6), dphi(0), c2=0.1, strong=True)
    assert not curvature_condition(dphi(1e-6), dphi(0), c2=0.5)


def test_golden_section_finds_the_exact_step():
    x = np.array([1.0, 1.0])
    g = Q.grad(x)
    phi, _ = along(Q, x, -g)
    result = golden_section(phi, 0.0, 1.0, tol=1e-10)
    assert result.success
    assert result.alpha == pytest.approx(exact_quadratic_step(Q.A, g), abs=1e-9)


def test_golden_section_failures_are_reported():
    phi = lambda a: -a                                   # decreasing: minimum at the right end
    result = golden_section(phi, 0.0, 1.0)
    assert not result.success and "enlarge" in result.message
    slow = golden_section(lambda a: (a - 0.3) ** 2, 0.0, 1.0, tol=1e-12, max_iter=5)
    assert not slow.success and "after 5 steps" in slow.message
    with np.errstate(over="ignore"):
        nan_right = golden_section(lambda a: (a - 0.2) ** 2 if a < 0.5 else math.nan, 0.0, 1.0)
    assert nan_right.success and nan_right.alpha == pytest.approx(0.2, abs=1e-6)


def test_along_silences_overflow():
    r = Rosenbrock()
    phi, dphi = along(r, np.array([0.0, 0.0]), np.array([1e200, 1e200]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not np.isfinite(phi(1.0))
        assert not np.isfinite(dphi(1.0))


@pytest.mark.parametrize("call, error, match", [
    (lambda: armijo(lambda a: a, 0.0, -1.0, rho=1.5), ValueError, r"rho must be < 1, got 1.5"),
    (lambda: armijo(lambda a: a, 0.0, -1.0, c1=0), ValueError, r"c1 must be > 0, got 0"),
    (lambda: armijo(lambda a: a, 0.0, -1.0, alpha0=-1), ValueError, r"alpha0 must be > 0, got -1"),
    (lambda: armijo(lambda a: a, 0.0, -1.0, max_iter=0), ValueError, r"max_iter must be >= 1, got 0"),
    (lambda: golden_section(lambda a: a, 1.0, 0.0), ValueError, r"b must be > a, got a=1.0, b=0.0"),
    (lambda: golden_section(lambda a: a, 0.0, 1.0, tol=-1), ValueError, r"tol must be > 0, got -1"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
