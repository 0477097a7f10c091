"""Small real data sets shipped with gdlib, and seeded train/validation/test splits.

``load_digits()`` reads the 8x8 handwritten digits (1,797 images, UCI "Optical
Recognition of Handwritten Digits" test set as redistributed by scikit-learn,
CC BY 4.0; see ``gdlib/data/README.txt``) from the file inside the package:
nothing is downloaded.
"""
from __future__ import annotations

import gzip
from importlib import resources
from typing import Any, NamedTuple

import numpy as np

from .. import _validate

__all__ = ["load_digits", "train_val_test_split", "Split"]


def load_digits(images: bool = False, dtype: Any = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """Return the 8x8 digits as ``(X, y)``.

    Parameters
    ----------
    images : bool
        If True, ``X`` has shape ``(1797, 1, 8, 8)`` (N, C, H, W, for ``Conv2d``);
        otherwise ``(1797, 64)`` (pixels in row-major order).
    dtype : numpy dtype
        dtype of ``X`` (pixel values 0..16, not scaled).

    Returns
    -------
    X : ndarray of ``dtype``
    y : ndarray of int64, shape ``(1797,)``, labels 0..9
    """
    path = resources.files(__name__).joinpath("digits.csv.gz")
    with path.open("rb") as raw, gzip.open(raw, "rt") as fh:
        table = np.loadtxt(fh, delimiter=",", dtype=np.int64)
    X = table[:, :64].astype(dtype)
    y = table[:, 64].astype(np.int64)
    if images:
        X = X.reshape(-1, 1, 8, 8)
    return X, y


class Split(NamedTuple):
    """Train / validation / test arrays from ``train_val_test_split``."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def train_val_test_split(X: np.ndarray, y: np.ndarray, val: float = 0.15, test: float = 0.15, rng: Any = 0,
                         stratify: bool | None = None) -> Split:
    """Shuffle with a seeded generator and cut into train, validation and test parts.

    Parameters
    ----------
    X, y : arrays with the same first dimension
    val, test : float
        Fractions of the data for validation and test (each in [0, 1), sum < 1).
    rng : np.random.Generator or int
    stratify : bool, optional
        Keep the class proportions of ``y`` in every part (split each class
        separately). Default: True for integer (class) labels, False otherwise.

    Returns
    -------
    Split
        ``(X_train, y_train, X_val, y_val, X_test, y_test)``.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of rows, got {X.shape[0]} and {y.shape[0]}")
    val = _validate.real("val", val, low=0, high=1, high_open=True)
    test = _validate.real("test", test, low=0, high=1, high_open=True)
    if val + test >= 1:
        raise ValueError(f"val + test must be < 1, got {val} + {test}")
    if stratify is None:
        stratify = y.dtype.kind in "iub"
    elif stratify and y.dtype.kind not in "iub":
        raise ValueError(f"stratify=True needs integer class labels, got y of dtype {y.dtype}")
    g = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    groups = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [np.arange(len(y))]
    parts: list[list[np.ndarray]] = [[], [], []]
    for idx in groups:
        idx = g.permutation(idx)
        n_test = int(round(test * len(idx)))
        n_val = int(round(val * len(idx)))
        parts[2].append(idx[:n_test])
        parts[1].append(idx[n_test:n_test + n_val])
        parts[0].append(idx[n_test + n_val:])
    tr, va, te = (g.permutation(np.concatenate(p)) for p in parts)
    return Split(X[tr], y[tr], X[va], y[va], X[te], y[te])
