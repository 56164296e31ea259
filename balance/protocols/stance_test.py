"""The frame loop shared by tests that wait for a stance, then run a timed trial (BESS,
Romberg): events found while waiting are kept so a trial dated back can use them."""

from collections import deque

from balance.protocols.base import Frame, Protocol, Status
from balance.protocols.view import GOOD


class StanceTest(Protocol):
    """Subclasses set ``self.body`` (a BodyTracker) and ``self.current`` (the running
    trial or None), and define ``_wait``, ``_run`` and ``_status``."""

    def __init__(self, profile, *, image_size, fps):
        super().__init__(profile, image_size=image_size, fps=fps)
        self._recent = deque(maxlen=int(3 * fps) + 1)  # frames for back-filling a start
        self._found = deque(maxlen=64)  # recent core events: those dated into a new trial

    def update(self, frame: Frame) -> Status:
        found = self.body.push(frame)
        out = []
        good = self.body.view_state == GOOD
        if good:
            self._recent.append(frame)
        if self.current is None:
            self._found += found
        if not self.done and self.body.px_per_cm:
            step = self._wait if self.current is None else self._run
            step(frame, good, found, out)
        return self._status(frame, good, out)
