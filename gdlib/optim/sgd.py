"""Stochastic gradient descent with momentum and Nesterov momentum (chapters 1, 5 and 6)."""
from __future__ import annotations

from typing import Any, NamedTuple, Optional

from .. import _validate
from .base import Optimizer, check_bool, check_lr, check_params, tree_map, tree_map_inplace, zeros_like


class SGDState(NamedTuple):
    """State of :class:`SGD`.

    Attributes
    ----------
    t : int
        Number of updates made.
    momentum_buffer : array or dict of arrays, or None
        The velocity :math:`v` (``None`` without momentum). In the torch form
        it is the buffer :math:`b` (a sum of gradients, no learning rate); in
        the ``"velocity"`` and ``"lookahead"`` forms it is :math:`v`, a sum of
        learning-rate-scaled gradients.
    """

    t: int
    momentum_buffer: Optional[Any]


class SGD(Optimizer):
    r"""Gradient descent with optional momentum, Nesterov momentum and weight decay.

    The torch form (default, ``momentum_form="torch"``), as in
    ``torch.optim.SGD``:

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        b_t &= \mu b_{t-1} + (1 - \tau) g_t \qquad (b_1 = g_1) \\
        g_t &\leftarrow g_t + \mu b_t \ \text{(nesterov)} \quad\text{or}\quad g_t \leftarrow b_t \\
        \theta_t &= \theta_{t-1} - \eta g_t

    The slides' form :math:`v_t = \rho v_{t-1} + \nabla f(w_t)`,
    :math:`w_{t+1} = w_t - lr \cdot v_t` (the course slides) is exactly this torch form.

    The velocity form (``momentum_form="velocity"``, Ruder's overview) puts the learning rate inside the velocity:

    .. math::

        v_t &= \gamma v_{t-1} + \eta_t g_t \\
        \theta_t &= \theta_{t-1} - v_t

    With a constant rate the two forms give the same iterates
    (:math:`v_t = \eta b_t`); when the rate changes they differ, because the
    velocity form keeps the old rates inside :math:`v`.

    Nesterov's look-ahead form (``nesterov=True, nesterov_form="lookahead"``,
    Ruder's NAG, Sutskever et al.) evaluates the gradient at the point the
    momentum is about to carry the parameters to:

    .. math::

        v_t &= \gamma v_{t-1} + \eta \nabla f(\theta_{t-1} - \gamma v_{t-1}) \\
        \theta_t &= \theta_{t-1} - v_t

    so the caller must evaluate the gradient at ``eval_point``
    (:func:`gdlib.minimize` does). The torch Nesterov form is the same method
    written in the variable :math:`\theta - \gamma v` (chapter 6 shows it).

    Symbols: :math:`\eta` = ``lr``, :math:`\mu, \gamma, \rho` = ``momentum``,
    :math:`\tau` = ``dampening``, :math:`\lambda` = ``weight_decay``.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Learning rate, or a schedule ``lr(t)`` from :mod:`gdlib.schedules`.
    momentum : float, default 0
        Momentum factor, >= 0.
    dampening : float, default 0
        Dampening for momentum, in [0, 1].
    weight_decay : float, default 0
        L2 penalty added to the gradient.
    nesterov : bool, default False
        Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
    momentum_form : {"torch", "velocity"}, default "torch"
        Where the learning rate sits: outside the buffer (torch, slides) or
        inside the velocity (Ruder).
    nesterov_form : {"torch", "lookahead"}, default "torch"
        Nesterov as torch computes it, or with the gradient at the look-ahead
        point :math:`\theta - \gamma v` (always written with the velocity
        :math:`v`, whatever ``momentum_form`` says).

    References
    ----------
    Polyak (1964); Sutskever et al. (2013), *On the importance of
    initialization and momentum in deep learning*; Ruder (2016) §4.1-4.2.
    Derived in chapter 6 (momentum and Nesterov); plain SGD in chapters 1 and 5.
    """

    def __init__(self, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
                 *, momentum_form="torch", nesterov_form="torch"):
        self.lr = check_lr(lr)
        self.momentum = _validate.real("momentum", momentum, low=0.0)
        self.dampening = _validate.real("dampening", dampening, low=0.0, high=1.0)
        self.weight_decay = _validate.real("weight_decay", weight_decay, low=0.0)
        self.nesterov = check_bool("nesterov", nesterov)
        self.momentum_form = _validate.choice("momentum_form", momentum_form, ("torch", "velocity"))
        self.nesterov_form = _validate.choice("nesterov_form", nesterov_form, ("torch", "lookahead"))
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(f"nesterov=True requires momentum > 0 and dampening = 0, "
                             f"got momentum={momentum!r}, dampening={dampening!r}")

    def init(self, params) -> SGDState:
        params = check_params(params)
        buffer = zeros_like(params) if self.momentum > 0 else None
        return SGDState(t=0, momentum_buffer=buffer)

    def eval_point(self, params, state: SGDState):
        r"""Where to evaluate the next gradient: :math:`\theta - \gamma v` for the look-ahead form."""
        if not (self.nesterov and self.nesterov_form == "lookahead"):
            return params
        gamma = self.momentum
        return tree_map(lambda theta, v: theta - gamma * v, check_params(params), state.momentum_buffer)

    def step(self, params, grads, state: SGDState, *, inplace: bool = False):
        """One update; pure unless ``inplace=True``.

        With ``inplace=True`` the torch form overwrites ``params`` and the
        momentum buffer (the same equations, each written as an update of the
        array it changes, so the results are identical bit for bit), applied
        to cache-sized pieces of large arrays (:func:`~gdlib.optim.base.tree_map_inplace`);
        the velocity and look-ahead forms compute as usual and copy back. Why:
        a pure step writes two new arrays (θ and b) to fresh memory on every
        call and streams every array through memory once per operation, which
        at 10^6 parameters and more costs about as much as the arithmetic
        (measured in the book's performance appendix).
        """
        params, grads, t, eta = self._start(params, grads, state, inplace)
        mu, tau, lam = self.momentum, self.dampening, self.weight_decay
        lookahead = self.nesterov and self.nesterov_form == "lookahead"

        def sgd(theta, g):
            if lam != 0:
                g = g + lam * theta
            return theta - eta * g

        def sgd_inplace(theta, g):
            if lam != 0:
                g = g + lam * theta
            theta -= eta * g
            return theta

        def torch_momentum(theta, g, b):
            if lam != 0:
                g = g + lam * theta
            if t == 1:
                b = g.copy()                                   # b_1 = g_1
            elif tau == 0:
                b = mu * b + g                                 # (1 - tau) = 1: skip a pass (hot path)
            else:
                b = mu * b + (1 - tau) * g
            g = g + mu * b if self.nesterov else b
            theta = theta - eta * g
            return theta, b

        def torch_momentum_inplace(theta, g, b):
            if lam != 0:
                g = g + lam * theta
            if t == 1:
                b[...] = g                                     # b_1 = g_1
            else:
                b *= mu                                        # b <- mu b + (1 - tau) g
                b += g if tau == 0 else (1 - tau) * g
            g = g + mu * b if self.nesterov else b
            theta -= eta * g                                   # theta <- theta - eta g
            return theta, b

        def velocity_momentum(theta, g, v):
            if lam != 0:
                g = g + lam * theta
            v = eta * g if t == 1 else mu * v + (1 - tau) * eta * g
            step = eta * g + mu * v if self.nesterov else v
            theta = theta - step
            return theta, v

        def lookahead_nesterov(theta, g, v):
            # g is the gradient at the look-ahead point theta - gamma v
            if lam != 0:
                g = g + lam * (theta - mu * v)
            v = mu * v + eta * g
            theta = theta - v
            return theta, v

        if mu == 0:
            if inplace:
                return tree_map_inplace(sgd_inplace, params, grads), SGDState(t=t, momentum_buffer=None)
            return tree_map(sgd, params, grads), SGDState(t=t, momentum_buffer=None)
        if inplace and not lookahead and self.momentum_form == "torch":
            params, buffer = tree_map_inplace(torch_momentum_inplace, params, grads, state.momentum_buffer)
            return params, SGDState(t=t, momentum_buffer=buffer)
        rule = lookahead_nesterov if lookahead else (
            velocity_momentum if self.momentum_form == "velocity" else torch_momentum)
        new_params, buffer = tree_map(rule, params, grads, state.momentum_buffer)
        new_state = SGDState(t=t, momentum_buffer=buffer)
        if inplace:
            return self._write_back(params, state, new_params, new_state)
        return new_params, new_state
