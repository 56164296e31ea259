"""Whether a frame can be scored: one person, whole body in view, the same person as before.

A protocol pauses its timer (never counts, never ends a trial) while the view is bad, and
says why in plain words.
"""

from dataclasses import dataclass

import numpy as np

from balance.pose.landmarks import INDEX

# Landmarks a balance test cannot do without: trunk, legs and feet.
KEY_POINTS = [INDEX[f"{s}_{p}"] for s in ("left", "right")
              for p in ("shoulder", "hip", "knee", "ankle", "heel", "foot_index")]
MIN_VISIBILITY = 0.5
# A jump of the mid-hip by this many torso lengths in one frame is not a body moving: the
# detector has switched to someone else (or lost the person).
JUMP_TORSOS = 0.35
RESIZE_PER_FRAME = 0.25  # nor a torso 25 % longer or shorter than on the frame before
# (a fast 45 deg bend shortens it ~13 % a frame at 15 fps)
SETTLE_S = 0.5  # how long the view must stay good after a jump before scoring resumes

GOOD, NO_PERSON, PARTIAL, OTHER_PERSON = "good", "no_person", "partial", "other_person"
MESSAGES = {
    NO_PERSON: "No one in view: step into the picture.",
    PARTIAL: "Your whole body must be in view, feet included: step back or tilt the camera.",
    OTHER_PERSON: "Someone else is in view: only one person in the picture, please.",
}


@dataclass
class ViewCheck:
    """Classifies each frame's view; feed frames in time order."""

    _last_hip: np.ndarray | None = None
    _torso: float | None = None
    _bad_until: float = -np.inf

    def update(self, t_s: float, image: np.ndarray, detected: bool) -> str:
        """The view of this frame: GOOD, NO_PERSON, PARTIAL or OTHER_PERSON."""
        if not detected or not np.isfinite(image[KEY_POINTS, :2]).all():
            self._last_hip = None
            return NO_PERSON
        vis = image[KEY_POINTS, 3]
        xy = image[KEY_POINTS, :2]
        if (np.nan_to_num(vis) < MIN_VISIBILITY).any() or (xy < 0).any() or (xy > 1).any():
            return PARTIAL
        if self._jumped(image):
            self._bad_until = t_s + SETTLE_S
        return OTHER_PERSON if t_s < self._bad_until else GOOD

    def _jumped(self, image: np.ndarray) -> bool:
        """The mid-hip moved, or the torso changed length, more in one frame than a body
        can: compared with the previous frame only, so a slow bend or a step towards the
        camera never counts."""
        hip = image[[INDEX["left_hip"], INDEX["right_hip"]], :2].mean(axis=0)
        shoulder = image[[INDEX["left_shoulder"], INDEX["right_shoulder"]], :2].mean(axis=0)
        torso = float(np.hypot(*(shoulder - hip)))
        jumped = False
        if self._last_hip is not None and self._torso:
            moved = float(np.hypot(*(hip - self._last_hip))) / self._torso
            resized = abs(torso / self._torso - 1.0)
            jumped = moved > JUMP_TORSOS or resized > RESIZE_PER_FRAME
        self._last_hip, self._torso = hip, torso
        return jumped
