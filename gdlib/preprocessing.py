r"""Input preprocessing of chapter 4: centering, scaling, PCA and ZCA whitening.

Every transform is fit on the *training* data and then applied, unchanged, to
validation and test data (fitting on all data would leak their statistics)::

    scaler = Standardize().fit(X_train)
    X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

Rows are samples, columns features. With the training mean :math:`\mu`,
standard deviations :math:`s`, minimum/maximum :math:`m, M` and the
covariance :math:`\Sigma = U \Lambda U^\top` of the centred data:

==================  =====================================================
``Center``          :math:`x - \mu`
``Standardize``     :math:`(x - \mu) / s`
``MinMaxScale``     :math:`a + (b - a)(x - m)/(M - m)` into ``[a, b]``
``PCA``             :math:`(x - \mu) U` (decorrelated, variances :math:`\Lambda`)
``PCAWhiten``       :math:`(x - \mu) U (\Lambda + \epsilon)^{-1/2}` (covariance :math:`\approx I`)
``ZCAWhiten``       :math:`(x - \mu) U (\Lambda + \epsilon)^{-1/2} U^\top` (white, closest to :math:`x`)
==================  =====================================================

A feature that is constant in the training data (a blank border pixel of the
digits) has :math:`s = 0` or :math:`M = m`; it is then only shifted, not
divided by zero.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import _validate

__all__ = ["Center", "Standardize", "MinMaxScale", "PCA", "PCAWhiten", "ZCAWhiten"]


def _as_2d(name: str, X: Any) -> np.ndarray:
    X = _validate.finite_array(name, X)
    if X.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (samples x features), got shape {X.shape}")
    return X


class _Transform:
    """``fit(X)`` learns statistics, ``transform(X)`` applies them, ``inverse_transform`` undoes them."""

    n_features_: int

    def fit(self, X: Any) -> "_Transform":  # pragma: no cover - abstract
        raise NotImplementedError

    def fit_transform(self, X: Any) -> np.ndarray:
        return self.fit(X).transform(X)

    def _check(self, X: Any) -> np.ndarray:
        if not hasattr(self, "n_features_"):
            raise RuntimeError(f"{type(self).__name__} must be fit before transform")
        X = _as_2d("X", X)
        if X.shape[1] != self.n_features_:
            raise ValueError(f"{type(self).__name__} was fit on {self.n_features_} features, got X of shape {X.shape}")
        return X

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Center(_Transform):
    r"""Subtract the training mean: :math:`x - \mu` (Hinton's "shifting the inputs")."""

    def fit(self, X: Any) -> "Center":
        X = _as_2d("X", X)
        self.n_features_ = X.shape[1]
        self.mean_ = X.mean(axis=0)                      # mu
        return self

    def transform(self, X: Any) -> np.ndarray:
        X = self._check(X)
        return (X - self.mean_).astype(X.dtype, copy=False)     # x - mu

    def inverse_transform(self, X: Any) -> np.ndarray:
        return self._check(X) + self.mean_


class Standardize(_Transform):
    r"""Zero mean, unit variance per feature: :math:`(x - \mu)/s` (Hinton's "scaling the inputs").

    ``s`` is the population standard deviation (``ddof=0``); features with
    :math:`s = 0` in the training data keep scale 1.
    """

    def fit(self, X: Any) -> "Standardize":
        X = _as_2d("X", X)
        self.n_features_ = X.shape[1]
        self.mean_ = X.mean(axis=0)                      # mu
        s = X.std(axis=0)                                # s
        self.scale_ = np.where(s > 0, s, 1.0)
        return self

    def transform(self, X: Any) -> np.ndarray:
        X = self._check(X)
        return ((X - self.mean_) / self.scale_).astype(X.dtype, copy=False)   # (x - mu) / s

    def inverse_transform(self, X: Any) -> np.ndarray:
        return self._check(X) * self.scale_ + self.mean_


class MinMaxScale(_Transform):
    r"""Map the training range of each feature onto ``feature_range`` :math:`[a, b]`.

    :math:`x' = a + (b - a)(x - m)/(M - m)`. New data can fall outside
    :math:`[a, b]`, and one outlier squeezes all the other values: the
    drawbacks chapter 4 discusses.
    """

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0)) -> None:
        a = _validate.real("feature_range[0]", feature_range[0])
        b = _validate.real("feature_range[1]", feature_range[1])
        if not a < b:
            raise ValueError(f"feature_range must be increasing, got {feature_range!r}")
        self.feature_range = (a, b)

    def __repr__(self) -> str:
        return f"MinMaxScale(feature_range={self.feature_range})"

    def fit(self, X: Any) -> "MinMaxScale":
        X = _as_2d("X", X)
        self.n_features_ = X.shape[1]
        self.min_, self.max_ = X.min(axis=0), X.max(axis=0)     # m, M
        r = self.max_ - self.min_
        self.range_ = np.where(r > 0, r, 1.0)
        return self

    def transform(self, X: Any) -> np.ndarray:
        X = self._check(X)
        a, b = self.feature_range
        return (a + (b - a) * (X - self.min_) / self.range_).astype(X.dtype, copy=False)

    def inverse_transform(self, X: Any) -> np.ndarray:
        a, b = self.feature_range
        return (self._check(X) - a) / (b - a) * self.range_ + self.min_


class PCA(_Transform):
    r"""Rotate the centred data onto the principal axes: :math:`(x - \mu) U`.

    :math:`\Sigma = \frac1N (X-\mu)^\top (X-\mu) = U \Lambda U^\top` with the
    eigenvalues in decreasing order. The new features are uncorrelated with
    variances :math:`\Lambda` (``explained_variance_``); keeping the first
    ``n_components`` columns reduces the dimension (Hinton's decorrelation).
    """

    def __init__(self, n_components: int | None = None) -> None:
        self.n_components = None if n_components is None else _validate.integer("n_components", n_components, low=1)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_components={self.n_components})"

    def fit(self, X: Any) -> "PCA":
        X = _as_2d("X", X).astype(np.float64)
        self.n_features_ = X.shape[1]
        k = self.n_features_ if self.n_components is None else self.n_components
        if k > self.n_features_:
            raise ValueError(f"n_components must be <= the number of features {self.n_features_}, got {k}")
        self.mean_ = X.mean(axis=0)
        Xc = X - self.mean_
        cov = Xc.T @ Xc / X.shape[0]                         # Sigma (1/N)
        lam, U = np.linalg.eigh(cov)                         # ascending
        order = np.argsort(lam)[::-1]
        lam, U = np.clip(lam[order], 0.0, None), U[:, order]
        U = U * np.where(U[np.abs(U).argmax(axis=0), np.arange(U.shape[1])] < 0, -1.0, 1.0)  # deterministic signs
        self.explained_variance_ = lam[:k]                   # Lambda
        self.components_ = U[:, :k]                          # U, one principal axis per column
        return self

    def transform(self, X: Any) -> np.ndarray:
        X = self._check(X)
        return ((X - self.mean_) @ self.components_).astype(X.dtype, copy=False)

    def inverse_transform(self, Z: Any) -> np.ndarray:
        Z = _validate.finite_array("Z", Z)
        return Z @ self.components_.T + self.mean_


class PCAWhiten(PCA):
    r"""PCA whitening: :math:`(x - \mu)\,U\,(\Lambda + \epsilon)^{-1/2}`; the result has covariance :math:`\approx I`.

    ``eps`` keeps directions of (almost) zero variance from blowing up.
    """

    def __init__(self, n_components: int | None = None, eps: float = 1e-5) -> None:
        super().__init__(n_components)
        self.eps = _validate.real("eps", eps, low=0)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_components={self.n_components}, eps={self.eps:g})"

    def fit(self, X: Any) -> "PCAWhiten":
        super().fit(X)
        self.scale_ = 1.0 / np.sqrt(self.explained_variance_ + self.eps)   # (Lambda + eps)^{-1/2}
        self.W_ = self.components_ * self.scale_                           # U (Lambda + eps)^{-1/2}
        return self

    def transform(self, X: Any) -> np.ndarray:
        X = self._check(X)
        return ((X - self.mean_) @ self.W_).astype(X.dtype, copy=False)

    def inverse_transform(self, Z: Any) -> np.ndarray:
        Z = _validate.finite_array("Z", Z)
        return (Z / self.scale_) @ self.components_.T + self.mean_


class ZCAWhiten(PCAWhiten):
    r"""ZCA ("zero-phase") whitening: :math:`(x - \mu)\,U(\Lambda+\epsilon)^{-1/2}U^\top`.

    PCA whitening rotated back to the original axes: still white, and of all
    whitening transforms the one closest to the original data (images still
    look like images). Always keeps every dimension.
    """

    def __init__(self, eps: float = 1e-5) -> None:
        super().__init__(None, eps)

    def __repr__(self) -> str:
        return f"ZCAWhiten(eps={self.eps:g})"

    def fit(self, X: Any) -> "ZCAWhiten":
        super().fit(X)
        self.W_ = self.W_ @ self.components_.T                 # U (Lambda + eps)^{-1/2} U^T
        return self

    def inverse_transform(self, Z: Any) -> np.ndarray:
        Z = _validate.finite_array("Z", Z)
        return (Z @ self.components_ / self.scale_) @ self.components_.T + self.mean_
