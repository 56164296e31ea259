"""``balance analyze VIDEO``: pose on every frame, recorded to a session (and CSV)."""

import sys
from pathlib import Path


from balance.commands import options
from balance.commands.progress import ProgressBar
from balance.commands.score import format_result, profile_from
from balance.errors import InputError
from balance.protocols import create, reasons
from balance.protocols.tracking import DEFAULT_HEIGHT_CM
from balance.session.recording import Recording
from balance.storage.landmark_csv import LandmarkCsvWriter
from balance.storage.session import SUFFIX, SessionWriter, new_metadata

HELP = "find the pose in every frame of a video, record a session"
DESCRIPTION = ("Run pose estimation on a video file (or image folder), write a session file "
               "and optionally a landmark CSV.")


def add_arguments(p) -> None:
    p.add_argument("video", help="video file, or a folder of images")
    p.add_argument("--out", type=Path, help="session file to write (default: VIDEO.balance "
                   "beside the current directory, never overwriting)")
    p.add_argument("--csv", type=Path, help="also write per-frame image landmarks as CSV")
    p.add_argument("--fps", type=options.above_zero("the frame rate"), default=30.0,
                   help="frame rate of an image folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    options.add_protocol(p, "score while analysing")
    options.add_test_options(p)
    options.add_profile(p, person="person id to record in the session")
    g = options.window_group(p, "pose and video")
    options.add_model(g)
    options.add_save_video(g, "keep the frames as SESSION.avi (MJPG) beside the session")


def run(args) -> int:
    # Here, not at the top: the parser imports every command, and --help stays fast.
    from balance.capture import open_source
    from balance.pose.estimator import PoseEstimator
    from balance.pose.model import prepare_model
    from balance.session import pipeline

    for path in (args.out, args.csv):  # before the model and the video: fail fast
        if path is not None and not path.resolve().parent.is_dir():
            raise InputError(f"{path}: its folder {path.resolve().parent} does not exist")
        if path is not None and path.exists():  # never written over: choose another name
            raise InputError(f"{path} already exists; analyze never replaces a file")
    source = open_source(args.video, fps=args.fps)
    with source:
        model = prepare_model(args.model)
        out = args.out or unused_path(Path(Path(args.video).name).with_suffix(SUFFIX))
        profile = profile_from(args)
        protocol = (create(args.protocol, profile, image_size=source.size, fps=source.fps,
                           **options.chosen_options(args)) if args.protocol else None)
        meta = new_metadata(source=str(args.video), fps=source.fps, image_size=source.size,
                            person_id=args.person, model_sha256=model.sha256,
                            protocol=args.protocol, profile=profile.to_dict())
        video = (pipeline.open_session_video(out, source.fps, source.size)
                 if args.save_video else None)
        table = LandmarkCsvWriter(args.csv) if args.csv else None
        bar = ProgressBar(source.expected_frames, "analyze",
                          enabled=not args.quiet and sys.stderr.isatty())
        views = pipeline.ViewLog(source.size, profile.height_cm or DEFAULT_HEIGHT_CM)
        try:
            with SessionWriter(out, meta) as writer, PoseEstimator(model.path) as estimator:
                rec = Recording(protocol, writer, video)
                stats = pipeline.run(source, estimator, rec, on_frame=_each(table, bar, views))
                writer.update_metadata(frames=stats.frames, detection_rate=stats.detection_rate)
                rec.stop(reasons.SOURCE_ENDED)  # closes the files, adds a scored test to the history
        finally:
            bar.close()
            if video is not None:
                video.release()
            if table is not None:
                table.close()
    for warning in (stats.warning, views.warning()):
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
    print(f"session: {out}")
    if args.csv:
        print(f"csv: {args.csv}")
    print(stats.summary())
    if protocol is not None:
        print(format_result(rec.result()))
    if rec.history_problem:
        print(f"warning: {rec.history_problem}", file=sys.stderr)
    return 0


def unused_path(path: Path) -> Path:
    """``path`` itself if free, else ``name-1.ext``, ``name-2.ext``...: never overwrite."""
    candidate, n = path, 0
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def _each(table, bar, views):
    def on_frame(result):
        views.add(result)
        if table is not None:
            table.write(result.t_s, result.image, result.detected)
        bar.update(result.index + 1)
    return on_frame
