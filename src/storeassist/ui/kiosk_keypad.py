"""A big number pad for a finger: digits, "Clear" and "Delete", typing into a line edit; and how
a kiosk empties a line edit (:func:`forget_typing`)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

from storeassist.ui.widgets import touch_button

#: A key's least side: well over a finger's 44 px.
KEY_PX = 72


class Keypad(QWidget):
    def __init__(self, target: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskKeypad")
        self.target = target
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        self.digit_keys: dict[str, QPushButton] = {}
        for n, digit in enumerate("123456789"):
            self._add(grid, digit, n // 3, n % 3)
        self.clear_key = self._key(grid, "", 3, 0, self._clear)
        self._add(grid, "0", 3, 1)
        self.delete_key = self._key(grid, "", 3, 2, self._delete)
        self.retranslate()

    def _add(self, grid: QGridLayout, digit: str, row: int, column: int) -> None:
        self.digit_keys[digit] = self._key(grid, digit, row, column, lambda: self._type(digit))

    def _key(self, grid: QGridLayout, text: str, row: int, column: int, then: object) -> QPushButton:
        key = touch_button(text)
        key.setProperty("role", "kioskKey")
        key.setMinimumSize(KEY_PX + 24, KEY_PX)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key.clicked.connect(then)
        grid.addWidget(key, row, column)
        return key

    def _type(self, digit: str) -> None:
        if self.target.maxLength() > len(self.target.text()):
            self.target.setText(self.target.text() + digit)

    def _clear(self) -> None:
        forget_typing(self.target)

    def _delete(self) -> None:
        self.target.setText(self.target.text()[:-1])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.clear_key.setText(self.tr("Clear"))
        self.delete_key.setText(self.tr("Delete"))


def forget_typing(field: QLineEdit) -> None:
    """Empty ``field`` and its undo and redo history. ``QLineEdit.clear()`` is undoable: Ctrl+Z or
    the context menu would bring the last shopper's code back (a password field only hides it);
    ``setText`` starts a new history."""
    field.setText("")
