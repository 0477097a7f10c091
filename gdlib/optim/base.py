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
* **Pure by default, in place on request.** ``step(params, grads, state)``
  returns new arrays and leaves its inputs alone, so a reader can keep every
  iterate and every state. ``step(..., inplace=True)`` instead overwrites
  ``params`` and the arrays of ``state`` with the new values and returns those
  same objects, as ``torch.optim`` does: the caller gives up the old values.
  It exists for speed and memory on large parameter vectors (a pure step
  writes every new array to fresh memory; see the book's performance
  appendix). :class:`~gdlib.optim.SGD`, :class:`~gdlib.optim.Adam` and
  :class:`~gdlib.optim.AdamW` compute in place; the other optimizers compute
  the new values as usual and copy them back (:meth:`Optimizer._write_back`),
  which gives the same results and semantics but no speed-up. The in-place
  rules are applied to cache-sized pieces of large arrays
  (:func:`tree_map_inplace`).
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


#: Elements per piece in :func:`tree_map_inplace`: 2^17 float64 are 1 MB, so a
#: rule's arrays and temporaries for one piece stay in the processor's caches, and
#: a piece is long enough that numpy's per-call overhead is small (measured:
#: 2^15 and 2^16 were slower on a step of 10^6 parameters, whole arrays slower still).
PIECE = 2**17


def tree_map_inplace(fn: Callable, *trees: Any):
    """:func:`tree_map` for in-place elementwise rules, applied to cache-sized pieces.

    ``fn`` updates some of its arguments in place (``theta -= eta * b``) and
    returns them. Its equations act entry by entry, so applying it to
    consecutive pieces of the flattened arrays gives the same numbers, bit for
    bit, as applying it to the whole arrays. Why pieces: numpy evaluates one
    operation at a time, each a pass over whole arrays; on a large parameter
    vector every pass streams its arrays through memory and every temporary is
    as large as the parameters. Piece by piece, the temporaries stay small and
    in the cache (the book's performance appendix measures the difference).
    Small arrays, and arrays that differ in shape or are not C-contiguous, get
    ``fn`` applied whole.
    """
    return tree_map(lambda *args: _in_pieces(fn, args), *trees)


def _in_pieces(fn: Callable, args):
    shape = args[0].shape
    if args[0].size < 2 * PIECE or not all(a.shape == shape and a.flags.c_contiguous
                                           for a in args if a is not None):
        return fn(*args)
    flat = [None if a is None else a.reshape(-1) for a in args]
    for start in range(0, args[0].size, PIECE):
        pieces = [None if a is None else a[start:start + PIECE] for a in flat]
        res = fn(*pieces)
    # the rule returned pieces of its arguments: return those arguments, whole
    whole = [None if r is None else args[next(i for i, p in enumerate(pieces) if r is p)]
             for r in (res if isinstance(res, tuple) else (res,))]
    return tuple(whole) if isinstance(res, tuple) else whole[0]


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


def leaves(tree: Tree) -> list[np.ndarray]:
    """The arrays of a tree, in key order for a dict."""
    return list(tree.values()) if isinstance(tree, dict) else [tree]


def check_inplace(params: Any, checked: Tree, state: Any) -> None:
    """``inplace=True`` overwrites the caller's arrays: they must be writeable float arrays."""
    for given, leaf in zip(leaves(params), leaves(checked)):
        if given is not leaf:
            raise TypeError(f"inplace=True needs params as floating np.ndarray (or a dict of them) "
                            f"to overwrite, got {type(given).__name__}"
                            + (f" of dtype {given.dtype}" if isinstance(given, np.ndarray) else ""))
        if not leaf.flags.writeable:
            raise ValueError("inplace=True needs writeable params, got a read-only array")
    for name, field in zip(state._fields, state):
        if isinstance(field, (np.ndarray, dict)) and not all(a.flags.writeable for a in leaves(field)):
            raise ValueError(f"inplace=True needs a writeable state, got a read-only state.{name}")


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

    def _start(self, params: Any, grads: Any, state: Any, inplace: bool = False):
        """Validate one step's inputs; return params, grads, the new count t and lr."""
        checked = check_params(params)
        if check_bool("inplace", inplace):
            check_inplace(params, checked, state)
        grads = check_grads(checked, grads)
        t = state.t + 1
        return checked, grads, t, self.lr_at(state.t)

    @staticmethod
    def _write_back(params: Tree, state: Any, new_params: Tree, new_state: Any):
        """Copy a step's new values into the arrays it was given (``inplace=True``).

        For the optimizers whose update rule is written only in the pure form:
        the results and the semantics of ``inplace=True`` are those of the
        in-place rules of SGD and Adam, without their speed-up.
        """
        def copy_into(old, new):
            if isinstance(old, dict):
                for key in old:
                    np.copyto(old[key], new[key])
            else:
                np.copyto(old, new)

        copy_into(params, new_params)
        fields = {}
        for name, old_field, new_field in zip(new_state._fields, state, new_state):
            if isinstance(old_field, (np.ndarray, dict)):
                copy_into(old_field, new_field)
                fields[name] = old_field
            else:
                fields[name] = new_field
        return params, type(new_state)(**fields)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"
