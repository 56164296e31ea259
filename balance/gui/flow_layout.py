"""A layout that puts its widgets in a row and wraps them onto the next line when the row
is too narrow: the control bar fits a laptop at the default text size and wraps, rather
than pushing the window wider than the screen, at a large one."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QLayout


class FlowLayout(QLayout):
    def __init__(self, parent=None, spacing: int = 8):
        super().__init__(parent)
        self._items = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item) -> None:  # noqa: N802 (Qt's names, here and below)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, i: int):  # noqa: N802
        return self._items[i] if 0 <= i < len(self._items) else None

    def takeAt(self, i: int):  # noqa: N802
        return self._items.pop(i) if 0 <= i < len(self._items) else None

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        """All items on one line: what the bar would like."""
        m = self.contentsMargins()
        shown = [i.sizeHint().expandedTo(i.minimumSize()) for i in self._items if not i.isEmpty()]
        width = sum(s.width() for s in shown) + self.spacing() * max(len(shown) - 1, 0)
        return QSize(width + m.left() + m.right(),
                     max((s.height() for s in shown), default=0) + m.top() + m.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802
        """As wide as the widest item; as high as the items wrapped at the width the
        layout has, or before its first layout the whole window's: an upper bound, so the
        height is never overstated (at the widest item's width every item would stack and
        a new window grow taller than the screen)."""
        m = self.contentsMargins()
        width = max((i.minimumSize().width() for i in self._items if not i.isEmpty()),
                    default=0) + m.left() + m.right()
        laid_out = self.geometry().width() or self._window_width()
        return QSize(width, self.heightForWidth(max(width, laid_out)))

    def _window_width(self) -> int:
        parent = self.parentWidget()
        return parent.window().width() if parent is not None else 0

    def _place(self, rect: QRect, *, move: bool) -> int:
        """Lay the items out in ``rect`` (or only measure); returns the height used."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line_h, gap = area.x(), area.y(), 0, self.spacing()
        for item in self._items:
            if item.isEmpty():  # a hidden widget takes no room
                continue
            size = item.sizeHint().expandedTo(item.minimumSize())
            if x > area.x() and x + size.width() > area.right() + 1:
                x, y, line_h = area.x(), y + line_h + gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), size))
            x += size.width() + gap
            line_h = max(line_h, size.height())
        return y + line_h - rect.y() + m.bottom()
