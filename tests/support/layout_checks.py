"""Checks that a window lays out on a tablet: nothing sticks out, no label is cut short, every
touch target is big enough and wide enough for its words in bold (tests/ui/test_window_layout.py,
tests/ui/test_pickups_layout.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

MIN_TOUCH_PX = 44


def _visible(window: QWidget, kind: type) -> list[Any]:
    return [w for w in window.findChildren(kind) if w.isVisibleTo(window) and w.isVisible()]


def _scrolls(widget: QWidget) -> bool:
    """Inside a scroll area's page: it may run below the window, never past its sides."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def assert_inside(window: QWidget) -> None:
    frame = QRect(QPoint(0, 0), window.size())
    for widget in _visible(window, QWidget):
        top_left = widget.mapTo(window, QPoint(0, 0))
        rect = QRect(top_left, widget.size())
        name = widget.objectName() or type(widget).__name__
        if _scrolls(widget):
            assert rect.left() >= 0 and rect.right() <= frame.right(), f"{name} sticks out sideways: {rect}"
        else:
            assert frame.contains(rect), f"{name} sticks out: {rect}"


def assert_labels_fit(window: QWidget) -> None:
    for label in _visible(window, QLabel):
        if not label.text() or type(label) is not QLabel:
            continue
        if label.wordWrap():
            needed = label.heightForWidth(label.width())
            assert label.height() >= needed - 1, f"wrapped label cut short: {label.text()!r}"
            continue
        hint = label.sizeHint()
        assert label.width() >= hint.width() - 1, f"clipped label {label.text()!r}"


def assert_touch_targets(window: QWidget) -> None:
    for target in _visible(window, QAbstractButton) + _visible(window, QLineEdit):
        assert target.height() >= MIN_TOUCH_PX, f"{target.text()!r} is only {target.height()} px high"
        if isinstance(target, QAbstractButton):
            # Measured in bold: a checked or primary button is drawn bold and must still fit.
            bold = QFont(target.font())
            bold.setBold(True)
            needed = QFontMetrics(bold).horizontalAdvance(target.text()) + 2 * 12
            assert target.width() >= needed, f"button {target.text()!r} is clipped"


def show_at(qtbot: QtBot, window: QWidget, size: tuple[int, int]) -> None:
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    # Deliver pending layout requests (nested layouts settle one level per pass).
    for _ in range(5):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
