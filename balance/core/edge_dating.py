"""Dating a foot's lift back to toe-off and its touchdown back to first contact.

The hold of a single-leg stance runs from the frame the whole foot has left the floor
(toe-off) to the first frame any of it is back on it (first contact). Both are edges of
the foot's *lowest point* (heel or toe, whichever is lower): at heel-off the heel and
ankle rise but the toe is still down, and a foot landing toe first touches before the
mean of its landmarks is back at the floor.

Only the edge itself is fitted (``events.edge_time``), twice: on the heights and on them
whitened for noise correlated from frame to frame; a lift's later date wins
(``LIFT_RHO``), a touchdown's earlier one (``TOUCHDOWN_RHO``). For a lift, from the last still
floor stretch before it (the foot's mean height within the noise band, at most
``floor_n`` samples, ended by anything above the band: a glitch, floor noise or an earlier
movement never reaches the fit); for a touchdown, from ``back_n`` samples before it was
detected to the end of the history. The lowest point's floor is the median of its
heights over the floor stretch, so a landmark's offset from the foot's floor does not
shift the date. A fit that puts the edge at the far end of its samples found no flat
floor to anchor it and gives no date; so does a touchdown dated after its detection or
at or before its lift.

The lowest point is the image's, or, for a foot raised in front of the camera, the
world's (``sole_traces``). The detector fits a lift ``lift_wait_s`` after it is sure of it, so
that the lowest point's rise (the toe leaves the floor after the heel) is in the history.

Those hinge fits read the few samples about the edge, and a stray of correlated noise
next to it draws them (on the bench, up to 0.27 s). A lift still up once its whole rise
is in (``RISE_S`` after heel-off), and a touchdown a second into the air before it, are
dated again on the lowest point's whole movement (``knee_lift_time``, ``rest_time``: a
minimum-jerk ramp, ``movement_ends``), and the hinge's date is kept within
``HINGE_SLACK_S`` of it (``near_ramp``).

A foot raised in front (hip flexed) from a camera at laptop height rises 3-10 cm and
comes towards the camera: the image shows a fraction of it, and the world's height
alone, at ~1 cm of noise, leaves a parabola's start anywhere in the floor's wander
(dated up to 0.6 s early). Its edges are instead dated on the whole movement of the toe
in the world, forward as well as up, and of its place in the picture
(``forward_lift_time``, ``rest_time``): one minimum-jerk ramp fitted to
its five axes at once (``ramp_fit.joint_ramp_ends``), each weighted by its own noise
(the world's depth is the noisiest; the picture's axes, with the picture's noise, carry
what of the movement the camera sees: bench, hip-flexion lifts, camera 1.2 m
high, seeds 1-80: hold SD 0.071 s on the world alone, 0.059 s with the picture). The
toe is pinned to the floor until toe-off (the heel rolls about it) and from first
contact on.
"""

import math
import warnings

import numpy as np

from balance.core.events import edge_time
from balance.core.ramp_fit import joint_ramp_ends

LOW_NOISE = 1.5
# A lift is the later of two fits (``lift_time``): of the heights, and of the heights
# whitened for noise correlated from frame to frame (``edge_time``'s ``rho``). A toe that
# strays 1-2 cm up for a few frames just before toe-off (2 px of jitter, a foot seen 50
# deg from the side) draws the first 0.2-0.5 s early onto the stray; the second, in white
# noise (the project's synthetic sessions), dates some lifts two frames early. Both fail
# early, not late.
LIFT_RHO = 0.8
FORESHORTENED = 0.6  # the image shows under this share of the world's rise: use the world
# A touchdown is the earlier of the same two fits. After first contact the toe alone is
# down until the heel lands (0.1-0.2 s) and the floor is then read from the lower of
# heel and toe: at 1-2 px of correlated jitter the toe strays 1-1.5 cm up over those
# frames, and the heights' fit alone followed the stray to where the heel came down
# (0.2-0.27 s late, square on and at 15 fps). Whitened, the stray weighs as its ends.
# A fit at or before the lift is no date and the other one is taken (a shuffle's
# whitened fit fell before its lift, and the touchdown kept its detection's time).
TOUCHDOWN_RHO = LIFT_RHO
# A third lift fit is whitened for slower drift: a toe whose jitter wanders with a time
# constant of about half a second (rho 0.95 a frame at 30 fps) drifts 5-7 px up over the
# five frames before heel-off, and the mean leaves the floor band with it, so neither
# the fits above nor ``_not_before_floor`` can tell (lifts 0.25-0.37 s early on the
# bench's slow-jitter holds at 30 fps). The rho is per sample, from this time constant.
SLOW_JITTER_TAU_S = 0.6
# ... and it wins only when it is this much later, s: in white noise it agrees with the
# other two within a frame or so (bench, seeds 1-60: under 0.06 s) but, fitted almost on
# the heights' differences, scatters more and moved 1 in 8 holds a frame short; drift
# puts it 0.2-0.5 s after them.
SLOW_JITTER_GATE_S = 0.1
# A foot raised in front is dated on its toe's world movement (``forward_lift_time``),
# fitted whitened for the same correlation: the world's landmarks stray 2-3 cm for a
# few frames (its depth the most), and the plain fit stretched the ramp over strays
# before toe-off and after first contact (a hold at 1.2 m 0.27 s long). On the bench's
# hip-flexion holds, seeds 1-60, 101 of 120 are then within 0.1 s (93 before); on a
# pure minimum-jerk move in AR(1) noise the two fits do about as well.
TOE_RHO = LIFT_RHO
TD_REST_N = 4  # samples at rest after a touchdown that set its floor
# A lift still up is dated once this long after heel-off: toe-off comes up to 0.25 s
# after heel-off and the rise to the raised place takes 0.3-0.55 s; the ramp fit wants
# the whole of it and a little of the top.
RISE_S = 0.9
# A knee-bent foot's edge is the hinge fit's date within this of the ramp fit's, s. The
# ramp, fitted to the whole movement, is not drawn to a stray of the noise next to the
# edge, as the hinge is (up to 0.27 s off on the bench: 15 fps, 2 px, slow jitter); the
# hinge, fitted to the edge alone, holds no shape for the rest of it. The ramp's minimum-
# jerk shape fits the bench's minimum-jerk feet (seeds 91-150, 1320 lifts and 1189
# touchdowns: worst 0.067 s, against 0.27 s for the hinge) but dates a foot that leaves
# or lands on a smoothstep (``balance.testing.synthetic``) up to 0.067 s early or late,
# where the hinge is within a frame. Real feet were not measured; kept within this of
# the ramp, the hinge's date is within 0.1 s on the bench and a frame on the smoothstep.
HINGE_SLACK_S = 0.035
TOP_SHARE = 0.5  # a lift is re-dated on its whole rise only while this high still
RAMP_RISE_CM = 6.0  # ... and a rise under this is no lift to fit (knee bent: 12-30 cm)
# A foot raised in front carries its toe 12-31 cm (the bench's hip-flexion lifts); a heel
# raise (BESS's error) leaves it pinned, 1-2.8 cm of noise: under this travel the toe
# gives no date.
TOE_TRAVEL_CM = 6.0
# How far before the end of the floor's noise band a lift may be dated, s. A foot that
# rises whole (no heel-off first) stays inside the band for the first two frames of its
# rise at 60 fps; with heel-off first the band ends before toe-off.
FLOOR_SLACK_S = 0.04


def floor_stretch(mean_h: np.ndarray, i: int, lo: float, floor_n: int) -> tuple[int, int]:
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


def lowest_point(low_h: np.ndarray, heel_up: np.ndarray, start: int, stop: int) -> np.ndarray:
    """The lowest point's heights ``low_h`` (n,) cm with the heel's and the toe's floors
    each set again to their medians over rows ``start:stop`` (a floor stretch); ``low_h``
    where ``heel_up`` (n,), the heel's height above the toe, cm, is unknown, or with no
    stretch. Each landmark's floor comes from the half second of calibration, and slow
    jitter moves each on its own: the toe's read up to 3 cm off the heel's, and the
    lowest point, the heel's while both stand, jumped by that much at heel-off, when it
    became the toe's (lifts dated at heel-off, 0.2 s early at 15 fps)."""
    if stop - start < 3:
        return low_h
    heel, toe = low_h + np.fmax(heel_up, 0.0), low_h + np.fmax(-heel_up, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a landmark unseen on the floor
        heel0, toe0 = np.nanmedian(heel[start:stop]), np.nanmedian(toe[start:stop])
    if not (math.isfinite(heel0) and math.isfinite(toe0)):
        return low_h
    both = np.fmin(heel - heel0, toe - toe0)
    return np.where(np.isfinite(heel_up), both + min(heel0, toe0), low_h)


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
    and of them whitened (``LIFT_RHO``), or of them whitened for slow drift where that is
    over ``SLOW_JITTER_GATE_S`` later; not much before the floor's end
    (``_not_before_floor``); NaN when there is too little to fit."""
    start, stop = floor_stretch(mean_h, detected, lo, floor_n)
    if stop == 0:
        return float("nan")
    base, lo_low = _low_level(low_h[start:stop], lo)
    h = low_h[start:] - base
    if not np.isfinite(h).any():
        return float("nan")
    hi = top_frac * max(float(np.nanmax(h)), lo_low)
    fits = [_unless_degenerate(edge_time(t[start:], h, lo_low, hi, rising=True, rho=rho),
                               t[start:], h, rising=True)
            for rho in (0.0, LIFT_RHO, _slow_rho(t[start:]))]
    t0 = max((v for v in fits[:2] if math.isfinite(v)), default=float("nan"))
    if fits[2] > t0 + SLOW_JITTER_GATE_S or not math.isfinite(t0):
        t0 = fits[2]
    return _not_before_floor(t0, t, stop)


def _slow_rho(t: np.ndarray) -> float:
    """The per-sample correlation of jitter with time constant ``SLOW_JITTER_TAU_S`` at
    the sample spacing of ``t`` s (its median step); 0 with fewer than two samples."""
    if t.size < 2:
        return 0.0
    return math.exp(-float(np.median(np.diff(t))) / SLOW_JITTER_TAU_S)


def _not_before_floor(t0: float, t: np.ndarray, stop: int) -> float:
    """A lift's date ``t0`` s, moved up to ``FLOOR_SLACK_S`` before the last sample of its
    floor stretch (history rows before ``stop``) if it falls earlier; NaN stays NaN. The
    heel leaves the floor before the toe and the foot's mean rises with it: while the
    mean is still inside the floor's noise band the toe has not left. A toe reading 2-3 px up for six frames before
    toe-off (2 m away, ~1 px/cm), one 2-sigma toe reading just before a 2-3 sample rise
    (15 fps) and the world's depth straying before a forward foot's toe-off each drew the
    fits 0.3 s early, before the heel had risen."""
    return max(t0, float(t[stop - 1]) - FLOOR_SLACK_S) if math.isfinite(t0) else t0


def touchdown_time(t, mean_h, low_h, detected: int, lo: float, top_frac: float,
                   back_n: int, lift_t: float = -math.inf, min_top: float = 0.0) -> float:
    """First-contact time of a touchdown detected at index ``detected``: the earlier of
    the fits of the heights and of them whitened (``TOUCHDOWN_RHO``) that falls after the
    lift's time ``lift_t`` and not after the detection. The history must run on to the
    foot at rest. NaN when there is too little to fit, or when the heights from
    ``back_n`` rows before the detection never reach ``min_top`` cm: the descent began
    earlier (slow jitter held a landed foot over the off level for a second)."""
    start = max(0, detected - back_n)
    after = np.flatnonzero(mean_h[detected:] <= lo)
    rest = low_h[detected + after[0]:] if after.size else low_h[:0]
    base, lo_low = _low_level(rest[:TD_REST_N], lo)
    h = low_h[start:] - base
    if not np.isfinite(h).any() or float(np.nanmax(h)) < min_top:
        return float("nan")
    hi = top_frac * max(float(np.nanmax(h)), lo_low)
    fits = [_unless_degenerate(edge_time(t[start:], h, lo_low, hi, rising=False, rho=rho),
                               t[start:], h, rising=False) for rho in (0.0, TOUCHDOWN_RHO)]
    return min((v for v in fits if lift_t < v <= t[detected]), default=float("nan"))


def rest_since(t, mean_h, detected: int, band: float, n: int) -> float:
    """When a foot whose touchdown was detected at index ``detected`` came to rest, s:
    the first of the samples back from it whose mean height ``mean_h`` (cm) all lie
    within ``band`` cm of the median of the ``n`` samples from it on (the foot at rest);
    NaN with fewer than 3 of those. Early by the descent's last ``band`` at most, for a
    contact no fit could date: a foot set down where the image reads it a few cm up is
    found only once it has been still, 0.3-0.7 s later, and its descent, little higher
    than that rest, gives the fits nothing to date."""
    ref = mean_h[detected:detected + n]
    if np.isfinite(ref).sum() < 3:
        return float("nan")
    level, i = float(np.nanmedian(ref)), detected
    while i > 0 and not abs(mean_h[i - 1] - level) > band:  # NaN: unseen, passed over
        i -= 1
    return float(t[i])


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
    world = _rise(world_h, start, floor_n)
    if world > 0.0 and _rise(low_h, start, floor_n) < FORESHORTENED * world:
        return world_h, low_h
    return (low_h, world_h) if world > 0.0 else (low_h,)


def _rise(h: np.ndarray, start: int, floor_n: int) -> float:
    """How far ``h`` rose from row ``start`` on, above the ``floor_n`` rows before it (its
    median), else above the median of its own rows; 0 with fewer than 3 samples of
    either."""
    v, floor = h[start:], h[max(0, start - floor_n):start] if floor_n else h[start:]
    if np.isfinite(v).sum() < 3 or np.isfinite(floor).sum() < 3:
        return 0.0
    return float(np.nanmax(v) - np.nanmedian(floor))


def forward(low_h, world_h, start: int, floor_n: int) -> bool:
    """The whole rise of a lift (from row ``start``) is a foot raised in front: the image's
    lowest point rose less than the world's. On the bench a lift with the knee bent shows
    1.15-2.5 times the world's rise in the image (0.6-5 m, 50 deg oblique), a hip-flexion
    lift at 0.75-1.2 m under 0.7 of it."""
    world = _rise(world_h, start, floor_n)
    return world > 0.0 and _rise(low_h, start, floor_n) < world


def floor_end(mean_h: np.ndarray, detected: int, lo: float, floor_n: int) -> int:
    """Index just past the last still floor stretch before a lift detected at index
    ``detected`` (the heel-off), 0 when there is none."""
    return floor_stretch(mean_h, detected, lo, floor_n)[1]


def knee_lift_time(t, mean_h, low_h, detected: int, lo: float, floor_n: int) -> float:
    """Toe-off of a lift with the knee bent, once its whole rise is in the history
    (``RISE_S``): the start of the lowest point's one movement ``low_h`` (n,) cm
    (``movement_ends``), fitted from the floor stretch before the lift (detected at index
    ``detected``, by the mean height ``mean_h``) to the end of the history, not much
    before the floor's end (``_not_before_floor``). NaN when there is no floor stretch,
    too little to fit, or no one movement (``_one_movement``: the foot coming down,
    which the hysteresis hears of 0.2-0.5 s later, dated a 0.7 s hold at 15 fps on its
    descent, 0.4 s late)."""
    start, stop = floor_stretch(mean_h, detected, lo, floor_n)
    path = low_h[start:]
    if stop == 0 or not _one_movement(path, _seen(path)[-3:], low_h[start:stop]):
        return float("nan")
    return _not_before_floor(movement_ends(t[start:], path[:, None])[0], t, stop)


def knee_touchdown_time(t, low_h, detected: int, back_n: int) -> float:
    """``rest_time`` of a knee-bent foot's lowest point ``low_h`` (n,) cm, NaN unless its
    ``back_n`` rows before the detection (index ``detected``) came down from over
    ``RAMP_RISE_CM`` above where the foot is at rest."""
    path = low_h[max(0, detected - back_n):]
    seen = _seen(path)
    if not _one_movement(path, seen[:3], seen[-3:]):
        return float("nan")
    return rest_time(t, low_h[:, None], detected, back_n)


def _seen(x: np.ndarray) -> np.ndarray:
    return x[np.isfinite(x)]


def _one_movement(path, top_end, floor) -> bool:
    """The lowest point's ``path`` (n,) cm is one movement between the floor and the
    raised foot: its top is ``RAMP_RISE_CM`` over the median of ``floor``, and the end
    ``top_end`` of it that should be up (its last seen samples for a lift, its first for
    a touchdown) is still over ``TOP_SHARE`` of the top. A heel raise, its toe down, has
    no such movement, and a short hold already coming down has two."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an unseen stretch: NaN, False
        base = float(np.nanmedian(floor)) if len(floor) else math.nan
    top = _peak_median3(path) - base
    return bool(top >= RAMP_RISE_CM and _peak_median3(top_end) - base >= TOP_SHARE * top)


def forward_lift_time(t, mean_h, toe, detected: int, lo: float, floor_n: int) -> float:
    """Toe-off of a foot raised in front: the start of the toe's movement ``toe`` (n, 3+)
    cm, its world x, y, z first (then, optionally, its place in the picture), fitted from
    the floor stretch before the lift (detected at index ``detected``, by the mean height
    ``mean_h``) to the end of the history, not much before the floor's end
    (``_not_before_floor``). NaN when there is no floor stretch, too little to fit, or
    a world travel under ``TOE_TRAVEL_CM``."""
    start, stop = floor_stretch(mean_h, detected, lo, floor_n)
    if stop == 0 or _travel(toe[start:stop, :3], toe[stop:, :3]) < TOE_TRAVEL_CM:
        return float("nan")
    return _not_before_floor(movement_ends(t[start:], toe[start:])[0], t, stop)


def _travel(floor: np.ndarray, after: np.ndarray) -> float:
    """How far the toe (n, 3) cm got from its median on the floor ``floor``: the
    median distance of its last five samples ``after``; 0 when either is unseen."""
    floor, after = (p[np.isfinite(p).all(axis=1)] for p in (floor, after))
    if len(floor) == 0 or len(after) == 0:
        return 0.0
    return float(np.median(np.linalg.norm(after[-5:] - np.median(floor, axis=0), axis=1)))


def rest_time(t, path, detected: int, back_n: int) -> float:
    """First contact of a foot set down: the end of the one movement of its ``path``
    (n, m) cm (``movement_ends``: a knee-bent foot's lowest point, m = 1; a forward
    foot's toe, its world x, y, z and its place in the picture) over the ``back_n`` rows
    before its detection (index ``detected``) to the end of the history (the foot at
    rest). NaN when too little is seen, or when it ends after the detection."""
    start = max(0, detected - back_n)
    t1 = movement_ends(t[start:], path[start:])[1]
    return t1 if t1 <= t[detected] else float("nan")


def near_ramp(hinge: float, ramp: float) -> float:
    """A knee-bent foot's edge: the hinge fit's date ``hinge`` s, kept within
    ``HINGE_SLACK_S`` of the ramp fit's ``ramp`` (either alone when the other is NaN)."""
    if not math.isfinite(ramp):
        return hinge
    if not math.isfinite(hinge):
        return ramp
    return min(max(hinge, ramp - HINGE_SLACK_S), ramp + HINGE_SLACK_S)


def movement_ends(t: np.ndarray, path: np.ndarray) -> tuple[float, float]:
    """(start, end) s of the one movement of a point in ``path`` (n, m) at times ``t``
    (n,): a minimum-jerk ramp fitted to its m axes at once, each weighted by its noise
    (the variance of its second differences, robustly: the median of their absolute
    deviations, which a smooth movement barely reaches), whitened for noise correlated
    ``TOE_RHO`` from frame to frame. NaNs when fewer than 6 rows are seen in full."""
    path = np.asarray(path, float)
    ok = np.isfinite(path).all(axis=1)
    if ok.sum() < 6:
        return float("nan"), float("nan")
    d2 = np.diff(path[ok], 2, axis=0)
    mad = np.median(np.abs(d2 - np.median(d2, axis=0)), axis=0)
    if not (mad > 0).all():
        return float("nan"), float("nan")
    span = (float(t[0]), float(t[-1]))
    return joint_ramp_ends(t, path.T, 1.0 / mad ** 2, span, span, TOE_RHO)
