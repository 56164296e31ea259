"""Face blur on real footage (skipped without ../shared/realdata): the side-view warrior II
video through the pose model, exported with the face blurred."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from balance.pose.estimator import PoseEstimator
from balance.privacy import face_box
from balance.storage import export
from balance.storage.session import SessionWriter, new_metadata, read_session

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
WARRIOR_VIDEO = REAL / "videos" / "yoga_warrior2" / "warrior2.mp4"

pytestmark = [pytest.mark.model, pytest.mark.realdata,
              pytest.mark.skipif(not WARRIOR_VIDEO.exists(), reason="../shared/realdata is absent")]


def test_face_is_blurred_in_an_exported_real_video(pose_model, tmp_path):
    """Frames at 3 s (side view) and 20 s (warrior II, three-quarter view)."""
    cap = cv2.VideoCapture(str(WARRIOR_VIDEO))
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = []
    for t in (3.0, 20.0):
        cap.set(cv2.CAP_PROP_POS_FRAMES, round(t * fps))
        frames.append(cap.read()[1])
    cap.release()
    h, w = frames[0].shape[:2]
    session = tmp_path / "w.balance"
    video = cv2.VideoWriter(str(session.with_suffix(".mp4")), cv2.VideoWriter_fourcc(*"MJPG"),
                            fps, (w, h))
    with PoseEstimator(pose_model.path) as est, SessionWriter(
            session, new_metadata(source="warrior2", fps=fps, image_size=(w, h))) as rec:
        for i, frame in enumerate(frames):
            pose = est.detect(frame, i / fps)
            rec.write_frame(i / fps, pose.image, pose.world, pose.detected)
            video.write(frame)
    video.release()
    s = read_session(session)
    assert s.detected.all()
    out = tmp_path / "out.mp4"
    assert export.export_video(s, out) == 2
    cap = cv2.VideoCapture(str(out))
    for i, original in enumerate(frames):
        blurred = cap.read()[1]
        x0, y0, x1, y1 = face_box(s.image[i], (w, h))
        nose = (s.image[i, 0, :2] * (w, h)).astype(int)
        assert x0 < nose[0] < x1 and y0 < nose[1] < y1
        # the box is head-sized: 40-140 px for this 720p footage, not the whole frame
        assert 40 < x1 - x0 < 140 and 40 < y1 - y0 < 140
        face = np.s_[y0:y1, x0:x1]
        detail = cv2.Laplacian(cv2.cvtColor(original[face], cv2.COLOR_BGR2GRAY), cv2.CV_64F)
        left = cv2.Laplacian(cv2.cvtColor(blurred[face], cv2.COLOR_BGR2GRAY), cv2.CV_64F)
        assert left.var() < 0.2 * detail.var()  # fine detail (eyes, mouth) gone (the rest:
        # mp4v block edges)
        floor = np.s_[h - 100:h - 20, 20:200]  # far from the face: as it was (mp4v noise)
        assert np.abs(blurred[floor].astype(int) - original[floor]).mean() < 6
    cap.release()
