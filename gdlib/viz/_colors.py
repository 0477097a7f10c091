"""One colour (and line style) per optimizer, the same in every chapter.

Hues are Okabe & Ito's colour-blind-safe palette, extended with Paul Tol's
"muted" hues; the optimizers beyond the first eight also differ by line style,
so no two can be told apart by hue alone.
"""
from __future__ import annotations

import re
import zlib

# name -> (colour, line style). Keys are normalised names (see _key).
_TABLE: dict[str, tuple[str, str]] = {
    "sgd": ("#000000", "-"),
    "momentum": ("#E69F00", "-"),
    "nesterov": ("#D55E00", "-"),
    "adagrad": ("#009E73", "-"),
    "adadelta": ("#999933", "-"),
    "rmsprop": ("#56B4E9", "-"),
    "adam": ("#0072B2", "-"),
    "adamw": ("#332288", "--"),
    "adamax": ("#44AA99", "--"),
    "nadam": ("#CC79A7", "-"),
    "rprop": ("#882255", "--"),
    "deltabardelta": ("#CC6677", "--"),
    "newton": ("#555555", "-."),
    "steepestdescent": ("#AA7700", ":"),
}
_ALIASES = {
    "gd": "sgd", "gradientdescent": "sgd", "nag": "nesterov", "amsgrad": "adam",
    "steepest": "steepestdescent", "dampednewton": "newton", "gains": "deltabardelta",
}
_DISPLAY = {
    "sgd": "SGD", "momentum": "Momentum", "nesterov": "NAG/Nesterov", "adagrad": "Adagrad",
    "adadelta": "Adadelta", "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW",
    "adamax": "Adamax", "nadam": "NAdam", "rprop": "Rprop", "deltabardelta": "DeltaBarDelta",
    "newton": "Newton", "steepestdescent": "Steepest descent",
}
#: Display name -> colour, for a legend of the whole book.
OPTIMIZER_COLORS: dict[str, str] = {_DISPLAY[k]: c for k, (c, _) in _TABLE.items()}

# For names that are not optimizers: Okabe-Ito without black, chosen by a
# checksum of the name (deterministic across runs, unlike hash()).
_FALLBACK = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#999933"]


def _key(name: str) -> str | None:
    words = re.split(r"[\s(,;:=]+", str(name).strip().lower())
    for n in range(len(words), 0, -1):          # longest leading phrase first
        k = re.sub(r"[^a-z0-9]", "", "".join(words[:n]))
        k = _ALIASES.get(k, k)
        if k in _TABLE:
            return k
    return None


def color(name: str) -> str:
    """The book's colour for an optimizer (``"Adam"``, ``"nag"``, ``"SGD lr=0.1"``...).

    Matching ignores case, spaces, hyphens and anything after the name's
    first words, so ``"Adam (lr=1e-3)"`` is Adam's blue. Other names get a
    fixed colour from the same palette.
    """
    k = _key(name)
    if k is not None:
        return _TABLE[k][0]
    return _FALLBACK[zlib.crc32(str(name).encode()) % len(_FALLBACK)]


def line_style(name: str) -> dict:
    """``dict(color=..., linestyle=...)`` for an optimizer, to pass to ``ax.plot``."""
    k = _key(name)
    return {"color": color(name), "linestyle": _TABLE[k][1] if k is not None else "-"}


_EXTRA_STYLES = ("--", ":", "-.")


def distinct_style(name: str, used: list) -> dict:
    """The style of ``name`` for a figure that already holds the styles ``used``.

    An optimizer keeps its colour in every figure; a second line of the same
    optimizer (another learning rate, say) gets the next line style instead.
    Any other label takes the first palette colour no line in the figure has,
    so two labels that are not optimizers never share a colour by accident.
    ``used`` is the list of ``dict(color=..., linestyle=...)`` drawn so far.
    """
    st = line_style(name)
    taken = {(u["color"], u["linestyle"]) for u in used}
    colours = {u["color"] for u in used}
    if _key(name) is None and st["color"] in colours:
        free = [c for c in _FALLBACK if c not in colours]
        if free:
            st = {"color": free[0], "linestyle": "-"}
    for ls in (st["linestyle"],) + _EXTRA_STYLES:
        if (st["color"], ls) not in taken:
            return {"color": st["color"], "linestyle": ls}
    return st
