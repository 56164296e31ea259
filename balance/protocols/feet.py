"""Where the feet are: stance placement from one frame (side by side, semi-tandem,
tandem) and which foot is raised, for the 4-stage test, BESS and still photos.

Front view. The medio-lateral gap between the ankles comes from the image (scaled to
cm); the antero-posterior lead of one foot over the other from MediaPipe's world
landmarks (metric depth; noisy, so placements are judged with wide margins and held
over time by the protocols). Foot sizes are fractions of standing height (Winter 2009:
foot length 0.152 H; a foot is about 0.055 H wide).
"""

import warnings

import numpy as np

from balance.pose.landmarks import INDEX

FOOT_LENGTH = 0.152
FOOT_WIDTH = 0.055
SIDE_BY_SIDE, SEMI_TANDEM, TANDEM, UNCLEAR = "side_by_side", "semi_tandem", "tandem", "unclear"
RAISED_LEG_FRACTION = 0.08  # a foot this much of the leg length above the other is raised

_ANKLES = (INDEX["left_ankle"], INDEX["right_ankle"])


def placement(image: np.ndarray, world: np.ndarray, image_width: int, px_per_cm: float,
              height_cm: float) -> tuple[str, float, float]:
    """The feet placement of one frame, with the ML gap and AP lead in cm.

    Parameters
    ----------
    image, world : (33, 4) image and world landmarks (world in metres).
    image_width : pixels; px_per_cm : image scale; height_cm : the person's height.

    Returns
    -------
    (placement, gap_cm, lead_cm): gap between the ankle centres across the body, lead of
    the front ankle along the line of sight; placement is SIDE_BY_SIDE, SEMI_TANDEM,
    TANDEM or UNCLEAR (in between, or not measurable). Without world landmarks the lead
    is taken as 0: only side-by-side can then be recognised.
    """
    gap = abs(float(image[_ANKLES[0], 0] - image[_ANKLES[1], 0])) * image_width / px_per_cm
    lead = abs(float(world[_ANKLES[0], 2] - world[_ANKLES[1], 2])) * 100.0
    if not np.isfinite(gap):
        return UNCLEAR, gap, lead
    if not np.isfinite(lead):
        lead = 0.0  # no depth (a landmark CSV): the feet are taken as level
    foot_len, foot_w = FOOT_LENGTH * height_cm, FOOT_WIDTH * height_cm
    if lead < 0.25 * foot_len:
        kind = SIDE_BY_SIDE
    elif lead >= 0.7 * foot_len and gap < 0.5 * foot_w:
        kind = TANDEM
    elif lead < 0.75 * foot_len and gap >= 0.6 * foot_w:
        kind = SEMI_TANDEM
    else:
        kind = UNCLEAR
    return kind, gap, lead


def raised_foot(image: np.ndarray) -> str | None:
    """Which foot is raised in one frame ("left"/"right"), or None: the foot whose
    ankle, heel and toe sit higher than the other's by ``RAISED_LEG_FRACTION`` of the
    leg length (hip to ankle). For a still photo, where there is no floor level to learn."""
    y = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a frame with no person: NaN
        for side in ("left", "right"):
            pts = image[[INDEX[f"{side}_{p}"] for p in ("ankle", "heel", "foot_index")], 1]
            y[side] = float(np.nanmean(pts))
        legs = [np.hypot(*(image[INDEX[f"{s}_hip"], :2] - image[INDEX[f"{s}_ankle"], :2]))
                for s in ("left", "right")]
        leg = float(np.nanmean(legs))
    diff = y["right"] - y["left"]  # image y grows downwards: positive = left foot higher
    if not (np.isfinite(diff) and leg > 0) or abs(diff) < RAISED_LEG_FRACTION * leg:
        return None
    return "left" if diff > 0 else "right"
