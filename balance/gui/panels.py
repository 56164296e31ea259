"""The panels the window is made of besides the picture: the control bar on top, and
beside the picture Start and STOP, the trial readout (timer, countdown, instruction, cue,
score, rest) and the pages below them."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton,
                               QScrollArea, QStackedWidget, QVBoxLayout, QWidget)

from balance.capture import cameras
from balance.present import messages
from balance.gui.flow_layout import FlowLayout
from balance.gui.profile_panel import ProfilePanel
from balance.gui.safety import ChecklistPanel
from balance.gui.setup_assistant import SetupPanel
from balance.gui.widgets import ResultCard, SwayPlots, big_label


class ControlBar(QWidget):
    """Pickers (test, side, person, camera), keep video and mute, wrapped onto more lines
    when the window is narrow or the type large."""

    def __init__(self, settings, protocol_names, sides, parent=None):
        super().__init__(parent)
        self.protocol_box = _combo(protocol_names, settings.protocol)
        self.side_box = _combo(sides, settings.side)
        self.person_box = _combo(sorted(set(settings.profiles) | {settings.person_id}),
                                 settings.person_id)
        self.person_box.setEditable(True)
        self.profile_button = QPushButton("Profile")
        self.profile_button.setCheckable(True)
        self.source_box = CameraBox(settings.camera)
        self.source_edit = self.source_box.lineEdit()  # Return opens what is typed there
        self.save_video = QCheckBox("Keep video")
        self.save_video.setChecked(settings.save_video)
        self.save_video.setToolTip("Also keep the camera video beside each session "
                                   "(SESSION.avi, readable by you only): replays show it "
                                   "under the skeleton")
        self.mute = QCheckBox("Mute")
        self.mute.setChecked(settings.muted)
        bar = FlowLayout(self)
        for label, w in (("Test", self.protocol_box), ("Side", self.side_box),
                         ("Person", self.person_box), (None, self.profile_button),
                         ("Camera", self.source_box), (None, self.save_video),
                         (None, self.mute)):
            bar.addWidget(_labelled(label, w) if label else w)

    def lock_choices(self, locked: bool) -> None:
        """No changing the test, person, camera or video choice while a test runs."""
        for w in (self.protocol_box, self.side_box, self.person_box, self.source_box,
                  self.profile_button, self.save_video):
            w.setEnabled(not locked)


class StartStop(QWidget):
    """The big Start and STOP buttons, side by side, always in the same place."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.start_button = QPushButton(messages.START)
        self.start_button.setObjectName("start")
        self.stop_button = QPushButton("STOP (Esc)")
        self.stop_button.setObjectName("stop")
        # Never takes the focus, so Space cannot "click" it: Stop is the button or Esc.
        self.stop_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start_button, 1)
        row.addWidget(self.stop_button, 1)

    def show_start(self, enabled: bool, text: str) -> None:
        self.start_button.setEnabled(enabled)
        if self.start_button.text() != text:
            self.start_button.setText(text)


class CameraBox(QComboBox):
    """The camera picker: the webcams found, by number and name ("0  Integrated Camera");
    a camera number or a video file may still be typed."""

    def __init__(self, current: str, parent=None):
        super().__init__(parent)
        self.setEditable(True)
        # A typed file is opened, not added to the list of cameras.
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.lineEdit().setPlaceholderText("camera number or video file")
        # No probing here: off Linux that opens devices, slow and perhaps the one in use.
        self.refresh(current, probe=False)

    def refresh(self, current: str, *, probe: bool = True) -> None:
        """List the cameras again, keeping ``current`` (a spec) as the choice."""
        self.clear()
        for camera in cameras.list_cameras(probe=probe):
            self.addItem(cameras.label(camera), str(camera.index))
        i = self.findData(current)
        self.setCurrentIndex(i)  # -1 for a file or an unlisted number: shown as typed
        if i < 0:
            self.setEditText(current)

    def showPopup(self) -> None:
        self.refresh(self.spec())  # a camera plugged in since the window opened shows up
        super().showPopup()

    def spec(self) -> str:
        """What to open: the listed camera's number, else the text as typed."""
        text = self.currentText().strip()
        i = self.findText(text)
        return self.itemData(i) if i >= 0 else text


class TrialReadout(QWidget):
    """What a person reads from across the room: the hold timer above all and its
    countdown, always in view; then, in ``words`` (which the side column scrolls), the
    protocol's words and, from the test flow, the line about waiting (a rest, a feed that
    has ended). Words wrap onto as many lines as they need, so they are kept out of the
    window's minimum height: a long instruction at the largest text once made the window
    taller than the screen."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.timer_label = big_label("timer", messages.clock(0.0), wrap=False)
        self.countdown_label = big_label("cue", "", wrap=False)  # "12.3 s to go": one line
        self.instruction = big_label("instruction", "")
        self.cue = big_label("cue", "")
        self.score = big_label("score", "")
        self.waiting = big_label("cue", "")
        self.words = QWidget()
        _column(self, self.timer_label, self.countdown_label)
        _column(self.words, self.instruction, self.cue, self.score, self.waiting)

    def show_status(self, st) -> None:
        countdown = "" if st.remaining_s is None else f"{messages.clock(st.remaining_s)} s to go"
        score = f"stability {st.score:.0f}" if st.score is not None else ""
        for label, text in ((self.timer_label, messages.clock(st.elapsed_s)),
                            (self.countdown_label, countdown),
                            (self.instruction, st.instruction), (self.cue, st.cue or ""),
                            (self.score, score)):
            _set(label, text)

    def show_waiting(self, text: str) -> None:
        _set(self.waiting, text)

    def show_best(self, seconds: float) -> None:
        """The test is over: the timer shows its best hold, and says so."""
        _set(self.timer_label, messages.clock(seconds))
        _set(self.countdown_label, "best hold (s)")

    def clear_live(self) -> None:
        """The test is over: its last words go; the timer keeps the time held."""
        for label in (self.countdown_label, self.instruction, self.cue, self.score):
            _set(label, "")


def _set(label: QLabel, text: str) -> None:
    # Only on change: every setText lays the side panel out again. An empty line gives
    # its room to the others (long instructions wrap).
    if label.text() != text:
        label.setText(text)
        label.setVisible(bool(text))


def _column(parent: QWidget, *labels: QLabel) -> None:
    """``labels`` one above the other in ``parent``, an empty one taking no room."""
    layout = QVBoxLayout(parent)
    layout.setContentsMargins(0, 0, 0, 0)
    for label in labels:
        label.setVisible(bool(label.text()))
        layout.addWidget(label)


def _combo(items, current) -> QComboBox:
    box = QComboBox()
    box.addItems(list(items))
    box.setCurrentText(current)
    return box


def _labelled(text: str, widget: QWidget) -> QWidget:
    """A picker and its name, kept together when the bar wraps."""
    pair = QWidget()
    row = QHBoxLayout(pair)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(QLabel(text))
    row.addWidget(widget)
    return pair


class SidePanel(QWidget):
    """Beside the picture: Start and STOP and the timer, always in view; below them,
    scrolling when the screen is short, the readout's words, the result card and one page
    at a time (checklist, camera set-up, sway plots, profile)."""

    def __init__(self):
        super().__init__()
        self.buttons, self.readout = StartStop(), TrialReadout()
        self.checklist, self.setup_panel = ChecklistPanel(), SetupPanel()
        self.plots, self.profile_panel = SwayPlots(), ProfilePanel()
        self.pages = Pages()
        for page in (self.checklist, self.setup_panel, self.plots, self.profile_panel):
            self.pages.addWidget(page)
        self.card = ResultCard()
        below = ScrolledColumn()
        column = QVBoxLayout(below)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.readout.words)
        column.addWidget(self.card)
        column.addWidget(self.pages, 1)
        self.scroll = SecondaryScroll(below)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.buttons)
        layout.addWidget(self.readout)
        layout.addWidget(self.scroll, 1)

    def show_card(self, title: str, text: str) -> None:
        self.card.show_text(title, text)
        self.words_first()  # the words and result first, the plots below

    def words_first(self) -> None:
        """Scrolled back to the top: a new trial's instruction is in view."""
        self.scroll.verticalScrollBar().setValue(0)


class Pages(QStackedWidget):
    """One page at a time, as tall as that page needs: a stack's own minimum is its
    tallest page's (the checklist), which left the plots no room under the words."""

    def __init__(self):
        super().__init__()
        self.currentChanged.connect(lambda _i: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return self._current(super().minimumSizeHint(), lambda page: page.minimumSizeHint())

    def sizeHint(self) -> QSize:  # noqa: N802
        return self._current(super().sizeHint(), lambda page: page.sizeHint())

    def _current(self, every: QSize, hint) -> QSize:
        """As wide as the widest page (the column keeps its width), as high as this one."""
        page = self.currentWidget()
        return every if page is None else QSize(every.width(), hint(page).height())


class ScrolledColumn(QWidget):
    """What the side column scrolls. Its wrapped words make it a height-for-width widget,
    which the scroll area asks for the height at the width: a layout answers with every
    item at its preferred height (the plots tall, scrolled out of view); this answers
    with the words and card whole and the pages at their least, so the plots shrink to fit
    first and scroll only when even that is too tall."""

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        layout = self.layout()
        m = layout.contentsMargins()
        inner = width - m.left() - m.right()
        shown = [item for item in map(layout.itemAt, range(layout.count())) if not item.isEmpty()]
        heights = [item.heightForWidth(inner) if item.hasHeightForWidth()
                   else item.minimumSize().height() for item in shown]
        return sum(heights) + layout.spacing() * max(len(shown) - 1, 0) + m.top() + m.bottom()


class SecondaryScroll(QScrollArea):
    """Scrolls up and down only: as wide as its content needs, as short as the screen."""

    MIN_HEIGHT = 120

    def __init__(self, content: QWidget):
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(content)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(self.widget().minimumSizeHint().width() + bar, self.MIN_HEIGHT)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSizeHint()
