"""Bad input at the command line: one line on stderr, exit status 2, no traceback."""

import pytest

from tests.helpers import ROOT, assert_one_line_error, balance


def test_analyze_missing_file(tmp_path):
    assert_one_line_error(balance("analyze", tmp_path / "nope.mp4"), "nope.mp4", "no such")


def test_analyze_empty_file(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert_one_line_error(balance("analyze", tmp_path / "empty.mp4"), "empty")


def test_analyze_text_renamed_mp4(tmp_path):
    (tmp_path / "notes.mp4").write_text("shopping list\n" * 100)
    assert_one_line_error(balance("analyze", tmp_path / "notes.mp4"), "notes.mp4")


@pytest.mark.parametrize("content, words", [
    (b"just some text\n", ("not a balance session",)),
    (b"BALANCE-SESSION\n\x01\x00\x00\x00\xff\x00\x00\x00{}", ("corrupt",)),
])
def test_info_foreign_or_corrupt_session(tmp_path, content, words):
    path = tmp_path / "bad.balance"
    path.write_bytes(content)
    assert_one_line_error(balance("info", path), *words)


def test_info_missing_session(tmp_path):
    assert_one_line_error(balance("info", tmp_path / "gone.balance"), "no such session")


def test_info_summarises_the_bundled_sample():
    proc = balance("info", ROOT / "samples" / "single_leg_stance.balance")
    assert proc.returncode == 0, proc.stderr
    assert "frames    1200 over 39.97 s, person found in 100.0 %" in proc.stdout
    assert "30 fps" in proc.stdout


@pytest.mark.parametrize("option", ["--out", "--csv"])
def test_analyze_into_a_missing_folder(tmp_path, option):
    proc = balance("analyze", tmp_path / "any.mp4", option, tmp_path / "no" / "such" / "x")
    assert_one_line_error(proc, "does not exist")


def test_an_os_error_is_one_line_too(monkeypatch, capsys):
    import balance.cli as cli

    def fail(args):
        raise PermissionError(13, "Permission denied", "/root/secret.balance")
    monkeypatch.setattr(cli.COMMANDS["info"], "run", fail)
    assert cli.main(["info", "whatever"]) == 2
    assert capsys.readouterr().err == "error: /root/secret.balance: Permission denied\n"


def test_image_folder_with_a_zero_frame_rate(tmp_path):
    import cv2
    import numpy as np
    cv2.imwrite(str(tmp_path / "a.png"), np.zeros((8, 8, 3), np.uint8))
    assert_one_line_error(balance("analyze", tmp_path, "--fps", "0"), "frame rate")


def test_help_runs_as_a_module():
    proc = balance("--help")
    assert proc.returncode == 0 and "usage: balance" in proc.stdout
    assert "score a session or landmark CSV" in proc.stdout


def test_score_calls_a_folder_a_folder(tmp_path):
    assert_one_line_error(balance("score", tmp_path, "--protocol", "practice"), "is a folder")
    assert_one_line_error(balance("score", tmp_path / "x.balance", "--protocol", "practice"),
                          "no such session or CSV file")


@pytest.mark.parametrize("times, frame", [([0.0, 0.0, 0.0, 0.0], 1), ([0.0, 0.1, 0.05, 0.2], 2)])
def test_a_landmark_csv_whose_clock_does_not_run_is_refused(tmp_path, times, frame):
    import numpy as np

    from balance.storage.landmark_csv import LandmarkCsvWriter
    path = tmp_path / "stuck.csv"
    with LandmarkCsvWriter(path, image_size=(640, 480)) as w:
        for t in times:
            w.write(t, np.full((33, 4), 0.5, np.float32), True)
    proc = balance("score", path, "--protocol", "practice")
    assert_one_line_error(proc, "frame times must increase", f"frame {frame} does not")


def test_live_with_a_bad_model_is_one_line_before_any_window(tmp_path):
    """It used to open a window with a cut-off red banner that never closed (here the
    window would wait for ever, offscreen, and the run time out)."""
    import cv2
    import numpy as np

    video = tmp_path / "clip.avi"
    out = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (64, 48))
    for _ in range(5):
        out.write(np.full((48, 64, 3), 90, np.uint8))
    out.release()
    bad = tmp_path / "pose.task"
    bad.write_bytes(b"not a model")
    proc = balance("live", "--source", video, "--model", bad, "--exit-when-done",
                   env={"QT_QPA_PLATFORM": "offscreen"}, timeout=120)
    assert_one_line_error(proc, "pose.task", "unusable")
