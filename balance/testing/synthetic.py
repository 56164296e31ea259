"""A parametric standing person, for samples and for tests with known ground truth.

Test and tool code only: nothing in the application imports ``balance.testing``.

The person (the stick figure of `balance.testing.figure`) sways as an inverted pendulum
about the ankles, shifts its weight over the stance foot before a lift, raises the other
foot and puts it down again, all at times the caller chooses. The truth of what it did
comes back with the landmarks, so a detector or a protocol can be checked to the frame.
This module holds the schedule (sway, stances, lifts), the detector trouble and the truth.
"""

from dataclasses import dataclass, field

import numpy as np

from balance.pose.landmarks import INDEX, N_LANDMARKS
from balance.testing import figure as fig

# Feet placements: ankle half-gap (ML) and the front foot's lead (AP), fractions of height.
# Feet together touch (foot width ~0.055 H); semi-tandem puts one instep beside the other's
# big toe (half a foot ahead); tandem is heel to toe (one foot length, 0.152 H, apart).
STANCES = {
    "hip_width": (fig.HIP_X, 0.0),
    "together": (0.03, 0.0),
    "semi_tandem": (0.028, fig.FOOT_LENGTH / 2),
    "tandem": (0.004, fig.FOOT_LENGTH),
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


# Long for its signature and docstring (every knob of the person, 76 lines); the code is 35.
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
    reaches=(),
    side_on=False,
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
    reaches : (t_up, t_out, t_back, t_down, cm) functional reaches with the left arm
        (``figure.reach``).
    side_on : the person turned a quarter left: the left side faces the camera.
    """
    if arms not in fig.ARM_POSES:
        raise ValueError(f"arms must be one of {fig.ARM_POSES}, not {arms!r}")
    lifts = tuple(x if isinstance(x, Lift) else Lift(*x) for x in lifts)
    rng = np.random.default_rng(seed)
    n = int(round(duration_s * fps))
    t = np.arange(n) / fps
    base = fig.standing_body(height_cm, arms)
    raise_cm = {s: _foot_height(t, [x for x in lifts if x.side == s], lift_height_cm)
                for s in ("left", "right")}
    feet = _feet_offsets(t, stances, front_foot, hops, height_cm)
    theta_ml, theta_ap = _sway_angles(t, lifts, sway_cm, single_leg_sway_factor,
                                      height_cm, rng, feet, sway_gains)
    body = fig.pose_body(base, raise_cm, theta_ml, theta_ap, height_cm, feet)
    _move(body, t, height_cm, raise_cm, hands_off=hands_off, abductions=abductions,
          foot_to_leg=foot_to_leg, bends=bends, heel_raises=heel_raises,
          toe_raises=toe_raises, squats=squats, seated=seated, hands_down=hands_down)
    fig.reach(body, t, reaches, height_cm)
    if side_on:
        fig.turn_left_side_on(body)
    px_per_cm = 0.8 * image_size[1] / height_cm
    image, world, detected = _observe(body, t, px_per_cm, image_size, jitter_px, rng,
                                      absent, feet_hidden, second_person)
    com_height = fig.COM_Y * height_cm
    return SyntheticSession(
        t=t,
        image=image.astype(np.float32),
        world=world.astype(np.float32),
        image_size=(image_size[0], image_size[1]),
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


def _move(body: np.ndarray, t: np.ndarray, height_cm: float, raise_cm: dict, *, hands_off,
          abductions, foot_to_leg, bends, heel_raises, toe_raises, squats, seated,
          hands_down) -> None:
    """Apply the scheduled movements to the posed ``body``, in place, in this order."""
    fig.move_arms(body, t, hands_off, height_cm)
    fig.abduct(body, t, abductions, raise_cm)
    fig.rest_foot_on_leg(body, t, foot_to_leg, raise_cm)
    fig.bend(body, t, bends)
    fig.raise_heels(body, t, heel_raises)
    fig.raise_toes(body, t, toe_raises)
    fig.squat(body, t, squats, height_cm)
    fig.sit(body, t, seated, height_cm)
    fig.hands_down(body, t, hands_down, height_cm)


def _observe(body: np.ndarray, t: np.ndarray, px_per_cm: float, image_size: tuple[int, int],
             jitter_px: float, rng: np.random.Generator, absent, feet_hidden,
             second_person) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What the detector reports of ``body``: noisy image and world landmarks (NaN where it
    lost the person) and the per-frame detected flag."""
    n = t.size
    width, height = image_size
    image = fig.project(body, px_per_cm, image_size)
    image[:, :, :2] += rng.normal(0.0, jitter_px, (n, N_LANDMARKS, 2)) / np.array([width, height])
    image[:, :, 3] = np.clip(rng.normal(0.97, 0.01, (n, N_LANDMARKS)), 0.0, 1.0)
    detected = _mess_up(image, body, t, absent, feet_hidden, second_person)
    world = fig.to_world(body)
    # MediaPipe's metric depth is far noisier than its image x, y.
    world[:, :, :3] += rng.normal(0.0, 1.0, (n, N_LANDMARKS, 3)) * np.array([0.003, 0.003, 0.015]) \
        * jitter_px
    world[~detected] = np.nan
    return image, world, detected


def _truth(lift: Lift, fps: float) -> dict:
    return {
        "side": lift.side,
        "lift_frame": int(np.ceil(lift.t_lift * fps - 1e-9)),
        "touchdown_frame": int(np.ceil(lift.t_touchdown * fps - 1e-9)),
    }


def _foot_height(t: np.ndarray, lifts: list[Lift], top_cm: float) -> np.ndarray:
    """Raised-foot height above the floor (cm): up in 0.25 s, down in 0.2 s."""
    up_s, down_s = 0.25, 0.2
    hgt = np.zeros_like(t)
    for x in lifts:
        rise = fig.smoothstep((t - x.t_lift) / up_s)
        fall = fig.smoothstep((x.t_touchdown - t) / down_s)
        hgt = np.maximum(hgt, top_cm * np.minimum(rise, fall))
    return hgt


def _sway_angles(t, lifts, sway_cm, factor, h, rng, feet, sway_gains=()):
    """Pendulum angles (rad) about the ankles, ML and AP: random sway plus the weight
    shift over the stance foot (wherever the stance has put it) before each lift."""
    com_height = fig.COM_Y * h
    single = np.zeros_like(t)
    shift = np.zeros_like(t)
    for x in lifts:
        stance, sign = ("left", 1.0) if x.side == "right" else ("right", -1.0)
        foot_x = sign * fig.HIP_X * h + feet[stance][0]
        into = fig.smoothstep((t - (x.t_lift - 0.6)) / 0.5)
        out = fig.smoothstep((x.t_touchdown + 0.5 - t) / 0.5)
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
        w = fig.smoothstep((t - t0) / 0.5)
        gain = (1 - w) * gain + w * factor
    return gain


def _band_noise(t: np.ndarray, rng) -> np.ndarray:
    """Unit-RMS sway-like noise: sines from 0.1 to 1.2 Hz with random phases, 1/f amplitude."""
    freqs = np.geomspace(0.1, 1.2, 12)
    amps = 1.0 / freqs
    phases = rng.uniform(0, 2 * np.pi, freqs.size)
    x = (amps[:, None] * np.sin(2 * np.pi * freqs[:, None] * t + phases[:, None])).sum(0)
    return x / np.sqrt(0.5 * np.sum(amps**2))


def _feet_offsets(t, stances, front_foot, hops, h) -> dict:
    """Per-side (dx, dz) in cm that move each foot from hip width to the scheduled stance."""
    out = {s: [np.zeros_like(t), np.zeros_like(t)] for s in ("left", "right")}
    prev = STANCES["hip_width"]
    for t0, name in stances:
        gap, lead = STANCES[name]
        w = fig.smoothstep((t - t0) / 0.4)
        for side, sign in (("left", 1.0), ("right", -1.0)):
            dz = lead / 2 if side == front_foot else -lead / 2
            pdz = prev[1] / 2 if side == front_foot else -prev[1] / 2
            out[side][0] += w * sign * (gap - prev[0]) * h
            out[side][1] += w * (dz - pdz) * h
        prev = (gap, lead)
    for t_hop, dx in hops:
        w = fig.smoothstep((t - t_hop) / 0.15)
        for side in out:
            out[side][0] += w * dx
    return out


def _stance_labels(t, stances) -> np.ndarray:
    labels = np.empty(t.size, dtype=object)
    labels[:] = "hip_width"
    for t0, name in stances:
        labels[t >= t0] = name
    return labels


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
