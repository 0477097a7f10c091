"""Chapter 8's exercise checks: right answers pass, typical mistakes are named."""
import math

import numpy as np
import pytest

import gdlib
from gdlib.checks import ch08, registry
from gdlib.objectives import Himmelblau, Saddle, ill_conditioned
from gdlib.optim import SGD, Adadelta, Adagrad, Adam, RMSprop


def test_every_exercise_is_registered():
    for label in ("ch08-saddle-escape", "ch08-exact-saddle", "ch08-sparse-rates",
                  "ch08-adadelta-limit", "ch08-himmelblau"):
        assert label in registry


# ------------------------------------------------------------------ escaping the saddle
def right_escape(y0, eta):
    return math.ceil(math.log(1 / y0) / math.log(1 + 2 * eta))


def test_saddle_escape_right_answer_passes_and_matches_gdlib():
    assert ch08.saddle_escape(right_escape)
    for y0, eta in ch08.ESCAPE_CASES:
        real = math.log(1 / y0) / math.log(1 + 2 * eta)
        assert abs(real - round(real)) > 1e-3          # rounding up and down differ on every case
        res = gdlib.minimize(Saddle(), np.array([1.0, y0]), SGD(lr=eta), steps=3000, tol=0.0)
        first = int(np.flatnonzero(np.abs(res.path[:, 1]) >= 1.0)[0])
        assert first == right_escape(y0, eta)


@pytest.mark.parametrize("answer, words", [
    (lambda y0, eta: math.ceil(math.log(1 / y0) / math.log(1 + eta)), "factor 2 is missing"),
    (lambda y0, eta: math.floor(math.log(1 / y0) / math.log(1 + 2 * eta)), "rounded down"),
    (lambda y0, eta: math.log(1 / y0) / math.log(1 + 2 * eta), "whole number"),
    (lambda y0, eta: math.ceil(math.log(1 + 2 * eta) / math.log(1 / y0)), "upside down"),
    (lambda y0, eta: math.ceil(math.log(1 / y0) / (2 * eta)), "approximation"),
    (lambda y0, eta: right_escape(y0, eta) + 5, "test case 1 of 5"),
])
def test_saddle_escape_names_the_mistake(answer, words):
    fb = ch08.saddle_escape(answer)
    assert not fb and words in fb.message, fb.message


def test_saddle_escape_placeholders_and_wrong_types():
    assert not ch08.saddle_escape(...).answered

    def escape_steps(y0, eta):
        return ...
    assert not ch08.saddle_escape(escape_steps).answered
    assert "Python function" in ch08.saddle_escape(3).message
    assert "single number" in ch08.saddle_escape(lambda y0, eta: [1, 2]).message
    assert "raised ValueError" in ch08.saddle_escape(lambda y0, eta: math.log(-1.0)).message


# ------------------------------------------------------------------ the exact saddle
def test_exact_saddle_right_answer_and_gdlib_agree():
    assert ch08.exact_saddle("none")
    start = np.array([1.0, 0.0])
    for opt in (SGD(lr=0.05), SGD(lr=0.05, momentum=0.9), SGD(lr=0.05, momentum=0.9, nesterov=True),
                Adagrad(lr=0.1), Adadelta(), RMSprop(lr=0.01), Adam(lr=0.1)):
        res = gdlib.minimize(Saddle(), start, opt, steps=300, tol=0.0)
        assert np.all(res.path[:, 1] == 0.0)


@pytest.mark.parametrize("answer, words", [
    ("only the adaptive methods", "exactly zero stays zero"),
    ("only momentum and NAG", "y-gradients only"),
    ("all of them", "y-component"),
    ("SGD", "must be one of"),
])
def test_exact_saddle_names_the_mistake(answer, words):
    fb = ch08.exact_saddle(answer)
    assert not fb and words in fb.message, fb.message
    assert not ch08.exact_saddle(...).answered


# ------------------------------------------------------------------ Adagrad on sparse features
def test_sparse_rates_right_answer_passes():
    assert ch08.sparse_rates(lambda pr, pc: math.sqrt(pc / pr))
    assert ch08.sparse_rates(lambda pr, pc: (pc / pr) ** 0.5)


def test_sparse_rates_matches_an_adagrad_run():
    """Gradients of size 1 with frequencies p: the accumulated sums give the predicted ratio."""
    rng = np.random.default_rng(0)
    p_rare, p_common, T = 0.05, 0.8, 20000
    grads = np.stack([rng.random(T) < p_rare, rng.random(T) < p_common], axis=1).astype(float)
    opt = Adagrad(lr=1.0)
    theta = np.zeros(2)
    state = opt.init(theta)
    for g in grads:
        theta, state = opt.step(theta, g, state)
    ratio = math.sqrt(state.sum[1]) / math.sqrt(state.sum[0])   # (lr / sqrt(G_rare)) / (lr / sqrt(G_common))
    assert abs(ratio / math.sqrt(p_common / p_rare) - 1) < 0.05


@pytest.mark.parametrize("answer, words", [
    (lambda pr, pc: pc / pr, "square root is missing"),
    (lambda pr, pc: math.sqrt(pr / pc), "reciprocal"),
    (lambda pr, pc: pr / pc, "upside down and without"),
    (lambda pr, pc: 1.0, "plain SGD"),
    (lambda pr, pc: 2 * math.sqrt(pc / pr), "twice too large"),
])
def test_sparse_rates_names_the_mistake(answer, words):
    fb = ch08.sparse_rates(answer)
    assert not fb and words in fb.message, fb.message


# ------------------------------------------------------------------ Adadelta near a minimum
def test_adadelta_limit_right_answer_passes_and_matches_gdlib():
    assert ch08.adadelta_limit(lambda L: 2 / L)
    q = ill_conditioned(10.0, angle=0.3)          # L = 10: the limit is 0.2
    start = np.array([1e-3, -1e-3])               # already near the minimum
    below = gdlib.minimize(q, start, Adadelta(lr=0.175), steps=3000, tol=0.0)
    above = gdlib.minimize(q, start, Adadelta(lr=0.225), steps=3000, tol=0.0)
    assert below.grad_norms[-1] < 1e-30           # settles
    assert above.grad_norms[-1] > 1e-3            # hovers


@pytest.mark.parametrize("answer, words", [
    (lambda L: 1 / L, "one step"),
    (lambda L: 2 * L, "inversely proportional"),
    (lambda L: L / 2, "reciprocal"),
    (lambda L: 2 / math.sqrt(L), "no square root"),
    (lambda L: -2 / L, "sign is flipped"),
])
def test_adadelta_limit_names_the_mistake(answer, words):
    fb = ch08.adadelta_limit(answer)
    assert not fb and words in fb.message, fb.message


# ------------------------------------------------------------------ the learning-rate search
def test_himmelblau_right_answer_passes():
    f = Himmelblau()
    runs = {lr: gdlib.minimize(f, np.array(ch08.HIMMELBLAU_START), Adam(lr=lr),
                               steps=ch08.HIMMELBLAU_STEPS, tol=ch08.HIMMELBLAU_TOL)
            for lr in ch08.HIMMELBLAU_GRID}
    best = min(r.steps for r in runs.values() if r.status == "converged")
    assert ch08.himmelblau(best)
    assert ch08.himmelblau(np.int64(best))


def test_himmelblau_names_the_mistake():
    lr, steps = ch08.himmelblau_search()
    assert "learning rates" in ch08.himmelblau(lr).message
    assert "one too many" in ch08.himmelblau(steps + 1).message
    assert "step budget" in ch08.himmelblau(ch08.HIMMELBLAU_STEPS).message
    assert "too large" in ch08.himmelblau(steps + 40).message
    assert "too small" in ch08.himmelblau(steps - 40).message
    assert "whole number" in ch08.himmelblau(steps + 0.5).message
    assert not ch08.himmelblau(...).answered
    assert str(steps) not in ch08.himmelblau(steps + 40).message
