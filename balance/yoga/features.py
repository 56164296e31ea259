"""Interpretable body measurements that the yoga pose definitions are written in.

Every feature is computed twice, once per *side hypothesis*: "the left leg is the standing
(or leading) leg" and "the right leg is". A pose definition then speaks of the standing
leg and the free leg without caring which is which, and the side comes out of whichever
hypothesis fits better.

All features are invariant to translation, scale and a horizontal mirror of the image
(x -> -x): angles are measured against the vertical, horizontal offsets enter as absolute
values or as products of two offsets (so a sign flip cancels). Image orientation is
assumed: y grows downwards.
"""

import numpy as np

from balance.pose.landmarks import INDEX, N_LANDMARKS

# Feature names, in column order. Units: degrees for angles, body scales for lengths.
FEATURES = (
    "stand_knee",          # standing-leg knee angle, 180 = straight
    "free_knee",           # free-leg knee angle, 180 = straight
    "stand_thigh",         # standing thigh from straight down: 0 down, 90 horizontal
    "free_thigh",          # free thigh from straight down: 0 down, 90 horizontal, 180 up
    "free_shin",           # free shin (knee -> ankle) from straight down
    "foot_height",         # free ankle above standing ankle, in leg lengths
    "foot_over_knee",      # free ankle above the standing knee, in leg lengths
    "knee_clearance",      # |free ankle height - standing knee height|, in leg lengths
    "foot_to_stand_leg",   # free ankle to the standing-leg segment, in leg lengths
    "foot_spread",         # horizontal ankle distance, in leg lengths
    "knee_gap",            # knee-to-knee distance, in leg lengths
    "counterbalance",      # free foot on the far side of the hips from the head (+)
    "trunk",               # trunk from straight up: 0 upright, 90 horizontal
    "head_drop",           # nose below the hips (+), in torso lengths
    "hip_tilt",            # hip line from horizontal, degrees (0 level, 90 stacked)
    "stand_arm",           # arm on the standing side from straight down (0 down, 180 up)
    "free_arm",            # arm on the free-leg side from straight down
    "arm_span",            # horizontal wrist-to-wrist distance, in torso lengths
    "wrist_gap",           # wrist-to-wrist distance, in torso lengths
    "hand_to_foot",        # nearest wrist to the free ankle, in leg lengths
    "wrists_to_floor",     # lowest wrist height above the standing ankle, in leg lengths
    "elbow",               # mean elbow angle, 180 = both arms straight
    "leg_cross",           # knees swapped left-right relative to the hips (+), eagle
)
N_FEATURES = len(FEATURES)
COLUMN = {name: i for i, name in enumerate(FEATURES)}

_L = {name[5:]: i for name, i in INDEX.items() if name.startswith("left_")}
_R = {name[6:]: i for name, i in INDEX.items() if name.startswith("right_")}
# Side hypothesis 0: standing leg = left; 1: standing leg = right.
SIDES = ("left", "right")


def _angle_deg(a, b, c):
    """Angle at b of the triangle a-b-c, degrees, for arrays of shape (..., 2)."""
    u = a - b
    v = c - b
    cos = (u * v).sum(-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1) + 1e-9)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _from_down_deg(a, b):
    """Angle of the vector a -> b from straight down (image y down), degrees 0..180."""
    d = b - a
    return np.degrees(np.arctan2(np.abs(d[..., 0]), d[..., 1]))


def _point_to_segment(p, a, b):
    """Distance from p to the segment a-b, arrays of shape (..., 2)."""
    ab = b - a
    t = ((p - a) * ab).sum(-1) / ((ab * ab).sum(-1) + 1e-9)
    t = np.clip(t, 0.0, 1.0)[..., None]
    return np.linalg.norm(p - (a + t * ab), axis=-1)


def _scales(p):
    """Torso and leg lengths robust to foreshortening of any one segment.

    A body turned or bent shortens some segments in the image but rarely all: the larger
    of the two torso sides and of the two legs is the better estimate of the true length,
    and each is floored by the other through typical proportions (leg ~ 1.6 torso).
    """
    torso = np.maximum(np.linalg.norm(p[:, _L["shoulder"]] - p[:, _L["hip"]], axis=-1),
                       np.linalg.norm(p[:, _R["shoulder"]] - p[:, _R["hip"]], axis=-1))
    legs = []
    for side in (_L, _R):
        legs.append(np.linalg.norm(p[:, side["hip"]] - p[:, side["knee"]], axis=-1)
                    + np.linalg.norm(p[:, side["knee"]] - p[:, side["ankle"]], axis=-1))
    leg = np.maximum(legs[0], legs[1])
    torso = np.maximum(torso, leg / 2.4)
    leg = np.maximum(leg, torso * 1.2)
    return torso + 1e-9, leg + 1e-9


def _one_side(p, st, fr, torso, leg):
    """Feature columns for one side hypothesis: st = standing side, fr = free side."""
    hip_mid = 0.5 * (p[:, st["hip"]] + p[:, fr["hip"]])
    sh_mid = 0.5 * (p[:, st["shoulder"]] + p[:, fr["shoulder"]])
    s_hip, s_knee, s_ank = p[:, st["hip"]], p[:, st["knee"]], p[:, st["ankle"]]
    f_hip, f_knee, f_ank = p[:, fr["hip"]], p[:, fr["knee"]], p[:, fr["ankle"]]
    s_wr, f_wr = p[:, st["wrist"]], p[:, fr["wrist"]]
    nose = p[:, INDEX["nose"]]

    head_dx = nose[:, 0] - hip_mid[:, 0]
    foot_dx = f_ank[:, 0] - hip_mid[:, 0]
    # Product of the two offsets: sign-free under a mirror, positive when the free foot
    # reaches out on the other side of the hips from the head (dancer, warrior III).
    counter = -head_dx * foot_dx / (torso * leg)
    hip_d = f_hip - s_hip
    hip_tilt = np.degrees(np.arctan2(np.abs(hip_d[:, 1]), np.abs(hip_d[:, 0])))
    wrist_low = np.maximum(s_wr[:, 1], f_wr[:, 1])

    cols = [
        _angle_deg(s_hip, s_knee, s_ank),
        _angle_deg(f_hip, f_knee, f_ank),
        _from_down_deg(s_hip, s_knee),
        _from_down_deg(f_hip, f_knee),
        _from_down_deg(f_knee, f_ank),
        (s_ank[:, 1] - f_ank[:, 1]) / leg,
        (s_knee[:, 1] - f_ank[:, 1]) / leg,
        np.abs(s_knee[:, 1] - f_ank[:, 1]) / leg,
        _point_to_segment(f_ank, s_hip, s_ank) / leg,
        np.abs(f_ank[:, 0] - s_ank[:, 0]) / leg,
        np.linalg.norm(f_knee - s_knee, axis=-1) / leg,
        counter,
        _from_down_deg(sh_mid, hip_mid),
        (nose[:, 1] - hip_mid[:, 1]) / torso,
        hip_tilt,
        _from_down_deg(p[:, st["shoulder"]], s_wr),
        _from_down_deg(p[:, fr["shoulder"]], f_wr),
        np.abs(s_wr[:, 0] - f_wr[:, 0]) / torso,
        np.linalg.norm(s_wr - f_wr, axis=-1) / torso,
        np.minimum(np.linalg.norm(s_wr - f_ank, axis=-1),
                   np.linalg.norm(f_wr - f_ank, axis=-1)) / leg,
        (s_ank[:, 1] - wrist_low) / leg,
        0.5 * (_angle_deg(p[:, st["shoulder"]], p[:, st["elbow"]], s_wr)
               + _angle_deg(p[:, fr["shoulder"]], p[:, fr["elbow"]], f_wr)),
        # Crossed legs reverse the knees' left-right order relative to the hips'; the
        # product of the two offsets is mirror-free and negative when they cross.
        -(f_knee[:, 0] - s_knee[:, 0]) * (f_hip[:, 0] - s_hip[:, 0]) / (leg * torso),
    ]
    return np.stack(cols, axis=-1)


def compute_features(landmarks):
    """Feature table for one pose or a batch, for both side hypotheses.

    Parameters
    ----------
    landmarks : ndarray, shape (33, 4) or (n, 33, 4)
        x, y, z, visibility per landmark; image orientation (y down); any translation
        and scale. Only x and y are used: z from a single camera is too noisy here.

    Returns
    -------
    ndarray, shape (2, N_FEATURES) or (n, 2, N_FEATURES), float64
        Axis -2 is the side hypothesis (0: left leg standing, 1: right leg standing);
        columns are named in `FEATURES`. Rows with missing landmarks come out NaN.
    """
    arr = np.asarray(landmarks, dtype=np.float64)
    single = arr.ndim == 2
    if single:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[1] != N_LANDMARKS or arr.shape[2] < 2:
        raise ValueError(f"landmarks must have shape (33, 4) or (n, 33, 4), got {arr.shape}")
    p = arr[..., :2]
    torso, leg = _scales(p)
    feats = np.stack([_one_side(p, _L, _R, torso, leg),
                      _one_side(p, _R, _L, torso, leg)], axis=1)
    return feats[0] if single else feats
