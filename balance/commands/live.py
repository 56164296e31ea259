"""``balance live``: the training window on a webcam, or on a video file played as if live."""

import time
from pathlib import Path

from balance.commands import options
from balance.errors import InputError

HELP = "the training window: webcam, or a video file as if live"
DESCRIPTION = ("Open the training window on a webcam (or a video file, image folder or "
               "session played as if live), with a safety checklist, camera set-up and the "
               "chosen test.")


def add_arguments(p) -> None:
    options.add_protocol(p, "the test to run (default: the last one chosen)")
    p.add_argument("--side", choices=(*options.SIDES, "none"), help="stance side")
    p.add_argument("--out", type=Path, help="session file for the first test")
    options.add_profile(p, person="person id (their profile is remembered)")
    g = options.window_group(p)
    options.add_feed(g)
    options.add_model(g)
    options.add_save_video(g, "also keep the camera video as SESSION.avi beside each session "
                           "(the window's Keep video box; off unless chosen)")
    g.add_argument("--sessions-dir", type=Path,
                   help="folder for recorded sessions (default: the one in your home folder)")
    options.add_scripted(g, "pace of a file source (1 = its own frame rate)")


def run(args) -> int:
    t_launch = time.perf_counter()
    from balance.gui.app import display_available
    from balance.session import live

    if not display_available():
        raise InputError("balance live needs a screen (no DISPLAY or WAYLAND_DISPLAY here); "
                         "`balance demo` replays a session in the terminal instead")
    profile = _profile(args)
    spec = args.source if args.source is not None else str(args.camera)
    feed = live.open_feed(spec)
    if args.protocol:  # an unknown test is one line here, not a message in the window
        from balance.profile import Profile
        live.create_protocol(args.protocol, profile or Profile(), image_size=feed.size,
                             fps=feed.fps, side=args.side)
    model = live.pose_model(feed, args.model)  # a bad model: one line, no window
    from balance.gui.run import run_window
    return run_window(feed, estimator_factory=live.estimator_factory(feed, model, checked=True),
                      realtime=args.speed, protocol=args.protocol, side=args.side,
                      person=args.person, profile=profile, session_path=args.out,
                      session_dir=args.sessions_dir, save_video=args.save_video,
                      exit_when_done=args.exit_when_done,
                      t_launch=t_launch if args.timing else None)


def _profile(args):
    """A profile from the command line, or None to use the remembered one."""
    if not any((args.birth_year, args.sex, args.height, args.dominant_leg)):
        return None
    from balance.profile import Profile
    try:
        return Profile(person_id=args.person or "guest", birth_year=args.birth_year,
                       sex=args.sex, height_cm=args.height, dominant_leg=args.dominant_leg)
    except ValueError as exc:
        raise InputError(str(exc)) from None
