"""Interactive explorations that work in a live kernel *and* in the static HTML book.

One call in a notebook::

    explore(plot, lr=Slider(0.01, 1.0, num=9, scale="log"),
            optimizer=Choice(["SGD", "Momentum", "Adam"]))

- In a live kernel (Jupyter, Binder, Colab) it shows ipywidgets controls that
  redraw the figure on every change; nothing is computed ahead.
- When the environment variable ``GDLIB_EXPLORE`` is ``static`` (the book
  build sets it) it computes one frame per point of the controls' grid and
  shows a self-contained HTML scrubber (inline script, style and images; no
  network, no external library), so the controls still work in the HTML book.

The plot function
-----------------
``plot`` is called with the controls named in its signature (all of them if
it takes ``**kwargs``) and returns either

1. a :class:`~matplotlib.figure.Figure`: simplest; it is called again and the
   figure redrawn from scratch on every change; or
2. ``(fig, update)``: ``plot`` builds the figure once (it is called again only
   when a control *it* names changes, e.g. the objective), and
   ``update(**values)`` changes artists in place (``set_data``,
   ``set_array``...) and returns the artists it changed. Those are drawn over a
   cached background (blitting): fast live redraws, and in the static book one
   background image plus the changed lines as tiny vector overlays. Return
   ``None`` instead to have the whole figure redrawn.

Animation: a :class:`Play` control gives play/pause/step buttons both live and
in the static page; ``update`` typically shows ``path[:step + 1]``.

Example (the fast form: contours drawn once per objective, paths moved)::

    def plot(function):                      # named controls: rebuild when they change
        f = PROBLEMS[function]
        runs = {name: gdlib.minimize(f, x0, opt, steps=150) for name, opt in OPTS.items()}
        fig = viz.contour(f, paths=dict.fromkeys(runs))   # empty paths, legend ready
        paths = fig.axes[0].gdlib_paths
        def update(step):                    # every change: move artists, return them
            return paths.set(runs, upto=step)
        return fig, update

    explore(plot, function=Choice(["Beale", "Rosenbrock"]), step=Play(150, step=3))

Static form, in short: grid points are visited with the animation step
varying fastest; full figures become WebP images (deduplicated); with
``(fig, update)`` the background is one image per ``plot`` call and each
frame lists its changed artists: Line2D and plain Text as SVG paths/text
(an animation's frames refer to prefixes of one coordinate list), any other
artist as a small transparent PNG. ``explore_static/explore.js`` (inlined,
one global ``gdlibExplore``, idempotent) shows them. Ids are content hashes,
so re-running a notebook gives identical output.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import html
import inspect
import io
import itertools
import json
import math
import os
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Callable

import numpy as np

from . import _validate

__all__ = ["explore", "Exploration", "Slider", "IntSlider", "Choice", "Checkbox", "Play",
           "ENV_VAR", "MAX_FRAMES", "MAX_BYTES"]

#: The environment variable that selects the static form (value ``static``).
ENV_VAR = "GDLIB_EXPLORE"
#: Largest grid (product of every control's number of values) by default.
MAX_FRAMES = 600
#: Largest static exploration (bytes of HTML, images included) by default.
MAX_BYTES = 1_500_000

_STATIC_DIR = Path(__file__).with_name("explore_static")


# ======================================================================== controls
class Control:
    """A control: a finite grid of ``values`` and the index of the initial one."""

    kind = "control"

    def __init__(self, values: Sequence, texts: Sequence[str], index: int, label: str | None):
        if label is not None and not isinstance(label, str):
            raise TypeError(f"label must be a string, got {label!r}")
        self.values = tuple(values)
        self.texts = tuple(texts)
        self.index = int(index)
        self.label = label
        self.name: str | None = None  # set by explore()

    @property
    def value(self):
        """The initial value."""
        return self.values[self.index]

    def __len__(self) -> int:
        return len(self.values)

    def _title(self) -> str:
        return self.label if self.label is not None else (self.name or "")

    def _spec(self) -> dict:
        return {"kind": self.kind, "label": self._title(), "texts": list(self.texts), "index": self.index}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} values, initial {self.texts[self.index]})"


def _fmt(v: float, fmt: str) -> str:
    return format(v, fmt)


def _nearest(grid: np.ndarray, v: float, log: bool) -> int:
    g, x = (np.log(grid), math.log(v)) if log else (grid, v)
    return int(np.argmin(np.abs(g - x)))


class Slider(Control):
    """A float slider over ``num`` values from ``low`` to ``high``.

    ``scale="log"`` spaces the values geometrically (learning rates,
    condition numbers); ``value`` (default: the middle one) snaps to the
    nearest grid value. Live and static forms show the same values.
    """

    kind = "slider"

    def __init__(self, low: float, high: float, *, num: int = 9, value: float | None = None,
                 scale: str = "linear", label: str | None = None, fmt: str = ".3g"):
        _validate.choice("scale", scale, ("linear", "log"))
        low = _validate.real("low", low, low=0.0, low_open=True) if scale == "log" else _validate.real("low", low)
        high = _validate.real("high", high, low=low, low_open=True)
        num = _validate.integer("num", num, low=2, high=1001)
        grid = np.geomspace(low, high, num) if scale == "log" else np.linspace(low, high, num)
        values = [float(f"{v:.12g}") for v in grid]  # 0.1, not 0.10000000000000002
        if value is None:
            index = (num - 1) // 2
        else:
            value = _validate.real("value", value, low=low, high=high)
            index = _nearest(np.asarray(values), value, scale == "log")
        self.scale = scale
        super().__init__(values, [_fmt(v, fmt) for v in values], index, label)


class IntSlider(Control):
    """An integer slider: ``low, low + step, ..., high`` (or ``num`` log-spaced integers)."""

    kind = "slider"

    def __init__(self, low: int, high: int, *, step: int = 1, value: int | None = None,
                 scale: str = "linear", num: int | None = None, label: str | None = None):
        _validate.choice("scale", scale, ("linear", "log"))
        low = _validate.integer("low", low, low=1 if scale == "log" else None)
        high = _validate.integer("high", high, low=low + 1)
        if scale == "log":
            num = _validate.integer("num", 9 if num is None else num, low=2, high=1001)
            values = sorted({int(round(v)) for v in np.geomspace(low, high, num)})
        else:
            step = _validate.integer("step", step, low=1)
            values = list(range(low, high + 1, step))
            if len(values) > 1001:
                raise ValueError(f"IntSlider({low}, {high}, step={step}) has {len(values)} values; "
                                 "at most 1001 are allowed: raise step")
        if value is None:
            index = (len(values) - 1) // 2
        else:
            value = _validate.integer("value", value, low=low, high=high)
            index = _nearest(np.asarray(values, float), float(value), scale == "log")
        self.scale = scale
        super().__init__(values, [str(v) for v in values], index, label)


class Choice(Control):
    """A choice among ``options``: a list of values or a dict ``{label: value}``.

    Values may be any objects (objectives, optimizer classes...); their
    labels are ``str(value)`` unless given as dict keys.
    """

    kind = "choice"

    def __init__(self, options: Sequence | Mapping, *, value: Any = None, label: str | None = None):
        if isinstance(options, Mapping):
            texts, values = [str(k) for k in options], list(options.values())
        elif isinstance(options, (str, bytes)) or not isinstance(options, Sequence):
            raise TypeError(f"options must be a list or a dict, got {options!r}")
        else:
            values = list(options)
            texts = [str(v) for v in values]
        if not values:
            raise ValueError("options must hold at least one option, got an empty list")
        if len(set(texts)) != len(texts):
            raise ValueError(f"options must have distinct labels, got {texts!r}")
        if value is None:
            index = 0
        else:
            matches = [i for i, v in enumerate(values) if v is value or (_safe_eq(v, value))]
            matches = matches or [i for i, t in enumerate(texts) if t == value]
            if not matches:
                raise ValueError(f"value must be one of the options {texts!r}, got {value!r}")
            index = matches[0]
        super().__init__(values, texts, index, label)


def _safe_eq(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return False


class Checkbox(Control):
    """A checkbox: ``False`` or ``True``."""

    kind = "checkbox"

    def __init__(self, value: bool = False, *, label: str | None = None):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"value must be True or False, got {value!r}")
        super().__init__([False, True], ["off", "on"], int(bool(value)), label)


class Play(Control):
    """An animation step ``start, start + step, ..., stop`` with play/pause/step buttons.

    ``interval`` is the time between frames in milliseconds. By default the
    animation starts at its last frame (the whole path shows); press play to
    watch it from the start.
    """

    kind = "play"

    def __init__(self, stop: int, *, start: int = 0, step: int = 1, value: int | None = None,
                 interval: int = 120, label: str | None = None):
        start = _validate.integer("start", start)
        stop = _validate.integer("stop", stop, low=start + 1)
        step = _validate.integer("step", step, low=1)
        self.interval = _validate.integer("interval", interval, low=10, high=10_000)
        values = list(range(start, stop + 1, step))
        if len(values) > 2001:
            raise ValueError(f"Play({stop}, start={start}, step={step}) has {len(values)} frames; "
                             "at most 2001 are allowed: raise step")
        if value is None:
            index = len(values) - 1
        else:
            value = _validate.integer("value", value, low=start, high=stop)
            index = _nearest(np.asarray(values, float), float(value), False)
        super().__init__(values, [str(v) for v in values], index, label)

    def _spec(self) -> dict:
        return {**super()._spec(), "interval": self.interval}


# ======================================================================== drawing
def _accepted(fn: Callable, names: Sequence[str], what: str) -> tuple[str, ...]:
    """The control names ``fn`` accepts; a required parameter without a control is an error."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return tuple(names)
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return tuple(names)
    for p in params.values():
        if p.name not in names and p.default is p.empty and p.kind not in (p.VAR_POSITIONAL,):
            raise TypeError(f"{what} has a parameter {p.name!r} that is no control; "
                            f"the controls are {', '.join(names)}")
    return tuple(n for n in names if n in params)


def _close_pyplot(fig) -> None:
    """Forget a figure made with pyplot, so the inline backend does not show it too."""
    import sys
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None and fig in [m.canvas.figure for m in plt._pylab_helpers.Gcf.get_all_fig_managers()]:
        plt.close(fig)


class _Drawer:
    """Calls the plot function and redraws its figure, reusing artists when it can."""

    def __init__(self, plot: Callable, controls: dict[str, Control]):
        self.plot = plot
        self.controls = controls
        self.names = tuple(controls)
        self.plot_keys = _accepted(plot, self.names, "plot")
        self.fig = None
        self.update = None
        self.update_keys: tuple[str, ...] = ()
        self.key: tuple | None = None
        self.background = None  # saved pixels of the figure without its changing artists
        self.dpi: float | None = None  # None: the figure's own

    def values(self, index: Sequence[int]) -> dict:
        return {n: self.controls[n].values[i] for n, i in zip(self.names, index)}

    def prepare(self, index: Sequence[int]):
        """Bring the figure to the state of grid point ``index``; return changed artists or None."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        values = self.values(index)
        key = tuple(i for n, i in zip(self.names, index) if n in self.plot_keys)
        if self.fig is None or key != self.key:
            out = self.plot(**{k: values[k] for k in self.plot_keys})
            fig, update = (out if isinstance(out, tuple) else (out, None))
            if isinstance(out, tuple) and len(out) != 2:
                raise TypeError(f"plot must return a Figure or (Figure, update), got a tuple of {len(out)}")
            if not isinstance(fig, Figure):
                raise TypeError(f"plot must return a matplotlib Figure or (Figure, update), got {type(fig).__name__}")
            if update is not None and not callable(update):
                raise TypeError(f"the update returned by plot must be callable, got {type(update).__name__}")
            _close_pyplot(fig)
            if self.fig is not None and self.fig is not fig:
                _close_pyplot(self.fig)
            if not isinstance(fig.canvas, FigureCanvasAgg):
                # Draw off-screen with Agg whatever the notebook backend. A figure
                # that plot returns again (cached per control value) keeps its
                # canvas, and with it matplotlib's text and layout caches.
                FigureCanvasAgg(fig)
            if fig.axes and all(ax.get_subplotspec() is None for ax in fig.axes):
                # Axes placed by hand (fig.add_axes): constrained layout, on in the
                # book's style, has nothing to lay out and would warn on every draw.
                fig.set_layout_engine("none")
            if self.dpi is not None:
                fig.set_dpi(self.dpi)
            self.fig, self.update, self.key, self.background = fig, update, key, None
            self.update_keys = _accepted(update, self.names, "update") if update else ()
        if self.update is None:
            return None
        artists = self.update(**{k: values[k] for k in self.update_keys})
        if artists is None:
            self.background = None
            return None
        from matplotlib.artist import Artist
        artists = list(artists)
        for a in artists:
            if not isinstance(a, Artist):
                raise TypeError(f"update must return matplotlib artists (or None), got {type(a).__name__}")
        return sorted(artists, key=lambda a: a.get_zorder())

    def draw(self, index: Sequence[int]):
        """Draw grid point ``index``; return (artists or None, background_was_redrawn)."""
        artists = self.prepare(index)
        canvas = self.fig.canvas
        if artists is None:
            canvas.draw()
            return None, True
        fresh = any(not a.get_animated() for a in artists) or self.background is None
        if fresh:
            for a in artists:
                a.set_animated(True)
            canvas.draw()  # everything but the animated artists
            self.background = canvas.copy_from_bbox(self.fig.bbox)
        return artists, fresh

    def blit(self, artists) -> None:
        self.fig.canvas.restore_region(self.background)
        for a in artists:
            self.fig.draw_artist(a)

    def rgba(self) -> np.ndarray:
        return np.asarray(self.fig.canvas.buffer_rgba())

    def render(self, index: Sequence[int], fmt: str = "png", **encoding) -> bytes:
        """The figure at grid point ``index`` as image bytes (a live redraw)."""
        artists, _ = self.draw(index)
        if artists is not None:
            self.blit(artists)
        return _encode(self.rgba(), fmt, **encoding)


# Live frames. The first is a small lossy WebP (a fifth of a PNG: it is what a
# committed notebook stores). Updates are JPEG at quality 88 without chroma
# subsampling (crisp coloured lines): libjpeg-turbo encodes one in ~1.5 ms,
# where PNG or WebP take 10-30 ms, which would dominate a redraw.
_LIVE_FIRST = {"quality": 60, "method": 4}
_LIVE_UPDATE = {"quality": 88}


def _encode(rgba: np.ndarray, fmt: str, *, fast: bool = False, quality: int = 82, method: int = 4) -> bytes:
    """RGB (opaque figures) or, for PNG sprites with transparency, RGBA image bytes."""
    from PIL import Image
    alpha = fmt == "png" and bool(np.any(rgba[..., 3] < 255))
    im = Image.fromarray(np.ascontiguousarray(rgba if alpha else rgba[..., :3]), "RGBA" if alpha else "RGB")
    buf = io.BytesIO()
    if fmt == "png":
        im.save(buf, "PNG", compress_level=1 if fast else 9, optimize=not fast)
    elif fmt == "jpeg":
        im.save(buf, "JPEG", quality=quality, subsampling=0)
    else:
        im.save(buf, "WEBP", quality=quality, method=method)
    return buf.getvalue()


def _data_uri(data: bytes, fmt: str) -> str:
    return f"data:image/{fmt};base64,{base64.b64encode(data).decode('ascii')}"


# ======================================================================== vector overlays
_MARKERS = {"o", "s", "^", "v", "D", "d", "x", "+", ".", "*", "p", "h", "<", ">"}


def _hex(c) -> str:
    from matplotlib.colors import to_hex, to_rgba
    rgba = to_rgba(c)
    return "none" if rgba[3] == 0 else to_hex(rgba, keep_alpha=False)


def _clip_polyline(pts: np.ndarray, rect) -> list:
    """Clip a polyline to ``rect`` (Liang-Barsky per segment); ``None`` marks a break.

    Emitted segment by segment, so a path's first k points give a prefix of
    the full path's output (which lets animation frames share one geometry).
    """
    x0, y0, x1, y1 = rect
    out: list = []
    joined = False
    for a, b in zip(pts[:-1], pts[1:]):
        if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
            joined = False
            continue
        d = b - a
        t0, t1 = 0.0, 1.0
        ok = True
        for p, q in ((-d[0], a[0] - x0), (d[0], x1 - a[0]), (-d[1], a[1] - y0), (d[1], y1 - a[1])):
            if p == 0:
                if q < 0:
                    ok = False
                    break
            else:
                r = q / p
                if p < 0:
                    t0 = max(t0, r)
                else:
                    t1 = min(t1, r)
        if not ok or t0 > t1:
            joined = False
            continue
        s, e = a + t0 * d, a + t1 * d
        if not (joined and t0 == 0.0):
            if out:
                out.append(None)
            out += [round(float(s[0]), 1), round(float(s[1]), 1)]
        out += [round(float(e[0]), 1), round(float(e[1]), 1)]
        joined = t1 == 1.0
    return out


def _sprite(artist, fig, add_image) -> dict | None:
    """Rasterise one artist alone on a transparent canvas, cropped: an SVG <image> item."""
    from matplotlib.backends.backend_agg import RendererAgg
    w, h = int(round(fig.bbox.width)), int(round(fig.bbox.height))
    renderer = RendererAgg(w, h, fig.dpi)
    renderer.clear()
    artist.draw(renderer)
    rgba = np.asarray(renderer.buffer_rgba())
    ys, xs = np.nonzero(rgba[..., 3])
    if len(xs) == 0:
        return None
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    i = add_image(rgba[y0:y1, x0:x1], "png")
    return {"t": "i", "i": i, "x": int(x0), "y": int(y0), "w": int(x1 - x0), "h": int(y1 - y0),
            "z": artist.get_zorder()}


def _vector_items(artists, fig, clips: list, add_image) -> list:
    """Plain-data descriptions of the artists in image pixels.

    Line2D and plain Text become SVG paths and text (crisp, a few bytes);
    anything else (math text, collections, patches...) becomes a small
    transparent image of that artist alone.
    """
    from matplotlib.lines import Line2D
    from matplotlib.text import Text
    height, dpi = fig.bbox.height, fig.dpi
    pt = dpi / 72.0
    items = []
    for a in artists:
        if not a.get_visible():
            continue
        clip = None
        vector = (isinstance(a, (Line2D, Text)) and not (a.get_clip_on() and a.get_clip_path() is not None)
                  and not type(a).__module__.startswith("mpl_toolkits"))  # 3-D artists project when drawn
        if isinstance(a, Line2D):
            marker = a.get_marker()
            marker = "" if marker in (None, "None", "none", "", " ") else marker
            vector &= (a.get_drawstyle() in ("default", None) and a.get_markevery() is None
                       and (not marker or (isinstance(marker, str) and marker in _MARKERS)))
        elif isinstance(a, Text):
            s = a.get_text()
            if not s:
                continue
            vector &= not ("$" in s or a.get_rotation() % 360 != 0 or "\n" in s or a.get_bbox_patch() is not None)
        if not vector:
            item = _sprite(a, fig, add_image)
            if item is not None:
                items.append(item)
            continue
        if a.get_clip_on() and a.get_clip_box() is not None:
            b = a.get_clip_box()
            r = [round(b.x0, 1), round(height - b.y1, 1), round(b.width, 1), round(b.height, 1)]
            if r not in clips:
                clips.append(r)
            clip = clips.index(r)
        if isinstance(a, Line2D):
            xy = np.asarray(a.get_xydata(), dtype=float)
            px = a.get_transform().transform(xy) if len(xy) else np.empty((0, 2))
            px[:, 1] = height - px[:, 1]
            if clip is not None:
                x, y, w, h = clips[clip]
                rect = (x - 20, y - 20, x + w + 20, y + h + 20)
            else:
                rect = (-50, -50, 1e5, 1e5)
            ls = a.get_linestyle()
            item = {"t": "l", "c": _hex(a.get_color()), "a": 1.0 if a.get_alpha() is None else a.get_alpha(),
                    "w": round(a.get_linewidth() * pt, 2), "z": a.get_zorder(), "k": clip}
            if ls not in ("None", "", " ", "none") and a.get_linewidth() > 0:
                item["p"] = _clip_polyline(px, rect)
                offset, dashes = getattr(a, "_dash_pattern", (0, None))
                if dashes:
                    item["d"] = " ".join(f"{v * pt:.1f}" for v in dashes)
            if marker:
                inside = np.all(np.isfinite(px), axis=1) & (px[:, 0] >= rect[0]) & (px[:, 0] <= rect[2]) \
                    & (px[:, 1] >= rect[1]) & (px[:, 1] <= rect[3])
                item["q"] = [round(float(v), 1) for v in px[inside].ravel()]
                item.update(m=marker, ms=round(a.get_markersize() * pt, 2),
                            mf=_hex(a.get_markerfacecolor()), me=_hex(a.get_markeredgecolor()),
                            mw=round(a.get_markeredgewidth() * pt, 2))
            items.append(item)
        else:
            x, y = a.get_transform().transform(a.get_unitless_position())
            items.append({"t": "t", "s": a.get_text(), "x": round(float(x), 1), "y": round(float(height - y), 1),
                          "c": _hex(a.get_color()), "fs": round(a.get_fontsize() * pt, 2),
                          "ha": a.get_horizontalalignment(), "va": a.get_verticalalignment(),
                          "fw": str(a.get_fontweight()), "z": a.get_zorder(), "k": clip})
    return items


class _Geometries:
    """A table of flat coordinate lists; items refer to ``[table index, length]``."""

    def __init__(self):
        self.table: list[list] = []
        self._index: dict[str, int] = {}

    def add(self, g: list) -> int:
        key = json.dumps(g)
        if key not in self._index:
            self._index[key] = len(self.table)
            self.table.append(g)
        return self._index[key]

    def share(self, frames: list[list | None]) -> None:
        """Replace the ``p``/``q`` lists of a run of frames by ``[table index, start, length]``.

        Within a run (an animation), a frame's line is usually a prefix of the
        run's longest line and a marker one of its points, so the run stores
        each long list once and its frames only refer into it.
        """
        longest: dict[tuple[str, int], list] = {}
        for items in frames:
            for j, it in enumerate(items or []):
                for field in ("p", "q"):
                    g = it.get(field)
                    if g is not None and len(g) > len(longest.get((field, j), [])):
                        longest[(field, j)] = g
        refs = {key: self.add(g) for key, g in longest.items()}
        pool = sorted(refs.items(), key=lambda kv: -len(longest[kv[0]]))
        for items in frames:
            for j, it in enumerate(items or []):
                for field in ("p", "q"):
                    g = it.get(field)
                    if g is None:
                        continue
                    found = None
                    ref = longest.get((field, j))
                    if ref is not None and ref[: len(g)] == g:
                        found = [refs[(field, j)], 0, len(g)]
                    elif g and None not in g:
                        for key, gi in pool:
                            r = longest[key]
                            for start in range(0, len(r) - len(g) + 1, 2):
                                if r[start] == g[0] and r[start: start + len(g)] == g:
                                    found = [gi, start, len(g)]
                                    break
                            if found:
                                break
                    it[field] = found or [self.add(g), 0, len(g)]


# ======================================================================== the exploration
_used_ids: dict[str, int] = {}


def _resolve_mode(mode: str | None) -> str:
    if mode is None:
        return "static" if os.environ.get(ENV_VAR, "").strip().lower() == "static" else "live"
    return _validate.choice("mode", mode, ("static", "live", None))


class Exploration:
    """An interactive figure; shows itself as widgets (live) or a static HTML scrubber.

    Made by :func:`explore`. Displaying it (as a cell's last expression or with
    ``display``) picks the form; :meth:`to_html` and :meth:`widget` give
    either one explicitly.
    """

    def __init__(self, plot: Callable, controls: dict[str, Control], *, mode: str | None,
                 max_frames: int, max_bytes: int, image_format: str, scale: float | None,
                 title: str | None):
        self.controls = controls
        self.mode = mode
        self.max_bytes = max_bytes
        self.image_format = image_format
        self.scale = scale
        self.title = title
        self._plot = plot
        self._drawer = _Drawer(plot, controls)
        self._widget = None
        self._html: str | None = None
        self.shape = tuple(len(c) for c in controls.values())
        n = math.prod(self.shape)
        if n > max_frames:
            sizes = " x ".join(f"{k} ({len(c)})" for k, c in controls.items())
            raise ValueError(f"explore: the grid {sizes} has {n} points, more than max_frames={max_frames}; "
                             "use fewer values (num=, step=) or raise max_frames")
        self.n_frames = n
        self.stats: dict[str, Any] = {}
        self._encoding = self._ATTEMPTS[0]

    # ---------------------------------------------------------------- common
    @property
    def initial(self) -> tuple[int, ...]:
        return tuple(c.index for c in self.controls.values())

    def __repr__(self) -> str:
        parts = ", ".join(f"{k}={type(c).__name__}[{len(c)}]" for k, c in self.controls.items())
        return f"<Exploration {parts}>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        if _resolve_mode(self.mode) == "static":
            return {"text/html": self.to_html(), "text/plain": repr(self)}
        try:
            import ipywidgets  # noqa: F401
        except ImportError:  # no widgets installed: show the initial figure, say how to get controls
            return {"image/png": self._drawer.render(self.initial, "png"),
                    "text/plain": repr(self) + " (install ipywidgets for the controls)"}
        bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = repr(self)
        return bundle

    def render(self, **values) -> bytes:
        """PNG bytes of the figure for the given control values (others at their initial value)."""
        index = list(self.initial)
        for k, v in values.items():
            if k not in self.controls:
                raise ValueError(f"render: no control named {k!r}; the controls are {', '.join(self.controls)}")
            c = self.controls[k]
            matches = [i for i, x in enumerate(c.values) if x is v or _safe_eq(x, v)]
            if not matches:
                raise ValueError(f"render: {k}={v!r} is not on the control's grid {list(c.texts)}")
            index[list(self.controls).index(k)] = matches[0]
        return self._drawer.render(index, "png", fast=True)

    # ---------------------------------------------------------------- live
    def widget(self):
        """The live form: ipywidgets controls above an Image that is redrawn on change."""
        if self._widget is not None:
            return self._widget
        import ipywidgets as w

        drawer = self._drawer
        index = list(self.initial)
        first = drawer.render(index, "webp", **_LIVE_FIRST)
        width = int(round(drawer.fig.get_figwidth() * drawer.fig.dpi))
        image = w.Image(value=first, format="webp", layout=w.Layout(width=f"{width}px", max_width="100%"))
        errors = w.Output()
        rows = []
        style = {"description_width": "initial"}
        self._inputs = {}

        for pos, (name, c) in enumerate(self.controls.items()):
            opts = [(t, i) for i, t in enumerate(c.texts)]
            if c.kind == "slider":
                ctl = w.SelectionSlider(options=opts, value=c.index, description=c._title(), style=style,
                                        continuous_update=True, layout=w.Layout(width="420px"))
                row = ctl
            elif c.kind == "choice":
                ctl = w.Dropdown(options=opts, value=c.index, description=c._title(), style=style)
                row = ctl
            elif c.kind == "checkbox":
                ctl = w.Checkbox(value=bool(c.index), description=c._title(), indent=False)
                row = ctl
            else:  # play
                ctl = w.IntSlider(min=0, max=len(c) - 1, value=c.index, description=c._title(), style=style,
                                  readout=False, layout=w.Layout(width="320px"))
                player = w.Play(min=0, max=len(c) - 1, value=c.index, interval=c.interval, step=1)
                w.jslink((player, "value"), (ctl, "value"))
                label = w.Label(c.texts[c.index])
                ctl.observe(lambda ch, c=c, label=label: setattr(label, "value", c.texts[ch["new"]]), "value")
                row = w.HBox([player, ctl, label])
            self._inputs[name] = ctl

            def on_change(change, pos=pos):
                index[pos] = int(change["new"])
                try:
                    data = drawer.render(index, "jpeg", **_LIVE_UPDATE)
                    with image.hold_sync():
                        image.format = "jpeg"
                        image.value = data
                except Exception:
                    with errors:
                        traceback.print_exc()
            ctl.observe(on_change, "value")
            rows.append(row)
        children = ([w.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []) + \
            [w.VBox(rows), image, errors]
        self._widget = w.VBox(children)
        self._image = image
        return self._widget

    # ---------------------------------------------------------------- static
    def frames(self) -> dict:
        """Compute every frame of the grid: the data the static page embeds.

        Returns a dict with ``controls``, ``shape``, ``strides``, ``images``
        (data URIs), ``geoms`` (coordinate lists), ``styles`` (how each
        overlay item is drawn), ``clips``, ``uniq`` (distinct frames) and
        ``frames`` (grid point -> index into ``uniq``, row-major over the
        controls' order).
        """
        names = list(self.controls)
        play = [i for i, c in enumerate(self.controls.values()) if c.kind == "play"]
        # visit the grid with the animation step varying fastest, so a run of
        # consecutive frames is one animation and can share its geometries
        order = [i for i in range(len(names)) if i not in play] + play
        strides = [0] * len(names)
        s = 1
        for i in reversed(range(len(names))):
            strides[i] = s
            s *= self.shape[i]

        drawer = self._drawer
        factor, quality = self._encoding
        base_dpi = None
        images: list[str] = []
        image_index: dict[str, int] = {}
        geoms = _Geometries()
        clips: list = []
        frame_of = [0] * self.n_frames
        uniq: list[dict] = []
        uniq_index: dict[str, int] = {}
        run_len = self.shape[play[0]] if play else 1
        run: list[tuple[int, dict]] = []
        background_id = None
        fmt = self.image_format

        def add_image(rgba, kind=None) -> int:
            kind = kind or fmt
            data = _encode(rgba, kind, quality=quality)
            key = hashlib.sha1(data).hexdigest()
            if key not in image_index:
                image_index[key] = len(images)
                images.append(_data_uri(data, kind))
            return image_index[key]

        styles: list[dict] = []
        style_index: dict[str, int] = {}

        def compact(items: list) -> list:
            """Items -> a flat list, seven numbers per item: style, then (list, start, length) of
            the line's coordinates and of its markers' (-1, 0, 0 when absent)."""
            out = []
            for it in items:
                p, q = it.pop("p", None), it.pop("q", None)
                k = json.dumps(it, sort_keys=True)
                if k not in style_index:
                    style_index[k] = len(styles)
                    styles.append(it)
                out += [style_index[k], *(p or (-1, 0, 0)), *(q or (-1, 0, 0))]
            return out

        def flush():
            geoms.share([fr.get("items") for _, fr in run])
            for _, fr in run:
                if "items" in fr:
                    fr["items"] = compact(fr["items"])
            for flat, fr in run:
                k = json.dumps(fr, sort_keys=True)
                if k not in uniq_index:
                    uniq_index[k] = len(uniq)
                    uniq.append(fr)
                frame_of[flat] = uniq_index[k]
            run.clear()

        css_size = None
        for point in itertools.product(*[range(self.shape[i]) for i in order]):
            index = [0] * len(names)
            for i, v in zip(order, point):
                index[i] = v
            if drawer.dpi is None:  # first frame: fix the rendering resolution
                drawer.prepare(index)
                base_dpi = drawer.fig.dpi
                scale = (self.scale or (2.0 if drawer.update is not None else 1.5)) * factor
                drawer.dpi = base_dpi * scale
                drawer_scale = scale
                drawer.fig.set_dpi(drawer.dpi)
                drawer.background = None
            artists, fresh = drawer.draw(index)
            fig = drawer.fig
            height = fig.bbox.height
            if css_size is None:
                css_size = (int(round(fig.get_figwidth() * 100)), int(round(fig.get_figheight() * 100)))
                pixel_size = (int(round(fig.bbox.width)), int(round(height)))
            if artists is None:
                frame = {"img": add_image(drawer.rgba())}
            else:
                if fresh:
                    background_id = add_image(drawer.rgba())
                frame = {"bg": background_id, "items": _vector_items(artists, fig, clips, add_image)}
            run.append((sum(i * st for i, st in zip(index, strides)), frame))
            if len(run) == run_len:
                flush()
        flush()
        # back to the state a live redraw expects
        drawer.dpi = None
        if drawer.fig is not None and base_dpi is not None:
            drawer.fig.set_dpi(base_dpi)
            drawer.background = None
        return {"controls": [c._spec() for c in self.controls.values()], "names": names,
                "shape": list(self.shape), "strides": strides, "width": css_size[0], "height": css_size[1],
                "pw": pixel_size[0], "ph": pixel_size[1], "images": images, "geoms": geoms.table,
                "styles": styles, "clips": clips, "uniq": uniq, "frames": frame_of,
                "scale": round(drawer_scale, 3)}

    # resolution and WebP quality, tried in turn until the page fits max_bytes
    _ATTEMPTS = ((1.0, 82), (0.8, 72), (0.65, 60))

    def to_html(self) -> str:
        """The static form: one self-contained HTML fragment (inline script, style, images).

        If the frames come out heavier than ``max_bytes``, they are made again
        at a lower resolution and WebP quality (down to 0.65x and quality 60)
        before giving up with a ``ValueError``.
        """
        if self._html is not None:
            return self._html
        sizes = []
        for factor, quality in self._ATTEMPTS:
            self._encoding = (factor, quality)
            data = self.frames()
            body, digest = self._assemble(data)
            size = len(body.encode()) + len(digest) + 4
            sizes.append(size)
            if size <= self.max_bytes:
                break
        else:
            raise ValueError(f"explore: the static exploration is {sizes[-1]} bytes, more than max_bytes="
                             f"{self.max_bytes}, even at a lower resolution; use fewer grid values "
                             "(num=, step=) or a smaller figure")
        uid = f"gdx-{digest}"
        n = _used_ids.get(uid, 0)
        _used_ids[uid] = n + 1
        if n:
            uid = f"{uid}-{n}"
        out = body.replace("__GDX_ID__", uid, 1)
        self.stats = {"bytes": len(out.encode()), "frames": self.n_frames, "distinct_frames": len(data["uniq"]),
                      "images": len(data["images"]), "scale": data["scale"], "quality": quality}
        self._html = out
        return out

    def _assemble(self, data: dict) -> tuple[str, str]:
        first = data["uniq"][data["frames"][_flat(self.initial, data["strides"])]]
        first_image = first.get("img", first.get("bg"))
        src = data["images"][first_image]
        data["images"][first_image] = ""  # the <img> holds it: the script reads it from there
        payload = json.dumps(data, separators=(",", ":"), allow_nan=False)
        digest = hashlib.sha1(payload.encode()).hexdigest()[:10]
        safe = payload.replace("</", "<\\/").replace("<!--", "<\\!--")
        title = f'<div class="gdx-title">{html.escape(self.title)}</div>' if self.title else ""
        alt = html.escape(self.title or "interactive figure: " + ", ".join(self.controls))
        body = (
            '<div class="gdlib-explore" id="__GDX_ID__">'
            f"<style>{_asset('explore.css')}</style>{title}"
            f'<div class="gdx-controls">{self._controls_html()}</div>'
            f'<div class="gdx-figure" style="width:{data["width"]}px">'
            f'<img class="gdx-image" src="{src}" width="{data["width"]}" height="{data["height"]}" alt="{alt}">'
            f'<svg class="gdx-overlay" viewBox="0 0 {data["pw"]} {data["ph"]}" preserveAspectRatio="none" '
            f'aria-hidden="true"></svg></div>'
            f'<script type="application/json" class="gdx-data">{safe}</script>'
            f"<script>{_asset('explore.js')}</script></div>"
        )
        return body, digest

    def _controls_html(self) -> str:
        parts = []
        for i, c in enumerate(self.controls.values()):
            t = html.escape(c._title())
            cur = html.escape(c.texts[c.index])
            if c.kind == "slider":
                parts.append(f'<label class="gdx-control" data-i="{i}"><span class="gdx-label">{t}</span>'
                             f'<input type="range" min="0" max="{len(c) - 1}" step="1" value="{c.index}">'
                             f"<output>{cur}</output></label>")
            elif c.kind == "choice":
                opts = "".join(f'<option value="{j}"{" selected" if j == c.index else ""}>{html.escape(s)}</option>'
                               for j, s in enumerate(c.texts))
                parts.append(f'<label class="gdx-control" data-i="{i}"><span class="gdx-label">{t}</span>'
                             f"<select>{opts}</select></label>")
            elif c.kind == "checkbox":
                parts.append(f'<label class="gdx-control" data-i="{i}"><input type="checkbox"'
                             f'{" checked" if c.index else ""}><span class="gdx-label">{t}</span></label>')
            else:
                parts.append(f'<span class="gdx-control gdx-play" data-i="{i}"><span class="gdx-label">{t}</span>'
                             '<button type="button" data-act="back" title="step back">&#9664;</button>'
                             '<button type="button" data-act="play" title="play">play</button>'
                             '<button type="button" data-act="fwd" title="step forward">&#9654;</button>'
                             f'<input type="range" min="0" max="{len(c) - 1}" step="1" value="{c.index}" '
                             f'aria-label="{t}"><output>{cur}</output></span>')
        return "".join(parts)


def _flat(index, strides) -> int:
    return sum(i * s for i, s in zip(index, strides))


def _asset(name: str) -> str:
    return (_STATIC_DIR / name).read_text(encoding="utf-8")


# ======================================================================== entry point
def explore(plot: Callable, /, *, mode: str | None = None, max_frames: int = MAX_FRAMES,
            max_bytes: int = MAX_BYTES, image_format: str = "webp", scale: float | None = None,
            title: str | None = None, **controls: Control) -> Exploration:
    """An interactive figure: ``plot`` redrawn as the controls change.

    Parameters
    ----------
    plot : callable
        Called with the controls it names; returns a Figure, or
        ``(fig, update)`` where ``update(**values)`` changes artists in place
        and returns them (see the module docstring).
    **controls : Slider, IntSlider, Choice, Checkbox or Play
        One per keyword; the keyword is the argument name ``plot``/``update``
        receive. At most one :class:`Play`.
    mode : ``"live"``, ``"static"`` or None
        None (default) reads the environment: ``GDLIB_EXPLORE=static`` gives
        the static HTML form, anything else live widgets.
    max_frames : largest grid allowed (the product of the controls' sizes).
    max_bytes : largest static HTML allowed (default 1.5 MB).
    image_format : ``"webp"`` (lossy, small) or ``"png"`` for static images.
    scale : resolution of static images relative to the figure's dpi
        (default 2 for a background under vector overlays, 1.5 for full frames).
    title : optional heading shown above the controls.

    Returns
    -------
    Exploration
        Displays itself; nothing is computed until it is displayed.
    """
    if not callable(plot):
        raise TypeError(f"plot must be callable, got {type(plot).__name__}")
    _resolve_mode(mode)
    max_frames = _validate.integer("max_frames", max_frames, low=1)
    max_bytes = _validate.integer("max_bytes", max_bytes, low=1)
    _validate.choice("image_format", image_format, ("webp", "png"))
    if scale is not None:
        scale = _validate.real("scale", scale, low=0.25, high=4.0)
    if not controls:
        raise ValueError("explore needs at least one control, e.g. lr=Slider(0.01, 1.0)")
    named = {}
    for name, c in controls.items():
        if not isinstance(c, Control):
            raise TypeError(f"control {name!r} must be a Slider, IntSlider, Choice, Checkbox or Play, "
                            f"got {c!r}")
        named[name] = copy.copy(c)  # a control object may serve several explorations
        named[name].name = name
    controls = named
    if sum(c.kind == "play" for c in controls.values()) > 1:
        raise ValueError("explore takes at most one Play control, got "
                         f"{[k for k, c in controls.items() if c.kind == 'play']}")
    _accepted(plot, tuple(controls), "plot")
    return Exploration(plot, dict(controls), mode=mode, max_frames=max_frames, max_bytes=max_bytes,
                       image_format=image_format, scale=scale, title=title)
