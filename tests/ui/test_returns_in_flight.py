"""The Returns screen while the desk has not answered yet (``FakeReturnDesk.gate`` holds the answer):
nobody leaves a return being sent, so its receipt is always shown; while the next order opens, the
one before is off the screen, so nothing is taken back from it and a refusal of the next one is
not read as being about it; a failure after the return may have been queued keeps what was chosen
and sends the very same return again; and an answer that comes after someone else signed in
changes nothing."""

from __future__ import annotations

import asyncio

import pytest
from fake_returns import RECEIPT, WAIT_MS, Counter, FakeReturnDesk, returnable_order
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

OTHER_RECEIPT = "SA1.purchase-receipt-of-W10000200"


@pytest.fixture
def desk() -> FakeReturnDesk:
    return FakeReturnDesk(
        orders=[returnable_order(), returnable_order("W10000200")],
        codes={RECEIPT: "W10000123", OTHER_RECEIPT: "W10000200"},
    )


@pytest.fixture
def counter(qtbot: QtBot, desk: FakeReturnDesk) -> Counter:
    return Counter(qtbot, desk)


def _hold_answers(desk: FakeReturnDesk) -> asyncio.Event:
    desk.gate = asyncio.Event()
    return desk.gate


def test_cancel_is_off_while_a_return_is_sent_and_its_receipt_is_always_shown(
    counter: Counter, desk: FakeReturnDesk
) -> None:
    counter.scan(RECEIPT)
    counter.choose(1, 1)
    page = counter.screen.order
    gate = _hold_answers(desk)
    counter.qtbot.mouseClick(page.take_button, Qt.MouseButton.LeftButton)
    counter.qtbot.waitUntil(lambda: len(desk.taken) == 1, timeout=WAIT_MS)  # queued; no answer yet

    assert not page.cancel_button.isEnabled() and not page.take_button.isEnabled()
    counter.qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    page.back.emit()  # however Cancel is reached, the return being sent stays on screen
    assert counter.screen.pages.currentWidget() is page
    assert counter.screen.opened is not None

    with counter.qtbot.waitSignal(counter.screen.receipt_shown, timeout=WAIT_MS) as shown:
        gate.set()
    assert shown.args[0].status == "confirmed"
    assert counter.screen.pages.currentWidget() is counter.screen.receipt
    assert counter.screen.receipt.title.text() == "Order #W10000123: taken back"


def test_while_the_next_order_opens_the_one_before_is_off_the_screen(
    counter: Counter, desk: FakeReturnDesk
) -> None:
    counter.scan(RECEIPT)
    counter.choose(1, 1)
    assert counter.screen.order.take_button.isEnabled()
    gate = _hold_answers(desk)
    counter.screen.handle_scan("receipt", OTHER_RECEIPT)

    assert counter.screen.pages.currentWidget() is counter.screen.find_page
    assert counter.screen.opened is None
    assert not counter.screen.order.take_button.isVisible()
    assert counter.screen.status.text() == "Opening the order…"
    counter.screen.order.take_button.click()  # were it reached: nothing to take back from
    with counter.qtbot.waitSignal(counter.screen.order_shown, timeout=WAIT_MS) as shown:
        gate.set()
    counter.settle()
    assert shown.args == ["W10000200", "online"]
    assert counter.screen.order.title.text() == "Order #W10000200"
    assert desk.taken == []


def test_a_refused_scan_over_an_open_order_is_said_over_no_order(
    counter: Counter, desk: FakeReturnDesk
) -> None:
    counter.scan(RECEIPT)
    counter.choose(1, 1)
    counter.scan("SA1.forged-code")

    assert counter.screen.notice.text().startswith("This code's signature does not check out.")
    assert counter.screen.pages.currentWidget() is counter.screen.find_page
    assert counter.screen.opened is None and desk.taken == []


def test_a_failure_after_the_return_may_be_queued_keeps_the_choice_and_sends_the_same_return(
    counter: Counter, desk: FakeReturnDesk
) -> None:
    counter.scan(RECEIPT)
    counter.choose(1, 1)
    desk.take_error = RuntimeError("the outbox could not be read back")
    counter.tap(counter.screen.order.take_button)

    page, row = counter.screen.order, counter.row(1)
    assert counter.screen.pages.currentWidget() is page
    assert page.result.text().endswith(
        "It may have been saved already: tap Take back again to see what became of it."
    )
    assert not row.stepper.isEnabled() and not row.reason.isEnabled()
    assert not page.method.buttons["store_credit"].isEnabled()
    assert page.cancel_button.isEnabled()

    receipt = counter.take()
    assert receipt.status == "confirmed"
    assert [taken[0] for taken in desk.taken] == [receipt.return_id], "one return, sent once"


def test_an_order_opened_after_a_failed_return_can_be_chosen_again(
    counter: Counter, desk: FakeReturnDesk
) -> None:
    counter.scan(RECEIPT)
    counter.choose(1, 1)
    desk.take_error = RuntimeError("the outbox could not be read back")
    counter.tap(counter.screen.order.take_button)
    counter.tap(counter.screen.order.cancel_button)
    counter.scan(OTHER_RECEIPT)
    assert counter.row(1).stepper.isEnabled()
    assert counter.screen.order.method.buttons["store_credit"].isEnabled()


def test_a_return_answered_after_someone_else_signed_in_is_theirs_and_not_shown(
    counter: Counter, desk: FakeReturnDesk
) -> None:
    counter.scan(RECEIPT)
    counter.choose(1, 1)
    gate = _hold_answers(desk)
    counter.qtbot.mouseClick(counter.screen.order.take_button, Qt.MouseButton.LeftButton)
    counter.qtbot.waitUntil(lambda: len(desk.taken) == 1, timeout=WAIT_MS)
    counter.screen.staff_changed()
    gate.set()
    counter.settle()

    assert counter.screen.pages.currentWidget() is counter.screen.find_page
    assert counter.screen.receipt.receipt is None
    desk.gate = None
    counter.scan(OTHER_RECEIPT)  # the next person's order opens, and can be taken back
    counter.choose(1, 1)
    assert counter.take().order_number == "W10000200"
