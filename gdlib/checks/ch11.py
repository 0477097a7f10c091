"""Checks for the exercises of chapter 11 (normalization layers).

Each check compares the reader's answer with what ``gdlib.nn`` computes and,
when it is wrong, names the kind of mistake (the mean and variance treated as
constants, a forgotten gamma, the unbiased variance where the biased one
belongs, epsilon left out, the momentum weights swapped, a wrong axis) without
printing the expected value.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._core import Feedback, check_array, correct, exercise, not_answered, wrong
from ..nn.norm import BatchNorm1d

# ----------------------------------------------------------------------------
# data the exercises refer to (also shown in the chapter)
# ----------------------------------------------------------------------------
#: ch11-identity: a batch of 6 examples with 3 features of small variance.
X_ID = np.array([[0.512, -2.031, 10.02],
                 [0.498, -2.004, 9.97],
                 [0.527, -1.987, 10.05],
                 [0.489, -2.019, 9.93],
                 [0.505, -1.998, 10.01],
                 [0.521, -2.013, 9.99]])
#: The eps of ``nn.BatchNorm1d`` in ch11-identity.
EPS_ID = 1e-5

#: ch11-running-var: one training batch fed to a fresh ``BatchNorm1d(2)``.
X_RUN = np.array([[1.0, 4.0],
                  [3.0, 0.0],
                  [2.0, 2.0],
                  [6.0, 2.0]])


class _Unanswered(Exception):
    """The reader's function still returns the ``...`` placeholder."""


def _same(a: np.ndarray, b: np.ndarray, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


# ----------------------------------------------------------------------------
# ch11-bn-backward: the input gradient of batch norm, derived
# ----------------------------------------------------------------------------
def _bn_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray, float]]:
    rng = np.random.default_rng(11)
    cases = []
    for n, d, eps in ((5, 3, 1e-5), (8, 1, 1e-5), (3, 4, 0.1), (16, 6, 1e-3)):
        x = rng.normal(loc=rng.normal(size=d), scale=rng.uniform(0.5, 2.0, size=d), size=(n, d))
        dy = rng.normal(size=(n, d))
        gamma = rng.uniform(0.5, 2.0, size=d)
        cases.append((dy, x, gamma, eps))
    return cases


def _bn_reference(dy: np.ndarray, x: np.ndarray, gamma: np.ndarray, eps: float) -> np.ndarray:
    layer = BatchNorm1d(x.shape[1], eps=eps)
    layer.params["weight"] = np.array(gamma, dtype=float)
    layer.forward(x)
    return layer.backward(dy)


def _bn_mistakes(dy: np.ndarray, x: np.ndarray, gamma: np.ndarray, eps: float) -> list[tuple[np.ndarray, str]]:
    n = x.shape[0]
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    s = np.sqrt(var + eps)
    x_hat = (x - mu) / s
    g = gamma * dy
    full = (n * g - g.sum(0) - x_hat * (g * x_hat).sum(0)) / (n * s)
    var_u = x.var(axis=0, ddof=1)
    s_u = np.sqrt(var_u + eps)
    xh_u = (x - mu) / s_u
    return [
        (g / s, "you treated the mean and the variance as constants: both depend on every x in the "
                "batch, and their paths through the graph add two more terms."),
        ((n * g - g.sum(0)) / (n * s), "the path through the variance is missing (the term with "
                                       "x_hat times the sum of g * x_hat)."),
        ((n * g - x_hat * (g * x_hat).sum(0)) / (n * s), "the path through the mean is missing "
                                                          "(the term with the sum of g)."),
        ((n * dy - dy.sum(0) - x_hat * (dy * x_hat).sum(0)) / (n * s),
         "gamma is missing: the gradient reaching x_hat is gamma * dy."),
        (-full, "the sign is flipped."),
        (full * n, "a factor N too large: the two sums are divided by N (they are means)."),
        ((g - g.mean(0) - x_hat * (g * x_hat).sum(0)) / s,
         "the variance term is N times too large: its sum should be a mean."),
        ((n * g - g.sum(0) - xh_u * (g * xh_u).sum(0)) / (n * s_u),
         "you normalized with the unbiased variance (1/(N-1)); the layer uses 1/N."),
        (full * s * s, "the power of sigma is off: the result is divided by sigma once."),
    ]


@exercise("ch11-bn-backward")
def bn_backward(fn: Any) -> Feedback:
    """Check ``fn(dy, x, gamma, eps)`` -> dL/dx of batch norm in training mode, input (N, D)."""
    if fn is Ellipsis or fn is None:
        return not_answered()
    if not callable(fn):
        return wrong("bn_backward should be a function; define it with def and pass the function itself.")
    for dy, x, gamma, eps in _bn_cases():
        try:
            out = fn(dy.copy(), x.copy(), gamma.copy(), eps)
        except Exception as exc:  # noqa: BLE001 - the reader's function may fail in any way
            return wrong(f"calling your function raised {type(exc).__name__}: {exc}")
        if out is Ellipsis or out is None:
            return not_answered()
        try:
            out = np.asarray(out, dtype=float)
        except (TypeError, ValueError):
            return wrong(f"your function returned {type(out).__name__}, not an array of numbers.")
        expected = _bn_reference(dy, x, gamma, eps)
        if _same(out, expected):
            continue
        if out.shape == expected.shape:
            for candidate, reason in _bn_mistakes(dy, x, gamma, eps):
                if _same(out, candidate) and not _same(candidate, expected):
                    return wrong(reason)
        return check_array(out, expected, what="your gradient")
    return correct("Your formula matches gdlib.nn.BatchNorm1d.backward on every test batch.")


# ----------------------------------------------------------------------------
# ch11-identity: gamma and beta that make batch norm the identity
# ----------------------------------------------------------------------------
def _bn_output(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    layer = BatchNorm1d(x.shape[1], eps=eps)
    layer.params["weight"] = np.asarray(gamma, dtype=float).reshape(-1)
    layer.params["bias"] = np.asarray(beta, dtype=float).reshape(-1)
    return layer.forward(x)


@exercise("ch11-identity")
def identity(gamma: Any, beta: Any) -> Feedback:
    """Check that ``BatchNorm1d(3, eps=EPS_ID)`` with ``gamma``, ``beta`` returns ``X_ID`` unchanged."""
    if gamma is Ellipsis or beta is Ellipsis or gamma is None or beta is None:
        return not_answered()
    try:
        g = np.asarray(gamma, dtype=float)
        b = np.asarray(beta, dtype=float)
    except (TypeError, ValueError):
        return wrong("gamma and beta should be arrays of numbers.")
    d = X_ID.shape[1]
    for name, arr in (("gamma", g), ("beta", b)):
        if arr.size != d:
            return wrong(f"{name} has {arr.size} entries; it needs one per feature ({d}).")
    g, b = g.reshape(d), b.reshape(d)
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(b))):
        return wrong("gamma or beta contains NaN or infinite entries.")
    mu, var = X_ID.mean(0), X_ID.var(0)
    out = _bn_output(X_ID, g, b, EPS_ID)
    if np.allclose(out, X_ID, rtol=1e-9, atol=1e-9):
        return correct("Batch norm now returns its input exactly.")
    b_ok = np.allclose(b, mu, rtol=1e-9, atol=1e-12)
    if not b_ok:
        if np.allclose(b, -mu, rtol=1e-9, atol=1e-12):
            return wrong("beta has the wrong sign.")
        return wrong("beta is not the value that undoes the centring.")
    hints = [
        (np.sqrt(var), "gamma = sigma undoes the division only if eps = 0: the layer divides by "
                       "sqrt(sigma^2 + eps), and with features this small eps matters."),
        (np.sqrt(X_ID.var(0, ddof=1) + EPS_ID), "you used the unbiased variance (1/(N-1)); the layer "
                                                "normalizes with 1/N."),
        (np.sqrt(X_ID.var(0, ddof=1)), "you used the unbiased variance (1/(N-1)), and eps is missing too."),
        (var + EPS_ID, "gamma should be a standard deviation, not a variance: a square root is missing."),
        (var, "gamma should be a standard deviation (a square root is missing), and eps matters."),
        (1 / np.sqrt(var + EPS_ID), "gamma is the reciprocal of the right value."),
    ]
    for cand, reason in hints:
        if np.allclose(g, cand, rtol=1e-9, atol=1e-15):
            return wrong(reason)
    return wrong("beta is right, but gamma does not undo the division by the standard deviation.")


# ----------------------------------------------------------------------------
# ch11-running-var: one update of the running estimates
# ----------------------------------------------------------------------------
@exercise("ch11-running-var")
def running_var(rv: Any) -> Feedback:
    """Check ``running_var`` of a fresh ``BatchNorm1d(2)`` after one training batch ``X_RUN``."""
    if rv is Ellipsis or rv is None:
        return not_answered()
    layer = BatchNorm1d(2)
    layer.forward(X_RUN)
    expected = layer.buffers["running_var"]
    try:
        arr = np.asarray(rv, dtype=float)
    except (TypeError, ValueError):
        return wrong("running_var should be an array of numbers.")
    if arr.shape != expected.shape:
        return check_array(arr, expected, what="running_var")
    n, m = X_RUN.shape[0], 0.1
    biased, unbiased = X_RUN.var(0), X_RUN.var(0, ddof=1)
    hints = [
        ((1 - m) * 1 + m * biased, "the running estimate uses the unbiased batch variance "
                                   "(1/(N-1)), although the normalization uses 1/N."),
        (m * 1 + (1 - m) * unbiased, "the momentum weights are swapped: the new batch gets weight 0.1."),
        (m * 1 + (1 - m) * biased, "the momentum weights are swapped (the new batch gets 0.1), and the "
                                   "running estimate uses the unbiased variance."),
        (m * unbiased, "the old estimate is missing: running_var starts at 1, not 0."),
        (unbiased, "that is the batch variance alone; the running estimate mixes it with the old value."),
        (biased, "that is the biased batch variance alone; the running estimate is a moving average."),
        ((1 - m) * 0 + m * biased, "running_var starts at 1, and the estimate uses the unbiased variance."),
        ((1 - m) * 1 + m * np.sqrt(unbiased), "the running estimate holds a variance, not a standard deviation."),
    ]
    for cand, reason in hints:
        if _same(arr, cand, rtol=1e-9, atol=1e-12) and not _same(cand, expected):
            return wrong(reason)
    return check_array(arr, expected, rtol=1e-9, atol=1e-12, what="running_var")


# ----------------------------------------------------------------------------
# ch11-axes: which axes each normalization averages over
# ----------------------------------------------------------------------------
_AXES = {"batch": (0, 2, 3), "layer": (1, 2, 3), "instance": (2, 3)}


def _as_axes(value: Any) -> tuple[int, ...] | None:
    try:
        items = [int(v) for v in (value if isinstance(value, (tuple, list, set, frozenset)) else [value])]
    except (TypeError, ValueError):
        return None
    return tuple(sorted(set(i % 4 for i in items)))


@exercise("ch11-axes")
def axes(answer: Any) -> Feedback:
    """Check a dict {"batch": axes, "layer": axes, "instance": axes} for an (N, C, H, W) input."""
    if answer is Ellipsis or answer is None:
        return not_answered()
    if not isinstance(answer, dict):
        return wrong("the answer should be a dict with the keys 'batch', 'layer' and 'instance'.")
    missing = [k for k in _AXES if k not in answer]
    if missing:
        return wrong(f"the dict has no entry for {', '.join(map(repr, missing))}.")
    for key in ("batch", "layer", "instance"):
        value = answer[key]
        if value is Ellipsis:
            return not_answered()
        got = _as_axes(value)
        if got is None:
            return wrong(f"the entry for {key!r} should be a tuple of axis numbers, like (0, 1).")
        want = _AXES[key]
        if got == want:
            continue
        kept = tuple(i for i in range(4) if i not in got)
        if kept == want:
            return wrong(f"for {key!r} you listed the axes that keep their own statistics; "
                         "list the axes that are averaged over.")
        if key == "batch" and got == (0,):
            return wrong("for 'batch' on a convolutional input the statistics also run over the "
                         "spatial axes H and W, not only over the batch.")
        if key == "layer" and 0 in got:
            return wrong("layer norm never averages over the batch axis: each example has its own "
                         "statistics.")
        if key == "instance" and 1 in got:
            return wrong("instance norm keeps one statistic per channel: do not average over C.")
        if key == "instance" and 0 in got:
            return wrong("instance norm keeps one statistic per example: do not average over N.")
        return wrong(f"the axes for {key!r} are not right.")
    return correct()


__all__ = ["X_ID", "EPS_ID", "X_RUN", "bn_backward", "identity", "running_var", "axes"]
