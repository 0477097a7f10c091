"""Chapter 14's exercise checks: right answers pass, typical mistakes are named."""
import numpy as np
import pytest

from gdlib import schedules
from gdlib.checks import ch14, registry
from gdlib.optim import SGD, Adagrad, Adam, RMSprop


def test_every_exercise_is_registered():
    for label in ("ch14-adam-memory", "ch14-coincide", "ch14-rmsprop-first"):
        assert label in registry


# ------------------------------------------------------------------ Adam's memory
def right_mb(n_params, amsgrad):
    return n_params * 4 * (3 if amsgrad else 2) / 1e6


def test_adam_memory_right_answer_passes_and_matches_gdlib_state():
    assert ch14.adam_memory(right_mb)
    theta = np.zeros(1000, dtype=np.float32)
    for amsgrad in (False, True):
        state = Adam(amsgrad=amsgrad).init(theta)
        arrays = [a for a in state if isinstance(a, np.ndarray)]
        assert all(a.dtype == np.float32 for a in arrays)
        assert sum(a.nbytes for a in arrays) / 1e6 == pytest.approx(right_mb(1000, amsgrad))


@pytest.mark.parametrize("answer, words", [
    (lambda n, a: n * 8 * (3 if a else 2) / 1e6, "4 bytes"),
    (lambda n, a: n * 4 * (3 if a else 2) / 2**20, "mebibytes"),
    (lambda n, a: n * 4 * 2 / 1e6, "one more array"),
    (lambda n, a: n * 4 * 3 / 1e6, "no running maximum"),
    (lambda n, a: n * 4 * (4 if a else 3) / 1e6, "not the parameters"),
    (lambda n, a: n * 4 * (2 if a else 1) / 1e6, "both moments"),
    (lambda n, a: n * 4 * (3 if a else 2) / 1e3, "kilobytes"),
    (lambda n, a: right_mb(n, a) + 1.0, "test case 1 of 4"),
])
def test_adam_memory_names_the_mistake(answer, words):
    fb = ch14.adam_memory(answer)
    assert not fb and words in fb.message, fb.message


def test_adam_memory_placeholders_and_wrong_types():
    assert not ch14.adam_memory(...).answered

    def adam_state_mb(n_params, amsgrad):
        return ...
    assert not ch14.adam_memory(adam_state_mb).answered
    assert "Python function" in ch14.adam_memory(8.0).message
    assert "single number" in ch14.adam_memory(lambda n, a: [1, 2]).message
    assert "raised ZeroDivisionError" in ch14.adam_memory(lambda n, a: 1 / 0).message


# ------------------------------------------------------------------ which rules coincide
def run(opt, grads):
    theta = np.array([1.0, -2.0])
    state = opt.init(theta)
    path = []
    for g in grads:
        theta, state = opt.step(theta, g, state)
        path.append(theta)
    return np.array(path)


GRADS = np.random.default_rng(0).standard_normal((30, 2))


def test_coincide_right_answer_agrees_with_gdlib():
    assert ch14.coincide("B")
    assert ch14.coincide(" B ")
    b = run(Adam(lr=0.01, betas=(0.0, 0.9), bias_correction=False), GRADS)
    assert np.allclose(b, run(RMSprop(lr=0.01, alpha=0.9), GRADS), rtol=1e-12, atol=1e-14)
    a = run(Adam(lr=0.01, betas=(0.0, 0.9)), GRADS)
    assert not np.allclose(a, run(RMSprop(lr=0.01, alpha=0.9), GRADS))
    sched = schedules.step_decay(0.1, step_size=5, gamma=0.5)
    c1 = run(SGD(lr=sched, momentum=0.9), GRADS)
    c2 = run(SGD(lr=sched, momentum=0.9, momentum_form="velocity"), GRADS)
    assert not np.allclose(c1, c2)
    assert not np.allclose(run(Adagrad(lr=0.1), GRADS), run(RMSprop(lr=0.1, alpha=1.0), GRADS))


@pytest.mark.parametrize("answer, words", [
    ("A", "bias correction"), ("C", "constant"), ("D", "alpha = 1"), ("E", "must be one of"),
])
def test_coincide_names_the_mistake(answer, words):
    fb = ch14.coincide(answer)
    assert not fb and words in fb.message, fb.message


def test_coincide_placeholder():
    assert not ch14.coincide(...).answered


# ------------------------------------------------------------------ RMSprop's first step
def right_first(g, lr, alpha, eps):
    return lr * g / (np.sqrt(1 - alpha) * np.abs(g) + eps)


def test_rmsprop_first_right_answer_passes_and_matches_gdlib():
    assert ch14.rmsprop_first(right_first)
    for g, lr, alpha, eps in ch14.FIRST_STEP_CASES:
        opt = RMSprop(lr=lr, alpha=alpha, eps=eps)
        theta = np.ones_like(g)
        new, _ = opt.step(theta, g, opt.init(theta))
        assert np.allclose(theta - new, right_first(g, lr, alpha, eps), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("answer, words", [
    (lambda g, lr, alpha, eps: -right_first(g, lr, alpha, eps), "sign is flipped"),
    (lambda g, lr, alpha, eps: lr * g / (np.abs(g) + eps), "bias-corrected"),
    (lambda g, lr, alpha, eps: lr * g / ((1 - alpha) * np.abs(g) + eps), "square root is missing"),
    (lambda g, lr, alpha, eps: lr * g / np.sqrt((1 - alpha) * g**2 + eps), "inside the square root"),
    (lambda g, lr, alpha, eps: lr * g / (np.sqrt(alpha) * np.abs(g) + eps), "swapped"),
    (lambda g, lr, alpha, eps: lr * g, "plain SGD"),
    (lambda g, lr, alpha, eps: 2 * right_first(g, lr, alpha, eps), "test cases"),
])
def test_rmsprop_first_names_the_mistake(answer, words):
    fb = ch14.rmsprop_first(answer)
    assert not fb and words in fb.message, fb.message


def test_rmsprop_first_shapes_and_placeholders():
    assert not ch14.rmsprop_first(...).answered
    assert "shape of g" in ch14.rmsprop_first(lambda g, lr, alpha, eps: 1.0).message
    assert "NaN" in ch14.rmsprop_first(lambda g, lr, alpha, eps: g / 0.0).message
    assert "Python function" in ch14.rmsprop_first("x").message
