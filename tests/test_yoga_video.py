"""Yoga recognition on real footage through the pose model (skipped without ../shared).

The done-when of issue 5: the tree photo is a tree; in the warrior II video, mountain
pose and then warrior II are recognised, with the transition time reported.
"""

from pathlib import Path

import cv2
import numpy as np
import pytest

from balance.pose.estimator import PoseEstimator
from balance.yoga import analyze_stream, classify

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
TREE_PHOTO = REAL / "images" / "movenet_testdata" / "image3.jpeg"
WARRIOR_VIDEO = REAL / "videos" / "yoga_warrior2" / "warrior2.mp4"

pytestmark = [pytest.mark.model, pytest.mark.realdata,
              pytest.mark.skipif(not REAL.exists(), reason="../shared/realdata is absent")]


@pytest.fixture(scope="module")
def estimator(pose_model):
    with PoseEstimator(pose_model.path) as est:
        yield est


def video_landmarks(estimator, path):
    """(t_s, landmarks) for every frame of a video, times from the frame index."""
    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS)
    times, frames = [], []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        t = len(times) / fps
        times.append(t)
        frames.append(estimator.detect(frame, t).image)
    capture.release()
    return np.array(times), np.array(frames)


def test_tree_photo_is_a_tree(estimator):
    result = estimator.detect_image(cv2.imread(str(TREE_PHOTO)))
    assert result.detected
    recognised = classify(result.image)
    assert recognised.pose == "tree" and recognised.confidence > 0.8
    # She stands on her left leg (her right foot rests on the left thigh).
    assert recognised.side == "left"


def test_warrior_video_holds_mountain_then_warrior_2(estimator):
    t, landmarks = video_landmarks(estimator, WARRIOR_VIDEO)
    summary = analyze_stream(t, landmarks)
    poses = [h.pose for h in summary.holds]
    # She stands in mountain pose, steps out into warrior II at about 4-6 s, holds it to
    # about 21 s, then steps back to standing.
    assert poses[:2] == ["mountain", "warrior_2"], summary.holds
    mountain, warrior = summary.holds[:2]
    assert mountain.start_s < 1.0 and mountain.duration_s > 2.5
    assert warrior.duration_s > 10.0
    first = summary.transitions[0]
    assert (first.from_pose, first.to_pose) == ("mountain", "warrior_2")
    assert 4.0 < first.t_s < 8.0 and 0.0 < first.gap_s < 4.0
