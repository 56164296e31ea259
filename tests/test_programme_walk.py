"""The Qt-free plan walk: timers as protocols, skipping, confirming, outcomes."""

from datetime import date

import numpy as np

from balance.programme import plan as P, progression as G
from balance.programme.measure import achieved
from balance.programme.walk import Countdown, PlanWalk
from balance.protocols.base import Frame

EMPTY = np.full((33, 4), np.nan, dtype=np.float32)


def test_countdown_ends_on_frame_time_not_wall_time():
    c = Countdown(None, image_size=(640, 480), fps=10.0, seconds=1.0)
    statuses = [c.update(Frame(i, 5.0 + i / 10, EMPTY, EMPTY, False)) for i in range(10)]
    assert not c.done and abs(statuses[-1].remaining_s - 0.1) < 1e-9
    c.update(Frame(10, 6.0, EMPTY, EMPTY, False))
    assert c.done and c.result()["summary"]["elapsed_s"] == 1.0


def test_walk_skips_confirms_and_reports_outcomes():
    states = G.start_states()
    plan = P.build(states, date(2026, 3, 2))
    walk = PlanWalk(plan, seconds_scale=0.5)
    first = walk.protocol(None, image_size=(640, 480), fps=30.0)
    assert isinstance(first, Countdown) and first.seconds == 30.0
    walk.finish(first.result())               # march
    walk.skip()                               # ankle circles
    bal = walk.protocol(None, image_size=(640, 480), fps=30.0)
    assert bal.name == "four-stage"
    walk.finish({"trials": [{"stance": "side_by_side", "hold_time_s": 10.0},
                            {"stance": "semi_tandem", "hold_time_s": 3.0}]})
    heel = walk.protocol(None, image_size=(640, 480), fps=30.0)
    assert (heel.name, heel.target_reps) == ("heel-raises", 8)
    walk.finish({"summary": {"reps": 5}})
    walk.stop()
    out = {o.ladder: o for o in walk.outcomes()}
    assert (out["balance"].achieved, out["balance"].met) == (10.0, True)
    assert (out["heel-raises"].achieved, out["heel-raises"].met) == (5.0, False)
    assert out["toe-raises"].achieved is None  # not done: neither met nor missed
    assert ("ankle-circles", False) in walk.done_items()
    assert ("march", True) in walk.done_items()


def test_yoga_level_counts_only_its_pose():
    item = P.measured(G.LadderState("balance", "yoga-tree"), P.BALANCE)
    result = {"trials": [{"pose": "warrior_2", "hold_time_s": 30.0},
                         {"pose": "tree", "hold_time_s": 12.5}]}
    assert achieved(item, result) == 12.5
    assert achieved(item, {"trials": []}) is None and achieved(item, None) is None
