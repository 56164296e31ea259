"""An independent Timed Up and Go person (issue 16): sits, stands up, walks to a line 3 m
away, turns, walks back, turns and sits down, filmed by the bench's pinhole camera from
the side or at an angle, with the truth of every event.

Written from the movement, not from ``balance.testing`` or the protocol: the rise and the
sit are ``chair``'s (one stand whose way down comes after the walk); the walk is a pelvis
that speeds up, walks steadily and slows to a stop at the line, its feet placed step by
step (each swing a minimum-jerk move with a lift, the foot landing where the pelvis will
be half a step later), the trunk and pelvis turning about the vertical on the spot while
the feet keep stepping. Timings, speed and cadence are drawn per seed, and so is the
number of steps in the turn at the line (``TURN_STEPS``): the turn lasts that many
turn-step times, each foot lift-and-place centred in its share of the turn, the walking
steps kept clear of it (``CLEAR_S``), so every swing is plainly a walking or a turning one.
The turn before sitting keeps the walking cadence (its steps are not counted).

Person frame as in ``tests.bench.body`` (m; +x the person's left at the start, +y up, +z
forward at the start, towards the line; the ankles start at z = 0). Heading ``psi`` turns
+z towards +x.
"""

from dataclasses import dataclass

import numpy as np

from balance.pose.landmarks import INDEX, N_LANDMARKS
from tests.bench import noise
from tests.bench.body import Body, _head, foot_points, toe_from_flat, two_link
from tests.bench.camera import Camera, landmarks, look_at
from tests.bench.chair import _path, _trunk
from tests.bench.chair import Stand
from tests.bench.motion import ar1, ramp, sway

FINE_S = 0.001  # the walk is integrated on this grid, then read at the frame times
TOE_OUT = np.radians(8.0)
TURN_STEPS = (2, 7)          # steps in the turn at the line: drawn from these, inclusive
TURN_STEP_S = (0.4, 0.6)     # one turn step's share of the turn, s (times the pace)
SWING = 0.78                 # a swing's part of its step time (the rest: both feet down)
CLEAR_S = 0.35               # walking swings' middles at least this far outside the turn, s


@dataclass(frozen=True)
class Tug:
    """One recording's set-up; ``seed`` draws timing, speed and cadence.

    ``view_deg``: the angle between the walkway and the optical axis (90: side view, the
    camera on the person's left at the walkway's middle; 45: ahead and to the left, the
    person walking towards it on the way out; the walk is 90 - ``view_deg`` off the
    picture's plane)."""

    seed: int = 0
    fps: float = 30.0
    view_deg: float = 90.0
    distance_m: float = 4.0       # from the walkway's middle
    camera_height_m: float = 1.0
    image_size: tuple[int, int] = (1280, 720)
    hfov_deg: float = 65.0
    height_m: float = 1.70
    line_m: float = 3.0           # the line, from the front of the chair (the ankles)
    pace: float = 1.0             # durations times this, speed divided by it
    jitter_px: float = 1.0
    jitter_rho: float = 0.5
    lead_s: float = 2.5           # seated still before the first movement


@dataclass(frozen=True)
class Truth:
    """Event times, s: trunk movement, standing reached, first foot off, turn at the line
    starts and ends, the turn before sitting starts, seat contact; the straight parts'
    mean speeds (walk out: standing to turn start; back: turn end to the second turn's
    start), m/s: the pelvis's travel along the walkway over that time, the 3-D walking
    speed whatever the camera's view; the steps of the turn at the line (swings whose middle is inside it:
    the drawn count)."""

    move: float
    up: float
    walk: float
    turn_start: float
    turn_end: float
    turn2_start: float
    turn2_end: float
    contact: float
    speed_out: float
    speed_back: float
    turn_steps: int

    @property
    def total(self) -> float:
        return self.contact - self.move


@dataclass
class Recording:
    tug: Tug
    t: np.ndarray
    image: np.ndarray
    world: np.ndarray
    detected: np.ndarray
    truth: Truth
    camera: Camera
    body: Body


def _speed_profile(fine, start, stop, accel, decel):
    """Walking speed shape 0..1 over [start, stop]: up over ``accel`` s, down over ``decel``."""
    return ramp(fine, start, start + accel) * (1 - ramp(fine, stop - decel, stop))


def _walk(fine, start, stop, distance, rng, pace):
    """Pelvis travel (fine,) m along one straight, from 0 to ``distance``."""
    shape = _speed_profile(fine, start, stop, pace * rng.uniform(0.6, 0.9),
                           pace * rng.uniform(0.5, 0.8))
    x = np.cumsum(shape) * FINE_S
    return distance * x / x[-1]


def _schedule(tug: Tug, body: Body, rng):
    """Event times and the pelvis path: (times dict, fine grid, travel (fine,), psi (fine,))."""
    k = tug.pace
    move = tug.lead_s
    seat_off = move + k * rng.uniform(0.3, 0.55)
    up = seat_off + k * rng.uniform(0.6, 0.9)
    walk = up + k * rng.uniform(0.0, 0.2)
    speed = rng.uniform(0.75, 1.05) / k                       # m/s, steady part
    out = tug.line_m - 0.12                                   # the pelvis stops short of the line
    t_out = out / speed + k * 0.8                             # speeding up and slowing down
    turn_start = walk + t_out - k * rng.uniform(0.0, 0.2)     # turning as it comes to a stop
    # one uniform draw gives both (its whole part the count, its fraction the step time),
    # so the draws after it, and the rest of a seed's person, are those of one draw
    u = rng.uniform() * (TURN_STEPS[1] - TURN_STEPS[0] + 1)
    turn_steps = TURN_STEPS[0] + int(u)
    turn_step = k * (TURN_STEP_S[0] + (u - int(u)) * (TURN_STEP_S[1] - TURN_STEP_S[0]))
    turn_end = turn_start + turn_steps * turn_step
    back0 = turn_end - k * rng.uniform(0.0, 0.2)
    t_back = out / speed + k * 0.8
    turn2_start = back0 + t_back - k * rng.uniform(0.0, 0.2)
    turn2_end = turn2_start + k * rng.uniform(1.3, 2.0)
    down = turn2_end - k * rng.uniform(0.0, 0.3)              # sitting as the turn ends
    contact = down + k * rng.uniform(0.8, 1.1)
    fine = np.arange(0.0, contact + 3.0, FINE_S)
    travel = _walk(fine, walk, walk + t_out, out, rng, k) - _walk(fine, back0, back0 + t_back, out, rng, k)
    psi = np.pi * ramp(fine, turn_start, turn_end) + np.pi * ramp(fine, turn2_start, turn2_end)
    times = dict(move=move, seat_off=seat_off, up=up, walk=walk, turn_start=turn_start,
                 turn_end=turn_end, back0=back0, turn2_start=turn2_start, turn2_end=turn2_end,
                 down=down, contact=contact, out=out, turn_steps=turn_steps,
                 turn_step=turn_step)
    return times, fine, travel, psi


def _steps(times, fine, travel, psi, body: Body, rng, pace):
    """Foot placements: per foot a list of (heel off, lift, land, start (x, z), end (x, z),
    yaw0, yaw1), alternating from the walk's start until both feet are home after the
    second turn. A walking foot lands half a step's travel ahead of the pelvis; a turning
    one where the heading will be at the end of its share of the turn."""
    half = rng.uniform(0.5, 0.58) * pace                     # one walking step, s
    swing = SWING * half

    def at(arr, t):
        return float(np.interp(t, fine, arr))

    def place(t, sign):
        p = at(psi, t)
        left = np.array([np.cos(p), -np.sin(p)])             # the person's left, (x, z)
        centre = np.array([0.0, at(travel, t)])
        return centre + sign * body.stance_half * left, p

    feet = {"left": [], "right": []}
    pos = {s: (np.array([sg * body.stance_half, 0.0]), 0.0) for s, sg in (("left", 1), ("right", -1))}
    side = ["left" if rng.uniform() < 0.5 else "right"]

    def step(lift, length, aim):
        sign = 1.0 if side[0] == "left" else -1.0
        target, yaw = place(aim, sign)
        feet[side[0]].append((lift - 0.3 * length / SWING, lift, lift + length,
                              pos[side[0]][0], target, pos[side[0]][1], yaw))
        pos[side[0]] = (target, yaw)
        side[0] = "right" if side[0] == "left" else "left"

    start, tt = times["turn_start"], times["turn_step"]
    # The walk out: its step time stretched or shrunk (a few %) to a whole number of
    # steps whose last swing's middle is CLEAR_S before the turn, so both feet land near
    # where the pelvis stops; with the drawn step time the trailing foot could stay
    # planted up to a step and a half behind, its leg stretched 50 % past its length.
    room = start - CLEAR_S * pace - times["walk"]
    n_out = max(1, round(room / half - SWING / 2))
    step_out = room / (n_out + SWING / 2)
    for k in range(n_out + 1):
        lift = times["walk"] + k * step_out
        step(lift, SWING * step_out, lift + SWING * step_out + 0.5 * step_out)
    for k in range(times["turn_steps"]):                      # the turn at the line
        lift = start + (k + 0.5) * tt - SWING * tt / 2
        step(lift, SWING * tt, start + (k + 1) * tt)
    t = times["turn_end"] + CLEAR_S * pace - swing / 2        # the walk back and last turn
    stop = times["turn2_end"]
    while t + swing < stop:  # every foot is down by the end of the last turn
        last = t + swing + 2 * half >= stop  # each foot's last step: home, to sit
        step(t, swing, stop if last else t + swing + 0.5 * half)
        t += half
    return feet


HEEL_OFF = np.radians(30.0)  # foot pitch at toe-off, rolled about the toe from heel-off


def _foot_track(moves, home, t, body: Body, toe_out: float):
    """Ankle (n, 3), pitch (n,) and yaw (n,) of a foot following its ``moves``: the heel
    rises about the planted toe, the foot swings (minimum-jerk, with a lift) and lands
    flat as the pitch returns to zero."""
    n = len(t)
    ankle = np.tile([home[0], body.ankle_h, home[1]], (n, 1))
    yaw, pitch = np.zeros(n), np.zeros(n)
    clearance = 0.05 * body.height / 1.7
    for off_t, lift_t, land_t, a, b, y0, y1 in moves:
        flat = np.array([[a[0], body.ankle_h, a[1]]])
        toe = foot_points(body, flat, np.zeros(1), y0 + toe_out)[1]
        roll = (t >= off_t) & (t < lift_t)
        p = HEEL_OFF * ramp(t[roll], off_t, lift_t)
        ankle[roll] = toe_from_flat(body, np.repeat(toe, roll.sum(), axis=0), p, y0 + toe_out)
        pitch[roll] = p
        lifted = toe_from_flat(body, toe, np.array([HEEL_OFF]), y0 + toe_out)[0]
        land = np.array([b[0], body.ankle_h, b[1]])
        u = ramp(t, lift_t, land_t)
        air = t >= lift_t
        ankle[air] = lifted + u[air, None] * (land - lifted)
        ankle[air, 1] += clearance * np.sin(np.pi * np.clip(u[air], 0.0, 1.0))
        pitch[air] = HEEL_OFF * (1 - u[air])
        yaw[air] = y0 + u[air] * (y1 - y0)
        yaw[(t >= off_t) & ~air] = y0
    return ankle, pitch, yaw


def _rot(v, psi):
    """Rotate (n, 3) person-frame vectors about +y by ``psi`` (n,) (+z towards +x)."""
    c, s = np.cos(psi), np.sin(psi)
    return np.stack([v[:, 0] * c + v[:, 2] * s, v[:, 1], -v[:, 0] * s + v[:, 2] * c], axis=1)


def pose(tug: Tug, body: Body, t, rng):
    """The 33 points (n, 33, 3) and the truth."""
    times, fine, travel, psi_f = _schedule(tug, body, rng)
    stand = Stand(times["move"], times["seat_off"], times["up"], times["down"], times["contact"], None)
    beta = np.radians(rng.uniform(-5, 10))
    gamma = np.radians(rng.uniform(-3, 8))
    knee0 = np.array([0.0, body.ankle_h + body.shank * np.cos(beta), body.shank * np.sin(beta)])
    hip0 = knee0 + [0.0, body.thigh * np.sin(gamma), -body.thigh * np.cos(gamma)]
    standing = np.array([0.0, body.hip_y, 0.02])
    n = len(t)
    psi = np.interp(t, fine, psi_f)
    walking = ramp(t, times["walk"], times["walk"] + 0.5) * (1 - ramp(t, times["turn2_end"] - 0.3,
                                                                      times["turn2_end"] + 0.2))
    pelvis = np.zeros((n, 3))
    pelvis[:, 1] = _path(t, [stand], hip0[1], standing[1], "y")
    pelvis[:, 1] -= walking * 0.06 * body.height / 1.7     # knees a little bent while walking
    pelvis[:, 2] = _path(t, [stand], hip0[2], standing[2], "z") + np.interp(t, fine, travel)
    pelvis[:, 0] = sway(t, 0.003, rng)
    feet = _steps(times, fine, travel, psi_f, body, rng, tug.pace)
    ankles = {s: _foot_track(feet[s], np.array([sg * body.stance_half, 0.0]), t, body,
                             sg * TOE_OUT) for s, sg in (("left", 1), ("right", -1))}
    pts = _skeleton(body, pelvis, psi, _trunk(t, [stand], rng), ankles)
    truth = _truth(times, fine, travel, feet)
    return pts, truth


def _truth(times, fine, travel, feet) -> Truth:
    def moved(a, b):
        return abs(float(np.interp(b, fine, travel) - np.interp(a, fine, travel))) / (b - a)
    middles = [(m[1] + m[2]) / 2 for s in feet.values() for m in s]
    return Truth(move=times["move"], up=times["up"], walk=times["walk"],
                 turn_start=times["turn_start"], turn_end=times["turn_end"],
                 turn2_start=times["turn2_start"], turn2_end=times["turn2_end"],
                 contact=times["contact"],
                 speed_out=moved(times["up"], times["turn_start"]),
                 speed_back=moved(times["turn_end"], times["turn2_start"]),
                 turn_steps=sum(times["turn_start"] <= x <= times["turn_end"] for x in middles))


def _skeleton(body: Body, pelvis, psi, trunk, ankles) -> np.ndarray:
    n = len(pelvis)
    out = np.zeros((n, N_LANDMARKS, 3))
    ex = _rot(np.tile([1.0, 0.0, 0.0], (n, 1)), psi)          # the person's left
    fwd = _rot(np.tile([0.0, 0.0, 1.0], (n, 1)), psi)
    up = np.array([0.0, 1.0, 0.0])
    axis = np.cos(trunk)[:, None] * up + np.sin(trunk)[:, None] * fwd  # hip -> shoulder
    mid_sh = pelvis + body.trunk * axis
    arm = body.upper_arm + body.forearm
    for side, sign in (("left", 1.0), ("right", -1.0)):
        hip = pelvis + sign * body.hip_half * ex
        ankle, pitch, yaw = ankles[side]
        knee = two_link(hip, ankle, body.thigh, body.shank, fwd + 0.3 * up)
        heel, toe = (np.empty((n, 3)) for _ in range(2))
        for i in range(n):  # foot_points takes one yaw at a time
            h, tp = foot_points(body, ankle[i:i + 1], pitch[i:i + 1], yaw[i] + sign * TOE_OUT)
            heel[i], toe[i] = h[0], tp[0]
        shoulder = mid_sh + sign * body.shoulder_half * ex
        wrist = shoulder - 0.93 * arm * up + 0.06 * fwd + sign * 0.03 * ex  # arms at the sides
        elbow = two_link(shoulder, wrist, body.upper_arm, body.forearm, -fwd)
        for name, p in (("hip", hip), ("knee", knee), ("ankle", ankle), ("heel", heel),
                        ("foot_index", toe), ("shoulder", shoulder), ("elbow", elbow),
                        ("wrist", wrist)):
            out[:, INDEX[f"{side}_{name}"]] = p
        for name, dx in (("pinky", 0.03), ("index", 0.05), ("thumb", 0.02)):
            out[:, INDEX[f"{side}_{name}"]] = wrist - 0.05 * up + sign * dx * 0.3 * ex
    eyes = mid_sh + body.head * axis
    _face(out, eyes, ex, fwd, body.height / 1.7)
    return out


def _face(out, eyes, ex, fwd, k) -> None:
    """Face points that turn with the person (``body._head`` faces +z only)."""
    tmp = np.zeros_like(out)
    _head(tmp, np.zeros_like(eyes), k)
    for name in ("nose", "left_eye_inner", "left_eye", "left_eye_outer", "left_ear", "mouth_left",
                 "right_eye_inner", "right_eye", "right_eye_outer", "right_ear", "mouth_right"):
        r = tmp[:, INDEX[name]]
        out[:, INDEX[name]] = eyes + r[:, :1] * ex + r[:, 1:2] * [0.0, 1.0, 0.0] + r[:, 2:] * fwd


def camera_for(tug: Tug) -> Camera:
    """The camera ``distance_m`` from the walkway's middle, ``view_deg`` off its line, on the
    person's left, level, aimed at the middle at 0.8 m."""
    a = np.radians(tug.view_deg)
    mid = np.array([0.0, 0.8, tug.line_m / 2])
    pos = mid + tug.distance_m * np.array([np.sin(a), 0.0, np.cos(a)])
    pos[1] = tug.camera_height_m
    return look_at(pos, mid, tug.image_size, tug.hfov_deg)


def generate(tug: Tug) -> Recording:
    rng = np.random.default_rng(tug.seed)
    body = Body.from_height(tug.height_m)
    t_probe = np.arange(0.0, 60.0, 1.0 / tug.fps)
    pts, truth = pose(tug, body, t_probe, rng)
    keep = t_probe <= truth.contact + 1.5
    t, pts = t_probe[keep], pts[keep]
    camera = camera_for(tug)
    hip_mid = pts[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=1)
    image, world = landmarks(camera, pts, hip_mid)
    w, h = tug.image_size
    n = len(t)
    px = noise.jitter(rng, n, tug.jitter_px, tug.jitter_rho, 1.5)
    image[..., 0] += px[..., 0] / w
    image[..., 1] += px[..., 1] / h
    world = world + ar1(rng, (n, N_LANDMARKS, 3), 1.0, tug.jitter_rho) * np.array(noise.WORLD_SD_M)
    vis = noise.visibility(rng, n, image)
    img4 = np.concatenate([image, vis[..., None]], axis=-1).astype(np.float32)
    wld4 = np.concatenate([world, vis[..., None]], axis=-1).astype(np.float32)
    return Recording(tug, t, img4, wld4, np.ones(n, bool), truth, camera, body)
