"""The shared exercise-check machinery: right answers pass, mistakes are named."""
import numpy as np
import pytest

from gdlib.checks import (Feedback, check_array, check_choice, check_number, correct, exercise,
                          not_answered, registry, wrong)


def test_feedback_truthiness_and_repr():
    assert correct() and repr(correct()) == "Correct."
    assert not wrong("a sign") and repr(wrong("a sign")) == "Not yet: a sign"
    assert not not_answered() and not not_answered().answered
    assert "✅" in correct()._repr_markdown_()
    assert "❌" in wrong("x")._repr_markdown_()
    assert "✏️" in not_answered()._repr_markdown_()
    assert correct("Well done.").message == "Correct. Well done."


@pytest.mark.parametrize("answer, words", [
    (-0.5, "sign is flipped"),
    (1.0, "twice too large"),
    (0.25, "half of what it should be"),
    (2.0, "four times too large"),
    (0.125, "a quarter"),
    (5.0, "10^1"),
    (0.5000001, "close, but not within"),
    (0.8, "too large"),
    (0.3, "too small"),
    (-3.0, "sign is wrong"),
])
def test_check_number_names_the_mistake_without_the_answer(answer, words):
    fb = check_number(answer, 0.5, rtol=1e-9)
    assert not fb and words in fb.message
    assert "0.5" not in fb.message


def test_check_number_reciprocal_and_accepts_right_answers():
    assert "reciprocal" in check_number(1 / 3, 3.0).message
    assert check_number(0.5, 0.5) and check_number(np.float32(0.5), 0.5)
    assert check_number(np.array([0.5]), 0.5)


def test_check_number_placeholders_types_and_integers():
    assert not check_number(..., 1.0).answered
    assert not check_number(None, 1.0).answered
    assert "single number" in check_number([1, 2], 1.0).message
    assert "single number" in check_number("one", 1.0).message
    assert "not a finite" in check_number(float("nan"), 1.0).message
    assert check_number(55, 55, integer=True)
    assert "whole number" in check_number(55.5, 55, integer=True).message
    assert "too large" in check_number(56, 55, integer=True).message
    assert "too small" in check_number(54, 55, integer=True).message
    assert "not the expected" in check_number(1.0, 0.0, atol=1e-12).message


def test_check_array_shapes_signs_transposes_factors():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert check_array(A.copy(), A)
    assert "transpose of the expected matrix" in check_array(A.T, A).message
    assert "every sign flipped" in check_array(-A, A).message
    assert "twice too large" in check_array(2 * A, A).message
    assert "half as large" in check_array(A / 2, A).message
    B = np.arange(6.0).reshape(2, 3)
    assert "transpose of the expected shape" in check_array(B.T, B).message
    assert "should be (2, 3)" in check_array(B.reshape(3, 2).reshape(6), B).message
    assert "expected (2, 3)" in check_array(np.zeros(4), B).message
    near = B.copy(); near[1, 2] += 1
    assert "1 of 6 entries differ" in check_array(near, B).message
    assert "NaN" in check_array(np.full((2, 3), np.nan), B).message
    assert "could not be read" in check_array([["a", "b"]], B).message
    assert not check_array(..., B).answered


def test_check_choice():
    options = ("a", "b", "c")
    assert check_choice(" b ", "b", options)
    assert "must be one of" in check_choice("d", "b", options).message
    assert "too slow" in check_choice("a", "b", options, hints={"a": "too slow"}).message
    assert "not the right option" in check_choice("c", "b", options).message
    assert not check_choice(..., "b", options).answered


def test_exercise_registry_rejects_duplicates():
    @exercise("test-only-label")
    def f(answer):
        return check_number(answer, 1.0)

    assert registry["test-only-label"] is f and f.exercise_label == "test-only-label"
    with pytest.raises(ValueError, match="registered twice"):
        exercise("test-only-label")(f)
    del registry["test-only-label"]
    assert isinstance(f(1.0), Feedback)


def test_call_answer_guards_the_readers_function():
    from gdlib.checks import _core

    def mutate(a):
        a[0] = 99.0
        return float(a.sum())

    case = np.array([1.0, 2.0])
    value, fb = _core.call_answer(mutate, (case,), "f")
    assert fb is None and value == 101.0 and case[0] == 1.0   # inputs are copied
    assert not _core.call_answer(..., (), "f")[1].answered
    assert "should be a Python function" in _core.call_answer(3.0, (), "f")[1].message
    assert "raised ZeroDivisionError" in _core.call_answer(lambda: 1 / 0, (), "f")[1].message
    assert not _core.call_answer(lambda: None, (), "f")[1].answered


def test_as_scalar():
    from gdlib.checks import _core

    assert _core.as_scalar(np.array([2.5]), "f") == (2.5, None)
    assert "single number" in _core.as_scalar([1, 2], "f")[1].message
    assert "not a finite" in _core.as_scalar(float("inf"), "f")[1].message
