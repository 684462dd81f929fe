"""The Returns screen with a return desk that needs no hub (``FakeReturnDesk``): a scanned receipt
opens the order with each line's verdict in words; quantities, reasons and conditions give a live
summary split by tender; a typed number is without receipt (store credit only); a return past the
window asks a manager, who approves with badge or number and PIN; offline returns wait, within the
cap; an exchange picks another size; and every bad input is a sentence with nothing written."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from fake_devices import FAKE_NOW
from fake_returns import (
    ASSOCIATE,
    MANAGER,
    MANAGER_BADGE,
    RECEIPT,
    RECEIPT_CODE,
    WAIT_MS,
    Counter,
    FakeReturnDesk,
    line,
    returnable_order,
)
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storeassist.ui.features import return_order_text

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]


@pytest.fixture
def desk() -> FakeReturnDesk:
    return FakeReturnDesk(codes={RECEIPT: "W10000123"})


@pytest.fixture
def counter(qtbot: QtBot, desk: FakeReturnDesk) -> Counter:
    return Counter(qtbot, desk)


def test_a_scanned_receipt_opens_the_order_with_each_lines_verdict_in_words(counter: Counter) -> None:
    with counter.qtbot.waitSignal(counter.screen.order_shown, timeout=WAIT_MS) as shown:
        counter.scan(RECEIPT)

    assert shown.args == ["W10000123", "online"]
    page = counter.screen.order
    assert counter.screen.pages.currentWidget() is page
    assert page.title.text() == "Order #W10000123"
    assert page.receipt_pill.text() == "With receipt"
    assert "Web shop" in page.facts.text() and "Maria Jensen" in page.facts.text()
    assert not page.source.isVisible()
    tee, socks = counter.row(1), counter.row(3)
    assert "Size M · Navy" in tee.facts.text() and "2\u00a0bought on the web" in tee.facts.text()
    assert "0\u00a0returned" in tee.facts.text() and "2\u00a0can come back" in tee.facts.text()
    assert tee.verdict_label.text().startswith("Returnable until ")
    assert socks.verdict_label.text() == "Final sale: cannot be returned"
    assert not socks.stepper.isVisible()
    assert page.summary.headline.text() == "Choose how many of each item come back."
    assert not page.take_button.isEnabled()


def test_units_of_one_line_can_come_back_each_with_its_own_reason_and_condition(counter: Counter) -> None:
    counter.scan(RECEIPT)
    page, tee = counter.screen.order, counter.row(1)
    assert tee._details is None, "a line's inputs are made only when a unit of it comes back"
    counter.choose(1, 2)
    assert tee.split_button.isVisible()
    counter.tap(tee.split_button)
    assert not tee.split_button.isVisible()
    second = tee._units[1]
    assert second.isVisible() and second.number.text() == "Unit 2"
    assert second.chosen_reason() == "wrong_size", "the second unit starts as the first"
    second.condition.setCurrentIndex(second.condition.findData("defective"))
    second.reason.setCurrentIndex(second.reason.findData("defective"))

    units, _method, _exchange = page.chosen()
    assert sorted((u.qty, u.reason, u.condition) for u in units) == [
        (1, "defective", "defective"),
        (1, "wrong_size", "resellable"),
    ]
    assert tee.disposition.text() == "Goes back on sale here."
    assert second.disposition.text().startswith("Goes back to the supplier")
    receipt = counter.take()
    assert receipt.status == "confirmed"
    assert sorted((u.reason, u.condition) for u in counter.desk.taken[-1][1]) == [
        ("defective", "defective"),
        ("wrong_size", "resellable"),
    ]


def test_the_summary_follows_every_choice_and_take_back_is_confirmed_with_a_qr(counter: Counter) -> None:
    counter.scan(RECEIPT)
    page = counter.screen.order
    counter.row(1).stepper.set_value(1)
    assert page.summary.headline.text() == "Choose why Organic cotton tee comes back, and its condition."
    assert not page.take_button.isEnabled()

    counter.choose(1, 1)
    assert page.summary.headline.text() == "Pay back $40.00 for 1 item(s)"
    assert "• $40.00 back to the card" in page.summary.details.text()
    assert "40 loyalty point(s) taken back" in page.summary.details.text()
    assert counter.row(1).disposition.text() == "Goes back on sale here."
    assert not page.summary.manager.isVisible()

    counter.choose(1, 1, "defective", "defective")
    assert counter.row(1).disposition.text().startswith("Goes back to the supplier")

    receipt = counter.take()
    assert receipt.status == "confirmed"
    shown = counter.screen.receipt
    assert counter.screen.pages.currentWidget() is shown
    assert shown.title.text() == "Order #W10000123: taken back"
    assert shown.qr.text == RECEIPT_CODE and shown.qr.isVisible()
    assert "1 × Organic cotton tee (Size M · Navy): faulty, faulty." in shown.what.text()
    assert shown.paid.text() == "Paid back: $40.00 to the card"
    [(_, units, method, _)] = counter.desk.taken
    assert method == "original_tender" and [(u.line_no, u.qty, u.reason) for u in units] == [
        (1, 1, "defective")
    ]

    counter.tap(shown.done_button)
    assert counter.screen.pages.currentWidget() is counter.screen.find_page


def test_a_typed_number_is_without_receipt_and_money_comes_back_as_store_credit(counter: Counter) -> None:
    counter.screen.find_page.number.setText("w10000123")
    counter.tap(counter.screen.find_page.find_button)

    page = counter.screen.order
    assert counter.desk.lookups == [("W10000123", None)]
    assert page.receipt_pill.text() == "Without receipt"
    assert "Without a receipt: store credit only" in counter.row(1).verdict_label.text()
    assert not page.method.buttons["original_tender"].isEnabled()
    assert page.method.buttons["store_credit"].isChecked()
    counter.choose(2, 1, "changed_mind")
    assert "• $90.00 as store credit" in page.summary.details.text()
    assert counter.take().status == "confirmed"


def test_a_return_past_the_window_is_approved_by_a_manager_with_badge_and_pin(
    qtbot: QtBot, counter: Counter, desk: FakeReturnDesk
) -> None:
    desk.orders = [returnable_order(days_ago=40)]
    counter.scan(RECEIPT)
    page = counter.screen.order
    verdict = counter.row(1).verdict_label.text()
    assert verdict == "Past the 30-day window by 9 day(s): a manager may approve"
    counter.choose(1, 2)
    assert page.summary.manager.isVisible()
    assert page.summary.manager.text() == "A manager must approve: it is past the return window."
    assert page.take_button.text() == "Ask a manager to approve"

    with qtbot.waitSignal(counter.screen.approval_shown, timeout=WAIT_MS):
        counter.tap(page.take_button)
    approval = counter.screen.approval
    assert counter.screen.takes_scan("badge") and counter.screen.takes_scan("order")
    assert approval.what.text() == "Order #W10000123: pay back $80.00"

    counter.scan(MANAGER_BADGE, kind="badge")
    assert approval.has_badge and not approval.staff_number.isVisible()
    approval.pin.setText("0000")
    approval.reason.setText("Customer was abroad")
    counter.tap(approval.approve_button)
    assert approval.notice.text() == "That badge, staff number or PIN was not accepted. Try again."
    assert not approval.has_badge and approval.pin.text() == "" and desk.taken == []

    approval.staff_number.setText(ASSOCIATE[0])
    approval.pin.setText(ASSOCIATE[1])
    counter.tap(approval.approve_button)
    assert approval.notice.text().startswith("Only a manager can approve this.")

    counter.scan(MANAGER_BADGE, kind="badge")
    approval.pin.setText(MANAGER[1])
    with qtbot.waitSignal(counter.screen.receipt_shown, timeout=WAIT_MS) as shown:
        counter.tap(approval.approve_button)
    counter.settle()
    receipt = shown.args[0]
    assert receipt.status == "confirmed" and receipt.approved_by == "Morgan Manager"
    assert list(desk.approvals.values()) == ["Customer was abroad"]
    assert desk.taken[0][0] in desk.approvals
    assert counter.screen.receipt.approved.text() == "Approved by Morgan Manager"


def test_the_approval_page_checks_what_was_typed_before_anything_is_sent(
    counter: Counter, desk: FakeReturnDesk
) -> None:
    desk.orders = [returnable_order(days_ago=40)]
    counter.scan(RECEIPT)
    counter.choose(2, 1)
    counter.tap(counter.screen.order.take_button)
    approval = counter.screen.approval
    counter.tap(approval.approve_button)
    assert approval.notice.text() == "The manager scans their badge, or types their staff number."
    approval.staff_number.setText(MANAGER[0])
    approval.pin.setText("12")
    counter.tap(approval.approve_button)
    assert approval.notice.text() == "The manager's PIN has 4 to 8 digits."
    approval.pin.setText(MANAGER[1])
    counter.tap(approval.approve_button)
    assert approval.notice.text() == "Say in a few words why the return is approved."
    assert desk.approvals == {} and desk.taken == []
    counter.tap(approval.back_button)
    assert counter.screen.pages.currentWidget() is counter.screen.order


def test_offline_a_small_return_waits_to_sync_and_a_large_one_cannot_be_taken(
    counter: Counter, desk: FakeReturnDesk
) -> None:
    desk.online = False
    counter.scan(RECEIPT)
    page = counter.screen.order
    assert page.source.isVisible() and "Offline — this tablet's copy, as of " in page.source.text()
    assert "Up to $100.00 can be taken back" in page.source.text()

    counter.choose(1, 2)
    counter.choose(2, 1)
    assert "takes back at most $100.00 while offline" in page.summary.offline.text()
    assert not page.take_button.isEnabled()

    counter.row(2).stepper.set_value(0)
    assert page.take_button.isEnabled()
    receipt = counter.take()
    assert receipt.status == "waiting"
    shown = counter.screen.receipt
    assert shown.status.text().startswith("Pending confirmation")
    assert not shown.qr.isVisible() and receipt.return_id in shown.local_reference.text()


@pytest.mark.parametrize(
    ("scan", "kind", "expected"),
    [
        ("SA1.forged-code", "receipt", "This code's signature does not check out. It was not issued by us."),
        ("SA1.unknown-code", "order", "This code could not be read. Ask the customer to show it again."),
        (
            return_order_text("W404", 42),
            "return_order",
            "There is no order #W404. Check the number on the receipt.",
        ),
        (return_order_text("W10000123", 7), "return_order", "Order #W10000123 belongs to another customer"),
    ],
)
def test_a_bad_code_or_order_is_a_sentence_and_nothing_opens(
    counter: Counter, scan: str, kind: str, expected: str
) -> None:
    counter.scan(scan, kind)
    assert counter.screen.notice.isVisible() and counter.screen.notice.text().startswith(expected)
    assert counter.screen.pages.currentWidget() is counter.screen.find_page
    assert counter.desk.taken == []


def test_the_receipt_of_an_earlier_return_finds_its_order_without_receipt(
    counter: Counter, desk: FakeReturnDesk
) -> None:
    desk.codes["SA1.return-receipt"] = "W10000123"
    counter.scan("SA1.return-receipt")
    assert counter.screen.order.receipt_pill.text() == "Without receipt"


def test_a_take_back_from_a_profile_opens_the_order_for_that_customer(counter: Counter) -> None:
    counter.scan(return_order_text("W10000123", 42), "return_order")
    assert counter.desk.lookups == [("W10000123", 42)]
    assert counter.screen.opened is not None and counter.screen.opened.for_customer_id == 42
    assert counter.screen.order.receipt_pill.text() == "Without receipt"


def test_an_empty_number_and_an_order_with_nothing_to_take_back_are_said(
    counter: Counter, desk: FakeReturnDesk
) -> None:
    counter.tap(counter.screen.find_page.find_button)
    assert counter.screen.find_page.notice.text().startswith("Type the order number")
    desk.orders = [returnable_order("W2", paid=False)]
    counter.screen.find_page.number.setText("W2")
    counter.tap(counter.screen.find_page.find_button)
    assert counter.row(1).verdict_label.text() == "The order is not paid: nothing to take back"
    texts = [w.text() for w in counter.screen.order.lines_section.findChildren(type(counter.screen.notice))]
    assert "Nothing on this order can be taken back." in texts


def test_a_return_the_back_office_finds_in_conflict_is_worded_on_the_receipt(
    counter: Counter, desk: FakeReturnDesk
) -> None:
    desk.answer, desk.answer_code = "conflict", "more_than_returnable"
    desk.answer_params = {"order_number": "W10000123", "line_no": 1, "asked": 1, "returnable": 0}
    counter.scan(RECEIPT)
    counter.choose(1, 1)
    receipt = counter.take()
    shown = counter.screen.receipt
    assert receipt.status == "conflict"
    assert shown.title.text() == "Order #W10000123: not taken back"
    assert shown.notice.text().startswith("Line 1 of order #W10000123 was already taken back in full")
    assert "Needs attention" in shown.status.text() and not shown.qr.isVisible()


def test_already_returned_units_are_not_offered_again(counter: Counter, desk: FakeReturnDesk) -> None:
    desk.orders = [
        returnable_order(lines=[line(1, "Organic cotton tee", qty=2, returned=1), line(2, "Cap", returned=1)])
    ]
    counter.scan(RECEIPT)
    tee, cap = counter.row(1), counter.row(2)
    assert "1\u00a0returned · 1\u00a0can come back" in tee.facts.text() and tee.stepper.maximum == 1
    assert cap.verdict_label.text() == "Already returned in full" and not cap.stepper.isVisible()


def test_signing_out_leaves_the_order_and_a_late_answer_changes_nothing(counter: Counter) -> None:
    counter.scan(RECEIPT)
    counter.desk.gate = gate = asyncio.Event()  # the next lookup is answered only when let through
    counter.screen.find_page.number.setText("W10000123")
    counter.qtbot.mouseClick(counter.screen.find_page.find_button, Qt.MouseButton.LeftButton)
    counter.screen.staff_changed()
    assert counter.screen.pages.currentWidget() is counter.screen.find_page
    assert counter.screen.opened is None
    gate.set()  # the late answer, for whoever was signed in before
    counter.settle()
    assert counter.desk.lookups[-1] == ("W10000123", None)
    assert counter.screen.pages.currentWidget() is counter.screen.find_page
    assert counter.screen.opened is None and not counter.screen.status.isVisible()

    counter.desk.signed_in = False
    counter.scan(RECEIPT)
    assert counter.screen.notice.text().startswith("Sign in")


def test_the_verdicts_dates_are_the_stores(counter: Counter) -> None:
    counter.scan(RECEIPT)
    # Received 8 days before FAKE_NOW; a 30-day window for tops.
    deadline = FAKE_NOW - timedelta(days=8) + timedelta(days=30)
    assert (
        counter.row(1).verdict_label.text()
        == f"Returnable until {deadline:%b} {deadline.day}, {deadline.year}"
    )
