"""gdlib.schedules and gdlib.noise."""
from __future__ import annotations

import numpy as np
import pytest

from gdlib import noise, optim, schedules


def test_values_by_hand():
    t = np.arange(6)
    np.testing.assert_allclose(schedules.constant(0.1)(t), 0.1)
    np.testing.assert_allclose(schedules.inverse_time(0.1)(t), 0.1 / (t + 1))
    np.testing.assert_allclose(schedules.inverse_time(0.1, decay=0.5)(t), 0.1 / (1 + 0.5 * t))
    np.testing.assert_allclose(schedules.inverse_sqrt(0.1)(t), 0.1 / np.sqrt(t + 1))
    np.testing.assert_allclose(schedules.step_decay(1.0, step_size=2, gamma=0.5)(t), [1, 1, 0.5, 0.5, 0.25, 0.25])
    np.testing.assert_allclose(schedules.exponential(1.0, 0.9)(t), 0.9**t)
    cos = schedules.cosine(1.0, total_steps=4, lr_min=0.2)
    np.testing.assert_allclose(cos(np.arange(7)), [1.0, 0.2 + 0.8 * (1 + np.cos(np.pi / 4)) / 2, 0.6,
                                                   0.2 + 0.8 * (1 + np.cos(3 * np.pi / 4)) / 2, 0.2, 0.2, 0.2])
    warm = schedules.linear_warmup(1.0, warmup_steps=4)
    np.testing.assert_allclose(warm(t), [0.25, 0.5, 0.75, 1.0, 1.0, 1.0])
    chained = schedules.linear_warmup(1.0, 2, after=schedules.exponential(1.0, 0.5))
    np.testing.assert_allclose(chained(t), [0.5, 1.0, 1.0, 0.5, 0.25, 0.125])
    assert schedules.step is schedules.step_decay


def test_scalar_calls_return_floats():
    for s in (schedules.constant(0.1), schedules.inverse_sqrt(0.1), schedules.cosine(0.1, 10),
              schedules.linear_warmup(0.1, 3)):
        assert isinstance(s(0), float)
    assert schedules.exponential(0.1, 0.5)(2) == pytest.approx(0.025)
    assert "inverse_sqrt(lr=0.1)" in repr(schedules.inverse_sqrt(0.1))


def test_robbins_monro_conditions_for_one_over_t():
    t = np.arange(200000)
    eta = schedules.inverse_time(1.0)(t)
    assert eta.sum() > 12                    # harmonic series: grows like log t
    assert (eta**2).sum() < np.pi**2 / 6 + 1e-9


def test_matches_torch_schedulers():
    torch = pytest.importorskip("torch", reason="compares with torch.optim.lr_scheduler")
    p = torch.zeros(1, requires_grad=True)
    pairs = [
        (lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), schedules.step_decay(0.1, 3, 0.5)),
        (lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9), schedules.exponential(0.1, 0.9)),
        (lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.01),
         schedules.cosine(0.1, 10, lr_min=0.01)),
    ]
    for make, ours in pairs:
        opt = torch.optim.SGD([p], lr=0.1)
        sched = make(opt)
        for t in range(10):
            assert opt.param_groups[0]["lr"] == pytest.approx(ours(t), rel=1e-12)
            opt.step()
            sched.step()


@pytest.mark.parametrize("make, error, match", [
    (lambda: schedules.constant(-0.1), ValueError, r"lr must be >= 0, got -0.1"),
    (lambda: schedules.step_decay(0.1, step_size=0), ValueError, r"step_size must be >= 1, got 0"),
    (lambda: schedules.cosine(0.1, total_steps=10, lr_min=0.5), ValueError, r"lr_min must be <= 0.1, got 0.5"),
    (lambda: schedules.linear_warmup(0.1, 5, after=3), TypeError, r"after must be a schedule"),
    (lambda: schedules.exponential(0.1, 0.9)(-1), ValueError, r"t must be >= 0, got"),
    (lambda: schedules.exponential(0.1, 0.9)(0.5), TypeError, r"t must be an integer step count"),
    (lambda: schedules.inverse_time(0.1, decay=-1), ValueError, r"decay must be >= 0, got -1"),
])
def test_bad_input(make, error, match):
    with pytest.raises(error, match=match):
        make()


# --------------------------------------------------------------------------
# gradient noise
# --------------------------------------------------------------------------
def test_noise_variance_anneals():
    np.testing.assert_allclose(noise.noise_variance(np.arange(3), eta=0.3, gamma=0.55),
                               0.3 / (1 + np.arange(3)) ** 0.55)
    assert noise.noise_variance(0, eta=1.0) == 1.0


def test_annealed_gaussian_statistics_and_purity():
    g = np.zeros(200000)
    g.flags.writeable = False
    noisy = noise.annealed_gaussian(g, t=9, eta=1.0, gamma=0.55, rng=0)
    assert noisy.std() == pytest.approx(np.sqrt(1.0 / 10**0.55), rel=0.01)
    assert abs(noisy.mean()) < 0.01
    np.testing.assert_array_equal(g, 0)
    again = noise.annealed_gaussian(g, t=9, eta=1.0, gamma=0.55, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(noisy, again)


def test_annealed_gaussian_on_dicts_and_float32():
    grads = {"w": np.zeros((2, 3), dtype=np.float32), "b": np.zeros(3, dtype=np.float32)}
    source = noise.AnnealedGaussian(eta=0.3, gamma=0.55, rng=1)
    noisy = source(grads, 0)
    assert set(noisy) == {"w", "b"} and noisy["w"].dtype == np.float32
    assert source.variance(0) == pytest.approx(0.3)
    assert repr(source) == "AnnealedGaussian(eta=0.3, gamma=0.55)"
    # works with an optimizer on dict params
    opt = optim.SGD(lr=0.1)
    params, _ = opt.step(grads, noisy, opt.init(grads))
    assert params["w"].dtype == np.float32


def test_noise_bad_input():
    with pytest.raises(ValueError, match=r"eta must be >= 0, got -1"):
        noise.AnnealedGaussian(eta=-1)
    with pytest.raises(TypeError, match=r"rng must be a numpy Generator, an integer seed or None, got 'x'"):
        noise.annealed_gaussian(np.zeros(2), 0, rng="x")
    with pytest.raises(ValueError, match=r"t must be >= 0, got -1"):
        noise.annealed_gaussian(np.zeros(2), -1)
    with pytest.raises(ValueError, match=r"t must be >= 0"):
        noise.noise_variance(np.array([-1, 0]))
