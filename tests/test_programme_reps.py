"""Strengthening reps counted by the camera: exact counts on generated people with known
reps, bad-form reps that must not count, and pauses, at 15, 30 and 60 fps with jitter."""

import pytest

from balance.profile import Profile
from balance.protocols import create
from balance.clinical import norms
from balance.protocols.reps import SCALE_FRAMES
from balance.testing.synthetic import generate
from balance.session.rescore import score_frames

FPS = (15.0, 30.0, 60.0)


def _score(name, fps, *, opts=None, profile=None, **gen):
    s = generate(fps=fps, seed=int(fps), jitter_px=1.5, **gen)
    test = create(name, profile, image_size=s.image_size, fps=fps, **(opts or {}))
    result, _ = score_frames(test, s.t, s.image, s.world, s.detected)
    return result


def _faults(result):
    return [e["faults"] for e in result["trials"][0]["errors"]]


@pytest.mark.parametrize("fps", FPS)
def test_heel_raises_count_only_even_rises_and_ride_out_a_pause(fps):
    both = [(side, t, t + 1.2) for t in (2.0, 5.0, 9.5) for side in ("left", "right")]
    one_heel = [("left", 12.0, 13.2)]
    r = _score("heel-raises", fps, duration_s=15.0, heel_raises=both + one_heel,
               absent=((7.0, 8.0),))  # out of view between reps 2 and 3
    assert r["summary"]["reps"] == 3
    assert _faults(r) == [["uneven"]]


@pytest.mark.parametrize("fps", FPS)
def test_toe_raises_count_both_feet_not_one(fps):
    both = [(side, t, t + 1.0) for t in (2.0, 4.0, 6.0, 8.0) for side in ("left", "right")]
    r = _score("toe-raises", fps, duration_s=14.0, toe_raises=both + [("right", 11.0, 12.0)])
    assert r["summary"]["reps"] == 4
    assert _faults(r) == [["uneven"]]


@pytest.mark.parametrize("fps", FPS)
def test_mini_squats_with_knees_caving_in_do_not_count(fps):
    squats = [(2.0, 3.5), (5.0, 6.5, 12.0, 6.0), (8.0, 9.5), (11.0, 12.5, 10.0)]
    r = _score("mini-squats", fps, duration_s=15.0, squats=squats)
    assert r["summary"]["reps"] == 3
    assert _faults(r) == [["knees_in"]]


@pytest.mark.parametrize("fps", FPS)
def test_sit_to_stand_hands_count_only_when_the_level_says_arms_crossed(fps):
    gen = dict(duration_s=16.0, arms="crossed", seated=[(-1, 2), (4, 6), (8, 10), (12, 14)],
               hands_down=((9.0, 10.8),))  # pushes up from the chair on the third stand
    crossed = _score("sit-to-stand", fps, opts={"hands": "crossed"}, **gen)
    allowed = _score("sit-to-stand", fps, opts={"hands": "allowed"}, **gen)
    assert (crossed["summary"]["reps"], _faults(crossed)) == (3, [["hands"]])
    assert (allowed["summary"]["reps"], _faults(allowed)) == (4, [])


@pytest.mark.parametrize("fps", FPS)
def test_target_reps_ends_the_set(fps):
    r = _score("heel-raises", fps, opts={"target_reps": 2}, duration_s=12.0,
               heel_raises=[(s, t, t + 1.0) for t in (2.0, 4.0, 6.0) for s in ("left", "right")])
    assert r["summary"]["reps"] == 2
    assert r["trials"][0]["end_reason"] == "target"


@pytest.mark.parametrize("fps", FPS)
def test_chair_stand_30_counts_stands_and_a_last_one_past_half_way(fps):
    end = norms.CHAIR_STAND_S + SCALE_FRAMES / fps  # the clock starts once scaled
    seated = [(-1, 2)] + [(t, t + 2) for t in range(4, 28, 4)] + [(end - 1.5, end + 0.25)]
    r = _score("chair-stand-30", fps, duration_s=end + 1, arms="crossed", seated=seated,
               profile=Profile(birth_year=2026 - 72, sex="female"))
    assert r["summary"]["reps"] == 7  # full stands at ~2.3, 6.3 ... 26.3 s
    assert r["summary"]["stands"] == 8  # + the one more than half-way up at 30 s
    (line,) = r["summary"]["norms"]["stands"]
    assert line["reference_s"] == 10 and line["below"] is True and line["verify"] is True


def test_chair_stand_norms_table():
    assert norms.chair_stand_norm(62, "male") == 14
    assert norms.chair_stand_norm(91, "female") == 4
    assert norms.chair_stand_norm(66) == 11.5
    assert norms.chair_stand_norm(50, "female") is None
    assert norms.compare_chair_stand(15, age=62, sex="male")[0].below is False


@pytest.mark.parametrize("fps", FPS)
def test_a_stand_not_seen_from_the_seat_up_does_not_count(fps):
    # out of view while rising from the second sit: that stand was not seen whole
    r = _score("sit-to-stand", fps, duration_s=14.0, arms="crossed",
               seated=[(-1, 2), (4, 6.4), (8, 10)], absent=((5.5, 6.6),))
    assert r["summary"]["reps"] == 2  # at ~2.3 and ~10.3 s


@pytest.mark.parametrize("fps", FPS)
def test_a_heel_raise_half_hidden_by_a_pause_does_not_count(fps):
    raises = [(s, t, t + 1.2) for t in (2.0, 5.0, 8.0) for s in ("left", "right")]
    r = _score("heel-raises", fps, duration_s=11.0, heel_raises=raises,
               absent=((5.6, 6.0),))  # gone at the top of the second raise
    assert r["summary"]["reps"] == 2 and r["summary"]["bad_reps"] == 0
