"""What every optimizer in :mod:`gdlib.optim` shares.

* **Parameter trees.** ``params`` and ``grads`` are either one
  ``np.ndarray`` or a ``dict[str, np.ndarray]`` with the same keys and shapes
  (a "tree" of arrays). :func:`tree_map` applies a per-array update rule to
  every array of such a tree, so each optimizer writes its rule once, for one
  array, with the book's symbols.
* **Checks.** :func:`check_params` and :func:`check_grads` validate what the
  caller passes, with messages that name the argument and the value.
* **Learning rates.** ``lr`` is a number or a schedule (a callable of the step
  count, see :mod:`gdlib.schedules`). The schedule is called with the number
  of updates already made: ``lr(0)`` for the first update, as a
  ``torch.optim.lr_scheduler`` that is stepped after every
  ``optimizer.step()``.
* **The Optimizer base class.** Holds hyperparameters only: no maths. Its
  :meth:`Optimizer.eval_point` says where the next gradient must be
  evaluated (the parameters themselves, except for Nesterov's look-ahead form).
"""
from __future__ import annotations

from typing import Any, Callable, Union

import numpy as np

from .. import _validate

Tree = Union[np.ndarray, dict]


# --------------------------------------------------------------------------
# trees of arrays
# --------------------------------------------------------------------------
def tree_map(fn: Callable, *trees: Any):
    """Apply ``fn`` leaf by leaf to trees with the structure of ``trees[0]``.

    ``trees[0]`` is an array or a dict of arrays; the other trees have the same
    structure, or are ``None`` (then ``fn`` receives ``None`` for that
    argument). If ``fn`` returns a tuple, the result is a tuple of trees.
    """
    first = trees[0]
    if not isinstance(first, dict):
        return fn(*trees)
    out = {key: fn(*(None if tree is None else tree[key] for tree in trees)) for key in first}
    if out and isinstance(next(iter(out.values())), tuple):
        n = len(next(iter(out.values())))
        return tuple({key: out[key][i] for key in out} for i in range(n))
    return out


def zeros_like(params: Tree) -> Tree:
    """A tree of zeros with the shapes and dtypes of ``params``."""
    return tree_map(np.zeros_like, params)


def full_like(params: Tree, value: float) -> Tree:
    """A tree filled with ``value`` with the shapes and dtypes of ``params``."""
    return tree_map(lambda theta: np.full_like(theta, value), params)


# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------
def _as_float_array(name: str, value: Any) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    return arr


def check_params(params: Any, name: str = "params") -> Tree:
    """Return ``params`` as an array or a dict of floating arrays (never copied if already so)."""
    if isinstance(params, dict):
        if not params:
            raise ValueError(f"{name} must not be an empty dict, got {{}}")
        return {key: _as_float_array(f"{name}[{key!r}]", value) for key, value in params.items()}
    if isinstance(params, (np.ndarray, list, tuple, float, int, np.floating)):
        return _as_float_array(name, params)
    raise TypeError(f"{name} must be an np.ndarray or a dict of np.ndarray, got {type(params).__name__}")


def check_grads(params: Tree, grads: Any) -> Tree:
    """Check ``grads`` against ``params``: same keys, same shapes, finite values.

    Returns the gradients in the dtype of the parameters (float32 stays float32).
    """
    if isinstance(params, dict):
        if not isinstance(grads, dict):
            raise TypeError(f"grads must be a dict like params, got {type(grads).__name__}")
        if set(grads) != set(params):
            raise ValueError(f"grads must have the keys of params {sorted(params)}, got keys {sorted(grads)}")
        return {key: _check_grad(f"grads[{key!r}]", params[key], grads[key]) for key in params}
    if isinstance(grads, dict):
        raise TypeError("grads must be an array like params, got dict")
    return _check_grad("grads", params, grads)


def _check_grad(name: str, theta: np.ndarray, g: Any) -> np.ndarray:
    g = np.asarray(g)
    if g.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be a numeric array, got dtype {g.dtype}")
    if g.shape != theta.shape:
        raise ValueError(f"{name} must have the shape of the parameters {theta.shape}, got shape {g.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(g, axis=None)    # finite sum => every entry finite (one pass, no copy)
    if not np.isfinite(total) and not np.isfinite(g).all():
        bad = float(g[~np.isfinite(g)].ravel()[0])
        raise ValueError(f"{name} must contain only finite values, got {bad!r} "
                         f"at {np.argwhere(~np.isfinite(g))[0].tolist()}")
    return g.astype(theta.dtype, copy=False)


def check_lr(lr: Any, name: str = "lr"):
    """A learning rate is a real >= 0 or a callable of the step count (a schedule)."""
    if callable(lr):
        return lr
    return _validate.real(name, lr, low=0.0)


def check_betas(betas: Any, name: str = "betas") -> tuple[float, float]:
    """Two decay rates, each in [0, 1)."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"{name} must be a pair (beta1, beta2), got {betas!r}")
    return (_validate.real(f"{name}[0]", betas[0], low=0.0, high=1.0, high_open=True),
            _validate.real(f"{name}[1]", betas[1], low=0.0, high=1.0, high_open=True))


def check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


# --------------------------------------------------------------------------
# the base class
# --------------------------------------------------------------------------
class Optimizer:
    """Hyperparameters and validation; the maths lives in ``init`` and ``step``.

    Subclasses define ``init(params) -> state`` and
    ``step(params, grads, state) -> (params, state)``. Both are pure: they
    return new arrays and never modify the ones they are given.
    """

    lr: Any

    def lr_at(self, t: int) -> float:
        """The learning rate of update number ``t + 1`` (``t`` updates already made)."""
        if callable(self.lr):
            value = self.lr(t)
            return _validate.real(f"lr({t})", value, low=0.0)
        return self.lr

    def eval_point(self, params: Tree, state: Any) -> Tree:
        """Where the next gradient is evaluated: the parameters themselves.

        Only Nesterov's look-ahead form (``SGD(nesterov_form="lookahead")``)
        evaluates the gradient elsewhere, at :math:`\\theta - \\gamma v`.
        Drivers (:func:`gdlib.minimize`, a training loop) call
        ``grads = grad_fn(opt.eval_point(params, state))``.
        """
        return params

    def _start(self, params: Any, grads: Any, state: Any):
        """Validate one step's inputs; return params, grads, the new count t and lr."""
        params = check_params(params)
        grads = check_grads(params, grads)
        t = state.t + 1
        return params, grads, t, self.lr_at(state.t)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"
