"""Checks for the exercises of chapter 12: training in practice.

=========================  ==============================================================
``stop_epoch(fn)``         ch12-patience: best epoch and stopping epoch of early stopping
``noise_steps(fn)``        ch12-noise-steps: updates until the gradient noise's std has shrunk
``random_hit(fn)``         ch12-random-search: chance that random search hits a good region
=========================  ==============================================================

Each exercise asks for a Python function, which the check calls on test cases of
its own; the diagnosis names the kind of mistake (an off-by-one, a tie counted as
an improvement, stopping at the first drop, variance taken for standard deviation,
a missing complement) and never prints the expected value.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ._core import Feedback, correct, exercise, not_answered, wrong

__all__ = ["stop_epoch", "noise_steps", "random_hit", "reference_stop_epoch"]


def _placeholder(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


def _call(fn: Callable, name: str, *args) -> tuple[Any, Feedback | None]:
    """Call the reader's function; an exception becomes feedback, not a traceback."""
    try:
        out = fn(*args)
    except Exception as exc:  # noqa: BLE001 - any error of the reader's code is reported
        return None, wrong(f"calling {name} raised {type(exc).__name__}: {exc}")
    if _placeholder(out):
        return None, not_answered()
    return out, None


def _number(out: Any, name: str) -> tuple[float | None, Feedback | None]:
    arr = np.asarray(out)
    if arr.size != 1 or arr.dtype.kind not in "biuf":
        return None, wrong(f"{name} should return a single number, got {type(out).__name__}.")
    x = float(arr.reshape(()))
    if not math.isfinite(x):
        return None, wrong(f"{name} returned {x}, not a finite number.")
    return x, None


# ------------------------------------------------------------------ ch12-patience
def reference_stop_epoch(val_acc, patience: int) -> tuple[int, int]:
    """``(best_epoch, stop_epoch)`` of early stopping on a maximized metric (epochs from 1).

    An epoch improves only if its value is strictly larger than the best so far;
    training stops after the epoch that makes ``patience`` epochs in a row without
    improvement, or after the last epoch.
    """
    best, best_epoch, wait = -math.inf, 0, 0
    for epoch, value in enumerate(val_acc, start=1):
        if value > best:
            best, best_epoch, wait = value, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_acc)


def _first_drop(val_acc) -> int:
    for i in range(1, len(val_acc)):
        if val_acc[i] < val_acc[i - 1]:
            return i + 1
    return len(val_acc)


#: (validation accuracies, patience): dips that recover, ties, a run that never stops.
_PATIENCE_CASES = [
    ([0.50, 0.70, 0.80, 0.78, 0.79, 0.85, 0.84, 0.84, 0.83, 0.82], 3),
    ([0.50, 0.70, 0.80, 0.78, 0.79, 0.85, 0.84, 0.84, 0.83, 0.82], 1),
    ([0.60, 0.65, 0.65, 0.65, 0.64, 0.66, 0.66, 0.60], 2),
    ([0.60, 0.65, 0.65, 0.65, 0.64, 0.66, 0.66, 0.60], 3),
    ([0.10, 0.20, 0.30, 0.40, 0.50], 2),
    ([0.90, 0.80, 0.85, 0.88, 0.91, 0.70, 0.70, 0.70, 0.70], 4),
]


@exercise("ch12-patience")
def stop_epoch(fn: Any) -> Feedback:
    """Check ``stop_epoch(val_acc, patience)`` -> ``(best_epoch, stop_epoch)``."""
    if _placeholder(fn):
        return not_answered()
    if not callable(fn):
        return wrong("stop_epoch should be a function, defined with `def stop_epoch(val_acc, patience): ...`.")
    for val_acc, patience in _PATIENCE_CASES:
        name = f"stop_epoch({val_acc}, {patience})"
        out, fb = _call(fn, name, list(val_acc), patience)
        if fb is not None:
            return fb
        try:
            best_epoch, stop = (int(v) for v in out)
        except (TypeError, ValueError):
            return wrong(f"{name} should return two whole numbers, (best_epoch, stop_epoch).")
        expected_best, expected_stop = reference_stop_epoch(val_acc, patience)
        if (best_epoch, stop) == (expected_best, expected_stop):
            continue
        case = f"for the accuracies {val_acc} and patience {patience}"
        if (best_epoch, stop) == (expected_best - 1, expected_stop - 1):
            return wrong(f"{case} your epochs look counted from 0; the book counts epochs from 1.")
        if stop == _first_drop(val_acc) and stop != expected_stop:
            return wrong(f"{case} you stop at the first drop; patience counts epochs without a new best, "
                         "and a dip that recovers should not end training.")
        late_best = max(i + 1 for i, v in enumerate(val_acc) if v == max(val_acc))
        if best_epoch != expected_best and best_epoch == late_best:
            return wrong(f"{case} your best epoch moves on a tie: an epoch that only equals the best "
                         "so far is not an improvement (use >, not >=).")
        if best_epoch != expected_best:
            return wrong(f"{case} your best epoch is not the epoch with the best accuracy seen before stopping.")
        if stop == expected_stop + 1 or stop == expected_stop - 1:
            return wrong(f"{case} your stopping epoch is off by one: stop right after the "
                         "patience-th epoch in a row without improvement.")
        return wrong(f"{case} your stopping epoch is {'too late' if stop > expected_stop else 'too early'}.")
    return correct("Best epoch and stopping epoch match early stopping with patience on every test case.")


# ------------------------------------------------------------------ ch12-noise-steps
#: (gamma, r): fraction r of the initial standard deviation.
_NOISE_CASES = [(0.55, 0.5), (0.55, 0.1), (1.0, 0.25), (0.3, 0.8), (2.0, 0.5)]


@exercise("ch12-noise-steps")
def noise_steps(fn: Any) -> Feedback:
    r"""Check ``noise_steps(gamma, r)``: the real :math:`t` with :math:`\sigma_t = r\,\sigma_0`."""
    if _placeholder(fn):
        return not_answered()
    if not callable(fn):
        return wrong("noise_steps should be a function, defined with `def noise_steps(gamma, r): ...`.")
    for gamma, r in _NOISE_CASES:
        name = f"noise_steps({gamma}, {r})"
        out, fb = _call(fn, name, gamma, r)
        if fb is not None:
            return fb
        x, fb = _number(out, name)
        if fb is not None:
            return fb
        expected = r ** (-2.0 / gamma) - 1.0
        close = lambda v: math.isclose(x, v, rel_tol=1e-6, abs_tol=1e-9)  # noqa: E731
        if close(expected):
            continue
        case = f"for gamma = {gamma}, r = {r}"
        if close(r ** (-1.0 / gamma) - 1.0):
            return wrong(f"{case} you made the variance, not the standard deviation, shrink by r; "
                         "sigma_t is the square root of eta / (1 + t)^gamma.")
        if close(r ** (-2.0 / gamma)):
            return wrong(f"{case} you solved for 1 + t, not for t: subtract one.")
        if close(r ** (-1.0 / gamma)):
            return wrong(f"{case} two slips: variance taken for standard deviation, and 1 + t for t.")
        if close(r ** (2.0 / gamma) - 1.0) or close(r ** (gamma / 2.0) - 1.0) or x < 0:
            return wrong(f"{case} your t is not a positive number of steps: check the sign of the exponent.")
        if close(r ** (-gamma / 2.0) - 1.0) or close(r ** (-gamma) - 1.0):
            return wrong(f"{case} gamma should divide the exponent, not multiply it.")
        return wrong(f"{case} your number of steps is {'too large' if x > expected else 'too small'}.")
    return correct("Solving (1 + t)^(-gamma/2) = r gives the number of updates.")


# ------------------------------------------------------------------ ch12-random-search
#: (p, n): fraction of good values on the important axis, number of trials.
_HIT_CASES = [(0.05, 9), (0.05, 60), (0.1, 16), (0.2, 4), (0.01, 100), (0.5, 1)]


@exercise("ch12-random-search")
def random_hit(fn: Any) -> Feedback:
    """Check ``random_hit(p, n)``: P(at least one of n uniform draws lands in a region of measure p)."""
    if _placeholder(fn):
        return not_answered()
    if not callable(fn):
        return wrong("random_hit should be a function, defined with `def random_hit(p, n): ...`.")
    for p, n in _HIT_CASES:
        name = f"random_hit({p}, {n})"
        out, fb = _call(fn, name, p, n)
        if fb is not None:
            return fb
        x, fb = _number(out, name)
        if fb is not None:
            return fb
        expected = 1.0 - (1.0 - p) ** n
        close = lambda v: math.isclose(x, v, rel_tol=1e-9, abs_tol=1e-12)  # noqa: E731
        if close(expected):
            continue
        case = f"for p = {p}, n = {n}"
        if x > 1 or x < 0:
            return wrong(f"{case} your value is not a probability (it must lie in [0, 1]).")
        if close((1.0 - p) ** n):
            return wrong(f"{case} this is the probability that every trial misses; take the complement.")
        if close(min(1.0, n * p)) and n > 1:
            return wrong(f"{case} adding the trials' chances (n p) counts the overlaps twice; "
                         "use the independence of the trials.")
        if close(1.0 - (1.0 - p) ** math.sqrt(n)) or close(1.0 - (1.0 - p) ** int(math.isqrt(n))):
            return wrong(f"{case} that is a grid's count of distinct values on one axis; random search "
                         "draws a new value of every hyperparameter in each of the n trials.")
        if close(p ** n) or close(1.0 - p ** n):
            return wrong(f"{case} p and 1 - p are swapped: p is the chance of one trial landing in the good region.")
        return wrong(f"{case} your probability is {'too large' if x > expected else 'too small'}.")
    return correct("Each trial misses with probability 1 - p, independently.")
