"""The independent TUG bench checked against its own geometry, not the protocol: the
drawn number of turn steps is the number of foot lifts inside the turn, the walking
steps keep clear of it, and seeds 0-12 draw every count from 2 to 7; the straights' true
speeds are the hips' 3-D travel over their time; the legs keep their length."""

import numpy as np
import pytest

from balance.pose.landmarks import INDEX
from tests.bench.body import Body
from tests.bench.tug import CLEAR_S, TURN_STEPS, Tug, pose

FPS = 100.0


def _lift_middles(pts, t):
    """Middle time of every run where a toe tip is 1 cm above its planted height (the toe,
    not the ankle: the ankle rises at heel-off, while the toe is still planted)."""
    out = []
    for side in ("left", "right"):
        toe = pts[:, INDEX[f"{side}_foot_index"], 1]
        up = toe > toe.min() + 0.01
        edges = np.diff(np.concatenate([[0], up.astype(np.int8), [0]]))
        out += [(t[a] + t[b - 1]) / 2 for a, b in zip(np.flatnonzero(edges == 1),
                                                       np.flatnonzero(edges == -1))]
    return np.array(out)


@pytest.mark.parametrize("seed", range(13))
def test_the_turn_has_its_drawn_steps_and_the_walk_keeps_clear_of_it(seed):
    tug = Tug(seed=seed)
    body = Body.from_height(tug.height_m)
    t = np.arange(0.0, 40.0, 1.0 / FPS)
    pts, truth = pose(tug, body, t, np.random.default_rng(seed))
    middles = _lift_middles(pts, t)
    inside = (middles >= truth.turn_start) & (middles <= truth.turn_end)
    assert TURN_STEPS[0] <= truth.turn_steps <= TURN_STEPS[1]
    assert inside.sum() == truth.turn_steps
    # a swing's lift is centred on its step, so the walking ones stay CLEAR_S outside
    gap = np.minimum(np.abs(middles[~inside] - truth.turn_start),
                     np.abs(middles[~inside] - truth.turn_end))
    assert gap.min() >= CLEAR_S - 0.02


def _mid_hip(pts):
    return pts[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=1)


@pytest.mark.parametrize("seed", range(1, 5))
def test_the_true_speeds_are_the_hips_3d_travel_over_each_straights_time(seed):
    tug = Tug(seed=seed)
    truth = pose(tug, Body.from_height(tug.height_m), np.zeros(1), np.random.default_rng(seed))[1]
    t = np.array([truth.up, truth.turn_start, truth.turn_end, truth.turn2_start])
    hip = _mid_hip(pose(tug, Body.from_height(tug.height_m), t, np.random.default_rng(seed))[0])
    out, back = np.linalg.norm(hip[1] - hip[0]), np.linalg.norm(hip[3] - hip[2])
    # the walkway is 3 m, the pelvis stops 0.12 m short of the line
    assert 2.7 < out < 3.0 and 2.7 < back < 3.0
    assert truth.speed_out == pytest.approx(out / (t[1] - t[0]), rel=2e-3)
    assert truth.speed_back == pytest.approx(back / (t[3] - t[2]), rel=2e-3)


@pytest.mark.parametrize("seed", range(13))
def test_the_legs_keep_their_length_up_to_the_turn(seed):
    """The walk out's last steps land by the pelvis: with the drawn step time the trailing
    foot stayed planted up to a step and a half behind, the shank stretched to 1.5 times
    its length in the picture's scale at the line."""
    tug = Tug(seed=seed)
    body = Body.from_height(tug.height_m)
    t = np.arange(0.0, 25.0, 0.02)
    pts = pose(tug, body, t, np.random.default_rng(seed))[0]
    for side in ("left", "right"):
        shank = np.linalg.norm(pts[:, INDEX[f"{side}_knee"]] - pts[:, INDEX[f"{side}_ankle"]],
                               axis=1)
        assert shank.max() <= 1.03 * body.shank, (side, t[np.argmax(shank)])


def test_the_seeds_draw_every_count():
    counts = set()
    for seed in range(13):
        tug = Tug(seed=seed)
        t = np.arange(0.0, 40.0, 0.05)
        counts.add(pose(tug, Body.from_height(tug.height_m), t, np.random.default_rng(seed))[1].turn_steps)
    assert counts == set(range(TURN_STEPS[0], TURN_STEPS[1] + 1))
