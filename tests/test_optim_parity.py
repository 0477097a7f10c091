"""Parity of gdlib.optim with torch.optim (PyTorch 2.x), float64, step for step.

The reference trajectories were generated once with torch by
tests/fixtures/make_optim_fixtures.py and stored in
tests/fixtures/optim_parity.npz, so these tests run without torch. When torch
is importable, the same cases are also compared live.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import gdlib.optim as optim
from gdlib import schedules

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_spec = importlib.util.spec_from_file_location("make_optim_fixtures", FIXTURES / "make_optim_fixtures.py")
fx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fx)

REFERENCE = np.load(FIXTURES / "optim_parity.npz")
TOL = 1e-12


def gdlib_lr(hyper, schedule):
    lr = hyper.get("lr")
    if schedule is None:
        return lr
    if schedule[0] == "exponential":
        return schedules.exponential(lr, schedule[1])
    return schedules.step_decay(lr, schedule[1], schedule[2])


def run_gdlib(cls_name, hyper, schedule, steps=fx.STEPS):
    hyper = dict(hyper)
    if "lr" in hyper:
        hyper["lr"] = gdlib_lr(hyper, schedule)
    opt = getattr(optim, cls_name)(**hyper)
    params = fx.initial_params()
    state = opt.init(params)
    trajectory = [fx.flatten(params)]
    for _ in range(steps):
        params, state = opt.step(params, fx.grad_fn(params), state)
        trajectory.append(fx.flatten(params))
    assert state.t == steps
    return np.array(trajectory)


def test_fixture_matches_case_list():
    meta = json.loads(str(REFERENCE["meta"]))
    assert meta["steps"] == fx.STEPS >= 50
    assert [c[0] for c in meta["cases"]] == [c[0] for c in fx.CASES]
    covered = {c[1] for c in fx.CASES}
    assert covered == {"SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam", "Rprop"}


@pytest.mark.parametrize("case_id, cls_name, hyper, schedule", fx.CASES, ids=[c[0] for c in fx.CASES])
def test_parity_with_stored_torch_trajectory(case_id, cls_name, hyper, schedule):
    expected = REFERENCE[case_id]
    got = run_gdlib(cls_name, hyper, schedule)
    assert got.shape == expected.shape
    assert not np.allclose(expected[-1], expected[0])          # the parameters moved
    np.testing.assert_allclose(got, expected, rtol=TOL, atol=TOL)


@pytest.mark.parametrize("case_id, cls_name, hyper, schedule", fx.CASES, ids=[c[0] for c in fx.CASES])
def test_parity_with_live_torch(case_id, cls_name, hyper, schedule):
    pytest.importorskip("torch", reason="live comparison needs torch; the stored fixtures cover it")
    expected = fx.run_torch(cls_name, hyper, schedule)
    got = run_gdlib(cls_name, hyper, schedule)
    np.testing.assert_allclose(got, expected, rtol=TOL, atol=TOL)


def test_torch_defaults_are_gdlib_defaults():
    torch = pytest.importorskip("torch", reason="compares default hyperparameters with torch")
    import inspect
    for name in ["SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam", "Rprop"]:
        ours = inspect.signature(getattr(optim, name).__init__).parameters
        theirs = inspect.signature(getattr(torch.optim, name).__init__).parameters
        for arg, p in ours.items():
            if arg in theirs and arg not in ("self", "params"):
                expected = theirs[arg].default
                got = p.default
                assert np.all(np.asarray(got, dtype=float) == np.asarray(expected, dtype=float)), (name, arg)
