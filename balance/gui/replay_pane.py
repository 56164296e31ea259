"""One session under review, for the replay window (``replay_window``).

A ``ReplayPane`` shows the picture (the kept video with the skeleton drawn on it, or
the skeleton alone on a dark canvas), a timeline of the sway trace with the trials
shaded and the events marked (click a mark, or a row of the event list, to jump there),
a draggable cursor and a slider, the metrics of the trial up to the cursor, and the
notes, which are appended to the session file. All numbers come from
``balance.present.timeline`` (Qt-free); this module only shows them.
"""

from __future__ import annotations

import getpass
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QPushButton, QSlider, QVBoxLayout, QWidget)

from balance.present import timeline as tl_mod
from balance.gui.style import current_scale, point_sizes, style_plot
from balance.gui.widgets import CameraView
from balance.storage.export import video_beside
from balance.events import Event
from balance.storage.session import append_events, read_session

NO_DEPTH = ("No depth in this recording (no world landmarks, as in a landmark CSV): no "
            "front-to-back sway to plot. Side-to-side sway is in the trace below.")
METRICS_EVERY_S = 0.2  # while playing, the metrics readout refreshes at most 5 times a second
SIDE_TO_SIDE, FRONT_TO_BACK = "#35e0ff", "#ffb04d"
# Event names sit in up to MARK_ROWS rows at the top of the timeline, MARK_ROW_STEP of its
# height apart; a name takes about MARK_WIDTH of the session's span.
MARK_ROWS, MARK_ROW_STEP, MARK_WIDTH = 3, 0.12, 0.09
MARK_ROOM = 0.6  # head room for those rows, as a share of the trace's range
MARK_COLOURS = {"foot_lift": "#7fe0a0", "touchdown": "#ffb04d", "note": "#ff7ad9"}
ERROR_KINDS = ("stance_foot_moved", "hands_off_hips", "loss_of_balance", "error",
               "foot_on_leg")
# What the readout shows of the trial's metrics, when the protocol provides it.
CURSOR_METRICS = (("mean_velocity", "sway speed", ".2f", "cm/s"),
                  ("ellipse_area", "area (95 %, AP est.)", ".1f", "cm²"),
                  ("path_length", "path", ".1f", "cm"),
                  ("rms_distance", "RMS", ".2f", "cm"))


@dataclass
class _Snap:
    """What ``CameraView`` draws: the same fields as the live window's snapshots."""

    index: int
    display: np.ndarray | None
    image_size: tuple[int, int]
    detected: bool
    landmarks: np.ndarray
    t_wall: float = 0.0


class _Video:
    """Frames of the video kept beside a session, read in order, seeking only on a jump."""

    def __init__(self, path: Path):
        import cv2
        self._cv2 = cv2
        self.cap = cv2.VideoCapture(str(path))
        self._next = 0

    def frame(self, i: int, blur_landmarks=None) -> np.ndarray | None:
        if i != self._next:
            self.cap.set(self._cv2.CAP_PROP_POS_FRAMES, i)
        ok, bgr = self.cap.read()
        self._next = i + 1
        if not ok:
            return None
        if blur_landmarks is not None:
            from balance.privacy import blur_face
            blur_face(bgr, blur_landmarks)
        return self._cv2.cvtColor(bgr, self._cv2.COLOR_BGR2BGRA)

    def close(self) -> None:
        self.cap.release()


def mark_colour(kind: str) -> str:
    if kind in MARK_COLOURS:
        return MARK_COLOURS[kind]
    return "#ff5a5a" if kind in ERROR_KINDS or "error" in kind else "#ffd75e"


class ReplayPane(QWidget):
    """One session under review. ``moved(index)`` is emitted after every seek."""

    moved = Signal(int)

    def __init__(self, path: str | Path, *, author: str | None = None, history=None,
                 parent=None):
        super().__init__(parent)
        self.path = Path(path)
        self.author = author or _login()
        self.history = history
        self.session = read_session(self.path)
        self.timeline = tl_mod.build(self.session)
        self.index = 0
        self.video = _Video(v) if (v := video_beside(self.path)) else None
        self._marks: list[pg.InfiniteLine] = []
        self._metrics_at = -1.0
        self._build()
        self._draw_marks()
        self.seek(0)

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        s = self.session
        layout = QVBoxLayout(self)
        title = QLabel(f"{self.path.name} - {s.metadata.get('person_id') or '-'}, "
                       f"{(s.metadata.get('start_time') or '')[:16].replace('T', ' ')}, "
                       f"{s.metadata.get('protocol') or 'no test named'}")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.view = CameraView()
        self.view.setMinimumSize(320, 180)
        top = QHBoxLayout()
        top.addWidget(self.view, 3)  # the picture gets most of the width
        top.addLayout(self._build_side(), 2)
        layout.addLayout(top, 3)
        layout.addWidget(self._build_timeline(self.timeline), 2)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("scrub")  # thick, see balance.gui.style
        self.slider.setRange(0, max(len(self.timeline) - 1, 0))
        self.slider.valueChanged.connect(lambda i: self.seek(i) if i != self.index else None)
        layout.addWidget(self.slider)
        notes = QHBoxLayout()
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("Note at the cursor (saved with the session)")
        self.note_edit.returnPressed.connect(self._add_typed_note)
        self.note_button = QPushButton("Add note")
        self.note_button.clicked.connect(self._add_typed_note)
        notes.addWidget(self.note_edit, 1)
        notes.addWidget(self.note_button)
        layout.addLayout(notes)
        self.status = QLabel("; ".join(self.session.warnings + [self.timeline.scale_note]
                                      + (["events found by the detector (none recorded)"]
                                         if self.timeline.detected_events else [])))
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

    def _build_side(self) -> QVBoxLayout:
        """Beside the picture: the metrics at the cursor, the trial's stabilogram so far,
        the list of events (click one to jump) and the face blur."""
        side = QVBoxLayout()
        self.readout = QLabel("")
        self.readout.setWordWrap(True)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        side.addWidget(self.readout)
        # short axis names: the plot is small, its left side barely 150 px high
        self.stabilo = pg.PlotWidget(title="This trial so far (front-back estimated from depth)")
        self.stabilo.setLabel("bottom", "side to side (cm)")
        self.stabilo.setLabel("left", "front-back (cm)")
        self.stabilo.setAspectLocked(True)
        self.stabilo.setMenuEnabled(False)
        self.stabilo.setMinimumSize(160, 140)
        self.trail = self.stabilo.plot(pen=pg.mkPen("#35e0ff", width=1))
        style_plot(self.stabilo)
        side.addWidget(self.stabilo, 2)
        # a landmark CSV holds no world landmarks: say so rather than show an empty plot
        self.no_depth = QLabel(NO_DEPTH)
        self.no_depth.setWordWrap(True)
        side.addWidget(self.no_depth)
        has_depth = bool(np.isfinite(self.timeline.sway_ap).any())
        self.stabilo.setVisible(has_depth)
        self.no_depth.setVisible(not has_depth)
        self.events_list = QListWidget()
        self.events_list.itemActivated.connect(
            lambda item: self.jump_to_event(self.events_list.row(item)))
        self.events_list.itemClicked.connect(
            lambda item: self.jump_to_event(self.events_list.row(item)))
        self.events_list.setMinimumHeight(80)
        side.addWidget(self.events_list, 1)
        self.blur = QCheckBox("blur face")
        self.blur.setVisible(self.video is not None)
        self.blur.toggled.connect(lambda _on: self.seek(self.index))
        side.addWidget(self.blur)
        return side

    def _build_timeline(self, tl):
        """The sway trace with the trials shaded and a draggable cursor; the colours are
        named in the title, so no legend hides the trace."""
        self.plot = pg.PlotWidget(title=f"{_coloured('side to side', SIDE_TO_SIDE)} and "
                                        f"{_coloured('front to back (estimated)', FRONT_TO_BACK)} "
                                        "sway (cm): click a mark to jump")
        self.plot.setLabel("bottom", "time (s)")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=True, y=False)
        # about each trial's own centre (``present.timeline``): no jump at a lift
        self.plot.plot(tl.t, tl.sway_h, pen=pg.mkPen(SIDE_TO_SIDE, width=2), connect="finite")
        self.plot.plot(tl.t, tl.sway_ap, pen=pg.mkPen(FRONT_TO_BACK, width=1), connect="finite")
        low, high = _y_range(tl.sway_h, tl.sway_ap)
        # Head room above the trace for the rows of event names.
        self.plot.setYRange(low, high + (high - low) * MARK_ROOM, padding=0.05)
        self.plot.setMinimumHeight(170)
        for trial in tl.trials:
            region = pg.LinearRegionItem((trial.start_s, trial.end_s), movable=False,
                                         brush=pg.mkBrush(255, 255, 255, 25))
            self.plot.addItem(region)
        self.cursor = pg.InfiniteLine(pos=float(tl.t[0]) if len(tl) else 0.0, angle=90,
                                      movable=True, pen=pg.mkPen("#ffffff", width=2))
        self.cursor.sigPositionChanged.connect(
            lambda line: self.seek_time(line.value(), from_cursor=True))
        self.plot.addItem(self.cursor)
        style_plot(self.plot)
        return self.plot

    def marks(self) -> list[Event]:
        """Everything on the timeline, in time order: events and notes."""
        return sorted(self.timeline.events + self.timeline.notes, key=lambda e: e.t_s)

    def _draw_marks(self) -> None:
        """A line per mark, named in rows so that close marks do not overprint."""
        for line in self._marks:
            self.plot.removeItem(line)
        self._marks.clear()
        self.events_list.clear()
        marks = self.marks()
        tl = self.timeline
        span = float(tl.t[-1] - tl.t[0]) if len(tl) > 1 else 1.0
        scale = current_scale()
        font = QFont()
        font.setPointSize(point_sizes(scale)["plot"])
        rows = label_rows([e.t_s for e in marks], span, width=MARK_WIDTH * scale)
        for k, (e, row) in enumerate(zip(marks, rows)):
            text = _event_text(e)
            # Named to the right of its line, in its row.
            opts = {"position": 0.88 - MARK_ROW_STEP * row, "color": mark_colour(e.kind),
                    "anchors": [(0, 0.5), (0, 0.5)]}
            line = pg.InfiniteLine(pos=e.t_s, angle=90, movable=False,
                                   pen=pg.mkPen(mark_colour(e.kind), width=2),
                                   label=e.kind.replace("_", " "), labelOpts=opts)
            line.label.setFont(font)
            line.setToolTip(text)
            line.sigClicked.connect(lambda _line, _ev, k=k: self.jump_to_event(k))
            self.plot.addItem(line)
            self._marks.append(line)
            self.events_list.addItem(f"{e.t_s:7.2f} s  {text}")

    def restyle(self) -> None:
        """After a text size change: the plots and the names of the marks."""
        for plot in (self.plot, self.stabilo):
            style_plot(plot)
        self._draw_marks()

    # --- moving -------------------------------------------------------------------------

    def seek(self, i: int) -> None:
        """Show frame ``i`` (clipped to the session)."""
        n = len(self.timeline)
        if n == 0:
            return
        self.index = int(np.clip(i, 0, n - 1))
        t_s = float(self.timeline.t[self.index])
        if self.cursor.value() != t_s:
            self.cursor.blockSignals(True)
            self.cursor.setValue(t_s)
            self.cursor.blockSignals(False)
        if self.slider.value() != self.index:
            self.slider.blockSignals(True)
            self.slider.setValue(self.index)
            self.slider.blockSignals(False)
        self._show_frame()
        self._show_readout()
        self.moved.emit(self.index)

    def seek_time(self, t_s: float, *, from_cursor: bool = False) -> None:
        self.seek(self.timeline.index_at(t_s))

    def step(self, frames: int) -> None:
        self.seek(self.index + frames)

    def jump_to_event(self, k: int) -> Event:
        """Move the cursor to the k-th mark (events and notes in time order)."""
        e = self.marks()[k]
        self.seek_time(e.t_s + 1e-9)
        self.events_list.setCurrentRow(k)
        return e

    @property
    def t_s(self) -> float:
        return float(self.timeline.t[self.index]) if len(self.timeline) else 0.0

    @property
    def at_end(self) -> bool:
        return self.index >= len(self.timeline) - 1

    def _show_frame(self) -> None:
        s, i = self.session, self.index
        display = None
        if self.video is not None:
            lm = s.image[i] if self.blur.isChecked() and s.detected[i] else None
            display = self.video.frame(i, lm)
        self.view.show_snapshot(_Snap(i, display, s.image_size, bool(s.detected[i]), s.image[i]))

    def _show_readout(self, force: bool = False) -> None:
        now = time.perf_counter()
        playing = self.window() is not None and getattr(self.window(), "playing", False)
        if playing and not force and now - self._metrics_at < METRICS_EVERY_S:
            return
        self._metrics_at = now
        info = self.timeline.at(self.index)
        self.readout.setText(cursor_text(info))
        tl = self.timeline
        if info["trial"] is not None:
            lo = tl.index_at(info["t_s"] - info["elapsed_s"])
            h = tl.sway_h[lo:self.index + 1]
            self.trail.setData(h, tl.sway_ap[lo:self.index + 1], connect="finite")
        else:
            self.trail.setData([], [])
        self.last_info = info

    # --- notes --------------------------------------------------------------------------

    def _add_typed_note(self) -> None:
        text = self.note_edit.text().strip()
        if text:
            self.add_note(text)
            self.note_edit.clear()

    def add_note(self, text: str) -> Event:
        """Save a note at the cursor into the session file (appended) and show it."""
        note = Event(self.t_s, tl_mod.NOTE, {
            "text": text, "author": self.author,
            "written": datetime.now(timezone.utc).isoformat(timespec="seconds")})
        append_events(self.path, [note])
        self.timeline.notes = sorted(self.timeline.notes + [note], key=lambda e: e.t_s)
        self._draw_marks()
        self._refresh_history()
        return note

    def _refresh_history(self) -> None:
        """Copy the notes into the history too, when this session is in it."""
        if self.history is None:
            return
        try:
            if self.history.session_by_file(self.path) is not None:
                self.history.import_session(self.path)
        except Exception as exc:  # the note is safe in the file; the history can catch up
            self.status.setText(f"note saved in the session; the history was not updated: {exc}")

    def close_video(self) -> None:
        if self.video is not None:
            self.video.close()
            self.video = None


def label_rows(times: list[float], span: float, *, width: float = MARK_WIDTH,
               rows: int = MARK_ROWS) -> list[int]:
    """A row for the name of each mark (times in order): the first row whose last name
    ends before this one starts, so names closer than ``width`` x ``span`` stack instead
    of overprinting; with every row taken, the row that frees first."""
    ends = [-np.inf] * rows
    out = []
    for t in times:
        row = next((r for r in range(rows) if ends[r] <= t), int(np.argmin(ends)))
        ends[row] = t + width * span
        out.append(row)
    return out


def _coloured(text: str, colour: str) -> str:
    return f"<span style='color:{colour}'>{text}</span>"


def _y_range(*series) -> tuple[float, float]:
    """A range holding 99 % of the samples: one wild frame must not flatten the trace."""
    vals = np.concatenate([np.asarray(s, float) for s in series])
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        return -1.0, 1.0
    lo, hi = np.percentile(vals, [0.5, 99.5])
    half = max(abs(lo), abs(hi), 0.5)
    return -half, half


def cursor_text(info: dict) -> str:
    """The readout under the timeline: time, sway, and the trial's metrics so far."""
    lines = [f"time {info['t_s']:.2f} s (frame {info['frame']})"]
    if info["sway_h_cm"] is not None:
        lines.append(f"sway side to side {info['sway_h_cm']:+.1f} cm")
    if info["trial"] is None:
        lines.append("between trials")
        return "\n".join(lines)
    side = f", {info['side']} leg" if info["side"] else ""
    lines.append(f"trial {info['trial']}{side}: {info['elapsed_s']:.1f} s in")
    m = info["metrics"]
    parts = [f"{label} {m[key]:{fmt}} {unit}" for key, label, fmt, unit in CURSOR_METRICS
             if isinstance(m.get(key), (int, float))]
    if parts:
        lines.append(", ".join(parts))
    return "\n".join(lines)


def _event_text(e: Event) -> str:
    p = e.payload or {}
    if e.kind == tl_mod.NOTE:
        return f"note ({p.get('author') or '?'}): {p.get('text', '')}"
    side = f" {p['side']}" if p.get("side") else ""
    return f"{e.kind.replace('_', ' ')}{side}"


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers: notes are still worth saving
        return "therapist"
