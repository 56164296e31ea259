"""A recorded session played as if it were live: landmarks at their own pace, no pose step.

``balance demo`` uses it to open the window with no camera; the window cannot tell the
difference, except that there is no picture (it draws the skeleton on a dark canvas).
"""

from __future__ import annotations

import time
from pathlib import Path

from balance.errors import InputError
from balance.session.engine import Captured
from balance.storage.session import Session, read_session


class ReplayFeed:
    """A feed of `Captured` items carrying a session's landmarks (``frame`` is None)."""

    live = False

    def __init__(self, session: Session | str | Path):
        if not isinstance(session, Session):
            session = read_session(session)
        if len(session) == 0:
            raise InputError(f"{session.path} holds no frames to replay")
        self.session = session
        self.fps = session.fps or _fps_from_times(session.t)
        w, h = session.image_size
        if w <= 0 or h <= 0:
            raise InputError(f"{session.path} does not say its image size, so its landmarks "
                             "cannot be drawn")
        self.size = (w, h)
        self.description = f"replay of {Path(session.path).name}"
        self._next = 0

    def __len__(self) -> int:
        return len(self.session)

    def next(self) -> Captured | None:
        i = self._next
        if i >= len(self.session):
            return None
        self._next += 1
        s = self.session
        return Captured(i, float(s.t[i]), time.perf_counter(),
                        pose=(s.image[i], s.world[i], bool(s.detected[i])))

    def close(self) -> None:
        pass


def _fps_from_times(t) -> float:
    if len(t) < 2 or t[-1] <= t[0]:
        return 30.0
    return (len(t) - 1) / float(t[-1] - t[0])
