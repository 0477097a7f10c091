"""Argument checks shared by every public entry point of gdlib.

Each check raises ``ValueError`` (or ``TypeError`` for a wrong type) with a
message that names the argument, the value received and what is allowed, so a
reader who passes ``lr=-1`` reads ``lr must be >= 0, got -1``.
"""
from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np


def _is_real(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def real(name: str, value: Any, *, low: float | None = None, high: float | None = None,
         low_open: bool = False, high_open: bool = False) -> float:
    """Return ``value`` as a float after checking it is a finite real in the range.

    ``low``/``high`` are inclusive unless ``low_open``/``high_open`` is set.
    """
    if not _is_real(value) and not (isinstance(value, np.ndarray) and value.ndim == 0):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    x = float(value)
    if math.isnan(x):
        raise ValueError(f"{name} must not be NaN, got {value!r}")
    if math.isinf(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and (x <= low if low_open else x < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low:g}, got {value!r}")
    if high is not None and (x >= high if high_open else x > high):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high:g}, got {value!r}")
    return x


def integer(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int after checking it is an integer in ``[low, high]``."""
    if not isinstance(value, Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    n = int(value)
    if low is not None and n < low:
        raise ValueError(f"{name} must be >= {low}, got {value!r}")
    if high is not None and n > high:
        raise ValueError(f"{name} must be <= {high}, got {value!r}")
    return n


def choice(name: str, value: Any, allowed: tuple[Any, ...]) -> Any:
    """Check that ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def finite_array(name: str, value: Any) -> np.ndarray:
    """Return ``value`` as an array (float64 unless already floating) with only finite entries."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].ravel()[0]
        raise ValueError(f"{name} must contain only finite values, got {bad!r} "
                         f"at {np.argwhere(~np.isfinite(arr))[0].tolist()}")
    return arr
