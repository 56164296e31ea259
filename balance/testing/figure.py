"""The stick figure of `balance.testing.synthetic`: its body, its movements, the camera.

A rigid person facing the camera, built from segment proportions of height (Winter
2009). ``standing_body`` places the 33 landmarks, ``pose_body`` puts the feet where the
stance schedule says and leans the body as an inverted pendulum, the movement functions
(arms, raised leg, trunk, heels, toes, squats, sitting, hands) change an (n, 33, 3) body
in place, and ``project`` / ``to_world`` give MediaPipe's image and world landmarks.

Coordinates: body frame in cm, X to the image right (the person's left side, since they
face the camera), Y up from the floor, Z towards the camera. The image is an orthographic
view from slightly above (points nearer the camera appear a little lower).
"""

import numpy as np

from balance.pose.landmarks import INDEX, N_LANDMARKS

# Segment proportions as fractions of body height (Winter 2009, fig. 4.1).
_NOSE_Y, _EYE_Y, _EAR_Y, _MOUTH_Y = 0.925, 0.936, 0.930, 0.905
_SHOULDER_Y, HIP_Y, KNEE_Y, _ANKLE_Y = 0.818, 0.530, 0.285, 0.039
_SHOULDER_X, HIP_X = 0.120, 0.055
FOOT_LENGTH = 0.152
COM_Y = 0.55  # whole-body centre of mass height, fraction of height
_VIEW_TILT = 0.2  # image drop per cm towards the camera: a camera a little above the hips

ARM_POSES = ("hips", "crossed", "down")


def standing_body(h: float, arms: str) -> np.ndarray:
    """The (33, 3) body-frame positions (cm) of a person standing still."""
    p = np.zeros((N_LANDMARKS, 3))

    def put(name, x, y, z=0.0):
        p[INDEX[name]] = (x * h, y * h, z * h)

    put("nose", 0.0, _NOSE_Y, 0.06)
    for sign, side in ((1, "left"), (-1, "right")):
        put(f"{side}_eye_inner", sign * 0.009, _EYE_Y, 0.05)
        put(f"{side}_eye", sign * 0.019, _EYE_Y, 0.05)
        put(f"{side}_eye_outer", sign * 0.027, _EYE_Y, 0.045)
        put(f"{side}_ear", sign * 0.042, _EAR_Y, 0.0)
        put(f"mouth_{side}", sign * 0.014, _MOUTH_Y, 0.05)
        put(f"{side}_shoulder", sign * _SHOULDER_X, _SHOULDER_Y)
        put(f"{side}_hip", sign * HIP_X, HIP_Y)
        put(f"{side}_knee", sign * HIP_X, KNEE_Y, 0.01)
        put(f"{side}_ankle", sign * HIP_X, _ANKLE_Y)
        put(f"{side}_heel", sign * HIP_X, 0.0, -0.03)
        put(f"{side}_foot_index", sign * (HIP_X + 0.012), 0.0, FOOT_LENGTH - 0.03)
        _put_arm(put, sign, side, arms)
    return p


def _put_arm(put, sign: int, side: str, arms: str) -> None:
    if arms == "hips":
        elbow, wrist = (sign * 0.20, 0.66, -0.02), (sign * 0.10, 0.56, 0.0)
    elif arms == "crossed":
        elbow, wrist = (sign * 0.13, 0.68, 0.06), (-sign * 0.07, 0.74, 0.08)
    else:
        elbow, wrist = (sign * 0.15, 0.63, 0.0), (sign * 0.16, 0.485, 0.01)
    put(f"{side}_elbow", *elbow)
    put(f"{side}_wrist", *wrist)
    hand_dy = -0.02 if arms == "down" else 0.0
    put(f"{side}_pinky", wrist[0] - sign * 0.005, wrist[1] + hand_dy, wrist[2] + 0.01)
    put(f"{side}_index", wrist[0], wrist[1] + hand_dy, wrist[2] + 0.02)
    put(f"{side}_thumb", wrist[0], wrist[1] + hand_dy / 2, wrist[2] + 0.025)


def smoothstep(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


FOOT = {s: [INDEX[f"{s}_{p}"] for p in ("ankle", "heel", "foot_index")] for s in ("left", "right")}


def pose_body(base, raise_cm, theta_ml, theta_ap, h, feet) -> np.ndarray:
    """(n, 33, 3) positions: placed and raised feet, then the pendulum lean above the feet."""
    n = theta_ml.size
    body = np.repeat(base[None], n, axis=0)
    for side, (dx, dz) in feet.items():
        foot, knee = FOOT[side], INDEX[f"{side}_knee"]
        body[:, foot, 0] += dx[:, None]
        body[:, foot, 2] += dz[:, None]
        body[:, knee, 0] += dx / 2
        body[:, knee, 2] += dz / 2
    for side, hgt in raise_cm.items():
        foot, knee = FOOT[side], INDEX[f"{side}_knee"]
        body[:, foot, 1] += hgt[:, None]
        body[:, foot, 2] -= 0.6 * hgt[:, None]  # the shank swings back as the knee bends
        body[:, knee, 2] += 0.5 * hgt
    planted = np.zeros((n, N_LANDMARKS), dtype=bool)
    for side, hgt in raise_cm.items():
        planted[:, FOOT[side]] = (hgt <= 0)[:, None]
    # The lean pivots about the floor: a point at height Y moves by Y * tan(theta), except the
    # landmarks of a foot on the floor, which stay where they stand.
    lean = body[:, :, 1] * (~planted)
    body[:, :, 0] += lean * np.tan(theta_ml)[:, None]
    body[:, :, 2] += lean * np.tan(theta_ap)[:, None]
    return body


def project(body: np.ndarray, px_per_cm: float, size: tuple[int, int]) -> np.ndarray:
    width, height = size
    out = np.zeros(body.shape[:2] + (4,))
    x_px = width / 2 + body[..., 0] * px_per_cm
    y_px = 0.9 * height - (body[..., 1] - _VIEW_TILT * body[..., 2]) * px_per_cm
    out[..., 0] = x_px / width
    out[..., 1] = y_px / height
    out[..., 2] = -(body[..., 2] * px_per_cm) / width  # MediaPipe: smaller z is nearer
    return out


def to_world(body: np.ndarray) -> np.ndarray:
    mid_hip = (body[:, INDEX["left_hip"]] + body[:, INDEX["right_hip"]]) / 2
    rel = (body - mid_hip[:, None]) / 100.0
    out = np.zeros(body.shape[:2] + (4,))
    out[..., 0], out[..., 1], out[..., 2] = rel[..., 0], -rel[..., 1], -rel[..., 2]
    out[..., 3] = 0.97
    return out


def ramp(t: np.ndarray, t0: float, t1: float, edge_s: float) -> np.ndarray:
    """0 outside [t0, t1], 1 inside, with smooth edges of ``edge_s``."""
    return np.minimum(smoothstep((t - t0) / edge_s), smoothstep((t1 - t) / edge_s))


def move_arms(body, t, intervals, h) -> None:
    """Swing both arms from the hips out to 60 deg of abduction during each interval."""
    for t0, t1 in intervals:
        w = ramp(t, t0, t1, 0.3)[:, None]
        for side, sign in (("left", 1.0), ("right", -1.0)):
            sh = body[:, INDEX[f"{side}_shoulder"]]
            out = {"elbow": 0.17 * h, "wrist": 0.32 * h}
            for part in ("elbow", "wrist", "pinky", "index", "thumb"):
                reach = out.get(part, 0.35 * h)
                target = sh + np.array([sign * reach * np.sin(np.pi / 3),
                                        -reach * np.cos(np.pi / 3), 0.0])
                i = INDEX[f"{side}_{part}"]
                body[:, i] = (1 - w) * body[:, i] + w * target


def abduct(body, t, intervals, raise_cm) -> None:
    """Rotate the raised leg 40 deg outwards about its hip in the frontal plane."""
    for t0, t1 in intervals:
        w = ramp(t, t0, t1, 0.3)
        for side, sign in (("left", 1.0), ("right", -1.0)):
            angle = sign * np.radians(40.0) * w * (raise_cm[side] > 0)
            hip = body[:, INDEX[f"{side}_hip"]]
            for i in [INDEX[f"{side}_knee"], *FOOT[side]]:
                dx, dy = body[:, i, 0] - hip[:, 0], body[:, i, 1] - hip[:, 1]
                body[:, i, 0] = hip[:, 0] + dx * np.cos(angle) - dy * np.sin(angle)
                body[:, i, 1] = hip[:, 1] + dx * np.sin(angle) + dy * np.cos(angle)


def rest_foot_on_leg(body, t, intervals, raise_cm) -> None:
    """Bring the raised foot across, against the stance leg's shin (1.5 cm off its axis)."""
    for t0, t1 in intervals:
        w = ramp(t, t0, t1, 0.3)
        for side, sign in (("left", 1.0), ("right", -1.0)):
            other = "right" if side == "left" else "left"
            up = (raise_cm[side] > 0) * w
            shin_x = 0.5 * (body[:, INDEX[f"{other}_ankle"], 0]
                            + body[:, INDEX[f"{other}_knee"], 0])
            shift = (shin_x + sign * 1.5 - body[:, INDEX[f"{side}_ankle"], 0]) * up
            body[:, FOOT[side], 0] += shift[:, None]


_UPPER_BODY = [i for name, i in INDEX.items()
               if not any(p in name for p in ("hip", "knee", "ankle", "heel", "foot_index"))]


def bend(body, t, intervals) -> None:
    """Flex the trunk forward (towards the camera) about the mid-hip, in the sagittal plane:
    everything above the hips rotates; the thigh-trunk angle grows by the bend angle."""
    for item in intervals:
        t0, t1 = item[:2]
        deg = item[2] if len(item) > 2 else 45.0
        a = np.radians(deg) * ramp(t, t0, t1, 0.5)
        hip = 0.5 * (body[:, INDEX["left_hip"]] + body[:, INDEX["right_hip"]])
        dy = body[:, _UPPER_BODY, 1] - hip[:, None, 1]
        dz = body[:, _UPPER_BODY, 2] - hip[:, None, 2]
        c, s = np.cos(a)[:, None], np.sin(a)[:, None]
        body[:, _UPPER_BODY, 1] = hip[:, None, 1] + dy * c - dz * s
        body[:, _UPPER_BODY, 2] = hip[:, None, 2] + dy * s + dz * c


def raise_heels(body, t, items) -> None:
    """Lift a heel off the floor (6 cm; the ankle 4 cm) with the toes down."""
    for side, t0, t1 in items:
        w = ramp(t, t0, t1, 0.2)
        body[:, INDEX[f"{side}_heel"], 1] += 6.0 * w
        body[:, INDEX[f"{side}_ankle"], 1] += 4.0 * w


def raise_toes(body, t, items) -> None:
    """Lift a foot's toes off the floor (5 cm) with the heel down."""
    for side, t0, t1 in items:
        body[:, INDEX[f"{side}_foot_index"], 1] += 5.0 * ramp(t, t0, t1, 0.2)


_ABOVE_KNEES = [i for name, i in INDEX.items()
                if not any(p in name for p in ("knee", "ankle", "heel", "foot_index"))]


def squat(body, t, items, h) -> None:
    """Lower everything above the knees; the knees go forward (and in, if asked)."""
    for item in items:
        t0, t1 = item[:2]
        depth = item[2] if len(item) > 2 else 12.0
        knees_in = item[3] if len(item) > 3 else 0.0
        w = ramp(t, t0, t1, 0.5)
        body[:, _ABOVE_KNEES, 1] -= (depth * w)[:, None]
        for side, sign in (("left", 1.0), ("right", -1.0)):
            k = INDEX[f"{side}_knee"]
            body[:, k, 1] -= 0.3 * depth * w
            body[:, k, 2] += 0.6 * depth * w
            body[:, k, 0] -= sign * knees_in * w


def sit(body, t, items, h) -> None:
    """Sit down on a chair: hips to knee height and back, knees forward."""
    drop = (HIP_Y - KNEE_Y) * h
    for t0, t1 in items:
        w = ramp(t, t0, t1, 0.6)
        body[:, _ABOVE_KNEES, 1] -= (drop * w)[:, None]
        body[:, _ABOVE_KNEES, 2] -= (0.15 * h * w)[:, None]
        for side in ("left", "right"):
            body[:, INDEX[f"{side}_knee"], 2] += 0.1 * h * w


_HANDS = ("wrist", "pinky", "index", "thumb")


def hands_down(body, t, items, h) -> None:
    """Both hands down beside the hips (on the thighs or the chair seat)."""
    for t0, t1 in items:
        w = ramp(t, t0, t1, 0.2)[:, None]
        for side, sign in (("left", 1.0), ("right", -1.0)):
            hip = body[:, INDEX[f"{side}_hip"]]
            target = hip + np.array([sign * 0.04 * h, 0.0, 0.08 * h])
            elbow = INDEX[f"{side}_elbow"]
            body[:, elbow] = (1 - w) * body[:, elbow] + w * (hip + np.array(
                [sign * 0.08 * h, 0.12 * h, 0.0]))
            for part in _HANDS:
                i = INDEX[f"{side}_{part}"]
                body[:, i] = (1 - w) * body[:, i] + w * target


def reach(body, t, items, h) -> None:
    """Functional reach with the left arm: (t_up, t_out, t_back, t_down, cm) items raise
    it forward to shoulder height over [t_up, t_down] (0.5 s edges) and move everything
    above the hips ``cm`` forward over [t_out, t_back] (0.8 s edges): the wrist travels
    exactly ``cm``."""
    for t_up, t_out, t_back, t_down, cm in items:
        w = ramp(t, t_up, t_down, 0.5)[:, None]
        sh = body[:, INDEX["left_shoulder"]]
        for part, ahead in (("elbow", 0.17), ("wrist", 0.32), ("pinky", 0.36), ("index", 0.37),
                            ("thumb", 0.35)):
            i = INDEX[f"left_{part}"]
            body[:, i] = (1 - w) * body[:, i] + w * (sh + np.array([0.0, 0.0, ahead * h]))
        body[:, _UPPER_BODY, 2] += (cm * ramp(t, t_out, t_back, 0.8))[:, None]


def turn_left_side_on(body) -> None:
    """Turn the person a quarter left about the vertical, in place: their left side faces
    the camera and forward is the image's left."""
    x, z = body[..., 0].copy(), body[..., 2].copy()
    body[..., 0], body[..., 2] = -z, x
