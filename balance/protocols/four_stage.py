"""CDC STEADI 4-Stage Balance Test: four stances of narrowing base, 10 s each.

Side by side, semi-tandem, tandem, one foot. The protocol recognises each stance from the
feet, starts the 10 s clock once the stance has been held for ``SETTLE_S`` (back-dated to
when it was reached), advances by itself, and stops at the first stage not held. Arms and
body may move; the feet may not. Not holding tandem for 10 s flags increased fall risk.
"""

from balance.core import events as ev
from balance.protocols import feet
from balance.clinical import norms
from balance.protocols.base import Frame, Protocol, Status
from balance.protocols.results import FourStageSummary, ProtocolResult
from balance.protocols.tracking import BodyTracker
from balance.protocols.trial import Trial
from balance.protocols.view import GOOD, MESSAGES
from balance.events import Event

STAGES = (
    (feet.SIDE_BY_SIDE, "Stand with your feet side by side."),
    (feet.SEMI_TANDEM, "Move one foot forward so its instep touches the big toe of the other."),
    (feet.TANDEM, "Place one foot in front of the other, heel touching toe."),
    ("single_leg", "Stand on one foot."),
)
SETTLE_S = 0.5      # a stance must be seen this long before its clock starts
BROKEN_S = 0.4      # and lost this long before it counts as the feet having moved
BROKEN = ("feet_moved", "touchdown", "loss_of_balance")  # the ends that are the body's


class FourStage(Protocol):
    name = "four-stage"
    title = "4-Stage Balance Test (CDC STEADI)"

    def __init__(self, profile, *, image_size, fps, hold_s: float = norms.FOUR_STAGE_HOLD_S):
        super().__init__(profile, image_size=image_size, fps=fps)
        self.hold_s = float(hold_s)
        self.body = BodyTracker(image_size, fps, profile.height_cm)
        self.stage = 0
        self.trials: list[Trial] = []
        self.current: Trial | None = None
        self._seen_since: float | None = None
        self._off_since: float | None = None
        self._failed = self._stopped = False

    @property
    def done(self) -> bool:
        return self._stopped or self._failed or self.stage >= len(STAGES)

    def update(self, frame: Frame) -> Status:
        found = self.body.push(frame)
        out: list[Event] = []
        good = self.body.view_state == GOOD
        if not self.done and self.body.px_per_cm:
            if self.current is None:
                self._wait(frame, good, found, out)
            else:
                self._hold(frame, good, found, out)
        return self._status(frame, good, out)

    def _in_stance(self, frame: Frame) -> bool:
        want = STAGES[self.stage][0]
        if want == "single_leg":
            return False  # started by a lift event instead
        kind, _, _ = feet.placement(frame.image, frame.world, self.image_size[0],
                                    self.body.px_per_cm, self.body.height_cm)
        return kind == want

    def _wait(self, frame, good, found, out):
        if STAGES[self.stage][0] == "single_leg":
            lift = next((e for e in found if e.kind == ev.FOOT_LIFT), None)
            if lift is not None:
                self._begin(lift.t_s, lift.frame, out, side=_other(lift.side),
                            raised=lift.side)
            return
        if good and self._in_stance(frame):
            self._seen_since = frame.t_s if self._seen_since is None else self._seen_since
            if frame.t_s - self._seen_since >= SETTLE_S:
                self._begin(self._seen_since, frame.index, out)
        else:
            self._seen_since = None

    def _begin(self, t_s, index, out, side=None, raised=None):
        stance = STAGES[self.stage][0]
        self.current = Trial(self.stage + 1, side, stance, t_s, index, target_s=self.hold_s,
                             extra={"raised_foot": raised} if raised else {})
        self._off_since = None
        if raised is None:
            self.body.set_epoch(index)  # the feet are placed: detect from here on
        else:  # the frames and views since the lift, before its event came (up to a second)
            self.current.replay_view(self.body.bad_views(t_s))
            for f in self.body.seen_frames():
                if f.index >= index:
                    self._sample(f)
        out.append(Event(t_s, "stage_start", {"stage": self.stage + 1, "stance": stance}))

    def _hold(self, frame, good, found, out):
        trial = self.current
        lost = trial.watch_view(frame.t_s, good)
        if lost is not None:
            self._end(lost, "view_lost", out)
        if not good:
            return
        self._sample(frame)
        broken = self._broken(frame, found, trial)
        if broken is not None:
            self._end(broken[0], broken[1], out)
        elif trial.elapsed(frame.t_s) >= self.hold_s:
            self._end(trial.start_t + trial.paused_s + self.hold_s, "held", out)

    def _sample(self, frame: Frame) -> None:
        h, v = self.body.com_cm(frame)
        self.body.sample(self.current, frame, h, v)

    def _broken(self, frame, found, trial):
        """(time, reason) when the feet left the stance, else None."""
        for e in found:
            if e.frame < trial.start_frame:
                continue
            if e.kind == ev.STANCE_FOOT_MOVED:
                return e.t_s, "feet_moved"
            if e.kind == ev.TOUCHDOWN and e.side == trial.extra.get("raised_foot"):
                return e.t_s, "touchdown"
            if e.kind == ev.LOSS_OF_BALANCE:
                return e.t_s, "loss_of_balance"
        if trial.stance == "single_leg":
            return None
        if self._in_stance(frame):
            self._off_since = None
            return None
        self._off_since = frame.t_s if self._off_since is None else self._off_since
        if frame.t_s - self._off_since >= BROKEN_S:
            return self._off_since, "feet_moved"
        return None

    def _end(self, t_s, reason, out):
        trial = self.current
        trial.end(t_s, 1 << 62, reason)
        self.trials.append(trial)
        self.current = None
        self._seen_since = None
        out.append(Event(trial.end_t, "stage_end", {"stage": trial.number, "reason": reason,
                                                    "hold_time_s": round(trial.hold_time_s(), 3)}))
        if reason == "held":
            self.stage += 1
            self.body.set_epoch(self.body.last_index + 1)
        else:
            self._failed = True

    def stop(self, t_s: float, reason: str = "stopped") -> list[Event]:
        out = []
        if self.current is not None:
            self._end(t_s, reason, out)
        self._stopped = True
        return out

    def _status(self, frame, good, out) -> Status:
        st = Status(events=out, trial=min(self.stage + 1, len(STAGES)))
        if self.current is not None:
            st.phase = "running" if good else "paused"
            st.elapsed_s = self.current.elapsed(frame.t_s)
            st.remaining_s = max(0.0, self.hold_s - st.elapsed_s)
            st.side = self.current.side
            st.instruction = "Hold still. Arms may move; feet may not." if good else \
                MESSAGES[self.body.view_state]
        elif self.done:
            st.phase, st.instruction = "done", "Test finished. Check both feet for blisters."
        else:
            st.phase = "waiting" if good else "paused"
            st.instruction = STAGES[self.stage][1] if good else MESSAGES[self.body.view_state]
        return st

    def result(self) -> ProtocolResult:
        trials = [t.result(self.fps, self.body.camera_view(t)) for t in self.trials]
        for t in trials:
            t.held = t.end_reason == "held"
        held = [t.stance for t in trials if t.held]
        tandem, _ = tandem_held(trials)
        return ProtocolResult(self.name, trials, FourStageSummary(
            stages_held=len(held), last_stance_held=held[-1] if held else None,
            fall_risk=None if tandem is None else not tandem,
            fall_risk_rule=f"tandem stance not held {self.hold_s:g} s ({norms.CDC_STEADI.key})",
            source=norms.CDC_STEADI.citation, scale=self.body.scale_note))


def tandem_held(trials) -> tuple[bool | None, float | None]:
    """(held, seconds held) of the tandem stance in ``trials`` (``TrialResult``s): held its
    time, or broken by the feet (or an earlier stage broken, where the test stops: not
    held); (None, s) when it was stopped, cut off or lost from view before either, or
    nobody was seen: not judged, so no fall-risk verdict either way."""
    t = next((t for t in trials if t.stance == feet.TANDEM), None)
    if t is not None:
        judged = t.held or t.end_reason in BROKEN
        return (bool(t.held) if judged else None), t.hold_time_s
    if any(not t.held and t.end_reason in BROKEN for t in trials):
        return False, None
    return None, None


def _other(side: str) -> str:
    return "left" if side == "right" else "right"
