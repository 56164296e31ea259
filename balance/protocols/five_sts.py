"""Five-times sit-to-stand (5xSTS): five full stands from a chair, arms crossed, timed.

Stands are found by the chair protocols' one detector (``chair_stand.StandCycle``, the
hip-over-knee level in shank lengths), so the test works from the front or the side.
There is no "go" cue: the clock starts at the first movement after the person has sat
still, the mid-shoulder leaving its seated place, dated back to its onset; it stops when
the hips are back on the seat after the fifth good stand, that contact dated back to
where the level meets the seat. Both are dated on the unsmoothed signal. The onset is
the core's hinge fit (``events.edge_time``) on the movement up to its peak. The contact
is the end of the whole way down, a minimum-jerk ramp with flat ends (``core.ramp_fit``)
fitted from the stand through the samples on the seat (dated once they have lasted
``SETTLE_S``) up to the next rise: the hips reach the seat with no speed, and the slower
the sit the longer its end stays inside the noise, so a hinge on the last part of the way
down (a parabola from the contact) dated a slow mover's contact early by a share of the
sit's duration (0.19 s at 1.5 times the pace). (The ramp fit for the onset too was tried:
better on some seeds, worse on others.)

Every stand is checked: arms crossed (hands not pushing, from the seat up), full
extension (the hips reach ``FULL_STAND`` above the ankles; a rise past half-way that
sinks back is "partial" too) and seated contact: the way down must come within ``SEAT_MARGIN`` of the
level seated before the start, and rising again without it is "no_seat". A stand that
fails is listed with why and does not count: the time runs to the fifth good one, and the
result says whether every stand was good. Thresholds are project choices
(docs/clinical.md).
"""

import numpy as np

from balance.clinical import norms
from balance.core.events import edge_time
from balance.core.ramp_fit import ramp_ends
from balance.events import Event
from balance.protocols.chair_stand import RESTOOD, SANK, SEATED, STOOD, SitToStand
from balance.protocols.reps import BAD_TEXT, xy
from balance.protocols.results import FiveStsSummary, ProtocolResult, TrialResult

REST_S = 0.5         # seated this long (still) before a start can be seen
REST_KEEP_S = 3.0    # the seated stretch kept for the start's reference and fit
RECENT_S = 0.3       # the newest frames are left out of the shoulders' seated place
MOVE_SHANKS = 0.08   # the shoulders this far (~3.5 cm) from their seated place: moving
MOVE_FOR_S = 0.1     # ... for this long
FIT_TOP = 0.25       # the onset is fitted once they are this far: more of the curve
NOISE_FLOOR = 0.02   # noise floor of the movement and the seat, shank lengths, at least
                     # (3 noise SDs if more)
SEAT_LEFT_S = 0.3    # the contact is searched up to this long after the samples fitted:
                     # a quick rise may leave only a few on the seat
RISE_LOS = 2.0       # the seated stretch ends where the level passes 2 noise floors
SEAT_MARGIN = 0.1    # back within this (~4 cm) of the level seated before the start
SETTLE_S = 0.25      # on the seat this long (or standing again) before a contact is dated
SETTLE_MAX_S = 1.5   # ... or this long after coming down, on the seat or not
# Full extension: the hips this many shank lengths above the ankles (standing straight
# ~2: thigh ~ shank), i.e. the knees bent less than ~45 deg. The hip-over-knee level
# cannot say it from the front: a bent knee comes towards the camera and looks lower.
FULL_STAND = 1.8
MAX_S = 60.0         # a test not finished in this time from its start ends unfinished
START_RULE = "first movement after sitting still (no go cue), dated to its onset"


def _robust_sd(v: np.ndarray) -> float:
    return float(1.4826 * np.median(np.abs(v - np.median(v)))) if v.size else 0.0


def _seat_stretch_end(h: np.ndarray, lo: float) -> int:
    """Where the samples on the seat end (exclusive), from the first on it (``h`` at
    most ``lo``): at the last on it before the level next passes ``RISE_LOS`` times
    ``lo`` (the next rise). A noise sample just over ``lo`` does not end it: a stretch
    cut to one sample leaves the fit nothing flat to anchor on (0.2 s early)."""
    on = np.flatnonzero(h <= lo)
    if not on.size:
        return h.size
    rise = np.flatnonzero(h[on[0]:] > RISE_LOS * lo)
    end = on[0] + (int(rise[0]) if rise.size else h.size - on[0])
    return int(np.flatnonzero(h[:end] <= lo)[-1]) + 1


class FiveTimesSitToStand(SitToStand):
    """Parameters: ``reps`` (5, the published test)."""

    name, title = "five-sts", "Five-times sit-to-stand"
    hands_rule = "crossed"   # pushing up with the hands fails a stand
    full_stand = FULL_STAND  # hips above the ankles, shank lengths, for a full stand
    settle_s = SETTLE_S      # on the seat this long (or standing again) before dating it

    def __init__(self, profile, *, image_size, fps, reps: int = norms.FIVE_STS_REPS):
        if int(reps) < 1:
            raise ValueError(f"reps must be at least 1, not {reps}")
        super().__init__(profile, image_size=image_size, fps=fps, hands=self.hands_rule)
        self.reps = int(reps)
        self._t: list[float] = []      # good frames since scoring began: time,
        self._x: list[float] = []      # unsmoothed level,
        self._sh: list[np.ndarray] = []  # mid-shoulder, shank lengths
        self._rest_from: int | None = None
        self._along: np.ndarray | None = None  # the shoulders' first direction of movement
        self._moved_at = 0.0
        self.start_s: float | None = None
        self.end_s: float | None = None
        self.seat_level = self.seat_sd = 0.0
        self._pending: dict | None = None   # the stand now up, before its seat contact
        self._rise: dict | None = None      # a rise from the seat not yet standing
        self._contact: tuple[int, dict] | None = None  # a return waiting to be dated
        self.stands: list[dict] = []

    # --- per frame --------------------------------------------------------------------

    def _step(self, frame, out) -> None:
        _, what = self._level(frame)
        raw = float(self.signals(frame.image).mean() / self.shank_px)
        self._ext = float(np.mean([xy(frame.image, f"{s}_ankle")[1] - xy(frame.image, f"{s}_hip")[1]
                                   for s in ("left", "right")]) * self.h / self.shank_px)
        mid = (xy(frame.image, "left_shoulder") + xy(frame.image, "right_shoulder")) / 2
        self._t.append(frame.t_s)
        self._x.append(raw)
        self._sh.append(mid * (self.w, self.h) / self.shank_px)
        if self.start_s is None:
            self._watch_start(what, out)
        if self.start_s is not None:
            self._follow(frame.t_s, what, out)

    def _drop_partial(self) -> None:
        super()._drop_partial()
        self._pending = None  # a stand the camera lost is not counted
        if self.start_s is None:
            self._rest_from, self._along = None, None

    def _watch_start(self, what, out) -> None:
        n = len(self._t)
        if what == SEATED:
            self._rest_from = n - 1
        if self._rest_from is None or not (self.cycle.seated or what == STOOD):
            self._rest_from, self._along = None, None  # stood before the start: sit first
            return
        while self._t[-1] - self._t[self._rest_from] > REST_KEEP_S:
            self._rest_from += 1
        t = np.array(self._t[self._rest_from:])
        if t[-1] - t[0] < REST_S:
            return
        sh = np.array(self._sh[self._rest_from:])
        old = t <= t[-1] - RECENT_S if self._along is None else t < self._moved_at
        away = sh - np.median(sh[old], axis=0)
        if self._along is None:  # the direction is the one the shoulders first moved in
            recent = t >= t[-1] - MOVE_FOR_S
            if np.hypot(*away[recent].T).min() < MOVE_SHANKS and what != STOOD:
                return
            self._moved_at = float(t[-1] - MOVE_FOR_S)
            self._along = away[-1] / max(float(np.hypot(*away[-1])), 1e-9)
        h = away @ self._along  # signed: zero-mean at rest, so the noise pulls neither way
        lo = max(NOISE_FLOOR, 3 * _robust_sd(h[old]))
        # fitted once far enough, or past the turn (a lean the rise reverses), or standing
        if h[-1] < FIT_TOP and h[-1] > h.max() - 2 * lo and what != STOOD:
            return
        # the rise only, up to its peak: a lean that turns back below FIT_TOP would
        # otherwise be fitted whole, and a hinge on a hump dates it early
        peak = int(np.argmax(h)) + 1
        start = edge_time(t[:peak], h[:peak], lo, min(FIT_TOP, float(h[peak - 1])),
                          rising=True)
        self.start_s = float(t[0]) if not np.isfinite(start) else max(float(t[0]), start)
        x = np.array(self._x[self._rest_from:])[old]
        self.seat_level, self.seat_sd = float(np.median(x)), _robust_sd(x)
        out.append(Event(self.start_s, "test_start", {"rule": START_RULE}))

    def _follow(self, t_s, what, out) -> None:
        if self._contact is not None and (what in (STOOD, RESTOOD) or self._settled(t_s)):
            self._date_contact(out)
        for up in (self._pending, self._rise):
            if up is not None and not self.cycle.dipped:
                up["top"], up["ext"] = max(up["top"], self.cycle.peak), max(up["ext"], self._ext)
        if what == RESTOOD and self._pending is not None:
            self._verdict(self._pending, None, {"no_seat"}, out)
        if self._rise is None and self.cycle.rising:
            self._rise = self._stand(t_s)
        if what in (STOOD, RESTOOD):
            self._pending, self._rise = self._stand(t_s, what == STOOD), None
        elif what == SEATED and self._pending is not None:
            self._contact, self._pending = (len(self._t) - 1, self._pending), None
        elif what == SANK and self._rise is not None:
            self._rise["ext"] = min(self._rise["ext"], self.full_stand - 1e-3)  # never stood
            self._contact, self._rise = (len(self._t) - 1, self._rise), None

    def _settled(self, t_s) -> bool:
        """Whether the return waiting can be dated: on the seat (within the fit's noise
        floor of the seated level) for ``settle_s``, or ``SETTLE_MAX_S`` after it came
        down (a return that hovers). A slow sitter's level is seated by the chair rule
        well before the hips land: timed from there, the fit saw no seat to anchor on
        and dated the contact where its samples ended (0.1-0.2 s early)."""
        k = self._contact[0]
        if t_s - self._t[k] >= SETTLE_MAX_S:
            return True
        lo = max(NOISE_FLOOR, 3 * self.seat_sd)
        on = np.flatnonzero(np.array(self._x[k:]) - self.seat_level <= lo)
        return bool(on.size) and t_s - self._t[k + int(on[0])] >= self.settle_s

    def _stand(self, t_s, faults=True) -> dict:
        """A stand (or a rise) seen now: its time, where its history starts, its highest
        level (``top``) and hip height (``ext``), and the hands' faults from the seat up."""
        return {"stand_s": t_s, "i": len(self._t) - 1, "top": self.cycle.peak,
                "ext": self._ext, "faults": set(self._rise_flags) if faults else set()}

    def _date_contact(self, out) -> None:
        """Date the seat contact of the return waiting: the end of the way down, a
        minimum-jerk ramp fitted from the stand through the first samples on the seat
        (none of the next rise)."""
        k, stand = self._contact
        self._contact = None
        t = np.array(self._t[stand["i"]:])
        h = np.array(self._x[stand["i"]:]) - self.seat_level
        lo = max(NOISE_FLOOR, 3 * self.seat_sd)
        k -= stand["i"]
        stop = k + _seat_stretch_end(h[k:], lo)
        _, seated = ramp_ends(t[:stop], h[:stop], (float(t[0]), float(t[k])),
                              (float(t[0]), float(t[stop - 1]) + SEAT_LEFT_S))
        sat = float(np.min(h[k:stop])) <= SEAT_MARGIN
        self._verdict(stand, float(seated) if np.isfinite(seated) else float(t[k]),
                      set() if sat else {"no_seat"}, out)

    def _verdict(self, stand, seated_s, faults, out) -> None:
        faults = set(stand["faults"]) | faults
        if stand["ext"] < self.full_stand:
            faults.add("partial")
        rep = {"stand_s": round(stand["stand_s"], 3),
               "seated_s": None if seated_s is None else round(seated_s, 3),
               "hip_height": round(float(stand["ext"]), 3), "faults": sorted(faults)}
        self.stands.append(rep)
        at = stand["stand_s"] if seated_s is None else seated_s
        if faults:
            self.bad.append(rep)
            self.cue = BAD_TEXT[sorted(faults)[0]]
            out.append(Event(at, "bad_rep", {"faults": sorted(faults)}))
            return
        self.good.append(rep)
        self.cue = None
        out.append(Event(at, "rep", {"count": len(self.good)}))
        if len(self.good) == self.reps:
            self.end_s = seated_s

    # --- ending -----------------------------------------------------------------------

    def _target_met(self) -> bool:
        return self.end_s is not None

    def _time_up(self) -> bool:
        return self.start_s is not None and self._last_t - self.start_s >= MAX_S

    # --- reporting --------------------------------------------------------------------

    def _status(self, frame, good, out):
        st = super()._status(frame, good, out)
        st.remaining_s = None
        if self.start_s is None:
            st.elapsed_s = 0.0
            if st.phase == "running":
                st.phase, st.instruction = "waiting", (
                    "Sit back, arms crossed. Then stand up fully and sit down "
                    f"{self.reps} times, as quickly as you safely can.")
        else:
            st.elapsed_s = (self.end_s or frame.t_s) - self.start_s
        return st

    def time_s(self) -> float | None:
        if self.end_s is None or self.start_s is None:
            return None
        return round(self.end_s - self.start_s, 3)

    def result(self) -> ProtocolResult:
        time_s = self.time_s()
        reason = self._end_reason or ("stopped" if self._stopped else None)
        trial = TrialResult(
            trial=1, stance=self.name, hold_time_s=time_s, end_reason=reason,
            start_s=self.start_s, end_s=self.end_s, metrics={}, score=None,
            end_text=(f"{self.reps} stands in {time_s:.2f} s" if time_s is not None
                      else f"{len(self.good)} of {self.reps} stands, not finished"),
            reps=len(self.good), attempts=len(self.stands),
            errors=[{"kind": "bad_rep", **b} for b in self.bad])
        return ProtocolResult(self.name, [trial] if self.start_s is not None else [],
                              self._summary(time_s))

    def _summary(self, time_s=None) -> FiveStsSummary:
        seated = [self.start_s] + [r["seated_s"] for r in self.good]
        compared = ([c.to_dict() for c in norms.compare_five_sts(time_s, age=self.profile.age)]
                    if time_s is not None else [])
        return FiveStsSummary(
            time_s=time_s, completed=time_s is not None, reps=len(self.good),
            bad_reps=len(self.bad), all_reps_good=(not self.bad) if time_s else None,
            fall_risk=(time_s >= norms.FIVE_STS_FALL_RISK_S) if time_s else None,
            start_s=self.start_s, end_s=self.end_s, start_rule=START_RULE,
            stands=list(self.stands), hands=self.hands, norms=compared,
            cycle_s=[round(b - a, 3) for a, b in zip(seated, seated[1:])
                     if a is not None and b is not None])
