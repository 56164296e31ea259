"""Source -> pose -> recording, with no Qt: the frame loop of ``analyze`` (and its
benchmark); the window runs the same `Recording` from its threads (``engine``)."""

import os
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from balance.capture.sources import FrameSource
from balance.core import camera_view, com
from balance.errors import InputError
from balance.storage import files
from balance.session.recording import Recording


@dataclass
class FrameResult:
    """What one frame produced: its index, time (s) and landmarks ((33, 4) float32 each)."""

    index: int
    t_s: float
    image: np.ndarray
    world: np.ndarray
    detected: bool
    inference_ms: float


@dataclass
class AnalysisStats:
    """Counts and timings of one run; ``inference_ms`` holds one value per frame."""

    frames: int = 0
    detected: int = 0
    wall_s: float = 0.0
    inference_ms: list[float] = field(default_factory=list)
    warning: str | None = None

    @property
    def detection_rate(self) -> float:
        return self.detected / self.frames if self.frames else 0.0

    @property
    def total_fps(self) -> float:
        return self.frames / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def inference_fps(self) -> float:
        total = sum(self.inference_ms)
        return 1000.0 * len(self.inference_ms) / total if total > 0 else 0.0

    def summary(self) -> str:
        ms = np.asarray(self.inference_ms) if self.inference_ms else np.zeros(1)
        return (f"frames {self.frames}, person found in {self.detected} "
                f"({100 * self.detection_rate:.1f} %), inference {np.median(ms):.1f} ms median "
                f"/ {np.percentile(ms, 95):.1f} ms p95 per frame ({self.inference_fps:.1f} fps), "
                f"total {self.total_fps:.1f} fps")


class ViewLog:
    """The camera's view over a run (``core.camera_view``): how far from square and off-centre.

    ``add`` every frame; ``warning()`` is one line when the view is beyond its limits.
    ``height_cm`` sets the cm scale of the off-centre distance (from the first
    ``SCALE_FRAMES`` frames with a person).
    """

    SCALE_FRAMES = 30

    def __init__(self, image_size: tuple[int, int], height_cm: float):
        self.image_size, self.height_cm = tuple(image_size), height_cm
        self._rows: list[tuple[float, float, float]] = []
        self._upright: list[np.ndarray] = []

    def add(self, result: FrameResult) -> None:
        if not result.detected:
            return
        world = result.world[None] if np.isfinite(result.world[:, :3]).any() else None
        row = camera_view.frame_views(result.image[None], world, self.image_size)
        self._rows.append(tuple(float(x[0]) for x in row))
        if len(self._upright) < self.SCALE_FRAMES:
            self._upright.append(result.image)

    def view(self) -> camera_view.CameraView | None:
        if not self._rows:
            return None
        try:
            scale = com.px_per_cm_from_height(np.array(self._upright), self.image_size, self.height_cm)
        except InputError:
            scale = None
        rows = np.array(self._rows)
        return camera_view.summarise(rows[:, 0], rows[:, 1], rows[:, 2], scale)

    def warning(self) -> str | None:
        view = self.view()
        if view is None or view.medio_lateral is not False:
            return None
        return "; ".join(view.problems()) + ": the sway across the picture is not medio-lateral"


def run(source: FrameSource, estimator, recording: Recording | None = None, *,
        on_frame: Callable[[FrameResult], None] | None = None,
        max_frames: int | None = None) -> AnalysisStats:
    """Run every frame of ``source`` through ``estimator``, recording as it goes.

    ``estimator`` has ``detect(frame_bgr, t_s, rgb=)`` returning image, world, detected and
    inference_ms (see ``balance.pose.estimator``). ``recording`` (a `Recording`) writes
    each frame to the session (and its video) and scores it; the caller ends it.
    ``on_frame`` sees every result. Decoding, the colour conversion and, when the
    estimator has ``prepare(frame_bgr)`` (the model's own image, passed back as ``rgb``),
    that too run a few frames ahead on a thread of their own (`Prefetch`), beside the
    inference.
    """
    stats = AnalysisStats()
    start = time.perf_counter()
    with Prefetch(source, getattr(estimator, "prepare", None)) as frames:
        ended = _frames(frames, estimator, recording, on_frame, max_frames, stats)
    if ended:
        stats.warning = source.shortfall_warning()
    stats.wall_s = time.perf_counter() - start
    return stats


def _frames(frames, estimator, recording, on_frame, max_frames, stats) -> bool:
    """The loop of ``run``; True when the source ran out (not stopped by ``max_frames``)."""
    for index, (frame, t_s, prepared) in enumerate(frames):
        pose = estimator.detect(frame, t_s, rgb=prepared)
        if recording is not None:
            recording.feed(t_s, pose.image, pose.world, pose.detected, frame)
        stats.frames += 1
        stats.detected += pose.detected
        stats.inference_ms.append(pose.inference_ms)
        if on_frame is not None:
            on_frame(FrameResult(index, t_s, pose.image, pose.world, pose.detected,
                                 pose.inference_ms))
        if max_frames is not None and stats.frames >= max_frames:
            return False
    return True


class Prefetch:
    """A source's frames read and prepared for the model ``depth`` frames ahead, on a thread.

    ``prepare(frame_bgr)`` makes the model's input (by default the frame in RGB). OpenCV's
    decoder, its colour conversion and MediaPipe's image copy release the GIL, so they
    run beside the inference, not between its calls (their CPU still counts where the
    model keeps every core busy, as on two cores). Iterating yields (frame_bgr, t_s,
    prepared); an error of the source is raised where the frame it failed on would have
    come. Leaving the ``with`` block stops the thread (it may be blocked on a full queue).
    """

    _END = object()

    def __init__(self, source, prepare: Callable | None = None, depth: int = 4):
        self.source, self.prepare = source, prepare or _rgb
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="balance-decode", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        while self._thread.is_alive():  # unblock a put on a full queue
            try:
                self._queue.get_nowait()
            except queue.Empty:
                pass
            self._thread.join(0.05)

    def __iter__(self):
        while (item := self._queue.get()) is not self._END:
            if isinstance(item, BaseException):
                raise item
            yield item

    def _read(self) -> None:
        try:
            for frame, t_s in self.source:
                if self._stop.is_set():
                    return
                self._put((frame, t_s, self.prepare(frame)))
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(exc)
            return
        self._put(self._END)

    def _put(self, item) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                pass


def _rgb(frame):
    """The frame in RGB, or None for one that is not a BGR picture (the estimator then
    says what is wrong with it)."""
    ok = (isinstance(frame, np.ndarray) and frame.dtype == np.uint8 and frame.ndim == 3
          and frame.shape[2] == 3 and frame.size > 0)
    return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) if ok else None


def open_session_video(session_path: str | Path, fps: float, size: tuple[int, int]):
    """An OpenCV writer for the frames kept beside a session, ``SESSION.avi`` (MJPG): the
    name the replay window and ``balance export`` look for. The caller writes frame i of
    the session as frame i of the video and calls ``release()`` at the end.

    AVI with MJPG, not mp4: an mp4 is unreadable until its index is written at the end,
    so a killed recorder would lose the whole video; an AVI cut off anywhere still reads
    up to its last whole frame. The file is created owner-only before OpenCV opens it
    (OpenCV keeps the mode of the file it finds), so a long recording is never readable by
    others while it is being written, and exclusively: an existing file (the very video
    being analysed, say) is never written over (InputError). Raises OSError when the
    video cannot be written.
    """
    path = Path(session_path).with_suffix(".avi")
    if min(size) <= 0:  # OpenCV's AVI writer would accept it and write frameless files
        raise OSError(f"cannot write the video {path}: frame size {size[0]}x{size[1]}")
    os.close(files.create_new(path))
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    if not writer.isOpened():
        path.unlink(missing_ok=True)  # an empty file would pass for a kept video
        raise OSError(f"cannot write the video {path}")
    return writer
