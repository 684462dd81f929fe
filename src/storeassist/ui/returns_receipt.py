"""A return's receipt on screen: what was taken back and where each unit goes, how the customer was
paid back, the points, who approved it, and a QR of the back office's signed reference.

Confirmed by the back office, the QR carries its signed return receipt code; saved on this
tablet and not confirmed yet, the receipt says "Pending confirmation" with the return's reference
on this tablet and no QR (the code follows when it is confirmed). A return the back office refused
or found in conflict says why, and that it is listed under Needs attention.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QVBoxLayout, QWidget

from storeassist.contract.returns import ReturnableOrder
from storeassist.domain.return_desk import ReturnReceipt
from storeassist.domain.returns import LineOutcome
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.pickup_receipt import QR_PX, QrCodeView
from storeassist.ui.pickup_words import size_colour
from storeassist.ui.returns_words import (
    ReturnWords,
    condition_phrase,
    disposition_words,
    reason_phrase,
    refusal_text,
    tender_label,
)
from storeassist.ui.stock_card import scrolling
from storeassist.ui.widgets import PORTRAIT_BELOW, Section, label, touch_button


def outcome_text(outcome: LineOutcome, order: ReturnableOrder | None) -> str:
    """One line taken back: how many of what, why, in what state, and where it goes."""
    line = next((line for line in order.lines if line.line_no == outcome.line_no), None) if order else None
    what = ReturnWords.tr("line {line_no}").format(line_no=outcome.line_no)
    if line is not None:
        details = size_colour(line.size, line.colour)
        what = (
            ReturnWords.tr("{name} ({size_colour})").format(name=line.name, size_colour=details)
            if details
            else line.name
        )
    taken = ReturnWords.tr("{n} × {what}: {reason}, {condition}.").format(
        n=outcome.qty,
        what=what,
        reason=reason_phrase(outcome.reason),
        condition=condition_phrase(outcome.condition),
    )
    # Where the units go is a sentence of its own (the line's hint says the same).
    where = disposition_words(outcome.disposition)
    return f"{taken} {where}" if where else taken


class ReturnReceiptPage(QWidget):
    """A return's receipt; Done goes back to finding the next order."""

    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._format = StoreFormat()
        self.receipt: ReturnReceipt | None = None
        self.title = label(role="screenTitle", wrap=True)
        self.status = label(role="hint", wrap=True)
        self.status.setObjectName("returnStatus")
        self.notice = label(role="notice", wrap=True)
        self.notice.setVisible(False)
        self.details = Section(ReturnWords.tr("Return receipt"))
        self.what = label(wrap=True)
        self.paid = label(wrap=True)
        self.points = label(role="detail", wrap=True)
        self.exchange = label(role="detail", wrap=True)
        self.approved = label(role="detail", wrap=True)
        self.at = label(role="detail", wrap=True)
        # Not confirmed yet: the return's id on this tablet, whole (a QR column is too narrow for it).
        self.local_reference = label(role="detail", wrap=True)
        self.local_reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        parts = (
            self.what,
            self.paid,
            self.exchange,
            self.points,
            self.approved,
            self.at,
            self.local_reference,
        )
        for part in parts:
            self.details.add(part)
        self.qr = QrCodeView()
        self.reference = label(ReturnWords.tr("Return receipt code"), "quiet", wrap=True)
        self.reference.setFixedWidth(QR_PX)
        self.reference.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.qr_box = qr_box = QWidget()
        qr_column = QVBoxLayout(qr_box)
        qr_column.setContentsMargins(0, 0, 0, 0)
        qr_column.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        qr_column.addWidget(self.reference)
        # The receipt and its QR scroll (many lines, or the QR under them in portrait) rather than
        # make the screen taller than the tablet; each keeps its own height, at the top.
        content = QWidget()
        self.content = content
        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.setSpacing(16)
        self.body.addWidget(self.details, 1, Qt.AlignmentFlag.AlignTop)
        self.body.addWidget(qr_box, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 8, 0)
        column.addLayout(self.body)
        column.addStretch(1)
        self.scroll_area = scrolling(content, "returnReceipt")
        self.done_button = touch_button(ReturnWords.tr("Done"), primary=True)
        self.done_button.clicked.connect(self.done)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.notice)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignRight)

    def set_store_format(self, fmt: StoreFormat) -> None:
        self._format = fmt

    def resizeEvent(self, event: object) -> None:
        # Portrait: the QR under the receipt, so the receipt's lines keep the whole width.
        portrait = self.width() < PORTRAIT_BELOW
        self.body.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        super().resizeEvent(event)  # type: ignore[arg-type]

    def show_receipt(self, receipt: ReturnReceipt, order: ReturnableOrder | None) -> None:
        self.receipt = receipt
        fmt, decision = self._format, receipt.decision
        refused = receipt.status in ("refused", "conflict")
        number = receipt.order_number
        if refused:
            self.title.setText(ReturnWords.tr("Order #{number}: not taken back").format(number=number))
        else:
            self.title.setText(ReturnWords.tr("Order #{number}: taken back").format(number=number))
        match receipt.status:
            case "confirmed":
                self.status.setText(ReturnWords.tr("Confirmed by the back office."))
            case "waiting":
                self.status.setText(
                    ReturnWords.tr(
                        "Pending confirmation: saved on this tablet and sent as soon as the back office "
                        "answers, which then checks it again. Give the customer the reference below."
                    )
                )
            case _:
                self.status.setText(
                    ReturnWords.tr(
                        "The back office did not accept it, and nothing was paid back. "
                        "It is listed under Needs attention."
                    )
                )
        self.notice.setText(refusal_text(receipt.code or "", receipt.params or {}, fmt) if refused else "")
        self.notice.setVisible(refused)
        self.what.setText("\n".join(f"• {outcome_text(outcome, order)}" for outcome in decision.lines))
        paid = [
            ReturnWords.tr("{amount} to {tender}").format(
                amount=fmt.money(t.cents), tender=tender_label(t.kind)
            )
            for t in decision.to_tenders
        ]
        if decision.store_credit_cents:
            paid.append(
                ReturnWords.tr("{amount} as store credit").format(
                    amount=fmt.money(decision.store_credit_cents)
                )
            )
        if decision.points_restored:
            paid.append(ReturnWords.tr("%n loyalty point(s) given back", "", decision.points_restored))
        if not paid:
            self.paid.setText(ReturnWords.tr("Nothing paid back: exchanged for the same value."))
        elif receipt.status == "waiting":  # the back office has not checked it yet
            self.paid.setText(
                ReturnWords.tr("To be paid back once confirmed: {how}").format(how="; ".join(paid))
            )
        else:
            self.paid.setText(ReturnWords.tr("Paid back: {how}").format(how="; ".join(paid)))
        self.paid.setVisible(not refused)
        self.exchange.setText(
            ReturnWords.tr("Exchange worth {amount}.").format(amount=fmt.money(decision.exchange_cents))
            + (
                " "
                + ReturnWords.tr("Order #{number} brings what was not here.").format(
                    number=receipt.exchange_order_number
                )
                if receipt.exchange_order_number
                else ""
            )
        )
        self.exchange.setVisible(decision.method == "exchange" and not refused)
        self.points.setText(
            ReturnWords.tr(
                "%n loyalty point(s) taken back (earned on these items)", "", decision.points_reversed
            )
        )
        self.points.setVisible(bool(decision.points_reversed) and not refused)
        self.approved.setText(ReturnWords.tr("Approved by {name}").format(name=receipt.approved_by or ""))
        self.approved.setVisible(bool(receipt.approved_by))
        self.at.setText(ReturnWords.tr("At {time}").format(time=fmt.moment(receipt.taken_at)))
        self.scroll_area.verticalScrollBar().setValue(0)
        confirmed = receipt.status == "confirmed" and bool(receipt.receipt_code)
        self.qr.set_text(receipt.receipt_code if confirmed and receipt.receipt_code else "")
        self.qr_box.setVisible(confirmed)
        self.local_reference.setText(
            ReturnWords.tr("Reference on this tablet: {id}").format(id=receipt.return_id)
        )
        self.local_reference.setVisible(receipt.status == "waiting")
