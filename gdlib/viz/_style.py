"""The book's style sheet and helpers to apply it."""
from __future__ import annotations

import contextlib
from pathlib import Path

import matplotlib.style
from matplotlib.figure import Figure

STYLE_PATH = Path(__file__).with_name("gdlib.mplstyle")


def use_style() -> None:
    """Apply the book's style to every later figure (also plain ``plt`` ones)."""
    matplotlib.style.use(str(STYLE_PATH))


def style_context():
    """A context manager that applies the book's style inside a ``with`` block."""
    return matplotlib.style.context(str(STYLE_PATH))


def new_figure(ax=None, *, figsize=None, nrows=1, ncols=1, projection=None, **kw):
    """Return ``(fig, axes)``: ``ax`` and its figure if given, else a new pyplot-free figure."""
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize)
    sub = {"projection": projection} if projection else None
    axes = fig.subplots(nrows, ncols, subplot_kw=sub, squeeze=True, **kw)
    return fig, axes


@contextlib.contextmanager
def styled():
    with style_context():
        yield
