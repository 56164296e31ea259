"""Whole-body centre of mass from the 33 image landmarks, in pixels and in centimetres.

Segmental model (Dempster via Winter 2009, table 4.1; docs/clinical.md): each segment's mass
fraction sits at a fixed fraction of its length from the proximal end; the body CoM is
the mass-weighted mean. Landmark ends used here:

========== ====== ====== ============================ =======================
segment    mass   CoM at proximal end                 distal end
========== ====== ====== ============================ =======================
head       0.081  0.5    ear (midpoint of both ears)  the same: CoM at the ears' midpoint
trunk      0.497  0.5    shoulder midpoint            hip midpoint
upper arm  0.028  0.436  shoulder                     elbow
forearm    0.016  0.430  elbow                        wrist
hand       0.006  0.506  wrist                        midpoint of index and pinky
thigh      0.100  0.433  hip                          knee
shank      0.0465 0.433  knee                         ankle
foot       0.0145 0.5    ankle                        foot index (toe)
========== ====== ====== ============================ =======================

Masses sum to 1. De Leva (1996) gives sex-specific values; keep this one table if they
are adopted.

Visibility: a landmark is usable when finite with visibility >= ``min_visibility``. A
segment with an unusable end takes the mirror image of its contralateral segment across
the trunk axis (shoulder midpoint -> hip midpoint) when that one is usable; otherwise
it is dropped and the remaining masses renormalised. A frame whose trunk is unusable, or
that lost more than ``max_missing`` of the body mass, has no CoM (NaN).

Pixels are made square before anything else (x * width, y * height): the landmarks are
normalised separately by the image width and height.

Scale: ``px_per_cm_from_height`` (the person's height against their standing eye-to-heel
height in the image) or ``px_per_cm_from_segment`` (a known body length).
"""

from dataclasses import dataclass

import numpy as np

from balance.core import _validate, stance as st
from balance.core.jit import kernel
from balance.errors import InputError
from balance.pose.landmarks import INDEX, N_LANDMARKS

#: Eye height over standing height (Drillis & Contini 1966, as drawn in Winter 2009
#: fig. 4.1; *verify*). The heel landmark is taken as floor level.
EYE_HEIGHT_FRACTION = 0.936
MIN_VISIBILITY = 0.5
MAX_MISSING_MASS = 0.15


def _i(name: str) -> int:
    return INDEX[name]


def _segment_rows():
    """(name, mass, com_fraction, (prox_a, prox_b, dist_a, dist_b), mirror_row)."""
    rows = [
        ("head", 0.081, 0.5, (_i("left_ear"), _i("right_ear"),
                              _i("left_ear"), _i("right_ear")), -1),
        ("trunk", 0.497, 0.5, (_i("left_shoulder"), _i("right_shoulder"),
                               _i("left_hip"), _i("right_hip")), -1),
    ]
    limbs = [  # name, mass, fraction, proximal, distal (pair: midpoint)
        ("upper_arm", 0.028, 0.436, ("shoulder",), ("elbow",)),
        ("forearm", 0.016, 0.430, ("elbow",), ("wrist",)),
        ("hand", 0.006, 0.506, ("wrist",), ("index", "pinky")),
        ("thigh", 0.100, 0.433, ("hip",), ("knee",)),
        ("shank", 0.0465, 0.433, ("knee",), ("ankle",)),
        ("foot", 0.0145, 0.5, ("ankle",), ("foot_index",)),
    ]
    for name, mass, frac, prox, dist in limbs:
        base = len(rows)
        for k, side in enumerate(st.SIDES):
            p = [_i(f"{side}_{x}") for x in prox]
            d = [_i(f"{side}_{x}") for x in dist]
            ends = (p[0], p[-1], d[0], d[-1])
            rows.append((f"{side}_{name}", mass, frac, ends, base + 1 - k))
    return tuple(rows)


SEGMENTS = _segment_rows()
_SEG_IDX = np.array([r[3] for r in SEGMENTS], dtype=np.int64)
_SEG_FRAC = np.array([r[2] for r in SEGMENTS])
_SEG_MASS = np.array([r[1] for r in SEGMENTS])
_SEG_MIRROR = np.array([r[4] for r in SEGMENTS], dtype=np.int64)
if abs(_SEG_MASS.sum() - 1.0) > 1e-12 or SEGMENTS[1][0] != "trunk":  # the kernel needs both
    raise RuntimeError("segment table: masses must sum to 1 and row 1 must be the trunk")


def landmarks(image, image_size) -> tuple[np.ndarray, np.ndarray]:
    """Validated image landmarks as square pixels, with their visibility.

    Parameters
    ----------
    image : array_like, shape (n, 33, 4) or (33, 4)
        Image landmarks (x, y normalised, z, visibility); NaN rows for no person.
    image_size : (width, height), pixels.

    Returns
    -------
    xy : ndarray, shape (n, 33, 2), float64, pixels (y down).
    vis : ndarray, shape (n, 33), float64 (NaN where the landmark is missing).
    """
    arr = np.asarray(image, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[1:] != (N_LANDMARKS, 4):
        raise InputError(f"landmarks must have shape (n, 33, 4), got {arr.shape}")
    width, height = _image_size(image_size)
    xy = arr[..., :2] * np.array([width, height])
    vis = np.where(np.isfinite(xy).all(axis=2), arr[..., 3], np.nan)
    return xy, vis


def _image_size(image_size) -> tuple[float, float]:
    try:
        width, height = (float(v) for v in image_size)
    except (TypeError, ValueError):
        raise InputError(f"image_size must be (width, height) in pixels, "
                         f"not {image_size!r}") from None
    if not (width > 0 and height > 0):
        raise InputError(f"image_size must be positive, not {image_size!r}")
    return width, height


def usable_mask(vis: np.ndarray, min_visibility: float = MIN_VISIBILITY) -> np.ndarray:
    """True where a landmark is present and visible enough (NaN compares False)."""
    return np.nan_to_num(vis, nan=-1.0) >= min_visibility


def com_pixels(image, image_size, *, min_visibility: float = MIN_VISIBILITY,
               max_missing: float = MAX_MISSING_MASS) -> tuple[np.ndarray, np.ndarray]:
    """Whole-body centre of mass in image pixels, per frame.

    Parameters
    ----------
    image : array_like, shape (n, 33, 4)
        Image landmarks.
    image_size : (width, height), pixels.
    min_visibility : float
        Landmarks below this visibility are treated as missing.
    max_missing : float
        Largest body-mass fraction that may be neither measured nor mirrored.

    Returns
    -------
    com : ndarray, shape (n, 2), float64
        CoM x, y in pixels (y down); NaN where it cannot be estimated.
    coverage : ndarray, shape (n,)
        Mass fraction measured directly (1.0 with every segment visible; lower where
        segments were mirrored or dropped); NaN with the CoM.
    """
    xy, vis = landmarks(image, image_size)
    return com_from_pixels(xy, usable_mask(vis, min_visibility), max_missing=max_missing)


def com_from_pixels(xy: np.ndarray, usable: np.ndarray, *,
                    max_missing: float = MAX_MISSING_MASS) -> tuple[np.ndarray, np.ndarray]:
    """``com_pixels`` on landmarks already in pixels: xy (n, 33, 2), usable (n, 33) bool."""
    out = kernel("com")(np.ascontiguousarray(xy, dtype=np.float64), usable, _SEG_IDX,
                        _SEG_FRAC, _SEG_MASS, _SEG_MIRROR, float(max_missing))
    return out[:, :2], out[:, 2]


def px_per_cm_from_height(image, image_size, height_cm: float, *,
                          min_visibility: float = MIN_VISIBILITY) -> float:
    """Image scale from the person's height: median eye-to-heel height / (0.936 H).

    Parameters
    ----------
    image : array_like, shape (n, 33, 4)
        Frames of the person standing upright on both feet (e.g. the first seconds).
    image_size : (width, height), pixels.
    height_cm : float
        Standing height, cm.

    Returns
    -------
    float, pixels per cm (assumes the person stands square to the camera; a camera far
    above or below eye level foreshortens the body and shrinks the scale).
    """
    height_cm = _validate.positive_rate(height_cm, "height_cm")
    xy, vis = landmarks(image, image_size)
    ok = usable_mask(vis, min_visibility)
    eyes = [_i("left_eye"), _i("right_eye")]
    heels = [_i("left_heel"), _i("right_heel")]
    good = ok[:, eyes + heels].all(axis=1)
    if not good.any():
        raise InputError("no frame shows both eyes and both heels: cannot scale by height")
    span = xy[good][:, heels, 1].mean(axis=1) - xy[good][:, eyes, 1].mean(axis=1)
    return float(np.median(span)) / (EYE_HEIGHT_FRACTION * height_cm)


def px_per_cm_from_segment(image, image_size, a: str, b: str, length_cm: float, *,
                           min_visibility: float = MIN_VISIBILITY) -> float:
    """Image scale from a body length: median distance of landmarks ``a``-``b`` / length.

    ``a``, ``b`` are landmark names (``balance.pose.landmarks.NAMES``), e.g. a thigh
    ("left_hip", "left_knee"); the length must lie square to the camera."""
    length_cm = _validate.positive_rate(length_cm, "length_cm")
    if a not in INDEX or b not in INDEX:
        raise InputError(f"unknown landmark name in ({a!r}, {b!r})")
    xy, vis = landmarks(image, image_size)
    ok = usable_mask(vis, min_visibility)
    good = ok[:, INDEX[a]] & ok[:, INDEX[b]]
    if not good.any():
        raise InputError(f"no frame shows both {a} and {b}")
    dist = np.linalg.norm(xy[good, INDEX[a]] - xy[good, INDEX[b]], axis=1)
    return float(np.median(dist)) / length_cm


FOOT_POINTS = {s: (_i(f"{s}_ankle"), _i(f"{s}_heel"), _i(f"{s}_foot_index")) for s in st.SIDES}


def foot_base(xy: np.ndarray, usable: np.ndarray, side: str) -> np.ndarray:
    """Mean pixel position (n, 2) of a foot's usable ankle, heel and toe landmarks."""
    idx = list(FOOT_POINTS[side])
    w = usable[:, idx].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        pts = np.where(w[..., None] > 0, xy[:, idx], 0.0)
        return pts.sum(axis=1) / w.sum(axis=1)[:, None]


@dataclass(frozen=True)
class ComSway:
    """CoM sway relative to the base of support, in cm.

    Attributes
    ----------
    horizontal_cm : ndarray (n,)
        Along the image x axis, positive to the image right. Front view: medio-lateral
        (positive = the person's left); side view: antero-posterior.
    vertical_cm : ndarray (n,)
        Height above the reference point, cm (up positive). The reference is the mean
        of the foot's ankle, heel and toe landmarks, a few cm above the floor.
    reference_px : ndarray (n, 2)
        The reference point per frame: the stance foot's median position over each
        single-stance run; the midpoint of both feet over each double-stance run.
    coverage : ndarray (n,)
        Mass fraction measured directly (see ``com_pixels``).
    stance : ndarray (n,), int8
        The stance code used (``balance.core.stance``).
    """

    horizontal_cm: np.ndarray
    vertical_cm: np.ndarray
    reference_px: np.ndarray
    coverage: np.ndarray
    stance: np.ndarray


def com_sway(image, image_size, *, px_per_cm: float, stance=None,
             min_visibility: float = MIN_VISIBILITY,
             max_missing: float = MAX_MISSING_MASS) -> ComSway:
    """Centre-of-mass sway in cm, relative to the stance foot where one foot is lifted.

    Parameters
    ----------
    image : array_like, shape (n, 33, 4)
        Image landmarks.
    image_size : (width, height), pixels.
    px_per_cm : float
        Image scale (``px_per_cm_from_height`` / ``px_per_cm_from_segment``).
    stance : array_like of int, shape (n,), optional
        Stance codes (``balance.core.stance``; e.g. from ``events.detect_events``).
        Default: both feet down throughout.

    Returns
    -------
    ComSway

    Notes
    -----
    The reference is one fixed point per stance run (the median foot position over the
    run), not the foot's position frame by frame: subtracting a per-frame foot position
    would add the foot landmarks' jitter to the sway. A hop or pivot inside a run moves
    the true foot and shows as sway; ``events`` reports it separately.
    """
    scale = _validate.positive_rate(px_per_cm, "px_per_cm")
    xy, vis = landmarks(image, image_size)
    n = xy.shape[0]
    code = np.zeros(n, dtype=np.int8) if stance is None else np.asarray(stance, dtype=np.int8)
    if code.shape != (n,):
        raise InputError(f"stance must have one code per frame ({n}), got {code.shape}")
    com, coverage = com_pixels(image, image_size, min_visibility=min_visibility,
                               max_missing=max_missing)
    usable = usable_mask(vis, min_visibility)
    feet = {s: foot_base(xy, usable, s) for s in st.SIDES}
    ref = np.full((n, 2), np.nan)
    for start, stop, value in st.runs(code):
        if value == st.LEFT:
            pts = feet["left"][start:stop]
        elif value == st.RIGHT:
            pts = feet["right"][start:stop]
        else:  # both feet down, or none: the midpoint of the two feet
            pts = 0.5 * (feet["left"][start:stop] + feet["right"][start:stop])
        good = np.isfinite(pts).all(axis=1)
        if good.any():
            ref[start:stop] = np.median(pts[good], axis=0)
    return ComSway(
        horizontal_cm=(com[:, 0] - ref[:, 0]) / scale,
        vertical_cm=(ref[:, 1] - com[:, 1]) / scale,
        reference_px=ref,
        coverage=coverage,
        stance=code,
    )
