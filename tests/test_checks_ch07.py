"""Chapter 7's exercise checks: right answers pass, typical mistakes are named."""
import numpy as np
import pytest

from gdlib.checks import ch07, registry
from gdlib.optim import Adam, Rprop, RMSprop


def test_every_exercise_is_registered():
    for label in ("ch07-first-step", "ch07-half-life", "ch07-rprop-cycle", "ch07-eps-inside"):
        assert label in registry


# ------------------------------------------------------------------ uncorrected Adam's first step
def right_first_step(beta1, beta2):
    return (1 - beta1) / np.sqrt(1 - beta2)


def test_first_step_right_answer_passes_and_matches_gdlib():
    assert ch07.first_step(right_first_step)
    for b1, b2 in ch07.BETA_CASES:
        opt = Adam(lr=1e-3, betas=(b1, b2), eps=1e-12, bias_correction=False)
        theta = np.zeros(1)
        new, _ = opt.step(theta, np.array([2.5]), opt.init(theta))
        assert np.isclose(abs(new[0]) / 1e-3, right_first_step(b1, b2), rtol=1e-8)


@pytest.mark.parametrize("answer, words", [
    (lambda b1, b2: 1.0, "with* bias correction"),
    (lambda b1, b2: (1 - b1) / (1 - b2), "square root is missing"),
    (lambda b1, b2: np.sqrt(1 - b2) / (1 - b1), "reciprocal"),
    (lambda b1, b2: b1 / np.sqrt(b2), "not beta1 and beta2"),
    (lambda b1, b2: -(1 - b1) / np.sqrt(1 - b2), "sign is flipped"),
    (lambda b1, b2: 1.01 * (1 - b1) / np.sqrt(1 - b2), "test case 1 of 5"),
])
def test_first_step_names_the_mistake(answer, words):
    fb = ch07.first_step(answer)
    assert not fb and words in fb.message, fb.message


def test_first_step_placeholders_and_wrong_types():
    assert not ch07.first_step(...).answered

    def first(beta1, beta2):
        return ...
    assert not ch07.first_step(first).answered
    assert "Python function" in ch07.first_step(0.5).message
    assert "single number" in ch07.first_step(lambda a, b: [1, 2]).message
    assert "raised ZeroDivisionError" in ch07.first_step(lambda a, b: 1 / 0).message


# ------------------------------------------------------------------ half-life
def right_half_life(rho):
    return np.log(2) / -np.log(rho)


def test_half_life_right_answer_passes_and_matches_gdlib():
    assert ch07.half_life(right_half_life)
    assert ch07.half_life(lambda rho: np.log(0.5) / np.log(rho))
    for rho in ch07.RHO_CASES:   # a gradient seen n steps ago weighs rho^n of the newest
        n = right_half_life(rho)
        assert np.isclose(rho ** n, 0.5)


@pytest.mark.parametrize("answer, words", [
    (lambda rho: 1 / (1 - rho), "effective window"),
    (lambda rho: np.log(2) / np.log(rho), "sign is flipped"),
    (lambda rho: np.log10(2) / -np.log(rho), "same base"),
    (lambda rho: np.log(2) / (1 - rho), "not exact"),
    (lambda rho: -np.log(rho) / np.log(2), "reciprocal"),
    (lambda rho: np.log(2) / -np.log(1 - rho), "not 1 - rho"),
])
def test_half_life_names_the_mistake(answer, words):
    fb = ch07.half_life(answer)
    assert not fb and words in fb.message, fb.message


# ------------------------------------------------------------------ Rprop's cycle
def test_rprop_cycle_right_answer_passes_and_matches_gdlib():
    opt = Rprop(lr=0.01)
    theta = np.zeros(1)
    state = opt.init(theta)
    for g in [0.1] * 9 + [-0.9]:
        theta, state = opt.step(theta, np.array([g]), state)
    assert np.isclose(theta[0], ch07.rprop_cycle_value())
    assert ch07.rprop_cycle(theta[0])
    assert ch07.rprop_cycle(-0.01 * (1.2 ** 9 - 1) / 0.2)


@pytest.mark.parametrize("answer, words", [
    (0.2079890176, "sign is flipped"),
    (-0.2079890176 + 0.5 * 0.01 * 1.2 ** 9, "does not move"),
    (-0.01 * sum(1.2 ** k for k in range(10)), "count again"),
    (-0.01 * sum(1.2 ** k for k in range(1, 10)), "first update"),
    (0.0, "SGD"),
    (-0.09, "grow by the factor 1.2"),
    (-0.5, "too large"),
])
def test_rprop_cycle_names_the_mistake(answer, words):
    fb = ch07.rprop_cycle(answer)
    assert not fb and words in fb.message, fb.message


def test_rprop_cycle_placeholder():
    assert not ch07.rprop_cycle(...).answered
    assert "single number" in ch07.rprop_cycle("a").message


# ------------------------------------------------------------------ epsilon inside the root
def right_g_star(eps):
    return np.sqrt(eps / 3)


def test_eps_inside_right_answer_passes_and_matches_gdlib():
    assert ch07.eps_inside(right_g_star)
    for eps in ch07.EPS_CASES:   # steady state: v = g^2 after many equal gradients
        g = right_g_star(eps)
        inside = RMSprop(lr=1.0, alpha=0.5, eps=eps, eps_inside_sqrt=True)
        theta = np.zeros(1)
        state = inside.init(theta)
        for _ in range(200):
            new, state = inside.step(theta, np.array([g]), state)
        step = abs(new[0] - theta[0])
        assert np.isclose(g / step, 2 * g, rtol=1e-6)


@pytest.mark.parametrize("answer, words", [
    (lambda eps: np.sqrt(eps), "sqrt(2)"),
    (lambda eps: eps, "*outside*"),
    (lambda eps: np.sqrt(eps / 4), "3 g^2 = eps"),
    (lambda eps: eps / 3, "square root is missing"),
    (lambda eps: np.sqrt(3 * eps), "do not multiply"),
    (lambda eps: np.sqrt(eps / 2), "4 g^2"),
])
def test_eps_inside_names_the_mistake(answer, words):
    fb = ch07.eps_inside(answer)
    assert not fb and words in fb.message, fb.message
