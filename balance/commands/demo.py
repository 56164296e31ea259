"""``balance demo``: the window on a bundled sample session, no camera needed.

Without a screen (Linux with no DISPLAY or WAYLAND_DISPLAY, and no QT_QPA_PLATFORM
chosen) it replays the session in the terminal instead and prints what the test measures.
"""

import time
from pathlib import Path

from balance.commands import options
from balance.errors import InputError

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "single_leg_stance.balance"
DEFAULT_PROTOCOL = "single-leg-stance"

HELP = "replay the bundled sample session (no camera needed)"
DESCRIPTION = "Replay a bundled sample session and show what balance measures on it."


def add_arguments(p) -> None:
    p.add_argument("session", nargs="?", type=Path, help="a session to replay instead")
    options.add_protocol(p, "the test to score it with (default: the session's, else "
                         f"{DEFAULT_PROTOCOL})")
    p.add_argument("--side", choices=options.SIDES, help="score one side only")
    p.add_argument("--terminal", action="store_true",
                   help="replay in the terminal even where a window could open")
    p.add_argument("--realtime", action="store_true",
                   help="in the terminal, replay at --speed instead of as fast as possible")
    p.add_argument("--out", type=Path, help="also record the replay to this session file")
    options.add_scripted(options.window_group(p), "replay speed (1 = as recorded)")


def run(args) -> int:
    t_launch = time.perf_counter()
    from balance.gui.app import display_available
    from balance.session.live import open_feed

    path = Path(args.session) if args.session else SAMPLE
    if not args.session and not path.is_file():
        raise InputError(f"the bundled sample {path} is missing; pass a session file to replay")
    feed = open_feed(path)
    meta = feed.source.session.metadata
    protocol = args.protocol or meta.get("protocol") or DEFAULT_PROTOCOL
    if args.terminal or not display_available():
        from balance.present.terminal import replay_in_terminal
        return replay_in_terminal(feed, protocol, side=args.side, realtime=args.speed
                                  if args.realtime else 0.0)
    from balance.profile import profile_from_metadata
    from balance.session.live import create_protocol
    from balance.gui.run import run_window
    profile = profile_from_metadata(meta)
    # An unknown test is one line on the terminal, not a window waiting for ever.
    create_protocol(protocol, profile, image_size=feed.size, fps=feed.fps, side=args.side)
    # A replay has nobody balancing in front of the screen: no checklist, no set-up.
    return run_window(feed, checklist=False, setup=False, autostart=True,
                      realtime=args.speed, protocol=protocol, side=args.side or "none",
                      profile=profile,
                      record=args.out is not None, session_path=args.out,
                      exit_when_done=args.exit_when_done, remember=False,
                      t_launch=t_launch if args.timing else None)
