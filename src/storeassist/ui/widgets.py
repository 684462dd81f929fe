"""Small building blocks the profile's cards and rows are made of.

Labels are plain text (names, notes and product names are data: a "<b>" in them must never turn
into markup), and a widget added to a shown layout is shown at once, so whoever fills a card can
read it back straight away (the screens and their tests do).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QListView,
    QPushButton,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


def label(text: str = "", role: str | None = None, *, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    # Names, notes and product names are data: never let a "<b>" in them turn into markup.
    label.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        label.setProperty("role", role)
    label.setWordWrap(wrap)
    return label


def pill(text: str, role: str, **properties: str) -> QLabel:
    """A short tag that keeps its own width (tier, availability, consent, "waiting to sync")."""
    pill = label(text, role)
    for name, value in properties.items():
        pill.setProperty(name, value)
    pill.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return pill


def clear_layout(layout: QLayout) -> None:
    """Empty ``layout``: its widgets (and those of nested layouts) are hidden now and deleted at
    the event loop's next turn (unparenting each one now would cost a refill more than its paint);
    the emptied nested layouts go with their parent widget."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget, nested = item.widget(), item.layout()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        elif nested is not None:
            clear_layout(nested)


def append_shown(layout: QBoxLayout, widget: QWidget) -> None:
    """Add ``widget`` and show it now: a layout only shows new children on a later event-loop pass,
    and callers (and tests) read the profile right after filling it."""
    layout.addWidget(widget)
    widget.show()


def row_frame(role: str = "profileRow") -> tuple[QFrame, QHBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", role)
    layout = QHBoxLayout(frame)
    layout.setContentsMargins(12, 8, 12, 8)
    layout.setSpacing(12)
    return frame, layout


def text_column(*labels: QLabel) -> QVBoxLayout:
    column = QVBoxLayout()
    column.setSpacing(2)
    for label in labels:
        column.addWidget(label)
    return column


class Section(QFrame):
    """A white card with a title and a stack of rows below it."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 16)
        layout.setSpacing(8)
        self.title = label(title, "sectionTitle", wrap=True)
        layout.addWidget(self.title)
        self.header = QVBoxLayout()  # fixed parts under the title (filters, the note field …)
        self.header.setSpacing(8)
        layout.addLayout(self.header)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(8)
        layout.addLayout(self.rows)
        self.footer = QVBoxLayout()
        layout.addLayout(self.footer)

    def clear(self) -> None:
        clear_layout(self.rows)

    def add(self, widget: QWidget) -> None:
        append_shown(self.rows, widget)

    def add_quiet(self, text: str) -> QLabel:
        quiet = label(text, "quiet", wrap=True)
        append_shown(self.rows, quiet)
        return quiet


#: The least height of anything a finger taps.
MIN_TOUCH_PX = 48
#: A page narrower than this (its own width) stacks its two columns into one.
PORTRAIT_BELOW = 900


class TouchButton(QPushButton):
    """A button big enough for a finger, never narrower than its words in bold (a pressed or
    primary button is drawn bold), in the font the theme gives it, so no state cuts it short."""

    def _words_width(self) -> int:
        bold = QFont(self.font())
        bold.setBold(True)
        return QFontMetrics(bold).horizontalAdvance(self.text()) + 48

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(hint.width(), self._words_width()), max(hint.height(), MIN_TOUCH_PX))

    def minimumSizeHint(self) -> QSize:
        # QPushButton's own minimum is its size hint; never call it from sizeHint (it recurses).
        return self.sizeHint()


def touch_button(text: str, *, primary: bool = False) -> QPushButton:
    button = TouchButton(text)
    if primary:
        button.setProperty("role", "primary")
    button.setMinimumHeight(MIN_TOUCH_PX)
    return button


def row_list(name: str, model: QAbstractItemModel, delegate: type[QAbstractItemDelegate]) -> QListView:
    """A list of painted rows of one height (a queue, search results): no selection, no focus (so
    the associate keeps typing in the field above it), scrolled by the pixel, and dragged by a
    finger on a touch screen."""
    view = QListView()
    view.setObjectName(name)
    view.setModel(model)
    view.setItemDelegate(delegate(view))
    view.setUniformItemSizes(True)
    view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    QScroller.grabGesture(view.viewport(), QScroller.ScrollerGestureType.TouchGesture)
    return view
