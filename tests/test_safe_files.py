"""Whole-file writes: atomic, owner-only, never over an existing file, nothing left on failure;
and a kept video that survives its recorder being killed."""

import builtins
import os

import cv2
import numpy as np
import pytest

from balance.errors import InputError
from balance.present.timeline import build
from balance.session.pipeline import open_session_video
from balance.storage import export
from balance.storage.files import atomic_open
from balance.storage.landmark_csv import read_landmark_csv, write_landmark_csv
from balance.storage.session import read_session
from tests.test_cli_errors import ROOT, assert_one_line_error, balance

SAMPLE = ROOT / "samples" / "single_leg_stance.balance"


def _landmarks(n=5):
    rng = np.random.default_rng(1)
    return np.arange(n) / 30, rng.random((n, 33, 4)).astype(np.float32), np.ones(n, bool)


def test_atomic_file_is_owner_only_and_whole(tmp_path):
    path = tmp_path / "a.txt"
    with atomic_open(path) as fh:
        fh.write("first line\n")
        assert not path.exists()  # nobody sees it half-written
    assert path.read_text() == "first line\n"
    assert path.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["a.txt"]


def test_existing_file_is_kept_unless_overwrite(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("precious\n")
    with pytest.raises(InputError, match="already exists"):
        write_landmark_csv(path, *_landmarks())
    assert path.read_text() == "precious\n" and os.listdir(tmp_path) == ["a.csv"]
    write_landmark_csv(path, *_landmarks(), overwrite=True)
    t, image, _ = read_landmark_csv(path)
    np.testing.assert_allclose(image, _landmarks()[1], rtol=1e-5)


class _FullDisk:
    """Make writes to files whose name contains ``part`` fail after ``budget`` bytes."""

    def __init__(self, monkeypatch, budget=100):
        real_open = builtins.open
        self.budget = budget

        def fake_open(file, mode="r", *args, **kwargs):
            fh = real_open(file, mode, *args, **kwargs)
            if "w" in mode and ".part" in str(file):
                write = fh.write

                def limited(data):
                    self.budget -= len(data)
                    if self.budget < 0:
                        raise OSError(28, "No space left on device")
                    return write(data)
                fh.write = limited
            return fh
        monkeypatch.setattr(builtins, "open", fake_open)


@pytest.mark.parametrize("write", [
    lambda p: write_landmark_csv(p, *_landmarks(50)),
    lambda p: export.write_frames_csv(p, build(read_session(SAMPLE))),
])
def test_full_disk_leaves_no_file_behind(tmp_path, monkeypatch, write):
    _FullDisk(monkeypatch)
    with pytest.raises(InputError, match="No space left"):
        write(tmp_path / "out.csv")
    assert os.listdir(tmp_path) == []


def test_full_disk_keeps_the_old_file_when_overwriting(tmp_path, monkeypatch):
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    _FullDisk(monkeypatch)
    with pytest.raises(InputError, match="No space left"):
        write_landmark_csv(path, *_landmarks(50), overwrite=True)
    assert path.read_text() == "old\n" and os.listdir(tmp_path) == ["out.csv"]


def test_export_over_an_existing_file_is_one_line_error(tmp_path):
    session = tmp_path / "s.balance"
    session.write_bytes(SAMPLE.read_bytes())
    assert_one_line_error(balance("export", session, "--frames", session), "already exists")
    assert session.read_bytes() == SAMPLE.read_bytes()
    proc = balance("export", session, "--frames", tmp_path / "f.csv")
    assert proc.returncode == 0, proc.stderr
    assert sorted(os.listdir(tmp_path)) == ["f.csv", "s.balance"]


def test_incomplete_pdf_is_refused_and_removed(tmp_path, monkeypatch, qapp):
    from balance.gui import pdf_layout, pdf_report

    out = tmp_path / "r.pdf"
    pdf_report.write_session_report(SAMPLE, out)
    assert out.read_bytes().rstrip().endswith(b"%%EOF") and out.stat().st_mode & 0o077 == 0
    with pytest.raises(InputError, match="already exists"):
        pdf_report.write_session_report(SAMPLE, out)

    finish = pdf_layout.PdfPager.finish

    def cut_short(self):  # what a full disk does to Qt's writer: a file without its end
        finish(self)
        with open(self.path, "r+b") as fh:
            fh.truncate(self.path.stat().st_size // 2)
    monkeypatch.setattr(pdf_layout.PdfPager, "finish", cut_short)
    with pytest.raises(InputError, match="incomplete"):
        pdf_report.write_session_report(SAMPLE, tmp_path / "cut.pdf")
    assert sorted(os.listdir(tmp_path)) == ["r.pdf"]


def test_kept_video_reads_back_when_cut_off(tmp_path):
    session = tmp_path / "s.balance"
    writer = open_session_video(session, 30.0, (160, 120))
    for i in range(60):
        writer.write(np.full((120, 160, 3), 4 * i, np.uint8))
    writer.release()
    video = export.video_beside(session)
    assert video == session.with_suffix(".avi") and video.stat().st_mode & 0o077 == 0
    data = video.read_bytes()
    video.write_bytes(data[:len(data) // 2])  # what SIGKILL leaves: no index, no end
    cap = cv2.VideoCapture(str(video))
    levels = []
    while (frame := cap.read())[0]:
        levels.append(int(frame[1].mean()))
    cap.release()
    assert 20 <= len(levels) <= 31  # about half the frames, each whole
    assert all(abs(v - 4 * i) <= 3 for i, v in enumerate(levels)), levels


def test_an_older_mp4_beside_a_session_is_still_found(tmp_path):
    session = tmp_path / "s.balance"
    session.with_suffix(".mp4").write_bytes(b"x")
    assert export.video_beside(session) == session.with_suffix(".mp4")
    session.with_suffix(".avi").write_bytes(b"x")
    assert export.video_beside(session) == session.with_suffix(".avi")
