"""Antero-posterior sway from a front camera: the CoM's lean over the feet in depth.

One front camera sees medio-lateral sway in the image; the antero-posterior axis is its
depth. MediaPipe's world landmarks estimate depth per landmark (metres, origin between
the hips, y down, z growing away from the camera). Their origin moves with the hips, so
whole-body translation is lost, but an inverted pendulum about the ankles shows up
exactly as the CoM's depth against the planted feet: that difference is the estimate.

It is an estimate. The network infers depth from one image, and on real people standing
still it wanders by up to a centimetre or two (``benchmarks/depth_noise.py``): the size
of quiet-standing AP sway. The AP fields and the ellipse area are for trends in one
person with one set-up, not for comparison with force-plate norms.

Units: world landmarks in MediaPipe's metres; results in cm after ``world_scale``.
"""

import numpy as np

from balance.core import com as com_mod
from balance.core.com import EYE_HEIGHT_FRACTION, FOOT_POINTS
from balance.errors import InputError
from balance.pose.landmarks import INDEX, N_LANDMARKS

#: A foot whose ankle, heel and toe lie within this height (m) of the lowest foot's is
#: taken as planted: a raised foot (>= 5 cm in every test) is left out of the base.
PLANTED_TOL_M = 0.03


def _world(world) -> np.ndarray:
    arr = np.asarray(world, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[1:] != (N_LANDMARKS, 4):
        raise InputError(f"world landmarks must have shape (n, 33, 4), got {arr.shape}")
    return arr


def com_depth(world) -> np.ndarray:
    """The CoM's position ahead of the planted feet, per frame, in world metres.

    Parameters
    ----------
    world : array_like, shape (n, 33, 4) or (33, 4)
        World landmarks (x, y, z in m, visibility); NaN rows without a person.

    Returns
    -------
    ndarray, shape (n,), float64: metres towards the camera (anterior for a person who
    faces it) of the segmental CoM over the mean of the planted feet's ankle, heel and
    toe landmarks; NaN where a landmark is missing.

    Every world landmark counts, whatever its visibility: the network places hidden
    ones too, and a mirrored segment (the image CoM's fallback) has no meaning in depth.
    """
    arr = _world(world)
    zy = np.ascontiguousarray(arr[..., [2, 1]])
    com, _ = com_mod.com_from_pixels(zy, np.isfinite(zy).all(axis=2))
    feet = np.stack([arr[:, list(FOOT_POINTS[s]), :3].mean(axis=1)
                     for s in FOOT_POINTS], axis=1)                 # (n, 2 feet, xyz)
    lowest = np.fmax(feet[:, 0, 1], feet[:, 1, 1])[:, None]       # y grows downwards
    with np.errstate(invalid="ignore", divide="ignore"):
        planted = feet[..., 1] >= lowest - PLANTED_TOL_M
        base_z = np.where(planted, feet[..., 2], 0.0).sum(axis=1) / planted.sum(axis=1)
    return base_z - com[:, 0]


def world_scale(world, height_cm: float) -> float:
    """cm per world metre for this person: their height against the world landmarks'.

    Parameters
    ----------
    world : array_like, shape (n, 33, 4)
        World landmarks of frames with the person standing upright on both feet.
    height_cm : float
        Standing height, cm.

    Returns
    -------
    float: about 100 when MediaPipe's body size matches the person's; the median
    eye-to-heel height is taken as ``EYE_HEIGHT_FRACTION`` of the standing height (as
    for the image scale).
    """
    if not (height_cm > 0):
        raise InputError(f"height_cm must be positive, not {height_cm!r}")
    arr = _world(world)
    eyes = [INDEX["left_eye"], INDEX["right_eye"]]
    heels = [INDEX["left_heel"], INDEX["right_heel"]]
    span = arr[:, heels, 1].mean(axis=1) - arr[:, eyes, 1].mean(axis=1)
    span = span[np.isfinite(span) & (span > 0)]
    if not span.size:
        raise InputError("no frame has world landmarks of both eyes and heels")
    return EYE_HEIGHT_FRACTION * height_cm / float(np.median(span))
