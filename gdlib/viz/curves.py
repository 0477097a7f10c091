"""Curves over steps and epochs: loss curves, training vs validation."""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ._colors import distinct_style, line_style
from ._style import new_figure, styled


def _series(x: Any) -> np.ndarray:
    return np.asarray(getattr(x, "losses", x), dtype=float).ravel()


def loss_curves(losses: Any, *, log: bool = False, xlabel: str = "step", ylabel: str = "loss",
                title: str | None = None, smooth: int = 0, ax=None, figsize=(6.0, 3.8)):
    """Loss per step of one or several runs, on a linear or log axis.

    Parameters
    ----------
    losses : an array, a result with ``.losses``, or a dict name -> either
        (optimizer names get the book's colours).
    log : log-scale y axis (convergence rates appear as straight lines).
    smooth : if > 1, also draw a moving average over ``smooth`` points
        (the noisy SGD curve stays visible underneath, lighter).
    """
    named = dict(losses) if isinstance(losses, Mapping) else {"loss": losses}
    with styled():
        fig, ax = new_figure(ax, figsize=figsize)
        used: list = []
        for name, s in named.items():
            y = _series(s)
            st = distinct_style(name, used) if len(named) > 1 or name != "loss" else {"color": "#0072B2"}
            used.append(st)
            if log:
                y = np.where(y > 0, y, np.nan)
            if smooth and smooth > 1 and len(y) >= smooth:
                ax.plot(np.arange(len(y)), y, lw=0.8, alpha=0.35, color=st["color"])
                k = np.ones(smooth) / smooth
                ax.plot(np.arange(smooth - 1, len(y)), np.convolve(y, k, mode="valid"), label=name, **st)
            else:
                ax.plot(np.arange(len(y)), y, label=name, **st)
        if log:
            ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        if len(named) > 1 or next(iter(named)) != "loss":
            ax.legend()
    return fig


def train_val_curves(train: Any, val: Any, *, ylabel: str = "loss", best: str | None = None,
                     patience: int | None = None, log: bool = False, title: str | None = None,
                     ax=None, figsize=(6.0, 3.8)):
    """Per-epoch training and validation curves, with an early-stopping marker.

    Parameters
    ----------
    train, val : arrays with one value per epoch (epoch 1 first).
    best : ``"min"`` (losses) or ``"max"`` (accuracies) marks the best
        validation epoch; ``None`` marks nothing.
    patience : with ``best``, also mark where early stopping with this
        patience stops (the first epoch ``patience`` epochs past the best so far).
    """
    tr, va = _series(train), _series(val)
    epochs = np.arange(1, max(len(tr), len(va)) + 1)
    with styled():
        fig, ax = new_figure(ax, figsize=figsize)
        ax.plot(epochs[: len(tr)], tr, color="#0072B2", label="training")
        ax.plot(epochs[: len(va)], va, color="#D55E00", label="validation")
        if best in ("min", "max") and len(va):
            sign = 1 if best == "min" else -1
            stop, best_i, wait = len(va) - 1, 0, 0
            for i in range(1, len(va)):
                if sign * va[i] < sign * va[best_i]:
                    best_i, wait = i, 0
                else:
                    wait += 1
                    if patience is not None and wait >= patience:
                        stop = i
                        break
            ax.axvline(best_i + 1, color="#009E73", ls="--", lw=1.2, label=f"best epoch {best_i + 1}")
            if patience is not None:
                ax.axvline(stop + 1, color="#999999", ls=":", lw=1.2,
                           label=f"stop (patience {patience}) at {stop + 1}")
        elif best is not None:
            raise ValueError(f"best must be 'min', 'max' or None, got {best!r}")
        if log:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        ax.legend()
    return fig
