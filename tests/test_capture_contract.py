"""Every kind of frame source in the registry keeps the same contract.

Each kind is opened the way a user names it (`open_source(spec)`), read to its end and
past it, and closed twice. A new kind added to the registry without a maker here fails
`test_every_registered_kind_is_checked`.
"""

import cv2
import numpy as np
import pytest

from balance.capture import sources
from balance.capture.sources import FrameSource, Landmarks, open_source
from balance.errors import InputError
from balance.session.replay import SessionSource
from balance.storage.session import SessionWriter, new_metadata

N, W, H, FPS = 12, 160, 120, 25.0


def _picture(i):
    frame = np.zeros((H, W, 3), np.uint8)
    frame[:, :, 1] = 10 * i  # frames differ, so order is checkable
    return frame


class _FakeDevice:
    """Stands in for cv2.VideoCapture(index): N frames, then the cable is pulled."""

    def __init__(self, index):
        self.i, self.released = 0, False

    def isOpened(self):
        return True

    def set(self, prop, value):
        return True

    def get(self, prop):
        return FPS if prop == cv2.CAP_PROP_FPS else 0.0

    def read(self):
        if self.i >= N:
            return False, None
        self.i += 1
        return True, _picture(self.i - 1)

    def release(self):
        self.released = True


def _video(tmp_path, monkeypatch):
    path = tmp_path / "clip.avi"
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (W, H))
    for i in range(N):
        out.write(_picture(i))
    out.release()
    return str(path)


def _folder(tmp_path, monkeypatch):
    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(N):
        cv2.imwrite(str(folder / f"{i:03d}.png"), _picture(i))
    return str(folder)


def _session(tmp_path, monkeypatch):
    path = tmp_path / "rec.balance"
    pose = np.full((33, 4), 0.5, np.float32)
    with SessionWriter(path, new_metadata(source="test", fps=FPS, image_size=(W, H))) as w:
        for i in range(N):
            w.write_frame(i / FPS, pose, pose, True)
    return str(path)


def _webcam(tmp_path, monkeypatch):
    monkeypatch.setattr(sources.cv2, "VideoCapture", _FakeDevice)
    return "0"


MAKERS = {"video": _video, "image folder": _folder, "session": _session, "webcam": _webcam}


def test_every_registered_kind_is_checked():
    assert sorted(k.name for k in sources.KINDS) == sorted(MAKERS)


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_a_source_delivers_its_frames_in_time_order_then_ends(kind, tmp_path, monkeypatch):
    spec = MAKERS[kind](tmp_path, monkeypatch)
    with open_source(spec, fps=FPS) as src:
        assert isinstance(src, FrameSource)
        assert src.fps == pytest.approx(FPS, rel=0.01) and src.size == (W, H)
        items, times = [], []
        while True:
            item, t = src.read()
            if item is None:
                break
            items.append(item)
            times.append(t)
        # Past the end: still no exception, still nothing.
        assert src.read()[0] is None and src.read()[0] is None
        assert src.frames_read == len(items) == N
    assert times[0] == pytest.approx(0.0, abs=0.05)
    assert np.all(np.diff(times) > 0)
    if src.pictures:
        assert all(f.shape == (H, W, 3) and f.dtype == np.uint8 for f in items)
        greens = [int(f[H // 2, W // 2, 1]) for f in items]
        assert greens == sorted(greens) and greens[-1] > greens[0]  # in recorded order
    else:
        assert all(isinstance(f, Landmarks) and f.image.shape == (33, 4) for f in items)
    if not src.live:  # files keep their own clock: frame index / fps
        assert times == pytest.approx([i / FPS for i in range(N)], abs=1e-6)
    src.close()  # a second close is harmless


def test_a_recorded_session_is_its_own_kind_not_a_broken_video(tmp_path, monkeypatch):
    assert isinstance(open_source(_session(tmp_path, monkeypatch)), SessionSource)


@pytest.mark.parametrize("spec, message", [("missing.mp4", "no such video file"),
                                           ("missing.balance", "No such file|no such")])
def test_a_source_that_cannot_open_says_so_in_one_line(tmp_path, spec, message):
    with pytest.raises(InputError, match=message) as exc:
        open_source(str(tmp_path / spec))
    assert "\n" not in str(exc.value)
