"""Is the camera set up for a test? Whole body in view, distance, framing and light.

Qt-free: it looks at one frame's landmarks (and the picture, for light) and says, in
plain words, how the person should move. The set-up assistant asks for a run of good
frames in a row before it lets a test start, so one lucky frame does not count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from balance.core import camera_view
from balance.pose.landmarks import INDEX, VIS

# Everything a balance test watches: head, shoulders, hips, knees, ankles, heels, toes.
BODY_POINTS = np.array([INDEX[n] for n in (
    "nose", "left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_knee",
    "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel",
    "left_foot_index", "right_foot_index")])
FEET = tuple(INDEX[n] for n in ("left_ankle", "right_ankle", "left_heel", "right_heel",
                                "left_foot_index", "right_foot_index"))
MIN_VISIBILITY = 0.5
EDGE = 0.02          # a landmark this close to the border is probably cut off
# The person (nose to heels) should fill this share of the image height: smaller and the
# landmarks get coarse (MediaPipe wants 2-4 m), larger and a sway leaves the frame.
MIN_HEIGHT, MAX_HEIGHT = 0.45, 0.90
# Shoulder width over torso length: ~0.8 facing the camera, ~0.2 side on.
MIN_FACING = 0.45
SIDE_ON_DEG = 60.0  # a yaw beyond this is told "side on", not which way to turn
# Mean brightness (0-255) outside which the picture is too dark or washed out.
DARK, BRIGHT = 50, 215
GOOD_FRAMES_NEEDED = 15  # half a second at 30 fps


@dataclass(frozen=True)
class SetupReport:
    """``ok`` when nothing needs changing; ``advice`` says what to do, most important first."""

    ok: bool
    advice: tuple[str, ...]

    @property
    def message(self) -> str:
        return "Ready: you are in view. Press Start (Space)." if self.ok else self.advice[0]


def assess(landmarks: np.ndarray | None, detected: bool, *, image_size: tuple[int, int],
           brightness: float | None = None, world: np.ndarray | None = None) -> SetupReport:
    """Advice for one frame.

    Parameters
    ----------
    landmarks : (33, 4) float32 image landmarks (x, y normalised, visibility), or None.
    detected : whether a person was found.
    image_size : (width, height) px of the picture: x and y are normalised by different
        lengths on a 16:9 camera, so a ratio of a width to a height needs them.
    brightness : mean grey level of the picture 0-255, or None when there is no picture.
    world : (33, 4) world landmarks, m, or None: with them the check also asks the person
        to turn square to the camera (``camera_view.YAW_LIMIT_DEG``).
    """
    advice = list(_light(brightness))
    if not detected or landmarks is None or not np.isfinite(landmarks[BODY_POINTS, :2]).all():
        advice.insert(0, "I cannot see you. Stand facing the camera, 2 to 3 metres away, "
                         "with your whole body in the picture.")
        return SetupReport(False, tuple(advice))
    pts = landmarks[BODY_POINTS]
    yaw, off_axis, _ = camera_view.frame_views(landmarks[None], None if world is None else world[None],
                                               image_size)
    advice[:0] = (_in_view(landmarks) + _facing(landmarks, image_size, float(yaw[0])) + _distance(pts)
                  + _framing(float(off_axis[0])))
    return SetupReport(not advice, tuple(advice))


def _light(brightness):
    if brightness is None:
        return []
    if brightness < DARK:
        return ["The picture is dark: turn on a light, or face a window."]
    if brightness > BRIGHT:
        return ["The picture is too bright: avoid standing with a window behind you."]
    return []


def _in_view(lm) -> list[str]:
    x, y, vis = lm[:, 0], lm[:, 1], lm[:, VIS]
    feet_out = any(y[i] > 1 - EDGE or not vis[i] >= MIN_VISIBILITY for i in FEET)
    head_out = y[INDEX["nose"]] < EDGE
    if feet_out and head_out:
        return ["Step back: I need to see you from head to feet."]
    if feet_out:
        return ["I cannot see your feet: step back, or tilt the camera down."]
    if head_out:
        return ["Your head is cut off: step back, or tilt the camera up."]
    sides = x[BODY_POINTS]
    if sides.min() < EDGE or sides.max() > 1 - EDGE:
        return ["Part of you is outside the picture: move to the middle."]
    return []


def _facing(lm, image_size, yaw_deg: float) -> list[str]:
    """Turned more than the yaw limit (world landmarks), or, without them, side on: the
    shoulders overlap and their width shrinks against the torso (both in pixels)."""
    if abs(yaw_deg) > SIDE_ON_DEG:  # which way is shorter is a guess this close to side on
        return [f"Turn to face the camera: you stand side on to it ({abs(yaw_deg):.0f} degrees)."]
    if abs(yaw_deg) > camera_view.YAW_LIMIT_DEG:
        # + yaw: the left side is nearer the camera, so turning to the left squares up.
        way = "left" if yaw_deg > 0 else "right"
        return [f"Turn to your {way} to face the camera squarely: you are "
                f"{abs(yaw_deg):.0f} degrees off."]
    px = np.asarray(image_size, dtype=float)
    ls, rs, lh, rh = (lm[INDEX[n], :2] * px for n in ("left_shoulder", "right_shoulder",
                                                      "left_hip", "right_hip"))
    torso = float(np.hypot(*((ls + rs) / 2 - (lh + rh) / 2)))
    width = float(np.hypot(*(ls - rs)))
    if torso > 0 and width / torso < MIN_FACING:
        return ["Turn to face the camera: the tests watch you from the front."]
    return []


def _distance(pts) -> list[str]:
    # Nose to the lowest foot point is ~90 % of standing height.
    span = float(np.nanmax(pts[:, 1]) - np.nanmin(pts[:, 1]))
    if span < MIN_HEIGHT:
        return ["Come a little closer to the camera."]
    if span > MAX_HEIGHT:
        return ["Step back a little from the camera."]
    return []


def _framing(off_axis_deg: float) -> list[str]:
    """Off the optical axis beyond its limit: the picture's horizontal axis then takes in
    front-to-back sway (``camera_view``)."""
    # The picture is not mirrored: image left is the person's right.
    if off_axis_deg < -camera_view.OFF_AXIS_LIMIT_DEG:
        return ["Move a step to your left, towards the middle of the picture."]
    if off_axis_deg > camera_view.OFF_AXIS_LIMIT_DEG:
        return ["Move a step to your right, towards the middle of the picture."]
    return []


class SetupGate:
    """Opens after ``needed`` good frames in a row; one bad frame starts the count again."""

    def __init__(self, needed: int = GOOD_FRAMES_NEEDED):
        self.needed, self.run = needed, 0
        self.report = SetupReport(False, ("Waiting for the camera...",))

    def update(self, report: SetupReport) -> bool:
        self.report = report
        self.run = self.run + 1 if report.ok else 0
        return self.ready

    @property
    def ready(self) -> bool:
        return self.run >= self.needed

    def reset(self) -> None:
        """Start counting again (after a test: the person may have moved)."""
        self.run = 0
