"""gdlib.data: the shipped digits and seeded splits."""
from __future__ import annotations

import gzip
import hashlib
from importlib import resources

import numpy as np
import pytest

from gdlib import data


def test_load_digits_shapes_values_and_labels():
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    assert sorted(np.unique(y)) == list(range(10))
    assert np.bincount(y).min() >= 170                  # about 180 images per class
    assert y[:10].tolist() == list(range(10))
    # the first image is a zero (scikit-learn's digits.images[0])
    assert X[0, :8].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_load_digits_images_and_dtype():
    X, y = data.load_digits(images=True, dtype=np.float32)
    assert X.shape == (1797, 1, 8, 8) and X.dtype == np.float32
    flat, _ = data.load_digits()
    np.testing.assert_array_equal(X.reshape(1797, 64), flat)


def test_shipped_file_and_readme():
    files = resources.files("gdlib.data")
    raw = files.joinpath("digits.csv.gz").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
    assert gzip.decompress(raw).count(b"\n") == 1797
    readme = files.joinpath("README.txt").read_text()
    assert "CC BY 4.0" in readme and "scikit-learn" in readme and "UCI" in readme


def test_split_sizes_stratified_and_seeded():
    X, y = data.load_digits()
    s = data.train_val_test_split(X, y, val=0.15, test=0.15, rng=0)
    n = [len(s.y_train), len(s.y_val), len(s.y_test)]
    assert sum(n) == 1797 and abs(n[1] - 270) < 10 and abs(n[2] - 270) < 10
    for part in (s.y_train, s.y_val, s.y_test):
        frac = np.bincount(part, minlength=10) / len(part)
        assert np.all(np.abs(frac - 0.1) < 0.02)
    # disjoint and complete
    rows = {r.tobytes() + bytes([int(l)]) for r, l in zip(X, y)}
    parts = [s.X_train, s.X_val, s.X_test]
    assert sum(len(p) for p in parts) == len(X)
    assert len(rows) <= len(X)
    again = data.train_val_test_split(X, y, val=0.15, test=0.15, rng=0)
    np.testing.assert_array_equal(again.X_val, s.X_val)
    other = data.train_val_test_split(X, y, val=0.15, test=0.15, rng=1)
    assert not np.array_equal(other.y_test, s.y_test)


def test_split_indices_partition_and_unstratified():
    X = np.arange(100.0).reshape(100, 1)
    y = np.arange(100.0)
    s = data.train_val_test_split(X, y, val=0.2, test=0.1, rng=np.random.default_rng(3))  # float y: not stratified
    assert (len(s.X_train), len(s.X_val), len(s.X_test)) == (70, 20, 10)
    together = np.sort(np.concatenate([s.X_train, s.X_val, s.X_test]).ravel())
    np.testing.assert_array_equal(together, X.ravel())
    np.testing.assert_array_equal(s.X_train.ravel(), s.y_train)


def test_split_validation():
    X, y = np.zeros((10, 2)), np.zeros(10)
    with pytest.raises(ValueError, match="val \\+ test must be < 1"):
        data.train_val_test_split(X, y, val=0.5, test=0.5)
    with pytest.raises(ValueError, match="test must be < 1"):
        data.train_val_test_split(X, y, test=1.0)
    with pytest.raises(ValueError, match="same number of rows"):
        data.train_val_test_split(X, np.zeros(9))
    with pytest.raises(ValueError, match="stratify=True needs integer class labels, got y of dtype float64"):
        data.train_val_test_split(X, y, stratify=True)
    s = data.train_val_test_split(X, np.arange(10) % 2, val=0.2, test=0.2, stratify=False)
    assert len(s.y_val) == 2
