r"""Test functions with analytic value, gradient and Hessian (chapters 1-4 and 8).

Every objective has ``value(x)``, ``grad(x)`` and ``hess(x)``, and where it is
known ``minimizer`` (``None`` otherwise). Points are arrays of shape ``(d,)``,
or any stack ``(..., d)`` (a grid of points for a contour plot): ``value``
returns shape ``(...)``, ``grad`` ``(..., d)`` and ``hess`` ``(..., d, d)``.
Calling an objective is calling its ``value``.

========================  ========================================  ======================
objective                 :math:`f`                                 minimizer
========================  ========================================  ======================
``Quadratic(A, b, c)``    :math:`\tfrac12 x^T A x - b^T x + c`      :math:`A^{-1} b`
``ill_conditioned``       quadratic with condition number kappa     0
``LinearNeuron(X, y)``    :math:`\tfrac{1}{2N}\|Xw - y\|^2`         least squares
``Rosenbrock(a, b)``      :math:`(a - x)^2 + b (y - x^2)^2`         :math:`(a, a^2)`
``Beale()``               sum of three squared residuals            :math:`(3, 1/2)`
``Himmelblau()``          :math:`(x^2+y-11)^2 + (x+y^2-7)^2`        four minima
``Saddle()``              :math:`x^2 - y^2`                         none (saddle at 0)
========================  ========================================  ======================
"""
from __future__ import annotations

import numpy as np

from . import _validate


class Objective:
    """Base class: ``value``, ``grad``, ``hess`` on points of shape ``(..., dim)``.

    Attributes
    ----------
    dim : int
        Number of variables.
    minimizer : ndarray or None
        The global minimizer, if known.
    domain : tuple of (low, high) pairs or None
        A window that shows the interesting part (for contour plots).
    """

    name = "objective"
    dim = 2
    minimizer = None
    domain = None

    def _point(self, x) -> np.ndarray:
        x = np.asarray(x)
        if x.dtype.kind not in "fiu":
            raise TypeError(f"x must be a numeric array, got dtype {x.dtype}")
        if x.dtype.kind != "f":
            x = x.astype(np.float64)
        if x.ndim == 0 or x.shape[-1] != self.dim:
            raise ValueError(f"x must have shape ({self.dim},) or (..., {self.dim}) for {self.name}, "
                             f"got shape {x.shape}")
        return x

    def __call__(self, x):
        return self.value(x)

    @property
    def minimum(self):
        """:math:`f` at the minimizer (``None`` when no minimizer is known)."""
        return None if self.minimizer is None else float(self.value(self.minimizer))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _stack(*columns):
    """Stack arrays of shape (...) into shape (..., k)."""
    return np.stack(np.broadcast_arrays(*columns), axis=-1)


def _matrix(a, b, c, d):
    """The 2x2 matrices [[a, b], [c, d]] with shape (..., 2, 2)."""
    return np.stack([_stack(a, b), _stack(c, d)], axis=-2)


# --------------------------------------------------------------------------
# quadratics
# --------------------------------------------------------------------------
class Quadratic(Objective):
    r"""The quadratic :math:`f(x) = \tfrac12 x^T A x - b^T x + c`.

    .. math::

        \nabla f(x) = A x - b, \qquad \nabla^2 f(x) = A,
        \qquad x^* = A^{-1} b \ (A \text{ positive definite})

    Parameters
    ----------
    A : (d, d) array_like
        Symmetric matrix.
    b : (d,) array_like, optional
        Linear term; zero by default.
    c : float, default 0
        Constant.

    Attributes
    ----------
    eigenvalues : ndarray
        Eigenvalues of :math:`A`, ascending.
    condition_number : float
        :math:`\lambda_{\max} / \lambda_{\min}` (``inf`` unless :math:`A` is
        positive definite).
    L : float
        :math:`\lambda_{\max}`, the Lipschitz constant of the gradient;
        gradient descent with a fixed step converges iff :math:`0 < \eta < 2/L`
        (chapter 1).

    Notes
    -----
    Chapter 2 (steepest descent, exact line search) and chapter 3 (Newton in
    one step) use it; chapter 4 gets one from a linear neuron
    (:class:`LinearNeuron`).
    """

    name = "quadratic"

    def __init__(self, A, b=None, c=0.0):
        A = _validate.finite_array("A", A)
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise ValueError(f"A must be a square matrix, got shape {A.shape}")
        if not np.allclose(A, A.T, rtol=1e-10, atol=1e-12):
            raise ValueError(f"A must be symmetric, got A = {A.tolist()!r}")
        d = A.shape[0]
        b = np.zeros(d, dtype=A.dtype) if b is None else _validate.finite_array("b", b)
        if b.shape != (d,):
            raise ValueError(f"b must have shape ({d},) to match A, got shape {b.shape}")
        self.A = A.copy()
        self.b = b.copy()
        self.c = _validate.real("c", c)
        self.dim = d
        self.eigenvalues = np.linalg.eigvalsh(self.A)
        self.L = float(self.eigenvalues[-1])
        # Rounding leaves a singular A with a tiny eigenvalue of either sign:
        # treat anything below d * machine-eps * |lambda_max| as zero.
        tol = d * np.finfo(np.float64).eps * max(abs(self.eigenvalues[-1]), abs(self.eigenvalues[0]))
        positive_definite = self.eigenvalues[0] > tol
        self.condition_number = (float(self.eigenvalues[-1] / self.eigenvalues[0])
                                 if positive_definite else float("inf"))
        self.minimizer = np.linalg.solve(self.A, self.b) if positive_definite else None

    def value(self, x):
        x = self._point(x)
        return 0.5 * np.einsum("...i,ij,...j->...", x, self.A, x) - x @ self.b + self.c

    def grad(self, x):
        x = self._point(x)
        return x @ self.A.T - self.b

    def hess(self, x):
        x = self._point(x)
        return np.broadcast_to(self.A, x.shape[:-1] + self.A.shape).copy()

    def __repr__(self) -> str:
        return f"Quadratic(A={self.A.tolist()}, b={self.b.tolist()}, c={self.c})"


def ill_conditioned(condition_number=10.0, angle=0.0, dim=2, scale=1.0) -> Quadratic:
    r"""A quadratic :math:`\tfrac12 x^T A x` with a chosen condition number.

    In 2-D, :math:`A = R(\theta)\, \mathrm{diag}(s, s\kappa)\, R(\theta)^T`, a
    valley whose long axis is turned by ``angle`` :math:`\theta` (radians)
    from the x-axis. In ``dim`` > 2 dimensions the eigenvalues are spaced
    geometrically from :math:`s` to :math:`s\kappa` (no rotation).
    The minimizer is the origin.

    Parameters
    ----------
    condition_number : float, default 10
        :math:`\kappa = \lambda_{\max}/\lambda_{\min} \ge 1`.
    angle : float, default 0
        Rotation of the valley (2-D only).
    dim : int, default 2
    scale : float, default 1
        Smallest eigenvalue :math:`s`.

    Notes
    -----
    Chapter 2 (the zig-zag of steepest descent), chapter 6 (momentum) and
    chapter 8 (comparing optimizers).
    """
    kappa = _validate.real("condition_number", condition_number, low=1.0)
    angle = _validate.real("angle", angle)
    dim = _validate.integer("dim", dim, low=1)
    s = _validate.real("scale", scale, low=0.0, low_open=True)
    if dim == 2:
        R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        A = R @ np.diag([s, s * kappa]) @ R.T
        A = 0.5 * (A + A.T)
    else:
        if angle != 0:
            raise ValueError(f"angle only applies to dim=2, got angle={angle!r} with dim={dim}")
        A = np.diag(s * np.geomspace(1.0, kappa, dim))
    q = Quadratic(A)
    q.minimizer = np.zeros(dim)
    q.name = f"ill-conditioned quadratic (kappa={kappa:g})"
    q.domain = ((-2.0, 2.0), (-2.0, 2.0)) if dim == 2 else None
    return q


class LinearNeuron(Quadratic):
    r"""Squared error of a linear neuron :math:`y = w^T x` on a data set.

    .. math::

        E(w) = \frac{1}{2N} \sum_{n=1}^N (w^T x_n - t_n)^2
             = \tfrac12 w^T A w - b^T w + c,
        \qquad A = \tfrac1N X^T X,\ b = \tfrac1N X^T t,\ c = \tfrac{1}{2N} t^T t

    so the error surface is a quadratic bowl whose Hessian is the (uncentred)
    input covariance :math:`A`. With ``reduction="sum"`` the :math:`1/N` goes
    (Hinton's :math:`E = \tfrac12 \sum_n (t_n - y_n)^2`). No bias: append a
    column of ones to ``X`` for one.

    Parameters
    ----------
    X : (N, d) array_like
        Inputs, one case per row.
    y : (N,) array_like
        Targets :math:`t_n`.
    reduction : {"mean", "sum"}, default "mean"

    Notes
    -----
    Chapter 4 (error surfaces and input preprocessing): Hinton's cases
    ``X = [[101, 101], [101, 99]], y = [2, 0]`` and their shifted and scaled
    versions.
    """

    name = "linear neuron"

    def __init__(self, X, y, reduction="mean"):
        X = _validate.finite_array("X", X)
        y = _validate.finite_array("y", y)
        if X.ndim != 2:
            raise ValueError(f"X must have shape (N, d), got shape {X.shape}")
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got shape {y.shape}")
        self.reduction = _validate.choice("reduction", reduction, ("mean", "sum"))
        self.X, self.y = X.copy(), y.copy()
        k = 1.0 / X.shape[0] if reduction == "mean" else 1.0
        super().__init__(k * X.T @ X, k * X.T @ y, 0.5 * k * float(y @ y))
        self._k = k

    def value(self, w):
        w = self._point(w)
        residual = w @ self.X.T - self.y                   # w^T x_n - t_n for every case
        return 0.5 * self._k * np.sum(residual**2, axis=-1)

    def grad(self, w):
        w = self._point(w)
        residual = w @ self.X.T - self.y
        return self._k * residual @ self.X

    def __repr__(self) -> str:
        return f"LinearNeuron(X={self.X.tolist()}, y={self.y.tolist()}, reduction={self.reduction!r})"


# --------------------------------------------------------------------------
# classic 2-D test functions
# --------------------------------------------------------------------------
class Rosenbrock(Objective):
    r"""Rosenbrock's banana valley :math:`f(x, y) = (a - x)^2 + b\,(y - x^2)^2`.

    .. math::

        \nabla f = \begin{pmatrix} -2(a - x) - 4 b x (y - x^2) \\ 2 b (y - x^2) \end{pmatrix},
        \qquad
        \nabla^2 f = \begin{pmatrix} 2 - 4b(y - x^2) + 8 b x^2 & -4 b x \\ -4 b x & 2b \end{pmatrix}

    Minimizer :math:`(a, a^2)` with value 0. Chapters 3 (Newton vs gradient
    descent) and 8.
    """

    name = "Rosenbrock"
    domain = ((-2.0, 2.0), (-1.0, 3.0))

    def __init__(self, a=1.0, b=100.0):
        self.a = _validate.real("a", a)
        self.b = _validate.real("b", b, low=0.0, low_open=True)
        self.minimizer = np.array([self.a, self.a**2])

    def value(self, p):
        p = self._point(p)
        x, y = p[..., 0], p[..., 1]
        return (self.a - x)**2 + self.b * (y - x**2)**2

    def grad(self, p):
        p = self._point(p)
        x, y = p[..., 0], p[..., 1]
        a, b = self.a, self.b
        return _stack(-2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2))

    def hess(self, p):
        p = self._point(p)
        x, y = p[..., 0], p[..., 1]
        b = self.b
        return _matrix(2 - 4 * b * (y - x**2) + 8 * b * x**2, -4 * b * x, -4 * b * x, 2 * b + 0 * x)

    def __repr__(self) -> str:
        return f"Rosenbrock(a={self.a:g}, b={self.b:g})"


class Beale(Objective):
    r"""Beale's function, a flat plateau with steep walls (Ruder's figure 4a).

    .. math::

        f(x, y) = r_1^2 + r_2^2 + r_3^2, \quad
        r_1 = 1.5 - x + xy,\ r_2 = 2.25 - x + xy^2,\ r_3 = 2.625 - x + xy^3

    :math:`\nabla f = 2 \sum_i r_i \nabla r_i`, :math:`\nabla^2 f = 2 \sum_i
    (\nabla r_i \nabla r_i^T + r_i \nabla^2 r_i)`. Minimizer :math:`(3, 1/2)`
    with value 0. Chapter 8.
    """

    name = "Beale"
    domain = ((-4.5, 4.5), (-4.5, 4.5))
    dim = 2

    def __init__(self):
        self.minimizer = np.array([3.0, 0.5])

    @staticmethod
    def _residuals(x, y):
        r = (1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3)
        dr_dx = (y - 1, y**2 - 1, y**3 - 1)
        dr_dy = (x, 2 * x * y, 3 * x * y**2)
        return r, dr_dx, dr_dy

    def value(self, p):
        p = self._point(p)
        r, _, _ = self._residuals(p[..., 0], p[..., 1])
        return r[0]**2 + r[1]**2 + r[2]**2

    def grad(self, p):
        p = self._point(p)
        r, rx, ry = self._residuals(p[..., 0], p[..., 1])
        return _stack(2 * sum(ri * rxi for ri, rxi in zip(r, rx)),
                      2 * sum(ri * ryi for ri, ryi in zip(r, ry)))

    def hess(self, p):
        p = self._point(p)
        x, y = p[..., 0], p[..., 1]
        r, rx, ry = self._residuals(x, y)
        rxy = (1 + 0 * x, 2 * y, 3 * y**2)             # second derivatives of r_i
        ryy = (0 * x, 2 * x, 6 * x * y)
        hxx = 2 * sum(rxi * rxi for rxi in rx)
        hxy = 2 * sum(rxi * ryi + ri * rxyi for rxi, ryi, ri, rxyi in zip(rx, ry, r, rxy))
        hyy = 2 * sum(ryi * ryi + ri * ryyi for ryi, ri, ryyi in zip(ry, r, ryy))
        return _matrix(hxx, hxy, hxy, hyy)

    def __repr__(self) -> str:
        return "Beale()"


class Himmelblau(Objective):
    r"""Himmelblau's function :math:`f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2`.

    .. math::

        \nabla f = \begin{pmatrix} 4x r_1 + 2 r_2 \\ 2 r_1 + 4 y r_2 \end{pmatrix},
        \qquad
        \nabla^2 f = \begin{pmatrix} 12x^2 + 4y - 42 & 4x + 4y \\ 4x + 4y & 4x + 12y^2 - 26 \end{pmatrix}

    with :math:`r_1 = x^2 + y - 11`, :math:`r_2 = x + y^2 - 7`. Four minima,
    all with value 0 (``minimizers``); ``minimizer`` is :math:`(3, 2)`.
    Where a run ends depends on where it starts (chapters 1 and 8).
    """

    name = "Himmelblau"
    domain = ((-5.0, 5.0), (-5.0, 5.0))

    def __init__(self):
        self.minimizers = np.array([[3.0, 2.0],
                                    [-2.805118086952745, 3.131312518250573],
                                    [-3.779310253377747, -3.283185991286169],
                                    [3.5844283403304917, -1.8481265269644034]])
        self.minimizer = self.minimizers[0].copy()

    def value(self, p):
        p = self._point(p)
        x, y = p[..., 0], p[..., 1]
        return (x**2 + y - 11)**2 + (x + y**2 - 7)**2

    def grad(self, p):
        p = self._point(p)
        x, y = p[..., 0], p[..., 1]
        r1, r2 = x**2 + y - 11, x + y**2 - 7
        return _stack(4 * x * r1 + 2 * r2, 2 * r1 + 4 * y * r2)

    def hess(self, p):
        p = self._point(p)
        x, y = p[..., 0], p[..., 1]
        return _matrix(12 * x**2 + 4 * y - 42, 4 * x + 4 * y, 4 * x + 4 * y, 4 * x + 12 * y**2 - 26)

    def __repr__(self) -> str:
        return "Himmelblau()"


class Saddle(Objective):
    r"""The saddle :math:`f(x, y) = x^2 - y^2` (Ruder's figure 4b).

    .. math::

        \nabla f = (2x, -2y), \qquad \nabla^2 f = \mathrm{diag}(2, -2)

    The origin is a stationary point (``stationary_point``) but not a
    minimum; ``minimizer`` is ``None`` and :math:`f` is unbounded below.
    Chapter 3 (Newton is attracted to it) and chapter 8.
    """

    name = "saddle"
    domain = ((-2.0, 2.0), (-2.0, 2.0))

    def __init__(self):
        self.stationary_point = np.zeros(2)

    def value(self, p):
        p = self._point(p)
        return p[..., 0]**2 - p[..., 1]**2

    def grad(self, p):
        p = self._point(p)
        return _stack(2 * p[..., 0], -2 * p[..., 1])

    def hess(self, p):
        p = self._point(p)
        one = np.ones_like(p[..., 0])
        return _matrix(2 * one, 0 * one, 0 * one, -2 * one)

    def __repr__(self) -> str:
        return "Saddle()"


__all__ = ["Objective", "Quadratic", "ill_conditioned", "LinearNeuron", "Rosenbrock", "Beale",
           "Himmelblau", "Saddle"]
