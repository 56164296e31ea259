"""Throughput of ``balance batch`` on a local Dask cluster of 1 and 2 workers, against the
same videos analysed one at a time in this process (the per-file code of ``analyze``).

Run from the project root: ``python benchmarks/bench_batch.py [VIDEO...]``. Default: the
real videos in ../shared/realdata (4 Pose2Sim views, the Sports2D and yoga clips). Prints
frames per second of each way and its ratio to one at a time, measured in this run. The
batch times include starting the cluster and each worker's first model load, as a user
waits for them; the history is left alone (nothing is written to it).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from balance import native_logs
from balance.capture import VideoFileSource
from balance.pose.model import prepare_model
from balance.profile import Profile
from balance.session.analyze_file import analyze_source
from balance.session.batch import executors, inputs
from balance.session.batch.manifest import Manifest
from balance.session.batch.run import run_batch
from balance.session.batch.task import Settings

ROOT = Path(__file__).resolve().parents[1]
VIDEOS = ROOT.parent / "shared" / "realdata" / "videos"
DEFAULT = [*sorted((VIDEOS / "pose2sim_demo" / "balancing_trial").glob("cam0*.mp4")),
           VIDEOS / "sports2d" / "demo.mp4", VIDEOS / "yoga_warrior2" / "warrior2.mp4"]


def one_at_a_time(videos, model, folder: Path) -> tuple[int, float]:
    """(frames, seconds) analysing ``videos`` one after another, as ``analyze`` does."""
    frames, start = 0, time.perf_counter()
    for i, video in enumerate(videos):
        with VideoFileSource(video) as source:
            stats, _ = analyze_source(source, model.path, folder / f"single-{i}.balance",
                                      source_name=str(video), model_sha256=model.sha256,
                                      profile=Profile(), to_history=False)
        frames += stats.frames
    return frames, time.perf_counter() - start


def batch(videos, model, folder: Path, workers: int) -> tuple[int, float]:
    """(frames, seconds) of one batch on a fresh local cluster of ``workers``."""
    folder.mkdir()
    settings = Settings(model_path=str(model.path), model_sha256=model.sha256)
    jobs = inputs.plan_jobs([(v, inputs.VIDEO) for v in videos], settings, folder)
    start = time.perf_counter()
    rows = run_batch(jobs, executors.DaskExecutor(workers), Manifest(folder), None)
    seconds = time.perf_counter() - start
    failed = [r for r in rows if r.status != "done"]
    if failed:
        raise SystemExit(f"batch failed: {failed[0].input}: {failed[0].error}")
    return sum(r.frames for r in rows), seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("videos", nargs="*", type=Path, default=DEFAULT)
    args = ap.parse_args()
    missing = [v for v in args.videos if not v.exists()]
    if missing:
        print(f"skipped: {missing[0]} not found (pass videos with a person in them)")
        return 0
    native_logs.silence()
    model = prepare_model()
    with tempfile.TemporaryDirectory() as tmp:
        n, base_s = one_at_a_time(args.videos, model, Path(tmp))
        print(f"{len(args.videos)} videos, {n} frames")
        print(f"one at a time (analyze's code, this process): {n / base_s:.1f} frames/s "
              f"({base_s:.1f} s)")
        for workers in (1, 2):
            frames, s = batch(args.videos, model, Path(tmp) / f"w{workers}", workers)
            print(f"batch, local Dask cluster, {workers} worker(s): {frames / s:.1f} frames/s "
                  f"({s:.1f} s, start-up included): {base_s / s:.2f}x one at a time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
