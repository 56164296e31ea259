"""The engine's threads, reporting to the window through Qt signals.

All the work happens in `balance.session.engine` (Qt-free); this only turns its callbacks into
signals, which Qt delivers on the GUI thread in order.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from balance.protocols import reasons
from balance.session.engine import CaptureThread, LatestSlot, LiveStats, ProcessThread
from balance.session.stride import FrameStride


class LiveWorker(QObject):
    """Owns a capture and a processing thread (with its pose thread) for one feed.

    ``drop_late``: frames the processing is late for are dropped (or, on a machine too slow
    for every frame, every second one skipped, ``FrameStride``), as a camera must; by
    default only for a live camera. A file or replay waits for the processing instead, so
    it scores exactly as ``balance score`` does.

    Signals
    -------
    snapshot(Snapshot) : every processed frame.
    ready() : the pose model is loaded (frames start).
    warm(seconds) : the scoring kernels are compiled (or loaded from numba's cache).
    finished(reason, result, session_path) : a recording ended (done, stopped, camera lost...).
    source_ended(reason) : the feed ran out (`balance.protocols.reasons`).
    error(message) : the processing thread failed.
    """

    snapshot = Signal(object)
    ready = Signal()
    warm = Signal(float)
    finished = Signal(str, object, object)
    source_ended = Signal(str)
    error = Signal(str)

    def __init__(self, feed, *, estimator_factory=None, realtime: float = 1.0, warmup=None,
                 drop_late: bool | None = None, parent=None):
        super().__init__(parent)
        self.feed = feed
        drop_late = feed.live if drop_late is None else drop_late
        self.stats = LiveStats()
        self.slot = LatestSlot(lossless=not drop_late)
        # Only the pose step can be too slow: a replay brings its landmarks.
        self.stride = FrameStride(feed.fps, enabled=drop_late and estimator_factory is not None)
        self.process = ProcessThread(
            self.slot, image_size=feed.size, estimator_factory=estimator_factory,
            warmup=warmup, stats=self.stats, stride=self.stride,
            on_snapshot=self.snapshot.emit, on_ready=self._ready, on_warm=self.warm.emit,
            on_finished=self.finished.emit, on_error=self.error.emit)
        self.capture = CaptureThread(feed, self.slot, realtime=realtime, on_end=self._ended,
                                     stats=self.stats, stride=self.stride)
        self._started = False

    @property
    def dropped(self) -> int:
        return self.slot.dropped

    def start(self) -> None:
        """Start processing; capture starts once the model is ready, so no frame waits."""
        self._started = True
        self.process.start()

    def _ready(self) -> None:
        self.capture.start()
        self.ready.emit()

    def _ended(self, reason: str) -> None:
        self.process.source_ended(reason)
        self.source_ended.emit(reason)

    def test_fps(self) -> float:
        """The frame rate a test about to start gets (the feed's, or half of it when every
        second frame is processed); the stride stays so until the recording ends or
        ``test_not_started``."""
        return self.feed.fps / self.stride.lock()

    def test_not_started(self) -> None:
        self.stride.unlock()

    def start_test(self, protocol, writer, video=None) -> None:
        self.process.start_test(protocol, writer, video)

    def stop_test(self, reason: str = reasons.STOPPED, *, discomfort: bool = False, by: str = ""):
        self.process.stop_test(reason, discomfort=discomfort, by=by)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop both threads and wait for them; the recording is finished and closed."""
        self.capture.stop()
        self.process.quit()
        if self.capture.is_alive():
            self.capture.join(timeout)
        if self.process.is_alive():
            self.process.join(timeout)
        self.feed.close()
