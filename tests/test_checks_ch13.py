"""Chapter 13's exercise checks: right answers pass, typical mistakes are named."""
import math

import numpy as np
import pytest

from gdlib import parallel
from gdlib.checks import ch13, registry


def test_every_exercise_is_registered():
    for label in ("ch13-delay-one", "ch13-collision", "ch13-ring"):
        assert label in registry


def test_delay_one_right_answer_passes_and_matches_gdlib():
    assert ch13.delay_one(lambda L: 1 / L)
    for (L,) in ch13.L_CASES:
        assert np.isclose(parallel.delay_threshold(L, 1), 1 / L)


@pytest.mark.parametrize("answer, words", [
    (lambda L: 2 / L, "without delay"),
    (lambda L: 1 / (2 * L), "factor of 2 too small"),
    (lambda L: 1 / (4 * L), "roots become complex"),
    (lambda L: L, "reciprocal"),
    (lambda L: 3 / L, "too large"),
])
def test_delay_one_mistakes_are_named(answer, words):
    fb = ch13.delay_one(answer)
    assert not fb and words in fb.message and "1 / L" not in fb.message


def test_collision_right_answer_passes_and_matches_gdlib():
    right = lambda d, s: 1 - math.comb(d - s, s) / math.comb(d, s)  # noqa: E731
    assert ch13.collision(right)
    for d, s in ch13.COLLISION_CASES:
        assert np.isclose(parallel.collision_probability(d, s), right(d, s))


@pytest.mark.parametrize("answer, words", [
    (lambda d, s: math.comb(d - s, s) / math.comb(d, s), "NOT share"),
    (lambda d, s: min(1.0, s * s / d), "approximation"),
    (lambda d, s: 1 - (1 - s / d) ** s, "with replacement"),
    (lambda d, s: s / d, "one given coordinate"),
])
def test_collision_mistakes_are_named(answer, words):
    fb = ch13.collision(answer)
    assert not fb and words in fb.message


def test_ring_right_answer_passes_and_matches_gdlib():
    assert ch13.ring(lambda K, N: 2 * (K - 1) * N / K * 4)
    for K, N in ch13.RING_CASES:
        _, sent = parallel.ring_allreduce(np.ones((K, min(N, 4096))))
        assert np.isclose(sent * N * 4, 2 * (K - 1) / K * N * 4)


@pytest.mark.parametrize("answer, words", [
    (lambda K, N: 2 * (K - 1) / K * N, "counts entries"),
    (lambda K, N: (K - 1) / K * N * 4, "reduce-scatter"),
    (lambda K, N: 8 * N, "2(K - 1)"),
    (lambda K, N: (K - 1) * N * 4, "all-to-all"),
    (lambda K, N: 2 * (K - 1) / K * N * 8, "twice too large"),
])
def test_ring_mistakes_are_named(answer, words):
    fb = ch13.ring(answer)
    assert not fb and words in fb.message


def test_placeholders_and_broken_answers():
    for check in (ch13.delay_one, ch13.collision, ch13.ring):
        assert not check(...) and "No answer yet" in check(...).message
        assert "Python function" in check(3.0).message
        assert "raised ZeroDivisionError" in check(lambda *a: 1 / 0).message
        assert "single number" in check(lambda *a: [1.0, 2.0]).message
        assert "No answer yet" in check(lambda *a: ...).message
