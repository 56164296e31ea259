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
from balance.storage.landmark_csv import read_landmark_csv
from balance.storage.session import read_session
from tests.test_cli_errors import ROOT, assert_one_line_error, balance

SAMPLE = ROOT / "samples" / "single_leg_stance.balance"


def _frames(path, **kw):
    return export.write_frames_csv(path, build(read_session(SAMPLE)), **kw)


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
        _frames(path)
    assert path.read_text() == "precious\n" and os.listdir(tmp_path) == ["a.csv"]
    _frames(path, overwrite=True)
    _, image, _, size = read_landmark_csv(path)
    np.testing.assert_allclose(image, read_session(SAMPLE).image, rtol=1e-5, atol=1e-6)
    assert size == read_session(SAMPLE).image_size


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


def test_full_disk_leaves_no_file_behind(tmp_path, monkeypatch):
    _FullDisk(monkeypatch)
    with pytest.raises(InputError, match="No space left"):
        _frames(tmp_path / "out.csv")
    assert os.listdir(tmp_path) == []


def test_full_disk_keeps_the_old_file_when_overwriting(tmp_path, monkeypatch):
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    _FullDisk(monkeypatch)
    with pytest.raises(InputError, match="No space left"):
        _frames(path, overwrite=True)
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


# --- --force: replace on purpose, same kind only ------------------------------------------

def test_export_force_replaces_a_csv_but_never_a_session(tmp_path):
    old = tmp_path / "f.csv"
    old.write_text("last week\n")
    assert_one_line_error(balance("export", SAMPLE, "--frames", old), "already exists", "--force")
    proc = balance("export", SAMPLE, "--frames", old, "--force")
    assert proc.returncode == 0, proc.stderr
    assert old.read_text().startswith("frame,t_s,detected,stance") and len(
        old.read_text().splitlines()) == 1201
    assert old.stat().st_mode & 0o777 == 0o600 and os.listdir(tmp_path) == ["f.csv"]
    session = tmp_path / "s.balance"
    session.write_bytes(SAMPLE.read_bytes())
    assert_one_line_error(balance("export", SAMPLE, "--trials", session, "--force"),
                          "is a balance session")
    assert session.read_bytes() == SAMPLE.read_bytes()


def test_report_force_replaces_an_older_pdf(tmp_path):
    old = tmp_path / "r.pdf"
    old.write_bytes(b"%PDF old %%EOF")
    assert_one_line_error(balance("report", SAMPLE, "--out", old), "already exists")
    proc = balance("report", SAMPLE, "--out", old, "--force", env={"QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    data = old.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 1000 and data.rstrip().endswith(b"%%EOF")
    assert old.stat().st_mode & 0o777 == 0o600 and os.listdir(tmp_path) == ["r.pdf"]


@pytest.mark.model
def test_analyze_force_replaces_a_session_with_a_session_only(tmp_path, pose_model):
    from tests.test_capture import make_video

    video = make_video(tmp_path / "clip.avi", n=12)
    out = tmp_path / "s.balance"
    out.write_bytes(SAMPLE.read_bytes())
    model = ("--model", pose_model.path, "--quiet")
    assert_one_line_error(balance("analyze", video, "--out", out, *model), "already exists")
    notes = tmp_path / "notes.txt"
    notes.write_text("mine\n")
    for argv, words in (((*model, "--out", notes, "--force"), "not a balance session"),
                        ((*model, "--csv", out, "--force"), "is a balance session")):
        assert_one_line_error(balance("analyze", video, *argv), words)
    proc = balance("analyze", video, "--out", out, "--csv", tmp_path / "s.csv", "--save-video",
                   "--force", *model)
    assert proc.returncode == 0, proc.stderr
    assert len(read_session(out)) == 12 and out.stat().st_mode & 0o777 == 0o600
    assert sorted(os.listdir(tmp_path)) == ["clip.avi", "notes.txt", "s.avi", "s.balance",
                                            "s.csv"]  # nothing temporary left
    assert notes.read_text() == "mine\n"


@pytest.mark.model
def test_analyze_never_writes_its_kept_video_over_the_input(tmp_path, pose_model):
    from tests.test_capture import make_video

    video = make_video(tmp_path / "clip.avi", n=6)
    before = video.read_bytes()
    proc = balance("analyze", video, "--save-video", "--quiet", "--model", pose_model.path,
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert video.read_bytes() == before  # the session went to clip-1, its video beside it
    assert (tmp_path / "clip-1.balance").exists() and (tmp_path / "clip-1.avi").exists()
    assert_one_line_error(balance("analyze", video, "--out", tmp_path / "clip.balance",
                                  "--save-video", "--quiet", "--model", pose_model.path),
                          "is the video being analysed")
    assert video.read_bytes() == before
