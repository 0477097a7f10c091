"""gdlib.calculus: finite differences, Taylor models, gradient check."""
from __future__ import annotations

import numpy as np
import pytest

from gdlib.calculus import gradient_check, numerical_gradient, numerical_hessian, taylor
from gdlib.objectives import Quadratic, Rosenbrock


def test_numerical_gradient_of_a_known_function():
    f = lambda x: np.sin(x[0]) * x[1] ** 2
    x = np.array([0.3, 2.0])
    np.testing.assert_allclose(numerical_gradient(f, x), [np.cos(0.3) * 4, 2 * np.sin(0.3) * 2], rtol=1e-8)


def test_central_differences_are_second_order():
    f = lambda x: np.exp(x[0])
    x = np.array([0.0])
    errors = [abs(numerical_gradient(f, x, h=h)[0] - 1.0) for h in (1e-2, 1e-3)]
    assert errors[0] / errors[1] == pytest.approx(100, rel=0.05)


def test_numerical_hessian_from_values_and_from_gradients():
    r = Rosenbrock()
    x = np.array([-0.5, 0.7])
    np.testing.assert_allclose(numerical_hessian(r.value, x), r.hess(x), rtol=1e-5)
    np.testing.assert_allclose(numerical_hessian(r, x), r.hess(x), rtol=1e-7, atol=1e-5)     # uses r.grad


def test_taylor_models():
    r = Rosenbrock()
    x0 = np.array([0.5, 0.5])
    m1, m2 = taylor(r, x0, order=1), taylor(r, x0, order=2)
    assert m1(x0) == pytest.approx(r.value(x0)) and m2(x0) == pytest.approx(r.value(x0))
    errors1, errors2 = [], []
    for h in (1e-2, 1e-3):
        x = x0 + h * np.array([0.6, -0.8])
        errors1.append(abs(m1(x) - r.value(x)))
        errors2.append(abs(m2(x) - r.value(x)))
    assert errors1[0] / errors1[1] == pytest.approx(100, rel=0.1)      # O(h^2) error
    assert errors2[0] / errors2[1] == pytest.approx(1000, rel=0.1)     # O(h^3) error
    grid = np.zeros((3, 2)) + x0
    assert m2(grid).shape == (3,)
    assert m1.order == 1 and m2.order == 2 and "order=2" in repr(m2)


def test_second_order_model_of_a_quadratic_is_exact_and_its_minimizer_is_newton():
    q = Quadratic([[3.0, 1.0], [1.0, 2.0]], [1.0, -1.0])
    m = taylor(q, [2.0, 2.0])
    for x in ([0.0, 0.0], [5.0, -3.0]):
        assert m(np.array(x)) == pytest.approx(q.value(np.array(x)))
    np.testing.assert_allclose(m.minimizer(), q.minimizer)
    with pytest.raises(ValueError, match="minimizer needs order=2"):
        taylor(q, [2.0, 2.0], order=1).minimizer()


def test_taylor_of_plain_function_uses_finite_differences():
    f = lambda x: x[0] ** 2 + 3 * x[0] * x[1]
    m = taylor(f, [1.0, 1.0])
    np.testing.assert_allclose(m.g, [5.0, 3.0], rtol=1e-7)
    np.testing.assert_allclose(m.H, [[2.0, 3.0], [3.0, 0.0]], atol=1e-5)


def test_gradient_check_reports_relative_error():
    r = Rosenbrock()
    x = np.array([-1.2, 1.0])
    check = gradient_check(r, x)
    assert check.relative_error < 1e-8
    np.testing.assert_allclose(check.analytic, r.grad(x))
    wrong = gradient_check(r.value, x, grad=lambda x: 1.01 * r.grad(x))
    assert wrong.relative_error == pytest.approx(0.01 / 1.01, rel=1e-4)
    zero = gradient_check(lambda x: 1.0, x, grad=lambda x: np.zeros(2))
    assert zero.relative_error == 0.0


@pytest.mark.parametrize("call, error, match", [
    (lambda: numerical_gradient(lambda x: 0.0, [[1.0]]), ValueError, r"x must be a vector of shape \(d,\), got shape \(1, 1\)"),
    (lambda: numerical_gradient(lambda x: 0.0, [1.0], h=0), ValueError, r"h must be > 0, got 0"),
    (lambda: numerical_hessian(lambda x: 0.0, [np.inf]), ValueError, r"x must contain only finite values, got .*inf.* at \[0\]"),
    (lambda: taylor(Rosenbrock(), [0.0, 0.0], order=3), ValueError, r"order must be one of 1, 2; got 3"),
    (lambda: gradient_check(lambda x: 0.0, [0.0]), TypeError, r"grad must be given when f has no .grad method"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
