"""Where the TUG's 3 m line falls in a side view, and whether the walk fits the picture.

The person stands at the chair, side on to the camera. Their shanks (knee to ankle, in
the picture's plane when seen from the side) give the scale at their distance from the
camera, as the TUG's gait speed does: a shank is ``tug.SHANK_OF_HEIGHT`` of the standing
height. A pinhole camera keeps that scale along a line across the picture at the same
distance (x = cx + f X / Z), so the line 3 m ahead of the person, the way they face,
lies 3 m x pixels-per-metre across the picture, at their feet's height in it. The 3 m
are counted from the heels: standing up from the chair, they are at its front edge.

Whether the walk fits is read in pixels alone: the person and the line, each with room
to turn (``ROOM_M``), inside the picture. How far back the camera must go uses a field
of view (``camera_view.ASSUMED_HFOV_DEG``, a webcam's is rarely known): at distance Z a
picture covers Z tan(hfov / 2) either side of its centre.

The walk is taken as square across the picture. A camera at an angle (the TUG allows one)
sees the walk foreshorten as it goes away: the line drawn is then the 3 m of a square
view, only a guide, and the tape measure settles it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from balance.core.camera_view import ASSUMED_HFOV_DEG
from balance.pose.landmarks import INDEX, VIS

WALK_M = 3.0    # the TUG's distance to the line
ROOM_M = 0.5    # beyond the line (the turn) and behind the person (the chair), m
MIN_VISIBILITY = 0.5
_LEGS = [(INDEX[f"{s}_knee"], INDEX[f"{s}_ankle"]) for s in ("left", "right")]
_TOES = [INDEX["left_foot_index"], INDEX["right_foot_index"]]
_HEELS = [INDEX["left_heel"], INDEX["right_heel"]]
_FEET = _TOES + _HEELS


@dataclass(frozen=True)
class WalkLine:
    """The 3 m line in the picture.

    Attributes
    ----------
    x_px : where the line crosses the walking path, px from the picture's left, 3 m on
        from the heels (may lie outside the picture).
    floor_px : the feet's height in the picture, px from the top: the line's floor point.
    px_per_m : the scale at the person's distance, px per metre.
    direction : +1 when the person faces (and will walk) to the picture's right, -1 left.
    fits : the person and the line, with room to turn, are inside the picture.
    back_m : how much further back the camera must stand for that, m (0 when it fits).
    chair_fits : the walk would fit from where the camera stands, with the chair moved
        towards the picture's other edge.
    """

    x_px: float
    floor_px: float
    px_per_m: float
    direction: int
    fits: bool
    back_m: float
    chair_fits: bool = False

    def message(self) -> str:
        if self.fits:
            return "Put a mark on the floor at the yellow 3 m line: walk to it, turn and come back."
        steps = math.ceil(self.back_m * 2) / 2  # in half metres: a user moves a tripod, not mm
        back = f"move the camera back about {steps:g} m"
        if self.chair_fits:  # the walk goes away from the edge the chair should be near
            edge = "right" if self.direction < 0 else "left"
            return (f"The 3 m line would be outside the picture: put the chair nearer the {edge} "
                    f"edge of the picture, or {back}.")
        return f"The 3 m line would be outside the picture: {back}."


def walk_line(landmarks: np.ndarray, image_size, height_cm: float | None = None, *,
              walk_m: float = WALK_M, hfov_deg: float = ASSUMED_HFOV_DEG) -> WalkLine | None:
    """The line ``walk_m`` ahead of a person standing side on.

    Parameters
    ----------
    landmarks : (33, 4) image landmarks, x and y normalised, visibility in column 3.
    image_size : (width, height), px.
    height_cm : standing height (None: ``DEFAULT_HEIGHT_CM``).
    walk_m : distance to the line, m.
    hfov_deg : horizontal field of view, deg, for ``back_m`` only.

    Returns None when the shanks or feet are not seen.
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    size = np.asarray(image_size, dtype=np.float64)
    if not (lm[[i for leg in _LEGS for i in leg] + _FEET, VIS] >= MIN_VISIBILITY).all():
        return None
    px = lm[:, :2] * size
    shank_px = float(np.mean([np.hypot(*(px[k] - px[a])) for k, a in _LEGS]))
    if not shank_px > 0:
        return None
    # Here, not at the top: the window imports this module before its first frame, and
    # the protocols' modules bring numba (~1 s) with them.
    from balance.protocols.tracking import DEFAULT_HEIGHT_CM
    from balance.protocols.tug import SHANK_OF_HEIGHT

    px_per_m = shank_px / (SHANK_OF_HEIGHT * (height_cm or DEFAULT_HEIGHT_CM) / 100.0)
    direction = 1 if px[_TOES, 0].mean() >= px[_HEELS, 0].mean() else -1  # toes point ahead
    x0 = float(px[_HEELS, 0].mean())
    x_line = x0 + direction * walk_m * px_per_m
    room = ROOM_M * px_per_m
    ends = (x0 - direction * room, x_line + direction * room)
    width = float(size[0])
    fits = all(0.0 <= x <= width for x in ends)
    # The farthest end from the optical axis, m, must lie within Z' tan(hfov / 2).
    half = max(abs(x - width / 2) for x in ends) / px_per_m
    tan = math.tan(math.radians(hfov_deg) / 2)
    now = width / 2 / tan / px_per_m  # the camera's distance now, m (focal px / scale)
    back = 0.0 if fits else max(0.0, half / tan - now)
    chair_fits = abs(ends[1] - ends[0]) <= width
    return WalkLine(x_line, float(px[_FEET, 1].max()), px_per_m, direction, fits, back, chair_fits)
