"""``balance analyze`` end to end on real videos (skipped without ../shared)."""

import csv
from pathlib import Path

import numpy as np
import pytest

from balance.capture import VideoFileSource
from balance.pose.estimator import PoseEstimator
from balance.session import pipeline
from balance.storage.landmark_csv import HEADER, read_landmark_csv
from balance.storage.session import read_session
from tests.test_capture import make_video
from tests.helpers import balance

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata"
needs_real = pytest.mark.skipif(not REAL.exists(), reason="../shared/realdata is absent")

pytestmark = pytest.mark.model


@needs_real
@pytest.mark.parametrize("video", [
    "videos/pose2sim_demo/balancing_trial/cam01.mp4",
    "videos/yoga_warrior2/warrior2.mp4",
])
def test_analyze_finds_the_person_in_95_percent_of_frames(tmp_path, pose_model, video):
    out, table = tmp_path / "s.balance", tmp_path / "s.csv"
    proc = balance("analyze", REAL / video, "--out", out, "--csv", table, "--quiet",
                   "--model", pose_model.path)
    assert proc.returncode == 0, proc.stderr
    s = read_session(out)
    assert s.warnings == [] and len(s) > 50
    assert s.detected.mean() >= 0.95
    assert s.metadata["model_sha256"] == pose_model.sha256
    assert np.all(np.diff(s.t) > 0) and s.t[0] == 0.0
    with open(table) as fh:
        assert next(csv.reader(fh)) == HEADER
    t, image, detected, size = read_landmark_csv(table)
    assert size == s.image_size
    np.testing.assert_allclose(t, s.t, atol=1e-6)
    np.testing.assert_allclose(image, s.image, rtol=1e-5, equal_nan=True)
    assert f"frames {len(s)}" in proc.stdout and "fps" in proc.stdout
    # cam01 stands 50 deg off square (its calibration), the yoga clip is filmed side on.
    assert "deg from square" in proc.stderr and "not medio-lateral" in proc.stderr


@needs_real
def test_read_ahead_gives_the_landmarks_of_the_plain_loop_frame_for_frame(pose_model):
    video, n = REAL / "videos/yoga_warrior2/warrior2.mp4", 45
    with VideoFileSource(video) as src, PoseEstimator(pose_model.path) as est:
        plain = [est.detect(frame, t) for _, (frame, t) in zip(range(n), src)]
    ahead = []
    with VideoFileSource(video) as src, PoseEstimator(pose_model.path) as est:
        pipeline.run(src, est, on_frame=ahead.append, max_frames=n)
    assert len(ahead) == n and sum(p.detected for p in plain) > 0.9 * n
    for p, a in zip(plain, ahead):
        np.testing.assert_array_equal(p.image, a.image)
        np.testing.assert_array_equal(p.world, a.world)


def test_truncated_video_is_analysed_as_far_as_it_decodes(tmp_path, pose_model):
    path = make_video(tmp_path / "v.avi", n=40)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    out = tmp_path / "t.balance"
    proc = balance("analyze", path, "--out", out, "--quiet", "--model", pose_model.path)
    assert proc.returncode == 0, proc.stderr
    n = len(read_session(out))
    lines = proc.stderr.splitlines()
    assert all(x.startswith(("warning:", "pose model")) for x in lines), lines  # no native logs
    warning = [x for x in lines if x.startswith("warning:")]
    assert warning == [f"warning: video v.avi is truncated or damaged: {n} of 40 frames were readable"]


def test_saved_video_and_csv_are_private_to_their_owner(tmp_path, pose_model):
    path = make_video(tmp_path / "clip.avi", n=5)
    out, table = tmp_path / "p.balance", tmp_path / "p.csv"
    proc = balance("analyze", path, "--out", out, "--csv", table, "--save-video", "--quiet",
                   "--model", pose_model.path)
    assert proc.returncode == 0, proc.stderr
    for f in (out, table, out.with_suffix(".avi")):
        assert f.stat().st_mode & 0o077 == 0, f


def test_default_output_never_overwrites(tmp_path, pose_model):
    path = make_video(tmp_path / "clip.avi", n=3)
    for _ in range(2):
        proc = balance("analyze", path, "--quiet", "--model", pose_model.path, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "clip.balance").exists() and (tmp_path / "clip-1.balance").exists()
