"""CSV exports, and video/snapshot exports with the face blurred."""

import csv
import shutil
import stat
from pathlib import Path

import cv2
import numpy as np
import pytest

from balance.present import timeline
from balance.privacy import blur_face, face_box
from balance.storage import export
from balance.storage.history import History
from balance.storage.session import read_session
from tests.helpers import assert_one_line_error, balance
from tests.test_history_store import trial, write_session
from tests.test_history_trends import make_weeks

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "single_leg_stance.balance"


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_per_frame_csv_has_sway_trials_and_events(tmp_path):
    s = read_session(SAMPLE)
    out = tmp_path / "frames.csv"
    assert export.write_frames_csv(out, timeline.build(s)) == 1200
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = read_csv(out)
    assert list(rows[0])[:9] == export.FRAME_HEADER[:9] and len(rows[0]) == 9 + 33 * 4 + 2
    truth = s.metadata["synthetic"]["truth_frames"]
    lift = truth[0]["lift_frame"]
    # The detector dates the lift within a frame of the truth (it stops live timers).
    marked = [i for i in range(lift - 1, lift + 2) if rows[i]["events"] == "foot_lift"]
    assert len(marked) == 1 and rows[marked[0]]["trial"] == "1"
    lift = marked[0]
    assert rows[lift]["side"] == "right"  # lifting the left foot: standing on the right
    assert rows[lift - 1]["trial"] == ""
    assert rows[truth[1]["lift_frame"] + 30]["trial"] == "2"
    h = np.array([float(r["sway_h_cm"]) for r in rows])
    assert np.isfinite(h).all() and 0.1 < np.std(h[150:450]) < 5
    assert float(rows[0]["x0"]) == pytest.approx(float(s.image[0, 0, 0]), abs=1e-6)


def test_per_trial_csv_from_a_session_and_from_the_history(tmp_path):
    f = write_session(tmp_path / "a.balance", trials=[
        trial("left", 20.5, velocity=1.25, area=3.5, errors=[{"kind": "x"}, {"kind": "y"}]),
        trial("right", 7.0, n=2)])
    out = tmp_path / "t.csv"
    assert export.write_trials_csv(out, export.session_trial_rows(read_session(f))) == 2
    rows = read_csv(out)
    assert (rows[0]["person"], rows[0]["side"], rows[0]["hold_time_s"], rows[0]["errors"],
            rows[0]["metric_mean_velocity"], rows[0]["metric_ellipse_area"]) == (
        "ann", "left", "20.5", "2", "1.25", "3.5")
    assert rows[1]["trial"] == "2" and rows[1]["end_reason"] == "touchdown"
    with History(tmp_path / "h.sqlite3") as h:
        make_weeks(h, tmp_path, weeks=2)
        rows = export.history_trial_rows(h, "ann")
    assert len(rows) == 2 * 2 * 6
    export.write_trials_csv(out, rows, overwrite=True)
    table = read_csv(out)
    assert [r["hold_time_s"] for r in table[:2]] == ["8", "7"]
    assert table[-1]["started"].startswith("2026-01-15")


def test_face_box_covers_the_head_from_landmarks_0_to_10():
    s = read_session(SAMPLE)
    w, h = s.image_size
    x0, y0, x1, y1 = face_box(s.image[0], (w, h))
    face = s.image[0, :11, :2] * (w, h)
    assert (face[:, 0] > x0).all() and (face[:, 0] < x1).all()
    assert (face[:, 1] > y0).all() and (face[:, 1] < y1).all()
    shoulders = s.image[0, 11:13, 1] * h
    assert y1 < shoulders.min()  # the box stops above the shoulders
    assert face_box(np.full((33, 4), np.nan), (w, h)) is None


def _video_beside(session_path: Path, frames: int) -> None:
    s = read_session(session_path)
    w, h = s.image_size
    rng = np.random.default_rng(1)
    writer = cv2.VideoWriter(str(session_path.with_suffix(".mp4")),
                             cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (w // 4, h // 4))
    for _ in range(frames):
        # coarse noise survives compression: 8x8 blocks of random grey
        block = rng.integers(0, 255, (h // 32, w // 32, 1), dtype=np.uint8)
        writer.write(cv2.resize(np.repeat(block, 3, axis=2), (w // 4, h // 4),
                                interpolation=cv2.INTER_NEAREST))
    writer.release()


def test_exported_video_blurs_the_face_and_nothing_else(tmp_path):
    path = tmp_path / "v.balance"
    shutil.copy(ROOT / "samples" / "quiet_standing.balance", path)
    _video_beside(path, 12)
    s = read_session(path)
    out, plain = tmp_path / "out.mp4", tmp_path / "plain.mp4"
    assert export.export_video(s, out) == 12
    assert export.export_video(s, plain, blur=False) == 12
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    a, b = cv2.VideoCapture(str(out)), cv2.VideoCapture(str(plain))
    blurred, sharp = a.read()[1], b.read()[1]
    h, w = sharp.shape[:2]
    x0, y0, x1, y1 = face_box(s.image[0], (w, h))
    face = np.s_[y0 + 2:y1 - 2, x0 + 2:x1 - 2]
    assert blurred[face].std() < 0.5 * sharp[face].std()
    far = np.s_[h - 20:h - 4, 4:20]
    assert np.abs(blurred[far].astype(int) - sharp[far]).mean() < 8


def test_snapshot_without_video_draws_the_skeleton(tmp_path):
    out = tmp_path / "snap.png"
    export.export_snapshot(read_session(SAMPLE), 10.0, out)
    img = cv2.imread(str(out))
    assert img.shape == (720, 1280, 3)
    assert (np.abs(img.astype(int) - (255, 224, 53)).max(axis=2) < 10).sum() > 500  # bones


def test_blur_face_leaves_a_frame_without_landmarks_alone():
    frame = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    assert np.array_equal(blur_face(frame.copy(), None), frame)


def test_export_command(tmp_path, monkeypatch):
    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path / "data"))
    f = write_session(tmp_path / "a.balance", trials=[trial("left", 20.5)])
    proc = balance("export", f, "--frames", tmp_path / "f.csv", "--trials", tmp_path / "t.csv")
    assert proc.returncode == 0, proc.stderr
    assert "trials: " in proc.stdout and len(read_csv(tmp_path / "t.csv")) == 1
    assert_one_line_error(balance("export", SAMPLE, "--trials", tmp_path / "x.csv"),
                          "holds no result")
    assert_one_line_error(balance("export", f), "say what to export")
    assert_one_line_error(balance("export", f, "--video", tmp_path / "v.mp4"),
                          "no video beside it")
    assert_one_line_error(balance("export", "--person", "zed", "--trials", tmp_path / "z.csv"),
                          "no person 'zed'")
