"""The ``balance`` command line: ``balance --help`` lists the subcommands.

Any ``BalanceError`` ends the command with ``error: ...`` on one line and exit status 2.
"""

import argparse
import os
import sys
from pathlib import Path

from balance import __version__
from balance.errors import BalanceError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 0
    _silence_native_logs()
    try:
        return args.run(args) or 0
    except BalanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
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
                   help="keep the frames as SESSION.mp4 (mp4v) beside the session")
    a.add_argument("--model", type=Path, help="pose model .task file to use")
    a.add_argument("--person", help="person id to record in the session")
    a.add_argument("--fps", type=float, default=30.0, help="frame rate of an image folder")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
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
    mp.add_argument("--task", type=Path, help="an existing .task file to use")
    mp.add_argument("--wheel", type=Path, help="a local mediapipe-0.10.21 wheel to build from")
    mp.set_defaults(run=_cmd("balance.commands.models"))
    m.set_defaults(run=lambda _args: m.print_help())

    d = sub.add_parser("demo", help="replay the bundled sample session (no camera needed)",
                       description="Replay a bundled sample session and show what balance "
                                   "measures on it.")
    d.add_argument("session", nargs="?", type=Path, help="a session to replay instead")
    d.add_argument("--protocol", help="the test to score it with (default: the session's, "
                   "else single_leg_stance)")
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
    lv.add_argument("--camera", type=int, default=0, help="webcam number (default 0)")
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
    lv.add_argument("--model", type=Path, help="pose model .task file to use")
    lv.add_argument("--speed", type=float, default=1.0,
                    help="pace of a file source (1 = its own frame rate)")
    lv.add_argument("--exit-when-done", action="store_true",
                    help="close the window when the test ends (scripted runs)")
    lv.add_argument("--timing", action="store_true", help="print the start-up time")
    lv.set_defaults(run=_cmd("balance.commands.live"))
    return p


def _silence_native_logs() -> None:
    """Send what native libraries write to fd 2 (MediaPipe's LiteRT and absl logs, dozens
    of lines per model load, from their own threads) to /dev/null, keeping Python's
    ``sys.stderr`` on the real terminal. ``BALANCE_NATIVE_LOGS=1`` keeps them."""
    if os.environ.get("BALANCE_NATIVE_LOGS"):
        return
    sys.stderr.flush()
    real = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(real, "w", buffering=1)


def _cmd(module: str):
    """Import a command's module only when it runs: keeps ``--help`` and start-up fast."""
    def run(args):
        import importlib
        return importlib.import_module(module).run(args)
    return run


if __name__ == "__main__":
    raise SystemExit(main())
