"""The camera set-up assistant: tells the person how to move until the view is right for
the chosen test (front or side, ``session.setup_needs``), asks whether a foam pad is there
for a test that needs one, and for the TUG finds where the 3 m line falls."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFormLayout, QHBoxLayout, QLabel,
                               QProgressBar, QPushButton, QVBoxLayout, QWidget)

from balance.protocols import registry

from balance.session.setup_check import SetupGate
from balance.session.setup_needs import PAD_QUESTION, SetupNeeds


class SetupPanel(QWidget):
    """Shows the advice for the latest frame and how close the view is to "ready".

    ``mark``: the TUG's 3 m line of the latest frame (``walk_line.WalkLine``), for the
    camera picture to draw; None for the other tests.
    """

    def __init__(self, parent=None, test: str = "single-leg-stance"):
        super().__init__(parent)
        self.gate = SetupGate()
        self.needs = SetupNeeds(test)
        self.mark = None
        layout = QVBoxLayout(self)
        title = QLabel("Camera set-up")
        title.setObjectName("instruction")
        self.advice = QLabel(self.gate.report.message)
        self.advice.setObjectName("cue")
        self.advice.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, self.gate.needed)
        self.progress.setTextVisible(False)
        self.hint = QLabel(self.needs.hint())
        self.hint.setWordWrap(True)
        for w in (title, self.advice, self.progress, self._pad_question(), self._declared(),
                  self.hint):
            layout.addWidget(w)
        layout.addStretch(1)
        self.set_test(test)

    def _pad_question(self) -> QWidget:
        self.pad_box = box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        question = QLabel(PAD_QUESTION)
        question.setWordWrap(True)
        self.pad_yes, self.pad_no = QPushButton("Yes, a pad is here"), QPushButton("No pad")
        self.pad_group = QButtonGroup(box)
        row = QHBoxLayout()
        for button, answer in ((self.pad_yes, True), (self.pad_no, False)):
            button.setCheckable(True)
            button.clicked.connect(lambda _c=False, a=answer: self.answer_pad(a))
            self.pad_group.addButton(button)
            row.addWidget(button)
        self.pad_note = QLabel("")
        self.pad_note.setWordWrap(True)
        column.addWidget(question)
        column.addLayout(row)
        column.addWidget(self.pad_note)
        return box

    def _declared(self) -> QWidget:
        """What the camera cannot judge and the TUG's result states: a walking aid, the
        chair's arms pushed on (the registry's choices, as ``--aid``, ``--chair-arms``)."""
        self.declared_box = box = QWidget()
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        self.declared = {}
        options = {o.name: o for o in registry.spec("tug").options}
        for name, label in (("aid", "Walking aid"), ("chair_arms", "Chair's arms")):
            combo = QComboBox()
            combo.addItems(list(options[name].choices))
            combo.setCurrentText(options[name].default)
            form.addRow(label, combo)
            self.declared[name] = combo
        return box

    def set_test(self, name: str, height_cm: float | None = None) -> None:
        """The test the view is checked for; a new test checks afresh and asks again."""
        if name != self.needs.name:
            self.needs = SetupNeeds(name)
            self.pad_group.setExclusive(False)  # so that both may be unchecked again
            for button in (self.pad_yes, self.pad_no):
                button.setChecked(False)
            self.pad_group.setExclusive(True)
            self.pad_note.setText("")
            self.gate.reset()
        self.needs.height_cm = height_cm
        self.pad_box.setVisible(self.needs.asks_pad)
        self.declared_box.setVisible(registry.canonical(name) == "tug")
        self.hint.setText(self.needs.hint())
        self.mark = None

    def answer_pad(self, present: bool) -> None:
        self.needs.pad = present
        (self.pad_yes if present else self.pad_no).setChecked(True)
        self.pad_note.setText(self.needs.protocol_choice()[2] or "")

    def protocol_choice(self, name: str) -> tuple[str, dict, str | None]:
        """What to run for ``name``: the chosen test, or its stand-in without a foam pad."""
        if name != self.needs.name:
            return name, {}, None
        test, options, note = self.needs.protocol_choice()
        if registry.canonical(test) == "tug":
            options = {**options, **{k: c.currentText() for k, c in self.declared.items()}}
        return test, options, note

    def update_from(self, snap) -> bool:
        """Judge one snapshot; returns whether the view has been good long enough."""
        brightness = (float(np.mean(snap.display[::8, ::8, :3])) if snap.display is not None
                      else None)
        report, self.mark = self.needs.report(snap.landmarks, snap.detected,
                                              image_size=snap.image_size,
                                              brightness=brightness, world=snap.world)
        ready = self.gate.update(report)
        text = report.message if ready or not report.ok else "Good, hold still..."
        if self.mark is not None and self.mark.fits:
            text += "\n" + self.mark.message()
        self.advice.setText(text)
        self.progress.setValue(min(self.gate.run, self.gate.needed))
        return ready
