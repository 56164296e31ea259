"""The therapist's replay window: one session, or two side by side, frame by frame.

Each session sits in a ``ReplayPane`` (``replay_pane``). The window adds the transport
shared by the panes: play/pause, step, 0.25x-2x, also from the keyboard (Space, Left and
Right, + and -). Playing advances every pane from where it stands, so two sessions aligned
by hand (week 1's lift against week 8's) play in step.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QLabel, QMainWindow,
                               QPushButton, QSplitter, QVBoxLayout, QWidget)

from balance.errors import BalanceError
from balance.gui.replay_pane import ReplayPane
from balance.gui.settings_file import remember_scale
from balance.gui.style import zoom_keys

SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0)
TICK_MS = 33


class ReplayWindow(QMainWindow):
    """One or two ``ReplayPane`` side by side under one transport bar.

    ``clock`` (seconds, monotonic) paces playing: each tick moves on by the time it says
    has passed, times the speed. ``remember`` keeps a text size chosen here (Ctrl+/-).
    """

    def __init__(self, paths, *, author: str | None = None, history=None,
                 clock=time.perf_counter, remember=remember_scale):
        super().__init__()
        self.clock = clock
        self.author, self.history = author, history
        self.playing = False
        self.speed = 1.0
        self.panes: list[ReplayPane] = []
        self.setWindowTitle("balance - replay")
        root = QWidget()
        outer = QVBoxLayout(root)
        outer.addLayout(self._transport())
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(root)
        for p in list(paths)[:2]:
            self.add_session(p)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self._last_tick = None
        self._clocks: dict[int, float] = {}  # id(pane) -> play clock, session s
        self._keys()
        zoom_keys(self, lambda scale: self._restyled(remember, scale))

    def _keys(self) -> None:
        """Space plays or pauses, Left and Right step a frame, + and - change the speed
        (typing a note keeps its keys: a line edit takes them first)."""
        for key, action in ((Qt.Key.Key_Space, self.toggle_play),
                            (Qt.Key.Key_Left, lambda: self.step(-1)),
                            (Qt.Key.Key_Right, lambda: self.step(1)),
                            (Qt.Key.Key_Plus, lambda: self.faster(1)),
                            (Qt.Key.Key_Equal, lambda: self.faster(1)),  # + without Shift
                            (Qt.Key.Key_Minus, lambda: self.faster(-1))):
            QShortcut(QKeySequence(key), self).activated.connect(action)

    def _restyled(self, remember, scale: float) -> None:
        for p in self.panes:
            p.restyle()
        remember(scale)

    def _transport(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Space")
        self.play_button.clicked.connect(self.toggle_play)
        back = QPushButton("< frame")
        back.setToolTip("Left arrow")
        back.clicked.connect(lambda: self.step(-1))
        fwd = QPushButton("frame >")
        fwd.setToolTip("Right arrow")
        fwd.clicked.connect(lambda: self.step(1))
        self.speed_box = QComboBox()
        for s in SPEEDS:
            self.speed_box.addItem(f"{s:g}x", s)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_box.currentIndexChanged.connect(
            lambda k: self.set_speed(self.speed_box.itemData(k)))
        self.compare_button = QPushButton("Compare with...")
        self.compare_button.clicked.connect(self._pick_second)
        for w in (self.play_button, back, fwd, QLabel("speed (+/-)"), self.speed_box):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.compare_button)
        return bar

    def add_session(self, path) -> ReplayPane:
        """Open a session in a new pane (at most two)."""
        if len(self.panes) >= 2:
            old = self.panes.pop()
            old.close_video()
            old.setParent(None)
        pane = ReplayPane(path, author=self.author, history=self.history)
        self.panes.append(pane)
        self.splitter.addWidget(pane)
        self.compare_button.setEnabled(len(self.panes) < 2)
        return pane

    def _pick_second(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Session to compare", "",
                                              "balance sessions (*.balance)")
        if path:
            try:
                self.add_session(path)
            except BalanceError as exc:  # a bad file: say so, keep the open session
                self.statusBar().showMessage(str(exc))

    # --- transport ----------------------------------------------------------------------

    def set_speed(self, speed: float) -> None:
        if speed not in SPEEDS:
            raise ValueError(f"speed must be one of {SPEEDS}")
        self.speed = float(speed)
        self.speed_box.setCurrentIndex(SPEEDS.index(speed))

    def faster(self, steps: int) -> None:
        """The next speed up (or down, ``steps`` < 0), stopping at the ends."""
        i = min(len(SPEEDS) - 1, max(0, SPEEDS.index(self.speed) + steps))
        self.set_speed(SPEEDS[i])

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def play(self) -> None:
        if all(p.at_end for p in self.panes):
            for p in self.panes:
                p.seek(0)
        self.playing = True
        self._last_tick = self.clock()
        self.play_button.setText("Pause")
        self.timer.start()

    def pause(self) -> None:
        self.playing = False
        self.timer.stop()
        self.play_button.setText("Play")
        for p in self.panes:
            p._show_readout(force=True)

    def step(self, frames: int) -> None:
        self.pause()
        for p in self.panes:
            p.step(frames)

    def advance(self, wall_s: float) -> None:
        """Move every pane on by ``wall_s`` seconds of wall time at the chosen speed.

        Each pane keeps its own play clock, in session seconds: a tick shorter than a
        frame (33 ms at 0.25x is 8 ms of session) adds up instead of snapping back to the
        frame shown. A pane moved by hand since plays on from where it was put."""
        for p in self.panes:
            if p.at_end:
                continue
            clock = self._clocks.get(id(p))
            if clock is None or p.timeline.index_at(clock) != p.index:
                clock = p.t_s
            self._clocks[id(p)] = clock = clock + wall_s * self.speed
            p.seek_time(clock + 1e-9)
        if all(p.at_end for p in self.panes):
            self.pause()

    def _tick(self) -> None:
        now = self.clock()
        self.advance(now - (self._last_tick if self._last_tick is not None else now))
        self._last_tick = now

    def closeEvent(self, event):
        self.timer.stop()
        for p in self.panes:
            p.close_video()
        super().closeEvent(event)
