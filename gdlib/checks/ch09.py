"""Checks for the exercises of chapter 9 (backpropagation).

Each check evaluates the reader's function on test cases of its own, compares
the result with what ``gdlib.nn`` computes, and, when it is wrong, names the
kind of mistake (a flipped sign, a missing 1/N, a forgotten derivative of the
activation, a kernel rotated by 180 degrees, a transposed matrix, a square
root where a cube root belongs) without printing the expected value.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ._core import Feedback, check_array, check_number, correct, exercise, not_answered, wrong
from ..nn.conv import Conv2d
from ..nn.layers import sigmoid
from ..nn.losses import CrossEntropyLoss, softmax
from ..nn.regularization import l2_gradient


class _Unanswered(Exception):
    """The reader's function still returns the ``...`` placeholder."""


def _call(fn: Callable, *args) -> tuple[np.ndarray | None, str | None]:
    """Call the reader's function; return (array, None) or (None, reason)."""
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


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-10))


def _run_cases(fn: Any, name: str, cases: list[tuple], expected_fn: Callable,
               mistakes: Callable[..., list[tuple[np.ndarray, str]]], what: str) -> Feedback:
    """Evaluate ``fn`` on every case; on the first wrong one diagnose and stop."""
    if fn is Ellipsis or fn is None:
        return not_answered()
    if not callable(fn):
        return wrong(f"{name} should be a function; define it with def and pass the function itself.")
    try:
        for args in cases:
            out, err = _call(fn, *args)
            if err:
                return wrong(err)
            expected = expected_fn(*args)
            if _same(out, expected):
                continue
            if out.shape == expected.shape:
                for candidate, reason in mistakes(*args):
                    if _same(out, candidate) and not _same(candidate, expected):
                        return wrong(reason)
            return check_array(out, expected, what=what)
    except _Unanswered:
        return not_answered()
    return correct()


# ----------------------------------------------------------------------------
# ch09-softmax-residual: the output residual of softmax + mean cross-entropy
# ----------------------------------------------------------------------------
def _softmax_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(9)
    cases = []
    for n, c in ((1, 3), (4, 3), (5, 10), (3, 2)):
        z = rng.normal(scale=2.0, size=(n, c))
        y = rng.integers(0, c, size=n)
        cases.append((z, y))
    return cases


def softmax_residual_expected(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``dL/dz`` of gdlib's ``CrossEntropyLoss`` (mean over the batch)."""
    loss = CrossEntropyLoss()
    loss.forward(z, y)
    return loss.backward()


def _onehot(y: np.ndarray, c: int) -> np.ndarray:
    return np.eye(c)[y]


def _softmax_mistakes(z: np.ndarray, y: np.ndarray) -> list[tuple[np.ndarray, str]]:
    n, c = z.shape
    p, e = softmax(z, axis=1), _onehot(y, c)
    out = [
        ((e - p) / n, "every sign is flipped: the residual is dL/dz, prediction minus target, "
                      "so it points uphill."),
        (p - e, "the batch mean is missing: L averages over the N examples, so every "
                "residual carries a factor 1/N."),
        ((p - e) / c, "you divided by the number of classes; the mean in L is over the N examples."),
        ((z - e) / n, "the logits z are not probabilities: apply the softmax before subtracting "
                      "the one-hot target."),
        (p / n, "the one-hot target is missing: the true class's entry must have 1 subtracted."),
        (-e / (p * n), "this is the derivative with respect to the probabilities p, not the "
                       "logits z; the softmax's Jacobian turns -e/p into p - e."),
    ]
    if n > 1:
        out.append(((p - e) / n ** 2, "you divided by N twice."))
    return out


@exercise("ch09-softmax-residual")
def softmax_residual(fn: Any) -> Feedback:
    """Check ``fn(z, y)``: dL/dz for L = mean cross-entropy of softmax(z) with integer labels y."""
    return _run_cases(fn, "output_residual", _softmax_cases(), softmax_residual_expected,
                      _softmax_mistakes, "the residual")


# ----------------------------------------------------------------------------
# ch09-hidden-residual: delta of a sigmoid layer from the layer above
# ----------------------------------------------------------------------------
def _hidden_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(19)
    cases = []
    for n, h, k in ((1, 2, 1), (3, 4, 2), (5, 3, 6), (2, 5, 3)):
        W_next = rng.normal(size=(k, h))                # (out, in) like torch
        delta_next = rng.normal(size=(n, k))
        z = rng.normal(scale=1.5, size=(n, h))
        cases.append((W_next, delta_next, z))
    return cases


def hidden_residual_expected(W_next: np.ndarray, delta_next: np.ndarray, z: np.ndarray) -> np.ndarray:
    """delta = (delta_next W_next) * sigma'(z), rows are examples."""
    s = sigmoid(z)
    return (delta_next @ W_next) * s * (1 - s)


def _hidden_mistakes(W_next, delta_next, z) -> list[tuple[np.ndarray, str]]:
    s = sigmoid(z)
    back = delta_next @ W_next
    return [
        (back, "the derivative of the activation is missing: multiply element-wise by "
               "sigma'(z) = sigma(z)(1 - sigma(z))."),
        (back * s, "sigma(z) is the activation, not its derivative; the derivative is "
                   "sigma(z)(1 - sigma(z))."),
        (back * (1 - s), "half of sigma'(z) is missing: it is sigma(z) times (1 - sigma(z))."),
        (back * z * (1 - z), "sigma'(z) is sigma(z)(1 - sigma(z)) evaluated at the activation "
                             "sigma(z), not at the pre-activation z."),
        (-back * s * (1 - s), "the sign is flipped."),
        (back * (1 - s ** 2), "that is the derivative of tanh; this layer is a logistic sigmoid."),
    ]


@exercise("ch09-hidden-residual")
def hidden_residual(fn: Any) -> Feedback:
    """Check ``fn(W_next, delta_next, z)``: the residual of a sigmoid layer (rows are examples)."""
    if fn is Ellipsis or fn is None:
        return not_answered()
    if callable(fn):
        # a transposed product fails with a shape error on a non-square case: say so plainly
        W_next, delta_next, z = _hidden_cases()[1]
        try:
            out = fn(W_next, delta_next, z)
        except ValueError as exc:
            if "matmul" in str(exc) or "shapes" in str(exc) or "broadcast" in str(exc):
                return wrong("the shapes do not fit: with one example per row, delta_next has shape "
                             "(N, n_next) and W_next has shape (n_next, n); which product gives (N, n)? "
                             f"({exc})")
        except Exception:  # noqa: BLE001 - reported by _run_cases below
            pass
        else:
            if out is not Ellipsis and out is not None:
                arr = np.asarray(out, dtype=float)
                if arr.shape == z.shape[::-1]:
                    return wrong("your result is transposed: keep one example per row, shape (N, n).")
    return _run_cases(fn, "hidden_residual", _hidden_cases(), hidden_residual_expected,
                      _hidden_mistakes, "the residual")


# ----------------------------------------------------------------------------
# ch09-conv-weight-grad: dL/dW of a single-channel convolution
# ----------------------------------------------------------------------------
def _conv_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(29)
    cases = []
    for H, W, kh, kw in ((4, 4, 2, 2), (5, 6, 3, 2), (6, 5, 3, 3), (3, 7, 1, 3)):
        x = rng.normal(size=(H, W))
        delta = rng.normal(size=(H - kh + 1, W - kw + 1))
        cases.append((x, delta))
    return cases


def conv_weight_grad_expected(x: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """dL/dW of gdlib's ``Conv2d(1, 1, k)`` (stride 1, no padding) for residual ``delta``."""
    kh, kw = x.shape[0] - delta.shape[0] + 1, x.shape[1] - delta.shape[1] + 1
    conv = Conv2d(1, 1, (kh, kw), bias=False, rng=0)
    conv.forward(x[None, None])
    conv.backward(delta[None, None])
    return conv.grads["weight"][0, 0]


def _conv_mistakes(x, delta) -> list[tuple[np.ndarray, str]]:
    g = conv_weight_grad_expected(x, delta)
    out = [
        (g[::-1, ::-1], "your kernel gradient is rotated by 180 degrees: the layer computes a "
                        "cross-correlation (no flip), so dL/dW[p, q] pairs delta[i, j] with "
                        "x[i + p, j + q]."),
        (-g, "the sign is flipped."),
        (g / delta.size, "you averaged over the output positions; the weight is shared by all of "
                         "them, so their contributions add up."),
    ]
    if g.shape[0] == g.shape[1]:
        out.append((g.T, "your kernel gradient is transposed: check which index runs over rows."))
    return out


@exercise("ch09-conv-weight-grad")
def conv_weight_grad(fn: Any) -> Feedback:
    """Check ``fn(x, delta)``: dL/dW of a one-channel stride-1 convolution without padding."""
    return _run_cases(fn, "conv_weight_grad", _conv_cases(), conv_weight_grad_expected,
                      _conv_mistakes, "the kernel gradient")


# ----------------------------------------------------------------------------
# ch09-best-h: the step that balances truncation and round-off
# ----------------------------------------------------------------------------
#: (eps, |f|, |f'''|) test cases for the error model of central differences
BEST_H_CASES = ((2.0 ** -52, 2.0, 0.5), (2.0 ** -52, 1.0, 3.0), (1e-7, 3.0, 0.5), (2.0 ** -23, 10.0, 40.0))


def best_h_expected(eps: float, f_abs: float, f3_abs: float) -> float:
    """Minimizer of E(h) = h^2 |f'''| / 6 + eps |f| / h: h^3 = 3 eps |f| / |f'''|."""
    return (3.0 * eps * f_abs / f3_abs) ** (1.0 / 3.0)


@exercise("ch09-best-h")
def best_h(fn: Any) -> Feedback:
    """Check ``fn(eps, f_abs, f3_abs)``, the step minimizing the error model of central differences."""
    if fn is Ellipsis or fn is None:
        return not_answered()
    if not callable(fn):
        return wrong("h_best should be a function of (eps, f_abs, f3_abs).")
    for eps, f, f3 in BEST_H_CASES:
        try:
            out = fn(eps, f, f3)
        except Exception as exc:  # noqa: BLE001
            return wrong(f"calling your function raised {type(exc).__name__}: {exc}")
        if out is Ellipsis or out is None:
            return not_answered()
        expected = best_h_expected(eps, f, f3)
        fb = check_number(out, expected, rtol=1e-6, what="h_best")
        if fb:
            continue
        try:
            x = float(np.asarray(out, dtype=float).reshape(()))
        except (TypeError, ValueError):
            return fb
        candidates = [
            (np.sqrt(eps), "this is the classic step for *forward* differences, whose truncation "
                           "error is O(h), not O(h^2)."),
            (np.sqrt(3 * eps * f / f3), "a square root where a cube root belongs: the truncation "
                                        "error of central differences grows like h^2."),
            ((eps * f / f3) ** (1 / 3), "the factor 3 is missing: set the derivative of E(h) to zero, "
                                        "h |f'''| / 3 = eps |f| / h^2."),
            ((6 * eps * f / f3) ** (1 / 3), "a factor 2 crept in: set the derivative of E(h) to zero, "
                                            "h |f'''| / 3 = eps |f| / h^2."),
            ((3 * eps * f3 / f) ** (1 / 3), "|f| and |f'''| are swapped."),
            (eps ** (1 / 3), "the cube root of eps is the right order of magnitude, but the constants "
                             "3 |f| / |f'''| of the error model are missing."),
        ]
        for value, reason in candidates:
            if np.isclose(x, value, rtol=1e-6) and not np.isclose(value, expected, rtol=1e-6):
                return wrong(reason)
        return fb
    return correct("Near the cube root of machine epsilon: about 1e-5 in float64.")


# ----------------------------------------------------------------------------
# ch09-l2-step: one SGD step with L2 regularization on a Linear layer
# ----------------------------------------------------------------------------
L2_W = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]])
L2_B = np.array([0.25, -0.75])
L2_DW = np.array([[0.1, 0.2, -0.3], [0.0, -0.4, 0.5]])
L2_DB = np.array([0.2, -0.1])
L2_LR = 0.1
L2_LAM = 0.5


def l2_step_expected() -> tuple[np.ndarray, np.ndarray]:
    """W <- W - lr (dW + lam W) for the weight only; b <- b - lr db."""
    params = {"weight": L2_W, "bias": L2_B}
    grads = l2_gradient({"weight": L2_DW, "bias": L2_DB}, params, L2_LAM, keys=("weight",))
    return L2_W - L2_LR * grads["weight"], L2_B - L2_LR * grads["bias"]


@exercise("ch09-l2-step")
def l2_step(W_new: Any, b_new: Any) -> Feedback:
    """Check the weight ``W_new`` and bias ``b_new`` after one regularized SGD step."""
    if W_new is Ellipsis or W_new is None:
        return not_answered()
    W_exp, b_exp = l2_step_expected()
    try:
        W = np.asarray(W_new, dtype=float)
    except (TypeError, ValueError):
        return wrong("W_new could not be read as an array of numbers.")
    if W.shape == W_exp.shape and not _same(W, W_exp):
        for candidate, reason in [
            (L2_W - L2_LR * L2_DW, "the weight decay is missing from W_new: add lambda W to the gradient."),
            (L2_W - L2_LR * (L2_DW - L2_LAM * L2_W), "the decay term has the wrong sign: the penalty "
                                                     "(lambda/2)||W||^2 has gradient +lambda W."),
            (L2_W - L2_LR * (L2_DW + 0.5 * L2_LAM * L2_W), "the decay is half as large as it should be: "
                                                           "the gradient of (lambda/2)||W||^2 is lambda W."),
            (L2_W - L2_LR * L2_DW - L2_LAM * L2_W, "the learning rate must multiply the decay term too: "
                                                   "W - eta (dW + lambda W)."),
            (L2_W + L2_LR * (L2_DW + L2_LAM * L2_W), "the step goes uphill: subtract the gradient."),
        ]:
            if _same(W, candidate):
                return wrong(reason)
    fw = check_array(W_new, W_exp, what="W_new")
    if not fw:
        return fw
    if b_new is Ellipsis or b_new is None:
        return Feedback(False, "W_new is right. No answer yet for b_new: replace its `...` and run "
                               "the cell again.", answered=False)
    try:
        b = np.asarray(b_new, dtype=float)
    except (TypeError, ValueError):
        return wrong("b_new could not be read as an array of numbers.")
    if _same(b, L2_B + L2_LR * L2_DB):
        return wrong("W_new is right, but the bias step goes uphill: subtract eta times its gradient.")
    if _same(b, L2_B - L2_LR * (L2_DB + L2_LAM * L2_B)):
        return wrong("W_new is right, but the bias was decayed too: the L2 penalty acts on the "
                     "weights only (so does gdlib's l2 option; torch's weight_decay does not know "
                     "the difference).")
    fb = check_array(b_new, b_exp, what="b_new")
    if fb:
        return correct("The weights shrink by the factor (1 - eta lambda) before the gradient step; "
                       "the bias does not.")
    return fb
