"""The Stock feature: find a product, see its card, hold it for a customer, order it from elsewhere,
and look after this store's holds.

Registered in :mod:`storeassist.features` (scans: product barcodes; a loyalty code too while a hold
or order form is open, for its customer). The screen is a stack of pages — search
(:mod:`stock_search`), card (:mod:`stock_card`), hold and endless-aisle forms (:mod:`stock_forms`),
holds (:mod:`stock_holds`) — over the ``stock_services`` Protocols; each user action is one call
on the stock desk, run through the :class:`OpRunner`, and every refusal is a sentence on the page.

Search and cards come from the tablet's catalog at once (offline too); a card's counts are
refreshed from the back office when it answers. Requests are numbered, so an older answer never
replaces a newer one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from storeassist.contract import AisleLine, AssistRequests
from storeassist.domain.stock import (
    ActionReceipt,
    HoldBoard,
    HoldRow,
    ProductCard,
    ProductNotFound,
    StockActionInvalid,
)
from storeassist.ui.background import OpRunner
from storeassist.ui.features import OpenElsewhere, OpenKind
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.messages import describe_failure
from storeassist.ui.overlay_pages import result_sentence
from storeassist.ui.stock_card import CardPage
from storeassist.ui.stock_forms import AisleForm, HoldForm
from storeassist.ui.stock_holds import HoldsPage
from storeassist.ui.stock_search import SearchPage
from storeassist.ui.stock_services import Fulfilment, StockDeskLike, StockServices
from storeassist.ui.stock_words import StockWords, receipt_text
from storeassist.ui.widgets import label

log = logging.getLogger("storeassist.ui")


def stock_failure(error: BaseException, *, doing: str) -> str:
    """A refusal as a sentence: the tablet's own (a code) or any other failure's."""
    if isinstance(error, StockActionInvalid):
        log.info("%s refused on this tablet: %s", doing, error.code)
        return result_sentence(error.code, error.params)
    if isinstance(error, ProductNotFound):
        return StockWords.tr("No product has barcode or SKU {code}.").format(code=error.code[:32])
    return describe_failure(error, doing=doing)


class StockScreen(QWidget):
    """The stock counter: one page per step, one desk call per action."""

    #: A product's card was painted: its SKU and where its counts came from ("online", "cache").
    card_shown = Signal(str, str)
    #: The painted card's companions were added (its SKU; there may be none in stock here).
    companions_shown = Signal(str)
    #: The holds list was painted; the argument is where it came from.
    holds_shown = Signal(str)
    #: The shoppers' requests from the kiosk were painted (how many; -1: the hub could not be asked).
    requests_shown = Signal(int)
    #: A hold, release, extension, put-back or order finished: its receipt.
    receipt_shown = Signal(object)
    #: A search's answer was painted.
    search_shown = Signal(object)

    def __init__(
        self,
        runner: OpRunner,
        open_elsewhere: OpenElsewhere | None = None,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self._desk: StockDeskLike | None = None
        self._card_seq = 0
        self._holds_seq = 0

        self.notice = label(role="notice", wrap=True)
        self.notice.setVisible(False)
        self.search = SearchPage()
        self.card = CardPage()
        self.hold_form = HoldForm(runner)
        self.aisle_form = AisleForm(runner)
        self.holds = HoldsPage()
        self.pages = QStackedWidget()
        for page in (self.search, self.card, self.hold_form, self.aisle_form, self.holds):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.notice)
        layout.addWidget(self.pages, 1)

        self.search.search_requested.connect(self.run_search)
        self.search.product_chosen.connect(self.open_product)
        self.search.holds_requested.connect(self.show_holds)
        self.card.back.connect(self.show_search)
        self.card.product_chosen.connect(self.open_product)
        self.card.hold_requested.connect(self._start_hold)
        self.card.order_requested.connect(self._start_order)
        for form in (self.hold_form, self.aisle_form):
            form.back.connect(self._back_to_card)
        self.hold_form.done.connect(self._back_to_card)
        self.aisle_form.done.connect(self._back_to_card)
        self.hold_form.submitted.connect(self._place_hold)
        self.aisle_form.submitted.connect(self._place_order)
        self.holds.back.connect(self.show_search)
        self.holds.release_requested.connect(lambda hold: self._hold_action("release", hold))
        self.holds.extend_requested.connect(lambda hold, hours: self._hold_action("extend", hold, hours))
        self.holds.put_back_requested.connect(lambda hold: self._hold_action("put_back", hold))
        self.holds.request_done_requested.connect(self._request_done)

    # -- wiring ---------------------------------------------------------------------------

    def attach(self, services: StockServices) -> None:
        self._desk = services.stock_desk
        fmt = StoreFormat.of_place(services)
        for page in (self.search, self.card, self.holds):
            page.set_store_format(fmt)
        for form in (self.hold_form, self.aisle_form):
            form.set_finder(services.view_customer)
        self.staff_changed()

    def handle_scan(self, kind: OpenKind, text: str) -> None:
        """A product barcode opens its card; a loyalty code picks the customer of an open form."""
        form = self._open_form()
        if kind == "loyalty":
            if form is not None:
                self.notice.setVisible(False)
                form.customer.use_loyalty_code(text)
            return
        if form is not None and form.action_button.isVisible():
            self.show_message(
                StockWords.tr("Finish this form or go back from it; then scan the next product.")
            )
            return
        self.open_product(text, scanned=True)

    def takes_scan(self, kind: OpenKind) -> bool:
        """Whether a scan of ``kind`` belongs here now, whatever screen usually takes it: a loyalty
        code while a hold or order form waits for its customer."""
        return kind == "loyalty" and self.isVisible() and self._open_form() is not None

    def _open_form(self) -> HoldForm | AisleForm | None:
        page = self.pages.currentWidget()
        return page if isinstance(page, HoldForm | AisleForm) else None

    def staff_changed(self) -> None:
        """Someone signed in or out: whatever was on screen was for the one before."""
        self._card_seq += 1
        self._holds_seq += 1
        self.notice.setVisible(False)
        self.show_search()

    def show_message(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.pages.currentWidget() is self.holds:
            self.show_holds()

    # -- search ---------------------------------------------------------------------------

    def show_search(self) -> None:
        self._card_seq += 1
        self.pages.setCurrentWidget(self.search)
        if self._desk is not None:
            self.run_search(self.search.field.text())

    def run_search(self, text: str) -> None:
        desk = self._desk
        if desk is None:
            return
        try:
            answer = desk.search(text)
        except Exception as exc:  # nobody signed in, or the cache cannot be read: say so
            self.show_message(stock_failure(exc, doing="product search"))
            return
        self.notice.setVisible(False)
        self.search.show_answer(answer)
        self.search_shown.emit(answer)

    # -- a product's card -----------------------------------------------------------------

    def open_product(self, code: str, *, scanned: bool = False) -> None:
        desk = self._desk
        if desk is None:
            self.show_message(
                StockWords.tr(
                    "Product {code} read, but this tablet is not ready yet. "
                    "Wait until it is connected, then scan again."
                ).format(code=code[:32])
            )
            return
        self.notice.setVisible(False)
        self.search.clear_notes()
        try:
            # The counts first: what the associate is asked. Companions follow on the loop's next turn.
            card = desk.card(code, companions=False)
        except ProductNotFound as missing:
            self.pages.setCurrentWidget(self.search)
            self.search.show_unknown_code(missing.code or code)
            return
        except Exception as exc:
            self.show_message(stock_failure(exc, doing="product card"))
            return
        self._show_card(card)
        self._card_seq += 1
        seq = self._card_seq
        QTimer.singleShot(0, self, lambda: self._add_companions(seq))
        self._runner.run(
            desk.refresh_card(card),
            on_success=lambda fresh: self._on_fresh_card(seq, fresh),
            on_failure=lambda error: log.info("product card not refreshed (%s)", type(error).__name__),
        )

    def _on_fresh_card(self, seq: int, card: ProductCard) -> None:
        if card.source != "online":  # the hub was out of reach: the card on screen is the same
            return
        if seq == self._card_seq and self.pages.currentWidget() is self.card:
            self._show_card(card)

    def _add_companions(self, seq: int) -> None:
        shown, desk = self.card.card, self._desk
        if seq != self._card_seq or shown is None or desk is None or shown.companions:
            return  # another card since, or the hub's fresher card (with companions) came first
        try:
            companions = desk.companions(shown)
        except Exception as exc:  # the cache could not be read: the card stands without them
            log.info("no companions for the card (%s)", type(exc).__name__)
            return
        self.card.show_companions(replace(shown, companions=companions))
        self.companions_shown.emit(shown.product.sku)

    def _show_card(self, card: ProductCard) -> None:
        self.card.show_card(card, self.clock())
        self.pages.setCurrentWidget(self.card)
        self.card_shown.emit(card.product.sku, card.source)

    def _back_to_card(self) -> None:
        shown = self.card.card
        if shown is None:
            self.show_search()
        else:
            self.open_product(shown.product.sku)

    # -- a hold, an order -----------------------------------------------------------------

    def _start_hold(self) -> None:
        if self.card.card is not None:
            self.hold_form.start(self.card.card)
            self.pages.setCurrentWidget(self.hold_form)

    def _start_order(self) -> None:
        if self.card.card is not None:
            self.aisle_form.start(self.card.card)
            self.pages.setCurrentWidget(self.aisle_form)

    def _place_hold(self, customer_id: int, sku: str, qty: int, hours: int) -> None:
        desk = self._desk
        if desk is None:
            return
        self._runner.run(
            desk.place_hold(customer_id, sku, qty, hours),
            on_success=lambda receipt: self._form_done(self.hold_form, receipt),
            on_failure=lambda error: self._form_failed(self.hold_form, error, "stock hold"),
        )

    def _place_order(self, customer_id: int, sku: str, qty: int, source: int | None, fulfilment: str) -> None:
        desk = self._desk
        if desk is None:
            return
        shipped: Fulfilment = "ship" if fulfilment == "ship" else "bopis"
        self._runner.run(
            desk.aisle_order(customer_id, [AisleLine(sku=sku, qty=qty)], source, shipped),
            on_success=lambda receipt: self._form_done(self.aisle_form, receipt),
            on_failure=lambda error: self._form_failed(self.aisle_form, error, "endless-aisle order"),
        )

    def _form_done(self, form: HoldForm | AisleForm, receipt: ActionReceipt) -> None:
        form.finished(receipt)
        self.receipt_shown.emit(receipt)

    def _form_failed(self, form: HoldForm | AisleForm, error: BaseException, doing: str) -> None:
        form.set_busy(False)
        form.show_message(stock_failure(error, doing=doing))

    # -- the holds list -------------------------------------------------------------------

    def show_holds(self) -> None:
        desk = self._desk
        self.pages.setCurrentWidget(self.holds)
        if desk is None:
            return
        self._holds_seq += 1
        seq = self._holds_seq
        self._runner.run(
            desk.holds(),
            on_success=lambda board: self._on_holds(seq, board),
            on_failure=lambda error: self._on_holds_failed(seq, error),
        )
        self._runner.run(
            desk.assist_requests(),
            on_success=lambda requests: self._on_requests(seq, requests),
            on_failure=lambda error: self._on_holds_failed(seq, error),
        )

    def _on_requests(self, seq: int, requests: AssistRequests | None) -> None:
        if seq == self._holds_seq:
            self.holds.show_requests(requests, self.clock())
            self.requests_shown.emit(-1 if requests is None else len(requests.requests))

    def _request_done(self, request_id: int) -> None:
        desk = self._desk
        if desk is None:
            return

        def finished(_none: object) -> None:
            self.show_holds()
            self.holds.show_message(StockWords.tr("Done: it is off every associate's list."))

        self._runner.run(
            desk.assist_request_done(request_id),
            on_success=finished,
            on_failure=lambda error: self.holds.show_message(stock_failure(error, doing="shopper request")),
        )

    def _on_holds(self, seq: int, board: HoldBoard) -> None:
        if seq == self._holds_seq:
            self.holds.show_board(board, self.clock())
            self.holds_shown.emit(board.source)

    def _on_holds_failed(self, seq: int, error: BaseException) -> None:
        if seq == self._holds_seq:
            self.holds.show_message(stock_failure(error, doing="store holds"))

    def _hold_action(self, action: str, hold: HoldRow, hours: int = 0) -> None:
        desk = self._desk
        if desk is None:
            return
        if action == "release":
            work, done = (
                desk.release(hold),
                StockWords.tr("Released: the units are back on sale. Put them back on the floor."),
            )
        elif action == "extend":
            work, done = desk.extend(hold, hours), StockWords.tr("Extended.")
        else:
            work, done = desk.put_back(hold), StockWords.tr("Put back on the floor.")
        waiting = StockWords.tr("Saved on this tablet: it is sent when the back office can be reached.")

        def finished(receipt: ActionReceipt) -> None:
            self.receipt_shown.emit(receipt)
            self.show_holds()
            self.holds.show_message(receipt_text(receipt, done, waiting))

        self._runner.run(
            work,
            on_success=finished,
            on_failure=lambda error: self.holds.show_message(stock_failure(error, doing="hold change")),
        )
