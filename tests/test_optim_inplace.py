"""gdlib.optim's ``inplace=True``: the same numbers as the pure step, in the caller's arrays."""
from __future__ import annotations

import numpy as np
import pytest

from gdlib import optim

# Every optimizer, and every form of the two that have an in-place rule of their own.
CASES = {
    "SGD": lambda: optim.SGD(lr=0.1),
    "SGD weight decay": lambda: optim.SGD(lr=0.1, weight_decay=0.1),
    "SGD momentum": lambda: optim.SGD(lr=0.1, momentum=0.9),
    "SGD dampening": lambda: optim.SGD(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01),
    "SGD nesterov": lambda: optim.SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    "SGD velocity form": lambda: optim.SGD(lr=0.1, momentum=0.9, momentum_form="velocity"),
    "SGD lookahead": lambda: optim.SGD(lr=0.1, momentum=0.9, nesterov=True, nesterov_form="lookahead"),
    "Adam": lambda: optim.Adam(lr=0.01),
    "Adam amsgrad + L2": lambda: optim.Adam(lr=0.01, amsgrad=True, weight_decay=0.1),
    "Adam no bias correction": lambda: optim.Adam(lr=0.01, bias_correction=False),
    "AdamW": lambda: optim.AdamW(lr=0.01),
    "Adagrad": lambda: optim.Adagrad(lr=0.1),
    "Adadelta": lambda: optim.Adadelta(),
    "RMSprop": lambda: optim.RMSprop(lr=0.01, momentum=0.5, centered=True),
    "Adamax": lambda: optim.Adamax(lr=0.01),
    "NAdam": lambda: optim.NAdam(lr=0.01),
    "Rprop": lambda: optim.Rprop(lr=0.01),
    "DeltaBarDelta": lambda: optim.DeltaBarDelta(lr=0.01, momentum=0.5),
}


def _params(rng, dtype=np.float64):
    return {"weight": rng.standard_normal((3, 4)).astype(dtype), "bias": rng.standard_normal(4).astype(dtype)}


def _same(a, b):
    if isinstance(a, dict):
        return set(a) == set(b) and all(np.array_equal(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b)
    return a == b


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_inplace_gives_the_pure_results_bit_for_bit(name, dtype):
    opt, rng = CASES[name](), np.random.default_rng(1)
    pure = _params(rng, dtype)
    mine = {k: v.copy() for k, v in pure.items()}
    arrays = {k: v for k, v in mine.items()}
    pure_state, state = opt.init(pure), opt.init(mine)
    state_arrays = [f for f in state if isinstance(f, dict)]
    for _ in range(6):
        grads = {k: rng.standard_normal(v.shape).astype(dtype) for k, v in pure.items()}
        pure, pure_state = opt.step(pure, grads, pure_state)
        mine, state = opt.step(mine, grads, state, inplace=True)
    assert all(_same(a, b) for a, b in zip(pure_state, state)), name
    assert _same(pure, mine), name
    # the caller's arrays hold the result, and so do the state's own arrays
    assert all(mine[k] is arrays[k] for k in arrays)
    assert all(mine[k].dtype == dtype for k in mine)
    kept = [f for f in state if isinstance(f, dict)]
    assert all(a[k] is b[k] for a, b in zip(state_arrays, kept) for k in a)


@pytest.mark.parametrize("name", ["SGD momentum", "Adam"])
def test_inplace_on_a_single_array(name):
    opt = CASES[name]()
    theta = np.array([1.0, -2.0, 0.5])
    state = opt.init(theta)
    pure, pure_state = opt.step(theta.copy(), np.array([0.5, 1.0, -3.0]), state)
    out, state2 = opt.step(theta, np.array([0.5, 1.0, -3.0]), opt.init(theta), inplace=True)
    assert out is theta
    np.testing.assert_array_equal(theta, pure)


def test_pure_step_leaves_the_state_alone_after_an_inplace_one():
    """A pure step after in-place ones still returns new arrays."""
    opt = optim.Adam(lr=0.1)
    theta = np.ones(3)
    state = opt.init(theta)
    theta, state = opt.step(theta, np.ones(3), state, inplace=True)
    before = (theta.copy(), state.m.copy())
    new_theta, new_state = opt.step(theta, np.ones(3), state)
    assert new_theta is not theta and new_state.m is not state.m
    np.testing.assert_array_equal(theta, before[0])
    np.testing.assert_array_equal(state.m, before[1])


def test_delta_bar_delta_state_never_holds_the_callers_gradient():
    opt = optim.DeltaBarDelta(lr=0.1)
    theta, g = np.ones(3), np.array([1.0, -1.0, 2.0])
    _, state = opt.step(theta, g, opt.init(theta))
    assert state.prev is not g
    opt.step(theta, -g, state, inplace=True)
    np.testing.assert_array_equal(g, [1.0, -1.0, 2.0])


@pytest.mark.parametrize("params, error, match", [
    ([1.0, 2.0], TypeError, "inplace=True needs params as floating np.ndarray.*got list"),
    (np.array([1, 2]), TypeError, "inplace=True needs params as floating np.ndarray.*dtype int64"),
])
def test_inplace_needs_float_arrays(params, error, match):
    opt = optim.SGD(lr=0.1, momentum=0.9)
    with pytest.raises(error, match=match):
        opt.step(params, np.ones(2), opt.init(params), inplace=True)


def test_inplace_needs_writeable_arrays():
    opt = optim.Adam()
    theta = np.ones(2)
    state = opt.init(theta)
    theta.flags.writeable = False
    with pytest.raises(ValueError, match="inplace=True needs writeable params"):
        opt.step(theta, np.ones(2), state, inplace=True)
    theta = np.ones(2)
    state.m.flags.writeable = False
    with pytest.raises(ValueError, match=r"writeable state, got a read-only state\.m"):
        opt.step(theta, np.ones(2), state, inplace=True)


def test_inplace_must_be_a_bool():
    opt = optim.SGD(lr=0.1)
    with pytest.raises(TypeError, match="inplace must be True or False, got 'yes'"):
        opt.step(np.ones(2), np.ones(2), opt.init(np.ones(2)), inplace="yes")


def test_bad_grads_leave_the_arrays_untouched():
    opt = optim.SGD(lr=0.1, momentum=0.9)
    theta = np.ones(3)
    state = opt.init(theta)
    with pytest.raises(ValueError, match="finite"):
        opt.step(theta, np.array([1.0, np.nan, 0.0]), state, inplace=True)
    np.testing.assert_array_equal(theta, np.ones(3))
    np.testing.assert_array_equal(state.momentum_buffer, np.zeros(3))


# --------------------------------------------------------------------------
# piece by piece (gdlib.optim.base.tree_map_inplace)
# --------------------------------------------------------------------------
def _run(opt, params, grads_seq, inplace):
    state = opt.init(params)
    for grads in grads_seq:
        params, state = opt.step(params, grads, state, inplace=inplace)
    return params, state


@pytest.mark.parametrize("name", CASES)
def test_pieces_give_the_whole_array_results_bit_for_bit(name, monkeypatch):
    """Large arrays are updated in cache-sized pieces; with pieces of 3 entries
    (so every array below is split, the last piece shorter) nothing changes."""
    from gdlib.optim import base
    rng = np.random.default_rng(2)
    params = {"weight": rng.standard_normal((5, 7)), "bias": rng.standard_normal(4)}
    grads_seq = [{k: rng.standard_normal(v.shape) for k, v in params.items()} for _ in range(5)]
    whole = _run(CASES[name](), {k: v.copy() for k, v in params.items()}, grads_seq, inplace=False)
    monkeypatch.setattr(base, "PIECE", 3)
    given = {k: v.copy() for k, v in params.items()}
    pieces = _run(CASES[name](), given, grads_seq, inplace=True)
    assert _same(whole[0], pieces[0]), name
    assert all(_same(a, b) for a, b in zip(whole[1], pieces[1])), name
    assert all(pieces[0][k] is given[k] for k in given)


def test_pieces_fall_back_to_whole_arrays_when_not_contiguous(monkeypatch):
    from gdlib.optim import base
    monkeypatch.setattr(base, "PIECE", 3)
    opt = optim.Adam(lr=0.1)
    base_array = np.arange(40.0).reshape(5, 8)
    theta = base_array[:, ::2]                             # a strided view, updated in place
    assert not theta.flags.c_contiguous
    ref, _ = opt.step(theta.copy(), np.ones_like(theta), opt.init(theta))
    out, _ = opt.step(theta, np.ones_like(theta), opt.init(theta), inplace=True)
    assert out is theta
    np.testing.assert_array_equal(out, ref)
    np.testing.assert_array_equal(base_array[:, 1::2], np.arange(40.0).reshape(5, 8)[:, 1::2])
