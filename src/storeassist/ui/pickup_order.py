"""One pickup order at the counter: who collects, whether it is paid, where it waits, and its lines.

The header says the customer (and the person they named to collect, if any), the payment state, the
bin, the deadline with the time left, and whether this tablet holds a hand-over the hub has not
confirmed yet ("collected — waiting to sync"). An order not in the store yet says "On its way", with
the bin it goes in when it arrives (``pickup_arrival.ArrivalPanel``). The lines are a list model
with a painted row each: the product's picture (a placeholder until pictures are cached on the
tablet), name, size and colour, and ordered / collected / to collect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QStyle,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from storeassist.contract import Order, OrderLine
from storeassist.domain.orders import is_arriving, is_collectable, items_to_collect
from storeassist.domain.pickups import OpenedPickup
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.list_models import _RowsModel
from storeassist.ui.overlay_pages import result_sentence
from storeassist.ui.pickup_arrival import ArrivalPanel
from storeassist.ui.pickup_words import (
    PickupWords,
    line_quantities,
    payment_label,
    size_colour,
    state_label,
    time_left,
)
from storeassist.ui.row_delegate import TwoLineDelegate
from storeassist.ui.widgets import label, pill, touch_button

MIN_TOUCH_PX = 48
#: The product picture's square at the left of a line.
PICTURE_PX = 56


@dataclass(frozen=True, slots=True)
class LineRow:
    line_no: int
    name: str
    detail: str
    initials: str


def line_row(line: OrderLine, order: Order) -> LineRow:
    detail = [size_colour(line.size, line.colour), line_quantities(line)]
    if line.substitutes_line is not None:
        instead = next((o.name for o in order.lines if o.line_no == line.substitutes_line), "")
        detail.append(PickupWords.tr("Handed over instead of {name}").format(name=instead))
    words = [word for word in line.name.split() if word[:1].isalnum()]
    initials = "".join(word[:1] for word in words[:2]).upper() or "?"
    return LineRow(line.line_no, line.name, " · ".join(part for part in detail if part), initials)


class OrderLinesModel(_RowsModel[LineRow]):
    """An order's lines; ``DisplayRole`` gives name and detail, ``InitialsRole`` the placeholder's letters."""

    InitialsRole = Qt.ItemDataRole.UserRole + 1

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        row = self._row(index)
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return f"{row.name}\n{row.detail}"
        if role == self.InitialsRole:
            return row.initials
        return None


class LineDelegate(TwoLineDelegate):
    """A picture placeholder, then the product's name over its size, colour and quantities."""

    PADDING = 10
    LINE_GAP = 4
    GAP = 14

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return self._row_size(option, max(self._text_height(option), PICTURE_PX))

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
        rect: QRect = opt.rect.adjusted(12, self.PADDING, -12, -self.PADDING)
        box = QRectF(rect.left(), rect.center().y() - PICTURE_PX / 2, PICTURE_PX, PICTURE_PX)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor("#cfd5de"))
        painter.setBrush(QColor("#eef0f3"))
        painter.drawRoundedRect(box, 8, 8)
        font = QFont(opt.font)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#6b7585"))
        painter.drawText(
            box, int(Qt.AlignmentFlag.AlignCenter), str(index.data(OrderLinesModel.InitialsRole))
        )
        painter.restore()
        left = int(box.right()) + self.GAP
        title, _, detail = str(index.data(Qt.ItemDataRole.DisplayRole) or "").partition("\n")
        self._draw_lines(painter, opt, left, max(0, rect.right() - left), title, detail)


class OrderPage(QWidget):
    """One order: its facts and lines; "Hand over" goes on to checking who collects."""

    back = Signal()
    hand_over = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._format = StoreFormat()
        self.opened: OpenedPickup | None = None

        self.title = label(role="screenTitle", wrap=True)
        self.customer = label(role="customerName", wrap=True)
        self.proxy = label(role="detail", wrap=True)
        # Two short rows of pills, so all four fit a portrait screen.
        self.pills = QVBoxLayout()
        self.pills.setSpacing(6)
        state_row, news_row = QHBoxLayout(), QHBoxLayout()
        state_row.setSpacing(8)
        news_row.setSpacing(8)
        self.state_pill = pill("", "availability", where="here")
        self.payment_pill = pill("", "availability", where="here")
        self.sync_pill = pill(self.tr("Collected — waiting to sync"), "pending")
        self.locked_pill = pill(
            self.tr("Locked: a manager must hand it over"), "availability", where="nearby"
        )
        state_row.addWidget(self.state_pill)
        state_row.addWidget(self.payment_pill)
        state_row.addStretch(1)
        news_row.addWidget(self.sync_pill)
        news_row.addWidget(self.locked_pill)
        news_row.addStretch(1)
        self.pills.addLayout(state_row)
        self.pills.addLayout(news_row)
        self.sync_pill.setVisible(False)
        self.locked_pill.setVisible(False)
        # Each fact's name over its value, in columns: the bin, the deadline, what is left.
        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(32)
        self.facts.setVerticalSpacing(2)
        self.fact_values: list[QLabel] = []
        for column, name in enumerate((self.tr("Bin"), self.tr("Collect by"), self.tr("To collect"))):
            self.facts.addWidget(label(name, "factName"), 0, column)
            value = label()
            value.setObjectName("factValue")
            self.facts.addWidget(value, 1, column)
            self.fact_values.append(value)
        self.facts.setColumnStretch(3, 1)
        self.source = label(role="offline", wrap=True)
        self.notice = label(role="notice", wrap=True)
        self.notice.setVisible(False)
        self.arrival = ArrivalPanel()
        self.arrival.setVisible(False)

        self.model = OrderLinesModel(self)
        self.lines = QListView()
        self.lines.setObjectName("pickupLines")
        self.lines.setModel(self.model)
        self.lines.setItemDelegate(LineDelegate(self.lines))
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.lines.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lines.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.lines.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.back_button = touch_button(self.tr("Back to the queue"))
        self.hand_over_button = touch_button(self.tr("Hand over…"), primary=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.hand_over_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.customer)
        layout.addWidget(self.proxy)
        layout.addLayout(self.pills)
        layout.addLayout(self.facts)
        layout.addWidget(self.source)
        layout.addWidget(self.notice)
        layout.addWidget(self.arrival)
        layout.addWidget(self.lines, 1)
        layout.addLayout(buttons)

        self.back_button.clicked.connect(self.back)
        self.hand_over_button.clicked.connect(self.hand_over)

    def set_store_format(self, fmt: StoreFormat) -> None:
        self._format = fmt

    def show_order(self, opened: OpenedPickup, now: datetime) -> None:
        self.opened = opened
        order = opened.order
        self.notice.setVisible(False)
        self.title.setText(self.tr("Pickup order #{number}").format(number=order.number))
        self.customer.setText(order.customer_name or self.tr("Customer not named"))
        self.proxy.setText(
            self.tr("May also be collected by: {name} (with photo ID)").format(name=order.proxy_name)
        )
        self.proxy.setVisible(bool(order.proxy_name))
        self.state_pill.setText(state_label(order.pickup_state))
        self.state_pill.setProperty("where", "here" if is_collectable(order.pickup_state) else "out")
        self.payment_pill.setText(payment_label(order))
        self.payment_pill.setProperty("where", "here" if order.payment_state == "paid" else "nearby")
        for widget in (self.state_pill, self.payment_pill):
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        # Ready with something waiting to sync: only an arrival leaves an order ready.
        self.sync_pill.setText(
            self.tr("Arrived — waiting to sync")
            if order.pickup_state == "ready"
            else self.tr("Collected — waiting to sync")
        )
        self.sync_pill.setVisible(opened.waiting_to_sync)
        self.locked_pill.setVisible(order.pickup_locked)
        self._fill_facts(order, now)
        self.source.setText(
            self.tr("Offline — from this tablet's copy. A hand-over is sent when back online.")
        )
        self.source.setVisible(opened.source == "cache")
        self.model.set_rows([line_row(line, order) for line in order.lines])
        arriving = is_arriving(order.pickup_state)
        self.arrival.setVisible(arriving)
        if arriving:
            self.arrival.start(order)
        self._explain_hand_over(order)

    def _fill_facts(self, order: Order, now: datetime) -> None:
        deadline = (
            self.tr("{when} · {left}").format(
                when=self._format.moment(order.pickup_deadline, now=now),
                left=time_left(order.pickup_deadline, now),
            )
            if order.pickup_deadline is not None
            else time_left(None, now)
        )
        bin_value, deadline_value, left_value = self.fact_values
        bin_value.setText(order.pickup_bin or self.tr("Not given"))
        deadline_value.setText(deadline)
        left_value.setText(str(items_to_collect(order.lines)))

    def _explain_hand_over(self, order: Order) -> None:
        """The button is there only when something can be handed over; else the sentence why."""
        why = None
        params: dict[str, str | int] = {"order_number": order.number}
        if is_arriving(order.pickup_state):
            self.hand_over_button.setEnabled(False)  # the arrival panel says what comes first
            return
        if not is_collectable(order.pickup_state):
            why = result_sentence(
                "order_not_collectable", {**params, "pickup_state": order.pickup_state or "placed"}
            )
        elif order.payment_state != "paid":
            why = result_sentence("order_unpaid", params)
        elif items_to_collect(order.lines) == 0:
            why = self.tr("Nothing is left to collect on order #{number}.").format(number=order.number)
        self.hand_over_button.setEnabled(why is None)
        if why is not None:
            self.show_message(why)

    def show_message(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(True)
