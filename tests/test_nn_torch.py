"""Parity of gdlib.nn with torch autograd (float64, 1e-10).

The committed fixtures (tests/fixtures/nn_*.npz, made by
tests/fixtures/make_nn_fixtures.py) hold torch's results, so these tests run
without torch; the ``live`` tests regenerate cases with other seeds when torch
is importable.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from gdlib import nn

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ATOL = RTOL = 1e-10


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_nn_fixtures", FIXTURES / "make_nn_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _load_generator()


def _split(path: Path) -> dict[str, dict[str, np.ndarray]]:
    cases: dict[str, dict[str, np.ndarray]] = {}
    with np.load(path) as data:
        for key in data.files:
            if key == "__meta__":
                continue
            case, _, rest = key.partition("/")
            cases.setdefault(case, {})[rest] = data[key]
    return cases


LAYERS = _split(FIXTURES / "nn_layers.npz")
MODELS = _split(FIXTURES / "nn_models.npz")


def _arg(v):
    return tuple(v) if isinstance(v, list) else v


def build(spec: dict, model: bool) -> nn.Module:
    layers = [getattr(nn, name)(*[_arg(a) for a in args], **{k: _arg(v) for k, v in kwargs.items()})
              for name, args, kwargs in spec["layers"]]
    return nn.Sequential(*layers) if model or len(layers) > 1 else layers[0]


def close(actual, expected, what: str) -> None:
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL, err_msg=what)


def with_prefix(d: dict, prefix: str) -> dict:
    return {k[len(prefix):]: v for k, v in d.items() if k.startswith(prefix)}


def replay(d: dict[str, np.ndarray], model: bool) -> None:
    """Rebuild the case in gdlib, replay torch's inputs and compare every array."""
    spec = json.loads(str(d["spec"]))
    layer = build(spec, model)
    layer.load_state_dict(with_prefix(d, "init."))
    layer.train()
    is_dropout = spec["layers"][0][0] == "Dropout"
    loss = nn.CrossEntropyLoss()
    for step in range(spec["steps"]):
        x = d[f"x{step}"]
        out = layer.forward(x, mask=d[f"mask{step}"]) if is_dropout else layer.forward(x)
        close(out, d[f"out{step}"], f"forward, step {step}")
        if model:
            value = loss.forward(out, d[f"labels{step}"])
            close(value, d[f"loss{step}"], f"loss, step {step}")
            dout = loss.backward()
        else:
            dout = d[f"dy{step}"]
        dx = layer.backward(dout)
        close(dx, d[f"dx{step}"], f"input gradient, step {step}")
        expected_grads = with_prefix(d, f"grad{step}.")
        assert set(layer.grads) == set(expected_grads)
        for k, g in expected_grads.items():
            close(layer.grads[k], g, f"grad {k}, step {step}")
        state = layer.state_dict()
        expected_state = with_prefix(d, f"state{step}.")
        assert set(state) == set(expected_state)
        for k, v in expected_state.items():
            close(state[k], v, f"state {k} after step {step}")
        if model:  # the same plain SGD step torch took
            layer.load_params({k: p - 0.1 * layer.grads[k] for k, p in layer.params.items()})
    layer.eval()
    out = layer.forward(d["x_eval"])
    close(out, d["out_eval"], "evaluation-mode forward")
    dx = layer.backward(d["dy_eval"])
    close(dx, d["dx_eval"], "evaluation-mode input gradient")
    for k, g in with_prefix(d, "grad_eval.").items():
        close(layer.grads[k], g, f"evaluation-mode grad {k}")


def test_fixture_cases_cover_every_layer():
    names = {layer[0] for d in list(LAYERS.values()) + list(MODELS.values()) if "spec" in d
             for layer in json.loads(str(d["spec"]))["layers"]}
    assert set(names) >= {"Linear", "Conv2d", "ReLU", "Sigmoid", "Tanh", "Flatten", "Dropout", "BatchNorm1d",
                          "BatchNorm2d", "LayerNorm", "InstanceNorm2d", "GroupNorm"}
    assert set(LAYERS) == set(GEN.LAYER_CASES) and set(MODELS) - {"losses"} == set(GEN.MODEL_CASES)
    size = sum(p.stat().st_size for p in FIXTURES.glob("nn_*.npz"))
    assert size < 1_000_000


@pytest.mark.parametrize("case", sorted(LAYERS))
def test_layer_matches_torch_fixture(case):
    replay(LAYERS[case], model=False)


@pytest.mark.parametrize("case", sorted(set(MODELS) - {"losses"}))
def test_model_matches_torch_fixture(case):
    replay(MODELS[case], model=True)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_losses_match_torch_fixture(reduction):
    d = MODELS["losses"]
    mse = nn.MSELoss(reduction)
    close(mse.forward(d["mse.pred"], d["mse.target"]), d[f"mse_{reduction}.loss"], "mse")
    close(mse.backward(), d[f"mse_{reduction}.grad"], "mse grad")
    ce = nn.CrossEntropyLoss(reduction)
    close(ce.forward(d["ce.logits"], d["ce.labels"]), d[f"ce_{reduction}.loss"], "cross-entropy")
    close(ce.backward(), d[f"ce_{reduction}.grad"], "cross-entropy grad")


# -- live comparison, only where torch is installed ---------------------------
@pytest.mark.parametrize("case", sorted(GEN.LAYER_CASES))
def test_layer_matches_torch_live(case):
    pytest.importorskip("torch")
    replay(GEN.generate(GEN.LAYER_CASES[case], seed=11), model=False)


@pytest.mark.parametrize("case", sorted(GEN.MODEL_CASES))
def test_model_matches_torch_live(case):
    pytest.importorskip("torch")
    replay(GEN.generate(GEN.MODEL_CASES[case], seed=12, model=True), model=True)


def test_losses_match_torch_live():
    pytest.importorskip("torch")
    d = {k: v for k, v in GEN.generate_losses(seed=5).items()}
    ce = nn.CrossEntropyLoss()
    close(ce.forward(d["ce.logits"], d["ce.labels"]), d["ce_mean.loss"], "cross-entropy")
    close(ce.backward(), d["ce_mean.grad"], "cross-entropy grad")


def test_weights_copy_across_from_torch_state_dict():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.ReLU(),
                              torch.nn.Flatten(), torch.nn.Linear(18, 3)).double()
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(18, 3))
    model.load_state_dict({k: v.numpy() for k, v in net.state_dict().items()})
    assert set(model.state_dict()) == set(net.state_dict())
    assert set(model.params) == {k for k, _ in net.named_parameters()}
    # and back: gdlib's state dict loads into torch strictly
    net.load_state_dict({k: torch.from_numpy(np.asarray(v)) for k, v in model.state_dict().items()})
    x = np.random.default_rng(0).normal(size=(4, 1, 5, 5))
    net.eval()
    model.eval()
    close(model.forward(x), net(torch.from_numpy(x)).detach().numpy(), "copied weights")
