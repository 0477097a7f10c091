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


_FORMATTER_REGISTERED = False


def _show_figures_in_ipython() -> None:
    """Let a pyplot-free figure display as an image when it ends a notebook cell.

    pyplot's inline backend registers an image formatter for ``Figure`` only
    after ``%matplotlib inline`` or a pyplot import; a figure built by gdlib
    would otherwise show as ``<Figure size ...>`` text. Registered once, and
    only inside IPython.
    """
    global _FORMATTER_REGISTERED
    if _FORMATTER_REGISTERED:
        return
    _FORMATTER_REGISTERED = True
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:  # pragma: no cover - IPython is optional
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "display_formatter"):
        select_figure_formats(shell, {"png"})


def new_figure(ax=None, *, figsize=None, nrows=1, ncols=1, projection=None, **kw):
    """Return ``(fig, axes)``: ``ax`` and its figure if given, else a new pyplot-free figure."""
    if ax is not None:
        return ax.figure, ax
    _show_figures_in_ipython()
    fig = Figure(figsize=figsize)
    sub = {"projection": projection} if projection else None
    axes = fig.subplots(nrows, ncols, subplot_kw=sub, squeeze=True, **kw)
    return fig, axes


@contextlib.contextmanager
def styled():
    with style_context():
        yield
