r"""Weight initializers (chapter 10), each drawing from an ``np.random.Generator``.

Every function takes the weight's ``shape`` (torch layout: ``(out, in)`` for
``Linear``, ``(out, in, kh, kw)`` for ``Conv2d``) and a generator (or a seed)
and returns a new float64 array. The fan-in of a weight is the number of inputs
feeding one output unit: ``in`` for a linear layer, ``in * kh * kw`` for a
convolution.

=====================  =======================================================
``normal``             :math:`W \sim \mathcal N(0, \sigma^2)`, :math:`\sigma=0.01` (slides)
``truncated_normal``   :math:`\mathcal N_T(0, \sigma^2)` cut at :math:`\pm 2\sigma`
``fan_in_normal``      :math:`\sigma = 1/\sqrt{n_{in}}` (slides; LeCun)
``xavier_normal``      :math:`\sigma = g\sqrt{2/(n_{in}+n_{out})}` (Glorot & Bengio 2010)
``xavier_uniform``     :math:`U(-a, a),\ a = g\sqrt{6/(n_{in}+n_{out})}`
``kaiming_normal``     :math:`\sigma = \sqrt{2}/\sqrt{n_{in}}` for ReLU (He et al. 2015)
``kaiming_uniform``    :math:`U(-a, a),\ a = \sqrt{2}\sqrt{3/n_{in}}`
``torch_default``      :math:`U(-1/\sqrt{n_{in}}, 1/\sqrt{n_{in}})` (what ``torch.nn.Linear`` uses)
=====================  =======================================================

``initialize(model, scheme, rng)`` re-draws every ``Linear``/``Conv2d`` weight
of a model with one scheme and sets the biases to zero.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from .. import _validate

Shape = tuple[int, ...]


def as_generator(rng: Any) -> np.random.Generator:
    """Return ``rng`` if it is a Generator, ``np.random.default_rng(rng)`` for a seed or None."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an int seed or None, got {type(rng).__name__}")


def _shape(shape: Any) -> Shape:
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"shape must have non-negative sizes, got {shape}")
    return shape


def fans(shape: Any) -> tuple[int, int]:
    r"""Return ``(fan_in, fan_out)`` of a weight of ``shape`` (torch's convention).

    For ``(out, in, *kernel)``: fan_in = in * prod(kernel), fan_out = out * prod(kernel).
    """
    shape = _shape(shape)
    if len(shape) < 2:
        raise ValueError(f"fan-in and fan-out need a weight with at least 2 dimensions, got shape {shape}")
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def normal(shape: Any, std: float = 0.01, rng: Any = None) -> np.ndarray:
    r""":math:`W_{ij} \sim \mathcal N(0, \sigma^2)`, default :math:`\sigma = 0.01` as on the slides.

    Good for shallow nets; in deep nets the activations shrink layer by layer.
    """
    std = _validate.real("std", std, low=0)
    return as_generator(rng).normal(0.0, std, size=_shape(shape))


def truncated_normal(shape: Any, std: float = 0.01, bound: float = 2.0, rng: Any = None) -> np.ndarray:
    r""":math:`\mathcal N_T(0, \sigma^2)`: normal draws outside :math:`\pm\,\text{bound}\cdot\sigma` are redrawn.

    ``bound`` is in units of ``std`` (TensorFlow's ``truncated_normal``
    convention, cut at two standard deviations). ``torch.nn.init.trunc_normal_``
    instead takes absolute limits ``a=-2, b=2``, which for ``std=0.01`` cut nothing.
    """
    std = _validate.real("std", std, low=0)
    bound = _validate.real("bound", bound, low=0, low_open=True)
    g = as_generator(rng)
    w = g.normal(0.0, 1.0, size=_shape(shape))
    bad = np.abs(w) > bound
    while bad.any():  # rejection sampling: redraw only the rejected entries
        w[bad] = g.normal(0.0, 1.0, size=int(bad.sum()))
        bad = np.abs(w) > bound
    return std * w


def fan_in_normal(shape: Any, rng: Any = None) -> np.ndarray:
    r""":math:`W \sim \mathcal N(0, \sigma^2)` with :math:`\sigma = 1/\sqrt{n_{in}}` (slides' rule for deep nets; LeCun)."""
    fan_in, _ = fans(shape)
    return as_generator(rng).normal(0.0, 1.0 / math.sqrt(fan_in), size=_shape(shape))


def xavier_normal(shape: Any, gain: float = 1.0, rng: Any = None) -> np.ndarray:
    r"""Glorot & Bengio (2010): :math:`\sigma = g \sqrt{2 / (n_{in} + n_{out})}`."""
    gain = _validate.real("gain", gain, low=0)
    fan_in, fan_out = fans(shape)
    return as_generator(rng).normal(0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), size=_shape(shape))


def xavier_uniform(shape: Any, gain: float = 1.0, rng: Any = None) -> np.ndarray:
    r"""Glorot & Bengio (2010): :math:`U(-a, a)`, :math:`a = g\sqrt{6 / (n_{in} + n_{out})}` (same variance as ``xavier_normal``)."""
    gain = _validate.real("gain", gain, low=0)
    fan_in, fan_out = fans(shape)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return as_generator(rng).uniform(-a, a, size=_shape(shape))


def _gain(nonlinearity: str) -> float:
    _validate.choice("nonlinearity", nonlinearity, ("relu", "linear", "tanh", "sigmoid"))
    return {"relu": math.sqrt(2.0), "linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0}[nonlinearity]


def kaiming_normal(shape: Any, nonlinearity: str = "relu", mode: str = "fan_in", rng: Any = None) -> np.ndarray:
    r"""He et al. (2015): :math:`\sigma = g / \sqrt{n}`, :math:`g=\sqrt 2` for ReLU, :math:`n` = fan-in (or fan-out)."""
    _validate.choice("mode", mode, ("fan_in", "fan_out"))
    fan_in, fan_out = fans(shape)
    n = fan_in if mode == "fan_in" else fan_out
    return as_generator(rng).normal(0.0, _gain(nonlinearity) / math.sqrt(n), size=_shape(shape))


def kaiming_uniform(shape: Any, nonlinearity: str = "relu", mode: str = "fan_in", rng: Any = None) -> np.ndarray:
    r"""He et al. (2015), uniform: :math:`U(-a, a)`, :math:`a = g\sqrt{3/n}`."""
    _validate.choice("mode", mode, ("fan_in", "fan_out"))
    fan_in, fan_out = fans(shape)
    n = fan_in if mode == "fan_in" else fan_out
    a = _gain(nonlinearity) * math.sqrt(3.0 / n)
    return as_generator(rng).uniform(-a, a, size=_shape(shape))


def torch_default(shape: Any, fan_in: int | None = None, rng: Any = None) -> np.ndarray:
    r"""PyTorch's default for ``Linear``/``Conv2d`` weights and biases: :math:`U(-1/\sqrt{n_{in}}, 1/\sqrt{n_{in}})`.

    (torch writes it as ``kaiming_uniform_(a=sqrt(5))``.) ``fan_in`` is taken
    from ``shape`` unless given (a bias needs its layer's fan-in).
    """
    if fan_in is None:
        fan_in, _ = fans(shape)
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return as_generator(rng).uniform(-bound, bound, size=_shape(shape))


def zeros(shape: Any, rng: Any = None) -> np.ndarray:
    """All zeros (for biases; for weights it leaves every unit of a layer identical: no symmetry breaking)."""
    return np.zeros(_shape(shape))


SCHEMES: dict[str, Callable[..., np.ndarray]] = {
    "normal": normal,
    "truncated_normal": truncated_normal,
    "fan_in_normal": fan_in_normal,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "kaiming_normal": kaiming_normal,
    "kaiming_uniform": kaiming_uniform,
    "torch_default": torch_default,
    "zeros": zeros,
}


def initialize(model: Any, scheme: str | Callable[..., np.ndarray] = "kaiming_normal", rng: Any = None,
               bias: float = 0.0, **kwargs: Any) -> Any:
    """Re-draw every ``Linear``/``Conv2d`` weight of ``model`` with ``scheme``; biases set to ``bias``.

    ``scheme`` is a name from ``SCHEMES`` or a function ``f(shape, rng=..., **kwargs)``;
    extra keyword arguments go to it (e.g. ``std=0.01``). Returns the model.
    """
    if isinstance(scheme, str):
        _validate.choice("scheme", scheme, tuple(SCHEMES))
        scheme = SCHEMES[scheme]
    bias = _validate.real("bias", bias)
    g = as_generator(rng)
    layers = getattr(model, "layers", [model])
    for layer in layers:
        if "weight" in getattr(layer, "decay_keys", ()):
            w = layer.params["weight"]
            new = {"weight": scheme(w.shape, rng=g, **kwargs).astype(w.dtype)}
            if "bias" in layer.params:
                new["bias"] = np.full_like(layer.params["bias"], bias)
            layer.load_params(new, strict=False)
    return model
