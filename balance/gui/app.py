"""Creating the QApplication safely, and knowing when there is no screen to create it on."""

from __future__ import annotations

import os
import sys

# Large type and high contrast: read from three metres away, by eyes that may be tired.
STYLE = """
QWidget { background: #101418; color: #f2f2f2; font-size: %(base)dpt; }
QPushButton { background: #2a3440; border: 2px solid #8aa4bf; border-radius: 8px;
              padding: 8px 18px; }
QPushButton:focus { border: 3px solid #ffd75e; }
QPushButton:disabled { color: #7a7a7a; border-color: #4a4a4a; }
QPushButton#stop { background: #b3122e; border: 3px solid #ffffff; color: #ffffff;
                   font-size: %(big)dpt; font-weight: bold; padding: 12px 16px; }
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
"""


def display_available() -> bool:
    """Whether a window can be shown: always on Windows and macOS; on Linux and other
    Unixes only with an X or Wayland display, or a Qt platform chosen explicitly
    (``QT_QPA_PLATFORM=offscreen`` in tests, ``xvfb-run`` for screenshots)."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM"))


def clear_opencv_qt_paths() -> None:
    """``import cv2`` points Qt at OpenCV's own bundled Qt plugins and fonts; PySide6's
    Qt then loads the wrong platform plugin and fails. Forget both before Qt starts."""
    import cv2  # noqa: F401  (imported first so its side effect happens before the fix)
    for name in ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR"):
        os.environ.pop(name, None)


def application(font_scale: float = 1.0):
    """The QApplication (created once), styled for large type and high contrast."""
    clear_opencv_qt_paths()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("balance")
    app.setOrganizationName("balance")
    apply_style(app, font_scale)
    return app


def apply_style(app, font_scale: float = 1.0) -> None:
    base = max(10, round(14 * font_scale))
    app.setStyleSheet(STYLE % {"small": round(base * 0.85), "base": base,
                               "big": round(base * 1.8), "huge": round(base * 4.5)})
