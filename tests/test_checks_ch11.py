"""The checks of chapter 11's exercises: right answers pass, typical mistakes are named."""
import numpy as np
import pytest

from gdlib.checks import ch11, registry


def test_registered_under_the_chapter_labels():
    for label in ("ch11-bn-backward", "ch11-identity", "ch11-running-var", "ch11-axes"):
        assert label in registry


# ---------------------------------------------------------------- ch11-bn-backward
def _right(dy, x, gamma, eps):
    N = x.shape[0]
    sigma = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / sigma
    dx_hat = gamma * dy
    return (N * dx_hat - dx_hat.sum(0) - x_hat * (dx_hat * x_hat).sum(0)) / (N * sigma)


def _parts(x, eps, ddof=0):
    s = np.sqrt(x.var(axis=0, ddof=ddof) + eps)
    return x.shape[0], s, (x - x.mean(0)) / s


def test_bn_backward_right_answers():
    assert ch11.bn_backward(_right)
    def by_graph(dy, x, gamma, eps):           # the step-by-step chain rule
        N = x.shape[0]
        mu = x.mean(0); var = x.var(0)
        inv = 1 / np.sqrt(var + eps)
        dxh = gamma * dy
        dvar = np.sum(dxh * (x - mu), 0) * -0.5 * inv ** 3
        dmu = -np.sum(dxh * inv, 0) + dvar * np.mean(-2 * (x - mu), 0)
        return dxh * inv + dvar * 2 * (x - mu) / N + dmu / N
    assert ch11.bn_backward(by_graph)
    assert not ch11.bn_backward(...).answered
    assert not ch11.bn_backward(lambda dy, x, g, e: ...).answered


def _no_var(dy, x, g, e):
    N, s, xh = _parts(x, e); d = g * dy
    return (N * d - d.sum(0)) / (N * s)


def _no_mean(dy, x, g, e):
    N, s, xh = _parts(x, e); d = g * dy
    return (N * d - xh * (d * xh).sum(0)) / (N * s)


def _unbiased(dy, x, g, e):
    N, s, xh = _parts(x, e, ddof=1); d = g * dy
    return (N * d - d.sum(0) - xh * (d * xh).sum(0)) / (N * s)


@pytest.mark.parametrize("fn, words", [
    (lambda dy, x, g, e: g * dy / np.sqrt(x.var(0) + e), "as constants"),
    (_no_var, "through the variance is missing"),
    (_no_mean, "through the mean is missing"),
    (lambda dy, x, g, e: _right(dy, x, np.ones_like(g), e), "gamma is missing"),
    (lambda dy, x, g, e: -_right(dy, x, g, e), "sign"),
    (lambda dy, x, g, e: x.shape[0] * _right(dy, x, g, e), "factor N"),
    (_unbiased, "unbiased"),
    (lambda dy, x, g, e: _right(dy, x, g, e).T, "shape"),
    (lambda dy, x, g, e: 1 / 0, "ZeroDivisionError"),
    (2.0, "should be a function"),
])
def test_bn_backward_mistakes(fn, words):
    fb = ch11.bn_backward(fn)
    assert not fb and words in fb.message, fb.message


# ---------------------------------------------------------------- ch11-identity
def test_identity_right_answer():
    X, eps = ch11.X_ID, ch11.EPS_ID
    assert ch11.identity(np.sqrt(X.var(0) + eps), X.mean(0))
    assert ch11.identity(list(np.sqrt(X.var(0) + eps)), X.mean(0).reshape(1, 3))
    assert not ch11.identity(..., X.mean(0)).answered
    assert not ch11.identity(np.ones(3), ...).answered


@pytest.mark.parametrize("gamma_fn, beta_fn, words", [
    (lambda X, e: np.sqrt(X.var(0)), lambda X, e: X.mean(0), "eps"),
    (lambda X, e: np.sqrt(X.var(0, ddof=1) + e), lambda X, e: X.mean(0), "unbiased"),
    (lambda X, e: X.var(0) + e, lambda X, e: X.mean(0), "square root"),
    (lambda X, e: 1 / np.sqrt(X.var(0) + e), lambda X, e: X.mean(0), "reciprocal"),
    (lambda X, e: np.sqrt(X.var(0) + e), lambda X, e: -X.mean(0), "wrong sign"),
    (lambda X, e: np.sqrt(X.var(0) + e), lambda X, e: np.zeros(3), "centring"),
    (lambda X, e: np.ones(2), lambda X, e: X.mean(0), "one per feature"),
    (lambda X, e: np.ones(3), lambda X, e: X.mean(0), "gamma does not undo"),
])
def test_identity_mistakes(gamma_fn, beta_fn, words):
    X, eps = ch11.X_ID, ch11.EPS_ID
    fb = ch11.identity(gamma_fn(X, eps), beta_fn(X, eps))
    assert not fb and words in fb.message, fb.message


def test_identity_eps_matters_here():
    X, eps = ch11.X_ID, ch11.EPS_ID
    assert np.min(X.var(0)) < 100 * eps       # the exercise's point: eps is not negligible


# ---------------------------------------------------------------- ch11-running-var
def test_running_var_right_answer():
    X = ch11.X_RUN
    assert ch11.running_var(0.9 * 1.0 + 0.1 * X.var(0, ddof=1))
    assert not ch11.running_var(...).answered


@pytest.mark.parametrize("value, words", [
    (0.9 + 0.1 * ch11.X_RUN.var(0), "unbiased batch variance"),
    (0.1 + 0.9 * ch11.X_RUN.var(0, ddof=1), "swapped"),
    (0.1 * ch11.X_RUN.var(0, ddof=1), "starts at 1"),
    (ch11.X_RUN.var(0, ddof=1), "batch variance alone"),
    (np.ones(3), "shape"),
    (np.array([5.0, 5.0]), "differ"),
])
def test_running_var_mistakes(value, words):
    fb = ch11.running_var(value)
    assert not fb and words in fb.message, fb.message


# ---------------------------------------------------------------- ch11-axes
def test_axes_right_answers():
    assert ch11.axes({"batch": (0, 2, 3), "layer": (1, 2, 3), "instance": (2, 3)})
    assert ch11.axes({"batch": [0, -2, -1], "layer": (-3, -2, -1), "instance": (-1, -2)})
    assert not ch11.axes(...).answered
    assert not ch11.axes({"batch": ..., "layer": ..., "instance": ...}).answered


@pytest.mark.parametrize("answer, words", [
    ({"batch": (1,), "layer": (1, 2, 3), "instance": (2, 3)}, "keep their own"),
    ({"batch": (0,), "layer": (1, 2, 3), "instance": (2, 3)}, "spatial axes"),
    ({"batch": (0, 2, 3), "layer": (0, 1, 2, 3), "instance": (2, 3)}, "never averages over the batch"),
    ({"batch": (0, 2, 3), "layer": (1, 2, 3), "instance": (1, 2, 3)}, "per channel"),
    ({"batch": (0, 2, 3), "layer": (1, 2, 3), "instance": (0, 2, 3)}, "one statistic per example"),
    ({"batch": (0, 2, 3), "layer": (1, 2, 3)}, "no entry"),
    ([0, 2, 3], "should be a dict"),
    ({"batch": "N", "layer": (1, 2, 3), "instance": (2, 3)}, "tuple of axis numbers"),
])
def test_axes_mistakes(answer, words):
    fb = ch11.axes(answer)
    assert not fb and words in fb.message, fb.message


# ---------------------------------------------------------------- the chapter's own solutions
def test_the_notebook_solutions_pass_their_checks():
    """The answer lines in each hidden solution, run in the answer cell, give "Correct"."""
    from book_pages import run_notebook_solutions

    assert run_notebook_solutions("ch11_normalization.ipynb", ch11) == 4
