"""gdlib.explore: controls, grids, frame generation, live widgets, static HTML."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from gdlib import Checkbox, Choice, IntSlider, Play, Slider, explore, viz
from gdlib.explore import Exploration, _clip_polyline

A = np.diag([1.0, 10.0])


def quad(x):
    return 0.5 * x @ A @ x


def gd(lr, steps=20, x0=(-1.8, 1.2)):
    xs = [np.array(x0, float)]
    for _ in range(steps):
        xs.append(xs[-1] - lr * (A @ xs[-1]))
    return np.array(xs)


def plot_reuse():
    fig = viz.contour(quad, (-2, 2), (-1.5, 1.5), paths={"SGD": None}, n=40)
    paths = fig.axes[0].gdlib_paths

    def update(lr, step=None):
        return paths.set({"SGD": gd(lr)}, upto=step)
    return fig, update


def plot_scratch(lr, on=False):
    return viz.loss_curves(np.exp(-lr * np.arange(10)), log=on)


def data_of(html: str) -> dict:
    raw = re.search(r'<script type="application/json" class="gdx-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(raw.replace("<\\/", "</"))


# ------------------------------------------------------------------ controls
def test_slider_linear_grid_and_default():
    s = Slider(0.0, 1.0, num=5)
    assert s.values == (0.0, 0.25, 0.5, 0.75, 1.0)
    assert s.value == 0.5
    assert s.texts[1] == "0.25"


def test_slider_log_grid_is_clean_and_snaps_value():
    s = Slider(0.001, 10, num=5, scale="log", value=0.09)
    assert s.values == (0.001, 0.01, 0.1, 1.0, 10.0)
    assert s.value == 0.1


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(low=1.0, high=1.0), ValueError, r"high must be > 1, got 1"),
    (dict(low=0.0, high=1.0, scale="log"), ValueError, r"low must be > 0, got 0"),
    (dict(low=0.0, high=1.0, scale="cubic"), ValueError, r"scale must be one of 'linear', 'log'; got 'cubic'"),
    (dict(low=0.0, high=1.0, num=1), ValueError, r"num must be >= 2, got 1"),
    (dict(low=0.0, high=1.0, num=2.5), TypeError, r"num must be an integer"),
    (dict(low=0.0, high=1.0, value=2.0), ValueError, r"value must be <= 1, got 2"),
    (dict(low=float("nan"), high=1.0), ValueError, r"low must not be NaN"),
    (dict(low="0", high=1.0), TypeError, r"low must be a real number"),
])
def test_slider_validation(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        Slider(**kwargs)


def test_int_slider_linear_and_log():
    assert IntSlider(1, 9, step=2).values == (1, 3, 5, 7, 9)
    assert IntSlider(1, 1000, scale="log", num=4).values == (1, 10, 100, 1000)
    assert IntSlider(1, 9, value=4).value == 4
    with pytest.raises(ValueError, match=r"high must be >= 6, got 5"):
        IntSlider(5, 5)
    with pytest.raises(ValueError, match="at most 1001"):
        IntSlider(0, 10_000)


def test_choice_list_dict_and_value():
    c = Choice(["SGD", "Adam"], value="Adam")
    assert c.value == "Adam" and c.texts == ("SGD", "Adam")
    d = Choice({"quadratic": quad, "abs": abs}, value=abs)
    assert d.value is abs and d.texts == ("quadratic", "abs")
    with pytest.raises(ValueError, match=r"value must be one of the options \['SGD', 'Adam'\], got 'RMSprop'"):
        Choice(["SGD", "Adam"], value="RMSprop")
    with pytest.raises(ValueError, match="at least one option"):
        Choice([])
    with pytest.raises(TypeError, match="options must be a list or a dict"):
        Choice("SGD")


def test_checkbox_and_play():
    assert Checkbox().values == (False, True) and Checkbox(True).value is True
    with pytest.raises(TypeError, match="value must be True or False, got 1"):
        Checkbox(1)
    p = Play(10, step=5)
    assert p.values == (0, 5, 10) and p.value == 10 and p.interval == 120
    with pytest.raises(ValueError, match=r"interval must be >= 10, got 1"):
        Play(10, interval=1)


# ------------------------------------------------------------------ explore()
def test_grid_too_large_is_a_clear_error():
    with pytest.raises(ValueError, match=r"the grid lr \(101\) x step \(201\) has 20301 points, "
                                         r"more than max_frames=600"):
        explore(plot_reuse, lr=Slider(0.01, 0.1, num=101), step=Play(200))


@pytest.mark.parametrize("call, exc, match", [
    (lambda: explore(plot_reuse, lr=0.1), TypeError, r"control 'lr' must be a Slider"),
    (lambda: explore(plot_reuse), ValueError, "at least one control"),
    (lambda: explore(plot_reuse, lr=Slider(0, 1), a=Play(3), b=Play(3)), ValueError, "at most one Play"),
    (lambda: explore(lambda lr, beta: None, lr=Slider(0, 1)), TypeError,
     r"plot has a parameter 'beta' that is no control"),
    (lambda: explore(plot_reuse, mode="html", lr=Slider(0, 1)), ValueError, r"mode must be one of"),
    (lambda: explore(42, lr=Slider(0, 1)), TypeError, "plot must be callable"),
])
def test_explore_validation(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_nothing_is_computed_before_display():
    calls = []

    def plot(lr):
        calls.append(lr)
        return plot_scratch(lr)
    e = explore(plot, lr=Slider(0.1, 1, num=3))
    assert isinstance(e, Exploration) and calls == []
    assert repr(e) == "<Exploration lr=Slider[3]>"


def test_mode_follows_environment(monkeypatch):
    e = explore(plot_scratch, lr=Slider(0.1, 1, num=2))
    monkeypatch.setenv("GDLIB_EXPLORE", "static")
    bundle = e._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    monkeypatch.setenv("GDLIB_EXPLORE", "live")
    bundle = e._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == "<Exploration lr=Slider[2]>"
    monkeypatch.delenv("GDLIB_EXPLORE")
    assert "text/html" not in explore(plot_scratch, lr=Slider(0.1, 1, num=2))._repr_mimebundle_()
    assert "text/html" in explore(plot_scratch, mode="static", lr=Slider(0.1, 1, num=2))._repr_mimebundle_()


# ------------------------------------------------------------------ frames
def test_full_frames_cover_the_grid_in_row_major_order():
    e = explore(plot_scratch, mode="static", lr=Slider(0.1, 1.0, num=3), on=Checkbox())
    d = e.frames()
    assert d["shape"] == [3, 2] and d["strides"] == [2, 1]
    assert len(d["frames"]) == 6 and len(d["uniq"]) == 6
    assert all("img" in u for u in d["uniq"])
    assert all(uri.startswith("data:image/webp;base64,") for uri in d["images"])
    assert len(set(d["images"])) == len(d["images"])  # stored once each


def test_identical_frames_are_stored_once():
    e = explore(lambda lr, unused: plot_scratch(lr), mode="static", lr=Slider(0.1, 1.0, num=2),
                unused=Checkbox())
    d = e.frames()
    assert len(d["frames"]) == 4 and len(d["uniq"]) == 2 and len(d["images"]) == 2
    assert d["frames"][0] == d["frames"][1]


def test_reused_artists_give_one_background_and_vector_overlays():
    e = explore(plot_reuse, mode="static", lr=Slider(0.01, 0.15, num=3), step=Play(20, step=2))
    d = e.frames()
    assert len(d["frames"]) == 3 * 11
    assert len(d["images"]) == 1  # the contours, drawn once
    assert all(u.get("bg") == 0 and len(u["items"]) % 7 == 0 for u in d["uniq"])
    # an animation shares its geometry: later frames refer to prefixes of one list
    assert len(d["geoms"]) <= 3 * 2
    line = [s for s in d["styles"] if s.get("m") == "o" and "d" not in s][0]
    assert line["c"] == viz.color("SGD").lower()


def test_vector_overlay_matches_the_artists_pixels():
    e = explore(plot_reuse, mode="static", scale=1, lr=Slider(0.01, 0.15, num=2))
    d = e.frames()
    fig = e._drawer.fig
    line = fig.axes[0].gdlib_paths.lines["SGD"][0]
    px = line.get_transform().transform(line.get_xydata())
    first = d["uniq"][d["frames"][1]]["items"]
    g = d["geoms"][first[1]][first[2]: first[2] + first[3]]
    assert g[0] == pytest.approx(px[0, 0], abs=0.06)
    assert g[1] == pytest.approx(fig.bbox.height - px[0, 1], abs=0.06)


def test_clip_polyline_prefix_property_and_breaks():
    pts = np.array([[5, 5], [50, 5], [-50, 5], [5, 8], [6, 8]], float)  # leaves and re-enters
    full = _clip_polyline(pts, (0, 0, 10, 10))
    assert None in full
    for k in range(2, len(pts) + 1):
        part = _clip_polyline(pts[:k], (0, 0, 10, 10))
        assert full[: len(part)] == part
    assert all(v is None or 0 <= v <= 10 for v in full)


def test_static_html_is_self_contained_and_namespaced():
    e = explore(plot_reuse, mode="static", lr=Slider(0.01, 0.15, num=3), step=Play(10))
    html = e.to_html()
    assert "http" not in html.replace("data:", "")
    assert re.fullmatch(r'<div class="gdlib-explore" id="gdx-[0-9a-f]{10}(-\d+)?">.*</div>', html, re.S)
    assert html.count("<script>") == 1 and "window.gdlibExplore" in html
    assert "</script" not in data_of(html).__repr__()
    assert e.stats["bytes"] == len(html.encode()) < 1_500_000


def test_static_output_is_deterministic():
    code = ("import numpy as np; from gdlib import explore, Slider, viz;"
            "e = explore(lambda lr: viz.loss_curves(np.exp(-lr*np.arange(9))), mode='static',"
            " lr=Slider(0.1, 1, num=3)); print(e.to_html())")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1]


def test_too_heavy_static_exploration_is_refused():
    e = explore(plot_scratch, mode="static", max_bytes=10_000, lr=Slider(0.1, 1.0, num=3))
    with pytest.raises(ValueError, match=r"more than max_bytes=10000"):
        e.to_html()


# ------------------------------------------------------------------ live
def test_live_widget_redraws_when_a_value_changes():
    e = explore(plot_reuse, mode="live", lr=Slider(0.01, 0.15, num=3), step=Play(20))
    box = e.widget()
    assert e.widget() is box
    before = e._image.value
    assert e._image.format == "webp" and before[8:12] == b"WEBP"  # small: a notebook stores it
    e._inputs["lr"].value = 0
    assert e._image.value != before
    e._inputs["step"].value = 3
    assert e._image.value[:2] == b"\xff\xd8" and e._image.format == "jpeg"


def test_render_matches_the_grid():
    e = explore(plot_reuse, lr=Slider(0.01, 0.15, num=3))
    assert e.render(lr=0.01) != e.render(lr=0.15)
    with pytest.raises(ValueError, match=r"lr=0.02 is not on the control's grid"):
        e.render(lr=0.02)


def test_importing_gdlib_loads_neither_widgets_nor_matplotlib():
    code = "import sys, gdlib; print('ipywidgets' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_other_artists_become_small_transparent_images():
    def plot():
        fig = viz.contour(quad, n=30)
        ax = fig.axes[0]
        title = ax.set_title(" ")
        dots = ax.scatter([0.0], [0.0], s=40)

        def update(lr):
            title.set_text(rf"$\eta = {lr:g}$")  # math text: not an SVG <text>
            dots.set_offsets([[lr, lr]])
            return [title, dots]
        return fig, update
    d = explore(plot, mode="static", lr=Slider(0.1, 1.0, num=3)).frames()
    sprites = [s for s in d["styles"] if s["t"] == "i"]
    # the contours, 3 titles and one dot image shared by its 3 positions
    assert len(sprites) == 6 and len(d["images"]) == 5
    assert all(d["images"][s["i"]].startswith("data:image/png;base64,") for s in sprites)
    assert max(s["w"] * s["h"] for s in sprites) < 200 * 60


def test_heavy_frames_are_remade_at_a_lower_resolution_before_failing():
    full = explore(plot_scratch, mode="static", lr=Slider(0.1, 1.0, num=3))
    size = len(full.to_html().encode())
    lighter = explore(plot_scratch, mode="static", max_bytes=int(0.9 * size), lr=Slider(0.1, 1.0, num=3))
    html = lighter.to_html()
    assert len(html.encode()) <= 0.9 * size
    assert lighter.stats["scale"] < full.stats["scale"] and lighter.stats["quality"] < 82


def test_pyplot_figures_are_released_so_the_notebook_does_not_show_them_twice():
    import matplotlib.pyplot as plt

    def plot(lr):
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, lr])
        return fig
    n = len(plt.get_fignums())
    e = explore(plot, lr=Slider(0.1, 1.0, num=2))
    e.render(lr=1.0)
    e.to_html()
    assert len(plt.get_fignums()) == n


def test_without_ipywidgets_the_live_form_shows_the_initial_figure(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_widgets(name, *args, **kwargs):
        if name == "ipywidgets" or name.startswith("ipywidgets."):
            raise ImportError("no ipywidgets")
        return real_import(name, *args, **kwargs)
    monkeypatch.delenv("GDLIB_EXPLORE", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_widgets)
    bundle = explore(plot_scratch, lr=Slider(0.1, 1.0, num=2))._repr_mimebundle_()
    assert bundle["image/png"][:4] == b"\x89PNG"
    assert bundle["text/plain"].endswith("(install ipywidgets for the controls)")


def test_three_d_lines_are_drawn_as_images_of_their_projection():
    def plot():
        fig = viz.surface(quad, n=12)
        ax = fig.axes[0]
        line, = ax.plot([], [], [], color="k")

        def update(lr):
            p = gd(lr, steps=5)
            line.set_data_3d(p[:, 0], p[:, 1], [quad(q) for q in p])
            return [line]
        return fig, update
    d = explore(plot, mode="static", lr=Slider(0.05, 0.15, num=2)).frames()
    assert {s["t"] for s in d["styles"]} == {"i"}


def test_hand_placed_axes_draw_without_layout_warnings():
    """The book's style turns constrained layout on; fig.add_axes must not warn."""
    import warnings

    from matplotlib.figure import Figure

    from gdlib import viz

    def plot(a):
        with viz.style_context():
            fig = Figure(figsize=(3, 2))
            ax = fig.add_axes([0.1, 0.1, 0.8, 0.8])
            ax.plot([0, 1], [0, a])
        return fig

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = explore(plot, a=Slider(0, 1, num=3), mode="static").to_html()
    assert "gdlib-explore" in html
