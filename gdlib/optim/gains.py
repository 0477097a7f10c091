"""Hinton's per-connection adaptive gains ("delta-bar-delta" style) (chapter 7)."""
from __future__ import annotations

from typing import Any, NamedTuple, Optional

import numpy as np

from .. import _validate
from .base import Optimizer, check_lr, check_params, full_like, tree_map, zeros_like


class DeltaBarDeltaState(NamedTuple):
    """State of :class:`DeltaBarDelta`.

    Attributes
    ----------
    t : int
        Number of updates made.
    gains : array or dict of arrays
        The per-connection gains :math:`g_{ij}` (start at 1).
    prev : array or dict of arrays
        The previous gradient :math:`\\partial E / \\partial w_{ij}(t-1)`.
    momentum_buffer : array or dict of arrays, or None
        The velocity (``momentum > 0`` only).
    """

    t: int
    gains: Any
    prev: Any
    momentum_buffer: Optional[Any]


class DeltaBarDelta(Optimizer):
    r"""Separate adaptive learning rates for each connection (Hinton, lecture 6d).

    Every weight has a gain :math:`g_{ij}`, starting at 1:

    .. math::

        g_{ij}(t) &= \begin{cases}
            g_{ij}(t-1) + a & \frac{\partial E}{\partial w_{ij}}(t)\,\frac{\partial E}{\partial w_{ij}}(t-1) > 0 \\
            g_{ij}(t-1) \times d & \frac{\partial E}{\partial w_{ij}}(t)\,\frac{\partial E}{\partial w_{ij}}(t-1) < 0 \\
            g_{ij}(t-1) & \text{product} = 0 \ (\text{e.g. the first step})
        \end{cases} \\
        g_{ij}(t) &\leftarrow \operatorname{clip}(g_{ij}(t),\ g_{\min},\ g_{\max}) \\
        \Delta w_{ij}(t) &= -\varepsilon\, g_{ij}(t)\, \frac{\partial E}{\partial w_{ij}}(t)

    Additive increase and multiplicative decrease make big gains decay fast
    when oscillations start. Hinton's slide writes "else" for the decrease;
    a zero product (no previous gradient yet, or a zero gradient) carries no
    sign information, so here it leaves the gain unchanged. With
    ``momentum`` :math:`\mu > 0` (Jacobs' combination with momentum) the step
    becomes :math:`b_t = \mu b_{t-1} + g_{ij}(t) \partial E/\partial w_{ij}(t)`,
    :math:`\Delta w_{ij}(t) = -\varepsilon b_t`.

    Symbols: :math:`\varepsilon` = ``lr``, :math:`a` = ``increase``,
    :math:`d` = ``decrease``, :math:`(g_{\min}, g_{\max})` = ``gain_limits``,
    :math:`\mu` = ``momentum``.

    Parameters
    ----------
    lr : float or callable, default 1e-2
        Global learning rate :math:`\varepsilon`.
    increase : float, default 0.05
        Added to a gain while successive gradient signs agree (> 0).
    decrease : float, default 0.95
        Multiplies a gain when they disagree, in (0, 1).
    gain_limits : (float, float), default (0.1, 10.0)
        Hinton suggests [0.1, 10] or [0.01, 100]. Need ``0 < min <= 1 <= max``.
    momentum : float, default 0

    References
    ----------
    Hinton, *Neural Networks for Machine Learning*, lecture 6d;
    Jacobs (1988), *Increased rates of convergence through learning rate
    adaptation*. No ``torch.optim`` counterpart. Derived in chapter 7.
    """

    def __init__(self, lr=1e-2, increase=0.05, decrease=0.95, gain_limits=(0.1, 10.0), momentum=0.0):
        self.lr = check_lr(lr)
        self.increase = _validate.real("increase", increase, low=0.0, low_open=True)
        self.decrease = _validate.real("decrease", decrease, low=0.0, high=1.0, low_open=True, high_open=True)
        if not isinstance(gain_limits, (tuple, list)) or len(gain_limits) != 2:
            raise TypeError(f"gain_limits must be a pair (min, max), got {gain_limits!r}")
        g_min = _validate.real("gain_limits[0]", gain_limits[0], low=0.0, low_open=True)
        g_max = _validate.real("gain_limits[1]", gain_limits[1], low=0.0, low_open=True)
        if not g_min <= 1 <= g_max:
            raise ValueError(f"gain_limits must satisfy 0 < min <= 1 <= max, got gain_limits={tuple(gain_limits)!r}")
        self.gain_limits = (g_min, g_max)
        self.momentum = _validate.real("momentum", momentum, low=0.0)

    def init(self, params) -> DeltaBarDeltaState:
        params = check_params(params)
        return DeltaBarDeltaState(t=0, gains=full_like(params, 1.0), prev=zeros_like(params),
                                  momentum_buffer=zeros_like(params) if self.momentum > 0 else None)

    def step(self, params, grads, state: DeltaBarDeltaState, *, inplace: bool = False):
        """One update; pure unless ``inplace=True`` (then the new values are copied
        into ``params`` and ``state``, see :mod:`gdlib.optim.base`)."""
        params, grads, t, eps = self._start(params, grads, state, inplace)
        given, given_state = params, state
        a, d, mu = self.increase, self.decrease, self.momentum
        g_min, g_max = self.gain_limits

        def gains_rule(w, dE, dE_prev, gain, b):
            agree = dE * dE_prev > 0
            disagree = dE * dE_prev < 0
            gain = np.where(agree, gain + a, np.where(disagree, gain * d, gain))
            gain = np.clip(gain, g_min, g_max)
            step = gain * dE
            if mu > 0:
                b = mu * b + step
                step = b
            w = w - eps * step
            return w, dE.copy(), gain, b                   # the state owns its copy of dE

        params, prev, gains, b = tree_map(gains_rule, params, grads, state.prev, state.gains,
                                          state.momentum_buffer)
        new_state = DeltaBarDeltaState(t=t, gains=gains, prev=prev,
                                          momentum_buffer=b if mu > 0 else None)
        if inplace:
            return self._write_back(given, given_state, params, new_state)
        return params, new_state
