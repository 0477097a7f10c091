r"""Mini-batches, the training loop, early stopping and gradient noise (chapters 5, 9-12).

One *iteration* is one gradient step on one mini-batch of ``batch_size``
examples; one *epoch* is one pass over the whole training set, i.e.
:math:`\lceil N / \text{batch\_size}\rceil` iterations (1000 examples,
batch_size 10: 100 iterations per epoch). The training set is reshuffled at
the start of every epoch from a seeded generator.

The loop of :func:`train`, for every mini-batch :math:`\mathcal B`::

    out   = model.forward(X_B)                 # forward pass, caches activations
    L     = loss.forward(out, y_B)             # mean loss over the batch
    model.backward(loss.backward())            # residuals -> model.grads
    g     = model.grads                        # dL/dtheta for every parameter
    g     = g + lambda W                       # L2 regularization (weights only), if l2 > 0
    g     = grad_noise(g, t)                   # annealed Gaussian noise, if asked for
    params, state = opt.step(params, g, state) # any gdlib.optim optimizer
    model.load_params(params)                  # write the new arrays back

and at the end of every epoch the training and validation loss and accuracy
go into a :class:`History`; early stopping watches one of them.
"""
from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import numpy as np

from . import _validate
from .nn.init import as_generator
from .nn.losses import CrossEntropyLoss
from .nn.module import Module
from .nn.regularization import l2_gradient
from .noise import AnnealedGaussian

__all__ = ["MiniBatches", "History", "EarlyStopping", "train", "evaluate", "accuracy", "predict"]


# --------------------------------------------------------------------------
# mini-batches
# --------------------------------------------------------------------------
class MiniBatches:
    """Iterate over ``(X_batch, y_batch)``; every ``for`` loop is one epoch, freshly shuffled.

    Parameters
    ----------
    X : array, shape (N, ...)
    y : array, shape (N, ...), optional
    batch_size : int
        ``batch_size = N`` is batch gradient descent, ``1`` is stochastic GD.
    shuffle : bool
        Draw a new permutation at the start of every epoch.
    rng : np.random.Generator or int
        Seed of the permutations.
    drop_last : bool
        Skip the last, smaller batch when ``batch_size`` does not divide ``N``.

    Attributes
    ----------
    epoch : int
        Number of epochs started so far.
    iteration : int
        Number of batches produced so far (over all epochs).

    Examples
    --------
    >>> import numpy as np
    >>> batches = MiniBatches(np.zeros((1000, 2)), np.zeros(1000), batch_size=10, rng=0)
    >>> len(batches), batches.describe()
    (100, '1000 examples, batch_size 10: 100 iterations per epoch')
    """

    def __init__(self, X: Any, y: Any = None, batch_size: int = 32, shuffle: bool = True, rng: Any = 0,
                 drop_last: bool = False) -> None:
        self.X = np.asarray(X)
        self.y = None if y is None else np.asarray(y)
        if self.X.ndim == 0:
            raise ValueError(f"X must have a first (sample) dimension, got shape {self.X.shape}")
        self.n = self.X.shape[0]
        if self.y is not None and self.y.shape[0] != self.n:
            raise ValueError(f"X and y must have the same number of rows, got {self.n} and {self.y.shape[0]}")
        if self.n == 0:
            raise ValueError("X must contain at least one example, got 0 rows")
        self.batch_size = _validate.integer("batch_size", batch_size, low=1)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.rng = as_generator(rng)
        self.epoch = 0
        self.iteration = 0
        if self.drop_last and self.batch_size > self.n:
            raise ValueError(f"batch_size must be <= the number of examples {self.n} with drop_last, got {batch_size}")

    def __len__(self) -> int:
        """Iterations per epoch: ceil(N / batch_size), or floor with ``drop_last``."""
        return self.n // self.batch_size if self.drop_last else math.ceil(self.n / self.batch_size)

    def describe(self) -> str:
        return f"{self.n} examples, batch_size {self.batch_size}: {len(self)} iterations per epoch"

    def __repr__(self) -> str:
        return (f"MiniBatches({self.describe()}, shuffle={self.shuffle}, epoch={self.epoch}, "
                f"iteration={self.iteration})")

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
        self.epoch += 1
        order = self.rng.permutation(self.n) if self.shuffle else np.arange(self.n)
        for k in range(len(self)):
            idx = order[k * self.batch_size:(k + 1) * self.batch_size]
            self.iteration += 1
            yield self.X[idx], (None if self.y is None else self.y[idx])


# --------------------------------------------------------------------------
# metrics and evaluation
# --------------------------------------------------------------------------
def accuracy(logits: Any, y: Any) -> float:
    """Fraction of rows whose largest output is at the true label ``y``."""
    logits, y = np.asarray(logits), np.asarray(y)
    if logits.ndim != 2 or logits.shape[0] != y.shape[0]:
        raise ValueError(f"accuracy needs outputs of shape (N, C) and labels of shape (N,), got {logits.shape} and {y.shape}")
    return float(np.mean(logits.argmax(axis=1) == y)) if y.size else float("nan")


def predict(model: Module, X: Any, batch_size: int | None = None) -> np.ndarray:
    """Outputs of ``model`` in evaluation mode (the previous mode is restored)."""
    was_training = model.training
    model.eval()
    try:
        X = np.asarray(X)
        if batch_size is None or batch_size >= X.shape[0]:
            return model.forward(X)
        return np.concatenate([model.forward(X[i:i + batch_size]) for i in range(0, X.shape[0], batch_size)])
    finally:
        model.train(was_training)


def evaluate(model: Module, loss: Any, X: Any, y: Any, batch_size: int | None = None) -> tuple[float, float]:
    """Return ``(loss, accuracy)`` of ``model`` on ``(X, y)`` in evaluation mode.

    Accuracy is NaN unless ``loss`` is a ``CrossEntropyLoss``.
    """
    with np.errstate(all="ignore"):
        out = predict(model, X, batch_size)
        value = loss.forward(out, y)
    acc = accuracy(out, y) if isinstance(loss, CrossEntropyLoss) else float("nan")
    return float(value), acc


# --------------------------------------------------------------------------
# history and early stopping
# --------------------------------------------------------------------------
@dataclass
class History:
    """What :func:`train` records, one entry per epoch (``batch_loss``: one per iteration).

    Attributes
    ----------
    epoch : list of int
        1, 2, ... (epochs completed).
    train_loss, train_accuracy : list of float
        Means over the epoch's mini-batches (weighted by batch size), measured
        during training (train mode); with ``eval_train=True`` the whole
        training set is re-evaluated in evaluation mode at the end of the epoch.
        The loss is the data loss, without the L2 penalty.
    val_loss, val_accuracy : list of float
        On the validation set in evaluation mode (empty without one).
    lr : list of float
        The learning rate of the epoch's last step (if the optimizer has ``lr_at``).
    batch_loss : list of float
        The loss of every iteration (chapter 5's noisy curve).
    iterations : int
        Gradient steps taken.
    best_epoch, best_value : int or None, float
        Of the monitored metric (early stopping).
    status : str
        ``"completed"``, ``"early_stopped"`` or ``"diverged"`` (non-finite loss or gradient).
    seconds : list of float
        Wall-clock time per epoch (not deterministic; never printed by default).
    opt_state : Any
        The optimizer's state after the last step.
    """

    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    iterations: int = 0
    iterations_per_epoch: int = 0
    monitor: str | None = None
    best_epoch: int | None = None
    best_value: float = float("nan")
    status: str = "completed"
    seconds: list[float] = field(default_factory=list)
    opt_state: Any = None

    def __getitem__(self, key: str) -> np.ndarray:
        """``history["val_accuracy"]`` as an array (for plotting)."""
        return np.asarray(getattr(self, key))

    def as_dict(self) -> dict[str, list]:
        keys = ("epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr")
        return {k: list(getattr(self, k)) for k in keys}

    def summary(self) -> str:
        """A deterministic one-paragraph report (no timings)."""
        if not self.epoch:
            return f"History: no epoch completed ({self.status})"
        e = len(self.epoch) - 1
        parts = [f"{len(self.epoch)} epochs, {self.iterations} iterations "
                 f"({self.iterations_per_epoch} per epoch), status {self.status}",
                 "last epoch: " + _metrics_text(self, e)]
        if self.best_epoch is not None:
            parts.append(f"best {self.monitor} {self.best_value:.4f} at epoch {self.best_epoch}")
        return "; ".join(parts)

    def __repr__(self) -> str:
        return f"History({self.summary()})"


_MONITORS = ("val_accuracy", "val_loss", "train_accuracy", "train_loss")


class EarlyStopping:
    """Stop when the monitored metric has not improved for ``patience`` epochs.

    The lecture notes' rule: record the best accuracy; when it has not been
    beaten for ``patience`` consecutive epochs (10, 20, 30, ...), stop, and go
    back to the weights of the best epoch. Accuracy rather than loss is the
    default because the loss can stall while accuracy still improves.

    Parameters
    ----------
    patience : int
        Epochs without improvement before stopping.
    monitor : {"val_accuracy", "val_loss", "train_accuracy", "train_loss"}
    min_delta : float
        An improvement must exceed this amount.
    restore_best : bool
        Load the best epoch's parameters and buffers at the end.
    """

    def __init__(self, patience: int = 10, monitor: str = "val_accuracy", min_delta: float = 0.0,
                 restore_best: bool = True) -> None:
        self.patience = _validate.integer("patience", patience, low=0)
        self.monitor = _validate.choice("monitor", monitor, _MONITORS)
        self.min_delta = _validate.real("min_delta", min_delta, low=0)
        self.restore_best = bool(restore_best)
        self.mode = "max" if monitor.endswith("accuracy") else "min"
        self.best_value = -math.inf if self.mode == "max" else math.inf
        self.best_epoch: int | None = None
        self.best_state: dict[str, np.ndarray] | None = None
        self.wait = 0

    def __repr__(self) -> str:
        return (f"EarlyStopping(patience={self.patience}, monitor={self.monitor!r}, "
                f"min_delta={self.min_delta:g}, restore_best={self.restore_best})")

    def improved(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        if self.mode == "max":
            return value > self.best_value + self.min_delta
        return value < self.best_value - self.min_delta

    def update(self, value: float, epoch: int, model: Module) -> bool:
        """Record the epoch's ``value``; return True when training should stop."""
        if self.improved(value):
            self.best_value, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best:
                self.best_state = model.state_dict()          # copies
            return False
        self.wait += 1
        return self.wait >= self.patience


# --------------------------------------------------------------------------
# progress display
# --------------------------------------------------------------------------
def _metrics_text(h: History, i: int) -> str:
    parts = [f"train_loss {h.train_loss[i]:.4f}"]
    if not math.isnan(h.train_accuracy[i]):
        parts.append(f"train_acc {h.train_accuracy[i]:.4f}")
    if h.val_loss:
        parts.append(f"val_loss {h.val_loss[i]:.4f}")
        if not math.isnan(h.val_accuracy[i]):
            parts.append(f"val_acc {h.val_accuracy[i]:.4f}")
    return " ".join(parts)


def _in_notebook() -> bool:
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _stdout_is_tty() -> bool:
    try:
        return bool(sys.stdout.isatty())
    except (AttributeError, ValueError):  # pragma: no cover - closed or replaced stdout
        return False


class _Progress:
    """A text progress bar, one update per epoch, with no timings (deterministic output).

    ``kind``: "bar" (one line rewritten with ``\\r``, in a notebook or a
    terminal), "lines" (one printed line per epoch) or "silent". In a notebook
    the bar is ordinary stdout text: Jupyter, nbclient and nbval all keep only
    what follows the last ``\\r`` of a line, so the stored output is the final
    epoch's line and notebook tests compare it like any printed value.
    """

    width = 20

    def __init__(self, total: int, verbose: Any) -> None:
        self.total = total
        if verbose is False or verbose == 0:
            self.kind = "silent"
        elif _in_notebook() or _stdout_is_tty():
            self.kind = "bar"
        else:
            self.kind = "lines" if verbose is True else "silent"

    def text(self, h: History) -> str:
        e = h.epoch[-1]
        done = round(self.width * e / self.total)
        bar = "#" * done + "." * (self.width - done)
        return f"epoch {e:>{len(str(self.total))}}/{self.total} [{bar}] {_metrics_text(h, len(h.epoch) - 1)}"

    def update(self, h: History) -> None:
        if self.kind == "bar":
            sys.stdout.write("\r" + self.text(h))
            sys.stdout.flush()
        elif self.kind == "lines":
            print(self.text(h))

    def close(self, h: History) -> None:
        if self.kind == "bar" and h.epoch:
            sys.stdout.write("\n")
        if self.kind != "silent" and h.status != "completed":
            message = f"stopped: {h.status}"
            if h.best_epoch is not None:
                message += f", best {h.monitor} {h.best_value:.4f} at epoch {h.best_epoch}"
            print(message)


# --------------------------------------------------------------------------
# the training loop
# --------------------------------------------------------------------------
def train(model: Module, loss: Any, optimizer: Any, X: Any, y: Any, *, epochs: int = 10, batch_size: int = 32,
          X_val: Any = None, y_val: Any = None, rng: Any = 0, shuffle: bool = True, l2: float = 0.0,
          patience: int | None = None, monitor: str = "val_accuracy", min_delta: float = 0.0,
          restore_best: bool = True, grad_noise: float | Callable[[dict, int], dict] | None = None,
          eval_train: bool = False, verbose: Any = "auto", opt_state: Any = None,
          callback: Callable[[History, Module], Any] | None = None) -> History:
    r"""Train ``model`` with mini-batch gradient descent and any ``gdlib.optim`` optimizer.

    Parameters
    ----------
    model : Module
        Usually a ``gdlib.nn.Sequential``; trained in place.
    loss : CrossEntropyLoss or MSELoss
    optimizer : gdlib.optim optimizer
        Anything with ``init(params)`` and ``step(params, grads, state)``; its
        ``lr`` may be a schedule (a callable of the step count). If it has
        ``eval_point`` (Nesterov's look-ahead form) the gradient is evaluated there.
    X, y : arrays
        Training data.
    epochs, batch_size : int
    X_val, y_val : arrays, optional
        Validation data, evaluated after every epoch in evaluation mode.
    rng : np.random.Generator or int
        Seeds the shuffling (and, independently, the gradient noise).
    shuffle : bool
    l2 : float
        :math:`\lambda` of L2 regularization: adds :math:`\lambda W` to the
        gradient of every ``Linear``/``Conv2d`` weight (not biases), i.e.
        :math:`W \leftarrow W - \eta(\partial J/\partial W + \lambda W)`.
    patience : int, optional
        Enables early stopping: stop after ``patience`` epochs without a new
        best ``monitor`` value, and (``restore_best``) reload the best weights.
    monitor : {"val_accuracy", "val_loss", "train_accuracy", "train_loss"}
        Accuracy by default, as the lecture notes recommend.
    min_delta : float
    restore_best : bool
    grad_noise : float or callable, optional
        Gradient noise (Neelakantan et al. 2015), applied after L2 as
        ``grads = grad_noise(grads, t)`` with :math:`t` = updates already made,
        e.g. ``gdlib.noise.AnnealedGaussian(eta=0.3, gamma=0.55, rng=0)``
        (the same convention as :func:`gdlib.minimize`). A float :math:`\eta` is
        short for ``AnnealedGaussian(eta, 0.55)`` drawing from a generator
        seeded by ``rng``: :math:`g \leftarrow g + \mathcal N(0, \eta/(1+t)^{0.55})`.
    eval_train : bool
        Re-evaluate the whole training set in evaluation mode after each epoch
        (otherwise the training metrics are the epoch's batch averages).
    verbose : "auto", True or False
        "auto": a progress bar in a notebook or a terminal, nothing otherwise
        (pytest, pipes); True: also one printed line per epoch when not
        interactive; False: silent. The bar contains no timings.
    opt_state : optional
        Continue from this optimizer state instead of ``optimizer.init``.
    callback : callable, optional
        ``callback(history, model)`` after every epoch; returning True stops training.

    Returns
    -------
    History
        Per-epoch losses and accuracies, per-iteration losses, status and the
        optimizer's final state. See :class:`History`. The model is trained in
        place and left in training mode.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlib import nn, optim, training
    >>> g = np.random.default_rng(0)
    >>> X, y = g.normal(size=(100, 4)), g.integers(0, 3, 100)
    >>> model = nn.Sequential(nn.Linear(4, 16, rng=g), nn.ReLU(), nn.Linear(16, 3, rng=g))
    >>> h = training.train(model, nn.CrossEntropyLoss(), optim.SGD(lr=0.1, momentum=0.9), X, y,
    ...                    epochs=3, batch_size=20, verbose=False)
    >>> h.epoch, h.iterations
    ([1, 2, 3], 15)
    """
    X = _validate.finite_array("X", X)
    if X_val is not None:
        X_val = _validate.finite_array("X_val", X_val)
    epochs = _validate.integer("epochs", epochs, low=0)
    l2 = _validate.real("l2", l2, low=0)
    _validate.choice("monitor", monitor, _MONITORS)
    has_val = X_val is not None and y_val is not None
    if patience is not None and monitor.startswith("val") and not has_val:
        raise ValueError(f"monitor={monitor!r} needs X_val and y_val; pass them or monitor a train metric")
    shuffle_rng, noise_rng = as_generator(rng).spawn(2)   # independent streams: noise never changes the batches
    if grad_noise is not None and not callable(grad_noise):
        grad_noise = AnnealedGaussian(_validate.real("grad_noise", grad_noise, low=0), 0.55, rng=noise_rng)
    batches = MiniBatches(X, y, batch_size=batch_size, shuffle=shuffle, rng=shuffle_rng)
    classify = isinstance(loss, CrossEntropyLoss)
    stopper = EarlyStopping(patience, monitor, min_delta, restore_best) if patience is not None else None
    decay_keys = tuple(getattr(model, "decay_keys", ()))

    history = History(iterations_per_epoch=len(batches), monitor=monitor if stopper else None)
    params = {k: v for k, v in model.params.items()}
    state = optimizer.init(params) if opt_state is None else opt_state
    progress = _Progress(epochs, verbose)
    eval_point = getattr(optimizer, "eval_point", None)

    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        total, correct, seen = 0.0, 0.0, 0
        diverged = False
        for Xb, yb in batches:
            with np.errstate(all="ignore"):          # divergence is reported, never warned about
                if eval_point is not None:
                    point = eval_point(params, state)
                    if point is not params:
                        model.load_params(point)
                out = model.forward(Xb)
                value = loss.forward(out, yb)                       # mean loss of the batch
                model.backward(loss.backward())                     # residuals -> model.grads
                grads = model.grads
                if l2:
                    grads = l2_gradient(grads, params, l2, decay_keys)      # + lambda W
                if grad_noise is not None:
                    grads = grad_noise(grads, history.iterations)           # + N(0, sigma_t^2)
                if not (math.isfinite(value) and all(np.isfinite(v).all() for v in grads.values())):
                    history.batch_loss.append(value)                # the blow-up stays visible in the curve
                    diverged = True
                    break
                params, state = optimizer.step(params, grads, state)    # the optimizer's update rule
                model.load_params(params)                               # write the new arrays back
            history.iterations += 1
            history.batch_loss.append(value)
            n = len(Xb)
            total += value * n
            seen += n
            if classify:
                correct += float(np.sum(out.argmax(axis=1) == yb))
        if diverged:
            if eval_point is not None:
                model.load_params(params)
            history.status = "diverged"
            history.opt_state = state
            break
        history.epoch.append(epoch)
        if eval_train:
            tl, ta = evaluate(model, loss, X, y)
        else:
            tl, ta = total / seen, (correct / seen if classify else float("nan"))
        history.train_loss.append(tl)
        history.train_accuracy.append(ta)
        if has_val:
            vl, va = evaluate(model, loss, X_val, y_val)
            history.val_loss.append(vl)
            history.val_accuracy.append(va)
        lr_at = getattr(optimizer, "lr_at", None)
        history.lr.append(float(lr_at(max(getattr(state, "t", 1) - 1, 0))) if lr_at else float("nan"))
        history.seconds.append(time.perf_counter() - start)
        history.opt_state = state
        progress.update(history)
        stop = False
        if stopper is not None:
            stop = stopper.update(getattr(history, monitor)[-1], epoch, model)
            history.best_epoch, history.best_value = stopper.best_epoch, stopper.best_value
            if stop:
                history.status = "early_stopped"
        if callback is not None and callback(history, model) is True:
            stop = True
        if stop:
            break
    if stopper is not None and stopper.restore_best and stopper.best_state is not None:
        model.load_state_dict(stopper.best_state)
    model.train()
    progress.close(history)
    return history
