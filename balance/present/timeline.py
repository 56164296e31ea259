"""A recorded session laid out in time, for replay, reports and per-frame export.

Qt-free. From a session it computes, once: the stance per frame (the core's event
detector, the one that times live trials, run over the recording), the centre-of-mass
sway (cm, side to side and, where world landmarks give it, front to back), the events to
mark (those recorded with the session, which scored it; the detector's only for a session
that recorded none), the trials (from the stored result, else from the lifts among those
events) and the notes. ``at(i)`` then answers "what was happening at frame i": the trial,
its elapsed time and its sway metrics up to that frame.

The sway's reference: each trial's own median position, held through the trial, and
each rest's, at its midpoint, joined by straight lines. Not the standing foot: that
reference jumps by half the stance width at every lift and touchdown, and a wide stance
the detector takes for one leg (warrior II) reads as 50 cm of sway. So every trial is
centred on zero, and no frame-to-frame step is larger than the body's own movement plus
the glide between references (millimetres a frame). The sway metrics do not depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from balance.core import com as com_mod
from balance.core import depth
from balance.core import events as core_events
from balance.errors import InputError
from balance.protocols.trial import sway_of
from balance.events import Event
from balance.storage.session import Session

DEFAULT_HEIGHT_CM = 170.0
SCALE_S = 1.5  # the opening seconds (the person standing on both feet) set the scale
NOTE = "note"


@dataclass(frozen=True)
class TrialSpan:
    """One trial on the timeline: times in the session's clock, s."""

    number: int
    side: str | None
    start_s: float
    end_s: float
    result: dict = field(default_factory=dict)


@dataclass
class Timeline:
    """Per-frame series and marks of one session.

    Attributes
    ----------
    session : the Session.
    t : ndarray (n,), s.
    sway_h : ndarray (n,), cm: the CoM's side-to-side (medio-lateral, front view: + to
        the image right) sway about the reference above; NaN unknown.
    sway_ap : ndarray (n,), cm: its front-to-back sway, estimated from the camera's depth
        (``core.depth``), about the same kind of reference; NaN without world landmarks.
    sway_v : ndarray (n,), cm: the CoM's height above the feet (not sway: a squat's depth).
    stance : ndarray (n,) int8 stance codes (``balance.core.stance``), zeros if unknown.
    px_per_cm : the scale used, or None when the body could not be scaled.
    scale_note : how the scale was found (height given or assumed).
    events : list of Event to mark (notes excluded), sorted by time.
    notes : list of Event of kind "note", sorted by time.
    trials : list of TrialSpan.
    detected_events : True when ``events`` came from the detector, not the recording.
    """

    session: Session
    t: np.ndarray
    sway_h: np.ndarray
    sway_v: np.ndarray
    sway_ap: np.ndarray
    stance: np.ndarray
    px_per_cm: float | None
    scale_note: str
    events: list[Event]
    notes: list[Event]
    trials: list[TrialSpan]
    detected_events: bool = False

    def __len__(self) -> int:
        return self.t.size

    def index_at(self, t_s: float) -> int:
        """The frame shown at time ``t_s`` (the last frame at or before it)."""
        if self.t.size == 0:
            return 0
        return int(np.clip(np.searchsorted(self.t, t_s, side="right") - 1, 0, self.t.size - 1))

    def trial_at(self, t_s: float) -> TrialSpan | None:
        for trial in self.trials:
            if trial.start_s <= t_s <= trial.end_s:
                return trial
        return None

    def at(self, i: int) -> dict:
        """What the cursor shows at frame ``i``: time, sway, trial and its metrics so far."""
        i = int(np.clip(i, 0, max(self.t.size - 1, 0)))
        t_s = float(self.t[i]) if self.t.size else 0.0
        out = {"frame": i, "t_s": t_s, "sway_h_cm": _f(self.sway_h[i]) if self.t.size else None,
               "sway_v_cm": _f(self.sway_v[i]) if self.t.size else None,
               "sway_ap_cm": _f(self.sway_ap[i]) if self.t.size else None,
               "trial": None, "side": None, "elapsed_s": None, "metrics": {}}
        trial = self.trial_at(t_s)
        if trial is None:
            return out
        out.update(trial=trial.number, side=trial.side, elapsed_s=t_s - trial.start_s)
        lo = int(np.searchsorted(self.t, trial.start_s, side="left"))
        samples = np.column_stack([self.sway_h[lo:i + 1], self.sway_v[lo:i + 1],
                                   self.sway_ap[lo:i + 1]])
        out["metrics"] = sway_of(samples, self.fps)  # the protocols' own conventions
        return out

    @property
    def fps(self) -> float:
        if self.session.fps:
            return self.session.fps
        if self.t.size > 1 and self.t[-1] > self.t[0]:
            return (self.t.size - 1) / float(self.t[-1] - self.t[0])
        return 30.0


def build(session: Session, *, height_cm: float | None = None) -> Timeline:
    """Lay a session out in time (a second or two of computation for a long session).

    Parameters
    ----------
    session : a read Session.
    height_cm : the person's height for the cm scale; default the session's
        ``height_cm`` or profile, else 170 cm (and ``scale_note`` says it was assumed).
    """
    meta = session.metadata
    profile = meta.get("profile") if isinstance(meta.get("profile"), dict) else {}
    given = height_cm or meta.get("height_cm") or profile.get("height_cm")
    height = float(given) if given else DEFAULT_HEIGHT_CM
    note = "scaled by the person's height" if given else \
        f"height unknown: scaled assuming {DEFAULT_HEIGHT_CM:g} cm"
    n = len(session)
    recorded = sorted((e for e in session.events if e.kind != NOTE), key=lambda e: e.t_s)
    notes = sorted((e for e in session.events if e.kind == NOTE), key=lambda e: e.t_s)
    nan = np.full(n, np.nan)
    tl = Timeline(session, session.t, nan, nan.copy(), nan.copy(), np.zeros(n, np.int8), None,
                  note, recorded, notes, [])
    size = session.image_size
    if n < 8 or size[0] <= 0:
        tl.scale_note = "too short or no image size: no sway"
        tl.trials = _trials_from_result(meta.get("result"))
        return tl
    try:
        tl.px_per_cm = _scale(session, height)
        # With recorded events the detector is wanted for the stance alone.
        found, trace = core_events.detect_events(session.t, session.image, size,
                                                 px_per_cm=tl.px_per_cm,
                                                 world=session.world, return_trace=True,
                                                 feet_only=bool(recorded))
        tl.stance = trace.stance
        # one fixed point (the feet's median position) first; re-based per trial below
        sway = com_mod.com_sway(session.image, size, px_per_cm=tl.px_per_cm)
        tl.sway_h, tl.sway_v = sway.horizontal_cm, sway.vertical_cm
        tl.sway_ap = _depth_cm(session, height)
    except InputError as exc:
        tl.scale_note = f"no sway: {exc}"
        found = []
    if not recorded and found:
        tl.events = [Event(*e.as_record()) for e in found]
        tl.detected_events = True
    tl.trials = _trials_from_result(meta.get("result")) or _trials_from_events(tl.events)
    tl.sway_h = rebased(tl.sway_h, tl.t, tl.trials)
    tl.sway_ap = rebased(tl.sway_ap, tl.t, tl.trials)
    return tl


def rebased(x: np.ndarray, t: np.ndarray, trials: list[TrialSpan]) -> np.ndarray:
    """``x`` less a reference per stretch of the session, joined by straight lines: a
    trial's median held from its start to its end, a rest's (before, between or after the
    trials) median at its midpoint. Medians: a trial that ends as the person steps out
    of the pose stays centred on the pose."""
    spans = sorted((tr.start_s, max(tr.end_s, tr.start_s)) for tr in trials)
    knots = []
    for a, b in spans:
        inside = x[(t >= a) & (t <= b) & np.isfinite(x)]
        if inside.size:
            knots += [(a, float(np.median(inside))), (b, float(np.median(inside)))]
    ends = [-np.inf] + [v for span in spans for v in span] + [np.inf]
    for a, b in zip(ends[::2], ends[1::2]):  # the rests
        inside = (t > a) & (t < b) & np.isfinite(x)
        if inside.any():
            knots.append((float(t[inside].mean()), float(np.median(x[inside]))))
    if not knots:
        return x.copy()
    knots.sort()
    return x - np.interp(t, [k for k, _ in knots], [v for _, v in knots])


def _depth_cm(session: Session, height_cm: float) -> np.ndarray:
    """The CoM's estimated lean over the planted feet, cm; NaN without world landmarks."""
    upright = session.world[session.t <= session.t[0] + SCALE_S]
    try:
        scale = depth.world_scale(upright, height_cm)
    except InputError:  # no world landmarks (a landmark CSV), or nobody upright in them
        return np.full(len(session), np.nan)
    return depth.com_depth(session.world) * scale


def _scale(session: Session, height_cm: float) -> float:
    lo = session.t[0] if len(session) else 0.0
    first = session.image[session.t <= lo + SCALE_S]
    try:
        return com_mod.px_per_cm_from_height(first, session.image_size, height_cm)
    except InputError:  # not standing in the opening seconds: use every frame
        return com_mod.px_per_cm_from_height(session.image, session.image_size, height_cm)


def _trials_from_result(result) -> list[TrialSpan]:
    out = []
    for i, t in enumerate((result or {}).get("trials") or [], start=1):
        if isinstance(t, dict) and isinstance(t.get("start_s"), (int, float)) \
                and isinstance(t.get("end_s"), (int, float)):
            out.append(TrialSpan(int(t.get("trial") or i), t.get("side"),
                                 float(t["start_s"]), float(t["end_s"]), t))
    return out


def _trials_from_events(events: list[Event]) -> list[TrialSpan]:
    """Without a stored result, each lift-to-touchdown is a trial: the stance leg is the
    one that stayed down."""
    out, open_lift = [], {}
    for e in events:
        side = e.payload.get("side")
        if e.kind == core_events.FOOT_LIFT:
            open_lift[side] = e.t_s
        elif e.kind == core_events.TOUCHDOWN and side in open_lift:
            stance = {"left": "right", "right": "left"}.get(side)
            out.append(TrialSpan(len(out) + 1, stance, open_lift.pop(side), e.t_s))
    return out


def _f(v) -> float | None:
    v = float(v)
    return v if np.isfinite(v) else None
