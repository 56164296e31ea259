"""An independent sit-to-stand person (issue 16): a seated body that stands up and sits
down, filmed by the bench's pinhole camera, with the truth of every event.

Written from the biomechanics of the movement, not from ``balance.testing`` or the
detector: a stand is a trunk flexion (the shoulders go forward while the hips stay on the
seat), then seat-off, the hips travelling forward first and up later while the trunk
comes back upright, a short stand, and the way down (trunk forward again, the hips back
and down onto the seat, the trunk upright after contact). Every stage is a minimum-jerk
move with durations drawn per stand, so the person is never the same twice.

Person frame as in ``tests.bench.body`` (m; +x left, +y up, +z forward; the ankles are
at z = 0).
"""

from dataclasses import dataclass, replace

import numpy as np

from balance.pose.landmarks import INDEX, N_LANDMARKS
from tests.bench import noise
from tests.bench.body import Body, _head, foot_points, two_link
from tests.bench.camera import Camera, landmarks, place_camera
from tests.bench.motion import ar1, ramp, sway


@dataclass(frozen=True)
class Chair:
    """One recording's set-up; ``seed`` draws the rest (timing, seat, shank tilt).

    ``faults`` maps a stand (0-based) to "hands" (pushing on the thighs), "partial"
    (knees still ``PARTIAL_KNEE`` deg bent at the top) or "no_seat" (the way down stops
    ``hover_m`` above the seat and the next stand starts from there)."""

    seed: int = 0
    fps: float = 30.0
    stands: int = 5
    yaw_deg: float = 0.0          # 0: camera in front; 90: from the person's left side
    distance_m: float = 3.0
    camera_height_m: float = 1.0
    image_size: tuple[int, int] = (1280, 720)
    hfov_deg: float = 65.0
    height_m: float = 1.70
    thigh_ratio: float = 1.0      # thigh / shank length
    pace: float = 1.0             # durations times this (0.7 brisk, 1.5 slow)
    jitter_px: float = 1.0
    jitter_rho: float = 0.5
    lead_s: float = 2.0           # seated still before the first movement
    faults: tuple = ()            # ((stand index, kind), ...)
    hover_m: float = 0.12         # no_seat: the hips stop this far above the seat


@dataclass(frozen=True)
class Stand:
    """Truth of one stand, s: trunk movement starts, hips leave the seat, standing is
    reached, the way down starts, the hips are back on the seat (None: it never sat)."""

    move: float
    seat_off: float
    up: float
    down: float
    contact: float | None
    fault: str | None


@dataclass
class Recording:
    chair: Chair
    t: np.ndarray
    image: np.ndarray
    world: np.ndarray
    detected: np.ndarray
    stands: list[Stand]
    camera: Camera
    body: Body

    @property
    def good_contacts(self) -> list[float]:
        return [s.contact for s in self.stands if s.fault is None]

    @property
    def start_s(self) -> float:
        return self.stands[0].move


def person(chair: Chair) -> Body:
    """The bench's body with the thigh ``thigh_ratio`` times the shank (same leg length)."""
    b = Body.from_height(chair.height_m)
    leg = b.thigh + b.shank
    shank = leg / (1 + chair.thigh_ratio)
    return replace(b, thigh=leg - shank, shank=shank)


def _schedule(chair: Chair, rng) -> list[Stand]:
    """Event times of every stand, drawn per stand."""
    out, t = [], chair.lead_s
    faults = dict(chair.faults)
    for i in range(chair.stands):
        k = chair.pace
        seat_off = t + k * rng.uniform(0.3, 0.55)
        up = seat_off + k * rng.uniform(0.6, 0.9)
        down = up + k * rng.uniform(0.1, 0.5)
        contact = down + k * rng.uniform(0.7, 1.0)
        fault = faults.get(i)
        out.append(Stand(t, seat_off, up, down, None if fault == "no_seat" else contact, fault))
        t = contact + k * rng.uniform(0.1, 0.5)
    return out


PARTIAL_KNEE = 50  # partial: the knees are still this bent (deg) at the top


def _path(t, stands, seated: float, standing: float, which: str, top_partial: float = 1.0,
          hover: float = 0.0):
    """One hip coordinate over time: ``which`` "z" (forward: leads on the way up, leads
    going back on the way down) or "y" (up: the contact is the end of its way down).
    ``top_partial``, ``hover``: a partial stand's top and a no_seat's low point, as
    fractions of the way from ``seated`` to ``standing``."""
    p, level = np.zeros_like(t), 0.0
    for s in stands:
        top = top_partial if s.fault == "partial" else 1.0
        span = s.up - s.seat_off
        a, b = (s.seat_off - 0.1 * span, s.up - 0.3 * span) if which == "z" else (s.seat_off, s.up)
        end = s.contact if s.contact is not None else s.down + 0.6 * span
        d = end - s.down
        c, e = (s.down, end - 0.2 * d) if which == "z" else (s.down + 0.15 * d, end)
        low = 0.0 if s.contact is not None else hover
        m = t >= a
        p[m] = level + (top - level) * ramp(t[m], a, b)
        m = t >= c
        p[m] = top + (low - top) * ramp(t[m], c, e)
        level = low
    return seated + (standing - seated) * p


def _trunk(t, stands, rng) -> np.ndarray:
    """Trunk flexion from vertical, rad: forward before seat-off and on the way down."""
    a = np.full_like(t, np.radians(rng.uniform(3, 8)))
    for s in stands:
        lean = np.radians(rng.uniform(30, 45))
        up = ramp(t, s.move, s.seat_off + 0.1) * (1 - ramp(t, s.seat_off + 0.1, s.up))
        end = s.contact if s.contact is not None else s.down + 0.8
        down = ramp(t, s.down, s.down + 0.5 * (end - s.down)) * (1 - ramp(t, end, end + 0.4))
        a = a + lean * up + 0.7 * lean * down
    return a


def pose(chair: Chair, body: Body, t, stands, rng) -> np.ndarray:
    """The 33 points (n, 33, 3) of the person sitting and standing."""
    beta = np.radians(rng.uniform(-5, 12))    # shank tilt, knee ahead of the ankle
    gamma = np.radians(rng.uniform(-3, 8))    # thigh slope, hip above the knee
    knee0 = np.array([0.0, body.ankle_h + body.shank * np.cos(beta), body.shank * np.sin(beta)])
    hip0 = knee0 + [0.0, body.thigh * np.sin(gamma), -body.thigh * np.cos(gamma)]
    standing = np.array([0.0, body.hip_y, 0.02])
    bent = two_link_height(body, np.radians(PARTIAL_KNEE))  # the partial stand's hip height
    n = len(t)
    rise = standing - hip0
    pelvis = np.zeros((n, 3))
    pelvis[:, 2] = _path(t, stands, hip0[2], standing[2], "z", 1.0, chair.hover_m / rise[1])
    pelvis[:, 1] = _path(t, stands, hip0[1], standing[1], "y", (bent - hip0[1]) / rise[1],
                         chair.hover_m / rise[1])
    pelvis[:, 0] = sway(t, 0.003, rng)
    trunk = _trunk(t, stands, rng)
    hands = np.zeros(n)
    for s in stands:
        if s.fault == "hands":
            hands = np.maximum(hands, ramp(t, s.move, s.seat_off) * (1 - ramp(t, s.up, s.up + 0.3)))
    return _skeleton(body, pelvis, trunk, hands)


def two_link_height(body: Body, knee_bend: float) -> float:
    """Hip height with the shank vertical and the knee bent ``knee_bend`` rad."""
    return body.ankle_h + body.shank + body.thigh * np.cos(knee_bend)


def _skeleton(body: Body, pelvis, trunk, hands) -> np.ndarray:
    n = len(pelvis)
    out = np.zeros((n, N_LANDMARKS, 3))
    ex = np.array([1.0, 0.0, 0.0])
    axis = np.stack([np.zeros(n), np.cos(trunk), np.sin(trunk)], axis=1)  # hip -> shoulder
    mid_sh = pelvis + body.trunk * axis
    front = np.stack([np.zeros(n), -np.sin(trunk), np.cos(trunk)], axis=1)
    chest = pelvis + 0.75 * body.trunk * axis + 0.1 * front
    for side, sign in (("left", 1.0), ("right", -1.0)):
        hip = pelvis + sign * body.hip_half * ex
        ankle = np.tile([sign * body.stance_half, body.ankle_h, 0.0], (n, 1))
        knee = two_link(hip, ankle, body.thigh, body.shank, np.array([0.0, 0.3, 1.0]))
        heel, toe = foot_points(body, ankle, np.zeros(n), sign * np.radians(10.0))
        shoulder = mid_sh + sign * body.shoulder_half * ex
        crossed = chest - sign * 0.07 * ex             # on the other side's chest
        on_thigh = 0.5 * (hip + knee) + [0.0, 0.06, 0.0]  # pushing on the thigh
        wrist = crossed + hands[:, None] * (on_thigh - crossed)
        elbow = two_link(shoulder, wrist, body.upper_arm, body.forearm,
                         np.array([sign * 1.0, -0.5, 0.2]))
        for name, p in (("hip", hip), ("knee", knee), ("ankle", ankle), ("heel", heel),
                        ("foot_index", toe), ("shoulder", shoulder), ("elbow", elbow),
                        ("wrist", wrist)):
            out[:, INDEX[f"{side}_{name}"]] = p
        for name, dx in (("pinky", 0.03), ("index", 0.05), ("thumb", 0.02)):
            out[:, INDEX[f"{side}_{name}"]] = wrist - sign * dx * ex
    _head(out, mid_sh + body.head * axis, body.height / 1.7)
    return out


def generate(chair: Chair) -> Recording:
    rng = np.random.default_rng(chair.seed)
    body = person(chair)
    stands = _schedule(chair, rng)
    last = stands[-1].contact or stands[-1].down + 1.0
    t = np.arange(int((last + 1.5) * chair.fps)) / chair.fps
    pts = pose(chair, body, t, stands, rng)
    camera = place_camera(chair.distance_m, chair.camera_height_m, 0.45 * body.height,
                          chair.yaw_deg, 0.0, chair.image_size, chair.hfov_deg)
    hip_mid = pts[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=1)
    image, world = landmarks(camera, pts, hip_mid)
    w, h = chair.image_size
    n = len(t)
    px = noise.jitter(rng, n, chair.jitter_px, chair.jitter_rho, 1.5)
    image[..., 0] += px[..., 0] / w
    image[..., 1] += px[..., 1] / h
    world = world + ar1(rng, (n, N_LANDMARKS, 3), 1.0, chair.jitter_rho) * np.array(noise.WORLD_SD_M)
    vis = noise.visibility(rng, n, image)
    img4 = np.concatenate([image, vis[..., None]], axis=-1).astype(np.float32)
    wld4 = np.concatenate([world, vis[..., None]], axis=-1).astype(np.float32)
    return Recording(chair, t, img4, wld4, np.ones(n, bool), stands, camera, body)
