"""The pickup queue: this store's open pickup orders, in tabs with counts, searchable as you type.

A list model over the board (style.md §7): each order becomes one painted row (customer and order
number over state · items · bin · time left, and a pill for a waiting customer, an order past
its deadline or a hand-over waiting to sync). The rows keep the board's order, which is the
domain's ``queue_sort_key`` (the customer waiting longest first). Tabs and search only choose
which rows show; nothing is asked of the hub while typing, so 500 orders filter at once.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from storeassist.contract import Order
from storeassist.domain.orders import items_to_collect, queue_tabs
from storeassist.domain.pickups import PickupBoard, phone_query
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.pickup_words import (
    SHOWN_TABS,
    PickupWords,
    items_count,
    state_label,
    tab_label,
    time_left,
    waiting_for,
)
from storeassist.ui.row_delegate import TwoLineDelegate, draw_pill, pill_width
from storeassist.ui.widgets import label, row_list

MIN_TOUCH_PX = 48
#: The pause in typing after which a phone-number search is asked of the hub.
PHONE_SEARCH_PAUSE_MS = 350
#: A tab chip is at least this wide; the chips wrap onto more rows in a narrow (portrait) screen.
CHIP_MIN_PX = 160


def _folded(text: str) -> str:
    """For matching: case and accents folded, spaces and dashes ignored ("Jose" finds "José")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


class QueueRow:
    """One order as the queue lists it: the tabs it is under, now; its words (title, facts, pill)
    and search key are made the first time they are asked for, so a queue of hundreds of orders
    is only worded for the rows painted or searched."""

    __slots__ = ("_key", "_now", "_words", "order", "tabs", "waiting_to_sync")

    def __init__(self, order: Order, now: datetime, end_of_day: datetime, waiting_to_sync: bool) -> None:
        tabs: set[str] = set(queue_tabs(order, now, end_of_day))
        tabs.add("all")
        if "overdue" in tabs:  # past the deadline and open: a task on the restock list too
            tabs.add("restock")
        self.order = order
        self.tabs = frozenset(tabs)
        self.waiting_to_sync = waiting_to_sync
        self._now = now
        self._words: tuple[str, str, str, str] | None = None
        self._key: str | None = None

    @property
    def order_id(self) -> int:
        return self.order.id

    @property
    def title(self) -> str:
        return self._worded()[0]

    @property
    def detail(self) -> str:
        return self._worded()[1]

    @property
    def pill(self) -> str:
        return self._worded()[2]

    @property
    def pill_kind(self) -> str:
        return self._worded()[3]

    @property
    def search_key(self) -> str:
        if self._key is None:
            order = self.order
            parts = (order.customer_name or "", order.number, order.proxy_name or "")
            self._key = " ".join(_folded(part) for part in parts)
        return self._key

    def _worded(self) -> tuple[str, str, str, str]:
        if self._words is None:
            self._words = _queue_words(self.order, self._now, self.waiting_to_sync, "overdue" in self.tabs)
        return self._words


def queue_row(order: Order, now: datetime, end_of_day: datetime, waiting_to_sync: bool) -> QueueRow:
    return QueueRow(order, now, end_of_day, waiting_to_sync)


def _queue_words(
    order: Order, now: datetime, waiting_to_sync: bool, overdue: bool
) -> tuple[str, str, str, str]:
    """A row's title, facts, pill and pill kind."""
    name = order.customer_name or PickupWords.tr("Customer not named")
    title = PickupWords.tr("{name} · #{number}").format(name=name, number=order.number)
    parts = [state_label(order.pickup_state), items_count(items_to_collect(order.lines))]
    if order.pickup_bin:
        parts.append(PickupWords.tr("Bin {bin}").format(bin=order.pickup_bin))
    parts.append(time_left(order.pickup_deadline, now))
    if order.proxy_name:
        parts.append(PickupWords.tr("Collector named"))
    if waiting_to_sync:
        pill, kind = PickupWords.tr("Waiting to sync"), "nearby"
    elif order.customer_waiting_since is not None:
        pill, kind = waiting_for(order.customer_waiting_since, now), "critical"
    elif overdue:
        pill, kind = PickupWords.tr("Past deadline"), "critical"
    elif order.payment_state != "paid":
        pill, kind = PickupWords.tr("Not paid"), "nearby"
    else:
        pill, kind = "", "out"
    return title, " · ".join(parts), pill, kind


class PickupQueueModel(QAbstractListModel):
    """The rows of the tab shown that match the search; counts for every tab."""

    OrderIdRole = Qt.ItemDataRole.UserRole + 1
    PillRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[QueueRow] = []
        self._shown: list[QueueRow] = []
        self._tab = "all"
        self._query = ""
        self._phone_customers: frozenset[int] = frozenset()

    def set_rows(self, rows: list[QueueRow]) -> None:
        self._all = rows
        self._refilter()

    def set_filter(self, tab: str, text: str) -> None:
        query = _folded(text)
        if query != self._query:
            self._phone_customers = frozenset()  # the hub's answer was for the query before
        self._tab, self._query = tab, query
        self._refilter()

    def set_phone_customers(self, customer_ids: frozenset[int]) -> None:
        """The customers whose phone matches the search (the hub's answer): their orders match too."""
        self._phone_customers = customer_ids
        self._refilter()

    def _refilter(self) -> None:
        self.beginResetModel()
        self._shown = [
            row
            for row in self._all
            if self._tab in row.tabs
            and (
                not self._query
                or self._query in row.search_key
                or row.order.customer_id in self._phone_customers
            )
        ]
        self.endResetModel()

    def counts(self) -> dict[str, int]:
        """Orders under each tab (the search left aside)."""
        counts = dict.fromkeys(SHOWN_TABS, 0)
        for row in self._all:
            for tab in row.tabs:
                if tab in counts:
                    counts[tab] += 1
        return counts

    def order_id(self, row: int) -> int:
        return self._shown[row].order_id

    def shown_rows(self) -> list[QueueRow]:
        return list(self._shown)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        row = self._shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.title}\n{row.detail}"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{row.title}\n{row.detail}\n{row.pill}".strip()
        if role == self.OrderIdRole:
            return row.order_id
        if role == self.PillRole:
            return (row.pill_kind, row.pill)
        return None


class PickupRowDelegate(TwoLineDelegate):
    """Customer · order number in bold over the facts, a pill at the right end."""

    PADDING = 12
    LINE_GAP = 4
    MIN_HEIGHT = 64
    SIDE = 16
    GAP = 12

    def _pill_font(self, option: QStyleOptionViewItem) -> QFont:
        font = QFont(option.font)
        font.setBold(True)
        return font

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect: QRect = opt.rect.adjusted(self.SIDE, self.PADDING, -self.SIDE, -self.PADDING)
        kind, pill = index.data(PickupQueueModel.PillRole) or ("out", "")
        font = self._pill_font(opt)
        room = min(pill_width(font, pill), rect.width() // 2) if pill else 0
        title, _, detail = str(index.data(Qt.ItemDataRole.DisplayRole) or "").partition("\n")
        top, _ = self._draw_lines(
            painter, opt, rect.left(), max(0, rect.width() - room - self.GAP), title, ""
        )
        self._draw_lines(painter, opt, rect.left(), rect.width(), "", detail)
        if pill:
            draw_pill(painter, font, rect.right(), top - 3, pill, str(kind))


class TabChips(QWidget):
    """The queue's tabs as big checkable chips, as many to a row as fit (more rows in portrait).

    The chips take the width they are given (their own size hint is ignored), and the number of
    columns comes from the widest label, so the chips never make the screen wider than the tablet."""

    tab_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(8)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        for tab in SHOWN_TABS:
            button = QPushButton(tab_label(tab, 0))
            button.setCheckable(True)
            button.setProperty("role", "filterChip")
            button.setMinimumHeight(MIN_TOUCH_PX)
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _checked=False, tab=tab: self.tab_chosen.emit(tab))
            self._group.addButton(button)
            self.buttons[tab] = button
        self.buttons["all"].setChecked(True)
        self._columns = 0
        self._arrange(2)

    def set_counts(self, counts: dict[str, int]) -> None:
        for tab, button in self.buttons.items():
            button.setText(tab_label(tab, counts.get(tab, 0)))
        self._arrange(self._columns_for(self.width()))

    def select(self, tab: str) -> None:
        self.buttons[tab].setChecked(True)

    def current(self) -> str:
        return next((tab for tab, button in self.buttons.items() if button.isChecked()), "all")

    def _columns_for(self, width: int) -> int:
        chip = max(
            CHIP_MIN_PX,
            *(button.fontMetrics().horizontalAdvance(button.text()) + 40 for button in self.buttons.values()),
        )
        return max(2, (width + self._grid.spacing()) // (chip + self._grid.spacing()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(self._columns_for(event.size().width()))
        super().resizeEvent(event)

    def _arrange(self, columns: int) -> None:
        columns = min(columns, len(self.buttons))
        if columns == self._columns:
            return
        self._columns = columns
        for button in self.buttons.values():
            self._grid.removeWidget(button)
        for n, button in enumerate(self.buttons.values()):
            self._grid.addWidget(button, n // columns, n % columns)
        for column in range(len(self.buttons)):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)


class QueuePage(QWidget):
    """The store's pickups: search, tabs, and the list; a tap opens an order or a restock task."""

    order_chosen = Signal(int)
    restock_chosen = Signal(int)
    #: The search is a phone number: the screen asks the hub whose it is (after a pause in typing).
    phone_search = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._format = StoreFormat()
        self.title = label(self.tr("Pickups"), "screenTitle")
        self.hint = label(
            self.tr("Scan the customer's order code, or find their order here."), "hint", wrap=True
        )
        self.search = QLineEdit()
        self.search.setObjectName("pickupSearchField")
        self.search.setPlaceholderText(self.tr("Search by name, order number or phone"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(80)
        self.search.setMinimumHeight(MIN_TOUCH_PX)
        self.search.setInputMethodHints(Qt.InputMethodHint.ImhNoPredictiveText)
        self.chips = TabChips()
        self.status = label(role="hint", wrap=True)
        self.empty = label(role="quiet", wrap=True)
        self.empty.setVisible(False)

        self.model = PickupQueueModel(self)
        self.view = row_list("pickupQueue", self.model, PickupRowDelegate)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.search)
        layout.addWidget(self.chips)
        layout.addWidget(self.status)
        layout.addWidget(self.empty)
        layout.addWidget(self.view, 1)

        self._phone_note = ""
        self._phone_timer = QTimer(self)
        self._phone_timer.setSingleShot(True)
        self._phone_timer.setInterval(PHONE_SEARCH_PAUSE_MS)
        self._phone_timer.timeout.connect(lambda: self.phone_search.emit(self.search.text()))
        self.search.textChanged.connect(self._filter)
        self.search.textChanged.connect(self._search_edited)
        self.chips.tab_chosen.connect(self._filter)
        self.view.clicked.connect(self._tapped)

    def set_store_format(self, fmt: StoreFormat) -> None:
        self._format = fmt

    def show_board(self, board: PickupBoard, now: datetime) -> None:
        """Paint ``board`` as of ``now`` (time left, tabs); the tab and search typed stay."""
        end_of_day = self._format.end_of_day(now)
        rows = [queue_row(o, now, end_of_day, o.id in board.waiting_to_sync) for o in board.orders]
        self.model.set_rows(rows)
        self.chips.set_counts(self.model.counts())
        if board.source == "cache":
            self.status.setText(
                self.tr("Offline — the queue as of {time}. Hand-overs are saved here and sent later.").format(
                    time=self._format.moment(board.as_of, now=now)
                )
            )
        else:
            self.status.setText(
                self.tr("Up to date at {time}.").format(time=self._format.time(board.as_of, now=now))
            )
        self._show_empty()

    def _search_edited(self, text: str) -> None:
        self._phone_note = ""
        if phone_query(text) is None:
            self._phone_timer.stop()
        else:
            self._phone_timer.start()

    def show_phone_customers(self, query: str, customer_ids: frozenset[int]) -> None:
        """The hub's answer for a phone search; ignored if the search has changed since."""
        if query != self.search.text():
            return
        self.model.set_phone_customers(customer_ids)
        self._show_empty()

    def phone_search_failed(self, query: str, why: str) -> None:
        if query != self.search.text():
            return
        self._phone_note = why
        self._show_empty()

    def _filter(self, *_args: Any) -> None:
        self.model.set_filter(self.chips.current(), self.search.text())
        self._show_empty()

    def _show_empty(self) -> None:
        empty = self.model.rowCount() == 0
        self.empty.setVisible(empty)
        self.view.setVisible(not empty)
        if not empty:
            return
        if self._phone_note:
            self.empty.setText(self._phone_note)
        elif self.search.text().strip():
            self.empty.setText(
                self.tr("No open pickup here matches “{query}”.").format(
                    query=self.search.text().strip()[:40]
                )
            )
        elif self.chips.current() == "restock":
            self.empty.setText(self.tr("Nothing to restock: no pickup is past its deadline."))
        else:
            self.empty.setText(self.tr("No open pickups under this tab."))

    def _tapped(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        order_id = self.model.order_id(index.row())
        if self.chips.current() == "restock":
            self.restock_chosen.emit(order_id)
        else:
            self.order_chosen.emit(order_id)
