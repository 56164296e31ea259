"""``balance replay SESSION [SESSION2]``: the replay window, for review and notes."""

import sys
from pathlib import Path

from balance.errors import InputError
from balance.storage.session import read_session

HELP = "replay a session for review, with notes"
DESCRIPTION = ("Open a session in the replay window: play, pause, scrub, step, 0.25x-2x; "
               "video with skeleton (if kept) or the skeleton alone; events on the timeline; "
               "sway and metrics at the cursor; time-stamped notes saved with the session. "
               "Two sessions open side by side.")


def add_arguments(p) -> None:
    p.add_argument("sessions", nargs="+", type=Path, metavar="SESSION",
                   help="one session, or two to compare side by side")
    p.add_argument("--author", help="name put on the notes you add (default: your login)")


def run(args) -> int:
    from balance.gui.app import display_available

    if len(args.sessions) > 2:
        raise InputError("replay opens one session, or two side by side")
    for path in args.sessions:  # a bad file is one clear line before any window opens
        if len(read_session(path)) == 0:
            raise InputError(f"{path} holds no frames to replay")
    if not display_available():
        raise InputError("balance replay needs a screen (no DISPLAY or WAYLAND_DISPLAY here); "
                         "`balance info SESSION` and `balance report SESSION` work without")
    from balance.gui.app import application
    from balance.gui.replay_window import ReplayWindow
    from balance.gui.settings_file import remembered_scale

    app = application(remembered_scale())
    history = _history()
    window = ReplayWindow(args.sessions, author=args.author, history=history)
    window.resize(1400 if len(args.sessions) == 2 else 900, 900)
    window.show()
    try:
        return app.exec() or 0
    finally:
        if history is not None:
            history.close()


def _history():
    """The history, so notes reach it too; replay works without it."""
    from balance.errors import BalanceError
    from balance.storage.history import History
    try:
        return History()
    except BalanceError as exc:
        print(f"warning: notes will be saved in the session file only: {exc}", file=sys.stderr)
        return None
