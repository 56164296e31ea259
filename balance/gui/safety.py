"""The pre-session safety checklist: a page in the window, never a modal dialog.

Start stays disabled until every box is ticked; the list itself lives in
`balance.present.messages.CHECKLIST` so the terminal and the docs say the same thing.
"""

from __future__ import annotations

import textwrap

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QVBoxLayout, QWidget

from balance.present.messages import CHECKLIST


class ChecklistPanel(QWidget):
    """Tick every line, then "I am ready"; emits ``confirmed`` once."""

    confirmed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        title = QLabel("Before you start")
        title.setObjectName("instruction")
        layout.addWidget(title)
        self.boxes = {}
        for key, text in CHECKLIST:
            # QCheckBox does not wrap: break the line ourselves, large type stays whole.
            box = QCheckBox(textwrap.fill(text, 38))
            box.setStyleSheet("QCheckBox { padding: 6px; }")
            box.toggled.connect(self._changed)
            self.boxes[key] = box
            layout.addWidget(box)
        self.ready = QPushButton("I am ready")
        self.ready.setEnabled(False)
        self.ready.clicked.connect(self.confirmed.emit)
        layout.addWidget(self.ready)
        layout.addStretch(1)

    def _changed(self) -> None:
        self.ready.setEnabled(all(b.isChecked() for b in self.boxes.values()))

    def tick_all(self) -> None:
        """Tick every box (tests and scripted runs)."""
        for box in self.boxes.values():
            box.setChecked(True)

    def reset(self) -> None:
        for box in self.boxes.values():
            box.setChecked(False)
