"""The ``balance`` command line: ``balance --help`` lists the subcommands.

Any ``BalanceError`` ends the command with ``error: ...`` on one line and exit status 2.
"""

import argparse
import sys
from pathlib import Path

from balance import __version__, native_logs
from balance.errors import BalanceError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 0
    native_logs.silence()
    try:
        return args.run(args) or 0
    except BalanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a folder that does not exist, a full disk, no permission
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="balance",
        description="A webcam balance lab: pose estimation, sway metrics and balance tests, "
                    "fully offline.")
    p.add_argument("--version", action="version", version=f"balance {__version__}")
    sub = p.add_subparsers(title="commands", metavar="COMMAND")

    a = sub.add_parser("analyze", help="find the pose in every frame of a video, record a session",
                       description="Run pose estimation on a video file (or image folder), "
                                   "write a session file and optionally a landmark CSV.")
    a.add_argument("video", help="video file, or a folder of images")
    a.add_argument("--out", type=Path, help="session file to write (default: VIDEO.balance "
                   "beside the current directory, never overwriting)")
    a.add_argument("--csv", type=Path, help="also write per-frame image landmarks as CSV")
    a.add_argument("--save-video", action="store_true",
                   help="keep the frames as SESSION.avi (MJPG) beside the session")
    a.add_argument("--model", type=Path, help="pose model .task file to use")
    a.add_argument("--person", help="person id to record in the session")
    a.add_argument("--fps", type=float, default=30.0, help="frame rate of an image folder")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
    a.add_argument("--protocol", help="score while analysing: single-leg-stance, four-stage, "
                   "bess, mbess, romberg, practice or yoga")
    _protocol_options(a)
    a.set_defaults(run=_cmd("balance.commands.analyze"))

    i = sub.add_parser("info", help="summarise a session file",
                       description="Print a session's metadata, frames, detection and events.")
    i.add_argument("session", type=Path)
    i.set_defaults(run=_cmd("balance.commands.info"))

    m = sub.add_parser("models", help="the pose model", description="Manage the pose model.")
    msub = m.add_subparsers(title="actions", metavar="ACTION")
    mp = msub.add_parser("prepare", help="make the pose model available; print path and sha256",
                         description="Find, download or build the PoseLandmarker .task bundle: "
                                     "(a) --task FILE or one in the model directory, (b) the "
                                     "official download, (c) built offline from the mediapipe "
                                     "0.10.21 wheel (--wheel FILE, or fetched from PyPI).")
    mp.add_argument("--task", type=Path, help="a .task file to check and copy into the model directory")
    mp.add_argument("--wheel", type=Path, help="a local mediapipe-0.10.21 wheel to build from")
    mp.set_defaults(run=_cmd("balance.commands.models"))
    m.set_defaults(run=lambda _args: m.print_help())

    sc = sub.add_parser("score", help="score a session or landmark CSV with a protocol",
                        description="Re-score a recorded session (or a landmark CSV from "
                                    "`analyze --csv`) with a balance test and print the result.")
    sc.add_argument("recording", type=Path, help="a .balance session or a landmark CSV")
    sc.add_argument("--protocol", required=True, help="single-leg-stance, four-stage, bess, "
                    "mbess, romberg, practice or yoga")
    sc.add_argument("--json", action="store_true", help="print the result as JSON")
    sc.add_argument("--image-size", help="WIDTHxHEIGHT of the video behind a CSV "
                    "(default 1280x720)")
    _protocol_options(sc)
    sc.set_defaults(run=_cmd("balance.commands.score"))

    d = sub.add_parser("demo", help="replay the bundled sample session (no camera needed)",
                       description="Replay a bundled sample session and show what balance "
                                   "measures on it.")
    d.add_argument("session", nargs="?", type=Path, help="a session to replay instead")
    d.add_argument("--protocol", help="the test to score it with (default: the session's, "
                   "else single-leg-stance)")
    d.add_argument("--side", choices=("left", "right"), help="score one side only")
    d.add_argument("--speed", type=float, default=1.0, help="replay speed (1 = as recorded)")
    d.add_argument("--terminal", action="store_true",
                   help="replay in the terminal even where a window could open")
    d.add_argument("--realtime", action="store_true",
                   help="in the terminal, replay at --speed instead of as fast as possible")
    d.add_argument("--out", type=Path, help="also record the replay to this session file")
    d.add_argument("--exit-when-done", action="store_true",
                   help="close the window when the test ends (scripted runs)")
    d.add_argument("--timing", action="store_true", help="print the start-up time")
    d.set_defaults(run=_cmd("balance.commands.demo"))

    lv = sub.add_parser("live", help="the training window: webcam, or a video file as if live",
                        description="Open the training window on a webcam (or a video file, "
                                    "image folder or session played as if live), with a "
                                    "safety checklist, camera set-up and the chosen test.")
    lv.add_argument("--camera", type=int, default=0, help="webcam number (default 0; `balance cameras` lists them)")
    lv.add_argument("--source", help="a video file, image folder or .balance session to "
                    "play as if live instead of the webcam")
    lv.add_argument("--protocol", help="the test to run (default: the last one chosen)")
    lv.add_argument("--side", choices=("left", "right", "none"), help="stance side")
    lv.add_argument("--person", help="person id (their profile is remembered)")
    lv.add_argument("--birth-year", type=int, help="for age norms")
    lv.add_argument("--sex", choices=("female", "male"), help="for sex-specific norms")
    lv.add_argument("--height", type=float, help="standing height in cm (sway in cm)")
    lv.add_argument("--leg", choices=("left", "right"), help="dominant leg")
    lv.add_argument("--out", type=Path, help="session file for the first test")
    lv.add_argument("--sessions-dir", type=Path,
                    help="folder for recorded sessions (default ~/balance-sessions)")
    lv.add_argument("--save-video", action="store_true",
                    help="also keep the camera video as SESSION.avi beside each session "
                    "(the window's Keep video box; off unless chosen)")
    lv.add_argument("--model", type=Path, help="pose model .task file to use")
    lv.add_argument("--speed", type=float, default=1.0,
                    help="pace of a file source (1 = its own frame rate)")
    lv.add_argument("--exit-when-done", action="store_true",
                    help="close the window when the test ends (scripted runs)")
    lv.add_argument("--timing", action="store_true", help="print the start-up time")
    lv.set_defaults(run=_cmd("balance.commands.live"))

    ca = sub.add_parser("cameras", help="list the webcams, for live --camera N",
                        description="List the webcams found, one a line: the number "
                                    "that --camera takes, then the name. Exit status 1, "
                                    "with a hint, when there is none.")
    ca.set_defaults(run=_cmd("balance.commands.cameras"))

    hi = sub.add_parser("history", help="people and their progress week by week",
                        description="Without --person: the people in the history. With it: "
                                    "per test, weekly hold time, sway and score, personal "
                                    "bests, change since the first week and last month "
                                    "against the minimal detectable change, and age norms.")
    hi.add_argument("--person", help="the person (name or alias) to show")
    hi.add_argument("--protocol", help="one test only")
    hi.add_argument("--weeks", type=int,
                    help="only the N weeks up to the person's latest session")
    hi.add_argument("--window", action="store_true", help="show the trend plots in a window")
    hi.set_defaults(run=_cmd("balance.commands.history"))

    im = sub.add_parser("import", help="add session files or folders to the history",
                        description="Add recorded sessions (from before the history existed, "
                                    "or from another machine) to the history. Importing a "
                                    "session again refreshes it (notes, result).")
    im.add_argument("paths", nargs="+", help="session files and/or folders holding them")
    im.add_argument("--person", help="file them under this person instead of their own id")
    im.add_argument("--protocol", help="score sessions that hold no result with this test")
    im.set_defaults(run=_cmd("balance.commands.import_"))

    pe = sub.add_parser("people", help="list, add, edit or delete people in the history",
                        description="The people in the history. Deleting a person deletes "
                                    "their sessions, results and notes, and their session "
                                    "files unless --keep-files.")
    pesub = pe.add_subparsers(title="actions", metavar="ACTION", dest="action")
    pesub.add_parser("list", help="everyone in the history")
    for verb, text in (("add", "add a person"), ("edit", "change a person's details")):
        pa = pesub.add_parser(verb, help=text)
        pa.add_argument("name", help="name or alias")
        pa.add_argument("--birth-year", type=int, help="for age norms")
        pa.add_argument("--sex", choices=("female", "male"), help="for sex-specific norms")
        pa.add_argument("--height", type=float, help="standing height in cm")
        pa.add_argument("--leg", choices=("left", "right"), help="dominant leg")
        pa.add_argument("--notes", help="free text (conditions, aids, goals)")
    pd = pesub.add_parser("delete", help="delete a person and all their data")
    pd.add_argument("name")
    pd.add_argument("--yes", action="store_true", help="confirm the deletion")
    pd.add_argument("--keep-files", action="store_true",
                    help="keep the session files on disk (delete only the history rows)")
    pe.set_defaults(run=_cmd("balance.commands.people"))

    pl = sub.add_parser("plan", help="today's training plan; levels and targets",
                        description="Today's plan for a person from their history: warm-up, "
                                    "balance at their level, strengthening, cool-down and a "
                                    "foot check, each with what, how much and why. A "
                                    "therapist adjusts levels and targets with --set-level "
                                    "and --set-target; results done without the camera are "
                                    "recorded with --log.")
    pl.add_argument("--person", help="the person (default: the only one in the history)")
    pl.add_argument("--date", help="plan for this day, YYYY-MM-DD (default today)")
    pl.add_argument("--levels", action="store_true", help="list every ladder's levels, "
                    "marking the person's")
    pl.add_argument("--rules", action="store_true", help="print the progression rules")
    pl.add_argument("--set-level", action="append", default=[], metavar="LADDER=LEVEL",
                    help="put the person on this level (therapist)")
    pl.add_argument("--set-target", action="append", default=[], metavar="LADDER=NUMBER",
                    help="their own target at the current level, s or reps (therapist)")
    pl.add_argument("--log", action="append", default=[], metavar="LADDER=ACHIEVED",
                    help="record today's result of a ladder (s held or good reps)")
    pl.add_argument("--discomfort", action="append", default=[], metavar="LADDER",
                    help="record discomfort during that exercise today (steps back)")
    pl.add_argument("--json", action="store_true", help="print the plan as JSON")
    pl.add_argument("--window", action="store_true", help="walk through the plan in a "
                    "window, the camera counting and timing, and log it in the history")
    pl.add_argument("--source", help="with --window: a video file or .balance session to "
                    "play as if live instead of the webcam")
    pl.add_argument("--camera", type=int, default=0, help="with --window: webcam number (`balance cameras` lists them)")
    pl.add_argument("--model", type=Path, help="with --window: pose model .task file")
    pl.set_defaults(run=_cmd("balance.commands.plan"))

    rp = sub.add_parser("replay", help="replay a session for review, with notes",
                        description="Open a session in the replay window: play, pause, scrub, "
                                    "step, 0.25x-2x; video with skeleton (if kept) or the "
                                    "skeleton alone; events on the timeline; sway and metrics "
                                    "at the cursor; time-stamped notes saved with the session. "
                                    "Two sessions open side by side.")
    rp.add_argument("sessions", nargs="+", type=Path, metavar="SESSION",
                    help="one session, or two to compare side by side")
    rp.add_argument("--author", help="name put on the notes you add (default: your login)")
    rp.set_defaults(run=_cmd("balance.commands.replay"))

    rt = sub.add_parser("report", help="write a PDF report of a session or of a person",
                        description="A PDF with the person, the tests, results against norms, "
                                    "trend plots and notes: of one SESSION, or of --person "
                                    "over the last --weeks.")
    rt.add_argument("session", nargs="?", type=Path, help="a session file")
    rt.add_argument("--person", help="report on this person's history instead")
    rt.add_argument("--weeks", type=int, default=12,
                    help="weeks of history up to the latest session (default 12)")
    rt.add_argument("--out", type=Path, help="PDF to write (default: beside the session, "
                    "or PERSON-report.pdf)")
    rt.set_defaults(run=_cmd("balance.commands.report"))

    ex = sub.add_parser("export", help="CSV tables, or video/snapshots with the face blurred",
                        description="Export a session's per-frame data and per-trial results "
                                    "as CSV, or its video or a snapshot with the face blurred "
                                    "(landmarks 0-10). --person exports their per-trial table.")
    ex.add_argument("session", nargs="?", type=Path, help="a session file")
    ex.add_argument("--person", help="per-trial table of this person's history")
    ex.add_argument("--weeks", type=int,
                    help="with --person: only the N weeks up to their latest session")
    ex.add_argument("--frames", type=Path, help="per-frame CSV to write")
    ex.add_argument("--trials", type=Path, help="per-trial CSV to write")
    ex.add_argument("--video", type=Path, help="video to write (needs SESSION.avi or .mp4 beside it)")
    ex.add_argument("--snapshot", type=float, metavar="SECONDS",
                    help="a picture at this time of the session (with --image)")
    ex.add_argument("--image", type=Path, help="snapshot file (.png or .jpg)")
    ex.add_argument("--skeleton", action="store_true", help="draw the skeleton on the video")
    ex.add_argument("--no-blur", action="store_true",
                    help="keep the face visible (only for a recipient you trust)")
    ex.set_defaults(run=_cmd("balance.commands.export"))
    return p


def _protocol_options(p) -> None:
    from balance.commands.score import add_arguments
    add_arguments(p)


def _cmd(module: str):
    """Import a command's module only when it runs: keeps ``--help`` and start-up fast."""
    def run(args):
        import importlib
        return importlib.import_module(module).run(args)
    return run


if __name__ == "__main__":
    raise SystemExit(main())
