"""One table of every optimizer, run through the same convergence test (chapter 8's table).

Each row: optimizer, objective, start, steps and how close to the minimizer
the run must end. Adadelta is the one method that does not reach
Rosenbrock's minimum in the budget (its step sizes stay tiny along the
valley); its row only asks for a lower loss, which is itself a fact the book reports.
"""
from __future__ import annotations

import numpy as np
import pytest

import gdlib
from gdlib import optim
from gdlib.objectives import Rosenbrock, ill_conditioned

QUAD = ill_conditioned(10, 0.3)
ROSEN = Rosenbrock()

# name: (optimizer for the quadratic, optimizer for Rosenbrock, Rosenbrock distance required)
TABLE = {
    "SGD": (lambda: optim.SGD(lr=0.15), lambda: optim.SGD(lr=1.5e-3), 1e-4),
    "momentum": (lambda: optim.SGD(lr=0.05, momentum=0.8), lambda: optim.SGD(lr=5e-4, momentum=0.9), 1e-4),
    "momentum (velocity form)": (lambda: optim.SGD(lr=0.05, momentum=0.8, momentum_form="velocity"),
                                 lambda: optim.SGD(lr=5e-4, momentum=0.9, momentum_form="velocity"), 1e-4),
    "nesterov": (lambda: optim.SGD(lr=0.05, momentum=0.8, nesterov=True),
                 lambda: optim.SGD(lr=5e-4, momentum=0.9, nesterov=True), 1e-4),
    "nesterov (look-ahead)": (
        lambda: optim.SGD(lr=0.05, momentum=0.8, nesterov=True, nesterov_form="lookahead"),
        lambda: optim.SGD(lr=5e-4, momentum=0.9, nesterov=True, nesterov_form="lookahead"), 1e-4),
    "Adagrad": (lambda: optim.Adagrad(lr=1.0), lambda: optim.Adagrad(lr=0.5), 1e-4),
    "Adadelta": (lambda: optim.Adadelta(lr=1.0, eps=1e-4), lambda: optim.Adadelta(rho=0.95), None),
    "RMSprop": (lambda: optim.RMSprop(lr=0.01), lambda: optim.RMSprop(lr=5e-4, centered=True), 1e-3),
    "Adam": (lambda: optim.Adam(lr=0.05), lambda: optim.Adam(lr=0.05), 1e-4),
    "Adam (slides, no bias correction)": (lambda: optim.Adam(lr=0.05, bias_correction=False),
                                          lambda: optim.Adam(lr=0.02, bias_correction=False), 1e-2),
    "AMSGrad": (lambda: optim.Adam(lr=0.05, amsgrad=True), lambda: optim.Adam(lr=0.05, amsgrad=True), 1e-4),
    "AdamW": (lambda: optim.AdamW(lr=0.05, weight_decay=0.0), lambda: optim.AdamW(lr=0.05, weight_decay=0.0), 1e-4),
    "Adamax": (lambda: optim.Adamax(lr=0.05), lambda: optim.Adamax(lr=0.05), 1e-4),
    "NAdam": (lambda: optim.NAdam(lr=0.05), lambda: optim.NAdam(lr=0.02), 1e-2),
    "Rprop": (lambda: optim.Rprop(lr=0.01), lambda: optim.Rprop(lr=1e-3), 1e-2),
    "DeltaBarDelta": (lambda: optim.DeltaBarDelta(lr=0.05),
                      lambda: optim.DeltaBarDelta(lr=2e-4, momentum=0.9), 1e-4),
}


@pytest.mark.parametrize("name", TABLE)
def test_converges_on_ill_conditioned_quadratic(name):
    result = gdlib.minimize(QUAD, [1.5, 1.0], TABLE[name][0](), steps=5000, tol=1e-6)
    assert result.status in ("converged", "max_steps")
    assert np.linalg.norm(result.x - QUAD.minimizer) < 1e-5, result
    assert result.path.shape == (result.steps + 1, 2)


@pytest.mark.parametrize("name", TABLE)
def test_converges_on_rosenbrock(name):
    _, make, distance = TABLE[name]
    result = gdlib.minimize(ROSEN, [-1.2, 1.0], make(), steps=20000, tol=1e-6)
    if distance is None:
        assert result.status == "max_steps"
        assert result.losses[-1] < 0.05 * result.losses[0]
    else:
        assert np.linalg.norm(result.x - ROSEN.minimizer) < distance, result
