"""A recorded session as a frame source: its landmarks at their own times, no pose step.

``balance demo`` uses it to open the window with no camera; the window cannot tell the
difference, except that there is no picture (it draws the skeleton on a dark canvas).
Importing this module registers the kind, so `balance.capture.open_source` opens
``.balance`` files.
"""

from __future__ import annotations

from pathlib import Path

from balance.capture.sources import FrameSource, Landmarks, SourceKind, register_kind
from balance.errors import InputError
from balance.storage.session import SUFFIX, Session, read_session


class SessionSource(FrameSource):
    """The frames of a session as `Landmarks` (``pictures`` False)."""

    pictures = False

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
        self.expected_frames = len(session)

    def __len__(self) -> int:
        return len(self.session)

    def read(self):
        i, s = self.frames_read, self.session
        if i >= len(s):
            return None, float(s.t[-1])
        self.frames_read += 1
        return Landmarks(s.image[i], s.world[i], bool(s.detected[i])), float(s.t[i])


def _fps_from_times(t) -> float:
    if len(t) < 2 or t[-1] <= t[0]:
        return 30.0
    return (len(t) - 1) / float(t[-1] - t[0])


register_kind(SourceKind("session", lambda spec: spec.endswith(SUFFIX),
                         lambda spec, fps: SessionSource(spec)), before="video")
