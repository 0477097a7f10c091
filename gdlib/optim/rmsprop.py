"""RMSprop: divide the gradient by a running average of its magnitude (chapter 7)."""
from __future__ import annotations

from typing import Any, NamedTuple, Optional

import numpy as np

from .. import _validate
from .base import Optimizer, check_bool, check_lr, check_params, tree_map, zeros_like


class RMSpropState(NamedTuple):
    """State of :class:`RMSprop`.

    Attributes
    ----------
    t : int
        Number of updates made.
    square_avg : array or dict of arrays
        :math:`v_t = E[g^2]_t`, the running average of squared gradients.
    grad_avg : array or dict of arrays, or None
        :math:`\\bar g_t = E[g]_t` (``centered=True`` only).
    momentum_buffer : array or dict of arrays, or None
        :math:`b_t` (``momentum > 0`` only).
    """

    t: int
    square_avg: Any
    grad_avg: Optional[Any]
    momentum_buffer: Optional[Any]


class RMSprop(Optimizer):
    r"""RMSprop, as in ``torch.optim.RMSprop``.

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        v_t &= \alpha v_{t-1} + (1 - \alpha) g_t^2 \\
        \bar g_t &= \alpha \bar g_{t-1} + (1 - \alpha) g_t
            \quad\text{(centered; then } \tilde v_t = v_t - \bar g_t^2 \text{, else } \tilde v_t = v_t) \\
        b_t &= \mu b_{t-1} + \frac{g_t}{\sqrt{\tilde v_t} + \epsilon},
            \qquad \theta_t = \theta_{t-1} - \eta b_t \quad (\mu > 0) \\
        \theta_t &= \theta_{t-1} - \eta \frac{g_t}{\sqrt{\tilde v_t} + \epsilon} \quad (\mu = 0)

    With ``eps_inside_sqrt=True``, :math:`\sqrt{\tilde v_t} + \epsilon` becomes
    :math:`\sqrt{\tilde v_t + \epsilon}` (Ruder's overview, §4.5). Hinton's
    lecture and the course slides write the same running
    average :math:`\text{MeanSquare}(w, t) = 0.9\,\text{MeanSquare}(w, t-1) + 0.1 g_t^2`.

    Symbols: :math:`\alpha` (Hinton's and the slides' :math:`\rho`, Ruder's
    :math:`\gamma`) = ``alpha``, :math:`\eta` = ``lr``, :math:`\epsilon` =
    ``eps``, :math:`\mu` = ``momentum``, :math:`\lambda` = ``weight_decay``.

    Parameters
    ----------
    lr : float or callable, default 1e-2
    alpha : float, default 0.99
        Smoothing constant, in [0, 1].
    eps : float, default 1e-8
    weight_decay : float, default 0
    momentum : float, default 0
    centered : bool, default False
        Divide by an estimate of the variance instead of the second moment.
    eps_inside_sqrt : bool, default False
        Ruder's placement of :math:`\epsilon`.

    References
    ----------
    Hinton, *Neural Networks for Machine Learning*, lecture 6e; Graves (2013)
    for the centered version; Ruder (2016) §4.5. Derived in chapter 7.
    """

    def __init__(self, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
                 *, eps_inside_sqrt=False):
        self.lr = check_lr(lr)
        self.alpha = _validate.real("alpha", alpha, low=0.0, high=1.0)
        self.eps = _validate.real("eps", eps, low=0.0, low_open=True)
        self.weight_decay = _validate.real("weight_decay", weight_decay, low=0.0)
        self.momentum = _validate.real("momentum", momentum, low=0.0)
        self.centered = check_bool("centered", centered)
        self.eps_inside_sqrt = check_bool("eps_inside_sqrt", eps_inside_sqrt)

    def init(self, params) -> RMSpropState:
        params = check_params(params)
        return RMSpropState(t=0, square_avg=zeros_like(params),
                            grad_avg=zeros_like(params) if self.centered else None,
                            momentum_buffer=zeros_like(params) if self.momentum > 0 else None)

    def step(self, params, grads, state: RMSpropState, *, inplace: bool = False):
        """One update; pure unless ``inplace=True`` (then the new values are copied
        into ``params`` and ``state``, see :mod:`gdlib.optim.base`)."""
        params, grads, t, eta = self._start(params, grads, state, inplace)
        given, given_state = params, state
        alpha, eps, lam, mu = self.alpha, self.eps, self.weight_decay, self.momentum

        def rmsprop(theta, g, v, g_bar, b):
            if lam != 0:
                g = g + lam * theta
            v = alpha * v + (1 - alpha) * g**2                 # running average of g^2
            v_tilde = v
            if self.centered:
                g_bar = alpha * g_bar + (1 - alpha) * g        # running average of g
                v_tilde = v - g_bar**2
            if self.eps_inside_sqrt:
                step = g / np.sqrt(v_tilde + eps)
            else:
                step = g / (np.sqrt(v_tilde) + eps)
            if mu > 0:
                b = mu * b + step
                step = b
            theta = theta - eta * step
            return theta, v, g_bar, b

        params, v, g_bar, b = tree_map(rmsprop, params, grads, state.square_avg,
                                       state.grad_avg, state.momentum_buffer)
        new_state = RMSpropState(t=t, square_avg=v,
                                    grad_avg=g_bar if self.centered else None,
                                    momentum_buffer=b if mu > 0 else None)
        if inplace:
            return self._write_back(given, given_state, params, new_state)
        return params, new_state
