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
from balance.storage.session import Event, SessionWriter, new_metadata, read_session

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
    counts = []
    for cut in range(header_end + 1, len(data)):
        path.write_bytes(data[:cut])
        s = read_session(path)
        if cut in boundaries:
            assert s.warnings == []
        else:
            assert "cut off" in s.warnings[0], f"no warning for a file cut at byte {cut}"
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


def test_corruption_before_the_tail_is_an_error(tmp_path):
    path = tmp_path / "s.balance"
    _write(path, n=20)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(SessionFormatError, match="checksum"):
        read_session(path)


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
