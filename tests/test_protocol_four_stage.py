"""4-Stage Balance Test and the feet placement it relies on, on generated people."""

import numpy as np
import pytest

from balance.protocols import create
from balance.protocols.feet import placement, raised_foot
from balance.testing.synthetic import Lift, generate
from balance.session.rescore import score_frames

LABEL = {"hip_width": "side_by_side", "together": "side_by_side",
         "semi_tandem": "semi_tandem", "tandem": "tandem"}


@pytest.mark.parametrize("front", ["left", "right"])
def test_placement_matches_the_generator_labels(front):
    s = generate(duration_s=16.0, jitter_px=1.5, front_foot=front, seed=11,
                 stances=[(0, "hip_width"), (4, "together"), (8, "semi_tandem"), (12, "tandem")])
    settled = np.ones(s.t.size, bool)
    for t0 in (4, 8, 12):  # the feet take 0.4 s to move
        settled &= ~((s.t >= t0) & (s.t < t0 + 0.5))
    got = [placement(s.image[i], s.world[i], 1280, s.px_per_cm, s.height_cm)[0]
           for i in np.flatnonzero(settled)]
    want = [LABEL[x] for x in s.stance[settled]]
    agreement = np.mean(np.array(got) == np.array(want))
    assert agreement >= 0.95, agreement  # per frame, before the protocols hold it over time


def test_raised_foot_in_a_single_frame():
    s = generate(duration_s=6.0, lifts=[Lift("right", 1.0, 3.0), Lift("left", 4.0, 5.5)])
    assert raised_foot(s.image[15]) is None
    assert raised_foot(s.image[60]) == "right"
    assert raised_foot(s.image[140]) == "left"


def run(s):
    p = create("four-stage", image_size=s.image_size, fps=s.fps)
    return score_frames(p, s.t, s.image, s.world, s.detected)


@pytest.mark.parametrize("fps", [15.0, 30.0, 60.0])
def test_all_four_stages_held_advance_by_themselves(fps):
    s = generate(fps=fps, duration_s=52.0, jitter_px=1.5, seed=int(fps),
                 stances=[(0, "hip_width"), (12, "semi_tandem"), (24, "tandem")],
                 lifts=[Lift("left", 37.0, 49.0)])
    result, events = run(s)
    trials = result["trials"]
    assert [t["stance"] for t in trials] == ["side_by_side", "semi_tandem", "tandem",
                                             "single_leg"]
    assert all(t["held"] and t["hold_time_s"] == 10.0 for t in trials)
    assert abs(trials[1]["start_s"] - 12.4) < 0.35  # the feet settle 12.0-12.4 s
    assert abs(trials[3]["start_s"] - 37.0) <= 2 / fps and trials[3]["side"] == "right"
    assert result["summary"]["stages_held"] == 4 and result["summary"]["fall_risk"] is False
    assert [e.kind for e in events].count("stage_start") == 4


def test_tandem_not_held_ten_seconds_flags_fall_risk_and_stops():
    s = generate(duration_s=45.0, jitter_px=1.5, seed=3,
                 stances=[(0, "together"), (12, "semi_tandem"), (24, "tandem"),
                          (30, "hip_width")], lifts=[Lift("left", 37.0, 42.0)])
    result, _ = run(s)
    trials = result["trials"]
    assert [t["stance"] for t in trials] == ["side_by_side", "semi_tandem", "tandem"]
    tandem = trials[-1]
    # Stepping out of tandem: the feet leave the stance, and the detector may first see
    # the centre of mass leave the narrowed base; either way the stage was not held.
    assert not tandem["held"] and tandem["end_reason"] in ("feet_moved", "loss_of_balance")
    assert 5.5 < tandem["hold_time_s"] < 6.5  # the feet start moving at 30.0 s
    assert result["summary"]["fall_risk"] is True and result["summary"]["stages_held"] == 2


def test_no_person_no_stage_and_no_fall_risk_verdict():
    s = generate(duration_s=15.0, absent=[(0.0, 15.0)])
    result, _ = run(s)
    assert result["trials"] == [] and result["summary"]["fall_risk"] is None


def test_an_earlier_stage_broken_is_tandem_not_held():
    s = generate(duration_s=22.0, jitter_px=1.5, seed=5,
                 stances=[(0, "together"), (12, "semi_tandem"), (17, "hip_width")])
    result, _ = run(s)
    trials = result["trials"]
    assert [t["stance"] for t in trials] == ["side_by_side", "semi_tandem"]
    assert trials[1]["end_reason"] in ("feet_moved", "loss_of_balance")
    assert result["summary"]["fall_risk"] is True


def test_a_recording_cut_off_before_tandem_gives_no_verdict():
    s = generate(duration_s=18.0, jitter_px=1.5, seed=6,
                 stances=[(0, "together"), (12, "semi_tandem")])
    result, _ = run(s)
    trials = result["trials"]
    assert [t["stance"] for t in trials] == ["side_by_side", "semi_tandem"]
    assert trials[0]["held"] and not trials[1]["held"]
    assert trials[1]["end_reason"] not in ("feet_moved", "touchdown", "loss_of_balance")
    assert result["summary"]["fall_risk"] is None


def test_the_one_foot_stage_samples_its_sway_from_the_lift():
    """Its clock starts on the lift's event, which comes once the whole rise is in (up to
    a second after the lift): the sway is sampled back to the lift, not from the event."""
    s = generate(fps=30.0, duration_s=52.0, jitter_px=1.5, seed=30,
                 stances=[(0, "hip_width"), (12, "semi_tandem"), (24, "tandem")],
                 lifts=[Lift("left", 37.0, 49.0)])
    p = create("four-stage", image_size=s.image_size, fps=s.fps)
    score_frames(p, s.t, s.image, s.world, s.detected)
    one_foot = p.trials[3]
    assert one_foot.stance == "single_leg" and one_foot.frames[0] - one_foot.start_frame <= 1
    assert len(one_foot.frames) >= 10.0 * s.fps - 2  # every frame of the 10 s


@pytest.mark.parametrize("unseen, reason, paused", [((37.3, 37.8), "held", 0.5),
                                                    ((37.3, 39.6), "view_lost", None)])
def test_the_one_foot_stage_pauses_for_a_bad_view_before_its_lift_is_heard_of(
        unseen, reason, paused):
    """Nobody seen from 0.3 s after the lift, before its event comes: the stage's clock
    pauses as if it had started at once (0.5 s), and a view gone for 2.3 s interrupts it
    where it went, not 10 s later as "held"."""
    s = generate(fps=30.0, duration_s=52.0, jitter_px=1.5, seed=7,
                 stances=[(0, "hip_width"), (12, "semi_tandem"), (24, "tandem")],
                 lifts=[Lift("left", 37.0, 49.0)], absent=[unseen])
    result, _ = run(s)
    one_foot = result["trials"][-1]
    assert one_foot["stance"] == "single_leg" and one_foot["end_reason"] == reason
    if paused is None:
        assert abs(one_foot["hold_time_s"] - 0.3) <= 0.1
    else:
        assert abs(one_foot["paused_s"] - paused) <= 0.05 and one_foot["hold_time_s"] == 10.0
