"""Checks for the exercises of chapter 13, parallel and distributed SGD.

Each check takes the reader's answer as a Python function and evaluates it on
test cases of its own, so a formula that fits one example by luck does not
pass. A wrong answer is matched against the mistakes people make here (the
delay ignored, a factor of two, the small-sparsity approximation taken for
the exact probability, sampling with replacement, entries counted instead of
bytes, the reduce-scatter half of the ring forgotten) and the kind of mistake
is named, never the expected value.

=====================  ====================================================  =====================
exercise label         asks for                                              check
=====================  ====================================================  =====================
``ch13-delay-one``     ``eta_max(L)``: stable rates with a one-step delay    :func:`delay_one`
``ch13-collision``     ``p_collide(d, s)``: two sparse examples overlap      :func:`collision`
``ch13-ring``          ``bytes_sent(K, d)``: ring all-reduce, float32        :func:`ring`
=====================  ====================================================  =====================
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from ._core import Feedback, check_number, correct, exercise, not_answered, wrong

__all__ = ["delay_one", "collision", "ring", "L_CASES", "COLLISION_CASES", "RING_CASES"]

#: values of L on which ``eta_max(L)`` is evaluated.
L_CASES = ((1.0,), (4.0,), (0.3,), (25.0,))
#: (d, s) pairs on which ``p_collide(d, s)`` is evaluated.
COLLISION_CASES = ((1000, 5), (200, 3), (50, 10), (10**5, 20), (12, 4))
#: (K, d) pairs on which ``bytes_sent(K, d)`` is evaluated (d divisible by K).
RING_CASES = ((2, 1000), (4, 10**6), (8, 4096), (16, 160))


def _function(fn: Any, cases: Sequence[tuple], expected: Callable[..., float],
              mistakes: Sequence[tuple[Callable[..., float], str]], what: str) -> Feedback:
    """Evaluate ``fn`` on every case; name a known mistake if one fits every case."""
    if fn is Ellipsis or fn is None:
        return not_answered()
    if not callable(fn):
        return wrong(f"{what} should be a Python function (def ...), got {type(fn).__name__}.")
    values = []
    for args in cases:
        try:
            with np.errstate(all="ignore"):
                value = fn(*args)
        except Exception as exc:  # noqa: BLE001  (the reader's code may fail in any way)
            return wrong(f"calling {what} raised {type(exc).__name__}: {exc}")
        if value is Ellipsis or value is None:
            return not_answered()
        arr = np.asarray(value)
        if arr.size != 1 or arr.dtype.kind not in "biuf":
            return wrong(f"{what} should return a single number, got {type(value).__name__}.")
        values.append(float(arr.reshape(())))
    close = lambda a, b: bool(np.isclose(a, b, rtol=1e-6, atol=1e-12))  # noqa: E731
    right = [expected(*args) for args in cases]
    if all(close(x, r) for x, r in zip(values, right)):
        return correct()
    for formula, words in mistakes:
        if all(close(x, formula(*args)) for x, args in zip(values, cases)):
            return wrong(f"{what}: {words}")
    first = next(i for i, (x, r) in enumerate(zip(values, right)) if not close(x, r))
    return check_number(values[first], right[first], what=f"{what} on test case {first + 1} of {len(cases)}")


@exercise("ch13-delay-one")
def delay_one(fn: Any) -> Feedback:
    """``eta_max(L)``: the largest stable rate of ``w_{t+1} = w_t - eta L w_{t-1}``."""
    mistakes = (
        (lambda L: 2 / L, "this is the threshold without delay; the delayed gradient shrinks it."),
        (lambda L: 1 / (2 * L), "a factor of 2 too small: the roots turn complex at eta L = 1/4, "
                                "but they stay inside the unit circle beyond that."),
        (lambda L: 1 / (4 * L), "this is where the roots become complex, not where they leave the unit circle."),
        (lambda L: L, "this is the reciprocal of the quantity asked for."),
    )
    return _function(fn, L_CASES, lambda L: 1 / L, mistakes, "eta_max(L)")


@exercise("ch13-collision")
def collision(fn: Any) -> Feedback:
    """``p_collide(d, s)``: two examples with ``s`` distinct coordinates out of ``d`` share one."""
    mistakes = (
        (lambda d, s: math.comb(d - s, s) / math.comb(d, s),
         "this is the probability that the two examples do NOT share a coordinate."),
        (lambda d, s: min(1.0, s * s / d),
         "this is the small-s approximation s^2/d; the exercise asks for the exact probability."),
        (lambda d, s: 1 - (1 - s / d) ** s,
         "this treats the s coordinates as drawn independently (with replacement); "
         "an example's coordinates are distinct, so count with binomial coefficients."),
        (lambda d, s: s / d, "s/d is the chance that one given coordinate is hit, not that any of them is."),
    )
    return _function(fn, COLLISION_CASES, lambda d, s: 1 - math.comb(d - s, s) / math.comb(d, s),
                     mistakes, "p_collide(d, s)")


@exercise("ch13-ring")
def ring(fn: Any) -> Feedback:
    """``bytes_sent(K, d)``: bytes each worker sends in a ring all-reduce of d float32 entries."""
    mistakes = (
        (lambda K, d: 2 * (K - 1) / K * d, "this counts entries; each float32 entry is 4 bytes."),
        (lambda K, d: (K - 1) / K * d * 4, "half of the traffic: this is only the reduce-scatter "
                                           "phase; the all-gather phase sends as much again."),
        (lambda K, d: 2 * d * 4, "the chunks are d/K entries and there are 2(K - 1) of them, not 2K."),
        (lambda K, d: (K - 1) * d * 4, "this is the naive all-to-all exchange of whole gradients, "
                                       "not the ring's chunked one."),
    )
    return _function(fn, RING_CASES, lambda K, d: 2 * (K - 1) / K * d * 4, mistakes, "bytes_sent(K, d)")
