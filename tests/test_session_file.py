"""Session files: round trip, crash safety, damaged and foreign files."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from balance.errors import SessionFormatError
from balance.events import Event
from balance.storage.session import SessionWriter, new_metadata, read_session

ROOT = Path(__file__).resolve().parents[1]


def _pose(rng):
    p = rng.random((33, 4)).astype(np.float32)
    return p


def _write(path, n=50, seed=0):
    rng = np.random.default_rng(seed)
    frames = [(i / 30, _pose(rng), _pose(rng), i % 7 != 3) for i in range(n)]
    meta = new_metadata(source="test", fps=30.0, image_size=(640, 480), protocol="practice")
    with SessionWriter(path, meta) as w:
        for i, (t, img, wld, det) in enumerate(frames):
            if not det:
                img = np.full((33, 4), np.nan, np.float32)
            w.write_frame(t, img, wld, det)
            if i == 10:
                w.write_event(Event(t, "lift", {"side": "left", "frame": i}))
        w.update_metadata(result={"hold_time_s": 1.25})
    return frames


def test_round_trip_keeps_every_value(tmp_path):
    path = tmp_path / "s.balance"
    frames = _write(path)
    s = read_session(path)
    assert len(s) == 50 and s.warnings == []
    assert s.metadata["protocol"] == "practice" and s.metadata["result"] == {"hold_time_s": 1.25}
    assert s.image_size == (640, 480) and s.fps == 30.0
    np.testing.assert_array_equal(s.t, [f[0] for f in frames])
    np.testing.assert_array_equal(s.world, np.array([f[2] for f in frames]))
    assert list(s.detected) == [f[3] for f in frames]
    assert np.isnan(s.image[3]).all() and not np.isnan(s.image[4]).any()
    np.testing.assert_array_equal(s.image[4], frames[4][1])
    assert s.events == [Event(10 / 30, "lift", {"side": "left", "frame": 10})]


def test_file_is_private_to_its_owner(tmp_path):
    path = tmp_path / "s.balance"
    _write(path, n=2)
    assert path.stat().st_mode & 0o077 == 0


def test_every_cut_point_reads_up_to_last_whole_record(tmp_path):
    path = tmp_path / "s.balance"
    _write(path, n=6)
    data = path.read_bytes()
    header_end = data.index(b"}") + 5  # metadata JSON then its CRC
    boundaries, pos = {header_end}, header_end
    while pos < len(data):  # each record: u32 length, kind + body, u32 crc
        pos += 8 + int.from_bytes(data[pos:pos + 4], "little")
        boundaries.add(pos)
    full = read_session(path)
    assert full.warnings == []
    counts = []
    for cut in range(header_end + 1, len(data)):
        path.write_bytes(data[:cut])
        s = read_session(path)
        interrupted = f"recording was interrupted at {s.t[-1] if len(s) else 0:.1f} s"
        if cut in boundaries:
            assert s.warnings == [interrupted]
        else:
            assert "cut off" in s.warnings[0], f"no warning for a file cut at byte {cut}"
            assert s.warnings[1:] == [interrupted]
        np.testing.assert_array_equal(s.t, full.t[:len(s)])
        counts.append(len(s))
    assert counts == sorted(counts) and counts[-1] == 6 and counts[0] == 0


@pytest.mark.parametrize("content, message", [
    (b"", "not a balance session"),
    (b"frame,t_s,detected\n0,0,1\n", "not a balance session"),
    (b"BALANCE-SESSION\n\x01\x00", "header is cut off"),
])
def test_foreign_or_broken_header_is_rejected(tmp_path, content, message):
    path = tmp_path / "x.balance"
    path.write_bytes(content)
    with pytest.raises(SessionFormatError, match=message):
        read_session(path)


def _record_spans(data):
    """(start, end, kind) of every record after the header."""
    (n,) = np.frombuffer(data[20:24], "<u4")
    pos, spans = 24 + int(n) + 4, []
    while pos < len(data):
        end = pos + 8 + int.from_bytes(data[pos:pos + 4], "little")
        spans.append((pos, end, data[pos + 4:pos + 5]))
        pos = end
    return spans


def test_a_flipped_byte_costs_only_its_own_record(tmp_path):
    sample = ROOT / "samples" / "single_leg_stance.balance"
    data = sample.read_bytes()
    full = read_session(sample)
    spans = _record_spans(data)
    frame_spans = [(a, b) for a, b, k in spans if k == b"F"]
    assert len(frame_spans) == len(full) > 100
    path = tmp_path / "damaged.balance"
    for pos in np.linspace(spans[0][0], len(data) - 1, 150).astype(int):
        damaged = bytearray(data)
        damaged[pos] ^= 0x5A
        path.write_bytes(bytes(damaged))
        s = read_session(path)
        keep = [i for i, (a, b) in enumerate(frame_spans) if not a <= pos < b]
        np.testing.assert_array_equal(s.t, full.t[keep])
        np.testing.assert_array_equal(s.image, full.image[keep])
        np.testing.assert_array_equal(s.world, full.world[keep])
        hit = next(k for a, b, k in spans if a <= pos < b)
        if hit != b"E":
            assert s.events == full.events
        assert len(s.warnings) == 1, s.warnings
        last = spans[-1][0] <= pos
        assert ("cut off" if last else "skipped") in s.warnings[0]


def test_damage_warning_says_how_much_was_skipped(tmp_path):
    path = tmp_path / "s.balance"
    _write(path, n=20)
    data = bytearray(path.read_bytes())
    frames = [(a, b) for a, b, k in _record_spans(bytes(data)) if k == b"F"]
    a, b = frames[5][0], frames[7][1]  # frames 5, 6 and 7: three records
    data[a + 2] ^= 0xFF  # frame 5's length
    data[frames[7][0] + 100] ^= 0xFF  # a landmark of frame 7
    path.write_bytes(bytes(data))
    s = read_session(path)
    assert len(s) == 18 and list(s.t[4:6]) == [4 / 30, 6 / 30]
    assert s.warnings == [f"s.balance is damaged: skipped {frames[6][0] - a} bytes at byte {a} "
                          f"(about 1 frame after frame 5)",
                          f"s.balance is damaged: skipped {b - frames[7][0]} bytes at byte "
                          f"{frames[7][0]} (about 1 frame after frame 6)"]


def test_leaving_the_writer_on_an_exception_marks_the_file_interrupted(tmp_path):
    path = tmp_path / "s.balance"
    pose = np.zeros((33, 4), np.float32)
    with pytest.raises(KeyboardInterrupt):
        with SessionWriter(path, new_metadata(source="t", fps=30, image_size=(4, 4))) as w:
            for i in range(40):
                w.write_frame(i / 30, pose, pose, True)
            raise KeyboardInterrupt
    s = read_session(path)
    assert len(s) == 40 and s.warnings == ["recording was interrupted at 1.3 s"]


def test_version_1_files_read_as_before(tmp_path):
    s = read_session(ROOT / "samples" / "quiet_standing.balance")
    assert s.metadata["format_version"] == 1 and s.warnings == [] and len(s) > 100


def test_newer_format_version_asks_for_an_update(tmp_path):
    path = tmp_path / "s.balance"
    _write(path, n=1)
    data = bytearray(path.read_bytes())
    data[16] = 9
    path.write_bytes(bytes(data))
    with pytest.raises(SessionFormatError, match="format 9"):
        read_session(path)


RECORDER = """
import sys, time
import numpy as np
from balance.storage.session import SessionWriter, new_metadata
w = SessionWriter(sys.argv[1], new_metadata(source="kill-test", fps=100, image_size=(4, 4)))
pose = np.zeros((33, 4), np.float32)
print("ready", flush=True)
t0 = time.monotonic()
i = 0
while True:
    t = time.monotonic() - t0
    w.write_frame(t, pose, pose, True)
    i += 1
    time.sleep(0.005)
"""


def test_sigkill_loses_at_most_the_last_second(tmp_path):
    path = tmp_path / "killed.balance"
    proc = subprocess.Popen([sys.executable, "-c", RECORDER, str(path)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    start = time.monotonic()
    time.sleep(2.0)
    os.kill(proc.pid, signal.SIGKILL)
    recorded_for = time.monotonic() - start
    proc.wait()
    s = read_session(path)
    assert len(s) > 50
    assert s.t[-1] >= recorded_for - 1.0, (s.t[-1], recorded_for)
    assert np.all(np.diff(s.t) > 0)
    assert s.warnings[-1] == f"recording was interrupted at {s.t[-1]:.1f} s"


def test_a_session_is_never_written_over_an_existing_file(tmp_path):
    from balance.errors import InputError
    from tests.helpers import assert_one_line_error, balance
    path = tmp_path / "kept.balance"
    path.write_bytes(b"someone's recording")
    with pytest.raises(InputError, match="already exists"):
        SessionWriter(path, new_metadata(source="t", fps=30, image_size=(64, 48)))
    assert path.read_bytes() == b"someone's recording"
    # analyze says so before it opens the model or the video
    proc = balance("analyze", tmp_path / "no-such-video.mp4", "--out", path)
    assert_one_line_error(proc, "already exists")
    assert path.read_bytes() == b"someone's recording"
