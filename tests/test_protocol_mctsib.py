"""Foam mCTSIB on generated people: the four conditions and their timing, the ratios
against the generator's own centre of mass, a fall that ends one condition only, no pad,
and the same on the independent bench (``tests/bench/foam.py``)."""

import numpy as np
import pytest

from balance.profile import Profile
from balance.protocols import create
from balance.protocols.base import Frame
from balance.session.rescore import score_frames
from balance.testing.synthetic import Lift, generate
from tests.bench.foam import Stand, evaluate

ON_PAD = 64.0  # the second foot is down on the pad (its lift ends here)


def person(fps=30.0, gains=(2.0, 1.6, 3.0), **kw):
    """Feet together from 1 s, arms crossed; a step onto the pad at 62.5-64 s (each foot
    lifts); sway ``gains`` from 31.2 s (eyes closed), 62 s (foam), 95 s (foam, eyes closed)."""
    return generate(fps=fps, duration_s=128.0, jitter_px=1.0, arms="crossed", seed=int(fps),
                    stances=[(0, "hip_width"), (1, "together")],
                    lifts=[Lift("left", 62.5, 63.0), Lift("right", 63.5, ON_PAD)],
                    sway_gains=list(zip((31.2, 62.0, 95.0), gains)), **kw)


def score(s, **options):
    p = create("mctsib", Profile(height_cm=s.height_cm), image_size=s.image_size, fps=s.fps,
               **options)
    return score_frames(p, s.t, s.image, s.world, s.detected)


def true_rms(s, trial, skip_start=0.0, skip_end=0.0):
    m = (s.t >= trial["start_s"] + skip_start) & (s.t < trial["end_s"] - skip_end)
    x = s.com_ml_cm[m]
    return float(np.sqrt(np.mean((x - x.mean()) ** 2)))


@pytest.mark.parametrize("fps", [15.0, 30.0, 60.0])
def test_four_conditions_in_order_timed_and_their_ratios_match_the_truth(fps):
    s = person(fps)
    result, events = score(s)
    trials = result["trials"]
    assert [(t["surface"], t["eyes"]) for t in trials] == [
        ("firm", "open"), ("firm", "closed"), ("foam", "open"), ("foam", "closed")]
    assert all(t["hold_time_s"] == 30.0 and t["end_reason"] == "completed" for t in trials)
    assert abs(trials[0]["start_s"] - 1.3) < 0.2   # the feet come together 1.0-1.4 s
    assert abs(trials[2]["start_s"] - ON_PAD) < 0.2  # on the pad once the second foot is down
    assert trials[1]["start_s"] == trials[0]["end_s"] and trials[3]["start_s"] == trials[2]["end_s"]
    cue = [e for e in events if e.kind == "condition_cue"]
    assert len(cue) == 1 and cue[0].t_s == pytest.approx(trials[1]["end_s"])
    assert cue[0].payload["instruction"].startswith("Step onto the foam pad")
    summary = result["summary"]
    assert summary["completed"] and summary["total_s"] == 120.0 and summary["falls"] == 0
    # each ratio against the true CoM's over the samples each condition measured
    rms = [true_rms(s, trials[0], 0, 0.5), true_rms(s, trials[1], 0.5),
           true_rms(s, trials[2], 0, 0.5), true_rms(s, trials[3], 0.5)]
    ratios = summary["ratios"]
    assert ratios["closed_open_firm"]["rms_ml"] == pytest.approx(rms[1] / rms[0], rel=0.08)
    assert ratios["foam_firm_open"]["rms_ml"] == pytest.approx(rms[2] / rms[0], rel=0.08)
    assert ratios["foam_firm_closed"]["rms_ml"] == pytest.approx(rms[3] / rms[1], rel=0.08)
    assert ratios["closed_open_firm"]["rms_ml"] > 1.2  # eyes closed: the sway doubles
    for row, trial in zip(summary["conditions"], trials):
        assert row["rms_ml"] == trial["metrics"]["rms_ml"] and row["held_s"] == 30.0


def test_the_person_is_told_what_to_do_between_conditions():
    s = person(30.0)
    p = create("mctsib", Profile(height_cm=s.height_cm), image_size=s.image_size, fps=s.fps)
    said = {}
    for i in range(s.t.size):
        st = p.update(Frame(i, float(s.t[i]), s.image[i], s.world[i], True))
        said.setdefault(st.instruction, float(s.t[i]))
    assert said["Close your eyes now."] == pytest.approx(31.3, abs=0.2)
    step = "Step onto the foam pad: feet together, arms folded across your chest."
    assert said[step] == pytest.approx(61.3, abs=0.2)
    assert said["Eyes open, look straight ahead. Stay still."] < said[step] < ON_PAD
    assert p.done and len(p.trials) == 4


def test_the_foam_conditions_wait_for_the_step_onto_the_pad():
    """Standing on without stepping (no foot lifts) never starts the foam conditions."""
    s = generate(fps=30.0, duration_s=75.0, jitter_px=1.0, arms="crossed", seed=5,
                 stances=[(0, "hip_width"), (1, "together")])
    result, _ = score(s)
    assert [(t["surface"], t["eyes"]) for t in result["trials"]] == [("firm", "open"),
                                                                     ("firm", "closed")]
    assert result["summary"]["conditions"][2]["held_s"] is None
    assert result["summary"]["total_s"] is None and not result["summary"]["completed"]


def test_a_step_ends_its_condition_only_and_voids_its_ratios():
    s = person(30.0, hops=[(45.0, 8.0)])  # a step in the firm eyes-closed condition
    result, events = score(s)
    trials = result["trials"]
    assert trials[1]["end_reason"] == "step"
    assert trials[1]["hold_time_s"] == pytest.approx(45.05 - trials[1]["start_s"], abs=0.2)
    assert [t["end_reason"] for t in trials[2:]] == ["completed", "completed"]
    summary = result["summary"]
    assert summary["falls"] == 1 and not summary["completed"]
    assert summary["total_s"] == pytest.approx(90.0 + trials[1]["hold_time_s"], abs=1e-3)
    assert summary["ratios"]["closed_open_firm"] is None
    assert summary["ratios"]["foam_firm_closed"] is None
    assert summary["ratios"]["foam_firm_open"]["rms_ml"] > 0
    assert [e.kind for e in events].count("condition_end") == 1


def test_without_a_pad_it_is_the_romberg_and_says_so():
    s = person(30.0)
    result, _ = score(s, pad="none")
    assert [(t["surface"], t["eyes"]) for t in result["trials"]] == [("firm", "open"),
                                                                     ("firm", "closed")]
    summary = result["summary"]
    assert summary["note"] == "no foam pad: the firm conditions only (the Romberg test)"
    assert summary["completed"] and summary["total_s"] == summary["max_s"] == 60.0
    assert list(summary["ratios"]) == ["closed_open_firm"]
    romberg = create("romberg", Profile(height_cm=s.height_cm), image_size=s.image_size,
                     fps=s.fps)
    r, _ = score_frames(romberg, s.t, s.image, s.world, s.detected)
    assert summary["ratios"]["closed_open_firm"]["rms_ml"] == r["summary"]["romberg_quotient"]["rms_ml"]


def test_a_bad_pad_option_is_refused():
    from balance.errors import InputError
    with pytest.raises(InputError, match="pad must be one of foam, none"):
        create("mctsib", Profile(), image_size=(1280, 720), fps=30.0, pad="cushion")


# --- the independent bench ---------------------------------------------------------------

@pytest.mark.parametrize("fps, jitter", [(15.0, 1.0), (30.0, 2.0), (60.0, 1.0)])
def test_bench_conditions_are_timed_within_0_2_s_and_ratios_follow_the_sway(fps, jitter):
    for row in evaluate(Stand(fps=fps, jitter_px=jitter), seeds=(1, 2)):
        assert row["conditions"] == 4 and row["completed"]
        assert row["start_err"] < 0.2 and row["pad_err"] < 0.2
        assert row["ratio_err"] < 0.12  # relative, the RMS ratios against the true sway


def test_bench_a_stumble_on_foam_ends_that_condition_at_its_time():
    (row,) = evaluate(Stand(fps=30.0, stumble=("foam", "closed")), seeds=(3,))
    assert row["reasons"] == ["completed", "completed", "completed", "step"]
    assert row["stumble_err"] < 0.2


def test_the_result_card_gives_each_condition_the_total_and_the_ratios():
    from balance.present.messages import result_text
    s = person(30.0, hops=[(45.0, 8.0)])
    result, _ = score(s)
    lines = result_text(result, Profile()).splitlines()
    held = result["trials"][1]["hold_time_s"]
    assert lines[0] == "Trial 1: held 30.0 s, firm, eyes open: the full time was reached"
    assert f"Trial 2: held {held:.1f} s, firm, eyes closed: a step or stumble" in lines
    assert f"Total: {90 + held:.1f} of 120 s, 1 falls or steps" in lines
    assert "sway eyes closed / open, firm: not measured (a condition was not held)" in lines
    ratio = result["summary"]["ratios"]["foam_firm_open"]
    assert (f"sway foam / firm, eyes open: RMS x{ratio['rms_ml']:.2f}, "
            f"speed x{ratio['mean_velocity_ml']:.2f}") in lines
    assert not any(line.startswith("Best hold") for line in lines)
