"""Changing the text size while closed windows wait for the garbage collector."""

import os
import subprocess
import sys
import textwrap

# Closed windows that only a reference cycle keeps, a widget whose Python event handler
# allocates (so a collection can start inside it), and a collector set to run often: the
# state a long session (or the test suite) reaches after many windows were opened and closed.
SCRIPT = textwrap.dedent("""
    import gc, sys
    from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget
    from balance.gui import style

    app = QApplication([])
    gc.set_threshold(5, 1, 1)

    class Busy(QWidget):
        def event(self, e):
            junk = [[i] for i in range(200)]
            return super().event(e)

    class Closed(QWidget):
        def __init__(self):
            super().__init__()
            self.me = self  # freed by the cyclic collector only
            lay = QVBoxLayout(self)
            for i in range(20):
                lay.addWidget(QLabel(f"label {i}"))
                lay.addWidget(QPushButton(f"button {i}"))
            self.busy = Busy(self)

    for size in range(30):
        for _ in range(10):
            w = Closed()
            w.show()
            w.close()
        del w
        style.apply_style(app, 0.9 + 0.1 * (size % 5))
    print("restyled", style.current_scale(app))
""")


def test_restyling_survives_closed_windows_freed_by_the_collector():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["restyled", "1.3"]
