"""The history view: a person's trends per test, week by week (pyqtgraph).

Four plots share a calendar axis (``balance.present.axes``: each week at the date it
starts, no line across weeks without a session, a range around a single point): the
test's own measure as its registry entry declares it (a hold time, a five-times
sit-to-stand's time, stands in 30 s; with its age-norm band and fall-risk line), sway
velocity, sway ellipse area and the stability score; one colour per row (leg, or pose and leg), named in the title
rather than in a legend over the points, each plot from zero. Below them: personal bests
and whether the change since the first week and since about a month before exceeds the
measurement's variability; above them, the training adherence and the STEADI screens. The numbers come from
``balance.storage.trends`` (Qt-free), the same ones ``balance history`` prints.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QLabel, QMainWindow,
                               QScrollArea, QVBoxLayout, QWidget)

from balance.gui.style import plot_font, set_title, style_plot
from balance.present.axes import (connected, date_range, date_ticks, day_number, span_label,
                                  value_range)
from balance.programme.adherence import of_person
from balance.protocols import registry
from balance.storage.screens import describe as describe_screens, screens
from balance.storage.trends import MAIN, MEASURES, Trend, describe, trends

SIDE_COLOURS = {"left": "#35e0ff", "right": "#ffb04d", None: "#e0e0e0"}
ROW_COLOURS = ("#7fe0a0", "#d69cff", "#ffe066", "#ff8fb1")  # poses' rows
LEG_SYMBOLS = {"left": "o", "right": "s", None: "t"}  # by the row's leg
GLYPHS = {"o": "&#9679;", "s": "&#9632;", "t": "&#9660;"}  # each symbol in the title
NORM_BRUSH = (127, 224, 160, 50)
FALL_RISK = "#ff5a5a"


class TrendPlots(QWidget):
    """The four plots and the text of one ``Trend``."""

    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        self.plots = {}
        for k, measure in enumerate(MEASURES):
            plot = pg.PlotWidget()
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.setMenuEnabled(False)
            plot.setMinimumHeight(220)
            style_plot(plot)  # the text size now, not only after the next Ctrl +/-
            self.plots[measure] = plot
            grid.addWidget(plot, k // 2, k % 2)
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.text, 2, 0, 1, 2)
        self.curves: dict = {}
        self.norm_band = None
        self.fall_line = None

    def show_trend(self, trend: Trend | None) -> None:
        """Draw one trend (None clears the plots)."""
        for plot in self.plots.values():
            plot.clear()
        self.curves.clear()
        self.norm_band = self.fall_line = None
        if trend is None:
            self.text.setText("No results yet.")
            return
        first, last = min(p.start for p in trend.points), max(p.start for p in trend.points)
        x_range = date_range(first, last)
        for measure, plot in self.plots.items():
            self._draw(plot, trend, measure)
            plot.getAxis("bottom").setTicks([date_ticks(first, last), []])
            plot.setLabel("bottom", span_label(first, last))
            plot.setXRange(*x_range, padding=0)
            style_plot(plot)  # the new axis name at the text size
        self._draw_lines(self.plots[MAIN], trend, x_range[0])
        self.text.setText(summary_text(trend))

    def _draw_lines(self, plot, trend: Trend, x0: float) -> None:
        """The main measure's age-norm band and fall-risk line, where the test has them."""
        if trend.norm_band:
            lo, hi = trend.norm_band.low, trend.norm_band.high
            self.norm_band = pg.LinearRegionItem((lo, hi), orientation="horizontal",
                                                 movable=False, brush=pg.mkBrush(*NORM_BRUSH))
            plot.addItem(self.norm_band)
            label = pg.TextItem(trend.norm_words(), color="#7fe0a0", anchor=(0, 1))
            label.setFont(plot_font())
            label.setPos(x0, hi)
            plot.addItem(label, ignoreBounds=True)
        if trend.fall_risk:
            self.fall_line = pg.InfiniteLine(trend.fall_risk.value, angle=0, movable=False,
                                             pen=pg.mkPen(FALL_RISK, width=2,
                                                          style=Qt.PenStyle.DashLine),
                                             label=trend.fall_risk_words(),
                                             labelOpts={"position": 0.85, "color": FALL_RISK})
            self.fall_line.label.setFont(plot_font())
            plot.addItem(self.fall_line)

    def _draw(self, plot, trend: Trend, measure: str) -> None:
        """One measure: a curve per row, broken across weeks without a session."""
        names, values = [], []
        for k, side in enumerate(trend.sides):
            days, ys = trend.dated(measure, side)
            days = [day_number(d) for d in days]
            colour, symbol = row_colour(side, k), LEG_SYMBOLS[row_leg(side)]
            self.curves[(measure, side)] = plot.plot(
                days, ys, pen=pg.mkPen(colour, width=2), connect=np.array(connected(days)),
                symbol=symbol, symbolBrush=colour, symbolSize=9,
                antialias=True)  # a few points: smooth lines cost nothing
            names.append(f"<span style='color:{colour}'>{GLYPHS[symbol]} {side or 'both'}</span>")
            values += ys
        title = trend.title(measure)
        set_title(plot, f"{title}&nbsp;&nbsp;" + "&nbsp;&nbsp;".join(names) if values
                  else f"{title} - not measured")
        # an empty plot shows no values it does not have
        plot.getAxis("left").setTicks(None if values else [[], []])
        extra = line_values(trend) if measure == MAIN else []
        # from zero: a change of a few per cent must not fill the plot's height
        plot.setYRange(*value_range(values + extra, zero=True), padding=0)


def line_values(trend: Trend) -> list[float]:
    """The fall-risk line's and the norm band's values: kept inside the plot's range."""
    band = [trend.norm_band.low, trend.norm_band.high] if trend.norm_band else []
    return band + ([trend.fall_risk.value] if trend.fall_risk else [])


def summary_text(trend: Trend) -> str:
    """Bests, changes and practice: the lines after the weekly table of ``describe``."""
    lines = describe(trend).splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("personal bests")),
                 len(lines))
    return "\n".join(lines[start:])


def row_leg(row: str | None) -> str | None:
    """The leg of a row: "left", "tree, left" -> "left"; "mountain", None -> None."""
    leg = row.rsplit(", ", 1)[-1] if row else None
    return leg if leg in ("left", "right") else None


def row_colour(row, k: int) -> str:
    """The leg's colour, else (a pose's row) the k-th of the other colours."""
    return SIDE_COLOURS[row] if row in SIDE_COLOURS else ROW_COLOURS[k % len(ROW_COLOURS)]


class HistoryView(QWidget):
    """Person and test pickers over ``TrendPlots``."""

    def __init__(self, history, person: str | None = None, parent=None):
        super().__init__(parent)
        self.history = history
        self.trends: list[Trend] = []
        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.person_box = QComboBox()
        self.test_box = QComboBox()
        bar.addWidget(QLabel("person"))
        bar.addWidget(self.person_box, 1)
        bar.addWidget(QLabel("test"))
        bar.addWidget(self.test_box, 1)
        outer.addLayout(bar)
        self.adherence = QLabel("")  # days a week, streaks, plan completion
        self.adherence.setWordWrap(True)
        outer.addWidget(self.adherence)
        self.screens = QLabel("")  # each STEADI screen: when, at risk or not, what failed
        self.screens.setWordWrap(True)
        outer.addWidget(self.screens)
        self.plots = TrendPlots()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.plots)
        outer.addWidget(scroll, 1)
        for p in history.people():
            self.person_box.addItem(p.name)
        self.person_box.currentTextChanged.connect(self.show_person)
        self.test_box.currentIndexChanged.connect(self._show_test)
        if person:
            self.person_box.setCurrentText(history.person(person).name)
        self.show_person(self.person_box.currentText())

    def show_person(self, name: str) -> None:
        self.trends = trends(self.history, name) if name else []
        self.adherence.setText(of_person(self.history, name).describe() if name else "")
        self.screens.setText(describe_screens(screens(self.history, name)) if name else "")
        self.test_box.blockSignals(True)
        self.test_box.clear()
        for t in self.trends:
            self.test_box.addItem(registry.title(t.protocol))  # the test by its name
        self.test_box.blockSignals(False)
        self._show_test(0)

    def _show_test(self, k: int) -> None:
        self.plots.show_trend(self.trends[k] if 0 <= k < len(self.trends) else None)


class HistoryWindow(QMainWindow):
    def __init__(self, history, person: str | None = None):
        super().__init__()
        self.setWindowTitle("balance - progress")
        self.view = HistoryView(history, person)
        self.setCentralWidget(self.view)
