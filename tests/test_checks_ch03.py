"""The checks of chapter 3's exercises: right answers pass, typical mistakes are named."""
import numpy as np
import pytest

from gdlib.checks import ch03, registry

A, B, X0 = ch03.ONE_STEP_A, ch03.ONE_STEP_B, ch03.ONE_STEP_X0


def test_registered_under_the_chapter_labels():
    for label in ("ch03-one-step", "ch03-quartic", "ch03-affine", "ch03-hessian-memory", "ch03-lm"):
        assert label in registry


# ---------------------------------------------------------------- ch03-one-step
def test_one_step_right_answer_and_placeholder():
    p0 = np.linalg.solve(A, B) - X0
    assert ch03.newton_step(p0)
    assert ch03.newton_step(list(p0))
    assert not ch03.newton_step(...).answered


@pytest.mark.parametrize("answer, words", [
    (-(np.linalg.solve(A, B) - X0), "sign"),
    (-(A @ X0 - B), "gradient-descent step"),
    (-A @ (A @ X0 - B), "multiplied the gradient by H"),
    (np.linalg.solve(A, B), "new point"),
    (-X0, "linear term b is missing"),
    (-np.linalg.solve(A, A @ X0 + B), "sign of b"),
    (np.zeros(3), "shape"),
])
def test_one_step_mistakes(answer, words):
    fb = ch03.newton_step(answer)
    assert not fb and words in fb.message
    assert "-1.4" not in fb.message and "-2.8" not in fb.message


# ---------------------------------------------------------------- ch03-quartic
def test_quartic_right_answer():
    assert ch03.quartic_rate_expected() == pytest.approx(2 / 3)
    assert ch03.quartic_steps_expected() == 35
    assert ch03.quartic(2 / 3, 35)


@pytest.mark.parametrize("c, steps, words", [
    (1 / 3, 35, "fraction of x_k that the step removes"),
    (1.5, 35, "reciprocal"),
    (-2 / 3, 35, "sign"),
    (0.0, 35, "only happens on a quadratic"),
    (2 / 3, 34, "too small"),
    (2 / 3, 36, "too large"),
    (2 / 3, 34.5, "whole number"),
])
def test_quartic_mistakes(c, steps, words):
    fb = ch03.quartic(c, steps)
    assert not fb and words in fb.message


def test_quartic_partial_answers():
    assert not ch03.quartic(..., ...).answered
    fb = ch03.quartic(2 / 3, ...)
    assert not fb and not fb.answered and "c is right" in fb.message


# ---------------------------------------------------------------- ch03-affine
def test_affine_right_answer():
    assert ch03.affine_newton_step(lambda H, g, M: -np.linalg.solve(M.T @ H @ M, M.T @ g))
    assert ch03.affine_newton_step(lambda H, g, M: np.linalg.solve(M, -np.linalg.solve(H, g)))
    assert not ch03.affine_newton_step(...).answered
    assert not ch03.affine_newton_step(lambda H, g, M: ...).answered


@pytest.mark.parametrize("fn, words", [
    (lambda H, g, M: np.linalg.solve(M.T @ H @ M, M.T @ g), "sign"),
    (lambda H, g, M: -np.linalg.solve(H, g), "Newton step in theta"),
    (lambda H, g, M: -M @ np.linalg.solve(H, g), "mapped the theta-step with M"),
    (lambda H, g, M: -np.linalg.solve(M @ H @ M.T, M @ g), "M transposed"),
    (lambda H, g, M: -M.T @ g, "gradient-descent step"),
    (lambda H, g, M: -np.linalg.solve(M.T @ H @ M, g), "gradient in phi is M^T g"),
    (lambda H, g, M: -np.linalg.solve(H, M.T @ g), "Hessian in phi is M^T H M"),
    (lambda H, g, M: np.zeros(1), "shape"),
    (lambda H, g, M: 1 / 0, "ZeroDivisionError"),
    (lambda H, g, M: -g, "disagrees"),
    (3.0, "function of (H, g, M)"),
])
def test_affine_mistakes(fn, words):
    fb = ch03.affine_newton_step(fn)
    assert not fb and words in fb.message


# ---------------------------------------------------------------- ch03-hessian-memory
def test_memory_right_answer():
    d = 64 * 32 + 32 + 32 * 10 + 10
    assert ch03.mlp_parameters() == d == 2410
    assert ch03.hessian_memory(d, 8 * d * d)
    assert ch03.hessian_memory(d, float(8 * d * d))


@pytest.mark.parametrize("d, nbytes, words", [
    (2368, 0, "biases"),
    (2411, 0, "too large"),
    (2410, 2410**2, "8 bytes"),
    (2410, 4 * 2410**2, "float32"),
    (2410, 8 * 2410 * 2411 / 2, "one triangle"),
    (2410, 8 * 2410, "gradient"),
    (2410, 16 * 2410**2, "twice too large"),
])
def test_memory_mistakes(d, nbytes, words):
    fb = ch03.hessian_memory(d, nbytes)
    assert not fb and words in fb.message
    assert "46464800" not in fb.message and "46,464,800" not in fb.message


def test_memory_partial_answers():
    assert not ch03.hessian_memory(..., ...).answered
    fb = ch03.hessian_memory(2410, ...)
    assert not fb and not fb.answered and "d is right" in fb.message


# ---------------------------------------------------------------- ch03-lm
def test_lm_right_answer():
    assert ch03.lm_step(lambda H, g, mu: -np.linalg.solve(H + mu * np.eye(len(g)), g))
    assert not ch03.lm_step(...).answered
    assert not ch03.lm_step(lambda H, g, mu: ...).answered


@pytest.mark.parametrize("fn, words", [
    (lambda H, g, mu: np.linalg.solve(H + mu * np.eye(len(g)), g), "sign"),
    (lambda H, g, mu: -np.linalg.solve(H - mu * np.eye(len(g)), g), "not subtracted"),
    (lambda H, g, mu: -np.linalg.solve(H + mu, g), "every entry"),
    (lambda H, g, mu: -np.linalg.solve(H, g), "plain Newton step"),
    (lambda H, g, mu: -g / mu, "large-mu limit"),
    (lambda H, g, mu: -(H + mu * np.eye(len(g))) @ g, "multiplied"),
    (lambda H, g, mu: np.zeros(5), "shape"),
    (lambda H, g, mu: -g, "disagrees"),
    ("not a function", "function of (H, g, mu)"),
])
def test_lm_mistakes(fn, words):
    fb = ch03.lm_step(fn)
    assert not fb and words in fb.message
