"""Adam and its relatives: AdamW, Adamax, NAdam (chapter 7)."""
from __future__ import annotations

from typing import Any, NamedTuple, Optional

import numpy as np

from .. import _validate
from .base import Optimizer, check_betas, check_bool, check_lr, check_params, tree_map, tree_map_inplace, zeros_like


class AdamState(NamedTuple):
    """State of :class:`Adam` and :class:`AdamW`.

    Attributes
    ----------
    t : int
        Number of updates made.
    m : array or dict of arrays
        First moment estimate (running average of gradients).
    v : array or dict of arrays
        Second moment estimate (running average of squared gradients).
    v_max : array or dict of arrays, or None
        Largest :math:`v` so far (``amsgrad=True`` only).
    """

    t: int
    m: Any
    v: Any
    v_max: Optional[Any]


class Adam(Optimizer):
    r"""Adam, as in ``torch.optim.Adam``.

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \hat m_t &= \frac{m_t}{1 - \beta_1^t} \\
        \hat v_t &= \frac{v_t}{1 - \beta_2^t}
            \qquad (\text{amsgrad: } v^{\max}_t = \max(v^{\max}_{t-1}, v_t),\
            \hat v_t = v^{\max}_t / (1 - \beta_2^t)) \\
        \theta_t &= \theta_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    With ``decoupled_weight_decay=True`` (AdamW) the first line is
    :math:`g_t = \nabla f(\theta_{t-1})` and the parameters first shrink,
    :math:`\theta_{t-1} \leftarrow (1 - \eta\lambda)\theta_{t-1}`.

    With ``bias_correction=False`` the course slides' version:
    :math:`\hat m_t = m_t`, :math:`\hat v_t = v_t` (the slides also leave out
    :math:`\epsilon`; keep a small ``eps`` to avoid dividing by zero). With
    ``betas[0] = 0`` this version is RMSprop with :math:`\alpha = \beta_2`.

    Symbols: :math:`\eta` = ``lr``, :math:`(\beta_1, \beta_2)` = ``betas``,
    :math:`\epsilon` = ``eps``, :math:`\lambda` = ``weight_decay``.

    Parameters
    ----------
    lr : float or callable, default 1e-3
    betas : (float, float), default (0.9, 0.999)
        Each in [0, 1).
    eps : float, default 1e-8
    weight_decay : float, default 0
    amsgrad : bool, default False
    decoupled_weight_decay : bool, default False
    bias_correction : bool, default True
        False gives the slides' Adam.

    References
    ----------
    Kingma and Ba (2015), *Adam: a method for stochastic optimization*; Reddi
    et al. (2018) for AMSGrad; Ruder (2016) §4.6. Derived in chapter 7.
    """

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
                 *, decoupled_weight_decay=False, bias_correction=True):
        self.lr = check_lr(lr)
        self.betas = check_betas(betas)
        self.eps = _validate.real("eps", eps, low=0.0, low_open=True)
        self.weight_decay = _validate.real("weight_decay", weight_decay, low=0.0)
        self.amsgrad = check_bool("amsgrad", amsgrad)
        self.decoupled_weight_decay = check_bool("decoupled_weight_decay", decoupled_weight_decay)
        self.bias_correction = check_bool("bias_correction", bias_correction)

    def init(self, params) -> AdamState:
        params = check_params(params)
        return AdamState(t=0, m=zeros_like(params), v=zeros_like(params),
                         v_max=zeros_like(params) if self.amsgrad else None)

    def step(self, params, grads, state: AdamState, *, inplace: bool = False):
        """One update; pure unless ``inplace=True``.

        With ``inplace=True``, ``params``, ``m``, ``v`` (and ``v_max``) are
        overwritten: the same equations in the same order, each written as an
        update of the array it changes, so the results are identical bit for
        bit, applied to cache-sized pieces of large arrays
        (:func:`~gdlib.optim.base.tree_map_inplace`). Why: a pure step
        writes three new arrays (θ, m, v) to fresh memory on every call and
        streams every array through memory once per operation, which at 10^6
        parameters and more costs about as much as the arithmetic (measured in
        the book's performance appendix).
        """
        params, grads, t, eta = self._start(params, grads, state, inplace)
        beta1, beta2 = self.betas
        eps, lam = self.eps, self.weight_decay

        def adam(theta, g, m, v, v_max):
            if lam != 0 and self.decoupled_weight_decay:
                theta = theta * (1 - eta * lam)                # decoupled weight decay (AdamW)
            elif lam != 0:
                g = g + lam * theta                            # L2 penalty in the gradient
            m = beta1 * m + (1 - beta1) * g                    # first moment estimate
            v = beta2 * v + (1 - beta2) * g**2                 # second moment estimate
            if self.amsgrad:
                v_max = np.maximum(v_max, v)
            v_used = v_max if self.amsgrad else v
            if self.bias_correction:
                m_hat = m / (1 - beta1**t)                     # bias corrections
                v_hat = v_used / (1 - beta2**t)
            else:
                m_hat, v_hat = m, v_used
            theta = theta - eta * m_hat / (np.sqrt(v_hat) + eps)
            return theta, m, v, v_max

        def adam_inplace(theta, g, m, v, v_max):
            if lam != 0 and self.decoupled_weight_decay:
                theta *= 1 - eta * lam                         # decoupled weight decay (AdamW)
            elif lam != 0:
                g = g + lam * theta                            # L2 penalty in the gradient
            m *= beta1                                         # first moment estimate
            m += (1 - beta1) * g                               #   m <- beta1 m + (1 - beta1) g
            scratch = g**2                                     # one scratch array, reused below
            scratch *= 1 - beta2
            v *= beta2                                         # second moment estimate
            v += scratch                                       #   v <- beta2 v + (1 - beta2) g^2
            if self.amsgrad:
                np.maximum(v_max, v, out=v_max)
            v_used = v_max if self.amsgrad else v
            if self.bias_correction:
                m_hat = m / (1 - beta1**t)                     # bias corrections
                v_hat = np.divide(v_used, 1 - beta2**t, out=scratch)
            else:
                m_hat, v_hat = m.copy(), scratch
                v_hat[...] = v_used
            denom = np.sqrt(v_hat, out=v_hat)                  # eta m_hat / (sqrt(v_hat) + eps)
            denom += eps
            m_hat *= eta
            m_hat /= denom
            theta -= m_hat
            return theta, m, v, v_max

        if inplace:     # cache-sized pieces of large arrays, the same numbers (see base.tree_map_inplace)
            params, m, v, v_max = tree_map_inplace(adam_inplace, params, grads, state.m, state.v, state.v_max)
        else:
            params, m, v, v_max = tree_map(adam, params, grads, state.m, state.v, state.v_max)
        return params, AdamState(t=t, m=m, v=v, v_max=v_max if self.amsgrad else None)


class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay, as in ``torch.optim.AdamW``.

    .. math::

        \theta_{t-1} &\leftarrow (1 - \eta\lambda)\,\theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \theta_t &= \theta_{t-1} - \eta \frac{m_t / (1 - \beta_1^t)}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}

    The decay no longer passes through :math:`\sqrt{v}`, so every weight
    shrinks at the same relative rate :math:`\eta\lambda`.
    Symbols and options as in :class:`Adam`; ``weight_decay`` defaults to 1e-2.

    References
    ----------
    Loshchilov and Hutter (2019), *Decoupled weight decay regularization*.
    Chapter 7 (beyond the sources).
    """

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False,
                 *, bias_correction=True):
        super().__init__(lr, betas, eps, weight_decay, amsgrad,
                         decoupled_weight_decay=True, bias_correction=bias_correction)


class AdamaxState(NamedTuple):
    """State of :class:`Adamax`.

    Attributes
    ----------
    t : int
        Number of updates made.
    m : array or dict of arrays
        First moment estimate.
    u : array or dict of arrays
        Exponentially weighted infinity norm :math:`u_t`.
    """

    t: int
    m: Any
    u: Any


class Adamax(Optimizer):
    r"""Adamax (Adam with the infinity norm), as in ``torch.optim.Adamax``.

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        u_t &= \max(\beta_2 u_{t-1},\ |g_t| + \epsilon) \\
        \theta_t &= \theta_{t-1} - \frac{\eta}{1 - \beta_1^t} \frac{m_t}{u_t}

    Torch adds :math:`\epsilon` inside the max (Kingma and Ba write
    :math:`\max(\beta_2 u_{t-1}, |g_t|)`); this follows torch.
    Symbols: :math:`\eta` = ``lr``, :math:`(\beta_1, \beta_2)` = ``betas``,
    :math:`\epsilon` = ``eps``, :math:`\lambda` = ``weight_decay``.

    Parameters
    ----------
    lr : float or callable, default 2e-3
    betas : (float, float), default (0.9, 0.999)
    eps : float, default 1e-8
    weight_decay : float, default 0

    References
    ----------
    Kingma and Ba (2015) §7.1; Ruder (2016) §4.7. Chapter 7.
    """

    def __init__(self, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.lr = check_lr(lr)
        self.betas = check_betas(betas)
        self.eps = _validate.real("eps", eps, low=0.0, low_open=True)
        self.weight_decay = _validate.real("weight_decay", weight_decay, low=0.0)

    def init(self, params) -> AdamaxState:
        params = check_params(params)
        return AdamaxState(t=0, m=zeros_like(params), u=zeros_like(params))

    def step(self, params, grads, state: AdamaxState, *, inplace: bool = False):
        """One update; pure unless ``inplace=True`` (then the new values are copied
        into ``params`` and ``state``, see :mod:`gdlib.optim.base`)."""
        params, grads, t, eta = self._start(params, grads, state, inplace)
        given, given_state = params, state
        beta1, beta2 = self.betas
        eps, lam = self.eps, self.weight_decay

        def adamax(theta, g, m, u):
            if lam != 0:
                g = g + lam * theta
            m = beta1 * m + (1 - beta1) * g                    # first moment estimate
            u = np.maximum(beta2 * u, np.abs(g) + eps)         # infinity-norm estimate
            theta = theta - eta / (1 - beta1**t) * m / u
            return theta, m, u

        params, m, u = tree_map(adamax, params, grads, state.m, state.u)
        new_state = AdamaxState(t=t, m=m, u=u)
        if inplace:
            return self._write_back(given, given_state, params, new_state)
        return params, new_state


class NAdamState(NamedTuple):
    """State of :class:`NAdam`.

    Attributes
    ----------
    t : int
        Number of updates made.
    mu_product : float
        :math:`\\prod_{s \\le t} \\mu_s`, the product of the momentum coefficients.
    m : array or dict of arrays
        First moment estimate.
    v : array or dict of arrays
        Second moment estimate.
    """

    t: int
    mu_product: float
    m: Any
    v: Any


class NAdam(Optimizer):
    r"""NAdam (Adam with Nesterov momentum), as in ``torch.optim.NAdam``.

    .. math::

        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        \mu_t &= \beta_1 \left(1 - \tfrac12\, 0.96^{t\psi}\right),
            \qquad \mu_{t+1} = \beta_1 \left(1 - \tfrac12\, 0.96^{(t+1)\psi}\right) \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \hat v_t &= \frac{v_t}{1 - \beta_2^t} \\
        \theta_t &= \theta_{t-1}
            - \eta \frac{1 - \mu_t}{1 - \prod_{s \le t} \mu_s} \frac{g_t}{\sqrt{\hat v_t} + \epsilon}
            - \eta \frac{\mu_{t+1}}{1 - \prod_{s \le t+1} \mu_s} \frac{m_t}{\sqrt{\hat v_t} + \epsilon}

    With ``decoupled_weight_decay=True`` the penalty leaves the gradient and
    :math:`\theta_{t-1} \leftarrow (1 - \eta\lambda)\theta_{t-1}` instead.
    Symbols: :math:`\eta` = ``lr``, :math:`(\beta_1, \beta_2)` = ``betas``,
    :math:`\epsilon` = ``eps``, :math:`\lambda` = ``weight_decay``,
    :math:`\psi` = ``momentum_decay``.

    Parameters
    ----------
    lr : float or callable, default 2e-3
    betas : (float, float), default (0.9, 0.999)
    eps : float, default 1e-8
    weight_decay : float, default 0
    momentum_decay : float, default 4e-3
    decoupled_weight_decay : bool, default False

    References
    ----------
    Dozat (2016), *Incorporating Nesterov momentum into Adam*; Ruder (2016)
    §4.8. Chapter 7 (beyond the sources).
    """

    def __init__(self, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
                 decoupled_weight_decay=False):
        self.lr = check_lr(lr)
        self.betas = check_betas(betas)
        self.eps = _validate.real("eps", eps, low=0.0, low_open=True)
        self.weight_decay = _validate.real("weight_decay", weight_decay, low=0.0)
        self.momentum_decay = _validate.real("momentum_decay", momentum_decay, low=0.0)
        self.decoupled_weight_decay = check_bool("decoupled_weight_decay", decoupled_weight_decay)

    def init(self, params) -> NAdamState:
        params = check_params(params)
        return NAdamState(t=0, mu_product=1.0, m=zeros_like(params), v=zeros_like(params))

    def step(self, params, grads, state: NAdamState, *, inplace: bool = False):
        """One update; pure unless ``inplace=True`` (then the new values are copied
        into ``params`` and ``state``, see :mod:`gdlib.optim.base`)."""
        params, grads, t, eta = self._start(params, grads, state, inplace)
        given, given_state = params, state
        beta1, beta2 = self.betas
        eps, lam, psi = self.eps, self.weight_decay, self.momentum_decay
        mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * psi))              # momentum coefficient now
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))     # and at the next step
        mu_product = state.mu_product * mu_t

        def nadam(theta, g, m, v):
            if lam != 0 and self.decoupled_weight_decay:
                theta = theta * (1 - eta * lam)
            elif lam != 0:
                g = g + lam * theta
            m = beta1 * m + (1 - beta1) * g                    # first moment estimate
            v = beta2 * v + (1 - beta2) * g**2                 # second moment estimate
            v_hat = v / (1 - beta2**t)
            denom = np.sqrt(v_hat) + eps
            theta = (theta
                     - eta * (1 - mu_t) / (1 - mu_product) * g / denom
                     - eta * mu_next / (1 - mu_product * mu_next) * m / denom)
            return theta, m, v

        params, m, v = tree_map(nadam, params, grads, state.m, state.v)
        new_state = NAdamState(t=t, mu_product=mu_product, m=m, v=v)
        if inplace:
            return self._write_back(given, given_state, params, new_state)
        return params, new_state
