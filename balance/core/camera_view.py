"""Where the camera stands: how far the person is turned from square to it, and off-centre.

The horizontal image axis is medio-lateral (ML) only when the camera looks at the person
square on. Turned by a yaw a, the horizontal sway in the picture is ML cos a + AP sin a;
standing off the optical axis by an angle b adds AP tan b in the same way (a pinhole sees
motion across the line of sight). Limits and how they were measured: docs/clinical.md,
section 8.

* **Yaw** comes from the world landmarks (metres, mid-hip origin, x right, y down, z away
  from the camera): the axis through the hips and the one through the shoulders, in the
  horizontal x-z plane, averaged as axes (doubled angles), so a left/right label swap or
  a back view gives the same axis. 0 deg is square on (front or back), +-90 side on;
  positive when the person's left side is nearer the camera (the camera sits to their
  left). Over frames: the axial mean again (square on, the frames' noise averages out
  rather than reading as a turn; side on, +89 and -89 stay 90).
* **Off-centre**: the mid-hip's horizontal distance from the image centre, px, as cm at
  the person's distance (``px_per_cm``) and as an angle off the optical axis from an
  assumed field of view (``ASSUMED_HFOV_DEG``: a webcam's is rarely known). Positive:
  image right of the centre.

The image landmarks' widths (shoulders against height) were tried too and fail: on the
Pose2Sim views the shoulder width moved 4 % between 5 and 53 deg of yaw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from balance.pose.landmarks import INDEX, VIS

#: Turn from square beyond which the horizontal axis is not called medio-lateral, deg.
YAW_LIMIT_DEG = 15.0
#: Turn from square from which on the person is seen from the side (functional reach, TUG), deg.
SIDE_ON_MIN_DEG = 45.0
#: Without world landmarks: shoulder width over torso length in pixels below which the
#: person is side on. Facing, it is 0.5-0.7 on real people (the shoulder landmarks sit
#: inside the shoulders), side on about 0.1; 0.40 is about 50 deg turned.
SIDE_ON_MAX_RATIO = 0.40
#: Angle off the optical axis beyond which it is not either, deg.
OFF_AXIS_LIMIT_DEG = 15.0
#: Horizontal field of view assumed for the off-axis angle, deg (a laptop webcam's 60-78).
ASSUMED_HFOV_DEG = 70.0
MIN_VISIBILITY = 0.5
_LINES = ((INDEX["left_hip"], INDEX["right_hip"]), (INDEX["left_shoulder"], INDEX["right_shoulder"]))
_HIPS = [INDEX["left_hip"], INDEX["right_hip"]]


@dataclass(frozen=True)
class CameraView:
    """The view of a stretch of frames.

    Attributes
    ----------
    yaw_deg : turn from square, deg, -90..90 (see the module docstring); NaN without
        world landmarks.
    off_axis_deg : the person's angle off the optical axis, deg, + image right.
    offset_cm : the same as a distance at the person, cm; None without a scale.
    frames : frames the estimate rests on.
    """

    yaw_deg: float
    off_axis_deg: float
    offset_cm: float | None
    frames: int

    @property
    def medio_lateral(self) -> bool | None:
        """Whether the horizontal image axis may be called medio-lateral: None when the
        yaw is unknown (no world landmarks) and the person stands within the off-axis limit."""
        if abs(self.off_axis_deg) > OFF_AXIS_LIMIT_DEG:
            return False
        if not math.isfinite(self.yaw_deg):
            return None
        return abs(self.yaw_deg) <= YAW_LIMIT_DEG

    def problems(self) -> list[str]:
        """What is wrong with the view, in plain words (empty when nothing is)."""
        out = []
        if abs(self.yaw_deg) > YAW_LIMIT_DEG:
            out.append(f"the camera sees you {abs(self.yaw_deg):.0f} deg from square "
                       f"(limit {YAW_LIMIT_DEG:g})")
        if abs(self.off_axis_deg) > OFF_AXIS_LIMIT_DEG:
            where = "" if self.offset_cm is None else f", {abs(self.offset_cm):.0f} cm"
            out.append(f"you stand {abs(self.off_axis_deg):.0f} deg off the middle of the picture"
                       f"{where} (limit {OFF_AXIS_LIMIT_DEG:g} deg)")
        return out

    def to_dict(self) -> dict:
        return {"yaw_deg": _round(self.yaw_deg), "off_axis_deg": _round(self.off_axis_deg),
                "offset_cm": None if self.offset_cm is None else _round(self.offset_cm),
                "frames": self.frames, "medio_lateral": self.medio_lateral}

    @classmethod
    def from_dict(cls, data) -> CameraView | None:
        """A stored view, or None for a trial that has none (older sessions)."""
        if not isinstance(data, dict):
            return None
        yaw = data.get("yaw_deg")
        return cls(float("nan") if yaw is None else float(yaw), float(data.get("off_axis_deg") or 0.0),
                   data.get("offset_cm"), int(data.get("frames") or 0))


def frame_views(image: np.ndarray, world: np.ndarray | None, image_size, *,
                hfov_deg: float = ASSUMED_HFOV_DEG) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-frame yaw and off-centre.

    Parameters
    ----------
    image : ndarray, shape (n, 33, 4): x, y normalised, visibility in column 3.
    world : ndarray, shape (n, 33, 4), metres, or None (a landmark CSV has none).
    image_size : (width, height), px.
    hfov_deg : horizontal field of view, deg.

    Returns
    -------
    yaw_deg, off_axis_deg, offset_px : ndarray, shape (n,), NaN where the hips (and for
    the yaw, both lines) are not seen.
    """
    image = np.asarray(image, dtype=np.float64)
    w = float(image_size[0])
    hips = image[:, _HIPS]
    seen = (hips[..., VIS] >= MIN_VISIBILITY).all(axis=1)
    offset_px = np.where(seen, (hips[..., 0].mean(axis=1) - 0.5) * w, np.nan)
    focal = 0.5 * w / math.tan(math.radians(hfov_deg) / 2)
    off_axis = np.degrees(np.arctan(offset_px / focal))
    if world is None:
        return np.full(len(image), np.nan), off_axis, offset_px
    return _yaw(np.asarray(world, dtype=np.float64), image), off_axis, offset_px


def _yaw(world: np.ndarray, image: np.ndarray) -> np.ndarray:
    """Axial mean of the hip and shoulder lines' directions in the x-z plane, deg."""
    doubled = np.zeros((len(world), 2))
    ok = np.ones(len(world), bool)
    for a, b in _LINES:
        d = world[:, a, :3] - world[:, b, :3]
        ang = np.arctan2(-d[:, 2], d[:, 0])  # + when the left point is nearer the camera
        doubled += np.stack([np.cos(2 * ang), np.sin(2 * ang)], axis=1)
        ok &= np.isfinite(ang) & (image[:, [a, b], VIS] >= MIN_VISIBILITY).all(axis=1)
    yaw = 0.5 * np.degrees(np.arctan2(doubled[:, 1], doubled[:, 0]))
    return np.where(ok, yaw, np.nan)


def summarise(yaw_deg, off_axis_deg, offset_px, px_per_cm: float | None = None) -> CameraView | None:
    """The view of a stretch from ``frame_views`` arrays (n,); None when no frame has hips."""
    off = np.asarray(off_axis_deg, dtype=np.float64)
    seen = np.isfinite(off)
    if not seen.any():
        return None
    yaw = np.radians(np.asarray(yaw_deg, dtype=np.float64))
    yaw = yaw[np.isfinite(yaw)]
    y = 0.5 * math.degrees(math.atan2(np.sin(2 * yaw).sum(), np.cos(2 * yaw).sum())) if yaw.size else math.nan
    px = float(np.median(np.asarray(offset_px, dtype=np.float64)[seen]))
    cm = px / px_per_cm if px_per_cm else None
    return CameraView(y, float(np.median(off[seen])), cm, int(seen.sum()))


def _round(v: float) -> float | None:
    return round(float(v), 1) if math.isfinite(v) else None


def shoulder_ratio(lm, image_size) -> float:
    """Shoulder width over torso length, both in pixels (a 16:9 picture's normalised x and
    y are different units); NaN without a torso."""
    px = np.asarray(image_size, dtype=float)
    ls, rs, lh, rh = (lm[INDEX[n], :2] * px for n in ("left_shoulder", "right_shoulder",
                                                      "left_hip", "right_hip"))
    torso = float(np.hypot(*((ls + rs) / 2 - (lh + rh) / 2)))
    return float(np.hypot(*(ls - rs))) / torso if torso > 0 else float("nan")
