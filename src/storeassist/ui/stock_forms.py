"""The two forms a product card leads to: a hold for a customer, and an endless-aisle order.

Each names the product, picks the customer (:class:`CustomerPicker`: a loyalty scan or a search),
a quantity no higher than what is available, and its own choices (how long to hold; where from
and where to), then reports what became of it: confirmed, waiting to sync (offline: it goes when
the back office answers) or refused with the sentence for its code. The screen makes the call.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from storeassist.domain.stock import ActionReceipt, ProductCard, StockAt
from storeassist.ui.background import OpRunner
from storeassist.ui.pickup_handover import Stepper
from storeassist.ui.stock_card import orderable_elsewhere, scrolling
from storeassist.ui.stock_customer import CustomerPicker
from storeassist.ui.stock_services import CustomerFinder, Fulfilment
from storeassist.ui.stock_words import (
    HOLD_HOURS,
    StockWords,
    hours_choice,
    place_name,
    receipt_text,
    variant_text,
)
from storeassist.ui.widgets import MIN_TOUCH_PX, label, touch_button


class QuantityStepper(Stepper):
    """− n + from 1 to what is available."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(1, parent)

    def set_maximum(self, maximum: int) -> None:
        self.maximum = max(1, maximum)
        self.value = 0  # set_value always repaints
        self.set_value(1)

    def set_value(self, value: int) -> None:
        super().set_value(max(1, value))

    def _enable(self) -> None:
        self.minus.setEnabled(self.value > 1)
        self.plus.setEnabled(self.value < self.maximum)


def _chips(choices: list[tuple[str, str]], parent: QWidget) -> tuple[QButtonGroup, dict[str, QPushButton]]:
    group = QButtonGroup(parent)
    group.setExclusive(True)
    buttons: dict[str, QPushButton] = {}
    for key, text in choices:
        button = touch_button(text)
        button.setCheckable(True)
        button.setProperty("role", "filterChip")
        group.addButton(button)
        buttons[key] = button
    return group, buttons


class _FormPage(QWidget):
    """What both forms share: a title, the product, the customer, the quantity, a result, and
    Back / the action / Done; the body scrolls, the buttons stay at the bottom."""

    back = Signal()
    done = Signal()

    def __init__(self, runner: OpRunner, title: str, action: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card: ProductCard | None = None
        self.title = label(title, "screenTitle", wrap=True)
        self.product = label(role="rowTitle", wrap=True)
        self.customer = CustomerPicker(runner)
        self.qty_title = label(StockWords.tr("How many"), "subTitle")
        self.qty = QuantityStepper()
        self.qty_limit = label(role="hint", wrap=True)
        self.result = label(role="notice", wrap=True)
        self.result.setVisible(False)
        self.back_button = touch_button(StockWords.tr("Back"))
        self.action_button = touch_button(action, primary=True)
        self.done_button = touch_button(StockWords.tr("Done"), primary=True)
        self.done_button.setVisible(False)
        self.back_button.clicked.connect(self.back)
        self.done_button.clicked.connect(self.done)
        self.customer.changed.connect(self._update)

        self.body = QVBoxLayout()
        self.body.setSpacing(12)
        content = QWidget()
        self.content = content
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(12)
        column.addWidget(self.title)
        column.addWidget(self.product)
        column.addLayout(self.body)
        qty_row = QHBoxLayout()
        qty_row.addWidget(self.qty)
        qty_row.addWidget(self.qty_limit, 1)
        column.addWidget(self.qty_title)
        column.addLayout(qty_row)
        column.addWidget(self.customer)
        column.addStretch(1)
        scroll = scrolling(content, "stockForm")
        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.action_button)
        buttons.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.result)
        layout.addLayout(buttons)

    def set_finder(self, finder: CustomerFinder | None) -> None:
        self.customer.set_finder(finder)

    def _start(self, card: ProductCard) -> None:
        self.card = card
        product = card.product
        words = [product.name, variant_text(product)]
        self.product.setText(" · ".join(part for part in words if part))
        self.customer.clear()
        self.result.setVisible(False)
        self.content.setEnabled(True)
        self.action_button.setVisible(True)
        self.done_button.setVisible(False)
        self.back_button.setVisible(True)
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update()

    def _ready(self) -> bool:
        return self.customer.chosen is not None

    def _update(self, *_args: object) -> None:
        self.action_button.setEnabled(not getattr(self, "_busy", False) and self._ready())

    def show_message(self, text: str) -> None:
        self.result.setText(text)
        self.result.setVisible(True)

    def _finished(self, receipt: ActionReceipt, done: str, waiting: str) -> None:
        self.set_busy(False)
        self.show_message(receipt_text(receipt, done, waiting))
        if receipt.status in ("confirmed", "waiting"):
            self.content.setEnabled(False)  # done: what was sent is shown, no longer changed
            self.action_button.setVisible(False)
            self.back_button.setVisible(False)
            self.done_button.setVisible(True)


class HoldForm(_FormPage):
    """A hold for a customer: who, how many (at most those on sale here), and for how long."""

    submitted = Signal(int, str, int, int)  # customer id, sku, qty, hours

    def __init__(self, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, StockWords.tr("Hold for a customer"), StockWords.tr("Place hold"), parent)
        self.hours_title = label(StockWords.tr("Hold for"), "subTitle")
        self.hours_group, self.hours = _chips([(str(h), hours_choice(h)) for h in HOLD_HOURS], self)
        row = QHBoxLayout()
        row.setSpacing(8)
        for button in self.hours.values():
            row.addWidget(button)
        row.addStretch(1)
        self.body.addWidget(self.hours_title)
        self.body.addLayout(row)
        self.action_button.clicked.connect(self._submit)

    def start(self, card: ProductCard) -> None:
        self._start(card)
        available = card.here.available if card.here else 0
        self.qty.set_maximum(available)
        self.qty_limit.setText(StockWords.tr("%n on sale here", "", available))
        self.hours["48"].setChecked(True)

    def chosen_hours(self) -> int:
        return next((int(key) for key, button in self.hours.items() if button.isChecked()), 48)

    def _submit(self) -> None:
        if self.card is None or self.customer.chosen is None:
            return
        self.set_busy(True)
        self.submitted.emit(
            self.customer.chosen[0], self.card.product.sku, self.qty.value, self.chosen_hours()
        )

    def finished(self, receipt: ActionReceipt) -> None:
        self._finished(
            receipt,
            StockWords.tr("Held. The back office has set the units aside for the customer."),
            StockWords.tr("Saved on this tablet: the hold is sent when the back office can be reached."),
        )


class AisleForm(_FormPage):
    """An endless-aisle order: from which store (or the warehouse), shipped home or to this store."""

    submitted = Signal(
        int, str, int, object, str
    )  # customer id, sku, qty, source store id | None, fulfilment

    def __init__(self, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(
            runner, StockWords.tr("Order from another store"), StockWords.tr("Place order"), parent
        )
        self.source_title = label(StockWords.tr("From"), "subTitle")
        self.sources_box = QVBoxLayout()
        self.sources_box.setSpacing(8)
        self.source_group = QButtonGroup(self)
        self.source_group.setExclusive(True)
        self.sources: dict[int | None, QPushButton] = {}
        self._places: dict[int | None, StockAt] = {}
        self.to_title = label(StockWords.tr("To"), "subTitle")
        self.to_group, self.to = _chips(
            [
                ("bopis", StockWords.tr("This store, for pickup")),
                ("ship", StockWords.tr("The customer's address")),
            ],
            self,
        )
        to_row = QHBoxLayout()
        to_row.setSpacing(8)
        for button in self.to.values():
            to_row.addWidget(button)
        to_row.addStretch(1)
        self.body.addWidget(self.source_title)
        self.body.addLayout(self.sources_box)
        self.body.addWidget(self.to_title)
        self.body.addLayout(to_row)
        self.source_group.buttonClicked.connect(self._source_changed)
        self.action_button.clicked.connect(self._submit)

    def start(self, card: ProductCard) -> None:
        self._start(card)
        for button in self.sources.values():
            self.source_group.removeButton(button)
            button.hide()
            button.deleteLater()
        self.sources, self._places = {}, {}
        for place in orderable_elsewhere(card):
            key = None if place.kind == "warehouse" else place.store_id
            text = StockWords.tr("{place} · {count} available").format(
                place=place_name(place), count=place.available
            )
            if place.certainty == "uncertain":
                text = StockWords.tr("{place} · about {count}").format(
                    place=place_name(place), count=place.available
                )
            button = touch_button(text)
            button.setCheckable(True)
            button.setProperty("role", "filterChip")
            self.source_group.addButton(button)
            self.sources_box.addWidget(button)
            button.show()
            self.sources[key] = button
            self._places[key] = place
        if self.sources:
            first = next(iter(self.sources))
            self.sources[first].setChecked(True)
            self._source_changed()
        self.to["bopis"].setChecked(True)

    def chosen_source(self) -> int | None:
        return next((key for key, button in self.sources.items() if button.isChecked()), None)

    def chosen_fulfilment(self) -> Fulfilment:
        return "ship" if self.to["ship"].isChecked() else "bopis"

    def _source_changed(self, *_args: object) -> None:
        place = self._places.get(self.chosen_source())
        available = place.available if place else 1
        self.qty.set_maximum(available)
        self.qty_limit.setText(StockWords.tr("%n available there", "", available))

    def _ready(self) -> bool:
        return super()._ready() and bool(self.sources)

    def _submit(self) -> None:
        if self.card is None or self.customer.chosen is None or not self.sources:
            return
        self.set_busy(True)
        self.submitted.emit(
            self.customer.chosen[0],
            self.card.product.sku,
            self.qty.value,
            self.chosen_source(),
            self.chosen_fulfilment(),
        )

    def finished(self, receipt: ActionReceipt) -> None:
        done = StockWords.tr("Ordered: order #{number}.").format(number=receipt.reference or "")
        if receipt.status == "confirmed" and self.chosen_fulfilment() == "bopis":
            done += " " + StockWords.tr("It appears under Pickups when it arrives here.")
        self._finished(
            receipt,
            done,
            StockWords.tr("Saved on this tablet: the order is sent when the back office can be reached."),
        )


__all__ = ["MIN_TOUCH_PX", "AisleForm", "HoldForm", "QuantityStepper"]
