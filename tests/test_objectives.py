"""gdlib.objectives: analytic derivatives against finite differences, minimizers, shapes."""
from __future__ import annotations

import numpy as np
import pytest

from gdlib.calculus import numerical_gradient, numerical_hessian
from gdlib.objectives import (Beale, Himmelblau, LinearNeuron, Quadratic, Rosenbrock, Saddle,
                              ill_conditioned)

OBJECTIVES = {
    "quadratic": lambda: Quadratic([[3.0, 1.0], [1.0, 2.0]], [1.0, -1.0], 0.5),
    "quadratic 3-d": lambda: Quadratic(np.diag([1.0, 4.0, 9.0]), [1.0, 2.0, 3.0]),
    "ill-conditioned": lambda: ill_conditioned(50, angle=0.7),
    "ill-conditioned 4-d": lambda: ill_conditioned(100, dim=4),
    "linear neuron": lambda: LinearNeuron([[1.0, 1.0], [1.0, -1.0], [0.5, 2.0]], [2.0, 0.0, 1.0]),
    "linear neuron (sum)": lambda: LinearNeuron([[101.0, 101.0], [101.0, 99.0]], [2.0, 0.0], reduction="sum"),
    "Rosenbrock": lambda: Rosenbrock(),
    "Rosenbrock(2, 10)": lambda: Rosenbrock(a=2.0, b=10.0),
    "Beale": lambda: Beale(),
    "Himmelblau": lambda: Himmelblau(),
    "saddle": lambda: Saddle(),
}

POINTS = np.random.default_rng(1).uniform(-1.5, 1.5, size=(5, 4))


@pytest.mark.parametrize("name", OBJECTIVES)
def test_gradient_and_hessian_match_finite_differences(name):
    f = OBJECTIVES[name]()
    for p in POINTS:
        x = p[:f.dim]
        g = f.grad(x)
        np.testing.assert_allclose(g, numerical_gradient(f.value, x, h=1e-6), rtol=1e-6, atol=1e-5)
        H = f.hess(x)
        np.testing.assert_allclose(H, numerical_hessian(f.value, x, h=1e-4), rtol=1e-5, atol=1e-3)
        np.testing.assert_allclose(H, numerical_hessian(f.value, x, grad=f.grad), rtol=1e-7, atol=1e-6)
        np.testing.assert_allclose(H, H.T)


@pytest.mark.parametrize("name", OBJECTIVES)
def test_minimizer_is_stationary_with_positive_definite_hessian(name):
    f = OBJECTIVES[name]()
    if f.minimizer is None:
        assert name == "saddle"
        return
    np.testing.assert_allclose(f.grad(f.minimizer), 0, atol=1e-8)
    assert np.all(np.linalg.eigvalsh(f.hess(f.minimizer)) > 0)
    assert f.minimum == pytest.approx(float(f.value(f.minimizer)))


@pytest.mark.parametrize("name", OBJECTIVES)
def test_vectorised_over_a_grid(name):
    f = OBJECTIVES[name]()
    grid = np.random.default_rng(2).normal(size=(3, 4, f.dim))
    values, grads, hessians = f.value(grid), f.grad(grid), f.hess(grid)
    assert values.shape == (3, 4)
    assert grads.shape == (3, 4, f.dim)
    assert hessians.shape == (3, 4, f.dim, f.dim)
    np.testing.assert_allclose(values[1, 2], f.value(grid[1, 2]))
    np.testing.assert_allclose(grads[2, 3], f.grad(grid[2, 3]))
    np.testing.assert_allclose(hessians[0, 1], f.hess(grid[0, 1]))
    np.testing.assert_allclose(f(grid[0, 0]), f.value(grid[0, 0]))
    assert isinstance(repr(f), str)


def test_known_values():
    assert Rosenbrock().value([1.0, 1.0]) == 0
    assert Rosenbrock().value([0.0, 0.0]) == 1
    assert Rosenbrock(a=2, b=10).minimizer.tolist() == [2.0, 4.0]
    assert Beale().value([3.0, 0.5]) == 0
    assert Beale().value([0.0, 0.0]) == pytest.approx(1.5**2 + 2.25**2 + 2.625**2)
    assert Saddle().value([1.0, 2.0]) == -3
    assert Saddle().minimum is None
    np.testing.assert_allclose(Saddle().grad(Saddle().stationary_point), 0)
    h = Himmelblau()
    np.testing.assert_allclose(h.value(h.minimizers), 0, atol=1e-20)
    np.testing.assert_allclose(h.grad(h.minimizers), 0, atol=1e-12)


def test_quadratic_properties():
    q = Quadratic([[2.0, 0.0], [0.0, 8.0]], [2.0, 8.0])
    np.testing.assert_allclose(q.minimizer, [1.0, 1.0])
    assert q.condition_number == 4.0 and q.L == 8.0
    assert q.value([1.0, 1.0]) == pytest.approx(-5.0)
    indefinite = Quadratic([[1.0, 0.0], [0.0, -1.0]])
    assert indefinite.minimizer is None and indefinite.condition_number == np.inf
    assert "Quadratic(A=" in repr(q)


def test_ill_conditioned_has_the_requested_condition_number():
    for kappa in (1.0, 10.0, 1000.0):
        q = ill_conditioned(kappa, angle=0.4)
        assert q.condition_number == pytest.approx(kappa)
        np.testing.assert_array_equal(q.minimizer, [0.0, 0.0])
    assert ill_conditioned(30, dim=5).condition_number == pytest.approx(30)


def test_linear_neuron_is_the_quadratic_with_input_covariance():
    X = np.array([[101.0, 101.0], [101.0, 99.0]])
    y = np.array([2.0, 0.0])
    E = LinearNeuron(X, y)
    np.testing.assert_allclose(E.A, X.T @ X / 2)
    np.testing.assert_allclose(E.minimizer, [-0.98019802, 1.0], rtol=1e-7)
    w = np.array([0.3, -0.2])
    q = Quadratic(E.A, E.b, E.c)
    assert E.value(w) == pytest.approx(q.value(w), rel=1e-12)
    assert E.value(w) == pytest.approx(0.5 * np.mean((X @ w - y) ** 2))
    # Hinton's shifted inputs make a round bowl
    shifted = LinearNeuron([[1.0, 1.0], [1.0, -1.0]], y)
    assert shifted.condition_number == pytest.approx(1.0)
    assert E.condition_number > 1e4
    assert "LinearNeuron(" in repr(E)


def test_float32_points_stay_float32():
    x = np.array([0.5, -0.5], dtype=np.float32)
    for f in (Rosenbrock(), Beale(), Himmelblau(), Saddle()):
        assert f.grad(x).dtype == np.float32


def test_does_not_mutate_inputs():
    A = np.array([[2.0, 0.0], [0.0, 1.0]])
    q = Quadratic(A)
    A[0, 0] = 100.0
    assert q.A[0, 0] == 2.0


@pytest.mark.parametrize("make, error, match", [
    (lambda: Quadratic([[1.0, 2.0], [0.0, 1.0]]), ValueError, r"A must be symmetric, got A = \[\[1.0, 2.0\], \[0.0, 1.0\]\]"),
    (lambda: Quadratic([1.0, 2.0]), ValueError, r"A must be a square matrix, got shape \(2,\)"),
    (lambda: Quadratic(np.eye(2), [1.0, 2.0, 3.0]), ValueError, r"b must have shape \(2,\) to match A, got shape \(3,\)"),
    (lambda: Quadratic([[np.nan, 0], [0, 1]]), ValueError, r"A must contain only finite values, got .*nan.* at \[0, 0\]"),
    (lambda: ill_conditioned(0.5), ValueError, r"condition_number must be >= 1, got 0.5"),
    (lambda: ill_conditioned(10, angle=0.3, dim=3), ValueError, r"angle only applies to dim=2, got angle=0.3 with dim=3"),
    (lambda: Rosenbrock(b=-1), ValueError, r"b must be > 0, got -1"),
    (lambda: LinearNeuron([[1.0, 2.0]], [1.0, 2.0]), ValueError, r"y must have shape \(1,\) to match X, got shape \(2,\)"),
    (lambda: LinearNeuron([1.0, 2.0], [1.0, 2.0]), ValueError, r"X must have shape \(N, d\), got shape \(2,\)"),
    (lambda: LinearNeuron([[1.0]], [1.0], reduction="max"), ValueError, r"reduction must be one of 'mean', 'sum'; got 'max'"),
    (lambda: Rosenbrock().value([1.0, 2.0, 3.0]), ValueError,
     r"x must have shape \(2,\) or \(\.\.\., 2\) for Rosenbrock, got shape \(3,\)"),
    (lambda: Beale().grad(np.array(["a", "b"])), TypeError, r"x must be a numeric array, got dtype <U1"),
])
def test_bad_input(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_integer_points_are_accepted():
    assert Rosenbrock().value(np.array([1, 1])) == 0.0


def test_singular_data_is_not_mistaken_for_positive_definite():
    # X^T X of Hinton's raw two cases plus a bias column is singular; rounding
    # can leave its smallest eigenvalue a hair above zero.
    X = np.array([[101.0, 101.0, 1.0], [101.0, 99.0, 1.0]])
    neuron = LinearNeuron(X, np.array([2.0, 0.0]))
    assert neuron.minimizer is None
    assert neuron.condition_number == float("inf")
