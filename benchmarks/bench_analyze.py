"""Throughput of ``balance analyze`` against pose inference alone, on the same frames.

Run from the project root: ``python benchmarks/bench_analyze.py [VIDEO] [--frames N]``.
Default video: the 720p yoga clip in ../shared/realdata (a real person is needed; the
bundled samples hold landmarks, not images). Prints per-frame inference time (median,
p95), inference-only fps, analyze fps (decode + pose + session write) and their ratio.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from balance import native_logs
from balance.session import pipeline
from balance.session.recording import Recording
from balance.capture import VideoFileSource
from balance.pose.estimator import PoseEstimator
from balance.pose.model import prepare_model
from balance.storage.session import SessionWriter, new_metadata

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "realdata" / "videos" / "yoga_warrior2" / "warrior2.mp4"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("video", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--frames", type=int, default=300)
    args = ap.parse_args()
    if not args.video.exists():
        print(f"skipped: {args.video} not found (pass a video with a person in it)")
        return 0
    native_logs.silence()
    model = prepare_model()

    with VideoFileSource(args.video) as src:
        frames = [f for _, f in zip(range(args.frames), src)]
        size, fps = src.size, src.fps
    n = len(frames)

    with PoseEstimator(model.path) as est:
        start = time.perf_counter()
        ms = [est.detect(frame, t).inference_ms for frame, t in frames]
        infer_s = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp, VideoFileSource(args.video) as src, \
            PoseEstimator(model.path) as est:
        meta = new_metadata(source=str(args.video), fps=fps, image_size=size)
        with SessionWriter(Path(tmp) / "bench.balance", meta) as writer:
            stats = pipeline.run(src, est, Recording(None, writer), max_frames=n)

    ms = np.asarray(ms)
    print(f"video: {args.video.name}, {size[0]}x{size[1]}, {n} frames")
    print(f"inference per frame: median {np.median(ms):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms")
    print(f"inference alone: {n / infer_s:.1f} fps")
    print(f"analyze (decode + pose + session write): {stats.total_fps:.1f} fps")
    print(f"analyze / inference-alone throughput ratio: {stats.total_fps / (n / infer_s):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
