"""Trials carry the camera's view, and an oblique camera's sway is never called medio-lateral."""

from dataclasses import replace

import numpy as np
import pytest

from balance.present.messages import result_text, trial_card
from balance.profile import Profile
from balance.protocols import create
from balance.protocols.base import Frame
from balance.protocols.results import ProtocolResult, TrialResult
from balance.session.pipeline import FrameResult, ViewLog
from balance.session.rescore import score_frames
from balance.session.setup_check import assess
from tests.bench.conditions import draw
from tests.bench.scenario import generate


def _recording(**setup):
    return generate(replace(draw("frontal 3 m 30 fps", 2), hold_s=8.0, **setup))


def _protocol(rec):
    sc = rec.scenario
    return create("single-leg-stance", Profile(height_cm=sc.height_m * 100), image_size=sc.image_size,
                  fps=sc.fps, side=sc.stance)


@pytest.fixture(scope="module")
def oblique():
    rec = _recording(yaw_deg=40.0, offset_m=0.0)
    return rec, score_frames(_protocol(rec), rec.t, rec.image, rec.world, rec.detected)[0]


@pytest.fixture(scope="module")
def frontal():
    rec = _recording(yaw_deg=0.0, offset_m=0.0)
    return rec, score_frames(_protocol(rec), rec.t, rec.image, rec.world, rec.detected)[0]


def test_an_oblique_trial_says_so_in_its_view_axis_and_card(oblique):
    _, result = oblique
    trial = result["trials"][0]
    assert trial["view"]["yaw_deg"] == pytest.approx(40.0, abs=3.0)
    assert trial["view"]["medio_lateral"] is False
    assert result["summary"]["sway_axis"].startswith("horizontal image axis, not medio-lateral")
    text = result_text(result, Profile())
    assert "across the picture" in text and "not square on" in text
    assert "side-to-side" not in text and "medio-lateral" not in text


def test_a_frontal_trial_is_medio_lateral(frontal):
    _, result = frontal
    view = result["trials"][0]["view"]
    assert abs(view["yaw_deg"]) < 3.0 and view["medio_lateral"] is True
    assert result["summary"]["sway_axis"].startswith("medio-lateral (front camera)")
    assert "side-to-side sway speed" in result_text(result, Profile())


def test_live_frames_give_the_view_a_recording_gives(oblique):
    # One frame at a time, as the window feeds it (no look-ahead over a recording).
    rec, recorded = oblique
    proto = _protocol(rec)
    for i in range(len(rec.t)):
        proto.update(Frame(i, float(rec.t[i]), rec.image[i], rec.world[i], bool(rec.detected[i])))
    proto.stop(float(rec.t[-1]), "source_ended")
    live = proto.result().to_dict()
    assert [t["view"] for t in live["trials"]] == [t["view"] for t in recorded["trials"]]
    # The tracker keeps the view of its last few seconds only; the trials keep their own.
    assert len(proto.body._views) <= 2 * (3 * 30 + 1) < len(rec.t)


def test_older_trials_without_a_view_read_and_print_as_before():
    old = {"trial": 1, "side": "left", "hold_time_s": 12.0, "end_reason": "touchdown",
           "metrics": {"mean_velocity_ml": 1.5, "rms_ml": 0.4}, "errors": [], "score": 70.0}
    trial = TrialResult.from_dict(old)
    assert trial.view is None and "view" not in trial.to_dict() and trial.extra == {}
    assert "side-to-side sway speed: 1.5 cm/s" in trial_card(trial)
    result = ProtocolResult.from_dict({"protocol": "single-leg-stance", "trials": [old], "summary": {}})
    assert "across the picture" not in result_text(result, Profile())


def test_setup_check_asks_to_turn_square_only_with_world_landmarks():
    for yaw, way in ((30.0, "left"), (-30.0, "right")):
        rec = _recording(yaw_deg=yaw, offset_m=0.0)
        report = assess(rec.image[0], True, image_size=rec.scenario.image_size, world=rec.world[0])
        assert not report.ok and report.advice[0].startswith(f"Turn to your {way} to face the camera")
        # Without world landmarks (a landmark CSV) the yaw is unknown: no turn advice at 30 deg.
        assert assess(rec.image[0], True, image_size=rec.scenario.image_size).ok
    side = _recording(yaw_deg=80.0, offset_m=0.0)
    advice = assess(side.image[0], True, image_size=side.scenario.image_size, world=side.world[0]).advice
    assert advice[0].startswith("Turn to face the camera: you stand side on")
    square = _recording(yaw_deg=0.0, offset_m=0.0)
    assert assess(square.image[0], True, image_size=square.scenario.image_size, world=square.world[0]).ok


def test_setup_check_and_analyze_warn_off_centre_beyond_the_limit():
    rec = _recording(yaw_deg=0.0, offset_m=1.2, distance_m=3.5)  # ~19 deg off the axis
    sc = rec.scenario
    advice = assess(rec.image[0], True, image_size=sc.image_size, world=rec.world[0]).advice
    assert advice[0] == "Move a step to your right, towards the middle of the picture."
    log = ViewLog(sc.image_size, sc.height_m * 100)
    for i in range(len(rec.t)):
        log.add(FrameResult(i, float(rec.t[i]), rec.image[i], rec.world[i], bool(rec.detected[i]), 0.0))
    view = log.view()  # the hips also move ~8 cm onto the stance leg during the lift
    assert view.offset_cm == pytest.approx(120.0, rel=0.12)
    assert view.off_axis_deg == pytest.approx(19.0, abs=1.5)
    warning = log.warning()
    assert warning.startswith(f"you stand {view.off_axis_deg:.0f} deg off the middle of the picture")
    assert warning.endswith("the sway across the picture is not medio-lateral")


def test_analyze_stays_quiet_about_a_square_camera():
    rec = _recording(yaw_deg=5.0, offset_m=0.2)
    log = ViewLog(rec.scenario.image_size, 170.0)
    for i in np.flatnonzero(rec.detected):
        log.add(FrameResult(int(i), float(rec.t[i]), rec.image[i], rec.world[i], True, 0.0))
    assert log.view().medio_lateral is True and log.warning() is None


def test_without_a_trial_no_sway_axis_is_claimed(oblique):
    # Standing 40 deg off square and never lifting a foot: nothing was measured, so the
    # summary must not call the picture's horizontal axis medio-lateral.
    rec, _ = oblique
    before = rec.t < rec.scenario.lift_at_s
    result = score_frames(_protocol(rec), rec.t[before], rec.image[before], rec.world[before],
                          rec.detected[before])[0]
    assert result["trials"] == [] and result["summary"]["sway_axis"] is None
    assert "medio-lateral" not in result_text(result, Profile())
