"""The customer's recent orders on their profile, each with "Take back", which opens the order on
the Returns screen for this customer (``ProfileView.return_requested``).

Only orders with something the customer has and has not brought back are listed (paid, not
cancelled, and received: collected from a pickup, carried out of a store, or a shipment delivered,
less any units cancelled — as the back office counts them for a return), newest first, a few at
most: the profile is read while the customer waits. The Returns screen then says, line by line,
what the policy allows.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QPushButton

from storeassist.contract import Order, OrderLine
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.hub_words import channel_label, order_state_label
from storeassist.ui.returns_words import ReturnWords
from storeassist.ui.widgets import Section, label, row_frame, text_column, touch_button

#: Recent orders listed on a profile, at most.
SHOWN_ORDERS = 5
_PICKUP_FULFILMENTS = ("bopis", "curbside")
# A shipment's units have reached the customer (before, there is nothing to bring back).
_DELIVERED = ("delivered", "completed")


def units_to_take_back(order: Order) -> int:
    """Units of ``order`` the customer has and may bring back (0 for an unpaid or cancelled one,
    or a shipment still on its way)."""
    if order.status == "cancelled" or order.payment_state != "paid":
        return 0
    return sum(max(0, _received(order, line) - line.qty_returned) for line in order.lines)


def _received(order: Order, line: OrderLine) -> int:
    """Units of a line the customer has: collected (a pickup), or those not cancelled of a sale
    carried out or a shipment delivered."""
    if order.fulfilment in _PICKUP_FULFILMENTS:
        return min(line.qty, line.qty_collected)
    if order.fulfilment == "carry" or order.status in _DELIVERED:
        return max(0, line.qty - line.qty_cancelled)
    return 0


class RecentOrdersSection(Section):
    """Recent orders a return could start from."""

    #: "Take back" tapped: the order's number.
    take_back = Signal(str)

    def __init__(self) -> None:
        super().__init__(ReturnWords.tr("Recent orders"))
        self.buttons: dict[str, QPushButton] = {}

    def fill(self, orders: Sequence[Order], fmt: StoreFormat, currency: str | None) -> None:
        self.clear()
        self.buttons = {}
        shown = [order for order in orders if units_to_take_back(order) > 0]
        shown.sort(key=lambda order: order.placed_at, reverse=True)
        self.setVisible(bool(shown))
        for order in shown[:SHOWN_ORDERS]:
            self.add(self._row(order, fmt, currency))

    def _row(self, order: Order, fmt: StoreFormat, currency: str | None) -> QFrame:
        row, layout = row_frame()
        headline = label(ReturnWords.tr("Order #{number}").format(number=order.number), "rowTitle", wrap=True)
        detail = " · ".join(
            [
                channel_label(order.channel),
                fmt.moment(order.placed_at),
                fmt.money(order.total_cents, currency),
                order_state_label(order.status),
                ReturnWords.tr("%n can come back", "", units_to_take_back(order)),
            ]
        )
        layout.addLayout(text_column(headline, label(detail, "detail", wrap=True)), 1)
        button = touch_button(ReturnWords.tr("Take back"))
        button.setAccessibleName(ReturnWords.tr("Take back from order {number}").format(number=order.number))
        button.clicked.connect(lambda _checked=False, number=order.number: self.take_back.emit(number))
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.buttons[order.number] = button
        return row
