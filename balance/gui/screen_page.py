"""The STEADI screen window: the three key questions in large type with Yes and No, then
(when any answer is yes, or the therapist asks) the safety checklist and the TUG, chair
stand and 4-stage test walked through by the plan window, each with its set-up and a rest
between them, and at the end the outcome card with a PDF button.

The rules are ``balance.clinical.steadi``'s and the results are read by
``balance.session.screen``; the order of the tests is the plan of
``balance.programme.screen``, so this only lays the pages out and wires them.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QHBoxLayout, QPushButton,
                               QScrollArea, QStackedWidget, QVBoxLayout, QWidget)

from balance.clinical import steadi
from balance.errors import BalanceError
from balance.gui.plan_page import PlanWindow, _label
from balance.gui.safety import ChecklistPanel
from balance.gui.setup_assistant import SetupPanel
from balance.gui.settings_file import remember_scale as on_scale
from balance.gui.style import zoom_keys
from balance.profile import Profile
from balance.programme import screen as screen_plan
from balance.programme.walk import PlanWalk
from balance.session import screen


class QuestionsPage(QWidget):
    """The three key questions, a Yes and a No each; Continue once all are answered.
    Emits ``answered(answers, asked)``."""

    answered = Signal(dict, bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        title = _label("instruction")
        title.setText("Three questions about falls")
        lay.addWidget(title)
        self.groups: dict[str, QButtonGroup] = {}
        self.buttons: dict[tuple[str, bool], QPushButton] = {}
        for q in steadi.QUESTIONS:
            text = _label("cue")
            text.setText(q.text)
            lay.addWidget(text)
            row, group = QHBoxLayout(), QButtonGroup(self)
            for yes in (True, False):
                b = QPushButton("Yes" if yes else "No")
                b.setCheckable(True)
                b.setMinimumHeight(56)
                group.addButton(b)
                row.addWidget(b)
                self.buttons[(q.key, yes)] = b
            group.buttonToggled.connect(self._changed)
            self.groups[q.key] = group
            lay.addLayout(row)
        self.asked = QCheckBox("The therapist asks for the tests even if every answer is no")
        lay.addWidget(self.asked)
        self.go = QPushButton("Continue")
        self.go.setObjectName("start")
        self.go.setEnabled(False)
        self.go.clicked.connect(lambda: self.answered.emit(self.answers(), self.asked.isChecked()))
        lay.addWidget(self.go)
        lay.addStretch(1)

    def answers(self) -> dict:
        return {q.key: self.buttons[(q.key, True)].isChecked() for q in steadi.QUESTIONS}

    def _changed(self, *_):
        self.go.setEnabled(all(g.checkedButton() is not None for g in self.groups.values()))


class ScreenWindow(QWidget):
    """One STEADI screen on ``feed``; ``asked`` ticks the therapist's box at the start.

    ``rest_scale`` shortens the rests (tests; 1.0 for real use); ``auto_start`` starts each
    test as soon as its turn comes (tests); ``session_dir`` is where the tests are
    recorded (None: not recorded) and the PDF goes; ``sound`` sounds each test's start
    (the TUG's Go), as in the plan window.
    """

    screened = Signal(object)  # the steadi.Outcome, once the card shows

    def __init__(self, feed, *, profile: Profile | None = None, asked: bool = False,
                 estimator_factory=None, realtime: float = 1.0, auto_start: bool = False,
                 warmup=None, session_dir=None, rest_scale: float = 1.0, sound=None,
                 parent=None):
        super().__init__(parent)
        self.feed, self.profile = feed, profile or Profile()
        self.session_dir = Path(session_dir) if session_dir is not None else None
        self._plan_args = dict(estimator_factory=estimator_factory, realtime=realtime,
                               auto_start=auto_start, warmup=warmup, session_dir=session_dir,
                               sound=sound)
        self.rest_scale = rest_scale
        self.plan: PlanWindow | None = None
        self.view_ready = False  # the camera check's verdict for the test set up now
        self.answers: dict = {}
        self.asked = asked
        self.outcome: steadi.Outcome | None = None
        self.taken = ""  # when the outcome was reached (ISO time)
        self.saved: str | None = None  # why the outcome is not in the history, when it is not
        self.pdf: Path | None = None
        self.setWindowTitle("balance - STEADI fall-risk screen")
        self.pages = QStackedWidget()
        self.questions = QuestionsPage()
        self.questions.asked.setChecked(asked)
        self.questions.answered.connect(self._answered)
        self.checklist = ChecklistPanel()
        self.checklist.confirmed.connect(self._start_tests)
        self.card = self._card()
        for page in (self.questions, self.checklist, self.card):
            self.pages.addWidget(page)
        QVBoxLayout(self).addWidget(self.pages)
        zoom_keys(self, on_scale)

    def _card(self) -> QWidget:
        """The outcome in large type, scrolling on a short screen, with the PDF button."""
        card = QWidget()
        lay = QVBoxLayout(card)
        self.verdict = _label("instruction")
        self.details = _label("dose")
        self.note = _label()
        self.pdf_button = QPushButton("Write the PDF for the therapist")
        self.pdf_button.clicked.connect(lambda: self.write_pdf())
        for w in (self.verdict, self.details, self.note, self.pdf_button):
            lay.addWidget(w)
        lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(card)
        return scroll

    # Steps -------------------------------------------------------------------------------
    def _answered(self, answers: dict, asked: bool) -> None:
        self.answers, self.asked = answers, asked
        if steadi.needs_assessment(answers, asked=asked):
            self.pages.setCurrentWidget(self.checklist)
        else:
            self._finish({}, {})

    def _start_tests(self) -> None:
        walk = PlanWalk(screen_plan.plan(), seconds_scale=self.rest_scale)
        self.setup = SetupPanel(test=steadi.TUG)
        # what the set-up was told (the TUG's walking aid, the chair's arms) goes to the test
        self.plan = PlanWindow(walk, self.feed, profile=self.profile, on_finished=self._walked,
                               declared=lambda test: self.setup.protocol_choice(test)[1],
                               **self._plan_args)
        page = QWidget()
        row = QHBoxLayout(page)
        row.addWidget(self.plan, 2)
        row.addWidget(self.setup, 1)
        self.plan.worker.snapshot.connect(self._check_view)
        self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)

    def _check_view(self, snap) -> None:
        """During a set-up step, the camera check of the training window for the test that
        follows (its view; the TUG's 3 m line drawn on the picture). Advice only: Done
        stays the person's or the therapist's call."""
        test = screen_plan.set_up_for(self.plan.walk.current)
        self.setup.setVisible(test is not None)
        if test is None:
            self.plan.camera.mark = None
            return
        self.setup.set_test(test, self.profile.height_cm)
        self.view_ready = self.setup.update_from(snap)
        self.plan.camera.mark = self.setup.mark

    def _walked(self, walk: PlanWalk) -> None:
        results = {key: result for key, result in self.plan.results if key in steadi.TESTS}
        files = {k: v for k, v in self.plan.recorded.items() if k in steadi.TESTS}
        self._finish(results, files)

    def _finish(self, results: dict, files: dict) -> None:
        self.outcome = screen.outcome(self.answers, results, self.profile, asked=self.asked)
        self.taken = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.saved = self._save(files)
        lines = self.outcome.lines()
        self.verdict.setText(lines[0])
        self.details.setText("\n".join(lines[1:]))
        self.note.setText(self.saved or f"Saved in the history for {self.profile.person_id}.")
        self.pages.setCurrentWidget(self.card)
        self.screened.emit(self.outcome)

    def _save(self, files: dict) -> str | None:
        """The outcome into the history; why not, in a sentence (never an exception: the
        screen's answers are on the card whatever happens)."""
        from balance.storage.history import History
        try:
            with History() as h:
                screen.save(h, self.profile, self.outcome, files, taken=self.taken)
        except BalanceError as exc:
            return f"The screen was not saved in the history: {exc}"
        return None

    def write_pdf(self, path=None) -> Path | None:
        """The one-page PDF, by default beside the recordings under a new name (never over
        an existing file)."""
        from balance.gui.pdf_screen import write_screen_report
        from balance.storage.records import Person
        if self.outcome is None:
            return None
        person = Person.of(self.profile)
        out = Path(path) if path is not None else _free_name(
            (self.session_dir or Path.cwd()) / f"STEADI-{person.name}-{date.today()}.pdf")
        try:
            self.pdf = write_screen_report(self.outcome, person, out, taken=self.taken)
        except BalanceError as exc:
            self.note.setText(f"The PDF was not written: {exc}")
            return None
        self.note.setText(f"PDF written: {self.pdf}")
        return self.pdf

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.plan is not None:
            self.plan.close()  # its camera and threads
        else:
            self.feed.close()  # screened without a test: the camera was never started
        super().closeEvent(event)


def _free_name(path: Path) -> Path:
    """``path``, or ``NAME-2.pdf``, ``NAME-3.pdf``... the first that does not exist."""
    n, out = 1, path
    while out.exists():
        n += 1
        out = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return out
