"""The checks of chapter 9's exercises: right answers pass, typical mistakes are named."""
import numpy as np
import pytest

from gdlib import nn
from gdlib.checks import ch09, registry


def test_registered_under_the_chapter_labels():
    for label in ("ch09-softmax-residual", "ch09-hidden-residual", "ch09-conv-weight-grad",
                  "ch09-best-h", "ch09-l2-step"):
        assert label in registry


def _sig(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------- ch09-softmax-residual
def _p(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_softmax_residual_right_answers():
    assert ch09.softmax_residual(lambda z, y: (_p(z) - np.eye(z.shape[1])[y]) / len(y))
    assert ch09.softmax_residual(lambda z, y: (nn.softmax(z) - np.eye(z.shape[1])[y]) / z.shape[0])
    assert not ch09.softmax_residual(...).answered
    assert not ch09.softmax_residual(lambda z, y: ...).answered


@pytest.mark.parametrize("fn, words", [
    (lambda z, y: (np.eye(z.shape[1])[y] - _p(z)) / len(y), "sign"),
    (lambda z, y: _p(z) - np.eye(z.shape[1])[y], "batch mean is missing"),
    (lambda z, y: (_p(z) - np.eye(z.shape[1])[y]) / z.shape[1], "number of classes"),
    (lambda z, y: (z - np.eye(z.shape[1])[y]) / len(y), "not probabilities"),
    (lambda z, y: _p(z) / len(y), "one-hot target is missing"),
    (lambda z, y: -np.eye(z.shape[1])[y] / (_p(z) * len(y)), "with respect to the probabilities"),
    (lambda z, y: (_p(z) - np.eye(z.shape[1])[y]).T / len(y), "shape"),
    (lambda z, y: 1 / 0, "ZeroDivisionError"),
    (3.0, "should be a function"),
])
def test_softmax_residual_mistakes(fn, words):
    fb = ch09.softmax_residual(fn)
    assert not fb and words in fb.message, fb.message


# ---------------------------------------------------------------- ch09-hidden-residual
def test_hidden_residual_right_answer():
    assert ch09.hidden_residual(lambda W, d, z: (d @ W) * _sig(z) * (1 - _sig(z)))
    assert ch09.hidden_residual(lambda W, d, z: (W.T @ d.T).T * nn.sigmoid(z) * (1 - nn.sigmoid(z)))
    assert not ch09.hidden_residual(...).answered
    assert not ch09.hidden_residual(lambda W, d, z: ...).answered


@pytest.mark.parametrize("fn, words", [
    (lambda W, d, z: d @ W, "derivative of the activation is missing"),
    (lambda W, d, z: (d @ W) * _sig(z), "not its derivative"),
    (lambda W, d, z: (d @ W) * (1 - _sig(z)), "half of sigma'(z)"),
    (lambda W, d, z: (d @ W) * z * (1 - z), "not at the pre-activation"),
    (lambda W, d, z: -(d @ W) * _sig(z) * (1 - _sig(z)), "sign"),
    (lambda W, d, z: (d @ W) * (1 - _sig(z) ** 2), "tanh"),
    (lambda W, d, z: (d @ W.T) * _sig(z) * (1 - _sig(z)), "shapes do not fit"),
    (lambda W, d, z: ((d @ W) * _sig(z) * (1 - _sig(z))).T, "transposed"),
])
def test_hidden_residual_mistakes(fn, words):
    fb = ch09.hidden_residual(fn)
    assert not fb and words in fb.message, fb.message


# ---------------------------------------------------------------- ch09-conv-weight-grad
def _corr_grad(x, d):
    kh, kw = x.shape[0] - d.shape[0] + 1, x.shape[1] - d.shape[1] + 1
    return np.array([[np.sum(d * x[p:p + d.shape[0], q:q + d.shape[1]]) for q in range(kw)] for p in range(kh)])


def test_conv_weight_grad_right_answer():
    assert ch09.conv_weight_grad(_corr_grad)
    assert not ch09.conv_weight_grad(...).answered


@pytest.mark.parametrize("fn, words", [
    (lambda x, d: _corr_grad(x, d)[::-1, ::-1], "rotated by 180 degrees"),
    (lambda x, d: -_corr_grad(x, d), "sign"),
    (lambda x, d: _corr_grad(x, d) / d.size, "averaged over the output positions"),
    (lambda x, d: _corr_grad(x, d).T, "transposed"),
    (lambda x, d: np.zeros((2, 2)) + 1.0, "entries differ"),
])
def test_conv_weight_grad_mistakes(fn, words):
    fb = ch09.conv_weight_grad(fn)
    assert not fb and words in fb.message, fb.message


# ---------------------------------------------------------------- ch09-best-h
def test_best_h_right_answer():
    assert ch09.best_h_expected(2.0 ** -52, 1.0, 1.0) == pytest.approx(8.7e-6, rel=0.01)
    assert ch09.best_h(lambda eps, f, f3: (3 * eps * f / f3) ** (1 / 3))
    assert ch09.best_h(lambda eps, f, f3: np.cbrt(3 * eps * f / f3))
    assert not ch09.best_h(...).answered
    assert not ch09.best_h(lambda eps, f, f3: ...).answered


@pytest.mark.parametrize("fn, words", [
    (lambda eps, f, f3: np.sqrt(eps), "forward"),
    (lambda eps, f, f3: np.sqrt(3 * eps * f / f3), "square root"),
    (lambda eps, f, f3: (eps * f / f3) ** (1 / 3), "factor 3 is missing"),
    (lambda eps, f, f3: (6 * eps * f / f3) ** (1 / 3), "factor 2"),
    (lambda eps, f, f3: (3 * eps * f3 / f) ** (1 / 3), "swapped"),
    (lambda eps, f, f3: eps ** (1 / 3), "constants"),
    (lambda eps, f, f3: -((3 * eps * f / f3) ** (1 / 3)), "sign"),
    ("1e-5", "should be a function"),
])
def test_best_h_mistakes(fn, words):
    fb = ch09.best_h(fn)
    assert not fb and words in fb.message, fb.message


# ---------------------------------------------------------------- ch09-l2-step
W, B, DW, DB, LR, LAM = ch09.L2_W, ch09.L2_B, ch09.L2_DW, ch09.L2_DB, ch09.L2_LR, ch09.L2_LAM


def test_l2_step_right_answer():
    W_new, b_new = (1 - LR * LAM) * W - LR * DW, B - LR * DB
    fb = ch09.l2_step(W_new, b_new)
    assert fb
    assert "-0.7" not in fb.message
    assert not ch09.l2_step(..., ...).answered
    partial = ch09.l2_step(W_new, ...)
    assert not partial and not partial.answered and "W_new is right" in partial.message


@pytest.mark.parametrize("W_new, b_new, words", [
    (W - LR * DW, B - LR * DB, "weight decay is missing"),
    (W - LR * (DW - LAM * W), B - LR * DB, "wrong sign"),
    (W - LR * (DW + 0.5 * LAM * W), B - LR * DB, "half as large"),
    (W - LR * DW - LAM * W, B - LR * DB, "learning rate must multiply"),
    (W + LR * (DW + LAM * W), B - LR * DB, "uphill"),
    ((W - LR * (DW + LAM * W)).T, B - LR * DB, "transpose"),
    (W - LR * (DW + LAM * W), B - LR * (DB + LAM * B), "bias was decayed"),
    (W - LR * (DW + LAM * W), B + LR * DB, "bias step goes uphill"),
    (W - LR * (DW + LAM * W), B, "entries differ"),
])
def test_l2_step_mistakes(W_new, b_new, words):
    fb = ch09.l2_step(W_new, b_new)
    assert not fb and words in fb.message, fb.message
