"""Open the window on a feed and run Qt's event loop: what ``balance live`` and
``balance demo`` call once they have checked their arguments."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from balance.gui.app import application


def run_window(feed, *, estimator_factory=None, checklist: bool = True, setup: bool = True,
               autostart: bool = False, realtime: float = 1.0, protocol: str | None = None,
               side: str | None = None, person: str | None = None, profile=None,
               session_path: Path | None = None, session_dir: Path | None = None,
               record: bool = True, exit_when_done: bool = False, remember: bool = True,
               t_launch: float | None = None, protocol_factory=None,
               save_video: bool = False) -> int:
    """Show the window until it is closed; returns the exit status (0). ``save_video``
    ticks the window's Keep video box (remembered like the other choices)."""
    app = application()
    from balance.session import flow as F
    from balance.session import live, settings as S
    from balance.gui.main_window import MainWindow
    from balance.gui.settings_file import qsettings
    from balance.gui.sound import Sound
    from balance.gui.style import apply_style

    store = qsettings() if remember else None
    settings = S.load(store) if store is not None else S.GuiSettings()
    for key, value in (("protocol", protocol), ("side", side), ("person_id", person),
                       ("save_video", save_video)):
        if value:
            setattr(settings, key, value)
    if profile is not None:
        settings.remember(profile)
    apply_style(app, settings.font_scale)
    window = MainWindow(
        settings, qsettings=store, sound=Sound(muted=settings.muted),
        flow=F.Flow(checklist=checklist, setup=setup, rest_s=0 if autostart else settings.rest_s,
                    trial_rest_s=settings.trial_rest_s),
        protocol_factory=protocol_factory or live.create_protocol,
        session_dir=session_dir, session_path=session_path, record=record,
        exit_when_done=exit_when_done)
    window.open_feed(feed, estimator_factory=estimator_factory, realtime=realtime,
                     autostart=autostart)
    window.show()
    if t_launch is not None:
        _report_start_time(window, t_launch)
    return app.exec() or 0


def _report_start_time(window, t_launch: float) -> None:
    """Print, once each, how long the window took to show, to show its first frame and to
    have its scoring kernels ready (``--timing``)."""
    from PySide6.QtCore import QTimer

    def since_launch(what):
        print(f"start-up: {what} {time.perf_counter() - t_launch:.2f} s after launch",
              file=sys.stderr, flush=True)
    # The first turn of the event loop: the window has been shown.
    QTimer.singleShot(0, lambda: since_launch("window shown"))
    window.worker.snapshot.connect(_once(lambda: since_launch("first frame on screen")))
    window.worker.warm.connect(_once(lambda: since_launch("kernels ready")))


def _once(fn):
    done = []

    def call(*_):
        if not done:
            done.append(True)
            fn()
    return call
