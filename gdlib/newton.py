"""Newton's method, pure and damped (chapter 3)."""
from __future__ import annotations

from typing import Optional

import numpy as np

from . import _validate
from .descent import Result, _exploded, _finish, _loss_limit, _start_point
from .linesearch import along, armijo


def newton(objective, x0, damped=False, steps=100, tol=1e-8, *, rho=0.5, c1=1e-4,
           max_loss: Optional[float] = None) -> Result:
    r"""Newton's method from the second-order Taylor model.

    Setting the gradient of :math:`m(x) = f(x_k) + g^T (x - x_k) + \tfrac12 (x - x_k)^T H (x - x_k)`
    to zero gives the Newton step:

    .. math::

        H_k p_k &= -g_k \qquad (g_k = \nabla f(x_k),\ H_k = \nabla^2 f(x_k)) \\
        x_{k+1} &= x_k + \alpha_k p_k

    Pure Newton takes :math:`\alpha_k = 1` (one step to the minimizer of a
    positive definite quadratic). Damped Newton (``damped=True``) picks
    :math:`\alpha_k` by Armijo backtracking from 1; where :math:`H_k` is not
    positive definite and :math:`p_k` is not a descent direction
    (:math:`g_k^T p_k \ge 0`) it uses :math:`p_k = -g_k` for that step.

    Status ``"converged"`` means a small gradient, not a minimum: if the
    Hessian at the final point is not positive definite (a saddle or a
    maximum), ``result.message`` says so. An indefinite Hessian does not stop the run: pure Newton then heads for
    a saddle or a maximum, which is the point chapter 3 makes. The steps
    where it happened are listed in ``result.info["indefinite_steps"]`` and in
    ``result.message``.

    Parameters
    ----------
    objective : object with ``value``, ``grad`` and ``hess``
    x0 : (d,) array_like
    damped : bool, default False
    steps : int, default 100
    tol : float, default 1e-8
        Converged when :math:`\|\nabla f(x_k)\|_2 \le` ``tol``.
    rho, c1 : float
        Backtracking factor and Armijo constant (damped only).

    Returns
    -------
    Result
        Status ``"failed"`` when :math:`H_k` is singular.

    References
    ----------
    Nocedal and Wright (2006), ch. 3.3; the gradient-descent and backpropagation summary, part 1 (2). Chapter 3.
    """
    if not isinstance(damped, (bool, np.bool_)):
        raise TypeError(f"damped must be True or False, got {damped!r}")
    x = _start_point(x0)
    steps = _validate.integer("steps", steps, low=0)
    tol = _validate.real("tol", tol, low=0.0)
    loss = float(objective.value(x))
    limit = _loss_limit(loss, max_loss)
    path, losses, grad_norms, alphas, indefinite = [x], [loss], [], [], []

    def done(status, message):
        if indefinite:
            message += f"; Hessian not positive definite at steps {indefinite}"
        return _finish(path, losses, grad_norms, status, message,
                       {"alphas": np.array(alphas), "indefinite_steps": indefinite})

    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            g = np.asarray(objective.grad(x), dtype=float)
            grad_norms.append(float(np.linalg.norm(g)))
            if grad_norms[-1] <= tol:
                message = f"gradient norm {grad_norms[-1]:.3g} <= tol after {k} steps"
                if np.linalg.eigvalsh(np.asarray(objective.hess(x), dtype=float))[0] <= 0:
                    message += "; the final point is stationary but not a minimum (Hessian not positive definite)"
                return done("converged", message)
            if k == steps:
                break
            H = np.asarray(objective.hess(x), dtype=float)
            if np.linalg.eigvalsh(H)[0] <= 0:
                indefinite.append(k)
            try:
                p = np.linalg.solve(H, -g)                          # Newton direction: H p = -g
            except np.linalg.LinAlgError:
                return done("failed", f"singular Hessian at step {k}")
            alpha = 1.0
            if damped:
                if g @ p >= 0:                                      # not downhill: use -g
                    p = -g
                phi, _ = along(objective, x, p)
                search = armijo(phi, loss, float(g @ p), alpha0=1.0, rho=rho, c1=c1)
                if not search.success:
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


__all__ = ["newton"]
