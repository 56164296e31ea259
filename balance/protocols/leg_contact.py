"""Where the raised foot is relative to the standing leg, for the single-leg stance's end
and no-attempt rules: resting on the leg, or set down somewhere new (a step).

Image distances are only right square on and on the optical axis. A person off the axis
(or turned) is seen partly from the side, and a foot held 30 cm behind the standing leg
then overlaps its shank in the picture; world landmarks (metric, 3-D) do not have that
fault, so they are used whenever a frame has them, and the image only for a landmark CSV.
"""

import math

import numpy as np

from balance.core import com as com_mod
from balance.pose.landmarks import INDEX

# Where the calf starts, as a fraction of the shank up from the ankle joint: feet side by
# side are a stance width (12-20 cm) from the stance ankle, and that is not "on the leg".
CALF_FROM = 0.33


def ankle_to_shank_image_cm(image, image_size, raised: str, stance: str, px_per_cm) -> float:
    """Distance (cm) from the raised ankle to the stance knee-ankle segment in the image;
    inf without a scale or a point."""
    if not px_per_cm:
        return float("inf")
    w, h = image_size
    pts = image[_leg(raised, stance), :2].astype(np.float64) * (w, h)
    d = _to_segment(*pts) / px_per_cm
    return d if math.isfinite(d) else float("inf")


def ankle_to_calf_world_cm(world, raised: str, stance: str, world_cm) -> float:
    """The same in 3-D from world landmarks (``world_cm`` cm per world unit), to the
    stance shank from the knee down to ``CALF_FROM`` of the way up from the ankle; NaN
    without them. A depth gap between the foot and the leg counts in full, whatever the
    view; the feet side by side (at lift-off and touchdown) are not "on the leg"."""
    if not world_cm:
        return float("nan")
    p, knee, ankle = world[_leg(raised, stance), :3].astype(np.float64)
    d = _to_segment(p, knee, ankle + CALF_FROM * (knee - ankle)) * world_cm
    return d if math.isfinite(d) else float("nan")


def ahead_of_ankle_cm(world, raised: str, stance: str, world_cm) -> float:
    """How far the raised ankle is in front of the stance ankle, cm, along the stance
    foot's heel-to-toe line across the floor (its part square to the shank); NaN without
    world landmarks. A foot resting on the calf is behind (about -10 cm on the bench), one
    held low in front with the hip flexed 8-25 cm ahead."""
    if not world_cm:
        return float("nan")
    # five points, once a trial frame: plain floats, NumPy's per-call cost would be most of it
    ankle, knee, heel, toe, p = world[_AHEAD_POINTS[stance, raised], :3].tolist()
    shank, foot, there = _minus(knee, ankle), _minus(toe, heel), _minus(p, ankle)
    along = _dot(foot, shank) / max(_dot(shank, shank), 1e-24)
    ahead = _minus(foot, [along * u for u in shank])  # the foot across the floor
    size = math.sqrt(_dot(ahead, ahead))
    d = _dot(there, ahead) / size * world_cm if size > 0 else float("nan")
    return d if math.isfinite(d) else float("nan")


# stance ankle, knee, heel and toe, then the raised ankle, by (stance, raised)
_AHEAD_POINTS = {(s, r): [INDEX[f"{s}_{n}"] for n in ("ankle", "knee", "heel", "foot_index")]
                 + [INDEX[f"{r}_ankle"]] for s in ("left", "right") for r in ("left", "right")}


def _minus(a, b) -> tuple[float, float, float]:
    return a[0] - b[0], a[1] - b[1], a[2] - b[2]


def _dot(a, b) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def feet_apart_cm(image, world, image_size, raised: str, stance: str, px_per_cm, world_cm):
    """The raised ankle minus the stance ankle across the floor, cm: (x, z) from world
    landmarks where the frame has them, else (x, 0) from the image (no depth); NaN where
    neither is known."""
    a, b = INDEX[f"{raised}_ankle"], INDEX[f"{stance}_ankle"]
    if world_cm and np.isfinite(world[[a, b], :3]).all():
        d = (world[a, :3] - world[b, :3]).astype(np.float64) * world_cm
        return np.array([d[0], d[2]])
    if not px_per_cm:
        return np.array([np.nan, np.nan])
    dx = float(image[a, 0] - image[b, 0]) * image_size[0] / px_per_cm
    return np.array([dx, 0.0])


def world_height_cm(world, raised: str, stance: str, world_cm) -> float:
    """How far the raised foot (mean of ankle, heel, toe) is above the stance foot in the
    world, cm; NaN without world landmarks (y points down in them)."""
    if not world_cm:
        return float("nan")
    y = {s: float(np.mean(world[list(com_mod.FOOT_POINTS[s]), 1])) for s in (raised, stance)}
    return (y[stance] - y[raised]) * world_cm


def _leg(raised: str, stance: str) -> list[int]:
    return [INDEX[f"{raised}_ankle"], INDEX[f"{stance}_knee"], INDEX[f"{stance}_ankle"]]


def _to_segment(p, a, b) -> float:
    """Distance from point p to segment a-b (2-D or 3-D)."""
    ab = b - a
    u = min(max(float(np.dot(p - a, ab)) / max(float(np.dot(ab, ab)), 1e-12), 0.0), 1.0)
    return float(np.linalg.norm(p - (a + u * ab)))


def ankle_path_cm(frames, raised: str, stance: str, image_size, px_per_cm, world_cm) -> np.ndarray:
    """The raised ankle's place from the stance ankle over ``frames``, cm: in the world
    (x, y, z) and in the picture (x, y), shape (n, 5), or in the picture alone (n, 2)
    without world landmarks (``world_cm`` None); NaN where a frame lacks a point, and in
    the picture's columns without a scale (``px_per_cm`` None)."""
    pair = [INDEX[f"{raised}_ankle"], INDEX[f"{stance}_ankle"]]
    image = np.array([f.image[pair, :2] for f in frames], dtype=np.float64) * image_size
    seen = (image[:, 0] - image[:, 1]) / (px_per_cm or np.nan)
    if not world_cm:
        return seen
    world = np.array([f.world[pair, :3] for f in frames], dtype=np.float64)
    return np.column_stack([(world[:, 0] - world[:, 1]) * world_cm, seen])
