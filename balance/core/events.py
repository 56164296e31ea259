"""Events of a balance trial: what they are, their thresholds, and finding them in a
recording.

Foot lift and touchdown, stance-foot displacement (hop, pivot, shift), hands leaving the
hips, loss of balance. Every event is a small ``Event(t_s, frame, kind, side, payload)``.

There is one detector, ``live_events.LiveEventDetector``, causal, frame by frame: it
times the trials live. ``detect_events`` streams a recording through it, so a replay, a
report or an export shows what the live test would have found on the same frames. This
module holds what the detector and its callers share: the event kinds, ``Event``,
``EventConfig``, the noise estimate, the world-landmark foot height and the edge-dating
fit (``edge_time``).

Thresholds live in ``EventConfig`` (units in its docstring).
"""

import math
from dataclasses import dataclass, field

import numpy as np

from balance.core import _validate, com as com_mod, stance as st
from balance.errors import InputError
from balance.pose.landmarks import INDEX
FOOT_LIFT = "foot_lift"
TOUCHDOWN = "touchdown"
STANCE_FOOT_MOVED = "stance_foot_moved"
HANDS_OFF_HIPS = "hands_off_hips"
HANDS_ON_HIPS = "hands_on_hips"
LOSS_OF_BALANCE = "loss_of_balance"
KINDS = (FOOT_LIFT, TOUCHDOWN, STANCE_FOOT_MOVED, HANDS_OFF_HIPS, HANDS_ON_HIPS,
         LOSS_OF_BALANCE)


@dataclass(frozen=True)
class Event:
    """One thing that happened.

    Attributes
    ----------
    t_s : float
        Time of ``frame``, s (the session's clock).
    frame : int
        Frame index at which it happened (for a lift: the first frame showing the foot
        off the floor), not the later frame at which it became certain.
    kind : str
        One of ``KINDS``.
    side : str or None
        "left" / "right" for the foot or hand concerned, None for the whole body.
    payload : dict
        Kind-specific numbers (JSON-ready), documented with each detector.
    """

    t_s: float
    frame: int
    kind: str
    side: str | None = None
    payload: dict = field(default_factory=dict, compare=True, hash=False)

    def to_dict(self) -> dict:
        """JSON-ready dict of the five fields."""
        return {"t_s": self.t_s, "frame": self.frame, "kind": self.kind, "side": self.side,
                "payload": dict(self.payload)}

    def as_record(self) -> tuple[float, str, dict]:
        """``(t_s, kind, payload)`` with ``frame`` and ``side`` folded into the payload,
        the shape of ``balance.storage.session.Event``."""
        return self.t_s, self.kind, {"frame": self.frame, "side": self.side, **self.payload}


@dataclass(frozen=True)
class EventConfig:
    """Thresholds of the event detectors. Lengths in cm, times in s.

    Attributes
    ----------
    min_visibility : landmark visibility below which it counts as missing.
    lift_on_cm, lift_off_cm : smallest hysteresis thresholds on foot height; each is
        raised to ``noise_on`` / ``noise_off`` noise SDs when the landmarks are noisier.
    min_state_s : how long a foot must stay past a threshold to change state.
    edge_low, edge_min_cm : lowest height used in the onset fit: ``edge_low`` noise SDs,
        and never below ``edge_min_cm``.
    edge_high : highest height used in the onset fit, fraction of the lift height.
    still_s, still_cm : a foot is still when its smoothed height spans less than
        ``still_cm`` (or 2.4 noise SDs) over ``still_s``; a still standing foot sets the
        floor level under it (``live_signals.Signals``).
    world_lift_cm : with world landmarks, a foot held still higher in the image than its
        floor counts as lifted only if it is this much above the other foot in world
        coordinates; otherwise it was set down further from the camera (re-placed).
    wide_cm, wide_level_cm : with world landmarks, a raised foot that is still, this
        far from the other across the floor and under ``wide_level_cm`` above it in the
        world (the median of its recent world lifts) is down, however high the image
        reads it: stepped out into a wide stance (warrior II) and set down further from
        the camera. Held up, a foot this far out is well above the other (a leg 85 cm
        long reaching 40 cm out from its hip lifts its sole 10 cm with the pelvis
        level), while the world's up, off by a degree or two, reads a foot set down 1 m
        out 2-3 cm up. On the bench a foot held in front at 4-9 cm is at most 36 cm from
        the other.
    stance_move_cm : stance-foot displacement (from where it stands: see
        ``stance_ref_gate``) that counts as a hop, shift or pivot.
    pivot_cm : change of the toe-to-heel horizontal offset that marks a pivot.
    stance_ref_gate : the stance foot's reference place (the median of its first second)
        then follows the foot, as the running mean of its place, on frames whose move and
        pivot are under this share of their limits. The first second alone was off by up
        to 2 cm at 15 fps and 2 px, and noise then ended 3 of 200 30-48 s holds early on
        the bench; a real shift or pivot leaves the reference behind at once.
    stance_noise : at a lift, the stance's move and pivot limits are raised to this many
        SDs of the feet's low-passed places (base and toe-to-heel offset) over the last
        10 s they stood, where that is wider, up to ``live_events.STANCE_CAP`` times
        (``LiveEventDetector._stance_limits``).
    hands_off_ratio, hands_on_ratio : wrist-to-hip distance over trunk length above which
        a hand has left the hip, and below which it is back (hysteresis).
    hands_min_s : how long a hand must stay off (or back) to count.
    bos_half_width_cm : half the width of a foot, the base of support around a foot.
    lob_margin_cm : CoM beyond the base of support by more than this -> loss of balance.
    lob_speed_cm_s : or CoM moving faster than this (a stumble or step).
    lob_min_s : how long either must last.
    """

    min_visibility: float = 0.5
    lift_on_cm: float = 2.0
    lift_off_cm: float = 1.0
    noise_on: float = 6.0
    noise_off: float = 3.0
    min_state_s: float = 0.1
    edge_low: float = 3.0
    edge_min_cm: float = 0.2
    still_s: float = 0.3
    still_cm: float = 1.0
    world_lift_cm: float = 2.0
    wide_cm: float = 50.0
    wide_level_cm: float = 5.0
    edge_high: float = 0.5
    stance_move_cm: float = 4.0
    pivot_cm: float = 4.0
    stance_ref_gate: float = 0.5
    stance_noise: float = 5.0
    hands_off_ratio: float = 0.40
    hands_on_ratio: float = 0.30
    hands_min_s: float = 0.2
    bos_half_width_cm: float = 5.0
    lob_margin_cm: float = 4.0
    lob_speed_cm_s: float = 60.0
    lob_min_s: float = 0.15


# --------------------------------------------------------------------------------------
# Shared by the detector's rules
# --------------------------------------------------------------------------------------

def noise_sd(x: np.ndarray, lag: int = 1) -> float:
    """Robust SD of white noise on a slow signal: MAD of differences ``lag`` samples
    apart / (0.6745 √2) (for noise correlated over about ``lag`` samples or less).

    Differencing removes the slow movement; the median ignores the few large steps of a
    real lift. NaN samples are skipped; returns 0 for fewer than 3 samples."""
    x = np.asarray(x, dtype=np.float64)
    d = x[lag:] - x[:-lag]
    d = d[np.isfinite(d)]
    if d.size < 2:
        return 0.0
    return float(np.median(np.abs(d - np.median(d))) / (0.6745 * math.sqrt(2.0)))


_SHOULDER_IDX = (INDEX["left_shoulder"], INDEX["right_shoulder"])
_ANKLE_IDX = (INDEX["left_ankle"], INDEX["right_ankle"])
_SOLE_IDX = {s: (INDEX[f"{s}_heel"], INDEX[f"{s}_foot_index"]) for s in st.SIDES}


def world_lift(world: np.ndarray, up=None) -> np.ndarray:
    """How far each foot is above the other in world coordinates, cm, shape (n, 2).

    ``world`` (n, 33, >=3): MediaPipe world landmarks, metres, y down, axes turned with
    the camera. ``up`` (3,) or (n, 3): the unit vector up in those axes (``body_up``;
    default (0, -1, 0), a level camera). A camera pitched at the body sees a foot raised
    in front move along its own y by a share of how far it came forward: measured along
    the true up, a foot set down further from the camera stays at 0 while a raised one
    shows its height."""
    p = np.asarray(world, dtype=np.float64)[..., :3]
    up = np.broadcast_to(np.array([0.0, -1.0, 0.0]) if up is None else np.asarray(up, float),
                         (p.shape[0], 3))
    h = np.einsum("nkc,nc->nk", p, up)  # height of every landmark along up, m
    feet = _feet_mean(h)
    return 100.0 * (feet - feet[:, ::-1])


def _feet_mean(h: np.ndarray) -> np.ndarray:
    """(n, 2) mean of each foot's finite ankle, heel and toe values of ``h`` (n, 33),
    NaN where none is (by counts: ``nanmean`` would warn of an empty foot)."""
    feet = []
    for side in st.SIDES:
        pts = h[:, list(com_mod.FOOT_POINTS[side])]
        count = np.isfinite(pts).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            feet.append(np.where(count > 0, np.nansum(pts, axis=1) / count, np.nan))
    return np.column_stack(feet)


def world_low(world: np.ndarray, up) -> np.ndarray:
    """Each foot's lowest sole point (heel or toe) above the mean of the other foot's
    ankle, heel and toe, along ``up``, cm, shape (n, 2): while the other foot stands, the
    sole's clearance plus a constant (what the image's lowest point shows, but not
    shortened by a foot coming towards the camera). The other foot's three landmarks,
    averaged, add less noise than its own lowest point would."""
    p = np.asarray(world, dtype=np.float64)[..., :3]
    h = np.einsum("nkc,nc->nk", p, np.broadcast_to(np.asarray(up, float), (p.shape[0], 3)))
    with np.errstate(invalid="ignore"):
        low = np.column_stack([np.fmin(h[:, _SOLE_IDX[s][0]], h[:, _SOLE_IDX[s][1]])
                               for s in st.SIDES])
    return 100.0 * (low - _feet_mean(h)[:, ::-1])


def world_apart(world: np.ndarray, up) -> np.ndarray:
    """How far apart the feet are across the floor in the world, cm, shape (n,): the
    distance between each foot's mean of ankle, heel and toe, square to ``up`` (n, 3)
    (NaN where a foot is not seen)."""
    p = np.asarray(world, dtype=np.float64)[..., :3]
    up = np.broadcast_to(np.asarray(up, float), (p.shape[0], 3))
    feet = np.stack([_feet_mean(p[..., c]) for c in range(3)], axis=-1)  # (n, 2, 3)
    d = feet[:, 0] - feet[:, 1]
    across = d - np.einsum("nc,nc->n", d, up)[:, None] * up
    return 100.0 * np.linalg.norm(across, axis=1)


def world_toes(world: np.ndarray) -> np.ndarray:
    """Each foot's toe (foot index) less the mean of the other foot's ankle, heel and toe,
    cm, in the world axes, shape (n, 2, 3): still while both feet stand, it moves from
    toe-off to first contact, forward as well as up (the standing foot, averaged, is a
    fixed and less noisy origin than the hips)."""
    p = 100.0 * np.asarray(world, dtype=np.float64)[..., :3]
    toes = p[:, [_SOLE_IDX[s][1] for s in st.SIDES]]
    feet = np.stack([p[:, list(com_mod.FOOT_POINTS[s])].mean(axis=1) for s in st.SIDES], axis=1)
    return toes - feet[:, ::-1]


def image_toes(image: np.ndarray, image_size) -> np.ndarray:
    """Each foot's toe (foot index) in the picture, px, shape (n, 2, 2) for image
    landmarks (n, 33, 4) and ``image_size`` (width, height): the toe's movement as the
    camera sees it, with the picture's noise, not the world's inferred depth (``world_toes``)."""
    toes = np.asarray(image, dtype=np.float64)[:, [_SOLE_IDX[s][1] for s in st.SIDES], :2]
    return toes * np.asarray(image_size, dtype=np.float64)


def body_up(world: np.ndarray) -> np.ndarray:
    """(n, 3) unit vector from the mid-ankle to the mid-shoulder in world coordinates,
    NaN where one is not seen: up, for a person standing on both feet."""
    p = np.asarray(world, dtype=np.float64)[..., :3]
    v = 0.5 * (p[:, _SHOULDER_IDX[0]] + p[:, _SHOULDER_IDX[1]]
               - p[:, _ANKLE_IDX[0]] - p[:, _ANKLE_IDX[1]])
    with np.errstate(invalid="ignore", divide="ignore"):
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def edge_time(t: np.ndarray, h: np.ndarray, lo: float, hi: float, rising: bool,
              rho: float = 0.0) -> float:
    """Time at which one edge leaves zero height: a least-squares hinge fit.

    Model h = a max(0, t - t0)², a >= 0 (a foot leaving the floor from rest
    accelerates), fitted to the unfiltered samples from the start of ``t`` up to the edge's first
    sample above ``hi``: the flat stretch before the lift anchors the floor, the curve
    the onset. The fit is in h itself, where the landmark noise is additive, so samples
    still inside the noise pull neither way. For each t0 on a grid of 1/50 sample the
    best a is closed-form; the t0 with the least residual wins. An edge needs a sample
    above ``lo`` (the noise floor); at a low frame rate an edge may have none below
    ``hi``, and then its first sample above ``hi`` is used too. A falling edge is fitted
    as a rising one played backwards. NaN when there is too little to fit.

    ``rho`` (0 to 1) is the noise's correlation from one sample to the next: the fit is
    then made on h_i - rho h_(i-1) (``_whiten``). Noise that is correlated in time strays
    off the floor for several samples at once, and each of them pulls an unwhitened fit's
    onset onto the stray; whitened, the stray weighs as its two ends.

    (A second, linear model for hard landings was tried: at realistic noise it lost
    more on smooth edges than it won on hard ones.)"""
    if not rising:
        return -edge_time(-t[::-1], h[::-1], lo, hi, True, rho)
    above = np.flatnonzero(h > hi)
    stop = int(above[0]) if above.size else h.size
    if not (h[:stop] > lo).any():
        stop = min(stop + 1, h.size)
    ok = np.isfinite(h[:stop])
    tt, hh = t[:stop][ok], h[:stop][ok]
    if tt.size < 3 or not (hh > lo).any():
        return float("nan")
    dt = float(np.median(np.diff(tt)))
    # Candidate onsets leave at least two samples on the curve.
    grid = np.arange(tt[0] - dt, tt[-2], dt / 50.0)
    lag = np.clip(t[None, :stop] - grid[:, None], 0.0, None)  # (grid, samples)
    s, hh = _whiten(lag * lag, h[:stop], ok, rho)
    sh = s @ hh
    # How much the best a >= 0 at each t0 lowers the squared residual (closed form).
    ss = np.einsum("gs,gs->g", s, s)
    gain = np.where(sh > 0, sh * sh / np.where(ss > 0, ss, 1.0), 0.0)
    return float(grid[int(np.argmax(gain))])


def _whiten(s: np.ndarray, h: np.ndarray, ok: np.ndarray, rho: float):
    """The model rows ``s`` (grid, samples) and the samples ``h`` (samples,) at the finite
    samples ``ok``, whitened for noise of lag-1 correlation ``rho`` (AR(1)): a sample that
    follows a finite one becomes x_i - rho x_(i-1), the first of a run sqrt(1 - rho²) x_i."""
    if rho == 0.0:
        return s[:, ok], h[ok]
    prev = ok & np.r_[False, ok[:-1]]
    c = np.where(prev, 1.0, math.sqrt(max(0.0, 1.0 - rho * rho)))
    r = np.where(prev, rho, 0.0)
    h_prev = np.where(prev, np.r_[0.0, h[:-1]], 0.0)
    s_prev = np.concatenate([np.zeros((s.shape[0], 1)), s[:, :-1]], axis=1)
    return (c * s - r * s_prev)[:, ok], (c * np.where(ok, h, 0.0) - r * h_prev)[ok]


@dataclass(frozen=True)
class EventTrace:
    """Per-frame signals behind the events of a recording, for plots, protocols and tests.

    Attributes
    ----------
    foot_height_cm : ndarray (n, 2), unfiltered height of each foot above its floor,
        left and right; NaN while the floor is being calibrated or the foot is unseen.
    lifted : ndarray (n, 2) bool, left and right: from each lift event's frame up to its
        touchdown's (to the end for a foot still up), so it agrees with the events.
    stance : ndarray (n,) int8, ``balance.core.stance`` codes of ``lifted``.
    noise_cm : dict side -> estimated foot-height noise SD, cm (NaN if never calibrated).
    """

    foot_height_cm: np.ndarray
    lifted: np.ndarray
    stance: np.ndarray
    noise_cm: dict


# Long for its docstring (the inputs, their units and the guarantee); the code is ~35 lines.
def detect_events(t, image, image_size, *, px_per_cm: float, world=None,
                  config: EventConfig | None = None,
                  return_trace: bool = False, feet_only: bool = False):
    """Find the events of a recorded trial by streaming it through the live detector.

    Parameters
    ----------
    t : array_like, shape (n,)
        Frame times, s, increasing (a roughly constant rate: the filters assume one).
    image : array_like, shape (n, 33, 4)
        Image landmarks (NaN rows where no person was found).
    image_size : (width, height), pixels.
    px_per_cm : float
        Image scale (``com.px_per_cm_from_height``).
    world : array_like, shape (n, 33, 4), optional
        World landmarks (metres, y down; NaN rows where none). With them a foot slid or
        set down further from the camera (higher in the image) is not mistaken for a
        lifted one.
    config : EventConfig, optional
        Thresholds.
    return_trace : bool
        Also return the per-frame ``EventTrace``.
    feet_only : bool
        Only lifts and touchdowns (the stance): about twice as fast, for a caller that
        has the other events already (a session that recorded them).

    Returns
    -------
    list of Event, sorted by frame (and ``EventTrace`` if asked). Exactly the events a
    ``LiveEventDetector`` pushed the same frames (frame indices 0..n-1) would give.

    Notes
    -----
    The recording should start with both feet on the floor for ``calibration_s``: the
    floor under each foot is measured there and followed through re-placements of the
    feet.
    """
    from balance.core.live_events import LiveEventDetector  # late: it imports this module

    scale = _validate.positive_rate(px_per_cm, "px_per_cm")
    t = _validate.trace(t, "t")
    xy, _ = com_mod.landmarks(image, image_size)
    if t.size != xy.shape[0]:
        raise InputError(f"t has {t.size} times for {xy.shape[0]} frames")
    if t.size < 4:
        raise InputError(f"event detection needs at least 4 frames, got {t.size}")
    _validate.finite(t, "t", "frame times must all be known")
    dt = np.diff(t)
    if (dt <= 0).any():
        raise InputError("frame times must increase")
    if world is not None:
        world = np.asarray(world, dtype=np.float64)
        if world.shape != xy.shape[:2] + (4,):
            raise InputError(f"world must have shape {xy.shape[:2] + (4,)}, "
                             f"got {world.shape}")
    det = LiveEventDetector(1.0 / float(np.median(dt)), image_size, px_per_cm=scale,
                            config=config, feet_only=feet_only)
    heights = np.full((t.size, 2), np.nan)
    events = det.extend(range(t.size), t, np.asarray(image, dtype=np.float64), world,
                        heights=heights)
    events.sort(key=lambda e: (e.frame, KINDS.index(e.kind), e.side or ""))
    if not return_trace:
        return events
    lifted = lifted_from_events(events, t.size)
    noise = det.noise_cm if det.noise_cm is not None else (math.nan, math.nan)
    return events, EventTrace(heights, lifted,
                              st.stance_from_lifted(lifted[:, 0], lifted[:, 1]),
                              {side: float(noise[k]) for k, side in enumerate(st.SIDES)})


def lifted_from_events(events, n: int) -> np.ndarray:
    """(n, 2) bool, left and right: each foot up from its lift's frame to its
    touchdown's (exclusive), or to the end when it never came down."""
    out = np.zeros((n, 2), dtype=bool)
    since = [None, None]
    for e in sorted(events, key=lambda e: e.frame):
        if e.side not in st.SIDES or e.kind not in (FOOT_LIFT, TOUCHDOWN):
            continue
        k = st.SIDES.index(e.side)
        if e.kind == FOOT_LIFT and since[k] is None:
            since[k] = e.frame
        elif e.kind == TOUCHDOWN and since[k] is not None:
            out[since[k]:e.frame, k] = True
            since[k] = None
    for k in (0, 1):
        if since[k] is not None:
            out[since[k]:, k] = True
    return out
