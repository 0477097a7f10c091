"""Optimizers as pure steps on explicit state (chapters 1, 5, 6 and 7).

Every optimizer is a small class that holds hyperparameters, with

``state = opt.init(params)`` and ``params, state = opt.step(params, grads, state)``.

Hyperparameter names and defaults are those of ``torch.optim``; the book's
other conventions are keyword options (``momentum_form``, ``nesterov_form``,
``eps_inside_sqrt``, ``bias_correction``).

A step is pure: it returns new arrays and never changes the ones it is
given, so every iterate and every state can be kept, compared and plotted.
``opt.step(params, grads, state, inplace=True)`` instead overwrites
``params`` and the arrays of ``state`` and returns them, as ``torch.optim``
does; the numbers are the same bit for bit. It is there for large parameter
vectors, where writing new arrays to fresh memory on every step costs about
as much as the arithmetic (the appendix "Performance" measures it). SGD, Adam
and AdamW have in-place update rules of their own (one equation per line,
each updating the array it changes); the other optimizers compute the new
values as usual and copy them back, with the same semantics and no speed-up.
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
