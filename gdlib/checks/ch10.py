"""Checks for the exercises of chapter 10 (initialization and dropout).

Each check evaluates the reader's answer on cases of its own and, when it is
wrong, names the kind of mistake (a variance where a standard deviation
belongs, a missing factor 2, the drop probability where the keep probability
belongs, a logarithm in the wrong base) without printing the expected value.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ._core import Feedback, check_choice, correct, exercise, not_answered, wrong


class _Unanswered(Exception):
    """The reader's function still returns the ``...`` placeholder."""


def _value(fn: Callable, *args) -> tuple[float | None, str | None]:
    """Call the reader's function on one case; return (number, None) or (None, reason)."""
    try:
        with np.errstate(all="ignore"):
            out = fn(*args)
    except Exception as exc:  # noqa: BLE001 - the reader's function may fail in any way
        return None, f"calling your function raised {type(exc).__name__}: {exc}"
    if out is Ellipsis or out is None:
        raise _Unanswered
    arr = np.asarray(out)
    if arr.size != 1 or arr.dtype.kind not in "biuf":
        return None, f"your function should return one number, got {type(out).__name__}."
    return float(arr.reshape(())), None


def _close(a: float, b: float) -> bool:
    return bool(np.isclose(a, b, rtol=1e-6, atol=1e-12))


def _run(fn: Any, name: str, cases: list[tuple], expected: Callable[..., float],
         mistakes: Callable[..., list[tuple[float, str]]]) -> Feedback:
    """Evaluate ``fn`` on every case; diagnose the first wrong one."""
    if fn is Ellipsis or fn is None:
        return not_answered()
    if not callable(fn):
        return wrong(f"{name} should be a function; define it with def and pass the function itself.")
    try:
        for args in cases:
            out, err = _value(fn, *args)
            if err:
                return wrong(err)
            want = expected(*args)
            call = f"{name}({', '.join(map(repr, args))})"
            if not math.isfinite(out):
                return wrong(f"{call} is {out}, not a finite number.")
            if _close(out, want):
                continue
            for candidate, reason in mistakes(*args):
                if _close(out, candidate) and not _close(candidate, want):
                    return wrong(reason)
            side = "too large" if out > want else "too small"
            return wrong(f"{call} is {side}; go back over the derivation.")
    except _Unanswered:
        return not_answered()
    return correct()


# ----------------------------------------------------------------------------
# ch10-leaky-he: the He standard deviation for a leaky ReLU
# ----------------------------------------------------------------------------
LEAKY_CASES = [(100, 0.0), (256, 0.1), (64, 0.25), (10, 1.0), (512, 0.01)]


def _leaky_std(fan_in: float, alpha: float) -> float:
    return math.sqrt(2.0 / ((1.0 + alpha ** 2) * fan_in))


def _leaky_mistakes(fan_in: float, alpha: float) -> list[tuple[float, str]]:
    s = _leaky_std(fan_in, alpha)
    return [
        (s ** 2, "this is the variance; the function should return the standard deviation "
                 "(take a square root)."),
        (math.sqrt(2.0 / ((1.0 + alpha) * fan_in)),
         "the negative half contributes alpha^2 times its second moment, not alpha times it."),
        (math.sqrt(2.0 / fan_in), "the slope alpha of the negative part is missing: with alpha > 0 "
                                  "the negative half passes some signal on."),
        (s / math.sqrt(2.0), "a factor of 2 is missing: only about half of the pre-activations "
                             "are positive."),
        (s * math.sqrt(2.0), "a factor of 2 too many under the square root."),
        (1.0 / s, "this is the reciprocal of the standard deviation."),
        (math.sqrt(2.0 / ((1.0 + alpha ** 2) * fan_in ** 2)), "divide by the fan-in, not by its square."),
    ]


@exercise("ch10-leaky-he")
def leaky_he(leaky_he_std: Any) -> Feedback:
    """Check ``leaky_he_std(fan_in, alpha)``: the std that keeps E[a^2] constant for a leaky ReLU."""
    return _run(leaky_he_std, "leaky_he_std", LEAKY_CASES, _leaky_std, _leaky_mistakes)


# ----------------------------------------------------------------------------
# ch10-plateau-loss: the loss of the best constant prediction
# ----------------------------------------------------------------------------
PLATEAU_CASES = [((10, 10, 80),), ((1, 1),), ((5, 3, 2, 90),), ((30, 70),), ((25, 0, 75),)]


def _entropy(counts: tuple) -> float:
    c = np.asarray(counts, dtype=float)
    pi = c[c > 0] / c.sum()
    return float(-(pi * np.log(pi)).sum())


def _plateau_mistakes(counts: tuple) -> list[tuple[float, str]]:
    c = np.asarray(counts, dtype=float)
    h = _entropy(counts)
    k = len(c)
    return [
        (-h, "the sign is flipped: a cross-entropy is never negative."),
        (h / math.log(2.0), "this is in bits (log base 2); the cross-entropy of the book uses the "
                            "natural logarithm."),
        (h / math.log(10.0), "this uses log base 10; use the natural logarithm."),
        (math.log(k), "this is the loss of the uniform prediction 1/K; the best constant "
                      "prediction follows the class proportions."),
        (h * c.sum(), "this is the summed loss; the loss is the mean over the examples."),
        (float(-(c[c > 0] * np.log(c[c > 0])).sum()), "use the proportions n_k / N, not the counts."),
    ]


@exercise("ch10-plateau-loss")
def plateau_loss(plateau_loss_fn: Any) -> Feedback:
    """Check ``plateau_loss(counts)``: the mean cross-entropy of the best constant prediction."""
    if _missing(plateau_loss_fn):
        return not_answered()
    if not callable(plateau_loss_fn):
        return wrong("plateau_loss should be a function; define it with def and pass the function itself.")

    def on_array(counts: tuple) -> Any:
        return plateau_loss_fn(np.asarray(counts))

    feedback = _run(on_array, "plateau_loss", PLATEAU_CASES, _entropy, _plateau_mistakes)
    if not feedback and feedback.answered and "(25, 0, 75)" in feedback.message:
        return wrong("a class that never occurs gives 0 * log 0, which must count as 0 "
                     "(the limit of p log p as p -> 0): leave the empty classes out of the sum.")
    return feedback


def _missing(fn: Any) -> bool:
    return fn is Ellipsis or fn is None


# ----------------------------------------------------------------------------
# ch10-dropout-scales: classic and inverted dropout factors
# ----------------------------------------------------------------------------
DROP_CASES = [(0.2,), (0.1,), (0.3,), (0.75,)]


def _classic_mistakes(p: float) -> list[tuple[float, str]]:
    return [
        (p, "classic_test_scale: you scaled by the drop probability p; scale by the probability "
            "that a unit was kept (the slides' 'p' is that keep probability)."),
        (1.0 / (1.0 - p), "classic_test_scale: this is the reciprocal; at test time classic "
                          "dropout shrinks the activations, it does not enlarge them."),
        (1.0 / p, "classic_test_scale: this is the reciprocal of the drop probability."),
        (1.0, "classic_test_scale: without a factor the test-time input is larger than its "
              "average in training."),
    ]


def _inverted_mistakes(p: float) -> list[tuple[float, str]]:
    return [
        (1.0 / p, "inverted_train_scale: divide by the keep probability, not by the drop probability."),
        (1.0 - p, "inverted_train_scale: this is the reciprocal; inverted dropout enlarges the "
                  "kept units in training."),
        (p, "inverted_train_scale: this is the drop probability itself."),
        (1.0, "inverted_train_scale: without a factor the expected training output is smaller than "
              "the test-time output."),
    ]


@exercise("ch10-dropout-scales")
def dropout_scales(classic_test_scale: Any, inverted_train_scale: Any) -> Feedback:
    """Check the two factors, as functions of the drop probability ``p`` (torch's convention)."""
    if classic_test_scale in (Ellipsis, None) or inverted_train_scale in (Ellipsis, None):
        return not_answered()
    first = _run(classic_test_scale, "classic_test_scale", DROP_CASES, lambda p: 1.0 - p, _classic_mistakes)
    if not first:
        return first
    return _run(inverted_train_scale, "inverted_train_scale", DROP_CASES, lambda p: 1.0 / (1.0 - p),
                _inverted_mistakes)


# ----------------------------------------------------------------------------
# ch10-dropout-symmetry: does dropout break the symmetry of an all-zero start?
# ----------------------------------------------------------------------------
@exercise("ch10-dropout-symmetry")
def dropout_symmetry(answer: Any) -> Feedback:
    """Check the outcome of the experiment: ``"kept"`` or ``"broken"``."""
    return check_choice(answer, "broken", ("kept", "broken"), what="your answer", hints={
        "kept": "run the experiment and measure the spread between the hidden units' weights: "
                "each unit gets its own random mask, so on a step where one unit is dropped and "
                "another is not, their gradients differ.",
    })
