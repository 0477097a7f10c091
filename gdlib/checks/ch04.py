"""Checks for the exercises of chapter 4: error surfaces and input preprocessing.

=====================  ==========================================================
``hessian(fn)``        ch04-hessian: the Hessian of a linear neuron's squared error
``kappa(fn)``          ch04-kappa: condition number of Hinton's scaling example
``zca(fn)``            ch04-zca: the ZCA whitening matrix of a covariance
``eta_max(x)``         ch04-eta-max: the largest stable rate on Hinton's raw inputs
``hidden(choice)``     ch04-hidden: which change rounds a logistic layer's successor
=====================  ==========================================================

Derivation exercises take the reader's answer as a Python function and call it
on test cases of their own; the diagnosis names the kind of mistake (a factor
of N, a transposed product, the covariance instead of the second moment, a
missing square or square root, a reciprocal) and never prints the answer.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ._core import Feedback, check_choice, check_number, correct, exercise, not_answered, wrong

__all__ = ["hessian", "kappa", "zca", "eta_max", "hidden", "HINTON_X"]

#: Hinton's two training cases before shifting (lecture 6b); targets 2 and 0.
HINTON_X = np.array([[101.0, 101.0], [101.0, 99.0]])


def _placeholder(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


def _call(fn: Callable, name: str, *args) -> tuple[np.ndarray | None, Feedback | None]:
    """Call the reader's function; a failure becomes feedback, not a traceback."""
    try:
        out = fn(*(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args))
    except Exception as exc:  # noqa: BLE001 - any error of the reader's code is reported
        return None, wrong(f"calling {name} raised {type(exc).__name__}: {exc}")
    if _placeholder(out):
        return None, not_answered()
    try:
        arr = np.asarray(out, dtype=float)
    except (TypeError, ValueError):
        return None, wrong(f"{name} should return numbers, got {type(out).__name__}.")
    if not np.all(np.isfinite(arr)):
        return None, wrong(f"{name} returned NaN or infinite values.")
    return arr, None


def _close(a: np.ndarray, b: np.ndarray, rtol: float = 1e-7, atol: float = 1e-10) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


# ------------------------------------------------------------------ ch04-hessian
def _hessian_cases() -> list[np.ndarray]:
    rng = np.random.default_rng(404)
    return [rng.normal(3.0, 1.0, size=(6, 2)),       # inputs with a non-zero mean
            rng.normal(-1.0, 2.0, size=(9, 3)),
            rng.normal(0.5, 1.0, size=(4, 4))]       # N = d: shapes cannot tell X X^T apart


@exercise("ch04-hessian")
def hessian(fn: Any) -> Feedback:
    r"""Check ``hessian(X)``: the Hessian of :math:`E(w) = \frac{1}{2N}\sum_n (w^\top x_n - t_n)^2`."""
    if _placeholder(fn):
        return not_answered()
    if not callable(fn):
        return wrong("hessian should be a function of the input matrix X, defined with `def hessian(X): ...`.")
    for X in _hessian_cases():
        N, d = X.shape
        H, fb = _call(fn, "hessian(X)", X)
        if fb is not None:
            return fb
        expected = X.T @ X / N
        if H.shape != (d, d):
            if H.shape == (N, N):
                return wrong(f"for X of shape {X.shape} your matrix has shape {H.shape}, one row per "
                             "training case: that is a product X X^T of the cases. The Hessian has one "
                             "row and one column per weight.")
            return wrong(f"for X of shape {X.shape} your matrix has shape {H.shape}; the Hessian has one "
                         "row and one column per weight.")
        if _close(H, expected):
            continue
        Xc = X - X.mean(axis=0)
        if _close(H, X.T @ X):
            return wrong("off by a factor of N, the number of cases: E averages the squared errors, "
                         "so its Hessian averages the products x_n x_n^T too.")
        if _close(H, 2 * expected):
            return wrong("twice too large: the 1/2 in E cancels the 2 that differentiating the square "
                         "brings down.")
        if _close(H, expected / 2):
            return wrong("half as large as it should be: the 1/2 in E is used up by the 2 that "
                         "differentiating the square brings down; do not keep it as well.")
        if _close(H, Xc.T @ Xc / N) or _close(H, Xc.T @ Xc / (N - 1)):
            return wrong("this is the covariance of the inputs (you subtracted their mean). The neuron "
                         "has no bias, so its Hessian is the uncentred second moment; the two agree "
                         "only when the inputs are centred.")
        if _close(H, X.T @ X / (N - 1)):
            return wrong("divided by N - 1: E averages over all N cases, so divide by N.")
        if N == d and _close(H, X @ X.T / N):
            return wrong("this is X X^T / N, a product of the cases; the Hessian multiplies the "
                         "columns of X (one per weight), not its rows.")
        return wrong(f"for an X of shape {X.shape} your matrix differs from the Hessian; start from "
                     "the gradient (1/N) sum_n (w^T x_n - t_n) x_n and differentiate it once more.")
    return correct("The Hessian is the second-moment matrix of the inputs, whatever the targets.")


# ------------------------------------------------------------------ ch04-kappa
_KAPPA_CASES = ((0.1, 10.0), (2.0, 0.5), (-3.0, 1.0), (1.0, 1.0), (5.0, -4.0), (0.3, 0.03))


def _kappa_expected(a: float, b: float) -> float:
    return max(a * a, b * b) / min(a * a, b * b)


@exercise("ch04-kappa")
def kappa(fn: Any) -> Feedback:
    r"""Check ``kappa(a, b)``: the condition number for the cases :math:`(a, b) \to 2`, :math:`(a, -b) \to 0`."""
    if _placeholder(fn):
        return not_answered()
    if not callable(fn):
        return wrong("kappa should be a function of the two input scales, defined with `def kappa(a, b): ...`.")
    kinds = set()
    for a, b in _KAPPA_CASES:
        k, fb = _call(fn, f"kappa({a}, {b})", a, b)
        if fb is not None:
            return fb
        if k.size != 1:
            return wrong(f"kappa(a, b) should return one number, got an array of shape {k.shape}.")
        k = float(k.reshape(()))
        exp = _kappa_expected(a, b)
        ratio = max(abs(a), abs(b)) / min(abs(a), abs(b))
        if np.isclose(k, exp, rtol=1e-7, atol=0):
            kinds.add("ok")
        elif exp != 1 and np.isclose(k, 1 / exp, rtol=1e-7, atol=0):
            kinds.add("reciprocal")
        elif exp != 1 and np.isclose(k, ratio, rtol=1e-7, atol=0):
            kinds.add("sqrt")
        elif exp != 1 and np.isclose(k, 1 / ratio, rtol=1e-7, atol=0):
            kinds.add("sqrt-reciprocal")
        elif np.isclose(k, -exp, rtol=1e-7, atol=0) or np.isclose(k, a / b, rtol=1e-7, atol=0):
            kinds.add("sign")
        else:
            kinds.add("other")
    if kinds == {"ok"}:
        return correct("Scaling one input by s scales its curvature by s^2, so the condition number "
                       "is the squared ratio of the input scales.")
    if "sign" in kinds:
        return wrong("some of your values are negative or depend on the signs of a and b; eigenvalues "
                     "of X^T X / N are never negative, and flipping the sign of an input changes nothing.")
    if kinds <= {"ok", "reciprocal"}:
        return wrong("right for some scales but below 1 for others: the condition number divides the "
                     "larger eigenvalue by the smaller, whichever input is larger.")
    if kinds <= {"ok", "sqrt", "sqrt-reciprocal"}:
        return wrong("this grows like the ratio of the input scales, but the Hessian holds products of "
                     "inputs: the curvature grows with the square of an input's scale.")
    return wrong("not the condition number for every pair (a, b); write down X^T X / N for the two "
                 "cases and read off its eigenvalues.")


# ------------------------------------------------------------------ ch04-zca
def _zca_cases() -> list[np.ndarray]:
    rng = np.random.default_rng(4)
    M = rng.standard_normal((3, 3))
    return [np.array([[3.0, 1.6], [1.6, 1.2]]),
            np.array([[4.0, 0.0], [0.0, 0.25]]),
            M @ M.T + 0.5 * np.eye(3)]


def _sym_power(S: np.ndarray, p: float) -> np.ndarray:
    lam, U = np.linalg.eigh(S)
    return (U * lam**p) @ U.T


@exercise("ch04-zca")
def zca(fn: Any) -> Feedback:
    r"""Check ``zca_matrix(Sigma)``: the symmetric whitening matrix :math:`\Sigma^{-1/2}`."""
    if _placeholder(fn):
        return not_answered()
    if not callable(fn):
        return wrong("zca_matrix should be a function of the covariance, defined with "
                     "`def zca_matrix(Sigma): ...`.")
    for S in _zca_cases():
        d = S.shape[0]
        W, fb = _call(fn, "zca_matrix(Sigma)", S)
        if fb is not None:
            return fb
        if W.shape != (d, d):
            return wrong(f"for a {d} x {d} covariance your matrix has shape {W.shape}; a whitening "
                         f"matrix maps {d} inputs to {d} outputs.")
        expected = _sym_power(S, -0.5)
        if _close(W, expected, rtol=1e-6, atol=1e-9):
            continue
        whitens = (np.allclose(W @ S @ W.T, np.eye(d), atol=1e-6)
                   or np.allclose(W.T @ S @ W, np.eye(d), atol=1e-6))
        if _close(W, -expected, rtol=1e-6, atol=1e-9):
            return wrong("every sign is flipped: that whitens too, but ZCA is the positive-definite "
                         "square root, which changes the data as little as possible.")
        if whitens:
            return wrong("your matrix whitens (the covariance becomes I) but it is not symmetric: "
                         "that is PCA whitening, or PCA whitening followed by some rotation. ZCA "
                         "rotates the whitened data back onto the original axes.")
        if _close(W, _sym_power(S, -1.0), rtol=1e-6, atol=1e-9):
            return wrong("this is the inverse of the covariance: the square root is missing "
                         "(the covariance of W x would be Sigma^-1, not I).")
        if _close(W, _sym_power(S, 0.5), rtol=1e-6, atol=1e-9):
            return wrong("this is the square root of the covariance, not of its inverse: it colours "
                         "the data instead of whitening it.")
        if _close(W, np.diag(1 / np.sqrt(np.diag(S))), rtol=1e-6, atol=1e-9):
            return wrong("this divides each component by its standard deviation (standardization): "
                         "the variances become 1, but the correlations remain.")
        return wrong(f"for a {d} x {d} covariance the covariance of W x is not the identity; use the "
                     "eigendecomposition Sigma = U Lambda U^T.")
    return correct("ZCA is the only symmetric positive-definite whitening matrix.")


# ------------------------------------------------------------------ ch04-eta-max
@exercise("ch04-eta-max")
def eta_max(answer: Any) -> Feedback:
    r"""Check the largest stable learning rate :math:`2/\lambda_{\max}` for Hinton's unshifted cases."""
    if _placeholder(answer):
        return not_answered()
    A = HINTON_X.T @ HINTON_X / HINTON_X.shape[0]
    lam = np.linalg.eigvalsh(A)
    expected = 2.0 / lam[-1]
    try:
        x = float(np.asarray(answer, dtype=float).reshape(()))
    except (TypeError, ValueError):
        return check_number(answer, expected, what="eta_max")
    if np.isfinite(x) and x > 0:
        if np.isclose(x, 2.0 / lam[0], rtol=1e-4, atol=0):
            return wrong("eta_max: you used the smallest eigenvalue; gradient descent blows up first "
                         "along the steepest direction.")
        if np.isclose(x, 2.0 / np.trace(A), rtol=1e-7, atol=0):
            return wrong("eta_max: 2 / trace(H) is a safe rate just below the threshold; the threshold "
                         "itself uses the largest eigenvalue.")
        if np.isclose(x, expected / 2, rtol=1e-6, atol=0):
            return wrong("eta_max is half of the threshold: 1 / lambda_max is the rate that removes "
                         "the steep component in one step (or you used the summed error, whose "
                         "Hessian is N times larger); divergence starts at twice that.")
    return check_number(answer, expected, rtol=1e-6, what="eta_max")


# ------------------------------------------------------------------ ch04-hidden
_HIDDEN_OPTIONS = ("a", "b", "c", "d")
_HIDDEN_HINTS = {
    "a": "doubling the outputs doubles their mean too: every eigenvalue of the next layer's Hessian "
         "grows by 4, and their ratio, the condition number, does not change.",
    "c": "a bias helps the next layer fit the offset, but the mean of the inputs still couples every "
         "weight to the bias: the Hessian keeps its large eigenvalue along the mean direction.",
    "d": "a smaller learning rate keeps gradient descent stable but does not change the shape of the "
         "error surface; it makes the slow direction even slower.",
}


@exercise("ch04-hidden")
def hidden(choice: Any) -> Feedback:
    """Check the multiple-choice answer about logistic hidden units feeding a linear unit."""
    fb = check_choice(choice, "b", _HIDDEN_OPTIONS, hints=_HIDDEN_HINTS, what="your choice")
    if fb:
        return correct("Subtracting 1/2 turns the logistic into tanh(z/2)/2: zero-mean outputs, so the "
                       "next layer sees centred inputs.")
    return fb
