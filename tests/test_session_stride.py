"""Degrading on purpose (`balance.session.stride`): the switch rule, and the live threads
processing every second frame at a steady rate once the pose step is too slow."""

import threading
import time

from balance.pose.estimator import PoseResult
from balance.session.engine import CaptureThread, LatestSlot, ProcessThread
from balance.session.stride import WINDOW, FrameStride
from tests.helpers import ListFeed, person

INTERVAL_MS = 1000 / 30


def _feed(stride, busy_ms, frames):
    for _ in range(frames):
        stride.observe(busy_ms)


def test_a_second_of_slow_frames_halves_the_rate_and_a_fast_window_restores_it():
    s = FrameStride(30.0)
    _feed(s, 0.95 * INTERVAL_MS, WINDOW - 1)
    assert s.n == 1  # not a full window yet
    s.observe(0.95 * INTERVAL_MS)
    assert s.n == 2 and [s.take(i) for i in range(4)] == [True, False, True, False]
    # Hysteresis: at half rate a frame taking 0.8 of an interval stays at half rate...
    _feed(s, 0.8 * INTERVAL_MS, 3 * WINDOW)
    assert s.n == 2
    # ...and one clearly under the lower threshold for a whole window goes back.
    _feed(s, 0.5 * INTERVAL_MS, WINDOW)
    assert s.n == 1 and s.switches == 2


def test_frames_that_keep_up_never_switch_and_spikes_alone_do_not_either():
    s = FrameStride(30.0)
    for i in range(10 * WINDOW):
        s.observe(3 * INTERVAL_MS if i % 10 == 0 else 0.5 * INTERVAL_MS)  # mean 0.75
    assert s.n == 1 and s.switches == 0


def test_a_locked_stride_holds_for_the_whole_test():
    s = FrameStride(30.0)
    assert s.lock() == 1
    _feed(s, 2 * INTERVAL_MS, 5 * WINDOW)
    assert s.n == 1
    s.unlock()
    _feed(s, 2 * INTERVAL_MS, WINDOW)
    assert s.n == 2
    assert FrameStride(30.0, enabled=False).n == 1


class SlowEstimator:
    """Reports ``ms`` of inference per frame (the clock the rule reads) without spending it."""

    def __init__(self, synth, ms):
        self.synth, self.ms = synth, ms

    def detect(self, frame_bgr, t_s, rgb=None):
        i = min(int(round(t_s * self.synth.fps)), len(self.synth.t) - 1)
        return PoseResult(self.synth.image[i], self.synth.world[i], True, self.ms)


def _run(ms):
    synth = person(duration_s=4.0)
    feed = ListFeed(synth, frames=True)
    stride, slot, snaps = FrameStride(feed.fps), LatestSlot(), []
    proc = ProcessThread(slot, image_size=feed.size, stride=stride, on_snapshot=snaps.append,
                         estimator_factory=lambda: SlowEstimator(synth, ms))
    cap = CaptureThread(feed, slot, realtime=2.0, on_end=proc.source_ended, stride=stride)
    proc.start()
    time.sleep(0.2)  # the estimator is made before the first frame is taken
    cap.start()
    cap.join(20)
    proc.join(20)
    return [s.index for s in snaps], cap, slot


def test_a_slow_pose_step_gets_every_second_frame_at_a_steady_rate():
    indices, cap, slot = _run(ms=40.0)  # slower than a 33 ms frame interval
    # The first second decides; from then on only even frames, none dropped at random.
    switched = indices.index(WINDOW)
    after = indices[switched:]
    assert after == list(range(WINDOW, WINDOW + 2 * len(after), 2))
    assert cap.skipped == len(after) - 1 or cap.skipped == len(after)
    assert slot.dropped <= 2  # the pacing, not the estimator, limits this run


def test_no_switch_while_the_kernels_compile():
    """numba's compile holds the GIL for seconds: frames slow down, then recover."""
    synth = person(duration_s=2.0)
    feed, release = ListFeed(synth, frames=True), threading.Event()
    stride, slot = FrameStride(feed.fps), LatestSlot()
    proc = ProcessThread(slot, image_size=feed.size, stride=stride,
                         estimator_factory=lambda: SlowEstimator(synth, 40.0),
                         warmup=lambda: release.wait(10))
    cap = CaptureThread(feed, slot, realtime=0, on_end=proc.source_ended, stride=stride)
    proc.start()
    cap.start()
    cap.join(10)
    proc.join(10)
    release.set()
    assert stride.n == 1 and stride.switches == 0


def test_a_fast_pose_step_gets_every_frame():
    indices, cap, _ = _run(ms=10.0)
    assert cap.skipped == 0 and indices[-1] == 119
