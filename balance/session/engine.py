"""The live loop without Qt: capture thread -> one-slot queue -> pose thread -> scoring thread.

Three threads and one rule: never build latency. The capture thread reads frames as they
come (a webcam) or as they would come (a file paced at its frame rate), converts them for
the model and the screen, and drops them into a one-slot queue where the newest frame
wins; the pose thread takes whatever is newest and only finds the pose (MediaPipe releases
the GIL while it infers); the processing thread feeds the protocol, records to the session
and hands a `Snapshot` to a callback, while the pose thread infers the next frame. The
window turns those callbacks into Qt signals (`balance.gui.workers`); tests and the
benchmark can drive the same code without Qt.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from balance.capture.sources import Landmarks
from balance.pose.landmarks import empty_pose
from balance.protocols import reasons
from balance.protocols.base import Protocol, Status
from balance.session.recording import Recording
from balance.session.stride import FrameStride
from balance.privacy import private_dir
from balance.storage.session import SessionWriter

# A live source that delivers nothing for this long has gone (unplugged, taken by another
# program); shorter gaps are hiccups the capture thread rides out.
LOST_AFTER_S = 1.0
# The display never needs more pixels than a screen shows: shrinking in the worker keeps
# the GUI thread's paint cheap.
DISPLAY_MAX_WIDTH = 960
# How long a thread may hold the GIL while another waits for it, s, while the live chain
# runs (Python's default is 5 ms). Each frame crosses three threads (pose, scoring,
# paint); at 5 ms a handoff could wait behind the others' Python work, and on an
# emulated slow CPU (`bench_live --slow-model 5`) p95 latency was 43-44 ms against
# 34 ms at 1 ms, at the same rate and drops.
GIL_SWITCH_S = 0.001


@dataclass
class Captured:
    """One item from a feed: a camera frame (BGR) or, in a replay, landmarks already found."""

    index: int
    t_s: float
    t_wall: float  # perf_counter() when it was captured: the start of the latency clock
    frame: np.ndarray | None = None
    pose: tuple[np.ndarray, np.ndarray, bool] | None = None  # image, world, detected
    rgb: np.ndarray | None = None  # the frame in RGB, as the pose model takes it (``prepare``)
    display: np.ndarray | None = None  # the picture for the screen (``prepare``)
    inference_ms: float = 0.0  # the pose model's time on this frame (`PoseThread`)

    def prepare(self, display_width: int) -> None:
        """Done on the capture thread, which is idle most of the time: the colour
        conversion the pose model needs and the shrunk picture for the screen, so that
        the processing thread only infers and scores."""
        if self.frame is not None:
            self.rgb = cv2.cvtColor(self.frame, cv2.COLOR_BGR2RGB)  # C-contiguous, as mp.Image wants
            self.display = shrink_for_display(self.frame, display_width)


@dataclass
class Snapshot:
    """What the window shows for one processed frame."""

    index: int
    t_s: float            # session time (s from the start of recording, or of the feed)
    t_wall: float         # capture time, perf_counter()
    display: np.ndarray | None  # picture to show: BGRA uint8, shrunk; None in a replay
    image_size: tuple[int, int]  # (w, h) of the original frame: landmarks are normalised
    landmarks: np.ndarray  # (33, 4) image landmarks
    detected: bool
    status: Status | None  # None while not testing (set-up preview)
    recording: bool
    inference_ms: float = 0.0
    trial_result: dict | None = None  # set on the frame where a trial ended
    world: np.ndarray | None = None  # (33, 4) world landmarks, m (the set-up check's yaw)


class LatestSlot:
    """A one-slot queue: ``put`` replaces what is there (counting a drop), ``get`` waits.

    ``lossless``: ``put`` waits for the slot to be taken instead, so no frame is dropped:
    for a recording, which must score as ``balance score`` scores it, however busy the
    machine (it then plays slower than its pace rather than skip frames)."""

    def __init__(self, *, lossless: bool = False):
        self._item = None
        self._cond = threading.Condition()
        self.lossless = lossless
        self.dropped = 0
        self.closed = False

    def put(self, item, stop: threading.Event | None = None) -> None:
        """Put ``item``; a lossless slot waits for room until ``stop`` is set."""
        with self._cond:
            while self.lossless and self._item is not None and not (stop and stop.is_set()):
                self._cond.wait(0.05)
            if self._item is not None:
                self.dropped += 1
            self._item = item
            self._cond.notify_all()

    def close(self) -> None:
        """No more items: a waiting ``get`` returns None once the slot is empty."""
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def get(self, timeout: float | None = None):
        """The newest item, or None after ``timeout`` s or once closed and empty."""
        with self._cond:
            if self._item is None and not self.closed:
                self._cond.wait(timeout)
            item, self._item = self._item, None
            self._cond.notify_all()  # room for a lossless put
            return item


class FrameFeed:
    """A `balance.capture` FrameSource as a feed of `Captured` items: camera pictures, or
    the landmarks of a recorded session (``source.pictures`` False)."""

    def __init__(self, source):
        self.source = source
        self.fps, self.size, self.live = source.fps, source.size, source.live
        self.description = source.description
        self._index = 0

    def __len__(self) -> int:
        return len(self.source)

    def next(self) -> Captured | None:
        item, t_s = self.source.read()
        if item is None:
            return None
        if isinstance(item, Landmarks):
            captured = Captured(self._index, t_s, time.perf_counter(),
                                pose=(item.image, item.world, item.detected))
        else:
            captured = Captured(self._index, t_s, time.perf_counter(), frame=item)
        self._index += 1
        return captured

    def close(self) -> None:
        self.source.close()


class CaptureThread(threading.Thread):
    """Reads a feed into a `LatestSlot`, paced like a camera when the feed is a file.

    ``realtime`` scales the pace of a file or replay (1.0 = its own frame rate, 2.0 =
    twice as fast, 0 = as fast as it reads). A live feed is never paced: the device is the
    clock. ``on_end(reason)`` is called once: ``reasons.SOURCE_ENDED`` for a file that ran
    out, ``CAMERA_LOST`` for a live feed that stopped delivering, ``STOPPED`` after
    ``stop()``. ``stride`` (`FrameStride`): the frames it does not take are skipped on
    purpose (``skipped``), before any work is spent on them.
    """

    def __init__(self, feed, slot: LatestSlot, *, realtime: float = 1.0,
                 on_end: Callable[[str], None] | None = None, stats: LiveStats | None = None,
                 stride: FrameStride | None = None):
        super().__init__(name="balance-capture", daemon=True)
        self.feed, self.slot, self.realtime = feed, slot, realtime
        self.on_end = on_end
        self.stats = stats or LiveStats()
        self.stride = stride
        self.captured = self.skipped = 0
        # The width the window shows the picture at; set from the GUI thread on resize
        # (an int assignment is atomic, so no lock).
        self.display_width = DISPLAY_MAX_WIDTH
        self._stop_event = threading.Event()

    def stop(self) -> None:
        self._stop_event.set()

    def run(self) -> None:
        reason = reasons.STOPPED
        try:
            reason = self._loop()
        finally:
            # Say why before closing the slot: the processing thread reads the reason
            # as soon as it finds the slot closed.
            if self.on_end is not None:
                self.on_end(reason)
            self.slot.close()

    def _loop(self) -> str:
        start, first_t = time.perf_counter(), None
        while not self._stop_event.is_set():
            t0 = time.perf_counter()
            item = self._read()
            t1 = time.perf_counter()
            if item is None:
                return reasons.STOPPED if self._stop_event.is_set() else (
                    reasons.CAMERA_LOST if self.feed.live else reasons.SOURCE_ENDED)
            if first_t is None:
                first_t = item.t_s
            if self.stride is not None and not self.stride.take(item.index):
                self.skipped += 1
                continue
            item.prepare(self.display_width)  # before the wait: a file's frame is ready on time
            self.stats.stage("read", (t1 - t0) * 1e3)
            self.stats.stage("prepare", (time.perf_counter() - t1) * 1e3)
            if not self.feed.live and self.realtime > 0:
                # Sleep until the frame's time has come: a file behaves like a camera.
                due = start + (item.t_s - first_t) / self.realtime
                if self._stop_event.wait(max(0.0, due - time.perf_counter())):
                    return reasons.STOPPED
                item.t_wall = time.perf_counter()
            self.captured += 1
            self.slot.put(item, self._stop_event)
        return reasons.STOPPED

    def _read(self) -> Captured | None:
        """The next item; a live feed gets ``LOST_AFTER_S`` to come back from a hiccup."""
        item = self.feed.next()
        if item is not None or not self.feed.live:
            return item
        deadline = time.monotonic() + LOST_AFTER_S
        while time.monotonic() < deadline and not self._stop_event.is_set():
            time.sleep(0.05)
            item = self.feed.next()
            if item is not None:
                return item
        return None


@dataclass
class LiveStats:
    """Counters of a run, updated by the threads; latency is filled in by the display."""

    processed: int = 0
    inference_ms: deque = field(default_factory=lambda: deque(maxlen=300))
    latency_ms: deque = field(default_factory=lambda: deque(maxlen=300))
    all_latency_ms: list = field(default_factory=list)  # whole run, for the benchmark
    #: stage -> recent durations, ms: "read" and "prepare" (capture thread), "score"
    #: (protocol and recording, processing thread), "paint" (GUI thread)
    stages: dict = field(default_factory=dict)
    _times: deque = field(default_factory=lambda: deque(maxlen=120))

    def stage(self, name: str, ms: float) -> None:
        """One duration of stage ``name`` (threads write different names: no lock)."""
        self.stages.setdefault(name, deque(maxlen=300)).append(ms)

    def frame_done(self, inference_ms: float) -> None:
        self.processed += 1
        self.inference_ms.append(inference_ms)
        self._times.append(time.perf_counter())

    def shown(self, latency_ms: float) -> None:
        self.latency_ms.append(latency_ms)
        self.all_latency_ms.append(latency_ms)

    @property
    def fps(self) -> float:
        """Processed frames per second over the last couple of seconds."""
        if len(self._times) < 2:
            return 0.0
        span = self._times[-1] - self._times[0]
        return (len(self._times) - 1) / span if span > 0 else 0.0

    def latency_p(self, q: float) -> float:
        return float(np.percentile(self.latency_ms, q)) if self.latency_ms else float("nan")


def shrink_for_display(frame_bgr: np.ndarray, max_width: int = DISPLAY_MAX_WIDTH) -> np.ndarray:
    """The picture as the screen wants it, made off the GUI thread: at most ``max_width``
    wide and in BGRA, the byte order of QImage.Format_RGB32, so painting it is a plain
    copy with no conversion and no scaling."""
    h, w = frame_bgr.shape[:2]
    if w > max_width:
        # Linear, not area: ~5x cheaper here, and the picture is only for looking at.
        frame_bgr = cv2.resize(frame_bgr, (max_width, max(1, round(h * max_width / w))),
                               interpolation=cv2.INTER_LINEAR)
    return cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2BGRA)


class PoseThread(threading.Thread):
    """Finds the pose of the newest capture, and nothing else, so that inference overlaps
    the scoring of the frame before.

    ``estimator_factory()`` is called on this thread (MediaPipe wants one thread per
    landmarker). Items go on into ``out``, a lossless slot: the processing thread scores
    every frame this thread infers, and while it is busy the capture slot keeps only the
    newest. ``out`` is closed once the capture slot is closed and drained, or at ``stop``;
    ``error`` then says what failed, if anything did (the factory or ``detect``).
    """

    def __init__(self, source: LatestSlot, estimator_factory, stop: threading.Event):
        super().__init__(name="balance-pose", daemon=True)
        self.source, self.estimator_factory, self.stop = source, estimator_factory, stop
        self.out = LatestSlot(lossless=True)
        self.ready = threading.Event()  # set once the model is loaded or failed to load
        self.loaded = False
        self.error: Exception | None = None

    def run(self) -> None:
        estimator = None
        try:
            estimator = self.estimator_factory()
            self.loaded = True
            self.ready.set()
            while not self.stop.is_set():
                item = self.source.get(timeout=0.1)
                if item is not None:
                    self._infer(item, estimator)
                    self.out.put(item, self.stop)
                elif self.source.closed:
                    break
        except Exception as exc:  # reported by the processing thread, which ends the test
            self.error = exc
        finally:
            self.ready.set()
            self.out.close()
            if estimator is not None and hasattr(estimator, "close"):
                estimator.close()

    @staticmethod
    def _infer(item: Captured, estimator) -> None:
        if item.pose is None:  # a replay's items carry their landmarks
            pose = estimator.detect(item.frame, item.t_s, rgb=item.rgb)
            item.pose = (pose.image, pose.world, pose.detected)
            item.inference_ms = pose.inference_ms


class ProcessThread(threading.Thread):
    """Takes each frame with its pose, scores and records it, reports a snapshot.

    Commands from the window (start a test, stop) arrive through ``command`` and run on
    this thread, so the protocol and the session file are only ever touched here.

    Parameters
    ----------
    slot : LatestSlot fed by a CaptureThread.
    estimator_factory : callable returning an object with ``detect(frame_bgr, t_s, rgb=)``
        (see `balance.pose.estimator`), run by a `PoseThread` this thread starts between
        ``slot`` and itself; None for a replay, whose items carry their landmarks.
    image_size : (w, h) of the feed.
    on_snapshot(Snapshot), on_trial(dict), on_finished(reason, result, path), on_error(str):
        callbacks, called on this thread; ``on_warm(seconds)`` on the warm-up thread.
    stride : `FrameStride` told how long each frame took in the slower of the pose and the
        scoring thread (the capture thread skips frames by it); locked while a test
        records, unlocked when it ends.
    warmup : callable compiling the scoring kernels (`balance.core.jit.warmup`), run once
        on a thread of its own from the first frame on, not before it: with a cold numba
        cache it takes seconds, and the preview needs no kernel. A test started sooner
        waits in its first frame for the kernels it calls (numba's lock).
    """

    def __init__(self, slot: LatestSlot, *, image_size, estimator_factory=None,
                 on_snapshot=None, on_finished=None, on_error=None, on_ready=None,
                 on_warm=None, warmup: Callable[[], None] | None = None,
                 stats: LiveStats | None = None, stride: FrameStride | None = None):
        super().__init__(name="balance-process", daemon=True)
        self.slot, self.image_size = slot, tuple(image_size)
        self.estimator_factory, self.warmup = estimator_factory, warmup
        self.on_snapshot = on_snapshot or (lambda s: None)
        self.on_finished = on_finished or (lambda reason, result, path: None)
        self.on_error = on_error or (lambda message: None)
        self.on_ready = on_ready or (lambda: None)
        self.on_warm = on_warm or (lambda seconds: None)
        self.stats = stats or LiveStats()
        self.stride = stride
        self.recording: Recording | None = None
        self.pose: PoseThread | None = None
        self.source_end: str | None = None
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._quit = threading.Event()
        self._warm_done = threading.Event()
        self._warming = False

    # Commands, callable from any thread -------------------------------------------------
    def start_test(self, protocol: Protocol, writer: SessionWriter | None,
                   video=None) -> None:
        """``video``: see `Recording`; written and released on this thread."""
        self._commands.put(("start", protocol, writer, video))

    def stop_test(self, reason: str = reasons.STOPPED, *, discomfort: bool = False, by: str = ""):
        self._commands.put(("stop", reason, discomfort, by))

    def tester_error(self, kind: str = "eyes_opened") -> None:
        self._commands.put(("tester_error", kind))

    def source_ended(self, reason: str) -> None:
        """The capture thread's end: remembered, acted on once the slot is drained.
        Capture is only ever stopped by the window shutting the worker down."""
        self.source_end = reasons.WINDOW_CLOSED if reason == reasons.STOPPED else reason

    def quit(self) -> None:
        self._quit.set()
        self.slot.close()

    # The loop --------------------------------------------------------------------------
    def run(self) -> None:
        switch = sys.getswitchinterval()
        sys.setswitchinterval(GIL_SWITCH_S)
        try:
            frames = self._start_pose()
            if self.warmup is None:
                self._warm_done.set()
            self.on_ready()
            self._loop(frames)
        except Exception as exc:  # shown in the window; the recording is still closed
            self.on_error(f"{type(exc).__name__}: {exc}")
            try:
                self._end_recording(reasons.ERROR)
            except Exception:  # the protocol is broken: at least keep the frames
                if self.recording is not None:
                    self.recording.close_files()
        finally:
            self._quit.set()  # the pose thread stops too
            sys.setswitchinterval(switch)

    def _start_pose(self) -> LatestSlot:
        """The slot this thread reads: the pose thread's, once its model is loaded."""
        if self.estimator_factory is None:
            return self.slot
        self.pose = PoseThread(self.slot, self.estimator_factory, self._quit)
        self.pose.start()
        self.pose.ready.wait()
        if not self.pose.loaded:  # a failure after loading is met in the loop, mid-test
            self._raise_pose_error()
        return self.pose.out

    def _raise_pose_error(self) -> None:
        if self.pose is not None and self.pose.error is not None:
            raise self.pose.error  # as if it had failed here: the window says what

    def _warm(self) -> None:
        start = time.perf_counter()
        try:
            self.warmup()
        except Exception as exc:  # the first frame that needs the kernel will fail too
            self.on_error(f"preparing the scoring kernels: {type(exc).__name__}: {exc}")
            return
        finally:
            self._warm_done.set()
        self.on_warm(time.perf_counter() - start)

    def _loop(self, frames: LatestSlot) -> None:
        while not self._quit.is_set():
            self._run_commands()
            item = frames.get(timeout=0.1)
            if item is None:
                if frames.closed:
                    self._raise_pose_error()
                    self._run_commands()
                    self._end_recording(self.source_end or reasons.WINDOW_CLOSED)
                    return
                continue
            self._process(item)
        self._run_commands()  # a Stop pressed just before closing still counts
        self._end_recording(reasons.WINDOW_CLOSED)

    def _run_commands(self) -> None:
        while True:
            try:
                cmd = self._commands.get_nowait()
            except queue.Empty:
                return
            if cmd[0] == "start":
                self._end_recording(reasons.STOPPED)  # a new test replaces an unfinished one
                if self.stride is not None:
                    self.stride.lock()  # the window locked it already when making the test
                self.recording = Recording(*cmd[1:])
            elif cmd[0] == "tester_error" and self.recording is not None:
                self.recording.tester_error(cmd[1])
            elif cmd[0] == "stop" and self.recording is not None and not self.recording.ended:
                _, reason, discomfort, by = cmd
                self.recording.stop(reason, discomfort=discomfort, by=by)
                self._report_end(self.recording)

    def _process(self, item: Captured) -> None:
        image, world, detected = item.pose or (empty_pose(), empty_pose(), False)
        inference_ms = item.inference_ms
        status, trial, t_s, rec = None, None, item.t_s, self.recording
        recording = rec is not None and not rec.ended
        score_ms = 0.0
        if recording:
            t0 = time.perf_counter()
            status, trial = rec.feed(item.t_s, image, world, detected, item.frame)
            t_s = rec.t_last
            score_ms = (time.perf_counter() - t0) * 1e3
            self.stats.stage("score", score_ms)
        self.stats.frame_done(inference_ms)
        if self.stride is not None and self._warm_done.is_set():
            # Not while the kernels compile: numba holds the GIL, a passing slowness. The
            # two threads overlap: the slower of them sets the pace.
            self.stride.observe(max(inference_ms, score_ms))
        self.on_snapshot(Snapshot(item.index, t_s, item.t_wall, item.display, self.image_size, image,
                                  bool(detected), status, recording, inference_ms, trial, world))
        if self.warmup is not None and not self._warming:
            # After the first frame, not beside it: loading even cached kernels holds the
            # GIL for a few hundred ms, which the first frame would wait for.
            self._warming = True
            threading.Thread(target=self._warm, name="balance-warmup", daemon=True).start()
        # The end is reported after the frame that caused it, so the window shows the
        # last trial's card first and the whole result over it.
        if recording and rec.protocol_done:
            rec.finish(reasons.DONE)
            self._report_end(rec)

    def _end_recording(self, reason: str) -> None:
        """End the recording for a reason outside the protocol; its running trial, if
        any, ends with that reason too (``Recording.stop``)."""
        rec = self.recording
        if rec is None or rec.ended:
            return
        rec.stop(reason)
        self._report_end(rec)

    def _report_end(self, rec: Recording) -> None:
        if self.stride is not None:
            self.stride.unlock()
        path = rec.writer.path if rec.writer is not None else None
        self.on_finished(rec.ended, rec.result(), str(path) if path else None)
        if rec.history_problem:
            self.on_error(rec.history_problem)


def default_session_path(folder: Path, protocol: str) -> Path:
    """A new file name in ``folder``: date, time and protocol, never overwriting (neither
    a session nor a video kept beside one). A new folder is made owner-only (an existing
    one keeps its mode)."""
    private_dir(folder)
    stem = time.strftime("%Y%m%d-%H%M%S") + f"-{protocol or 'session'}"
    path, n = folder / f"{stem}.balance", 0
    while path.exists() or path.with_suffix(".avi").exists():
        n += 1
        path = folder / f"{stem}-{n}.balance"
    return path
