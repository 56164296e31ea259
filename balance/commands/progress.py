"""A one-line progress bar on stderr, redrawn at most a few times a second."""

import sys
import time


class ProgressBar:
    """``done`` of ``total`` ``unit`` (frames, files), and a ``note`` after them."""

    def __init__(self, total: int | None, label: str, *, enabled: bool = True,
                 unit: str = "frames"):
        self.total, self.label, self.enabled, self.unit = total, label, enabled, unit
        self._last = 0.0

    def update(self, done: int, note: str = "", *, force: bool = False) -> None:
        """Redraw, unless it was drawn under 0.2 s ago (``force``: draw anyway)."""
        now = time.monotonic()
        if not self.enabled or (now - self._last < 0.2 and not force):
            return
        self._last = now
        if self.total:
            frac = min(done / self.total, 1.0)
            bar = "#" * int(30 * frac)
            text = f"{self.label} [{bar:<30}] {done}/{self.total} {self.unit}"
        else:
            text = f"{self.label} {done} {self.unit}"
        print(f"\r{text}{note}", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.enabled and self._last:
            print(file=sys.stderr, flush=True)
