"""The person's profile as a page of the window: what the norms and the cm scale need."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from balance.profile import Profile

UNKNOWN = "-"


class ProfilePanel(QWidget):
    """Edit one profile; ``saved(Profile)`` when the values are valid."""

    saved = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        title = QLabel("Person")
        title.setObjectName("instruction")
        layout.addWidget(title)
        form = QFormLayout()
        self.person = QLineEdit()
        self.birth_year = QSpinBox()
        self.birth_year.setRange(1900, date.today().year)
        self.birth_year.setSpecialValueText(UNKNOWN)  # the minimum means "not given"
        self.sex = QComboBox()
        self.sex.addItems([UNKNOWN, "female", "male"])
        self.height = QDoubleSpinBox()
        self.height.setRange(49.0, 250.0)
        self.height.setDecimals(0)
        self.height.setSuffix(" cm")
        self.height.setSpecialValueText(UNKNOWN)
        self.leg = QComboBox()
        self.leg.addItems([UNKNOWN, "left", "right"])
        for label, w in (("Name", self.person), ("Born in", self.birth_year),
                         ("Sex (for norms)", self.sex), ("Height", self.height),
                         ("Dominant leg", self.leg)):
            form.addRow(label, w)
        layout.addLayout(form)
        self.message = QLabel("Age and height make the norms and the sway in cm possible.")
        self.message.setWordWrap(True)
        self.save = QPushButton("Save")
        self.save.clicked.connect(self._save)
        layout.addWidget(self.message)
        layout.addWidget(self.save)
        layout.addStretch(1)

    def show_profile(self, p: Profile) -> None:
        self.person.setText(p.person_id)
        self.birth_year.setValue(p.birth_year or self.birth_year.minimum())
        self.sex.setCurrentText(p.sex or UNKNOWN)
        self.height.setValue(p.height_cm or self.height.minimum())
        self.leg.setCurrentText(p.dominant_leg or UNKNOWN)

    def profile(self) -> Profile:
        """The entered profile; raises ValueError with a sentence when a value is wrong."""
        def known(combo):
            return None if combo.currentText() == UNKNOWN else combo.currentText()
        year = self.birth_year.value()
        height = self.height.value()
        return Profile(person_id=self.person.text().strip() or "guest",
                       birth_year=None if year == self.birth_year.minimum() else year,
                       sex=known(self.sex),
                       height_cm=None if height == self.height.minimum() else height,
                       dominant_leg=known(self.leg))

    def _save(self) -> None:
        try:
            p = self.profile()
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Saved {p.person_id}.")
        self.saved.emit(p)
