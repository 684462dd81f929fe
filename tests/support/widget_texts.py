"""Every text a window shows or holds: widgets' text, placeholders, tooltips, accessible names and
titles, every item model's data, and what a line edit's undo and redo would bring back. What the
kiosk's canary tests search for a shopper's traces."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QEvent, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget

#: More undo steps than any test types: a guard against a loop that does not end.
_MOST_STEPS = 10_000


def _model_texts(model: QAbstractItemModel, parent: QModelIndex | None = None) -> Iterator[str]:
    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        for column in range(max(1, model.columnCount(parent))):
            index = model.index(row, column, parent)
            for role in (
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.ToolTipRole,
                Qt.ItemDataRole.UserRole + 1,
            ):
                value = index.data(role)
                if value is not None:
                    yield str(value)
            yield from _model_texts(model, index)


def undo_history(edit: QLineEdit) -> list[str]:
    """The texts Ctrl+Z, Ctrl+Shift+Z or the context menu would bring back into ``edit``, empty if
    it keeps no history. A password field hides its history from undo but still holds it, so it is
    read with the echo shown; the field is left as it was (text, history, echo, no signal sent)."""
    texts: list[str] = []
    echo = edit.echoMode()
    blocked = edit.blockSignals(True)
    try:
        edit.setEchoMode(QLineEdit.EchoMode.Normal)
        redone = undone = 0
        while edit.isRedoAvailable() and redone < _MOST_STEPS:
            edit.redo()
            redone += 1
            texts.append(edit.text())
        while edit.isUndoAvailable() and undone < _MOST_STEPS:
            edit.undo()
            undone += 1
            texts.append(edit.text())
        for _ in range(undone - redone):
            edit.redo()
    finally:
        edit.setEchoMode(echo)
        edit.blockSignals(blocked)
    return texts


def line_edits_with_history(window: QWidget) -> list[str]:
    """The line edits in ``window`` (object or accessible name) that keep an undo or redo history."""
    return [
        edit.objectName() or edit.accessibleName() or repr(edit)
        for edit in window.findChildren(QLineEdit)
        if undo_history(edit)
    ]


def everything_shown(window: QWidget) -> list[str]:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    texts: list[str] = []
    for widget in [window, *window.findChildren(QWidget)]:
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
            texts += undo_history(widget)
        texts += [
            widget.toolTip(),
            widget.accessibleName(),
            widget.accessibleDescription(),
            widget.windowTitle(),
        ]
    for model in window.findChildren(QAbstractItemModel):
        texts += list(_model_texts(model))
    return texts
