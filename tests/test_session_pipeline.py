"""The analyze loop (`balance.session.pipeline.run`) with its decoding thread ahead."""

import threading

import numpy as np
import pytest

from balance.pose.estimator import PoseResult
from balance.pose.landmarks import empty_pose
from balance.session import pipeline


class Frames:
    """A picture source of ``n`` frames; ``fail_at`` raises on that frame, as a broken
    file would."""

    def __init__(self, n, fail_at=None):
        self.n, self.fail_at, self.read = n, fail_at, 0

    def __iter__(self):
        for i in range(self.n):
            if i == self.fail_at:
                raise OSError("unreadable frame")
            self.read += 1
            frame = np.zeros((4, 6, 3), np.uint8)
            frame[..., 0] = i  # blue in BGR: the frame's number
            yield frame, i / 30.0

    def shortfall_warning(self):
        return "short"


class Recorder:
    def __init__(self):
        self.seen = []

    def detect(self, frame_bgr, t_s, rgb=None):
        assert rgb is not None and rgb[0, 0, 2] == frame_bgr[0, 0, 0]  # converted ahead
        self.seen.append(t_s)
        return PoseResult(empty_pose(), empty_pose(), False, 1.0)


def test_every_frame_reaches_the_estimator_in_order_converted():
    est = Recorder()
    stats = pipeline.run(Frames(50), est)
    assert stats.frames == 50 and est.seen == [i / 30.0 for i in range(50)]
    assert stats.warning == "short"  # the source ran out: it is asked about a shortfall


def test_max_frames_stops_the_reader_too():
    src, est = Frames(1000), Recorder()
    stats = pipeline.run(src, est, max_frames=10)
    assert stats.frames == 10 and stats.warning is None
    assert src.read <= 10 + 4 + 2  # the reader stays a few frames ahead, then stops


def test_a_source_error_is_raised_where_its_frame_would_come():
    est = Recorder()
    with pytest.raises(OSError, match="unreadable"):
        pipeline.run(Frames(20, fail_at=7), est)
    assert len(est.seen) == 7


class Preparing(Recorder):
    """An estimator that builds its own input, as `PoseEstimator.prepare` does."""

    def __init__(self):
        super().__init__()
        self.threads = set()

    def prepare(self, frame_bgr):
        self.threads.add(threading.current_thread().name)
        return ("prepared", int(frame_bgr[0, 0, 0]))

    def detect(self, frame_bgr, t_s, rgb=None):
        assert rgb == ("prepared", frame_bgr[0, 0, 0])  # its own frame's, in order
        self.seen.append(t_s)
        return PoseResult(empty_pose(), empty_pose(), False, 1.0)


def test_the_estimators_own_input_is_prepared_ahead_off_the_inference_thread():
    est = Preparing()
    stats = pipeline.run(Frames(30), est)
    assert stats.frames == 30 and est.seen == [i / 30.0 for i in range(30)]
    assert est.threads == {"balance-decode"}
