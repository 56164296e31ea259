"""The independent TUG bench's turn checked against its own geometry, not the protocol:
the drawn number of turn steps is the number of foot lifts inside the turn, the walking
steps keep clear of it, and seeds 0-12 draw every count from 2 to 7."""

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


def test_the_seeds_draw_every_count():
    counts = set()
    for seed in range(13):
        tug = Tug(seed=seed)
        t = np.arange(0.0, 40.0, 0.05)
        counts.add(pose(tug, Body.from_height(tug.height_m), t, np.random.default_rng(seed))[1].turn_steps)
    assert counts == set(range(TURN_STEPS[0], TURN_STEPS[1] + 1))
