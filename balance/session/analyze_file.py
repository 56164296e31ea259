"""One video or image folder analysed into one session file: the work of ``balance analyze``
and of each ``balance batch`` task, so the two record the very same session."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from balance.capture.sources import FrameSource
from balance.pose.estimator import PoseEstimator
from balance.profile import Profile
from balance.protocols import create, reasons, registry
from balance.session import pipeline
from balance.session.recording import Recording
from balance.storage.session import SessionWriter, new_metadata


def analyze_source(source: FrameSource, model: str | Path | bytes, out: Path, *,
                   source_name: str, model_sha256: str, profile: Profile,
                   person: str | None = None, protocol: str | None = None,
                   options: dict | None = None, save_video: bool = False,
                   on_frame: Callable[[pipeline.FrameResult], None] | None = None,
                   to_history: bool = True) -> tuple[pipeline.AnalysisStats, Recording]:
    """Pose on every frame of ``source`` (a fresh landmarker: VIDEO mode tracks from frame
    to frame), recorded to a new session file ``out`` and scored with ``protocol`` if
    named. ``model`` is the ``.task`` file or its bytes; ``source_name`` is recorded as the
    session's source. Returns the run's stats and the ended `Recording` (its result, and
    why it did not reach the history when ``to_history``)."""
    options = dict(options or {})
    if protocol and registry.canonical(protocol) == "tug":
        options.setdefault("go", "movement")  # a file has no Go cue: its first movement
    test = (create(protocol, profile, image_size=source.size, fps=source.fps, **options)
            if protocol else None)
    meta = new_metadata(source=source_name, fps=source.fps, image_size=source.size,
                        person_id=person, model_sha256=model_sha256, protocol=protocol,
                        profile=profile.to_dict())
    video = pipeline.open_session_video(out, source.fps, source.size) if save_video else None
    try:
        with SessionWriter(out, meta) as writer, PoseEstimator(model) as estimator:
            rec = Recording(test, writer, video, to_history=to_history)
            stats = pipeline.run(source, estimator, rec, on_frame=on_frame)
            writer.update_metadata(frames=stats.frames, detection_rate=stats.detection_rate)
            rec.stop(reasons.SOURCE_ENDED)  # closes the files, adds a scored test to the history
    finally:
        if video is not None:
            video.release()
    return stats, rec
