"""``balance analyze VIDEO``: pose on every frame, recorded to a session (and CSV)."""

import sys
from contextlib import nullcontext
from pathlib import Path

from balance.commands import options
from balance.commands.progress import ProgressBar
from balance.commands.score import format_result, profile_from
from balance.errors import InputError
from balance.storage import files
from balance.storage.history import add_to_history
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
    p.add_argument("--force", action="store_true",
                   help="replace an existing --out session (and its kept video) or --csv "
                   "file once the new one is whole; a session is only ever replaced by a "
                   "session")
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
    from balance.protocols.tracking import DEFAULT_HEIGHT_CM
    from balance.session import pipeline

    out = args.out or unused_path(Path(Path(args.video).name).with_suffix(SUFFIX),
                                  video=args.save_video)
    check_outputs(args, out)  # before the model and the video: fail fast
    source = open_source(args.video, fps=args.fps)
    with source:
        model = prepare_model(args.model)
        beside = (".avi",) if args.save_video else ()
        views = pipeline.ViewLog(source.size, profile_from(args).height_cm or DEFAULT_HEIGHT_CM)
        with files.staged(out, args.force, session=True, beside=beside) as rec_out, \
                _staged_csv(args) as csv_out:  # replaced only once the new files are whole
            stats, rec = _record(source, model, rec_out, csv_out, args, views)
    history_problem = add_to_history(out)[1] if args.protocol else None
    for warning in (stats.warning, views.warning()):
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
    print(f"session: {out}")
    if args.csv:
        print(f"csv: {args.csv}")
    print(stats.summary())
    if args.protocol:
        print(format_result(rec.result()))
    if history_problem:
        print(f"warning: {history_problem}", file=sys.stderr)
    return 0


def check_outputs(args, out: Path) -> None:
    """Refuse outputs that would lose a file: an existing one without --force, a change
    of kind, the video being analysed, two outputs on one name, a kept video left beside
    a session it no longer belongs to."""
    for path in (args.out, args.csv):
        if path is not None and not path.resolve().parent.is_dir():
            raise InputError(f"{path}: its folder {path.resolve().parent} does not exist")
    video = out.with_suffix(".avi")
    written = [out] + ([args.csv] if args.csv else []) + ([video] if args.save_video else [])
    if len({p.resolve() for p in written}) < len(written):
        raise InputError("--out, --csv and the kept video need different names")
    for path in written:
        if path.exists() and Path(args.video).exists() and path.samefile(args.video):
            raise InputError(f"{path} is the video being analysed; choose another name")
    files.check_target(out, overwrite=args.force, session=True)
    if args.csv:
        files.check_target(args.csv, overwrite=args.force)
    if args.save_video:  # replaced with its session, never on its own
        files.check_target(video, overwrite=out.exists())
    elif out.exists() and video.exists():
        raise InputError(f"{video} belongs to the session {out}: replacing the session "
                         "without --save-video would leave it beside the wrong recording; "
                         "move it away or add --save-video")


def _staged_csv(args):
    return files.staged(args.csv, args.force) if args.csv else nullcontext(None)


def _record(source, model, out: Path, csv: Path | None, args, views):
    """Pose on every frame into the session (and CSV, and video) at ``out``; every file
    is closed on return. The history gets the session under its final name, after."""
    from balance.session.analyze_file import analyze_source

    table = LandmarkCsvWriter(csv, image_size=source.size) if csv else None
    bar = ProgressBar(source.expected_frames, "analyze",
                      enabled=not args.quiet and sys.stderr.isatty())
    try:
        return analyze_source(
            source, model.path, out, source_name=str(args.video), model_sha256=model.sha256,
            profile=profile_from(args), person=args.person, protocol=args.protocol,
            options=options.scoring_options(args), save_video=args.save_video,
            on_frame=_each(table, bar, views), to_history=False)
    finally:
        bar.close()
        if table is not None:
            table.close()


def unused_path(path: Path, *, video: bool = False) -> Path:
    """``path`` itself if free, else ``name-1.ext``, ``name-2.ext``...: never overwrite
    (nor, with ``video``, a file where the kept video goes)."""
    candidate, n = path, 0
    while candidate.exists() or (video and candidate.with_suffix(".avi").exists()):
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
