"""What a crash costs: SIGKILL at random moments of ``balance analyze``, ``balance import``
and a live recording, then what reads back; and the readers' fuzzers at length.

Usage: python benchmarks/bench_faults.py [--runs 50] [--seed 15] [--only PART]

For each recorder it prints the runs, how they ended (killed mid-recording and salvaged,
killed before the first frame, finished), the broken guarantees (must be 0), and the
frames lost at most: frames the recorder had handed to the session writer that the file
does not give back, with the time they span. The README's guarantees quote these figures.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from balance import cli, native_logs  # noqa: E402
from balance.errors import BalanceError  # noqa: E402
from balance.pose.model import prepare_model  # noqa: E402
from balance.storage.landmark_csv import LandmarkCsvWriter, read_landmark_csv  # noqa: E402
from balance.storage.session import read_session  # noqa: E402
from balance.testing import faults  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "single_leg_stance.balance"


def make_clip(path: Path, n: int = 240) -> Path:
    import cv2
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (320, 240))
    for i in range(n):
        frame = np.full((240, 320, 3), (i * 7) % 256, np.uint8)
        cv2.putText(frame, str(i), (20, 120), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 3)
        out.write(frame)
    out.release()
    return path


def summary(name: str, runs: list, wall_s: float) -> None:
    ends: dict[str, int] = {}
    for r in runs:
        key = r.outcome if not r.outcome.startswith("error") else "clear error"
        ends[key] = ends.get(key, 0) + 1
    problems = [p for r in runs for p in r.problems]
    killed = [r for r in runs if r.outcome == "salvaged" and r.written]
    lost = max((r.lost for r in killed), default=0)
    span = max((r.lost_span_s for r in killed), default=0.0)
    kept = sum(r.read or 0 for r in killed) / max(1, sum(len(r.written) for r in killed))
    print(f"{name:<16} {len(runs)} runs in {wall_s:.0f} s: "
          + ", ".join(f"{v} {k}" for k, v in sorted(ends.items()))
          + f"; broken guarantees {len(problems)}")
    if killed:
        print(f"{'':<16} killed mid-recording: {len(killed)}; frames lost at most {lost} "
              f"(spanning {span:.3f} s), {100 * kept:.1f} % of written frames read back")
    for p in problems[:5]:
        print(f"{'':<16} ! {p}")


def bench_analyze(root: Path, clip: Path, model: Path, rng, runs: int) -> list:
    out = []
    for i in range(runs):
        folder = root / f"analyze{i}"
        folder.mkdir()
        (folder / "notes.txt").write_text("the user's own file\n")
        replace = i % 2 == 1  # every other run replaces a finished session with --force
        if replace:
            faults.analyze_kill(folder, clip, model, 300, replace=False)
        out.append(faults.analyze_kill(folder, clip, model, float(rng.uniform(1.0, 9.0)),
                                       replace=replace))
        shutil.rmtree(folder)
    return out


def bench_live(root: Path, clip: Path, model: Path, rng, runs: int) -> list:
    out = []
    for i in range(runs):
        folder = root / f"live{i}"
        folder.mkdir()
        out.append(faults.live_kill(folder, clip, model, float(rng.uniform(0.5, 9.0))))
        shutil.rmtree(folder)
    return out


def bench_import(root: Path, rng, runs: int) -> list:
    sessions = faults.distinct_sessions(root / "in", 6, SAMPLE)
    faults.kill_after(["import", *map(str, sessions), "--protocol", "single-leg-stance"], 600,
                      env={"BALANCE_DATA_DIR": str(root / "clean")}, probe=False)
    complete = faults.history_state(root / "clean")
    faults.kill_after(["import", str(sessions[0]), "--protocol", "single-leg-stance"], 600,
                      env={"BALANCE_DATA_DIR": str(root / "base")}, probe=False)
    out = []
    for i in range(runs):  # each into a history that already holds a session
        data = root / f"data{i}"
        shutil.copytree(root / "base", data)
        run = faults.import_kill(root / "in", sessions[1:], complete,
                                 float(rng.uniform(0.3, 9.0)), data_dir=data)
        out.append(run)
        shutil.rmtree(data)
    return out


def fuzz(root: Path, rng, cases: int) -> None:
    """Damaged sessions through ``balance info``, damaged CSVs through the reader."""
    native_logs.silence = lambda: None  # in-process: keep this terminal's stderr
    data = SAMPLE.read_bytes()[:80_000]
    path = root / "x.balance"
    codes = {0: 0, 2: 0}
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for _ in range(cases):
            make = faults.damaged if rng.random() < 0.6 else faults.forged_session
            path.write_bytes(make(data, rng)[1])
            codes[cli.main(["info", str(path)])] += 1
    print(f"{'session fuzz':<16} {cases} damaged files: {codes[0]} read (salvaged), "
          f"{codes[2]} one clear error, 0 other exceptions")
    s = read_session(SAMPLE)
    csv = root / "a.csv"
    with LandmarkCsvWriter(csv, image_size=s.image_size) as w:
        for i in range(100):
            w.write(s.t[i], s.image[i], s.detected[i])
    clean, ok, errors = csv.read_bytes(), 0, 0
    for _ in range(cases):
        csv.write_bytes(faults.damaged(clean, rng)[1])
        try:
            read_landmark_csv(csv)
            ok += 1
        except BalanceError:
            errors += 1
    print(f"{'CSV fuzz':<16} {cases} damaged files: {ok} read, {errors} one clear error, "
          "0 other exceptions")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--only", choices=("analyze", "live recording", "import", "fuzz"),
                    help="run one part only")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    model = prepare_model().path
    root = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    os.environ["BALANCE_DATA_DIR"] = str(root / "history")  # analyze and live add nothing
    try:
        clip = make_clip(root / "clip.avi")
        print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python "
              f"{sys.version.split()[0]}; clip 240 frames 320x240 at 30 fps; seed {args.seed}")
        for name, bench in (("analyze", lambda: bench_analyze(root, clip, model, rng, args.runs)),
                            ("live recording", lambda: bench_live(root, clip, model, rng,
                                                                  args.runs)),
                            ("import", lambda: bench_import(root, rng, args.runs))):
            if args.only in (None, name):
                start = time.perf_counter()
                summary(name, bench(), time.perf_counter() - start)
        if args.only in (None, "fuzz"):
            fuzz(root, rng, 20 * args.runs)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
