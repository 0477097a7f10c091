"""Chapter 12's exercise checks: right answers pass, typical mistakes get the right diagnosis."""
import math

import numpy as np
import pytest

from gdlib import nn, optim, training
from gdlib.checks import ch12, registry


def test_registered_under_the_chapter_labels():
    for label in ("ch12-patience", "ch12-noise-steps", "ch12-random-search"):
        assert label in registry


@pytest.mark.parametrize("check", [ch12.stop_epoch, ch12.noise_steps, ch12.random_hit])
def test_placeholder_is_not_answered(check):
    fb = check(...)
    assert not fb and not fb.answered and "No answer yet" in fb.message


# ------------------------------------------------------------------ patience
def right_stop(val_acc, patience):
    best, best_epoch, wait = -1.0, 0, 0
    for epoch, v in enumerate(val_acc, start=1):
        if v > best:
            best, best_epoch, wait = v, epoch, 0
        else:
            wait += 1
            if wait == patience:
                return best_epoch, epoch
    return best_epoch, len(val_acc)


def zero_based(val_acc, patience):
    b, s = right_stop(val_acc, patience)
    return b - 1, s - 1


def ties_improve(val_acc, patience):
    best, best_epoch, wait = -1.0, 0, 0
    for epoch, v in enumerate(val_acc, start=1):
        if v >= best:
            best, best_epoch, wait = v, epoch, 0
        else:
            wait += 1
            if wait == patience:
                return best_epoch, epoch
    return best_epoch, len(val_acc)


def first_drop(val_acc, patience):
    for i in range(1, len(val_acc)):
        if val_acc[i] < val_acc[i - 1]:
            return int(np.argmax(val_acc[:i])) + 1, i + 1
    return int(np.argmax(val_acc)) + 1, len(val_acc)


def one_late(val_acc, patience):
    b, s = right_stop(val_acc, patience + 1)
    return b, s


def test_patience_right_answer():
    assert ch12.stop_epoch(right_stop)
    assert ch12.stop_epoch(ch12.reference_stop_epoch)


def test_reference_matches_gdlib_training():
    """The rule the exercise asks for is the one gdlib.training.train applies."""
    g = np.random.default_rng(0)
    X, y = g.normal(size=(60, 4)), g.integers(0, 3, 60)
    Xv, yv = g.normal(size=(30, 4)), g.integers(0, 3, 30)
    model = nn.Sequential(nn.Linear(4, 8, rng=g), nn.ReLU(), nn.Linear(8, 3, rng=g))
    full = training.train(model, nn.CrossEntropyLoss(), optim.SGD(lr=0.5), X, y, epochs=25, batch_size=10,
                          X_val=Xv, y_val=yv, verbose=False)
    for patience in (1, 2, 4):
        g2 = np.random.default_rng(0)
        g2.normal(size=(60, 4)); g2.integers(0, 3, 60); g2.normal(size=(30, 4)); g2.integers(0, 3, 30)
        m = nn.Sequential(nn.Linear(4, 8, rng=g2), nn.ReLU(), nn.Linear(8, 3, rng=g2))
        h = training.train(m, nn.CrossEntropyLoss(), optim.SGD(lr=0.5), X, y, epochs=25, batch_size=10,
                           X_val=Xv, y_val=yv, patience=patience, verbose=False)
        assert (h.best_epoch, h.epoch[-1]) == ch12.reference_stop_epoch(full.val_accuracy, patience)


@pytest.mark.parametrize("fn, words", [
    (zero_based, "counted from 0"),
    (ties_improve, "tie"),
    (first_drop, "first drop"),
    (one_late, "off by one"),
    (lambda v, p: (1, 1), "best epoch"),
    (lambda v, p: 5, "two whole numbers"),
    (lambda v, p: 1 / 0, "ZeroDivisionError"),
    (lambda v, p: ..., "No answer yet"),
    (3, "should be a function"),
])
def test_patience_diagnoses(fn, words):
    fb = ch12.stop_epoch(fn)
    assert not fb and words in fb.message, fb.message


# ------------------------------------------------------------------ noise steps
def test_noise_steps_right_answer():
    assert ch12.noise_steps(lambda g, r: r ** (-2 / g) - 1)
    assert ch12.noise_steps(lambda g, r: math.exp(-2 * math.log(r) / g) - 1)


@pytest.mark.parametrize("fn, words", [
    (lambda g, r: r ** (-1 / g) - 1, "variance, not the standard deviation"),
    (lambda g, r: r ** (-2 / g), "1 + t"),
    (lambda g, r: r ** (-1 / g), "two slips"),
    (lambda g, r: r ** (2 / g) - 1, "sign of the exponent"),
    (lambda g, r: r ** (-g / 2) - 1, "divide the exponent"),
    (lambda g, r: r ** (-2 / g) + 5, "too large"),
    (lambda g, r: "ten", "single number"),
    (lambda g, r: ..., "No answer yet"),
])
def test_noise_steps_diagnoses(fn, words):
    fb = ch12.noise_steps(fn)
    assert not fb and words in fb.message, fb.message


def test_noise_steps_never_prints_the_answer():
    fb = ch12.noise_steps(lambda g, r: r ** (-2 / g))
    assert f"{0.5 ** (-2 / 0.55) - 1:.3g}" not in fb.message


# ------------------------------------------------------------------ random search
def test_random_hit_right_answer():
    assert ch12.random_hit(lambda p, n: 1 - (1 - p) ** n)
    assert ch12.random_hit(lambda p, n: -math.expm1(n * math.log1p(-p)))


@pytest.mark.parametrize("fn, words", [
    (lambda p, n: (1 - p) ** n, "complement"),
    (lambda p, n: min(1.0, n * p), "overlaps"),
    (lambda p, n: 1 - (1 - p) ** math.sqrt(n), "grid"),
    (lambda p, n: 1 - p ** n, "swapped"),
    (lambda p, n: n * p * 20, "not a probability"),
    (lambda p, n: 0.5 * (1 - (1 - p) ** n), "too small"),
    (lambda p, n: None, "No answer yet"),
])
def test_random_hit_diagnoses(fn, words):
    fb = ch12.random_hit(fn)
    assert not fb and words in fb.message, fb.message
