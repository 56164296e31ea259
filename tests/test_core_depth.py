"""AP sway from a front camera's depth: hand-worked segment arithmetic, the planted-foot
base, the height scale, and the generated person's known AP sway."""

import numpy as np
import pytest

from balance.core import depth
from balance.core.com import EYE_HEIGHT_FRACTION
from balance.errors import InputError
from balance.pose.landmarks import INDEX
from balance.profile import Profile
from balance.protocols import create
from balance.testing.synthetic import Lift, generate
from balance.session.rescore import score_frames
from tests.test_core_com import POINTS_PX

FOOT = {s: [INDEX[f"{s}_{p}"] for p in ("ankle", "heel", "foot_index")]
        for s in ("left", "right")}
# Moving a foot's landmarks moves its foot segment (0.0145) and, through the ankle, its
# shank's CoM by 0.433 of the way (0.0465): the CoM moves by this share of the foot.
FOOT_SHARE = 0.0145 + 0.0465 * 0.433


def world_pose(n=1):
    """The test person of test_core_com as world landmarks: 1 px = 2 mm, all at z = 0."""
    w = np.zeros((n, 33, 4))
    for name, (x, y) in POINTS_PX.items():
        w[:, INDEX[name], :2] = (x - 500) * 0.002, (y - 450) * 0.002
    w[..., 3] = 0.99
    return w


def test_depth_is_the_com_ahead_of_the_feet_by_the_segment_table():
    w = world_pose()
    for s in FOOT.values():
        w[:, s, 2] = 0.05                      # both feet 5 cm further from the camera
    com_z = 2 * FOOT_SHARE * 0.05
    assert depth.com_depth(w)[0] == pytest.approx(0.05 - com_z, abs=1e-12)
    w[:, [INDEX["left_ear"], INDEX["right_ear"]], 2] = -0.10   # head 10 cm nearer
    # the head (8.1 % of the mass) sits at the ears' midpoint
    com_z += 0.081 * -0.10
    assert depth.com_depth(w)[0] == pytest.approx(0.05 - com_z, abs=1e-12)


def test_a_raised_foot_is_not_part_of_the_base():
    w = world_pose()
    w[:, FOOT["right"], 2] = 0.04
    w[:, FOOT["left"], 2] = -0.30              # far forward ...
    w[:, FOOT["left"], 1] -= 0.10              # ... and 10 cm off the floor
    com_z = FOOT_SHARE * (0.04 - 0.30)
    assert depth.com_depth(w)[0] == pytest.approx(0.04 - com_z, abs=1e-12)
    w[:, FOOT["left"], 1] += 0.09              # 1 cm up: still planted, the base is both
    assert depth.com_depth(w)[0] == pytest.approx((0.04 - 0.30) / 2 - com_z, abs=1e-12)


def test_no_person_gives_nan_and_a_bad_shape_is_refused():
    w = world_pose(3)
    w[1] = np.nan
    d = depth.com_depth(w)
    assert np.isfinite(d[[0, 2]]).all() and np.isnan(d[1])
    with pytest.raises(InputError):
        depth.com_depth(np.zeros((4, 17, 4)))


def test_world_scale_matches_the_persons_height():
    w = world_pose(5)
    span = (870 - 90) * 0.002                   # eye to heel, m
    assert depth.world_scale(w, 170.0) == pytest.approx(EYE_HEIGHT_FRACTION * 170 / span)
    bigger = w.copy()
    bigger[..., :3] *= 1.1                      # the network thinks them 10 % taller
    assert depth.world_scale(bigger, 170.0) == pytest.approx(depth.world_scale(w, 170.0) / 1.1)
    with pytest.raises(InputError):
        depth.world_scale(np.full((2, 33, 4), np.nan), 170.0)
    with pytest.raises(InputError):
        depth.world_scale(w, 0.0)


def test_generated_ap_sway_is_recovered_through_a_lift():
    """Without noise the estimate follows the pendulum's AP sway, on two feet and on one
    (the raised foot swings back 9 cm: leaving it in the base would show as a jump)."""
    s = generate(duration_s=20.0, jitter_px=0.0, lifts=[Lift("left", 6.0, 14.0)], seed=4)
    est = depth.com_depth(s.world) * depth.world_scale(s.world[:30], s.height_cm)
    truth = s.com_ap_cm
    assert np.corrcoef(est, truth)[0, 1] > 0.99
    # the generator's truth puts the CoM at 0.55 H, its segments at ~0.58 H: ~6 % more
    assert np.std(est) == pytest.approx(np.std(truth), rel=0.10)
    err = est - truth
    assert np.std(err) < 0.15 * np.std(truth)


def single_leg(s):
    p = create("single-leg-stance", Profile(birth_year=1958, height_cm=s.height_cm),
               image_size=s.image_size, fps=s.fps)
    (trial,) = score_frames(p, s.t, s.image, s.world, s.detected)[0]["trials"]
    return trial["metrics"]


def test_trials_add_ap_fields_and_the_ellipse_where_depth_is_known():
    s = generate(duration_s=25.0, jitter_px=1.0, lifts=[Lift("left", 3.0, 21.0)],
                 sway_cm=(0.8, 0.4), seed=9)
    m = single_leg(s)
    hold = slice(int(3.5 * s.fps), int(20.5 * s.fps))
    assert m["ap"] == "camera depth estimate"
    # depth noise (1.5 cm a landmark here) survives the low-pass in part: allow for it
    assert m["sd_ap"] == pytest.approx(np.std(s.com_ap_cm[hold]), rel=0.3)
    sd_ml = np.std(s.com_ml_cm[hold])
    expected = np.pi * 5.99 * np.std(s.com_ap_cm[hold]) * sd_ml   # ~95 % ellipse
    assert m["ellipse_area"] == pytest.approx(expected, rel=0.5)
    assert m["mean_velocity"] == m["mean_velocity_ml"]   # the headline stays ML


def test_without_world_landmarks_the_metrics_stay_medio_lateral():
    s = generate(duration_s=25.0, jitter_px=1.0, lifts=[Lift("left", 3.0, 21.0)], seed=9)
    s.world[:] = np.nan                                   # a landmark CSV has no depth
    m = single_leg(s)
    assert "rms_ml" in m
    assert not {"ap", "ellipse_area", "sd_ap"} & m.keys()


def test_noise_inflated_ap_paths_are_not_reported():
    s = generate(duration_s=25.0, jitter_px=1.0, lifts=[Lift("left", 3.0, 21.0)], seed=9)
    m = single_leg(s)
    assert "ellipse_area" in m
    assert not {"mean_velocity_ap", "path_length_ap", "mean_frequency_ap"} & m.keys()
