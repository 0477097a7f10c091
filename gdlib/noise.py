r"""Annealed Gaussian gradient noise (chapter 12; Ruder §6.4).

Neelakantan et al. (2015) add noise to every gradient,

.. math::

    g_t \leftarrow g_t + N(0, \sigma_t^2), \qquad \sigma_t^2 = \frac{\eta}{(1 + t)^\gamma},

with :math:`\eta \in \{0.01, 0.3, 1\}` and :math:`\gamma = 0.55`; the noise
fades as training goes on. ``t`` is the number of updates already made (0
for the first), as for the schedules in :mod:`gdlib.schedules`.

Use :func:`annealed_gaussian` as a function, or an :class:`AnnealedGaussian`
object (which carries its own random generator) as ``grad_noise`` of
:func:`gdlib.minimize` or of a training loop: ``grads = noise(grads, t)``.

Reference: Neelakantan et al. (2015), *Adding gradient noise improves
learning for very deep networks*.
"""
from __future__ import annotations

import numpy as np

from . import _validate
from .optim.base import check_params, tree_map


def noise_variance(t, eta=0.3, gamma=0.55):
    r""":math:`\sigma_t^2 = \eta / (1 + t)^\gamma` (``t`` may be an array)."""
    eta = _validate.real("eta", eta, low=0.0)
    gamma = _validate.real("gamma", gamma, low=0.0)
    t = np.asarray(t)
    if np.any(t < 0):
        raise ValueError(f"t must be >= 0, got {t!r}")
    variance = eta / (1 + t) ** gamma
    return float(variance) if variance.ndim == 0 else variance


def _generator(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an integer seed or None, got {rng!r}")


def annealed_gaussian(grads, t, eta=0.3, gamma=0.55, rng=None):
    r"""Return ``grads`` plus Gaussian noise of variance :math:`\eta / (1 + t)^\gamma`.

    Parameters
    ----------
    grads : ndarray or dict of ndarrays
        Not modified; a new array (or dict) is returned, in the same dtype.
    t : int
        Updates made so far.
    eta, gamma : float
        :math:`\eta` (>= 0) and :math:`\gamma` (>= 0).
    rng : numpy.random.Generator, int or None
        The random source (an int seeds a new generator).
    """
    t = _validate.integer("t", t, low=0)
    sigma = np.sqrt(noise_variance(t, eta, gamma))
    rng = _generator(rng)
    grads = check_params(grads, "grads")
    return tree_map(lambda g: g + (sigma * rng.standard_normal(g.shape)).astype(g.dtype, copy=False), grads)


class AnnealedGaussian:
    """Gradient noise with its own generator: ``noisy = AnnealedGaussian(0.3, 0.55, rng=0)(grads, t)``."""

    def __init__(self, eta=0.3, gamma=0.55, rng=None):
        self.eta = _validate.real("eta", eta, low=0.0)
        self.gamma = _validate.real("gamma", gamma, low=0.0)
        self.rng = _generator(rng)

    def variance(self, t):
        return noise_variance(t, self.eta, self.gamma)

    def __call__(self, grads, t):
        return annealed_gaussian(grads, t, self.eta, self.gamma, self.rng)

    def __repr__(self) -> str:
        return f"AnnealedGaussian(eta={self.eta:g}, gamma={self.gamma:g})"


__all__ = ["noise_variance", "annealed_gaussian", "AnnealedGaussian"]
