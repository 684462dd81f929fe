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

from PySide6.QtCore import QModelIndex, Signal

from storeassist.contract import Order, OrderLine
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.hub_words import channel_label, order_state_label
from storeassist.ui.list_models import ProductRow, ProductRowModel
from storeassist.ui.returns_words import ReturnWords
from storeassist.ui.row_delegate import fit_list_height, product_list
from storeassist.ui.timeline_model import channel_icon
from storeassist.ui.widgets import Section, label

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
    """Recent orders a return could start from: painted rows (no widgets per order, as the profile
    is painted while the customer waits), each tapped to take something back."""

    #: An order was tapped: its number.
    take_back = Signal(str)

    def __init__(self) -> None:
        super().__init__(ReturnWords.tr("Recent orders"))
        self.hint = label(ReturnWords.tr("Tap an order to take something back."), "quiet", wrap=True)
        self.model = ProductRowModel(self)
        self.view = product_list(self.model, "recentOrdersList")
        self.view.clicked.connect(self._tapped)
        self.header.addWidget(self.hint)
        self.header.addWidget(self.view)
        #: The numbers of the orders listed, in their rows' order.
        self.numbers: list[str] = []

    def fill(self, orders: Sequence[Order], fmt: StoreFormat, currency: str | None) -> None:
        shown = [order for order in orders if units_to_take_back(order) > 0]
        shown.sort(key=lambda order: order.placed_at, reverse=True)
        shown = shown[:SHOWN_ORDERS]
        self.numbers = [order.number for order in shown]
        self.model.set_rows([self._row(order, fmt, currency) for order in shown])
        self.setVisible(bool(shown))
        if shown:
            fit_list_height(self.view)

    def _row(self, order: Order, fmt: StoreFormat, currency: str | None) -> ProductRow:
        # What matters first comes first: a narrow column cuts the end of the line ("…").
        detail = " · ".join(
            [
                ReturnWords.tr("%n can come back", "", units_to_take_back(order)),
                fmt.moment(order.placed_at),
                fmt.money(order.total_cents, currency),
                channel_label(order.channel),
                order_state_label(order.status),
            ]
        )
        return ProductRow(
            name=ReturnWords.tr("Order #{number}").format(number=order.number),
            detail=detail,
            icon=channel_icon(order.channel),
            where="here",
            where_text=ReturnWords.tr("Take back"),
        )

    def _tapped(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self.numbers):
            self.take_back.emit(self.numbers[index.row()])
