"""Dating a foot's lift back to toe-off and its touchdown back to first contact.

The hold of a single-leg stance runs from the frame the whole foot has left the floor
(toe-off) to the first frame any of it is back on it (first contact). Both are edges of
the foot's *lowest point* (heel or toe, whichever is lower): at heel-off the heel and
ankle rise but the toe is still down, and a foot landing toe first touches before the
mean of its landmarks is back at the floor.

Only the edge itself is fitted (``events.edge_time``; a lift twice, the later date wins,
``LIFT_RHO``): for a lift, from the last still
floor stretch before it (the foot's mean height within the noise band, at most
``floor_n`` samples, ended by anything above the band: a glitch, floor noise or an earlier
movement never reaches the fit); for a touchdown, from ``back_n`` samples before it was
detected to the end of the history. The lowest point's floor is the median of its
heights over the floor stretch, so a landmark's offset from the foot's floor does not
shift the date. A fit that puts the edge at the far end of its samples found no flat
floor to anchor it and gives no date; so does a touchdown dated after its detection.

The lowest point is the image's, or, for a foot raised in front of the camera, the
world's (``sole_traces``). The detector dates a lift ``lift_wait_s`` after it is sure of it, so
that the lowest point's rise (the toe leaves the floor after the heel) is in the history.
"""

import math

import numpy as np

from balance.core.events import edge_time

LOW_NOISE = 1.5
# A lift is the later of two fits (``lift_time``): of the heights, and of the heights
# whitened for noise correlated from frame to frame (``edge_time``'s ``rho``). A toe that
# strays 1-2 cm up for a few frames just before toe-off (2 px of jitter, a foot seen 50
# deg from the side) draws the first 0.2-0.5 s early onto the stray; the second, in white
# noise (the project's synthetic sessions), dates some lifts two frames early. Both fail
# early, not late.
LIFT_RHO = 0.8
FORESHORTENED = 0.6  # the image shows under this share of the world's rise: use the world
TD_REST_N = 4  # samples at rest after a touchdown that set its floor


def _floor_before(mean_h: np.ndarray, i: int, lo: float, floor_n: int) -> tuple[int, int]:
    """(start, stop) of the last still floor stretch at or before ``i``; (0, 0) if none.
    NaN samples (not seen) neither end nor count as the floor."""
    j = i
    while j >= 0 and not mean_h[j] <= lo:
        j -= 1
    if j < 0:
        return 0, 0
    s = j
    while s > 0 and j - s + 1 < floor_n and not mean_h[s - 1] > lo:
        s -= 1
    return s, j + 1


def _low_level(low_h: np.ndarray, lo: float) -> tuple[float, float]:
    """Floor height of the lowest point over a floor stretch, and the edge's low level:
    ``LOW_NOISE`` times ``lo`` (one or two landmarks are noisier than the mean of three;
    a floor stretch is too short to measure it)."""
    v = low_h[np.isfinite(low_h)]
    return (float(np.median(v)) if v.size >= 3 else 0.0), LOW_NOISE * lo


def lift_time(t, mean_h, low_h, detected: int, lo: float, top_frac: float,
              floor_n: int) -> float:
    """Toe-off time of a lift detected at index ``detected`` of the history ``t`` with
    the foot's mean and lowest-point heights, cm: the later of the fits of the heights
    and of them whitened (``LIFT_RHO``); NaN when there is too little to fit."""
    start, stop = _floor_before(mean_h, detected, lo, floor_n)
    if stop == 0:
        return float("nan")
    base, lo_low = _low_level(low_h[start:stop], lo)
    h = low_h[start:] - base
    if not np.isfinite(h).any():
        return float("nan")
    hi = top_frac * max(float(np.nanmax(h)), lo_low)
    fits = [_unless_degenerate(edge_time(t[start:], h, lo_low, hi, rising=True, rho=rho),
                               t[start:], h, rising=True) for rho in (0.0, LIFT_RHO)]
    return max((t0 for t0 in fits if math.isfinite(t0)), default=float("nan"))


def touchdown_time(t, mean_h, low_h, detected: int, lo: float, top_frac: float,
                   back_n: int) -> float:
    """First-contact time of a touchdown detected at index ``detected``; the history
    must run on to the foot at rest. NaN when there is too little to fit."""
    start = max(0, detected - back_n)
    after = np.flatnonzero(mean_h[detected:] <= lo)
    rest = low_h[detected + after[0]:] if after.size else low_h[:0]
    base, lo_low = _low_level(rest[:TD_REST_N], lo)
    h = low_h[start:] - base
    if not np.isfinite(h).any():
        return float("nan")
    hi = top_frac * max(float(np.nanmax(h)), lo_low)
    t0 = _unless_degenerate(edge_time(t[start:], h, lo_low, hi, rising=False), t[start:], h,
                            rising=False)
    return t0 if t0 <= t[detected] else float("nan")  # NaN compares False: NaN too


def _unless_degenerate(t0: float, t: np.ndarray, h: np.ndarray, rising: bool) -> float:
    """``t0``, or NaN when the fit put the edge at the far end of its samples: the
    "floor" it was given rises (or falls) all along, no flat stretch anchors it, and the
    date is anywhere (a foot's noise or a low, slow edge)."""
    ok = t[np.isfinite(h)]
    if not math.isfinite(t0) or ok.size < 2:
        return float("nan")
    half = 0.5 * float(np.median(np.diff(ok)))
    far = t0 < ok[0] + half if rising else t0 > ok[-1] - half
    return float("nan") if far else t0


def clearance(low_h: np.ndarray, start: int, stop: int, floor_n: int) -> float:
    """How high a foot's lowest point rose over history rows ``start:stop`` (its lift to
    its touchdown), cm above its floor (the ``floor_n`` rows before ``start``): the largest
    median of three successive samples over the rise, less the largest over the floor.
    The median of three keeps one noisy or glitched landmark from raising it; taking the
    same largest-median statistic on the floor subtracts what landmark noise alone adds
    to it (at 1-2 px, frame-to-frame correlated, 1-1.5 cm: a 4 cm toe-tap read 5.0-5.2 cm,
    over the single-leg protocol's 5 cm fidget line, against 3.6-3.9 cm without noise).
    A heel raise lifts the foot's mean but not its lowest point; a toe-tap lifts it a few
    cm. NaN when there is too little to tell."""
    floor = low_h[max(0, start - floor_n):start]
    floor = _peak_median3(floor[np.isfinite(floor)])  # a dropped frame splits no window
    up = _peak_median3(low_h[start:stop])
    return up - floor  # NaN when either is


def _peak_median3(x: np.ndarray) -> float:
    """The largest median of three successive samples of ``x`` over the windows with no
    NaN; NaN when ``x`` has fewer than 3 finite samples or no such window."""
    if np.isfinite(x).sum() < 3:
        return float("nan")
    win = np.lib.stride_tricks.sliding_window_view(x, 3)
    with np.errstate(all="ignore"):
        med = np.median(win, axis=1)
    med = med[np.isfinite(med)]
    return float(med.max()) if med.size else float("nan")


def sole_traces(low_h: np.ndarray, world_h: np.ndarray, start: int, floor_n: int = 0) -> tuple:
    """The lowest-point heights to date an edge on, cm, best first: the image's, or the
    world's (``events.world_low``) when the image rose under ``FORESHORTENED`` of what
    the world did from row ``start`` on; then the other one. A foot raised in front of a camera at laptop height comes
    towards it, and moving closer lowers it in the image: its lift shows a fraction of
    its height there, buried in the floor noise, while the world sees the height itself.
    Elsewhere the image, less noisy, is used."""
    def rise(h):  # above the floor_n rows before start (a lift's floor), else its median
        v, floor = h[start:], h[max(0, start - floor_n):start] if floor_n else h[start:]
        if np.isfinite(v).sum() < 3 or np.isfinite(floor).sum() < 3:
            return 0.0
        return float(np.nanmax(v) - np.nanmedian(floor))
    world = rise(world_h)
    if world > 0.0 and rise(low_h) < FORESHORTENED * world:
        return world_h, low_h
    return (low_h, world_h) if world > 0.0 else (low_h,)
