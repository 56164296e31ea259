"""``balance analyze VIDEO``: pose on every frame, recorded to a session (and CSV)."""

import sys
from pathlib import Path

import cv2
import numpy as np

from balance import pipeline
from balance.capture import open_source
from balance.commands.progress import ProgressBar
from balance.pose.estimator import PoseEstimator
from balance.pose.model import prepare_model
from balance.storage.landmark_csv import write_landmark_csv
from balance.storage.session import SUFFIX, SessionWriter, new_metadata


def run(args) -> int:
    source = open_source(args.video, fps=args.fps)
    with source:
        model = prepare_model(args.model)
        out = args.out or unused_path(Path(Path(args.video).name).with_suffix(SUFFIX))
        meta = new_metadata(source=str(args.video), fps=source.fps, image_size=source.size,
                            person_id=args.person, model_sha256=model.sha256)
        video = _video_writer(out, source) if args.save_video else None
        frames = _Collector() if args.csv else None
        bar = ProgressBar(source.expected_frames, "analyze",
                          enabled=not args.quiet and sys.stderr.isatty())
        try:
            with SessionWriter(out, meta) as writer, PoseEstimator(model.path) as estimator:
                stats = pipeline.run(source, estimator, writer, video_writer=video,
                                     on_frame=_both(frames, bar))
                writer.update_metadata(frames=stats.frames, detection_rate=stats.detection_rate)
        finally:
            bar.close()
            if video is not None:
                video.release()
    if stats.warning:
        print(f"warning: {stats.warning}", file=sys.stderr)
    if args.csv:
        write_landmark_csv(args.csv, *frames.arrays())
    print(f"session: {out}")
    if args.csv:
        print(f"csv: {args.csv}")
    print(stats.summary())
    return 0


def unused_path(path: Path) -> Path:
    """``path`` itself if free, else ``name-1.ext``, ``name-2.ext``...: never overwrite."""
    candidate, n = path, 0
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def _video_writer(session_path: Path, source):
    path = session_path.with_suffix(".mp4")
    return cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), source.fps, source.size)


def _both(frames, bar):
    def on_frame(result):
        if frames is not None:
            frames.add(result)
        bar.update(result.index + 1)
    return on_frame


class _Collector:
    """Keeps image landmarks in memory for the CSV written at the end."""

    def __init__(self):
        self.t, self.image, self.detected = [], [], []

    def add(self, r):
        self.t.append(r.t_s)
        self.image.append(r.image)
        self.detected.append(r.detected)

    def arrays(self):
        return np.array(self.t), np.array(self.image), np.array(self.detected)
