"""The window's building blocks: camera view with skeleton, sway plots, result card."""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from balance.gui.style import current_scale, point_sizes, style_plot
from balance.pose.landmarks import SKELETON, VIS

BONE = QColor("#35e0ff")
JOINT = QColor("#ffd75e")
CANVAS = QColor("#1a1f26")
MARK = QColor("#ffd75e")


class CameraView(QWidget):
    """The camera picture (or a dark canvas in a replay) with the skeleton drawn on it.

    ``on_shown(latency_ms, paint_ms)`` is called once per new picture, after it has been
    painted: the end of the capture-to-screen clock, and how long the paint took.
    """

    def __init__(self, parent=None, on_shown=None, on_resized=None):
        super().__init__(parent)
        self.on_resized = on_resized
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        self.on_shown = on_shown
        self._snap = None
        self._qimage = None
        self._timed = -1  # index of the last snapshot whose latency was taken
        self.mark = None  # the TUG set-up's 3 m line (``walk_line.WalkLine``), or None

    def show_snapshot(self, snap) -> None:
        self._snap = snap
        if snap.display is not None:
            h, w = snap.display.shape[:2]
            # Wraps the BGRA array without copying; the snapshot keeps the array alive.
            self._qimage = QImage(snap.display.data, w, h, 4 * w, QImage.Format.Format_RGB32)
        else:
            self._qimage = None
        self.update()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self.on_resized is not None:
            self.on_resized(int(self._target().width()))

    def _target(self) -> QRectF:
        """Where the picture goes: as large as fits, aspect kept, centred."""
        w, h = self._snap.image_size if self._snap else (16, 9)
        scale = min(self.width() / max(w, 1), self.height() / max(h, 1))
        tw, th = w * scale, h * scale
        return QRectF((self.width() - tw) / 2, (self.height() - th) / 2, tw, th)

    def paintEvent(self, event):
        start = time.perf_counter()
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#000000"))
        target = self._target()
        if self._qimage is not None:
            if abs(self._qimage.width() - target.width()) > 1:
                # Only until the worker catches up with a resize: normally 1:1.
                p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            p.drawImage(target, self._qimage)
        else:
            p.fillRect(target, CANVAS)
        if self._snap is not None and self._snap.detected:
            self._draw_skeleton(p, target, self._snap.landmarks)
        if self.mark is not None and self._snap is not None:
            self._draw_mark(p, target, self.mark, self._snap.image_size)
        p.end()
        snap = self._snap
        if snap is not None and snap.index != self._timed and self.on_shown is not None:
            self._timed = snap.index
            now = time.perf_counter()
            self.on_shown((now - snap.t_wall) * 1e3, (now - start) * 1e3)

    def _draw_mark(self, p: QPainter, target: QRectF, mark, image_size) -> None:
        """The 3 m line where it would lie on the floor: a tall yellow post from the
        floor up, named, so it can be found across the room (none when it is off the picture)."""
        w, h = image_size
        x = target.x() + mark.x_px / w * target.width()
        if not target.left() <= x <= target.right():
            return
        floor = target.y() + min(mark.floor_px / h, 1.0) * target.height()
        top = max(target.top(), floor - 0.5 * target.height())
        p.setPen(QPen(MARK, max(4.0, target.height() / 120), Qt.PenStyle.DashLine))
        p.drawLine(QPointF(x, floor), QPointF(x, top))
        font = QFont()
        font.setPointSize(point_sizes(current_scale())["big"])  # the text size at paint time
        font.setBold(True)
        p.setFont(font)
        p.setPen(MARK)
        label = "3 m"
        width = p.fontMetrics().horizontalAdvance(label)
        left = x + 8 if x + 8 + width <= target.right() else x - 8 - width  # inside the picture
        p.drawText(QPointF(left, top + p.fontMetrics().ascent()), label)

    def _draw_skeleton(self, p: QPainter, target: QRectF, lm: np.ndarray) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        xs = target.x() + lm[:, 0] * target.width()
        ys = target.y() + lm[:, 1] * target.height()
        # Unset visibility is NaN (unknown): draw it, the coordinates are usable.
        seen = np.isfinite(xs) & np.isfinite(ys) & ~(lm[:, VIS] < 0.3)
        width = max(3.0, target.height() / 150)
        p.setPen(QPen(BONE, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for a, b in SKELETON:
            if seen[a] and seen[b]:
                p.drawLine(QPointF(xs[a], ys[a]), QPointF(xs[b], ys[b]))
        p.setPen(QPen(JOINT, width * 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for i in np.flatnonzero(seen[11:]) + 11:  # body joints; the face has enough lines
            p.drawPoint(QPointF(xs[i], ys[i]))


class RingBuffer:
    """A fixed-size history without allocation per sample.

    Every sample is written twice, at ``i`` and ``i + n``, so the last ``n`` samples are
    always one contiguous slice: plotting needs no copy and no ``np.roll``.
    """

    def __init__(self, n: int, columns: int):
        self.n = n
        self._data = np.full((2 * n, columns), np.nan)
        self._i = 0
        self.count = 0

    def append(self, *values) -> None:
        self._data[self._i] = values
        self._data[self._i + self.n] = values
        self._i = (self._i + 1) % self.n
        self.count += 1

    def clear(self) -> None:
        self._data[:] = np.nan
        self._i = self.count = 0

    def view(self) -> np.ndarray:
        """The last min(count, n) samples, oldest first (a view, do not keep it)."""
        k = min(self.count, self.n)
        end = self._i + self.n
        return self._data[end - k:end]


class SwayPlots(QWidget):
    """Live sway trace (side to side and front to back, against time) and stabilogram.

    From the front camera the protocols ask for, side to side is the image's horizontal
    (``Status.sway_cm[0]``) and front to back the depth estimate (``Status.sway_ap_cm``,
    labelled as estimated; empty without depth). The image's vertical is the body's
    height, not sway, and is not drawn.

    Drawn cheaply, because the GUI thread shares two cores with the pose model: no
    antialiasing, a time axis that reads "seconds ago" so its ticks never move, ranges
    that change only in steps, and at most ``PLOT_HZ`` redraws a second.
    """

    PLOT_HZ = 15.0
    MIN_HEIGHT = 110  # px at the default text size: plots give way first when the column is full
    SCALES_CM = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0)

    def __init__(self, parent=None, *, seconds: float = 20.0, fps: float = 30.0):
        super().__init__(parent)
        n = int(seconds * max(fps, 1.0) * 2)  # room for a faster feed
        self.trace_buf = RingBuffer(n, 3)   # t, ml, ap
        self.trail_buf = RingBuffer(int(10 * max(fps, 1.0) * 2), 2)  # the last ~10 s
        self.seconds = seconds
        self._last = 0.0
        self._origin = None
        self._scale = {"trace": None, "stabilo": None}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.trace = _plot("Sway (cm)", "seconds ago", "")
        self.trace.addLegend(offset=(5, 5))
        self.trace.setXRange(-seconds, 0, padding=0)
        self.ml_curve = self.trace.plot(pen=pg.mkPen("#35e0ff", width=2), name="side to side")
        self.ap_curve = self.trace.plot(pen=pg.mkPen("#ffb04d", width=2),
                                        name="front to back (estimated)")
        self.stabilo = _plot("Stabilogram (cm)", "side to side (cm)",
                             "front-back, est. (cm)")
        self.stabilo.setAspectLocked(True)
        self.stabilo.showGrid(x=True, y=True, alpha=0.3)
        self.path_curve = self.stabilo.plot(pen=pg.mkPen("#35e0ff", width=2))
        self.dot = self.stabilo.plot(pen=None, symbol="o", symbolSize=16,
                                     symbolBrush="#ffd75e")
        self._rescale(0.0)
        finish_plots(self.trace, self.stabilo)
        for plot in (self.trace, self.stabilo):
            layout.addWidget(plot, 1)
        self._fit_text()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.StyleChange:  # Ctrl+plus / Ctrl+minus
            self._fit_text()

    def _fit_text(self) -> None:
        """Squeezed no lower than the text size allows: at the largest, 110 px held no more
        than the ticks, one on top of the other."""
        for plot in (self.trace, self.stabilo):
            plot.setMinimumHeight(round(self.MIN_HEIGHT * max(1.0, current_scale())))

    def add(self, t: float, sway, ap_cm: float | None = None) -> None:
        """One sample: ``sway`` is (horizontal, vertical) cm as protocols report it, or
        None; ``ap_cm`` the front-to-back estimate, or None.

        Shown as the change since the first sample after ``clear()`` (the trial's
        start): what a person can act on, whatever origin a protocol measures from.
        """
        if sway is None or not np.isfinite(sway[0]):
            return
        ap = float(ap_cm) if ap_cm is not None else float("nan")
        if self._origin is None:
            self._origin = [float(sway[0]), ap]
        if not np.isfinite(self._origin[1]):
            self._origin[1] = ap  # the depth's scale may come a little later
        ml, ap = float(sway[0]) - self._origin[0], ap - self._origin[1]
        self.trace_buf.append(t, ml, ap)
        self.trail_buf.append(ml, ap)

    def clear(self) -> None:
        self.trace_buf.clear()
        self.trail_buf.clear()
        self._origin = None
        self.refresh(force=True)

    def refresh(self, force: bool = False) -> None:
        """Push the buffers to the curves (called by the repaint, at most PLOT_HZ)."""
        now = time.perf_counter()
        if not force and now - self._last < 1.0 / self.PLOT_HZ:
            return
        self._last = now
        trace = self.trace_buf.view()
        if len(trace):
            trace = trace[trace[:, 0] >= trace[-1, 0] - self.seconds]
            ago = trace[:, 0] - trace[-1, 0]
        else:
            ago = trace[:, 0]
        self.ml_curve.setData(ago, trace[:, 1])
        self.ap_curve.setData(ago, trace[:, 2], connect="finite")
        trail = self.trail_buf.view()
        self.path_curve.setData(trail[:, 0], trail[:, 1], connect="finite")
        last = trail[-1:][np.isfinite(trail[-1:]).all(axis=1)]  # no dot without depth
        self.dot.setData(last[:, 0], last[:, 1])
        peak = float(np.nanmax(np.abs(trace[:, 1:]))) if len(trace) else 0.0
        self._rescale(peak if np.isfinite(peak) else 0.0)

    def _rescale(self, peak_cm: float) -> None:
        """Ranges in steps (1, 2, 5... cm): axes only re-tick when the step changes."""
        scale = next((s for s in self.SCALES_CM if s >= peak_cm * 1.1), self.SCALES_CM[-1])
        if self._scale["trace"] != scale:
            self._scale["trace"] = scale
            self.trace.setYRange(-scale, scale, padding=0)
            self.stabilo.setXRange(-scale, scale, padding=0)
            self.stabilo.setYRange(-scale, scale, padding=0)


def _plot(title: str, bottom: str, left: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(title=title)
    plot.setLabel("bottom", bottom)
    if left:
        plot.setLabel("left", left)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.disableAutoRange()
    plot.setMenuEnabled(False)
    return plot


def finish_plots(*plots: pg.PlotWidget) -> None:
    """Plots at the window's text size, once their titles, axes and legends are set."""
    for plot in plots:
        style_plot(plot)


class ResultCard(QFrame):
    """The result of the trial that just ended, with norms and the end-of-session reminders."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        self.title = QLabel("Result")
        self.title.setObjectName("instruction")
        self.title.setWordWrap(True)
        self.body = QLabel("")
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # No scroll of its own: the window's side column scrolls it with the plots below.
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        self.hide()

    def show_text(self, title: str, text: str) -> None:
        self.title.setText(title)
        self.body.setText(text)
        self.show()


def big_label(name: str, text: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label
