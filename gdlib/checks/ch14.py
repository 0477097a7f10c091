"""Checks for the exercises of chapter 14, choosing an optimizer.

Each check takes the reader's answer (a function or a choice) and returns
:class:`~gdlib.checks.Feedback`. Functions are evaluated on test cases of the
check's own; a wrong answer is matched against the mistakes people make here
(eight bytes per float32 number, mebibytes instead of megabytes, the AMSGrad
array forgotten or counted always, the parameters themselves counted as state;
the square root of :math:`1 - \\alpha` forgotten or not taken, Adam's
bias-corrected first step given for RMSprop, a flipped sign), and the kind of
mistake is named, never the expected value.

=========================  ===========================================================  ======================
exercise label             asks for                                                     check
=========================  ===========================================================  ======================
``ch14-adam-memory``       ``adam_state_mb(n_params, amsgrad)``: Adam's state in MB     :func:`adam_memory`
``ch14-coincide``          ``same_iterates``: which pair of rules gives equal iterates   :func:`coincide`
``ch14-rmsprop-first``     ``rmsprop_first_step(g, lr, alpha, eps)``: the first update  :func:`rmsprop_first`
=========================  ===========================================================  ======================
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ._core import Feedback, check_choice, correct, exercise, not_answered, wrong

__all__ = ["adam_memory", "coincide", "rmsprop_first", "MEMORY_CASES", "FIRST_STEP_CASES",
           "COINCIDE_OPTIONS"]

#: (n_params, amsgrad) pairs on which ``adam_state_mb`` is evaluated.
MEMORY_CASES = ((1_000_000, False), (25_000_000, True), (7_000, False), (123_456_789, True))

#: (g, lr, alpha, eps) cases on which ``rmsprop_first_step`` is evaluated.
FIRST_STEP_CASES = ((np.array([0.5, -2.0, 1e-3]), 1e-2, 0.99, 1e-8),
                    (np.array([-3.0, 4.0]), 0.1, 0.9, 1e-8),
                    (np.array([1e-2, -1e-4, 7.0]), 1e-3, 0.999, 1e-6))

#: The options of exercise ``ch14-coincide``.
COINCIDE_OPTIONS = ("A", "B", "C", "D")


# ------------------------------------------------------------------ helpers
def _call(fn: Any, args: tuple, what: str) -> tuple[Any, Feedback | None]:
    """Call the reader's function; return (value, None) or (None, feedback)."""
    if fn is Ellipsis or fn is None:
        return None, not_answered()
    if not callable(fn):
        return None, wrong(f"{what} should be a Python function (def ...), got {type(fn).__name__}.")
    try:
        with np.errstate(all="ignore"):
            value = fn(*args)
    except Exception as exc:  # noqa: BLE001  (the reader's code may fail in any way)
        return None, wrong(f"calling {what} raised {type(exc).__name__}: {exc}")
    if value is Ellipsis or value is None:
        return None, not_answered()
    return value, None


def _match(values: Sequence[np.ndarray], candidates: Sequence[tuple[Callable, str]], cases) -> str | None:
    """The message of the first candidate mistake that reproduces every value."""
    for fn, message in candidates:
        if all(np.allclose(v, fn(*args), rtol=1e-6, atol=0) for v, args in zip(values, cases)):
            return message
    return None


# ------------------------------------------------------------------ Adam's memory
def _adam_mb(n, amsgrad):
    return n * 4 * (3 if amsgrad else 2) / 1e6


_MEMORY_MISTAKES = (
    (lambda n, a: n * 8 * (3 if a else 2) / 1e6,
     "twice too large: a float32 number takes 4 bytes, not 8."),
    (lambda n, a: n * 4 * (3 if a else 2) / 2**20,
     "the units: the exercise asks for megabytes (10^6 bytes), not mebibytes (2^20 bytes)."),
    (lambda n, a: n * 4 * 2 / 1e6,
     "right without AMSGrad, but amsgrad=True keeps one more array (the running maximum of v)."),
    (lambda n, a: n * 4 * 3 / 1e6,
     "amsgrad=False keeps no running maximum: count the arrays of AdamState that are not None."),
    (lambda n, a: n * 4 * (4 if a else 3) / 1e6,
     "one array too many: count only the optimizer's state, not the parameters themselves."),
    (lambda n, a: n * 4 * (2 if a else 1) / 1e6,
     "one array too few: Adam keeps both moments, m and v."),
    (lambda n, a: n * 4 * (3 if a else 2) / 1e3,
     "off by a factor of 1000: that is kilobytes, not megabytes."),
)


@exercise("ch14-adam-memory")
def adam_memory(adam_state_mb: Any) -> Feedback:
    """Check ``adam_state_mb(n_params, amsgrad)``: the MB (10^6 bytes) of Adam's float32 state."""
    what = "adam_state_mb(n_params, amsgrad)"
    values = []
    for args in MEMORY_CASES:
        value, fb = _call(adam_state_mb, args, what)
        if fb is not None:
            return fb
        arr = np.asarray(value)
        if arr.size != 1 or arr.dtype.kind not in "biuf":
            return wrong(f"{what} should return a single number, got {type(value).__name__}.")
        values.append(float(arr.reshape(())))
    bad = [i for i, (v, args) in enumerate(zip(values, MEMORY_CASES))
           if not np.isclose(v, _adam_mb(*args), rtol=1e-6, atol=0)]
    if not bad:
        return correct("Two float32 arrays (m and v) per parameter, three with AMSGrad.")
    message = _match(values, [(f, m) for f, m in _MEMORY_MISTAKES], MEMORY_CASES)
    if message is None:
        i = bad[0]
        message = f"not the expected value on test case {i + 1} of {len(MEMORY_CASES)} {MEMORY_CASES[i]}."
    return wrong(message)


# ------------------------------------------------------------------ which rules coincide
_COINCIDE_HINTS = {
    "A": "with bias correction Adam divides v by 1 - beta2^t, which torch's RMSprop never does; "
         "their first steps already differ by a factor. Compare the first updates.",
    "C": "the two momentum forms agree only while the learning rate is constant: the velocity "
         "form keeps old rates inside v. Try them with a step schedule.",
    "D": "Adagrad's sum is not an average: RMSprop with alpha = 1 never updates its average "
         "at all (1 - alpha = 0). Write out both accumulators.",
}


@exercise("ch14-coincide")
def coincide(same_iterates: Any) -> Feedback:
    """Check the choice of the pair of update rules that give identical iterates."""
    return check_choice(same_iterates, "B", COINCIDE_OPTIONS, hints=_COINCIDE_HINTS,
                        what="same_iterates")


# ------------------------------------------------------------------ RMSprop's first step
def _rms_first(g, lr, alpha, eps):
    return lr * g / (np.sqrt(1 - alpha) * np.abs(g) + eps)


_FIRST_MISTAKES = (
    (lambda g, lr, alpha, eps: -_rms_first(g, lr, alpha, eps),
     "the sign is flipped: return the step that is subtracted, theta_1 = theta_0 - step."),
    (lambda g, lr, alpha, eps: lr * g / (np.abs(g) + eps),
     "this is Adam's bias-corrected first step; torch's RMSprop has no bias correction, "
     "so v_1 is (1 - alpha) g^2, not g^2."),
    (lambda g, lr, alpha, eps: lr * g / ((1 - alpha) * np.abs(g) + eps),
     "the square root is missing: v_1 = (1 - alpha) g^2, and the step divides by sqrt(v_1)."),
    (lambda g, lr, alpha, eps: lr * g / np.sqrt((1 - alpha) * g**2 + eps),
     "epsilon is inside the square root (Ruder's placement); torch and gdlib add it outside."),
    (lambda g, lr, alpha, eps: lr * g / (np.sqrt(alpha) * np.abs(g) + eps),
     "the weights are swapped: the new squared gradient enters the average with weight "
     "1 - alpha, not alpha."),
    (lambda g, lr, alpha, eps: lr * g,
     "this is plain SGD's step: RMSprop divides by the root of its running average."),
)


@exercise("ch14-rmsprop-first")
def rmsprop_first(rmsprop_first_step: Any) -> Feedback:
    """Check ``rmsprop_first_step(g, lr, alpha, eps)``: torch RMSprop's first update (the step subtracted)."""
    what = "rmsprop_first_step(g, lr, alpha, eps)"
    values = []
    for g, lr, alpha, eps in FIRST_STEP_CASES:
        value, fb = _call(rmsprop_first_step, (g.copy(), lr, alpha, eps), what)
        if fb is not None:
            return fb
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return wrong(f"{what} should return an array of numbers.")
        if arr.shape != g.shape:
            return wrong(f"{what} should return an array of the shape of g {g.shape}, got shape {arr.shape}.")
        if not np.all(np.isfinite(arr)):
            return wrong(f"{what} returned NaN or infinite entries.")
        values.append(arr)
    if all(np.allclose(v, _rms_first(*args), rtol=1e-6, atol=0) for v, args in zip(values, FIRST_STEP_CASES)):
        return correct("The first step is about lr / sqrt(1 - alpha) per coordinate, whatever |g| is.")
    message = _match(values, _FIRST_MISTAKES, FIRST_STEP_CASES)
    return wrong(message or "not the expected step on the check's test cases.")
