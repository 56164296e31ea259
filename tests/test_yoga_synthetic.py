"""Yoga recognition and form cues on constructed skeletons: every pose, its cues, and
invariance to translation, scale, a mirror image and the left/right labelling.

`skeleton` builds a (33, 4) pose from segment directions, so each test states the body
geometry it means ("standing knee bent 30 degrees") rather than a list of coordinates.
"""

import numpy as np
import pytest

from balance.pose.landmarks import INDEX, NAMES
from balance.yoga import POSES, UNKNOWN, check_form, classify, form_cues
from balance.yoga.cues import CUE_DEVIATION
from balance.yoga.poses import BY_NAME, DEFINITIONS


def _direction(deg):
    r = np.radians(deg)
    return np.array([np.sin(r), np.cos(r)])


def skeleton(trunk=0.0, stand=(0.0, 0.0), free=(0.0, 0.0), stand_arm=(8.0, 8.0),
             free_arm=(-8.0, -8.0), hip_width=0.32, shoulder_width=0.7, hip_angle=0.0,
             standing="left"):
    """A (33, 4) image-landmark pose (y down) from segment directions.

    Parameters
    ----------
    trunk : float
        Hip-to-shoulder direction from straight up, degrees, + toward +x.
    stand, free : (float, float)
        Thigh and shin directions of the standing and free leg, degrees from straight
        down, + toward +x.
    stand_arm, free_arm : (float, float)
        Upper arm and forearm directions, degrees from straight down, + toward +x.
    hip_width, shoulder_width : float
        In torso lengths (front view ~0.3 / 0.7, side view small).
    hip_angle : float
        Tilt of the hip line, degrees (the free hip rises).
    standing : {"left", "right"}
        Which anatomical leg stands; the standing hip is at +x.
    """
    st, fr = ("left", "right") if standing == "left" else ("right", "left")
    torso, thigh, shin, upper_arm, forearm = 1.0, 0.85, 0.8, 0.6, 0.55
    t = np.radians(trunk)
    up, across = np.array([np.sin(t), -np.cos(t)]), np.array([np.cos(t), np.sin(t)])
    a = np.radians(hip_angle)
    half_hip = hip_width / 2 * np.array([np.cos(a), -np.sin(a)])
    p = {f"{st}_hip": half_hip, f"{fr}_hip": -half_hip}
    neck = up * torso
    p[f"{st}_shoulder"] = neck + across * shoulder_width / 2
    p[f"{fr}_shoulder"] = neck - across * shoulder_width / 2
    for side, (thigh_deg, shin_deg) in ((st, stand), (fr, free)):
        p[f"{side}_knee"] = p[f"{side}_hip"] + thigh * _direction(thigh_deg)
        p[f"{side}_ankle"] = p[f"{side}_knee"] + shin * _direction(shin_deg)
        p[f"{side}_heel"] = p[f"{side}_ankle"] + [-0.05, 0.05]
        p[f"{side}_foot_index"] = p[f"{side}_ankle"] + [0.18, 0.06]
    for side, (upper_deg, fore_deg) in ((st, stand_arm), (fr, free_arm)):
        p[f"{side}_elbow"] = p[f"{side}_shoulder"] + upper_arm * _direction(upper_deg)
        p[f"{side}_wrist"] = p[f"{side}_elbow"] + forearm * _direction(fore_deg)
        for k, finger in enumerate(("pinky", "index", "thumb")):
            p[f"{side}_{finger}"] = p[f"{side}_wrist"] + 0.08 * _direction(fore_deg + 15 * (k - 1))
    nose = neck + up * 0.35 + across * 0.08
    p["nose"] = nose
    for side, sign in (("left", 1), ("right", -1)):
        for k, part in enumerate(("eye_inner", "eye", "eye_outer")):
            p[f"{side}_{part}"] = nose + up * 0.05 + across * sign * 0.02 * (k + 1)
        p[f"{side}_ear"] = nose + up * 0.03 + across * (sign * 0.1 - 0.08)
        p[f"mouth_{side}"] = nose - up * 0.05 + across * sign * 0.03
    out = np.zeros((33, 4))
    for name, i in INDEX.items():
        out[i, :2] = p[name]
    out[:, 3] = 1.0
    return out


# Each pose as a body geometry, front view unless the hips and shoulders are narrow.
SPECS = {
    "mountain": dict(),
    "tree": dict(free=(-55, 85), stand_arm=(160, -150), free_arm=(-160, 150)),
    "warrior_1": dict(stand=(75, -5), free=(-45, -45), stand_arm=(178, 178),
                      free_arm=(178, 178), hip_width=0.1, shoulder_width=0.2),
    "warrior_2": dict(stand=(75, -5), free=(-45, -45), stand_arm=(92, 92), free_arm=(-92, -92)),
    "warrior_3": dict(trunk=75, free=(-92, -92), stand_arm=(95, 95), free_arm=(95, 95),
                      hip_width=0.1, shoulder_width=0.2, hip_angle=65),
    "eagle": dict(stand=(20, -10), free=(60, -25), stand_arm=(-110, 150),
                  free_arm=(110, -150), trunk=5),
    "dancer": dict(trunk=45, free=(-120, 170), stand_arm=(130, 130), free_arm=(-109, -109),
                   hip_width=0.1, shoulder_width=0.2, hip_angle=60),
    "half_moon": dict(trunk=-118, free=(105, 105), stand_arm=(-3, -3), free_arm=(180, 180),
                      hip_angle=85),
    "chair": dict(stand=(55, -25), free=(55, -25), trunk=25, stand_arm=(150, 150),
                  free_arm=(150, 150), hip_width=0.1, shoulder_width=0.2),
    "standing_big_toe": dict(free=(120, 120), free_arm=(100, 100), stand_arm=(20, 20),
                             hip_width=0.1, shoulder_width=0.2),
    "standing_split": dict(trunk=155, free=(-160, -160), stand_arm=(-30, -30),
                           free_arm=(-30, -30), hip_width=0.1, shoulder_width=0.2,
                           hip_angle=65),
}
SIDED = [name for name in SPECS if BY_NAME[name].side is not None]


def pose(name, **changes):
    return skeleton(**{**SPECS[name], **changes})


def mirrored(landmarks):
    out = landmarks.copy()
    out[:, 0] = -out[:, 0]
    return out


def labels_swapped(landmarks):
    """The same body with every left landmark called right and vice versa."""
    order = [INDEX[n.replace("left", "@").replace("right", "left").replace("@", "right")]
             for n in NAMES]
    return landmarks[order]


def test_every_pose_has_a_constructed_example():
    assert set(SPECS) | {UNKNOWN} == set(POSES)


@pytest.mark.parametrize("name", SPECS)
def test_constructed_pose_is_recognised_with_good_form_and_no_cue(name):
    result = classify(pose(name))
    assert result.pose == name
    assert result.confidence > 0.85
    assert result.side == ("left" if name in SIDED else None)
    form = check_form(pose(name), name)
    assert form.good and form.cues == ()


@pytest.mark.parametrize("name", SPECS)
def test_recognition_ignores_translation_scale_and_mirror(name):
    base = classify(pose(name))
    moved = pose(name) * [0.23, 0.23, 1, 1] + [0.51, 0.37, 0, 0]
    for variant in (moved, mirrored(pose(name)), mirrored(moved)):
        result = classify(variant)
        assert (result.pose, result.side) == (base.pose, base.side)
        assert result.confidence == pytest.approx(base.confidence, abs=1e-6)


@pytest.mark.parametrize("name", SIDED)
def test_swapping_left_and_right_labels_swaps_only_the_side(name):
    right = classify(labels_swapped(pose(name)))
    assert (right.pose, right.side) == (name, "right")
    assert classify(pose(name, standing="right")).side == "right"
    assert classify(mirrored(labels_swapped(pose(name)))).side == "right"


def test_mountain_and_chair_have_no_side_either_way():
    for name in ("mountain", "chair"):
        assert classify(labels_swapped(pose(name))).side is None


# (pose, change to its geometry, cue that must come first)
CUE_CASES = [
    ("mountain", dict(stand=(25, -25), free=(25, -25)), "Straighten your legs."),
    ("mountain", dict(trunk=25), "Stand tall: stack your shoulders over your hips."),
    ("tree", dict(stand=(15, -20)), "Straighten your standing leg."),
    ("tree", dict(free=(-35, 80)), "Place your foot above or below the knee, not on it."),
    ("tree", dict(free=(-30, 30)), "Lift your foot onto your calf or inner thigh."),
    ("warrior_1", dict(free=(-40, 10)), "Straighten your back leg."),
    ("warrior_1", dict(stand_arm=(40, 40), free_arm=(40, 40)), "Reach your arms up overhead."),
    ("warrior_1", dict(stand=(35, 25)), "Bend your front knee more."),
    ("warrior_2", dict(stand_arm=(40, 40), free_arm=(-40, -40)),
     "Raise your arms to shoulder height."),
    ("warrior_2", dict(stand=(35, 25)), "Bend your front knee more, toward a right angle."),
    ("warrior_2", dict(free=(-40, 10)), "Straighten your back leg."),
    ("warrior_3", dict(free=(-40, -40)), "Lift your back leg up to hip height."),
    ("warrior_3", dict(stand=(25, -25)), "Straighten your standing leg."),
    ("eagle", dict(free=(-5, -10)), "Wrap your raised foot around your standing calf."),
    ("eagle", dict(stand_arm=(-110, 100), free_arm=(110, -100)),
     "Wrap your arms and bring your palms together."),
    ("dancer", dict(free_arm=(-150, -150)), "Hold your raised foot with your hand."),
    ("dancer", dict(stand=(25, -25)), "Straighten your standing leg."),
    ("half_moon", dict(free=(50, 50)), "Lift your top leg to hip height."),
    ("half_moon", dict(free_arm=(60, 60)), "Reach your top arm up toward the ceiling."),
    ("half_moon", dict(hip_angle=30), "Open your hips: stack the top hip over the bottom one."),
    ("chair", dict(stand=(20, -10), free=(20, -10)),
     "Bend your knees more, as if sitting back into a chair."),
    ("chair", dict(stand_arm=(30, 30), free_arm=(30, 30)), "Reach your arms up beside your ears."),
    ("standing_big_toe", dict(free_arm=(10, 10)), "Hold your big toe with your hand."),
    ("standing_big_toe", dict(free=(70, 70), trunk=20), "Lift your leg toward hip height."),
    ("standing_big_toe", dict(free=(120, 50)), "Straighten your lifted leg."),
    ("standing_split", dict(free=(-100, -100)), "Lift your back leg higher."),
    ("standing_split", dict(stand=(35, -30)), "Straighten your standing leg."),
]


@pytest.mark.parametrize("name, change, cue", CUE_CASES,
                         ids=[f"{n}-{c.split()[0]}{i}" for i, (n, _, c) in enumerate(CUE_CASES)])
def test_a_fault_gives_its_cue_first(name, change, cue):
    landmarks = pose(name, **change)
    assert form_cues(landmarks, name, side="left")[0] == cue
    assert form_cues(pose(name), name, side="left") == []


def test_every_pose_has_at_least_two_distinct_cues_tested():
    tested = {}
    for name, _, cue in CUE_CASES:
        tested.setdefault(name, set()).add(cue)
    assert set(tested) == set(SPECS)
    assert all(len(cues) >= 2 for cues in tested.values())


def test_cues_come_worst_first_and_are_capped():
    # Standing knee bent 45 degrees and the trunk leaning 30: both wrong, the knee worse.
    landmarks = pose("tree", stand=(20, -25), trunk=30)
    form = check_form(landmarks, "tree", side="left")
    assert [c.text for c in form.cues] == ["Straighten your standing leg.",
                                           "Stand tall: stack your shoulders over your hips."]
    sizes = [abs(c.deviation) for c in form.cues]
    assert sizes == sorted(sizes, reverse=True) and min(sizes) >= CUE_DEVIATION
    assert form_cues(landmarks, "tree", side="left", max_cues=1) == [form.cues[0].text]
    assert not form.good and form.worst == pytest.approx(sizes[0])
    # Leaning less (10 degrees) with a straight knee is within tolerance: no cue at all.
    assert form_cues(pose("tree", trunk=10), "tree", side="left") == []


def test_what_has_no_cue_never_spoils_the_form():
    # Tree arms are free: hanging arms fit the table less well but are not a fault.
    landmarks = pose("tree", stand_arm=(5, 5), free_arm=(-5, -5))
    assert classify(landmarks).pose == "tree"
    form = check_form(landmarks, "tree")
    assert form.good and form.cues == () and form.worst == 0.0
    with pytest.raises(ValueError, match="no pose 'lotus'"):
        check_form(landmarks, "lotus")


def test_cue_deviation_measures_the_distance_outside_the_range():
    knee = BY_NAME["tree"].criterion("stand_knee")
    # Standing thigh and shin 20 degrees apart: a 160-degree knee.
    form = check_form(pose("tree", stand=(10, -10)), "tree", side="left")
    cue = next(c for c in form.cues if c.feature == "stand_knee")
    assert cue.value == pytest.approx(160.0, abs=1e-6)
    assert cue.deviation == pytest.approx((160.0 - knee.lo) / knee.soft, abs=1e-6)


def test_form_side_follows_the_standing_leg_when_not_given():
    right = pose("tree", standing="right", stand=(15, -20))
    form = check_form(right, "tree")
    assert form.side == "right"
    assert form.cues[0].text == "Straighten your standing leg."


def test_missing_landmarks_are_unknown_and_bad_form():
    empty = np.full((33, 4), np.nan)
    assert classify(empty).pose == UNKNOWN and classify(empty).confidence == 0.0
    assert not check_form(empty, "tree").good


def test_sitting_on_the_floor_is_unknown_whatever_fits():
    # Cross-legged: the hips are level with the feet, though the legs look like a tree.
    sitting = pose("tree", stand=(-80, 90), free=(80, -90))
    assert classify(sitting).pose == UNKNOWN


def test_table_is_well_formed():
    names = [d.name for d in DEFINITIONS]
    assert len(set(names)) == len(names) and POSES == tuple(names) + (UNKNOWN,)
    for d in DEFINITIONS:
        assert sum(c.cue_low is not None or c.cue_high is not None for c in d.criteria) >= 2
        for c in d.criteria:
            assert c.lo <= c.hi and c.soft > 0, (d.name, c.feature)
