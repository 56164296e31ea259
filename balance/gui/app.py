"""Creating the QApplication safely, and knowing when there is no screen to create it on."""

from __future__ import annotations

import os
import sys

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
    from balance.gui.style import apply_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("balance")
    app.setOrganizationName("balance")
    apply_style(app, font_scale)
    return app


def pdf_application():
    """A QApplication for a PDF's fonts; offscreen when there is no screen (a PDF needs
    none)."""
    if not display_available():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return application()
