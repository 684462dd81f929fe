"""An order on its way, on its order page: "On its way", and when it is here, the bin it goes in.

Shown only for an order not in the store yet (placed or picking: an endless-aisle order from the
warehouse or another store, or one still being picked). The associate types or scans the bin's
label and taps "Arrived — put in bin"; the screen records it through
``PickupArrivalsLike.receive`` and shows the order again, ready in that bin, to hand over.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit

from storeassist.contract import Order
from storeassist.ui.widgets import MIN_TOUCH_PX, Section, label, touch_button

# The longest bin label the hub keeps (``contract.ReceivePickupPayload.bin``).
BIN_MAX_CHARS = 16


class ArrivalPanel(Section):
    """ "On its way", a bin field and "Arrived — put in bin" (the bin as the associate typed it)."""

    arrived = Signal(str)

    def __init__(self) -> None:
        super().__init__("")
        self.title.setText(self.tr("On its way"))
        self.setObjectName("pickupArrival")
        self._order_id: int | None = None
        self.explain = label(role="hint", wrap=True)
        self.bin = QLineEdit()
        self.bin.setObjectName("arrivalBin")
        self.bin.setMaxLength(BIN_MAX_CHARS)
        self.bin.setMinimumHeight(MIN_TOUCH_PX)
        self.bin.setPlaceholderText(self.tr("Bin or shelf, e.g. A-12"))
        self.bin.setAccessibleName(self.tr("Bin it is put in"))
        self.arrive_button = touch_button(self.tr("Arrived — put in bin"), primary=True)
        self.notice = label(role="notice", wrap=True)
        self.notice.setVisible(False)
        row = QHBoxLayout()
        row.setSpacing(10)
        row.addWidget(self.bin, 1)
        row.addWidget(self.arrive_button)
        self.header.addWidget(self.explain)
        self.header.addLayout(row)
        self.header.addWidget(self.notice)
        self.arrive_button.clicked.connect(self._arrive)
        self.bin.returnPressed.connect(self._arrive)
        self.bin.textChanged.connect(self._bin_typed)
        self._bin_typed("")

    def start(self, order: Order) -> None:
        """An order on screen: an empty bin and nothing said yet, unless it is the same order
        again (the hub's fresher copy replacing the queue's keeps what was typed)."""
        self.explain.setText(
            self.tr(
                "Order #{number} is not in the store yet. When it arrives, put it in a bin "
                "and say which: it is then ready to hand over."
            ).format(number=order.number)
        )
        if order.id != self._order_id:
            self._order_id = order.id
            self.bin.clear()
            self.notice.setVisible(False)
            self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        """While the arrival is sent, nothing is typed or tapped twice."""
        self.bin.setEnabled(not busy)
        self.arrive_button.setEnabled(not busy and bool(self.bin.text().strip()))

    def show_message(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(True)

    def _bin_typed(self, text: str) -> None:
        self.arrive_button.setEnabled(self.bin.isEnabled() and bool(text.strip()))

    def _arrive(self) -> None:
        if self.arrive_button.isEnabled():
            self.arrived.emit(self.bin.text())
