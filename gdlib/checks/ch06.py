"""Checks for the exercises of chapter 6, momentum and Nesterov.

Each check takes the reader's answer (a function or a number) and returns
:class:`~gdlib.checks.Feedback`. Functions are evaluated on test cases of the
check's own, so a formula that fits one example by luck does not pass; a
wrong answer is matched against the mistakes people make with momentum (the
constant-gradient gain where the gradient alternates, a geometric sum with
one term too many, gradient descent's threshold ``2/L`` kept for the heavy
ball, ``gamma`` where ``1 - gamma`` or ``1 + gamma`` belongs, the look-ahead
taken backwards, a rate change counted one update off) and the kind of
mistake is named, never the expected value.

=====================  ==================================================  ======================
exercise label         asks for                                            check
=====================  ==================================================  ======================
``ch06-alternating``   ``gain(gamma, t)``: the gain for g, -g, g, ...      :func:`alternating`
``ch06-max-lr``        ``eta_max(L, gamma)``: the heavy ball's threshold   :func:`max_lr`
``ch06-lookahead``     ``torch_point(theta, theta_prev, gamma)``           :func:`lookahead`
``ch06-schedule``      ``ratio``: the two forms' steps after a rate drop   :func:`schedule`
=====================  ==================================================  ======================
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ._core import Feedback, check_array, check_number, correct, exercise, not_answered, wrong
from ._core import call_answer, check_function  # noqa: E402

# Shared with the other chapters' checks (gdlib.checks._core).
_evaluate = call_answer

__all__ = ["alternating", "max_lr", "lookahead", "schedule", "GAIN_CASES", "LR_CASES", "LOOKAHEAD_CASES"]

#: (gamma, t) pairs on which ``gain(gamma, t)`` is evaluated.
GAIN_CASES = ((0.9, 1), (0.9, 2), (0.5, 3), (0.9, 6), (0.99, 15), (0.8, 40))

#: (L, gamma) pairs on which ``eta_max(L, gamma)`` is evaluated.
LR_CASES = ((1.0, 0.9), (25.0, 0.5), (4.0, 0.0), (0.5, 0.99))


def _lookahead_cases() -> tuple:
    rng = np.random.default_rng(6)
    cases = []
    for d, gamma in ((2, 0.9), (3, 0.5), (5, 0.99)):
        theta_prev = rng.standard_normal(d)
        theta = theta_prev + rng.standard_normal(d)
        cases.append((theta, theta_prev, gamma))
    return tuple(cases)


#: (theta, theta_prev, gamma) triples on which ``torch_point`` is evaluated.
LOOKAHEAD_CASES = _lookahead_cases()


# ------------------------------------------------------------------ helpers
_scalar_function = check_function


# ------------------------------------------------------------------ exercises
@exercise("ch06-alternating")
def alternating(fn: Any) -> Feedback:
    """``gain(gamma, t)``: ``|v_t| / (eta |g|)`` after t updates with gradients that alternate in sign."""
    mistakes = (
        (lambda gamma, t: (1 - gamma ** t) / (1 - gamma) if gamma != 1 else float(t),
         "this is the gain of a constant gradient; here successive gradients cancel in part."),
        (lambda gamma, t: 1 / (1 + gamma),
         "this is only the limit for t -> infinity; after t updates the geometric sum is finite."),
        (lambda gamma, t: -(1 - (-gamma) ** t) / (1 + gamma),
         "the sign is flipped: the gain is a magnitude, |v_t| / (eta |g|)."),
        (lambda gamma, t: (1 - (-gamma) ** (t + 1)) / (1 + gamma),
         "one term too many: after t updates the sum has t terms, gamma^0 to gamma^(t-1)."),
        (lambda gamma, t: (1 - (-gamma) ** (t - 1)) / (1 + gamma),
         "one term too few: after t updates the sum has t terms, gamma^0 to gamma^(t-1)."),
        (lambda gamma, t: (1 + (-gamma) ** t) / (1 + gamma),
         "a sign inside the geometric sum is wrong: 1 + r + ... + r^(t-1) = (1 - r^t) / (1 - r) with r = -gamma."),
        (lambda gamma, t: (1 - gamma ** t) / (1 + gamma),
         "the ratio of the geometric sum is -gamma, so its t-th power keeps the sign (-gamma)^t."),
    )
    return _scalar_function(fn, GAIN_CASES, lambda gamma, t: (1 - (-gamma) ** t) / (1 + gamma),
                            mistakes, "gain(gamma, t)")


@exercise("ch06-max-lr")
def max_lr(fn: Any) -> Feedback:
    """``eta_max(L, gamma)``: the largest stable learning rate of the heavy ball on a quadratic."""
    mistakes = (
        (lambda L, gamma: 2 / L,
         "this is the threshold of plain gradient descent; momentum moves it (look at the root z = -1)."),
        (lambda L, gamma: 2 * (1 - gamma) / L,
         "momentum does not shrink the stable range: check the sign of gamma at the root z = -1."),
        (lambda L, gamma: (1 + gamma) / L,
         "a factor of 2 is missing: evaluate the characteristic polynomial at z = -1 again."),
        (lambda L, gamma: 4 * (1 + gamma) / L,
         "twice too large: a factor of 2 crept in."),
        (lambda L, gamma: 2 / ((1 + gamma) * L),
         "(1 + gamma) belongs in the numerator: momentum widens the stable range."),
        (lambda L, gamma: L / (2 * (1 + gamma)),
         "this is the reciprocal of the threshold: the condition is eta * L < ..., solve for eta."),
        (lambda L, gamma: (1 + np.sqrt(gamma)) ** 2 / L,
         "this is where the roots stop being complex, not where the iteration becomes unstable."),
        (lambda L, gamma: 2 * (1 + gamma),
         "the curvature L is missing: the condition is on the product eta * L."),
    )
    return _scalar_function(fn, LR_CASES, lambda L, gamma: 2 * (1 + gamma) / L, mistakes,
                            "eta_max(L, gamma)")


def _torch_point(theta, theta_prev, gamma):
    return theta + gamma * (theta - theta_prev)


@exercise("ch06-lookahead")
def lookahead(fn: Any) -> Feedback:
    """``torch_point(theta, theta_prev, gamma)``: torch's Nesterov iterate from two look-ahead-form iterates."""
    mistakes = (
        (lambda th, tp, gamma: th - gamma * (th - tp),
         "the sign of the momentum term is flipped: the look-ahead point lies *ahead*, "
         "along -v_t = theta_t - theta_(t-1)."),
        (lambda th, tp, gamma: th + (th - tp),
         "the momentum coefficient is missing: the look-ahead jump is gamma v_t, not v_t."),
        (lambda th, tp, gamma: th + (1 + gamma) * (th - tp),
         "one step too far: phi_t = theta_t - gamma v_t, with v_t = theta_(t-1) - theta_t."),
        (lambda th, tp, gamma: tp + gamma * (th - tp),
         "start from the newer iterate theta_t, not theta_(t-1)."),
        (lambda th, tp, gamma: th + gamma * (tp - th),
         "v_t = theta_(t-1) - theta_t, so -gamma v_t = gamma (theta_t - theta_(t-1)): a sign is flipped."),
    )
    values = []
    for args in LOOKAHEAD_CASES:
        value, feedback = _evaluate(fn, args, "torch_point(theta, theta_prev, gamma)")
        if feedback is not None:
            return feedback
        values.append(value)
    right = [_torch_point(*args) for args in LOOKAHEAD_CASES]
    for i, (value, expected) in enumerate(zip(values, right)):
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return wrong("torch_point should return an array of numbers.")
        if arr.shape != expected.shape:
            return check_array(arr, expected, what="torch_point(...)")
    if all(np.allclose(v, r, rtol=1e-9, atol=1e-12) for v, r in zip(values, right)):
        return correct()
    for formula, words in mistakes:
        if all(np.allclose(v, formula(*args), rtol=1e-9, atol=1e-12)
               for v, args in zip(values, LOOKAHEAD_CASES)):
            return wrong(f"torch_point: {words}")
    first = next(i for i, (v, r) in enumerate(zip(values, right)) if not np.allclose(v, r))
    fb = check_array(values[first], right[first], rtol=1e-9, atol=1e-12, what="the point")
    return wrong(f"torch_point on test case {first + 1} of {len(LOOKAHEAD_CASES)}: "
                 f"{fb.message.removeprefix('Not yet: ')}")


def _schedule_ratio(fast: int = 10, update: int = 11, gamma: float = 0.9, eta: float = 1.0,
                    drop: float = 0.1) -> float:
    """Velocity-form step / torch-form step at ``update``, for a constant gradient g = 1.

    The rate is ``eta`` for the first ``fast`` updates and ``drop * eta`` after.
    """
    b = v = 0.0
    for t in range(1, update + 1):
        rate = eta if t <= fast else drop * eta
        b = gamma * b + 1.0          # torch: the buffer holds no learning rate
        v = gamma * v + rate * 1.0   # velocity: each gradient enters at its own rate
    return v / (rate * b)


@exercise("ch06-schedule")
def schedule(ratio: Any) -> Feedback:
    """``ratio``: velocity-form step / torch-form step at update 11 after the rate drops tenfold."""
    if ratio is Ellipsis or ratio is None:
        return not_answered()
    expected = _schedule_ratio()
    try:
        x = float(np.asarray(ratio, dtype=float).reshape(()))
    except (TypeError, ValueError):
        return check_number(ratio, expected, rtol=1e-4, what="ratio")
    if np.isclose(x, 1.0, rtol=1e-4):
        return wrong("ratio: the two forms agree only while the rate is constant; "
                     "update 11 is the first one at the new rate.")
    if np.isclose(x, _schedule_ratio(update=12), rtol=1e-4):
        return wrong("ratio: this is the ratio one update later; update 11 is the first one "
                     "at the new rate.")
    if np.isclose(x, _schedule_ratio(fast=9, update=10), rtol=1e-4) or \
            np.isclose(x, _schedule_ratio(fast=11, update=12), rtol=1e-4):
        return wrong("ratio: the drop is off by one update; the schedule is called with the number "
                     "of updates already made, lr(10) being the rate of update 11.")
    if np.isclose(x, 10.0, rtol=1e-4):
        return wrong("ratio: the velocity form does not keep the old step unchanged; "
                     "the new gradient enters it at the new rate.")
    return check_number(x, expected, rtol=1e-4, what="ratio")
