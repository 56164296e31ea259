"""The flat-ended ramp fit (``core.ramp_fit``): a smooth movement's two ends, whatever its
length, and why a fit on its first part alone (``events.edge_time``) does not give them."""

import numpy as np
import pytest

from balance.core.events import edge_time
from balance.core.ramp_fit import min_jerk, ramp_ends


def _turn(fps, start, length, seed, level=30.0, size=180.0, sd=4.0):
    """A heading, deg: still at ``level``, a minimum-jerk turn of ``size`` over ``length`` s
    from ``start``, still again; white noise of ``sd`` deg."""
    t = np.arange(0.0, start + length + 2.0, 1.0 / fps)
    rng = np.random.default_rng(seed)
    return t, level + size * min_jerk((t - start) / length) + rng.normal(0.0, sd, t.size)


@pytest.mark.parametrize("fps", [15.0, 30.0])
@pytest.mark.parametrize("length", [0.8, 2.0, 4.2])  # a 2-step turn to a 7-step one
@pytest.mark.parametrize("seed", [1, 2])
def test_both_ends_of_a_turn_of_any_length_within_0_1_s(fps, length, seed):
    t, h = _turn(fps, 2.0, length, seed)
    mid = 2.0 + length / 2  # the searches part where the heading is half-way
    start, end = ramp_ends(t, h, (0.5, mid), (mid, t[-1]))
    assert start == pytest.approx(2.0, abs=0.1)
    assert end == pytest.approx(2.0 + length, abs=0.1)


def test_the_first_degrees_alone_date_a_long_turn_late():
    # the hinge on the turn's first 60 deg: what the TUG used, 0.3 s late on such a turn
    t, h = _turn(30.0, 2.0, 4.2, 1, level=0.0)
    late = edge_time(t, h, 8.0, 60.0, rising=True) - 2.0
    assert late > 0.2
    assert abs(ramp_ends(t, h, (0.5, 4.0), (4.0, t[-1]))[0] - 2.0) < late / 3


def test_a_turn_either_way_and_samples_not_seen():
    t, h = _turn(30.0, 1.5, 2.0, 3, size=-180.0)
    h[40:50] = np.nan  # lost for a third of a second mid-turn
    start, end = ramp_ends(t, h, (0.0, 2.5), (2.5, t[-1]))
    assert (start, end) == pytest.approx((1.5, 3.5), abs=0.1)
    assert np.isnan(ramp_ends(t[:5], h[:5], (0.0, 0.1), (0.1, 0.2))).all()


def test_a_slow_walker_s_long_window_at_60_fps():
    # 12 s of walking before a 6.3 s turn: searched in blocks, the same ends
    t, h = _turn(60.0, 12.0, 6.3, 4)
    start, end = ramp_ends(t, h, (0.0, 15.0), (15.0, t[-1]))
    assert (start, end) == pytest.approx((12.0, 18.3), abs=0.1)


def test_whitened_fit_is_exact_on_a_clean_ramp_and_weighs_a_stray_as_its_ends():
    """``rho``: the fit on the samples whitened for noise correlated from one frame to
    the next. A clean ramp is found exactly either way; a stray of 2 (a fifth of the
    ramp) over the 0.25 s before its start pulls the plain fit's start later than the
    whitened fit's, which weighs the stray as its two ends."""
    from balance.core.ramp_fit import joint_ramp_ends
    t = np.arange(0.0, 3.0, 1.0 / 30.0)
    h = 10.0 * min_jerk((t - 1.5) / 0.4)
    for rho in (0.0, 0.8):
        start, end = joint_ramp_ends(t, h[None], (1.0,), (0.0, 3.0), (0.0, 3.0), rho)
        assert start == pytest.approx(1.5, abs=1e-6) and end == pytest.approx(1.9, abs=1e-6)
    h[(t >= 1.2) & (t < 1.45)] += 2.0
    plain, white = (joint_ramp_ends(t, h[None], (1.0,), (0.0, 3.0), (0.0, 3.0), rho)[0] - 1.5
                    for rho in (0.0, 0.8))
    assert abs(white) < abs(plain)
