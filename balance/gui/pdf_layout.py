"""Pages, flowing layout and charts for the PDF reports (``pdf_report``).

A report is drawn once, through ``Layout``, onto pages from a pager: ``PdfPager``
writes A4 pages to a PDF (Qt's own ``QPdfWriter``: no extra dependency), ``ImagePager``
paints the same pages into images (previews and tests). Charts are drawn with QPainter
rather than exported from pyqtgraph, so they are vector graphics in the PDF and need no
screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetricsF, QImage, QPageLayout,
                           QPageSize, QPainter, QPainterPath, QPdfWriter, QPen)

from balance import __version__
from balance.present.axes import value_range

DPI = 300
MARGIN_MM = 16
INK = QColor("#1a1a1a")
GREY = QColor("#6b6b6b")
GRID = QColor("#d9d9d9")
WRAP = Qt.TextFlag.TextWordWrap.value  # drawText and boundingRect take plain int flags
SIDE = {"left": QColor("#0a7bbf"), "right": QColor("#d9730d"), None: QColor("#444444")}
ROWS = (QColor("#2a8f4e"), QColor("#8a4fbf"), QColor("#b8860b"), QColor("#c2185b"))  # poses
NORM = QColor(60, 170, 90, 60)
FALL = QColor("#c81e1e")
DISCLAIMER = ("Measured with a webcam: values are estimates for following training over "
              "time, not a diagnosis. Norms come from stopwatch and force-plate studies.")


# --- pages ------------------------------------------------------------------------------

class PdfPager:
    """A4 portrait pages in a PDF file."""

    def __init__(self, path: str | Path, title: str):
        self.path = Path(path)
        self.writer = QPdfWriter(str(self.path))
        self.writer.setResolution(DPI)
        self.writer.setTitle(title)
        self.writer.setCreator(f"balance {__version__}")
        self.writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                              QPageLayout.Orientation.Portrait,
                                              QMarginsF(0, 0, 0, 0)))
        self.painter = QPainter()
        if not self.painter.begin(self.writer):
            from balance.errors import InputError
            raise InputError(f"cannot write the PDF {self.path}")

    def size(self) -> QSizeF:
        return QSizeF(self.writer.width(), self.writer.height())

    def new_page(self) -> None:
        self.writer.newPage()

    def finish(self) -> None:
        self.painter.end()


class ImagePager:
    """The same A4 pages painted into QImages (``images``), at ``dpi``."""

    def __init__(self, dpi: int = 100):
        self.dpi = dpi
        self.images: list[QImage] = []
        self.painter = QPainter()
        self._page()

    def _page(self) -> None:
        w, h = round(210 / 25.4 * self.dpi), round(297 / 25.4 * self.dpi)
        img = QImage(w, h, QImage.Format.Format_RGB32)
        per_m = round(self.dpi / 0.0254)
        img.setDotsPerMeterX(per_m)
        img.setDotsPerMeterY(per_m)
        img.fill(QColor("white"))
        self.images.append(img)
        self.painter.begin(img)

    def size(self) -> QSizeF:
        return QSizeF(self.images[-1].width(), self.images[-1].height())

    def new_page(self) -> None:
        self.painter.end()
        self._page()

    def finish(self) -> None:
        self.painter.end()


# --- layout -----------------------------------------------------------------------------

class Layout:
    """Flows blocks down the page, starting a new page when one does not fit."""

    def __init__(self, pager, footer: str):
        self.pager, self.footer = pager, footer
        self.p = pager.painter
        self.page = 1
        self._setup()

    def _setup(self) -> None:
        size = self.pager.size()
        self.px_per_mm = size.width() / 210.0
        m = MARGIN_MM * self.px_per_mm
        self.left, self.right = m, size.width() - m
        self.top, self.bottom = m, size.height() - m - 10 * self.px_per_mm
        self.y = self.top
        self.p.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    @property
    def width(self) -> float:
        return self.right - self.left

    def mm(self, v: float) -> float:
        return v * self.px_per_mm

    def font(self, pt: float, bold: bool = False) -> QFont:
        f = QFont("DejaVu Sans")
        f.setPointSizeF(pt)
        f.setBold(bold)
        # no "fi"/"fl" ligatures: text copied out of the PDF stays plain letters
        f.setFeature(QFont.Tag("liga"), 0)
        self.p.setFont(f)
        return f

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom and self.y > self.top:
            self.new_page()

    def new_page(self) -> None:
        self._draw_footer()
        self.pager.new_page()
        self.page += 1
        self._setup()

    def finish(self) -> None:
        self._draw_footer()
        self.pager.finish()

    def _draw_footer(self) -> None:
        self.font(7.5)
        self.p.setPen(GREY)
        y = self.bottom + self.mm(3)
        rect = QRectF(self.left, y, self.width, self.mm(12))
        self.p.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                        f"{self.footer}\n{DISCLAIMER}")
        self.p.drawText(rect, Qt.AlignmentFlag.AlignRight, f"page {self.page}")

    def text(self, text: str, pt: float = 10, *, bold: bool = False, colour=INK,
             gap_mm: float = 1.5) -> None:
        """A wrapped paragraph."""
        font = self.font(pt, bold)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
        rect = QFontMetricsF(font, self.pager_device()).boundingRect(
            QRectF(0, 0, self.width, 1e6), flags, text)
        self.ensure(rect.height())
        self.font(pt, bold)
        self.p.setPen(colour)
        self.p.drawText(QRectF(self.left, self.y, self.width, rect.height() + 2), flags, text)
        self.y += rect.height() + self.mm(gap_mm)

    def pager_device(self):
        return self.p.device()

    def heading(self, text: str, pt: float = 14, keep_mm: float = 0.0) -> None:
        """A section's title; ``keep_mm`` of what follows stays on its page with it."""
        self.ensure(self.mm(18 + keep_mm))
        self.y += self.mm(2)
        self.text(text, pt, bold=True, gap_mm=1)
        self.p.setPen(QPen(GRID, self.mm(0.3)))
        self.p.drawLine(QPointF(self.left, self.y), QPointF(self.right, self.y))
        self.y += self.mm(2)

    def table(self, header: list[str], rows: list[list[str]], widths: list[float],
              pt: float = 9) -> None:
        """A table whose header is repeated on a new page; ``widths`` are fractions of
        the text width. A cell too long for its column wraps, its row growing to fit."""
        xs = np.cumsum([0.0] + [w * self.width for w in widths])
        self.ensure(2 * self._row_height(header, xs, pt, True))
        self._row(header, xs, pt, bold=True)
        for row in rows:
            page = self.page
            self.ensure(self._row_height(row, xs, pt))
            if self.page != page:
                self._row(header, xs, pt, bold=True)
            self._row(row, xs, pt)
        self.y += self.mm(2)

    def _cells(self, cells, xs) -> list[QRectF]:
        return [QRectF(self.left + xs[c], self.y, xs[c + 1] - xs[c] - self.mm(1), 1e6)
                for c in range(len(cells))]

    def _row_height(self, cells, xs, pt: float, bold: bool = False) -> float:
        metrics = QFontMetricsF(self.font(pt, bold), self.pager_device())
        pad = metrics.height() * 0.35
        return pad + max(metrics.boundingRect(r, WRAP, str(c)).height()
                         for r, c in zip(self._cells(cells, xs), cells))

    def _row(self, cells, xs, pt: float, bold: bool = False) -> None:
        height = self._row_height(cells, xs, pt, bold)
        self.font(pt, bold)
        self.p.setPen(INK)
        for rect, cell in zip(self._cells(cells, xs), cells):
            rect.setHeight(height)
            self.p.drawText(rect, WRAP | Qt.AlignmentFlag.AlignVCenter.value, str(cell))
        self.y += height
        if bold:
            self.p.setPen(QPen(GRID, self.mm(0.25)))
            self.p.drawLine(QPointF(self.left, self.y), QPointF(self.right, self.y))


# --- charts -----------------------------------------------------------------------------

@dataclass
class Series:
    """One curve; ``joined[i]`` says whether point i is joined to point i+1 (default all)."""

    label: str
    x: list
    y: list
    colour: QColor
    markers: bool = True
    joined: list | None = None


@dataclass
class Axis:
    """Fixed ticks as (value, label) and the range shown."""

    ticks: list
    lo: float
    hi: float


def row_colour(row, k: int) -> QColor:
    """The leg's colour, else (a pose's row) the k-th of the other colours."""
    return SIDE[row] if row in SIDE else ROWS[k % len(ROWS)]


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (1, 2, 5 x 10^k steps)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 5, 10) if s * mag >= raw)
    start = math.floor(lo / step) * step
    return [start + k * step for k in range(int(math.ceil((hi - start) / step)) + 1)]


def numeric_axis(lo: float, hi: float, n: int) -> Axis:
    ticks = nice_ticks(lo, hi, n)
    return Axis([(t, f"{t:g}") for t in ticks], ticks[0], ticks[-1])


def chart(lay: Layout, rect: QRectF, series: list[Series], *, title: str, x_label: str,
          band: tuple[float, float] | None = None, band_label: str = "",
          hline: tuple[float, str] | None = None, y_zero: bool = False,
          shade: list[tuple[float, float]] = (), marks: list[tuple[float, str]] = (),
          y_range: tuple[float, float] | None = None, x_axis: Axis | None = None) -> QRectF:
    """A line chart in ``rect``: axes with round ticks, an optional horizontal band (age
    norm), line (fall risk), shaded x spans (trials) and vertical marks (events); the
    legend on its own line under the title, off the data. ``y_range`` fixes the y axis
    (values outside are clipped at the frame), ``x_axis`` the x axis (dates). Returns
    the plot's frame."""
    p = lay.p
    extra = list(band or ()) + ([hline[0]] if hline else [])
    x_axis = x_axis or _x_axis(series)
    y_axis = numeric_axis(*(y_range or value_range(
        [v for s in series for v in s.y] + extra, zero=y_zero)), 4)
    lay.font(8.5, bold=True)
    p.setPen(INK)
    p.drawText(QRectF(rect.left(), rect.top(), rect.width(), lay.mm(5)),
               Qt.AlignmentFlag.AlignHCenter, title)
    plot = QRectF(rect.left() + lay.mm(11), rect.top() + lay.mm(10),
                  rect.width() - lay.mm(13), rect.height() - lay.mm(18))
    (x0, x1), (y0, y1) = (x_axis.lo, x_axis.hi), (y_axis.lo, y_axis.hi)

    def px(x, y):
        return QPointF(plot.left() + (x - x0) / (x1 - x0) * plot.width(),
                       plot.bottom() - (y - y0) / (y1 - y0) * plot.height())

    for a, b in shade:
        p.fillRect(QRectF(px(a, y1), px(b, y0)), QColor(0, 0, 0, 18))
    if band:
        p.fillRect(QRectF(px(x0, band[1]), px(x1, band[0])), NORM)
    _grid(lay, rect, plot, px, x_axis, y_axis, x_label)
    if band and band_label:
        p.setPen(QColor(30, 120, 60))
        p.drawText(px(x0, band[1]) + QPointF(lay.mm(1), -lay.mm(0.8)), band_label)
    if hline:
        p.setPen(QPen(FALL, lay.mm(0.4), Qt.PenStyle.DashLine))
        p.drawLine(px(x0, hline[0]), px(x1, hline[0]))
        p.drawText(px(x1, hline[0]) + QPointF(-lay.mm(28), -lay.mm(0.8)), hline[1])
    for x, _kind in marks:
        p.setPen(QPen(QColor("#8a4fbf"), lay.mm(0.3)))
        p.drawLine(px(x, y0), px(x, y1))
    p.save()
    p.setClipRect(plot)
    for s in series:
        _curve(lay, s, px)
    p.restore()
    _legend(lay, series, QPointF(plot.left(), rect.top() + lay.mm(8.5)))
    return plot


def _legend(lay: Layout, series: list[Series], at: QPointF) -> None:
    """The series' names in their colours, side by side, above the plot's frame."""
    lay.font(7, bold=True)
    x = at.x()
    for s in series:
        lay.p.setPen(s.colour)
        text = f"- {s.label}"
        lay.p.drawText(QPointF(x, at.y()), text)
        x += QFontMetricsF(lay.p.font(), lay.pager_device()).horizontalAdvance(text) + lay.mm(4)


def _x_axis(series: list[Series]) -> Axis:
    xs = [v for s in series for v in s.x] or [0.0, 1.0]
    span = max(xs) - min(xs)
    return numeric_axis(min(xs), max(xs) + 0.02 * span, 6)  # the last point off the frame


def _grid(lay: Layout, rect: QRectF, plot: QRectF, px, x_axis: Axis, y_axis: Axis,
          x_label: str) -> None:
    """Grid lines, tick labels, the x label and the frame, through the chart's ``px``."""
    p = lay.p
    x0, x1, y0 = x_axis.lo, x_axis.hi, y_axis.lo
    lay.font(7)
    for t, text in y_axis.ticks:
        p.setPen(QPen(GRID, lay.mm(0.15)))
        p.drawLine(px(x0, t), px(x1, t))
        p.setPen(GREY)
        p.drawText(QRectF(rect.left(), px(x0, t).y() - lay.mm(2), lay.mm(10), lay.mm(4)),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
    for t, text in x_axis.ticks:
        p.setPen(GREY)
        p.drawText(QRectF(px(t, y0).x() - lay.mm(8), plot.bottom() + lay.mm(0.5), lay.mm(16),
                          lay.mm(4)), Qt.AlignmentFlag.AlignHCenter, text)
    p.drawText(QRectF(plot.left(), plot.bottom() + lay.mm(4), plot.width(), lay.mm(4)),
               Qt.AlignmentFlag.AlignHCenter, x_label)
    p.setPen(QPen(GREY, lay.mm(0.3)))
    p.drawRect(plot)


def _curve(lay: Layout, s: Series, px) -> None:
    p = lay.p
    path, started = QPainterPath(), False
    joined = s.joined or [True] * len(s.x)
    for x, y, join in zip(s.x, s.y, joined):
        if y is None or not math.isfinite(y):
            started = False
            continue
        pt = px(x, y)
        path.lineTo(pt) if started else path.moveTo(pt)
        started = join
    p.setPen(QPen(s.colour, lay.mm(0.45 if s.markers else 0.25)))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    if s.markers:
        p.setBrush(QBrush(s.colour))
        for x, y in zip(s.x, s.y):
            if y is not None and math.isfinite(y):
                p.drawEllipse(px(x, y), lay.mm(0.9), lay.mm(0.9))
        p.setBrush(Qt.BrushStyle.NoBrush)


# --- shared blocks ----------------------------------------------------------------------

def person_lines(person) -> str:
    """One line about the person: what the norms need."""
    age = f"{date.today().year - person.birth_year} years" if person.birth_year else \
        "age not given (no age norm)"
    bits = [age, person.sex or "sex not given",
            f"{person.height_cm:g} cm" if person.height_cm else "height not given",
            f"dominant leg {person.dominant_leg}" if person.dominant_leg else None]
    return ", ".join(b for b in bits if b)


def notes_block(lay: Layout, notes: list[tuple[str, float, str, str | None]]) -> None:
    """Notes as (session label, t_s, text, author)."""
    lay.heading("Therapist's notes", 12)
    if not notes:
        lay.text("No notes.", 9.5, colour=GREY)
    for where, t_s, text, author in notes:
        lay.text(f"{where} at {t_s:.1f} s - {author or 'unknown'}: {text}", 9.5)
