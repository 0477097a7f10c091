"""Chapter 4's exercise checks: right answers pass, typical mistakes get the right diagnosis."""
import numpy as np
import pytest

from gdlib.checks import ch04, registry


def test_registered_under_the_chapter_labels():
    for label in ("ch04-hessian", "ch04-kappa", "ch04-zca", "ch04-eta-max", "ch04-hidden"):
        assert label in registry


@pytest.mark.parametrize("check", [ch04.hessian, ch04.kappa, ch04.zca, ch04.eta_max, ch04.hidden])
def test_placeholder_is_not_answered(check):
    fb = check(...)
    assert not fb and not fb.answered and "No answer yet" in fb.message


# ------------------------------------------------------------------ hessian
def test_hessian_right_answer():
    assert ch04.hessian(lambda X: X.T @ X / len(X))


@pytest.mark.parametrize("fn, words", [
    (lambda X: X.T @ X, "factor of N"),
    (lambda X: 2 * X.T @ X / len(X), "twice too large"),
    (lambda X: X.T @ X / len(X) / 2, "half as large"),
    (lambda X: (X - X.mean(0)).T @ (X - X.mean(0)) / len(X), "covariance"),
    (lambda X: np.cov(X.T), "covariance"),
    (lambda X: X.T @ X / (len(X) - 1), "N - 1"),
    (lambda X: X @ X.T / len(X), "one row per training case"),
    (lambda X: np.eye(X.shape[1]), "differentiate it once more"),
    (lambda X: np.zeros(3), "shape"),
    (lambda X: 1 / 0, "ZeroDivisionError"),
    (lambda X: ..., "No answer yet"),
    (lambda X: np.full((X.shape[1],) * 2, np.nan), "NaN"),
])
def test_hessian_diagnoses(fn, words):
    fb = ch04.hessian(fn)
    assert not fb and words in fb.message


def test_hessian_square_case_names_the_transposed_product():
    # X X^T / N on the square test case (N = d) is caught by its values, not its shape
    def fn(X):
        return X @ X.T / len(X) if X.shape[0] == X.shape[1] else X.T @ X / len(X)
    fb = ch04.hessian(fn)
    assert not fb and "columns of X" in fb.message


def test_hessian_not_a_function():
    assert "def hessian" in ch04.hessian(np.eye(2)).message


# ------------------------------------------------------------------ kappa
def test_kappa_right_answers():
    assert ch04.kappa(lambda a, b: max(a * a, b * b) / min(a * a, b * b))
    assert ch04.kappa(lambda a, b: (max(abs(a), abs(b)) / min(abs(a), abs(b))) ** 2)
    # max(a / b, b / a) ** 2 is wrong when a and b have opposite signs
    assert not ch04.kappa(lambda a, b: max(a / b, b / a) ** 2)
    assert ch04.kappa(lambda a, b: np.ptp([0, 0]) + np.max(np.abs([a / b, b / a])) ** 2)


@pytest.mark.parametrize("fn, words", [
    (lambda a, b: min(a * a, b * b) / max(a * a, b * b), "below 1"),
    (lambda a, b: a * a / (b * b), "below 1"),
    (lambda a, b: max(abs(a), abs(b)) / min(abs(a), abs(b)), "square of an input's scale"),
    (lambda a, b: a / b, "signs"),
    (lambda a, b: a + b, "eigenvalues"),
    (lambda a, b: np.array([a, b]), "one number"),
    (lambda a, b: float("inf"), "infinite"),
])
def test_kappa_diagnoses(fn, words):
    fb = ch04.kappa(fn)
    assert not fb and words in fb.message


def test_kappa_not_a_function():
    assert "def kappa" in ch04.kappa(1e4).message


# ------------------------------------------------------------------ zca
def _power(S, p):
    lam, U = np.linalg.eigh(S)
    return (U * lam**p) @ U.T


def test_zca_right_answer():
    assert ch04.zca(lambda S: _power(S, -0.5))


def _pca_whiten(S):
    lam, U = np.linalg.eigh(S)
    return np.diag(lam**-0.5) @ U.T


@pytest.mark.parametrize("fn, words", [
    (_pca_whiten, "PCA whitening"),
    (lambda S: _pca_whiten(S).T, "PCA whitening"),
    (lambda S: -_power(S, -0.5), "sign is flipped"),
    (lambda S: np.linalg.inv(S), "square root is missing"),
    (lambda S: _power(S, 0.5), "colours"),
    (lambda S: np.diag(1 / np.sqrt(np.diag(S))), "correlations remain"),
    (lambda S: np.eye(len(S)), "eigendecomposition"),
    (lambda S: np.ones(len(S)), "shape"),
])
def test_zca_diagnoses(fn, words):
    fb = ch04.zca(fn)
    assert not fb and words in fb.message


def test_zca_not_a_function():
    assert "def zca_matrix" in ch04.zca(np.eye(2)).message


# ------------------------------------------------------------------ eta_max
def _hinton_eigs():
    X = ch04.HINTON_X
    return np.linalg.eigvalsh(X.T @ X / 2), X.T @ X / 2


def test_eta_max_right_answer_and_no_leak():
    lam, _ = _hinton_eigs()
    assert ch04.eta_max(2 / lam[-1])
    fb = ch04.eta_max(1.0)
    assert not fb and f"{2 / lam[-1]:.4g}" not in fb.message


@pytest.mark.parametrize("value, words", [
    (lambda lam, A: 1 / lam[-1], "half of the threshold"),
    (lambda lam, A: 2 / lam[0], "smallest eigenvalue"),
    (lambda lam, A: 2 / np.trace(A), "trace"),
    (lambda lam, A: -2 / lam[-1], "sign is flipped"),
    (lambda lam, A: lam[-1] / 2, "reciprocal"),
    (lambda lam, A: 2.0, "too large"),
    (lambda lam, A: "small", "single number"),
])
def test_eta_max_diagnoses(value, words):
    lam, A = _hinton_eigs()
    fb = ch04.eta_max(value(lam, A))
    assert not fb and words in fb.message


# ------------------------------------------------------------------ hidden
def test_hidden_choice():
    assert ch04.hidden("b")
    assert ch04.hidden(" b ")
    for wrong_option, words in (("a", "does not change"), ("c", "bias"), ("d", "shape")):
        fb = ch04.hidden(wrong_option)
        assert not fb and words in fb.message
    assert "must be one of" in ch04.hidden("e").message
