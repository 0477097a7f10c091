"""Learning-rate schedules: callables of the step count (chapter 5).

A schedule is called with ``t``, the number of updates already made (0 for
the first update), and returns the learning rate of the next update. Any
optimizer in :mod:`gdlib.optim` accepts one as ``lr``::

    opt = gdlib.optim.SGD(lr=gdlib.schedules.inverse_sqrt(0.1))

Each schedule also accepts an integer array ``t`` (to tabulate or plot it).
This is the convention of ``torch.optim.lr_scheduler`` when
``scheduler.step()`` is called after every ``optimizer.step()``:
:func:`exponential` reproduces ``ExponentialLR``, :func:`step_decay`
``StepLR`` and :func:`cosine` ``CosineAnnealingLR`` (closed form).

References: the Hung-yi Lee style lecture notes for :math:`1/t` and
:math:`1/\\sqrt{t+1}`; Ruder (2016) §3 for schedules set in advance;
Loshchilov and Hutter (2017) for cosine annealing; Goyal et al. (2017) for
linear warm-up.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from . import _validate


def _result(value):
    return float(value) if np.ndim(value) == 0 else value


class Schedule:
    """Base of the schedules: ``schedule(t)`` is the rate of update ``t + 1``."""

    def __call__(self, t):
        t = np.asarray(t)
        if t.dtype.kind not in "iu" and not (t.dtype.kind == "f" and np.all(t == np.floor(t))):
            raise TypeError(f"t must be an integer step count, got {t!r}")
        if np.any(t < 0):
            raise ValueError(f"t must be >= 0, got {t!r}")
        return _result(self.rate(t))

    def rate(self, t):  # pragma: no cover - overridden
        raise NotImplementedError


@dataclass(frozen=True)
class constant(Schedule):
    r""":math:`\eta_t = \eta`."""

    lr: float

    def __post_init__(self):
        _validate.real("lr", self.lr, low=0.0)

    def rate(self, t):
        return self.lr * np.ones_like(t, dtype=float)


@dataclass(frozen=True)
class inverse_time(Schedule):
    r"""The :math:`1/t` decay :math:`\eta_t = \eta / (1 + k t)`; with :math:`k = 1`, :math:`\eta/(t+1)`.

    ``decay`` is :math:`k`. Satisfies the Robbins-Monro conditions
    :math:`\sum \eta_t = \infty`, :math:`\sum \eta_t^2 < \infty` (chapter 5).
    """

    lr: float
    decay: float = 1.0

    def __post_init__(self):
        _validate.real("lr", self.lr, low=0.0)
        _validate.real("decay", self.decay, low=0.0)

    def rate(self, t):
        return self.lr / (1 + self.decay * t)


@dataclass(frozen=True)
class inverse_sqrt(Schedule):
    r""":math:`\eta_t = \eta / \sqrt{t + 1}` (the learning-rate decay of the Hung-yi Lee style notes)."""

    lr: float

    def __post_init__(self):
        _validate.real("lr", self.lr, low=0.0)

    def rate(self, t):
        return self.lr / np.sqrt(t + 1)


@dataclass(frozen=True)
class step_decay(Schedule):
    r""":math:`\eta_t = \eta\, \gamma^{\lfloor t / s \rfloor}`: multiply by ``gamma`` every ``step_size`` updates (``StepLR``)."""

    lr: float
    step_size: int
    gamma: float = 0.1

    def __post_init__(self):
        _validate.real("lr", self.lr, low=0.0)
        _validate.integer("step_size", self.step_size, low=1)
        _validate.real("gamma", self.gamma, low=0.0)

    def rate(self, t):
        return self.lr * self.gamma ** (t // self.step_size)


step = step_decay


@dataclass(frozen=True)
class exponential(Schedule):
    r""":math:`\eta_t = \eta\, \gamma^t` (``ExponentialLR``)."""

    lr: float
    gamma: float

    def __post_init__(self):
        _validate.real("lr", self.lr, low=0.0)
        _validate.real("gamma", self.gamma, low=0.0)

    def rate(self, t):
        return self.lr * self.gamma ** t


@dataclass(frozen=True)
class cosine(Schedule):
    r"""Cosine annealing :math:`\eta_t = \eta_{\min} + \tfrac12(\eta - \eta_{\min})(1 + \cos(\pi t / T))` for :math:`t \le T`, then :math:`\eta_{\min}`.

    ``total_steps`` is :math:`T`, ``lr_min`` is :math:`\eta_{\min}`.
    """

    lr: float
    total_steps: int
    lr_min: float = 0.0

    def __post_init__(self):
        _validate.real("lr", self.lr, low=0.0)
        _validate.integer("total_steps", self.total_steps, low=1)
        _validate.real("lr_min", self.lr_min, low=0.0, high=self.lr)

    def rate(self, t):
        t = np.minimum(t, self.total_steps)
        return self.lr_min + 0.5 * (self.lr - self.lr_min) * (1 + np.cos(np.pi * t / self.total_steps))


@dataclass(frozen=True)
class linear_warmup(Schedule):
    r"""Linear warm-up: :math:`\eta_t = \eta\,(t + 1) / W` for :math:`t < W`, then ``after(t - W)`` (or :math:`\eta`).

    ``warmup_steps`` is :math:`W`; ``after`` is another schedule, started at 0
    when the warm-up ends.
    """

    lr: float
    warmup_steps: int
    after: Optional[Callable] = None

    def __post_init__(self):
        _validate.real("lr", self.lr, low=0.0)
        _validate.integer("warmup_steps", self.warmup_steps, low=1)
        if self.after is not None and not callable(self.after):
            raise TypeError(f"after must be a schedule (callable) or None, got {self.after!r}")

    def rate(self, t):
        W = self.warmup_steps
        warm = self.lr * (t + 1) / W
        if self.after is None:
            rest = self.lr * np.ones_like(t, dtype=float)
        else:
            rest = np.asarray(self.after(np.maximum(t - W, 0)), dtype=float)
        return np.where(t < W, warm, rest)


__all__ = ["Schedule", "constant", "inverse_time", "inverse_sqrt", "step_decay", "step",
           "exponential", "cosine", "linear_warmup"]
