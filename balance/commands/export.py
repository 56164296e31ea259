"""``balance export``: CSV tables, and video or snapshots with the face blurred."""

from pathlib import Path

from balance.commands import options
from balance.errors import InputError
from balance.storage import export, files
from balance.storage.session import read_session

HELP = "CSV tables, or video/snapshots with the face blurred"
DESCRIPTION = ("Export a session's per-frame data and per-trial results as CSV, or its video "
               "or a snapshot with the face blurred (landmarks 0-10). --person exports their "
               "per-trial table.")


def add_arguments(p) -> None:
    p.add_argument("session", nargs="?", type=Path, help="a session file")
    p.add_argument("--person", help="per-trial table of this person's history")
    p.add_argument("--weeks", type=options.count,
                   help="with --person: only the N weeks up to their latest session")
    p.add_argument("--frames", type=Path, help="per-frame CSV to write")
    p.add_argument("--trials", type=Path, help="per-trial CSV to write")
    p.add_argument("--video", type=Path, help="video to write (needs SESSION.avi or .mp4 beside it)")
    p.add_argument("--snapshot", type=float, metavar="SECONDS",
                   help="a picture at this time of the session (with --image)")
    p.add_argument("--image", type=Path, help="snapshot file (.png or .jpg)")
    p.add_argument("--skeleton", action="store_true", help="draw the skeleton on the video")
    p.add_argument("--no-blur", action="store_true",
                   help="keep the face visible (only for a recipient you trust)")
    p.add_argument("--force", action="store_true",
                   help="replace existing output files (never a session file)")


def run(args) -> int:
    if not (args.frames or args.trials or args.video or args.snapshot is not None):
        raise InputError("say what to export: --frames F.csv, --trials F.csv, --video F.mp4 "
                         "or --snapshot SECONDS --image F.png")
    for out in (args.frames, args.trials, args.video, args.image):
        if out is not None:  # all refused before any is written
            files.check_target(out, overwrite=args.force)
    if args.person:
        return _person(args)
    if not args.session:
        raise InputError("give a SESSION file, or --person NAME for their per-trial table")
    s = read_session(args.session)
    if args.frames:
        from balance.present.timeline import build
        n = export.write_frames_csv(args.frames, build(s), overwrite=args.force)
        print(f"frames: {args.frames} ({n} rows)")
    if args.trials:
        rows = export.session_trial_rows(s)
        if not rows:
            raise InputError(f"{args.session} holds no result to export; import it into the "
                             "history to score it (`balance import --protocol NAME`)")
        n = export.write_trials_csv(args.trials, rows, overwrite=args.force)
        print(f"trials: {args.trials} ({n} rows)")
    if args.video:
        n = export.export_video(s, args.video, blur=not args.no_blur, skeleton=args.skeleton,
                                overwrite=args.force)
        print(f"video: {args.video} ({n} frames, face {'kept' if args.no_blur else 'blurred'})")
    if args.snapshot is not None:
        if not args.image:
            raise InputError("--snapshot needs --image F.png")
        export.export_snapshot(s, args.snapshot, args.image, blur=not args.no_blur,
                               overwrite=args.force)
        print(f"snapshot: {args.image}")
    return 0


def _person(args) -> int:
    from balance.storage.history import History
    from balance.storage.trends import since_weeks

    if args.frames or args.video or args.snapshot is not None:
        raise InputError("--person exports the per-trial table only (--trials F.csv); "
                         "per-frame data, video and snapshots are per SESSION")
    with History() as h:
        rows = export.history_trial_rows(h, args.person,
                                         since=since_weeks(h, args.person, args.weeks))
    n = export.write_trials_csv(args.trials, rows, overwrite=args.force)
    print(f"trials: {args.trials} ({n} rows)")
    return 0
