"""The independent single-leg stance bench checked against geometry, not the detector."""

import numpy as np
import pytest

from balance.pose.landmarks import INDEX
from tests.bench import noise
from tests.bench.body import Body, sole_clearance
from tests.bench.camera import place_camera
from tests.bench.conditions import CONDITIONS, draw, match
from tests.bench.scenario import Hold, Scenario, generate

QUIET = {"jitter_px": 0.0, "sway_mm": 0.0}


def test_a_point_on_the_optical_axis_projects_to_the_image_centre():
    cam = place_camera(3.0, 1.3, 0.85, yaw_deg=35.0, image_size=(640, 480))
    point = cam.position + 2.7 * cam.rotation[2]
    assert np.allclose(cam.project(point), [320.0, 240.0], atol=1e-9)


def test_a_170_cm_person_at_3_m_spans_focal_times_height_over_distance():
    cam = place_camera(3.0, 0.85, 0.85, image_size=(1280, 720), hfov_deg=60.0)
    focal = 640 / np.tan(np.radians(30.0))
    assert cam.focal_px == pytest.approx(focal)
    top, foot = cam.project([[0.0, 1.70, 0.0], [0.0, 0.0, 0.0]])
    assert foot[1] - top[1] == pytest.approx(focal * 1.70 / 3.0, rel=1e-9)
    # The posed body: eyes to heel, a hair nearer than 3 m (face forward), within 3 %.
    rec = generate(Scenario(distance_m=3.0, camera_height_m=0.85, hfov_deg=60.0, **QUIET))
    body, first = rec.body, rec.image[0]
    span_px = (first[INDEX["left_heel"], 1] - first[INDEX["left_eye"], 1]) * 720
    heel_h = body.ankle_h * 0.2
    assert span_px == pytest.approx(focal * (0.936 * 1.70 - heel_h) / 3.0, rel=0.03)


def test_person_off_centre_and_left_side_on_the_image_right():
    rec = generate(Scenario(offset_m=1.0, **QUIET))
    first = rec.image[0]
    hip_x = (first[23, 0] + first[24, 0]) / 2 * 1280
    assert hip_x - 640 == pytest.approx(rec.camera.focal_px * 1.0 / 3.0, rel=0.02)
    assert first[INDEX["left_shoulder"], 0] > first[INDEX["right_shoulder"], 0]


@pytest.mark.parametrize("style", ["knee", "hip"])
def test_heel_off_precedes_toe_off_and_contact_follows_the_hold(style):
    for seed in range(4):
        sc = Scenario(seed=seed, fps=500.0, hold_s=2.5, lift_at_s=1.5, after_s=0.5,
                      style=style, stance=("left", "right")[seed % 2], **QUIET)
        rec = generate(sc)
        h, t, clear = rec.holds[0], rec.t, rec.clearance
        raised = "right" if sc.stance == "left" else "left"
        heel_y = rec.points[:, INDEX[f"{raised}_heel"], 1]
        before = (t >= h.heel_off_s) & (t < h.toe_off_exact_s)
        assert h.toe_off_exact_s - h.heel_off_s >= 0.1
        assert heel_y[before][-1] - heel_y[0] > 0.01  # the heel is up while the toe is down
        assert np.all(np.abs(clear[t < h.toe_off_exact_s]) < 1e-9)
        air = (t > h.toe_off_exact_s) & (t < h.contact_exact_s)
        assert np.all(clear[air] > 0)
        assert np.all(np.abs(clear[t >= h.contact_exact_s]) < 1e-9)
        assert h.contact_exact_s - h.toe_off_exact_s == pytest.approx(2.5)


def test_hip_flexion_lift_barely_rises_in_the_image_from_a_laptop_camera():
    rises = {}
    for style in ("knee", "hip"):
        rise = []
        for seed in range(3):
            rec = generate(Scenario(seed=seed, style=style, camera_height_m=0.75, hold_s=3.0,
                                    **QUIET))
            h, t = rec.holds[0], rec.t
            y = rec.image[:, INDEX["right_ankle"], 1] * 720
            air = (t > h.toe_off_s + 0.6) & (t < h.contact_s - 0.6)
            rise.append(y[t < h.heel_off_s].mean() - y[air].mean())
            clear_cm = 100 * rec.clearance[air].mean()
            assert (3 <= clear_cm <= 10) if style == "hip" else (12 <= clear_cm <= 30)
        rises[style] = np.mean(rise)
    assert rises["knee"] > 80  # px, at 3 m in 720p
    assert rises["hip"] < 0.3 * rises["knee"]


def test_jitter_has_the_configured_sd_and_autocorrelation():
    rng = np.random.default_rng(0)
    j = noise.jitter(rng, 20000, 1.5, 0.6, 2.0)
    body, foot = j[:, :27].reshape(20000, -1), j[:, 27:].reshape(20000, -1)
    assert body.std() == pytest.approx(1.5, rel=0.03)
    assert foot.std() == pytest.approx(3.0, rel=0.03)
    lag1 = np.mean([np.corrcoef(c[1:], c[:-1])[0, 1] for c in body.T])
    assert lag1 == pytest.approx(0.6, abs=0.02)


def test_recording_jitter_is_the_configured_pixels():
    a = generate(Scenario(seed=5, jitter_px=2.0, hold_s=4.0))
    b = generate(Scenario(seed=5, jitter_px=0.0, hold_s=4.0))
    d = (a.image[:, :, 0] - b.image[:, :, 0]) * 1280
    assert d[:, INDEX["nose"]].std() == pytest.approx(2.0, rel=0.15)
    assert d[:, INDEX["left_heel"]].std() == pytest.approx(2.0 * 1.8, rel=0.15)


@pytest.mark.parametrize("fps", [15.0, 30.0, 60.0])
def test_truth_sits_on_frame_times(fps):
    rec = generate(Scenario(seed=2, fps=fps, hold_s=6.3, **QUIET))
    h, t, clear = rec.holds[0], rec.t, rec.clearance
    dt = 1 / fps
    i, j = np.flatnonzero(t == h.toe_off_s), np.flatnonzero(t == h.contact_s)
    assert len(i) == len(j) == 1
    assert h.toe_off_exact_s < h.toe_off_s <= h.toe_off_exact_s + dt
    assert h.contact_exact_s <= h.contact_s < h.contact_exact_s + dt
    assert clear[i[0]] > 0 and abs(clear[i[0] - 1]) < 1e-9
    assert abs(clear[j[0]]) < 1e-9 and clear[j[0] - 1] > 0
    assert h.expected_s == pytest.approx(h.contact_s - h.toe_off_s)
    assert h.expected_s == pytest.approx(6.3, abs=dt)


def test_long_hold_is_capped_and_cut_off_lift_is_no_hold():
    h = generate(Scenario(hold_s=47.0, cap_s=45.0, **QUIET)).holds[0]
    assert (h.expected_s, h.end_reason) == (45.0, "cap")
    rec = generate(Scenario(cut_after_s=0.4, **QUIET))
    assert rec.holds == [] and rec.non_attempts[-1].kind == "cut_off"
    toe_off = rec.non_attempts[-1].start_s
    assert 0.4 < rec.t[-1] - toe_off < 0.4 + 0.25 + 1 / 30  # heel-off is 0.12-0.25 s earlier


def test_toe_taps_and_fidgets_are_small_short_and_before_the_lift():
    rec = generate(Scenario(seed=3, taps=1, fidgets=1, lift_at_s=6.0, **QUIET))
    kinds = [n.kind for n in rec.non_attempts]
    assert kinds[0] == "tap" and kinds[1] in ("heel_raise", "shuffle")
    lift = rec.holds[0]
    for na in rec.non_attempts:
        during = (rec.t >= na.start_s) & (rec.t <= na.end_s)
        assert na.end_s - na.start_s < 1.0 and na.end_s < lift.heel_off_s - 0.5
        assert rec.clearance[during].max() <= 0.04


@pytest.mark.parametrize("seed", range(1, 7))
def test_a_toe_tap_lifts_the_whole_foot_2_to_4_cm_and_nothing_goes_through_the_floor(seed):
    """A toe-tap, as a physiotherapist means it: the whole foot leaves the floor (its
    lowest point, heel or toe, world frame, rises 2-4 cm), 0.2-0.4 s in the air, and is set
    down about where it left; no foot point is ever below the floor. (The taps once pitched
    the foot 0.3 rad toe-down with 2-4 cm of ankle rise: the toe went 1-4 cm through the
    floor and the sole never left it, a heel raise.)"""
    fps = 120.0
    rec = generate(Scenario(seed=seed, taps=2, lift_at_s=7.0, fps=fps,
                            stance=("left", "right")[seed % 2]))
    raised = "right" if rec.scenario.stance == "left" else "left"
    heel, toe = rec.points[:, INDEX[f"{raised}_heel"]], rec.points[:, INDEX[f"{raised}_foot_index"]]
    low = np.minimum(heel[:, 1], toe[:, 1])
    assert low.min() >= -1e-9 and rec.clearance.min() >= -1e-9
    taps = [na for na in rec.non_attempts if na.kind == "tap"]
    assert len(taps) == 2
    for na in taps:
        during = (rec.t >= na.start_s) & (rec.t <= na.end_s)
        assert 0.02 <= low[during].max() <= 0.04
        assert 0.02 <= rec.clearance[during].max() <= 0.04
        air = rec.t[during & (rec.clearance > 1e-6)]
        assert 0.2 - 2 / fps <= air[-1] - air[0] <= 0.4
        assert np.all(np.diff(np.flatnonzero(during & (rec.clearance > 1e-6))) == 1)  # one flight
        i0, i1 = np.flatnonzero(during)[[0, -1]]
        assert np.linalg.norm(toe[i1, [0, 2]] - toe[i0 - 1, [0, 2]]) <= 0.01


def test_world_landmarks_are_metres_about_the_hips_y_down():
    rec = generate(Scenario(**QUIET))
    w, body = rec.world[0], rec.body
    assert np.allclose(w[[23, 24], :3].mean(axis=0), 0.0, atol=0.03)  # jitter only
    span = np.linalg.norm(w[11, :3] - w[12, :3])
    assert span == pytest.approx(2 * body.shoulder_half, abs=0.05)
    assert w[INDEX["nose"], 1] < -0.5 and w[INDEX["left_heel"], 1] > 0.7


def test_quiet_standing_sway_is_millimetres():
    rec = generate(Scenario(seed=4, sway_mm=5.0, jitter_px=0.0, lift_at_s=12.0, hold_s=2.0))
    quiet = rec.t < rec.holds[0].heel_off_s - 1.2
    shoulders = rec.points[quiet][:, [11, 12]].mean(axis=1)
    sd_mm = 1000 * shoulders[:, 0].std()
    assert 2.0 < sd_mm < 15.0


def test_every_condition_keeps_the_body_in_the_image():
    for name in CONDITIONS:
        rec = generate(draw(name, 1))
        xy = rec.image[rec.detected][..., :2]
        assert np.all((xy > 0.0) & (xy < 1.0)), name


def test_faults_are_placed_as_configured():
    rec = generate(Scenario(seed=7, drops=2, dips=1, hold_s=6.0))
    lost = rec.t[~rec.detected]
    h = rec.holds[0]
    assert 1 <= len(lost) <= 4 and np.all(np.isnan(rec.image[~rec.detected]))
    assert np.any((lost > h.heel_off_s - 1.2) & (lost < h.heel_off_s))
    assert (rec.image[rec.detected][..., 3] < 0.5).any()


def test_match_pairs_a_trial_by_side_and_start():
    hold = Hold("left", 2.8, 3.0, 9.0, 3.0, 9.0, 6.0, "touchdown")
    trials = [{"side": "left", "start_s": 1.0}, {"side": "right", "start_s": 3.0},
              {"side": "left", "start_s": 2.9}]
    pairs, extra = match(trials, [hold])
    assert pairs[0][1] is trials[2] and extra == trials[:2]


def test_body_proportions_follow_height():
    short, tall = Body.from_height(1.55), Body.from_height(1.90, leg_scale=1.05)
    assert short.hip_y / 1.55 == pytest.approx(0.530, abs=0.005)
    assert tall.hip_y / 1.90 > short.hip_y / 1.55 + 0.02
    ankle = np.array([[0.0, short.ankle_h, 0.0]])
    assert sole_clearance(short, ankle, np.zeros(1))[0] == pytest.approx(0.0)
