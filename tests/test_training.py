"""gdlib.training: mini-batches, the training loop, early stopping, gradient noise, progress."""
from __future__ import annotations

import time

import numpy as np
import pytest

from gdlib import data, nn, optim, preprocessing, schedules, training
from gdlib import noise as noise_mod


# -- mini-batches -----------------------------------------------------------------
def test_minibatch_accounting_the_notes_example():
    batches = training.MiniBatches(np.zeros((1000, 3)), np.zeros(1000), batch_size=10, rng=0)
    assert len(batches) == 100
    assert batches.describe() == "1000 examples, batch_size 10: 100 iterations per epoch"
    for _ in range(2):
        for Xb, yb in batches:
            assert Xb.shape == (10, 3) and yb.shape == (10,)
    assert batches.epoch == 2 and batches.iteration == 200
    assert "epoch=2, iteration=200" in repr(batches)


def test_minibatches_reshuffle_every_epoch_and_cover_all():
    X = np.arange(10)
    batches = training.MiniBatches(X, X * 10, batch_size=4, rng=np.random.default_rng(1))
    assert len(batches) == 3
    epochs = [np.concatenate([xb for xb, _ in batches]) for _ in range(2)]
    for e in epochs:
        np.testing.assert_array_equal(np.sort(e), X)
    assert not np.array_equal(epochs[0], epochs[1])
    again = training.MiniBatches(X, X * 10, batch_size=4, rng=1)
    np.testing.assert_array_equal(np.concatenate([xb for xb, _ in again]), epochs[0])
    for xb, yb in training.MiniBatches(X, X * 10, batch_size=4, rng=2):
        np.testing.assert_array_equal(yb, xb * 10)                  # rows stay paired


def test_minibatches_no_shuffle_drop_last_and_no_labels():
    X = np.arange(10)
    sizes = [len(xb) for xb, _ in training.MiniBatches(X, batch_size=4, shuffle=False)]
    assert sizes == [4, 4, 2]
    b = training.MiniBatches(X, batch_size=4, shuffle=False, drop_last=True)
    out = [xb for xb, yb in b]
    assert len(b) == 2 and [x.tolist() for x in out] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert all(yb is None for _, yb in b)
    with pytest.raises(ValueError, match="batch_size must be >= 1, got 0"):
        training.MiniBatches(X, batch_size=0)
    with pytest.raises(ValueError, match="same number of rows"):
        training.MiniBatches(X, np.zeros(3))
    with pytest.raises(ValueError, match="at least one example"):
        training.MiniBatches(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="first \\(sample\\) dimension"):
        training.MiniBatches(np.float64(1.0))
    with pytest.raises(ValueError, match="batch_size must be <= the number of examples 10"):
        training.MiniBatches(X, batch_size=11, drop_last=True)


# -- the digits MLP: the book's real run --------------------------------------------
@pytest.fixture(scope="module")
def digits():
    X, y = data.load_digits()
    # split seed 4: a typical split (seeds 0-4 give 95-99% test accuracy with the MLP below; 0 is the hardest)
    s = data.train_val_test_split(X, y, val=0.15, test=0.15, rng=4)
    scaler = preprocessing.Standardize().fit(s.X_train)
    return (scaler.transform(s.X_train), s.y_train, scaler.transform(s.X_val), s.y_val,
            scaler.transform(s.X_test), s.y_test)


def mlp(seed=0, hidden=64, dropout=None):
    g = np.random.default_rng(seed)
    layers = [nn.Linear(64, hidden, rng=g), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout, rng=g))
    return nn.Sequential(*layers, nn.Linear(hidden, 10, rng=g))


def test_mlp_on_digits_reaches_95_percent(digits):
    Xtr, ytr, Xva, yva, Xte, yte = digits
    model = mlp(hidden=128)
    start = time.perf_counter()
    history = training.train(model, nn.CrossEntropyLoss(), optim.SGD(lr=0.05, momentum=0.9), Xtr, ytr,
                             X_val=Xva, y_val=yva, epochs=30, batch_size=32, rng=0, patience=10, verbose=False)
    seconds = time.perf_counter() - start
    test_loss, test_acc = training.evaluate(model, nn.CrossEntropyLoss(), Xte, yte)
    print(f"digits MLP: test accuracy {test_acc:.4f}, {len(history.epoch)} epochs, {seconds:.2f} s")
    assert test_acc >= 0.95
    assert seconds < 30
    assert history.val_accuracy[-1] > 0.95 and history.train_loss[-1] < history.train_loss[0]
    assert history.iterations == len(history.epoch) * history.iterations_per_epoch == len(history.batch_loss)
    # the run is reproducible
    again = training.train(mlp(hidden=128), nn.CrossEntropyLoss(), optim.SGD(lr=0.05, momentum=0.9), Xtr, ytr,
                           X_val=Xva, y_val=yva, epochs=2, batch_size=32, rng=0, verbose=False)
    assert again.batch_loss == history.batch_loss[:len(again.batch_loss)]


def test_early_stopping_restores_the_best_weights(digits):
    Xtr, ytr, Xva, yva, *_ = digits
    model = mlp(seed=1, hidden=16)
    states = {}

    def remember(history, model):
        states[history.epoch[-1]] = model.state_dict()

    h = training.train(model, nn.CrossEntropyLoss(), optim.Adam(lr=0.01), Xtr, ytr, X_val=Xva, y_val=yva,
                       epochs=60, batch_size=64, patience=3, monitor="val_loss", verbose=False, callback=remember)
    assert h.status == "early_stopped"
    assert len(h.epoch) == h.best_epoch + 3 < 60                       # stopped after `patience` bad epochs
    assert h.best_value == pytest.approx(min(h.val_loss))
    assert h.val_loss[h.best_epoch - 1] == min(h.val_loss)
    for k, v in states[h.best_epoch].items():
        np.testing.assert_array_equal(model.state_dict()[k], v)
    assert f"best val_loss {h.best_value:.4f} at epoch {h.best_epoch}" in h.summary()


def test_early_stopping_on_accuracy_by_default_without_restore(digits):
    Xtr, ytr, Xva, yva, *_ = digits
    model = mlp(seed=2, hidden=16)
    h = training.train(model, nn.CrossEntropyLoss(), optim.SGD(lr=0.1, momentum=0.9), Xtr, ytr, X_val=Xva,
                       y_val=yva, epochs=40, batch_size=32, patience=2, restore_best=False, verbose=False)
    assert h.monitor == "val_accuracy" and h.best_value == max(h.val_accuracy)
    stopper = training.EarlyStopping(patience=0, monitor="train_loss", min_delta=0.1)
    assert not stopper.update(1.0, 1, model) and stopper.update(0.95, 2, model)    # 0.05 < min_delta
    assert stopper.best_epoch == 1 and not stopper.improved(float("nan"))
    assert "patience=0" in repr(stopper)


def test_l2_equals_sgd_weight_decay_on_a_bias_free_model(digits):
    Xtr, ytr, *_ = digits

    def model():
        return nn.Sequential(nn.Linear(64, 10, bias=False, rng=3))

    a, b = model(), model()
    training.train(a, nn.CrossEntropyLoss(), optim.SGD(lr=0.1), Xtr, ytr, epochs=2, l2=0.01, verbose=False)
    training.train(b, nn.CrossEntropyLoss(), optim.SGD(lr=0.1, weight_decay=0.01), Xtr, ytr, epochs=2,
                   verbose=False)
    np.testing.assert_allclose(a.params["0.weight"], b.params["0.weight"], rtol=1e-12, atol=1e-14)
    c = model()
    training.train(c, nn.CrossEntropyLoss(), optim.SGD(lr=0.1), Xtr, ytr, epochs=2, verbose=False)
    assert np.linalg.norm(a.params["0.weight"]) < np.linalg.norm(c.params["0.weight"])


def test_gradient_noise_zero_is_no_noise_and_noise_is_seeded(digits):
    Xtr, ytr, *_ = digits

    def run(noise, seed=0):
        m = mlp(seed=4, hidden=8)
        h = training.train(m, nn.CrossEntropyLoss(), optim.SGD(lr=0.05), Xtr[:300], ytr[:300], epochs=2,
                           grad_noise=noise, rng=seed, verbose=False)
        return h.batch_loss

    plain = run(None)
    assert run(0.0) == plain
    noisy = run(0.3)
    assert noisy != plain and run(0.3) == noisy
    assert noisy[0] == plain[0]                                     # same shuffling, noise only in the step
    seen = []

    def recorder(grads, t):
        seen.append(t)
        return grads

    assert run(recorder) == plain and seen == list(range(len(plain)))
    assert run(noise_mod.AnnealedGaussian(eta=0.3, rng=1)) == run(noise_mod.AnnealedGaussian(eta=0.3, rng=1))
    with pytest.raises(ValueError, match="grad_noise must be >= 0"):
        run(-1.0)


def test_divergence_is_reported_without_warnings(digits):
    Xtr, ytr, Xva, yva, *_ = digits
    model = nn.Sequential(nn.Linear(64, 32, rng=0), nn.Sigmoid(), nn.Linear(32, 10, rng=0))
    h = training.train(model, nn.MSELoss(), optim.SGD(lr=1e6), Xtr, np.eye(10)[ytr], epochs=5, verbose=False)
    assert h.status == "diverged"
    assert len(h.epoch) < 5 and not np.isfinite(h.batch_loss[-1])


def test_schedules_lookahead_nesterov_and_history_contents(digits):
    Xtr, ytr, Xva, yva, *_ = digits
    opt = optim.SGD(lr=schedules.step_decay(0.1, 10, 0.5) if hasattr(schedules, "step_decay") else 0.1,
                    momentum=0.9, nesterov=True, nesterov_form="lookahead")
    model = mlp(seed=5, hidden=16)
    h = training.train(model, nn.CrossEntropyLoss(), opt, Xtr, ytr, X_val=Xva, y_val=yva, epochs=3,
                       batch_size=64, verbose=False, eval_train=True)
    assert h.val_accuracy[-1] > 0.8
    assert len(h.lr) == 3 and all(np.isfinite(h.lr))
    assert h.opt_state.t == h.iterations
    d = h.as_dict()
    assert list(d) == ["epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr"]
    assert d["epoch"] == [1, 2, 3] and h["val_loss"].shape == (3,)
    # eval_train: the training metrics are those of the whole set in evaluation mode
    tl, ta = training.evaluate(model, nn.CrossEntropyLoss(), Xtr, ytr)
    assert h.train_loss[-1] == pytest.approx(tl) and h.train_accuracy[-1] == pytest.approx(ta)
    assert model.training
    # continue from the returned optimizer state
    h2 = training.train(model, nn.CrossEntropyLoss(), opt, Xtr, ytr, epochs=1, batch_size=64, verbose=False,
                        opt_state=h.opt_state)
    assert h2.opt_state.t == h.iterations + h2.iterations


def test_regression_with_mse_has_no_accuracy_and_callback_stops():
    g = np.random.default_rng(0)
    X = g.normal(size=(200, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.1
    model = nn.Sequential(nn.Linear(3, 1, rng=0))
    h = training.train(model, nn.MSELoss(), optim.SGD(lr=0.1), X, y, X_val=X, y_val=y, epochs=20, batch_size=20,
                       verbose=False, callback=lambda hist, m: hist.train_loss[-1] < 1e-3)
    assert h.status == "completed" and len(h.epoch) < 20
    assert np.isnan(h.train_accuracy).all() and np.isnan(h.val_accuracy).all()
    assert "acc" not in h.summary()
    assert training.History().summary() == "History: no epoch completed (completed)"
    assert repr(h).startswith("History(")
    with pytest.raises(ValueError, match="monitor='val_accuracy' needs X_val and y_val"):
        training.train(model, nn.MSELoss(), optim.SGD(lr=0.1), X, y, patience=2)
    with pytest.raises(ValueError, match="monitor must be one of"):
        training.train(model, nn.MSELoss(), optim.SGD(lr=0.1), X, y, monitor="acc")
    with pytest.raises(ValueError, match="X must contain only finite values"):
        training.train(model, nn.MSELoss(), optim.SGD(lr=0.1), np.full((4, 3), np.nan), y[:4])
    with pytest.raises(ValueError, match="epochs must be >= 0"):
        training.train(model, nn.MSELoss(), optim.SGD(lr=0.1), X, y, epochs=-1)


def test_batchnorm_dropout_model_trains_and_predict_is_eval_mode(digits):
    Xtr, ytr, Xva, yva, Xte, yte = digits
    g = np.random.default_rng(6)
    model = nn.Sequential(nn.Linear(64, 32, rng=g), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.2, rng=g),
                          nn.Linear(32, 10, rng=g))
    training.train(model, nn.CrossEntropyLoss(), optim.Adam(lr=0.01), Xtr, ytr, epochs=3, batch_size=64,
                   verbose=False)
    out1 = training.predict(model, Xte)
    out2 = training.predict(model, Xte, batch_size=50)
    np.testing.assert_allclose(out1, out2, atol=1e-12)                 # eval mode: deterministic, per-row
    assert model.training
    assert training.accuracy(out1, yte) > 0.85
    with pytest.raises(ValueError, match="accuracy needs outputs of shape"):
        training.accuracy(np.ones(3), np.ones(3))
    assert np.isnan(training.accuracy(np.ones((0, 2)), np.ones(0)))


def test_cnn_on_digit_images_runs():
    X, y = data.load_digits(images=True)
    X = X[:200] / 16.0
    g = np.random.default_rng(7)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, rng=g), nn.BatchNorm2d(4), nn.ReLU(),
                          nn.Conv2d(4, 8, 3, stride=2, rng=g), nn.ReLU(), nn.Flatten(), nn.Linear(72, 10, rng=g))
    h = training.train(model, nn.CrossEntropyLoss(), optim.Adam(lr=0.01), X, y[:200], epochs=3, batch_size=32,
                       verbose=False)
    assert h.train_loss[-1] < h.train_loss[0]


# -- progress display ---------------------------------------------------------------
def _tiny_run(verbose, **kw):
    g = np.random.default_rng(0)
    X, y = g.normal(size=(40, 3)), g.integers(0, 2, 40)
    model = nn.Sequential(nn.Linear(3, 2, rng=0))
    return training.train(model, nn.CrossEntropyLoss(), optim.SGD(lr=0.1), X, y, X_val=X, y_val=y, epochs=3,
                          batch_size=10, verbose=verbose, **kw)


def test_progress_silent_by_default_when_not_interactive(capsys):
    _tiny_run("auto")
    _tiny_run(False)
    assert capsys.readouterr().out == ""


def test_progress_lines_when_verbose_true(capsys):
    _tiny_run(True, patience=0, monitor="train_loss", min_delta=10.0)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("epoch 1/3 [#######.............] train_loss ")
    assert "val_acc" in out[0] and "s " not in out[0].split("]")[0]
    assert out[-1].startswith("stopped: early_stopped, best train_loss")


def test_progress_terminal_and_notebook(monkeypatch, capsys):
    monkeypatch.setattr(training, "_stdout_is_tty", lambda: True)
    _tiny_run("auto")
    out = capsys.readouterr().out
    assert out.count("\r") == 3 and out.endswith("\n") and "epoch 3/3 [####################]" in out
    monkeypatch.setattr(training, "_stdout_is_tty", lambda: False)
    monkeypatch.setattr(training, "_in_notebook", lambda: True)
    _tiny_run("auto", patience=0, monitor="train_loss", min_delta=10.0)
    out = capsys.readouterr().out
    assert out.startswith("\repoch 1/3") and out.count("\r") == 2
    assert out.splitlines()[-1].startswith("stopped: early_stopped")


def test_in_notebook_detection(monkeypatch):
    import sys
    import types

    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert training._in_notebook() is False
    fake = types.ModuleType("IPython")

    class ZMQInteractiveShell:
        pass

    fake.get_ipython = lambda: None
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert training._in_notebook() is False
    fake.get_ipython = lambda: ZMQInteractiveShell()
    assert training._in_notebook() is True
