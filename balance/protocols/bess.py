"""Balance Error Scoring System (BESS) and the modified BESS, errors counted from the camera.

Three stances, 20 s each, eyes closed (declared), hands on the iliac crests: feet together
(double leg), standing on the non-dominant leg (single leg), and tandem with the
non-dominant foot behind. BESS runs them on a firm surface and then on a foam pad (six
trials); the modified BESS only the three firm ones. A trial starts by itself when its
stance has been seen for ``SETTLE_S`` (its clock back-dated to when the stance was first
seen) and runs its 20 s whatever happens; the person returns to the stance after an error.

Errors (1 each, at most ``MAX_ERRORS`` per trial; Riemann 1999):

* ``hands_off_hips``: the core's hands-off-hips event.
* ``step``: stepping, stumbling or falling: the core's stance-foot-moved or loss-of-balance
  event, the raised foot touching down (single leg), the feet leaving the stance placement
  for ``BROKEN_S``, or a foot that should be planted moving ``STEP_CM`` from where it stood
  (not while the feet are already out of the placement: that is the step back into it).
* ``hip_flexion_abduction``: the angle between a thigh and the trunk over
  ``HIP_ANGLE_DEG`` for ``HIP_MIN_S`` (see ``hip_angle_deg``).
* ``forefoot_heel_lift``: a foot lift (core event) of a foot that should be planted.
* ``out_of_position``: out of the test position (feet placement or hands) for more than
  ``OUT_OF_POSITION_S``; one error per such stretch, dated at its 5 s mark.
* anything the tester adds with ``add_error`` (the camera cannot see the eyes open).

Errors within ``SIMULTANEOUS_S`` of the last counted one are the same error: they are
listed under its ``also`` and not counted again. A trial in which the stance was never held
``MIN_HOLD_S`` in a row scores 10. Because the core's events arrive back-dated, a few
tenths of a second late, errors are settled in time order ``SETTLE_ERRORS_S`` behind the
newest frame (and all of them when the trial ends).

Each trial's result carries ``error_score`` (0-10, the BESS score: lower is better),
``error_count`` (before the cap), ``errors`` (each with t_s, kind, detail, counted, also),
``longest_hold_s`` and ``unable_to_hold``; its ``score`` stays the framework's stability
score (0-100 from the sway), as in every protocol. The surface (firm / foam) is declared by
the order of the trials, not seen. While the view is bad the clock pauses; after
``VIEW_LOST_S`` the trial is recorded as interrupted and the same trial is waited for again.
"""

from collections import deque
from dataclasses import dataclass

import numpy as np

from balance.core import events as ev
from balance.pose.landmarks import INDEX
from balance.protocols import feet
from balance.clinical import norms
from balance.protocols.base import Frame, Status
from balance.protocols.results import BessSummary, ProtocolResult
from balance.protocols.stance_test import StanceTest
from balance.protocols.tracking import BodyTracker
from balance.protocols.trial import Trial
from balance.protocols.view import MESSAGES
from balance.events import Event

TRIAL_S = norms.BESS_TRIAL_S
SETTLE_S = 0.5            # a stance seen this long starts its trial (clock back-dated)
BROKEN_S = 0.4            # a placement lost (or regained) this long has changed
SIMULTANEOUS_S = 1.0      # errors closer than this to the last counted one count once
SETTLE_ERRORS_S = 2.0     # how far behind the newest frame errors are settled, s
MAX_ERRORS = norms.BESS_MAX_ERRORS
OUT_OF_POSITION_S = 5.0
MIN_HOLD_S = 5.0          # a stance never held this long in a row scores MAX_ERRORS
HIP_ANGLE_DEG = 30.0      # thigh-trunk angle over this = hip flexion or abduction error
HIP_RESET_DEG = 25.0      # and back under this before another one can count
HIP_MIN_S = 0.3
STEP_CM = 4.0             # a planted foot this far from its place has stepped (core's value)
STEP_MIN_S = 0.15
REF_S = 0.5               # a planted foot's place: its median position over this long
TOGETHER_GAP = 1.5        # feet together: ankle centres at most this many foot widths apart
HANDS_OFF_RATIO = 0.40    # wrist-hip distance / trunk length: the core's hands-off line
ASSUMED_DOMINANT = "right"
OTHER = {"left": "right", "right": "left"}

DOUBLE, SINGLE, TANDEM = "double_leg", "single_leg", "tandem"
STANCE_ORDER = (DOUBLE, SINGLE, TANDEM)
FIRM, FOAM = "firm", "foam"


@dataclass
class PendingError:
    """An error seen but not yet settled: time (s), kind, and what raised it."""

    t_s: float
    kind: str
    detail: str


class Debounce:
    """A boolean that changes only after the new value has held ``hold_s``; the change is
    dated back to the first frame of the new value."""

    def __init__(self, hold_s: float, value: bool = True):
        self.hold_s, self.value = hold_s, value
        self._since: float | None = None

    def update(self, t_s: float, raw: bool) -> float | None:
        """Feed one frame; return the (back-dated) time of a change, or None."""
        if raw == self.value:
            self._since = None
            return None
        self._since = t_s if self._since is None else self._since
        if t_s - self._since >= self.hold_s:
            self.value = raw
            t0, self._since = self._since, None
            return t0
        return None


class Seen:
    """When a stance has been seen for ``SETTLE_S``: single frames out of it (landmark
    noise flickers the placement) do not reset the wait; ``BROKEN_S`` out of it does."""

    def __init__(self):
        self.since: float | None = None
        self._off: float | None = None

    def update(self, t_s: float, ok: bool) -> float | None:
        """Feed one frame; the (back-dated) start time once seen long enough, else None."""
        if not ok:
            self._off = t_s if self._off is None else self._off
            if t_s - self._off >= BROKEN_S:
                self.since = None
            return None
        self._off = None
        self.since = t_s if self.since is None else self.since
        return self.since if t_s - self.since >= SETTLE_S else None

    def reset(self) -> None:
        self.since = self._off = None


def hip_angle_deg(image: np.ndarray, world: np.ndarray, image_size) -> float:
    """The larger of the two thigh-trunk angles, degrees (0 standing straight).

    Each angle is between a thigh (hip -> knee) and the trunk pointing down (mid-shoulder
    -> mid-hip): it grows with hip flexion, abduction, and the trunk bending at the hips.
    MediaPipe's world landmarks (metres, about the mid-hip) give it in 3-D. When they are
    missing, or are not world landmarks at all (a landmark CSV carries only image
    coordinates, so its mid-hip is not near the origin), a 2-D approximation in image
    pixels is used: it sees abduction but not flexion towards the camera.
    """
    hips = [INDEX["left_hip"], INDEX["right_hip"]]
    needed = hips + [INDEX[f"{s}_{p}"] for s in OTHER for p in ("knee", "shoulder")]
    pts = world[:, :3].astype(float)
    if not (np.isfinite(pts[needed]).all()
            and np.abs(pts[hips].mean(axis=0)[:2]).max() < 0.05):
        pts = np.column_stack([image[:, 0] * image_size[0], image[:, 1] * image_size[1],
                               np.zeros(len(image))])
    mid_sh = pts[[INDEX["left_shoulder"], INDEX["right_shoulder"]]].mean(axis=0)
    mid_hip = pts[hips].mean(axis=0)
    down = mid_hip - mid_sh
    angles = []
    for side in ("left", "right"):
        thigh = pts[INDEX[f"{side}_knee"]] - pts[INDEX[f"{side}_hip"]]
        c = np.dot(thigh, down) / (np.linalg.norm(thigh) * np.linalg.norm(down))
        angles.append(np.degrees(np.arccos(np.clip(c, -1.0, 1.0))))
    return float(np.nanmax(angles)) if np.isfinite(angles).any() else float("nan")


def hands_on_hips(image: np.ndarray, image_size) -> bool:
    """Both wrists within ``HANDS_OFF_RATIO`` trunk lengths of their hips (image plane)."""
    xy = image[:, :2] * np.asarray(image_size, float)
    trunk = np.linalg.norm(xy[[INDEX["left_shoulder"], INDEX["right_shoulder"]]].mean(0)
                           - xy[[INDEX["left_hip"], INDEX["right_hip"]]].mean(0))
    d = [np.linalg.norm(xy[INDEX[f"{s}_wrist"]] - xy[INDEX[f"{s}_hip"]]) for s in OTHER]
    return bool(trunk > 0 and max(d) / trunk < HANDS_OFF_RATIO)


class FootPlace:
    """Whether the planted feet stay where they stood: a foot moving ``STEP_CM`` (image
    plane, cm) from its median place for ``STEP_MIN_S`` has stepped. After a step the place
    is learned again once the feet are level (set down) for ``REF_S``."""

    def __init__(self, body: BodyTracker, planted: tuple[str, ...], fps: float):
        self.body, self.planted = body, planted
        self._n = max(3, int(round(REF_S * fps)))
        self._learn: list[np.ndarray] = []
        self._ref: np.ndarray | None = None
        self._recent = deque(maxlen=max(3, int(round(0.1 * fps))))
        self._moved = Debounce(STEP_MIN_S, False)

    def update(self, frame: Frame, level: bool) -> float | None:
        """Feed one frame (``level``: no planted foot raised); the time of a step or None."""
        pos = np.array([self.body.foot_cm(frame.image, s) for s in self.planted])
        if not np.isfinite(pos).all():
            return None
        if self._ref is None:
            self._learn = self._learn + [pos] if level else []
            if len(self._learn) >= self._n:
                self._ref = np.median(np.array(self._learn), axis=0)
                self._recent.clear()
            return None
        self._recent.append(pos)
        now = np.median(np.array(self._recent), axis=0)
        far = bool(np.linalg.norm(now - self._ref, axis=1).max() > STEP_CM)
        t0 = self._moved.update(frame.t_s, far)
        if t0 is not None and self._moved.value:
            self._ref, self._learn = None, []
            self._moved.value = False
            return t0
        return None


class BESS(StanceTest):
    """Parameters: ``surfaces`` (("firm", "foam") for BESS; the modified BESS uses
    ("firm",)), ``stances`` (a subset of ``STANCE_ORDER`` to practise or re-test; all
    three by default), ``trial_s`` (20). The eyes are declared closed: the tester presses a key
    (``add_error``) when they open."""

    name = "bess"
    title = "Balance Error Scoring System (BESS)"
    surfaces_default = (FIRM, FOAM)

    def __init__(self, profile, *, image_size, fps, surfaces=None, stances=STANCE_ORDER,
                 trial_s: float = TRIAL_S):
        super().__init__(profile, image_size=image_size, fps=fps)
        self.surfaces = tuple(surfaces or self.surfaces_default)
        if not set(self.surfaces) <= {FIRM, FOAM} or not set(stances) <= set(STANCE_ORDER):
            raise ValueError(f"surfaces are {FIRM}/{FOAM}, stances {', '.join(STANCE_ORDER)}")
        self.trial_s = float(trial_s)
        self.dominant = profile.dominant_leg or ASSUMED_DOMINANT
        self.stance_leg = OTHER[self.dominant]
        self.plan = [(s, k) for s in self.surfaces for k in STANCE_ORDER if k in stances]
        self.body = BodyTracker(image_size, fps, profile.height_cm)
        self.trials: list[Trial] = []
        self.current: Trial | None = None
        self.step = 0
        self._seen = Seen()
        self._stopped = False

    # --- stance -----------------------------------------------------------------------

    @property
    def want(self) -> tuple[str, str] | None:
        return self.plan[self.step] if self.step < len(self.plan) else None

    def feet_ok(self, frame: Frame, stance: str) -> bool:
        """This frame's feet are in ``stance`` (see the module docstring)."""
        raised = feet.raised_foot(frame.image)
        if stance == SINGLE:
            return raised == self.dominant
        if raised is not None:
            return False
        kind, gap, _ = feet.placement(frame.image, frame.world, self.image_size[0],
                                      self.body.px_per_cm, self.body.height_cm)
        if stance == DOUBLE:
            return kind == feet.SIDE_BY_SIDE and \
                gap <= TOGETHER_GAP * feet.FOOT_WIDTH * self.body.height_cm
        return kind == feet.TANDEM and self._rear_foot(frame) == self.stance_leg

    @staticmethod
    def _rear_foot(frame: Frame) -> str:
        """The foot farther from the camera (MediaPipe world z grows away from it)."""
        z = {s: float(frame.world[INDEX[f"{s}_heel"], 2] + frame.world[INDEX[f"{s}_ankle"], 2])
             for s in OTHER}
        return "left" if z["left"] > z["right"] else "right"

    def planted(self, stance: str) -> tuple[str, ...]:
        return (self.stance_leg,) if stance == SINGLE else ("left", "right")

    # --- the state machine --------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self._stopped or (self.current is None and self.want is None)


    def _wait(self, frame, good, found, out):
        surface, stance = self.want
        start = self._seen.update(frame.t_s, good and self.feet_ok(frame, stance))
        if start is not None:
            if stance == SINGLE:  # the lift event dates the start to the frame
                lifts = [e.t_s for e in self._found if e.kind == ev.FOOT_LIFT
                         and e.side == self.dominant and start - 0.5 <= e.t_s <= start]
                start = lifts[-1] if lifts else start
            self._begin(start, surface, stance, out)

    def _begin(self, t_s, surface, stance, out):
        index = next((f.index for f in self._recent if f.t_s >= t_s), self.body.last_index)
        side = None if stance == DOUBLE else self.stance_leg
        extra = {"surface": surface, "eyes": "closed",
                 "raised_foot": self.dominant if stance == SINGLE else None,
                 "rear_foot": self.stance_leg if stance == TANDEM else None}
        self.current = Trial(len(self.trials) + 1, side, stance, t_s, index,
                             target_s=self.trial_s, extra=extra)
        # The floor levels must come from the feet as placed now; a lift needs a little
        # of the standing before it.
        back = int(round(1.0 * self.fps)) if stance == SINGLE else 0
        self.body.set_epoch(max(index - back, 0))
        self._watch = _Watch(self, stance, t_s)
        self._watch.events(self._found)  # found while the stance was being recognised
        self._found.clear()
        for f in self._recent:
            if f.index >= index:
                self._watch.frame(f)
        out.append(Event(t_s, "trial_start", {"trial": self.current.number,
                                              "surface": surface, "stance": stance,
                                              "side": side, "frame": index}))

    def _run(self, frame, good, found, out):
        trial = self.current
        lost = trial.watch_view(frame.t_s, good)
        if lost is not None:
            self._end(lost, "view_lost", out)
        if not good:
            return
        self._watch.events(found)
        self._watch.frame(frame)
        end_t = trial.start_t + trial.paused_s + self.trial_s
        if frame.t_s >= end_t:
            self._end(end_t, "completed", out)
        else:
            out += self._watch.settle(frame.t_s - SETTLE_ERRORS_S)

    def _end(self, t_s, reason, out):
        trial, watch = self.current, self._watch
        watch.events(self.body.flush())  # events of the last frames
        trial.end(t_s, self.body.last_index + 1, reason)
        out += watch.settle(t_s)
        trial.extra.update(watch.summary(t_s))
        self.trials.append(trial)
        self.current = None
        self._seen.reset()
        out.append(Event(trial.end_t, "trial_end", {
            "trial": trial.number, "reason": reason, "surface": trial.extra["surface"],
            "stance": trial.stance, "error_score": trial.extra["error_score"]}))
        if reason == "completed":
            self.step += 1
        self.body.set_epoch(self.body.last_index + 1)

    def add_error(self, t_s: float, kind: str = "eyes_opened") -> list[Event]:
        """The tester's key: an error the camera cannot see (eyes opened, ...) at ``t_s``.
        Counted in the running trial like any other, so its "bess_error" event comes with
        the settled errors (up to ``SETTLE_ERRORS_S`` later); ignored between trials."""
        trial = self.current
        if trial is None or t_s < trial.start_t:
            return []
        self._watch.add(t_s, kind, "tester")
        return []

    def stop(self, t_s: float, reason: str = "stopped") -> list[Event]:
        out = []
        if self.current is not None:
            self._end(t_s, reason, out)
        self._stopped = True
        return out

    # --- reporting ------------------------------------------------------------------------

    def _status(self, frame, good, out) -> Status:
        st = Status(events=out, trial=min(self.step + 1, len(self.plan)))
        trial = self.current
        if trial is not None:
            st.side, st.phase = trial.side, "running" if good else "paused"
            st.elapsed_s = trial.elapsed(frame.t_s)
            st.remaining_s = max(0.0, self.trial_s - st.elapsed_s)
            st.instruction = ("Eyes closed, hands on hips. Hold still." if good
                              else MESSAGES[self.body.view_state])
            trial.show_sway(st)
            st.metrics = {"bess_errors": self._watch.count}  # counted so far (settled)
            return st
        if self.done:
            st.phase, st.instruction = "done", "Test finished. Check both feet for blisters."
            return st
        st.phase = "waiting" if good else "paused"
        st.instruction = self.instruction() if good else MESSAGES[self.body.view_state]
        return st

    def instruction(self) -> str:
        """What to do for the next trial, with the surface change before the foam set."""
        surface, stance = self.want
        text = {
            DOUBLE: "Feet together, hands on hips, eyes closed.",
            SINGLE: f"Stand on your {self.stance_leg} leg, hands on hips, eyes closed: "
                    f"lift your {self.dominant} foot, hip and knee bent.",
            TANDEM: f"One foot in front of the other, heel to toe, your {self.stance_leg} "
                    "foot behind. Hands on hips, eyes closed.",
        }[stance]
        if surface == FOAM and (surface, stance) == next(p for p in self.plan if p[0] == FOAM):
            return "Place the foam pad in front of you and stand on it. " + text
        return ("On the foam pad: " if surface == FOAM else "") + text

    def result(self) -> ProtocolResult:
        trials = [t.result(self.fps) for t in self.trials]
        for t in trials:
            t.complete = t.end_reason == "completed"
        return ProtocolResult(self.name, trials, self._summary(trials))

    def _summary(self, trials) -> BessSummary:
        done = {(t.surface, t.stance): t for t in trials if t.complete}
        missing = [f"{s} {k}" for s, k in self.plan if (s, k) not in done]
        scores = {key: t.error_score for key, t in done.items()}
        return BessSummary(
            total_score=None if missing else sum(scores.values()),
            score_so_far=sum(scores.values()),
            by_stance={k: sum(v for (s, kk), v in scores.items() if kk == k)
                       for k in STANCE_ORDER},
            by_surface={s: sum(v for (ss, k), v in scores.items() if ss == s)
                        for s in self.surfaces},
            missing_trials=missing,
            surfaces=list(self.surfaces), trial_s=self.trial_s, eyes="closed (declared)",
            dominant_leg=self.dominant if self.profile.dominant_leg else
            f"{ASSUMED_DOMINANT} (assumed: not in the profile)",
            stance_leg=self.stance_leg,
            scoring=(f"1 per error, at most {MAX_ERRORS} per trial; errors within "
                     f"{SIMULTANEOUS_S:g} s of a counted one count once; a stance not held "
                     f"{MIN_HOLD_S:g} s scores {MAX_ERRORS}; lower is better"),
            sources=[norms.RIEMANN_1999.citation, norms.BELL_2011.citation],
            scale=self.body.scale_note, fps=self.fps)


class ModifiedBESS(BESS):
    """The modified BESS: the three firm-surface trials only."""

    name = "mbess"
    title = "Modified BESS (firm surface)"
    surfaces_default = (FIRM,)


class _Watch:
    """The error bookkeeping of one running trial: per-frame checks, core events, the
    settling of errors in time order."""

    def __init__(self, bess: BESS, stance: str, start_t: float):
        self.p, self.stance, self.start_t = bess, stance, start_t
        self.trial = bess.current
        self.pending: list[PendingError] = []
        self.errors = self.trial.errors
        self.count = 0
        self._last_counted = -np.inf
        self._feet = Debounce(BROKEN_S)
        self._position = Debounce(BROKEN_S)
        self._hip = Debounce(HIP_MIN_S, False)
        self._hip_recent = deque(maxlen=max(3, int(round(0.15 * bess.fps)) | 1))
        self._place = FootPlace(bess.body, bess.planted(stance), bess.fps)
        self._out_since: float | None = None
        self._out_counted = False
        self._runs: list[list[float]] = [[start_t, None]]  # stretches with the feet in stance
        self._last_index = -1

    def add(self, t_s: float, kind: str, detail: str) -> None:
        self.pending.append(PendingError(t_s, kind, detail))

    def events(self, found) -> None:
        """Errors among the core's new events."""
        raised = self.p.dominant if self.stance == SINGLE else None
        for e in found:
            if e.frame < self.trial.start_frame:
                continue
            if e.kind == ev.HANDS_OFF_HIPS:
                self.add(e.t_s, "hands_off_hips", f"{e.side} hand")
            elif e.kind in (ev.STANCE_FOOT_MOVED, ev.LOSS_OF_BALANCE):
                self.add(e.t_s, "step", e.kind)
            elif e.kind == ev.TOUCHDOWN and e.side == raised:
                self.add(e.t_s, "step", "raised foot touched down")
            elif e.kind == ev.FOOT_LIFT and e.side != raised:
                self.add(e.t_s, "forefoot_heel_lift", f"{e.side} foot lifted")

    def frame(self, f: Frame) -> None:
        """Per-frame checks: placement, position, planted feet, hip angle; CoM sample."""
        if f.index <= self._last_index:
            return
        self._last_index = f.index
        p = self.p
        h, v = p.body.com_cm(f.image)
        self.trial.add_sample(f.index, h, v, p.body.ap_cm(f))
        feet_in = p.feet_ok(f, self.stance)
        t0 = self._feet.update(f.t_s, feet_in)
        if t0 is not None:
            if self._feet.value:
                self._runs.append([t0, None])
            else:
                self._runs[-1][1] = t0
                self.add(t0, "step", "left the stance placement")
        self._check_position(f, feet_in)
        level = feet.raised_foot(f.image) in (None, p.dominant if self.stance == SINGLE else None)
        moved = self._place.update(f, level)
        if moved is not None and self._feet.value:  # out of the placement: a return step
            self.add(moved, "step", "planted foot moved")
        self._check_hip(f)

    def _check_position(self, f: Frame, feet_in: bool) -> None:
        inside = feet_in and hands_on_hips(f.image, self.p.image_size)
        t0 = self._position.update(f.t_s, inside)
        if t0 is not None:
            self._out_since = None if self._position.value else t0
            self._out_counted = False
        if (self._out_since is not None and not self._out_counted
                and f.t_s - self._out_since >= OUT_OF_POSITION_S):
            self.add(self._out_since + OUT_OF_POSITION_S, "out_of_position",
                     f"out of position over {OUT_OF_POSITION_S:g} s")
            self._out_counted = True

    def _check_hip(self, f: Frame) -> None:
        self._hip_recent.append(hip_angle_deg(f.image, f.world, self.p.image_size))
        angle = float(np.nanmedian(np.array(self._hip_recent)))  # robust to depth noise
        line = HIP_RESET_DEG if self._hip.value else HIP_ANGLE_DEG
        t0 = self._hip.update(f.t_s, bool(angle > line))
        if t0 is not None and self._hip.value:
            self.add(t0, "hip_flexion_abduction", f"thigh-trunk angle {angle:.0f} deg")

    def settle(self, until_t: float) -> list[Event]:
        """Count the pending errors up to ``until_t`` in time order; their events."""
        out = []
        end = self.trial.end_t if self.trial.end_t is not None else np.inf
        ready = sorted((e for e in self.pending if e.t_s <= until_t), key=lambda e: e.t_s)
        self.pending = [e for e in self.pending if e.t_s > until_t]
        for e in ready:
            if not self.trial.start_t <= e.t_s <= end:
                continue
            if e.t_s - self._last_counted < SIMULTANEOUS_S and self.errors:
                self.errors[-1]["also"].append({"t_s": round(e.t_s, 3), "kind": e.kind,
                                                "detail": e.detail})
                continue
            self._last_counted = e.t_s
            self.count += 1
            counted = self.count <= MAX_ERRORS
            record = {"t_s": round(e.t_s, 3), "kind": e.kind, "detail": e.detail,
                      "counted": counted, "also": []}
            self.errors.append(record)
            out.append(Event(e.t_s, "bess_error", {"trial": self.trial.number, **record}))
        return out

    def summary(self, end_t: float) -> dict:
        """The trial's error score and the stance-holding numbers, for its result."""
        if self._runs[-1][1] is None:
            self._runs[-1][1] = end_t
        longest = max((min(b, end_t) - a for a, b in self._runs if a < end_t), default=0.0)
        unable = longest < MIN_HOLD_S
        score = MAX_ERRORS if unable else min(self.count, MAX_ERRORS)
        return {"error_score": score, "error_count": self.count,
                "longest_hold_s": round(max(longest, 0.0), 3),
                "unable_to_hold": unable, "capped": self.count > MAX_ERRORS}
