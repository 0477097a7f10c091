"""Adagrad: a per-parameter rate from the accumulated squared gradients (chapter 7)."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .. import _validate
from .base import Optimizer, check_bool, check_lr, check_params, full_like, tree_map


class AdagradState(NamedTuple):
    """State of :class:`Adagrad`.

    Attributes
    ----------
    t : int
        Number of updates made.
    sum : array or dict of arrays
        The accumulator :math:`G_t = G_0 + \\sum_{s \\le t} g_s^2` (elementwise).
    """

    t: int
    sum: Any


class Adagrad(Optimizer):
    r"""Adagrad, as in ``torch.optim.Adagrad``.

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        \tilde\eta_t &= \frac{\eta}{1 + (t - 1)\,\delta} \\
        G_t &= G_{t-1} + g_t^2 \\
        \theta_t &= \theta_{t-1} - \tilde\eta_t \, \frac{g_t}{\sqrt{G_t} + \epsilon}

    With ``eps_inside_sqrt=True`` the last line is Ruder's overview (§4.3)
    :math:`\theta_t = \theta_{t-1} - \tilde\eta_t\, g_t / \sqrt{G_t + \epsilon}`.

    Symbols: :math:`\eta` = ``lr``, :math:`\delta` = ``lr_decay``,
    :math:`\lambda` = ``weight_decay``, :math:`G_0` =
    ``initial_accumulator_value``, :math:`\epsilon` = ``eps``.

    Parameters
    ----------
    lr : float or callable, default 1e-2
    lr_decay : float, default 0
    weight_decay : float, default 0
    initial_accumulator_value : float, default 0
    eps : float, default 1e-10
    eps_inside_sqrt : bool, default False
        Ruder's placement of :math:`\epsilon` (inside the square root).

    References
    ----------
    Duchi, Hazan and Singer (2011), *Adaptive subgradient methods for online
    learning and stochastic optimization*; Ruder (2016) §4.3. Derived in
    chapter 7 (adaptive learning rates).
    """

    def __init__(self, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                 eps=1e-10, *, eps_inside_sqrt=False):
        self.lr = check_lr(lr)
        self.lr_decay = _validate.real("lr_decay", lr_decay, low=0.0)
        self.weight_decay = _validate.real("weight_decay", weight_decay, low=0.0)
        self.initial_accumulator_value = _validate.real(
            "initial_accumulator_value", initial_accumulator_value, low=0.0)
        self.eps = _validate.real("eps", eps, low=0.0, low_open=True)
        self.eps_inside_sqrt = check_bool("eps_inside_sqrt", eps_inside_sqrt)

    def init(self, params) -> AdagradState:
        params = check_params(params)
        return AdagradState(t=0, sum=full_like(params, self.initial_accumulator_value))

    def step(self, params, grads, state: AdagradState, *, inplace: bool = False):
        """One update; pure unless ``inplace=True`` (then the new values are copied
        into ``params`` and ``state``, see :mod:`gdlib.optim.base`)."""
        params, grads, t, eta = self._start(params, grads, state, inplace)
        given, given_state = params, state
        lam, eps = self.weight_decay, self.eps
        eta_t = eta / (1 + (t - 1) * self.lr_decay)

        def adagrad(theta, g, G):
            if lam != 0:
                g = g + lam * theta
            G = G + g**2                                   # accumulated squared gradients
            if self.eps_inside_sqrt:
                theta = theta - eta_t * g / np.sqrt(G + eps)
            else:
                theta = theta - eta_t * g / (np.sqrt(G) + eps)
            return theta, G

        params, G = tree_map(adagrad, params, grads, state.sum)
        new_state = AdagradState(t=t, sum=G)
        if inplace:
            return self._write_back(given, given_state, params, new_state)
        return params, new_state
