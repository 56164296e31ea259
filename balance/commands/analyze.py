"""``balance analyze VIDEO``: pose on every frame, recorded to a session (and CSV)."""

import sys
from pathlib import Path

from balance.commands import options
from balance.commands.progress import ProgressBar
from balance.commands.score import format_result, profile_from
from balance.errors import InputError
from balance.storage.landmark_csv import LandmarkCsvWriter
from balance.storage.session import SUFFIX

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
    from balance.pose.model import prepare_model
    from balance.session.analyze_file import analyze_source

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
        table = LandmarkCsvWriter(args.csv) if args.csv else None
        bar = ProgressBar(source.expected_frames, "analyze",
                          enabled=not args.quiet and sys.stderr.isatty())
        try:
            stats, rec = analyze_source(
                source, model.path, out, source_name=str(args.video), model_sha256=model.sha256,
                profile=profile, person=args.person, protocol=args.protocol,
                options=options.chosen_options(args), save_video=args.save_video,
                on_frame=_each(table, bar))
        finally:
            bar.close()
            if table is not None:
                table.close()
    if stats.warning:
        print(f"warning: {stats.warning}", file=sys.stderr)
    print(f"session: {out}")
    if args.csv:
        print(f"csv: {args.csv}")
    print(stats.summary())
    if args.protocol:
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


def _each(table, bar):
    def on_frame(result):
        if table is not None:
            table.write(result.t_s, result.image, result.detected)
        bar.update(result.index + 1)
    return on_frame
