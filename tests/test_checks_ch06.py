"""Chapter 6's exercise checks: right answers pass, typical mistakes are named."""
import numpy as np
import pytest

import gdlib
from gdlib.checks import ch06, registry
from gdlib.optim import SGD
from gdlib.schedules import step_decay


def test_every_exercise_is_registered():
    for label in ("ch06-alternating", "ch06-max-lr", "ch06-lookahead", "ch06-schedule"):
        assert label in registry


# ------------------------------------------------------------------ alternating gradients
def right_gain(gamma, t):
    return (1 - (-gamma) ** t) / (1 + gamma)


def test_alternating_right_answer_passes_and_matches_gdlib():
    assert ch06.alternating(right_gain)
    for gamma, t in ch06.GAIN_CASES:
        for form in ("torch", "velocity"):
            opt = SGD(lr=0.1, momentum=gamma, momentum_form=form)
            theta = np.zeros(1)
            state = opt.init(theta)
            for k in range(t):
                new, state = opt.step(theta, np.array([(-1.0) ** k]), state)
                step, theta = abs(float(new[0] - theta[0])), new
            assert np.isclose(step / 0.1, right_gain(gamma, t))


@pytest.mark.parametrize("answer, words", [
    (lambda gamma, t: (1 - gamma ** t) / (1 - gamma), "constant gradient"),
    (lambda gamma, t: 1 / (1 + gamma), "only the limit"),
    (lambda gamma, t: -(1 - (-gamma) ** t) / (1 + gamma), "sign is flipped"),
    (lambda gamma, t: (1 - (-gamma) ** (t + 1)) / (1 + gamma), "one term too many"),
    (lambda gamma, t: (1 - (-gamma) ** (t - 1)) / (1 + gamma), "one term too few"),
    (lambda gamma, t: (1 + (-gamma) ** t) / (1 + gamma), "a sign inside"),
    (lambda gamma, t: (1 - gamma ** t) / (1 + gamma), "keeps the sign"),
    (lambda gamma, t: 1.01 * (1 - (-gamma) ** t) / (1 + gamma), "test case 1 of 6"),
])
def test_alternating_names_the_mistake(answer, words):
    fb = ch06.alternating(answer)
    assert not fb and words in fb.message, fb.message


def test_alternating_placeholders_and_wrong_types():
    assert not ch06.alternating(...).answered

    def gain(gamma, t):
        return ...
    assert not ch06.alternating(gain).answered
    assert "Python function" in ch06.alternating(0.5).message
    assert "single number" in ch06.alternating(lambda gamma, t: [1, 2]).message
    assert "raised ZeroDivisionError" in ch06.alternating(lambda gamma, t: 1 / 0).message


# ------------------------------------------------------------------ the largest stable rate
def right_eta_max(L, gamma):
    return 2 * (1 + gamma) / L


def test_max_lr_right_answer_passes_and_matches_gdlib():
    assert ch06.max_lr(right_eta_max)
    q = gdlib.objectives.ill_conditioned(10.0)
    for gamma in (0.0, 0.5, 0.9):
        eta = right_eta_max(q.L, gamma)
        below = gdlib.minimize(q, [1.0, 1.0], SGD(lr=0.98 * eta, momentum=gamma), steps=3000, tol=1e-6)
        above = gdlib.minimize(q, [1.0, 1.0], SGD(lr=1.02 * eta, momentum=gamma), steps=3000, tol=1e-6)
        assert below.status == "converged"
        assert above.status == "diverged"


@pytest.mark.parametrize("answer, words", [
    (lambda L, gamma: 2 / L, "plain gradient descent"),
    (lambda L, gamma: 2 * (1 - gamma) / L, "does not shrink"),
    (lambda L, gamma: (1 + gamma) / L, "factor of 2 is missing"),
    (lambda L, gamma: 4 * (1 + gamma) / L, "twice too large"),
    (lambda L, gamma: 2 / ((1 + gamma) * L), "numerator"),
    (lambda L, gamma: L / (2 * (1 + gamma)), "reciprocal"),
    (lambda L, gamma: (1 + np.sqrt(gamma)) ** 2 / L, "complex"),
    (lambda L, gamma: 2 * (1 + gamma), "curvature L is missing"),
    (lambda L, gamma: 2 * (1 + gamma) / L + 0.01, "test case"),
])
def test_max_lr_names_the_mistake(answer, words):
    fb = ch06.max_lr(answer)
    assert not fb and words in fb.message, fb.message


# ------------------------------------------------------------------ torch's Nesterov point
def right_torch_point(theta, theta_prev, gamma):
    return theta + gamma * (theta - theta_prev)


def test_lookahead_right_answer_passes_and_matches_gdlib():
    assert ch06.lookahead(right_torch_point)
    q = gdlib.objectives.ill_conditioned(25.0, angle=0.4)
    x0 = np.array([1.5, -1.0])
    look = gdlib.minimize(q, x0, SGD(lr=0.02, momentum=0.9, nesterov=True, nesterov_form="lookahead"),
                          steps=60, tol=0.0)
    torch = gdlib.minimize(q, x0, SGD(lr=0.02, momentum=0.9, nesterov=True), steps=60, tol=0.0)
    phi = right_torch_point(look.path[1:], look.path[:-1], 0.9)
    assert np.allclose(phi, torch.path[1:], atol=1e-12)


@pytest.mark.parametrize("answer, words", [
    (lambda th, tp, gamma: th - gamma * (th - tp), "sign of the momentum term"),
    (lambda th, tp, gamma: th + (th - tp), "coefficient is missing"),
    (lambda th, tp, gamma: th + (1 + gamma) * (th - tp), "one step too far"),
    (lambda th, tp, gamma: tp + gamma * (th - tp), "newer iterate"),
    (lambda th, tp, gamma: th, "test case 1 of 3"),
])
def test_lookahead_names_the_mistake(answer, words):
    fb = ch06.lookahead(answer)
    assert not fb and words in fb.message, fb.message


def test_lookahead_shapes_and_placeholders():
    assert not ch06.lookahead(...).answered
    fb = ch06.lookahead(lambda th, tp, gamma: np.concatenate([th, th]))
    assert not fb and "shape" in fb.message
    fb = ch06.lookahead(lambda th, tp, gamma: float(th[0]))
    assert not fb and "shape" in fb.message


# ------------------------------------------------------------------ a schedule in both forms
def gdlib_ratio():
    sched = step_decay(1.0, step_size=10, gamma=0.1)
    steps = {}
    for form in ("torch", "velocity"):
        opt = SGD(lr=sched, momentum=0.9, momentum_form=form)
        theta = np.zeros(1)
        state = opt.init(theta)
        for _ in range(11):
            new, state = opt.step(theta, np.ones(1), state)
            step, theta = float(theta[0] - new[0]), new
        steps[form] = step
    return steps["velocity"] / steps["torch"]


def test_schedule_right_answer_passes_and_matches_gdlib():
    ratio = gdlib_ratio()
    assert np.isclose(ratio, ch06._schedule_ratio())
    assert ch06.schedule(ratio)
    assert ch06.schedule(round(ratio, 4))


@pytest.mark.parametrize("answer, words", [
    (1.0, "agree only while the rate is constant"),
    (ch06._schedule_ratio(update=12), "one update later"),
    (ch06._schedule_ratio(fast=9, update=10), "off by one"),
    (ch06._schedule_ratio(fast=11, update=12), "off by one"),
    (10.0, "new gradient enters"),
    (1 / ch06._schedule_ratio(), "reciprocal"),
    (3.0, "too small"),
])
def test_schedule_names_the_mistake(answer, words):
    fb = ch06.schedule(answer)
    assert not fb and words in fb.message, fb.message


def test_schedule_placeholder():
    assert not ch06.schedule(...).answered
    assert "single number" in ch06.schedule("eight").message
