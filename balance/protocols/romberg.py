"""Romberg test and sharpened Romberg: 30 s eyes open, then 30 s eyes closed.

Feet together (sharpened: tandem, either foot in front), arms folded across the chest. The
test starts by itself when stance and arms have been seen for ``bess.SETTLE_S``, both feet
level within ``LEVEL_CM`` when side by side (a foot still being placed does not start it; the clock is
back-dated to when they were first seen). At 30 s the instruction changes to "Close your
eyes now" and the eyes-closed half starts on the same frame. The eyes are declared, not
seen. Each half is a trial with its own sway metrics; the samples within
``EXCLUDE_BEFORE_S`` / ``EXCLUDE_AFTER_S`` of the switch are left out of both, since the
person needs a moment to hear the cue, close the eyes and settle.

The Romberg quotient is eyes-closed over eyes-open, for the mean ML velocity, the ML RMS,
the ML range and, when the metrics have two axes, the 95 % ellipse area (van Parys 1976).
A quotient near 1 means vision adds little; well above 1, the person leans on vision
(proprioceptive or vestibular loss). Landmark jitter adds the same speed to both halves
and so pulls the velocity quotient towards 1; the RMS quotient is the robust one.

Failure ends the test with its time: a step (a foot lifting, a planted foot moving
``bess_errors.STEP_CM``, the feet leaving the placement for ``bess_errors.BROKEN_S``, or the core's
stance-foot-moved / loss-of-balance events), or the arms unfolding: a wrist farther than
``UNFOLDED_RATIO`` trunk lengths from the chest centre for ``ARMS_MIN_S`` (image plane;
folded wrists lie ~0.25 trunk lengths from it, hands on the hips ~0.75, arms down more).
"""


import numpy as np

from balance.core import events as ev
from balance.pose.landmarks import INDEX
from balance.protocols import feet
from balance.clinical import norms
from balance.protocols.base import Frame, Status
from balance.protocols.results import ProtocolResult, RombergSummary
from balance.protocols.bess_errors import BROKEN_S, TOGETHER_GAP, Debounce, FootPlace, Seen
from balance.protocols.stance_test import StanceTest
from balance.protocols.tracking import STEP_LIFT_WAIT_S, BodyTracker
from balance.protocols.trial import Trial, axis_text
from balance.protocols.view import MESSAGES
from balance.events import Event

PHASE_S = norms.ROMBERG_PHASE_S  # each half, s
FIRM, FOAM = "firm", "foam"
LEVEL_CM = 2.0            # the feet this level: both are down on the new surface
NEXT_S = 2.0              # after a failure or a surface change, the next wait starts this late
EXCLUDE_BEFORE_S = 0.5    # samples this close before the switch are not in the metrics
EXCLUDE_AFTER_S = 0.5     # nor this close after it
CHEST_DOWN = 0.25         # chest centre: this far from mid-shoulder towards mid-hip
UNFOLDED_RATIO = 0.5      # wrist-to-chest distance / trunk length: the arms have unfolded
ARMS_MIN_S = 0.3
# The quotient's measures. The 95 % ellipse area needs two sway axes: its AP axis is the
# camera's depth estimate (``core.depth``), so it is there only with world landmarks (not
# from a landmark CSV); ``range_ml`` stands in as a size measure.
QUOTIENT_KEYS = ("mean_velocity_ml", "rms_ml", "ellipse_area", "range_ml")

END_TEXT = {"completed": "the full time was reached", "step": "a step or stumble",
            "arms_unfolded": "the arms unfolded", "view_lost": "the body left the camera's view"}


def wrist_to_chest(image: np.ndarray, image_size) -> float:
    """The larger wrist distance from the chest centre, in trunk lengths (image plane)."""
    xy = image[:, :2] * np.asarray(image_size, float)
    sh = xy[[INDEX["left_shoulder"], INDEX["right_shoulder"]]].mean(axis=0)
    hip = xy[[INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=0)
    trunk = float(np.linalg.norm(hip - sh))
    chest = sh + CHEST_DOWN * (hip - sh)
    d = max(np.linalg.norm(xy[INDEX[f"{s}_wrist"]] - chest) for s in ("left", "right"))
    return float(d / trunk) if trunk > 0 else float("nan")


class Romberg(StanceTest):
    """Parameters: ``sharpened`` (tandem stance), ``phase_s`` (30 s per half).

    The test is a list of ``conditions`` (surface, eyes), each a timed trial. Conditions on
    the same surface follow on the same frame (the eyes close); a new surface waits for the
    person to step onto it and settle again. A failure ends the test (``stop_on_failure``)
    or, in a subclass that says so, only its condition."""

    name = "romberg"
    title = "Romberg test"
    stop_on_failure = True

    def __init__(self, profile, *, image_size, fps, sharpened: bool = False,
                 phase_s: float = PHASE_S):
        super().__init__(profile, image_size=image_size, fps=fps)
        self.sharpened, self.phase_s = bool(sharpened), float(phase_s)
        self.stance = feet.TANDEM if self.sharpened else "feet_together"
        if self.sharpened:
            self.title = "Sharpened Romberg test"
        self.body = BodyTracker(image_size, fps, profile.height_cm,
                                lift_wait_s=STEP_LIFT_WAIT_S)
        self.conditions = ((FIRM, "open"), (FIRM, "closed"))
        self.trials: list[Trial] = []
        self.current: Trial | None = None
        self.failures: list[dict] = []
        self._seen = Seen()
        self._stopped = False
        self._block_start = 0        # the frame the feet were last placed on
        self._not_before = -np.inf   # the next wait counts only from this time
        self._move_after: int | None = None  # a new surface: both feet lift after this frame
        self._lifted: set[str] = set()

    def _level(self, frame: Frame) -> bool:
        """Both feet at one height: down, not one of them still being placed. Not asked
        of tandem, where the front foot, nearer the camera, shows lower."""
        if self.sharpened:
            return True
        dy = self.body.foot_cm(frame.image, "left")[1] - self.body.foot_cm(frame.image, "right")[1]
        return abs(dy) < LEVEL_CM

    @property
    def failure(self) -> dict | None:
        """The first failure, or None."""
        return self.failures[0] if self.failures else None

    @property
    def condition(self) -> tuple[str, str]:
        """(surface, eyes) of the running or next condition."""
        return self.conditions[min(len(self.trials), len(self.conditions) - 1)]

    # --- recognising the position --------------------------------------------------------

    def feet_ok(self, frame: Frame) -> bool:
        if feet.raised_foot(frame.image) is not None:
            return False
        kind, gap, _ = feet.placement(frame.image, frame.world, self.image_size[0],
                                      self.body.px_per_cm, self.body.height_cm)
        if self.sharpened:
            return kind == feet.TANDEM
        return kind == feet.SIDE_BY_SIDE and \
            gap <= TOGETHER_GAP * feet.FOOT_WIDTH * self.body.height_cm

    def arms_folded(self, frame: Frame, line: float = UNFOLDED_RATIO) -> bool:
        return wrist_to_chest(frame.image, self.image_size) < line

    # --- the state machine ---------------------------------------------------------------

    @property
    def done(self) -> bool:
        return (self._stopped or len(self.trials) >= len(self.conditions)
                or (self.stop_on_failure and bool(self.failures)))

    def _wait(self, frame, good, found, out):
        if self._move_after is not None:  # the step onto the new surface: both feet lift
            self._lifted |= {e.side for e in found
                             if e.kind == ev.FOOT_LIFT and e.frame > self._move_after}
            if not {"left", "right"} <= self._lifted:
                return
            self._move_after = None
        if frame.t_s < self._not_before:
            return
        start = self._seen.update(frame.t_s, good and self.feet_ok(frame)
                                  and self.arms_folded(frame)
                                  and self._level(frame))
        if start is not None:
            self._begin(start, out)

    def _begin(self, t_s, out):
        index = next((f.index for f in self._recent if f.t_s >= t_s), self.body.last_index)
        self._new_trial(t_s, index)
        self._block_start = index
        self.body.set_epoch(index)  # the feet are placed: floor levels from here on
        self._feet = Debounce(BROKEN_S)
        self._arms = Debounce(ARMS_MIN_S)
        self._place = FootPlace(self.body, ("left", "right"), self.fps)
        self._last_index = -1
        kind = "test_start" if not self.trials else "condition_start"
        out.append(Event(t_s, kind, {"stance": self.stance, "frame": index,
                                     "condition": "/".join(self.condition)}))
        step = self._step_event(self._found)
        if step is not None:
            return self._fail(step[0], "step", out, step[1])
        for f in self._recent:
            if f.index >= index:
                self._check(f, out)  # does nothing once the condition has ended

    def _new_trial(self, t_s, index):
        extra = {"eyes": self.condition[1], "sharpened": self.sharpened, **self._extra()}
        if self.sharpened:
            extra["front_foot"] = None
        self.current = Trial(len(self.trials) + 1, None, self.stance, t_s, index,
                             target_s=self.phase_s, extra=extra)

    def _extra(self) -> dict:
        """A subclass's own trial keys."""
        return {}

    def _run(self, frame, good, found, out):
        trial = self.current
        lost = trial.watch_view(frame.t_s, good)
        if lost is not None:
            self._fail(lost, "view_lost", out)
        if not good:
            return
        step = self._step_event(found)
        if step is not None:
            self._fail(step[0], "step", out, step[1])
            return
        self._check(frame, out)

    def _step_event(self, found):
        """(time, what) of the first core event that is a step, or None."""
        for e in found:
            if e.frame >= self._block_start and e.kind in (ev.FOOT_LIFT, ev.STANCE_FOOT_MOVED,
                                               ev.LOSS_OF_BALANCE):
                return e.t_s, f"{e.kind} ({e.side or 'body'})"
        return None

    def _check(self, frame, out):
        """Per-frame: the switch and the end, failures, and the sway sample."""
        if frame.index <= self._last_index or self.current is None:
            return
        self._last_index = frame.index
        trial = self.current
        if trial.elapsed(frame.t_s) >= self.phase_s:
            self._switch(trial.start_t + trial.paused_s + self.phase_s, frame, out)
            if self.current is None:
                return
            trial = self.current
        t0 = self._feet.update(frame.t_s, self.feet_ok(frame))
        if t0 is not None and not self._feet.value:
            return self._fail(t0, "step", out, "the feet left the placement")
        moved = self._place.update(frame, feet.raised_foot(frame.image) is None)
        if moved is not None:
            return self._fail(moved, "step", out, "a foot moved from its place")
        t0 = self._arms.update(frame.t_s, self.arms_folded(frame))
        if t0 is not None and not self._arms.value:
            return self._fail(t0, "arms_unfolded", out, "a wrist left the chest")
        if self.sharpened and trial.extra.get("front_foot") is None:
            trial.extra["front_foot"] = _front_foot(frame)
        elapsed = trial.elapsed(frame.t_s)
        skip = (elapsed >= self.phase_s - EXCLUDE_BEFORE_S if trial.extra["eyes"] == "open"
                else elapsed < EXCLUDE_AFTER_S)
        if not skip:
            h, v = self.body.com_cm(frame)
            self.body.sample(trial, frame, h, v)

    def _switch(self, t_s, frame, out):
        """The end of a condition: the next on this frame when it is on the same surface
        (the eyes close), a wait when it is on another, or the end."""
        trial = self.current
        trial.end(t_s, frame.index, "completed")
        self.trials.append(trial)
        self.current = None
        if self.done:
            out.append(Event(t_s, "test_end", {"reason": "completed"}))
        elif self.condition[0] == self.conditions[len(self.trials) - 1][0]:
            self._new_trial(t_s, frame.index)
            if self.sharpened:
                self.current.extra["front_foot"] = trial.extra.get("front_foot")
            out.append(Event(t_s, "eyes_close_cue", {"instruction": "Close your eyes now."}))
        else:
            self._await(t_s, frame.index, out)

    def _await(self, t_s, index, out):
        """Wait for the next condition: after ``NEXT_S``, and on a new surface only once
        each foot has lifted (the step onto it)."""
        self._seen.reset()
        self._lifted = set()
        self._not_before = t_s + NEXT_S
        new_surface = self.condition[0] != self.conditions[len(self.trials) - 1][0]
        self._move_after = index if new_surface else None
        out.append(Event(t_s, "condition_cue", {"instruction": self._wait_text(),
                                                "condition": "/".join(self.condition)}))

    def _fail(self, t_s, reason, out, detail=""):
        trial = self.current
        t_s = max(t_s, trial.start_t)
        index = next((f.index for f in self._recent if f.t_s >= t_s), self.body.last_index + 1)
        trial.end(t_s, index, reason)
        self.trials.append(trial)
        self.current = None
        failure = {"t_s": round(t_s, 3), "reason": reason, "detail": detail,
                   "eyes": trial.extra["eyes"],
                   "test_time_s": round(t_s - self.trials[0].start_t, 3), **self._extra_of(trial)}
        self.failures.append(failure)
        if self.done:
            out.append(Event(t_s, "test_end", dict(failure)))
        else:
            out.append(Event(t_s, "condition_end", dict(failure)))
            self._await(t_s, index, out)

    def _extra_of(self, trial) -> dict:
        return {k: trial.extra[k] for k in self._extra()}

    def stop(self, t_s: float, reason: str = "stopped") -> list[Event]:
        out = []
        if self.current is not None:
            trial = self.current
            trial.end(t_s, self.body.last_index + 1, reason)
            self.trials.append(trial)
            self.current = None
            out.append(Event(t_s, "test_end", {"reason": reason}))
        self._stopped = True
        return out

    # --- reporting ------------------------------------------------------------------------

    def _status(self, frame, good, out) -> Status:
        st = Status(events=out, trial=min(len(self.trials) + 1, len(self.conditions)))
        trial = self.current
        if trial is not None:
            st.phase = "running" if good else "paused"
            st.elapsed_s = trial.elapsed(frame.t_s)
            st.remaining_s = max(0.0, self.phase_s - st.elapsed_s)
            if not good:
                st.instruction = MESSAGES[self.body.view_state]
            elif trial.extra["eyes"] == "closed":
                st.instruction = ("Close your eyes now." if st.elapsed_s < 3.0
                                  else "Eyes closed. Stay still.")
            else:
                st.instruction = "Eyes open, look straight ahead. Stay still."
            trial.show_sway(st)
            return st
        if self.done:
            st.phase, st.instruction = "done", "Test finished. Open your eyes."
            return st
        st.phase = "waiting" if good else "paused"
        st.instruction = self._wait_text() if good else MESSAGES[self.body.view_state]
        return st

    def _wait_text(self) -> str:
        feet_text = ("One foot in front of the other, heel to toe" if self.sharpened
                     else "Feet together")
        return f"{feet_text}, arms folded across your chest."

    def result(self) -> ProtocolResult:
        trials = [t.result(self.fps, self.body.camera_view(t)) for t in self.trials]
        for t in trials:
            t.end_text = END_TEXT.get(t.end_reason, t.end_reason)
        return ProtocolResult(self.name, trials, self._summary(trials))

    def _summary(self, trials) -> RombergSummary:
        by_eyes = {t.eyes: t for t in trials}
        quotient = {}
        eo, ec = by_eyes.get("open"), by_eyes.get("closed")
        if eo and ec and eo.metrics and ec.metrics:
            for key in QUOTIENT_KEYS:
                a, b = eo.metrics.get(key), ec.metrics.get(key)
                if a is not None and b is not None:
                    quotient[key] = round(b / a, 3) if a > 0 else None
        completed = len(trials) == 2 and all(t.end_reason == "completed" for t in trials)
        return RombergSummary(
            completed=completed, sharpened=self.sharpened, stance=self.stance,
            failure=self.failure, romberg_quotient=quotient or None,
            quotient_note="eyes closed / eyes open" + (
                "" if completed else "; the eyes-closed half was not completed"),
            excluded_around_switch_s=[EXCLUDE_BEFORE_S, EXCLUDE_AFTER_S],
            eyes="declared, not seen", phase_s=self.phase_s,
            sources=[norms.VAN_PARYS_1976.citation, norms.KHASNIS_2003.citation],
            scale=self.body.scale_note, fps=self.fps,
            plane=axis_text([self.body.camera_view(t) for t in self.trials]))


def _front_foot(frame: Frame) -> str:
    """The foot nearer the camera (smaller MediaPipe world z)."""
    z = {s: float(frame.world[INDEX[f"{s}_ankle"], 2]) for s in ("left", "right")}
    return "left" if z["left"] < z["right"] else "right"
