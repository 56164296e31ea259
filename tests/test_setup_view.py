"""The set-up check asks for the view each test needs: front for the stance tests, side
for functional reach and the TUG, either for the chair tests. On the independent bench
and on real frames (``../shared/realdata``: skipped when absent)."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from balance.protocols import registry
from balance.protocols.registry import EITHER, FRONT, SIDE
from balance.session.setup_check import TURN_FURTHER, TURN_SIDE, assess
from tests.bench.conditions import draw
from tests.bench.scenario import generate

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"
POSE2SIM = REAL / "videos" / "pose2sim_demo" / "balancing_trial"
POSE2SIM_FRONT = POSE2SIM / "cam02.mp4"
YOGA = REAL / "videos" / "yoga_warrior2" / "warrior2.mp4"
needs_real = pytest.mark.skipif(not (POSE2SIM.exists() and YOGA.exists()),
                                reason="../shared/realdata is absent")


def _turns(report) -> list[str]:
    return [a for a in report.advice if a.startswith("Turn")]


def test_each_test_declares_the_view_the_issue_asks_for():
    for name in ("single-leg-stance", "four-stage", "bess", "romberg", "mctsib"):
        assert registry.spec(name).view == FRONT
    for name in ("chair-stand-30", "five-sts"):
        assert registry.spec(name).view == EITHER
    for name in ("tug", "functional-reach"):
        assert registry.spec(name).view == SIDE


def _bench(yaw_deg):
    rec = generate(replace(draw("frontal 3 m 30 fps", 2), hold_s=2.0, yaw_deg=yaw_deg, offset_m=0.0))
    return rec.image[0], rec.world[0], rec.scenario.image_size


@pytest.mark.parametrize("world", [True, False], ids=["world landmarks", "image only"])
def test_bench_front_and_side_views_pass_their_own_check_only(world):
    for yaw, passes, fails in ((0.0, FRONT, SIDE), (85.0, SIDE, FRONT)):
        image, w, size = _bench(yaw)
        w = w if world else None
        assert _turns(assess(image, True, image_size=size, world=w, view=passes)) == []
        assert _turns(assess(image, True, image_size=size, world=w, view=EITHER)) == []
        wrong = _turns(assess(image, True, image_size=size, world=w, view=fails))
        assert wrong and wrong[0].startswith(TURN_SIDE if fails == SIDE else "Turn to face the camera")


def test_half_turned_is_not_yet_a_side_view_and_says_by_how_much():
    image, world, size = _bench(30.0)
    advice = _turns(assess(image, True, image_size=size, world=world, view=SIDE))
    assert advice[0].startswith(TURN_FURTHER) and advice[0].endswith("45 or more are needed.")
    said = float(advice[0].split("you are turned ")[1].split(" degrees")[0])
    assert said == pytest.approx(30.0, abs=8.0)  # one frame's yaw, with the bench's jitter


def test_a_side_view_is_not_told_to_move_to_the_middle():
    # The TUG starts at one edge of the picture and walks across it.
    image, world, size = _bench(85.0)
    image = image.copy()
    image[:, 0] -= 0.3
    assert assess(image, True, image_size=size, world=world, view=SIDE).ok
    assert any("middle" in a for a in assess(image, True, image_size=size, world=world,
                                             view=FRONT).advice)


# --- real frames ------------------------------------------------------------------------

def _pose_frames(path, model, starts_s, count):
    """Landmarks of ``count`` frames from each start (s): one VIDEO-mode run, in order."""
    import cv2
    from balance.pose.estimator import PoseEstimator
    cap = cv2.VideoCapture(str(path))
    fps, size = cap.get(cv2.CAP_PROP_FPS), (int(cap.get(3)), int(cap.get(4)))
    runs = []
    with PoseEstimator(model.path) as est:
        for start in starts_s:
            cap.set(cv2.CAP_PROP_POS_FRAMES, int(round(start * fps)))
            run = []
            for k in range(count):
                ok, frame = cap.read()
                if not ok:
                    break
                r = est.detect(frame, start + k / fps)
                if r.detected:
                    run.append((r.image, r.world))
            runs.append(run)
    return runs, size


@pytest.fixture(scope="module")
def real_views(pose_model):
    """Facing and side-on frames, posed once: the Pose2Sim front camera (cam02, under 5 deg
    from square by its calibration) and two at about 50 deg (cam01 from the front, cam03
    from behind); the yoga clip's warrior II (10 s, the torso square to the camera) and
    mountain pose (start, side on)."""
    (front,), p2s_size = _pose_frames(POSE2SIM_FRONT, pose_model, [0.0], 20)
    oblique = [(f, p2s_size) for cam in ("cam01", "cam03")
               for f in _pose_frames(POSE2SIM / f"{cam}.mp4", pose_model, [0.0], 20)[0][0]]
    (side, warrior), yoga_size = _pose_frames(YOGA, pose_model, [0.0, 10.0], 20)
    return {"facing": [(f, p2s_size) for f in front] + [(f, yoga_size) for f in warrior],
            "side on": [(f, yoga_size) for f in side], "oblique": oblique}


def _share_turned(frames, view, use_world=True) -> float:
    told = [bool(_turns(assess(im, True, image_size=size, world=w if use_world else None,
                               view=view))) for (im, w), size in frames]
    return float(np.mean(told))


@pytest.mark.model
@pytest.mark.realdata
@needs_real
@pytest.mark.parametrize("use_world", [True, False], ids=["world landmarks", "pixels only"])
def test_real_facing_frames_pass_the_front_check_and_side_on_frames_the_side_check(real_views,
                                                                                   use_world):
    facing, side = real_views["facing"], real_views["side on"]
    assert len(facing) >= 30 and len(side) >= 15
    assert _share_turned(facing, FRONT, use_world) <= 0.1
    assert _share_turned(facing, SIDE, use_world) >= 0.9
    assert _share_turned(side, SIDE, use_world) <= 0.1
    assert _share_turned(side, FRONT, use_world) >= 0.9


@pytest.mark.model
@pytest.mark.realdata
@needs_real
def test_real_views_50_degrees_off_square_are_not_taken_for_a_front_view(real_views):
    # Their sway across the picture is half front-to-back: the stance tests must not start.
    assert _share_turned(real_views["oblique"], FRONT) >= 0.9


@pytest.mark.model
@pytest.mark.realdata
@needs_real
@pytest.mark.parametrize("use_world", [True, False], ids=["world landmarks", "pixels only"])
def test_functional_reach_takes_real_side_on_frames_and_never_facing_ones(real_views,
                                                                          use_world):
    # The reach is measured across the picture: a facing person's reach is depth.
    from balance.protocols.reach_signal import side_on

    def share(frames):
        return np.mean([side_on(im, size, w if use_world else None) for (im, w), size in frames])
    assert share(real_views["facing"]) == 0.0
    assert share(real_views["side on"]) >= 0.9
