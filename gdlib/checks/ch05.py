"""Checks for the exercises of chapter 5: batch, stochastic and mini-batch gradient descent.

=======================  =============================================================
``iterations(fn)``       ch05-iterations: gradient steps for N examples, batch size B, E epochs
``batch_variance(fn)``   ch05-variance: variance of a mini-batch mean drawn without replacement
``robbins(answer)``      ch05-robbins: which schedules satisfy the Robbins-Monro conditions
``budget(e, i)``         ch05-budget: which batch size needs the fewest epochs / iterations
=======================  =============================================================

Derivation exercises take the reader's answer as a Python function and call it
on test cases of their own; the diagnosis names the kind of mistake (floor
instead of ceiling, one epoch instead of all, the with-replacement formula, a
reciprocal, a missing factor) and never prints the answer.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ._core import Feedback, correct, exercise, not_answered, wrong

__all__ = ["iterations", "batch_variance", "robbins", "budget", "SCHEDULES", "BUDGET_SIZES"]


def _placeholder(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


def _call(fn: Callable, name: str, *args) -> tuple[float | None, Feedback | None]:
    """Call the reader's function; a failure becomes feedback, not a traceback."""
    try:
        out = fn(*args)
    except Exception as exc:  # noqa: BLE001 - any error of the reader's code is reported
        return None, wrong(f"calling {name} raised {type(exc).__name__}: {exc}")
    if _placeholder(out):
        return None, not_answered()
    arr = np.asarray(out)
    if arr.size != 1 or arr.dtype.kind not in "biuf":
        return None, wrong(f"{name} should return a single number, got {type(out).__name__}.")
    x = float(arr.reshape(()))
    if not math.isfinite(x):
        return None, wrong(f"{name} returned {x}, not a finite number.")
    return x, None


# ------------------------------------------------------------------ ch05-iterations
#: (N, B, epochs, drop_last) test cases: divisible and not, B > N, drop_last both ways.
_ITERATION_CASES = [(1000, 10, 1, False), (1259, 32, 3, False), (1259, 32, 3, True),
                    (50, 64, 2, False), (7, 3, 4, True), (7, 3, 4, False), (1000, 10, 5, True)]


@exercise("ch05-iterations")
def iterations(fn: Any) -> Feedback:
    """Check ``iterations(N, B, epochs, drop_last)``: the number of gradient steps of a training run."""
    if _placeholder(fn):
        return not_answered()
    if not callable(fn):
        return wrong("iterations should be a function, defined with "
                     "`def iterations(N, B, epochs, drop_last): ...`.")
    for N, B, epochs, drop_last in _ITERATION_CASES:
        x, fb = _call(fn, f"iterations({N}, {B}, {epochs}, {drop_last})", N, B, epochs, drop_last)
        if fb is not None:
            return fb
        per_epoch = N // B if drop_last else math.ceil(N / B)
        expected = epochs * per_epoch
        if x == expected:
            continue
        case = f"for N = {N}, B = {B}, {epochs} epoch(s), drop_last={drop_last}"
        if x != round(x):
            return wrong(f"{case} your count is not a whole number: a step uses a whole batch, "
                         "so round the number of batches per epoch (which way depends on drop_last).")
        if not drop_last and x == epochs * (N // B):
            return wrong(f"{case} your count leaves out the last, smaller batch; without drop_last "
                         "it is still a step (round up, not down).")
        if drop_last and x == epochs * math.ceil(N / B):
            return wrong(f"{case} your count includes the last, smaller batch, which drop_last skips "
                         "(round down, not up).")
        if x == per_epoch and epochs > 1:
            return wrong(f"{case} your count is that of a single epoch; every epoch repeats the batches.")
        if x == epochs * N:
            return wrong(f"{case} you counted examples, not batches: one step consumes a whole batch.")
        if x == epochs * B or x == N * B * epochs:
            return wrong(f"{case} the batch size multiplies where it should divide.")
        return wrong(f"{case} your count is {'too large' if x > expected else 'too small'}.")
    return correct("Steps per epoch are ceil(N / B), or floor(N / B) with drop_last; times the epochs.")


# ------------------------------------------------------------------ ch05-variance
#: (sigma2, N, B): B = 1, B = N and in between; B > 1 first so that the
#: with-replacement formula is told apart.
_VARIANCE_CASES = [(2.0, 10, 3), (1.5, 100, 20), (0.7, 40, 39), (3.0, 8, 1), (1.0, 50, 50)]


@exercise("ch05-variance")
def batch_variance(fn: Any) -> Feedback:
    r"""Check ``batch_variance(sigma2, N, B)``: :math:`\mathbb E\|g_B - g\|^2` without replacement."""
    if _placeholder(fn):
        return not_answered()
    if not callable(fn):
        return wrong("batch_variance should be a function, defined with "
                     "`def batch_variance(sigma2, N, B): ...`.")
    for sigma2, N, B in _VARIANCE_CASES:
        x, fb = _call(fn, f"batch_variance({sigma2}, {N}, {B})", sigma2, N, B)
        if fb is not None:
            return fb
        expected = sigma2 / B * (N - B) / (N - 1)
        if math.isclose(x, expected, rel_tol=1e-9, abs_tol=1e-12):
            continue
        case = f"for sigma2 = {sigma2}, N = {N}, B = {B}"
        close = lambda v: math.isclose(x, v, rel_tol=1e-9, abs_tol=1e-12)  # noqa: E731
        if close(sigma2 / B):
            return wrong(f"{case} you have the with-replacement variance: drawing a batch without "
                         "replacement makes the draws negatively correlated, which removes a "
                         "correction factor's worth of variance (it vanishes when B = N).")
        if close(sigma2 / B * (N - B) / N):
            return wrong(f"{case} the correction factor is almost right: check its denominator "
                         "(the covariance of two distinct draws involves N - 1).")
        if close(sigma2 * (N - B) / (N - 1)):
            return wrong(f"{case} the variance of a mean of B draws must shrink with B: a factor 1/B is missing.")
        if close(sigma2 * B) or close(sigma2 * B * (N - B) / (N - 1)):
            return wrong(f"{case} your variance grows with B: this is the reciprocal of the right dependence on B.")
        if close(sigma2 / B**2 * (N - B) / (N - 1)) or close(sigma2 / B**2):
            return wrong(f"{case} you divided by B twice: the variance of a mean of B terms is "
                         "(1/B^2) times the variance of their sum, which is itself about B times sigma2.")
        if close(math.sqrt(sigma2 / B)) or close(math.sqrt(sigma2 / B * (N - B) / (N - 1))):
            return wrong(f"{case} you returned a standard deviation; the exercise asks for the "
                         "variance (a mean squared distance).")
        if close(2 * expected) or close(expected / 2):
            return wrong(f"{case} you are off by a factor of 2.")
        return wrong(f"{case} the value is {'too large' if x > expected else 'too small'}.")
    return correct("The variance falls like 1/B, times the finite-population factor (N - B)/(N - 1).")


# ------------------------------------------------------------------ ch05-robbins
#: The options of the exercise.
SCHEDULES = {
    "a": "eta_t = 0.1 (constant)",
    "b": "eta_t = eta / (t + 1)",
    "c": "eta_t = eta / sqrt(t + 1)",
    "d": "eta_t = eta * gamma**t with 0 < gamma < 1",
    "e": "eta_t = eta / (t + 1)**0.75",
    "f": "eta_t = eta * 0.5**(t // 1000) (step decay)",
}
_ROBBINS = {"b", "e"}
_WHY = {
    "a": "(a) keeps the rate constant, so the sum of the squared rates grows without bound: "
         "the noise never averages out.",
    "c": "(c): its squared rates are eta^2/(t+1), a harmonic series, which diverges.",
    "d": "(d) sums to a finite amount (a geometric series), so it can stop short of the minimum.",
    "f": "(f) is geometric in blocks of 1000 steps: its sum is finite, like (d).",
}


@exercise("ch05-robbins")
def robbins(answer: Any) -> Feedback:
    """Check the set of schedules (letters a-f) that satisfy both Robbins-Monro conditions."""
    if _placeholder(answer):
        return not_answered()
    if isinstance(answer, str):
        answer = [answer] if len(answer.strip()) <= 1 else list(answer.replace(",", " ").split())
    try:
        chosen = {str(a).strip().lower() for a in answer}
    except TypeError:
        return wrong("answer with a set of letters, for example {\"a\", \"c\"}.")
    unknown = chosen - set(SCHEDULES)
    if unknown:
        return wrong(f"the options are the letters {', '.join(sorted(SCHEDULES))}; "
                     f"{', '.join(sorted(unknown))} is not one of them.")
    if chosen == _ROBBINS:
        return correct("Only (b) and (e) make the rates sum to infinity while their squares sum to a finite value.")
    extra, missing = sorted(chosen - _ROBBINS), sorted(_ROBBINS - chosen)
    if extra:
        return wrong(f"{_WHY[extra[0]]}")
    return wrong("you left out a schedule that satisfies both conditions: test every polynomial decay "
                 "eta/(t+1)^p against the p-series (the sum of t^-p diverges exactly when p <= 1).")


# ------------------------------------------------------------------ ch05-budget
#: The batch sizes of the experiment.
BUDGET_SIZES = (2, 16, 128, 1024)
# Measured with the chapter's softmax regression (gdlib.nn.Linear(64, 10, rng=1)) on
# the standardized digits split with rng=0, SGD(lr=0.1), train(..., rng=0,
# eval_train=True): the first epoch whose training loss is below 0.3 is 1, 2, 10
# and 46 for the four sizes, that is 630, 158, 100 and 92 iterations.
_FEWEST_EPOCHS, _FEWEST_ITERATIONS = 2, 1024


@exercise("ch05-budget")
def budget(fewest_epochs: Any, fewest_iterations: Any) -> Feedback:
    """Check the batch sizes that reach the target loss in the fewest epochs and in the fewest iterations."""
    if _placeholder(fewest_epochs) or _placeholder(fewest_iterations):
        return not_answered()
    answers = {}
    for name, value in (("fewest_epochs", fewest_epochs), ("fewest_iterations", fewest_iterations)):
        try:
            v = int(value)
        except (TypeError, ValueError):
            return wrong(f"{name} should be one of the batch sizes {BUDGET_SIZES}, got {value!r}.")
        if v != value or v not in BUDGET_SIZES:
            return wrong(f"{name} should be one of the batch sizes {BUDGET_SIZES}, got {value!r}.")
        answers[name] = v
    e, i = answers["fewest_epochs"], answers["fewest_iterations"]
    if e == _FEWEST_EPOCHS and i == _FEWEST_ITERATIONS:
        return correct("Per epoch the smallest batch wins, per iteration the largest: "
                       "an iteration of a big batch costs many example-gradients.")
    if e == _FEWEST_ITERATIONS and i == _FEWEST_EPOCHS:
        return wrong("your two answers are swapped: an epoch of a small batch contains many "
                     "iterations, an epoch of a big batch very few.")
    if e != _FEWEST_EPOCHS:
        if e == _FEWEST_ITERATIONS:
            return wrong("fewest_epochs: that batch size makes very few steps per epoch; "
                         "you may have counted iterations instead of epochs.")
        return wrong("fewest_epochs is not the batch size that gets there in the fewest epochs; "
                     "run the loop again and read len(h.epoch) for each batch size.")
    if i == _FEWEST_EPOCHS:
        return wrong("fewest_iterations: that batch size needs many steps; you may have counted "
                     "epochs instead of iterations (h.iterations).")
    return wrong("fewest_iterations is not the batch size that gets there in the fewest "
                 "iterations; compare h.iterations for each batch size.")
