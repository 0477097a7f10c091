"""gdlib.parallel: equivalences, hand-checked cases, convergence, real Hogwild! processes."""
import math
import multiprocessing as mp
import threading

import numpy as np
import pytest

from gdlib import parallel as P
from gdlib.optim import SGD, Adagrad


@pytest.fixture(scope="module")
def problem():
    return P.sparse_least_squares(2000, 20, 5, noise=0.1, seed=0)


def test_problem_gradient_matches_dense_formula(problem):
    X, w = problem.dense(), np.random.default_rng(1).standard_normal(problem.dim)
    assert np.allclose(problem.grad(w), X.T @ (X @ w - problem.y) / problem.n)
    assert np.isclose(problem.loss(w), 0.5 * np.mean((X @ w - problem.y) ** 2))
    rows = np.array([3, 7, 11])
    assert np.allclose(problem.grad(w, rows), X[rows].T @ (X[rows] @ w - problem.y[rows]) / 3)
    assert np.all((X != 0).sum(axis=1) == 5)          # every example touches nnz coordinates
    noiseless = P.sparse_least_squares(50, 10, 3, seed=2)
    assert noiseless.loss(noiseless.w_star) < 1e-25


def test_collision_probability_exact_and_approximation():
    assert P.collision_probability(10, 1) == pytest.approx(0.1)
    assert P.collision_probability(4, 2) == pytest.approx(1 - 1 / 6)     # only the complement pair misses
    assert P.collision_probability(5, 3) == 1.0                            # 3 + 3 > 5: must share
    assert P.collision_probability(10**6, 10) == pytest.approx(100 / 10**6, rel=1e-3)
    rng = np.random.default_rng(0)                                         # Monte Carlo agrees
    hits = np.mean([len(set(rng.choice(100, 5, replace=False)) & set(rng.choice(100, 5, replace=False))) > 0
                    for _ in range(20000)])
    assert abs(hits - P.collision_probability(100, 5)) < 0.01


def test_data_parallel_equals_one_worker_with_the_whole_batch(problem):
    w0 = np.zeros(problem.dim)
    one = P.data_parallel_sgd(problem, w0, lr=0.3, batch_size=40, workers=1, steps=100, seed=3)
    for K in (2, 4, 8):
        many = P.data_parallel_sgd(problem, w0, lr=0.3, batch_size=40, workers=K, steps=100, seed=3)
        assert np.max(np.abs(many.x - one.x)) < 1e-12
    assert one.status == "max_steps" and one.steps == 100 and len(one.losses) == 101
    assert one.losses[-1] < 0.01 * one.losses[0]


def test_data_parallel_diverges_cleanly_and_validates(problem):
    res = P.data_parallel_sgd(problem, np.zeros(problem.dim), lr=50.0, batch_size=8, workers=2, steps=500)
    assert res.status == "diverged" and res.steps < 500
    with pytest.raises(ValueError, match="batch_size must be a multiple of workers=3, got 8"):
        P.data_parallel_sgd(problem, np.zeros(problem.dim), lr=0.1, batch_size=8, workers=3)
    with pytest.raises(ValueError, match="lr must be >= 0, got -1"):
        P.data_parallel_sgd(problem, np.zeros(problem.dim), lr=-1, batch_size=8)
    assert P.data_parallel_sgd(problem, np.zeros(problem.dim), lr=0.1, batch_size=8, steps=0).steps == 0


@pytest.mark.parametrize("K, N", [(1, 5), (2, 6), (3, 7), (4, 4), (5, 23)])
def test_ring_allreduce_averages_and_costs_2_k_minus_1_over_k(K, N):
    v = np.random.default_rng(K).standard_normal((K, N))
    mean, sent = P.ring_allreduce(v)
    assert np.allclose(mean, v.mean(axis=0))
    if N % K == 0:
        assert sent == pytest.approx(2 * (K - 1) / K)
    with pytest.raises(ValueError, match="vectors must be a"):
        P.ring_allreduce(np.ones(3))


def test_delay_threshold_matches_the_delay_equation():
    assert P.delay_threshold(1.0, 0) == pytest.approx(2.0)
    assert P.delay_threshold(2.0, 1) == pytest.approx(0.5)
    for D in (2, 5):                                   # just below is stable, just above is not
        for factor, stable in ((0.98, True), (1.02, False)):
            a = factor * P.delay_threshold(1.0, D)
            w = [1.0] * (D + 1)
            for _ in range(6000):
                w.append(w[-1] - a * w[-1 - D])
            assert (abs(w[-1]) < 1e-3) == stable
    with pytest.raises(ValueError, match="L must be > 0"):
        P.delay_threshold(0.0, 1)


def test_downpour_without_delay_and_one_worker_is_sgd(problem):
    w0 = np.zeros(problem.dim)
    res = P.downpour_sgd(problem, w0, optimizer=SGD(lr=0.3), workers=1, staleness=0, rounds=30,
                         batch_size=20, seed=4)
    rng = np.random.default_rng(4)                     # replay the same batches by hand
    data = np.array_split(rng.permutation(problem.n), 1)[0]
    w = w0.copy()
    for _ in range(30):
        w = w - 0.3 * problem.grad(w, rng.choice(data, 20, replace=False))
    assert np.allclose(res.x, w, atol=1e-12)
    assert res.info["updates"] == 30


def test_downpour_sharding_does_not_change_the_arithmetic(problem):
    kw = dict(workers=4, staleness=2, rounds=20, batch_size=10, seed=1)
    for opt in (SGD(lr=0.3), Adagrad(lr=0.5), P.DelayTolerantAdagrad(lr=0.5)):
        one = P.downpour_sgd(problem, np.zeros(problem.dim), optimizer=opt, shards=1, **kw)
        four = P.downpour_sgd(problem, np.zeros(problem.dim), optimizer=opt, shards=4, **kw)
        assert np.allclose(one.x, four.x, atol=1e-12)


def test_downpour_staleness_hurts_and_large_delays_diverge(problem):
    w0 = np.zeros(problem.dim)
    fresh = P.downpour_sgd(problem, w0, optimizer=SGD(lr=0.4), workers=4, staleness=0, rounds=40, batch_size=20)
    stale = P.downpour_sgd(problem, w0, optimizer=SGD(lr=0.4), workers=8, staleness=4, rounds=40, batch_size=20)
    assert fresh.status == "max_steps" and fresh.losses[-1] < 0.01
    assert stale.losses.max() > 100 * fresh.losses[0]
    default = P.downpour_sgd(problem, w0, rounds=2, workers=2)
    assert default.status == "max_steps" and default.info["updates"] == 4
    assert P.downpour_sgd(problem, w0, rounds=0).steps == 0
    with pytest.raises(ValueError, match="staleness must be >= 0, got -1"):
        P.downpour_sgd(problem, w0, staleness=-1)


def test_delay_tolerant_adagrad_is_adagrad_without_delay_and_damps_delayed_runs(problem):
    w0 = np.zeros(problem.dim)
    kw = dict(workers=1, staleness=0, rounds=20, batch_size=20, seed=2)
    plain = P.downpour_sgd(problem, w0, optimizer=Adagrad(lr=0.5, eps=1e-10), **kw)
    tolerant = P.downpour_sgd(problem, w0, optimizer=P.DelayTolerantAdagrad(lr=0.5, eps=1e-10), **kw)
    assert np.allclose(plain.x, tolerant.x, atol=1e-12)
    kw = dict(workers=8, staleness=4, rounds=40, batch_size=20)
    plain = P.downpour_sgd(problem, w0, optimizer=Adagrad(lr=1.0), **kw)
    tolerant = P.downpour_sgd(problem, w0, optimizer=P.DelayTolerantAdagrad(lr=1.0), **kw)
    assert tolerant.losses.max() < plain.losses.max() and tolerant.losses[-1] < plain.losses[-1]
    opt = P.DelayTolerantAdagrad(lr=1.0)                   # a backlog of opposite sign: no larger rate
    s = opt.init(np.zeros(1))
    _, s = opt.step(np.zeros(1), np.array([2.0]), s)
    _, s = opt.step(np.zeros(1), np.array([1.0]), s, backlog=np.array([-3.0]))
    assert s.n[0] == pytest.approx(4 + 1 - 6) and s.n_max[0] == pytest.approx(4) and s.t == 2
    with pytest.raises(ValueError, match="eps must be > 0"):
        P.DelayTolerantAdagrad(eps=0)


def test_easgd_converges_and_alpha_trades_spread_for_consensus(problem):
    w0 = np.zeros(problem.dim)
    runs = {a: P.easgd(problem, w0, lr=0.3, alpha=a, workers=4, steps=150, batch_size=10) for a in (0.01, 0.05, 0.2)}
    spreads = [runs[a].info["spread"][-50:].mean() for a in (0.01, 0.05, 0.2)]
    assert spreads[0] > spreads[1] > spreads[2]
    assert all(r.status == "max_steps" and r.losses[-1] < 0.05 for r in runs.values())
    assert runs[0.2].info["workers_x"].shape == (4, problem.dim)
    single = P.easgd(problem, w0, lr=0.3, alpha=0.0, workers=1, steps=5, batch_size=10)
    assert np.allclose(single.x, w0)                     # alpha = 0: the centre never moves
    assert P.easgd(problem, w0, lr=100.0, alpha=0.1, workers=2, steps=300, batch_size=4).status == "diverged"
    assert P.easgd(problem, w0, lr=0.1, alpha=0.1, steps=0).steps == 0
    with pytest.raises(ValueError, match="alpha must be <= 0.25, got 0.5"):
        P.easgd(problem, w0, lr=0.1, alpha=0.5, workers=4)


def test_hogwild_worker_in_process_is_plain_sgd():
    pr = P.sparse_least_squares(100, 30, 3, seed=5)
    shared = mp.RawArray("d", pr.dim)
    counts, times = mp.RawArray("l", 1), mp.RawArray("d", 1)
    rows = np.random.default_rng(0).integers(pr.n, size=50)
    for lock in (None, threading.Lock()):
        np.frombuffer(shared)[:] = 0.0
        P._hogwild_worker(shared, pr.dim, pr.indices, pr.values, pr.y, 0.1, rows, lock,
                          threading.Barrier(1), counts, 0, times)
        w = np.zeros(pr.dim)
        for i in rows:
            w = w - 0.1 * pr.grad(w, [i])
        assert np.allclose(np.frombuffer(shared), w)
    assert counts[0] == 100 and times[0] > 0


def test_hogwild_real_processes_converge_with_and_without_lock():
    pr = P.sparse_least_squares(3000, 600, 5, seed=1)
    w0 = np.zeros(pr.dim)
    free = P.hogwild(pr, w0, lr=0.1, updates=15000, workers=2, locked=False, seed=0)
    locked = P.hogwild(pr, w0, lr=0.1, updates=15000, workers=2, locked=True, seed=0)
    for res in (free, locked):
        assert list(res.updates) == [15000, 15000]
        assert res.loss < 1e-3 * pr.loss(w0)
        assert res.seconds > 0 and res.updates_per_second > 0
    assert free.locked is False and locked.locked is True
    assert max(free.loss, locked.loss) < 100 * min(free.loss, locked.loss) + 1e-8
    with pytest.raises(ValueError, match="updates must be >= 1, got 0"):
        P.hogwild(pr, w0, lr=0.1, updates=0)
