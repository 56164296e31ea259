"""Screenshot of the real training window mid-trial, under Xvfb when there is no screen.

    .venv/bin/python scripts/screenshot.py                  # bundled sample -> docs/
    .venv/bin/python scripts/screenshot.py \
        --video ../shared/realdata/videos/yoga_warrior2/warrior2.mp4

The sample (landmarks only) is replayed and drawn on a dark canvas; a video goes through
the pose model, so the picture shows whether the skeleton sits on the real person. The
video screenshot goes to /tmp by default: real footage is not ours to commit.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "single_leg_stance.balance"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--video", type=Path, help="a video to run the pose model on instead")
    p.add_argument("--session", type=Path, default=SAMPLE, help="session to replay")
    p.add_argument("--at", type=float, help="take it at this time in s (default: 10 s "
                   "into the sample, which is mid-hold; 8 s into a video)")
    p.add_argument("--protocol", help="test to run (default single-leg-stance for the "
                   "sample, practice for a video)")
    p.add_argument("--side", default="none", choices=("left", "right", "none"))
    p.add_argument("--out", type=Path, help="PNG to write")
    p.add_argument("--size", default="1600x1000", help="window size WxH")
    args = p.parse_args(argv)
    if _needs_xvfb():
        return _rerun_under_xvfb(args)
    out = args.out or (Path("/tmp/balance-screenshot-realdata.png") if args.video
                       else ROOT / "docs" / "screenshot-demo.png")
    at = args.at if args.at is not None else (8.0 if args.video else 10.0)
    protocol = args.protocol or ("practice" if args.video else "single-leg-stance")
    return shoot(args, out, at, protocol)


def shoot(args, out: Path, at: float, protocol: str) -> int:
    from balance.gui.app import application
    app = application()
    from PySide6.QtCore import QTimer

    from balance.session import flow as F, live, settings as S
    from balance.profile import profile_from_metadata
    from balance.gui.main_window import MainWindow
    from balance.gui.sound import Sound

    feed = live.open_feed(str(args.video or args.session))
    factory = live.estimator_factory(feed)
    settings = S.GuiSettings(protocol=protocol, side=args.side)
    if not args.video:
        settings.remember(profile_from_metadata(feed.source.session.metadata))
    has_test = protocol in live.protocol_names()
    window = MainWindow(settings, flow=F.Flow(checklist=False, setup=False, rest_s=0),
                        sound=Sound(muted=True), record=False)
    w, h = (int(v) for v in args.size.split("x"))
    window.resize(w, h)
    window.show()
    window.open_feed(feed, estimator_factory=factory, autostart=has_test)
    if not has_test:
        print(f"note: protocol {protocol!r} is not available; the window shows the feed "
              "without a test", file=sys.stderr)
    done = {}

    def poll():
        snap = window.latest
        if snap is not None and snap.t_s >= at and "t" not in done:
            window._repaint()  # show this very snapshot, then render the window
            window.grab().save(str(out))
            done["t"] = snap.t_s
            window.close()
    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(20)
    QTimer.singleShot(int((at + 60) * 1000), window.close)
    app.exec()
    if "t" not in done:
        print(f"error: the feed never reached {at} s", file=sys.stderr)
        return 1
    print(f"{out} (at {done['t']:.2f} s, {feed.description})")
    return 0



def _needs_xvfb() -> bool:
    return (sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
            and not os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"))


def _rerun_under_xvfb(args) -> int:
    """No screen: run this same script inside a virtual X server."""
    if not shutil.which("xvfb-run"):
        print("error: no display and no xvfb-run (apt-get install xvfb libxcb-cursor0 "
              "libxcb-icccm4 libxcb-keysyms1)", file=sys.stderr)
        return 2
    w, h = args.size.split("x")
    cmd = ["xvfb-run", "-a", "-s", f"-screen 0 {int(w) + 100}x{int(h) + 100}x24",
           sys.executable, *sys.argv]
    os.execvp(cmd[0], cmd)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
