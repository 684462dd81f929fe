"""A "to restock" task: an order past its pickup deadline, confirmed before it goes back on sale.

Confirming cancels what is left of the order, puts the items back on sale, records the refund and
tells the customer (at the hub, through ``PickupDesk.restock``). The page says all of that before
the associate taps, and which bin to empty.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from storeassist.contract import Order
from storeassist.domain.orders import items_to_collect, to_collect
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.pickup_words import items_count, size_colour, time_left
from storeassist.ui.widgets import Section, label, touch_button

MIN_TOUCH_PX = 48


class RestockPage(QWidget):
    """One overdue order and "Put back on sale"."""

    back = Signal()
    confirmed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._format = StoreFormat()
        self.order: Order | None = None
        self.title = label(role="screenTitle", wrap=True)
        self.explain = label(role="hint", wrap=True)
        self.notice = label(role="notice", wrap=True)
        self.notice.setVisible(False)
        self.items = Section(self.tr("To take from the bin"))
        self.back_button = touch_button(self.tr("Back to the queue"))
        self.confirm_button = touch_button(self.tr("Put back on sale"), primary=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.explain)
        layout.addWidget(self.notice)
        layout.addWidget(self.items, 0, Qt.AlignmentFlag.AlignTop)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(self.back)
        self.confirm_button.clicked.connect(self.confirmed)

    def set_store_format(self, fmt: StoreFormat) -> None:
        self._format = fmt

    def show_task(self, order: Order, now: datetime) -> None:
        self.order = order
        self.notice.setVisible(False)
        self.set_busy(False)
        self.title.setText(self.tr("Restock order #{number}").format(number=order.number))
        deadline = self._format.moment(order.pickup_deadline, now=now) if order.pickup_deadline else ""
        self.explain.setText(
            self.tr(
                "{customer} did not collect it by {deadline} ({late}). Putting it back on sale cancels "
                "what is left ({items}), refunds it and tells the customer."
            ).format(
                customer=order.customer_name or self.tr("The customer"),
                deadline=deadline,
                late=time_left(order.pickup_deadline, now),
                items=items_count(items_to_collect(order.lines)),
            )
        )
        self.items.title.setText(
            self.tr("To take from bin {bin}").format(bin=order.pickup_bin)
            if order.pickup_bin
            else self.tr("To take from the bin")
        )
        self.items.clear()
        for line in order.lines:
            left = to_collect(line)
            if left:
                what = " · ".join(part for part in (line.name, size_colour(line.size, line.colour)) if part)
                self.items.add(label(self.tr("{n} × {what}").format(n=left, what=what), wrap=True))

    def set_busy(self, busy: bool) -> None:
        self.confirm_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy)

    def show_message(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(True)
