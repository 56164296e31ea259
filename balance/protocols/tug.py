"""Timed Up and Go (TUG), filmed from the side (or at an angle): stand up from a chair,
walk to a line 3 m away, turn, walk back and sit down.

The chair part is the five-times sit-to-stand's machinery with one stand
(``five_sts.FiveTimesSitToStand``: the one ``StandCycle`` detector, the seat contact dated
as the end of the way down by a minimum-jerk ramp fit), with the hands free (a chair's
arms may be used) and no full-extension check. Its level is scaled by the shanks' length on each frame, not once,
because walking towards or away from the camera changes the picture's scale.

The clock starts at the window's own "Go" (``go="cue"``): once the person has sat still
for ``GO_AFTER_S``, the phase turns to running and the window sounds its start tone; in
a recording made without that cue (``go="movement"``), at the first trunk movement, as
the five-times sit-to-stand starts. It stops at the seat contact.

The parts come from the heading of the shoulders and hips (world landmarks: MediaPipe's
camera-aligned 3-D estimate), whose two half-turns mark the turns. Each turn is dated by
one ramp fit with flat ends over the whole of it (``core.ramp_fit``): the heading
before, the rotation, the heading after (for the turn before sitting, the sit: only its
start is an event); a fit on a turn's first degrees alone dates a slow, many-step turn
late (and its end early), because such a turn stays within the noise longer. The end
of the sit-to-stand is where the shoulders' height meets its standing top. Gait speed on
each straight is the mid-hip's 3-D travel over its time, from its travel across the
picture and the walk's angle to it (``_speeds``), in cm through the shank length and the
person's height; not measured beyond ``WALK_MAX_DEG`` off the picture's plane. The
turn's steps are the feet's swings (``balance.core.steps``: a foot's
ankle, heel and toe moving in the picture, in shank lengths) whose middle falls between
the turn's fitted start and end.
"""

from collections import deque

import numpy as np

from balance.clinical import norms
from balance.core import steps
from balance.core.events import edge_time
from balance.core.ramp_fit import ramp_ends
from balance.events import Event
from balance.pose.landmarks import INDEX
from balance.protocols.chair_stand import HALF_WAY, SEATED, StandCycle
from balance.protocols.five_sts import NOISE_FLOOR, FiveTimesSitToStand, _robust_sd
from balance.protocols.reps import xy
from balance.protocols.results import ProtocolResult, TrialResult, TugSummary
from balance.protocols.tracking import DEFAULT_HEIGHT_CM

GO_MODES = ("cue", "movement")
AIDS = ("none", "cane", "walker")
CHAIR_ARMS = ("not used", "used")
GO_AFTER_S = 2.0        # seated still this long, then "Go"
STILL_SHANKS = 0.08     # the shoulders within this (~3.5 cm) of their seated place: still
SCALE_S = 1.0           # the shanks' picture length: their longest over this
TOP_S = 1.0             # the standing top is looked for this long after standing is seen
TOP_SMOOTH_S = 0.2      # ... on the level averaged over this
TOP_LO = 2 * NOISE_FLOOR  # the top's fit: noise floor, shank lengths
TURN_DEG = 90.0         # a half-turn is seen once the heading has turned this far
# gait speed only when walking within this of the picture's plane: on the bench a walk
# 60 deg off (read 59-62 deg) is within 8 %; 65 deg off, at 15 fps with 2 px jitter, a
# stand's end dated 0.56 s late read 21 % fast (docs/clinical.md, 2.10)
WALK_MAX_DEG = 63.0
LINE_SCALE_Q = 75       # the shank's picture length at the line: this percentile over the turn
# a swing this close outside the turn's fitted ends is still the turn's: the fit is off
# by up to ~0.1 s, and the walk's swings are centred at least 0.35 s outside the turn
TURN_STEP_MARGIN_S = 0.15
SPEED_SMOOTH_S = 0.2    # the hips' place at a segment's ends: averaged over this
SHANK_OF_HEIGHT = 0.246  # knee to ankle joint / height (Drillis & Contini 1966, via Winter)
GO_TEXT = "Go: stand up, walk to the line at your usual pace, turn, walk back and sit down."
START_RULES = {"cue": "the window's Go cue after sitting still",
               "movement": "first movement after sitting still (no go cue), dated to its onset"}
PARTS = ("sit_to_stand", "walk_out", "turn", "walk_back", "turn_to_sit")
_FEET = [[INDEX[f"{s}_{p}"] for p in ("ankle", "heel", "foot_index")] for s in ("left", "right")]
_L = [INDEX[n] for n in ("left_shoulder", "left_hip")]
_R = [INDEX[n] for n in ("right_shoulder", "right_hip")]


def recorded_go(metadata: dict | None) -> str:
    """How a recording's TUG is timed when nobody says: as it was when recorded, its
    stored go, or "cue" when the session driver ran the TUG with the default (the window,
    whose Go it was; `analyze` stores "movement"); else "movement" (frames written with no
    test, an import: nobody said Go, and a Go assumed after 2 s seated still would add
    the seated wait to the time)."""
    metadata = metadata or {}
    options = metadata.get("protocol_options")
    if options and options.get("go"):
        return options["go"]
    ran_tug = options is not None and metadata.get("protocol") == TimedUpAndGo.name
    return "cue" if ran_tug or metadata.get("live") else "movement"



def heading(world: np.ndarray) -> float:
    """The body's left-right axis (shoulders and hips) in the camera's horizontal plane,
    rad (atan2 of depth over image x), NaN without world landmarks."""
    v = (world[_L, :3] - world[_R, :3]).sum(axis=0)
    return float(np.arctan2(v[2], v[0])) if np.isfinite(v).all() else float("nan")


class TimedUpAndGo(FiveTimesSitToStand):
    """Parameters: ``go`` ("cue": timed from the window's Go; "movement": from the first
    movement, for a recording without the cue), ``aid`` and ``chair_arms`` (declared)."""

    name, title = "tug", "Timed Up and Go"
    hands_rule = "allowed"  # the chair's arms may be used (declared)
    full_stand = 0.0        # no extension check: the walk shows the person stood
    settle_s = 1.0          # a slow sit (one, not five) may take a while to reach the seat

    def __init__(self, profile, *, image_size, fps, go: str = "cue", aid: str = "none",
                 chair_arms: str = "not used"):
        for key, value, allowed in (("go", go, GO_MODES), ("aid", aid, AIDS),
                                    ("chair_arms", chair_arms, CHAIR_ARMS)):
            if value not in allowed:
                raise ValueError(f"{key} must be one of {', '.join(allowed)}, not {value!r}")
        super().__init__(profile, image_size=image_size, fps=fps, reps=1)
        self.cycle = StandCycle(own_half_way=False)
        self.go, self.aid, self.chair_arms = go, aid, chair_arms
        self._psi: list[float] = []   # heading per good frame, rad
        self._hx: list[float] = []    # mid-hip right of the image centre, px
        self._tall: list[float] = []  # mid-shoulder above the ankles, px
        self._feet: list[np.ndarray] = []  # per good frame (2 feet, 3 points, x y) px
        self._scale: list[float] = []       # per good frame: the shank's length, px
        self._shank_each: list[float] = []  # per good frame: the shanks' mean picture length, px
        self._lengths: deque = deque()  # (t, shank px) of the last SCALE_S
        self._shank = 1.0
        self.parts: dict | None = None
        self.speed: dict | None = None
        self.turn_steps: int | None = None

    # --- per frame --------------------------------------------------------------------

    def _shank_now(self, image) -> float:
        return float(np.mean([np.hypot(*((xy(image, f"{s}_knee") - xy(image, f"{s}_ankle"))
                                         * (self.w, self.h))) for s in ("left", "right")]))

    def signals(self, image):
        # in seated shank lengths, whatever the distance from the camera now
        return super().signals(image) * (self.shank_px / self._shank)

    def _step(self, frame, out) -> None:
        # A shank tilting towards the camera looks shorter, never longer: its longest in
        # the last SCALE_S is its length at the distance the person is now.
        self._shank_each.append(max(self._shank_now(frame.image), 1e-9))
        self._lengths.append((frame.t_s, self._shank_each[-1]))
        while frame.t_s - self._lengths[0][0] > SCALE_S:
            self._lengths.popleft()
        self._shank = shank = max(v for _, v in self._lengths)
        self._psi.append(heading(frame.world))
        im = frame.image
        self._feet.append(np.asarray(im[_FEET, :2], dtype=np.float64) * (self.w, self.h))
        self._scale.append(shank)
        self._hx.append(((xy(im, "left_hip")[0] + xy(im, "right_hip")[0]) / 2 - 0.5) * self.w)
        self._tall.append((xy(im, "left_ankle")[1] + xy(im, "right_ankle")[1]
                           - xy(im, "left_shoulder")[1] - xy(im, "right_shoulder")[1]) / 2 * self.h)
        super()._step(frame, out)

    def _watch_start(self, what, out) -> None:
        if self.go == "movement":
            super()._watch_start(what, out)
            return
        n = len(self._t)
        if what == SEATED or self._rest_from is None:
            self._rest_from = n - 1 if self.cycle.seated else None
        if self._rest_from is None or not self.cycle.seated:
            self._rest_from = None
            return
        sh = np.array(self._sh[self._rest_from:])
        if np.hypot(*(sh[-1] - np.median(sh, axis=0))) > STILL_SHANKS:
            self._rest_from = n - 1  # moved: sit still again before the Go
            return
        if self._t[-1] - self._t[self._rest_from] < GO_AFTER_S:
            return
        self.start_s = self._t[-1]
        x = np.array(self._x[self._rest_from:])
        self.seat_level, self.seat_sd = float(np.median(x)), _robust_sd(x)
        out.append(Event(self.start_s, "test_start", {"rule": START_RULES["cue"]}))

    def _verdict(self, stand, seated_s, faults, out) -> None:
        super()._verdict(stand, seated_s, faults, out)
        if self.end_s is not None and self.parts is None:
            self.parts, self.speed = self._segment(stand["i"])
            self.turn_steps = self._turn_steps(self.parts)

    # --- the parts ----------------------------------------------------------------------

    def _segment(self, stood: int) -> tuple[dict, dict]:
        """Event times of the walk (None where not seen) and the straights' gait speeds."""
        t, x = np.array(self._t), np.array(self._x)
        i0 = int(np.searchsorted(t, self.start_s))
        # The rise is at the chair, at one distance: one scale, the shank's where standing
        # was seen. Per frame, the first walking steps would show as more rise: at an
        # angle to the camera their shanks tilt towards it and look shorter.
        up = self._top_time(t, x, np.array(self._tall) / self._scale[stood], stood)
        turns = _turns(t, np.array(self._psi), i0, int(np.searchsorted(t, up)) if up else None)
        times = {"start": self.start_s, "stood": up, **turns, "seated": self.end_s}
        order = [times[k] for k in ("start", "stood", "turn_start", "turn_end", "turn2_start",
                                    "seated")]
        if any(v is None for v in order) or np.any(np.diff(order) <= 0):
            return {k: (round(v, 3) if v is not None else None) for k, v in times.items()}, {}
        return ({k: round(v, 3) for k, v in times.items()},
                self._speeds(t, times, np.array(self._psi)))

    def _turn_steps(self, times: dict) -> int | None:
        """The feet's swings whose middle falls in the turn at the line; None unseen."""
        a, b = times.get("turn_start"), times.get("turn_end")
        if a is None or b is None:
            return None
        found = steps.swings(np.array(self._t), np.array(self._feet), np.array(self._scale))
        return steps.count_between(found, a - TURN_STEP_MARGIN_S, b + TURN_STEP_MARGIN_S)

    def _top_time(self, t, x, tall, stood: int) -> float | None:
        """Where the shoulders, rising with the hips and the trunk coming upright, meet
        their standing height: a falling hinge fit of that top minus their height, from
        the hips' half-way up to ``TOP_S`` past standing."""
        k = max(1, int(round(TOP_SMOOTH_S * self.fps)))
        end = int(np.searchsorted(t, t[stood] + TOP_S))
        smooth = np.convolve(tall[stood:end], np.ones(k) / k, mode="valid")
        if smooth.size == 0:
            return None
        top = float(smooth.max())
        below = np.flatnonzero(x[:stood] < HALF_WAY)
        a = int(below[-1]) if below.size else 0
        peak = stood + int(np.argmax(smooth)) + k // 2
        hi = 0.4 * max(top - float(np.min(tall[a:peak + 1])), TOP_LO)
        up = edge_time(t[a:peak + 1], top - tall[a:peak + 1], TOP_LO, hi, rising=False)
        return float(up) if np.isfinite(up) else None

    def _speeds(self, t, times, psi) -> dict:
        """Mean gait speed (cm/s) on the walk out and back: the mid-hip's travel over each
        straight's time; None beyond ``WALK_MAX_DEG`` off the picture's plane.

        Pinhole, principal point at the image centre: a point's offset from the centre
        over the shank's picture length at its distance is its sideways place in shank
        lengths, whatever the distance. The shank is read where the person stands still
        and it is upright: at the chair as the stand ends (the walk back ends there too),
        and at the line as a high percentile over the turn (jitter lifts the highest, a
        stepping shank looks shorter); at the walk's own ends it is mid-step. The heading
        (world landmarks, median over both straights) gives the cosine of the walk's
        angle to the picture's plane, the share of the travel that crosses the picture.
        The depth change from the change of scale was tried instead: it needs the focal
        length, which a webcam rarely gives (a 70 deg field of view assumed against the
        bench's 65 read 45 deg walks ~9 % slow, up to 12 % off against 5 % this way), and
        a scale error is a larger part of a depth change than of a sideways place."""
        i = dict(zip(_SPEED_EDGES, np.searchsorted(t, [times[e] for e in _SPEED_EDGES])))
        walk = np.r_[psi[i["stood"]:i["turn_start"]], psi[i["turn_end"]:i["turn2_start"]]]
        across = float(np.nanmedian(np.abs(np.sin(walk)))) if walk.size else float("nan")
        angle = float(np.degrees(np.arccos(min(across, 1.0))))
        out = {"angle_deg": round(angle, 1), "out_cm_s": None, "back_cm_s": None}
        if not angle <= WALK_MAX_DEG:
            return out
        chair = self._scale[i["stood"]]
        line = float(np.percentile(self._shank_each[i["turn_start"]:i["turn_end"] + 1],
                                   LINE_SCALE_Q))
        hx = np.array(self._hx)
        k = max(1, int(round(SPEED_SMOOTH_S * self.fps / 2)))

        def place(e, scale):  # shank lengths right of the optical axis
            return np.mean(hx[max(0, i[e] - k):i[e] + k + 1]) / scale

        cm = SHANK_OF_HEIGHT * (self.profile.height_cm or DEFAULT_HEIGHT_CM)
        for key, (a, sa), (b, sb) in (("out_cm_s", ("stood", chair), ("turn_start", line)),
                                      ("back_cm_s", ("turn_end", line), ("turn2_start", chair))):
            travel = abs(place(b, sb) - place(a, sa)) / across
            out[key] = round(float(travel * cm / (times[b] - times[a])), 1)
        return out

    # --- reporting --------------------------------------------------------------------

    def _walk_seen(self) -> bool:
        return bool(self.speed is not None and self.parts and None not in self.parts.values())

    def time_s(self) -> float | None:
        return super().time_s() if self._walk_seen() else None

    def _status(self, frame, good, out):
        st = super()._status(frame, good, out)
        if st.phase == "waiting":
            st.instruction = ("Sit back in the chair, feet flat, and keep still until Go."
                              if self.go == "cue" else
                              "Sit back in the chair. Then " + GO_TEXT[4].lower() + GO_TEXT[5:])
        elif st.phase == "running" and self.start_s is not None:
            st.instruction = GO_TEXT
        return st

    def result(self) -> ProtocolResult:
        time_s = self.time_s()
        reason = self._end_reason or ("stopped" if self._stopped else None)
        if time_s is not None:
            text = f"{time_s:.2f} s"
        elif self.end_s is not None:
            text = "sat down again before the walk and both turns were seen: not timed"
        else:
            text = "not finished"
        trial = TrialResult(trial=1, stance=self.name, hold_time_s=time_s, end_reason=reason,
                            start_s=self.start_s, end_s=self.end_s, metrics={}, score=None,
                            end_text=text, attempts=len(self.stands),
                            errors=[{"kind": "bad_rep", **b} for b in self.bad])
        return ProtocolResult(self.name, [trial] if self.start_s is not None else [],
                              self._summary(time_s))

    def _summary(self, time_s=None) -> TugSummary:
        p = self.parts or {}
        walk = self._walk_seen()
        parts = {name: round(p[b] - p[a], 3) if walk else None
                 for name, (a, b) in zip(PARTS, _PART_EDGES)}
        speed = self.speed or {}
        note = None
        if speed.get("angle_deg") is not None and speed.get("out_cm_s") is None:
            note = (f"not measured: the walk was {speed['angle_deg']:.0f} deg off the picture's "
                    f"plane (within {WALK_MAX_DEG:g} deg is needed)")
        return TugSummary(
            time_s=time_s, completed=time_s is not None,
            fall_risk=(time_s >= norms.TUG_FALL_RISK_S) if time_s is not None else None,
            start_s=self.start_s, end_s=self.end_s, start_rule=START_RULES[self.go],
            go=self.go, parts=parts, events=dict(p), stands=list(self.stands),
            gait_speed_cm_s={"out": speed.get("out_cm_s"), "back": speed.get("back_cm_s")},
            walk_angle_deg=speed.get("angle_deg"), gait_speed_note=note,
            turn_steps=self.turn_steps if walk else None,
            aid=self.aid, chair_arms=self.chair_arms, scale=self._scale_note(),
            norms=[c.to_dict() for c in norms.compare_tug(time_s)] if time_s is not None else [],
            neuropathy_note=norms.TUG_NEUROPATHY_NOTE)

    def _scale_note(self) -> str:
        return (f"shank = {SHANK_OF_HEIGHT:g} x the person's height" if self.profile.height_cm else
                f"shank = {SHANK_OF_HEIGHT:g} x an assumed height of {DEFAULT_HEIGHT_CM:g} cm")


_SPEED_EDGES = ("stood", "turn_start", "turn_end", "turn2_start")
_PART_EDGES = (("start", "stood"), ("stood", "turn_start"), ("turn_start", "turn_end"),
               ("turn_end", "turn2_start"), ("turn2_start", "seated"))


def _turns(t, psi, i0: int, stood: int | None) -> dict:
    """The half-turn at the line (start, end) and the start of the one before sitting, s,
    from the heading ``psi`` (rad per sample); None where not seen."""
    none = {"turn_start": None, "turn_end": None, "turn2_start": None}
    ok = np.isfinite(psi)
    if stood is None or ok.mean() < 0.8:
        return none
    idx = np.arange(psi.size)
    d = np.degrees(np.unwrap(np.interp(idx, idx[ok], psi[ok])))
    d -= np.median(d[i0:stood + 1])
    past = np.flatnonzero(np.abs(d[stood:]) > TURN_DEG)
    if past.size == 0:
        return none
    i1 = stood + int(past[0])
    d *= np.sign(d[i1])   # turned either way: 0 -> 180
    back = np.flatnonzero(np.abs(d[i1:] - 180.0) < TURN_DEG / 2)
    away = np.flatnonzero(np.abs(d[i1 + back[0]:] - 180.0) > TURN_DEG) if back.size else back
    if away.size == 0:
        return none
    i2 = i1 + int(back[0]) + int(away[0])
    mid = (i1 + i2) // 2
    # each turn with the straights either side: the walk back up to half-way, and for the
    # turn before sitting the sit (its end is not an event: the person sits as it ends)
    start, end = ramp_ends(t[stood:mid + 1], d[stood:mid + 1], (t[stood], t[i1]), (t[i1], t[mid]))
    start2, _ = ramp_ends(t[mid:], d[mid:], (t[mid], t[i2]), (t[i2], t[-1]))
    found = {"turn_start": start, "turn_end": end, "turn2_start": start2}
    return {k: (v if np.isfinite(v) else None) for k, v in found.items()}
