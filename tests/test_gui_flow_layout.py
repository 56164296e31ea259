"""The control bar's wrapping layout: it wraps when narrow, and never asks a new window
for the height of every item stacked."""

from PySide6.QtWidgets import QPushButton, QWidget

from balance.gui.flow_layout import FlowLayout


def _bar(qtbot, n=6):
    bar = QWidget()
    qtbot.addWidget(bar)
    layout = FlowLayout(bar, spacing=8)
    buttons = [QPushButton(f"button number {i}") for i in range(n)]
    for b in buttons:
        layout.addWidget(b)
    return bar, layout, buttons


def test_the_hint_is_one_line_before_the_bar_is_laid_out(qtbot):
    bar, layout, buttons = _bar(qtbot)
    one = max(b.sizeHint().height() for b in buttons)
    # Not laid out yet (width 0): wrapped at the widest item, the bar would stack all six,
    # and a window asking for that grew taller than a 1920x1080 screen at the largest text.
    assert layout.sizeHint().height() == one
    assert layout.sizeHint().width() == sum(b.sizeHint().width() for b in buttons) + 8 * 5


def test_a_narrow_bar_wraps_onto_more_lines(qtbot):
    bar, layout, buttons = _bar(qtbot)
    wide = layout.sizeHint().width()
    one = max(b.sizeHint().height() for b in buttons)
    assert layout.heightForWidth(wide) == one
    two_lines = layout.heightForWidth(wide // 2 + 20)
    assert two_lines == 2 * one + 8
    bar.resize(wide // 2 + 20, two_lines)
    bar.show()
    qtbot.waitUntil(lambda: buttons[-1].y() > buttons[0].y())
    assert buttons[-1].geometry().bottom() < two_lines


def _in_window(qtbot, width):
    from PySide6.QtWidgets import QLabel, QVBoxLayout
    window = QWidget()
    qtbot.addWidget(window)
    bar, layout, buttons = _bar(qtbot)
    column = QVBoxLayout(window)
    column.addWidget(bar)
    column.addWidget(QLabel("below the bar"), 1)
    window.resize(width, 400)
    return window, layout, buttons


def test_the_minimum_before_the_first_layout_is_wrapped_at_the_windows_width(qtbot):
    window, layout, buttons = _in_window(qtbot, 4000)
    one = max(b.sizeHint().height() for b in buttons)
    # Not laid out yet: the window's width, not the widest item's (six lines stacked).
    assert layout.geometry().width() == 0
    assert layout.minimumSize().height() == one


def test_the_windows_minimum_follows_the_bar_onto_more_lines(qtbot):
    window, layout, buttons = _in_window(qtbot, 4000)
    window.show()
    one = max(b.sizeHint().height() for b in buttons)
    qtbot.waitUntil(lambda: layout.geometry().width() > 0)
    tall = window.minimumSize().height()
    narrow = layout.sizeHint().width() // 2 + 20
    window.resize(narrow, 400)
    qtbot.waitUntil(lambda: buttons[-1].y() > buttons[0].y())
    # Two lines now: the window asks for one more line.
    qtbot.waitUntil(lambda: window.minimumSize().height() == tall + one + 8)
