"""Fault injection for ``tests/test_faults.py`` and ``benchmarks/bench_faults.py``.

Three recorders are killed with SIGKILL at a chosen moment: ``balance analyze`` (session,
landmark CSV and kept video), ``balance import`` (the history database) and a live
recording (the window's capture and processing threads, without the window, on a video
played as if live). The child reports every frame handed to the session writer on a pipe
(``probe``), so after the kill the parent knows exactly what was written and can say what
the file lost. Other helpers run a command with a size-limited file (a full disk) and
damage files for the readers' fuzzers.

Run ``python -m balance.testing.faults analyze|live ARGS...`` only through `kill_run`.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
PROBE_FD = "BALANCE_FAULT_PROBE_FD"


# --- the child: the real recorder, observed ------------------------------------------------

def _install_probe() -> None:
    """After each frame reaches the session writer, write its time to the probe pipe."""
    from balance.storage.session import SessionWriter

    fd = int(os.environ[PROBE_FD])
    write_frame = SessionWriter.write_frame

    def observed(self, *args, **kwargs):
        write_frame(self, *args, **kwargs)
        os.write(fd, f"{time.monotonic():.6f}\n".encode())
    SessionWriter.write_frame = observed


def _live_recording(video: str, out: str, model: str) -> int:
    """What the window does for one test, without the window: capture thread, processing
    thread with the real pose model, a practice test recorded with its video."""
    from balance.profile import Profile
    from balance.session import live
    from balance.session.engine import CaptureThread, LatestSlot, ProcessThread

    feed = live.open_feed(video)
    protocol = live.create_protocol("practice", Profile(), image_size=feed.size, fps=feed.fps)
    writer, kept = live.open_recording_files(feed, protocol, Profile(), Path(out),
                                             keep_video=True)
    done = threading.Event()
    slot = LatestSlot()
    proc = ProcessThread(slot, image_size=feed.size,
                         estimator_factory=live.estimator_factory(feed, Path(model)),
                         on_finished=lambda *a: done.set())
    cap = CaptureThread(feed, slot, realtime=1.0, on_end=proc.source_ended)
    proc.start_test(protocol, writer, kept)
    proc.start()
    cap.start()
    done.wait(600)
    proc.join(10)
    return 0


def _child(argv: list[str]) -> int:
    _install_probe()
    if argv[0] == "live":
        return _live_recording(*argv[1:])
    from balance.cli import main
    return main(argv)


# --- the parent: kill, then look ------------------------------------------------------------

@dataclass
class KillRun:
    """One recorder killed after ``delay_s``: what it had written and what reads back."""

    kind: str
    delay_s: float
    written: list[float] = field(default_factory=list)  # monotonic time of each frame written
    read: int | None = None  # frames the session file gives back (None: no session file)
    outcome: str = ""        # "salvaged", "no file yet", "finished" or the reader's error
    problems: list[str] = field(default_factory=list)  # broken guarantees

    @property
    def lost(self) -> int:
        return len(self.written) - (self.read or 0)

    @property
    def lost_span_s(self) -> float:
        """Time between the first and the last frame written but not in the file."""
        if self.read is None or self.lost <= 0:
            return 0.0
        return self.written[-1] - self.written[self.read]


def kill_after(argv: list[str], delay_s: float, *, env: dict | None = None, probe: bool = True,
               from_first_frame: bool = False,
               timeout_s: float = 120.0) -> tuple[list[float], int, str]:
    """Start ``balance.testing.faults`` (``probe``) or ``balance`` with ``argv``, SIGKILL it
    after ``delay_s`` (counted from its first frame written when ``from_first_frame``,
    else from its start) unless it ended first. Returns (frame times written, exit status,
    stderr)."""
    r, w = os.pipe()
    module = "balance.testing.faults" if probe else "balance"
    child_env = {**os.environ, "PYTHONPATH": str(ROOT), PROBE_FD: str(w), **(env or {})}
    proc = subprocess.Popen([sys.executable, "-m", module, *argv], cwd=ROOT, env=child_env,
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(w)
    lines: list[bytes] = []
    reader = threading.Thread(target=lambda: lines.extend(os.fdopen(r, "rb")), daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout_s
    while from_first_frame and not lines and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    try:
        proc.wait(delay_s)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
    err = proc.communicate(timeout=timeout_s)[1].decode(errors="replace")
    reader.join(timeout_s)
    return [float(x) for x in lines if x.strip()], proc.returncode, err


def check_session(run: KillRun, path: Path | None, *, finished: bool) -> None:
    """The session reads up to the kill, flagged interrupted, or gives one clear error."""
    from balance.errors import BalanceError
    from balance.storage.session import read_session

    if path is None or not path.exists():
        run.outcome = "no file yet"
        if run.written:
            run.problems.append(f"{len(run.written)} frames written but no session file")
        return
    try:
        s = read_session(path)
    except BalanceError as exc:
        run.outcome, run.read = f"error: {exc}", 0
        if run.written:  # the header goes first: a file with frames always reads
            run.problems.append(f"frames written but the file does not read: {exc}")
        return
    run.read = len(s)
    run.outcome = "finished" if finished else "salvaged"
    if len(s) > len(run.written):
        run.problems.append(f"{len(s)} frames read, only {len(run.written)} written")
    if len(s) < len(run.written) and not any("interrupted" in w for w in s.warnings):
        run.problems.append(f"a recording cut short reads as whole: {s.warnings}")


def check_readable_partials(run: KillRun, csv: Path | None, video: Path | None) -> None:
    """The landmark CSV and the kept video hold no more frames than were written, and
    read (or the CSV gives one clear error: killed before its first row)."""
    from balance.errors import InputError
    from balance.storage.landmark_csv import read_landmark_csv

    if csv is not None and csv.exists():
        try:
            rows = len(read_landmark_csv(csv)[0])
        except InputError:
            rows = 0
        if rows > len(run.written):
            run.problems.append(f"CSV has {rows} rows, {len(run.written)} frames written")
    if video is not None and video.exists() and video_frames(video) > len(run.written):
        run.problems.append(f"video has more frames than were written ({len(run.written)})")


def video_frames(path: Path) -> int:
    import cv2
    cap = cv2.VideoCapture(str(path))
    n = 0
    while cap.read()[0]:
        n += 1
    cap.release()
    return n


def fingerprints(folder: Path) -> dict[Path, str]:
    """sha256 of every file under ``folder``: what existed before a run."""
    return {p: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def check_kept(run: KillRun, before: dict[Path, str]) -> None:
    """Every file that existed before the run is still there, byte for byte."""
    for path, digest in before.items():
        if not path.exists():
            run.problems.append(f"{path.name} existed before and is gone")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            run.problems.append(f"{path.name} existed before and was changed")


def partial_beside(target: Path) -> Path | None:
    """The temporary recording ``balance.storage.files.staged`` makes to replace
    ``target`` (``.NAME.*.part.SUFFIX``), if one is there."""
    found = sorted(target.parent.glob(f".{target.stem}.*.part{target.suffix}"))
    return found[0] if found else None


def analyze_kill(folder: Path, video: Path, model: Path, delay_s: float, *,
                 replace: bool, from_first_frame: bool = False) -> KillRun:
    """Kill ``balance analyze --csv --save-video`` after ``delay_s``; with ``replace`` it
    records over an existing session, CSV and video with ``--force``, and a kill must
    leave those as they were."""
    out, csv = folder / "out.balance", folder / "out.csv"
    before = fingerprints(folder)
    argv = ["analyze", str(video), "--out", str(out), "--csv", str(csv), "--save-video",
            "--quiet", "--model", str(model)] + (["--force"] if replace else [])
    run = KillRun("analyze" + (" --force" if replace else ""), delay_s)
    run.written, status, err = kill_after(argv, delay_s, from_first_frame=from_first_frame)
    _check_exit(run, status, err)
    partial = partial_beside(out) if replace else None
    # replaced: the run finished, or was killed after renaming its new session over the old
    replaced = status == 0 or (replace and partial is None and bool(run.written))
    if replace and not replaced:  # the new recording is still under its temporary name
        out, csv = partial, partial_beside(csv)
    check_session(run, out, finished=status == 0)
    mine = {folder / "out.balance", folder / "out.csv", folder / "out.avi"}
    check_kept(run, {p: d for p, d in before.items() if not (replaced and p in mine)})
    check_readable_partials(run, csv, out.with_suffix(".avi") if out else None)
    return run


def live_kill(folder: Path, video: Path, model: Path, delay_s: float, *,
              from_first_frame: bool = False) -> KillRun:
    """Kill a live recording (capture and processing threads, the real pose model, the kept
    video) after ``delay_s``."""
    out = folder / "live.balance"
    before = fingerprints(folder)
    run = KillRun("live", delay_s)
    run.written, status, err = kill_after(["live", str(video), str(out), str(model)], delay_s,
                                          from_first_frame=from_first_frame)
    killed = status == -signal.SIGKILL
    _check_exit(run, status, err)
    check_session(run, out, finished=not killed)
    check_kept(run, before)
    check_readable_partials(run, None, out.with_suffix(".avi"))
    return run


def _check_exit(run: KillRun, status: int, err: str) -> None:
    if "Traceback" in err or status not in (0, -signal.SIGKILL):
        run.problems.append(f"exit status {status}: {err.strip()[-300:]}")


# --- the history under kills ------------------------------------------------------------------

def distinct_sessions(folder: Path, n: int, source: Path) -> list[Path]:
    """``n`` copies of a session that the history tells apart (their headers differ)."""
    from balance.storage.session import SessionWriter, read_session

    s = read_session(source)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"copy{i}.balance"
        with SessionWriter(path, {**s.metadata, "copy": i}) as w:
            for k in range(len(s)):
                w.write_frame(s.t[k], s.image[k], s.world[k], bool(s.detected[k]))
            for e in s.events:
                w.write_event(e)
        paths.append(path)
    return paths


def history_state(data_dir: Path) -> dict[str, int]:
    """{session file name: trials} of every session in the history at ``data_dir``."""
    from balance.storage.history import History

    with History(data_dir / "history.sqlite3") as h:
        out = {}
        for p in h.people():
            counts: dict[int, int] = {}
            for t in h.trials(p.name):
                counts[t.session_id] = counts.get(t.session_id, 0) + 1
            for s in h.sessions(p.name):
                out[Path(s.file).name] = counts.get(s.id, 0)
        return out


def import_kill(folder: Path, sessions: list[Path], complete: dict[str, int], delay_s: float,
                *, data_dir: Path) -> KillRun:
    """Kill ``balance import --protocol single-leg-stance`` of ``sessions`` into a history
    that already holds one session. Afterwards the history opens, still holds what it
    held, and each session is in it whole (``complete``: its trials) or not at all."""
    run = KillRun("import", delay_s)
    before_files = fingerprints(folder)
    before = history_state(data_dir)
    argv = ["import", *map(str, sessions), "--protocol", "single-leg-stance"]
    _, status, err = kill_after(argv, delay_s, env={"BALANCE_DATA_DIR": str(data_dir)},
                                probe=False)
    _check_exit(run, status, err)
    try:
        after = history_state(data_dir)
    except Exception as exc:  # noqa: BLE001 - any failure to open is the finding
        run.problems.append(f"the history does not open after the kill: {exc}")
        return run
    run.read, run.outcome = len(after), "finished" if status == 0 else "salvaged"
    for name, trials in before.items():
        if after.get(name) != trials:
            run.problems.append(f"{name} was in the history and changed: {after.get(name)}")
    for name, trials in after.items():
        if name in complete and trials != complete[name]:
            run.problems.append(f"{name} is in the history half-imported ({trials} trials)")
    check_kept(run, {p: d for p, d in before_files.items() if data_dir not in p.parents})
    return run


# --- a full disk ---------------------------------------------------------------------------------

def run_limited(argv: list[str], limit_bytes: int, *, env: dict | None = None,
                timeout_s: float = 300.0) -> subprocess.CompletedProcess:
    """``balance ARGV`` where no file may grow past ``limit_bytes`` (RLIMIT_FSIZE, SIGXFSZ
    ignored, so a write fails with EFBIG as a full disk fails with ENOSPC)."""
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return subprocess.run([sys.executable, "-m", "balance", *argv], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
                          preexec_fn=limit, capture_output=True, text=True, timeout=timeout_s)


# --- damaged files ---------------------------------------------------------------------------------

def damaged(data: bytes, rng: np.random.Generator) -> tuple[str, bytes]:
    """One random damage of ``data``: (what was done, the result)."""
    how = rng.choice(["truncate", "flip", "header", "garbage", "splice"])
    n = len(data)
    if how == "truncate":
        return how, data[:int(rng.integers(0, n))]
    if how == "flip":
        out = bytearray(data)
        for i in rng.integers(0, n, size=int(rng.integers(1, 20))):
            out[i] ^= 1 << int(rng.integers(0, 8))
        return how, bytes(out)
    if how == "header":  # the first bytes replaced by random ones
        k = int(rng.integers(1, min(n, 600)))
        return how, rng.bytes(k) + data[k:]
    if how == "garbage":  # random bytes inserted somewhere
        i = int(rng.integers(0, n))
        return how, data[:i] + rng.bytes(int(rng.integers(1, 400))) + data[i:]
    i, j = sorted(int(x) for x in rng.integers(0, n, size=2))  # a stretch repeated
    return how, data[:j] + data[i:j] + data[j:]


def forged_session(data: bytes, rng: np.random.Generator) -> tuple[str, bytes]:
    """A session whose checksums hold but whose content is random: a random metadata
    JSON in the header, or a record of a random kind with a random body appended (what a
    different program, or a bug, could write)."""
    import json
    import struct
    import zlib

    from balance.storage.session import MAGIC

    u32 = struct.Struct("<I")
    if rng.random() < 0.5:
        meta = json.dumps(random_json(rng)).encode()
        head = MAGIC + u32.pack(int(rng.integers(0, 3))) + u32.pack(len(meta)) + meta
        skip = len(MAGIC) + 8 + u32.unpack_from(data, len(MAGIC) + 4)[0] + 4
        return "forged header", head + u32.pack(zlib.crc32(meta)) + data[skip:]
    kind = bytes([rng.choice(list(b"FEMZX"))])
    body = (json.dumps(random_json(rng)).encode() if rng.random() < 0.7
            else rng.bytes(int(rng.integers(0, 1100))))
    rec = kind + body
    return "forged record", data + u32.pack(len(rec)) + rec + u32.pack(zlib.crc32(rec))


def random_json(rng: np.random.Generator, depth: int = 0):
    """A random JSON value, often an object with the keys a session or event holds."""
    keys = ["fps", "image_size", "t_s", "kind", "payload", "protocol", "result", "profile",
            "person_id", "start_time", "frames", "format_version", "x"]
    pick = int(rng.integers(0, 7 if depth < 3 else 5))
    if pick == 0:
        return None
    if pick == 1:
        return float(rng.normal() * 10 ** int(rng.integers(0, 12)))
    if pick == 2:
        return int(rng.integers(-5, 5000))
    if pick == 3:
        return "".join(rng.choice(list("ab1.x-é"), size=int(rng.integers(0, 8))))
    if pick == 4:
        return bool(rng.integers(0, 2))
    if pick == 5:
        return [random_json(rng, depth + 1) for _ in range(int(rng.integers(0, 4)))]
    return {str(rng.choice(keys)): random_json(rng, depth + 1)
            for _ in range(int(rng.integers(0, 6)))}


_ODD_VALUES = (None, "", "x", "{}", "[1]", '{"trials": 5}', -1, 0, 3000, 1e300, b"\xff\x00",
               "2026-13-45", "ann")


def forged_history(path: Path, rng: np.random.Generator) -> str:
    """Put odd values (wrong types, out of range, bytes) into random columns of every row
    of a history database, as another program or a damaged page could; SQLite's own
    constraints refuse some. Returns what was tried."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        tables = {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for (t,) in
                  con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        done = []
        for _ in range(int(rng.integers(1, 4))):
            table = str(rng.choice(sorted(tables)))
            column = str(rng.choice(tables[table]))
            value = _ODD_VALUES[int(rng.integers(len(_ODD_VALUES)))]
            try:
                con.execute(f"UPDATE {table} SET {column} = ?", (value,))
                done.append(f"{table}.{column}={value!r}")
            except sqlite3.Error:
                pass
        con.commit()
    finally:
        con.close()
    return ", ".join(done)


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1:]))
