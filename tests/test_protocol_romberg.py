"""Romberg and sharpened Romberg on generated people: the two halves, the quotient against
the generator's own centre of mass, and failure on a step or the arms unfolding."""

import numpy as np
import pytest

from balance.profile import Profile
from balance.protocols import create
from balance.protocols.base import Frame
from balance.protocols.romberg import EXCLUDE_AFTER_S, EXCLUDE_BEFORE_S
from balance.testing.synthetic import generate
from balance.session.rescore import score_frames


def score(s, **options):
    p = create("romberg", Profile(height_cm=s.height_cm), image_size=s.image_size, fps=s.fps,
               **options)
    return score_frames(p, s.t, s.image, s.world, s.detected)


def person(fps=30.0, jitter=1.5, gain=2.5, seed=None, **kw):
    """Feet together from 1 s, arms crossed; sway ``gain`` times larger from 31 s on (the
    ramp, 31.0-31.5 s, falls inside the samples left out around the switch at ~31.2 s)."""
    kw.setdefault("stances", [(0, "hip_width"), (1, "together")])
    return generate(fps=fps, duration_s=64.0, jitter_px=jitter, arms="crossed",
                    seed=int(fps) if seed is None else seed,
                    sway_gains=[(31.0, gain)] if gain != 1.0 else (), **kw)


def truth(s, t0, t1):
    """RMS (mean removed) and mean speed of the generator's true ML CoM over [t0, t1)."""
    m = (s.t >= t0) & (s.t < t1)
    x = s.com_ml_cm[m]
    return np.sqrt(np.mean((x - x.mean()) ** 2)), np.abs(np.diff(x)).sum() / (m.sum() / s.fps)


@pytest.mark.parametrize("fps", [15.0, 30.0, 60.0])
def test_quotient_matches_the_generated_sway_ratio(fps):
    s = person(fps)
    result, events = score(s)
    eo, ec = result["trials"]
    assert (eo["eyes"], ec["eyes"]) == ("open", "closed")
    assert abs(eo["start_s"] - 1.25) < 0.2  # the feet come together 1.0-1.4 s
    assert eo["hold_time_s"] == ec["hold_time_s"] == 30.0
    assert ec["start_s"] == eo["end_s"]
    cue = next(e for e in events if e.kind == "eyes_close_cue")
    assert cue.t_s == pytest.approx(eo["start_s"] + 30.0, abs=1e-3)
    # The samples around the switch are left out of both halves.
    n_expected = (30.0 - EXCLUDE_BEFORE_S) * fps
    assert abs(eo["metrics"]["n"] - n_expected) <= 2
    assert abs(ec["metrics"]["n"] - (30.0 - EXCLUDE_AFTER_S) * fps) <= 2
    switch = eo["end_s"]
    rms_eo, vel_eo = truth(s, eo["start_s"], switch - EXCLUDE_BEFORE_S)
    rms_ec, vel_ec = truth(s, switch + EXCLUDE_AFTER_S, ec["end_s"])
    q = result["summary"]["romberg_quotient"]
    assert q["rms_ml"] == pytest.approx(rms_ec / rms_eo, rel=0.06)
    assert q["rms_ml"] > 1.7
    # Landmark jitter adds the same speed to both halves, which pulls the velocity
    # quotient towards 1: it stays above 1 and below the true ratio.
    assert 1.3 < q["mean_velocity_ml"] <= vel_ec / vel_eo * 1.05
    assert q["range_ml"] > 1.5
    assert result["summary"]["completed"] and result["summary"]["failure"] is None


def test_instruction_changes_at_the_switch():
    s = person(30.0, gain=1.0)
    p = create("romberg", Profile(height_cm=s.height_cm), image_size=s.image_size, fps=s.fps)
    said = []
    for i in range(s.t.size):
        st = p.update(Frame(i, float(s.t[i]), s.image[i], s.world[i], True))
        said.append((float(s.t[i]), st.instruction, st.phase))
    switch = p.trials[0].end_t
    before = {text for t, text, _ in said if switch - 5 < t < switch}
    after = {text for t, text, _ in said if switch <= t < switch + 2}
    assert before == {"Eyes open, look straight ahead. Stay still."}
    assert after == {"Close your eyes now."}
    assert said[-1][2] == "done"


def test_velocity_quotient_close_to_truth_with_little_jitter():
    s = person(30.0, jitter=0.5)
    result, _ = score(s)
    eo, ec = result["trials"]
    _, vel_eo = truth(s, eo["start_s"], eo["end_s"] - EXCLUDE_BEFORE_S)
    _, vel_ec = truth(s, ec["start_s"] + EXCLUDE_AFTER_S, ec["end_s"])
    assert result["summary"]["romberg_quotient"]["mean_velocity_ml"] == \
        pytest.approx(vel_ec / vel_eo, rel=0.1)


def test_same_sway_both_halves_gives_quotient_near_one():
    s = person(30.0, gain=1.0, seed=7)
    q = score(s)[0]["summary"]["romberg_quotient"]
    for key in ("mean_velocity_ml", "rms_ml"):
        assert 0.6 < q[key] < 1.6, (key, q)


@pytest.mark.parametrize("fps", [15.0, 30.0, 60.0])
def test_step_in_the_eyes_closed_half_fails_with_its_time(fps):
    s = person(fps, hops=[(45.0, 8.0)])
    result, events = score(s)
    eo, ec = result["trials"]
    assert eo["end_reason"] == "completed"
    assert ec["end_reason"] == "step" and ec["end_s"] == pytest.approx(45.05, abs=0.2)
    failure = result["summary"]["failure"]
    assert failure["reason"] == "step" and failure["eyes"] == "closed"
    assert failure["test_time_s"] == pytest.approx(45.05 - eo["start_s"], abs=0.2)
    assert not result["summary"]["completed"]
    assert result["summary"]["romberg_quotient"] is not None  # 14 s of eyes closed


@pytest.mark.parametrize("fps", [15.0, 30.0, 60.0])
def test_arms_unfolding_fails_with_its_time(fps):
    s = person(fps, hands_off=[(12.0, 20.0)])
    result, _ = score(s)
    (eo,) = result["trials"]
    assert eo["end_reason"] == "arms_unfolded"
    # The arms swing out over 0.3 s from 12 s; the wrist is half a trunk from the chest
    # about half-way.
    assert 12.0 <= eo["end_s"] <= 12.35
    assert result["summary"]["failure"]["eyes"] == "open"
    assert result["summary"]["romberg_quotient"] is None


def test_a_foot_lifted_is_a_step():
    s = person(30.0, lifts=[("left", 40.0, 41.0)])
    result, _ = score(s)
    assert result["trials"][-1]["end_reason"] == "step"
    assert result["trials"][-1]["end_s"] == pytest.approx(40.0, abs=0.1)


def test_does_not_start_with_arms_at_the_hips_or_feet_apart():
    s = generate(duration_s=12.0, arms="hips", stances=[(0, "together")])
    assert score(s)[0]["trials"] == []
    s = generate(duration_s=12.0, arms="crossed", stances=[(0, "hip_width")])
    assert score(s)[0]["trials"] == []


@pytest.mark.parametrize("front", ["left", "right"])
def test_sharpened_is_tandem(front):
    s = person(30.0, stances=[(0, "hip_width"), (1, "together"), (3, "tandem")],
               front_foot=front)
    result, _ = score(s, sharpened=True)
    eo, ec = result["trials"]
    assert eo["stance"] == "tandem" and eo["start_s"] > 3.0
    assert eo["front_foot"] == front and result["summary"]["sharpened"]
    assert ec["end_reason"] == "completed"
    # Feet together does not start a sharpened test.
    s = person(30.0)
    assert score(s, sharpened=True)[0]["trials"] == []
