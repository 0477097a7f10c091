"""The layer protocol every block of ``gdlib.nn`` follows, and ``Sequential``.

A layer is a small object with two methods and two dictionaries::

    y = layer.forward(x)      # computes the output and caches what backward needs
    dx = layer.backward(dy)   # fills layer.grads and returns dL/dx
    layer.params, layer.grads # dict[str, ndarray] with the same keys (torch's names)

``backward`` receives the *residual* (the book's delta) of the layer's output,
:math:`\\delta^{out} = \\partial L / \\partial y`, and returns the residual of its
input, :math:`\\partial L / \\partial x`, which is the residual of the layer
before. Chaining these calls from the loss back to the input *is*
backpropagation (chapter 9).

Writing parameters back after an optimizer step
-----------------------------------------------
``gdlib.optim`` optimizers are pure: ``params, state = opt.step(params, grads,
state)`` returns *new* arrays. Put them into the model with
``model.load_params(params)``: each layer's entry is *rebound* to the new array
(cast to the layer's dtype, no copy otherwise). A dict obtained earlier from
``model.params`` keeps the old arrays, so it is a snapshot.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np


class Module:
    """Base class of every layer and loss-free block in ``gdlib.nn``.

    Attributes
    ----------
    params : dict[str, ndarray]
        Learnable parameters, torch's names (``weight``, ``bias``).
    grads : dict[str, ndarray]
        :math:`\\partial L / \\partial \\theta` for each entry of ``params``, filled
        (overwritten, not accumulated) by ``backward``.
    buffers : dict[str, ndarray]
        State that is not learned by gradient descent (``running_mean``,
        ``running_var``, ``num_batches_tracked``).
    training : bool
        ``True`` after ``train()`` (the default), ``False`` after ``eval()``.
    """

    #: keys of ``params`` that L2 regularization (weight decay) acts on
    decay_keys: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self.training = True

    # -- the protocol -------------------------------------------------------
    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, dy: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def train(self, mode: bool = True) -> "Module":
        """Switch to training behaviour (batch statistics, random dropout masks)."""
        self.training = bool(mode)
        return self

    def eval(self) -> "Module":
        """Switch to evaluation behaviour (running statistics, no dropout)."""
        return self.train(False)

    def zero_grad(self) -> None:
        """Set every gradient to zero."""
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    # -- parameters and state ----------------------------------------------
    def load_params(self, params: dict[str, np.ndarray], strict: bool = True) -> "Module":
        """Put new parameter values into the layer (after an optimizer step).

        Each entry is rebound to the given array (cast to the current dtype if it
        differs). With ``strict=True`` the keys must be exactly those of
        ``self.params``; otherwise a subset is allowed.
        """
        _check_keys(repr(self), self.params, params, strict)
        for k, v in params.items():
            old = self.params[k]
            v = np.asarray(v)
            if v.shape != old.shape:
                raise ValueError(f"{self!r}: parameter {k!r} must have shape {old.shape}, got {v.shape}")
            self.params[k] = v.astype(old.dtype, copy=False)
        return self

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of parameters and buffers under torch's state-dict keys."""
        out = {k: v.copy() for k, v in self.params.items()}
        out.update({k: np.array(v, copy=True) for k, v in self.buffers.items()})
        return out

    def load_state_dict(self, state: dict[str, Any], strict: bool = True) -> "Module":
        """Load parameters and buffers (e.g. from ``state_dict()`` or torch's, as numpy)."""
        expected = {**self.params, **self.buffers}
        _check_keys(repr(self), expected, state, strict)
        self.load_params({k: v for k, v in state.items() if k in self.params}, strict=False)
        for k, v in state.items():
            if k in self.buffers:
                old, v = self.buffers[k], np.asarray(v)
                if v.shape != old.shape:
                    raise ValueError(f"{self!r}: buffer {k!r} must have shape {old.shape}, got {v.shape}")
                self.buffers[k] = v.astype(old.dtype, copy=True)
        return self

    def astype(self, dtype: Any) -> "Module":
        """Convert parameters and floating buffers to ``dtype`` (e.g. ``np.float32``)."""
        self.params = {k: v.astype(dtype) for k, v in self.params.items()}
        self.grads = {k: v.astype(dtype) for k, v in self.grads.items()}
        self.buffers = {k: (v.astype(dtype) if v.dtype.kind == "f" else v) for k, v in self.buffers.items()}
        return self

    def num_params(self) -> int:
        """Number of learnable scalars."""
        return int(sum(v.size for v in self.params.values()))

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.extra_repr()})"

    # -- helpers for subclasses --------------------------------------------
    def _cached(self, name: str) -> Any:
        value = getattr(self, name, None)
        if value is None:
            raise RuntimeError(f"{self!r}: backward called before forward")
        return value

    def _check_dy(self, dy: Any, shape: tuple[int, ...]) -> np.ndarray:
        dy = np.asarray(dy)
        if dy.shape != shape:
            raise ValueError(f"{self!r}: backward expects a gradient of the output's shape {shape}, got {dy.shape}")
        return dy


def _check_keys(owner: str, expected: dict, given: dict, strict: bool) -> None:
    if not isinstance(given, dict):
        raise TypeError(f"{owner}: params must be a dict of arrays, got {type(given).__name__}")
    unexpected = sorted(set(given) - set(expected))
    missing = sorted(set(expected) - set(given))
    if unexpected:
        raise ValueError(f"{owner}: unexpected keys {unexpected}; expected {sorted(expected)}")
    if strict and missing:
        raise ValueError(f"{owner}: missing keys {missing}")


def as_float(x: Any) -> np.ndarray:
    """Return ``x`` as a floating array: float32/float64 stay as they are, the rest become float64."""
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    return x


class Sequential(Module):
    r"""A chain of layers :math:`f = f_{L} \circ \dots \circ f_1`.

    ``forward`` applies the layers in order; ``backward`` sends the residual
    back through them in reverse order, each layer turning the residual of its
    output into the residual of its input (the recursion of chapter 9).

    ``params``, ``grads`` and ``buffers`` are dicts keyed like torch's
    ``state_dict`` (``"0.weight"``, ``"3.running_mean"``), built on every access
    from the layers' own dicts (same arrays, no copies), so weights copy across
    to and from ``torch.nn.Sequential`` one-to-one.

    Recording activations
    ---------------------
    With ``record=True`` (or after ``model.record = True``) every ``forward``
    keeps its intermediate outputs in ``model.activations``, a dict
    ``{"input": x, "0.Linear": ..., "1.ReLU": ...}``; ``model.trace(x)`` runs one
    recorded forward pass and returns that dict (for histograms in chapter 10).
    A recorded ``backward`` keeps the residuals in ``model.deltas``:
    ``model.deltas["2.Linear"]`` is :math:`\partial L/\partial` (output of layer 2),
    the residual that layer receives, and ``model.deltas["input"]`` is
    :math:`\partial L/\partial x` (to step through a backward pass, chapter 9).

    Examples
    --------
    >>> import numpy as np
    >>> from gdlib import nn
    >>> rng = np.random.default_rng(0)
    >>> model = nn.Sequential(nn.Linear(4, 8, rng=rng), nn.ReLU(), nn.Linear(8, 3, rng=rng))
    >>> sorted(model.params)
    ['0.bias', '0.weight', '2.bias', '2.weight']
    >>> model.forward(np.ones((5, 4))).shape
    (5, 3)
    """

    def __init__(self, *layers: Module, record: bool = False) -> None:
        super().__init__()
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential: layer {i} must be a gdlib.nn layer, got {type(layer).__name__}")
        self.layers: list[Module] = list(layers)
        self.record = bool(record)
        self.activations: dict[str, np.ndarray] = {}
        self.deltas: dict[str, np.ndarray] = {}

    # the dicts are views built from the layers
    def _collect(self, attr: str) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i, layer in enumerate(self.layers):
            for k, v in getattr(layer, attr).items():
                out[f"{i}.{k}"] = v
        return out

    @property
    def params(self) -> dict[str, np.ndarray]:  # type: ignore[override]
        return self._collect("params")

    @params.setter
    def params(self, value: dict) -> None:
        if value:  # Module.__init__ assigns {}; anything else goes through load_params
            self.load_params(value)

    @property
    def grads(self) -> dict[str, np.ndarray]:  # type: ignore[override]
        return self._collect("grads")

    @grads.setter
    def grads(self, value: dict) -> None:
        pass

    @property
    def buffers(self) -> dict[str, np.ndarray]:  # type: ignore[override]
        return self._collect("buffers")

    @buffers.setter
    def buffers(self, value: dict) -> None:
        pass

    @property
    def decay_keys(self) -> tuple[str, ...]:  # type: ignore[override]
        """Keys of ``params`` that L2 regularization acts on (weights of Linear/Conv2d)."""
        return tuple(f"{i}.{k}" for i, layer in enumerate(self.layers) for k in layer.decay_keys)

    def _split(self, flat: dict[str, Any]) -> list[dict[str, Any]]:
        parts: list[dict[str, Any]] = [{} for _ in self.layers]
        for key, v in flat.items():
            head, _, rest = str(key).partition(".")
            if not head.isdigit() or int(head) >= len(self.layers) or not rest:
                raise ValueError(f"{self._short()}: unexpected key {key!r}; expected keys like '0.weight'")
            parts[int(head)][rest] = v
        return parts

    def load_params(self, params: dict[str, np.ndarray], strict: bool = True) -> "Sequential":
        """Write parameters (e.g. from ``opt.step``) back into the layers; see the module docstring."""
        _check_keys(self._short(), self.params, params, strict)
        for layer, part in zip(self.layers, self._split(params)):
            if part:
                layer.load_params(part, strict=strict)
        return self

    def state_dict(self) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i, layer in enumerate(self.layers):
            out.update({f"{i}.{k}": v for k, v in layer.state_dict().items()})
        return out

    def load_state_dict(self, state: dict[str, Any], strict: bool = True) -> "Sequential":
        _check_keys(self._short(), {**self.params, **self.buffers}, state, strict)
        for layer, part in zip(self.layers, self._split(state)):
            if part:
                layer.load_state_dict(part, strict=strict)
        return self

    def train(self, mode: bool = True) -> "Sequential":
        self.training = bool(mode)
        for layer in self.layers:
            layer.train(mode)
        return self

    def zero_grad(self) -> None:
        for layer in self.layers:
            layer.zero_grad()

    def astype(self, dtype: Any) -> "Sequential":
        for layer in self.layers:
            layer.astype(dtype)
        return self

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)

    def _short(self) -> str:
        n = len(self.layers)
        return f"Sequential({n} layer{'s' if n != 1 else ''})"

    def __repr__(self) -> str:
        lines = [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return "Sequential(\n" + "\n".join(lines) + "\n)"

    # -- forward and backward ----------------------------------------------
    def forward(self, x: np.ndarray) -> np.ndarray:
        """:math:`a^{(0)} = x,\\ a^{(l)} = f_l(a^{(l-1)})`; returns :math:`a^{(L)}`."""
        a = x
        if self.record:
            self.activations = {"input": np.asarray(x)}
        for i, layer in enumerate(self.layers):
            try:
                a = layer.forward(a)
            except ValueError as err:
                raise ValueError(f"Sequential layer {i}: {err}") from None
            if self.record:
                self.activations[f"{i}.{type(layer).__name__}"] = a
        return a

    def backward(self, dy: np.ndarray) -> np.ndarray:
        """:math:`\\delta^{(l-1)} = f_l'^{\\top} \\delta^{(l)}` from the last layer to the first."""
        delta = dy
        if self.record:
            self.deltas = {}
        for i in range(len(self.layers) - 1, -1, -1):
            if self.record:
                self.deltas[f"{i}.{type(self.layers[i]).__name__}"] = np.asarray(delta)
            try:
                delta = self.layers[i].backward(delta)
            except ValueError as err:
                raise ValueError(f"Sequential layer {i}: {err}") from None
        if self.record:
            self.deltas["input"] = delta
        return delta

    def trace(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Run one forward pass and return every layer's output, keyed ``"i.LayerName"``.

        The mode (train/eval) is left as it is; the first entry is ``"input"``.
        """
        old = self.record
        self.record = True
        try:
            self.forward(x)
        finally:
            self.record = old
        return dict(self.activations)
