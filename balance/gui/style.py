"""The look every window shares: large type, high contrast, and one text size that
Ctrl+plus / Ctrl+minus change everywhere, plots included, never below what older eyes read
at a laptop's distance."""

from __future__ import annotations

import contextlib
import gc

import pyqtgraph as pg
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

BASE_PT = 14             # body text at scale 1
MIN_PT = 12              # no text smaller than this, whatever the scale
PLOT_PT = 13             # plot ticks, axis names, titles and legends at scale 1
MIN_SCALE, MAX_SCALE = 0.85, 2.0  # the largest still fits a 1920x1080 screen
ZOOM_STEP = 1.15
_SCALE = "balance_text_scale"  # the application property holding the scale
# The plots' colours: the windows' own dark background (pyqtgraph's default is black, which
# a window whose plots were never themed, the replay opened on its own, once showed).
PLOT_BACKGROUND = "#101418"
PLOT_FOREGROUND = "#e0e0e0"

# Large type and high contrast: read from three metres away, by eyes that may be tired.
STYLE = """
QWidget { background: #101418; color: #f2f2f2; font-size: %(base)dpt; }
QPushButton { background: #2a3440; border: 2px solid #8aa4bf; border-radius: 8px;
              padding: 8px 18px; }
QPushButton:focus { border: 3px solid #ffd75e; }
QPushButton:disabled { color: #7a7a7a; border-color: #4a4a4a; }
QPushButton:checked { background: #1f5f7a; border: 3px solid #ffd75e; font-weight: bold; }
QPushButton#stop { background: #b3122e; border: 3px solid #ffffff; color: #ffffff;
                   font-size: %(big)dpt; font-weight: bold; padding: 12px 16px; }
QPushButton#stop:disabled { background: #3a2226; border-color: #4a4a4a; color: #9a9a9a; }
QPushButton#start { background: #1c6b3a; border: 3px solid #ffffff; color: #ffffff;
                    font-size: %(big)dpt; font-weight: bold; padding: 12px 16px; }
QPushButton#start:disabled { background: #26302a; border-color: #4a4a4a; color: #9a9a9a; }
QComboBox:disabled, QLineEdit:disabled { color: #8a8a8a; border-color: #4a4a4a; }
QComboBox, QLineEdit, QSpinBox { background: #1d242c; border: 2px solid #8aa4bf;
                                 padding: 4px; }
QCheckBox { spacing: 12px; }
QCheckBox::indicator { width: 26px; height: 26px; border: 2px solid #cfd8e0;
                       background: #1d242c; border-radius: 4px; }
QCheckBox::indicator:checked { background: #35e0ff; border-color: #ffffff; }
QLabel#timer { font-size: %(huge)dpt; font-weight: bold; color: #ffffff; }
QLabel#instruction { font-size: %(big)dpt; font-weight: bold; color: #ffffff; }
QLabel#cue { font-size: %(big)dpt; color: #ffd75e; }
QLabel#score { font-size: %(big)dpt; color: #7fe0a0; }
QLabel#banner { background: #5c1a1a; color: #ffffff; font-weight: bold; padding: 8px; }
QFrame#card { background: #1b2530; border: 2px solid #8aa4bf; border-radius: 10px; }
QStatusBar { font-size: %(small)dpt; color: #cfd8e0; }
QLabel#dose { font-size: %(medium)dpt; }
QSlider#scrub { min-height: %(handle)dpx; }
QSlider#scrub::groove:horizontal { height: %(groove)dpx; background: #2a3440;
                                   border: 1px solid #8aa4bf; border-radius: 4px; }
QSlider#scrub::sub-page:horizontal { background: #35e0ff; border-radius: 4px; }
QSlider#scrub::handle:horizontal { background: #ffd75e; border: 2px solid #ffffff;
                                   width: %(groove)dpx; margin: -%(margin)dpx 0;
                                   border-radius: 6px; }
"""


def clamp(scale: float) -> float:
    return min(MAX_SCALE, max(MIN_SCALE, float(scale)))


def point_sizes(scale: float) -> dict[str, int]:
    base = max(MIN_PT, round(BASE_PT * scale))
    return {"small": max(MIN_PT, round(base * 0.85)), "base": base,
            "medium": round(base * 1.3), "big": round(base * 1.8), "huge": round(base * 4.5),
            "plot": max(MIN_PT, round(PLOT_PT * scale)),
            # the replay's scrub bar, px: a bar to grab, not a hairline
            "groove": base, "handle": 2 * base, "margin": base // 2}


def current_scale(app=None) -> float:
    app = app or QApplication.instance()
    value = app.property(_SCALE) if app is not None else None
    return float(value) if value else 1.0


def apply_style(app, scale: float = 1.0) -> None:
    """Style the whole application at ``scale`` (clamped), the plots already shown too."""
    scale = clamp(scale)
    app.setProperty(_SCALE, scale)
    with _no_collection():
        app.setStyleSheet(STYLE % point_sizes(scale))
        pg.setConfigOptions(background=PLOT_BACKGROUND, foreground=PLOT_FOREGROUND)
        for widget in app.allWidgets():
            # Plots of windows on screen: a closed one may be half torn down already.
            if isinstance(widget, pg.PlotWidget) and widget.window().isVisible():
                style_plot(widget, scale)


@contextlib.contextmanager
def _no_collection():
    """No garbage collection while Qt walks every widget: re-styling calls our Python
    event handlers, and a collection run inside one would delete a closed window that only
    a reference cycle kept (its C++ widgets too) from under Qt's list of widgets, which
    crashes the process. Cycles are collected first, while nothing walks the list."""
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def style_plot(plot: pg.PlotWidget, scale: float | None = None) -> None:
    """Colours, and ticks, axis names, title, legend and the text drawn on the data (a
    threshold's name, a mark's label) at the text size: the style sheet reaches inside no
    plot, so this is what makes them follow Ctrl +/- at once."""
    pt = point_sizes(current_scale() if scale is None else scale)["plot"]
    font = plot_font(scale)
    item = plot.getPlotItem()
    plot.setBackground(PLOT_BACKGROUND)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(PLOT_FOREGROUND)
        axis.setTextPen(PLOT_FOREGROUND)
        axis.setTickFont(font)
        if axis.labelText:  # its other style (the colour) kept: a bare size turns it black
            axis.setLabel(axis.labelText, units=axis.labelUnits,
                          **{**axis.labelStyle, "font-size": f"{pt}pt"})
    if item.titleLabel.text:
        set_title(plot, item.titleLabel.text, scale)
    if item.legend is not None:
        item.legend.setLabelTextSize(f"{pt}pt")
        for _sample, label in item.legend.items:
            label.setText(label.text, size=f"{pt}pt", color=PLOT_FOREGROUND)
    for text in _text_items(item):
        text.setFont(font)


def _text_items(item) -> list:
    """The text items on a plot's data: ``TextItem``s and the labels of its lines."""
    out = []
    for it in item.items:
        if isinstance(it, pg.TextItem):
            out.append(it)
        elif isinstance(getattr(it, "label", None), pg.TextItem):
            out.append(it.label)  # an InfiniteLine's name
    return out


def plot_font(scale: float | None = None) -> QFont:
    """The font of a plot's text at the text size (ticks, and labels drawn on the data)."""
    font = QFont()
    font.setPointSize(point_sizes(current_scale() if scale is None else scale)["plot"])
    return font


def set_title(plot: pg.PlotWidget, text: str, scale: float | None = None) -> None:
    """``plot``'s title at the text size: a bare ``setTitle`` drops back to pyqtgraph's own."""
    pt = point_sizes(current_scale() if scale is None else scale)["plot"]
    plot.getPlotItem().setTitle(text, size=f"{pt}pt", color=PLOT_FOREGROUND)


def zoom_keys(widget, changed=None) -> None:
    """Ctrl+plus and Ctrl+minus on ``widget``: larger or smaller type everywhere;
    ``changed(scale)`` remembers the new size."""
    for keys, factor in ((QKeySequence.StandardKey.ZoomIn, ZOOM_STEP),
                         (QKeySequence.StandardKey.ZoomOut, 1 / ZOOM_STEP)):
        shortcut = QShortcut(QKeySequence(keys), widget)
        shortcut.activated.connect(lambda f=factor: zoom(f, changed))


def zoom(factor: float, changed=None) -> float:
    app = QApplication.instance()
    scale = clamp(current_scale(app) * factor)
    apply_style(app, scale)
    if changed is not None:
        changed(scale)
    return scale
