"""The landmark CSV: one row per frame, for spreadsheets and for re-scoring.

Header ``frame,t_s,detected,x0,y0,z0,v0,...,x32,y32,z32,v32``: image landmarks (x, y
normalised to the image, z, visibility), written ``nan`` when no person was found (empty
cells read as NaN too).
"""

import csv
import io
import time
from pathlib import Path

import numpy as np

from balance.errors import InputError
from balance.pose.landmarks import N_LANDMARKS
from balance.storage.files import atomic_open, close_synced, create_new, write_all

HEADER = ["frame", "t_s", "detected"] + [
    f"{c}{i}" for i in range(N_LANDMARKS) for c in ("x", "y", "z", "v")
]


def write_landmark_csv(path: str | Path, t: np.ndarray, image: np.ndarray,
                       detected: np.ndarray, *, overwrite: bool = False) -> None:
    """Write ``t`` (n,) s, ``image`` (n, 33, 4) and ``detected`` (n,) to ``path``.

    Whole or absent, owner-only (``balance.storage.files``); an existing ``path`` is kept
    (InputError) unless ``overwrite``.
    """
    flat = image.reshape(len(t), -1)
    with atomic_open(path, "w", overwrite=overwrite, newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i, (ti, det, row) in enumerate(zip(t, detected, flat)):
            out.writerow([i, f"{ti:.6f}", int(bool(det))] + [f"{v:.6g}" for v in row])


class LandmarkCsvWriter:
    """The CSV written as frames arrive (``analyze --csv``), so a crash keeps every frame
    flushed so far: created owner-only and exclusively (an existing file is never
    replaced), handed to the OS every ``flush_s`` seconds; a row cut off by a kill is
    dropped when the file is read back."""

    def __init__(self, path: str | Path, *, flush_s: float = 0.5):
        self.path, self.flush_s = Path(path), flush_s
        self._fd = create_new(self.path)
        self._buf, self.rows = io.StringIO(), 0
        self._out = csv.writer(self._buf)
        self._out.writerow(HEADER)
        self._last = time.monotonic()

    def write(self, t_s: float, image: np.ndarray, detected: bool) -> None:
        """One frame: ``image`` (33, 4) image landmarks (NaN when no person)."""
        self._out.writerow([self.rows, f"{t_s:.6f}", int(bool(detected))]
                           + [f"{v:.6g}" for v in np.asarray(image).ravel()])
        self.rows += 1
        if time.monotonic() - self._last >= self.flush_s:
            self.flush()

    def flush(self) -> None:
        data = self._buf.getvalue().encode()
        self._buf.seek(0)
        self._buf.truncate()
        self._last = time.monotonic()
        if data:
            write_all(self._fd, data, self.path)

    def close(self) -> None:
        if self._fd is None:
            return
        try:
            self.flush()
        finally:
            fd, self._fd = self._fd, None
            close_synced(fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read_landmark_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read a landmark CSV back as (t (n,), image (n, 33, 4) float32, detected (n,) bool)."""
    path = Path(path)
    try:
        with open(path, newline="") as fh:
            text = fh.read()
        rows = list(csv.reader(io.StringIO(text)))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path} cannot be read as a landmark CSV: {exc}") from None
    if not rows or rows[0] != HEADER:
        raise InputError(f"{path} is not a landmark CSV (header must start "
                         f"'frame,t_s,detected,x0,y0,z0,v0')")
    if len(rows) > 1 and not text.endswith("\n"):
        rows = rows[:-1]  # the last row was cut off (a killed writer), maybe mid-number
    try:
        data = np.array([[float(v) if v != "" else np.nan for v in r] for r in rows[1:]],
                        dtype=np.float64).reshape(-1, len(HEADER))
    except ValueError:
        raise InputError(f"{path}: a row has a non-numeric value or the wrong length") from None
    if data.shape[0] == 0:
        raise InputError(f"{path} has no frames")
    image = data[:, 3:].reshape(-1, N_LANDMARKS, 4).astype(np.float32)
    return data[:, 1], image, data[:, 2] > 0
