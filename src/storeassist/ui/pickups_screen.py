"""The Pickups feature: the store's queue, an order, checking the collector, handing over, the receipt.

Registered in :mod:`storeassist.features` (scans: order codes, and order numbers from a profile's
"Open pickup"). The screen is a stack of pages, one per step, and owns the flow between them (the
steps from checking who collects to handing over are :mod:`storeassist.ui.pickup_flow`'s);
each user action is one call on the pickup desk (``PickupDeskLike``), run through the
:class:`OpRunner`; every refusal becomes a sentence on the page (``describe_failure``) and
nothing changes.

Queue → order (tap a row, scan an order code, or "Open pickup") → who collects (skipped when the
order code was scanned: that verifies them) → hand-over → receipt → queue. An order past its
deadline, tapped under "To restock", opens its restock task instead; one on its way is put in a bin
when it arrives (``PickupArrivalsLike.receive``), and shows again, ready to hand over. The queue
paints from the tablet's cache at once and from the hub when it answers; lookups are numbered, so an
older answer never replaces a newer one.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from storeassist.contract import Order
from storeassist.domain.pickups import ArrivalReceipt, HandoverReceipt, OpenedPickup, PickupBoard
from storeassist.ui.background import OpRunner
from storeassist.ui.features import OpenElsewhere, OpenKind
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.messages import describe_failure
from storeassist.ui.overlay_pages import result_sentence
from storeassist.ui.pickup_flow import CounterState, HandoverFlow, back_office_unavailable
from storeassist.ui.pickup_handover import HandoverPage
from storeassist.ui.pickup_order import OrderPage
from storeassist.ui.pickup_queue import QueuePage
from storeassist.ui.pickup_receipt import ReceiptPage
from storeassist.ui.pickup_restock import RestockPage
from storeassist.ui.pickup_services import PickupArrivalsLike, PickupDeskLike, PickupServices
from storeassist.ui.pickup_verify import VerifyPage
from storeassist.ui.widgets import label

log = logging.getLogger("storeassist.ui")

#: The queue's "time left" is written again this often while it shows (from the cache only).
REPAINT_MS = 60_000


class PickupsScreen(QWidget):
    """The pickup counter: one page per step, the flow between them, one desk call per action."""

    #: The queue was painted; the argument is where it came from ("online" or "cache").
    board_shown = Signal(str)
    #: An order was put on screen.
    order_shown = Signal(int)
    #: A hand-over or restock finished: its receipt is on screen.
    receipt_shown = Signal(object)
    #: An order's arrival was recorded, refused or left waiting: its ``ArrivalReceipt``.
    arrival_recorded = Signal(object)

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
        self._open_elsewhere = open_elsewhere
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        # The desk, the order on screen, and what is under way: shared with the hand-over steps.
        self._counter = CounterState()
        self._arrivals: PickupArrivalsLike | None = None
        self._board: PickupBoard | None = None
        self._restocking: Order | None = None
        # Each request gets a number; the answer to an older one must not replace a newer one.
        self._board_seq = 0

        self.notice = label(role="notice", wrap=True)
        self.notice.setVisible(False)
        self.status = label(role="hint", wrap=True)
        self.status.setVisible(False)
        self.queue = QueuePage()
        self.order = OrderPage()
        self.verify = VerifyPage()
        self.handover = HandoverPage()
        self.receipt = ReceiptPage()
        self.restock = RestockPage()
        self.pages = QStackedWidget()
        for page in (self.queue, self.order, self.verify, self.handover, self.receipt, self.restock):
            self.pages.addWidget(page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.notice)
        layout.addWidget(self.status)
        layout.addWidget(self.pages, 1)

        self.queue.order_chosen.connect(self._order_tapped)
        self.queue.restock_chosen.connect(self._restock_tapped)
        self.queue.phone_search.connect(self._search_phone)
        self.order.back.connect(self.show_queue)
        self.order.arrival.arrived.connect(self._receive)
        self.verify.back.connect(self._back_to_order)
        self.handover.back.connect(self._back_to_order)
        self.receipt.done.connect(self.show_queue)
        self.restock.back.connect(self.show_queue)
        self.restock.confirmed.connect(self._restock)
        self._flow = HandoverFlow(
            runner,
            self._counter,
            self.pages,
            self.order,
            self.verify,
            self.handover,
            set_status=self._set_status,
            show_receipt=self._on_receipt,
            parent=self,
        )

        self._repaint = QTimer(self)
        self._repaint.setInterval(REPAINT_MS)
        self._repaint.timeout.connect(self._repaint_from_cache)

    # -- wiring ---------------------------------------------------------------------------

    def attach(self, services: PickupServices) -> None:
        self._counter.desk = services.pickups
        self._arrivals = services.pickup_arrivals
        fmt = StoreFormat.of_place(services)
        for page in (self.queue, self.order, self.receipt, self.restock):
            page.set_store_format(fmt)
        self.staff_changed()

    def handle_scan(self, kind: OpenKind, text: str) -> None:
        """An order code was scanned, or an order number asked for (a profile's "Open pickup").

        While a collector is being checked, the scan of that order's code is the check; while a
        hand-over is under way (or waits for the back office), no other order opens over it."""
        desk = self._ready_desk()
        if desk is None:
            return
        page = self.pages.currentWidget()
        if self._counter.in_flight or page is self.handover:
            self.show_message(
                self.tr("Finish this hand-over first, or go back from it; then scan the next order.")
            )
            return
        if page is self.verify and kind == "order" and self._counter.opened is not None:
            self._flow.check_scanned_code(desk, text, self._counter.opened.order.id)
            return
        if page is self.verify:
            self.show_message(self.tr("Finish checking who collects, or go back; then open the next order."))
            return
        if kind == "order":
            self._open(desk.open_code(text))
        elif kind == "order_number":
            self._open(desk.open_number(text))

    def staff_changed(self) -> None:
        """Someone signed in or out: the order being handed over was for the one before; back to the queue."""
        self._counter.open_seq += 1
        self._counter.opened = None
        self._counter.verification = None
        self._restocking = None
        self.notice.setVisible(False)
        self._set_status("")
        self.pages.setCurrentWidget(self.queue)
        if self._counter.desk is not None:
            self.refresh()

    def show_message(self, text: str) -> None:
        """A calm notice above the current page."""
        self.notice.setText(text)
        self.notice.setVisible(True)

    @property
    def board(self) -> PickupBoard | None:
        """The queue as last shown."""
        return self._board

    # -- the queue ------------------------------------------------------------------------

    def show_queue(self) -> None:
        self._counter.open_seq += 1
        self._counter.opened = None
        self._restocking = None
        self.notice.setVisible(False)
        self._set_status("")
        self.pages.setCurrentWidget(self.queue)
        self.refresh()

    def refresh(self) -> None:
        """The queue from the cache at once, then from the hub when it answers."""
        desk = self._counter.desk
        if desk is None:
            return
        self._board_seq += 1
        seq = self._board_seq
        try:
            self._show_board(desk.cached_board())
        except Exception as exc:  # nobody signed in, or the cache cannot be read: say so
            self._board = None
            self.queue.model.set_rows([])
            self.show_message(describe_failure(exc, doing="pickup queue"))
            return
        self._runner.run(
            desk.board(),
            on_success=lambda board: self._on_board(seq, board),
            on_failure=lambda error: self._on_board_failed(seq, error),
        )

    def _on_board(self, seq: int, board: PickupBoard) -> None:
        if seq == self._board_seq:
            self._show_board(board)

    def _on_board_failed(self, seq: int, error: BaseException) -> None:
        if seq == self._board_seq:  # the cache's queue stays; why the hub's did not come is said
            self.show_message(describe_failure(error, doing="pickup queue"))

    def _show_board(self, board: PickupBoard) -> None:
        self._board = board
        self.queue.show_board(board, self.clock())
        self.board_shown.emit(board.source)

    def _repaint_from_cache(self) -> None:
        """Every minute: times left move on, and this tablet's own changes show. The board read
        from the cache keeps the source and time of the one shown (the hub's, when it answered)."""
        if self._counter.desk is None or not self.isVisible() or self.pages.currentWidget() is not self.queue:
            return
        try:
            board = self._counter.desk.cached_board()
        except Exception as exc:
            log.info("pickup queue not repainted (%s)", type(exc).__name__)
            return
        shown = self._board
        if shown is not None and shown.source == "online":  # (sync keeps the cache current meanwhile)
            board = dataclasses.replace(board, source="online", as_of=max(board.as_of, shown.as_of))
        self._show_board(board)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._repaint.start()
        if self.pages.currentWidget() is self.queue:
            self.refresh()

    def hideEvent(self, event: object) -> None:
        self._repaint.stop()
        super().hideEvent(event)  # type: ignore[arg-type]

    def _search_phone(self, query: str) -> None:
        desk = self._counter.desk
        if desk is None:
            return
        self._runner.run(
            desk.customers_by_phone(query),
            on_success=lambda ids: self.queue.show_phone_customers(query, ids),
            on_failure=lambda error: self.queue.phone_search_failed(query, self._phone_failure_text(error)),
        )

    def _phone_failure_text(self, error: BaseException) -> str:
        if back_office_unavailable(error):
            return self.tr(
                "Finding an order by phone number needs the back office, which cannot be reached now. "
                "Search by the customer's name or the order number."
            )
        return describe_failure(error, doing="pickup phone search")

    def _board_order(self, order_id: int) -> Order | None:
        if self._board is None:
            return None
        return next((order for order in self._board.orders if order.id == order_id), None)

    # -- opening an order -----------------------------------------------------------------

    def _ready_desk(self) -> PickupDeskLike | None:
        if self._counter.desk is None:
            self.show_message(
                self.tr("This tablet is not ready yet. Wait until it is connected, then scan again.")
            )
        return self._counter.desk

    def _order_tapped(self, order_id: int) -> None:
        order = self._board_order(order_id)
        desk = self._counter.desk
        if order is None or desk is None or self._board is None:
            return
        # The queue's copy shows at once; the hub's (fresher) replaces it when it answers.
        waiting = order_id in self._board.waiting_to_sync
        self._show_opened(OpenedPickup(order, self._board.source, None, waiting))
        self._open(desk.open_number(order.number), quiet=True)

    def _open(self, work: object, *, quiet: bool = False) -> None:
        self._counter.open_seq += 1
        seq = self._counter.open_seq
        self.notice.setVisible(False)
        if not quiet:
            self._set_status(self.tr("Opening the order…"))
        self._runner.run(
            work,  # type: ignore[arg-type]
            on_success=lambda opened: self._on_opened(seq, opened),
            on_failure=lambda error: self._on_open_failed(seq, error, quiet),
        )

    def _on_opened(self, seq: int, opened: OpenedPickup) -> None:
        if seq != self._counter.open_seq:
            return
        self._set_status("")
        if self.pages.currentWidget() not in (self.queue, self.order, self.receipt, self.restock):
            return  # the associate is already checking or handing over: leave their work alone
        self._show_opened(opened)

    def _on_open_failed(self, seq: int, error: BaseException, quiet: bool) -> None:
        if seq != self._counter.open_seq:
            return
        self._set_status("")
        if quiet:  # the queue's copy is on screen already; the hub's fresher one did not come
            log.info("pickup order not refreshed (%s)", type(error).__name__)
            return
        self.show_message(describe_failure(error, doing="pickup order"))

    def _show_opened(self, opened: OpenedPickup) -> None:
        self._counter.opened = opened
        self._counter.verification = None
        self.notice.setVisible(False)
        self.order.show_order(opened, self.clock())
        self.pages.setCurrentWidget(self.order)
        self.order_shown.emit(opened.order.id)

    def _back_to_order(self) -> None:
        self.pages.setCurrentWidget(self.order if self._counter.opened is not None else self.queue)

    # -- the receipt (of a hand-over or a restock) ----------------------------------------

    def _on_receipt(self, seq: int, receipt: HandoverReceipt, *, restock: bool = False) -> None:
        self._counter.in_flight = False
        self._set_status("")
        self.handover.set_busy(False)
        self.restock.set_busy(False)
        if seq != self._counter.open_seq:  # signed out meanwhile: the receipt was for the one before
            return
        self.receipt.show_receipt(receipt, restock=restock)
        self.pages.setCurrentWidget(self.receipt)
        self.receipt_shown.emit(receipt)

    # -- an order arriving ----------------------------------------------------------------

    def _receive(self, bin_text: str) -> None:
        opened, arrivals = self._counter.opened, self._arrivals
        if opened is None or arrivals is None:
            return
        seq = self._counter.open_seq
        self._counter.in_flight = True
        self.order.arrival.set_busy(True)
        self._runner.run(
            arrivals.receive(opened.order, bin_text),
            on_success=lambda receipt: self._on_arrival(seq, opened, receipt),
            on_failure=lambda error: self._on_arrival_failed(seq, error),
        )

    def _on_arrival(self, seq: int, opened: OpenedPickup, receipt: ArrivalReceipt) -> None:
        """Ready in its bin (confirmed, or waiting to sync): the order again, to hand over; else why not."""
        self._counter.in_flight = False
        self.order.arrival.set_busy(False)
        if seq != self._counter.open_seq:
            return
        if receipt.status in ("confirmed", "waiting"):
            waiting = opened.waiting_to_sync or receipt.status == "waiting"
            self._show_opened(OpenedPickup(receipt.order, opened.source, opened.order_code, waiting))
        else:
            self.order.arrival.show_message(result_sentence(receipt.code, receipt.params))
        self.arrival_recorded.emit(receipt)

    def _on_arrival_failed(self, seq: int, error: BaseException) -> None:
        self._counter.in_flight = False
        self.order.arrival.set_busy(False)
        if seq == self._counter.open_seq:
            self.order.arrival.show_message(describe_failure(error, doing="pickup arrival"))

    # -- restocking -----------------------------------------------------------------------

    def _restock_tapped(self, order_id: int) -> None:
        order = self._board_order(order_id)
        if order is None:
            return
        self._counter.open_seq += 1
        self._restocking = order
        self.notice.setVisible(False)
        self.restock.show_task(order, self.clock())
        self.pages.setCurrentWidget(self.restock)

    def _restock(self) -> None:
        order, desk = self._restocking, self._counter.desk
        if order is None or desk is None:
            return
        seq = self._counter.open_seq
        self._counter.in_flight = True
        self.restock.set_busy(True)
        self._runner.run(
            desk.restock(order),
            on_success=lambda receipt: self._on_receipt(seq, receipt, restock=True),
            on_failure=lambda error: self._on_restock_failed(seq, error),
        )

    def _on_restock_failed(self, seq: int, error: BaseException) -> None:
        self._counter.in_flight = False
        self.restock.set_busy(False)
        if seq != self._counter.open_seq:
            return
        self.restock.show_message(describe_failure(error, doing="pickup restock"))

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
