"""The TUG set-up's 3 m line against an independent pinhole camera (``tests.bench.camera``)."""

import numpy as np
import pytest

from balance.pose.landmarks import INDEX
from balance.session.walk_line import ROOM_M, WALK_M, walk_line
from tests.bench.body import Body, skeleton
from tests.bench.camera import look_at, landmarks

SIZE = (1280, 720)
HFOV = 70.0  # the field of view ``walk_line`` assumes for how far back to go


def _standing(height_m: float):
    """A person standing at the chair, facing +z (the walk), person-frame points (1, 33, 3)."""
    body = Body.from_height(height_m)
    pelvis = np.array([[0.0, body.hip_y, 0.0]])
    ankles = [np.array([[s * body.stance_half, body.ankle_h, 0.0]]) for s in (1, -1)]
    return skeleton(body, pelvis, ankles[0], np.zeros(1), ankles[1], np.zeros(1))


def _side_camera(distance_m: float, along_m: float):
    """A level camera on the person's left, its axis square across the walk, aimed at the
    point ``along_m`` down the walk."""
    return look_at([distance_m, 0.9, along_m], [0.0, 0.9, along_m], SIZE, HFOV)


def _seen(camera, pts):
    image, _ = landmarks(camera, pts, pts[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=1))
    return np.concatenate([image[0], np.ones((33, 1))], axis=1)  # every point seen


def _heel_z(pts) -> float:
    return float(pts[0, [INDEX["left_heel"], INDEX["right_heel"]], 2].mean())


@pytest.mark.parametrize(("height_m", "distance_m", "along_m"), [
    (1.70, 5.0, 1.5), (1.55, 6.0, 1.0), (1.85, 5.5, 2.0)])
def test_the_line_is_where_the_pinhole_puts_the_floor_3_m_ahead(height_m, distance_m, along_m):
    pts = _standing(height_m)
    cam = _side_camera(distance_m, along_m)
    line = walk_line(_seen(cam, pts), SIZE, height_m * 100)
    truth = cam.project(np.array([0.0, 0.0, _heel_z(pts) + WALK_M]))
    assert line.px_per_m == pytest.approx(cam.focal_px / distance_m, rel=0.03)
    assert line.x_px == pytest.approx(truth[0], abs=0.03 * WALK_M * line.px_per_m)
    assert line.floor_px == pytest.approx(truth[1], abs=12)  # the heels' floor level
    assert line.fits and line.back_m == 0.0
    assert line.message().startswith("Put a mark on the floor")


def _distance_that_fits(height_m: float, start_m: float, along_m: float) -> float:
    """Moving the camera straight back in 1 cm steps: the first distance at which the
    chair end and the turn end of the walk both project inside the picture."""
    pts = _standing(height_m)
    z0 = _heel_z(pts)
    ends = np.array([[0.0, 0.0, z0 - ROOM_M], [0.0, 0.0, z0 + WALK_M + ROOM_M]])
    for d in np.arange(start_m, 15.0, 0.01):
        x = _side_camera(d, along_m).project(ends)[:, 0]
        if (x >= 0).all() and (x <= SIZE[0]).all():
            return float(d)
    raise AssertionError("never fits")


@pytest.mark.parametrize(("distance_m", "along_m"), [(2.5, 1.5), (3.0, 0.0), (2.0, 3.0)])
def test_a_camera_too_close_is_told_how_far_back_to_go(distance_m, along_m):
    pts = _standing(1.70)
    line = walk_line(_seen(_side_camera(distance_m, along_m), pts), SIZE, 170.0)
    needed = _distance_that_fits(1.70, distance_m, along_m) - distance_m
    assert not line.fits and needed > 0.2
    assert line.back_m == pytest.approx(needed, abs=0.1)
    words = line.message()
    assert words.startswith("The 3 m line would be outside the picture:")
    assert float(words.split("back about ")[1].split(" m")[0]) >= needed  # rounded up, never short
    # From where the camera stands, the chair end and the turn end both in the picture?
    span_px = (WALK_M + 2 * ROOM_M) * cam_scale(distance_m)
    assert line.chair_fits is (span_px <= SIZE[0])
    assert ("put the chair nearer the" in words) is line.chair_fits


def cam_scale(distance_m: float) -> float:
    """Pixels per metre at the walk, for the pinhole at ``distance_m``."""
    return _side_camera(distance_m, 0.0).focal_px / distance_m


def test_a_walk_that_would_fit_is_told_which_edge_the_chair_should_be_near():
    pts = _standing(1.70)
    cam = _side_camera(3.0, 0.0)  # the person in the middle, facing the picture's left
    line = walk_line(_seen(cam, pts), SIZE, 170.0)
    assert line.chair_fits and line.direction == -1
    assert "put the chair nearer the right edge of the picture" in line.message()
    # Moved there (the walk's middle on the optical axis) it fits, as the message says.
    moved = walk_line(_seen(_side_camera(3.0, _heel_z(pts) + WALK_M / 2), pts), SIZE, 170.0)
    assert moved.fits


def test_the_line_is_ahead_of_the_toes_whichever_way_the_person_faces():
    pts = _standing(1.70)
    for distance_m in (5.0, -5.0):  # the camera on the person's left, then on their right
        cam = look_at([distance_m, 0.9, 1.5], [0.0, 0.9, 1.5], SIZE, HFOV)
        lm = _seen(cam, pts)
        line = walk_line(lm, SIZE, 170.0)
        toes = lm[INDEX["left_foot_index"], 0] * SIZE[0]
        heels = lm[INDEX["left_heel"], 0] * SIZE[0]
        assert line.direction == np.sign(toes - heels)
        assert np.sign(line.x_px - heels) == line.direction


def test_no_line_without_the_legs_in_view():
    pts = _standing(1.70)
    lm = _seen(_side_camera(5.0, 1.5), pts)
    lm[INDEX["left_knee"], 3] = 0.1
    assert walk_line(lm, SIZE, 170.0) is None
