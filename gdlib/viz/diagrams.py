"""Explanatory diagrams: momentum vectors, activation histograms, normalization axes."""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ._style import new_figure, styled

_BLUE, _ORANGE, _GREEN, _RED, _GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#777777"


def _arrow(ax, start, delta, color, label=None, ls="-"):
    start, delta = np.asarray(start, float), np.asarray(delta, float)
    ax.annotate("", xy=start + delta, xytext=start,
                arrowprops=dict(arrowstyle="-|>", color=color, lw=2.0, linestyle=ls,
                                shrinkA=0, shrinkB=0, mutation_scale=14))
    if label:  # beside the arrow's middle, on its left, on a white patch
        mid = start + 0.5 * delta
        n = np.array([-delta[1], delta[0]]) / (np.linalg.norm(delta) or 1.0)
        ha = "left" if n[0] > 0.35 else "right" if n[0] < -0.35 else "center"
        va = "bottom" if n[1] > 0.35 else "top" if n[1] < -0.35 else "center"
        ax.annotate(label, mid, xytext=tuple(8 * n), textcoords="offset points", color=color, fontsize=10,
                    ha=ha, va=va, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85),
                    annotation_clip=False)
    return start + delta


def momentum_diagram(velocity, grad, grad_lookahead=None, *, lr: float = 1.0, momentum: float = 0.9,
                     kind: str = "both", figsize=None):
    r"""The momentum step and Nesterov's "jump, then correct" as vectors.

    Momentum: :math:`v_t = \gamma v_{t-1} + \eta \nabla f(\theta)` and
    :math:`\theta \leftarrow \theta - v_t`: the jump :math:`-\gamma v_{t-1}` and the
    gradient step :math:`-\eta \nabla f(\theta)` both start at :math:`\theta`.
    Nesterov: jump first, then correct with the gradient at the look-ahead
    point :math:`\theta - \gamma v_{t-1}`.

    Parameters
    ----------
    velocity : the previous update vector :math:`v_{t-1}` (2 numbers).
    grad : :math:`\nabla f(\theta)`.
    grad_lookahead : :math:`\nabla f(\theta - \gamma v_{t-1})` (Nesterov); defaults to ``grad``.
    lr, momentum : :math:`\eta` and :math:`\gamma`.
    kind : ``"momentum"``, ``"nesterov"`` or ``"both"`` (two panels).
    """
    if kind not in ("momentum", "nesterov", "both"):
        raise ValueError(f"kind must be 'momentum', 'nesterov' or 'both', got {kind!r}")
    v = np.asarray(velocity, float).ravel()
    g = np.asarray(grad, float).ravel()
    ga = g if grad_lookahead is None else np.asarray(grad_lookahead, float).ravel()
    kinds = ["momentum", "nesterov"] if kind == "both" else [kind]
    with styled():
        fig, axes = new_figure(figsize=figsize or (4.6 * len(kinds), 4.2), ncols=len(kinds))
        axes = np.atleast_1d(axes)
        o = np.zeros(2)
        for ax, k in zip(axes, kinds):
            jump = -momentum * v
            pts = [o]
            if k == "momentum":
                step_g = -lr * g
                e1 = _arrow(ax, o, jump, _BLUE, r"jump $-\gamma v_{t-1}$")
                _arrow(ax, o, step_g, _RED, r"$-\eta\nabla f(\theta)$")
                _arrow(ax, e1, step_g, _RED, None, ls="--")
                end = _arrow(ax, o, jump + step_g, _GREEN, r"update $-v_t$")
                pts += [e1, step_g, end]
                ax.set_title("momentum: both from $\\theta$")
            else:
                step_g = -lr * ga
                e1 = _arrow(ax, o, jump, _BLUE, r"jump $-\gamma v_{t-1}$")
                end = _arrow(ax, e1, step_g, _RED, r"correct $-\eta\nabla f(\theta-\gamma v)$")
                _arrow(ax, o, end, _GREEN, r"update $-v_t$")
                ax.plot(*e1, "o", color=_BLUE, ms=5)
                pts += [e1, end]
                ax.set_title("Nesterov: jump, then correct")
            ax.plot(0, 0, "o", color="#000000", ms=6)
            ax.annotate(r"$\theta$", (0, 0), xytext=(-14, -12), textcoords="offset points")
            P = np.array(pts)
            lo, hi = P.min(0), P.max(0)
            pad = 0.45 * max(hi - lo) + 1e-9
            c = (lo + hi) / 2
            r = max(hi - lo) / 2 + pad
            ax.set_xlim(c[0] - r, c[0] + r)
            ax.set_ylim(c[1] - r, c[1] + r)
            ax.set_aspect("equal")
            ax.set_axis_off()
    return fig


def activation_histograms(activations: Any, *, bins: int = 40, range=None, labels=None,
                          ncols: int | None = None, figsize=None):
    """One histogram per layer of the activations, with their mean and std.

    ``activations`` is a list of arrays (layer 1 first) or a dict
    name -> array. All panels share the x range (``range``, default the
    overall min and max) so saturation and collapse compare across depth.
    """
    if isinstance(activations, Mapping):
        names, arrays = list(activations), list(activations.values())
    else:
        arrays = list(activations)
        names = list(labels) if labels is not None else [f"layer {i + 1}" for i in np.arange(len(arrays))]
    arrays = [np.asarray(a, float).ravel() for a in arrays]
    if not arrays:
        raise ValueError("activations must hold at least one array, got none")
    if range is None:
        lo = min(float(np.min(a)) for a in arrays)
        hi = max(float(np.max(a)) for a in arrays)
        range = (lo, hi if hi > lo else lo + 1)
    n = len(arrays)
    ncols = ncols or min(n, 5)
    nrows = -(-n // ncols)
    with styled():
        fig, axes = new_figure(figsize=figsize or (2.2 * ncols, 2.1 * nrows + 0.3), nrows=nrows,
                               ncols=ncols, sharex=True, sharey=True)
        axes = np.atleast_1d(axes).ravel()
        for ax, name, a in zip(axes, names, arrays):
            w = np.full(a.shape, 1.0 / max(a.size, 1))
            ax.hist(a, bins=bins, range=range, weights=w, color=_BLUE, alpha=0.85)
            ax.set_title(f"{name}\nmean {a.mean():.2f}, std {a.std():.2f}", fontsize=9)
        for ax in axes[n:]:
            ax.set_visible(False)
        for ax in axes[::ncols]:
            ax.set_ylabel("fraction")
    return fig


_NORMS = ("batch", "layer", "instance", "group")


def norm_cube(kind: str | None = None, *, groups: int = 2, n: int = 4, c: int = 6, hw: int = 4,
              figsize=None):
    """Which axes of an (N, C, H*W) activation tensor each normalization averages over.

    The cells shaded blue share one mean and variance: batch norm (one
    channel, all samples and positions), layer norm (one sample), instance
    norm (one sample and channel), group norm (one sample, a group of
    ``c / groups`` channels). ``kind=None`` draws all four side by side.
    """
    kinds = list(_NORMS) if kind is None else [kind]
    for k in kinds:
        if k not in _NORMS:
            raise ValueError(f"kind must be one of {', '.join(map(repr, _NORMS))} or None, got {k!r}")
    if c % groups:
        raise ValueError(f"groups must divide the channels c={c}, got groups={groups!r}")
    from matplotlib.colors import to_rgb
    from matplotlib.patches import Polygon
    dx, dy = 0.5, 0.38  # oblique projection of the depth (N) axis

    def P(ci, hi, ni):  # channel, height, sample -> page coordinates
        return (ci + dx * ni, hi + dy * ni)

    def box(ax, c0, c1, h0, h1, n0, n1, face, edge, lw, z):
        faces = [  # front (n = n0), top (h = h1), right (c = c1)
            ([P(c0, h0, n0), P(c1, h0, n0), P(c1, h1, n0), P(c0, h1, n0)], 1.0),
            ([P(c0, h1, n0), P(c1, h1, n0), P(c1, h1, n1), P(c0, h1, n1)], 0.8),
            ([P(c1, h0, n0), P(c1, h0, n1), P(c1, h1, n1), P(c1, h1, n0)], 0.65),
        ]
        for pts, shade in faces:
            col = np.array(to_rgb(face)) * shade
            ax.add_patch(Polygon(pts, closed=True, facecolor=col, edgecolor=edge, lw=lw, zorder=z))

    with styled():
        fig, axes = new_figure(figsize=figsize or (2.9 * len(kinds), 3.2), ncols=len(kinds))
        axes = np.atleast_1d(axes)
        for ax, k in zip(axes, kinds):
            # the whole tensor: every cell outlined on the three visible faces
            for ni in range(n - 1, -1, -1):
                for ci in range(c):
                    for hi in range(hw):
                        box(ax, ci, ci + 1, hi, hi + 1, ni, ni + 1, "#f2f2f2", "#9a9a9a", 0.5, 1)
            gs = c // groups
            sel = {"batch": (0, 1, 0, hw, 0, n), "layer": (0, c, 0, hw, 0, 1),
                   "instance": (0, 1, 0, hw, 0, 1), "group": (0, gs, 0, hw, 0, 1)}[k]
            c0, c1, h0, h1, n0, n1 = sel
            for ni in range(n1 - 1, n0 - 1, -1):
                for ci in range(c0, c1):
                    for hi in range(h0, h1):
                        box(ax, ci, ci + 1, hi, hi + 1, ni, ni + 1, "#56B4E9", "#1f4e79", 0.5, 2)
            ax.annotate("C", P(c / 2, -0.9, 0), ha="center", fontsize=11)
            ax.annotate("H, W", P(-0.7, hw / 2, 0), ha="right", va="center", fontsize=11)
            ax.annotate("N", P(c + 0.4, -0.2, n / 2), ha="left", fontsize=11)
            ax.set_title({"batch": "Batch norm", "layer": "Layer norm", "instance": "Instance norm",
                          "group": f"Group norm ({groups} groups)"}[k])
            ax.set_xlim(-2.0, c + dx * n + 1.2)
            ax.set_ylim(-1.4, hw + dy * n + 0.5)
            ax.set_aspect("equal")
            ax.axis("off")
    return fig
