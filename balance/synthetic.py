"""A parametric standing person, for samples and for tests with known ground truth.

The body is a rigid stick figure of a person facing the camera, built from segment
proportions of height (Winter 2009). It sways as an inverted pendulum about the ankles,
shifts its weight over the stance foot before a lift, raises the other foot and puts it
down again, all at times the caller chooses. The truth of what it did comes back with
the landmarks, so a detector or a protocol can be checked to the frame.

Coordinates: body frame in cm, X to the image right (the person's left side, since they
face the camera), Y up from the floor, Z towards the camera. The image is an orthographic
view from slightly above (points nearer the camera appear a little lower).
"""

from dataclasses import dataclass, field

import numpy as np

from balance.pose.landmarks import INDEX, N_LANDMARKS

# Segment proportions as fractions of body height (Winter 2009, fig. 4.1).
_NOSE_Y, _EYE_Y, _EAR_Y, _MOUTH_Y = 0.925, 0.936, 0.930, 0.905
_SHOULDER_Y, _HIP_Y, _KNEE_Y, _ANKLE_Y = 0.818, 0.530, 0.285, 0.039
_SHOULDER_X, _HIP_X = 0.120, 0.055
_FOOT_LENGTH = 0.152
_COM_Y = 0.55  # whole-body centre of mass height, fraction of height
_VIEW_TILT = 0.2  # image drop per cm towards the camera: a camera a little above the hips

ARM_POSES = ("hips", "crossed", "down")
# Feet placements: ankle half-gap (ML) and the front foot's lead (AP), fractions of height.
# Feet together touch (foot width ~0.055 H); semi-tandem puts one instep beside the other's
# big toe (half a foot ahead); tandem is heel to toe (one foot length, 0.152 H, apart).
STANCES = {
    "hip_width": (_HIP_X, 0.0),
    "together": (0.03, 0.0),
    "semi_tandem": (0.028, _FOOT_LENGTH / 2),
    "tandem": (0.004, _FOOT_LENGTH),
}


@dataclass(frozen=True)
class Lift:
    """One foot lift: which foot leaves the floor, and when it leaves and lands (s)."""

    side: str
    t_lift: float
    t_touchdown: float


@dataclass
class SyntheticSession:
    """Generated landmarks with their ground truth.

    Attributes
    ----------
    t : ndarray, shape (n,), float64
        Frame times in seconds from 0, regular at ``fps``.
    image : ndarray, shape (n, 33, 4), float32
        Image landmarks: x, y normalised to width and height, z, visibility.
    world : ndarray, shape (n, 33, 4), float32
        World landmarks in metres about the mid-hip, y down (MediaPipe's convention).
    image_size : (width, height) in pixels.
    fps, height_cm, px_per_cm : the recording rate, the person's height and the scale.
    lifts : the foot lifts with frame-exact truth in ``truth_frames``.
    truth_frames : list of dict(side, lift_frame, touchdown_frame): the first frame at or
        after the foot leaves the floor, and the first frame at or after it lands.
    com_ml_cm, com_ap_cm : ndarray, shape (n,)
        The true centre-of-mass displacement from its start position (cm; ML positive to
        the person's left, AP positive towards the camera).
    """

    t: np.ndarray
    image: np.ndarray
    world: np.ndarray
    image_size: tuple[int, int]
    fps: float
    height_cm: float
    px_per_cm: float
    lifts: tuple[Lift, ...]
    truth_frames: list[dict] = field(default_factory=list)
    com_ml_cm: np.ndarray | None = None
    com_ap_cm: np.ndarray | None = None
    detected: np.ndarray | None = None
    stance: np.ndarray | None = None


def generate(
    *,
    fps: float = 30.0,
    duration_s: float = 20.0,
    lifts: tuple[Lift, ...] | list = (),
    sway_cm: tuple[float, float] = (0.6, 0.4),
    single_leg_sway_factor: float = 2.0,
    jitter_px: float = 1.0,
    height_cm: float = 170.0,
    image_size: tuple[int, int] = (1280, 720),
    arms: str = "hips",
    lift_height_cm: float = 15.0,
    seed: int = 0,
    stances=((0.0, "hip_width"),),
    front_foot: str = "right",
    hands_off=(),
    hops=(),
    abductions=(),
    foot_to_leg=(),
    absent=(),
    feet_hidden=(),
    second_person=(),
    sway_gains=(),
    bends=(),
    heel_raises=(),
    toe_raises=(),
    squats=(),
    seated=(),
    hands_down=(),
) -> SyntheticSession:
    """Generate a person standing, swaying and lifting feet, with known truth.

    Parameters
    ----------
    fps : frame rate in Hz.
    duration_s : length in seconds.
    lifts : ``Lift`` items (or (side, t_lift, t_touchdown) tuples), side "left"/"right".
    sway_cm : RMS sway of the centre of mass (AP, ML) in cm while on both feet.
    single_leg_sway_factor : sway multiplier while on one foot.
    jitter_px : standard deviation of per-landmark detection noise, image pixels.
    height_cm : the person's height; the figure fills 80 % of the image height.
    arms : "hips" (hands on the iliac crests), "crossed" over the chest, or "down".
    lift_height_cm : how high the raised foot is held.
    seed : seed of the random sway and jitter.
    stances : (t_start_s, name) schedule of feet placements, names in ``STANCES``;
        the feet move to a new placement in 0.4 s.
    front_foot : the leading foot in semi-tandem and tandem.
    hands_off : (t0, t1) intervals with both hands swung off the hips (arms out 60 deg).
    hops : (t_s, dx_cm) stance-foot displacements: planted feet move dx to the person's
        left in 0.15 s and stay there.
    abductions : (t0, t1) intervals with the raised leg swung out sideways 40 deg.
    foot_to_leg : (t0, t1) intervals with the raised foot resting against the stance shin.
    absent : (t0, t1) intervals with nobody in view: NaN landmarks, ``detected`` False.
    feet_hidden : (t0, t1) intervals with the legs below the knees out of the frame.
    second_person : (t0, t1) intervals where the detector jumps to another, shorter
        person standing to the side.
    sway_gains : (t_s, factor) items: from ``t_s`` on the random sway (both axes) is
        ``factor`` times ``sway_cm`` (ramped in 0.5 s), e.g. a larger sway with the eyes
        closed. Factors of later items replace earlier ones.
    bends : (t0, t1) or (t0, t1, deg) intervals with the trunk (head and arms with it)
        flexed forward at the hips by ``deg`` (45 unless given), ramped in 0.5 s. The
        truth ``com_*_cm`` stays the pendulum's: it does not include the bend.
    heel_raises : (side, t0, t1) intervals with that foot's heel 6 cm off the floor (the
        ankle 4 cm, the toes down), ramped in 0.2 s.
    toe_raises : (side, t0, t1) intervals with that foot's toes 5 cm off the floor (the
        heel down), ramped in 0.2 s.
    squats : (t0, t1) or (t0, t1, depth_cm) or (t0, t1, depth_cm, knees_in_cm) mini
        squats: the hips (and all above) lower by ``depth_cm`` (12 unless given), the
        knees bend forward, and ``knees_in_cm`` (0 unless given) moves each knee towards
        the midline (knees caving in: bad form). Ramped in 0.5 s.
    seated : (t0, t1) intervals sitting on a chair: the hips drop to knee height and
        move back, the knees come forward; ramped in 0.6 s (standing up and sitting
        down take that long). Start at a negative t0 to begin seated.
    hands_down : (t0, t1) intervals with both hands down beside the hips (pushing on
        the thighs or the chair), ramped in 0.2 s.
    """
    if arms not in ARM_POSES:
        raise ValueError(f"arms must be one of {ARM_POSES}, not {arms!r}")
    lifts = tuple(x if isinstance(x, Lift) else Lift(*x) for x in lifts)
    rng = np.random.default_rng(seed)
    n = int(round(duration_s * fps))
    t = np.arange(n) / fps
    base = _standing_body(height_cm, arms)
    raise_cm = {s: _foot_height(t, [x for x in lifts if x.side == s], lift_height_cm)
                for s in ("left", "right")}
    feet = _feet_offsets(t, stances, front_foot, hops, height_cm)
    theta_ml, theta_ap = _sway_angles(t, lifts, sway_cm, single_leg_sway_factor,
                                      height_cm, rng, feet, sway_gains)
    body = _pose_body(base, raise_cm, theta_ml, theta_ap, height_cm, feet)
    _move_arms(body, t, hands_off, height_cm)
    _abduct(body, t, abductions, raise_cm)
    _rest_foot_on_leg(body, t, foot_to_leg, raise_cm)
    _bend(body, t, bends)
    _raise_heels(body, t, heel_raises)
    _raise_toes(body, t, toe_raises)
    _squat(body, t, squats, height_cm)
    _sit(body, t, seated, height_cm)
    _hands_down(body, t, hands_down, height_cm)

    width, height = image_size
    px_per_cm = 0.8 * height / height_cm
    image = _project(body, px_per_cm, image_size)
    image[:, :, :2] += rng.normal(0.0, jitter_px, (n, N_LANDMARKS, 2)) / np.array([width, height])
    image[:, :, 3] = np.clip(rng.normal(0.97, 0.01, (n, N_LANDMARKS)), 0.0, 1.0)
    detected = _mess_up(image, body, t, absent, feet_hidden, second_person)
    world = _world(body)
    # MediaPipe's metric depth is far noisier than its image x, y.
    world[:, :, :3] += rng.normal(0.0, 1.0, (n, N_LANDMARKS, 3)) * np.array([0.003, 0.003, 0.015]) \
        * jitter_px
    world[~detected] = np.nan
    com_height = _COM_Y * height_cm
    return SyntheticSession(
        t=t,
        image=image.astype(np.float32),
        world=world.astype(np.float32),
        image_size=(width, height),
        fps=fps,
        height_cm=height_cm,
        px_per_cm=px_per_cm,
        lifts=lifts,
        truth_frames=[_truth(x, fps) for x in lifts],
        com_ml_cm=com_height * np.tan(theta_ml),
        com_ap_cm=com_height * np.tan(theta_ap),
        detected=detected,
        stance=_stance_labels(t, stances),
    )


def _truth(lift: Lift, fps: float) -> dict:
    return {
        "side": lift.side,
        "lift_frame": int(np.ceil(lift.t_lift * fps - 1e-9)),
        "touchdown_frame": int(np.ceil(lift.t_touchdown * fps - 1e-9)),
    }


def _standing_body(h: float, arms: str) -> np.ndarray:
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
        put(f"{side}_hip", sign * _HIP_X, _HIP_Y)
        put(f"{side}_knee", sign * _HIP_X, _KNEE_Y, 0.01)
        put(f"{side}_ankle", sign * _HIP_X, _ANKLE_Y)
        put(f"{side}_heel", sign * _HIP_X, 0.0, -0.03)
        put(f"{side}_foot_index", sign * (_HIP_X + 0.012), 0.0, _FOOT_LENGTH - 0.03)
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


def _smoothstep(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def _foot_height(t: np.ndarray, lifts: list[Lift], top_cm: float) -> np.ndarray:
    """Raised-foot height above the floor (cm): up in 0.25 s, down in 0.2 s."""
    up_s, down_s = 0.25, 0.2
    hgt = np.zeros_like(t)
    for x in lifts:
        rise = _smoothstep((t - x.t_lift) / up_s)
        fall = _smoothstep((x.t_touchdown - t) / down_s)
        hgt = np.maximum(hgt, top_cm * np.minimum(rise, fall))
    return hgt


def _sway_angles(t, lifts, sway_cm, factor, h, rng, feet, sway_gains=()):
    """Pendulum angles (rad) about the ankles, ML and AP: random sway plus the weight
    shift over the stance foot (wherever the stance has put it) before each lift."""
    com_height = _COM_Y * h
    single = np.zeros_like(t)
    shift = np.zeros_like(t)
    for x in lifts:
        stance, sign = ("left", 1.0) if x.side == "right" else ("right", -1.0)
        foot_x = sign * _HIP_X * h + feet[stance][0]
        into = _smoothstep((t - (x.t_lift - 0.6)) / 0.5)
        out = _smoothstep((x.t_touchdown + 0.5 - t) / 0.5)
        shift += foot_x * np.minimum(into, out)
        single = np.maximum(single, ((t >= x.t_lift) & (t < x.t_touchdown)).astype(float))
    gain = 1.0 + (factor - 1.0) * single
    if sway_gains:  # only when asked: keeps the existing outputs bit-identical
        gain = gain * _gain_schedule(t, sway_gains)
    ap = _band_noise(t, rng) * sway_cm[0] * gain
    ml = _band_noise(t, rng) * sway_cm[1] * gain + shift
    return np.arcsin(ml / com_height), np.arcsin(ap / com_height)


def _gain_schedule(t: np.ndarray, items) -> np.ndarray:
    """Sway multiplier per frame from (t_s, factor) items, each ramped in over 0.5 s."""
    gain = np.ones_like(t)
    for t0, factor in sorted(items):
        w = _smoothstep((t - t0) / 0.5)
        gain = (1 - w) * gain + w * factor
    return gain


def _band_noise(t: np.ndarray, rng) -> np.ndarray:
    """Unit-RMS sway-like noise: sines from 0.1 to 1.2 Hz with random phases, 1/f amplitude."""
    freqs = np.geomspace(0.1, 1.2, 12)
    amps = 1.0 / freqs
    phases = rng.uniform(0, 2 * np.pi, freqs.size)
    x = (amps[:, None] * np.sin(2 * np.pi * freqs[:, None] * t + phases[:, None])).sum(0)
    return x / np.sqrt(0.5 * np.sum(amps**2))


_FOOT = {s: [INDEX[f"{s}_{p}"] for p in ("ankle", "heel", "foot_index")] for s in ("left", "right")}


def _pose_body(base, raise_cm, theta_ml, theta_ap, h, feet) -> np.ndarray:
    """(n, 33, 3) positions: placed and raised feet, then the pendulum lean above the feet."""
    n = theta_ml.size
    body = np.repeat(base[None], n, axis=0)
    for side, (dx, dz) in feet.items():
        foot, knee = _FOOT[side], INDEX[f"{side}_knee"]
        body[:, foot, 0] += dx[:, None]
        body[:, foot, 2] += dz[:, None]
        body[:, knee, 0] += dx / 2
        body[:, knee, 2] += dz / 2
    for side, hgt in raise_cm.items():
        foot, knee = _FOOT[side], INDEX[f"{side}_knee"]
        body[:, foot, 1] += hgt[:, None]
        body[:, foot, 2] -= 0.6 * hgt[:, None]  # the shank swings back as the knee bends
        body[:, knee, 2] += 0.5 * hgt
    planted = np.zeros((n, N_LANDMARKS), dtype=bool)
    for side, hgt in raise_cm.items():
        planted[:, _FOOT[side]] = (hgt <= 0)[:, None]
    # The lean pivots about the floor: a point at height Y moves by Y * tan(theta), except the
    # landmarks of a foot on the floor, which stay where they stand.
    lean = body[:, :, 1] * (~planted)
    body[:, :, 0] += lean * np.tan(theta_ml)[:, None]
    body[:, :, 2] += lean * np.tan(theta_ap)[:, None]
    return body


def _project(body: np.ndarray, px_per_cm: float, size: tuple[int, int]) -> np.ndarray:
    width, height = size
    out = np.zeros(body.shape[:2] + (4,))
    x_px = width / 2 + body[..., 0] * px_per_cm
    y_px = 0.9 * height - (body[..., 1] - _VIEW_TILT * body[..., 2]) * px_per_cm
    out[..., 0] = x_px / width
    out[..., 1] = y_px / height
    out[..., 2] = -(body[..., 2] * px_per_cm) / width  # MediaPipe: smaller z is nearer
    return out


def _world(body: np.ndarray) -> np.ndarray:
    mid_hip = (body[:, INDEX["left_hip"]] + body[:, INDEX["right_hip"]]) / 2
    rel = (body - mid_hip[:, None]) / 100.0
    out = np.zeros(body.shape[:2] + (4,))
    out[..., 0], out[..., 1], out[..., 2] = rel[..., 0], -rel[..., 1], -rel[..., 2]
    out[..., 3] = 0.97
    return out


def _ramp(t: np.ndarray, t0: float, t1: float, edge_s: float) -> np.ndarray:
    """0 outside [t0, t1], 1 inside, with smooth edges of ``edge_s``."""
    return np.minimum(_smoothstep((t - t0) / edge_s), _smoothstep((t1 - t) / edge_s))


def _feet_offsets(t, stances, front_foot, hops, h) -> dict:
    """Per-side (dx, dz) in cm that move each foot from hip width to the scheduled stance."""
    out = {s: [np.zeros_like(t), np.zeros_like(t)] for s in ("left", "right")}
    prev = STANCES["hip_width"]
    for t0, name in stances:
        gap, lead = STANCES[name]
        w = _smoothstep((t - t0) / 0.4)
        for side, sign in (("left", 1.0), ("right", -1.0)):
            dz = lead / 2 if side == front_foot else -lead / 2
            pdz = prev[1] / 2 if side == front_foot else -prev[1] / 2
            out[side][0] += w * sign * (gap - prev[0]) * h
            out[side][1] += w * (dz - pdz) * h
        prev = (gap, lead)
    for t_hop, dx in hops:
        w = _smoothstep((t - t_hop) / 0.15)
        for side in out:
            out[side][0] += w * dx
    return out


def _stance_labels(t, stances) -> np.ndarray:
    labels = np.empty(t.size, dtype=object)
    labels[:] = "hip_width"
    for t0, name in stances:
        labels[t >= t0] = name
    return labels


def _move_arms(body, t, intervals, h) -> None:
    """Swing both arms from the hips out to 60 deg of abduction during each interval."""
    for t0, t1 in intervals:
        w = _ramp(t, t0, t1, 0.3)[:, None]
        for side, sign in (("left", 1.0), ("right", -1.0)):
            sh = body[:, INDEX[f"{side}_shoulder"]]
            out = {"elbow": 0.17 * h, "wrist": 0.32 * h}
            for part in ("elbow", "wrist", "pinky", "index", "thumb"):
                reach = out.get(part, 0.35 * h)
                target = sh + np.array([sign * reach * np.sin(np.pi / 3),
                                        -reach * np.cos(np.pi / 3), 0.0])
                i = INDEX[f"{side}_{part}"]
                body[:, i] = (1 - w) * body[:, i] + w * target


def _abduct(body, t, intervals, raise_cm) -> None:
    """Rotate the raised leg 40 deg outwards about its hip in the frontal plane."""
    for t0, t1 in intervals:
        w = _ramp(t, t0, t1, 0.3)
        for side, sign in (("left", 1.0), ("right", -1.0)):
            angle = sign * np.radians(40.0) * w * (raise_cm[side] > 0)
            hip = body[:, INDEX[f"{side}_hip"]]
            for i in [INDEX[f"{side}_knee"], *_FOOT[side]]:
                dx, dy = body[:, i, 0] - hip[:, 0], body[:, i, 1] - hip[:, 1]
                body[:, i, 0] = hip[:, 0] + dx * np.cos(angle) - dy * np.sin(angle)
                body[:, i, 1] = hip[:, 1] + dx * np.sin(angle) + dy * np.cos(angle)


def _rest_foot_on_leg(body, t, intervals, raise_cm) -> None:
    """Bring the raised foot across, against the stance leg's shin (1.5 cm off its axis)."""
    for t0, t1 in intervals:
        w = _ramp(t, t0, t1, 0.3)
        for side, sign in (("left", 1.0), ("right", -1.0)):
            other = "right" if side == "left" else "left"
            up = (raise_cm[side] > 0) * w
            shin_x = 0.5 * (body[:, INDEX[f"{other}_ankle"], 0] + body[:, INDEX[f"{other}_knee"], 0])
            shift = (shin_x + sign * 1.5 - body[:, INDEX[f"{side}_ankle"], 0]) * up
            body[:, _FOOT[side], 0] += shift[:, None]


_UPPER_BODY = [i for name, i in INDEX.items()
               if not any(p in name for p in ("hip", "knee", "ankle", "heel", "foot_index"))]


def _bend(body, t, intervals) -> None:
    """Flex the trunk forward (towards the camera) about the mid-hip, in the sagittal plane:
    everything above the hips rotates; the thigh-trunk angle grows by the bend angle."""
    for item in intervals:
        t0, t1 = item[:2]
        deg = item[2] if len(item) > 2 else 45.0
        a = np.radians(deg) * _ramp(t, t0, t1, 0.5)
        hip = 0.5 * (body[:, INDEX["left_hip"]] + body[:, INDEX["right_hip"]])
        dy = body[:, _UPPER_BODY, 1] - hip[:, None, 1]
        dz = body[:, _UPPER_BODY, 2] - hip[:, None, 2]
        c, s = np.cos(a)[:, None], np.sin(a)[:, None]
        body[:, _UPPER_BODY, 1] = hip[:, None, 1] + dy * c - dz * s
        body[:, _UPPER_BODY, 2] = hip[:, None, 2] + dy * s + dz * c


def _raise_heels(body, t, items) -> None:
    """Lift a heel off the floor (6 cm; the ankle 4 cm) with the toes down."""
    for side, t0, t1 in items:
        w = _ramp(t, t0, t1, 0.2)
        body[:, INDEX[f"{side}_heel"], 1] += 6.0 * w
        body[:, INDEX[f"{side}_ankle"], 1] += 4.0 * w


def _raise_toes(body, t, items) -> None:
    """Lift a foot's toes off the floor (5 cm) with the heel down."""
    for side, t0, t1 in items:
        body[:, INDEX[f"{side}_foot_index"], 1] += 5.0 * _ramp(t, t0, t1, 0.2)


_ABOVE_KNEES = [i for name, i in INDEX.items()
                if not any(p in name for p in ("knee", "ankle", "heel", "foot_index"))]


def _squat(body, t, items, h) -> None:
    """Lower everything above the knees; the knees go forward (and in, if asked)."""
    for item in items:
        t0, t1 = item[:2]
        depth = item[2] if len(item) > 2 else 12.0
        knees_in = item[3] if len(item) > 3 else 0.0
        w = _ramp(t, t0, t1, 0.5)
        body[:, _ABOVE_KNEES, 1] -= (depth * w)[:, None]
        for side, sign in (("left", 1.0), ("right", -1.0)):
            k = INDEX[f"{side}_knee"]
            body[:, k, 1] -= 0.3 * depth * w
            body[:, k, 2] += 0.6 * depth * w
            body[:, k, 0] -= sign * knees_in * w


def _sit(body, t, items, h) -> None:
    """Sit down on a chair: hips to knee height and back, knees forward."""
    drop = (_HIP_Y - _KNEE_Y) * h
    for t0, t1 in items:
        w = _ramp(t, t0, t1, 0.6)
        body[:, _ABOVE_KNEES, 1] -= (drop * w)[:, None]
        body[:, _ABOVE_KNEES, 2] -= (0.15 * h * w)[:, None]
        for side in ("left", "right"):
            body[:, INDEX[f"{side}_knee"], 2] += 0.1 * h * w


_HANDS = ("wrist", "pinky", "index", "thumb")


def _hands_down(body, t, items, h) -> None:
    """Both hands down beside the hips (on the thighs or the chair seat)."""
    for t0, t1 in items:
        w = _ramp(t, t0, t1, 0.2)[:, None]
        for side, sign in (("left", 1.0), ("right", -1.0)):
            hip = body[:, INDEX[f"{side}_hip"]]
            target = hip + np.array([sign * 0.04 * h, 0.0, 0.08 * h])
            elbow = INDEX[f"{side}_elbow"]
            body[:, elbow] = (1 - w) * body[:, elbow] + w * (hip + np.array(
                [sign * 0.08 * h, 0.12 * h, 0.0]))
            for part in _HANDS:
                i = INDEX[f"{side}_{part}"]
                body[:, i] = (1 - w) * body[:, i] + w * target


_LOWER_LEGS = [INDEX[f"{s}_{p}"] for s in ("left", "right")
               for p in ("ankle", "heel", "foot_index")]


def _mess_up(image, body, t, absent, feet_hidden, second_person) -> np.ndarray:
    """Apply detector trouble in place; return the per-frame ``detected`` flags."""
    detected = np.ones(t.size, dtype=bool)
    for t0, t1 in feet_hidden:
        m = (t >= t0) & (t < t1)
        image[np.ix_(m, _LOWER_LEGS, [1])] += 0.2  # below the bottom edge
        image[np.ix_(m, _LOWER_LEGS, [3])] = 0.05
    for t0, t1 in second_person:
        m = (t >= t0) & (t < t1)
        mid = image[m][:, :, :2].mean(axis=1, keepdims=True)
        other = image[m].copy()
        other[:, :, :2] = mid + 0.85 * (other[:, :, :2] - mid) + np.array([0.3, 0.05])
        image[m] = other
    for t0, t1 in absent:
        m = (t >= t0) & (t < t1)
        image[m] = np.nan
        detected[m] = False
    return detected
