"""Chapter 1's exercise checks: right answers pass, typical mistakes are named."""
import numpy as np
import pytest

from gdlib.checks import ch01, registry


def test_every_exercise_is_registered():
    for label in ("ch01-threshold", "ch01-rise-radius", "ch01-linf-direction", "ch01-best-rate"):
        assert label in registry


# ------------------------------------------------------------------ threshold
def test_threshold_right_answers_pass():
    assert ch01.threshold(lambda A: 2 / np.linalg.eigvalsh(A).max())
    assert ch01.threshold(lambda A: 2 / max(np.linalg.eigvals(np.atleast_2d(A)).real))


@pytest.mark.parametrize("answer, words", [
    (lambda A: 1 / np.linalg.eigvalsh(A).max(), "factor of 2 is missing"),
    (lambda A: 2 / np.linalg.eigvalsh(A).min(), "flattest direction"),
    (lambda A: 1 / np.linalg.eigvalsh(A).min(), "flattest direction, and a factor of 2"),
    (lambda A: 2 / np.trace(A), "trace"),
    (lambda A: np.linalg.eigvalsh(A).max() / 2, "reciprocal"),
    (lambda A: 2 / (np.linalg.eigvalsh(A).min() + np.linalg.eigvalsh(A).max()), "best constant rate"),
    (lambda A: 3 / np.linalg.eigvalsh(A).max(), "too large"),
])
def test_threshold_names_the_mistake(answer, words):
    fb = ch01.threshold(answer)
    assert not fb and words in fb.message, fb.message


def test_threshold_placeholders_and_wrong_types():
    assert not ch01.threshold(...).answered

    def eta_max(A):
        return ...
    assert not ch01.threshold(eta_max).answered
    assert "Python function" in ch01.threshold(0.5).message
    assert "single number" in ch01.threshold(lambda A: np.linalg.eigvalsh(A)).message
    assert "raised ZeroDivisionError" in ch01.threshold(lambda A: 1 / 0).message


# ------------------------------------------------------------------ rise radius
def right_r_max(A, theta):
    g = A @ theta
    return 2 * np.linalg.norm(g) ** 3 / (g @ A @ g)


def test_rise_radius_right_answer_passes_and_matches_the_loss():
    assert ch01.rise_radius(right_r_max)
    # At that length the loss is back to its starting value: f(theta - r g/|g|) = f(theta).
    for A, theta in zip(ch01.MATRICES, ch01.POINTS):
        g = A @ theta
        after = theta - right_r_max(A, theta) * g / np.linalg.norm(g)
        assert np.isclose(0.5 * after @ A @ after, 0.5 * theta @ A @ theta)


@pytest.mark.parametrize("answer, words", [
    (lambda A, t: right_r_max(A, t) / 2, "lowest"),
    (lambda A, t: right_r_max(A, t) / np.linalg.norm(A @ t), "learning rate"),
    (lambda A, t: right_r_max(A, t) / np.linalg.norm(A @ t) / 2, "factor of 2 is missing as well"),
    (lambda A, t: 2 * np.linalg.norm(A @ t) / np.linalg.eigvalsh(A).max(), "largest eigenvalue"),
    (lambda A, t: -right_r_max(A, t), "sign"),
])
def test_rise_radius_names_the_mistake(answer, words):
    fb = ch01.rise_radius(answer)
    assert not fb and words in fb.message, fb.message


# ------------------------------------------------------------------ max-norm direction
def test_linf_direction_right_answer_passes():
    assert ch01.linf_direction(lambda g: -np.sign(g))


@pytest.mark.parametrize("answer, words", [
    (lambda g: np.sign(g), "sign is flipped"),
    (lambda g: -g / np.linalg.norm(g), "Euclidean norm"),
    (lambda g: g / np.linalg.norm(g), "sign is flipped"),
    (lambda g: -g, "not normalized"),
    (lambda g: -3 * np.sign(g), "unit ball"),
    (lambda g: -np.sign(g) * (np.abs(g) == np.abs(g).max()), "l1 norm"),
    (lambda g: -0.5 * np.sign(g), "goes down faster"),
    (lambda g: np.zeros_like(g), "does not go downhill"),
    (lambda g: -np.sign(g)[:1], "shape"),
])
def test_linf_direction_names_the_mistake(answer, words):
    fb = ch01.linf_direction(answer)
    assert not fb and words in fb.message, fb.message


def test_linf_direction_placeholder():
    assert not ch01.linf_direction(...).answered
    assert not ch01.linf_direction(lambda g: ...).answered


# ------------------------------------------------------------------ best rate
def test_best_rate_right_answer_passes():
    assert ch01.best_rate(2 / 11, 9 / 11)
    assert ch01.best_rate(0.181818, 0.818182)


@pytest.mark.parametrize("eta, rho, words", [
    (0.1, 9 / 11, "one step"),
    (0.2, 9 / 11, "stability threshold"),
    (1.0, 9 / 11, "flat direction only"),
    (1 / 11, 9 / 11, "half of what it should be"),
    (2 / 11, 0.9, "eta = 1/lambda_max"),
    (2 / 11, -9 / 11, "absolute value"),
    (2 / 11, (9 / 11) ** 2, "squared"),
    (2 / 11, 11 / 9, "reciprocal"),
])
def test_best_rate_names_the_mistake(eta, rho, words):
    fb = ch01.best_rate(eta, rho)
    assert not fb and words in fb.message, fb.message


def test_best_rate_placeholders():
    assert not ch01.best_rate(..., ...).answered
    assert not ch01.best_rate(2 / 11, ...).answered


def test_no_check_reveals_the_answer():
    messages = [ch01.best_rate(0.1, 0.5).message, ch01.best_rate(2 / 11, 0.5).message,
                ch01.threshold(lambda A: 1.0).message]
    for m in messages:
        for secret in ("0.1818", "0.8181", "2/11", "9/11"):
            assert secret not in m


# ------------------------------------------------------------------ the solutions' claims
def test_solution_claims_hold_on_the_chapter_valley():
    """What the hidden solutions say about the chapter's valley, checked with gdlib."""
    import gdlib
    from gdlib.objectives import ill_conditioned
    from gdlib.optim import SGD

    valley = ill_conditioned(10, angle=0.5)
    theta_v = np.array([1.5, -0.5])
    # ch01-rise-radius: the loss is back to its start value at r_max
    R = right_r_max(valley.A, theta_v)
    u = valley.grad(theta_v) / np.linalg.norm(valley.grad(theta_v))
    assert valley(theta_v - 0.99 * R * u) < valley(theta_v) < valley(theta_v - 1.01 * R * u)
    # ch01-best-rate: at eta = 2/11 the distance shrinks by exactly 9/11 at every step
    run = gdlib.minimize(valley, theta_v, SGD(lr=2 / 11), steps=20)
    ratios = np.linalg.norm(run.path[1:], axis=1) / np.linalg.norm(run.path[:-1], axis=1)
    assert np.allclose(ratios, 9 / 11)
    other = gdlib.minimize(valley, theta_v, SGD(lr=0.1), steps=20)
    ratios = np.linalg.norm(other.path[1:], axis=1) / np.linalg.norm(other.path[:-1], axis=1)
    assert np.ptp(ratios) > 1e-3
    # ch01-threshold on the valley: just below 2/L converges, just above diverges
    assert gdlib.minimize(valley, theta_v, SGD(lr=0.98 * 2 / valley.L), steps=5000, tol=1e-6).status == "converged"
    assert gdlib.minimize(valley, theta_v, SGD(lr=1.02 * 2 / valley.L), steps=5000, tol=1e-6).status == "diverged"


def test_the_notebook_solutions_pass_their_checks():
    """The answer lines in each hidden solution, run in the answer cell, give "Correct"."""
    from book_pages import run_notebook_solutions

    assert run_notebook_solutions("ch01_descent_direction.ipynb", ch01) == 4
