"""The per-frame body picture every protocol shares: view, scale, events, centre of mass.

Events come from the core's detector (``balance.core.detect_events``) run over the recent
frames a few times a second. The detector back-dates each event to the frame it happened
on, so a lift found 0.2 s late still starts the timer on the right frame; and because the
same cadence runs on a recorded session as on a live stream, both score alike.
"""

from collections import deque

import numpy as np

from balance.core import com as com_mod
from balance.core import events as ev
from balance.errors import InputError
from balance.protocols.base import Frame
from balance.protocols.view import GOOD, ViewCheck

DETECT_HZ = 5.0        # how often the event detector runs over the recent frames
WINDOW_S = 80.0        # how far back it looks: a 60 s hold plus the stance before it
DEFAULT_HEIGHT_CM = 170.0
SCALE_FRAMES = 15      # upright frames that fix the image scale


class BodyTracker:
    """Feeds frames to the view check and the event detector; reports new events once.

    Parameters
    ----------
    image_size : (width, height) in pixels.
    fps : nominal frame rate, Hz.
    height_cm : the person's height for the cm scale; None assumes 170 cm (and says so
        in ``scale_note``).
    events : False skips the event detector (a protocol that needs none saves its time).
    """

    def __init__(self, image_size, fps: float, height_cm: float | None = None, *,
                 events: bool = True):
        self.events = events
        self.image_size = tuple(image_size)
        self.fps = float(fps)
        self.height_cm = height_cm or DEFAULT_HEIGHT_CM
        self.scale_note = ("scaled by the person's height" if height_cm else
                           f"scaled by an assumed height of {DEFAULT_HEIGHT_CM:g} cm")
        self.view = ViewCheck()
        self.px_per_cm: float | None = None
        maxlen = int(WINDOW_S * self.fps) + 1
        self._t = deque(maxlen=maxlen)
        self._image = deque(maxlen=maxlen)
        self._index = deque(maxlen=maxlen)
        self._upright = []
        self._seen: list[ev.Event] = []
        self._every = max(1, int(round(self.fps / DETECT_HZ)))
        self.view_state = GOOD
        self.last_index = -1

    def push(self, frame: Frame) -> list[ev.Event]:
        """Add a frame; return the events first found on it (frame indices are global)."""
        self.view_state = self.view.update(frame.t_s, frame.image, frame.detected)
        self._t.append(frame.t_s)
        self._image.append(frame.image)
        self._index.append(frame.index)
        self.last_index = frame.index
        if self.px_per_cm is None and self.view_state == GOOD:
            self._learn_scale(frame.image)
        if (not self.events or self.px_per_cm is None or len(self._t) < 8
                or frame.index % self._every):
            return []
        return self._detect()

    def set_epoch(self, index: int) -> None:
        """Look only at frames from ``index`` on: the feet have been placed anew (a new
        stance, or the start of a rest), so floor levels learned before no longer hold
        and events before it are settled."""
        while self._index and self._index[0] < index:
            self._index.popleft()
            self._t.popleft()
            self._image.popleft()

    def flush(self) -> list[ev.Event]:
        """Run the detector once more over what is buffered (the end of a recording)."""
        return self._detect() if self.px_per_cm is not None and len(self._t) >= 8 else []

    def _learn_scale(self, image: np.ndarray) -> None:
        self._upright.append(image)
        if len(self._upright) >= SCALE_FRAMES:
            try:
                self.px_per_cm = com_mod.px_per_cm_from_height(
                    np.array(self._upright), self.image_size, self.height_cm)
            except InputError:
                self._upright.clear()

    def _detect(self) -> list[ev.Event]:
        t = np.fromiter(self._t, float)
        if (np.diff(t) <= 0).any():
            return []
        try:
            found = ev.detect_events(t, np.array(self._image), self.image_size,
                                     px_per_cm=self.px_per_cm)
        except InputError:
            return []
        offset = self._index[0]
        new = []
        for e in found:
            g = ev.Event(e.t_s, e.frame + offset, e.kind, e.side, e.payload)
            if not self._known(g):
                self._seen.append(g)
                new.append(g)
        return new

    def _known(self, e: ev.Event) -> bool:
        """The same event seen on an earlier pass (its frame may shift by a frame or two
        as the window moves)."""
        tol = max(2, int(0.1 * self.fps))
        return any(s.kind == e.kind and s.side == e.side and abs(s.frame - e.frame) <= tol
                   for s in self._seen[-50:])

    def com_cm(self, image: np.ndarray) -> tuple[float, float]:
        """This frame's CoM (horizontal, vertical) in cm from the image origin, or NaN."""
        if self.px_per_cm is None:
            return float("nan"), float("nan")
        xy, _ = com_mod.com_pixels(image[None], self.image_size)
        return float(xy[0, 0] / self.px_per_cm), float(-xy[0, 1] / self.px_per_cm)

    def foot_cm(self, image: np.ndarray, side: str) -> tuple[float, float]:
        """A foot's mean (horizontal, vertical) position in cm, as ``com_cm``."""
        if self.px_per_cm is None:
            return float("nan"), float("nan")
        xy, vis = com_mod.landmarks(image[None], self.image_size)
        base = com_mod.foot_base(xy, com_mod.usable_mask(vis), side)[0]
        return float(base[0] / self.px_per_cm), float(-base[1] / self.px_per_cm)
