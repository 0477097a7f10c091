"""Rprop: steps that follow only the sign of the gradient (chapter 7)."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .. import _validate
from .base import Optimizer, check_lr, check_params, full_like, tree_map, zeros_like


class RpropState(NamedTuple):
    """State of :class:`Rprop`.

    Attributes
    ----------
    t : int
        Number of updates made.
    prev : array or dict of arrays
        The previous gradient :math:`g_{t-1}` (zeroed where its sign flipped).
    step_size : array or dict of arrays
        The per-parameter step sizes :math:`\\Delta_t`.
    """

    t: int
    prev: Any
    step_size: Any


class Rprop(Optimizer):
    r"""Rprop, as in ``torch.optim.Rprop`` (no weight backtracking).

    .. math::

        \Delta_t &= \begin{cases}
            \min(\eta^+ \Delta_{t-1},\ \Delta_{\max}) & g_t g_{t-1} > 0 \\
            \max(\eta^- \Delta_{t-1},\ \Delta_{\min}) & g_t g_{t-1} < 0 \\
            \Delta_{t-1} & g_t g_{t-1} = 0
        \end{cases} \\
        g_t &\leftarrow 0 \quad \text{where } g_t g_{t-1} < 0 \\
        \theta_t &= \theta_{t-1} - \operatorname{sign}(g_t)\, \Delta_t

    and :math:`\Delta_0 = \eta`. Setting :math:`g_t` to zero after a sign
    change skips the move and makes the next step's product zero, so the step
    size is not shrunk twice.

    Symbols: :math:`\eta` = ``lr`` (the initial step), :math:`(\eta^-, \eta^+)`
    = ``etas``, :math:`(\Delta_{\min}, \Delta_{\max})` = ``step_sizes``.
    Hinton's lecture 6e uses x1.2 / x0.5 and limits 1e-6 .. 50: the
    defaults.

    Parameters
    ----------
    lr : float or callable, default 1e-2
        Initial step size (a schedule is read once, at ``init``: ``lr(0)``).
    etas : (float, float), default (0.5, 1.2)
        Need ``0 < etaminus < 1 < etaplus``.
    step_sizes : (float, float), default (1e-6, 50)
        Need ``0 <= min <= max``.

    References
    ----------
    Riedmiller and Braun (1993), *A direct adaptive method for faster
    backpropagation learning: the RPROP algorithm*; Hinton lecture 6d.
    Chapter 7 (adaptive learning rates).
    """

    def __init__(self, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50)):
        self.lr = check_lr(lr)
        if not isinstance(etas, (tuple, list)) or len(etas) != 2:
            raise TypeError(f"etas must be a pair (etaminus, etaplus), got {etas!r}")
        etaminus = _validate.real("etas[0]", etas[0])
        etaplus = _validate.real("etas[1]", etas[1])
        if not 0 < etaminus < 1 < etaplus:
            raise ValueError(f"etas must satisfy 0 < etaminus < 1 < etaplus, got etas={tuple(etas)!r}")
        if not isinstance(step_sizes, (tuple, list)) or len(step_sizes) != 2:
            raise TypeError(f"step_sizes must be a pair (min, max), got {step_sizes!r}")
        step_min = _validate.real("step_sizes[0]", step_sizes[0], low=0.0)
        step_max = _validate.real("step_sizes[1]", step_sizes[1], low=0.0)
        if step_min > step_max:
            raise ValueError(f"step_sizes must satisfy min <= max, got step_sizes={tuple(step_sizes)!r}")
        self.etas = (etaminus, etaplus)
        self.step_sizes = (step_min, step_max)

    def init(self, params) -> RpropState:
        params = check_params(params)
        return RpropState(t=0, prev=zeros_like(params), step_size=full_like(params, self.lr_at(0)))

    def step(self, params, grads, state: RpropState, *, inplace: bool = False):
        """One update; pure unless ``inplace=True`` (then the new values are copied
        into ``params`` and ``state``, see :mod:`gdlib.optim.base`)."""
        params, grads, t, _ = self._start(params, grads, state, inplace)
        given, given_state = params, state
        etaminus, etaplus = self.etas
        step_min, step_max = self.step_sizes

        def rprop(theta, g, g_prev, Delta):
            agree = g * g_prev > 0                             # same sign as last time
            flip = g * g_prev < 0                              # sign changed: overshot
            Delta = np.where(agree, etaplus * Delta, np.where(flip, etaminus * Delta, Delta))
            Delta = np.clip(Delta, step_min, step_max)
            g = np.where(flip, 0, g)                           # no move after a sign change
            theta = theta - np.sign(g) * Delta
            return theta, g, Delta

        params, prev, Delta = tree_map(rprop, params, grads, state.prev, state.step_size)
        new_state = RpropState(t=t, prev=prev, step_size=Delta)
        if inplace:
            return self._write_back(given, given_state, params, new_state)
        return params, new_state
