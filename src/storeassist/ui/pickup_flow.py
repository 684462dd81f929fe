"""The Pickups screen's hand-over steps: checking who collects an order, then handing it over.

From the order page's "Hand over": who collects is checked on the verify page (skipped when the
order code was scanned: that verifies them), by the six-digit pickup code the hub checks
(``PickupDeskLike.check_pickup_code``), by a photo ID or the named proxy's, or by the order code
scanned while the page shows; then the hand-over page sends what goes (``hand_over``), and the
screen shows the receipt. An answer that comes after the screen has moved on (another order, the
queue, someone else signed in) is not shown.

:class:`~storeassist.ui.pickups_screen.PickupsScreen` owns the pages and the rest of the flow
(queue, order, arrival, restock, receipt); it shares a :class:`CounterState` with these steps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QStackedWidget

from storeassist.contract import CollectPickupPayload, PickupCodeAnswer, PickupVerification
from storeassist.domain.pickups import HandoverReceipt, OpenedPickup
from storeassist.ui.background import OpRunner
from storeassist.ui.messages import describe_failure
from storeassist.ui.pickup_handover import HandoverPage
from storeassist.ui.pickup_order import OrderPage
from storeassist.ui.pickup_services import PickupDeskLike
from storeassist.ui.pickup_verify import VerifyPage

#: ``storeassist.client.errors``' names for "the back office cannot be reached or answer now".
_UNAVAILABLE = frozenset({"HubConnectionError", "HubServerError"})


def back_office_unavailable(error: BaseException) -> bool:
    """The back office out of reach (the client's connection and server errors, known here by
    name: a screen does not import the client)."""
    return bool(_UNAVAILABLE & {cls.__name__ for cls in type(error).__mro__})


@dataclasses.dataclass
class CounterState:
    """What the screen and its hand-over steps share."""

    #: The pickup desk, once the device is attached.
    desk: PickupDeskLike | None = None
    #: The order on screen (from its page to the receipt).
    opened: OpenedPickup | None = None
    #: How its collector was checked.
    verification: PickupVerification | None = None
    #: Each order opened (or left) gets a number; an answer for an older one changes nothing.
    open_seq: int = 0
    #: A hand-over, restock, arrival or code check sent and not answered yet: nothing opens over it.
    in_flight: bool = False


class HandoverFlow(QObject):
    """The verify and hand-over pages' work: one desk call per action, each answer to its page."""

    def __init__(
        self,
        runner: OpRunner,
        counter: CounterState,
        pages: QStackedWidget,
        order: OrderPage,
        verify: VerifyPage,
        handover: HandoverPage,
        *,
        set_status: Callable[[str], None],
        show_receipt: Callable[[int, HandoverReceipt], None],
        parent: QObject | None = None,
    ) -> None:
        """``set_status`` writes the screen's status line; ``show_receipt(seq, receipt)`` is the
        screen's, for the hand-over asked while ``open_seq`` was ``seq``."""
        super().__init__(parent)
        self._runner = runner
        self._counter = counter
        self._pages = pages
        self._order = order
        order.hand_over.connect(self.start)
        self._verify = verify
        verify.code_entered.connect(self._check_code)
        verify.verified.connect(self._verified)
        self._handover = handover
        handover.confirmed.connect(self._hand_over)
        self._set_status = set_status
        self._show_receipt = show_receipt

    # -- checking the collector -----------------------------------------------------------

    def start(self) -> None:
        """The order page's "Hand over": check who collects, unless the order code already did."""
        opened = self._counter.opened
        if opened is None:
            return
        if opened.order_code is not None:  # the customer showed the order's signed code: verified
            self._verified(PickupVerification(method="order_code", order_code=opened.order_code))
            return
        self._verify.start(opened.order)
        self._pages.setCurrentWidget(self._verify)

    def check_scanned_code(self, desk: PickupDeskLike, text: str, order_id: int) -> None:
        """The customer shows the order's code while being checked: if it is this order's, they are."""
        seq = self._counter.open_seq

        def opened(found: OpenedPickup) -> None:
            if seq != self._counter.open_seq or self._pages.currentWidget() is not self._verify:
                return
            if found.order.id != order_id:
                self._verify.show_message(
                    # In the screen's translation context, where the catalogues hold its words.
                    QCoreApplication.translate(
                        "PickupsScreen", "That code is for order #{number}, not this one."
                    ).format(number=found.order.number)
                )
                return
            self._verified(PickupVerification(method="order_code", order_code=text))

        self._runner.run(
            desk.open_code(text),
            on_success=opened,
            on_failure=lambda error: self._verify.show_message(describe_failure(error, doing="pickup order")),
        )

    def _check_code(self, code: str) -> None:
        opened, desk = self._counter.opened, self._counter.desk
        if opened is None or desk is None:
            return
        seq = self._counter.open_seq
        self._counter.in_flight = True
        self._runner.run(
            desk.check_pickup_code(opened.order.id, code),
            on_success=lambda answer: self._on_code_answer(seq, code, answer),
            on_failure=lambda error: self._on_code_failed(seq, error),
        )

    def _on_code_answer(self, seq: int, code: str, answer: PickupCodeAnswer) -> None:
        self._counter.in_flight = False
        if seq != self._counter.open_seq:
            return
        opened = self._counter.opened
        if answer.locked and opened is not None and not opened.order.pickup_locked:
            # Locked now: the hand-over is checked against that before anything is written.
            locked = opened.order.model_copy(update={"pickup_locked": True})
            self._counter.opened = OpenedPickup(
                locked, opened.source, opened.order_code, opened.waiting_to_sync
            )
            self._order.locked_pill.setVisible(True)
        self._verify.code_answer(code, answer)

    def _on_code_failed(self, seq: int, error: BaseException) -> None:
        self._counter.in_flight = False
        if seq == self._counter.open_seq:
            self._verify.code_failed(self._code_failure_text(error))

    def _code_failure_text(self, error: BaseException) -> str:
        # The back office out of reach: say what works offline instead.
        if back_office_unavailable(error):
            return QCoreApplication.translate(
                "PickupsScreen",
                "A pickup code can only be checked with the back office, which cannot be reached now. "
                "Scan the order code from their e-mail or app, or check their photo ID.",
            )
        return describe_failure(error, doing="pickup code check")

    def _verified(self, verification: PickupVerification) -> None:
        opened, desk = self._counter.opened, self._counter.desk
        if opened is None or desk is None:
            return
        self._counter.verification = verification
        self._handover.start(opened.order, verification, desk.substitutes)
        self._pages.setCurrentWidget(self._handover)

    # -- handing over ---------------------------------------------------------------------

    def _hand_over(self, payload: CollectPickupPayload) -> None:
        opened, desk = self._counter.opened, self._counter.desk
        if opened is None or desk is None:
            return
        seq = self._counter.open_seq
        self._counter.in_flight = True
        self._handover.set_busy(True)
        self._set_status(QCoreApplication.translate("PickupsScreen", "Handing over…"))
        self._runner.run(
            desk.hand_over(opened.order, payload),
            on_success=lambda receipt: self._show_receipt(seq, receipt),
            on_failure=lambda error: self._on_hand_over_failed(seq, error),
        )

    def _on_hand_over_failed(self, seq: int, error: BaseException) -> None:
        self._counter.in_flight = False
        self._set_status("")
        self._handover.set_busy(False)
        if seq != self._counter.open_seq:
            return
        self._handover.show_message(describe_failure(error, doing="pickup hand-over"))
