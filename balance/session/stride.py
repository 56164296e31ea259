"""Degrading on purpose: every second frame at a steady rate when the machine is too slow.

A pose or processing thread that cannot finish a frame within the camera's frame interval
drops frames wherever its one-slot queue happens to overflow: a protocol then sees an
uneven stream at an unknown rate. ``FrameStride`` watches how long each frame took (the
slower of pose inference and scoring, which overlap) against the interval and, when the
mean over the last ``window`` frames passes ``slow`` x the interval, has the capture
thread pass on only every second frame: a steady half rate the protocol can be built for
(its ``fps`` halved).
It goes back to every frame once the mean falls under ``fast`` x the interval (at half rate
a frame has two intervals, so the gap between the two thresholds keeps it from flapping).

While a test records the stride is locked (``lock``): the protocol's filters and
durations were made for one rate. ``unlock`` at the recording's end lets it adapt again.
"""

from __future__ import annotations

import threading
from collections import deque

# Thresholds as fractions of the frame interval, and the frames a decision looks at
# (1 s at 30 fps; 2 s at half rate). Measured on 2 shared cores (README, bench_live):
# pose 15-21 ms a frame (median) at a 33 ms interval keeps up at 29-30 fps even under a
# load of 5; above ~30 ms a frame the one slot overflows at random. At half rate the
# machine is less busy and frames come out a little faster than they would at full rate,
# so the way back asks for a margin (0.7), not for a much faster machine.
SLOW, FAST, WINDOW = 0.9, 0.7, 30


class FrameStride:
    """Whether to process every frame (``n`` 1) or every second one (``n`` 2).

    ``observe(busy_ms)`` is called by the processing thread after each frame, ``take(index)``
    by the capture thread for each frame read, ``lock``/``unlock`` around a test.
    """

    def __init__(self, fps: float, *, slow: float = SLOW, fast: float = FAST,
                 window: int = WINDOW, enabled: bool = True):
        self.interval_ms = 1000.0 / fps
        self.slow, self.fast, self.enabled = slow, fast, enabled
        self.n = 1  # read without the lock by the capture thread: an int is atomic
        self.switches = 0
        self._busy: deque = deque(maxlen=window)
        self._locked = False
        self._lock = threading.Lock()

    def take(self, index: int) -> bool:
        """Whether the frame numbered ``index`` is processed (every ``n``-th is)."""
        return index % self.n == 0

    def observe(self, busy_ms: float) -> None:
        """One processed frame took ``busy_ms``; switches the stride if the rule says so."""
        with self._lock:
            if not self.enabled or self._locked:
                return
            self._busy.append(busy_ms)
            if len(self._busy) < self._busy.maxlen:
                return  # a full window of frames at the current stride decides
            mean = sum(self._busy) / len(self._busy)
            if self.n == 1 and mean > self.slow * self.interval_ms:
                self._switch(2)
            elif self.n == 2 and mean < self.fast * self.interval_ms:
                self._switch(1)

    def _switch(self, n: int) -> None:
        self.n, self.switches = n, self.switches + 1
        self._busy.clear()

    def lock(self) -> int:
        """Freeze the stride for a test; returns it (the protocol's rate is fps / it)."""
        with self._lock:
            self._locked = True
            return self.n

    def unlock(self) -> None:
        with self._lock:
            self._locked = False
            self._busy.clear()  # frames timed during the test said nothing about switching
