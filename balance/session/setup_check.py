"""Is the camera set up for a test? Whole body in view, the view the test needs (front or
side), distance, framing and light.

Qt-free: it looks at one frame's landmarks (and the picture, for light) and says, in
plain words, how the person should move. The set-up assistant asks for a run of good
frames in a row before it lets a test start, so one lucky frame does not count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from balance.core import camera_view
from balance.pose.landmarks import INDEX, VIS
from balance.protocols.registry import EITHER, FRONT, SIDE

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
# A walk across the picture (the TUG) needs the camera further back; it times the walk
# and reads no sway, so a smaller person will do.
WALK_MIN_HEIGHT = 0.30
# Shoulder width over torso length, both in pixels: 0.6-0.8 facing the camera, ~0.1 side on.
MIN_FACING = 0.45
SIDE_ON_DEG = 60.0  # a yaw beyond this is told "side on", not which way to turn
# A side view: turned at least this far from square (world landmarks), or, without them,
# shoulders narrower than this share of the torso (pixels). Real frames (Pose2Sim's front
# camera, the yoga clip's warrior II) read 0.6-0.7 facing, the yoga clip side on 0.11;
# with the shoulders ~0.65 of the torso square on, 0.40 is about 50 deg turned. The tests
# seen from the side read forward travel across the picture.
SIDE_MIN_DEG = camera_view.SIDE_ON_MIN_DEG
TURN_SIDE = "Turn so your side faces the camera: this test watches you from the side."
TURN_FURTHER = "Turn further so your side faces the camera:"
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
           brightness: float | None = None, world: np.ndarray | None = None,
           view: str = FRONT, min_height: float = MIN_HEIGHT) -> SetupReport:
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
    view : the view the test needs (``registry.FRONT``, ``SIDE`` or ``EITHER``).
    min_height : the least share of the picture's height the person must fill.
    """
    advice = list(_light(brightness))
    if not detected or landmarks is None or not np.isfinite(landmarks[BODY_POINTS, :2]).all():
        stand = "with your side to the camera" if view == SIDE else "facing the camera"
        advice.insert(0, f"I cannot see you. Stand {stand}, 2 to 3 metres away, "
                         "with your whole body in the picture.")
        return SetupReport(False, tuple(advice))
    pts = landmarks[BODY_POINTS]
    yaw, off_axis, _ = camera_view.frame_views(landmarks[None], None if world is None else world[None],
                                               image_size)
    turn = {FRONT: _facing, SIDE: _side_on, EITHER: lambda *_: []}[view]
    # Centring matters only where sway across the picture is read as side to side.
    framing = _framing(float(off_axis[0])) if view == FRONT else []
    advice[:0] = (_in_view(landmarks) + turn(landmarks, image_size, float(yaw[0])) + _distance(pts, min_height)
                  + framing)
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
    if camera_view.shoulder_ratio(lm, image_size) < MIN_FACING:
        return ["Turn to face the camera: this test watches you from the front."]
    return []


def _side_on(lm, image_size, yaw_deg: float) -> list[str]:
    """Side on or angled: turned at least ``SIDE_MIN_DEG`` (world landmarks), else
    shoulders narrow in the picture."""
    if np.isfinite(yaw_deg):
        if abs(yaw_deg) >= SIDE_MIN_DEG:
            return []
        if abs(yaw_deg) <= camera_view.YAW_LIMIT_DEG:  # facing it: no angle worth reading
            return [TURN_SIDE]
        return [f"{TURN_FURTHER} you are turned {abs(yaw_deg):.0f} degrees, "
                f"{SIDE_MIN_DEG:.0f} or more are needed."]
    return [] if camera_view.shoulder_ratio(lm, image_size) < camera_view.SIDE_ON_MAX_RATIO else [TURN_SIDE]


def _distance(pts, min_height: float) -> list[str]:
    # Nose to the lowest foot point is ~90 % of standing height.
    span = float(np.nanmax(pts[:, 1]) - np.nanmin(pts[:, 1]))
    if span < min_height:
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
