"""A 3-D articulated person, posed frame by frame, giving the 33 BlazePose points in metres.

Written from first principles for the independent bench (issue 13, item 1). Segment
lengths are fractions of standing height after Drillis & Contini (1966), as tabulated by
Winter (Biomechanics and Motor Control of Human Movement, fig. 4.1), scaled per person.

Person frame (metres): origin on the floor midway between the feet at the start,
+x the person's left, +y up, +z the person's forward. Arrays of points are (n, 3) per
landmark or (n, 33, 3) per frame.
"""

from dataclasses import dataclass

import numpy as np

from balance.pose.landmarks import INDEX, N_LANDMARKS


@dataclass(frozen=True)
class Body:
    """Segment lengths and widths of one person, m.

    Attributes
    ----------
    height : standing height, m.
    thigh, shank : hip-to-knee and knee-to-ankle lengths, m.
    ankle_h : ankle joint height above the floor with the foot flat, m.
    toe, heel : ankle-to-toe-tip and ankle-to-heel horizontal lengths, m.
    hip_half, shoulder_half : half the hip-joint and shoulder-joint spans, m.
    stance_half : half the distance between the ankles in quiet standing, m.
    upper_arm, forearm : shoulder-to-elbow and elbow-to-wrist lengths, m.
    trunk : mid-hip to mid-shoulder height, m.
    head : mid-shoulder to eye height, m.
    """

    height: float
    thigh: float
    shank: float
    ankle_h: float
    toe: float
    heel: float
    hip_half: float
    shoulder_half: float
    stance_half: float
    upper_arm: float
    forearm: float
    trunk: float
    head: float

    @classmethod
    def from_height(cls, height_m: float, leg_scale: float = 1.0, width_scale: float = 1.0):
        """A person of ``height_m`` with legs ``leg_scale`` times the average fraction of
        height (the trunk takes up the difference) and widths ``width_scale`` times it."""
        h = height_m
        leg = (0.530 - 0.039) * h * leg_scale  # hip joint to ankle joint
        ankle_h = 0.039 * h
        hip_y = ankle_h + 0.997 * leg  # as ``Body.hip_y``
        eye_y, shoulder_y = 0.936 * h, 0.818 * h  # the trunk absorbs a change of leg length
        return cls(height=h, thigh=leg * 0.245 / 0.491, shank=leg * 0.246 / 0.491,
                   ankle_h=ankle_h, toe=0.152 * h * 0.75, heel=0.152 * h * 0.25,
                   hip_half=0.055 * h * width_scale, shoulder_half=0.129 * h * width_scale,
                   stance_half=0.055 * h * width_scale, upper_arm=0.186 * h,
                   forearm=0.146 * h, trunk=shoulder_y - hip_y, head=eye_y - shoulder_y)

    @property
    def hip_y(self) -> float:
        """Hip joint height in quiet standing (knees a hair short of straight), m."""
        return self.ankle_h + 0.997 * (self.thigh + self.shank)


def two_link(root, end, l1: float, l2: float, pole) -> np.ndarray:
    """The middle joint of a two-segment limb (knee, elbow), vectorised.

    Parameters
    ----------
    root, end : (n, 3) the proximal and distal joints, m.
    l1, l2 : the two segment lengths, m.
    pole : (n, 3) or (3,) a direction the middle joint bends towards.

    Returns
    -------
    (n, 3) middle joint, m. Beyond reach the limb is straight along root-to-end.
    """
    d = end - root
    dist = np.linalg.norm(d, axis=-1, keepdims=True)
    u = d / np.maximum(dist, 1e-9)
    dist = np.clip(dist, abs(l1 - l2) + 1e-6, l1 + l2 - 1e-9)
    along = (l1 ** 2 - l2 ** 2 + dist ** 2) / (2 * dist)
    perp = np.sqrt(np.maximum(l1 ** 2 - along ** 2, 0.0))
    p = np.broadcast_to(pole, d.shape)
    p = p - np.sum(p * u, axis=-1, keepdims=True) * u
    p = p / np.maximum(np.linalg.norm(p, axis=-1, keepdims=True), 1e-9)
    return root + along * u + perp * p


def foot_points(body: Body, ankle, pitch, yaw: float) -> tuple[np.ndarray, np.ndarray]:
    """Heel and toe tip of a foot from its ankle, vectorised.

    Parameters
    ----------
    ankle : (n, 3) ankle joint, m.
    pitch : (n,) rad, plantar flexion from flat (positive: toe down, heel up).
    yaw : rad, toe-out about the vertical (positive turns the toe to +x).

    Returns
    -------
    heel, toe : (n, 3) m.
    """
    c, s = np.cos(pitch), np.sin(pitch)

    def place(fwd, down):
        # Rotate the foot-frame vector (forward, down) by the pitch, then by the yaw.
        y = -down * c - fwd * s
        z = fwd * c - down * s
        return ankle + np.stack([z * np.sin(yaw), y, z * np.cos(yaw)], axis=-1)

    return place(-body.heel, body.ankle_h * 0.8), place(body.toe, body.ankle_h)


def sole_clearance(body: Body, ankle, pitch) -> np.ndarray:
    """Height of the lowest sole point (toe tip or heel sole) above the floor, m, (n,)."""
    c, s = np.cos(pitch), np.sin(pitch)
    toe_y = ankle[..., 1] - body.ankle_h * c - body.toe * s
    heel_y = ankle[..., 1] - body.ankle_h * c + body.heel * s
    return np.minimum(toe_y, heel_y)


def toe_from_flat(body: Body, toe, pitch, yaw: float) -> np.ndarray:
    """The ankle that puts the toe tip at ``toe`` (n, 3) with the foot at ``pitch`` (n,)."""
    zero = np.zeros_like(toe)
    _, rel = foot_points(body, zero, pitch, yaw)
    return toe - rel


def skeleton(body: Body, pelvis, l_ankle, l_pitch, r_ankle, r_pitch) -> np.ndarray:
    """The 33 BlazePose points of the person, arms on hips, trunk upright.

    Parameters
    ----------
    pelvis : (n, 3) mid-hip joint centre, m.
    l_ankle, r_ankle : (n, 3) ankle joints, m.
    l_pitch, r_pitch : (n,) foot plantar flexion, rad.

    Returns
    -------
    (n, 33, 3) points in the person frame, m.
    """
    n = len(pelvis)
    out = np.zeros((n, N_LANDMARKS, 3))
    h = body.height
    ex = np.array([1.0, 0.0, 0.0])
    mid_sh = pelvis + [0.0, body.trunk, 0.0]
    for side, sign, ankle, pitch in (("left", 1, l_ankle, l_pitch),
                                     ("right", -1, r_ankle, r_pitch)):
        hip = pelvis + sign * body.hip_half * ex
        knee = two_link(hip, ankle, body.thigh, body.shank, np.array([0.0, 0.0, 1.0]))
        heel, toe = foot_points(body, ankle, pitch, sign * np.radians(8.0))
        shoulder = mid_sh + sign * body.shoulder_half * ex
        # Hands on the iliac crests, fingers forward and down; elbows out and back.
        wrist = pelvis + [sign * (body.hip_half + 0.045 * h), 0.07 * h, 0.01 * h]
        elbow = two_link(shoulder, wrist, body.upper_arm, body.forearm,
                         np.array([sign * 1.0, 0.0, -0.5]))
        for name, point in (("hip", hip), ("knee", knee), ("ankle", ankle), ("heel", heel),
                            ("foot_index", toe), ("shoulder", shoulder), ("elbow", elbow),
                            ("wrist", wrist)):
            out[:, INDEX[f"{side}_{name}"]] = point
        for name, off in (("pinky", (0.010, -0.030, 0.045)), ("index", (0.0, -0.035, 0.06)),
                          ("thumb", (-0.010, 0.0, 0.045))):
            out[:, INDEX[f"{side}_{name}"]] = wrist + [sign * off[0] * h / 1.7,
                                                       off[1] * h / 1.7, off[2] * h / 1.7]
    _head(out, mid_sh + [0.0, body.head, 0.0], h / 1.7)
    return out


def _head(out: np.ndarray, eyes, k: float) -> None:
    """Face points around the mid-eye point ``eyes`` (n, 3); ``k`` scales a 1.70 m head."""
    face = {"nose": (0.0, -0.035, 0.10), "left_eye_inner": (0.015, 0.0, 0.085),
            "left_eye": (0.032, 0.0, 0.08), "left_eye_outer": (0.048, 0.0, 0.07),
            "left_ear": (0.075, -0.02, 0.0), "mouth_left": (0.025, -0.075, 0.085)}
    for name, (x, y, z) in face.items():
        out[:, INDEX[name]] = eyes + np.array([x, y, z]) * k
        mirror = name.replace("left", "right")
        out[:, INDEX[mirror]] = eyes + np.array([-x, y, z]) * k


def rotate_about(points, pivot, ap, ml) -> np.ndarray:
    """Tilt points (n, m, 3) about ``pivot`` (n, 3) by small angles, rad, vectorised:
    ``ap`` forward (about +x), ``ml`` towards the person's left (about -z)."""
    r = points - pivot[:, None, :]
    ca, sa = np.cos(ap)[:, None], np.sin(ap)[:, None]
    cm, sm = np.cos(ml)[:, None], np.sin(ml)[:, None]
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    y, z = y * ca - z * sa, y * sa + z * ca       # forward tilt: up goes to +z
    x, y = x * cm + y * sm, -x * sm + y * cm       # left tilt: up goes to +x
    return np.stack([x, y, z], axis=-1) + pivot[:, None, :]
