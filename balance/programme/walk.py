"""Walking through a plan, Qt-free: which item now, what runs it, what it achieved.

Every runnable item becomes a protocol, so the window's existing runner (the engine's
processing thread) runs them all the same way: measured items with their level's
protocol, timed items (marching, stretches) with ``Countdown``. Items with neither (the
foot check) wait for the person to confirm.
"""

from dataclasses import dataclass, field
from datetime import date

from balance.programme.measure import outcome
from balance.programme.plan import Plan, PlanItem
from balance.programme.progression import Outcome
from balance.protocols import create
from balance.protocols.base import Frame, Protocol, Status
from balance.events import Event


class Countdown(Protocol):
    """A hold timer fed by frames: done after ``seconds`` of frame time (s)."""

    name, title = "timer", "Timer"

    def __init__(self, profile, *, image_size, fps, seconds: float, instruction: str = ""):
        super().__init__(profile, image_size=image_size, fps=fps)
        self.seconds, self.instruction = float(seconds), instruction
        self._t0: float | None = None
        self._elapsed = 0.0
        self._stopped = False

    def update(self, frame: Frame) -> Status:
        if self._t0 is None:
            self._t0 = frame.t_s
        if not self.done:
            self._elapsed = min(self.seconds, frame.t_s - self._t0)
        return Status(phase="done" if self.done else "running", instruction=self.instruction,
                      elapsed_s=self._elapsed,
                      remaining_s=max(0.0, self.seconds - self._elapsed))

    def stop(self, t_s: float, reason: str = "stopped") -> list[Event]:
        self._stopped = True
        return []

    @property
    def done(self) -> bool:
        return self._stopped or self._elapsed >= self.seconds - 1e-9

    def result(self) -> dict:
        return {"protocol": self.name, "trials": [],
                "summary": {"seconds": self.seconds, "elapsed_s": round(self._elapsed, 3)}}


@dataclass
class Done:
    item: PlanItem
    done: bool
    result: dict | None = None
    discomfort: bool = False


@dataclass
class PlanWalk:
    """The state of one walk through ``plan``. ``seconds_scale`` shortens timed items
    (a demo or test; 1.0 for real use)."""

    plan: Plan
    seconds_scale: float = 1.0
    index: int = 0
    log: list[Done] = field(default_factory=list)
    stopped: bool = False

    @property
    def finished(self) -> bool:
        return self.stopped or self.index >= len(self.plan.items)

    @property
    def current(self) -> PlanItem | None:
        return None if self.finished else self.plan.items[self.index]

    def needs_confirm(self) -> bool:
        item = self.current
        return item is not None and item.protocol is None and item.seconds is None

    def protocol(self, profile, *, image_size, fps, **declared) -> Protocol | None:
        """The protocol that runs the current item (None: a confirm-only item); ``declared``
        adds options told at its set-up (a TUG's walking aid)."""
        item = self.current
        if item is None or self.needs_confirm():
            return None
        if item.protocol is None:
            return Countdown(profile, image_size=image_size, fps=fps,
                             seconds=item.seconds * self.seconds_scale, instruction=item.what)
        return create(item.protocol, profile, image_size=image_size, fps=fps,
                      **{**item.options, **declared})

    def finish(self, result: dict | None = None, *, discomfort: bool = False) -> None:
        """The current item ended (or was confirmed). Discomfort ends the walk: stop on
        pain; the rest of the plan is not done."""
        if self.finished:
            return
        self.log.append(Done(self.current, True, result, discomfort))
        self.index += 1
        if discomfort:
            self.stop()

    def skip(self) -> None:
        if not self.finished:
            self.log.append(Done(self.current, False))
            self.index += 1

    def stop(self) -> None:
        """End the walk; the items left are logged as not done."""
        while not self.finished:
            self.skip()
        self.stopped = True

    def outcomes(self, day: date | None = None) -> list[Outcome]:
        """Measured items' outcomes for the progression rules."""
        day = day or self.plan.day
        return [outcome(d.item, d.result if d.done else None, day, discomfort=d.discomfort)
                for d in self.log if d.item.ladder]

    def done_items(self) -> list[tuple[str, bool]]:
        """Plain (unmeasured) items, done or not, for the adherence log."""
        return [(d.item.key, d.done) for d in self.log if not d.item.ladder]

    def save(self, history, person: str) -> list:
        """Log this walk in the history; returns the rule decisions."""
        from balance.programme.store import log_outcomes
        return log_outcomes(history, person, self.outcomes(), done_items=self.done_items(),
                            day=self.plan.day)
