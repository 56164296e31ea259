"""Strengthening exercises counted by the camera: heel raises, toe raises, mini squats
(sit-to-stand and the 30-second chair stand are in ``chair_stand``).

Each exercise is one signal measured in shank lengths (knee to ankle in the image, taken
from the first steady frames), so the thresholds do not depend on the person's size or
distance from the camera. A rep is one excursion of the signal past ``up`` and back below
``down`` (hysteresis: landmark jitter of a few pixels cannot make or break a rep). Only
reps with good form count; the others are kept with the reason, so the window can say
what to correct. While the view is bad the counter pauses and a rep in progress is
dropped: a rep the camera did not see whole is not counted.
"""

from dataclasses import dataclass

import numpy as np

from balance.pose.landmarks import INDEX
from balance.protocols.base import Frame, Protocol, Status
from balance.protocols.results import ProtocolResult, RepsSummary, TrialResult
from balance.protocols.view import GOOD, MESSAGES, ViewCheck
from balance.events import Event

SCALE_FRAMES = 10   # good frames that fix the shank length (the unit of every signal)
SMOOTH_S = 0.1      # causal moving average of the signal, s: damps jitter, keeps reps
BASELINE_TAU_S = 2.0  # the resting level follows slow drift while at rest


def xy(image, name) -> np.ndarray:
    """A landmark's normalised image (x, y)."""
    return image[INDEX[name], :2].astype(float)


@dataclass(frozen=True)
class Exercise:
    """What one exercise measures. Thresholds in shank lengths above the resting level."""

    key: str
    title: str
    instruction: str
    up: float
    down: float
    relative: bool = True  # signal measured from the resting level (False: absolute)
    even: bool = False     # both sides must rise alike (heels, toes)


# Thresholds, for a 170 cm person (shank ~42 cm): a heel raise lifts the heel ~6 cm
# (0.14 shank), counted from 3.4 cm; toes lift ~5 cm (0.12), counted from 3 cm; a mini
# squat lowers the hips 10-15 cm (0.25-0.35), counted from 6 cm. Jitter of 1-2 px is
# ~0.01 shank at 2-3 m from a 720p camera: well inside the hysteresis bands.
HEEL = Exercise("heel-raises", "Heel raises",
                "Hold the chair, rise onto the balls of both feet, then lower slowly.",
                up=0.08, down=0.035, even=True)
TOE = Exercise("toe-raises", "Toe raises",
               "Hold the chair, lift the toes of both feet, heels down, then lower.",
               up=0.07, down=0.03, even=True)
SQUAT = Exercise("mini-squats", "Mini squats",
                 "Hold the chair, bend the knees a little, knees over the toes, stand up.",
                 up=0.15, down=0.06)
EVEN_RATIO = 0.6        # the lower side must rise at least 60 % as far as the higher
KNEE_IN_SHANKS = 0.09   # a knee this far inside its ankle (~4 cm) = knees caving in

BAD_TEXT = {
    "uneven": "Rise evenly on both feet.",
    "knees_in": "Keep your knees over your toes.",
    "hands": "Keep your arms crossed: no pushing on the chair or thighs.",
    "partial": "Stand up fully: knees and hips straight.",
    "no_seat": "Sit all the way down between stands.",
}


class RepCounter(Protocol):
    """Counts good reps of one exercise.

    Parameters: ``target_reps`` (done when reached; None = until Stop or the time),
    ``duration_s`` (done when this much counted time has passed; None = no limit),
    ``hands`` (sit-to-stand only: "allowed" or "crossed", which checks the hands).
    """

    exercise: Exercise = HEEL

    def __init__(self, profile, *, image_size, fps, target_reps: int | None = None,
                 duration_s: float | None = None, hands: str = "allowed"):
        super().__init__(profile, image_size=image_size, fps=fps)
        if hands not in ("allowed", "crossed"):
            raise ValueError(f"hands must be 'allowed' or 'crossed', not {hands!r}")
        self.target_reps, self.duration_s, self.hands = target_reps, duration_s, hands
        self.view = ViewCheck()
        self.view_state = GOOD
        self.h, self.w = image_size[1], image_size[0]
        self._shanks: list[float] = []
        self.shank_px: float | None = None
        self._hist: list[np.ndarray] = []  # the last SMOOTH_S of per-side signals
        self._baseline: np.ndarray | None = None
        self._in_rep = False
        self._need_rest = False  # after a bad view, a rep starts only from rest
        self._peak: np.ndarray | None = None
        self._flags: set[str] = set()
        self.good: list[dict] = []
        self.bad: list[dict] = []
        self._start_t: float | None = None
        self._counted_s = 0.0
        self._last_t: float | None = None
        self._stopped = False
        self._end_reason: str | None = None
        self._last_value = 0.0
        self.cue: str | None = None

    # --- the signal, per exercise -------------------------------------------------------

    def signals(self, image) -> np.ndarray:
        """Per-side (left, right) raw signal in pixels, up positive."""
        raise NotImplementedError

    def form(self, image) -> set[str]:
        """Form faults seen on this frame (keys of ``BAD_TEXT``)."""
        return set()

    # --- the state machine --------------------------------------------------------------

    def update(self, frame: Frame) -> Status:
        out: list[Event] = []
        self.view_state = self.view.update(frame.t_s, frame.image, frame.detected)
        good = self.view_state == GOOD
        # counted time: from the first scored frame, paused while the view is bad
        ended = self._end_reason is not None or self._stopped
        if self._start_t is not None and good and not ended:
            self._counted_s += frame.t_s - self._last_t
        self._last_t = frame.t_s
        if ended:
            return self._status(frame, good, out)
        if not good:
            self._hist.clear()
            self._drop_partial()
            return self._status(frame, good, out)
        if self.shank_px is None:
            self._learn_scale(frame.image)
            return self._status(frame, good, out)
        if self._start_t is None:
            self._start_t = frame.t_s
            out.append(Event(frame.t_s, "trial_start", {"trial": 1, "frame": frame.index}))
        self._step(frame, out)
        if self._done_now() and self._end_reason is None:
            self._end(frame.t_s, "target" if self._target_met() else "time", out)
        return self._status(frame, good, out)

    def _learn_scale(self, image) -> None:
        shank = [np.hypot(*(xy(image, f"{s}_knee") - xy(image, f"{s}_ankle"))
                          * (self.w, self.h)) for s in ("left", "right")]
        self._shanks.append(float(np.mean(shank)))
        if len(self._shanks) >= SCALE_FRAMES:
            self.shank_px = float(np.median(self._shanks))

    def _smoothed(self, image) -> np.ndarray:
        raw = self.signals(image) / self.shank_px
        self._hist.append(raw)
        n = max(1, int(round(SMOOTH_S * self.fps)))
        del self._hist[:-n]
        return np.mean(self._hist, axis=0)

    def _step(self, frame, out) -> None:
        x = self._smoothed(frame.image)
        if self.exercise.relative:
            if self._baseline is None:
                self._baseline = x.copy()
            # the resting level follows slow drift (a step, a shifted stance) at rest only
            if not self._in_rep and (x - self._baseline).max() < self.exercise.down:
                a = 1.0 / max(1.0, BASELINE_TAU_S * self.fps)
                self._baseline += a * (x - self._baseline)
            x = x - self._baseline
        self._last_value = float(x.max())
        if self._need_rest:  # back in view mid-rep: wait for the rest position first
            self._need_rest = bool(x.max() >= self.exercise.down)
            return
        if not self._in_rep and x.max() > self.exercise.up:
            self._in_rep, self._peak, self._flags = True, x.copy(), set()
        if self._in_rep:
            self._peak = np.maximum(self._peak, x)
            self._flags |= self.form(frame.image)
            if self._complete(x):
                self._finish_rep(frame, out)

    def _drop_partial(self) -> None:
        """A rep in progress the camera did not see whole is dropped, not counted."""
        self._in_rep, self._flags = False, set()
        self._need_rest = True

    def _complete(self, x) -> bool:
        return bool(x.max() < self.exercise.down)

    def _finish_rep(self, frame, out) -> None:
        flags = set(self._flags)
        lo, hi = float(self._peak.min()), float(self._peak.max())
        if self.exercise.even and lo < EVEN_RATIO * hi:
            flags.add("uneven")
        rep = {"t_s": round(frame.t_s, 3), "frame": frame.index,
               "peak": round(hi, 3), "faults": sorted(flags)}
        self._in_rep = False
        if flags:
            self.bad.append(rep)
            self.cue = BAD_TEXT[sorted(flags)[0]]
            out.append(Event(frame.t_s, "bad_rep", {"faults": sorted(flags)}))
        else:
            self.good.append(rep)
            self.cue = None
            out.append(Event(frame.t_s, "rep", {"count": len(self.good)}))

    # --- ending -------------------------------------------------------------------------

    def _target_met(self) -> bool:
        return self.target_reps is not None and len(self.good) >= self.target_reps

    def _time_up(self) -> bool:
        return self.duration_s is not None and self._counted_s >= self.duration_s - 1e-9

    def _done_now(self) -> bool:
        return self._stopped or self._target_met() or self._time_up()

    def _end(self, t_s, reason, out) -> None:
        self._end_reason = reason
        out.append(Event(t_s, "trial_end", {"trial": 1, "reason": reason,
                                            "reps": len(self.good)}))

    def stop(self, t_s: float, reason: str = "stopped") -> list[Event]:
        out: list[Event] = []
        if not self._stopped and self._end_reason is None:
            self._end(t_s, reason, out)
        self._stopped = True
        return out

    @property
    def done(self) -> bool:
        return self._done_now()

    # --- reporting ----------------------------------------------------------------------

    def _status(self, frame, good, out) -> Status:
        if self.done:
            phase, text = "done", f"Done: {len(self.good)} good reps."
        elif not good:
            phase, text = "paused", MESSAGES[self.view_state]
        else:
            phase, text = "running", self._instruction()
        remaining = (None if self.duration_s is None
                     else max(0.0, self.duration_s - self._counted_s))
        return Status(phase=phase, instruction=text, cue=self.cue, trial=1,
                      elapsed_s=self._counted_s, remaining_s=remaining,
                      metrics={"reps": len(self.good), "bad_reps": len(self.bad),
                               "level": round(self._last_value, 3)},
                      events=out)

    def _instruction(self) -> str:
        return self.exercise.instruction

    def result(self) -> ProtocolResult:
        trial = TrialResult(
            trial=1, side=None, stance=self.exercise.key,
            hold_time_s=round(self._counted_s, 3),
            end_reason=self._end_reason or ("stopped" if self._stopped else None),
            end_text=f"{len(self.good)} good reps, {len(self.bad)} not counted",
            metrics={}, reps=len(self.good), attempts=len(self.good) + len(self.bad),
            errors=[{"kind": "bad_rep", **b} for b in self.bad], score=None)
        return ProtocolResult(self.name, [trial] if self._start_t is not None else [],
                              self._summary())

    def _summary(self) -> RepsSummary:
        return RepsSummary(reps=len(self.good), bad_reps=len(self.bad),
                           target_reps=self.target_reps, duration_s=self.duration_s,
                           hands=self.hands)


class HeelRaises(RepCounter):
    """Both heels up, toes down: each heel's height above its toes."""

    name, title, exercise = "heel-raises", "Heel raises", HEEL

    def signals(self, image):
        return np.array([(xy(image, f"{s}_foot_index")[1] - xy(image, f"{s}_heel")[1])
                         * self.h for s in ("left", "right")])


class ToeRaises(RepCounter):
    """Both toes up, heels down: each foot's toes above its heel."""

    name, title, exercise = "toe-raises", "Toe raises", TOE

    def signals(self, image):
        return np.array([(xy(image, f"{s}_heel")[1] - xy(image, f"{s}_foot_index")[1])
                         * self.h for s in ("left", "right")])


class MiniSquats(RepCounter):
    """The mid-hip's descent; form: each knee stays over its foot (not inside it)."""

    name, title, exercise = "mini-squats", "Mini squats", SQUAT

    def signals(self, image):
        hip_y = (xy(image, "left_hip")[1] + xy(image, "right_hip")[1]) / 2 * self.h
        return np.array([hip_y, hip_y])  # down is up-positive in the image's y

    def form(self, image):
        for side, sign in (("left", 1.0), ("right", -1.0)):
            # the person's left is the image right: inward is towards smaller x
            inward = sign * (xy(image, f"{side}_ankle")[0] - xy(image, f"{side}_knee")[0])
            if inward * self.w / self.shank_px > KNEE_IN_SHANKS:
                return {"knees_in"}
        return set()
