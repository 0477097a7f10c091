"""gdlib.viz: every figure the syllabus asks for, from plain arrays or results."""
from __future__ import annotations

import io
import re
from types import SimpleNamespace

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from gdlib import viz

A = np.diag([1.0, 10.0])


def quad(x):
    return 0.5 * x @ A @ x


def rosen(x):  # point-wise only (a list, not vectorisable): the loop path
    return float((1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2)


def gd(lr, steps=15):
    xs = [np.array([-1.8, 1.2])]
    for _ in range(steps):
        xs.append(xs[-1] - lr * (A @ xs[-1]))
    return np.array(xs)


def png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


# ------------------------------------------------------------------ colours and style
OPTIMIZERS = ["SGD", "Momentum", "Nesterov", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW",
              "Adamax", "NAdam", "Rprop", "DeltaBarDelta", "Newton", "Steepest descent"]


def test_every_optimizer_has_its_own_fixed_colour():
    colours = [viz.color(n) for n in OPTIMIZERS]
    assert len(set(colours)) == len(OPTIMIZERS)
    assert viz.color("SGD") == "#000000" and viz.color("Adam") == "#0072B2"
    assert set(viz.OPTIMIZER_COLORS.values()) == set(colours)


@pytest.mark.parametrize("alias, name", [("NAG", "Nesterov"), ("nesterov momentum", "Nesterov"),
                                         ("adam (lr=1e-3)", "Adam"), ("ADAMW", "AdamW"),
                                         ("RMSProp", "RMSprop"), ("steepest-descent", "Steepest descent"),
                                         ("gd", "SGD"), ("SGD lr=0.1", "SGD")])
def test_colour_names_are_normalised(alias, name):
    assert viz.color(alias) == viz.color(name)


def test_unknown_names_get_a_deterministic_palette_colour():
    assert viz.color("my method") == viz.color("my method")
    assert re.fullmatch(r"#[0-9A-F]{6}", viz.color("my method"))
    assert viz.line_style("Rprop") == {"color": viz.color("Rprop"), "linestyle": "--"}


def test_style_sheet_applies_and_functions_leave_global_style_alone():
    before = dict(matplotlib.rcParams)
    viz.loss_curves([3, 2, 1])
    assert matplotlib.rcParams["axes.spines.top"] == before["axes.spines.top"]
    with viz.style_context():
        assert matplotlib.rcParams["axes.spines.top"] is False
    assert viz.STYLE_PATH.name == "gdlib.mplstyle" and viz.STYLE_PATH.is_file()


def test_figures_are_not_registered_with_pyplot():
    import matplotlib.pyplot as plt
    n = len(plt.get_fignums())
    viz.contour(quad, n=20)
    assert len(plt.get_fignums()) == n


# ------------------------------------------------------------------ contour and paths
def test_contour_with_named_paths_legend_and_minimum():
    fig = viz.contour(quad, (-2, 2), (-1.5, 1.5), paths={"SGD": gd(0.1), "Adam": gd(0.05)},
                      minimum=[0, 0], title="q", n=50)
    ax = fig.axes[0]
    assert isinstance(fig, Figure) and ax.get_title() == "q"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["SGD", "Adam"]
    line = ax.gdlib_paths.lines["Adam"][0]
    assert matplotlib.colors.to_hex(line.get_color()) == viz.color("Adam").lower()
    np.testing.assert_allclose(line.get_xydata(), gd(0.05))
    assert ax.get_xlim() == (-2, 2) and len(png(fig)) > 10_000


def test_paths_set_reuses_artists_and_animates():
    fig = viz.contour(quad, paths={"SGD": None, "Momentum": None}, n=20)
    paths = fig.axes[0].gdlib_paths
    line = paths.lines["SGD"][0]
    changed = paths.set({"SGD": gd(0.1)}, upto=3)
    assert paths.lines["SGD"][0] is line and len(changed) == 6
    assert len(line.get_xdata()) == 4
    end = paths.lines["SGD"][2]
    np.testing.assert_allclose(end.get_xydata()[0], gd(0.1)[3])
    assert len(paths.lines["Momentum"][0].get_xdata()) == 0  # absent -> hidden


def test_results_with_a_path_attribute_are_accepted():
    res = SimpleNamespace(path=gd(0.1), losses=np.arange(16.0)[::-1], status="converged", name="RMSprop")
    fig = viz.contour(quad, paths=[res], n=20)
    assert "RMSprop" in fig.axes[0].gdlib_paths.lines
    fig = viz.loss_curves({"RMSprop": res})
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), res.losses)


def test_point_wise_and_vectorised_objectives_give_the_same_contours():
    from gdlib.viz.surfaces import _on_grid
    X, Y = np.meshgrid(np.linspace(-1, 1, 7), np.linspace(-1, 2, 5))
    loop = _on_grid(rosen, X, Y)
    vec = _on_grid(lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2, X, Y)
    np.testing.assert_allclose(loop, vec)


def test_book_objectives_use_their_domain_and_log_levels():
    from gdlib import objectives
    f = objectives.Rosenbrock()
    fig = viz.contour(f, arrows=6, n=60)
    ax = fig.axes[0]
    assert ax.get_xlim() == tuple(f.domain[0]) and ax.get_ylim() == tuple(f.domain[1])
    from gdlib.viz.surfaces import _levels, _on_grid
    X, Y = np.meshgrid(np.linspace(-2, 2, 60), np.linspace(-1, 3, 60))
    lev, is_log = _levels(_on_grid(f, X, Y), 20, None)
    assert is_log and np.all(np.diff(np.log(lev - lev[0] + 1e-300)[1:]) > 0)


def test_curve_puts_1d_iterates_on_the_function():
    x = np.array([1.5, -1.65, 1.815])  # lr just above 1/L: oscillating divergence
    fig = viz.curve(lambda v: v[0] ** 2, (-2, 2), paths={"SGD": x})
    line = fig.axes[0].gdlib_paths.lines["SGD"][0]
    np.testing.assert_allclose(line.get_ydata(), x ** 2)


# ------------------------------------------------------------------ 3-D and Taylor
def test_surface_and_taylor_models():
    fig = viz.surface(rosen, (-2, 2), (-1, 3), paths={"SGD": gd(0.05)}, log=True, n=15)
    assert fig.axes[0].name == "3d" and len(png(fig)) > 10_000
    fig = viz.taylor(quad, [1.0, 1.0], radius=0.5, order=1, n=15)
    assert len(fig.axes) == 2 and "vs true f" in fig.axes[1].get_title()
    # order 2 on a quadratic: the model is exact, its minimiser within reach is the Newton point
    fig = viz.taylor(quad, [0.1, 0.1], radius=1.0, order=2, n=15)
    x1 = fig.axes[1].lines[-1].get_xydata()[0]
    np.testing.assert_allclose(x1, [0, 0], atol=1e-6)  # finite-difference gradient
    with pytest.raises(ValueError, match="order must be 1 or 2, got 3"):
        viz.taylor(quad, [1, 1], order=3)


def test_taylor_trust_circle_moves_in_place():
    # set(radius) on a figure built for radii up to 1 gives the figure taylor draws at radius 1
    fig = viz.taylor(quad, [1.0, 1.0], radius=0.25, max_radius=1.0, n=15)
    ref = viz.taylor(quad, [1.0, 1.0], radius=1.0, n=15)
    limits = [ax.get_w_lims() for ax in (fig.axes[0], ref.axes[0])]
    assert limits[0] == limits[1]                 # room for the largest disc from the start
    png(fig)                                      # drawn once: set() projects its new disc itself
    changed = fig.gdlib_trust.set(1.0)
    assert all(isinstance(a, matplotlib.artist.Artist) for a in changed)
    assert fig.axes[0].get_w_lims() == limits[0]  # the axes keep their limits
    for a, b in zip(fig.axes[1].lines, ref.axes[1].lines):
        np.testing.assert_allclose(a.get_xydata(), b.get_xydata())
    assert fig.axes[1].get_title() == ref.axes[1].get_title()
    assert [t.get_text() for t in fig.axes[1].get_legend().get_texts()][0] == "trust circle r=1"
    assert len(fig.axes[0].collections) == 2      # the old disc is gone
    png(ref)  # both drawn once before: constrained layout settles on the second draw
    assert png(fig) == png(ref)


# ------------------------------------------------------------------ curves
def test_loss_curves_linear_log_and_smoothing():
    fig = viz.loss_curves({"SGD": np.exp(-np.arange(50) / 10), "Adam": np.exp(-np.arange(50) / 5)}, log=True)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and [t.get_text() for t in ax.get_legend().get_texts()] == ["SGD", "Adam"]
    fig = viz.loss_curves(np.random.default_rng(0).random(40), smooth=5)
    assert len(fig.axes[0].lines) == 2 and fig.axes[0].get_yscale() == "linear"


def test_train_val_curves_mark_best_epoch_and_early_stop():
    val = [1.0, 0.8, 0.7, 0.75, 0.8, 0.9, 0.95, 1.0]
    fig = viz.train_val_curves(np.linspace(1, 0.1, 8), val, best="min", patience=3)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["training", "validation", "best epoch 3", "stop (patience 3) at 6"]
    with pytest.raises(ValueError, match="best must be 'min', 'max' or None, got 'low'"):
        viz.train_val_curves([1], [1], best="low")


# ------------------------------------------------------------------ diagrams
def test_momentum_diagram_kinds():
    assert len(viz.momentum_diagram([-0.5, -0.3], [1, 2], [0.8, 1.0], lr=0.3).axes) == 2
    fig = viz.momentum_diagram([-0.5, -0.3], [1, 2], kind="nesterov")
    assert fig.axes[0].get_title().startswith("Nesterov")
    with pytest.raises(ValueError, match="kind must be 'momentum', 'nesterov' or 'both', got 'adam'"):
        viz.momentum_diagram([0, 1], [1, 0], kind="adam")


def test_activation_histograms_one_panel_per_layer():
    rng = np.random.default_rng(0)
    acts = {f"tanh {i}": np.tanh(rng.normal(size=500) * s) for i, s in enumerate((2, 1, 0.5))}
    fig = viz.activation_histograms(acts)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 3 and visible[0].get_title().startswith("tanh 0\nmean")
    fig = viz.activation_histograms([rng.normal(size=10)] * 7, ncols=4)
    assert sum(ax.get_visible() for ax in fig.axes) == 7
    with pytest.raises(ValueError, match="at least one array"):
        viz.activation_histograms([])


@pytest.mark.parametrize("kind, cells", [("batch", 4 * 4), ("layer", 6 * 4), ("instance", 4), ("group", 3 * 4)])
def test_norm_cube_shades_the_cells_that_share_statistics(kind, cells):
    fig = viz.norm_cube(kind, groups=2, n=4, c=6, hw=4)
    ax = fig.axes[0]
    blue = [p for p in ax.patches if matplotlib.colors.to_hex(p.get_facecolor()) == "#56b4e9"]
    assert len(blue) == cells  # front faces drawn at full shade, one per shaded cell


def test_norm_cube_all_and_errors():
    assert len(viz.norm_cube().axes) == 4
    with pytest.raises(ValueError, match="kind must be one of"):
        viz.norm_cube("weight")
    with pytest.raises(ValueError, match="groups must divide the channels c=6, got groups=4"):
        viz.norm_cube("group", groups=4)


def test_labels_in_one_figure_never_share_a_style():
    from gdlib.viz._colors import distinct_style

    used = []
    for name in ["kappa = 2", "kappa = 10", "kappa = 50", "start A", "start D"]:
        used.append(distinct_style(name, used))
    assert len({u["color"] for u in used}) == 5           # non-optimizers: distinct colours
    adam1 = distinct_style("Adam lr=1e-3", [])
    adam2 = distinct_style("Adam lr=1e-2", [adam1])
    assert adam1["color"] == adam2["color"] == viz.color("Adam")   # an optimizer keeps its colour
    assert adam1["linestyle"] != adam2["linestyle"]


def test_loss_curves_and_paths_use_distinct_styles():
    import numpy as np

    fig = viz.loss_curves({"with batch norm": np.ones(3), "without batch norm": np.ones(3)})
    colours = [ln.get_color() for ln in fig.axes[0].get_lines()]
    assert len(set(colours)) == 2
    f = lambda x: x[0] ** 2 + x[1] ** 2  # noqa: E731
    path = np.array([[1.0, 1.0], [0.5, 0.5]])
    fig = viz.contour(f, (-2, 2), (-2, 2), paths={"SGD lr=0.1": path, "SGD lr=0.4": path * 0.9})
    lines = [ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith("SGD")]
    assert len({(ln.get_color(), ln.get_linestyle()) for ln in lines}) == 2
