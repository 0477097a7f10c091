"""The checks of chapter 10's exercises: right answers pass, typical mistakes are named."""
import math

import numpy as np
import pytest

from gdlib.checks import ch10, registry


def test_registered_under_the_chapter_labels():
    for label in ("ch10-leaky-he", "ch10-plateau-loss", "ch10-dropout-scales", "ch10-dropout-symmetry"):
        assert label in registry


# ---------------------------------------------------------------- ch10-leaky-he
def test_leaky_he_right_answers():
    assert ch10.leaky_he(lambda n, a: math.sqrt(2 / ((1 + a ** 2) * n)))
    assert ch10.leaky_he(lambda n, a: np.sqrt(2 / (1 + a * a)) / np.sqrt(n))
    assert not ch10.leaky_he(...).answered
    assert not ch10.leaky_he(lambda n, a: ...).answered


@pytest.mark.parametrize("fn, words", [
    (lambda n, a: 2 / ((1 + a ** 2) * n), "variance"),
    (lambda n, a: math.sqrt(2 / ((1 + a) * n)), "alpha^2"),
    (lambda n, a: math.sqrt(2 / n), "slope alpha"),
    (lambda n, a: math.sqrt(1 / ((1 + a ** 2) * n)), "factor of 2 is missing"),
    (lambda n, a: math.sqrt(4 / ((1 + a ** 2) * n)), "factor of 2 too many"),
    (lambda n, a: math.sqrt((1 + a ** 2) * n / 2), "reciprocal"),
    (lambda n, a: math.sqrt(2 / ((1 + a ** 2))) / n, "not by its square"),
    (lambda n, a: 3 * math.sqrt(2 / ((1 + a ** 2) * n)), "too large"),
    (lambda n, a: 1 / 0, "ZeroDivisionError"),
    (lambda n, a: [1.0, 2.0], "one number"),
    (0.1, "should be a function"),
])
def test_leaky_he_mistakes(fn, words):
    fb = ch10.leaky_he(fn)
    assert not fb and fb.answered and words in fb.message, fb.message


def test_leaky_he_never_prints_the_value():
    fb = ch10.leaky_he(lambda n, a: 1.0)
    assert f"{math.sqrt(2 / 100):.4f}" not in fb.message


# ---------------------------------------------------------------- ch10-plateau-loss
def _h(counts):
    pi = counts[counts > 0] / counts.sum()
    return -(pi * np.log(pi)).sum()


def test_plateau_loss_right_answers():
    assert ch10.plateau_loss(_h)
    assert ch10.plateau_loss(lambda c: -sum(k / sum(c) * math.log(k / sum(c)) for k in c if k))
    assert not ch10.plateau_loss(...).answered
    assert not ch10.plateau_loss(lambda c: ...).answered


@pytest.mark.parametrize("fn, words", [
    (lambda c: -_h(c), "sign"),
    (lambda c: _h(c) / math.log(2), "bits"),
    (lambda c: _h(c) / math.log(10), "base 10"),
    (lambda c: math.log(len(c)), "uniform"),
    (lambda c: _h(c) * c.sum(), "summed"),
    (lambda c: -(c[c > 0] * np.log(c[c > 0])).sum(), "proportions"),
    (lambda c: -(c / c.sum() * np.log(c / c.sum())).sum(), "0 * log 0"),
    (lambda c: 2 * _h(c) + 1, "too large"),
    (lambda c: "0.64", "one number"),
    (0.64, "should be a function"),
])
def test_plateau_loss_mistakes(fn, words):
    fb = ch10.plateau_loss(fn)
    assert not fb and fb.answered and words in fb.message, fb.message


# ---------------------------------------------------------------- ch10-dropout-scales
def test_dropout_scales_right_answers():
    assert ch10.dropout_scales(lambda p: 1 - p, lambda p: 1 / (1 - p))
    assert not ch10.dropout_scales(..., lambda p: 1 / (1 - p)).answered
    assert not ch10.dropout_scales(lambda p: 1 - p, ...).answered
    assert not ch10.dropout_scales(lambda p: ..., lambda p: ...).answered


@pytest.mark.parametrize("classic, inverted, words", [
    (lambda p: p, lambda p: 1 / (1 - p), "keep probability"),
    (lambda p: 1 / (1 - p), lambda p: 1 / (1 - p), "classic_test_scale: this is the reciprocal"),
    (lambda p: 1.0, lambda p: 1 / (1 - p), "without a factor"),
    (lambda p: 1 - p, lambda p: 1 / p, "not by the drop probability"),
    (lambda p: 1 - p, lambda p: 1 - p, "inverted_train_scale: this is the reciprocal"),
    (lambda p: 1 - p, lambda p: 1.0, "inverted_train_scale: without a factor"),
    (lambda p: 1 - p, lambda p: 7.0, "too large"),
])
def test_dropout_scales_mistakes(classic, inverted, words):
    fb = ch10.dropout_scales(classic, inverted)
    assert not fb and fb.answered and words in fb.message, fb.message


def test_dropout_scales_avoid_p_one_half():
    # at p = 0.5 the drop and keep probabilities coincide and would hide the mistake
    assert all(p != 0.5 for (p,) in ch10.DROP_CASES)


# ---------------------------------------------------------------- ch10-dropout-symmetry
def test_dropout_symmetry():
    assert ch10.dropout_symmetry("broken")
    assert ch10.dropout_symmetry(" broken ")
    assert not ch10.dropout_symmetry(...).answered
    fb = ch10.dropout_symmetry("kept")
    assert not fb and "own random mask" in fb.message
    fb = ch10.dropout_symmetry("maybe")
    assert not fb and "must be one of" in fb.message
