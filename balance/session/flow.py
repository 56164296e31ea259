"""The order of a session, Qt-free: checklist -> camera set-up -> test -> result and rest.

The window asks this object what is allowed (may a test start now?) and what to say about
waiting (a rest, a source that has ended), and tells it what happened; the rules live
here, where a test can check them without a screen, and the button and the text beside
it read the same numbers.
"""

from __future__ import annotations

CHECKLIST, SETUP, READY, TESTING, REST = "checklist", "setup", "ready", "testing", "rest"


class Flow:
    """State of one sitting in front of the window.

    Parameters
    ----------
    checklist : whether the safety checklist must be confirmed first (not for a replay:
        nobody is balancing).
    setup : whether the camera set-up must pass before a test may start.
    rest_s : rest enforced after a test before the next may start, s.
    trial_rest_s : rest advised between the trials of one test, s.
    """

    def __init__(self, *, checklist: bool = True, setup: bool = True, rest_s: float = 30.0,
                 trial_rest_s: float = 20.0):
        self.need_setup, self.rest_s, self.trial_rest_s = setup, rest_s, trial_rest_s
        self.state = CHECKLIST if checklist else (SETUP if setup else READY)
        self.rest_until = 0.0
        self.last_reason: str | None = None
        self.source_end: str | None = None  # why the feed stopped, until a new one opens

    def checklist_done(self) -> None:
        if self.state == CHECKLIST:
            self.state = SETUP if self.need_setup else READY

    def camera(self, ready: bool) -> None:
        """The set-up assistant's verdict on the latest frames."""
        if self.state == SETUP and (ready or not self.need_setup):
            self.state = READY
        elif self.state == READY and self.need_setup and not ready:
            self.state = SETUP

    def new_source(self) -> None:
        """A feed was opened: pictures again, and the view must be checked again."""
        self.source_end = None
        self.camera(False)

    def source_ended(self, reason: str) -> None:
        """The feed ran out or the camera went: nothing can start until another opens."""
        self.source_end = reason

    def can_start(self, now: float) -> bool:
        self.tick(now)
        return self.state == READY and self.source_end is None

    def start(self, now: float) -> bool:
        if not self.can_start(now):
            return False
        self.state = TESTING
        self.rest_until = 0.0
        return True

    def trial_ended(self, now: float) -> None:
        """One trial of a test ended: a rest is advised before the protocol's next."""
        if self.state == TESTING:
            self.rest_until = now + self.trial_rest_s

    def trial_started(self) -> None:
        if self.state == TESTING:
            self.rest_until = 0.0

    def ended(self, reason: str, now: float) -> None:
        """A test ended (done, stopped, discomfort, camera lost): rest before the next."""
        self.last_reason = reason
        if self.state == CHECKLIST:
            return
        self.rest_until = now + self.rest_s
        self.state = REST

    def tick(self, now: float) -> None:
        if self.state == REST and now >= self.rest_until:
            self.state = SETUP if self.need_setup else READY

    def rest_left(self, now: float) -> float:
        """Seconds of rest left: enforced after a test, advised between its trials."""
        self.tick(now)
        if self.state in (REST, TESTING):
            return max(0.0, self.rest_until - now)
        return 0.0
