"""gdlib.optim: hand-computed steps, equivalences between forms, state, purity, bad input."""
from __future__ import annotations

import numpy as np
import pytest

import gdlib
from gdlib import optim, schedules
from gdlib.objectives import ill_conditioned

ALL = {
    "SGD": lambda: optim.SGD(lr=0.1, momentum=0.9),
    "Adagrad": lambda: optim.Adagrad(lr=0.1),
    "Adadelta": lambda: optim.Adadelta(),
    "RMSprop": lambda: optim.RMSprop(lr=0.01, momentum=0.5, centered=True),
    "Adam": lambda: optim.Adam(lr=0.01, amsgrad=True),
    "AdamW": lambda: optim.AdamW(lr=0.01),
    "Adamax": lambda: optim.Adamax(lr=0.01),
    "NAdam": lambda: optim.NAdam(lr=0.01),
    "Rprop": lambda: optim.Rprop(lr=0.01),
    "DeltaBarDelta": lambda: optim.DeltaBarDelta(lr=0.01, momentum=0.5),
}

STATE_FIELDS = {
    "SGD": ("t", "momentum_buffer"),
    "Adagrad": ("t", "sum"),
    "Adadelta": ("t", "square_avg", "acc_delta"),
    "RMSprop": ("t", "square_avg", "grad_avg", "momentum_buffer"),
    "Adam": ("t", "m", "v", "v_max"),
    "AdamW": ("t", "m", "v", "v_max"),
    "Adamax": ("t", "m", "u"),
    "NAdam": ("t", "mu_product", "m", "v"),
    "Rprop": ("t", "prev", "step_size"),
    "DeltaBarDelta": ("t", "gains", "prev", "momentum_buffer"),
}

THETA = np.array([1.0, -2.0, 0.5])
G = np.array([0.5, 1.0, -3.0])


def run(opt, grads, theta=THETA):
    state = opt.init(theta)
    for g in grads:
        theta, state = opt.step(theta, g, state)
    return theta, state


def frozen(a):
    a = np.array(a, dtype=float)
    a.flags.writeable = False
    return a


# --------------------------------------------------------------------------
# hand-computed first steps
# --------------------------------------------------------------------------
def test_sgd_first_step():
    theta, state = run(optim.SGD(lr=0.1), [G])
    np.testing.assert_allclose(theta, THETA - 0.1 * G, rtol=0, atol=1e-15)
    assert state.t == 1 and state.momentum_buffer is None


def test_sgd_momentum_two_steps_by_hand():
    g2 = np.array([1.0, 0.0, 2.0])
    theta, state = run(optim.SGD(lr=0.1, momentum=0.9), [G, g2])
    b1 = G                                   # the first buffer is the gradient itself
    b2 = 0.9 * b1 + g2
    np.testing.assert_allclose(state.momentum_buffer, b2, atol=1e-15)
    np.testing.assert_allclose(theta, THETA - 0.1 * b1 - 0.1 * b2, atol=1e-15)


def test_sgd_dampening_and_weight_decay_by_hand():
    g2 = np.array([1.0, 0.0, 2.0])
    opt = optim.SGD(lr=0.1, momentum=0.9, dampening=0.5, weight_decay=0.01)
    theta, _ = run(opt, [G, g2])
    t1 = THETA - 0.1 * (G + 0.01 * THETA)
    b2 = 0.9 * (G + 0.01 * THETA) + 0.5 * (g2 + 0.01 * t1)
    np.testing.assert_allclose(theta, t1 - 0.1 * b2, atol=1e-15)


def test_sgd_weight_decay_without_momentum_and_in_velocity_form():
    theta, _ = run(optim.SGD(lr=0.1, weight_decay=0.5), [G])
    np.testing.assert_allclose(theta, THETA - 0.1 * (G + 0.5 * THETA))
    g2 = np.array([1.0, 0.0, 2.0])
    a, _ = run(optim.SGD(lr=0.1, momentum=0.9, weight_decay=0.5), [G, g2])
    b, _ = run(optim.SGD(lr=0.1, momentum=0.9, weight_decay=0.5, momentum_form="velocity"), [G, g2])
    np.testing.assert_allclose(a, b, rtol=1e-14)


def test_adam_first_step_is_about_lr_times_sign():
    theta, state = run(optim.Adam(lr=0.01), [G])
    np.testing.assert_allclose(theta, THETA - 0.01 * np.sign(G), atol=1e-9)
    np.testing.assert_allclose(state.m, 0.1 * G)
    np.testing.assert_allclose(state.v, 0.001 * G**2)
    assert state.t == 1 and state.v_max is None


def test_adam_without_bias_correction_first_step_is_larger():
    # the slides' Adam: m_1 / sqrt(v_1) = 0.1 g / (sqrt(0.001) |g|) = 3.162... sign(g)
    theta, _ = run(optim.Adam(lr=0.01, eps=1e-12, bias_correction=False), [G])
    np.testing.assert_allclose(theta, THETA - 0.01 * 0.1 / np.sqrt(0.001) * np.sign(G), rtol=1e-10)


def test_adagrad_first_step_and_eps_inside_sqrt():
    theta, state = run(optim.Adagrad(lr=0.1, eps=1e-10), [G])
    np.testing.assert_allclose(theta, THETA - 0.1 * G / (np.abs(G) + 1e-10), atol=1e-15)
    np.testing.assert_allclose(state.sum, G**2)
    eps = 0.25
    t_out, _ = run(optim.Adagrad(lr=0.1, eps=eps), [G])
    t_in, _ = run(optim.Adagrad(lr=0.1, eps=eps, eps_inside_sqrt=True), [G])
    np.testing.assert_allclose(t_out, THETA - 0.1 * G / (np.abs(G) + eps))
    np.testing.assert_allclose(t_in, THETA - 0.1 * G / np.sqrt(G**2 + eps))
    assert not np.allclose(t_in, t_out)


def test_adagrad_lr_decay_by_hand():
    theta, _ = run(optim.Adagrad(lr=0.1, lr_decay=0.5, eps=1e-10), [G, G])
    t1 = THETA - 0.1 * G / (np.abs(G) + 1e-10)
    t2 = t1 - 0.1 / 1.5 * G / (np.sqrt(2 * G**2) + 1e-10)
    np.testing.assert_allclose(theta, t2, atol=1e-15)


def test_rmsprop_first_step_and_eps_inside_sqrt():
    theta, state = run(optim.RMSprop(lr=0.01, alpha=0.99, eps=1e-8), [G])
    np.testing.assert_allclose(state.square_avg, 0.01 * G**2)
    np.testing.assert_allclose(theta, THETA - 0.01 * G / (0.1 * np.abs(G) + 1e-8))
    eps = 1e-2
    t_in, _ = run(optim.RMSprop(lr=0.01, eps=eps, eps_inside_sqrt=True), [G])
    np.testing.assert_allclose(t_in, THETA - 0.01 * G / np.sqrt(0.01 * G**2 + eps))


def test_rmsprop_centered_and_momentum_by_hand():
    g2 = np.array([0.0, 2.0, 1.0])
    opt = optim.RMSprop(lr=0.01, alpha=0.9, eps=1e-8, momentum=0.5, centered=True)
    theta, state = run(opt, [G, g2])
    v1, gb1 = 0.1 * G**2, 0.1 * G
    b1 = G / (np.sqrt(v1 - gb1**2) + 1e-8)
    v2, gb2 = 0.9 * v1 + 0.1 * g2**2, 0.9 * gb1 + 0.1 * g2
    b2 = 0.5 * b1 + g2 / (np.sqrt(v2 - gb2**2) + 1e-8)
    np.testing.assert_allclose(state.grad_avg, gb2)
    np.testing.assert_allclose(state.momentum_buffer, b2)
    np.testing.assert_allclose(theta, THETA - 0.01 * b1 - 0.01 * b2)


def test_adadelta_first_step_by_hand():
    theta, state = run(optim.Adadelta(rho=0.9, eps=1e-6), [G])
    delta = np.sqrt(0 + 1e-6) / np.sqrt(0.1 * G**2 + 1e-6) * G
    np.testing.assert_allclose(theta, THETA - delta)
    np.testing.assert_allclose(state.acc_delta, 0.1 * delta**2)


def test_adamax_first_step_is_about_lr_times_sign():
    theta, state = run(optim.Adamax(lr=0.002), [G])
    np.testing.assert_allclose(theta, THETA - 0.002 * np.sign(G), atol=1e-10)
    np.testing.assert_allclose(state.u, np.abs(G) + 1e-8)


def test_nadam_first_step_by_hand():
    b1, b2, psi, lr, eps = 0.9, 0.999, 4e-3, 0.002, 1e-8
    theta, state = run(optim.NAdam(lr=lr), [G])
    mu1 = b1 * (1 - 0.5 * 0.96**psi)
    mu2 = b1 * (1 - 0.5 * 0.96**(2 * psi))
    denom = np.sqrt((1 - b2) * G**2 / (1 - b2)) + eps
    expected = THETA - lr * (1 - mu1) / (1 - mu1) * G / denom - lr * mu2 / (1 - mu1 * mu2) * (1 - b1) * G / denom
    np.testing.assert_allclose(theta, expected, rtol=1e-14)
    assert state.mu_product == pytest.approx(mu1, rel=1e-15)


def test_rprop_steps_by_hand():
    opt = optim.Rprop(lr=0.1, etas=(0.5, 1.2), step_sizes=(1e-6, 50))
    g2 = np.array([1.0, -1.0, 0.0])     # agree, flip, zero
    g3 = np.array([1.0, 1.0, 1.0])
    theta, state = run(opt, [G])
    np.testing.assert_allclose(theta, THETA - 0.1 * np.sign(G))
    theta2, state2 = opt.step(theta, g2, state)
    np.testing.assert_allclose(state2.step_size, [0.12, 0.05, 0.1])
    np.testing.assert_allclose(theta2, theta - np.array([0.12, 0.0, 0.0]))   # no move after a flip
    np.testing.assert_allclose(state2.prev, [1.0, 0.0, 0.0])
    theta3, state3 = opt.step(theta2, g3, state2)
    np.testing.assert_allclose(state3.step_size, [0.144, 0.05, 0.1])        # product 0: unchanged
    np.testing.assert_allclose(theta3, theta2 - np.array([0.144, 0.05, 0.1]))


def test_rprop_step_size_limits():
    opt = optim.Rprop(lr=1.0, etas=(0.5, 2.0), step_sizes=(0.3, 3.0))
    _, state = run(opt, [G] * 5)
    np.testing.assert_allclose(state.step_size, 3.0)
    _, state = run(opt, [G, -G, G, -G, G, -G])
    assert np.all(state.step_size >= 0.3)


# --------------------------------------------------------------------------
# DeltaBarDelta (no torch counterpart): hand-computed steps
# --------------------------------------------------------------------------
def test_delta_bar_delta_gains_by_hand():
    opt = optim.DeltaBarDelta(lr=0.1)
    g2 = np.array([2.0, -1.0, 0.0])     # agree, disagree, zero
    theta1, s1 = run(opt, [G])
    np.testing.assert_allclose(s1.gains, 1.0)                   # first step: no previous sign
    np.testing.assert_allclose(theta1, THETA - 0.1 * G)
    theta2, s2 = opt.step(theta1, g2, s1)
    np.testing.assert_allclose(s2.gains, [1.05, 0.95, 1.0])
    np.testing.assert_allclose(theta2, theta1 - 0.1 * np.array([1.05 * 2.0, 0.95 * -1.0, 0.0]))
    np.testing.assert_allclose(s2.prev, g2)
    _, s3 = opt.step(theta2, np.array([1.0, 1.0, 1.0]), s2)
    np.testing.assert_allclose(s3.gains, [1.10, 0.95 * 0.95, 1.0])


def test_delta_bar_delta_gain_limits_and_momentum():
    opt = optim.DeltaBarDelta(lr=0.1, gain_limits=(0.5, 1.2))
    _, state = run(opt, [G] * 10)
    np.testing.assert_allclose(state.gains, 1.2)               # 1 + 0.05 k, capped
    _, state = run(opt, [G, -G] * 10)
    np.testing.assert_allclose(state.gains, 0.5)               # 0.95^k, floored
    opt = optim.DeltaBarDelta(lr=0.1, momentum=0.9)
    theta, state = run(opt, [G, G])
    b1 = G
    b2 = 0.9 * b1 + 1.05 * G
    np.testing.assert_allclose(state.momentum_buffer, b2)
    np.testing.assert_allclose(theta, THETA - 0.1 * b1 - 0.1 * b2)


# --------------------------------------------------------------------------
# equivalences between forms
# --------------------------------------------------------------------------
def trajectory(opt, objective, x0, steps=40, lookahead=True):
    x, state = np.asarray(x0, float), opt.init(np.asarray(x0, float))
    xs, states = [x], [state]
    for _ in range(steps):
        point = opt.eval_point(x, state) if lookahead else x
        x, state = opt.step(x, objective.grad(point), state)
        xs.append(x)
        states.append(state)
    return np.array(xs), states


Q = ill_conditioned(20, 0.4)
X0 = np.array([1.5, 1.0])


def test_nesterov_with_vanishing_momentum_is_sgd():
    plain, _ = trajectory(optim.SGD(lr=0.05), Q, X0)
    for form in ("torch", "lookahead"):
        nag, _ = trajectory(optim.SGD(lr=0.05, momentum=1e-300, nesterov=True, nesterov_form=form), Q, X0)
        np.testing.assert_allclose(nag, plain, rtol=0, atol=1e-14)


def test_momentum_forms_agree_with_a_constant_rate():
    torch_form, s_torch = trajectory(optim.SGD(lr=0.05, momentum=0.9), Q, X0)
    velocity_form, s_vel = trajectory(optim.SGD(lr=0.05, momentum=0.9, momentum_form="velocity"), Q, X0)
    np.testing.assert_allclose(velocity_form, torch_form, rtol=1e-12, atol=1e-14)
    # v (Ruder) = eta * b (torch)
    np.testing.assert_allclose(s_vel[-1].momentum_buffer, 0.05 * s_torch[-1].momentum_buffer, rtol=1e-12)
    # with dampening and torch's Nesterov too
    for kw in ({"dampening": 0.3}, {"nesterov": True}):
        a, _ = trajectory(optim.SGD(lr=0.05, momentum=0.9, **kw), Q, X0)
        b, _ = trajectory(optim.SGD(lr=0.05, momentum=0.9, momentum_form="velocity", **kw), Q, X0)
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_slides_momentum_form_is_torch_form():
    # seed 004: v = rho v + grad, w = w - lr v, with v_0 = 0
    w, v = X0.copy(), np.zeros(2)
    ours, _ = trajectory(optim.SGD(lr=0.05, momentum=0.9), Q, X0)
    for k in range(40):
        v = 0.9 * v + Q.grad(w)
        w = w - 0.05 * v
        np.testing.assert_allclose(ours[k + 1], w, rtol=1e-13, atol=1e-15)


def test_momentum_forms_differ_when_the_rate_changes():
    lr = schedules.step_decay(0.05, step_size=10, gamma=0.1)
    torch_form, _ = trajectory(optim.SGD(lr=lr, momentum=0.9), Q, X0)
    velocity_form, _ = trajectory(optim.SGD(lr=lr, momentum=0.9, momentum_form="velocity"), Q, X0)
    np.testing.assert_allclose(velocity_form[:11], torch_form[:11], rtol=1e-12, atol=1e-14)
    assert np.abs(velocity_form[12] - torch_form[12]).max() > 1e-3
    # Ruder's form by hand: v = gamma v + eta_t g, theta -= v
    theta, v = X0.copy(), np.zeros(2)
    for k in range(40):
        v = 0.9 * v + lr(k) * Q.grad(theta)
        theta = theta - v
        np.testing.assert_allclose(velocity_form[k + 1], theta, rtol=1e-12, atol=1e-15)


def test_nesterov_forms_are_the_same_method_in_different_variables():
    gamma = 0.9
    torch_nag, _ = trajectory(optim.SGD(lr=0.05, momentum=gamma, nesterov=True), Q, X0)
    look, states = trajectory(optim.SGD(lr=0.05, momentum=gamma, nesterov=True, nesterov_form="lookahead"), Q, X0)
    lookahead_points = np.array([x - gamma * s.momentum_buffer for x, s in zip(look, states)])
    np.testing.assert_allclose(torch_nag, lookahead_points, rtol=1e-11, atol=1e-13)
    assert np.abs(torch_nag - look).max() > 1e-3          # the iterates themselves differ
    # Sutskever / Ruder by hand: v = gamma v + eta grad(theta - gamma v); theta -= v
    theta, v = X0.copy(), np.zeros(2)
    for k in range(40):
        v = gamma * v + 0.05 * Q.grad(theta - gamma * v)
        theta = theta - v
        np.testing.assert_allclose(look[k + 1], theta, rtol=1e-12, atol=1e-15)


def test_lookahead_needs_the_gradient_at_the_lookahead_point():
    opt = optim.SGD(lr=0.05, momentum=0.9, nesterov=True, nesterov_form="lookahead")
    with_la, _ = trajectory(opt, Q, X0, lookahead=True)
    without, _ = trajectory(opt, Q, X0, lookahead=False)           # classical momentum then
    classical, _ = trajectory(optim.SGD(lr=0.05, momentum=0.9), Q, X0)
    np.testing.assert_allclose(without, classical, rtol=1e-12, atol=1e-14)
    assert np.abs(with_la - without).max() > 1e-3
    result = gdlib.minimize(Q, X0, opt, steps=40, tol=0)
    np.testing.assert_allclose(result.path, with_la, rtol=1e-12, atol=1e-15)


def test_lookahead_weight_decay_at_the_lookahead_point():
    opt = optim.SGD(lr=0.05, momentum=0.9, nesterov=True, nesterov_form="lookahead", weight_decay=0.1)
    ours, _ = trajectory(opt, Q, X0, steps=10)
    theta, v = X0.copy(), np.zeros(2)
    for k in range(10):
        point = theta - 0.9 * v
        v = 0.9 * v + 0.05 * (Q.grad(point) + 0.1 * point)
        theta = theta - v
    np.testing.assert_allclose(ours[-1], theta, rtol=1e-12)


def test_adam_with_beta1_zero_is_rmsprop():
    beta2, eps = 0.99, 1e-8
    # the slides' Adam (no bias correction) with beta1 = 0 is RMSprop exactly
    adam, _ = trajectory(optim.Adam(lr=0.01, betas=(0.0, beta2), eps=eps, bias_correction=False), Q, X0)
    rms, _ = trajectory(optim.RMSprop(lr=0.01, alpha=beta2, eps=eps), Q, X0)
    np.testing.assert_allclose(adam, rms, rtol=1e-13, atol=1e-15)
    # Adam with bias correction and beta1 = 0 is RMSprop with a bias-corrected average
    adam_bc, _ = trajectory(optim.Adam(lr=0.01, betas=(0.0, beta2), eps=eps), Q, X0)
    theta, v = X0.copy(), np.zeros(2)
    for t in range(1, 41):
        g = Q.grad(theta)
        v = beta2 * v + (1 - beta2) * g**2
        theta = theta - 0.01 * g / (np.sqrt(v / (1 - beta2**t)) + eps)
        np.testing.assert_allclose(adam_bc[t], theta, rtol=1e-12, atol=1e-15)
    assert np.abs(adam_bc - rms).max() > 1e-3          # bias correction matters early on


def test_bias_correction_matters_early_and_fades():
    # constant gradient: torch's Adam steps lr * sign(g) from the start; the slides' version
    # starts at lr (1 - beta1) / sqrt(1 - beta2) = 3.16 lr, is 6.6 lr at t = 11, then approaches lr
    g = np.array([2.0, -0.5])
    torch_form, slides = optim.Adam(lr=0.01), optim.Adam(lr=0.01, bias_correction=False)
    x_t, s_t, x_s, s_s = np.zeros(2), torch_form.init(np.zeros(2)), np.zeros(2), slides.init(np.zeros(2))
    steps_t, steps_s = [], []
    for _ in range(20000):
        new_t, s_t = torch_form.step(x_t, g, s_t)
        new_s, s_s = slides.step(x_s, g, s_s)
        steps_t.append(np.abs(new_t - x_t)[0])
        steps_s.append(np.abs(new_s - x_s)[0])
        x_t, x_s = new_t, new_s
    assert steps_t[0] == pytest.approx(0.01) and steps_s[0] == pytest.approx(0.01 * 0.1 / np.sqrt(0.001))
    # (1 - beta1^t) / sqrt(1 - beta2^t): m has nearly caught up by t = 11, v has not
    assert steps_s[10] == pytest.approx(0.01 * (1 - 0.9**11) / np.sqrt(1 - 0.999**11), rel=1e-6)
    assert steps_s[10] > 6 * steps_t[10]
    assert steps_s[-1] == pytest.approx(steps_t[-1], rel=1e-6)


def test_eps_placement_matters_only_for_small_averages():
    big, small = np.array([3.0, -2.0]), np.array([1e-4, -1e-4])
    for g in (big, small):
        outside, _ = run(optim.RMSprop(lr=0.01, eps=1e-8), [g] * 5, np.zeros(2))
        inside, _ = run(optim.RMSprop(lr=0.01, eps=1e-8, eps_inside_sqrt=True), [g] * 5, np.zeros(2))
        if g is big:
            np.testing.assert_allclose(inside, outside, rtol=1e-7)
        else:
            assert np.abs(inside - outside).max() > 0.1 * np.abs(outside).max()


def test_adamw_is_adam_with_decoupled_weight_decay():
    a, _ = trajectory(optim.AdamW(lr=0.01, weight_decay=0.1), Q, X0)
    b, _ = trajectory(optim.Adam(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True), Q, X0)
    c, _ = trajectory(optim.Adam(lr=0.01, weight_decay=0.1), Q, X0)
    np.testing.assert_array_equal(a, b)
    assert np.abs(a - c).max() > 1e-4


# --------------------------------------------------------------------------
# state, purity, dtypes, dict params, schedules
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_state_fields_and_count(name):
    opt = ALL[name]()
    theta, state = run(opt, [G, 0.5 * G, -G])
    assert type(state)._fields == STATE_FIELDS[name]
    assert state.t == 3
    for field in STATE_FIELDS[name][1:]:
        value = getattr(state, field)
        if isinstance(value, np.ndarray):
            assert value.shape == THETA.shape
    assert repr(opt).startswith(name + "(")


@pytest.mark.parametrize("name", ALL)
def test_step_is_pure(name):
    opt = ALL[name]()
    theta, g = frozen(THETA), frozen(G)          # any in-place write would raise
    state = opt.init(theta)
    state = jax_like_freeze(state)
    new_theta, new_state = opt.step(theta, g, state)
    new_theta2, new_state2 = opt.step(theta, g, state)
    np.testing.assert_array_equal(new_theta, new_theta2)
    np.testing.assert_array_equal(theta, THETA)
    assert new_theta is not theta


def jax_like_freeze(state):
    for value in state:
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
        elif isinstance(value, dict):
            for arr in value.values():
                arr.flags.writeable = False
    return state


@pytest.mark.parametrize("name", ALL)
def test_float32_stays_float32(name):
    opt = ALL[name]()
    theta = THETA.astype(np.float32)
    new, state = run(opt, [G, G], theta)           # float64 gradients
    assert new.dtype == np.float32
    for value in state[1:]:
        if isinstance(value, np.ndarray):
            assert value.dtype == np.float32


@pytest.mark.parametrize("name", ALL)
def test_dict_params_match_separate_arrays(name):
    params = {"weight": np.array([[1.0, -2.0], [0.5, 3.0]]), "bias": np.array([0.1, -0.2])}
    grads = [{"weight": np.array([[0.3, -0.1], [2.0, 0.5]]), "bias": np.array([1.0, -1.0])},
             {"weight": np.array([[0.2, 0.1], [-1.0, 0.5]]), "bias": np.array([0.5, 0.5])}]
    opt = ALL[name]()
    state = opt.init(params)
    p = params
    for g in grads:
        p, state = opt.step(p, g, state)
    assert set(p) == {"weight", "bias"}
    for key in params:
        alone, _ = run(ALL[name](), [g[key] for g in grads], params[key])
        np.testing.assert_allclose(p[key], alone, rtol=1e-15)


def test_integer_params_become_float():
    theta, _ = run(optim.SGD(lr=0.5), [np.array([1, 1])], theta=np.array([1, 2]))
    np.testing.assert_allclose(theta, [0.5, 1.5])


def test_schedule_as_lr():
    lr = schedules.inverse_sqrt(0.1)
    theta, _ = run(optim.SGD(lr=lr), [G, G, G])
    expected = THETA - (0.1 + 0.1 / np.sqrt(2) + 0.1 / np.sqrt(3)) * G
    np.testing.assert_allclose(theta, expected)
    theta, _ = run(optim.SGD(lr=lambda t: 0.1 * (t + 1)), [G, G])
    np.testing.assert_allclose(theta, THETA - 0.3 * G)
    rprop = optim.Rprop(lr=schedules.constant(0.2))
    assert np.all(rprop.init(THETA).step_size == 0.2)


# --------------------------------------------------------------------------
# bad input: every message names the argument and the value
# --------------------------------------------------------------------------
@pytest.mark.parametrize("make, error, match", [
    (lambda: optim.SGD(lr=-1), ValueError, r"lr must be >= 0, got -1"),
    (lambda: optim.Adam(lr=float("nan")), ValueError, r"lr must not be NaN, got nan"),
    (lambda: optim.Adam(lr="fast"), TypeError, r"lr must be a real number, got 'fast'"),
    (lambda: optim.Adam(betas=(1.0, 0.999)), ValueError, r"betas\[0\] must be < 1, got 1.0"),
    (lambda: optim.Adam(betas=(0.9, -0.1)), ValueError, r"betas\[1\] must be >= 0, got -0.1"),
    (lambda: optim.NAdam(betas=(0.9, 1.5)), ValueError, r"betas\[1\] must be < 1, got 1.5"),
    (lambda: optim.Adamax(betas=0.9), TypeError, r"betas must be a pair \(beta1, beta2\), got 0.9"),
    (lambda: optim.Adam(eps=0), ValueError, r"eps must be > 0, got 0"),
    (lambda: optim.RMSprop(eps=-1e-8), ValueError, r"eps must be > 0, got -1e-08"),
    (lambda: optim.Adagrad(eps=0.0), ValueError, r"eps must be > 0, got 0.0"),
    (lambda: optim.Adadelta(eps=0.0), ValueError, r"eps must be > 0, got 0.0"),
    (lambda: optim.SGD(momentum=-0.5), ValueError, r"momentum must be >= 0, got -0.5"),
    (lambda: optim.RMSprop(momentum=-0.1), ValueError, r"momentum must be >= 0, got -0.1"),
    (lambda: optim.SGD(lr=0.1, nesterov=True), ValueError,
     r"nesterov=True requires momentum > 0 and dampening = 0, got momentum=0.0, dampening=0.0"),
    (lambda: optim.SGD(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), ValueError,
     r"got momentum=0.9, dampening=0.1"),
    (lambda: optim.SGD(nesterov="yes"), TypeError, r"nesterov must be True or False, got 'yes'"),
    (lambda: optim.SGD(momentum=0.9, momentum_form="ruder"), ValueError,
     r"momentum_form must be one of 'torch', 'velocity'; got 'ruder'"),
    (lambda: optim.Rprop(etas=(1.5, 1.2)), ValueError,
     r"etas must satisfy 0 < etaminus < 1 < etaplus, got etas=\(1.5, 1.2\)"),
    (lambda: optim.Rprop(etas=(0.5, 0.9)), ValueError, r"got etas=\(0.5, 0.9\)"),
    (lambda: optim.Rprop(step_sizes=(1.0, 0.1)), ValueError,
     r"step_sizes must satisfy min <= max, got step_sizes=\(1.0, 0.1\)"),
    (lambda: optim.Rprop(step_sizes=1.0), TypeError, r"step_sizes must be a pair"),
    (lambda: optim.Rprop(etas=(0.5,)), TypeError, r"etas must be a pair"),
    (lambda: optim.Adadelta(rho=1.5), ValueError, r"rho must be <= 1, got 1.5"),
    (lambda: optim.RMSprop(alpha=-0.1), ValueError, r"alpha must be >= 0, got -0.1"),
    (lambda: optim.Adagrad(lr_decay=-1), ValueError, r"lr_decay must be >= 0, got -1"),
    (lambda: optim.Adam(weight_decay=-0.1), ValueError, r"weight_decay must be >= 0, got -0.1"),
    (lambda: optim.DeltaBarDelta(decrease=1.2), ValueError, r"decrease must be < 1, got 1.2"),
    (lambda: optim.DeltaBarDelta(gain_limits=(2.0, 10.0)), ValueError,
     r"gain_limits must satisfy 0 < min <= 1 <= max, got gain_limits=\(2.0, 10.0\)"),
    (lambda: optim.DeltaBarDelta(gain_limits=5), TypeError, r"gain_limits must be a pair"),
])
def test_bad_hyperparameters(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize("name", ALL)
def test_bad_grads(name):
    opt = ALL[name]()
    params = {"w": np.ones((2, 2)), "b": np.zeros(2)}
    state = opt.init(params)
    with pytest.raises(ValueError, match=r"grads must have the keys of params \['b', 'w'\], got keys \['w'\]"):
        opt.step(params, {"w": np.ones((2, 2))}, state)
    with pytest.raises(ValueError, match=r"grads\['b'\] must have the shape of the parameters \(2,\), got shape \(3,\)"):
        opt.step(params, {"w": np.ones((2, 2)), "b": np.ones(3)}, state)
    with pytest.raises(ValueError, match=r"grads\['w'\] must contain only finite values, got nan at \[0, 1\]"):
        opt.step(params, {"w": np.array([[1.0, np.nan], [0, 0]]), "b": np.ones(2)}, state)
    with pytest.raises(ValueError, match=r"grads must contain only finite values, got inf at \[1\]"):
        s = opt.init(THETA)
        opt.step(THETA, np.array([0.0, np.inf, 1.0]), s)
    with pytest.raises(TypeError, match=r"grads must be a dict like params, got ndarray"):
        opt.step(params, np.ones(2), state)
    with pytest.raises(TypeError, match=r"grads must be an array like params, got dict"):
        opt.step(THETA, {"w": G}, opt.init(THETA))


def test_bad_params_and_schedule_values():
    with pytest.raises(TypeError, match=r"params must be an np.ndarray or a dict of np.ndarray, got str"):
        optim.Adam().init("weights")
    with pytest.raises(TypeError, match=r"params\['w'\] must be a numeric array, got dtype <U1"):
        optim.Adam().init({"w": np.array(["a"])})
    with pytest.raises(ValueError, match=r"params must not be an empty dict"):
        optim.Adam().init({})
    with pytest.raises(TypeError, match=r"grads must be a numeric array, got dtype <U1"):
        optim.SGD().step(THETA, np.array(["a", "b", "c"]), optim.SGD().init(THETA))
    opt = optim.SGD(lr=lambda t: -0.1)
    with pytest.raises(ValueError, match=r"lr\(0\) must be >= 0, got -0.1"):
        opt.step(THETA, G, opt.init(THETA))
