"""A one-line progress bar on stderr, redrawn at most a few times a second."""

import sys
import time


class ProgressBar:
    def __init__(self, total: int | None, label: str, *, enabled: bool = True):
        self.total, self.label, self.enabled = total, label, enabled
        self._last = 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if not self.enabled or now - self._last < 0.2:
            return
        self._last = now
        if self.total:
            frac = min(done / self.total, 1.0)
            bar = "#" * int(30 * frac)
            text = f"{self.label} [{bar:<30}] {done}/{self.total} frames"
        else:
            text = f"{self.label} {done} frames"
        print(f"\r{text}", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.enabled and self._last:
            print(file=sys.stderr, flush=True)
