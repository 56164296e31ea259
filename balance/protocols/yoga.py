"""Yoga balance poses: recognise the pose, cue its form, time only good-form holds.

Recognition, cues and the hold clock are ``balance.yoga``'s; this protocol adds what
every test has: the view check, sway of the centre of mass during each hold, events in
the session and a result. Holds shorter than ``min_hold_s`` of good form are dropped.
"""

import copy

import numpy as np

from balance.protocols.base import Frame, Protocol, Status
from balance.protocols.results import ProtocolResult, TrialResult, YogaSummary
from balance.protocols.tracking import BodyTracker
from balance.protocols.trial import LiveSway, sway_of, sway_score
from balance.protocols.view import GOOD, MESSAGES
from balance.events import Event
from balance.yoga import UNKNOWN, CueLimiter, YogaHold

POSE_WORDS = {"standing_big_toe": "standing big toe", "half_moon": "half moon",
              "standing_split": "standing split", "warrior_1": "warrior I",
              "warrior_2": "warrior II", "warrior_3": "warrior III"}


def pose_words(pose: str) -> str:
    return POSE_WORDS.get(pose, pose)


class YogaPoses(Protocol):
    """Options: ``pose`` (count only this pose; None counts any), ``min_hold_s``."""

    name = "yoga"
    title = "Yoga balance poses"

    def __init__(self, profile, *, image_size, fps, pose: str | None = None,
                 min_hold_s: float = 1.0):
        super().__init__(profile, image_size=image_size, fps=fps)
        self.target, self.min_hold_s = pose, float(min_hold_s)
        self.body = BodyTracker(image_size, fps, profile.height_cm, events=False)
        self.hold = YogaHold(target=pose)
        self.cues = CueLimiter()
        self.live = LiveSway(fps)
        self._rows: list[tuple[float, float, float, bool]] = []  # t, h, v, counting
        self._pose = (UNKNOWN, None)
        self._stopped = False
        self._last_t = 0.0

    @property
    def done(self) -> bool:
        return self._stopped

    def update(self, frame: Frame) -> Status:
        self._last_t = frame.t_s
        self.body.push(frame)
        good = self.body.view_state == GOOD
        image = frame.image if good else np.full_like(frame.image, np.nan)
        state = self.hold.update(frame.t_s, image)
        out = []
        if (state.pose, state.side) != self._pose:
            self._pose = (state.pose, state.side)
            self.live.reset()
            self.cues.reset()
            out.append(Event(frame.t_s, "pose", {"pose": state.pose, "side": state.side}))
        cue = self.cues.update(frame.t_s, state.cues)
        if self.cues.changed:
            out.append(Event(frame.t_s, "cue", {"text": cue, "pose": state.pose}))
        h, v = self.body.com_cm(frame) if good else (np.nan, np.nan)
        self._rows.append((frame.t_s, h, v, state.counting))
        if state.counting:
            self.live.push(h)
        return self._status(state, cue, good, out)

    def _status(self, state, cue, good, out) -> Status:
        st = Status(events=out, side=state.side, elapsed_s=state.hold_s, cue=cue)
        if not good:
            st.phase, st.instruction = "paused", MESSAGES[self.body.view_state]
        elif state.pose == UNKNOWN:
            want = pose_words(self.target) if self.target else "a balance pose"
            st.phase, st.instruction = "waiting", f"Move into {want} when you are ready."
        else:
            st.phase = "running" if state.counting else "waiting"
            words = pose_words(state.pose) + (f", {state.side} leg" if state.side else "")
            st.instruction = f"{words}: hold it." if state.counting else f"{words}: adjust."
        self.live.show(st)
        return st

    def stop(self, t_s: float, reason: str = "stopped") -> list[Event]:
        self._stopped = True
        return []

    def result(self) -> ProtocolResult:
        # On a copy: asking for the result mid-stream (the window does at every pose
        # change) must not close the hold that is running.
        holds = [h for h in copy.deepcopy(self.hold).finish() if h.duration_s >= self.min_hold_s]
        rows = np.array(self._rows, dtype=float).reshape(-1, 4)
        trials = [self._trial(i + 1, h, rows) for i, h in enumerate(holds)]
        best = {}
        for t in trials:
            key = f"{t.pose}:{t.side or '-'}"
            best[key] = max(best.get(key, 0.0), t.hold_time_s)
        transitions = [{"t_s": round(b.start_s, 3), "from": a.pose, "to": b.pose,
                        "gap_s": round(b.start_s - a.end_s, 3)}
                       for a, b in zip(holds[:-1], holds[1:])]
        return ProtocolResult(self.name, trials, YogaSummary(
            poses_held=list(dict.fromkeys(t.pose for t in trials)), best_hold_s=best,
            transitions=transitions, target=self.target, scale=self.body.scale_note))

    def _trial(self, number, hold, rows) -> TrialResult:
        inside = (rows[:, 0] >= hold.start_s) & (rows[:, 0] <= hold.end_s) & (rows[:, 3] > 0)
        metrics = sway_of(np.where(inside[:, None], rows[:, 1:3], np.nan), self.fps)
        score = sway_score(metrics)
        return TrialResult(trial=number, pose=hold.pose, side=hold.side,
                           start_s=round(hold.start_s, 3), end_s=round(hold.end_s, 3),
                           hold_time_s=round(hold.duration_s, 3), end_reason="pose_ended",
                           metrics=metrics, errors=[],
                           score=None if score is None else round(score, 1))
