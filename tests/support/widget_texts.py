"""Every text a window shows or holds: widgets' text, placeholders, tooltips, accessible names and
titles, and every item model's data. What the kiosk's canary tests search for a shopper's traces."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QEvent, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget


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


def everything_shown(window: QWidget) -> list[str]:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    texts: list[str] = []
    for widget in [window, *window.findChildren(QWidget)]:
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        texts += [
            widget.toolTip(),
            widget.accessibleName(),
            widget.accessibleDescription(),
            widget.windowTitle(),
        ]
    for model in window.findChildren(QAbstractItemModel):
        texts += list(_model_texts(model))
    return texts
