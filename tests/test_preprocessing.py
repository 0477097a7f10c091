"""gdlib.preprocessing: fit on training data, apply to the rest (chapter 4)."""
from __future__ import annotations

import numpy as np
import pytest

from gdlib import data
from gdlib.preprocessing import PCA, Center, MinMaxScale, PCAWhiten, Standardize, ZCAWhiten


@pytest.fixture(scope="module")
def correlated():
    g = np.random.default_rng(0)
    A = np.array([[3.0, 0.0, 0.0], [2.0, 0.5, 0.0], [1.0, -1.0, 0.2]])
    X = g.normal(size=(2000, 3)) @ A.T + np.array([101.0, 99.0, -5.0])
    return X[:1500], X[1500:]


def test_center_and_hintons_shift_example():
    X = np.array([[101.0, 101.0], [101.0, 99.0]])
    c = Center().fit(X)
    np.testing.assert_allclose(c.transform(X), [[0.0, 1.0], [0.0, -1.0]])
    np.testing.assert_allclose(c.inverse_transform(c.transform(X)), X)
    cond = lambda Z: np.linalg.cond(Z.T @ Z)               # noqa: E731  Hessian of the linear neuron
    assert cond(X) > 1e3 and cond(X - [100, 100]) == pytest.approx(1.0)


def test_standardize_fit_on_train_only(correlated):
    train, test = correlated
    s = Standardize().fit(train)
    Z = s.transform(train)
    np.testing.assert_allclose(Z.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(0), 1, atol=1e-12)
    Zt = s.transform(test)                                  # training statistics, not the test set's
    np.testing.assert_allclose(Zt, (test - train.mean(0)) / train.std(0))
    assert np.abs(Zt.mean(0)).max() > 1e-4
    np.testing.assert_allclose(s.inverse_transform(Zt), test)
    np.testing.assert_allclose(s.fit_transform(train), Z)


def test_constant_features_are_not_divided_by_zero():
    X, _ = data.load_digits()
    assert np.any(X.std(0) == 0)                            # blank border pixels
    Z = Standardize().fit_transform(X)
    M = MinMaxScale().fit_transform(X)
    assert np.isfinite(Z).all() and np.isfinite(M).all()
    assert M.min() == 0 and M.max() == 1


def test_minmax_range_and_new_data_outside(correlated):
    train, test = correlated
    m = MinMaxScale((-1, 1)).fit(train)
    Z = m.transform(train)
    np.testing.assert_allclose(Z.min(0), -1)
    np.testing.assert_allclose(Z.max(0), 1)
    np.testing.assert_allclose(m.inverse_transform(m.transform(test)), test)
    assert "feature_range=(-1.0, 1.0)" in repr(m)
    outlier = np.vstack([train, train.max(0) + 100 * np.ptp(train, axis=0)])
    squeezed = MinMaxScale().fit(outlier).transform(train)
    assert squeezed.max(0).max() < 0.1                      # one outlier squeezes everything else
    with pytest.raises(ValueError, match="feature_range must be increasing"):
        MinMaxScale((1, 0))


def test_pca_decorrelates_and_orders(correlated):
    train, test = correlated
    p = PCA().fit(train)
    Z = p.transform(train)
    cov = np.cov(Z.T, bias=True)
    np.testing.assert_allclose(cov, np.diag(p.explained_variance_), atol=1e-9)
    assert np.all(np.diff(p.explained_variance_) <= 0)
    np.testing.assert_allclose(p.inverse_transform(p.transform(test)), test, atol=1e-9)
    p2 = PCA(n_components=2).fit(train)
    assert p2.transform(test).shape == (len(test), 2)
    assert "n_components=2" in repr(p2)
    with pytest.raises(ValueError, match="n_components must be <= the number of features 3"):
        PCA(n_components=4).fit(train)


@pytest.mark.parametrize("cls", [PCAWhiten, ZCAWhiten])
def test_whitening_gives_identity_covariance(cls, correlated):
    train, test = correlated
    w = cls(eps=0.0).fit(train)
    Z = w.transform(train)
    np.testing.assert_allclose(np.cov(Z.T, bias=True), np.eye(3), atol=1e-9)
    np.testing.assert_allclose(w.inverse_transform(w.transform(test)), test, atol=1e-8)
    assert "eps=0" in repr(w)


def test_zca_is_symmetric_and_closest_to_the_data(correlated):
    train, _ = correlated
    zca, pca = ZCAWhiten(eps=0.0).fit(train), PCAWhiten(eps=0.0).fit(train)
    np.testing.assert_allclose(zca.W_, zca.W_.T, atol=1e-12)
    Xc = train - train.mean(0)
    Xs = Xc / np.sqrt(np.diag(np.cov(Xc.T, bias=True)))
    # ZCA output stays closer to the (scaled) input than PCA whitening's rotated output
    assert np.linalg.norm(zca.transform(train) - Xs) < np.linalg.norm(pca.transform(train) - Xs)


def test_eps_regularizes_tiny_directions_and_errors():
    X = np.random.default_rng(1).normal(size=(50, 2))
    X = np.column_stack([X, X[:, 0]])                       # a zero-variance direction
    Z = PCAWhiten(eps=1e-5).fit_transform(X)
    assert np.isfinite(Z).all()
    with pytest.raises(RuntimeError, match="must be fit before transform"):
        Standardize().transform(X)
    with pytest.raises(ValueError, match=r"was fit on 3 features, got X of shape \(2, 2\)"):
        Standardize().fit(X).transform(np.ones((2, 2)))
    with pytest.raises(ValueError, match="2-D array"):
        Center().fit(np.ones(3))
    with pytest.raises(ValueError, match="finite"):
        Center().fit(np.array([[np.nan]]))
    assert repr(Center()) == "Center()"


def test_float32_stays_float32():
    X = np.random.default_rng(2).normal(size=(20, 3)).astype(np.float32)
    for t in (Center(), Standardize(), MinMaxScale(), PCA(), PCAWhiten(), ZCAWhiten()):
        assert t.fit(X).transform(X).dtype == np.float32
