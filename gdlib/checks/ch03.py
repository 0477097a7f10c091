"""Checks for the exercises of chapter 3 (Newton's method).

Each check compares the reader's answer with what gdlib computes and, when it
is wrong, names the kind of mistake (a flipped sign, the gradient step instead
of the Newton step, a missing chain-rule factor, float32 instead of float64)
without printing the expected value.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ._core import Feedback, check_array, check_number, correct, exercise, not_answered, wrong

# ----------------------------------------------------------------------------
# ch03-one-step: the Newton step on a quadratic
# ----------------------------------------------------------------------------
#: The quadratic of the exercise, f(x) = 1/2 x^T A x - b^T x, and its start point.
ONE_STEP_A = np.array([[3.0, 1.0], [1.0, 2.0]])
ONE_STEP_B = np.array([1.0, -1.0])
ONE_STEP_X0 = np.array([2.0, 2.0])


def _close(a, b) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))


@exercise("ch03-one-step")
def newton_step(p0: Any) -> Feedback:
    """Check the Newton step ``p0`` for the quadratic of exercise ch03-one-step."""
    if p0 is Ellipsis or p0 is None:
        return not_answered()
    A, b, x0 = ONE_STEP_A, ONE_STEP_B, ONE_STEP_X0
    g = A @ x0 - b
    expected = -np.linalg.solve(A, g)
    try:
        p = np.asarray(p0, dtype=float)
    except (TypeError, ValueError):
        return wrong("p0 could not be read as an array of numbers.")
    if p.shape == expected.shape:
        wrong_ones = [
            (-g, "this is the gradient-descent step with learning rate 1 (you used the identity "
                 "where the inverse Hessian belongs)."),
            (-A @ g, "you multiplied the gradient by H; the Newton step solves H p = -g, "
                     "i.e. multiplies by the inverse of H."),
            (x0 + expected, "this is the new point x0 + p0, not the step p0."),
            (-x0, "the linear term b is missing from the gradient g = A x0 - b."),
            (-np.linalg.solve(A, A @ x0 + b), "check the sign of b in the gradient g = A x0 - b."),
        ]
        for candidate, reason in wrong_ones:
            if _close(p, candidate) and not _close(p, expected):
                return wrong(reason)
    return check_array(p0, expected, what="p0")


# ----------------------------------------------------------------------------
# ch03-quartic: Newton on f(x) = x^4 converges only linearly
# ----------------------------------------------------------------------------
def quartic_rate_expected() -> float:
    """x_{k+1} = x_k - f'(x_k)/f''(x_k) = x_k - 4 x_k^3 / (12 x_k^2) for f(x) = x^4."""
    x = 0.7
    return (x - 4 * x**3 / (12 * x**2)) / x


def quartic_steps_expected(tol: float = 1e-6) -> int:
    """The first k with c^k < tol, starting from x_0 = 1."""
    c = quartic_rate_expected()
    k, x = 0, 1.0
    while abs(x) >= tol:
        x, k = c * x, k + 1
    return k


@exercise("ch03-quartic")
def quartic(c: Any, steps: Any) -> Feedback:
    """Check the contraction factor ``c`` and the number of ``steps`` for Newton on x^4."""
    if c is Ellipsis or c is None:
        return not_answered()
    expected = quartic_rate_expected()
    fc = check_number(c, expected, rtol=1e-6, what="c")
    if not fc:
        try:
            x = float(c)
        except (TypeError, ValueError):
            return fc
        if math.isclose(x, 1 - expected, rel_tol=1e-6):
            return wrong("c is the fraction of x_k that the step removes; the question asks for "
                         "the fraction that remains, x_{k+1} / x_k.")
        if math.isclose(x, 0.0, abs_tol=1e-12):
            return wrong("c = 0 would mean one step reaches the minimizer, which only happens on a "
                         "quadratic; f(x) = x^4 is not one.")
        return fc
    if steps is Ellipsis or steps is None:
        return Feedback(False, "c is right. No answer yet for steps: replace its `...` and run the "
                               "cell again.", answered=False)
    n = quartic_steps_expected()
    fs = check_number(steps, n, integer=True, what="steps")
    if fs:
        return correct("Linear convergence: a fixed number of steps per extra digit.")
    return Feedback(False, "c is right, but " + fs.message[len("Not yet: "):] +
                    " Count the steps k until c**k drops below 1e-6.")


# ----------------------------------------------------------------------------
# ch03-affine: the Newton step after a linear change of variables
# ----------------------------------------------------------------------------
def _affine_cases():
    rng = np.random.default_rng(3)
    cases = []
    for d in (2, 3, 4):
        Q = rng.normal(size=(d, d))
        H = Q @ Q.T + d * np.eye(d)                       # symmetric positive definite
        g = rng.normal(size=d)
        M = rng.normal(size=(d, d)) + 2 * np.eye(d)       # invertible, not symmetric
        cases.append((H, g, M))
    return cases


def affine_step_expected(H, g, M) -> np.ndarray:
    """Newton step for f~(phi) = f(M phi): gradient M^T g, Hessian M^T H M."""
    return -np.linalg.solve(M.T @ H @ M, M.T @ g)


class _Unanswered(Exception):
    """The reader's function still returns the ``...`` placeholder."""


def _call(fn: Callable, *args):
    try:
        out = fn(*args)
    except Exception as exc:  # noqa: BLE001 - the reader's function may fail in any way
        return None, f"calling your function raised {type(exc).__name__}: {exc}"
    if out is Ellipsis or out is None:
        raise _Unanswered
    try:
        return np.asarray(out, dtype=float), None
    except (TypeError, ValueError):
        return None, f"your function returned {type(out).__name__}, not an array of numbers."


@exercise("ch03-affine")
def affine_newton_step(fn: Any) -> Feedback:
    """Check ``fn(H, g, M)``, the Newton step in the coordinates phi with theta = M phi."""
    if fn is Ellipsis or fn is None:
        return not_answered()
    if not callable(fn):
        return wrong("newton_step_phi should be a function of (H, g, M).")
    try:
        return _check_affine(fn)
    except _Unanswered:
        return not_answered()


def _check_affine(fn: Callable) -> Feedback:
    for H, g, M in _affine_cases():
        p, err = _call(fn, H.copy(), g.copy(), M.copy())
        if err:
            return wrong(err)
        expected = affine_step_expected(H, g, M)
        if _close(p, expected):
            continue
        newton_theta = -np.linalg.solve(H, g)
        diagnoses = [
            (-expected, "the sign is flipped: the step is minus the inverse Hessian times the gradient."),
            (newton_theta, "this is the Newton step in theta; in phi the gradient and Hessian "
                           "change too (chain rule)."),
            (M @ newton_theta, "you mapped the theta-step with M; a step in theta becomes a step in phi "
                               "through the inverse of M."),
            (-np.linalg.solve(M @ H @ M.T, M @ g), "the chain rule puts M transposed in front: the "
                                                   "gradient of f(M phi) is M^T g, its Hessian M^T H M."),
            (-M.T @ g, "this is the gradient-descent step with learning rate 1 in phi, not Newton's."),
            (-np.linalg.solve(M.T @ H @ M, g), "the gradient in phi is M^T g, not g."),
            (-np.linalg.solve(H, M.T @ g), "the Hessian in phi is M^T H M, not H."),
        ]
        for candidate, reason in diagnoses:
            if _close(p, candidate):
                return wrong(reason)
        if p.shape != expected.shape:
            return wrong(f"your function returned shape {p.shape} for a {len(g)}-dimensional problem.")
        return wrong(f"your function disagrees with the Newton step on a {len(g)}-dimensional test case.")
    return correct("In theta the step is M times it: the same step, whatever M is.")


# ----------------------------------------------------------------------------
# ch03-hessian-memory: counting parameters and the bytes of a full Hessian
# ----------------------------------------------------------------------------
MLP_SIZES = (64, 32, 10)


def mlp_parameters(sizes=MLP_SIZES) -> int:
    """Weights and biases of fully connected layers with the given widths."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


@exercise("ch03-hessian-memory")
def hessian_memory(d: Any, nbytes: Any) -> Feedback:
    """Check the parameter count ``d`` and the float64 Hessian size ``nbytes``."""
    if d is Ellipsis or d is None:
        return not_answered()
    n = mlp_parameters()
    no_bias = sum(a * b for a, b in zip(MLP_SIZES[:-1], MLP_SIZES[1:]))
    try:
        dv = float(d)
    except (TypeError, ValueError):
        return wrong("d should be a whole number.")
    if dv == no_bias:
        return wrong("d leaves out the biases: each layer also has one bias per output unit.")
    fd = check_number(d, n, integer=True, what="d")
    if not fd:
        return fd
    if nbytes is Ellipsis or nbytes is None:
        return Feedback(False, "d is right. No answer yet for nbytes: replace its `...` and run the "
                               "cell again.", answered=False)
    expected = 8 * n * n
    try:
        b = float(nbytes)
    except (TypeError, ValueError):
        return wrong("nbytes should be a number of bytes.")
    hints = [
        (n * n, "that is the number of entries; each float64 entry takes 8 bytes."),
        (4 * n * n, "that is the size in float32 (4 bytes per entry); the question asks for float64."),
        (8 * n * (n + 1) / 2, "that stores one triangle of the symmetric matrix; the question asks "
                              "for the full d x d array that numpy would allocate."),
        (8 * n, "that is the memory of one vector of d parameters (the gradient), not of the Hessian."),
        (n * n / 8, "divide-by-8 slip: bytes = entries times 8."),
    ]
    for value, reason in hints:
        if math.isclose(b, value, rel_tol=1e-9):
            return wrong(f"nbytes: {reason}")
    fb = check_number(nbytes, expected, rtol=1e-9, what="nbytes")
    return correct("That is for a tiny network; the text scales it up.") if fb else fb


# ----------------------------------------------------------------------------
# ch03-lm: the Levenberg-Marquardt (regularized Newton) step
# ----------------------------------------------------------------------------
def _lm_cases():
    rng = np.random.default_rng(7)
    cases = [(np.diag([2.0, -2.0]), np.array([1.0, -2.0]), 3.0)]    # the saddle at (0.5, 1)
    for d in (3, 4):
        Q = rng.normal(size=(d, d))
        H = 0.5 * (Q + Q.T)                                          # symmetric, indefinite
        mu = float(-np.linalg.eigvalsh(H)[0] + 1.0 + d)
        cases.append((H, rng.normal(size=d), mu))
    return cases


def lm_step_expected(H, g, mu) -> np.ndarray:
    """p = -(H + mu I)^{-1} g."""
    return -np.linalg.solve(H + mu * np.eye(len(g)), g)


@exercise("ch03-lm")
def lm_step(fn: Any) -> Feedback:
    """Check ``fn(H, g, mu)``, the regularized Newton step -(H + mu I)^{-1} g."""
    if fn is Ellipsis or fn is None:
        return not_answered()
    if not callable(fn):
        return wrong("lm_step should be a function of (H, g, mu).")
    try:
        return _check_lm(fn)
    except _Unanswered:
        return not_answered()


def _check_lm(fn: Callable) -> Feedback:
    for H, g, mu in _lm_cases():
        p, err = _call(fn, H.copy(), g.copy(), mu)
        if err:
            return wrong(err)
        expected = lm_step_expected(H, g, mu)
        if _close(p, expected):
            continue
        d = len(g)
        diagnoses = [
            (-expected, "the sign is flipped: the step solves (H + mu I) p = -g."),
            (-np.linalg.solve(H - mu * np.eye(d), g), "mu is added to the diagonal, not subtracted."),
            (-np.linalg.solve(H + mu, g), "mu belongs on the diagonal only (H + mu I); you added it "
                                          "to every entry."),
            (-np.linalg.solve(H, g), "this is the plain Newton step; mu is missing."),
            (-g / mu, "this is the large-mu limit (a gradient step of length 1/mu), not the step itself."),
            (-(H + mu * np.eye(d)) @ g, "you multiplied by H + mu I instead of solving with it."),
        ]
        for candidate, reason in diagnoses:
            if p.shape == candidate.shape and _close(p, candidate):
                return wrong(reason)
        if p.shape != expected.shape:
            return wrong(f"your function returned shape {p.shape} for a {d}-dimensional problem.")
        return wrong(f"your function disagrees with the regularized step on a {d}-dimensional test case.")
    return correct()


__all__ = ["newton_step", "quartic", "affine_newton_step", "hessian_memory", "lm_step"]
