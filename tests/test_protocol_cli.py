"""``balance score`` and ``balance analyze --protocol``: the same scoring from the CLI."""

import json
from pathlib import Path

import cv2
import pytest

from balance.protocols.feet import raised_foot
from balance.storage.landmark_csv import write_landmark_csv
from balance.storage.session import read_session
from tests.helpers import assert_one_line_error, balance

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata"
SAMPLE = ROOT / "samples" / "single_leg_stance.balance"
needs_real = pytest.mark.skipif(not REAL.exists(), reason="../shared/realdata is absent")


def score_json(*args):
    proc = balance("score", *args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_score_json_has_the_documented_fields():
    result = score_json(SAMPLE, "--protocol", "single-leg-stance", "--birth-year", "1950")
    truth = read_session(SAMPLE).metadata["synthetic"]["truth_frames"]
    assert result["protocol"] == "single-leg-stance"
    assert len(result["trials"]) == len(truth) == 2
    for trial, lift in zip(result["trials"], truth):
        assert {"side", "hold_time_s", "end_reason", "metrics", "errors"} <= set(trial)
        assert trial["side"] != lift["side"]  # the stance leg is the other one
        held = (lift["touchdown_frame"] - lift["lift_frame"]) / 30.0
        assert abs(trial["hold_time_s"] - held) <= 2 / 30.0
    assert "summary" in result and result["summary"]["best_hold_s"]["right"] > 0


def test_a_landmark_csv_scores_like_its_session(tmp_path):
    s = read_session(SAMPLE)
    table = tmp_path / "s.csv"
    write_landmark_csv(table, s.t, s.image, s.detected)
    from_csv = score_json(table, "--protocol", "single-leg-stance", "--image-size", "1280x720")
    from_session = score_json(SAMPLE, "--protocol", "single-leg-stance")
    assert [t["hold_time_s"] for t in from_csv["trials"]] == \
        [t["hold_time_s"] for t in from_session["trials"]]


def test_a_landmark_csv_needs_its_image_size(tmp_path):
    from tests.helpers import assert_one_line_error, balance
    s = read_session(SAMPLE)
    table = tmp_path / "s.csv"
    write_landmark_csv(table, s.t, s.image, s.detected)
    # x and y are fractions of the width and height: a guessed size would scale the sway
    assert_one_line_error(balance("score", table, "--protocol", "practice"), "--image-size")
    assert score_json(table, "--protocol", "practice", "--image-size", "1280x720")["trials"]


def test_four_stage_on_the_sample_ends_side_by_side_when_a_foot_lifts():
    result = score_json(SAMPLE, "--protocol", "four-stage")
    lift = read_session(SAMPLE).metadata["synthetic"]["truth_frames"][0]["lift_frame"] / 30.0
    (first,) = result["trials"]
    assert (first["stance"], first["end_reason"], first["held"]) == \
        ("side_by_side", "feet_moved", False)
    assert abs(first["end_s"] - lift) < 0.5
    assert result["summary"]["stages_held"] == 0 and result["summary"]["fall_risk"] is True


def test_yoga_on_the_sample_sees_standing_and_no_balance_pose():
    """A foot lifted with the hands on the hips is no yoga pose: nothing but mountain."""
    result = score_json(SAMPLE, "--protocol", "yoga")
    assert result["summary"]["poses_held"] == ["mountain"]
    assert result["summary"]["transitions"] == []
    assert result["trials"][0]["start_s"] == 0.0


def test_practice_keeps_each_hold_as_a_trial():
    result = score_json(SAMPLE, "--protocol", "practice")
    assert [t["side"] for t in result["trials"]] == ["right", "left"]
    assert result["summary"]["holds"] == 2


def test_score_takes_the_test_a_session_recorded(tmp_path):
    """Without --protocol a session is scored with its own test; one recorded without a
    test asks for one, in one line."""
    from balance.storage.session import SessionWriter
    s = read_session(SAMPLE)
    recorded = tmp_path / "recorded.balance"
    with SessionWriter(recorded, {**s.metadata, "protocol": "practice"}) as w:
        for i in range(len(s)):
            w.write_frame(s.t[i], s.image[i], s.world[i], bool(s.detected[i]))
    assert score_json(recorded) == score_json(recorded, "--protocol", "practice")
    assert_one_line_error(balance("score", SAMPLE), "recorded without a test", "--protocol")


@pytest.mark.parametrize("args, words", [
    (["missing.balance", "--protocol", "practice"], ["no such"]),
    ([SAMPLE, "--protocol", "hopscotch"], ["unknown protocol"]),
    (["README.md", "--protocol", "practice"], ["not a landmark CSV"]),
])
def test_score_bad_input_is_one_line_and_status_2(args, words):
    assert_one_line_error(balance("score", *args), *words)


@needs_real
def test_tree_photo_shows_a_raised_foot(pose_model):
    from balance.pose.estimator import PoseEstimator
    image = cv2.imread(str(REAL / "images" / "movenet_testdata" / "image3.jpeg"))
    with PoseEstimator(pose_model.path) as est:
        pose = est.detect_image(image)
    assert pose.detected
    foot = raised_foot(pose.image)
    assert foot is not None
    # The raised foot is the one whose ankle sits higher in the picture.
    ankles = {s: pose.image[27 if s == "left" else 28, 1] for s in ("left", "right")}
    assert ankles[foot] < ankles["left" if foot == "right" else "right"]


@needs_real
def test_two_feet_down_starts_no_single_leg_trial(tmp_path, pose_model):
    out = tmp_path / "b.balance"
    proc = balance("analyze", REAL / "videos/pose2sim_demo/balancing_trial/cam01.mp4",
                   "--out", out, "--quiet", "--model", pose_model.path,
                   "--protocol", "single-leg-stance")
    assert proc.returncode == 0, proc.stderr
    s = read_session(out)
    assert s.metadata["result"]["trials"] == []
    assert not [e for e in s.events if e.kind == "trial_start"]
    from balance.storage.history import History
    with History() as h:  # scored recordings reach the history (a temporary one here)
        assert h.session_by_file(out) is not None


@needs_real
def test_analyze_yoga_reports_mountain_then_warrior_two(tmp_path, pose_model):
    out = tmp_path / "w.balance"
    proc = balance("analyze", REAL / "videos/yoga_warrior2/warrior2.mp4", "--out", out,
                   "--quiet", "--model", pose_model.path, "--protocol", "yoga")
    assert proc.returncode == 0, proc.stderr
    result = read_session(out).metadata["result"]
    assert result["summary"]["poses_held"][:2] == ["mountain", "warrior_2"]
    (transition,) = [x for x in result["summary"]["transitions"] if x["to"] == "warrior_2"]
    assert 4.0 < transition["t_s"] < 10.0
    warrior = next(t for t in result["trials"] if t["pose"] == "warrior_2")
    assert warrior["hold_time_s"] > 8.0
    assert "warrior 2" in proc.stdout and "transitions" in proc.stdout
