"""The camera set-up assistant: tells the person how to move until the view is right."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from balance.session.setup_check import SetupGate, assess


class SetupPanel(QWidget):
    """Shows the advice for the latest frame and how close the view is to "ready"."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.gate = SetupGate()
        layout = QVBoxLayout(self)
        title = QLabel("Camera set-up")
        title.setObjectName("instruction")
        self.advice = QLabel(self.gate.report.message)
        self.advice.setObjectName("cue")
        self.advice.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, self.gate.needed)
        self.progress.setTextVisible(False)
        hint = QLabel("Stand 2 to 3 metres from the camera, facing it, whole body in the "
                      "picture, a chair or wall within reach.")
        hint.setWordWrap(True)
        for w in (title, self.advice, self.progress, hint):
            layout.addWidget(w)
        layout.addStretch(1)

    def update_from(self, snap) -> bool:
        """Judge one snapshot; returns whether the view has been good long enough."""
        brightness = (float(np.mean(snap.display[::8, ::8, :3])) if snap.display is not None
                      else None)
        ready = self.gate.update(assess(snap.landmarks, snap.detected, image_size=snap.image_size,
                                        brightness=brightness, world=snap.world))
        self.advice.setText(self.gate.report.message if ready or not self.gate.report.ok
                            else "Good, hold still...")
        self.progress.setValue(min(self.gate.run, self.gate.needed))
        return ready
