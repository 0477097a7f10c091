r"""L2 regularization (weight decay) as the lecture notes write it (chapter 9).

The regularized cost adds :math:`\frac{\lambda}{2}\sum_l \lVert W^{(l)}\rVert^2`
over the *weights* only (biases and normalization parameters are not
penalized), so the gradient step becomes

.. math::

    W \leftarrow W - \eta\Bigl(\frac{\partial J}{\partial W} + \lambda W\Bigr), \qquad
    b \leftarrow b - \eta\,\frac{\partial J}{\partial b}.

For plain SGD this is the same as torch's ``weight_decay=lambda`` (which,
however, decays every parameter it is given, biases included) and differs
from AdamW's decoupled decay.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from .. import _validate


def l2_penalty(params: dict[str, np.ndarray], lam: float, keys: Iterable[str]) -> float:
    r""":math:`\frac{\lambda}{2}\sum_{k \in \text{keys}} \lVert \theta_k\rVert^2`."""
    lam = _validate.real("lam", lam, low=0)
    return 0.5 * lam * float(sum(np.sum(params[k] * params[k]) for k in keys))


def l2_gradient(grads: dict[str, np.ndarray], params: dict[str, np.ndarray], lam: float,
                keys: Iterable[str]) -> dict[str, np.ndarray]:
    r"""New dict of gradients with :math:`\lambda\theta_k` added for the keys in ``keys`` (inputs untouched)."""
    lam = _validate.real("lam", lam, low=0)
    keys = set(keys)
    return {k: (g + lam * params[k] if k in keys and lam else g) for k, g in grads.items()}
