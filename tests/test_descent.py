"""gdlib.minimize and gdlib.steepest_descent: results, statuses, divergence, conventions."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gdlib
from gdlib import optim
from gdlib.descent import Result
from gdlib.noise import AnnealedGaussian
from gdlib.objectives import Beale, Quadratic, Rosenbrock, Saddle, ill_conditioned


Q = ill_conditioned(10, 0.3)


def test_minimize_result_fields():
    x0 = np.array([1.5, 1.0])
    result = gdlib.minimize(Q, x0, optim.SGD(lr=0.1), steps=20, tol=0)
    assert isinstance(result, Result)
    assert result.status == "max_steps" and result.steps == 20
    assert result.path.shape == (21, 2) and result.losses.shape == (21,) and result.grad_norms.shape == (21,)
    np.testing.assert_array_equal(result.path[0], x0)
    np.testing.assert_array_equal(result.x, result.path[-1])
    np.testing.assert_allclose(result.losses, Q.value(result.path))
    np.testing.assert_allclose(result.grad_norms, np.linalg.norm(Q.grad(result.path), axis=1))
    assert result.loss == result.losses[-1]
    assert repr(result).startswith("Result(status='max_steps', steps=20")
    # gradient descent with a fixed step is the recursion x <- x - eta grad f(x)
    x = x0.copy()
    for k in range(20):
        x = x - 0.1 * Q.grad(x)
    np.testing.assert_allclose(result.x, x, rtol=1e-14)


def test_minimize_converges_on_gradient_norm():
    result = gdlib.minimize(Q, [1.5, 1.0], optim.SGD(lr=0.1), steps=10000, tol=1e-6)
    assert result.status == "converged"
    assert result.grad_norms[-1] <= 1e-6 < result.grad_norms[-2]
    assert "gradient norm" in result.message
    at_minimum = gdlib.minimize(Q, [0.0, 0.0], optim.Adam(), steps=10)
    assert at_minimum.status == "converged" and at_minimum.steps == 0 and at_minimum.path.shape == (1, 2)


def test_learning_rate_threshold_two_over_L():
    # on a quadratic, GD converges iff eta < 2 / L
    L = Q.L
    below = gdlib.minimize(Q, [1.0, 1.0], optim.SGD(lr=1.9 / L), steps=2000, tol=1e-8)
    above = gdlib.minimize(Q, [1.0, 1.0], optim.SGD(lr=2.1 / L), steps=2000, tol=1e-8)
    assert below.status == "converged"
    assert above.status == "diverged"


def test_divergence_stops_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = gdlib.minimize(Rosenbrock(), [-1.5, 2.0], optim.SGD(lr=0.1), steps=1000)
    assert result.status == "diverged" and result.steps < 10
    assert "exceeded" in result.message
    assert len(result.grad_norms) == len(result.losses) == result.steps + 1
    # a huge but finite explosion: overflow to inf inside the step is caught too
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = gdlib.minimize(Rosenbrock(), [-1.5, 2.0], optim.SGD(lr=0.1), steps=1000, max_loss=1e300)
    assert result.status == "diverged"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        saddle = gdlib.minimize(Saddle(), [1.0, 1e-3], optim.SGD(lr=0.1), steps=10000)
    assert saddle.status == "diverged" and saddle.losses[-1] < 0


def test_non_finite_gradient_is_divergence():
    class Cliff:
        def value(self, x):
            return float(x @ x)

        def grad(self, x):
            return np.array([np.nan, 0.0]) if x[0] < 0.5 else 2 * x

    result = gdlib.minimize(Cliff(), [1.0, 1.0], optim.SGD(lr=0.4), steps=10)
    assert result.status == "diverged" and "non-finite gradient" in result.message


def test_float32_start_gives_float32_path():
    x0 = np.array([1.5, 1.0], dtype=np.float32)
    for opt in (optim.SGD(lr=0.05, momentum=0.9), optim.Adam(lr=0.05)):
        result = gdlib.minimize(Q, x0, opt, steps=20)
        assert result.path.dtype == np.float32 and result.x.dtype == np.float32
    assert gdlib.steepest_descent(Q, x0, steps=5).path.dtype == np.float32
    assert gdlib.newton(Q, x0, steps=5).path.dtype == np.float32


def test_inputs_are_not_mutated():
    x0 = np.array([1.5, 1.0])
    x0.flags.writeable = False
    gdlib.minimize(Q, x0, optim.SGD(lr=0.1, momentum=0.5), steps=5)
    gdlib.steepest_descent(Q, x0, steps=5)
    gdlib.newton(Q, x0, steps=5)
    np.testing.assert_array_equal(x0, [1.5, 1.0])


def test_gradient_noise_option():
    noisy = gdlib.minimize(Q, [1.5, 1.0], optim.SGD(lr=0.1), steps=50, tol=0,
                           grad_noise=AnnealedGaussian(eta=0.01, gamma=0.55, rng=0))
    again = gdlib.minimize(Q, [1.5, 1.0], optim.SGD(lr=0.1), steps=50, tol=0,
                           grad_noise=AnnealedGaussian(eta=0.01, gamma=0.55, rng=0))
    clean = gdlib.minimize(Q, [1.5, 1.0], optim.SGD(lr=0.1), steps=50, tol=0)
    np.testing.assert_array_equal(noisy.path, again.path)            # seeded: reproducible
    assert np.abs(noisy.path - clean.path).max() > 1e-3
    assert noisy.losses[-1] < 0.01 * noisy.losses[0]
    # the noise is added before the step: x1 = x0 - eta (g + noise_0)
    rng = np.random.default_rng(0)
    x0 = np.array([1.5, 1.0])
    x1 = x0 - 0.1 * (Q.grad(x0) + np.sqrt(0.01) * rng.standard_normal(2))
    np.testing.assert_allclose(noisy.path[1], x1)


# --------------------------------------------------------------------------
# steepest descent
# --------------------------------------------------------------------------
def test_exact_steepest_descent_zigzags_with_orthogonal_gradients():
    result = gdlib.steepest_descent(Q, [1.5, 1.0], line_search="exact", steps=200, tol=1e-10)
    assert result.status == "converged"
    grads = Q.grad(result.path)
    for k in range(result.steps - 1):
        cos = grads[k] @ grads[k + 1] / (np.linalg.norm(grads[k]) * np.linalg.norm(grads[k + 1]))
        assert abs(cos) < 1e-8
    g0 = Q.grad(result.path[0])
    assert result.info["alphas"][0] == pytest.approx(g0 @ g0 / (g0 @ Q.A @ g0))


def test_exact_steepest_descent_rate_bound():
    # f(x_{k+1}) - f* <= ((kappa - 1) / (kappa + 1))^2 (f(x_k) - f*)
    kappa = 10.0
    result = gdlib.steepest_descent(Q, [1.5, 1.0], steps=30, tol=0)
    gaps = result.losses - 0.0
    bound = ((kappa - 1) / (kappa + 1)) ** 2
    assert np.all(gaps[1:] <= bound * gaps[:-1] * (1 + 1e-9) + 1e-300)


def test_exact_steepest_descent_on_a_round_bowl_is_one_step():
    result = gdlib.steepest_descent(Quadratic(np.eye(2) * 3.0, [3.0, 6.0]), [5.0, -5.0], tol=1e-12)
    assert result.steps == 1
    np.testing.assert_allclose(result.x, [1.0, 2.0])


@pytest.mark.parametrize("line_search", ["armijo", "golden"])
def test_inexact_steepest_descent(line_search):
    result = gdlib.steepest_descent(Q, [1.5, 1.0], line_search=line_search, steps=2000, tol=1e-8)
    assert result.status == "converged"
    assert np.all(np.diff(result.losses) <= 1e-15)                       # monotone decrease
    r = gdlib.steepest_descent(Rosenbrock(), [-1.2, 1.0], line_search="armijo", steps=200, tol=1e-8)
    assert r.losses[-1] < 0.05 * r.losses[0]
    assert np.all(np.diff(r.losses) < 0)


def test_armijo_steps_satisfy_the_condition():
    r = Rosenbrock()
    result = gdlib.steepest_descent(r, [-1.2, 1.0], line_search="armijo", steps=50, c1=1e-4)
    for k, alpha in enumerate(result.info["alphas"]):
        g = r.grad(result.path[k])
        assert result.losses[k + 1] <= result.losses[k] - 1e-4 * alpha * g @ g


def test_steepest_descent_failures():
    saddle = gdlib.steepest_descent(Saddle(), [1.0, 1.0], line_search="exact")
    assert saddle.status == "failed" and "g^T H g <= 0" in saddle.message
    golden = gdlib.steepest_descent(Saddle(), [1.0, 1.0], line_search="golden", steps=100)
    assert golden.status in ("diverged", "max_steps", "failed")

    class Flat:
        """Gradient that disagrees with the values: no step decreases f."""

        def value(self, x):
            return float(np.sum(x))

        def grad(self, x):
            return -np.ones_like(x)

    failed = gdlib.steepest_descent(Flat(), [0.0, 0.0], line_search="armijo")
    assert failed.status == "failed" and "line search failed at step 0" in failed.message
    assert failed.steps == 0


def test_steepest_descent_can_diverge_quietly():
    class Down:
        def value(self, x):
            return -float(np.exp(x[0]))

        def grad(self, x):
            return np.array([-np.exp(x[0]), 0.0])

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = gdlib.steepest_descent(Down(), [0.0, 0.0], line_search="armijo", alpha0=10.0, steps=100)
    assert result.status == "diverged"


@pytest.mark.parametrize("call, error, match", [
    (lambda: gdlib.minimize(Q, [1.0, 1.0], optim.SGD(), steps=-1), ValueError, r"steps must be >= 0, got -1"),
    (lambda: gdlib.minimize(Q, [1.0, 1.0], optim.SGD(), steps=1.5), TypeError, r"steps must be an integer, got 1.5"),
    (lambda: gdlib.minimize(Q, [1.0, 1.0], optim.SGD(), tol=-1), ValueError, r"tol must be >= 0, got -1"),
    (lambda: gdlib.minimize(Q, [[1.0, 1.0]], optim.SGD()), ValueError, r"x0 must be a vector of shape \(d,\), got shape \(1, 2\)"),
    (lambda: gdlib.minimize(Q, [np.nan, 1.0], optim.SGD()), ValueError, r"x0 must contain only finite values"),
    (lambda: gdlib.minimize(Q, [1.0, 1.0], optim.SGD(), max_loss=0), ValueError, r"max_loss must be > 0, got 0"),
    (lambda: gdlib.steepest_descent(Q, [1.0, 1.0], line_search="wolfe"), ValueError,
     r"line_search must be one of 'exact', 'armijo', 'golden'; got 'wolfe'"),
    (lambda: gdlib.minimize(Q, [1.0, 1.0], "adam"), TypeError,
     r"optimizer must be a gdlib.optim optimizer \(with init and step\), got 'adam'"),
    (lambda: gdlib.steepest_descent(object(), [1.0, 1.0]), TypeError, r"line_search='exact' needs an objective with hess"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_beale_runs_for_every_line_search():
    for ls in ("exact", "armijo", "golden"):
        result = gdlib.steepest_descent(Beale(), [1.0, 1.0], line_search=ls, steps=50)
        assert result.status in ("converged", "max_steps", "failed")
        assert np.isfinite(result.losses).all()
