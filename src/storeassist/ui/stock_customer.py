"""Choosing the customer a hold or an endless-aisle order is for: scan their loyalty code while the
form is open, or find them by name, phone or e-mail with the customer search.

The picker shows who is chosen, with "Change" to pick someone else. It never imports a service:
it takes the device's ``CustomerFinder`` (``ViewCustomer``) and the :class:`OpRunner`. Every
lookup is numbered, so an older answer never replaces a newer choice.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from storeassist.ui.background import OpRunner
from storeassist.ui.customer_search import CustomerResultsModel, CustomerSearchPanel
from storeassist.ui.messages import describe_failure
from storeassist.ui.stock_services import CustomerFinder, ShownCustomerLike
from storeassist.ui.widgets import label, touch_button


class CustomerPicker(QWidget):
    """Who the hold or order is for; ``chosen`` is None until someone is picked."""

    changed = Signal()

    def __init__(self, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._finder: CustomerFinder | None = None
        self._seq = 0
        self.chosen: tuple[int, str] | None = None
        self.title = label(self.tr("Customer"), "subTitle")
        self.who = label(role="rowTitle", wrap=True)
        self.hint = label(
            self.tr("Scan the customer's loyalty code, or find them by name, phone or e-mail."),
            "hint",
            wrap=True,
        )
        self.change_button = touch_button(self.tr("Change customer"))
        self.change_button.clicked.connect(self.clear)
        self.message = label(role="notice", wrap=True)
        self.message.setVisible(False)
        self.search = CustomerSearchPanel(runner)
        self.search.customer_chosen.connect(self._picked_from_search)
        chosen_row = QHBoxLayout()
        chosen_row.addWidget(self.who, 1)
        chosen_row.addWidget(self.change_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addLayout(chosen_row)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addWidget(self.search, 1)
        self.clear()

    def set_finder(self, finder: CustomerFinder | None) -> None:
        self._finder = finder
        self.search.set_searcher(finder)
        self.search.set_mask(finder.mask if finder is not None else None)

    def clear(self) -> None:
        """Nobody chosen: the search shows again."""
        self._seq += 1
        self.chosen = None
        self.who.setText(self.tr("Nobody chosen yet"))
        self.change_button.setVisible(False)
        self.hint.setVisible(True)
        self.search.setVisible(True)
        self.message.setVisible(False)
        self.changed.emit()

    def use_loyalty_code(self, text: str) -> None:
        """A loyalty code was scanned while the form is open: that customer is chosen."""
        finder = self._finder
        if finder is None:
            return
        self._seq += 1
        seq = self._seq
        self.message.setVisible(False)
        self._runner.run(
            finder.by_token(text),
            on_success=lambda found: self._on_found(seq, found),
            on_failure=lambda error: self._on_failed(seq, error),
        )

    def _on_found(self, seq: int, found: ShownCustomerLike) -> None:
        if seq == self._seq:
            customer = found.profile.customer
            self.choose(customer.id, customer.name)

    def _on_failed(self, seq: int, error: BaseException) -> None:
        if seq == self._seq:
            self.message.setText(describe_failure(error, doing="customer for a hold"))
            self.message.setVisible(True)

    def _picked_from_search(self, customer_id: int) -> None:
        model = self.search.model
        name = ""
        for row in range(model.rowCount()):
            index = model.index(row)
            if index.data(CustomerResultsModel.IdRole) == customer_id:
                name = str(index.data(CustomerResultsModel.NameRole) or "")
                break
        self.choose(customer_id, name)

    def choose(self, customer_id: int, name: str) -> None:
        self._seq += 1
        self.chosen = (customer_id, name)
        self.who.setText(name or self.tr("Customer {id}").format(id=customer_id))
        self.change_button.setVisible(True)
        self.hint.setVisible(False)
        self.search.setVisible(False)
        self.message.setVisible(False)
        self.changed.emit()
