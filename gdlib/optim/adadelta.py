"""Adadelta: Adagrad's rate with the units fixed, no learning rate needed (chapter 7)."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .. import _validate
from .base import Optimizer, check_lr, check_params, tree_map, zeros_like


class AdadeltaState(NamedTuple):
    """State of :class:`Adadelta`.

    Attributes
    ----------
    t : int
        Number of updates made.
    square_avg : array or dict of arrays
        :math:`E[g^2]_t`, the running average of squared gradients.
    acc_delta : array or dict of arrays
        :math:`E[\\Delta\\theta^2]_t`, the running average of squared updates.
    """

    t: int
    square_avg: Any
    acc_delta: Any


class Adadelta(Optimizer):
    r"""Adadelta, as in ``torch.optim.Adadelta``.

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        E[g^2]_t &= \rho E[g^2]_{t-1} + (1 - \rho) g_t^2 \\
        \Delta\theta_t &= \frac{\sqrt{E[\Delta\theta^2]_{t-1} + \epsilon}}{\sqrt{E[g^2]_t + \epsilon}}\, g_t
            = \frac{\mathrm{RMS}[\Delta\theta]_{t-1}}{\mathrm{RMS}[g]_t}\, g_t \\
        E[\Delta\theta^2]_t &= \rho E[\Delta\theta^2]_{t-1} + (1 - \rho) \Delta\theta_t^2 \\
        \theta_t &= \theta_{t-1} - \eta\, \Delta\theta_t

    Zeiler's method has no learning rate: :math:`\eta = 1` (the default)
    reproduces it. Ruder writes the update with a minus sign inside
    :math:`\Delta\theta`; here :math:`\Delta\theta` is the step subtracted.

    Symbols: :math:`\rho` = ``rho``, :math:`\epsilon` = ``eps``, :math:`\eta`
    = ``lr``, :math:`\lambda` = ``weight_decay``.

    Parameters
    ----------
    lr : float or callable, default 1.0
    rho : float, default 0.9
        In [0, 1].
    eps : float, default 1e-6
    weight_decay : float, default 0

    References
    ----------
    Zeiler (2012), *ADADELTA: an adaptive learning rate method*; Ruder (2016)
    §4.4. Derived in chapter 7 (adaptive learning rates).
    """

    def __init__(self, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
        self.lr = check_lr(lr)
        self.rho = _validate.real("rho", rho, low=0.0, high=1.0)
        self.eps = _validate.real("eps", eps, low=0.0, low_open=True)
        self.weight_decay = _validate.real("weight_decay", weight_decay, low=0.0)

    def init(self, params) -> AdadeltaState:
        params = check_params(params)
        return AdadeltaState(t=0, square_avg=zeros_like(params), acc_delta=zeros_like(params))

    def step(self, params, grads, state: AdadeltaState, *, inplace: bool = False):
        """One update; pure unless ``inplace=True`` (then the new values are copied
        into ``params`` and ``state``, see :mod:`gdlib.optim.base`)."""
        params, grads, t, eta = self._start(params, grads, state, inplace)
        given, given_state = params, state
        rho, eps, lam = self.rho, self.eps, self.weight_decay

        def adadelta(theta, g, Eg2, Edx2):
            if lam != 0:
                g = g + lam * theta
            Eg2 = rho * Eg2 + (1 - rho) * g**2
            delta = np.sqrt(Edx2 + eps) / np.sqrt(Eg2 + eps) * g     # RMS[dtheta]_{t-1} / RMS[g]_t * g
            Edx2 = rho * Edx2 + (1 - rho) * delta**2
            theta = theta - eta * delta
            return theta, Eg2, Edx2

        params, Eg2, Edx2 = tree_map(adadelta, params, grads, state.square_avg, state.acc_delta)
        new_state = AdadeltaState(t=t, square_avg=Eg2, acc_delta=Edx2)
        if inplace:
            return self._write_back(given, given_state, params, new_state)
        return params, new_state
