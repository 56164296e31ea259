"""One single-leg stance recording of the bench: a seed-driven scenario, its frames, its truth.

``generate(Scenario(...))`` poses the person of ``tests.bench.body`` over time (weight
shift, heel-off, toe-off, a minimum-jerk lift, a hold with weight shifts, the touchdown),
films it with ``tests.bench.camera`` and degrades it with ``tests.bench.noise``.
Truth is toe-off to first contact, on frame times: the first frame with the foot off the
floor and the first frame with it back on.
"""

from dataclasses import dataclass, field, replace

import numpy as np

from tests.bench import noise
from tests.bench.body import Body, foot_points, rotate_about, skeleton, sole_clearance
from tests.bench.camera import Camera, landmarks, place_camera
from tests.bench.motion import FootMove, foot_track, ramp, sway

FEET = {"left": (27, 29, 31), "right": (28, 30, 32)}  # ankle, heel, foot_index


@dataclass(frozen=True)
class Scenario:
    """Everything that defines one recording; ``seed`` drives the remaining detail.

    Times are s from the first frame, lengths m, angles deg. ``stance`` is the standing
    leg. ``style``: "knee" (knee bent, foot behind) or "hip" (hip flexed, foot in front).
    ``lift_at_s`` is the heel-off of the real lift, ``hold_s`` its toe-off to first contact;
    ``cut_after_s`` ends the recording that long after toe-off (a fragment, not a hold).
    ``taps`` and ``fidgets`` come before the lift; a tap's toe rises 2-4 cm, or
    ``tap_clear_m`` (m) when given (the draw is made either way); ``dips``, ``drops``, ``glitches`` are
    counts of visibility dips, dropped detections and one-frame landmark jumps (the first
    of each in the second or two before the lift, the others during the hold).
    ``rest_on_leg_s``: that long after the foot is up it moves onto the standing calf and
    rests there until it is lowered (the test's "foot on leg" end), or None.
    ``step_m``: the lift is a step into a wide stance, no hold: the foot lands that much
    further out to its side, ``hold_s`` after toe-off, and ``step_back_m`` further back
    (away from the way the person faces: further from a camera in front, higher in its
    picture, as stepping back into warrior II); or None.
    """

    seed: int = 0
    fps: float = 30.0
    image_size: tuple[int, int] = (1280, 720)
    hfov_deg: float = 70.0
    distance_m: float = 3.0
    camera_height_m: float = 1.0
    yaw_deg: float = 0.0
    offset_m: float = 0.0
    height_m: float = 1.70
    leg_scale: float = 1.0
    width_scale: float = 1.0
    stance: str = "left"
    style: str = "knee"
    lift_at_s: float = 3.0
    hold_s: float = 8.0
    after_s: float = 2.5
    cap_s: float = 45.0
    cut_after_s: float | None = None
    taps: int = 0
    tap_clear_m: float | None = None
    fidgets: int = 0
    shift_cm: float = 1.5
    sway_mm: float = 4.0
    jitter_px: float = 1.0
    jitter_rho: float = 0.6
    foot_jitter: float = 1.8
    dips: int = 0
    drops: int = 0
    glitches: int = 0
    glitch_px: float = 30.0
    rest_on_leg_s: float | None = None
    step_m: float | None = None
    step_back_m: float = 0.0


@dataclass(frozen=True)
class Hold:
    """A true hold. ``toe_off_s``/``contact_s`` are frame times (``contact_s`` None when
    the recording ends first); ``*_exact_s`` the continuous instants; ``expected_s`` the
    hold time a correct timer reports (capped) and ``end_reason`` why it ends."""

    stance: str
    heel_off_s: float
    toe_off_exact_s: float
    contact_exact_s: float
    toe_off_s: float
    contact_s: float | None
    expected_s: float
    end_reason: str


@dataclass(frozen=True)
class NonAttempt:
    """A foot movement that is not an attempt: "tap", "shuffle", "heel_raise", "cut_off",
    "step"."""

    kind: str
    start_s: float
    end_s: float


@dataclass
class Recording:
    """Frames as ``score_frames`` takes them, plus the truth and the set-up.

    t : (n,) s; image, world : (n, 33, 4) float32, NaN where not detected; detected : (n,).
    raised : (n, 3) the raised foot's ankle in the person frame, m, noise-free.
    """

    scenario: Scenario
    t: np.ndarray
    image: np.ndarray
    world: np.ndarray
    detected: np.ndarray
    holds: list[Hold]
    non_attempts: list[NonAttempt]
    camera: Camera
    body: Body
    points: np.ndarray = field(repr=False, default=None)
    clearance: np.ndarray = field(repr=False, default=None)


def lift_pose(body: Body, style: str, rng) -> tuple[np.ndarray, float]:
    """A raised ankle relative to its hip joint (3,) m and a foot pitch, rad, drawn until
    the sole clears the floor by 12-30 cm (knee bent) or 3-10 cm (hip flexed)."""
    lo, hi = (0.12, 0.30) if style == "knee" else (0.03, 0.10)
    for _ in range(1000):
        if style == "knee":
            thigh, knee, ankle = rng.uniform(0, 20), rng.uniform(65, 100), rng.uniform(10, 30)
        else:
            thigh = rng.uniform(25, 55)
            knee, ankle = thigh + rng.uniform(0, 15), rng.uniform(0, 15)
        a, b = np.radians(thigh), np.radians(thigh - knee)
        rel = np.array([0.0, -body.thigh * np.cos(a) - body.shank * np.cos(b),
                        body.thigh * np.sin(a) + body.shank * np.sin(b)])
        pitch = np.radians(knee - thigh + ankle)
        y = body.hip_y + rel[1]
        sole = y - body.ankle_h * np.cos(pitch) - max(body.toe * np.sin(pitch),
                                                      -body.heel * np.sin(pitch))
        if lo <= sole <= hi:
            return rel, float(pitch)
    raise RuntimeError("no raised pose found")


def _move(kind, t0, rng, pelvis_at, home_toe, rel, up, land_jitter, hold):
    """A FootMove starting (heel-off) at ``t0`` s; ``hold`` s from toe-off to contact."""
    heel = rng.uniform(0.12, 0.25)
    rise, down = min(rng.uniform(0.3, 0.55), hold * 0.45), min(rng.uniform(0.3, 0.5), hold * 0.45)
    off = t0 + heel
    land = home_toe + np.array([rng.uniform(-1, 1) * land_jitter, 0.0,
                                rng.uniform(-1, 1) * land_jitter])
    return FootMove(kind, t0, off, off + rise, off + hold - down, off + hold,
                    off + hold + rng.uniform(0.1, 0.2), rel - pelvis_at, rng.uniform(0.25, 0.45),
                    up, rng.uniform(0.1, 0.3), land)


TAP_PITCH = 0.08  # rad (4.6 deg): a tapping foot in the air is level or slightly toe-down
TAP_ROLL = 0.25   # its heel-off and landing rolls, as a share of a lift's


def _tap(t0, rng, pelvis0, home_toe, home, body: Body, clear: float) -> FootMove:
    """A toe-tap from heel-off at ``t0`` s: the whole foot leaves the floor, its toe tip
    (the lowest point, the foot being toe-down) rises ``clear`` m, 0.2-0.4 s toe-off to
    contact, and lands about where it left. Pitches stay >= 0, so the heel is never below
    the toe and no foot point goes below the floor; the foot does not follow the raised
    foot's wobble (a few mm that would swamp a 2 cm clearance)."""
    ankle_y = clear + body.ankle_h * np.cos(TAP_PITCH) + body.toe * np.sin(TAP_PITCH)
    rel = np.array([home[0], ankle_y, home[2] + 0.02])
    m = _move("tap", t0, rng, pelvis0, home_toe, rel, TAP_PITCH, 0.005, rng.uniform(0.2, 0.4))
    return replace(m, pitch_off=m.pitch_off * TAP_ROLL, pitch_land=m.pitch_land * TAP_ROLL,
                   wobble=0.0)


def _schedule(sc: Scenario, body: Body, rng, home, yaw):
    """The raised foot's moves (pre-lift non-attempts, then the lift) and the truth."""
    toe = foot_points(body, home[None], np.zeros(1), yaw)[1][0]
    pelvis0 = np.array([0.0, body.hip_y, 0.0])
    moves, non = [], []
    t = max(0.4, sc.lift_at_s - 1.4 * (sc.taps + sc.fidgets) - 1.2)
    for i in range(sc.taps + sc.fidgets):
        kind = "tap" if i < sc.taps else ("heel_raise", "shuffle")[(sc.seed + i) % 2]
        clear = {"tap": rng.uniform(0.02, 0.04), "shuffle": 0.008, "heel_raise": 0.0}[kind]
        if kind == "tap":
            clear = clear if sc.tap_clear_m is None else sc.tap_clear_m
            m = _tap(t, rng, pelvis0, toe, home, body, clear)
        else:
            m = _move(kind, t, rng, pelvis0, toe, home + [0.0, clear, 0.02], 0.3,
                      0.03 if kind == "shuffle" else 0.005, rng.uniform(0.2, 0.4))
        moves.append(m)
        non.append(NonAttempt(kind, m.heel_off, m.flat))
        toe, t = m.land, m.flat + rng.uniform(0.5, 0.9)
    side = -1.0 if sc.stance == "left" else 1.0  # the raised hip's side, +x is left
    rel, up = lift_pose(body, sc.style, rng)
    rel = rel + [side * (body.hip_half - 0.015), 0.0, 0.0]
    lift = _move("lift", sc.lift_at_s, rng, np.zeros(3), toe, rel, up, 0.015, sc.hold_s)
    if sc.rest_on_leg_s is not None:
        lift = _rest_on_leg(sc, body, rng, lift, -home[0])  # the stance ankle's x
    if sc.step_m is not None:
        lift = replace(lift, land=lift.land + [side * sc.step_m, 0.0, -sc.step_back_m])
    moves.append(lift)
    return moves, non, lift


def _rest_on_leg(sc: Scenario, body: Body, rng, lift: FootMove, stance_x: float) -> FootMove:
    """The lift with the ankle moved onto the back of the standing calf: mid-calf height,
    9-11 cm behind the standing ankle joint (calf and heel between them), in line with it
    across the body."""
    rest = np.array([stance_x + rng.uniform(-0.01, 0.01), body.ankle_h + rng.uniform(0.45, 0.6) * body.shank,
                     -rng.uniform(0.09, 0.11)])
    start = lift.raised + sc.rest_on_leg_s
    return replace(lift, rest=rest, rest_start=start, rest_end=start + rng.uniform(0.35, 0.5))


def _pelvis(sc: Scenario, body: Body, t, lift: FootMove, rng) -> np.ndarray:
    """Mid-hip path: the weight shift onto the stance leg before heel-off, weight shifts
    during the hold, back to the middle after touchdown; (n, 3) m."""
    to_stance = 1.0 if sc.stance == "left" else -1.0
    shift = to_stance * body.stance_half * rng.uniform(0.6, 0.85)
    start = max(0.1, lift.heel_off - rng.uniform(0.7, 1.0))
    x = shift * ramp(t, start, start + rng.uniform(0.5, 0.65)) * (1 - ramp(t, lift.flat,
                                                                         lift.flat + 0.8))
    k = lift.raised + rng.uniform(1.0, 2.5)
    while k < lift.lower - 0.8:  # a weight shift every few seconds of the hold
        x += rng.uniform(-1, 1) * sc.shift_cm / 100 * ramp(t, k, k + 0.6) \
            * (1 - ramp(t, lift.lower - 0.4, lift.lower))
        k += rng.uniform(1.5, 4.0)
    return np.stack([x, np.full_like(t, body.hip_y), np.zeros_like(t)], axis=1)


def generate(sc: Scenario) -> Recording:
    """The frames and truth of scenario ``sc``."""
    rng = np.random.default_rng(sc.seed)
    body = Body.from_height(sc.height_m, sc.leg_scale, sc.width_scale)
    sign = 1.0 if sc.stance == "left" else -1.0
    stance_home = np.array([sign * body.stance_half, body.ankle_h, 0.0])
    raised_home = np.array([-sign * body.stance_half, body.ankle_h, 0.0])
    yaw = -sign * np.radians(8.0)  # the raised foot's toe-out
    moves, non, lift = _schedule(sc, body, rng, raised_home, yaw)
    end = lift.toe_off + sc.cut_after_s if sc.cut_after_s else lift.flat + sc.after_s
    t = np.arange(int(np.floor(end * sc.fps)) + 1) / sc.fps
    pelvis = _pelvis(sc, body, t, lift, rng)
    wobble = np.stack([sway(t, 0.006, rng, 0.3, 2.0) for _ in range(3)], axis=1)
    raised, r_pitch, aloft = foot_track(body, yaw, raised_home, moves, t, pelvis, wobble)
    n = len(t)
    stance_track = (np.tile(stance_home, (n, 1)), np.zeros(n))
    tracks = (stance_track, (raised, r_pitch)) if sign > 0 else ((raised, r_pitch), stance_track)
    pts = skeleton(body, pelvis, *tracks[0], *tracks[1])
    # Inverted-pendulum sway about the stance ankle, doubled on one leg.
    gain = (1 + aloft) / (0.55 * body.height)  # angle, rad, per m of CoM sway
    ap, ml = (sway(t, sc.sway_mm / 1000, rng) * gain for _ in range(2))
    pivot = np.tile(stance_home, (n, 1))
    moved = rotate_about(pts, pivot, ap, ml)
    feet = list(FEET[sc.stance])
    moved[:, feet] = pts[:, feet]
    other = list(FEET["right" if sc.stance == "left" else "left"])
    moved[:, other] = rotate_about(pts[:, other], pivot, ap * aloft, ml * aloft)
    camera = place_camera(sc.distance_m, sc.camera_height_m, 0.5 * body.height, sc.yaw_deg,
                          sc.offset_m, sc.image_size, sc.hfov_deg)
    hip_mid = moved[:, [23, 24]].mean(axis=1)
    image, world = landmarks(camera, moved, hip_mid)
    holds, non = _truth(sc, t, lift, non)
    image4, world4, detected = noise.degrade(sc, rng, t, image, world, camera, lift)
    clearance = sole_clearance(body, raised, r_pitch)
    return Recording(sc, t, image4, world4, detected, holds, non, camera, body, moved,
                     clearance)


def _truth(sc: Scenario, t, lift: FootMove, non: list) -> tuple[list, list]:
    """Frame-time truth of the lift: a hold, or a non-attempt when the recording cuts it."""
    if sc.cut_after_s:
        return [], non + [NonAttempt("cut_off", lift.heel_off, float(t[-1]))]
    if sc.step_m is not None:
        return [], non + [NonAttempt("step", lift.heel_off, lift.flat)]
    off = float(t[np.argmax(t > lift.toe_off)])
    contact = float(t[np.argmax(t >= lift.contact)])
    held = contact - off
    reason = "cap" if held > sc.cap_s else "touchdown"
    if lift.rest is not None:  # the hold ends when the foot comes to rest on the leg
        held, reason = float(t[np.argmax(t >= lift.rest_end)]) - off, "foot_on_leg"
    return [Hold(sc.stance, lift.heel_off, lift.toe_off, lift.contact, off, contact,
                 min(held, sc.cap_s), reason)], non
