"""The live accumulator agrees with the batch metrics, and handles gaps honestly."""

import math

import numpy as np
import pytest

from balance.core import SwayAccumulator, jit, sway_metrics
from balance.errors import InputError

FIELDS = ("rms_distance", "sd_ap", "sd_ml", "rms_ap", "rms_ml", "range_ap", "range_ml",
          "path_length", "path_length_ap", "path_length_ml", "mean_velocity",
          "mean_velocity_ap", "mean_velocity_ml", "ellipse_area", "duration_s")


def _trace(seed, n=6000, offset=(12.0, -40.0)):
    rng = np.random.default_rng(seed)
    # A large offset makes naive running sums of squares lose digits; Welford must not.
    ap = np.cumsum(rng.normal(0, 0.01, n)) + offset[0]
    ml = np.cumsum(rng.normal(0, 0.01, n)) + offset[1]
    return ap, ml


@pytest.mark.parametrize("ellipse", ["prediction", "chi2"])
@pytest.mark.parametrize("velocity", ["n_over_fs", "span"])
def test_push_agrees_with_batch(ellipse, velocity):
    ap, ml = _trace(1, offset=(1e4, -3e4))
    acc = SwayAccumulator(100.0, ellipse=ellipse, velocity=velocity)
    for a, m in zip(ap.tolist(), ml.tolist()):
        acc.push(a, m)
    live = acc.snapshot()
    batch = sway_metrics(ap, ml, 100.0, ellipse=ellipse, velocity=velocity)
    assert live.n == batch.n and live.gaps == 0
    for key in FIELDS:
        assert getattr(live, key) == pytest.approx(getattr(batch, key), rel=1e-9), key


def test_every_prefix_agrees_with_batch():
    ap, ml = _trace(2, n=300)
    acc = SwayAccumulator(30.0)
    for i in range(300):
        acc.push(ap[i], ml[i])
        if i + 1 >= 8 and (i + 1) % 37 == 0:
            live, batch = acc.snapshot(), sway_metrics(ap[:i + 1], ml[:i + 1], 30.0)
            for key in FIELDS:
                assert getattr(live, key) == pytest.approx(getattr(batch, key), rel=1e-9)


def test_extend_equals_push_and_numpy_twin():
    ap, ml = _trace(3, n=1000)
    a, b = SwayAccumulator(60.0), SwayAccumulator(60.0)
    a.extend(ap, ml)
    for x, y in zip(ap, ml):
        b.push(x, y)
    np.testing.assert_array_equal(a.state(), b.state())
    with jit.numpy_twins():
        c = SwayAccumulator(60.0)
        c.extend(ap, ml)
    np.testing.assert_allclose(c.state(), a.state(), rtol=1e-10)


def test_gaps_are_skipped_and_break_the_path():
    ap = np.array([0.0, 1.0, np.nan, 5.0, 6.0, 6.0, 7.0, 7.0, 8.0, 9.0])
    ml = np.zeros_like(ap)
    acc = SwayAccumulator(10.0)
    acc.extend(ap, ml)
    live = acc.snapshot()
    assert (live.n, live.gaps) == (9, 1)
    # Steps 0->1 and 5->...->9; the jump 1 -> 5 across the gap is not sway.
    assert live.path_length == pytest.approx(1.0 + 4.0)
    assert live.range_ap == 9.0
    assert live.duration_s == pytest.approx(0.9)  # 9 samples at 10 Hz


def test_too_few_samples_give_nan_not_garbage():
    acc = SwayAccumulator(30.0)
    empty = acc.snapshot()
    assert empty.n == 0 and math.isnan(empty.sd_ap) and math.isnan(empty.mean_velocity)
    acc.push(1.0, 2.0)
    acc.push(2.0, 2.0)
    two = acc.snapshot()
    assert two.path_length == 1.0 and math.isnan(two.ellipse_area)
    assert two.sd_ap == pytest.approx(math.sqrt(0.5))


def test_reset_starts_a_new_trial():
    acc = SwayAccumulator(30.0)
    acc.extend(*_trace(4, n=50))
    acc.reset()
    assert acc.n == 0 and acc.snapshot().path_length == 0.0


def test_bad_arguments():
    with pytest.raises(InputError):
        SwayAccumulator(0.0)
    with pytest.raises(InputError):
        SwayAccumulator(30.0, ellipse="circle")
    with pytest.raises(InputError, match="differ"):
        SwayAccumulator(30.0).extend([1.0, 2.0], [1.0])
