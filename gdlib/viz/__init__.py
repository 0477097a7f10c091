"""Figures of the book: plain arrays or results in, matplotlib figures out.

Every function draws with the book's style sheet (``gdlib.mplstyle``) and gives
each optimizer the same colour in every chapter (:func:`color`). Functions
build a :class:`matplotlib.figure.Figure` without pyplot, so a figure shows
once when it is a cell's last expression and never leaks; pass ``ax=`` to
draw into axes of your own.

=============================  ==================================================
:func:`contour`                contours of f(x, y) with paths, gradient arrows
:func:`add_paths`              paths on existing axes; ``.set()`` reuses artists
:func:`curve`                  a 1-D function with gradient-descent iterates
:func:`surface`                a 3-D surface, optionally with paths on it
:func:`taylor`                 first/second-order Taylor model and trust circle
:func:`loss_curves`            loss per step for one or several runs (lin/log)
:func:`train_val_curves`       per-epoch training and validation curves
:func:`momentum_diagram`       momentum and Nesterov "jump, then correct" vectors
:func:`activation_histograms`  one histogram per layer with mean and std
:func:`norm_cube`              the axes each normalization layer averages over
:func:`color`                  the fixed colour of an optimizer (also
                               ``line_style``, ``use_style``,
                               ``style_context``)
=============================  ==================================================

Paths are drawn by a :class:`Paths` object (``fig.axes[0].gdlib_paths`` for
:func:`contour` and :func:`curve`) whose ``set(paths, upto=None)`` moves the
existing lines and returns them: what an exploration's ``update`` returns
(see :mod:`gdlib.explore`). Paths are arrays of shape (k+1, d) or any result
with a ``.path`` attribute (``gdlib.minimize``'s ``Result``).

matplotlib is imported on first use, not with ``gdlib``.
"""
from __future__ import annotations

import importlib

from ._colors import OPTIMIZER_COLORS, color, line_style  # no matplotlib import

_LAZY = {
    "use_style": "_style", "style_context": "_style", "STYLE_PATH": "_style",
    "contour": "surfaces", "add_paths": "surfaces", "Paths": "surfaces", "curve": "surfaces",
    "surface": "surfaces", "taylor": "surfaces",
    "loss_curves": "curves", "train_val_curves": "curves",
    "momentum_diagram": "diagrams", "activation_histograms": "diagrams", "norm_cube": "diagrams",
}

__all__ = ["OPTIMIZER_COLORS", "color", "line_style", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
