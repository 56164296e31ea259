"""Functional reach, seen from the side: how far the hand reaches forward without a step.

The person stands side-on to the camera, feet apart, and raises the arm nearest the
camera to shoulder height with a fist. Once the arm has been held there still for
``STEADY_S``, that is the start position (``reach_signal.read_start``). The reach is the
hand's forward travel from it (``reach_signal.reach_cm``), smoothed by a centred moving
average of ``SMOOTH_S`` (jitter would otherwise lift the maximum) and its furthest point
taken. An attempt ends when the hand has come back most of the way or the arm is lowered.

A step (the core's foot lift or stance-foot move, from ``BodyTracker``) or a heel lifted
``HEEL_CM`` off its start height voids the attempt; a voided trial is repeated (up to
``REPEATS`` more times). After ``practice`` attempts the next ``trials`` good ones are
scored: the best of them, as the clinic's protocol asks, and their mean (Duncan 1990
averaged its trials, so its norms are means). Thresholds are project choices
(docs/clinical.md).
"""

from collections import deque

import numpy as np

from balance.clinical import norms
from balance.core import events as ev
from balance.events import Event
from balance.protocols import reach_signal as rs
from balance.protocols.base import Frame, Protocol, Status
from balance.protocols.results import FunctionalReachSummary, ProtocolResult, TrialResult
from balance.protocols.tracking import STEP_LIFT_WAIT_S, BodyTracker
from balance.protocols.view import GOOD, MESSAGES

STEADY_S = 1.0        # the raised arm held still this long: the start position
# The forward direction is read over up to this long of the arm raised before the reach:
# its depth is the world landmarks' noisiest axis, and at 15 fps one still second held
# too few frames (bench, 30 deg, 0.75 m high, 15 fps, seeds 1-8: trial SD 0.99 cm from
# the still second, 0.76 cm from this, 0.73 cm with the true forward).
FORWARD_S = 3.0
STILL_CM = 3.0        # ... the wrist within this of its median (image, cm)
SMOOTH_S = 0.5        # centred moving average of the reach
MIN_REACH_CM = 5.0    # less than this is not a reach yet
BACK_SHARE = 0.4      # the reach back under this share of its furthest: the attempt is over
DOWN_S = 0.3          # the arm not raised this long: lowered
HEEL_CM = 2.5         # a heel this far above its start height (smoothed): lifted
MAX_ATTEMPT_S = 20.0  # an attempt with no reach back in this time ends unscored
REPEATS = 2           # voided trials repeated at most this many times
STEPS = (ev.FOOT_LIFT, ev.STANCE_FOOT_MOVED)
VOID_TEXT = {"step": "a step", "heel_lift": "a heel lifted"}
METHOD = ("hips' travel in the image (by the person's height) plus the wrist's about the "
          "hips from the world landmarks, both across the picture over the share of it "
          "that forward (the raised arm's level direction) has")


class FunctionalReach(Protocol):
    """Parameters: ``practice`` attempts first (1), then ``trials`` scored (2)."""

    name, title = "functional-reach", "Functional reach"

    def __init__(self, profile, *, image_size, fps, practice: int = norms.REACH_PRACTICE,
                 trials: int = norms.REACH_TRIALS):
        if int(practice) < 0 or int(trials) < 1:
            raise ValueError(f"practice must be at least 0 and trials at least 1, not "
                             f"{practice} and {trials}")
        super().__init__(profile, image_size=image_size, fps=fps)
        self.practice, self.trials = int(practice), int(trials)
        self.body = BodyTracker(image_size, fps, profile.height_cm,
                                lift_wait_s=STEP_LIFT_WAIT_S)
        self.half = max(1, round(SMOOTH_S * fps / 2))
        self._steady: deque = deque(maxlen=max(3, round(STEADY_S * fps)))
        self._raised: deque = deque(maxlen=max(3, round(FORWARD_S * fps)))  # world, the arm up
        self.attempts: list[dict] = []
        self.current: dict | None = None
        self._held: list[Frame] | None = None  # the last still window of the raised arm
        self._down, self._lowered = 0, True  # frames with no arm raised; lowered since the last
        self._stopped = False

    # --- per frame --------------------------------------------------------------------

    def update(self, frame: Frame) -> Status:
        found = self.body.push(frame)
        out: list[Event] = []
        good = self.body.view_state == GOOD and self.body.px_per_cm is not None
        if not self.done and good:
            if self.current is None:
                self._wait(frame, found, out)
            else:
                self._follow(frame, found, out)
        elif self.current is None:
            self._forget_arm()
        return self._status(frame, good, out)

    def _forget_arm(self) -> None:
        self._steady.clear()
        self._raised.clear()
        self._held = None

    def _wait(self, frame, found, out) -> None:
        """Keep the last ``STEADY_S`` of the raised arm; the attempt starts when the wrist
        leaves a window that was still, from that window: the start is the position held
        just before the reach, not the end of the arm's rise."""
        side = rs.raised_arm(frame.image, self.image_size) if rs.side_on(
            frame.image, self.image_size, frame.world) else None
        self._down = self._down + 1 if side is None else 0
        if self._down >= DOWN_S * self.fps:
            self._lowered = True
        if not self._lowered:  # after an attempt the arm comes down before the next
            return
        if side is None or (self._steady and self._steady[0][1] != side):
            self._forget_arm()
        if side is None:
            return
        self._steady.append((frame, side))
        self._raised.append(frame.world)
        if len(self._steady) < self._steady.maxlen:
            return
        if self._still(side):
            self._held = [f for f, _ in self._steady]
        elif self._held is not None:
            self._begin(side, self._held, out)
            if self.current is not None:
                self._follow(frame, found, out)

    def _begin(self, side, frames, out) -> None:
        self._held = None
        start = rs.read_start(side, np.array([f.image for f in frames]),
                              np.array([f.world for f in frames]), self.image_size,
                              self.body.height_cm, arm_world=np.array(self._raised))
        if start is None:
            return
        self._steady.clear()
        self._raised.clear()
        self.body.set_epoch(frames[0].index)  # the feet as they stand now
        n = len(self.attempts) + 1
        t0 = frames[-1].t_s
        self.current = {"attempt": n, "practice": n <= self.practice, "side": side,
                        "start": start, "start_s": t0, "start_frame": frames[0].index,
                        "t": [], "raw": [], "heels": [], "best": -np.inf, "best_s": None,
                        "down": 0, "void": None}
        out.append(Event(t0, "reach_start", {"attempt": n, "arm": side,
                                             "practice": self.current["practice"]}))

    def _still(self, side) -> bool:
        xy = np.array([f.image[rs.INDEX[f"{side}_wrist"], :2] for f, _ in self._steady])
        off = (xy - np.median(xy, axis=0)) * self.image_size / self.body.px_per_cm
        return bool(np.hypot(*off.T).max() <= STILL_CM)

    def _follow(self, frame, found, out) -> None:
        a = self.current
        if any(e.kind in STEPS and e.frame >= a["start_frame"] for e in found):
            return self._void(frame.t_s, "step", out)
        a["t"].append(frame.t_s)
        a["raw"].append(rs.reach_cm(a["start"], frame.image, frame.world, self.image_size,
                                    self.body.px_per_cm))
        a["heels"].append(rs.heels_px(frame.image, self.image_size))
        raised = rs.raised_arm(frame.image, self.image_size) == a["side"]
        a["down"] = 0 if raised else a["down"] + 1
        k = len(a["raw"]) - 1 - self.half  # the frame the centred average is for
        if k >= self.half:
            self._smoothed(a, k, out)
        if self.current is None:
            return
        far = a["best"] >= MIN_REACH_CM
        if far and a["down"] >= DOWN_S * self.fps:
            self._finish(frame.t_s, out)
        elif frame.t_s - a["start_s"] > MAX_ATTEMPT_S or (not far and a["down"] >= DOWN_S * self.fps):
            self._finish(frame.t_s, out, scored=False)

    def _smoothed(self, a, k, out) -> None:
        window = slice(k - self.half, k + self.half + 1)
        reach = float(np.mean(a["raw"][window]))
        heel = (np.mean(a["heels"][window], axis=0) - a["start"].heels) / self.body.px_per_cm
        if heel.max() > HEEL_CM:
            return self._void(a["t"][k], "heel_lift", out)
        if reach > a["best"]:
            a["best"], a["best_s"] = reach, a["t"][k]
        elif a["best"] >= MIN_REACH_CM and reach < BACK_SHARE * a["best"]:
            self._finish(a["t"][k], out)

    def _void(self, t_s, why, out) -> None:
        self.current["void"] = why
        out.append(Event(t_s, "reach_void", {"attempt": self.current["attempt"], "why": why}))
        self._finish(t_s, out, scored=False)

    def _finish(self, t_s, out, scored=True) -> None:
        a, self.current = self.current, None
        self._lowered, self._down = False, 0
        a["end_s"] = t_s
        a["reach_cm"] = round(a["best"], 1) if scored and np.isfinite(a["best"]) else None
        if a["reach_cm"] is not None:
            out.append(Event(a["best_s"], "reach", {"attempt": a["attempt"], "cm": a["reach_cm"]}))
        if a["reach_cm"] is not None or a["void"]:
            self.attempts.append(a)

    # --- ending -----------------------------------------------------------------------

    def _scored(self) -> list[dict]:
        return [a for a in self.attempts if not a["practice"]]

    def _good(self) -> list[dict]:
        return [a for a in self._scored() if a["void"] is None]

    @property
    def done(self) -> bool:
        return self._stopped or len(self._good()) >= self.trials or \
            len(self._scored()) >= self.trials + REPEATS

    def stop(self, t_s: float, reason: str = "stopped") -> list[Event]:
        if self._stopped:
            return []
        self._stopped, self.current = True, None
        return [Event(t_s, "test_end", {"reason": reason})]

    # --- reporting --------------------------------------------------------------------

    def _status(self, frame, good, out) -> Status:
        n = len(self.attempts) + (self.current is not None)
        a = self.current
        if self.done:
            phase, text = "done", "Done: lower your arm and rest."
        elif not good:
            phase, text = "paused", MESSAGES.get(self.body.view_state, "Stand still in view.")
        elif a is not None:
            phase, text = "running", ("Practice: reach" if a["practice"] else "Reach") + \
                " forward as far as you can. Do not step, keep your heels down."
        else:
            phase, text = "waiting", self._wait_text()
        best = a["best"] if a is not None and np.isfinite(a["best"]) else None
        return Status(phase=phase, instruction=text, trial=n, side=a["side"] if a else None,
                      elapsed_s=frame.t_s - a["start_s"] if a else 0.0, events=out,
                      metrics={"reach_cm": round(best, 1)} if best is not None else {})

    def _wait_text(self) -> str:
        last = self.attempts[-1] if self.attempts else None
        if not self._lowered:
            return "Lower your arm and rest a moment."
        text = ("Stand side-on to the camera, feet apart. Make a fist and raise the arm "
                "nearest the camera to shoulder height. Hold it still.")
        if last is not None and last["void"]:
            return f"That one did not count ({VOID_TEXT[last['void']]}). Stand as before. " + text
        return text

    def result(self) -> ProtocolResult:
        trials = [TrialResult(
            trial=a["attempt"], side=a["side"], stance="practice" if a["practice"] else "trial",
            end_reason=a["void"] or "completed", start_s=round(a["start_s"], 3),
            end_s=round(a["end_s"], 3), reach_cm=a["reach_cm"], practice=a["practice"],
            end_text=(f"voided: {VOID_TEXT[a['void']]}" if a["void"]
                      else f"reach {a['reach_cm']:.1f} cm"))
            for a in self.attempts]
        return ProtocolResult(self.name, trials, self._summary())

    def _summary(self) -> FunctionalReachSummary:
        good = [a["reach_cm"] for a in self._good()][:self.trials]
        done = len(good) == self.trials
        best = max(good) if done else None
        starts = [a["start"] for a in self.attempts]
        return FunctionalReachSummary(
            reach_cm=best, mean_cm=round(float(np.mean(good)), 1) if done else None,
            trials_cm=good, completed=done,
            voided=sum(a["void"] is not None for a in self.attempts),
            practice=self.practice, trials=self.trials, scoring=norms.REACH_SCORING,
            fall_risk=norms.reach_risk(best) if done else None,
            norms=[c.to_dict() for c in norms.compare_reach(best, age=self.profile.age,
                                                             sex=self.profile.sex)]
            if done else [],
            arm=starts[-1].side if starts else None,
            view_deg=round(float(np.median([s.angle_deg for s in starts])), 1) if starts else None,
            method=METHOD, scale=self.body.scale_note, fps=self.fps)
