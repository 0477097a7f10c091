"""Automatic checks for the book's exercises.

Every exercise in a chapter ends with a call such as::

    from gdlib.checks import ch01
    ch01.threshold(eta_max)

which prints whether the answer is right and, when it is not, what kind of
mistake it looks like (a sign, a factor of two, a reciprocal, a transposed
shape) without revealing the answer. A check returns a :class:`Feedback`
object, which is truthy exactly when the answer is correct, so instructors'
autograders can ``assert`` it.

Each chapter's checks live in ``gdlib.checks.chNN``; the shared diagnosis of
numbers and arrays lives in :mod:`gdlib.checks._core`.
"""
from ._core import (Feedback, check_array, check_choice, check_function, check_number, correct, exercise,
                    not_answered, registry, wrong)

__all__ = ["Feedback", "check_array", "check_choice", "check_function", "check_number", "correct", "exercise",
           "not_answered", "registry", "wrong"]
