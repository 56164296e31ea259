"""An independent functional-reach person (issue 16): standing side-on to the bench's
pinhole camera, raising the arm nearest it to 90 deg and reaching forward, with the truth
of every reach.

Written from the movement, not from ``balance.testing`` or the protocol: the hand goes
forward by shoulder protraction, a lean of the whole body about the ankles (ankle
strategy) and trunk flexion about the hips with the pelvis going back (hip strategy),
each drawn per attempt; the arm stays level, so the hand drops as the trunk bends. The
truth is the wrist's horizontal forward travel in the room, from the held start position
to its furthest point. A fault makes an attempt step (a foot lifted and put down ahead)
or lift both heels (the feet roll onto the toes) at the far point.

Person frame as in ``tests.bench.body`` (m; +x left, +y up, +z forward; ankles at z = 0).
"""

from dataclasses import dataclass

import numpy as np

from balance.pose.landmarks import INDEX, N_LANDMARKS
from tests.bench import noise
from tests.bench.body import Body, _head, foot_points, rotate_about, toe_from_flat, two_link
from tests.bench.camera import Camera, landmarks, place_camera
from tests.bench.motion import ar1, ramp, sway


@dataclass(frozen=True)
class Reacher:
    """One recording's set-up; ``seed`` draws the rest (timings, strategies, reaches).

    ``yaw_deg`` 90: the camera on the person's left, side-on (the left arm reaches);
    -90 on the right; 60 / 120: 30 deg off side-on towards the front / the back.
    ``faults`` maps an attempt (0-based) to "step" or "heel"."""

    seed: int = 0
    fps: float = 30.0
    attempts: int = 3
    yaw_deg: float = 90.0
    distance_m: float = 3.2
    camera_height_m: float = 1.0
    image_size: tuple[int, int] = (1280, 720)
    hfov_deg: float = 65.0
    height_m: float = 1.70
    hip_share: tuple[float, float] = (10.0, 35.0)   # trunk flexion range, deg
    ankle_share: tuple[float, float] = (2.0, 7.0)   # whole-body lean range, deg
    jitter_px: float = 1.0
    jitter_rho: float = 0.5
    faults: tuple = ()


@dataclass(frozen=True)
class Attempt:
    """Truth of one attempt, s and cm: the arm is up and still over [still, reach),
    the reach goes out to ``far``, comes back by ``back``, the arm is down at ``down``."""

    still: float
    reach: float
    far: float
    back: float
    down: float
    reach_cm: float
    fault: str | None


@dataclass
class Recording:
    reacher: Reacher
    t: np.ndarray
    image: np.ndarray
    world: np.ndarray
    detected: np.ndarray
    attempts: list[Attempt]
    camera: Camera
    body: Body


@dataclass(frozen=True)
class _Plan:
    """The drawn timing and strategy of one attempt: ramps (start, end) s, angles rad, m."""

    raise_: tuple
    out: tuple
    back: tuple
    lower: tuple
    lean: float
    flex: float
    pelvis_back: float
    protract: float
    fault: str | None


def _plans(r: Reacher, rng) -> list[_Plan]:
    out, t = [], 1.0
    faults = dict(r.faults)
    for i in range(r.attempts):
        up = (t, t + rng.uniform(0.6, 1.0))
        go = up[1] + rng.uniform(1.6, 2.6)
        far = go + rng.uniform(1.4, 2.6)
        back0 = far + rng.uniform(0.3, 1.0)
        back = (back0, back0 + rng.uniform(1.2, 2.0))
        low0 = back[1] + rng.uniform(0.2, 0.6)
        lower = (low0, low0 + rng.uniform(0.6, 1.0))
        flex = np.radians(rng.uniform(*r.hip_share))
        out.append(_Plan(up, (go, far), back, lower, np.radians(rng.uniform(*r.ankle_share)),
                         flex, rng.uniform(0.25, 0.5) * np.sin(flex) * 0.45,
                         rng.uniform(0.02, 0.06), faults.get(i)))
        t = lower[1] + rng.uniform(1.5, 3.0)
    return out


def _progress(t, plans):
    """Per frame: arm elevation 0..1, reach progress 0..1, fault progress per kind."""
    arm, reach = np.zeros_like(t), np.zeros_like(t)
    fault = {"step": np.zeros_like(t), "heel": np.zeros_like(t)}
    for p in plans:
        arm += ramp(t, *p.raise_) - ramp(t, *p.lower)
        r = ramp(t, *p.out) - ramp(t, *p.back)
        reach += r
        if p.fault:
            # at the far point: the heels rise as the reach ends; a step is put down ahead
            far = p.out[1]
            fault[p.fault] += ramp(t, far - 0.5, far + 0.1) * (1 - ramp(t, *p.lower))
    return arm, reach, fault


def _per_frame(t, plans, attr):
    """A plan's value (lean, flex...) on the frames of its attempt, 0 elsewhere."""
    out = np.zeros_like(t)
    for p in plans:
        out[(t >= p.raise_[0]) & (t < p.lower[1] + 0.1)] = getattr(p, attr)
    return out


def pose(r: Reacher, body: Body, t, plans, rng) -> np.ndarray:
    """The 33 points (n, 33, 3) of the person reaching."""
    n = len(t)
    arm, reach, fault = _progress(t, plans)
    lean = reach * _per_frame(t, plans, "lean")
    flex = reach * _per_frame(t, plans, "flex")
    back = reach * _per_frame(t, plans, "pelvis_back")
    protract = reach * _per_frame(t, plans, "protract")
    leg = 0.997 * (body.thigh + body.shank)
    pelvis = np.stack([sway(t, 0.003, rng), body.ankle_h + np.sqrt(leg ** 2 - back ** 2),
                       -back + sway(t, 0.004, rng)], axis=1)
    axis = np.stack([np.zeros(n), np.cos(flex), np.sin(flex)], axis=1)  # hip -> shoulder
    core = np.stack([pelvis, pelvis + body.trunk * axis, pelvis + (body.trunk + body.head) * axis])
    pivot = np.tile([0.0, body.ankle_h, 0.0], (n, 1))
    pelvis, mid_sh, eyes = rotate_about(core.transpose(1, 0, 2), pivot, lean, np.zeros(n)).transpose(1, 0, 2)
    out = np.zeros((n, N_LANDMARKS, 3))
    near = "left" if r.yaw_deg > 0 else "right"
    ex = np.array([1.0, 0.0, 0.0])
    for side, sign in (("left", 1.0), ("right", -1.0)):
        _leg(out, body, side, sign, pelvis, t, fault, ex)
        shoulder = mid_sh + sign * body.shoulder_half * ex
        if side == near:
            shoulder = shoulder + protract[:, None] * [0.0, 0.0, 1.0]
            phi = arm * np.pi / 2  # 0 hanging, pi/2 level forward: the arm stays level
            direction = np.stack([np.zeros(n), -np.cos(phi), np.sin(phi)], axis=1)
        else:
            direction = np.tile([0.0, -1.0, 0.05], (n, 1))
            direction /= np.linalg.norm(direction[0])
        _arm(out, body, side, sign, shoulder, direction)
    _head(out, eyes, body.height / 1.7)
    return out


def _leg(out, body, side, sign, pelvis, t, fault, ex) -> None:
    n = len(t)
    yaw = sign * np.radians(8.0)
    home = np.tile([sign * body.stance_half, body.ankle_h, 0.0], (n, 1))
    toe0 = foot_points(body, home[:1], np.zeros(1), yaw)[1][0]
    pitch = np.radians(10.0) * fault["heel"]  # onto the toes: the heels rise ~4.5 cm
    ankle = toe_from_flat(body, np.tile(toe0, (n, 1)), pitch, yaw)
    if side == "right":  # a step forward with the far foot
        s = fault["step"]
        ankle = ankle + np.stack([np.zeros(n), 0.08 * np.sin(np.pi * s), 0.25 * s], axis=1)
    hip = pelvis + sign * body.hip_half * ex
    knee = two_link(hip, ankle, body.thigh, body.shank, np.array([0.0, 0.0, 1.0]))
    heel, toe = foot_points(body, ankle, pitch, yaw)
    for name, p in (("hip", hip), ("knee", knee), ("ankle", ankle), ("heel", heel),
                    ("foot_index", toe)):
        out[:, INDEX[f"{side}_{name}"]] = p


def _arm(out, body, side, sign, shoulder, direction) -> None:
    """A straight arm from the shoulder along ``direction`` (n, 3), the hand a fist."""
    elbow = shoulder + body.upper_arm * direction
    wrist = elbow + body.forearm * direction
    k = body.height / 1.7
    lateral = np.array([sign * 1.0, 0.0, 0.0])
    for name, p in (("shoulder", shoulder), ("elbow", elbow), ("wrist", wrist),
                    ("index", wrist + 0.08 * k * direction - 0.015 * k * lateral),
                    ("pinky", wrist + 0.07 * k * direction + 0.02 * k * lateral),
                    ("thumb", wrist + 0.05 * k * direction - 0.03 * k * lateral)):
        out[:, INDEX[f"{side}_{name}"]] = p


def _truth(t, pts, plans, side) -> list[Attempt]:
    """Each attempt's wrist travel, cm: its furthest forward (z) point over the reach
    minus where it was as the reach began (the hand sways with the body while held)."""
    z = pts[:, INDEX[f"{side}_wrist"], 2]
    out = []
    for p in plans:
        going = (t >= p.out[0]) & (t < p.back[1])
        start = np.interp(p.out[0], t, z)
        out.append(Attempt(p.raise_[1], p.out[0], p.out[1], p.back[1], p.lower[1],
                           100 * float(z[going].max() - start), p.fault))
    return out


def generate(r: Reacher) -> Recording:
    rng = np.random.default_rng(r.seed)
    body = Body.from_height(r.height_m)
    plans = _plans(r, rng)
    t = np.arange(int((plans[-1].lower[1] + 1.5) * r.fps)) / r.fps
    pts = pose(r, body, t, plans, rng)
    camera = place_camera(r.distance_m, r.camera_height_m, 0.5 * body.height, r.yaw_deg,
                          0.0, r.image_size, r.hfov_deg)
    hip_mid = pts[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=1)
    image, world = landmarks(camera, pts, hip_mid)
    w, h = r.image_size
    n = len(t)
    px = noise.jitter(rng, n, r.jitter_px, r.jitter_rho, 1.5)
    image[..., 0] += px[..., 0] / w
    image[..., 1] += px[..., 1] / h
    world = world + ar1(rng, (n, N_LANDMARKS, 3), 1.0, r.jitter_rho) * np.array(noise.WORLD_SD_M)
    vis = noise.visibility(rng, n, image)
    img4 = np.concatenate([image, vis[..., None]], axis=-1).astype(np.float32)
    wld4 = np.concatenate([world, vis[..., None]], axis=-1).astype(np.float32)
    near = "left" if r.yaw_deg > 0 else "right"
    return Recording(r, t, img4, wld4, np.ones(n, bool), _truth(t, pts, plans, near),
                     camera, body)
