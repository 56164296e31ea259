"""Whether a frame can be scored: one person, whole body in view, the same person as before.

A protocol pauses its timer (never counts, never ends a trial) while the view is bad, and
says why in plain words.
"""

import math
from dataclasses import dataclass

import numpy as np

from balance.pose.landmarks import INDEX

# Landmarks a balance test cannot do without: trunk, legs and feet.
KEY_POINTS = [INDEX[f"{s}_{p}"] for s in ("left", "right")
              for p in ("shoulder", "hip", "knee", "ankle", "heel", "foot_index")]
MIN_VISIBILITY = 0.5
_TRUNK = [INDEX[n] for n in ("left_hip", "right_hip", "left_shoulder", "right_shoulder")]
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

    _last_hip: tuple[float, float] | None = None
    _torso: float | None = None
    _bad_until: float = -np.inf

    def update(self, t_s: float, image: np.ndarray, detected: bool) -> str:
        """The view of this frame: GOOD, NO_PERSON, PARTIAL or OTHER_PERSON."""
        key = image[KEY_POINTS]
        xy = key[:, :2]
        if not detected or not np.isfinite(xy).all():
            self._last_hip = None
            return NO_PERSON
        # NaN visibility fails the >= test: not seen is not visible
        if not (key[:, 3] >= MIN_VISIBILITY).all() or xy.min() < 0 or xy.max() > 1:
            return PARTIAL
        if self._jumped(image):
            self._bad_until = t_s + SETTLE_S
        return OTHER_PERSON if t_s < self._bad_until else GOOD

    def _jumped(self, image: np.ndarray) -> bool:
        """The mid-hip moved, or the torso changed length, more in one frame than a body
        can: compared with the previous frame only, so a slow bend or a step towards the
        camera never counts."""
        (lhx, lhy), (rhx, rhy), (lsx, lsy), (rsx, rsy) = image[_TRUNK, :2].tolist()
        hip = (0.5 * (lhx + rhx), 0.5 * (lhy + rhy))
        torso = math.hypot(0.5 * (lsx + rsx) - hip[0], 0.5 * (lsy + rsy) - hip[1])
        jumped = False
        if self._last_hip is not None and self._torso:
            moved = math.hypot(hip[0] - self._last_hip[0], hip[1] - self._last_hip[1]) / self._torso
            resized = abs(torso / self._torso - 1.0)
            jumped = moved > JUMP_TORSOS or resized > RESIZE_PER_FRAME
        self._last_hip, self._torso = hip, torso
        return jumped
