"""Functions of one and two variables: contours, surfaces, Taylor models, paths."""
from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np

from ._colors import distinct_style, line_style
from ._style import _show_figures_in_ipython, new_figure, styled


# ----------------------------------------------------------------- inputs
def _value_fn(f) -> Callable:
    fn = getattr(f, "value", f)
    if not callable(fn):
        raise TypeError(f"f must be a callable or an object with .value(x), got {type(f).__name__}")
    return fn


def _grad_fn(f, h: float = 1e-6) -> Callable:
    if hasattr(f, "grad") and callable(f.grad):
        return f.grad
    fn = _value_fn(f)

    def grad(x):
        x = np.asarray(x, dtype=float)
        e = np.eye(x.size) * h
        return np.array([(fn(x + e[i]) - fn(x - e[i])) / (2 * h) for i in range(x.size)])
    return grad


def _on_grid(f, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """f evaluated at every (X, Y): one vectorised call if f allows it, else a loop.

    Tries points stacked on the last axis (``gdlib.objectives``), then on the
    first (``f(x) = x[0]**2 + ...``), and keeps a form only if it agrees with
    point-wise calls at a few grid points.
    """
    fn = _value_fn(f)
    probes = ((0, 0), (X.shape[0] // 2, X.shape[1] // 3), (-1, -1))
    with np.errstate(all="ignore"):
        for pts in (np.stack([X, Y], axis=-1), np.stack([X, Y])):
            try:
                Z = np.asarray(fn(pts), dtype=float)
                if Z.shape != X.shape:
                    continue
                ok = True
                for i, j in probes:
                    z = float(fn(np.array([X[i, j], Y[i, j]])))
                    ok &= bool(np.isclose(z, Z[i, j], rtol=1e-9, atol=1e-12) or (np.isnan(z) and np.isnan(Z[i, j])))
                if ok:
                    return Z
            except Exception:
                continue
        return np.array([[fn(np.array([x, y])) for x, y in zip(rx, ry)] for rx, ry in zip(X, Y)], dtype=float)


def _window(f, lim, axis: int):
    if lim is not None:
        return tuple(lim)
    dom = getattr(f, "domain", None)
    if dom is not None and len(dom) > axis:
        return tuple(dom[axis])
    return (-2.0, 2.0)


def _as_path(p: Any) -> np.ndarray:
    """An (k+1, d) float array from an array or an object with ``.path``."""
    if p is None:
        return np.empty((0, 2))
    arr = np.asarray(getattr(p, "path", p), dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"a path must have shape (k+1, d), got shape {arr.shape}")
    return arr


def _named(paths: Any) -> dict[str, Any]:
    """``{name: path}`` from a dict, a single path/result, or a list of them."""
    if paths is None:
        return {}
    if isinstance(paths, Mapping):
        return {str(k): v for k, v in paths.items()}
    if hasattr(paths, "path") or (isinstance(paths, np.ndarray) and paths.ndim == 2):
        paths = [paths]
    out = {}
    for i, p in enumerate(paths):
        name = getattr(p, "name", None) or getattr(p, "optimizer", None)
        name = name if isinstance(name, str) else f"path {i + 1}"
        out[name] = p
    return out


def _levels(Z: np.ndarray, levels, log) -> tuple[np.ndarray, bool]:
    finite = Z[np.isfinite(Z)]
    lo, hi = float(finite.min()), float(finite.max())
    if not np.isscalar(levels):
        return np.asarray(levels, dtype=float), bool(log)
    if log is None:  # log spacing when most of the range is crowded near the minimum
        log = hi - lo > 0 and np.median(finite) - lo < 0.15 * (hi - lo)
    if log:
        span = hi - lo
        first = max(np.percentile(finite - lo, 0.5), span * 1e-6)
        return lo + np.geomspace(first, span, int(levels)), True
    return np.linspace(lo, hi, int(levels) + 2)[1:-1], False


# ----------------------------------------------------------------- paths
class Paths:
    """Optimizer paths drawn on axes, updated in place by :meth:`set`.

    Made by :func:`add_paths`. Each path is a line with small markers at the
    iterates, a hollow circle at the start and a filled dot at the current end.
    ``set`` changes only the artists' data (fast: no re-plotting), which is
    what an exploration's ``update`` function should do.
    """

    def __init__(self, ax, f=None, markers: bool = True):
        self.ax, self.f, self.markers = ax, f, markers
        self.lines: dict[str, tuple] = {}

    def _artists_for(self, name: str):
        if name not in self.lines:
            st = distinct_style(name, [{"color": ln.get_color(), "linestyle": ln.get_linestyle()}
                                       for ln, _, _ in self.lines.values()])
            ax = self.ax
            line, = ax.plot([], [], lw=1.6, marker="o" if self.markers else "", ms=2.6,
                            label=name, zorder=3, **st)
            start, = ax.plot([], [], ls="none", marker="o", ms=6, mfc="white", mec=st["color"],
                             mew=1.4, zorder=4)
            end, = ax.plot([], [], ls="none", marker="o", ms=6.5, color=st["color"], mec="white",
                           mew=0.8, zorder=5)
            self.lines[name] = (line, start, end)
        return self.lines[name]

    def _xy(self, p: np.ndarray):
        if p.shape[1] == 1:  # a 1-D path: iterates on the curve (x, f(x))
            x = p[:, 0]
            with np.errstate(all="ignore"):
                y = np.array([_value_fn(self.f)(np.array([v])) if self.f is not None else np.nan
                              for v in x], dtype=float).ravel() if len(x) else np.empty(0)
            return x, y
        return p[:, 0], p[:, 1]

    def set(self, paths: Any, upto: int | None = None) -> list:
        """Show ``paths`` (names missing from it are hidden); return the changed artists.

        ``upto`` shows only the iterates ``0..upto`` of every path (an
        animation frame).
        """
        named = _named(paths)
        for name in named:
            self._artists_for(name)
        changed = []
        for name, (line, start, end) in self.lines.items():
            p = _as_path(named.get(name))
            if upto is not None:
                p = p[: int(upto) + 1]
            x, y = self._xy(p) if len(p) else (np.empty(0), np.empty(0))
            line.set_data(x, y)
            start.set_data(x[:1], y[:1])
            end.set_data(x[-1:], y[-1:])
            changed += [line, start, end]
        return changed

    @property
    def artists(self) -> list:
        return [a for trio in self.lines.values() for a in trio]

    def legend(self, **kw):
        """A legend with one entry per path (call after creating all paths)."""
        handles = [trio[0] for trio in self.lines.values()]
        return self.ax.legend(handles=handles, **{"loc": "upper right", **kw})


def add_paths(ax, paths: Any = None, *, f=None, markers: bool = True, legend: bool = True,
              upto: int | None = None) -> Paths:
    """Draw optimizer paths on ``ax`` and return a :class:`Paths` to update them.

    Parameters
    ----------
    paths : dict name -> result-or-array, a list of them, or one.
        A result is any object with ``.path`` of shape (k+1, d). A value of
        ``None`` reserves a colour and legend entry that ``set`` fills later.
    f : the objective, for 1-D paths drawn as points (x, f(x)) on a curve.
    """
    with styled():
        p = Paths(ax, f=f, markers=markers)
        p.set(paths, upto=upto)
        if legend and p.lines:
            p.legend()
    return p


# ----------------------------------------------------------------- figures
def contour(f, xlim=None, ylim=None, *, paths: Any = None, levels=20, log=None,
            filled: bool = True, minimum=None, arrows: int | bool = False, n: int = 200,
            title: str | None = None, ax=None, figsize=(6.0, 4.6), upto: int | None = None):
    """Contours of ``f(x, y)`` with optional optimizer paths and gradient arrows.

    Parameters
    ----------
    f : callable or objective
        A function of a length-2 array, or an objective with ``.value`` (and
        ``.grad`` for arrows).
    xlim, ylim : (float, float), optional
        The window (default ``f.domain`` if it has one, else (-2, 2)).
    paths : list, dict or result, optional
        Optimizer paths (see :func:`add_paths`); a legend names them.
    levels, log : int or sequence, bool or None
        Number of levels (or the levels); ``log=None`` picks log spacing when
        values crowd near the minimum (Rosenbrock, Beale).
    minimum : array, optional
        A point to mark with a star (default ``f.minimizer`` if any).
    arrows : int or bool
        Draw negative-gradient arrows on an ``arrows`` x ``arrows`` grid.

    Returns
    -------
    Figure
        Its :class:`Paths` is ``fig.axes[0].gdlib_paths``.
    """
    xlim, ylim = _window(f, xlim, 0), _window(f, ylim, 1)
    with styled():
        fig, ax = new_figure(ax, figsize=figsize)
        x = np.linspace(*xlim, n)
        y = np.linspace(*ylim, n)
        X, Y = np.meshgrid(x, y)
        Z = _on_grid(f, X, Y)
        lev, is_log = _levels(Z, levels, log)
        if filled:  # colours by level index, so log-spaced levels shade evenly
            from matplotlib.colors import BoundaryNorm
            finite = Z[np.isfinite(Z)]
            bounds = np.unique(np.concatenate([[finite.min()], lev, [finite.max()]]))
            if len(bounds) > 2:
                from matplotlib.colors import LinearSegmentedColormap
                cmap = LinearSegmentedColormap.from_list("gdlib_pale", ["#a9cce3", "#fbfdff"])
                ax.contourf(X, Y, Z, levels=bounds, cmap=cmap, norm=BoundaryNorm(bounds, 256))
        ax.contour(X, Y, Z, levels=lev, colors="#4a6a8a", linewidths=0.6, alpha=0.8,
                   negative_linestyles="solid")
        if minimum is None:
            minimum = getattr(f, "minimizer", None)
        if minimum is not None:
            m = np.asarray(minimum, dtype=float).ravel()
            ax.plot(m[0], m[1], marker="*", ms=12, color="#222222", mec="white", ls="none", zorder=6)
        if arrows:
            k = 11 if arrows is True else int(arrows)
            gx, gy = np.meshgrid(np.linspace(*xlim, k + 2)[1:-1], np.linspace(*ylim, k + 2)[1:-1])
            grad = _grad_fn(f)
            with np.errstate(all="ignore"):
                G = np.array([grad(np.array([a, b])) for a, b in zip(gx.ravel(), gy.ravel())])
            norm = np.linalg.norm(G, axis=1, keepdims=True)
            D = -G / np.where(norm > 0, norm, 1)
            ax.quiver(gx.ravel(), gy.ravel(), D[:, 0], D[:, 1], color="#D55E00", angles="xy",
                      scale=k * 1.6, width=0.004, zorder=2)
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
        ax.set_xlabel(r"$x_1$")
        ax.set_ylabel(r"$x_2$")
        if title:
            ax.set_title(title)
        ax.gdlib_paths = add_paths(ax, paths, upto=upto) if paths is not None else Paths(ax)
    return fig


def curve(f, xlim=None, *, paths: Any = None, n: int = 400, title: str | None = None,
          ax=None, figsize=(6.0, 4.0), ylim=None, upto: int | None = None):
    """A function of one variable with gradient-descent iterates on it.

    ``paths`` are 1-D paths (arrays of shape (k+1,) or (k+1, 1), or results);
    each iterate is drawn at (x_k, f(x_k)) and joined to the next, so
    convergence, oscillation and divergence can be read off the curve.
    Returns the figure; its :class:`Paths` is ``fig.axes[0].gdlib_paths``.
    """
    xlim = _window(f, xlim, 0)
    with styled():
        fig, ax = new_figure(ax, figsize=figsize)
        fn = _value_fn(f)
        x = np.linspace(*xlim, n)
        with np.errstate(all="ignore"):
            y = np.array([fn(np.array([v])) for v in x], dtype=float).ravel()
        ax.plot(x, y, color="#777777", lw=1.4, zorder=1)
        ax.set_xlim(xlim)
        if ylim is not None:
            ax.set_ylim(ylim)
        else:
            pad = 0.08 * (np.nanmax(y) - np.nanmin(y) or 1.0)
            ax.set_ylim(np.nanmin(y) - pad, np.nanmax(y) + pad)
        ax.set_xlabel(r"$x$")
        ax.set_ylabel(r"$f(x)$")
        if title:
            ax.set_title(title)
        ax.gdlib_paths = add_paths(ax, paths, f=f, upto=upto) if paths is not None else Paths(ax, f=f)
    return fig


def surface(f, xlim=None, ylim=None, *, paths: Any = None, n: int = 60,
            elev: float = 35, azim: float = -60, log: bool = False, title: str | None = None,
            ax=None, figsize=(6.0, 4.8)):
    """A 3-D surface of ``f(x, y)``, optionally with paths lifted onto it.

    ``log=True`` plots ``log10(f - min f + 1)``, for functions like Rosenbrock.
    """
    xlim, ylim = _window(f, xlim, 0), _window(f, ylim, 1)
    with styled():
        fig, ax = new_figure(ax, figsize=figsize, projection="3d")
        X, Y = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
        Z = _on_grid(f, X, Y)
        lo = np.nanmin(Z)
        tr = (lambda z: np.log10(z - lo + 1)) if log else (lambda z: z)
        ax.plot_surface(X, Y, tr(Z), cmap="viridis", alpha=0.75, linewidth=0, antialiased=True,
                        rstride=1, cstride=1)
        fn = _value_fn(f)
        used: list = []
        for name, p in _named(paths).items():
            p = _as_path(p)
            with np.errstate(all="ignore"):
                z = tr(np.array([fn(q) for q in p], dtype=float))
            st = distinct_style(name, used)
            used.append(st)
            ax.plot(p[:, 0], p[:, 1], z, marker="o", ms=2.5, lw=1.5, label=name, zorder=10, **st)
        if paths is not None:
            ax.legend(loc="upper left")
        ax.view_init(elev=elev, azim=azim)
        ax.set_xlabel(r"$x_1$")
        ax.set_ylabel(r"$x_2$")
        ax.set_zlabel(r"$\log_{10}(f - f^* + 1)$" if log else r"$f$")
        if title:
            ax.set_title(title)
    return fig


class TrustCircle:
    """The radius-dependent part of a :func:`taylor` figure, updated in place by :meth:`set`.

    Made by :func:`taylor` (``fig.gdlib_trust``). ``set(radius)`` moves the
    model's disc, the trust circle, the arrow and the model's minimiser to
    another radius and returns the changed artists: what an exploration's
    ``update`` returns. The surface of ``f`` is among them because it is
    drawn over the disc; the axes keep their limits.
    """

    def __init__(self, f, x0, order: int, surface, ax2):
        self.x0 = np.asarray(x0, dtype=float).ravel()
        self.fn = _value_fn(f)
        grad = _grad_fn(f)
        self.g = np.asarray(grad(self.x0), dtype=float)
        if order == 2:
            if hasattr(f, "hess"):
                self.H = np.asarray(f.hess(self.x0), dtype=float)
            else:
                h = 1e-4
                self.H = np.array([(grad(self.x0 + h * e) - grad(self.x0 - h * e)) / (2 * h)
                                   for e in np.eye(2)])
        elif order == 1:
            self.H = np.zeros((2, 2))
        else:
            raise ValueError(f"order must be 1 or 2, got {order!r}")
        self.order, self.f0 = order, float(self.fn(self.x0))
        self.surface, self.ax3, self.ax2 = surface, surface.axes, ax2
        self.radius = None

    def model(self, d):
        """The Taylor model at ``x0 + d``; ``d`` has shape (..., 2)."""
        return self.f0 + d @ self.g + 0.5 * np.einsum("...i,ij,...j->...", d, self.H, d)

    @staticmethod
    def circle(radius: float) -> np.ndarray:
        th = np.linspace(0, 2 * np.pi, 721)
        return radius * np.stack([np.cos(th), np.sin(th)], axis=1)

    def best_step(self, radius: float) -> np.ndarray:
        """The minimiser of the model on the disc |d| <= radius (sampled on the circle + Newton point)."""
        cands = [self.circle(radius)]
        if self.order == 2 and np.all(np.linalg.eigvalsh(self.H) > 0):
            dn = -np.linalg.solve(self.H, self.g)
            if np.linalg.norm(dn) <= radius:
                cands.append(dn[None])
        cands = np.concatenate(cands)
        return cands[np.argmin(self.model(cands))]

    def _disc(self, radius: float):
        """The model over the disc: a new surface on the 3-D axes."""
        r, t = np.meshgrid(np.linspace(0, radius, 12), np.linspace(0, 2 * np.pi, 49))
        D = np.stack([r * np.cos(t), r * np.sin(t)], axis=-1)
        return self.ax3.plot_surface(self.x0[0] + D[..., 0], self.x0[1] + D[..., 1], self.model(D),
                                     color="#E69F00", alpha=0.8, linewidth=0)

    def draw(self, radius: float) -> None:
        """Create the artists, at ``radius`` (called once, by :func:`taylor`)."""
        from matplotlib.patches import FancyArrowPatch
        x0, ring = self.x0, self.circle(radius)
        self.disc = self._disc(radius)
        self.ring3, = self.ax3.plot(x0[0] + ring[:, 0], x0[1] + ring[:, 1], self.model(ring),
                                    color="#D55E00", lw=1.5)
        self.ring2, = self.ax2.plot(x0[0] + ring[:, 0], x0[1] + ring[:, 1], color="#D55E00", lw=1.5,
                                    label=f"trust circle r={radius:g}")
        # the arrow of ax.annotate("", xy, xytext=x0, arrowprops=...), which can be moved
        self.arrow = self.ax2.add_patch(FancyArrowPatch(x0, x0, arrowstyle="->", color="#000000",
                                                        lw=1.4, mutation_scale=10, zorder=3))
        self.ax2.plot(*x0, "o", color="#000000", ms=5)
        self.end, = self.ax2.plot([], [], "o", color="#0072B2", ms=6, label="model's minimiser")
        self.title = self.ax2.set_title(" ")
        self.radius = radius
        self.set(radius)

    def set(self, radius: float) -> list:
        """Show the model and its minimiser on the disc of ``radius``; return the changed artists."""
        if radius != self.radius:  # a disc of another size: a new surface in place of the old one
            old, self.disc = self.disc, self._disc(radius)
            self.disc.set_zorder(old.get_zorder())
            self.disc.set_animated(old.get_animated())
            old.remove()
            if self.ax3.M is not None:  # drawn before: project the new disc as a draw would
                self.disc.do_3d_projection()
            self.radius = radius
        x0, ring = self.x0, self.circle(radius)
        self.ring3.set_data_3d(x0[0] + ring[:, 0], x0[1] + ring[:, 1], self.model(ring))
        self.ring2.set_data(x0[0] + ring[:, 0], x0[1] + ring[:, 1])
        self.ring2.set_label(f"trust circle r={radius:g}")
        self.arrow.set_positions(x0, x0 - radius * self.g / (np.linalg.norm(self.g) or 1))
        d_best = self.best_step(radius)
        x1 = x0 + d_best
        self.end.set_data([x1[0]], [x1[1]])
        self.title.set_text(f"model {self.model(d_best):.3g} vs true f {float(self.fn(x1)):.3g}")
        changed = [self.surface, self.disc, self.ring3, self.ring2, self.arrow, self.end, self.title]
        legend = self.ax2.get_legend()
        if legend is not None:
            legend.get_texts()[0].set_text(self.ring2.get_label())
            changed.append(legend)
        return changed


def taylor(f, x0, radius: float = 0.5, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), *, order: int = 1,
           n: int = 50, elev: float = 30, azim: float = -60, figsize=(10.0, 4.4),
           max_radius: float | None = None):
    """The Taylor model of ``f`` at ``x0`` and its trust circle of ``radius``.

    Left: the surface with the model (tangent plane for ``order=1``, quadratic
    for ``order=2``) drawn over the disc. Right: contours, the disc, the
    negative gradient and the model's minimiser on the disc, next to the true
    value there, so the text's "valid only for a small radius" can be seen.
    ``f`` needs ``.value``/``.grad`` (and ``.hess`` for order 2) or is a
    callable (finite differences are used).

    Returns the figure. Its :class:`TrustCircle`, ``fig.gdlib_trust``, redraws
    it for another radius in place: ``fig.gdlib_trust.set(radius)`` returns
    the changed artists (an exploration's ``update``). ``max_radius``
    (default ``radius``) is the largest radius it will be given: the 3-D
    axes are scaled to hold that disc.
    """
    with styled():
        from matplotlib.figure import Figure
        _show_figures_in_ipython()
        fig = Figure(figsize=figsize)
        ax3 = fig.add_subplot(1, 2, 1, projection="3d")
        ax2 = fig.add_subplot(1, 2, 2)
        X, Y = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
        Z = _on_grid(f, X, Y)
        surface = ax3.plot_surface(X, Y, Z, cmap="viridis", alpha=0.55, linewidth=0)
        lev, _ = _levels(Z, 18, None)
        ax2.contour(X, Y, Z, levels=lev, colors="#4a6a8a", linewidths=0.6)
        trust = TrustCircle(f, x0, order, surface, ax2)
        trust.draw(max(radius, max_radius or radius))  # the 3-D axes hold the largest disc ...
        ax3.set_autoscale_on(False)                     # ... and keep their limits
        trust.set(radius)
        ax3.view_init(elev=elev, azim=azim)
        ax3.set_xlabel(r"$x_1$")
        ax3.set_ylabel(r"$x_2$")
        ax3.set_title("linear model (tangent plane)" if order == 1 else "quadratic model")
        ax2.set_xlim(xlim)
        ax2.set_ylim(ylim)
        ax2.set_aspect("equal", adjustable="box")
        ax2.legend(loc="upper right")
        fig.gdlib_trust = trust
    return fig
