"""gdlib.nn without torch: gradient checks, dropout, batch norm modes, errors, init, API."""
from __future__ import annotations

import numpy as np
import pytest

from gdlib import nn
from gdlib.nn import init

RNG = np.random.default_rng(0)


def rng(seed=0):
    return np.random.default_rng(seed)


# -- gradient checks of every layer ------------------------------------------
def _models():
    g = rng(1)
    return {
        "linear": (nn.Sequential(nn.Linear(5, 3, rng=g)), (4, 5)),
        "linear_nobias_sigmoid": (nn.Sequential(nn.Linear(5, 3, bias=False, rng=g), nn.Sigmoid()), (4, 5)),
        "tanh_relu": (nn.Sequential(nn.Linear(5, 6, rng=g), nn.Tanh(), nn.Linear(6, 3, rng=g), nn.ReLU()), (4, 5)),
        "conv": (nn.Sequential(nn.Conv2d(2, 3, 3, stride=2, padding=1, rng=g), nn.Flatten()), (2, 2, 5, 5)),
        "conv_rect": (nn.Sequential(nn.Conv2d(2, 2, (2, 3), stride=(1, 2), rng=g), nn.Flatten()), (2, 2, 4, 6)),
        "bn1d": (nn.Sequential(nn.Linear(4, 5, rng=g), nn.BatchNorm1d(5)), (6, 4)),
        "bn2d": (nn.Sequential(nn.Conv2d(1, 3, 3, padding=1, rng=g), nn.BatchNorm2d(3), nn.Flatten()), (3, 1, 4, 4)),
        "layernorm": (nn.Sequential(nn.Linear(4, 5, rng=g), nn.LayerNorm(5)), (3, 4)),
        "instancenorm": (nn.Sequential(nn.InstanceNorm2d(2, affine=True), nn.Flatten()), (2, 2, 3, 3)),
        "groupnorm": (nn.Sequential(nn.GroupNorm(2, 4), nn.Flatten()), (2, 4, 2, 3)),
        "dropout": (nn.Sequential(nn.Linear(4, 6, rng=g), nn.Dropout(0.4, rng=3), nn.Linear(6, 3, rng=g)), (5, 4)),
        "dropout_classic": (nn.Sequential(nn.Linear(4, 6, rng=g), nn.Dropout(0.4, mode="classic", rng=3)), (5, 4)),
    }


@pytest.mark.parametrize("name", sorted(_models()))
@pytest.mark.parametrize("loss_name", ["mse", "ce"])
def test_gradcheck_every_layer(name, loss_name):
    model, shape = _models()[name]
    g = rng(2)
    # perturb gamma/beta so normalization gradients are non-trivial
    model.load_params({k: v + 0.3 * g.normal(size=v.shape) for k, v in model.params.items()})
    x = g.normal(size=shape)
    out_dim = model.forward(x).shape[1]
    if loss_name == "mse":
        loss, target = nn.MSELoss(), g.normal(size=(shape[0], out_dim))
    else:
        loss, target = nn.CrossEntropyLoss(), g.integers(0, out_dim, shape[0])
    result = nn.gradcheck(model, loss, x, target, tol=1e-6)
    assert result.ok, result
    assert "input" in result.errors and set(result.errors) - {"input"} == set(model.params)


def test_gradcheck_reports_wrong_gradient_and_subsamples():
    class Broken(nn.Linear):
        def backward(self, dy):
            dx = super().backward(dy)
            self.grads["weight"] = 2 * self.grads["weight"]
            return dx

    model = nn.Sequential(Broken(3, 2, rng=0))
    res = nn.gradcheck(model, nn.MSELoss(), rng().normal(size=(4, 3)), rng(1).normal(size=(4, 2)), max_entries=3)
    assert not res.ok and res.errors["0.weight"] > 0.1 and res.errors["0.bias"] < 1e-6
    assert "ok=False" in repr(res)


def test_gradcheck_restores_running_statistics_and_single_layer():
    bn = nn.BatchNorm1d(3)
    before = bn.state_dict()
    res = nn.gradcheck(bn, nn.MSELoss(), rng().normal(size=(5, 3)), rng(1).normal(size=(5, 3)), check_input=False)
    assert res.ok and "input" not in res.errors
    for k, v in before.items():
        np.testing.assert_array_equal(bn.state_dict()[k], v)


def test_numerical_gradient_of_a_quadratic():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    x = np.array([1.0, -2.0])
    g = nn.numerical_gradient(lambda v: 0.5 * v @ A @ v, x)
    np.testing.assert_allclose(g, A @ x, atol=1e-8)
    assert x.tolist() == [1.0, -2.0]


# -- the chapter 9 derivation, literally ---------------------------------------
def test_backward_is_the_delta_recursion():
    g = rng(3)
    lin1, lin2 = nn.Linear(4, 5, rng=g), nn.Linear(5, 3, rng=g)
    model = nn.Sequential(lin1, nn.Sigmoid(), lin2)
    x, y = g.normal(size=(6, 4)), g.integers(0, 3, 6)
    loss = nn.CrossEntropyLoss()
    logits = model.forward(x)
    loss.forward(logits, y)
    model.backward(loss.backward())
    # output-layer residual: (softmax - onehot) / N
    delta2 = (nn.softmax(logits) - np.eye(3)[y]) / 6
    a1 = nn.sigmoid(x @ lin1.params["weight"].T + lin1.params["bias"])
    # hidden-layer residual: (delta W) * f'(z)
    delta1 = (delta2 @ lin2.params["weight"]) * a1 * (1 - a1)
    np.testing.assert_allclose(lin2.grads["weight"], delta2.T @ a1, atol=1e-14)
    np.testing.assert_allclose(lin2.grads["bias"], delta2.sum(0), atol=1e-14)
    np.testing.assert_allclose(lin1.grads["weight"], delta1.T @ x, atol=1e-14)


def test_conv_matches_a_direct_loop_and_rotated_kernel_full_convolution():
    g = rng(4)
    conv = nn.Conv2d(1, 1, 3, rng=g)
    x = g.normal(size=(1, 1, 5, 5))
    out = conv.forward(x)
    W, b = conv.params["weight"][0, 0], conv.params["bias"][0]
    direct = np.array([[np.sum(x[0, 0, i:i + 3, j:j + 3] * W) + b for j in range(3)] for i in range(3)])
    np.testing.assert_allclose(out[0, 0], direct, atol=1e-13)
    delta = g.normal(size=out.shape)
    dx = conv.backward(delta)
    # hidden-layer residual of a conv layer: full convolution of delta with the kernel rotated 180 degrees
    padded = np.pad(delta[0, 0], 2)
    rot = W[::-1, ::-1]
    full = np.array([[np.sum(padded[i:i + 3, j:j + 3] * rot) for j in range(5)] for i in range(5)])
    np.testing.assert_allclose(dx[0, 0], full, atol=1e-13)


def test_im2col_col2im_are_adjoint():
    g = rng(5)
    x = g.normal(size=(2, 3, 6, 5))
    cols = nn.im2col(x, (3, 2), (2, 1))
    c = g.normal(size=cols.shape)
    back = nn.col2im(c, x.shape, (3, 2), (2, 1), (2, 4))
    np.testing.assert_allclose(np.sum(cols * c), np.sum(x * back), rtol=1e-12)


# -- activations and losses are numerically stable ------------------------------
def test_sigmoid_softmax_logsoftmax_no_overflow():
    z = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    s = nn.sigmoid(z)
    assert np.all(np.isfinite(s)) and s[0] == 0 and s[-1] == 1 and s[2] == 0.5
    logits = np.array([[1000.0, 0.0, -1000.0]])
    assert np.allclose(nn.softmax(logits), [[1, 0, 0]])
    assert np.isfinite(nn.log_softmax(logits)).all()
    ce = nn.CrossEntropyLoss()
    assert ce.forward(logits, np.array([2])) == pytest.approx(2000.0)
    assert np.isfinite(ce.backward()).all()


def test_mse_half_sum_is_the_notes_form():
    mse = nn.MSELoss("half_sum")
    assert mse.forward(np.array([[1.0, 3.0]]), np.array([[0.0, 1.0]])) == pytest.approx(2.5)
    np.testing.assert_allclose(mse.backward(), [[1.0, 2.0]])


# -- dropout ------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["inverted", "classic"])
def test_dropout_statistics_and_eval(mode):
    p = 0.3
    drop = nn.Dropout(p, mode=mode, rng=0)
    x = np.ones((200, 500))
    y = drop.forward(x)
    keep = drop.mask.mean()
    assert abs(keep - (1 - p)) < 0.005
    scale = 1 / (1 - p) if mode == "inverted" else 1.0
    np.testing.assert_allclose(y[drop.mask], scale)
    assert np.all(y[~drop.mask] == 0)
    dx = drop.backward(np.full_like(x, 2.0))
    np.testing.assert_allclose(dx, 2.0 * scale * drop.mask)           # same mask in backward
    drop.eval()
    y_eval = drop.forward(x)
    test_scale = 1.0 if mode == "inverted" else 1 - p
    np.testing.assert_allclose(y_eval, test_scale * x)
    np.testing.assert_allclose(drop.backward(x), test_scale * x)
    # the expectations agree: E[y_train] = y_test
    assert abs(y.mean() - y_eval.mean()) < 0.01 * scale


def test_dropout_seeded_and_fresh_masks_and_extremes():
    a, b = nn.Dropout(0.5, rng=1), nn.Dropout(0.5, rng=1)
    x = np.ones((4, 8))
    np.testing.assert_array_equal(a.forward(x), b.forward(x))
    first = a.mask.copy()
    a.forward(x)
    assert not np.array_equal(first, a.mask)
    assert np.all(nn.Dropout(1.0).forward(x) == 0)
    np.testing.assert_array_equal(nn.Dropout(0.0).forward(x), x)
    with pytest.raises(ValueError, match="mask shape"):
        nn.Dropout(0.5).forward(x, mask=np.ones((2, 2), bool))
    with pytest.raises(ValueError, match="p must be <= 1"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match="mode must be one of"):
        nn.Dropout(0.5, mode="other")
    assert "p=0.5" in repr(a)


# -- batch norm: train vs eval, running statistics, population statistics -------
def test_batchnorm_training_normalizes_and_eval_uses_running_stats():
    bn = nn.BatchNorm1d(3)
    g = rng(6)
    for _ in range(5):
        x = g.normal(loc=[1.0, -2.0, 5.0], scale=[1.0, 3.0, 0.5], size=(64, 3))
        y = bn.forward(x)
        np.testing.assert_allclose(y.mean(0), 0, atol=1e-12)
        np.testing.assert_allclose(y.var(0), 1, atol=1e-3)
    assert int(bn.buffers["num_batches_tracked"]) == 5
    m = 0.1
    # after 5 updates running_mean = sum of m (1-m)^k mu_k: between 0 and the true mean
    assert np.all(np.abs(bn.buffers["running_mean"]) < np.abs([1.0, -2.0, 5.0]))
    assert 1 - (1 - m) ** 5 == pytest.approx(0.40951)
    bn.eval()
    x = g.normal(size=(2, 3))
    expected = (x - bn.buffers["running_mean"]) / np.sqrt(bn.buffers["running_var"] + bn.eps)
    np.testing.assert_allclose(bn.forward(x), expected, atol=1e-12)
    before = bn.state_dict()
    bn.forward(x)
    np.testing.assert_array_equal(bn.buffers["running_mean"], before["running_mean"])  # eval: no update


def test_set_population_statistics_uses_whole_training_set():
    g = rng(7)
    model = nn.Sequential(nn.Linear(3, 4, rng=g), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 4, rng=g),
                          nn.BatchNorm1d(4))
    X = g.normal(size=(500, 3))
    nn.set_population_statistics(model, X)
    assert not model.training
    h1 = X @ model[0].params["weight"].T + model[0].params["bias"]
    np.testing.assert_allclose(model[1].buffers["running_mean"], h1.mean(0), atol=1e-12)
    np.testing.assert_allclose(model[1].buffers["running_var"], h1.var(0), atol=1e-12)
    out = model.forward(X)          # the last BN's output over the training set is standardized
    np.testing.assert_allclose(out.mean(0), 0, atol=1e-10)
    np.testing.assert_allclose(out.var(0), 1, atol=1e-3)
    nn.set_population_statistics(model, X, unbiased=True)
    np.testing.assert_allclose(model[1].buffers["running_var"], h1.var(0, ddof=1), atol=1e-12)


def test_layer_instance_group_norm_same_in_train_and_eval():
    g = rng(8)
    x = g.normal(size=(3, 4, 2, 2))
    for layer in (nn.LayerNorm((4, 2, 2)), nn.InstanceNorm2d(4), nn.GroupNorm(2, 4)):
        y_train = layer.train().forward(x)
        y_eval = layer.eval().forward(x)
        np.testing.assert_array_equal(y_train, y_eval)
    # group norm with one group per channel is instance norm; with one group it is layer norm
    np.testing.assert_allclose(nn.GroupNorm(4, 4, affine=False).forward(x), nn.InstanceNorm2d(4).forward(x), atol=1e-12)
    np.testing.assert_allclose(nn.GroupNorm(1, 4).forward(x), nn.LayerNorm((4, 2, 2)).forward(x), atol=1e-12)


def test_batchnorm_recovers_identity_with_gamma_sigma_beta_mu():
    x = rng(9).normal(loc=3.0, scale=2.0, size=(50, 2))
    bn = nn.BatchNorm1d(2, eps=1e-12)
    bn.load_params({"weight": x.std(0), "bias": x.mean(0)})
    np.testing.assert_allclose(bn.forward(x), x, atol=1e-9)


# -- errors name the layer and the shapes ------------------------------------------
@pytest.mark.parametrize("layer, x, pattern", [
    (nn.Linear(4, 3), np.ones((2, 5)), r"Linear\(in_features=4, out_features=3.*expects input of shape \(N, 4\), got \(2, 5\)"),
    (nn.Conv2d(3, 2, 3), np.ones((1, 2, 5, 5)), r"Conv2d\(3, 2.*expects input of shape \(N, 3, H, W\), got \(1, 2, 5, 5\)"),
    (nn.Conv2d(1, 2, 5), np.ones((1, 1, 3, 3)), r"Conv2d.*smaller than the kernel"),
    (nn.BatchNorm1d(3), np.ones((4, 2)), r"BatchNorm1d\(3.*\(N, 3\) or \(N, 3, L\), got \(4, 2\)"),
    (nn.BatchNorm2d(3), np.ones((4, 3)), r"BatchNorm2d\(3.*\(N, 3, H, W\), got \(4, 3\)"),
    (nn.BatchNorm1d(3), np.ones((1, 3)), r"more than 1 value per channel"),
    (nn.LayerNorm(4), np.ones((2, 3)), r"LayerNorm\(\(4,\).*got \(2, 3\)"),
    (nn.InstanceNorm2d(3), np.ones((2, 3, 4)), r"InstanceNorm2d\(3.*\(N, 3, H, W\), got \(2, 3, 4\)"),
    (nn.GroupNorm(2, 4), np.ones((2, 3, 4)), r"GroupNorm\(2, 4.*\(N, 4, \*\), got \(2, 3, 4\)"),
])
def test_shape_errors_name_layer_and_shapes(layer, x, pattern):
    with pytest.raises(ValueError, match=pattern):
        layer.forward(x)


def test_sequential_error_names_the_layer_index_and_backward_errors():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(5, 2))
    with pytest.raises(ValueError, match=r"Sequential layer 2: Linear\(in_features=5.*got \(2, 3\)"):
        model.forward(np.ones((2, 4)))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        nn.Linear(2, 2).backward(np.ones((1, 2)))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        nn.MSELoss().backward()
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
    model.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"Sequential layer 1: ReLU\(\): backward expects .* \(2, 3\), got \(2, 4\)"):
        model.backward(np.ones((2, 4)))
    for loss, args, pattern in [
        (nn.MSELoss(), (np.ones((2, 3)), np.ones((2, 2))), "pred shape"),
        (nn.CrossEntropyLoss(), (np.ones(3), np.zeros(3, int)), r"logits of shape \(N, C\)"),
        (nn.CrossEntropyLoss(), (np.ones((3, 2)), np.zeros(2, int)), r"labels of shape \(3,\)"),
        (nn.CrossEntropyLoss(), (np.ones((3, 2)), np.array([0, 1, 2])), r"labels must be in \[0, 1\]"),
    ]:
        with pytest.raises(ValueError, match=pattern):
            loss.forward(*args)
    with pytest.raises(TypeError, match="integer class labels"):
        nn.CrossEntropyLoss().forward(np.ones((2, 2)), np.zeros(2))
    with pytest.raises(TypeError, match="layer 0 must be a gdlib.nn layer"):
        nn.Sequential("relu")


def test_constructor_validation():
    with pytest.raises(ValueError, match="in_features must be >= 1, got 0"):
        nn.Linear(0, 3)
    with pytest.raises(ValueError, match="kernel_size must be an int or a pair"):
        nn.Conv2d(1, 1, (1, 2, 3))
    with pytest.raises(ValueError, match="divisible by num_groups"):
        nn.GroupNorm(3, 4)
    with pytest.raises(ValueError, match="momentum must be <= 1"):
        nn.BatchNorm1d(3, momentum=2.0)
    with pytest.raises(ValueError, match="eps must be > 0"):
        nn.LayerNorm(3, eps=0.0)
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.MSELoss("avg")


# -- the Sequential API: params, write-back, state dict, activations -----------------
def test_sequential_params_keys_and_load_params():
    model = nn.Sequential(nn.Conv2d(1, 2, 3, rng=0), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3, rng=1))
    assert list(model.params) == ["0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias"]
    assert list(model.buffers) == ["1.running_mean", "1.running_var", "1.num_batches_tracked"]
    assert model.decay_keys == ("0.weight", "4.weight")
    assert model.num_params() == 2 * 9 + 2 + 2 + 2 + 8 * 3 + 3
    snapshot = model.params
    new = {k: v + 1.0 for k, v in snapshot.items()}
    model.load_params(new)
    assert model.params["4.bias"] is new["4.bias"]                  # rebound, no copy
    np.testing.assert_array_equal(snapshot["4.bias"] + 1.0, model.params["4.bias"])  # old dict is a snapshot
    with pytest.raises(ValueError, match=r"missing keys \['4.bias'\]"):
        model.load_params({k: v for k, v in new.items() if k != "4.bias"})
    with pytest.raises(ValueError, match="unexpected keys"):
        model.load_params({**new, "9.weight": np.ones(1)})
    with pytest.raises(ValueError, match=r"parameter 'bias' must have shape \(3,\), got \(4,\)"):
        model.load_params({"4.bias": np.ones(4)}, strict=False)
    with pytest.raises(TypeError, match="params must be a dict"):
        model.load_params([1, 2])
    model.params = new                                              # the setter goes through load_params
    model.grads = {}
    model.buffers = {}
    assert len(model) == 5 and isinstance(model[0], nn.Conv2d) and len(list(model)) == 5
    assert "(0): Conv2d(1, 2" in repr(model)


def test_state_dict_round_trip_and_modes():
    a = nn.Sequential(nn.Linear(3, 4, rng=0), nn.BatchNorm1d(4), nn.Dropout(0.5))
    a.forward(rng().normal(size=(5, 3)))
    b = nn.Sequential(nn.Linear(3, 4, rng=1), nn.BatchNorm1d(4), nn.Dropout(0.5))
    b.load_state_dict(a.state_dict())
    for k, v in a.state_dict().items():
        np.testing.assert_array_equal(b.state_dict()[k], v)
    b.eval()
    assert not b.training and not b[1].training and not b[2].training
    b.train()
    assert b[1].training
    b.zero_grad()
    assert all(np.all(g == 0) for g in b.grads.values())
    with pytest.raises(ValueError, match="unexpected key 'x'"):
        b._split({"x": 1})
    with pytest.raises(ValueError, match=r"buffer 'running_mean' must have shape \(4,\), got \(3,\)"):
        b.load_state_dict({"1.running_mean": np.zeros(3)}, strict=False)


def test_trace_records_every_activation():
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.Tanh(), nn.Linear(4, 2, rng=0))
    x = rng().normal(size=(7, 3))
    acts = model.trace(x)
    assert list(acts) == ["input", "0.Linear", "1.Tanh", "2.Linear"]
    np.testing.assert_array_equal(acts["1.Tanh"], np.tanh(acts["0.Linear"]))
    assert not model.record
    model.record = True
    model.forward(x)
    assert set(model.activations) == set(acts)
    recorder = nn.Sequential(nn.ReLU(), record=True)
    recorder.forward(x)
    assert list(recorder.activations) == ["input", "0.ReLU"]
    # the residuals of a recorded backward pass
    dy = np.ones((7, 2))
    dx = model.backward(dy)
    assert list(model.deltas) == ["2.Linear", "1.Tanh", "0.Linear", "input"]
    np.testing.assert_array_equal(model.deltas["2.Linear"], dy)
    np.testing.assert_allclose(model.deltas["1.Tanh"], dy @ model[2].params["weight"])
    assert model.deltas["input"] is dx


def test_float32_stays_float32():
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1, rng=0), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(),
                          nn.Linear(32, 5, rng=0), nn.LayerNorm(5), nn.Dropout(0.2, rng=0), nn.Sigmoid(), nn.Tanh())
    x = rng().normal(size=(3, 1, 4, 4)).astype(np.float32)
    out = model.forward(x)
    assert out.dtype == np.float32
    dx = model.backward(np.ones_like(out))
    assert dx.dtype == np.float32
    assert all(g.dtype == np.float64 for g in model.grads.values())   # params stay float64 ...
    model.astype(np.float32)                                           # ... unless converted
    assert all(p.dtype == np.float32 for p in model.params.values())
    assert model.forward(x).dtype == np.float32
    loss = nn.CrossEntropyLoss()
    assert np.asarray(loss.forward(model.forward(x), np.array([0, 1, 2]))).dtype == np.float64
    assert loss.backward().dtype == np.float32
    assert nn.Linear(2, 2).forward(np.ones((1, 2), dtype=int)).dtype == np.float64


# -- L2 regularization ----------------------------------------------------------
def test_l2_penalty_and_gradient_act_on_weights_only():
    params = {"0.weight": np.array([[1.0, 2.0]]), "0.bias": np.array([3.0])}
    grads = {"0.weight": np.zeros((1, 2)), "0.bias": np.zeros(1)}
    assert nn.l2_penalty(params, 0.1, ["0.weight"]) == pytest.approx(0.25)
    out = nn.l2_gradient(grads, params, 0.1, ["0.weight"])
    np.testing.assert_allclose(out["0.weight"], [[0.1, 0.2]])
    np.testing.assert_array_equal(out["0.bias"], 0)
    assert np.all(grads["0.weight"] == 0)                               # inputs untouched
    with pytest.raises(ValueError, match="lam must be >= 0"):
        nn.l2_penalty(params, -1.0, [])


# -- initializers ------------------------------------------------------------------
def test_initializers_statistics_and_seeding():
    shape = (400, 300)
    assert init.normal(shape, rng=0).std() == pytest.approx(0.01, rel=0.02)
    np.testing.assert_array_equal(init.normal(shape, rng=0), init.normal(shape, rng=np.random.default_rng(0)))
    t = init.truncated_normal(shape, std=0.01, rng=1)
    assert np.abs(t).max() <= 0.02 and t.std() == pytest.approx(0.01 * 0.8796, rel=0.02)
    assert init.fan_in_normal(shape, rng=2).std() == pytest.approx(1 / np.sqrt(300), rel=0.02)
    assert init.xavier_normal(shape, rng=3).std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert init.xavier_uniform(shape, rng=4).std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert init.kaiming_normal(shape, rng=5).std() == pytest.approx(np.sqrt(2 / 300), rel=0.02)
    assert init.kaiming_uniform(shape, rng=6).std() == pytest.approx(np.sqrt(2 / 300), rel=0.02)
    assert init.kaiming_normal(shape, mode="fan_out", nonlinearity="tanh", rng=5).std() == pytest.approx(
        5 / 3 / np.sqrt(400), rel=0.02)
    assert init.fans((8, 3, 5, 5)) == (75, 200)
    assert init.torch_default((10, 4), rng=0).max() <= 0.5
    assert np.all(init.zeros((2, 2)) == 0)


def test_initialize_model_and_validation():
    model = nn.Sequential(nn.Conv2d(1, 4, 3, rng=0), nn.BatchNorm2d(4), nn.Flatten(), nn.Linear(16, 3, rng=0))
    init.initialize(model, "normal", rng=0, std=0.05, bias=0.1)
    assert model.params["0.weight"].std() < 0.1 and np.all(model.params["3.bias"] == 0.1)
    np.testing.assert_array_equal(model.params["1.weight"], 1.0)        # BN gamma untouched
    init.initialize(model, lambda shape, rng: np.ones(shape), rng=0)
    assert np.all(model.params["3.weight"] == 1)
    single = init.initialize(nn.Linear(3, 2), "xavier_uniform", rng=1)
    assert np.all(single.params["bias"] == 0)
    with pytest.raises(ValueError, match="scheme must be one of"):
        init.initialize(model, "bogus")
    with pytest.raises(ValueError, match="std must be >= 0"):
        init.normal((2, 2), std=-1.0)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.fans((3,))
    with pytest.raises(ValueError, match="non-negative"):
        init.normal((-1, 2))
    with pytest.raises(TypeError, match="rng must be"):
        init.normal((2,), rng="seed")
    with pytest.raises(ValueError, match="nonlinearity must be one of"):
        init.kaiming_normal((2, 2), nonlinearity="gelu")
    assert init.normal(3, rng=0).shape == (3,)


def test_gdlib_never_imports_torch():
    import subprocess
    import sys

    code = ("import sys, gdlib, gdlib.nn, gdlib.training, gdlib.data, gdlib.preprocessing; "
            "assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_small_conveniences():
    model = nn.Sequential([nn.Linear(2, 3, rng=0), nn.ReLU()])          # a list works too
    x = np.ones((4, 2))
    np.testing.assert_array_equal(model(x), model.forward(x))
    assert nn.MSELoss()(np.ones((2, 1)), np.zeros((2, 1))) == 1.0
    with pytest.raises(ValueError, match="batch dimension"):
        nn.Flatten().forward(np.float64(1.0))
    empty = nn.gradcheck(nn.Sequential(nn.Linear(2, 2, rng=0)), nn.MSELoss(), np.ones((0, 2)), np.ones((0, 2)))
    assert empty.max_error == 0.0
