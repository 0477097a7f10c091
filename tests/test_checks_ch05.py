"""Chapter 5's exercise checks: right answers pass, typical mistakes get the right diagnosis."""
import math

import numpy as np
import pytest

from gdlib.checks import ch05, registry


def test_registered_under_the_chapter_labels():
    for label in ("ch05-iterations", "ch05-variance", "ch05-robbins", "ch05-budget"):
        assert label in registry


@pytest.mark.parametrize("check", [ch05.iterations, ch05.batch_variance, ch05.robbins])
def test_placeholder_is_not_answered(check):
    fb = check(...)
    assert not fb and not fb.answered and "No answer yet" in fb.message


# ------------------------------------------------------------------ iterations
def right_iterations(N, B, epochs, drop_last):
    return epochs * (N // B if drop_last else math.ceil(N / B))


def test_iterations_right_answer():
    assert ch05.iterations(right_iterations)
    assert ch05.iterations(lambda N, B, e, d: e * (N // B if d else -(-N // B)))   # integer ceil


@pytest.mark.parametrize("fn, words", [
    (lambda N, B, e, d: e * (N // B), "round up, not down"),
    (lambda N, B, e, d: e * math.ceil(N / B), "round down, not up"),
    (lambda N, B, e, d: (N // B if d else math.ceil(N / B)), "single epoch"),
    (lambda N, B, e, d: e * N / B, "whole number"),
    (lambda N, B, e, d: e * N, "counted examples"),
    (lambda N, B, e, d: e * B, "multiplies where it should divide"),
    (lambda N, B, e, d: right_iterations(N, B, e, d) + 1, "too large"),
    (lambda N, B, e, d: 1 / 0, "ZeroDivisionError"),
    (lambda N, B, e, d: ..., "No answer yet"),
    (lambda N, B, e, d: "100", "single number"),
    (42, "should be a function"),
])
def test_iterations_diagnoses(fn, words):
    fb = ch05.iterations(fn)
    assert not fb and words in fb.message


def test_iterations_never_prints_the_answer():
    fb = ch05.iterations(lambda N, B, e, d: e * (N // B))
    assert "120" not in fb.message and "117" not in fb.message


# ------------------------------------------------------------------ variance
def test_variance_right_answer():
    assert ch05.batch_variance(lambda s, N, B: s / B * (N - B) / (N - 1))
    assert ch05.batch_variance(lambda s, N, B: s * (1 / B - 1 / N) * N / (N - 1))


@pytest.mark.parametrize("fn, words", [
    (lambda s, N, B: s / B, "with-replacement"),
    (lambda s, N, B: s / B * (N - B) / N, "denominator"),
    (lambda s, N, B: s * (N - B) / (N - 1), "1/B is missing"),
    (lambda s, N, B: s * B, "reciprocal"),
    (lambda s, N, B: s / B**2 * (N - B) / (N - 1), "divided by B twice"),
    (lambda s, N, B: math.sqrt(s / B * (N - B) / (N - 1)), "standard deviation"),
    (lambda s, N, B: 2 * s / B * (N - B) / (N - 1), "factor of 2"),
    (lambda s, N, B: s, "too large"),
    (lambda s, N, B: float("nan"), "finite"),
    (lambda s, N, B: [s, N], "single number"),
    ("s / B", "should be a function"),
])
def test_variance_diagnoses(fn, words):
    fb = ch05.batch_variance(fn)
    assert not fb and words in fb.message


# ------------------------------------------------------------------ robbins
@pytest.mark.parametrize("answer", [{"b", "e"}, ["e", "b"], ("B", "E"), "b, e", "b e"])
def test_robbins_right_answer(answer):
    assert ch05.robbins(answer)


@pytest.mark.parametrize("answer, words", [
    ({"a", "b", "e"}, "constant"),
    ({"b", "c", "e"}, "harmonic"),
    ({"b", "d", "e"}, "geometric"),
    ({"b", "e", "f"}, "blocks of 1000"),
    ({"b"}, "left out"),
    ({"e"}, "left out"),
    ({"b", "z"}, "not one of them"),
    (3, "set of letters"),
])
def test_robbins_diagnoses(answer, words):
    fb = ch05.robbins(answer)
    assert not fb and words in fb.message


def test_robbins_hint_for_a_missing_option_does_not_name_it():
    fb = ch05.robbins({"b"})
    assert "(e)" not in fb.message


# ------------------------------------------------------------------ budget
def test_budget_placeholder_is_not_answered():
    assert not ch05.budget(..., ...).answered
    assert not ch05.budget(2, ...).answered


def test_budget_right_answer():
    assert ch05.budget(2, 1024)
    assert ch05.budget(np.int64(2), np.int64(1024))


@pytest.mark.parametrize("answer, words", [
    ((1024, 2), "swapped"),
    ((1024, 1024), "counted iterations instead of epochs"),
    ((16, 1024), "fewest epochs"),
    ((2, 2), "counted epochs instead of iterations"),
    ((2, 128), "compare h.iterations"),
    ((3, 1024), "one of the batch sizes"),
    ((2.5, 1024), "one of the batch sizes"),
    (("two", 1024), "one of the batch sizes"),
])
def test_budget_diagnoses(answer, words):
    fb = ch05.budget(*answer)
    assert not fb and words in fb.message


def test_budget_matches_the_experiment():
    """The expected answers are what the chapter's experiment measures."""
    from gdlib import nn, optim, training
    from gdlib.data import load_digits, train_val_test_split
    from gdlib.preprocessing import Standardize
    X, y = load_digits()
    split = train_val_test_split(X, y, rng=0)
    X_train = Standardize().fit(split.X_train).transform(split.X_train)
    reached = {}
    for B in ch05.BUDGET_SIZES:
        h = training.train(nn.Sequential(nn.Linear(64, 10, rng=1)), nn.CrossEntropyLoss(),
                           optim.SGD(lr=0.1), X_train, split.y_train, epochs=60, batch_size=B,
                           eval_train=True, rng=0, verbose=False,
                           callback=lambda h, m: h.train_loss[-1] < 0.3)
        reached[B] = (len(h.epoch), h.iterations)
    assert min(reached, key=lambda B: reached[B][0]) == 2
    assert min(reached, key=lambda B: reached[B][1]) == 1024
