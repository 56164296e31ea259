"""The feet's swings (``balance.core.steps``) on hand-made foot tracks: a foot carried
between two plantings is one swing dated to its middle, a twitch is none, a heel-off
and its swing are one step, and the scale turns pixels into the caller's unit."""

import numpy as np
import pytest

from balance.core import steps

FPS = 30.0
SCALE_PX = 100.0  # px per unit: a shank's picture length


def _track(t, moves, rng, jitter_px=1.0):
    """(n, 2, 3, 2) px: two feet of three points (ankle, heel, toe) standing still apart
    from ``moves``: (foot, start s, end s, dx px, lift px), each a smooth carry with a
    lift; correlated-free jitter of ``jitter_px`` on every point."""
    base = np.array([[[600.0, 500.0], [590.0, 510.0], [620.0, 512.0]],
                     [[640.0, 500.0], [630.0, 510.0], [660.0, 512.0]]])
    pts = np.tile(base, (t.size, 1, 1, 1))
    for foot, a, b, dx, lift in moves:
        u = np.clip((t - a) / (b - a), 0.0, 1.0)
        ramp = u ** 3 * (10 - 15 * u + 6 * u ** 2)
        pts[:, foot, :, 0] += (ramp * dx)[:, None]
        pts[:, foot, :, 1] -= (lift * np.sin(np.pi * u))[:, None]
    return pts + rng.normal(0.0, jitter_px, pts.shape)


@pytest.fixture
def t():
    return np.arange(0.0, 8.0, 1.0 / FPS)


def test_each_carried_foot_is_one_swing_dated_to_its_middle(t):
    moves = [(0, 1.0, 1.4, 60.0, 8.0), (1, 1.6, 2.0, 60.0, 8.0), (0, 3.0, 3.5, 25.0, 6.0)]
    found = steps.swings(t, _track(t, moves, np.random.default_rng(1)), np.full(t.size, SCALE_PX))
    assert [s.foot for s in found] == [0, 1, 0]
    for s, (_, a, b, dx, _) in zip(found, moves):
        assert s.middle == pytest.approx((a + b) / 2, abs=0.03)
        assert s.start < s.middle < s.end
        assert s.path == pytest.approx(dx / SCALE_PX, rel=0.35)  # the lift adds a little
    assert steps.count_between(found, 1.1, 1.9) == 2
    assert steps.count_between(found, 2.0, 3.0) == 0


def test_a_twitch_is_not_a_step_and_a_heel_off_with_its_swing_is_one(t):
    moves = [(1, 2.0, 2.2, 6.0, 0.0),                         # 0.06 units: below MIN_PATH
             (0, 4.0, 4.25, 15.0, 4.0), (0, 4.35, 4.75, 50.0, 8.0)]  # heel-off, pause, swing
    found = steps.swings(t, _track(t, moves, np.random.default_rng(2)), np.full(t.size, SCALE_PX))
    assert len(found) == 1 and found[0].foot == 0
    assert 3.9 <= found[0].start < 4.1 and 4.7 < found[0].end <= 4.85  # low-passed a little


def test_the_scale_gives_the_speed_in_the_callers_unit(t):
    pts = _track(t, [(0, 1.0, 1.4, 60.0, 0.0)], np.random.default_rng(3), jitter_px=0.0)
    px = steps.foot_speed(t, pts)
    units = steps.foot_speed(t, pts, np.full(t.size, SCALE_PX))
    assert units == pytest.approx(px / SCALE_PX)
    # a 60 px minimum-jerk carry over 0.4 s peaks at 1.875 x 60 / 0.4 px/s (low-passed a little)
    assert px[:, 0].max() == pytest.approx(1.875 * 60 / 0.4, rel=0.1)
    assert px[:, 1].max() < 1e-9  # the other foot stood still


def test_no_landmarks_no_swings(t):
    pts = np.full((t.size, 2, 3, 2), np.nan)
    assert steps.swings(t, pts) == []
