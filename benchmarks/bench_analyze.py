"""Throughput of ``balance analyze`` against pose inference alone, on the same frames.

Run from the project root: ``python benchmarks/bench_analyze.py [VIDEO] [--frames N]
[--repeat R]``. Default video: the 720p yoga clip in ../shared/realdata (a real person is
needed; the bundled samples hold landmarks, not images). Inference alone runs the model on
frames decoded and converted to RGB beforehand (the model's own rate); analyze decodes,
converts, infers and writes the session, decoding ahead on a thread of its own; "serial"
is the loop as it was before that thread (decode, convert, infer, write, one after the
other). The three alternate ``--repeat`` times in one run (a shared machine's load
drifts); prints each round's ratios and their medians, and the process's CPU time a
frame of each way (what bounds the throughput when the cores are saturated, as the model
alone saturates two). Goal (issue 18): analyze >= 0.9 x inference alone.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import cv2
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
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not args.video.exists():
        print(f"skipped: {args.video} not found (pass a video with a person in it)")
        return 0
    native_logs.silence()
    model = prepare_model()

    with VideoFileSource(args.video) as src:
        frames = [(f, t, cv2.cvtColor(f, cv2.COLOR_BGR2RGB))
                  for _, (f, t) in zip(range(args.frames), src)]
        size, fps = src.size, src.fps
    n = len(frames)
    print(f"video: {args.video.name}, {size[0]}x{size[1]}, {n} frames; "
          f"load average {os.getloadavg()[0]:.2f}")
    ratios, serial_ratios, cpu_ratios = [], [], []
    ways = {"alone": lambda: inference_alone(model.path, frames),
            "analyze": lambda: analyze_fps(args.video, model.path, fps, size, n),
            "serial": lambda: serial_fps(args.video, model.path, fps, size, n)}
    order = list(ways)
    for _ in range(args.repeat):
        got = {name: ways[name]() for name in order}
        order = order[1:] + order[:1]  # each way first in turn: the load drifts
        (ms, alone, cpu), (analyze, cpu_a), (serial, cpu_s) = (got["alone"], got["analyze"],
                                                               got["serial"])
        ratios.append(analyze / alone)
        serial_ratios.append(serial / alone)
        cpu_ratios.append(cpu / cpu_a)
        print(f"inference alone {alone:.1f} fps (median {np.median(ms):.1f} ms, p95 "
              f"{np.percentile(ms, 95):.1f} ms a frame; CPU {cpu:.1f} ms a frame); analyze "
              f"(decode + pose + session write) {analyze:.1f} fps, ratio {ratios[-1]:.3f} "
              f"(CPU {cpu_a:.1f} ms); serial {serial:.1f} fps, ratio "
              f"{serial_ratios[-1]:.3f} (CPU {cpu_s:.1f} ms)", flush=True)
    print(f"analyze / inference-alone throughput ratio: median {np.median(ratios):.3f} of "
          f"{len(ratios)} (serial: {np.median(serial_ratios):.3f}); CPU a frame, alone / "
          f"analyze: median {np.median(cpu_ratios):.3f}; load average "
          f"{os.getloadavg()[0]:.2f}")
    return 0


def inference_alone(model_path, frames) -> tuple[list, float, float]:
    """Per-frame ms, fps and CPU ms a frame of the model on frames already decoded and in
    RGB."""
    with PoseEstimator(model_path) as est:
        start, cpu = time.perf_counter(), cpu_s()
        ms = [est.detect(frame, t, rgb=rgb).inference_ms for frame, t, rgb in frames]
        return (ms, len(frames) / (time.perf_counter() - start),
                1e3 * (cpu_s() - cpu) / len(frames))


def serial_fps(video, model_path, fps, size, n) -> tuple[float, float]:
    """The analyze loop without its decoding thread, the baseline of the overlap: fps and
    CPU ms a frame."""
    with tempfile.TemporaryDirectory() as tmp, VideoFileSource(video) as src, \
            PoseEstimator(model_path) as est:
        meta = new_metadata(source=str(video), fps=fps, image_size=size)
        with SessionWriter(Path(tmp) / "bench.balance", meta) as writer:
            rec = Recording(None, writer)
            start, cpu = time.perf_counter(), cpu_s()
            for _, (frame, t_s) in zip(range(n), src):
                pose = est.detect(frame, t_s)
                rec.feed(t_s, pose.image, pose.world, pose.detected, frame)
            return n / (time.perf_counter() - start), 1e3 * (cpu_s() - cpu) / n


def analyze_fps(video, model_path, fps, size, n) -> tuple[float, float]:
    """What ``analyze`` does to the first ``n`` frames: fps and CPU ms a frame."""
    with tempfile.TemporaryDirectory() as tmp, VideoFileSource(video) as src, \
            PoseEstimator(model_path) as est:
        meta = new_metadata(source=str(video), fps=fps, image_size=size)
        with SessionWriter(Path(tmp) / "bench.balance", meta) as writer:
            cpu = cpu_s()
            stats = pipeline.run(src, est, Recording(None, writer), max_frames=n)
            return stats.total_fps, 1e3 * (cpu_s() - cpu) / stats.frames


def cpu_s() -> float:
    """CPU seconds of this process, all its threads (the model's and the decoder's)."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


if __name__ == "__main__":
    sys.exit(main())
