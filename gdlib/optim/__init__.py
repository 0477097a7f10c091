"""Optimizers as pure steps on explicit state (chapters 1, 5, 6 and 7).

Every optimizer is a small class that holds hyperparameters, with

``state = opt.init(params)`` and ``params, state = opt.step(params, grads, state)``.

Hyperparameter names and defaults are those of ``torch.optim``; the book's
other conventions are keyword options (``momentum_form``, ``nesterov_form``,
``eps_inside_sqrt``, ``bias_correction``).
"""
from .adadelta import Adadelta, AdadeltaState
from .adagrad import Adagrad, AdagradState
from .adam import Adam, Adamax, AdamaxState, AdamState, AdamW, NAdam, NAdamState
from .base import Optimizer, tree_map
from .gains import DeltaBarDelta, DeltaBarDeltaState
from .rmsprop import RMSprop, RMSpropState
from .rprop import Rprop, RpropState
from .sgd import SGD, SGDState

__all__ = [
    "Optimizer", "tree_map",
    "SGD", "SGDState", "Adagrad", "AdagradState", "Adadelta", "AdadeltaState",
    "RMSprop", "RMSpropState", "Adam", "AdamState", "AdamW", "Adamax", "AdamaxState",
    "NAdam", "NAdamState", "Rprop", "RpropState", "DeltaBarDelta", "DeltaBarDeltaState",
]
