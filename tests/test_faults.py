"""Faults: a recorder killed at any moment, a full disk, damaged files. Each run ends in
salvage or one clear error, never a traceback, and nothing that existed before is lost.

A few runs of each here; ``benchmarks/bench_faults.py`` runs the kills 50+ times each and
prints what was lost at most.
"""

import os
import struct

import numpy as np
import pytest

from balance import cli
from balance.errors import BalanceError
from balance.storage.landmark_csv import LandmarkCsvWriter, read_landmark_csv
from balance.storage.session import FLUSH_INTERVAL_S, MAGIC, read_session
from balance.testing import faults
from tests.helpers import SAMPLE, assert_one_line_error
from tests.test_capture import make_video

model = pytest.mark.model


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """Ten seconds of video: every kill below lands mid-recording."""
    return make_video(tmp_path_factory.mktemp("clip") / "in.avi", n=300, fps=30.0,
                      size=(320, 240))


def _assert_salvaged(run):
    assert run.problems == [], run.problems
    assert run.outcome == "salvaged", run.outcome
    # what the kill cost: only frames written since the writer last handed data to the OS
    assert run.lost_span_s < FLUSH_INTERVAL_S, (run.lost, run.lost_span_s)


# --- SIGKILL ---------------------------------------------------------------------------------

@model
@pytest.mark.parametrize("delay_s", [0.2, 0.9, 1.7])
def test_killed_analyze_keeps_all_but_the_last_half_second(tmp_path, clip, pose_model, delay_s):
    (tmp_path / "notes.txt").write_text("the user's own file\n")
    run = faults.analyze_kill(tmp_path, clip, pose_model.path, delay_s, replace=False,
                              from_first_frame=True)
    _assert_salvaged(run)
    if delay_s > 2 * FLUSH_INTERVAL_S:
        assert run.read > 0  # at least one flush came before the kill
    s = read_session(tmp_path / "out.balance")  # the first frames of the clip, in order
    np.testing.assert_allclose(s.t, np.arange(len(s)) / 30.0, atol=1e-3)


@model
def test_killed_analyze_force_leaves_the_old_session(tmp_path, clip, pose_model):
    first = faults.analyze_kill(tmp_path, clip, pose_model.path, 120.0, replace=False)
    assert first.outcome == "finished" and first.read == 300
    run = faults.analyze_kill(tmp_path, clip, pose_model.path, 1.0, replace=True,
                              from_first_frame=True)
    _assert_salvaged(run)  # the old session, CSV and video unchanged, the new one partial
    assert len(read_session(tmp_path / "out.balance")) == 300


@model
@pytest.mark.parametrize("delay_s", [0.4, 1.3])
def test_killed_live_recording_keeps_all_but_the_last_half_second(tmp_path, clip, pose_model,
                                                                  delay_s):
    run = faults.live_kill(tmp_path, clip, pose_model.path, delay_s, from_first_frame=True)
    _assert_salvaged(run)
    assert faults.video_frames(tmp_path / "live.avi") <= len(run.written)


@pytest.fixture(scope="module")
def import_setup(tmp_path_factory):
    """Four sessions to import and what a clean import makes of them."""
    root = tmp_path_factory.mktemp("import")
    sessions = faults.distinct_sessions(root / "in", 4, SAMPLE)
    faults.kill_after(["import", *map(str, sessions), "--protocol", "single-leg-stance"],
                      300, env={"BALANCE_DATA_DIR": str(root / "clean")}, probe=False)
    complete = faults.history_state(root / "clean")
    assert len(complete) == 4 and all(n > 0 for n in complete.values())
    return sessions, complete


@pytest.mark.parametrize("delay_s", [0.3, 1.8, 3.5])
def test_killed_import_leaves_the_history_whole(tmp_path, import_setup, delay_s):
    sessions, complete = import_setup
    data = tmp_path / "data"
    faults.kill_after(["people", "add", "ann", "--birth-year", "1950"], 60,
                      env={"BALANCE_DATA_DIR": str(data)}, probe=False)
    run = faults.import_kill(sessions[0].parent, sessions, complete, delay_s, data_dir=data)
    assert run.problems == [], run.problems
    assert "ann" in _people(data)


def _people(data):
    from balance.storage.history import History
    with History(data / "history.sqlite3") as h:
        return [p.name for p in h.people()]


# --- a full disk -------------------------------------------------------------------------------

def test_full_disk_export_keeps_the_old_file(tmp_path):
    old = tmp_path / "frames.csv"
    old.write_text("the export from last week\n")
    proc = faults.run_limited(["export", SAMPLE, "--frames", old, "--force"], 20_000)
    assert_one_line_error(proc, str(old))
    assert old.read_text() == "the export from last week\n"
    assert os.listdir(tmp_path) == ["frames.csv"]  # no temporary or 0-byte file left


def test_full_disk_report_keeps_the_old_pdf(tmp_path):
    old = tmp_path / "r.pdf"
    old.write_bytes(b"%PDF-1.4 last week's report %%EOF")
    proc = faults.run_limited(["report", SAMPLE, "--out", old, "--force"], 20_000,
                              env={"QT_QPA_PLATFORM": "offscreen"})
    assert_one_line_error(proc, str(old))
    assert old.read_bytes() == b"%PDF-1.4 last week's report %%EOF"
    assert os.listdir(tmp_path) == ["r.pdf"]


@model
def test_full_disk_analyze_keeps_a_readable_partial_recording(tmp_path, clip, pose_model):
    out = tmp_path / "s.balance"
    proc = faults.run_limited(["analyze", clip, "--out", out, "--quiet", "--model",
                               pose_model.path], 40_000)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(errors) == 1 and str(out) in errors[0] and "kept" in errors[0], proc.stderr
    s = read_session(out)
    assert 20 < len(s) < 40 and any("interrupted" in w for w in s.warnings)


def test_full_disk_creating_the_history_is_one_line(tmp_path):
    data = tmp_path / "data"
    proc = faults.run_limited(["people", "add", "ann"], 8_000,
                              env={"BALANCE_DATA_DIR": str(data)})
    assert_one_line_error(proc, "history")
    for f in data.iterdir():
        assert f.stat().st_mode & 0o077 == 0, f


# --- damaged files -----------------------------------------------------------------------------

def _frame_ends(data: bytes) -> list[int]:
    """Where each whole frame record of an intact session ends."""
    pos = len(MAGIC) + 8 + struct.unpack_from("<I", data, len(MAGIC) + 4)[0] + 4
    ends = []
    while pos < len(data):
        start, pos = pos, pos + 4 + struct.unpack_from("<I", data, pos)[0] + 4
        if data[start + 4:start + 5] == b"F":
            ends.append(pos)
    return ends


def test_session_reader_salvages_or_gives_one_clear_error(tmp_path, capsys):
    data = SAMPLE.read_bytes()[:80_000]
    rng = np.random.default_rng(15)
    path = tmp_path / "x.balance"
    outcomes = {0: 0, 2: 0}
    for _ in range(300):
        how, damaged = (faults.damaged if rng.random() < 0.6 else faults.forged_session)(data, rng)
        path.write_bytes(damaged)
        outcomes[cli.main(["info", str(path)])] += 1  # any other exception fails the test
    capsys.readouterr()
    assert outcomes[0] > 100 and outcomes[2] > 30, outcomes


def test_a_cut_session_reads_up_to_its_last_whole_frame(tmp_path):
    data = SAMPLE.read_bytes()
    ends = _frame_ends(data)
    path = tmp_path / "cut.balance"
    for cut in np.random.default_rng(4).integers(ends[0], len(data), size=40):
        path.write_bytes(data[:cut])
        s = read_session(path)
        assert len(s) == sum(1 for e in ends if e <= cut)


def test_landmark_csv_reader_salvages_or_gives_one_clear_error(tmp_path):
    s = read_session(SAMPLE)
    path = tmp_path / "a.csv"
    with LandmarkCsvWriter(path, image_size=s.image_size) as w:
        for i in range(60):
            w.write(s.t[i], s.image[i], s.detected[i])
    data = path.read_bytes()
    rng = np.random.default_rng(16)
    read = 0
    for _ in range(300):
        how, damaged = faults.damaged(data, rng)
        path.write_bytes(damaged)
        try:
            t, image, *_ = read_landmark_csv(path)
        except BalanceError:
            continue
        read += 1
        if how == "truncate":  # whole rows only, never a number cut short
            rows = damaged.count(b"\n") - 1
            assert len(t) == rows
            np.testing.assert_allclose(t, s.t[:rows], atol=1e-6)
    assert read > 20


def test_history_database_damage_is_one_clear_error(tmp_path, monkeypatch, capsys):
    clean = tmp_path / "clean"
    monkeypatch.setenv("BALANCE_DATA_DIR", str(clean))
    assert cli.main(["import", str(SAMPLE), "--person", "ann",
                     "--protocol", "single-leg-stance"]) == 0
    assert cli.main(["people", "add", "bob", "--birth-year", "1950", "--height", "170"]) == 0
    _checkpoint(clean / "history.sqlite3")
    data = (clean / "history.sqlite3").read_bytes()
    rng = np.random.default_rng(17)
    outcomes = {0: 0, 2: 0}
    for i in range(120):
        run = tmp_path / f"r{i}"
        run.mkdir()
        (run / "history.sqlite3").write_bytes(data)
        if rng.random() < 0.5:
            faults.forged_history(run / "history.sqlite3", rng)
        else:
            (run / "history.sqlite3").write_bytes(faults.damaged(data, rng)[1])
        monkeypatch.setenv("BALANCE_DATA_DIR", str(run))
        for argv in (["history"], ["history", "--person", "ann"], ["people", "list"]):
            outcomes[cli.main(argv)] += 1
    capsys.readouterr()
    assert outcomes[0] > 50 and outcomes[2] > 50, outcomes


def _checkpoint(path):
    """Fold the WAL into the database file, so damaging the file damages everything."""
    import sqlite3
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
