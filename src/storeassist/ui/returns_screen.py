"""The Returns feature: find an order, choose what comes back and how it is paid back, a manager's
approval when the policy asks for one, and the receipt.

Registered in :mod:`storeassist.features` (scans: purchase and return receipts; an order code too
while this screen shows, via :meth:`ReturnsScreen.takes_scan`; an order from a profile's "Take
back"; a manager's badge while the approval page waits for it). The screen is a stack of pages —
find (:mod:`returns_find`, with the returns shoppers started at the kiosk), order
(:mod:`returns_order`), approval (:mod:`returns_approval`), receipt (:mod:`returns_receipt`) — over
the ``returns_services`` Protocol; each user action is one call on the return desk, run through the
:class:`OpRunner`, and every refusal is a sentence on the page with nothing written. Requests are
numbered, so an answer for an order no longer on screen (another one opened, someone else signed in)
changes nothing. While an order opens, the one before is off the screen (nothing can be taken back
from it meanwhile); while a return is sent, nothing leaves its page, so its receipt is always shown.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable
from datetime import UTC, datetime

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from storeassist.contract.kiosk import KioskReturn
from storeassist.contract.returns import ReturnableOrder, ReturnApproval
from storeassist.domain.return_desk import OpenedReturn, ReturnNotPossible, ReturnReceipt
from storeassist.domain.returns import ReturnInvalid
from storeassist.ui.background import OpRunner
from storeassist.ui.features import OpenElsewhere, OpenKind, read_return_order_text
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.returns_approval import ApprovalForm, ApprovalPage
from storeassist.ui.returns_find import FindPage
from storeassist.ui.returns_order import ChosenReturn, OrderPage
from storeassist.ui.returns_receipt import ReturnReceiptPage
from storeassist.ui.returns_services import ReturnDeskLike, ReturnsServices
from storeassist.ui.returns_words import ReturnWords, return_failure
from storeassist.ui.widgets import label


class ReturnsScreen(QWidget):
    """The returns counter: one page per step, one desk call per action."""

    #: An order was put on screen: its number and where it came from ("online", "cache").
    order_shown = Signal(str, str)
    #: A return finished (confirmed, waiting, refused or in conflict): its ``ReturnReceipt``.
    receipt_shown = Signal(object)
    #: The approval page is showing, waiting for a manager.
    approval_shown = Signal()
    #: The returns started at the kiosk were painted (how many; -1: the hub could not be asked).
    kiosk_returns_shown = Signal(int)

    def __init__(
        self, runner: OpRunner, open_elsewhere: OpenElsewhere | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._desk: ReturnDeskLike | None = None
        self._format = StoreFormat()
        self._opened: OpenedReturn | None = None
        # Each order opened (or left) gets a number; an answer for an older one changes nothing.
        self._open_seq = 0
        self._kiosk_seq = 0
        # An approval or a return sent and not answered yet: nothing opens over it.
        self._in_flight = False
        #: The return being asked for, its command id, and what a manager approved under that id.
        self._chosen: ChosenReturn | None = None
        self._return_id: str | None = None
        self._approved: tuple[ChosenReturn, str] | None = None

        self.notice = label(role="notice", wrap=True)
        self.notice.setVisible(False)
        self.status = label(role="hint", wrap=True)
        self.status.setVisible(False)
        self.find_page = FindPage()
        self.order = OrderPage()
        self.approval = ApprovalPage()
        self.receipt = ReturnReceiptPage()
        self.pages = QStackedWidget()
        for page in (self.find_page, self.order, self.approval, self.receipt):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.notice)
        layout.addWidget(self.status)
        layout.addWidget(self.pages, 1)

        self.find_page.number_entered.connect(self._open_number)
        self.find_page.kiosk_return_chosen.connect(self._open_kiosk_return)
        self.order.back.connect(self._leave)
        self.order.take_requested.connect(self._take_requested)
        self.approval.back.connect(self._back_to_order)
        self.approval.submitted.connect(self._approve)
        self.receipt.done.connect(self._leave)

    # -- wiring ---------------------------------------------------------------------------

    def attach(self, services: ReturnsServices) -> None:
        self._desk = services.returns
        self._format = StoreFormat.of_place(services)
        for page in (self.order, self.receipt, self.find_page):
            page.set_store_format(self._format)
        self.staff_changed()

    def handle_scan(self, kind: OpenKind, text: str) -> None:
        """A receipt or order code was scanned, an order asked for from a profile, or a manager's
        badge scanned for the approval page."""
        if kind == "badge":
            if self.pages.currentWidget() is self.approval and not self._in_flight:
                self.notice.setVisible(False)
                self.approval.use_badge(text)
            return
        desk = self._ready_desk()
        if desk is None:
            return
        if self._in_flight:
            self.show_message(ReturnWords.tr("Wait until this return is sent; then open the next order."))
            return
        if self.pages.currentWidget() is self.approval:
            self.show_message(
                ReturnWords.tr("Finish the manager's approval, or go back from it; then open the next order.")
            )
            return
        if kind in ("receipt", "order"):
            self._open(desk.open_code(text))
        elif kind == "return_order":
            number, customer_id = read_return_order_text(text)
            self._open(desk.open_number(number, customer_id=customer_id))

    def takes_scan(self, kind: OpenKind) -> bool:
        """While this screen shows, an order code is for a return (not the pickup counter), and a
        badge scanned on the approval page is the manager's (not a sign-in)."""
        if not self.isVisible():
            return False
        if kind == "badge":
            return self.pages.currentWidget() is self.approval
        return kind == "order"

    def staff_changed(self) -> None:
        """Someone signed in or out: the return on screen was the one before's; back to finding.
        An answer still to come for it is theirs, and changes nothing here."""
        self._in_flight = False
        self._set_status("")
        self.show_find()

    def show_message(self, text: str) -> None:
        """A calm notice above the current page."""
        self.notice.setText(text)
        self.notice.setVisible(True)

    @property
    def opened(self) -> OpenedReturn | None:
        return self._opened

    # -- finding and opening --------------------------------------------------------------

    def _leave(self) -> None:
        """Cancel or Done: back to finding, unless a return is being sent (its answer is shown)."""
        if not self._in_flight:
            self.show_find()

    def show_find(self) -> None:
        self._open_seq += 1
        self._opened = None
        self._forget_return()
        self.notice.setVisible(False)
        self._set_status("")
        self.find_page.reset()
        self.pages.setCurrentWidget(self.find_page)
        self.load_kiosk_returns()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.pages.currentWidget() is self.find_page:
            self.load_kiosk_returns()

    def load_kiosk_returns(self) -> None:
        """Ask for the returns shoppers started at the kiosk (the back office's list)."""
        desk = self._desk
        self._kiosk_seq += 1
        seq = self._kiosk_seq
        if desk is None or not self.isVisible():
            self.find_page.kiosk_section.setVisible(False)
            return
        self._runner.run(
            desk.kiosk_returns(),
            on_success=lambda returns: self._on_kiosk_returns(seq, returns),
            on_failure=lambda error: self._on_kiosk_returns(seq, None, error),
        )

    def _on_kiosk_returns(
        self, seq: int, returns: tuple[KioskReturn, ...] | None, error: BaseException | None = None
    ) -> None:
        if seq != self._kiosk_seq:
            return
        if isinstance(error, PermissionError):  # nobody signed in: nothing to show
            self.find_page.kiosk_section.setVisible(False)
            return
        self.find_page.show_kiosk_returns(returns, datetime.now(UTC))
        self.kiosk_returns_shown.emit(-1 if returns is None else len(returns))

    def _open_kiosk_return(self, kiosk_return: KioskReturn) -> None:
        desk = self._ready_desk()
        if desk is not None and not self._in_flight:
            self._open(desk.open_kiosk_return(kiosk_return))

    def _ready_desk(self) -> ReturnDeskLike | None:
        if self._desk is None:
            self.show_message(
                ReturnWords.tr(
                    "This tablet is not ready for returns yet. Wait until it is connected, then scan again."
                )
            )
        return self._desk

    def _open_number(self, number: str) -> None:
        desk = self._ready_desk()
        if desk is not None and not self._in_flight:
            self._open(desk.open_number(number))

    def _open(self, work: Awaitable[OpenedReturn]) -> None:
        self._open_seq += 1
        seq = self._open_seq
        # The order before leaves the screen now: nothing is taken back from it while the next
        # one opens, and a refusal of the next one is not read as being about it.
        self._opened = None
        self._forget_return()
        self.pages.setCurrentWidget(self.find_page)
        self.notice.setVisible(False)
        self._set_status(ReturnWords.tr("Opening the order…"))
        self._runner.run(
            work,
            on_success=lambda opened: self._on_opened(seq, opened),
            on_failure=lambda error: self._on_open_failed(seq, error),
        )

    def _on_opened(self, seq: int, opened: OpenedReturn) -> None:
        if seq != self._open_seq:
            return
        self._set_status("")
        self.show_opened(opened)

    def _on_open_failed(self, seq: int, error: BaseException) -> None:
        if seq != self._open_seq:
            return
        self._set_status("")
        self.show_message(return_failure(error, doing="return lookup", fmt=self._format))

    def show_opened(self, opened: OpenedReturn) -> None:
        desk = self._desk
        if desk is None:
            return
        self._opened = opened
        self._forget_return()
        self.notice.setVisible(False)
        self.find_page.reset()
        self.order.show_order(
            opened,
            lambda units, method: desk.decide(opened, units, method),
            lambda line_no: desk.exchange_options(opened, line_no),
            offline_cap=desk.offline_cap_cents,
        )
        if opened.from_kiosk is not None:
            self.order.preselect(opened.from_kiosk.lines)
            self.order.show_message(
                ReturnWords.tr(
                    "Started at the kiosk as {reference}: the shopper's choices are filled in. "
                    "Check each item's condition, then take it back."
                ).format(reference=opened.from_kiosk.reference)
            )
        self.pages.setCurrentWidget(self.order)
        self.order_shown.emit(opened.order.number, opened.source)

    def _forget_return(self) -> None:
        self._chosen, self._return_id, self._approved = None, None, None

    # -- taking back ----------------------------------------------------------------------

    def _take_requested(self, chosen: ChosenReturn) -> None:
        desk, opened = self._desk, self._opened
        if desk is None or opened is None or self._in_flight:
            return
        if self._approved is not None and self._approved[0] != chosen:
            self._forget_return()  # changed since the manager approved it: a new return, a new approval
        self._chosen = chosen
        if self._return_id is None:
            self._return_id = desk.new_return_id()
        if chosen.decision.needs_manager and self._approved is None:
            what = ReturnWords.tr("Order #{number}: pay back {amount}").format(
                number=opened.order.number, amount=self._format.money(chosen.decision.paid_back_cents)
            )
            if chosen.method == "exchange":
                what = ReturnWords.tr("Order #{number}: an exchange worth {amount}").format(
                    number=opened.order.number, amount=self._format.money(chosen.decision.exchange_cents)
                )
            self.approval.start(what, chosen.decision.approvals)
            self.pages.setCurrentWidget(self.approval)
            self.approval_shown.emit()
            return
        self._take(chosen)

    def _approve(self, form: ApprovalForm) -> None:
        desk, opened, return_id, chosen = self._desk, self._opened, self._return_id, self._chosen
        if desk is None or opened is None or return_id is None or chosen is None:
            return
        seq = self._open_seq
        self._in_flight = True
        self._set_status(ReturnWords.tr("Checking the manager's details…"))
        self._runner.run(
            desk.approve(
                opened,
                return_id,
                chosen.decision,
                badge=form.badge,
                staff_number=form.staff_number,
                pin=form.pin,
                reason=form.reason,
            ),
            on_success=lambda approval: self._on_approved(seq, approval),
            on_failure=lambda error: self._on_approval_failed(seq, error),
        )

    def _on_approved(self, seq: int, approval: ReturnApproval) -> None:
        if seq != self._open_seq:  # someone else signed in meanwhile
            return
        self._finished()
        if self._chosen is None:
            return
        self._approved = (self._chosen, approval.manager_name)
        self.approval.show_message(
            ReturnWords.tr("Approved by {name}. Taking it back…").format(name=approval.manager_name)
        )
        self._take(self._chosen)

    def _on_approval_failed(self, seq: int, error: BaseException) -> None:
        if seq == self._open_seq:
            self._finished()
            self.approval.refused(return_failure(error, doing="return approval", fmt=self._format))

    def _take(self, chosen: ChosenReturn) -> None:
        desk, opened, return_id = self._desk, self._opened, self._return_id
        if desk is None or opened is None or return_id is None:
            return
        seq = self._open_seq
        # The receipt is of this order, approved by this manager, whatever is on screen by then.
        order = opened.order
        manager = self._approved[1] if self._approved is not None else None
        self._in_flight = True
        self.order.set_busy(True)
        self.approval.set_busy(True)
        self._set_status(ReturnWords.tr("Taking it back…"))
        self._runner.run(
            desk.take(opened, return_id, chosen.units, chosen.method, chosen.exchange),
            on_success=lambda receipt: self._on_taken(seq, order, manager, receipt),
            on_failure=lambda error: self._on_take_failed(seq, error),
        )

    def _on_taken(
        self, seq: int, order: ReturnableOrder, manager: str | None, receipt: ReturnReceipt
    ) -> None:
        if seq != self._open_seq:  # someone else signed in meanwhile: the receipt was the one before's
            return
        self._finished()
        if receipt.approved_by is None and manager and receipt.status in ("confirmed", "waiting"):
            receipt = dataclasses.replace(receipt, approved_by=manager)
        self._forget_return()
        self.receipt.show_receipt(receipt, order)
        self.pages.setCurrentWidget(self.receipt)
        self.receipt_shown.emit(receipt)

    def _on_take_failed(self, seq: int, error: BaseException) -> None:
        if seq != self._open_seq:
            return
        self._finished()
        if isinstance(error, ReturnNotPossible) and error.code == "approval_required":
            # The desk holds no approval of this return (expired, or given to whoever was signed
            # in before): the next Take back asks a manager again, as a new return.
            self._forget_return()
        self.pages.setCurrentWidget(self.order)
        message = return_failure(error, doing="return", fmt=self._format)
        if not isinstance(error, ReturnNotPossible | ReturnInvalid | PermissionError):
            # It may have been queued before it failed: the same return (its id, its choices) is
            # sent again, and the desk then answers with what became of the first one.
            self.order.lock_choice()
            message += " " + ReturnWords.tr(
                "It may have been saved already: tap Take back again to see what became of it."
            )
        self.order.show_message(message)

    def _finished(self) -> None:
        self._in_flight = False
        self._set_status("")
        self.order.set_busy(False)
        self.approval.set_busy(False)

    def _back_to_order(self) -> None:
        if not self._in_flight:
            self.pages.setCurrentWidget(self.order if self._opened is not None else self.find_page)

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
