"""The landmark CSV: one row per frame, for spreadsheets and for re-scoring.

Header ``frame,t_s,detected,x0,y0,z0,v0,...,x32,y32,z32,v32,image_width,image_height``:
image landmarks (x, y normalised to the image, z, visibility), written ``nan`` when no
person was found (empty cells read as NaN too), then the video's size in pixels on every
row. x and y are fractions of the width and the height, so scoring needs the size: a
wrong one changes every sway in cm (on a 16:9 picture taken as 4:3, by a third).

The reader takes the columns by name, so the per-frame export (``balance export
--frames``, the same landmark and size columns among others) scores too; a CSV written
before the size was stored reads with ``image_size`` None.
"""

import csv
import io
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

from balance.errors import InputError
from balance.pose.landmarks import N_LANDMARKS
from balance.storage.files import close_synced, create_new, write_all

LANDMARK_COLUMNS = [f"{c}{i}" for i in range(N_LANDMARKS) for c in ("x", "y", "z", "v")]
SIZE_COLUMNS = ["image_width", "image_height"]
HEADER = ["frame", "t_s", "detected"] + LANDMARK_COLUMNS + SIZE_COLUMNS


class LandmarkTable(NamedTuple):
    """A landmark CSV read back: ``t`` (n,) s, ``image`` (n, 33, 4) float32, ``detected``
    (n,) bool, ``image_size`` (width, height) px or None when the file does not say it."""

    t: np.ndarray
    image: np.ndarray
    detected: np.ndarray
    image_size: tuple[int, int] | None


class LandmarkCsvWriter:
    """The CSV written as frames arrive (``analyze --csv``), so a crash keeps every frame
    flushed so far: created owner-only and exclusively (an existing file is never
    replaced), handed to the OS every ``flush_s`` seconds; a row cut off by a kill is
    dropped when the file is read back."""

    def __init__(self, path: str | Path, *, image_size: tuple[int, int], flush_s: float = 0.5):
        self.path, self.flush_s = Path(path), flush_s
        self._size = [int(image_size[0]), int(image_size[1])]
        self._fd = create_new(self.path)
        self._buf, self.rows = io.StringIO(), 0
        self._out = csv.writer(self._buf)
        self._out.writerow(HEADER)
        self._last = time.monotonic()

    def write(self, t_s: float, image: np.ndarray, detected: bool) -> None:
        """One frame: ``image`` (33, 4) image landmarks (NaN when no person)."""
        self._out.writerow([self.rows, f"{t_s:.6f}", int(bool(detected))]
                           + [f"{v:.6g}" for v in np.asarray(image).ravel()] + self._size)
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


def read_landmark_csv(path: str | Path) -> LandmarkTable:
    """Read a landmark CSV (or a per-frame export) back; InputError when it is not one."""
    path = Path(path)
    try:
        with open(path, newline="") as fh:
            text = fh.read()
        rows = list(csv.reader(io.StringIO(text)))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path} cannot be read as a landmark CSV: {exc}") from None
    names = ["t_s", "detected"] + LANDMARK_COLUMNS
    where = {name: i for i, name in enumerate(rows[0])} if rows else {}
    if any(n not in where for n in names):
        raise InputError(f"{path} is not a landmark CSV (it needs the columns t_s, detected "
                         "and x0,y0,z0,v0 ... v32 of `analyze --csv` or `export --frames`)")
    if len(rows) > 1 and not text.endswith("\n"):
        rows = rows[:-1]  # the last row was cut off (a killed writer), maybe mid-number
    sized = all(n in where for n in SIZE_COLUMNS)
    cols = [where[n] for n in names + (SIZE_COLUMNS if sized else [])]
    try:
        if any(len(r) != len(rows[0]) for r in rows[1:]):
            raise ValueError
        data = np.array([[float(r[i]) if r[i] != "" else np.nan for i in cols] for r in rows[1:]],
                        dtype=np.float64).reshape(-1, len(cols))
    except ValueError:
        raise InputError(f"{path}: a row has a non-numeric value or the wrong length") from None
    if data.shape[0] == 0:
        raise InputError(f"{path} has no frames")
    image = data[:, 2:2 + len(LANDMARK_COLUMNS)].reshape(-1, N_LANDMARKS, 4).astype(np.float32)
    size = _image_size(path, data[:, -2:]) if sized else None
    return LandmarkTable(data[:, 0], image, data[:, 1] > 0, size)


def _image_size(path: Path, cells: np.ndarray) -> tuple[int, int] | None:
    """The one (width, height) every row gives; None when the cells are all empty."""
    if np.isnan(cells).all():
        return None
    size = np.unique(cells, axis=0)
    if len(size) != 1 or not (np.isfinite(size).all() and (size > 0).all()
                              and (size == np.round(size)).all()):
        raise InputError(f"{path}: image_width and image_height must be the same whole "
                         "numbers of pixels on every row")
    return int(size[0, 0]), int(size[0, 1])
