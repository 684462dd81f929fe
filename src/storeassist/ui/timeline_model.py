"""The customer's cross-channel timeline as a Qt list model: filtered by kind, shown a page at a time.

The hub sends the newest entries first (``hub/services/profiles.py``, ``_timeline``). The model
shows one page of the entries that match the filter; the view asks for more with
:meth:`TimelineModel.show_more`, so a long history never becomes a long column of widgets
(style.md §7). Each row carries a small channel icon drawn from ``resources/icons/``.

Rows are worded from the entries' codes (``hub_words.timeline_words``), with amounts and times
written as the store writes them (:meth:`TimelineModel.set_store_format`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    Qt,
)
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from storeassist.contract import TimelineEntry
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.hub_words import channel_label, kind_label, timeline_words
from storeassist.ui.resources import resource_dir

log = logging.getLogger("storeassist.ui")

PAGE_SIZE = 20

#: Filter chips, in the order they are shown, and the ``TimelineEntry.kind`` values each keeps.
#: "all" also keeps what no chip names (product views and cart changes).
FILTER_KINDS: dict[str, frozenset[str] | None] = {
    "all": None,
    "orders": frozenset({"order"}),
    "returns": frozenset({"return"}),
    "pickups": frozenset({"pickup"}),
    "service": frozenset({"case"}),
    "reviews": frozenset({"review"}),
}

#: Icon names with a file ``resources/icons/channel-<name>.svg``.
ICON_NAMES = ("web", "app", "store", "marketplace", "support")


def filter_label(name: str) -> str:
    labels = {
        "all": QCoreApplication.translate("timeline", "All"),
        "orders": QCoreApplication.translate("timeline", "Orders"),
        "returns": QCoreApplication.translate("timeline", "Returns"),
        "pickups": QCoreApplication.translate("timeline", "Pickups"),
        "service": QCoreApplication.translate("timeline", "Service"),
        "reviews": QCoreApplication.translate("timeline", "Reviews"),
    }
    return labels[name]


def entry_icon_name(entry: TimelineEntry) -> str:
    # A support case is a contact with customer service, whatever channel the hub files it under.
    return "support" if entry.kind == "case" else entry.channel


@cache
def channel_icon(name: str) -> QIcon:
    """The monochrome icon for a channel (or "support"); an empty icon, logged, if the file is missing."""
    path = resource_dir() / "icons" / f"channel-{name}.svg"
    renderer = QSvgRenderer(str(path))
    if not renderer.isValid():
        log.warning("icon not loaded from %s", path)
        return QIcon()
    icon = QIcon()
    for side in (24, 48, 96):
        pixmap = QPixmap(side, side)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, side, side))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class TimelineModel(QAbstractListModel):
    """Read-only, newest-first timeline rows: a page of the entries that match the current filter."""

    EntryRole = Qt.ItemDataRole.UserRole + 1
    KindRole = Qt.ItemDataRole.UserRole + 2

    def __init__(
        self,
        parent: Any = None,
        *,
        page_size: int = PAGE_SIZE,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self._page_size = page_size
        self._now = now or (lambda: datetime.now(UTC))
        self._format = StoreFormat()
        self._currency: str | None = None
        self._all: list[TimelineEntry] = []
        self._matching: list[TimelineEntry] = []
        self._filter = "all"
        self._limit = page_size

    # -- what is shown --------------------------------------------------------------------

    def set_store_format(self, fmt: StoreFormat) -> None:
        """Write amounts, dates and times as this store does; the rows shown are written again."""
        self._format = fmt
        if self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))

    def set_entries(self, entries: Sequence[TimelineEntry], *, currency: str | None = None) -> None:
        """A new customer's history, its amounts in ``currency`` (the profile's; None: the store's):
        back to the first page, the filter kept."""
        self.beginResetModel()
        self._all = list(entries)
        self._currency = currency
        self._matching = self._select(self._filter)
        self._limit = self._page_size
        self.endResetModel()

    def set_filter(self, name: str) -> None:
        """Keep only one kind of entry (a key of :data:`FILTER_KINDS`); back to the first page."""
        if name not in FILTER_KINDS:
            raise ValueError(f"unknown timeline filter {name!r}")
        self.beginResetModel()
        self._filter = name
        self._matching = self._select(name)
        self._limit = self._page_size
        self.endResetModel()

    def current_filter(self) -> str:
        return self._filter

    def show_more(self) -> None:
        """Add the next page below the rows already shown."""
        if not self.has_more():
            return
        first = self.rowCount()
        last = min(len(self._matching), self._limit + self._page_size) - 1
        self.beginInsertRows(QModelIndex(), first, last)
        self._limit += self._page_size
        self.endInsertRows()

    def has_more(self) -> bool:
        return len(self._matching) > self._limit

    def matching_count(self) -> int:
        """How many entries the filter keeps (shown or not yet)."""
        return len(self._matching)

    def shown_entries(self) -> list[TimelineEntry]:
        return self._matching[: self._limit]

    def _select(self, name: str) -> list[TimelineEntry]:
        kinds = FILTER_KINDS[name]
        return [e for e in self._all if kinds is None or e.kind in kinds]

    # -- Qt model -------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else min(len(self._matching), self._limit)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        entry = self._matching[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            title, detail = timeline_words(entry, self._format, self._currency)
            return f"{title}\n{self._second_line(entry, detail)}"
        if role == Qt.ItemDataRole.DecorationRole:
            return channel_icon(entry_icon_name(entry))
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._description(entry)
        if role == self.EntryRole:
            return entry
        if role == self.KindRole:
            return entry.kind
        return None

    def _second_line(self, entry: TimelineEntry, detail: str) -> str:
        parts = [self._format.moment(entry.at, now=self._now()), channel_label(entry_icon_name(entry))]
        if detail:
            parts.append(detail)
        return " · ".join(parts)

    def _description(self, entry: TimelineEntry) -> str:
        heading = " · ".join(
            (
                kind_label(entry.kind),
                channel_label(entry_icon_name(entry)),
                self._format.moment(entry.at, now=self._now()),
            )
        )
        title, detail = timeline_words(entry, self._format, self._currency)
        body = f"{title} — {detail}" if detail else title
        return f"{heading}\n{body}"
