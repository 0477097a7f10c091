"""Run an optimizer on an objective: :func:`minimize` and :func:`steepest_descent` (chapters 1, 2, 6, 8).

Both return a :class:`Result`, the type :func:`gdlib.newton` returns too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from . import _validate
from .linesearch import along, armijo, exact_quadratic_step, golden_section

STATUSES = ("converged", "max_steps", "diverged", "failed")


@dataclass(frozen=True, repr=False)
class Result:
    """The trajectory of one run.

    Attributes
    ----------
    x : ndarray, shape (d,)
        The last iterate.
    path : ndarray, shape (k + 1, d)
        Every iterate, ``path[0]`` being the start and ``path[-1]`` ``x``.
    losses : ndarray, shape (k + 1,)
        :math:`f` at every iterate.
    grad_norms : ndarray, shape (k + 1,)
        :math:`\\|\\nabla f\\|_2` at every iterate.
    status : str
        ``"converged"`` (gradient norm <= tol), ``"max_steps"`` (ran out of
        steps), ``"diverged"`` (a non-finite or exploding loss stopped the
        run) or ``"failed"`` (a line search or a linear solve could not
        continue; ``message`` says why).
    steps : int
        k, the number of updates made.
    message : str
        A sentence saying how the run ended.
    info : dict
        Method-specific records (``"alphas"``: line-search steps;
        ``"indefinite_steps"``: where Newton met an indefinite Hessian).
    """

    x: np.ndarray
    path: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    status: str
    steps: int
    message: str = ""
    info: dict = field(default_factory=dict)

    @property
    def loss(self) -> float:
        """The final loss, ``losses[-1]``."""
        return float(self.losses[-1])

    def __repr__(self) -> str:
        x = np.array2string(np.asarray(self.x) + 0.0, precision=6, suppress_small=True)  # no "-0."
        return (f"Result(status={self.status!r}, steps={self.steps}, loss={self.loss:.6g}, "
                f"x={x})")


def _start_point(x0) -> np.ndarray:
    x0 = _validate.finite_array("x0", x0)
    if x0.ndim != 1:
        raise ValueError(f"x0 must be a vector of shape (d,), got shape {x0.shape}")
    return x0.copy()


def _finish(path, losses, grad_norms, status, message, info=None) -> Result:
    path = np.array(path)
    return Result(x=path[-1].copy(), path=path, losses=np.array(losses, dtype=float),
                  grad_norms=np.array(grad_norms, dtype=float), status=status,
                  steps=len(path) - 1, message=message, info=info or {})


def _loss_limit(loss0: float, max_loss: Optional[float]) -> float:
    if max_loss is None:
        return 1e8 * (1.0 + abs(loss0))
    return _validate.real("max_loss", max_loss, low=0.0, low_open=True)


def _exploded(x, loss, limit) -> bool:
    return not (np.isfinite(loss) and abs(loss) <= limit and np.all(np.isfinite(x)))


def minimize(objective, x0, optimizer, steps=1000, tol=1e-8, *, grad_noise: Optional[Callable] = None,
             max_loss: Optional[float] = None) -> Result:
    r"""Run any :mod:`gdlib.optim` optimizer on ``objective`` from ``x0``.

    Each iteration evaluates the gradient at ``optimizer.eval_point(x, state)``
    (the iterate itself, or Nesterov's look-ahead point
    :math:`\theta - \gamma v` for ``SGD(nesterov=True, nesterov_form="lookahead")``),
    optionally adds gradient noise, and applies ``optimizer.step``.

    Parameters
    ----------
    objective : object with ``value(x)`` and ``grad(x)``
    x0 : (d,) array_like
        Start point; not modified. A float32 start gives a float32 path.
    optimizer : gdlib.optim.Optimizer
    steps : int, default 1000
        Maximum number of updates.
    tol : float, default 1e-8
        Stop with status ``"converged"`` as soon as
        :math:`\|\nabla f(x_k)\|_2 \le` ``tol`` (checked at every iterate,
        including ``x0``).
    grad_noise : callable, optional
        ``grad_noise(g, t) -> g`` applied to every gradient, e.g.
        :class:`gdlib.noise.AnnealedGaussian` (chapter 12).
    max_loss : float, optional
        Stop with status ``"diverged"`` when :math:`|f(x_k)|` exceeds it (or
        is not finite). Default :math:`10^8 (1 + |f(x_0)|)`.

    Returns
    -------
    Result
    """
    if not (hasattr(optimizer, "init") and hasattr(optimizer, "step")):
        raise TypeError(f"optimizer must be a gdlib.optim optimizer (with init and step), got {optimizer!r}")
    x = _start_point(x0)
    steps = _validate.integer("steps", steps, low=0)
    tol = _validate.real("tol", tol, low=0.0)
    state = optimizer.init(x)
    loss = float(objective.value(x))
    limit = _loss_limit(loss, max_loss)
    path, losses, grad_norms = [x], [loss], []
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            g = np.asarray(objective.grad(x))
            grad_norms.append(float(np.linalg.norm(g)))
            if grad_norms[-1] <= tol:
                return _finish(path, losses, grad_norms, "converged",
                               f"gradient norm {grad_norms[-1]:.3g} <= tol after {k} steps")
            if k == steps:
                break
            x_eval = optimizer.eval_point(x, state)
            if x_eval is not x:
                g = np.asarray(objective.grad(x_eval))
            if grad_noise is not None:
                g = grad_noise(g, k)
            if not np.all(np.isfinite(g)):
                return _finish(path, losses, grad_norms, "diverged", f"non-finite gradient at step {k}")
            x, state = optimizer.step(x, g, state)
            loss = float(objective.value(x))
            path.append(x)
            losses.append(loss)
            if _exploded(x, loss, limit):
                grad_norms.append(float(np.linalg.norm(objective.grad(x))))
                return _finish(path, losses, grad_norms, "diverged",
                               f"loss {loss:.3g} exceeded the limit {limit:.3g} at step {k + 1}")
    return _finish(path, losses, grad_norms, "max_steps",
                   f"gradient norm {grad_norms[-1]:.3g} > tol after {steps} steps")


def steepest_descent(objective, x0, line_search="exact", steps=1000, tol=1e-8, *, alpha0=1.0, rho=0.5,
                     c1=1e-4, alpha_max=1.0, max_loss: Optional[float] = None) -> Result:
    r"""Steepest descent: move along :math:`-\nabla f` by the step a line search picks.

    .. math::

        p_k = -\nabla f(x_k), \qquad
        \alpha_k = \text{line search on } \phi(\alpha) = f(x_k + \alpha p_k), \qquad
        x_{k+1} = x_k + \alpha_k p_k

    Parameters
    ----------
    objective : object with ``value``, ``grad`` (and ``hess`` for "exact")
    x0 : (d,) array_like
    line_search : {"exact", "armijo", "golden"}, default "exact"
        ``"exact"``: :math:`\alpha_k = g^T g / g^T H g` with
        :math:`H = \nabla^2 f(x_k)`, the exact minimizer along :math:`p_k` on
        a quadratic (and of the second-order model otherwise).
        ``"armijo"``: backtracking from ``alpha0`` by ``rho`` until the Armijo
        condition with ``c1`` holds. ``"golden"``: golden-section search on
        :math:`[0, \text{alpha_max}]` (if the best step is ``alpha_max`` itself
        it is still taken, as long as it lowers :math:`f`).
    steps : int, default 1000
    tol : float, default 1e-8
        Converged when :math:`\|\nabla f(x_k)\|_2 \le` ``tol``.

    Returns
    -------
    Result
        ``info["alphas"]`` holds the steps taken. On a quadratic with exact
        steps successive gradients are orthogonal (the zig-zag, chapter 2).
    """
    line_search = _validate.choice("line_search", line_search, ("exact", "armijo", "golden"))
    if line_search == "exact" and not hasattr(objective, "hess"):
        raise TypeError(f"line_search='exact' needs an objective with hess, got {objective!r}")
    x = _start_point(x0)
    steps = _validate.integer("steps", steps, low=0)
    tol = _validate.real("tol", tol, low=0.0)
    loss = float(objective.value(x))
    limit = _loss_limit(loss, max_loss)
    path, losses, grad_norms, alphas = [x], [loss], [], []

    def done(status, message):
        return _finish(path, losses, grad_norms, status, message, {"alphas": np.array(alphas)})

    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            g = np.asarray(objective.grad(x), dtype=float)
            grad_norms.append(float(np.linalg.norm(g)))
            if grad_norms[-1] <= tol:
                return done("converged", f"gradient norm {grad_norms[-1]:.3g} <= tol after {k} steps")
            if k == steps:
                break
            p = -g                                                    # steepest-descent direction
            if line_search == "exact":
                alpha = exact_quadratic_step(objective.hess(x), g)    # g^T g / g^T H g
                if not np.isfinite(alpha):
                    return done("failed", f"no minimum along -g at step {k}: g^T H g <= 0")
            else:
                phi, _ = along(objective, x, p)
                if line_search == "armijo":
                    search = armijo(phi, loss, float(g @ p), alpha0=alpha0, rho=rho, c1=c1)
                else:
                    search = golden_section(phi, 0.0, alpha_max)
                if not search.success and (line_search == "armijo" or search.phi > loss):
                    return done("failed", f"line search failed at step {k}: {search.message}")
                alpha = search.alpha
            x = (x + alpha * p).astype(x.dtype, copy=False)
            loss = float(objective.value(x))
            path.append(x)
            losses.append(loss)
            alphas.append(alpha)
            if _exploded(x, loss, limit):
                grad_norms.append(float(np.linalg.norm(objective.grad(x))))
                return done("diverged", f"loss {loss:.3g} exceeded the limit {limit:.3g} at step {k + 1}")
    return done("max_steps", f"gradient norm {grad_norms[-1]:.3g} > tol after {steps} steps")


__all__ = ["Result", "minimize", "steepest_descent", "STATUSES"]
