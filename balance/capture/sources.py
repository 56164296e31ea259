"""Frame sources behind one interface: webcam, video file, folder of images, and (from
`balance.session.replay`) a recorded session.

Every source has ``read() -> (item, t_s)``: the item is a BGR uint8 frame (H, W, 3), or
for a recorded session the `Landmarks` already found; ``t_s`` is its time in seconds
from the first frame, monotonically increasing; ``(None, t_s)`` at the end or when the
device stops delivering. ``read`` never raises: the worker that owns the source decides
what an end means. Opening a source that cannot deliver raises ``InputError`` with one
sentence for the user. ``open_source(spec)`` picks the kind from the registry
(``register_kind``).
"""

import os
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

# OpenCV and FFmpeg print their own warnings for files and cameras they cannot open; we
# report those ourselves in one sentence. Set before cv2 loads; a user may override.
os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from balance.errors import InputError  # noqa: E402

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}


@dataclass(frozen=True)
class Landmarks:
    """A frame whose pose is already known (a recorded session): (33, 4) float32 image and
    world landmarks, NaN when no person was found."""

    image: np.ndarray
    world: np.ndarray
    detected: bool


class FrameSource(ABC):
    """Base of all sources. ``fps`` is nominal (Hz); ``size`` is (width, height) px;
    ``pictures`` is False for a source of `Landmarks` (nothing for the pose step)."""

    description = "source"
    fps: float = 30.0
    size: tuple[int, int] = (0, 0)
    frames_read = 0
    expected_frames: int | None = None  # how many the container announced, when known
    live = False
    pictures = True

    @abstractmethod
    def read(self) -> tuple["np.ndarray | Landmarks | None", float]:
        """The next item and its time (see the module docstring)."""

    def close(self) -> None:  # noqa: B027  most sources have nothing to release
        """Release the device or file; safe to call twice."""

    def shortfall_warning(self) -> str | None:
        """After the last read: a sentence when fewer frames decoded than announced."""
        # Containers' frame counts are estimates, a few frames off: warn only beyond 1 %.
        missing = (self.expected_frames or 0) - self.frames_read
        if missing > max(1, 0.01 * (self.expected_frames or 0)):
            return (f"{self.description} is truncated or damaged: "
                    f"{self.frames_read} of {self.expected_frames} frames were readable")
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __iter__(self):
        while True:
            frame, t = self.read()
            if frame is None:
                return
            yield frame, t


@dataclass(frozen=True)
class SourceKind:
    """One kind of source in the registry: ``accepts(spec)`` says whether a user's spec
    (an index or a path) names one; ``open(spec, fps)`` opens it."""

    name: str
    accepts: Callable[[str], bool]
    open: Callable[[str, float], FrameSource]


# Tried in order; the video file comes last: it takes whatever no other kind claimed.
KINDS: list[SourceKind] = []


def register_kind(kind: SourceKind, *, before: str | None = None) -> None:
    """Add a kind of source (before the kind named ``before``, else at the end)."""
    KINDS[:] = [k for k in KINDS if k.name != kind.name]
    names = [k.name for k in KINDS]
    KINDS.insert(names.index(before) if before in names else len(KINDS), kind)


class VideoFileSource(FrameSource):
    """A video file read frame by frame; timestamps are frame index / the file's fps."""

    def __init__(self, path: str | Path):
        path = Path(path)
        self.description = f"video {path.name}"
        _check_file(path, "video file")
        cap = cv2.VideoCapture(str(path))
        if not cap.isOpened():
            raise InputError(f"{path} is not a video file OpenCV can read")
        ok, first = cap.read()
        if not ok or first is None:
            cap.release()
            raise InputError(f"{path}: no frame could be decoded (not a video, or damaged)")
        self._cap, self._pending = cap, first
        fps = cap.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if np.isfinite(fps) and 1.0 <= fps <= 1000.0 else 30.0
        self.size = (first.shape[1], first.shape[0])
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        self.expected_frames = count if count > 0 else None

    def read(self):
        t = self.frames_read / self.fps
        if self._pending is not None:
            frame, self._pending = self._pending, None
        else:
            try:
                ok, frame = self._cap.read()
            except cv2.error:
                ok, frame = False, None
            if not ok:
                return None, t
        self.frames_read += 1
        return frame, t

    def close(self):
        self._cap.release()


class ImageFolderSource(FrameSource):
    """Images in a folder, in name order, played at ``fps``; unreadable images are skipped."""

    def __init__(self, path: str | Path, fps: float = 30.0):
        path = Path(path)
        self.description = f"image folder {path.name}"
        if not (np.isfinite(fps) and fps > 0):
            raise InputError(f"the frame rate of an image folder must be above 0, not {fps}")
        self._files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._files:
            raise InputError(f"{path} holds no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
        self.fps = float(fps)
        self.expected_frames = len(self._files)
        self._next = 0
        first = self._peek()
        if first is None:
            raise InputError(f"{path}: none of its {len(self._files)} images could be decoded")
        self.size = (first.shape[1], first.shape[0])

    def _peek(self):
        while self._next < len(self._files):
            frame = cv2.imread(str(self._files[self._next]), cv2.IMREAD_COLOR)
            if frame is not None:
                return frame
            self._next += 1
        return None

    def read(self):
        frame = self._peek()
        t = self.frames_read / self.fps
        if frame is None:
            return None, t
        self._next += 1
        self.frames_read += 1
        return frame, t


class WebcamSource(FrameSource):
    """A webcam by index; timestamps from the monotonic clock, 0 at the first frame."""

    live = True

    def __init__(self, index: int, size: tuple[int, int] | None = (1280, 720)):
        self.description = f"webcam {index}"
        cap = cv2.VideoCapture(index)
        if not cap.isOpened():
            raise InputError(f"webcam {index} is not available (no camera at that index, or "
                             "in use); `balance cameras` lists them")
        if size:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, size[0])
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, size[1])
        ok, first = cap.read()
        if not ok or first is None:
            cap.release()
            raise InputError(f"webcam {index} opened but delivers no frames")
        self._cap, self._pending = cap, first
        self._t0 = time.monotonic()
        fps = cap.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if np.isfinite(fps) and fps >= 1.0 else 30.0
        self.size = (first.shape[1], first.shape[0])

    def read(self):
        if self._pending is not None:
            frame, self._pending = self._pending, None
        else:
            ok, frame = self._cap.read()
            if not ok:
                return None, time.monotonic() - self._t0
        self.frames_read += 1
        return frame, time.monotonic() - self._t0

    def close(self):
        self._cap.release()


def open_source(spec: str | int, *, fps: float = 30.0) -> FrameSource:
    """Open what the user named: a webcam index ("0"), an image folder, a video file, or
    any other registered kind (a recorded session, once `balance.session.replay` is
    imported)."""
    spec = str(spec)
    for kind in KINDS:
        if kind.accepts(spec):
            return kind.open(spec, fps)
    raise InputError(f"{spec}: not a source balance can open")  # unreachable: video takes all


def _check_file(path: Path, what: str) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such {what}")
    if not path.is_file():
        raise InputError(f"{path} is not a file")
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {exc.strerror}") from None


register_kind(SourceKind("webcam", str.isdigit, lambda spec, fps: WebcamSource(int(spec))))
register_kind(SourceKind("image folder", lambda spec: Path(spec).is_dir(),
                         lambda spec, fps: ImageFolderSource(spec, fps=fps)))
register_kind(SourceKind("video", lambda spec: True, lambda spec, fps: VideoFileSource(spec)))
