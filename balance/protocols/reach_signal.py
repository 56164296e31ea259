"""Functional reach's signal: how far the raised hand is ahead of where it started, in cm.

From the side the reaching arm is ~20 cm nearer the camera than the body, so scaling the
hand's image travel by the body's height (the image scale at the body's depth) would
make it ~7 % too long at 3 m. The reach is therefore measured in two parts, each where
its scale is known: the hips' forward travel in the image (at the body's depth, scaled
by the height, ``BodyTracker.px_per_cm``) plus the wrist's travel relative to the hips
from the pose model's world landmarks (metric and hip-centred, scaled to the person's
height by their 3-D eye-to-heel length, which a tilted camera does not shorten).

Both parts are read along the camera's level x axis and divided by the forward
direction's share of it, taking the hand to travel along forward. The world landmarks'
depth is inferred, not seen: on a real side-view clip (warrior II, arms held level) the
wrist's world z jittered 2-19 times as much as its x (SD about a 0.5 s running median:
x 0.06-0.08 cm, z 0.17-1.1 cm), and at 30 deg off side-on a projection onto forward
takes in half of that depth. The mid-hip is the world origin (within 0.08 cm there).
The price: a hand drifting sideways reads tan(angle) of the drift as reach at an angle
(nothing side-on).

Forward is the raised arm's horizontal direction before the reach (the clinician's
yardstick lies along it). Horizontal is judged against the standing body's axis, mid-ankle
to mid-shoulder, within the plane the camera's level x axis allows, so a hand that drops
as the trunk bends forward does not count as reach, whatever the camera's tilt.
"""

from dataclasses import dataclass

import numpy as np

from balance.core import camera_view
from balance.core.com import EYE_HEIGHT_FRACTION
from balance.pose.landmarks import INDEX

SIDES = ("left", "right")
RAISED_DEG = 25.0     # the shoulder-to-wrist line within this of horizontal: arm at 90 deg
ARM_TORSOS = 0.5      # ... and at least this long in the image (a foreshortened arm is not)
# Looser than the camera check (``camera_view.SIDE_ON_*``), which has already turned the
# person side on: a reach swings the trunk by 20 deg (40-69 deg over a 60 deg stance on the
# bench); what must never count is a person facing the camera (real: yaw under 16 deg,
# shoulder width over torso length in pixels 0.51-0.71).
MIN_TURN_DEG = 30.0
MAX_SHOULDER_RATIO = 0.45
MIN_FORWARD_X = 0.6   # the forward direction's share along the image's x axis, at least


def _i(*names):
    return [INDEX[n] for n in names]


HIPS, SHOULDERS = _i("left_hip", "right_hip"), _i("left_shoulder", "right_shoulder")
ANKLES, EYES, HEELS = _i("left_ankle", "right_ankle"), _i("left_eye", "right_eye"), \
    _i("left_heel", "right_heel")
FOOT = {s: _i(f"{s}_heel", f"{s}_ankle") for s in SIDES}


def _px(image, image_size) -> np.ndarray:
    """Image landmarks in pixels (33, 2) or (n, 33, 2)."""
    return image[..., :2].astype(float) * np.asarray(image_size, float)


def side_on(image, image_size, world=None) -> bool:
    """The person is not facing the camera: turned ``MIN_TURN_DEG`` or more by the world
    landmarks (33, 4) when given and seen, else narrow shoulders in the picture. Facing,
    forward is mostly depth, which the picture cannot measure."""
    if world is not None:
        yaw = camera_view.frame_views(image[None], world[None], image_size)[0][0]
        if np.isfinite(yaw):
            return bool(abs(yaw) >= MIN_TURN_DEG)
    return bool(camera_view.shoulder_ratio(image, image_size) < MAX_SHOULDER_RATIO)


def raised_arm(image, image_size) -> str | None:
    """The arm raised forward to shoulder height ("left"/"right"), the longer in the image
    when both are; None when neither is."""
    px = _px(image, image_size)
    torso = np.hypot(*(px[SHOULDERS].mean(0) - px[HIPS].mean(0)))
    best, length = None, ARM_TORSOS * torso
    for side in SIDES:
        dx, dy = px[INDEX[f"{side}_wrist"]] - px[INDEX[f"{side}_shoulder"]]
        arm = np.hypot(dx, dy)
        if arm > length and np.degrees(np.arctan2(abs(dy), abs(dx))) < RAISED_DEG:
            best, length = side, arm
    return best


def heels_px(image, image_size) -> np.ndarray:
    """Each foot's (left, right) heel-and-ankle height in the image, px up."""
    px = _px(image, image_size)
    return np.array([-px[FOOT[s], 1].mean() for s in SIDES])


@dataclass(frozen=True)
class Start:
    """The start position, read from the frames before the reach.

    side : the reaching arm; hip_x : mid-hip image x, px; wrist_x : the wrist's world x
    (the world origin is the mid-hip), m; forward : horizontal forward unit vector, world
    (3,); world_cm : cm per world metre; heels : ``heels_px`` at the start.
    """

    side: str
    hip_x: float
    wrist_x: float
    forward: np.ndarray
    world_cm: float
    heels: np.ndarray

    @property
    def angle_deg(self) -> float:
        """How far the forward direction turns out of the image plane, deg (0: side-on)."""
        return float(np.degrees(np.arccos(min(1.0, abs(self.forward[0])))))


def read_start(side: str, image, world, image_size, height_cm: float, *,
               arm_world=None) -> Start | None:
    """The start position from standing frames (n, 33, 4) with the arm raised; None when
    the forward direction lies too far out of the image plane to measure. ``arm_world``
    (m, 33, 4), default ``world``: the world landmarks the forward direction is read
    from, which may span longer than the start (the arm raised before it)."""
    w = world[..., :3].astype(float)
    forward = _forward(side, w if arm_world is None else arm_world[..., :3].astype(float))
    if abs(forward[0]) < MIN_FORWARD_X:
        return None
    span = np.median(np.linalg.norm(w[:, EYES].mean(1) - w[:, HEELS].mean(1), axis=1))
    px = _px(image, image_size)
    return Start(side, float(np.median(px[:, HIPS, 0].mean(1))),
                 float(np.median(w[:, INDEX[f"{side}_wrist"], 0])), forward,
                 EYE_HEIGHT_FRACTION * height_cm / float(span),
                 np.median([heels_px(f, image_size) for f in image], axis=0))


def _forward(side: str, w: np.ndarray) -> np.ndarray:
    """The raised arm's level direction, a unit vector, over world frames (n, 33, 3)."""
    body = np.median(w[:, SHOULDERS].mean(1) - w[:, ANKLES].mean(1), axis=0)
    up = np.array([0.0, body[1], body[2]])  # the level camera's x axis is horizontal
    up /= np.linalg.norm(up)
    arm = np.median(w[:, INDEX[f"{side}_wrist"]] - w[:, INDEX[f"{side}_shoulder"]], axis=0)
    flat = arm - (arm @ up) * up
    return flat / np.linalg.norm(flat)


def reach_cm(start: Start, image, world, image_size, px_per_cm: float) -> float:
    """The hand's forward travel from the start, cm: the hips' x travel in the image plus
    the wrist's world x travel (about the mid-hip, the world origin), over the forward
    direction's x share."""
    hips = (_px(image, image_size)[HIPS, 0].mean() - start.hip_x) / px_per_cm
    arm = (float(world[INDEX[f"{start.side}_wrist"], 0]) - start.wrist_x) * start.world_cm
    return float((hips + arm) / start.forward[0])
