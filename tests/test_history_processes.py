"""The history under real processes: a writer killed mid-transaction, two writers at once."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from balance.storage.history import History
from tests.test_history_store import trial, write_session

ROOT = Path(__file__).resolve().parents[1]


def _spawn(code: str, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _files(folder: Path, n: int, person: str) -> list[Path]:
    folder.mkdir(exist_ok=True)
    return [write_session(folder / f"{person}{i}.balance", person=person, seconds=0.5,
                          start=f"2026-02-{1 + i % 28:02d}T09:{i % 60:02d}:00+00:00",
                          trials=[trial("left", 10.0 + i), trial("right", 5.0 + i, n=2)])
            for i in range(n)]


def _consistent(path: Path) -> dict:
    """Integrity check, and every session holds both of its trials (never one)."""
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    per_session = con.execute("SELECT s.id, count(r.id) FROM sessions s LEFT JOIN results r "
                              "ON r.session_id = s.id GROUP BY s.id").fetchall()
    assert all(n == 2 for _, n in per_session), per_session
    out = {"sessions": len(per_session),
           "people": [r[0] for r in con.execute("SELECT name FROM people ORDER BY name")]}
    con.close()
    return out


KILL_INSIDE = """
    import sys, time
    from balance.storage import history
    h = history.History(sys.argv[1])
    h.import_session(sys.argv[2])            # committed
    real = history.trial_rows
    def stall(result):                       # runs inside import_session's transaction
        rows = real(result)
        print("inside", flush=True)
        time.sleep(60)
        return rows
    history.trial_rows = stall
    h.import_session(sys.argv[3], person="doomed")
"""


def test_writer_killed_inside_a_transaction_leaves_the_last_commit(tmp_path):
    db = tmp_path / "h.sqlite3"
    a, b = _files(tmp_path / "s", 2, "ann")
    History(db).close()
    proc = _spawn(KILL_INSIDE, db, a, b)
    assert proc.stdout.readline().strip() == "inside", proc.stderr.read()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert _consistent(db) == {"sessions": 1, "people": ["ann"]}  # no trace of "doomed"
    with History(db) as h:  # and the next writer carries on normally
        assert h.import_session(b, person="doomed").new


KILL_ANYWHERE = """
    import sys
    from balance.storage.history import History
    h = History(sys.argv[1])
    print("ready", flush=True)
    while True:
        for f in sys.argv[2:]:
            h.import_session(f)
"""


@pytest.mark.parametrize("delay_s", [0.05, 0.13, 0.31])
def test_writer_killed_at_any_moment_keeps_the_database_consistent(tmp_path, delay_s):
    db = tmp_path / "h.sqlite3"
    files = _files(tmp_path / "s", 12, "ann")
    proc = _spawn(KILL_ANYWHERE, db, *files)
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    time.sleep(delay_s)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    state = _consistent(db)
    assert 0 <= state["sessions"] <= 12


WRITER = """
    import sys, time
    from pathlib import Path
    from balance.storage.history import History
    go = Path(sys.argv[2])
    while not go.exists():
        time.sleep(0.005)
    with History(sys.argv[1]) as h:
        for f in sys.argv[3:]:
            h.import_session(f)
            h.update_person(Path(f).stem.rstrip("0123456789"), notes=Path(f).stem)
    print("done", flush=True)
"""


def test_two_processes_writing_at_once_both_succeed(tmp_path):
    db = tmp_path / "h.sqlite3"
    go = tmp_path / "go"
    History(db).close()
    ann, bob = _files(tmp_path / "a", 15, "ann"), _files(tmp_path / "b", 15, "bob")
    procs = [_spawn(WRITER, db, go, *files) for files in (ann, bob)]
    go.touch()  # both start together
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-2000:] for o in outs]
    assert _consistent(db) == {"sessions": 30, "people": ["ann", "bob"]}
    with History(db) as h:
        assert [r.hold_time_s for r in h.trials("bob")][:4] == [10.0, 5.0, 11.0, 6.0]
        assert h.person("ann").notes == "ann14"  # each writer's last update landed
