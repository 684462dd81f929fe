"""How the customer is paid back, and what the return comes to, as the associate chooses it.

:class:`MethodChooser` is the choice of refund (original payment, store credit, exchange) with, for
an exchange of something not here, whether it is shipped home or sent here for pickup.
:class:`SummarySection` shows the policy's decision as it stands after every tap: what comes back,
how it is paid back (split by tender, store credit, points given back), the points taken back,
and whether a manager must approve and why; or, until the choice is complete, what is missing.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QPushButton, QVBoxLayout, QWidget

from storeassist.contract.returns import ExchangeFulfilment
from storeassist.domain.returns import RefundMethod, ReturnDecision
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.returns_words import ReturnWords, approval_reasons_text, method_label, tender_label
from storeassist.ui.widgets import MIN_TOUCH_PX, Section, TouchButton, label

METHODS: tuple[RefundMethod, ...] = ("original_tender", "store_credit", "exchange")


def _chip(text: str) -> QPushButton:
    button = TouchButton(text)
    button.setCheckable(True)
    button.setProperty("role", "filterChip")
    button.setMinimumHeight(MIN_TOUCH_PX)
    return button


class MethodChooser(Section):
    """How the customer is paid back."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__(ReturnWords.tr("Pay back as"))
        self.group = QButtonGroup(self)
        self.buttons: dict[RefundMethod, QPushButton] = {}
        # One above the other: the column beside the lines is narrow in landscape, and a choice
        # that changes what the customer gets reads best as a list.
        for method in METHODS:
            button = _chip(method_label(method))
            self.group.addButton(button)
            self.buttons[method] = button
            self.header.addWidget(button)
            button.clicked.connect(self.changed)
        self.note = label(role="quiet", wrap=True)
        self.header.addWidget(self.note)
        self.elsewhere_title = label(
            ReturnWords.tr("What is not here reaches the customer"), "factName", wrap=True
        )
        self.elsewhere_group = QButtonGroup(self)
        self.elsewhere: dict[ExchangeFulfilment, QPushButton] = {
            "ship": _chip(ReturnWords.tr("At their address")),
            "bopis": _chip(ReturnWords.tr("Here, for pickup")),
        }
        elsewhere_row = QVBoxLayout()
        elsewhere_row.setSpacing(8)
        for button in self.elsewhere.values():
            self.elsewhere_group.addButton(button)
            elsewhere_row.addWidget(button)
            button.clicked.connect(self.changed)
        self.elsewhere_box = QWidget()
        box = QVBoxLayout(self.elsewhere_box)
        box.setContentsMargins(0, 4, 0, 0)
        box.setSpacing(6)
        box.addWidget(self.elsewhere_title)
        box.addLayout(elsewhere_row)
        self.header.addWidget(self.elsewhere_box)
        self.elsewhere_box.setVisible(False)

    def start(self, *, with_receipt: bool) -> None:
        """A new order: original payment with a receipt; without one, money is store credit."""
        self.buttons["original_tender"].setEnabled(with_receipt)
        self.buttons["store_credit" if not with_receipt else "original_tender"].setChecked(True)
        self.elsewhere["ship"].setChecked(True)
        self.note.setText(
            ""
            if with_receipt
            else ReturnWords.tr("Without a receipt, money comes back as store credit (or as an exchange).")
        )
        self.note.setVisible(not with_receipt)
        self.elsewhere_box.setVisible(False)

    def method(self) -> RefundMethod:
        return next((m for m, button in self.buttons.items() if button.isChecked()), "store_credit")

    def elsewhere_fulfilment(self) -> ExchangeFulfilment:
        return "bopis" if self.elsewhere["bopis"].isChecked() else "ship"

    def show_elsewhere(self, needed: bool) -> None:
        self.elsewhere_box.setVisible(needed)

    def set_enabled_inputs(self, enabled: bool, *, with_receipt: bool) -> None:
        for method, button in self.buttons.items():
            button.setEnabled(enabled and (with_receipt or method != "original_tender"))
        for button in self.elsewhere.values():
            button.setEnabled(enabled)


class SummarySection(Section):
    """The return as decided now, in words."""

    def __init__(self) -> None:
        super().__init__(ReturnWords.tr("Summary"))
        self.headline = label(role="rowTitle", wrap=True)
        self.headline.setObjectName("returnHeadline")
        self.details = label(role="detail", wrap=True)
        self.manager = label(role="notice", wrap=True)
        self.manager.setObjectName("returnManager")
        self.offline = label(role="hint", wrap=True)
        for part in (self.headline, self.details, self.manager, self.offline):
            self.header.addWidget(part)
        self.decision: ReturnDecision | None = None
        self.show_pending(ReturnWords.tr("Choose how many of each item come back."))

    def show_pending(self, text: str) -> None:
        """Nothing to decide yet: what the associate still has to choose."""
        self.decision = None
        self.headline.setText(text)
        for part in (self.details, self.manager, self.offline):
            part.setVisible(False)

    def show_refusal(self, text: str) -> None:
        self.decision = None
        self.headline.setText(ReturnWords.tr("This return cannot be taken."))
        self.details.setText(text)
        self.details.setVisible(True)
        self.manager.setVisible(False)
        self.offline.setVisible(False)

    def show_decision(
        self, decision: ReturnDecision, fmt: StoreFormat, *, offline: str | None = None
    ) -> None:
        self.decision = decision
        items = sum(line.qty for line in decision.lines)
        goods = fmt.money(decision.goods_cents)
        if decision.method == "exchange":
            self.headline.setText(
                ReturnWords.tr("%n item(s) exchanged, worth {amount}", "", items).format(amount=goods)
            )
        else:
            self.headline.setText(
                ReturnWords.tr("Pay back {amount} for %n item(s)", "", items).format(
                    amount=fmt.money(decision.paid_back_cents)
                )
            )
        lines = []
        if decision.fee_cents:
            lines.append(
                ReturnWords.tr("Kept as a restocking fee or already refunded: {amount}").format(
                    amount=fmt.money(decision.fee_cents)
                )
            )
        for tender in decision.to_tenders:
            lines.append(
                ReturnWords.tr("{amount} back to {tender}").format(
                    amount=fmt.money(tender.cents), tender=tender_label(tender.kind)
                )
            )
        if decision.store_credit_cents:
            lines.append(
                ReturnWords.tr("{amount} as store credit").format(
                    amount=fmt.money(decision.store_credit_cents)
                )
            )
        if decision.points_restored:
            lines.append(
                ReturnWords.tr(
                    "%n loyalty point(s) given back (paid with points)", "", decision.points_restored
                )
            )
        if decision.method == "exchange":
            lines.append(ReturnWords.tr("Other sizes or colours at the same price: no money changes hands."))
        if decision.points_reversed:
            lines.append(
                ReturnWords.tr(
                    "%n loyalty point(s) taken back (earned on these items)", "", decision.points_reversed
                )
            )
        self.details.setText("\n".join(f"• {line}" for line in lines))
        self.details.setVisible(bool(lines))
        self.manager.setText(approval_reasons_text(decision.approvals))
        self.manager.setVisible(decision.needs_manager)
        self.offline.setText(offline or "")
        self.offline.setVisible(bool(offline))
