"""The machinery shared by every exercise check.

A check compares a reader's answer with the value gdlib computes and returns
:class:`Feedback`. The diagnosis looks for the mistakes people actually make
(a flipped sign, a factor of 2 or 1/2, a reciprocal, a power of ten, a
transposed or mis-shaped array) and names the kind of mistake, never the
expected value.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

#: Every registered exercise check, by its exercise label (``"ch01-threshold"``).
registry: dict[str, Callable[..., "Feedback"]] = {}


@dataclass(frozen=True)
class Feedback:
    """The outcome of a check: truthy when the answer is correct."""

    ok: bool
    message: str
    answered: bool = True

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return self.message

    def _repr_markdown_(self) -> str:
        mark = "✅" if self.ok else ("✏️" if not self.answered else "❌")
        return f"{mark} {self.message}"


def correct(message: str = "Correct.") -> Feedback:
    """Feedback for a right answer."""
    return Feedback(True, message if message.startswith("Correct") else f"Correct. {message}")


def wrong(reason: str) -> Feedback:
    """Feedback for a wrong answer, with the reason (never the answer)."""
    return Feedback(False, f"Not yet: {reason}")


def not_answered() -> Feedback:
    """Feedback for a cell that still holds the ``...`` placeholder."""
    return Feedback(False, "No answer yet: replace the `...` with your answer and run the cell again.",
                    answered=False)


def exercise(label: str) -> Callable[[Callable[..., Feedback]], Callable[..., Feedback]]:
    """Register a check under the exercise label used in the chapter."""
    def register(fn: Callable[..., Feedback]) -> Callable[..., Feedback]:
        if label in registry:
            raise ValueError(f"exercise label {label!r} is registered twice")
        registry[label] = fn
        fn.exercise_label = label  # type: ignore[attr-defined]
        return fn
    return register


def _is_placeholder(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    return bool(np.isclose(a, b, rtol=rtol, atol=atol))


def _diagnose_number(x: float, expected: float, rtol: float, atol: float) -> str:
    """Name the likely mistake that turns ``expected`` into ``x``."""
    if expected != 0 and _close(x, -expected, rtol, atol):
        return "the sign is flipped."
    for factor, words in ((2.0, "twice too large: a factor of 2 crept in"),
                          (0.5, "half of what it should be: a factor of 2 is missing"),
                          (4.0, "four times too large"), (0.25, "a quarter of what it should be")):
        if expected != 0 and _close(x, factor * expected, rtol, atol):
            return f"the value is {words}."
    if expected != 0 and x != 0 and _close(x, 1.0 / expected, rtol, atol):
        return "this is the reciprocal of the quantity asked for."
    if expected != 0 and x != 0 and x * expected > 0:
        ratio = np.log10(abs(x / expected))
        if abs(ratio - round(ratio)) < 1e-6 and round(ratio) != 0:
            return f"off by a factor of 10^{int(round(ratio))}; check the units or the exponent."
        if abs(ratio) < 0.1:
            return "close, but not within the tolerance; check rounding and the last step."
        return "too large." if abs(x) > abs(expected) else "too small."
    if expected != 0 and x * expected < 0:
        return "the sign is wrong (and the magnitude too)."
    return "not the expected value."


def check_number(answer: Any, expected: float, *, rtol: float = 1e-6, atol: float = 1e-12,
                 integer: bool = False, what: str = "your answer") -> Feedback:
    """Compare a scalar answer with ``expected`` and diagnose the difference."""
    if _is_placeholder(answer):
        return not_answered()
    arr = np.asarray(answer)
    if arr.size != 1 or arr.dtype.kind not in "biuf":
        return wrong(f"{what} should be a single number, got {type(answer).__name__}"
                     f"{' of shape ' + str(arr.shape) if arr.ndim else ''}.")
    x = float(arr.reshape(()))
    if not np.isfinite(x):
        return wrong(f"{what} is {x}, not a finite number.")
    if integer:
        if x != round(x):
            return wrong(f"{what} should be a whole number.")
        if int(round(x)) == int(round(expected)):
            return correct()
        return wrong(f"{what} is {'too large' if x > expected else 'too small'}.")
    if _close(x, expected, rtol, atol):
        return correct()
    return wrong(f"{what}: {_diagnose_number(x, expected, rtol, atol)}")


def check_array(answer: Any, expected: np.ndarray, *, rtol: float = 1e-6, atol: float = 1e-10,
                what: str = "your array") -> Feedback:
    """Compare an array answer with ``expected``: shape first, then values."""
    if _is_placeholder(answer):
        return not_answered()
    try:
        arr = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return wrong(f"{what} could not be read as an array of numbers.")
    expected = np.asarray(expected, dtype=float)
    if arr.shape != expected.shape:
        if arr.ndim == 2 and arr.shape == expected.shape[::-1]:
            return wrong(f"{what} has shape {arr.shape}, the transpose of the expected shape.")
        if arr.size == expected.size:
            return wrong(f"{what} has shape {arr.shape}; the entries may be right but the shape "
                         f"should be {expected.shape}.")
        return wrong(f"{what} has shape {arr.shape}, expected {expected.shape}.")
    if not np.all(np.isfinite(arr)):
        return wrong(f"{what} contains NaN or infinite entries.")
    if np.allclose(arr, expected, rtol=rtol, atol=atol):
        return correct()
    if np.allclose(arr, -expected, rtol=rtol, atol=atol):
        return wrong(f"{what} has every sign flipped.")
    if arr.ndim == 2 and arr.shape[0] == arr.shape[1] and np.allclose(arr, expected.T, rtol=rtol, atol=atol):
        return wrong(f"{what} is the transpose of the expected matrix.")
    for factor, words in ((2.0, "twice too large"), (0.5, "half as large as it should be")):
        if np.allclose(arr, factor * expected, rtol=rtol, atol=atol):
            return wrong(f"{what} is {words} everywhere: look for a factor of 2.")
    bad = np.flatnonzero(~np.isclose(arr, expected, rtol=rtol, atol=atol))
    return wrong(f"{bad.size} of {arr.size} entries differ from the expected values "
                 f"(the first at flat index {int(bad[0])}).")


def check_choice(answer: Any, expected: Any, options: Sequence[Any], *,
                 hints: dict[Any, str] | None = None, what: str = "your choice") -> Feedback:
    """Check a multiple-choice answer; ``hints`` explains each wrong option."""
    if _is_placeholder(answer):
        return not_answered()
    if isinstance(answer, str):
        answer = answer.strip()
    if answer not in options:
        return wrong(f"{what} must be one of {', '.join(map(repr, options))}.")
    if answer == expected:
        return correct()
    return wrong((hints or {}).get(answer, f"{what} is not the right option."))


def call_answer(fn: Any, args: tuple, what: str) -> tuple[Any, Feedback | None]:
    """Call a reader's function on one test case.

    Returns ``(value, None)``, or ``(None, feedback)`` when the answer is still
    the ``...`` placeholder, is not a function, raises, or returns nothing.
    Array arguments are copied, so a function that modifies its inputs cannot
    spoil the next test case.
    """
    if fn is Ellipsis or fn is None:
        return None, not_answered()
    if not callable(fn):
        return None, wrong(f"{what} should be a Python function (def ...), got {type(fn).__name__}.")
    try:
        with np.errstate(all="ignore"):
            value = fn(*(a.copy() if isinstance(a, np.ndarray) else a for a in args))
    except Exception as exc:  # noqa: BLE001  (the reader's code may fail in any way)
        return None, wrong(f"calling {what} raised {type(exc).__name__}: {exc}")
    if value is Ellipsis or value is None:
        return None, not_answered()
    return value, None


def as_scalar(value: Any, what: str) -> tuple[float | None, Feedback | None]:
    """``(float(value), None)``, or ``(None, feedback)`` if it is not one finite number."""
    arr = np.asarray(value)
    if arr.size != 1 or arr.dtype.kind not in "biuf":
        return None, wrong(f"{what} should return a single number, got {type(value).__name__}"
                           f"{' of shape ' + str(arr.shape) if arr.ndim else ''}.")
    x = float(arr.reshape(()))
    if not np.isfinite(x):
        return None, wrong(f"{what} returned {x}, not a finite number.")
    return x, None


def check_function(fn: Any, cases: Sequence[tuple], expected: Callable[..., float],
                   mistakes: Sequence[tuple[Callable[..., float], str]], what: str, *,
                   rtol: float = 1e-6, atol: float = 1e-12, integer: bool = False) -> Feedback:
    """Check a reader's function of numbers on the check's own test cases.

    ``fn`` is called on every case in ``cases``; each result must be one finite
    number. If all match ``expected`` the answer is correct. Otherwise, if one
    of the ``mistakes`` (a formula and the words that name it) reproduces every
    result, its words are the feedback; failing that, the first wrong case is
    diagnosed by :func:`check_number`. ``integer=True`` compares exactly.
    """
    values = []
    for args in cases:
        value, feedback = call_answer(fn, args, what)
        if feedback is not None:
            return feedback
        x, feedback = as_scalar(value, what)
        if feedback is not None:
            return feedback
        values.append(x)
    right = [expected(*args) for args in cases]

    def close(a: float, b: float) -> bool:
        return a == b if integer else bool(np.isclose(a, b, rtol=rtol, atol=atol))

    if all(close(x, r) for x, r in zip(values, right)):
        return correct()
    for formula, words in mistakes:
        with np.errstate(all="ignore"):
            guesses = [formula(*args) for args in cases]
        if all(np.isfinite(gu) and close(x, gu) for x, gu in zip(values, guesses)):
            return wrong(f"{what}: {words}")
    first = next(i for i, (x, r) in enumerate(zip(values, right)) if not close(x, r))
    return check_number(values[first], right[first], rtol=rtol, atol=atol, integer=integer,
                        what=f"{what} on test case {first + 1} of {len(cases)}")


def rotation(angle: float) -> np.ndarray:
    """The 2 x 2 rotation by ``angle`` radians (for test cases with tilted valleys)."""
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


def spd_matrix(eigenvalues: Sequence[float], seed: int) -> np.ndarray:
    """A symmetric matrix with the given eigenvalues and seeded random eigenvectors."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((len(eigenvalues), len(eigenvalues))))
    A = Q @ np.diag(eigenvalues) @ Q.T
    return 0.5 * (A + A.T)
