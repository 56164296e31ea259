"""The plan walk-through window: one item at a time, run by the engine's protocol runner.

What to do, how much and why in large text; the live instruction, count or countdown
below; Start, Skip, Done (for the foot check) and "Stop: discomfort", which ends the walk
and steps that exercise back (stop on pain). The order and the bookkeeping are in the
Qt-free `balance.programme.walk`; the frames come from a `LiveWorker` (camera, video file
or replayed session), exactly as in the training window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from balance.present import messages
from balance.protocols import reasons
from balance.session import live
from balance.session.engine import default_session_path
from balance.gui.settings_file import remember_scale as on_scale
from balance.gui.style import zoom_keys
from balance.gui.widgets import CameraView
from balance.gui.workers import LiveWorker
from balance.profile import Profile
from balance.programme.walk import PlanWalk
from balance.storage.history import add_to_history

UI_MS = 100  # how often the live text is refreshed


PLAN_SOURCE_GONE = ("Skip or Done still go on; to measure the rest, close this window and "
                    "open the plan again with the camera.")


def _label(style: str = "") -> QLabel:
    """Wrapped text sized by the shared style sheet (``style``: its object name), so
    Ctrl+plus / Ctrl+minus reach it like the training window's."""
    lab = QLabel("")
    lab.setWordWrap(True)
    if style:
        lab.setObjectName(style)
    return lab


class PlanWindow(QWidget):
    """Walks through ``walk`` on ``feed``.

    Parameters
    ----------
    auto_start : start each runnable item as soon as the previous one ends (hands-free;
        tests); otherwise the person presses Start.
    on_finished : called with the walk when it ends (e.g. to log it in the history).
    session_dir : where measured items are recorded as sessions (and then added to the
        history, so their trends and replays are there as for any test); None: not
        recorded.
    sound : plays the training window's "hold" cue when an item's clock starts (the TUG's
        Go); anything with ``play(name)``, or None for silence.
    declared : test name -> options told at its set-up (a TUG's walking aid), laid over
        the plan item's own when the test starts; None: nothing declared.
    """

    walk_finished = Signal(object)

    def __init__(self, walk: PlanWalk, feed, *, profile: Profile | None = None,
                 estimator_factory=None, realtime: float = 1.0, auto_start: bool = False,
                 on_finished=None, warmup=None, session_dir=None, sound=None, declared=None,
                 parent=None):
        super().__init__(parent)
        self.declared = declared or (lambda _test: {})
        self.sound = sound
        self.walk, self.profile = walk, profile or Profile()
        self.auto_start, self.on_finished = auto_start, on_finished
        self.session_dir = session_dir
        self.sessions: list[str] = []  # recorded session files, in order
        self.recorded: dict[str, str] = {}  # ... by the plan item they measured
        self.messages: list[str] = []  # what could not be added to the history
        self.running = False
        self.source_end: str | None = None  # why the feed stopped: nothing more to measure
        self._skipping = False
        self.results: list[tuple[str, dict]] = []
        self._status = None
        self.setWindowTitle("balance - today's plan")
        self.worker = LiveWorker(feed, estimator_factory=estimator_factory, realtime=realtime,
                                 warmup=warmup, parent=self)
        self._build()
        self.worker.snapshot.connect(self._snapshot)
        self.worker.finished.connect(self._item_ended)
        self.worker.ready.connect(self._ready)
        self.worker.source_ended.connect(self._source_ended)
        self.worker.error.connect(lambda m: self.live.setText(f"Something went wrong: {m}"))
        self.timer = QTimer(self)
        self.timer.setInterval(UI_MS)
        self.timer.timeout.connect(self._refresh_live)
        self.timer.start()
        self._show_item()
        self.worker.start()

    def _build(self) -> None:
        self.camera = CameraView(on_resized=self._camera_resized)
        column = QVBoxLayout()
        self.notes = _label()
        self.notes.setText("\n".join(self.walk.plan.notes))  # safety first, rest days
        self.progress = _label()
        self.what = _label("instruction")
        self.dose = _label("dose")
        self.why = _label()
        self.live = _label("cue")
        self.live.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (self.notes, self.progress, self.what, self.dose, self.why, self.live):
            column.addWidget(w)
        column.addStretch(1)
        row = QHBoxLayout()
        self.start_button = QPushButton("Start")
        self.done_button = QPushButton("Done")
        self.skip_button = QPushButton("Skip")
        self.discomfort_button = QPushButton("Stop: discomfort")
        for b in (self.start_button, self.done_button, self.skip_button,
                  self.discomfort_button):
            row.addWidget(b)
        column.addLayout(row)
        lay = QHBoxLayout(self)
        lay.addWidget(self.camera, 1)  # the person sees themselves, as in the training window
        lay.addLayout(column, 1)
        self.start_button.clicked.connect(self.start_item)
        self.done_button.clicked.connect(self.confirm)
        self.skip_button.clicked.connect(self.skip)
        self.discomfort_button.clicked.connect(self.discomfort)
        zoom_keys(self, on_scale)

    # Steps -----------------------------------------------------------------------------
    def _ready(self) -> None:
        if self.auto_start:
            self.start_item()

    def start_item(self) -> None:
        if (self.running or self.walk.finished or self.walk.needs_confirm()
                or self.source_end is not None):
            return
        fps = self.worker.test_fps()  # half the feed's when every second frame is processed
        item = self.walk.current
        protocol = self.walk.protocol(self.profile, image_size=self.worker.feed.size, fps=fps,
                                      **(self.declared(item.protocol) if item.protocol else {}))
        self.running, self._status = True, None
        self.worker.start_test(protocol, self._writer(protocol, fps))
        self._buttons()

    def _writer(self, protocol, fps: float):
        """A session file for a measured item; timers are not recorded."""
        if self.session_dir is None or self.walk.current.protocol is None:
            return None
        writer, _ = live.open_recording_files(
            self.worker.feed, protocol, self.profile,
            default_session_path(self.session_dir, protocol.name),
            plan_item=self.walk.current.key, fps=fps)
        return writer

    def confirm(self) -> None:
        if self.walk.needs_confirm():
            self.walk.finish(None)
            self._next()

    def skip(self) -> None:
        if self.running:  # booked when the runner reports the end (``_item_ended``)
            self._skipping = True
            self.worker.stop_test("skipped")
            return
        self.walk.skip()
        self._next()

    def discomfort(self) -> None:
        if self.running:
            self.worker.stop_test(reasons.DISCOMFORT, discomfort=True, by="plan")
            self.running = False
        self.walk.finish(None, discomfort=True)
        self._next()

    def _item_ended(self, reason: str, result, path) -> None:
        if reason == reasons.DISCOMFORT or self.walk.finished:
            return  # already booked by ``discomfort``
        item = self.walk.current
        if path:
            self.sessions.append(path)
            self.recorded[item.key] = path
            _report, why = add_to_history(path)
            if why:
                self.messages.append(why)
        if self._skipping or reason == "skipped":
            self._skipping = False
            self.walk.skip()
        else:
            self.results.append((item.key, result))
            self.walk.finish(result)
        self.running = False
        self._next()

    def _next(self) -> None:
        self._show_item()
        if self.walk.finished:
            self.walk_finished.emit(self.walk)
            if self.on_finished is not None:
                self.on_finished(self.walk)
        elif self.auto_start and not self.walk.needs_confirm():
            self.start_item()

    # Display ---------------------------------------------------------------------------
    def _show_item(self) -> None:
        item, n = self.walk.current, len(self.walk.plan.items)
        if item is None:
            self.progress.setText(f"{n} of {n}")
            self.what.setText("All done for today. Well done." if not self.walk.stopped else
                              "Stopped. Rest, and tell your therapist if the pain lasts.")
            self.dose.setText("Check both feet for blisters, cuts and redness.")
            self.why.setText("")
            self.live.setText("")
        else:
            self.progress.setText(f"{self.walk.index + 1} of {n} - {item.part}")
            self.what.setText(item.what)
            self.dose.setText(item.dose)
            self.why.setText(f"Why: {item.why}")
            self.live.setText(self._next_step())
        self._buttons()

    def _source_ended(self, reason: str) -> None:
        if reason in (reasons.SOURCE_ENDED, reasons.CAMERA_LOST):
            self.source_end = reason
            self._show_item()

    def _buttons(self) -> None:
        finished = self.walk.finished
        self.start_button.setEnabled(not (finished or self.running or self.walk.needs_confirm()
                                          or self.source_end is not None))
        self.done_button.setEnabled(not finished and self.walk.needs_confirm())
        self.skip_button.setEnabled(not finished)
        self.discomfort_button.setEnabled(not finished)

    def _next_step(self) -> str:
        if self.walk.needs_confirm():
            return "Press Done when you have finished."
        if self.source_end is not None:
            return messages.source_end_text(self.source_end, PLAN_SOURCE_GONE)
        return "Press Start when ready."

    def _snapshot(self, snap) -> None:
        self.camera.show_snapshot(snap)
        if self.running and snap.status is not None:
            started = snap.status.phase == "running" and getattr(self._status, "phase",
                                                                  None) != "running"
            if started and self.sound is not None and self.walk.current.protocol:
                self.sound.play("hold")  # the clock runs: "Go"
            self._status = snap.status

    def _camera_resized(self, width: int) -> None:
        self.worker.capture.display_width = max(160, width)

    def _refresh_live(self) -> None:
        st = self._status
        if not self.running or st is None:
            return
        reps = st.metrics.get("reps") if isinstance(st.metrics, dict) else None
        if reps is not None:
            text = f"{reps} good reps"
        elif st.remaining_s is not None:
            text = f"{st.remaining_s:.0f} s left"
        else:
            text = f"{st.elapsed_s:.1f} s"
        self.live.setText(text + (f" - {st.cue}" if st.cue else "") + f"\n{st.instruction}")

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.timer.stop()
        self.worker.shutdown()
        super().closeEvent(event)
