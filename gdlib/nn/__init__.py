"""Neural-network layers with hand-written backward passes (chapters 9-12).

Every layer has ``forward(x)`` (caches what backward needs), ``backward(dy)``
(fills ``layer.grads`` and returns the input gradient), ``params``/``grads``
dicts with torch's names, and ``train()``/``eval()``. ``Sequential`` chains
layers and exposes torch's state-dict keys (``"0.weight"``); after an
optimizer step write the new arrays back with ``model.load_params(params)``.
"""
from . import init
from .conv import Conv2d, col2im, im2col
from .dropout import Dropout
from .gradcheck import GradCheckResult, gradcheck, numerical_gradient
from .layers import Flatten, Linear, ReLU, Sigmoid, Tanh, sigmoid
from .losses import CrossEntropyLoss, MSELoss, log_softmax, softmax
from .module import Module, Sequential
from .norm import BatchNorm1d, BatchNorm2d, GroupNorm, InstanceNorm2d, LayerNorm, set_population_statistics
from .regularization import l2_gradient, l2_penalty

__all__ = [
    "Module", "Sequential", "Linear", "Conv2d", "ReLU", "Sigmoid", "Tanh", "Flatten", "Dropout",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm", "InstanceNorm2d", "GroupNorm", "MSELoss",
    "CrossEntropyLoss", "softmax", "log_softmax", "sigmoid", "init", "gradcheck", "numerical_gradient",
    "GradCheckResult", "set_population_statistics", "l2_penalty", "l2_gradient", "im2col", "col2im",
]
