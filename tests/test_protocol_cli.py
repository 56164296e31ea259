"""``balance score`` and ``balance analyze --protocol``: the same scoring from the CLI."""

import json
from pathlib import Path

import cv2
import pytest

from balance.protocols.feet import raised_foot
from balance.storage.landmark_csv import LandmarkCsvWriter
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


def landmark_csv(path, s, *, sized=True):
    """The session's frames as `analyze --csv` writes them, or (``sized`` False) as it
    wrote them before the CSV stored its image size."""
    with LandmarkCsvWriter(path, image_size=s.image_size) as w:
        for i in range(len(s)):
            w.write(s.t[i], s.image[i], bool(s.detected[i]))
    if not sized:
        rows = path.read_text().splitlines()
        path.write_text("".join(",".join(r.split(",")[:-2]) + "\n" for r in rows))
    return path


SWAY = ("mean_velocity_ml", "rms_ml", "sd_ml", "path_length_ml", "range_ml")


def same_trials(a, b):
    """Same holds and the same medio-lateral sway (a CSV keeps 6 digits)."""
    assert [t["hold_time_s"] for t in a["trials"]] == [t["hold_time_s"] for t in b["trials"]]
    for x, y in zip(a["trials"], b["trials"]):
        assert [x["metrics"][k] for k in SWAY] == pytest.approx([y["metrics"][k] for k in SWAY],
                                                                rel=1e-3)


def test_a_landmark_csv_or_frame_export_scores_like_its_session(tmp_path):
    """Both carry the video's size: no --image-size needed, and the sway is the session's."""
    s = read_session(SAMPLE)
    exported = tmp_path / "frames.csv"
    proc = balance("export", SAMPLE, "--frames", exported)
    assert proc.returncode == 0, proc.stderr
    from_session = score_json(SAMPLE, "--protocol", "single-leg-stance")
    assert len(from_session["trials"]) == 2
    for table in (landmark_csv(tmp_path / "s.csv", s), exported):
        same_trials(score_json(table, "--protocol", "single-leg-stance"), from_session)
        w, h = s.image_size
        same_trials(score_json(table, "--protocol", "single-leg-stance", "--image-size",
                               f"{w}x{h}"), from_session)
        # A size that contradicts the file would scale every sway: refused.
        assert_one_line_error(balance("score", table, "--protocol", "practice",
                                      "--image-size", f"{h}x{h}"),
                              f"--image-size {h}x{h} does not match the {w}x{h}")


def test_a_landmark_csv_without_its_size_needs_image_size(tmp_path):
    s = read_session(SAMPLE)
    table = landmark_csv(tmp_path / "old.csv", s, sized=False)
    # x and y are fractions of the width and height: a guessed size would scale the sway
    assert_one_line_error(balance("score", table, "--protocol", "practice"), "--image-size")
    w, h = s.image_size
    same_trials(score_json(table, "--protocol", "single-leg-stance", "--image-size", f"{w}x{h}"),
                score_json(SAMPLE, "--protocol", "single-leg-stance"))


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
