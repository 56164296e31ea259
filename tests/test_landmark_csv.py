"""The landmark CSV of `analyze --csv` is written as frames arrive: a kill keeps them."""

import os
import signal
import stat
import subprocess
import sys
import time

import numpy as np
import pytest

from balance.errors import InputError
from balance.storage.landmark_csv import LandmarkCsvWriter, read_landmark_csv
from tests.helpers import ROOT

WRITER = """
import sys, time
import numpy as np
from balance.storage.landmark_csv import LandmarkCsvWriter
w = LandmarkCsvWriter(sys.argv[1], image_size=(640, 480), flush_s=0.25)
pose = np.full((33, 4), 0.25, np.float32)
print("ready", flush=True)
t0 = time.monotonic()
while True:
    w.write(time.monotonic() - t0, pose, True)
    time.sleep(0.005)
"""


def test_a_killed_writer_leaves_every_frame_but_the_last_quarter_second(tmp_path):
    path = tmp_path / "killed.csv"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    start = time.monotonic()
    time.sleep(1.5)
    os.kill(proc.pid, signal.SIGKILL)
    ran_for = time.monotonic() - start
    proc.wait()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    t, image, detected, size = read_landmark_csv(path)
    assert size == (640, 480)
    assert len(t) > 50 and t[-1] >= ran_for - 0.6, (t[-1], ran_for)
    assert np.all(np.diff(t) > 0) and detected.all()
    assert np.allclose(image, 0.25)


def test_a_row_cut_off_mid_write_is_dropped_and_the_rest_read(tmp_path):
    path = tmp_path / "cut.csv"
    with LandmarkCsvWriter(path, image_size=(1280, 720)) as w:
        for i in range(5):
            w.write(i / 30, np.full((33, 4), i, np.float32), True)
    data = path.read_bytes()
    path.write_bytes(data[:-40])  # the last row loses its end
    t, image, _, size = read_landmark_csv(path)
    assert size == (1280, 720)
    assert t == pytest.approx([0, 1 / 30, 2 / 30, 3 / 30], abs=1e-6)
    assert image[3, 0, 0] == 3


def test_an_existing_file_is_never_written_over(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("keep me")
    with pytest.raises(InputError, match="already exists"):
        LandmarkCsvWriter(path, image_size=(1280, 720))
    assert path.read_text() == "keep me"
