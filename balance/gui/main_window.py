"""The training window: layout and wiring only.

The rules (what may start when) are in `balance.session.flow`, the threads in
`balance.session.engine`, the words in `balance.present.messages`. This file puts widgets on the
screen, connects them, and repaints from the newest snapshot at most ~30 times a second.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QVBoxLayout, QWidget

from balance import paths
from balance.errors import BalanceError
from balance.session import flow as F
from balance.session import live, settings as S
from balance.present import messages
from balance.session.engine import default_session_path
from balance.gui.panels import ControlBar, SidePanel
from balance.gui.style import zoom, zoom_keys
from balance.gui.widgets import CameraView, big_label
from balance.gui.workers import LiveWorker
from balance.protocols import ProtocolResult, reasons

REPAINT_MS = 33          # ~30 Hz: the display never runs faster than this
# A new frame is painted as soon as it arrives unless another was painted this recently
# (then the timer shows it): latency stays low and a fast feed cannot flood the display.
MIN_PAINT_GAP_S = 0.020


class MainWindow(QMainWindow):
    """One window, one feed at a time.

    Parameters
    ----------
    settings : remembered choices; ``qsettings`` stores them (None: not remembered).
    flow : the session order (checklist, set-up, rest); a replay skips the first two.
    protocol_factory : ``(name, profile, image_size=, fps=, side=) -> Protocol``.
    sound : a `balance.gui.sound.Sound` (or anything with ``play(name)`` and ``muted``).
    session_dir : where recordings go; ``session_path`` fixes the next file instead.
    exit_when_done : close the window when the test ends (scripted runs).
    clock : seconds, monotonic; times the rests.
    """

    def __init__(self, settings: S.GuiSettings, *, flow: F.Flow, sound, qsettings=None,
                 protocol_factory=live.create_protocol, session_dir: Path | None = None,
                 session_path: Path | None = None, exit_when_done: bool = False,
                 record: bool = True, clock=time.monotonic):
        super().__init__()
        self.clock = clock  # the flow's rests are timed by it (tests pass their own)
        self.settings, self.flow, self.sound, self.qsettings = settings, flow, sound, qsettings
        self.protocol_factory = protocol_factory
        self.session_dir = session_dir or paths.sessions_dir()
        self.session_path, self.record = session_path, record
        self.exit_when_done = exit_when_done
        self.worker: LiveWorker | None = None
        self.latest = None
        self.last_result: tuple | None = None  # (reason, result, path)
        self._planned: int | None = None  # the running test's trials (Protocol.planned_trials)
        self._painted = -1
        self._last_paint = 0.0
        self._last_status = 0.0
        self._phase = None
        self._trial = None
        self._tick_s = None
        self.setWindowTitle("balance")
        self._build()
        self._restore_geometry()
        self.timer = QTimer(self)
        self.timer.setInterval(REPAINT_MS)
        self.timer.timeout.connect(self._repaint)
        self.timer.start()
        self._refresh_controls()

    # Layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        root = QWidget()
        outer = QVBoxLayout(root)
        self.bar = ControlBar(self.settings, live.protocol_names(), live.SIDES)
        outer.addWidget(self.bar)
        self.banner = big_label("banner")
        self.banner.hide()
        outer.addWidget(self.banner)
        body = QHBoxLayout()
        self.camera = CameraView(on_shown=self._shown, on_resized=self._camera_resized)
        # The picture takes three fifths of the width, the side column the rest (at least
        # what its buttons and text need).
        body.addWidget(self.camera, 3)
        body.addWidget(self._build_side(), 2)
        outer.addLayout(body, 1)
        self.setCentralWidget(root)
        self.status = self.statusBar()
        self.menuBar().addMenu("&Help").addAction("&About balance", self.show_about)
        self._connect()

    def show_about(self) -> None:
        """The version and the network facts, for this computer."""
        from PySide6.QtWidgets import QMessageBox

        from balance.pose.offline import block_usage_logging
        from balance.present.about import about_text
        QMessageBox.about(self, "About balance", about_text(block_usage_logging()))

    def _build_side(self) -> QWidget:
        self.side = side = SidePanel()
        self.start_button, self.stop_button = side.buttons.start_button, side.buttons.stop_button
        self.readout, self.card, self.pages = side.readout, side.card, side.pages
        self.checklist, self.setup_panel = side.checklist, side.setup_panel
        self.plots, self.profile_panel = side.plots, side.profile_panel
        return side

    def _connect(self) -> None:
        b = self.bar
        b.source_edit.returnPressed.connect(self._open_typed_source)
        b.source_box.activated.connect(lambda _i: self._open_typed_source())
        b.profile_button.toggled.connect(self._toggle_profile)
        b.mute.toggled.connect(self._mute)
        b.save_video.toggled.connect(self._save_video)
        self.start_button.clicked.connect(self.start_test)
        self.stop_button.clicked.connect(lambda: self.stop_test(discomfort=True, by="Stop button"))
        self.checklist.confirmed.connect(self._checklist_done)
        self.profile_panel.saved.connect(self._profile_saved)
        b.protocol_box.currentTextChanged.connect(lambda _t: self._test_chosen())
        self._test_chosen()
        self._shortcuts()

    def _shortcuts(self) -> None:
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        esc.setContext(Qt.ShortcutContext.ApplicationShortcut)
        esc.activated.connect(lambda: self.stop_test(discomfort=True, by="Esc key"))
        self.space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        self.space.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.space.activated.connect(self._space)
        # BESS: the tester's key for an error the camera cannot see (eyes opened).
        tester = QShortcut(QKeySequence(Qt.Key.Key_E), self)
        tester.activated.connect(self.tester_error)
        zoom_keys(self, self._remember_scale)

    def scale_text(self, factor: float) -> None:
        """Ctrl+plus / Ctrl+minus: larger or smaller type, remembered."""
        zoom(factor, self._remember_scale)

    def _remember_scale(self, scale: float) -> None:
        self.settings.font_scale = scale

    # Feeds -----------------------------------------------------------------------------
    def open_feed(self, feed, *, estimator_factory=None, realtime: float = 1.0,
                  warmup=live.warmup, autostart: bool = False,
                  drop_late: bool | None = None) -> None:
        """Show a feed (camera, file or replay); ``autostart`` starts the test with it;
        ``drop_late`` as `LiveWorker` has it (a camera's way, for a file: benchmarks)."""
        self.close_feed()
        self.feed = feed
        self.worker = LiveWorker(feed, estimator_factory=estimator_factory, realtime=realtime,
                                 warmup=warmup, drop_late=drop_late, parent=self)
        w = self.worker
        self._camera_resized(int(self.camera._target().width()))
        w.snapshot.connect(self._on_snapshot)
        w.finished.connect(self._on_finished)
        # A worker shut down for a new feed still reports its end: only this one counts.
        w.source_ended.connect(lambda r, w=w: self._on_source_ended(r) if w is self.worker else None)
        w.error.connect(lambda m: self.show_banner(f"Something went wrong: {m}"))
        w.ready.connect(lambda: self.status.showMessage("ready", 3000))
        self.status.showMessage("starting: loading the pose model..." if estimator_factory
                                else "starting...")
        self._painted = -1  # a new feed numbers its frames from 0 again
        self.flow.new_source()
        if autostart:  # only where the flow allows it (a replay: no checklist, no set-up)
            self.start_test()
        w.start()

    def _open_typed_source(self) -> None:
        spec = self.bar.source_box.spec()
        try:
            feed = live.open_feed(spec)
        except BalanceError as exc:
            self.show_banner(str(exc))
            return
        self.settings.camera = spec
        self.open_feed(feed, estimator_factory=live.estimator_factory(feed))

    def close_feed(self) -> None:
        if self.worker is not None:
            self.worker.shutdown()
            self.worker = None

    # Starting and stopping -------------------------------------------------------------
    def start_test(self) -> bool:
        if self.worker is None or not self.flow.can_start(self.clock()):
            return False
        fps = self.worker.test_fps()
        try:
            protocol = self._make_protocol(fps)
            writer, video = self._make_writers(protocol, fps)
            self._planned = protocol.planned_trials
        except (BalanceError, ValueError, OSError) as exc:
            self.worker.test_not_started()
            self.show_banner(f"Cannot start: {exc}")
            return False
        self.flow.start(self.clock())
        self.setup_panel.gate.reset()  # the next test checks the view afresh
        self.camera.mark = None
        self._phase = self._trial = self._tick_s = None
        self.banner.hide()
        self.card.hide()
        self.side.words_first()
        self.plots.clear()
        self.pages.setCurrentWidget(self.plots)
        self.worker.start_test(protocol, writer, video)
        self.sound.play("start")
        self._remember_choices()
        self._refresh_controls()
        return True

    def stop_test(self, *, discomfort: bool = False, by: str = "") -> None:
        """Stop button, Esc and Space: end the trial now. The first two log discomfort."""
        if self.worker is None or self.flow.state != F.TESTING:
            return
        reason = reasons.DISCOMFORT if discomfort else reasons.STOPPED
        self.worker.stop_test(reason, discomfort=discomfort, by=by)

    def tester_error(self) -> None:
        """E: the tester saw the eyes open (or another error the camera cannot see)."""
        if self.worker is not None and self.flow.state == F.TESTING:
            self.worker.tester_error("eyes_opened")

    def _space(self) -> None:
        if self.flow.state == F.TESTING:
            self.stop_test(by="Space key")
        else:
            self.start_test()

    def _make_protocol(self, fps: float):
        """``fps``: the rate the test gets (half the feed's when every second frame is)."""
        side = self.bar.side_box.currentText()
        # Without a foam pad, the test's stand-in (the mCTSIB's firm half, the modified BESS).
        name, options, _note = self.setup_panel.protocol_choice(self.bar.protocol_box.currentText())
        return self.protocol_factory(name, self._profile(), image_size=self.feed.size, fps=fps,
                                     side=None if side == "none" else side, **options)

    def _test_chosen(self) -> None:
        """The set-up checks the view (and asks for a pad) for the test chosen now."""
        self.setup_panel.set_test(self.bar.protocol_box.currentText(), self._profile().height_cm)
        self.camera.mark = None
        self.flow.camera(False)

    def _make_writers(self, protocol, fps: float):
        """The session file and, if the person chose to keep it, the video beside it."""
        if not self.record:
            return None, None
        path = self.session_path or default_session_path(self.session_dir, protocol.name)
        self.session_path = None  # a fixed path is for one recording only
        return live.open_recording_files(self.feed, protocol, self._profile(), path,
                                         keep_video=self.settings.save_video, fps=fps)

    def _profile(self):
        self.settings.person_id = self.bar.person_box.currentText().strip() or "guest"
        return self.settings.profile()

    # What the worker reports -----------------------------------------------------------
    def _on_snapshot(self, snap) -> None:
        self.latest = snap
        st = snap.status
        if st is not None:
            if st.phase == "running" and st.trial != self._trial:
                # A new trial: its own trace; the last one's card has been read by now.
                self._trial = st.trial
                self.flow.trial_started()
                self.plots.clear()
                self.card.hide()
                self.side.words_first()
            self.plots.add(snap.t_s, st.sway_cm, st.sway_ap_cm)
            self._cues(st)
        elif self.flow.state in (F.SETUP, F.READY):
            self.flow.camera(self.setup_panel.update_from(snap))
            self.camera.mark = self.setup_panel.mark
        if snap.trial_result is not None:
            self._show_trial(snap.trial_result)
            self.flow.trial_ended(self.clock())
        if time.perf_counter() - self._last_paint >= MIN_PAINT_GAP_S:
            self._repaint()  # paint now rather than wait for the timer: less latency

    def _cues(self, st) -> None:
        if st.phase != self._phase:
            if st.phase == "running":
                self.sound.play("hold")
            elif self._phase == "running":
                self.sound.play("stop")
            self._phase = st.phase
        if st.phase == "running" and st.remaining_s is not None and st.remaining_s <= 3.5:
            second = int(st.remaining_s + 0.5)
            if second != self._tick_s and second > 0:
                self._tick_s = second
                self.sound.play("tick")

    def _show_trial(self, trial: dict) -> None:
        self.side.show_card("Trial result", "\n".join(messages.trial_card(trial)))

    def _on_finished(self, reason: str, result, path) -> None:
        self.last_result = (reason, result, path)
        self.flow.ended(reason, self.clock())
        best = ProtocolResult.of(result).best_hold()
        if best is None and self.latest is not None and self.latest.status is not None:
            self.readout.show_status(self.latest.status)  # the time held, to the last frame
        self.readout.clear_live()
        if best is not None:
            self.readout.show_best(best)  # not the 0.0 of the rest before a next trial
        text = messages.result_text(result or {}, self._profile(), reason=reason)
        if path:
            text += f"\nSaved: {path}"
        self.side.show_card(messages.end_title(reason, result, self._planned), text)
        if reason == reasons.CAMERA_LOST:
            self.show_banner(messages.CAMERA_LOST + (f" Saved: {path}" if path else ""))
        elif reason == reasons.DISCOMFORT:
            self.show_banner(messages.DISCOMFORT)
        if reason != reasons.DONE or self._phase == "running":
            self.sound.play("stop")
        self._refresh_controls()
        if self.exit_when_done:
            QTimer.singleShot(300, self.close)

    def _on_source_ended(self, reason: str) -> None:
        """The feed is over (the readout says so, from the flow); not a window closing."""
        if reason in (reasons.SOURCE_ENDED, reasons.CAMERA_LOST):
            self.flow.source_ended(reason)
            self._refresh_controls()

    def _camera_resized(self, width: int) -> None:
        if self.worker is not None:
            self.worker.capture.display_width = max(160, width)

    def _shown(self, latency_ms: float, paint_ms: float) -> None:
        if self.worker is not None:
            self.worker.stats.shown(latency_ms)
            self.worker.stats.stage("paint", paint_ms)

    # Repaint ---------------------------------------------------------------------------
    def _repaint(self) -> None:
        snap = self.latest
        if snap is not None and snap.index != self._painted:
            self._last_paint = time.perf_counter()
            self._painted = snap.index
            self.camera.show_snapshot(snap)
            if snap.status is not None and self.flow.state == F.TESTING:
                self.readout.show_status(snap.status)  # not a test's last frame after its end
            self.plots.refresh()
        self._refresh_controls()
        self._status_bar()

    def _refresh_controls(self) -> None:
        now = self.clock()
        self.flow.tick(now)
        state = self.flow.state
        can_start = self.worker is not None and self.flow.can_start(now)
        line, start = messages.waiting_words(self.flow, now)
        self.side.buttons.show_start(can_start, start)
        self.stop_button.setEnabled(state == F.TESTING)  # red only while there is a test to stop
        self.readout.show_waiting(line)
        self.bar.lock_choices(state == F.TESTING)
        self.space.setEnabled(can_start or state == F.TESTING)
        self._show_page(state)

    def _show_page(self, state: str) -> None:
        """The checklist, the camera set-up while there are pictures to check, else the
        plots (the last trace stays under the result); the profile when asked for."""
        setup = self.flow.need_setup and self.flow.source_end is None
        page = self.checklist if state == F.CHECKLIST else (
            self.setup_panel if setup and state in (F.SETUP, F.READY) else self.plots)
        if self.bar.profile_button.isChecked() and state != F.TESTING:
            page = self.profile_panel
        if self.pages.currentWidget() is not page:
            self.pages.setCurrentWidget(page)

    def _status_bar(self) -> None:
        w = self.worker
        now = time.perf_counter()
        if w is None or now - self._last_status < 0.25:  # 4 Hz is plenty to read
            return
        self._last_status = now
        s = w.stats
        inf = (sum(s.inference_ms) / len(s.inference_ms)) if s.inference_ms else 0.0
        every = (f"   every 2nd frame ({w.feed.fps / 2:.0f} fps: too slow for all)"
                 if w.stride.n == 2 else "")
        self.status.showMessage(
            f"{s.fps:4.1f} fps{every}   latency {s.latency_p(50):3.0f} ms (p95 {s.latency_p(95):3.0f})"
            f"   dropped {w.dropped}   pose {inf:4.1f} ms   sound: "
            f"{'muted' if self.sound.muted else getattr(self.sound, 'backend', 'on')}")

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    # Settings --------------------------------------------------------------------------
    def _checklist_done(self) -> None:
        self.flow.checklist_done()
        self._refresh_controls()

    def _toggle_profile(self, shown: bool) -> None:
        if shown:
            self.profile_panel.show_profile(self._profile())
        self._refresh_controls()

    def _profile_saved(self, profile) -> None:
        self.settings.remember(profile)
        if self.bar.person_box.findText(profile.person_id) < 0:
            self.bar.person_box.addItem(profile.person_id)
        self.bar.person_box.setCurrentText(profile.person_id)
        self.bar.profile_button.setChecked(False)
        self._test_chosen()  # the TUG's 3 m line is scaled by the height

    def _mute(self, muted: bool) -> None:
        self.sound.muted = self.settings.muted = muted

    def _save_video(self, on: bool) -> None:
        self.settings.save_video = on

    def _remember_choices(self) -> None:
        self.settings.protocol = self.bar.protocol_box.currentText()
        self.settings.side = self.bar.side_box.currentText()
        self.settings.remember(self.settings.profile())

    def _restore_geometry(self) -> None:
        geometry = self.qsettings.value("geometry") if self.qsettings else None
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 850)

    def closeEvent(self, event) -> None:
        self.timer.stop()
        self.close_feed()
        if self.qsettings is not None:
            self.qsettings.setValue("geometry", self.saveGeometry())
            S.save(self.qsettings, self.settings)
        if hasattr(self.sound, "close"):
            self.sound.close()
        super().closeEvent(event)
