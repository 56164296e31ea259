"""The order of a session, Qt-free: checklist -> camera set-up -> test -> result and rest.

The window asks this object what is allowed (may a test start now?) and tells it what
happened; the rules live here, where a test can check them without a screen.
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
    """

    def __init__(self, *, checklist: bool = True, setup: bool = True, rest_s: float = 30.0):
        self.need_setup, self.rest_s = setup, rest_s
        self.state = CHECKLIST if checklist else (SETUP if setup else READY)
        self.rest_until = 0.0
        self.last_reason: str | None = None

    def checklist_done(self) -> None:
        if self.state == CHECKLIST:
            self.state = SETUP if self.need_setup else READY

    def camera(self, ready: bool) -> None:
        """The set-up assistant's verdict on the latest frames."""
        if self.state == SETUP and (ready or not self.need_setup):
            self.state = READY
        elif self.state == READY and self.need_setup and not ready:
            self.state = SETUP

    def can_start(self, now: float) -> bool:
        self.tick(now)
        return self.state == READY

    def start(self, now: float) -> bool:
        if not self.can_start(now):
            return False
        self.state = TESTING
        return True

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
        return max(0.0, self.rest_until - now) if self.state == REST else 0.0
