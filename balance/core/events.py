"""Events of a balance trial from image landmarks: foot lift and touchdown, stance-foot
displacement (hop, pivot, shift), hands leaving the hips, loss of balance.

Every event is a small ``Event(t_s, frame, kind, side, payload)``; ``detect_events``
returns them sorted by frame, ready for a protocol or the session log.

Foot lift and touchdown, to the frame
-------------------------------------
1. Each foot's height above the floor under it, cm, from its usable ankle, heel and
   toe landmarks; the floor level is followed through re-placements of the feet
   (``floor_track``), so stepping into a tandem stance is not a lift.
2. Hysteresis on the zero-phase low-passed height: lifted once above ``lift_on_cm``
   (at least 6 noise SDs) for ``min_state_s``; down once below ``lift_off_cm`` (at least
   3 noise SDs) for ``min_state_s``. The noise SD is measured from the trace itself.
3. The crossing is late by construction (the foot is already centimetres up), so the
   onset is fitted on the *unfiltered* edge: a foot leaving the floor from rest
   accelerates, h = a max(0, t - t0)², and a least-squares hinge fit of that model over
   the flat stretch before the edge and its lower half gives t0 to a few milliseconds.
   The event frame is the first frame at or after t0 (the first frame that shows the
   foot off the floor). Touchdown is the mirror image on the falling edge (a foot set
   down comes to rest: h = a max(0, t0 - t)²). A foot that lands hard, arriving at
   speed, breaks that model: its touchdown is found up to ~1.5 frames late at 30 fps.

Thresholds live in ``EventConfig`` (units in its docstring).
"""

import math
from dataclasses import dataclass, field

import numpy as np

from balance.core import _validate, com as com_mod, stance as st
from balance.core.filters import lowpass_zero_phase
from balance.core.jit import kernel
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
        ``still_cm`` (or 4 smoothed noise SDs) over ``still_s``; still stretches give the
        floor levels (see ``floor_track``).
    world_lift_cm : with world landmarks, a foot held still higher in the image than its
        floor counts as lifted only if it is this much above the other foot in world
        coordinates; otherwise it was set down further from the camera (re-placed).
    stance_move_cm : stance-foot displacement (from its position at the lift) that
        counts as a hop, shift or pivot.
    pivot_cm : change of the toe-to-heel horizontal offset that marks a pivot.
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
    edge_high: float = 0.5
    stance_move_cm: float = 4.0
    pivot_cm: float = 4.0
    hands_off_ratio: float = 0.40
    hands_on_ratio: float = 0.30
    hands_min_s: float = 0.2
    bos_half_width_cm: float = 5.0
    lob_margin_cm: float = 4.0
    lob_speed_cm_s: float = 60.0
    lob_min_s: float = 0.15


# --------------------------------------------------------------------------------------
# Foot heights
# --------------------------------------------------------------------------------------

def noise_sd(x: np.ndarray) -> float:
    """Robust SD of white noise on a slow signal: MAD of first differences / (0.6745 √2).

    Differencing removes the slow movement; the median ignores the few large steps of a
    real lift. NaN samples are skipped; returns 0 for fewer than 3 samples."""
    d = np.diff(x)
    d = d[np.isfinite(d)]
    if d.size < 2:
        return 0.0
    return float(np.median(np.abs(d - np.median(d))) / (0.6745 * math.sqrt(2.0)))


def floor_levels(y: np.ndarray) -> np.ndarray:
    """Floor level (pixel y, down positive) of each column of ``y`` (n, k).

    The floor is the lowest place a foot landmark goes (largest y); the landmark may be
    off the floor most of the time (a 45 s single-leg stance), so neither the median nor
    the maximum will do: take the 98th percentile as a first guess, call every sample
    within 4 noise SDs (and 1 % of the trace's spread) of it "down", and return the median
    of those."""
    out = np.full(y.shape[1], np.nan)
    for j in range(y.shape[1]):
        col = y[:, j][np.isfinite(y[:, j])]
        if col.size == 0:
            continue
        guess = np.percentile(col, 98)
        band = 4.0 * noise_sd(y[:, j]) + 0.01 * (col.max() - col.min())
        out[j] = np.median(col[col >= guess - band])
    return out


def foot_offsets(xy: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Each foot's vertical position (pixels, down positive), shape (n, 2).

    The mean over the foot's usable ankle, heel and toe landmarks of their offset from
    their own reference level (``floor_levels``), so a landmark dropping in or out of
    view does not move the mean. NaN where none is usable."""
    out = np.full((xy.shape[0], 2), np.nan)
    for k, side in enumerate(st.SIDES):
        idx = list(com_mod.FOOT_POINTS[side])
        y = np.where(usable[:, idx], xy[:, idx, 1], np.nan)
        u = y - floor_levels(y)[None, :]
        count = np.isfinite(u).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, k] = np.where(count > 0, np.nansum(u, axis=1) / count, np.nan)
    return out


def world_lift(world: np.ndarray) -> np.ndarray:
    """How far each foot is above the other in world coordinates, cm, shape (n, 2).

    ``world`` (n, 33, >=2): MediaPipe world landmarks, metres, y down. Depth does not
    enter, so a foot set down further from the camera stays at 0 while a raised one
    shows its height."""
    y = np.asarray(world, dtype=np.float64)[..., 1]
    feet = []
    for side in st.SIDES:
        pts = y[:, list(com_mod.FOOT_POINTS[side])]
        count = np.isfinite(pts).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            feet.append(np.where(count > 0, np.nansum(pts, axis=1) / count, np.nan))
    feet = np.column_stack(feet)
    return 100.0 * (feet[:, ::-1] - feet)


def _still_runs(u: np.ndarray, fs: float, scale: float, cfg) -> list[tuple[int, int]]:
    """(start, stop) of the stretches where the foot does not move (see EventConfig)."""
    w = max(3, int(round(cfg.still_s * fs)))
    us = lowpass_zero_phase(u, fs)
    if us.size < w:
        return []
    pad = np.pad(us, (w // 2, w - 1 - w // 2), mode="edge")
    win = np.lib.stride_tricks.sliding_window_view(pad, w)
    with np.errstate(invalid="ignore"):
        span = win.max(axis=1) - win.min(axis=1)  # NaN where the window has a gap
    limit = max(cfg.still_cm * scale, 4.0 * noise_sd(us))
    return [(a, b) for a, b in _true_runs(span < limit) if b - a >= w]


def _true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def floor_track(u: np.ndarray, fs: float, scale: float, tol_cm: float, cfg,
                lift_cm: np.ndarray | None = None) -> np.ndarray:
    """The floor level under one foot, frame by frame (pixels, like ``u``).

    A foot re-placed in the stance (stepping into tandem) lands nearer to or further
    from the camera, i.e. lower or higher in the image: one floor level for the whole
    recording would call a foot slid back "lifted" for ever. So the floor is followed
    along the still stretches of the foot (``_still_runs``), in time order, starting
    from the first (the recording starts on both feet):

    * a stretch no higher than the floor plus ``tol_cm`` (the lift threshold) is the
      foot down: its level becomes the floor (a foot moved forward, or settling);
    * a higher stretch is the foot held up; with world landmarks (``lift_cm``, from
      ``world_lift``) it must also be ``world_lift_cm`` above the other foot, or it is
      a foot set down further back, which becomes the floor.

    Frames in a down stretch take its level; the others the higher (smaller y) of the
    floors before and after them, so nothing counts as lifted unless it is above both.
    Frames before the first down stretch, or all of them if the foot is never still,
    have no floor (NaN): no height, so no events there."""
    n = u.size
    prev, nxt = np.full(n, np.nan), np.full(n, np.nan)
    floor = None
    for a, b in _still_runs(u, fs, scale, cfg):
        level = float(np.nanmedian(u[a:b]))
        raised = floor is not None and (floor - level) / scale > tol_cm
        if raised and lift_cm is not None:
            raised = bool(np.nanmedian(lift_cm[a:b]) >= cfg.world_lift_cm)
        if raised:
            continue
        floor = level
        prev[a:b] = nxt[a:b] = level
    prev = _fill(prev, forward=True)
    nxt = _fill(nxt, forward=False)
    with np.errstate(invalid="ignore"):
        out = np.fmin(prev, nxt)
    # Before the foot has first stood still its floor is unknown (it may be shuffling
    # into place): no height, so no event, rather than a guess.
    out[:int(np.argmax(np.isfinite(prev))) if np.isfinite(prev).any() else n] = np.nan
    return out


def _fill(x: np.ndarray, forward: bool) -> np.ndarray:
    """Carry the last (or next) finite value over the NaNs."""
    y = x if forward else x[::-1]
    idx = np.where(np.isfinite(y), np.arange(y.size), -1)
    np.maximum.accumulate(idx, out=idx)
    out = np.where(idx >= 0, y[np.maximum(idx, 0)], np.nan)
    return out if forward else out[::-1]


def foot_heights(xy: np.ndarray, usable: np.ndarray, px_per_cm: float, fs: float,
                 cfg: "EventConfig | None" = None, world: np.ndarray | None = None
                 ) -> np.ndarray:
    """Height of each foot above its floor, cm, shape (n, 2) (left, right).

    Parameters
    ----------
    xy : ndarray (n, 33, 2), pixels; usable : ndarray (n, 33) bool.
    px_per_cm, fs : image scale and frame rate.
    cfg : EventConfig, optional.
    world : ndarray (n, 33, 4), optional
        World landmarks; they tell a foot set down further back from a raised one.

    Returns
    -------
    ndarray (n, 2): ``(floor_track - foot_offsets) / px_per_cm``; NaN where the foot is
    not seen or was never still."""
    cfg = cfg or EventConfig()
    u = foot_offsets(xy, usable)
    lift = None if world is None else world_lift(world)
    out = np.full(u.shape, np.nan)
    for k in range(2):
        # A still stretch less than the lift threshold above the floor can never read as
        # lifted, so it is the foot standing (a little further back, or settling).
        tol = max(cfg.lift_on_cm, cfg.noise_on * noise_sd(u[:, k]) / px_per_cm)
        floor = floor_track(u[:, k], fs, px_per_cm, tol, cfg,
                            None if lift is None else lift[:, k])
        out[:, k] = (floor - u[:, k]) / px_per_cm
    return out


# --------------------------------------------------------------------------------------
# Lift and touchdown
# --------------------------------------------------------------------------------------

def _edge_time(t: np.ndarray, h: np.ndarray, lo: float, hi: float, rising: bool) -> float:
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

    (A second, linear model for hard landings was tried: at realistic noise it lost
    more on smooth edges than it won on hard ones.)"""
    if not rising:
        return -_edge_time(-t[::-1], h[::-1], lo, hi, True)
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
    lag = np.clip(tt[None, :] - grid[:, None], 0.0, None)  # (grid, samples)
    s = lag * lag
    sh = s @ hh
    # How much the best a >= 0 at each t0 lowers the squared residual (closed form).
    gain = np.where(sh > 0, sh * sh / np.einsum("gs,gs->g", s, s), 0.0)
    return float(grid[int(np.argmax(gain))])


def _first_frame_at(t: np.ndarray, t0: float, lo: int, hi: int, fallback: int) -> int:
    """First frame whose time is >= t0, kept within [lo, hi]; ``fallback`` if t0 is NaN."""
    if not math.isfinite(t0):
        return fallback
    k = int(np.searchsorted(t, t0 - 1e-9 * max(1.0, abs(t0)), side="left"))
    return min(max(k, lo), hi)


def _lift_events(t, h_raw, h_smooth, side, cfg: EventConfig, fs: float):
    """Lift and touchdown events of one foot, plus its lifted state per frame.

    Payload: t_est_s (the extrapolated instant, s, or None when the edge was too short
    to fit), detected_frame (where the hysteresis became sure), height_cm (lift height).
    """
    sd = noise_sd(h_raw)
    on = max(cfg.lift_on_cm, cfg.noise_on * sd)
    off = max(cfg.lift_off_cm, cfg.noise_off * sd)
    min_n = max(1, int(round(cfg.min_state_s * fs)))
    up = kernel("hysteresis")(np.ascontiguousarray(h_smooth), on, off, min_n, min_n, 0)
    changes = np.flatnonzero(np.diff(up)) + 1  # first frame of each new state
    bounds = np.concatenate([[0], changes, [t.size]])
    lo_h = max(cfg.edge_low * sd, cfg.edge_min_cm)
    # How far from the hysteresis's verdict an edge may lie: the low-pass spreads an
    # edge by about 1 / cutoff, and a lift rises in a few tenths of a second.
    window = max(3 * min_n, int(round(0.5 * fs)))
    events = []
    for k, j in enumerate(changes):
        prev, nxt = bounds[k], bounds[k + 2]  # the state before and after j
        if up[j]:
            frame, t0, top = _rising(t, h_raw, h_smooth, prev, j, nxt, lo_h, cfg, window)
            kind = FOOT_LIFT
        else:
            frame, t0, top = _falling(t, h_raw, h_smooth, prev, j, nxt, lo_h, cfg, window)
            kind = TOUCHDOWN
        up[min(frame, j):max(frame, j)] = up[j] if frame < j else up[j - 1]
        events.append(Event(float(t[frame]), int(frame), kind, side, {
            "t_est_s": t0 if math.isfinite(t0) else None,
            "detected_frame": int(j),
            "height_cm": top,
        }))
    return events, up.astype(bool), {"noise_cm": sd, "on_cm": on, "off_cm": off}


def _rising(t, h_raw, h_smooth, prev, j, nxt, lo_h, cfg, window):
    """Onset of the lift detected at frame ``j`` (down since ``prev``, up until ``nxt``)."""
    top = float(np.nanmax(h_smooth[j:nxt]))
    begin = max(prev, j - window)
    high = np.flatnonzero(h_smooth[j:nxt] >= cfg.edge_high * top)
    end = min(nxt, j + (int(high[0]) if high.size else 0) + 3)
    t0 = _edge_time(t[begin:end], h_raw[begin:end], lo_h, cfg.edge_high * top,
                    rising=True)
    return _first_frame_at(t, t0, begin + 1, end - 1, j), t0, top


def _falling(t, h_raw, h_smooth, prev, j, nxt, lo_h, cfg, window):
    """Touchdown of the foot detected down at frame ``j`` (up since ``prev``)."""
    top = float(np.nanmax(h_smooth[prev:j]))
    high = np.flatnonzero(h_smooth[prev:j] >= cfg.edge_high * top)
    begin = max(prev, prev + (int(high[-1]) if high.size else 0) - 2)
    end = min(nxt, j + window)
    t0 = _edge_time(t[begin:end], h_raw[begin:end], lo_h, cfg.edge_high * top,
                    rising=False)
    return _first_frame_at(t, t0, begin + 1, end - 1, j), t0, top


# --------------------------------------------------------------------------------------
# Stance foot, hands, balance
# --------------------------------------------------------------------------------------

def _stance_foot_events(t, xy, usable, code, scale, cfg: EventConfig, fs):
    """The stance foot leaving its place during single stance: a pivot or a shift.

    The foot's mean point and its toe-minus-heel horizontal offset are compared with
    their medians over the first ``2 min_state_s`` of the stance. Payload: mode ("pivot"
    when the toe-heel offset changed by ``pivot_cm``, else "shift"), displacement_cm,
    pivot_cm. One event per stance run. (A hop is a lift of the stance foot while the
    other is up: ``detect_events`` reports it from the lift events.)"""
    events = []
    min_n = max(1, int(round(cfg.min_state_s * fs)))
    for start, stop, value in st.runs(code):
        if value not in (st.LEFT, st.RIGHT) or stop - start < 2 * min_n:
            continue
        side = "left" if value == st.LEFT else "right"
        heel, toe = INDEX[f"{side}_heel"], INDEX[f"{side}_foot_index"]
        span = slice(start, stop)
        base = _smooth(com_mod.foot_base(xy[span], usable[span], side)[:, 0], fs)
        offset = _smooth(np.where(usable[span, heel] & usable[span, toe],
                                  xy[span, toe, 0] - xy[span, heel, 0], np.nan), fs)
        ref_n = 2 * min_n
        move = np.abs(base - np.nanmedian(base[:ref_n])) / scale
        pivot = np.abs(offset - np.nanmedian(offset[:ref_n])) / scale
        score = np.fmax(move / cfg.stance_move_cm, pivot / cfg.pivot_cm)
        flag = kernel("hysteresis")(np.ascontiguousarray(score), 1.0, 0.7, min_n, min_n, 0)
        hit = np.flatnonzero(flag)
        if hit.size:
            i = int(hit[0])
            f = start + i
            events.append(Event(float(t[f]), f, STANCE_FOOT_MOVED, side, {
                "mode": "pivot" if pivot[i] >= cfg.pivot_cm else "shift",
                "displacement_cm": float(move[i]),
                "pivot_cm": float(pivot[i]),
            }))
    return events


def _hop_events(lift_events, lifted):
    """A foot lifting while the other is already up: the stance foot hopped.
    Payload: mode "hop"."""
    out = []
    for e in lift_events:
        other = 1 - st.SIDES.index(e.side)
        if e.kind == FOOT_LIFT and lifted[e.frame, other]:
            out.append(Event(e.t_s, e.frame, STANCE_FOOT_MOVED, e.side, {"mode": "hop"}))
    return out


def _hands_events(t, xy, usable, cfg: EventConfig, fs):
    """Each hand leaving (and returning to) its hip; payload: ratio (wrist-hip distance
    over trunk length). The first state is taken from the data, with no event."""
    events = []
    mid_sh = 0.5 * (xy[:, INDEX["left_shoulder"]] + xy[:, INDEX["right_shoulder"]])
    mid_hip = 0.5 * (xy[:, INDEX["left_hip"]] + xy[:, INDEX["right_hip"]])
    trunk_ok = usable[:, [INDEX[n] for n in ("left_shoulder", "right_shoulder",
                                              "left_hip", "right_hip")]].all(axis=1)
    trunk = np.where(trunk_ok, np.linalg.norm(mid_sh - mid_hip, axis=1), np.nan)
    min_n = max(1, int(round(cfg.hands_min_s * fs)))
    for side in st.SIDES:
        w, hp = INDEX[f"{side}_wrist"], INDEX[f"{side}_hip"]
        ok = usable[:, w] & usable[:, hp]
        ratio = np.where(ok, np.linalg.norm(xy[:, w] - xy[:, hp], axis=1), np.nan) / trunk
        ratio = _smooth(ratio, fs)
        finite = np.flatnonzero(np.isfinite(ratio))
        if finite.size == 0:
            continue
        first_off = int(ratio[finite[0]] > cfg.hands_off_ratio)
        off = kernel("hysteresis")(np.ascontiguousarray(ratio), cfg.hands_off_ratio,
                                   cfg.hands_on_ratio, min_n, min_n, first_off)
        for i in np.flatnonzero(np.diff(off)) + 1:
            kind = HANDS_OFF_HIPS if off[i] else HANDS_ON_HIPS
            events.append(Event(float(t[i]), int(i), kind, side, {"ratio": float(ratio[i])}))
    return events


def _balance_events(t, sway_h_cm, feet_x_cm, code, cfg: EventConfig, fs):
    """Loss of balance: the CoM beyond the base of support by ``lob_margin_cm``, or
    faster than ``lob_speed_cm_s``, for ``lob_min_s``. Payload: reason ("outside" or
    "speed"), excursion_cm (beyond the base of support), speed_cm_s.

    ``sway_h_cm``: CoM horizontal position, cm, in the same frame as ``feet_x_cm``
    (n, 2), the left and right foot positions. Reported once per stance run."""
    events = []
    com = _smooth(sway_h_cm, fs)
    speed = np.abs(np.gradient(com, t)) if com.size > 1 else np.zeros_like(com)
    lo = np.where(code == st.LEFT, feet_x_cm[:, 0],
                  np.where(code == st.RIGHT, feet_x_cm[:, 1], np.fmin(*feet_x_cm.T)))
    hi = np.where(code == st.LEFT, feet_x_cm[:, 0],
                  np.where(code == st.RIGHT, feet_x_cm[:, 1], np.fmax(*feet_x_cm.T)))
    excursion = np.fmax(lo - cfg.bos_half_width_cm - com, com - hi - cfg.bos_half_width_cm)
    score = np.fmax(excursion / cfg.lob_margin_cm, speed / cfg.lob_speed_cm_s)
    min_n = max(1, int(round(cfg.lob_min_s * fs)))
    flag = kernel("hysteresis")(np.ascontiguousarray(score), 1.0, 0.8, min_n, min_n, 0)
    for start, stop, value in st.runs(code):
        hit = np.flatnonzero(flag[start:stop])
        if hit.size:
            i = start + int(hit[0])
            reason = "outside" if excursion[i] >= cfg.lob_margin_cm else "speed"
            events.append(Event(float(t[i]), i, LOSS_OF_BALANCE, None, {
                "reason": reason,
                "excursion_cm": float(max(excursion[i], 0.0)),
                "speed_cm_s": float(speed[i]),
            }))
    return events


def _smooth(x: np.ndarray, fs: float) -> np.ndarray:
    """Zero-phase low-pass with the package default (gaps stay NaN)."""
    return lowpass_zero_phase(x, fs)


# --------------------------------------------------------------------------------------
# Public
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventTrace:
    """Per-frame signals behind the events, for plots, protocols and tests.

    Attributes
    ----------
    foot_height_cm : ndarray (n, 2), unfiltered, left and right.
    lifted : ndarray (n, 2) bool, left and right (frame-exact after refinement).
    stance : ndarray (n,) int8, ``balance.core.stance`` codes.
    com_px : ndarray (n, 2), CoM pixels.
    noise_cm : dict side -> estimated foot-height noise SD, cm.
    """

    foot_height_cm: np.ndarray
    lifted: np.ndarray
    stance: np.ndarray
    com_px: np.ndarray
    noise_cm: dict


def detect_events(t, image, image_size, *, px_per_cm: float, world=None,
                  config: EventConfig | None = None,
                  return_trace: bool = False):
    """Find the events of a recorded trial.

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
        World landmarks (metres, y down). With them a foot slid or set down further from
        the camera (higher in the image) is not mistaken for a lifted one.
    config : EventConfig, optional
        Thresholds.
    return_trace : bool
        Also return the per-frame ``EventTrace``.

    Returns
    -------
    list of Event, sorted by frame (and ``EventTrace`` if asked).

    Notes
    -----
    The recording should start with both feet on the floor for a moment: the floor
    under each foot is followed from there (``floor_track``), through re-placements of
    the feet. Without ``world``, a foot slid back more than ``lift_off_cm`` of image
    height reads as lifted until it moves again.
    """
    cfg = config or EventConfig()
    scale = _validate.positive_rate(px_per_cm, "px_per_cm")
    t = _validate.trace(t, "t")
    xy, vis = com_mod.landmarks(image, image_size)
    if t.size != xy.shape[0]:
        raise InputError(f"t has {t.size} times for {xy.shape[0]} frames")
    if t.size < 4:
        raise InputError(f"event detection needs at least 4 frames, got {t.size}")
    _validate.finite(t, "t", "frame times must all be known")
    dt = np.diff(t)
    if (dt <= 0).any():
        raise InputError("frame times must increase")
    fs = 1.0 / float(np.median(dt))
    usable = com_mod.usable_mask(vis, cfg.min_visibility)

    if world is not None:
        world = np.asarray(world, dtype=np.float64)
        if world.shape != xy.shape[:2] + (4,):
            raise InputError(f"world must have shape {xy.shape[:2] + (4,)}, "
                             f"got {world.shape}")
    h_raw = foot_heights(xy, usable, scale, fs, cfg, world)
    h_smooth = lowpass_zero_phase(h_raw, fs)
    events, lifted, noise = [], np.zeros((t.size, 2), dtype=bool), {}
    for k, side in enumerate(st.SIDES):
        found, lifted[:, k], info = _lift_events(t, h_raw[:, k], h_smooth[:, k], side, cfg,
                                                 fs)
        events += found
        noise[side] = info["noise_cm"]
    code = st.stance_from_lifted(lifted[:, 0], lifted[:, 1])

    events += _hop_events(events, lifted)
    events += _stance_foot_events(t, xy, usable, code, scale, cfg, fs)
    events += _hands_events(t, xy, usable, cfg, fs)

    com_px, _ = com_mod.com_pixels(image, image_size, min_visibility=cfg.min_visibility)
    feet_x = np.column_stack([com_mod.foot_base(xy, usable, s)[:, 0] for s in st.SIDES])
    events += _balance_events(t, com_px[:, 0] / scale, _smooth(feet_x, fs) / scale, code,
                              cfg, fs)
    events.sort(key=lambda e: (e.frame, KINDS.index(e.kind), e.side or ""))
    if return_trace:
        return events, EventTrace(h_raw, lifted, code, com_px, noise)
    return events
