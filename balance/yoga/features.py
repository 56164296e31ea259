"""Interpretable body measurements that the yoga pose definitions are written in.

Every feature is computed twice, once per *side hypothesis*: "the left leg is the standing
(or leading) leg" and "the right leg is". A pose definition speaks of the standing leg and
the free leg without caring which is which; the side comes out of whichever hypothesis
fits better. For the warriors the "standing" leg is the bent front leg.

All features are invariant to translation, scale and a horizontal mirror of the image
(x -> -x): angles are measured against the vertical, horizontal offsets enter as absolute
values or as products of two offsets (so a sign flip cancels). Swapping the left and right
landmark labels swaps the two side hypotheses. Image orientation: y grows downwards. Only
x and y are used: z from a single camera is too noisy to define a pose by.

Lengths are in body scales, robust to a turned or bent body: a *leg* is the longer of the
two hip-knee-ankle chains, a *torso* the longer of the two shoulder-hip sides, each floored
by the other through typical proportions.
"""

import numpy as np

from balance.pose.landmarks import INDEX, N_LANDMARKS

# (name, unit, meaning). Units: "deg" angles, "leg"/"torso" body lengths, "-" unitless.
FEATURE_INFO = (
    ("stand_knee", "deg", "standing-leg knee angle, 180 = straight"),
    ("free_knee", "deg", "free-leg knee angle, 180 = straight"),
    ("stand_thigh", "deg", "standing thigh from straight down: 0 down, 90 horizontal"),
    ("free_thigh", "deg", "free thigh from straight down: 0 down, 90 horizontal, 180 up"),
    ("free_shin", "deg", "free shin (knee to ankle) from straight down"),
    ("foot_height", "leg", "free ankle above the standing ankle"),
    ("foot_over_knee", "leg", "free ankle above the standing knee (negative: below)"),
    ("knee_clearance", "leg", "free ankle's height distance from the standing knee"),
    ("foot_to_stand_leg", "leg", "free ankle to the standing leg's hip-ankle line"),
    ("foot_spread", "leg", "horizontal distance between the ankles"),
    ("knee_gap", "leg", "distance between the knees"),
    ("counterbalance", "-", "free foot reaching out on the far side of the hips from the head"),
    ("trunk", "deg", "trunk from straight up: 0 upright, 90 horizontal, 180 head down"),
    ("head_drop", "torso", "nose below the hips (negative: above)"),
    ("hip_tilt", "deg", "hip line from horizontal: 0 level, 90 one hip above the other"),
    ("stand_arm", "deg", "standing-side arm from straight down: 0 down, 90 out, 180 up"),
    ("free_arm", "deg", "free-side arm from straight down: 0 down, 90 out, 180 up"),
    ("arm_span", "torso", "horizontal distance between the wrists"),
    ("wrist_gap", "torso", "distance between the wrists"),
    ("hand_to_foot", "leg", "nearest wrist to the free ankle"),
    ("wrists_to_floor", "leg", "lowest wrist above the standing ankle"),
    ("elbow", "deg", "mean elbow angle, 180 = both arms straight"),
    ("leg_cross", "-", "knees in the opposite left-right order to the hips (eagle wrap)"),
    ("hip_height", "leg", "hips above the standing ankle: ~1 standing, ~0 sitting or lying"),
    ("support", "leg", "lowest of head, shoulders, hips and free knee above the standing ankle"),
    ("leg_extent", "torso", "standing hip above the standing ankle (short when the knee bends)"),
)
FEATURES = tuple(name for name, _, _ in FEATURE_INFO)
UNITS = {name: unit for name, unit, _ in FEATURE_INFO}
N_FEATURES = len(FEATURES)
COLUMN = {name: i for i, name in enumerate(FEATURES)}
# Side hypothesis 0: the left leg stands (or leads); 1: the right leg.
SIDES = ("left", "right")

_L = {name[len("left_"):]: i for name, i in INDEX.items() if name.startswith("left_")}
_R = {name[len("right_"):]: i for name, i in INDEX.items() if name.startswith("right_")}


def _angle_deg(a, b, c):
    """Angle at b of the triangle a-b-c in degrees; arrays of shape (..., 2)."""
    u = a - b
    v = c - b
    norm = np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1) + 1e-12
    return np.degrees(np.arccos(np.clip((u * v).sum(-1) / norm, -1.0, 1.0)))


def _from_down_deg(a, b):
    """Direction of a -> b from straight down (image y down), degrees 0..180."""
    d = b - a
    return np.degrees(np.arctan2(np.abs(d[..., 0]), d[..., 1]))


def _point_to_segment(p, a, b):
    """Distance from p to the segment a-b; arrays of shape (..., 2)."""
    ab = b - a
    t = ((p - a) * ab).sum(-1) / ((ab * ab).sum(-1) + 1e-12)
    t = np.clip(t, 0.0, 1.0)[..., None]
    return np.linalg.norm(p - (a + t * ab), axis=-1)


def _scales(p):
    """Torso and leg length per pose, robust to foreshortening of any one segment."""
    def dist(a, b):
        return np.linalg.norm(p[:, a] - p[:, b], axis=-1)

    torso = np.maximum(dist(_L["shoulder"], _L["hip"]), dist(_R["shoulder"], _R["hip"]))
    leg = np.maximum(dist(_L["hip"], _L["knee"]) + dist(_L["knee"], _L["ankle"]),
                     dist(_R["hip"], _R["knee"]) + dist(_R["knee"], _R["ankle"]))
    # A folded trunk (forward bend) or a leg pointing at the camera shortens one of the
    # two; adult proportions (leg ~ 1.6-2 torso) bound each by the other.
    torso = np.maximum(torso, leg / 2.4)
    leg = np.maximum(leg, torso * 1.2)
    return torso + 1e-12, leg + 1e-12


def _one_side(p, st, fr, torso, leg):
    """Feature columns for one side hypothesis: st standing side, fr free side."""
    s_hip, s_knee, s_ank = p[:, st["hip"]], p[:, st["knee"]], p[:, st["ankle"]]
    f_hip, f_knee, f_ank = p[:, fr["hip"]], p[:, fr["knee"]], p[:, fr["ankle"]]
    s_sh, f_sh = p[:, st["shoulder"]], p[:, fr["shoulder"]]
    s_wr, f_wr = p[:, st["wrist"]], p[:, fr["wrist"]]
    hip_mid = 0.5 * (s_hip + f_hip)
    nose = p[:, INDEX["nose"]]

    # Products of two horizontal offsets are unchanged by a mirror. Counterbalance is
    # positive when the free foot and the head are on opposite sides of the hips
    # (dancer, warrior III, half moon), crossing positive when the knees swap sides.
    counter = -(nose[:, 0] - hip_mid[:, 0]) * (f_ank[:, 0] - hip_mid[:, 0]) / (torso * leg)
    cross = -(f_knee[:, 0] - s_knee[:, 0]) * (f_hip[:, 0] - s_hip[:, 0]) / (torso * leg)
    hip_d = np.abs(f_hip - s_hip)
    lowest_wrist_y = np.maximum(s_wr[:, 1], f_wr[:, 1])
    # Whatever rests on the floor besides the feet and hands: near 0 when sitting,
    # kneeling or lying, clearly positive on any standing pose.
    lowest_body_y = np.max(np.stack([nose[:, 1], s_sh[:, 1], f_sh[:, 1], s_hip[:, 1],
                                     f_hip[:, 1], f_knee[:, 1]]), axis=0)

    columns = {
        "stand_knee": _angle_deg(s_hip, s_knee, s_ank),
        "free_knee": _angle_deg(f_hip, f_knee, f_ank),
        "stand_thigh": _from_down_deg(s_hip, s_knee),
        "free_thigh": _from_down_deg(f_hip, f_knee),
        "free_shin": _from_down_deg(f_knee, f_ank),
        "foot_height": (s_ank[:, 1] - f_ank[:, 1]) / leg,
        "foot_over_knee": (s_knee[:, 1] - f_ank[:, 1]) / leg,
        "knee_clearance": np.abs(s_knee[:, 1] - f_ank[:, 1]) / leg,
        "foot_to_stand_leg": _point_to_segment(f_ank, s_hip, s_ank) / leg,
        "foot_spread": np.abs(f_ank[:, 0] - s_ank[:, 0]) / leg,
        "knee_gap": np.linalg.norm(f_knee - s_knee, axis=-1) / leg,
        "counterbalance": counter,
        "trunk": _from_down_deg(0.5 * (s_sh + f_sh), hip_mid),
        "head_drop": (nose[:, 1] - hip_mid[:, 1]) / torso,
        "hip_tilt": np.degrees(np.arctan2(hip_d[:, 1], hip_d[:, 0])),
        "stand_arm": _from_down_deg(s_sh, s_wr),
        "free_arm": _from_down_deg(f_sh, f_wr),
        "arm_span": np.abs(s_wr[:, 0] - f_wr[:, 0]) / torso,
        "wrist_gap": np.linalg.norm(s_wr - f_wr, axis=-1) / torso,
        "hand_to_foot": np.minimum(np.linalg.norm(s_wr - f_ank, axis=-1),
                                   np.linalg.norm(f_wr - f_ank, axis=-1)) / leg,
        "wrists_to_floor": (s_ank[:, 1] - lowest_wrist_y) / leg,
        "elbow": 0.5 * (_angle_deg(s_sh, p[:, st["elbow"]], s_wr)
                        + _angle_deg(f_sh, p[:, fr["elbow"]], f_wr)),
        "leg_cross": cross,
        "hip_height": (s_ank[:, 1] - hip_mid[:, 1]) / leg,
        "support": (s_ank[:, 1] - lowest_body_y) / leg,
        # In torso lengths, not leg lengths: a knee bent toward the camera shortens the
        # leg in the image, and only the torso tells (chair seen from the front).
        "leg_extent": (s_ank[:, 1] - s_hip[:, 1]) / torso,
    }
    return np.stack([columns[name] for name in FEATURES], axis=-1)


def compute_features(landmarks):
    """Measure every feature of one pose or a batch, for both side hypotheses.

    Parameters
    ----------
    landmarks : ndarray, shape (33, 4) or (n, 33, 4)
        x, y, z, visibility per landmark, image orientation (y down), any translation
        and scale. Only x and y are used.

    Returns
    -------
    ndarray, shape (2, N_FEATURES) or (n, 2, N_FEATURES), float64
        Axis -2 is the side hypothesis (0: left leg standing, 1: right leg standing);
        columns are named in `FEATURES`. A pose with missing (NaN) landmarks gives NaN.

    Raises
    ------
    ValueError
        If the array does not have 33 landmarks with at least x and y.
    """
    arr = np.asarray(landmarks, dtype=np.float64)
    single = arr.ndim == 2
    if single:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[1] != N_LANDMARKS or arr.shape[2] < 2:
        raise ValueError(f"landmarks must have shape (33, 4) or (n, 33, 4), got {arr.shape}")
    p = arr[..., :2]
    torso, leg = _scales(p)
    feats = np.stack([_one_side(p, _L, _R, torso, leg), _one_side(p, _R, _L, torso, leg)],
                     axis=1)
    return feats[0] if single else feats
