"""gdlib.newton: one step on a quadratic, Rosenbrock, indefinite Hessians, damping."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gdlib
from gdlib.objectives import Himmelblau, Quadratic, Rosenbrock, Saddle, ill_conditioned


def test_newton_solves_a_quadratic_in_one_step():
    for q in (ill_conditioned(1000, 0.5), Quadratic([[3.0, 1.0], [1.0, 2.0]], [1.0, -1.0])):
        result = gdlib.newton(q, [5.0, -7.0], tol=1e-9)
        assert result.status == "converged" and result.steps == 1
        np.testing.assert_allclose(result.x, q.minimizer, atol=1e-12)
        assert result.info["alphas"].tolist() == [1.0] and result.info["indefinite_steps"] == []


def test_newton_step_is_the_minimizer_of_the_taylor_model():
    r = Rosenbrock()
    x0 = np.array([-1.2, 1.0])
    one = gdlib.newton(r, x0, steps=1, tol=0)
    np.testing.assert_allclose(one.path[1], gdlib.calculus.taylor(r, x0).minimizer())
    assert one.status == "max_steps"


def test_newton_on_rosenbrock_pure_and_damped():
    pure = gdlib.newton(Rosenbrock(), [-1.2, 1.0], tol=1e-10)
    damped = gdlib.newton(Rosenbrock(), [-1.2, 1.0], damped=True, tol=1e-10)
    for result in (pure, damped):
        assert result.status == "converged"
        np.testing.assert_allclose(result.x, [1.0, 1.0], atol=1e-8)
    assert np.all(np.diff(damped.losses) <= 0)                     # the line search only goes down
    assert np.any(np.diff(pure.losses) > 0)                        # pure Newton may go up
    gd = gdlib.steepest_descent(Rosenbrock(), [-1.2, 1.0], "armijo", steps=1000, tol=1e-10)
    assert pure.steps < 10 < gd.steps


def test_pure_newton_goes_to_the_saddle_and_reports_it():
    result = gdlib.newton(Saddle(), [0.7, -0.4])
    assert result.status == "converged" and result.steps == 1
    np.testing.assert_allclose(result.x, [0.0, 0.0])
    assert result.info["indefinite_steps"] == [0]
    assert "Hessian not positive definite at steps [0]" in result.message
    assert "stationary but not a minimum" in result.message
    assert "not a minimum" not in gdlib.newton(Rosenbrock(), [-1.2, 1.0]).message


def test_damped_newton_leaves_an_indefinite_region():
    h = Himmelblau()
    x0 = np.array([-0.3, -0.9])             # near Himmelblau's local maximum, H negative definite
    assert np.all(np.linalg.eigvalsh(h.hess(x0)) < 0)
    pure = gdlib.newton(h, x0, tol=1e-10)
    damped = gdlib.newton(h, x0, damped=True, tol=1e-10, steps=200)
    assert pure.status == "converged" and pure.losses[-1] > pure.losses[0]   # climbs to the maximum
    assert np.all(np.diff(damped.losses) <= 0) and damped.losses[-1] < damped.losses[0] - 50
    assert 0 in damped.info["indefinite_steps"]


def test_singular_hessian_fails_cleanly():
    q = Quadratic(np.diag([1.0, 0.0]), [1.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = gdlib.newton(q, [0.0, 0.0])
    assert result.status == "failed" and "singular Hessian at step 0" in result.message


def test_damped_newton_line_search_failure_and_divergence():
    class Wrong:
        def value(self, x):
            return float(np.sum(x))

        def grad(self, x):
            return -np.ones_like(x)

        def hess(self, x):
            return np.eye(x.size)

    result = gdlib.newton(Wrong(), [0.0, 0.0], damped=True)
    assert result.status == "failed" and "line search failed" in result.message

    class Exp:
        def value(self, x):
            return float(np.exp(-x[0]) + x[1] ** 2)

        def grad(self, x):
            return np.array([-np.exp(-x[0]), 2 * x[1]])

        def hess(self, x):
            return np.diag([-np.exp(-x[0]), 2.0])                 # concave in x: Newton runs away

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = gdlib.newton(Exp(), [0.0, 1.0], steps=10000)
    assert run.status in ("diverged", "max_steps")


def test_bad_input():
    with pytest.raises(TypeError, match=r"damped must be True or False, got 'yes'"):
        gdlib.newton(Rosenbrock(), [0.0, 0.0], damped="yes")
    with pytest.raises(ValueError, match=r"steps must be >= 0, got -2"):
        gdlib.newton(Rosenbrock(), [0.0, 0.0], steps=-2)
