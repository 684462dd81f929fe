"""Qt item models for the lists the screens show (alerts, activity, commands that need attention).

Lists can be long, so screens bind a :class:`QListView` to a model instead of filling widgets
(style.md §7). Each row is a :class:`ListRow`: a headline and an optional second line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class ListRow:
    headline: str
    detail: str = ""
    #: "info", "warning" or "critical": the view may colour by it.
    severity: str = "info"


class _RowsModel(QAbstractListModel, Generic[R]):
    """A read-only list of rows of one kind; subclasses say what each role shows of a row."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []

    def set_rows(self, rows: list[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[R]:
        return list(self._rows)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def _row(self, index: QModelIndex | QPersistentModelIndex) -> R | None:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]


class RowListModel(_RowsModel[ListRow]):
    """Read-only list of :class:`ListRow`; ``Qt.DisplayRole`` gives both lines."""

    SeverityRole = Qt.ItemDataRole.UserRole + 1

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        row = self._row(index)
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.headline}\n{row.detail}" if row.detail else row.headline
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.detail or None
        if role == self.SeverityRole:
            return row.severity
        if role == Qt.ItemDataRole.ForegroundRole and row.severity == "critical":
            return QColor("#b3261e")
        return None


@dataclass(frozen=True, slots=True)
class ProductRow:
    """A product someone left in a cart or looked at: its name over one line of facts, and where
    it is in stock (``where``: "here", "nearby" or "out"; ``where_text`` says it in words). A
    recent order on a profile uses the same row, its pill saying what a tap does."""

    name: str
    detail: str
    icon: QIcon
    where: str
    where_text: str


class ProductRowModel(_RowsModel[ProductRow]):
    """Read-only list of :class:`ProductRow`; ``AvailabilityRole`` gives ``(where, where_text)``."""

    AvailabilityRole = Qt.ItemDataRole.UserRole + 2

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        row = self._row(index)
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.name}\n{row.detail}"
        if role == Qt.ItemDataRole.DecorationRole:
            return row.icon
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{row.name}\n{row.detail}\n{row.where_text}"
        if role == self.AvailabilityRole:
            return (row.where, row.where_text)
        return None
