r"""Parallel and distributed SGD, simulated and real (chapter 13).

Five ways to spread stochastic gradient descent over several workers, each
written so that the update rule can be read next to the book's equations:

* :func:`data_parallel_sgd`: synchronous data parallelism. :math:`K` workers
  each average the gradient over their shard of a mini-batch, an all-reduce
  averages the :math:`K` results and every replica applies the same update.
  :func:`ring_allreduce` shows how that average is computed and what it costs.
* :func:`hogwild`: Hogwild! (Niu et al., 2011). Real worker processes update
  one parameter vector in shared memory without locks (or, for comparison,
  with a lock around every update) on a sparse problem.
* :func:`downpour_sgd`: Downpour SGD (Dean et al., 2012), simulated
  deterministically: asynchronous workers push gradients computed on stale
  parameters to a sharded parameter server.
* :class:`DelayTolerantAdagrad`: Adagrad whose accumulator also counts the
  updates a delayed gradient did not see (a simplified form of McMahan and
  Streeter, 2014).
* :func:`easgd`: Elastic Averaging SGD (Zhang et al., 2015), synchronous form.

The problem they share is :class:`SparseLeastSquares`: example :math:`i`
touches only ``nnz`` of the ``dim`` coordinates, which is what makes Hogwild!
work. Everything except :func:`hogwild` runs in one process and is exactly
reproducible from its ``seed``.
"""
from __future__ import annotations

import math
import multiprocessing as mp
import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from . import _validate
from .optim import SGD

__all__ = ["SparseLeastSquares", "sparse_least_squares", "collision_probability",
           "ParallelResult", "data_parallel_sgd", "ring_allreduce", "HogwildResult", "hogwild",
           "delay_threshold", "DelayTolerantAdagrad", "downpour_sgd", "easgd"]

_DIVERGED = 1e6   # a loss this many times the initial loss counts as divergence


# ======================================================================== the problem
@dataclass(frozen=True)
class SparseLeastSquares:
    r"""Least squares with sparse examples.

    .. math::

        f(w) = \frac{1}{2n} \sum_{i=1}^{n} \bigl(x_i^\top w - y_i\bigr)^2,
        \qquad \nabla f_i(w) = \bigl(x_i^\top w - y_i\bigr)\, x_i ,

    where row :math:`x_i` has nonzeros ``values[i]`` at coordinates
    ``indices[i]``; so :math:`\nabla f_i` touches only those coordinates.
    """

    indices: np.ndarray   # (n, nnz) int: the coordinates example i touches
    values: np.ndarray    # (n, nnz): x_i's nonzero entries
    y: np.ndarray         # (n,): targets
    dim: int              # d, the number of parameters
    w_star: np.ndarray | None = None   # the weights that generated y, if known

    @property
    def n(self) -> int:
        return len(self.y)

    def residuals(self, w, rows=None) -> np.ndarray:
        """:math:`r_i = x_i^\\top w - y_i` for the given rows (all by default)."""
        rows = slice(None) if rows is None else rows
        return np.sum(self.values[rows] * w[self.indices[rows]], axis=1) - self.y[rows]

    def loss(self, w) -> float:
        """:math:`f(w)`, the mean over every example of half the squared residual."""
        return float(0.5 * np.mean(self.residuals(w) ** 2))

    def grad(self, w, rows=None) -> np.ndarray:
        r"""The mean gradient :math:`\frac{1}{|B|}\sum_{i \in B} r_i x_i` over ``rows`` (all by default)."""
        rows = np.arange(self.n) if rows is None else np.asarray(rows)
        r = self.residuals(w, rows)
        g = np.zeros(self.dim)
        np.add.at(g, self.indices[rows].ravel(), (r[:, None] * self.values[rows]).ravel())
        return g / len(rows)

    def dense(self) -> np.ndarray:
        """The data matrix :math:`X` (n, d) with the zeros written out."""
        X = np.zeros((self.n, self.dim))
        np.add.at(X, (np.repeat(np.arange(self.n), self.indices.shape[1]), self.indices.ravel()),
                  self.values.ravel())
        return X


def sparse_least_squares(n: int = 2000, dim: int = 500, nnz: int = 5, *, noise: float = 0.0,
                         seed: int = 0) -> SparseLeastSquares:
    """A random :class:`SparseLeastSquares`: each row has ``nnz`` distinct random coordinates
    with standard normal values; ``y = X w_star + noise * N(0, 1)`` with ``w_star ~ N(0, 1)``."""
    n = _validate.integer("n", n, low=1)
    dim = _validate.integer("dim", dim, low=1)
    nnz = _validate.integer("nnz", nnz, low=1, high=dim)
    noise = _validate.real("noise", noise, low=0.0)
    rng = np.random.default_rng(seed)
    indices = np.argsort(rng.random((n, dim)), axis=1)[:, :nnz]   # nnz distinct coordinates per row
    values = rng.standard_normal((n, nnz))
    w_star = rng.standard_normal(dim)
    y = np.sum(values * w_star[indices], axis=1) + noise * rng.standard_normal(n)
    return SparseLeastSquares(indices, values, y, dim, w_star)


def collision_probability(dim: int, nnz: int) -> float:
    r"""Probability that two examples, each touching ``nnz`` distinct coordinates
    drawn uniformly from ``dim``, share at least one coordinate:

    .. math:: P = 1 - \binom{d - s}{s} \Big/ \binom{d}{s} \approx \frac{s^2}{d}.
    """
    dim = _validate.integer("dim", dim, low=1)
    nnz = _validate.integer("nnz", nnz, low=1, high=dim)
    return 1.0 - math.comb(dim - nnz, nnz) / math.comb(dim, nnz)


# ======================================================================== results
@dataclass
class ParallelResult:
    """Outcome of a simulated parallel run.

    ``losses[r]`` is the loss after round ``r`` (``losses[0]`` at the start);
    ``status`` is ``"max_steps"`` or ``"diverged"`` (then ``losses`` stops early);
    ``info`` holds method-specific extras (e.g. EASGD's worker spread).
    """

    x: np.ndarray
    losses: np.ndarray
    status: str
    steps: int
    info: dict = field(default_factory=dict)


def _watch(losses: list, value: float) -> bool:
    """Append ``value``; return True when the run diverged."""
    losses.append(value)
    return not np.isfinite(value) or value > _DIVERGED * max(losses[0], 1e-300)


def _finish(x, losses, diverged, steps, **info) -> ParallelResult:
    return ParallelResult(np.asarray(x), np.asarray(losses), "diverged" if diverged else "max_steps",
                          steps, info)


def _batches(problem, batch_size, steps, rng) -> np.ndarray:
    """(steps, batch_size) example indices: each batch drawn without replacement."""
    return np.array([rng.choice(problem.n, batch_size, replace=False) for _ in range(steps)], dtype=int)


# ======================================================================== synchronous
def data_parallel_sgd(problem: SparseLeastSquares, w0, *, lr: float, batch_size: int, workers: int = 1,
                      steps: int = 100, seed: int = 0) -> ParallelResult:
    r"""Synchronous data-parallel SGD: shard, average (all-reduce), update.

    At step :math:`t` a mini-batch :math:`B_t` of size :math:`B` is split into
    :math:`K` equal shards :math:`B_t^{(k)}`; worker :math:`k` computes
    :math:`g^{(k)} = \frac{K}{B}\sum_{i \in B_t^{(k)}} \nabla f_i(w_t)`, and every
    replica applies

    .. math:: w_{t+1} = w_t - \eta\, \frac{1}{K} \sum_{k=1}^{K} g^{(k)}
              = w_t - \eta\, \frac{1}{B} \sum_{i \in B_t} \nabla f_i(w_t),

    one step of mini-batch SGD with batch size :math:`B`, whatever :math:`K`.
    The batches depend only on ``seed`` and ``batch_size``, so runs with
    different ``workers`` see the same data. Symbols: :math:`\eta` = ``lr``,
    :math:`B` = ``batch_size``, :math:`K` = ``workers``. Chapter 13.
    """
    lr = _validate.real("lr", lr, low=0.0)
    batch_size = _validate.integer("batch_size", batch_size, low=1, high=problem.n)
    workers = _validate.integer("workers", workers, low=1, high=batch_size)
    steps = _validate.integer("steps", steps, low=0)
    if batch_size % workers:
        raise ValueError(f"batch_size must be a multiple of workers={workers}, got {batch_size}")
    w = _validate.finite_array("w0", w0).astype(float).copy()
    batches = _batches(problem, batch_size, steps, np.random.default_rng(seed))
    losses, diverged, t = [problem.loss(w)], False, 0
    with np.errstate(all="ignore"):
        for t in range(steps):
            shards = np.split(batches[t], workers)              # worker k gets shards[k]
            g_workers = [problem.grad(w, shard) for shard in shards]
            g = np.mean(g_workers, axis=0)                      # all-reduce (average)
            w = w - lr * g                                      # the same update on every replica
            if diverged := _watch(losses, problem.loss(w)):
                break
    return _finish(w, losses, diverged, t + 1 if steps else 0)


def ring_allreduce(vectors) -> tuple[np.ndarray, float]:
    r"""Average ``K`` equal-length vectors the way a ring all-reduce does.

    Each vector is cut into :math:`K` chunks. In :math:`K-1` *reduce-scatter*
    steps every worker sends one chunk to its right neighbour, which adds it to
    its own; afterwards worker :math:`k` holds the full sum of chunk
    :math:`k+1`. In :math:`K-1` *all-gather* steps the finished chunks travel
    round the ring. Each worker sends :math:`2(K-1)` chunks of size
    :math:`N/K`: :math:`2(K-1)/K` times the vector's size, nearly independent
    of :math:`K`.

    Returns
    -------
    mean : (K, N) array, every row the average (what each worker ends with)
    sent : float, the number of entries each worker sent, divided by ``N``
    """
    vectors = _validate.finite_array("vectors", vectors)
    if vectors.ndim != 2:
        raise ValueError(f"vectors must be a (K, N) array, got shape {vectors.shape}")
    K, N = vectors.shape
    chunks = [np.array_split(v.astype(float), K) for v in vectors]   # chunks[worker][c]
    sent = 0
    for s in range(K - 1):                                             # reduce-scatter
        outgoing = [chunks[k][(k - s) % K].copy() for k in range(K)]
        for k in range(K):
            chunks[(k + 1) % K][(k - s) % K] += outgoing[k]
        sent += len(outgoing[0])
    for s in range(K - 1):                                             # all-gather
        outgoing = [chunks[k][(k + 1 - s) % K].copy() for k in range(K)]
        for k in range(K):
            chunks[(k + 1) % K][(k + 1 - s) % K] = outgoing[k]
        sent += len(outgoing[0])
    total = np.stack([np.concatenate(c) for c in chunks])
    return total / K, sent / N if K > 1 else 0.0


# ======================================================================== Hogwild!
@dataclass
class HogwildResult:
    """Outcome of :func:`hogwild`: final weights and loss, the updates each worker
    made, the wall-clock seconds of the update loops and updates per second."""

    x: np.ndarray
    loss: float
    updates: np.ndarray
    seconds: float
    updates_per_second: float
    locked: bool


def _hogwild_worker(shared, dim, indices, values, y, lr, rows, lock, start, counts, k, times):
    """One Hogwild! worker: SGD on its own examples, straight into shared memory."""
    w = np.frombuffer(shared, dtype=np.float64, count=dim)    # a view: no copy
    start.wait()
    t0 = time.perf_counter()
    for i in rows:
        idx, v = indices[i], values[i]
        if lock is None:
            r = v @ w[idx] - y[i]                # read w (others may be writing)
            w[idx] -= lr * r * v                 # write back, no lock
        else:
            with lock:
                r = v @ w[idx] - y[i]
                w[idx] -= lr * r * v
        counts[k] += 1
    times[k] = time.perf_counter() - t0


def hogwild(problem: SparseLeastSquares, w0, *, lr: float, updates: int, workers: int = 2,
            locked: bool = False, seed: int = 0, timeout: float = 60.0) -> HogwildResult:
    r"""Hogwild!: ``workers`` processes run SGD on one shared parameter vector.

    Each worker repeats, for its ``updates`` randomly drawn examples :math:`i`,

    .. math:: w_{S_i} \leftarrow w_{S_i} - \eta\,\bigl(x_i^\top w - y_i\bigr)\, x_{i, S_i},

    reading and writing only the coordinates :math:`S_i` that example :math:`i`
    touches, in a ``multiprocessing`` shared array, with no lock
    (``locked=False``) or holding one ``multiprocessing.Lock`` for the whole
    read-update-write (``locked=True``). Without the lock two workers may read
    the same coordinate and one write may overwrite the other's; with sparse
    examples this is rare (:func:`collision_probability`).

    The final weights depend on how the operating system interleaves the
    workers, so only properties (the loss reached, the work done) are
    reproducible, not the digits. Symbols: :math:`\eta` = ``lr``.

    References
    ----------
    Niu, Recht, Ré and Wright (2011), *Hogwild!: a lock-free approach to
    parallelizing stochastic gradient descent*; Ruder (2016) §5.1.
    """
    lr = _validate.real("lr", lr, low=0.0)
    updates = _validate.integer("updates", updates, low=1)
    workers = _validate.integer("workers", workers, low=1)
    w0 = _validate.finite_array("w0", w0)
    ctx = mp.get_context("spawn")          # the same on every OS; no fork from a threaded kernel
    shared = ctx.RawArray("d", problem.dim)
    np.frombuffer(shared, dtype=np.float64)[:] = w0
    counts, times = ctx.RawArray("l", workers), ctx.RawArray("d", workers)
    lock = ctx.Lock() if locked else None
    start = ctx.Barrier(workers + 1)
    rng = np.random.default_rng(seed)
    procs = [ctx.Process(target=_hogwild_worker,
                         args=(shared, problem.dim, problem.indices, problem.values, problem.y, lr,
                               rng.integers(problem.n, size=updates), lock, start, counts, k, times))
             for k in range(workers)]
    for p in procs:
        p.start()
    start.wait(timeout)
    for p in procs:
        p.join(timeout)
    w = np.frombuffer(shared, dtype=np.float64).copy()
    seconds = max(times)
    done = np.array(counts[:], dtype=int)
    return HogwildResult(w, problem.loss(w), done, seconds, float(done.sum() / seconds) if seconds else 0.0,
                         locked)


# ======================================================================== asynchronous: Downpour
def delay_threshold(L: float, delay: int) -> float:
    r"""Largest stable learning rate of gradient descent with delay :math:`D` on
    :math:`f(w) = \tfrac{L}{2} w^2`, i.e. of :math:`w_{t+1} = w_t - \eta L\, w_{t-D}`:

    .. math:: \eta_{\max} = \frac{2}{L}\,\sin\frac{\pi}{2(2D + 1)} \approx \frac{\pi}{(2D+1)\,L}.

    :math:`D = 0` gives :math:`2/L`, :math:`D = 1` gives :math:`1/L`
    (Levin and May, 1976, for the delay-difference equation). Chapter 13.
    """
    L = _validate.real("L", L, low=0.0, low_open=True)
    delay = _validate.integer("delay", delay, low=0)
    return 2.0 / L * math.sin(math.pi / (2 * (2 * delay + 1)))


class DelayTolerantAdagradState(NamedTuple):
    """State of :class:`DelayTolerantAdagrad`: step count ``t``, the delay-aware
    accumulator ``n`` and its running maximum ``n_max`` (which sets the rate)."""

    t: int
    n: np.ndarray
    n_max: np.ndarray


class DelayTolerantAdagrad:
    r"""Adagrad with a delay-aware accumulator (simplified from McMahan and Streeter, 2014).

    A gradient :math:`g` computed on parameters read before the server applied
    the gradients :math:`g_{t-D}, \dots, g_{t-1}` arrives with their sum
    :math:`g^{\mathrm{bck}} = \sum_{s=t-D}^{t-1} g_s` ("backlog"). Per coordinate,

    .. math::

        n_t &= n_{t-1} + g^2 + 2\, g\, g^{\mathrm{bck}} \\
        \bar n_t &= \max(\bar n_{t-1}, n_t) \\
        w_t &= w_{t-1} - \frac{\eta}{\sqrt{\bar n_t} + \epsilon}\, g .

    Without delay (:math:`g^{\mathrm{bck}} = 0`) this is Adagrad. The cross
    term :math:`2 g g^{\mathrm{bck}}` is what :math:`(g^{\mathrm{bck}} + g)^2 -
    (g^{\mathrm{bck}})^2` adds: the accumulator grows as if the delayed
    gradients had been summed, so a stale gradient that pushes the same way as
    the updates it missed gets a smaller step. This keeps only the learning-rate
    part of the paper's AdaptiveRevision algorithm (which also revises the
    steps already taken); it is a teaching version, not a reproduction.
    Symbols: :math:`\eta` = ``lr``, :math:`\epsilon` = ``eps``.

    References
    ----------
    McMahan and Streeter (2014), *Delay-tolerant algorithms for asynchronous
    distributed online learning*; Ruder (2016) §5.3. Chapter 13.
    """

    def __init__(self, lr: float = 1e-2, eps: float = 1e-10):
        self.lr = _validate.real("lr", lr, low=0.0)
        self.eps = _validate.real("eps", eps, low=0.0, low_open=True)

    def init(self, params) -> DelayTolerantAdagradState:
        params = _validate.finite_array("params", params)
        return DelayTolerantAdagradState(0, np.zeros_like(params, dtype=float), np.zeros_like(params, dtype=float))

    def step(self, params, grads, state: DelayTolerantAdagradState, backlog=None):
        g = _validate.finite_array("grads", grads)
        g_bck = np.zeros_like(g) if backlog is None else np.asarray(backlog, dtype=float)
        n = state.n + g * g + 2 * g * g_bck           # accumulator, counting the missed updates
        n_max = np.maximum(state.n_max, n)           # the rate never grows back
        theta = params - self.lr / (np.sqrt(n_max) + self.eps) * g
        return theta, DelayTolerantAdagradState(state.t + 1, n, n_max)


def downpour_sgd(problem: SparseLeastSquares, w0, *, optimizer: Any = None, workers: int = 4,
                 staleness: int = 0, rounds: int = 50, batch_size: int = 10, shards: int = 1,
                 seed: int = 0) -> ParallelResult:
    r"""Downpour SGD, simulated: asynchronous workers, a sharded parameter server.

    Time runs in rounds. In each round the ``workers`` replicas push one
    mini-batch gradient each, in turn, and the server applies each on arrival,
    so it makes :math:`K` updates per round. Worker :math:`k` computes its
    gradient on the parameters it fetched at the start of round
    :math:`r - \tau`, so its gradient is

    .. math:: D_k = \tau K + k

    server updates old (:math:`\tau` = ``staleness`` in rounds: the
    communication lag). The server holds ``shards`` disjoint blocks of
    :math:`w`; each block is updated by its own copy of ``optimizer`` (a
    ``gdlib.optim`` optimizer, default ``SGD(lr=0.01)``, or a
    :class:`DelayTolerantAdagrad`, which is also given the backlog of missed
    gradients). Worker :math:`k` draws its batches from its own slice of the
    data. Fully deterministic; ``losses`` holds one value per round.

    References
    ----------
    Dean et al. (2012), *Large scale distributed deep networks*; Ruder (2016) §5.2.
    """
    optimizer = SGD(lr=0.01) if optimizer is None else optimizer
    workers = _validate.integer("workers", workers, low=1)
    staleness = _validate.integer("staleness", staleness, low=0)
    rounds = _validate.integer("rounds", rounds, low=0)
    batch_size = _validate.integer("batch_size", batch_size, low=1, high=problem.n // workers)
    w = _validate.finite_array("w0", w0).astype(float).copy()
    shards = _validate.integer("shards", shards, low=1, high=len(w))
    blocks = np.array_split(np.arange(len(w)), shards)        # shard j owns w[blocks[j]]
    states = [optimizer.init(w[b]) for b in blocks]
    tolerant = isinstance(optimizer, DelayTolerantAdagrad)
    rng = np.random.default_rng(seed)
    data = np.array_split(rng.permutation(problem.n), workers)   # worker k's slice of the data
    history = [w.copy()]          # history[u]: parameters after u server updates
    applied = []                  # applied[u]: the gradient of server update u
    losses, diverged, r = [problem.loss(w)], False, 0
    with np.errstate(all="ignore"):
        for r in range(rounds):
            read_at = max(0, (r - staleness) * workers)         # server update at the fetch
            fetched = history[read_at]                            # what every worker computes on
            for k in range(workers):
                u = len(applied)                                  # this update's number: D_k = u - read_at
                g = problem.grad(fetched, rng.choice(data[k], batch_size, replace=False))
                backlog = np.sum(applied[read_at:u], axis=0) if u > read_at else np.zeros_like(w)
                for j, b in enumerate(blocks):                    # each shard updates its block
                    if tolerant:
                        w[b], states[j] = optimizer.step(w[b], g[b], states[j], backlog=backlog[b])
                    else:
                        w[b], states[j] = optimizer.step(w[b], g[b], states[j])
                applied.append(g)
                history.append(w.copy())
            if diverged := _watch(losses, problem.loss(w)):
                break
    return _finish(w, losses, diverged, r + 1 if rounds else 0, updates=len(applied))


# ======================================================================== Elastic Averaging SGD
def easgd(problem: SparseLeastSquares, w0, *, lr: float, alpha: float, workers: int = 4,
          steps: int = 100, batch_size: int = 10, seed: int = 0) -> ParallelResult:
    r"""Elastic Averaging SGD, synchronous form (Zhang, Choromanska and LeCun, 2015).

    Each worker keeps its own variable :math:`x_i`; the server keeps the centre
    :math:`\tilde x`. Every step, with :math:`g_i` worker :math:`i`'s
    mini-batch gradient at :math:`x_i`,

    .. math::

        x_i &\leftarrow x_i - \eta\, g_i - \alpha\,(x_i - \tilde x) \\
        \tilde x &\leftarrow \tilde x + \alpha \sum_{i=1}^{K} (x_i - \tilde x)

    (both right-hand sides use the values before the step). The elastic term
    :math:`\alpha(x_i - \tilde x)` pulls each worker toward the centre and the
    centre toward the workers' average. Small :math:`\alpha` lets the workers
    explore far from the centre; large :math:`\alpha` enforces consensus. The
    paper's stability condition is :math:`0 < K\alpha < 1` (:math:`\beta =
    K\alpha`). ``losses`` are the centre's; ``info["spread"]`` the mean
    distance :math:`\|x_i - \tilde x\|` per step and ``info["worker_losses"]``
    the workers' mean loss. Symbols: :math:`\eta` = ``lr``, :math:`\alpha` =
    ``alpha``, :math:`K` = ``workers``.

    References
    ----------
    Zhang, Choromanska and LeCun (2015), *Deep learning with Elastic Averaging
    SGD*; Ruder (2016) §5.5.
    """
    lr = _validate.real("lr", lr, low=0.0)
    workers = _validate.integer("workers", workers, low=1)
    alpha = _validate.real("alpha", alpha, low=0.0, high=1.0 / workers)
    steps = _validate.integer("steps", steps, low=0)
    batch_size = _validate.integer("batch_size", batch_size, low=1, high=problem.n)
    center = _validate.finite_array("w0", w0).astype(float).copy()
    x = np.tile(center, (workers, 1))                  # x[i]: worker i's variable
    rng = np.random.default_rng(seed)
    losses, spread, worker_losses, diverged, t = [problem.loss(center)], [0.0], [problem.loss(center)], False, 0
    with np.errstate(all="ignore"):
        for t in range(steps):
            g = np.stack([problem.grad(x[i], rng.choice(problem.n, batch_size, replace=False))
                          for i in range(workers)])
            elastic = alpha * (x - center)             # the elastic force on each worker
            x = x - lr * g - elastic
            center = center + elastic.sum(axis=0)      # the centre moves toward the average
            spread.append(float(np.mean(np.linalg.norm(x - center, axis=1))))
            worker_losses.append(float(np.mean([problem.loss(xi) for xi in x])))
            if diverged := _watch(losses, problem.loss(center)):
                break
    return _finish(center, losses, diverged, t + 1 if steps else 0, spread=np.array(spread),
                   worker_losses=np.array(worker_losses), workers_x=x)
