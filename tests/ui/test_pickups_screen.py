"""The pickup counter on screen, with a pickup desk that needs no hub (``FakePickupDesk``): the queue,
an order, checking who collects, handing over all or part, swapping or cancelling a line, the
receipt, the restock task, and every bad input as a sentence on screen with nothing changed.

The same paths against the real hub are in ``test_pickups_with_hub.py``.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from fake_devices import FAKE_NOW, FakePickupDesk, pickup_order
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from storeassist.contract.payloads import MAX_SIGNATURE_CHARS
from storeassist.domain.pickups import SubstituteOption
from storeassist.ui.background import OpRunner
from storeassist.ui.pickup_handover import LineHandover
from storeassist.ui.pickups_screen import PickupsScreen
from storeassist.ui.signature_pad import HEIGHT, WIDTH, SignaturePad

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

WAIT_MS = 5_000


class NoLookups:
    def cached_customer(self, text: str) -> None:
        return None

    async def identify_by_token(self, text: str, store_id: int) -> Any:
        raise AssertionError("no customer scans here")


def _orders() -> list[Any]:
    return [
        pickup_order(7001, "P-7001", name="Maria Jensen"),
        pickup_order(7002, "P-7002", name="Tom Berg", waiting_since=FAKE_NOW - timedelta(minutes=12)),
        pickup_order(
            7003,
            "P-7003",
            name="Ana Silva",
            state="partially_collected",
            deadline=FAKE_NOW + timedelta(hours=5),
        ),
        pickup_order(7004, "P-7004", name="Li Wei", deadline=FAKE_NOW - timedelta(days=2)),
        pickup_order(7005, "P-7005", name="Sara Holm", proxy="Jon Holm"),
        pickup_order(7006, "P-7006", name="Ola Nord", paid=False),
    ]


class Counter:
    """The Pickups screen with a fake desk, as the associate drives it."""

    def __init__(self, qtbot: QtBot, fake_device: Any, desk: FakePickupDesk) -> None:
        self.qtbot = qtbot
        self.desk = desk
        self.runner = OpRunner()
        self.screen = PickupsScreen(self.runner, clock=lambda: FAKE_NOW)
        qtbot.addWidget(self.screen)
        self.screen.resize(1100, 760)
        self.screen.attach(fake_device(NoLookups(), pickups=desk))
        self.screen.show()
        qtbot.waitExposed(self.screen)
        self.settle()

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.runner.busy, timeout=WAIT_MS)

    def tap(self, button: Any) -> None:
        assert button.isVisible() and button.isEnabled(), button.text()
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        self.settle()

    def rows(self) -> list[Any]:
        return self.screen.queue.model.shown_rows()

    def open_row(self, number: str) -> None:
        rows = self.rows()
        [row] = [n for n, r in enumerate(rows) if f"#{number}" in r.title]
        view = self.screen.queue.view
        rect = view.visualRect(self.screen.queue.model.index(row))
        with self.qtbot.waitSignal(self.screen.order_shown, timeout=WAIT_MS):
            self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        self.settle()

    def choose_photo_id(self, kind: str = "passport", last: str = "K7Q2") -> None:
        verify = self.screen.verify
        self.tap(verify.id_method)
        self.tap(verify.document.buttons[kind])
        self.qtbot.keyClicks(verify.document.last, last)
        self.tap(verify.id_button)

    def confirm_with_name(self, name: str = "Maria Jensen") -> None:
        page = self.screen.handover
        self.qtbot.keyClicks(page.name, name)
        with self.qtbot.waitSignal(self.screen.receipt_shown, timeout=WAIT_MS):
            self.tap(page.hand_over_button)


@pytest.fixture
def counter(qtbot: QtBot, fake_device: Any) -> Counter:
    return Counter(qtbot, fake_device, FakePickupDesk(orders=_orders()))


def test_the_queue_puts_the_waiting_customer_first_with_counts_on_every_tab(counter: Counter) -> None:
    queue = counter.screen.queue
    titles = [row.title for row in counter.rows()]
    assert titles[0] == "Tom Berg · #P-7002", "the customer waiting is on top"
    assert len(titles) == 6
    chips = {tab: button.text() for tab, button in queue.chips.buttons.items()}
    assert chips["waiting"] == "Customer waiting (1)"
    assert chips["partly_collected"] == "Partly collected (1)"
    assert chips["overdue"] == "Overdue (1)" and chips["restock"] == "To restock (1)"
    assert chips["due_today"] == "Due today (1)"  # P-7003's deadline is in 5 hours
    assert "Customer waiting 12 min" in counter.rows()[0].pill
    assert queue.status.text().startswith("Up to date")

    counter.tap(queue.chips.buttons["overdue"])
    assert [row.title for row in counter.rows()] == ["Li Wei · #P-7004"]
    assert "Overdue by 2 day(s)" in counter.rows()[0].detail


def test_search_finds_by_name_or_order_number_as_you_type(counter: Counter) -> None:
    queue = counter.screen.queue
    counter.qtbot.keyClicks(queue.search, "silv")
    assert [row.title for row in counter.rows()] == ["Ana Silva · #P-7003"]
    queue.search.clear()
    counter.qtbot.keyClicks(queue.search, "p7005")  # the dash may be left out
    assert [row.title for row in counter.rows()] == ["Sara Holm · #P-7005"]
    queue.search.clear()
    counter.qtbot.keyClicks(queue.search, "nobody")
    assert not queue.view.isVisible() and "No open pickup here matches" in queue.empty.text()


def test_a_phone_number_typed_in_the_search_asks_the_back_office_and_shows_that_customers_orders(
    qtbot: QtBot, fake_device: Any
) -> None:
    orders = [
        pickup_order(7101, "P-7101", name="Ana Silva", customer_id=501),
        pickup_order(7102, "P-7102", name="Tom Berg", customer_id=502),
    ]
    desk = FakePickupDesk(orders=orders, phones={501: "14155550123", 502: "14155559999"})
    counter = Counter(qtbot, fake_device, desk)
    queue = counter.screen.queue

    counter.qtbot.keyClicks(queue.search, "+1 415 555 0123")
    qtbot.waitUntil(lambda: [row.title for row in counter.rows()] == ["Ana Silva · #P-7101"], timeout=WAIT_MS)
    assert desk.phone_searches == ["+1 415 555 0123"], "asked once, after the typing paused"

    queue.search.clear()
    desk.online = False
    counter.qtbot.keyClicks(queue.search, "415 555 9999")
    qtbot.waitUntil(lambda: "needs the back office" in queue.empty.text(), timeout=WAIT_MS)
    assert not counter.rows() and queue.empty.isVisible()
    assert "Search by the customer's name or the order number" in queue.empty.text()


def test_an_order_shows_its_lines_customer_bin_payment_and_time_left(counter: Counter) -> None:
    counter.open_row("P-7005")
    page = counter.screen.order
    assert page.title.text() == "Pickup order #P-7005"
    assert page.customer.text() == "Sara Holm"
    assert "Jon Holm" in page.proxy.text() and page.proxy.isVisible()
    assert page.payment_pill.text() == "Paid" and page.state_pill.text() == "Ready"
    lines = [page.model.data(page.model.index(n)) for n in range(page.model.rowCount())]
    assert lines[0] == "Organic tee\nSize M · Navy · Ordered 2 · collected 0 · to collect 2"
    assert lines[1].startswith("Cap\nOrdered 1")
    facts = [w.text() for w in page.findChildren(type(page.title), "factValue") if w.isVisible()]
    assert "A-12" in facts and any("3 day(s) left" in fact for fact in facts)
    assert page.hand_over_button.isEnabled() and not page.notice.isVisible()


def test_a_full_hand_over_with_a_photo_id_check_records_only_the_last_characters(counter: Counter) -> None:
    counter.open_row("P-7001")
    counter.tap(counter.screen.order.hand_over_button)
    verify = counter.screen.verify
    assert verify.title.text() == "Who is collecting order #P-7001?"
    assert not verify.proxy_method.isVisible(), "nobody was named to collect"
    counter.tap(verify.id_method)
    counter.qtbot.keyClicks(verify.document.last, "X123456789")  # a whole number typed: only its end is kept
    assert verify.document.last.text() == "6789"

    counter.choose_photo_id("driving_licence", "")
    handover = counter.screen.handover
    assert handover.hand_over_button.text() == "Hand over 3 item(s)"
    counter.confirm_with_name()

    [sent] = counter.desk.sent
    assert sent.verification.method == "photo_id"
    assert (sent.verification.document_type, sent.verification.document_last) == ("driving_licence", "6789")
    assert {n: (line.handed, line.cancelled) for n, line in sent.lines.items()} == {1: (2, 0), 2: (1, 0)}
    receipt = counter.screen.receipt
    assert receipt.title.text() == "Order #P-7001 handed over"
    assert receipt.status.text() == "Confirmed by the back office."
    assert receipt.qr.text == "SA1.receipt-code" and receipt.qr.isVisible()
    texts = [w.text() for w in receipt.details.findChildren(type(receipt.title)) if w.isVisible()]
    assert receipt.what.text().splitlines() == [
        "• 2 × Organic tee (Size M · Navy) handed over",
        "• 1 × Cap handed over",
    ]
    assert "By Sam Associate" in texts and "50 loyalty point(s) credited" in texts

    counter.tap(receipt.done_button)
    assert counter.screen.pages.currentWidget() is counter.screen.queue
    assert "P-7001" not in " ".join(row.title for row in counter.rows()), "collected: off the queue"


def test_a_scanned_order_code_verifies_the_collector_and_goes_straight_to_the_hand_over(
    counter: Counter,
) -> None:
    counter.desk.order_codes["SA1.order-7001"] = "P-7001"
    with counter.qtbot.waitSignal(counter.screen.order_shown, timeout=WAIT_MS):
        counter.screen.handle_scan("order", "SA1.order-7001")
    counter.settle()
    counter.tap(counter.screen.order.hand_over_button)
    assert counter.screen.pages.currentWidget() is counter.screen.handover
    assert counter.screen.handover.collector.text() == "Order code scanned"
    counter.confirm_with_name()
    assert counter.desk.sent[0].verification.method == "order_code"
    assert counter.desk.sent[0].verification.order_code == "SA1.order-7001"


def test_a_partial_hand_over_leaves_the_rest_to_collect_later(counter: Counter) -> None:
    counter.desk.order_codes["SA1.order-7001"] = "P-7001"
    counter.screen.handle_scan("order", "SA1.order-7001")
    counter.settle()
    counter.tap(counter.screen.order.hand_over_button)
    tee, cap = counter.screen.handover.rows
    counter.tap(tee.stepper.minus)
    counter.tap(cap.stepper.minus)
    assert tee.rest_label.text() == "The other 1:" and tee.rest_action() == "later"
    assert counter.screen.handover.hand_over_button.text() == "Hand over 1 item(s)"  # no catalogue here
    counter.confirm_with_name()
    [sent] = counter.desk.sent
    assert set(sent.lines) == {1}
    assert (sent.lines[1].handed, sent.lines[1].cancelled, sent.lines[1].substituted) == (1, 0, 0)
    assert counter.desk.orders[0].pickup_state == "partially_collected"


def test_a_missing_item_is_cancelled_and_a_damaged_size_swapped_for_one_in_stock(
    qtbot: QtBot, fake_device: Any
) -> None:
    desk = FakePickupDesk(
        orders=_orders(),
        substitute_options={
            "SKU-TEE-M": [SubstituteOption("SKU-TEE-L", "Organic tee", "L", "Navy", 3)],
        },
    )
    desk.order_codes["SA1.order-7001"] = "P-7001"
    counter = Counter(qtbot, fake_device, desk)
    counter.screen.handle_scan("order", "SA1.order-7001")
    counter.settle()
    counter.tap(counter.screen.order.hand_over_button)
    tee, cap = counter.screen.handover.rows
    counter.tap(tee.stepper.minus)  # one tee is damaged: swap it for an L
    tee.rest.setCurrentIndex(tee.rest.findData("substitute"))
    assert tee.swap.isVisible() and tee.swap.currentText() == "Size L · Navy — 3 here"
    counter.tap(cap.stepper.minus)  # the cap is missing
    cap.rest.setCurrentIndex(cap.rest.findData("missing"))
    assert not cap.swap.isVisible()
    counter.confirm_with_name()

    [sent] = desk.sent
    assert (sent.lines[1].handed, sent.lines[1].substituted, sent.lines[1].substitute_sku) == (
        1,
        1,
        "SKU-TEE-L",
    )
    assert (sent.lines[2].cancelled, sent.lines[2].cancel_reason) == (1, "missing")
    texts = [
        w.text() for w in counter.screen.receipt.details.findChildren(type(counter.screen.receipt.title))
    ]
    assert any("cancelled and refunded" in text for text in texts)
    assert any("instead of" in text for text in texts)


def test_a_swap_for_more_than_is_in_stock_here_is_refused_before_anything_is_sent(
    qtbot: QtBot, fake_device: Any
) -> None:
    desk = FakePickupDesk(
        orders=_orders(),
        substitute_options={"SKU-TEE-M": [SubstituteOption("SKU-TEE-L", "Organic tee", "L", "Navy", 1)]},
    )
    desk.order_codes["SA1.order-7001"] = "P-7001"
    counter = Counter(qtbot, fake_device, desk)
    counter.screen.handle_scan("order", "SA1.order-7001")
    counter.settle()
    counter.tap(counter.screen.order.hand_over_button)
    tee = counter.screen.handover.rows[0]
    tee.stepper.set_value(0)
    tee.rest.setCurrentIndex(tee.rest.findData("substitute"))
    counter.qtbot.keyClicks(counter.screen.handover.name, "Maria Jensen")
    counter.tap(counter.screen.handover.hand_over_button)
    assert counter.screen.handover.notice.text() == (
        "Only 1 of SKU-TEE-L in stock here, not enough to hand over instead on order #P-7001."
    )
    assert desk.sent == []


def test_without_a_name_or_signature_nothing_is_handed_over(counter: Counter) -> None:
    counter.open_row("P-7001")
    counter.tap(counter.screen.order.hand_over_button)
    counter.choose_photo_id()
    counter.tap(counter.screen.handover.hand_over_button)
    assert "type their name or sign" in counter.screen.handover.notice.text()
    for row in counter.screen.handover.rows:
        row.stepper.set_value(0)
    counter.qtbot.keyClicks(counter.screen.handover.name, "Maria")
    counter.tap(counter.screen.handover.hand_over_button)
    assert counter.screen.handover.notice.text().startswith("Nothing is chosen")
    assert counter.desk.sent == []


def test_a_drawn_signature_confirms_the_hand_over(counter: Counter) -> None:
    counter.open_row("P-7001")
    counter.tap(counter.screen.order.hand_over_button)
    counter.choose_photo_id()
    pad = counter.screen.handover.signature
    counter.qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 100))
    for x in range(30, 380, 10):
        counter.qtbot.mouseMove(pad, QPoint(x, 60 + (x % 40)))
    counter.qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(390, 90))
    with counter.qtbot.waitSignal(counter.screen.receipt_shown, timeout=WAIT_MS):
        counter.tap(counter.screen.handover.hand_over_button)
    [sent] = counter.desk.sent
    assert sent.confirmed_name is None
    assert sent.signature is not None and sent.signature.startswith("M 20 100 L ")


def test_the_signature_pad_keeps_whole_coordinates_in_its_box_and_stops_when_full(qtbot: QtBot) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.show()
    for stroke in range(400):
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(5 + stroke % 300, 10))
        qtbot.mouseMove(pad, QPoint(100 + stroke % 290, 140))
        qtbot.mouseMove(pad, QPoint(399, 149))
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(399, 149))
    path = pad.path_data()
    assert pad.full and len(path) <= MAX_SIGNATURE_CHARS
    numbers = [int(part) for part in path.split() if part not in ("M", "L")]
    assert all(0 <= n < max(WIDTH, HEIGHT) for n in numbers)
    pad.clear()
    assert pad.is_empty() and pad.path_data() == ""


def test_a_wrong_pickup_code_says_the_attempts_left_and_the_third_locks_the_order(counter: Counter) -> None:
    counter.open_row("P-7001")
    counter.tap(counter.screen.order.hand_over_button)
    verify = counter.screen.verify
    counter.tap(verify.code_method)
    for attempts_left in (2, 1):
        counter.qtbot.keyClicks(verify.code, "000000")
        counter.tap(verify.check_code_button)
        assert verify.notice.text() == (
            f"That pickup code is not right. {attempts_left} attempt(s) left, then a manager is needed."
        )
    counter.qtbot.keyClicks(verify.code, "000000")
    counter.tap(verify.check_code_button)
    assert "only a manager can hand it over now" in verify.notice.text()
    assert not verify.code.isEnabled() and not verify.check_code_button.isEnabled()
    assert counter.screen.pages.currentWidget() is verify, "not verified"

    # Checked by photo ID instead, an associate still may not hand over a locked order.
    counter.choose_photo_id()
    counter.qtbot.keyClicks(counter.screen.handover.name, "Maria Jensen")
    counter.tap(counter.screen.handover.hand_over_button)
    assert "only a manager can hand it over now" in counter.screen.handover.notice.text()
    assert counter.desk.sent == []


def test_the_right_pickup_code_verifies_and_offline_says_what_works_instead(counter: Counter) -> None:
    counter.open_row("P-7001")
    counter.tap(counter.screen.order.hand_over_button)
    verify = counter.screen.verify
    counter.tap(verify.code_method)
    counter.desk.online = False
    counter.qtbot.keyClicks(verify.code, "123456")
    counter.tap(verify.check_code_button)
    assert "Scan the order code from their e-mail or app, or check their photo ID" in verify.notice.text()
    counter.desk.online = True
    counter.tap(verify.check_code_button)
    assert counter.screen.pages.currentWidget() is counter.screen.handover
    assert counter.screen.handover.collector.text() == "Pickup code checked"


def test_the_named_proxy_is_checked_by_name_and_id(counter: Counter) -> None:
    counter.open_row("P-7005")
    counter.tap(counter.screen.order.hand_over_button)
    verify = counter.screen.verify
    counter.tap(verify.proxy_method)
    assert "Jon Holm" in verify.proxy_named.text()
    counter.qtbot.keyClicks(verify.proxy_name, "Someone Else")
    counter.tap(verify.proxy_document.buttons["national_id"])
    counter.qtbot.keyClicks(verify.proxy_document.last, "88")
    counter.tap(verify.proxy_button)
    assert "not the one the customer named" in verify.notice.text()
    verify.proxy_name.setText("  jon  HOLM ")
    counter.tap(verify.proxy_button)
    assert counter.screen.pages.currentWidget() is counter.screen.handover
    counter.confirm_with_name("Jon Holm")
    verification = counter.desk.sent[0].verification
    assert (verification.method, verification.document_type, verification.document_last) == (
        "proxy_id",
        "national_id",
        "88",
    )


def test_an_unpaid_order_says_so_and_cannot_be_handed_over(counter: Counter) -> None:
    counter.open_row("P-7006")
    page = counter.screen.order
    assert "not paid for yet" in page.notice.text() and page.notice.isVisible()
    assert not page.hand_over_button.isEnabled()
    assert page.payment_pill.text().startswith("Not paid")


@pytest.mark.parametrize(
    ("state", "sentence"),
    [
        ("collected", "Order #P-7001 cannot be handed over: it is already collected."),
        ("cancelled", "Order #P-7001 cannot be handed over: it is cancelled."),
        ("expired", "Order #P-7001 cannot be handed over: it is expired."),
    ],
)
def test_a_closed_order_opened_by_number_says_why_it_cannot_be_handed_over(
    qtbot: QtBot, fake_device: Any, state: str, sentence: str
) -> None:
    counter = Counter(qtbot, fake_device, FakePickupDesk(orders=[pickup_order(state=state)]))
    with qtbot.waitSignal(counter.screen.order_shown, timeout=WAIT_MS):
        counter.screen.handle_scan("order_number", "P-7001")
    assert counter.screen.order.notice.text() == sentence
    assert not counter.screen.order.hand_over_button.isEnabled()


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        ("SA1.forged-code", "This code's signature does not check out. It was not issued by us."),
        ("SA1.expired-code", "This code has expired. Ask the customer to refresh the code in their app."),
    ],
)
def test_a_forged_or_expired_order_code_is_refused_and_the_queue_stays(
    counter: Counter, code: str, sentence: str
) -> None:
    counter.screen.handle_scan("order", code)
    counter.settle()
    assert counter.screen.notice.text() == sentence
    assert counter.screen.pages.currentWidget() is counter.screen.queue


def test_another_stores_order_is_refused_with_a_sentence(counter: Counter) -> None:
    counter.desk.orders.append(pickup_order(7100, "P-7100").model_copy(update={"store_id": 2}))
    counter.screen.handle_scan("order_number", "P-7100")
    counter.settle()
    assert counter.screen.notice.text().startswith("Order #P-7100 is not waiting for pickup at this store.")
    assert counter.screen.pages.currentWidget() is counter.screen.queue


def test_the_customer_showing_the_orders_code_while_being_checked_verifies_them(counter: Counter) -> None:
    counter.desk.order_codes["SA1.order-7001"] = "P-7001"
    counter.desk.order_codes["SA1.order-7002"] = "P-7002"
    counter.open_row("P-7001")
    counter.tap(counter.screen.order.hand_over_button)
    assert counter.screen.pages.currentWidget() is counter.screen.verify

    counter.screen.handle_scan("order", "SA1.order-7002")  # another order's code proves nothing
    counter.qtbot.waitUntil(lambda: "not this one" in counter.screen.verify.notice.text(), timeout=WAIT_MS)
    assert counter.screen.pages.currentWidget() is counter.screen.verify

    counter.screen.handle_scan("order", "SA1.order-7001")
    counter.qtbot.waitUntil(
        lambda: counter.screen.pages.currentWidget() is counter.screen.handover, timeout=WAIT_MS
    )
    counter.confirm_with_name()
    assert counter.desk.sent[0].verification.method == "order_code"


def test_a_scan_while_a_hand_over_waits_for_the_back_office_neither_loses_it_nor_opens_over_it(
    counter: Counter,
) -> None:
    release = asyncio.Event()
    hand_over = counter.desk.hand_over

    async def slow_hand_over(order: Any, payload: Any) -> Any:
        await release.wait()
        return await hand_over(order, payload)

    counter.desk.hand_over = slow_hand_over  # type: ignore[method-assign]
    counter.desk.order_codes["SA1.order-7002"] = "P-7002"
    counter.open_row("P-7001")
    counter.tap(counter.screen.order.hand_over_button)
    counter.choose_photo_id()
    page = counter.screen.handover
    counter.qtbot.keyClicks(page.name, "Maria Jensen")
    counter.qtbot.mouseClick(page.hand_over_button, Qt.MouseButton.LeftButton)
    counter.qtbot.waitUntil(lambda: not page.hand_over_button.isEnabled(), timeout=WAIT_MS)

    counter.screen.handle_scan("order", "SA1.order-7002")  # the next customer, too early
    assert "Finish this hand-over first" in counter.screen.notice.text()
    with counter.qtbot.waitSignal(counter.screen.receipt_shown, timeout=WAIT_MS):
        release.set()
    assert counter.screen.pages.currentWidget() is counter.screen.receipt
    assert counter.screen.receipt.title.text() == "Order #P-7001 handed over"


def test_the_minute_repaint_of_a_queue_the_hub_sent_does_not_call_it_offline(counter: Counter) -> None:
    queue = counter.screen.queue
    assert queue.status.text().startswith("Up to date")
    counter.screen._repaint.timeout.emit()  # the minute's repaint, from the tablet's copy
    assert queue.status.text().startswith("Up to date"), queue.status.text()


def test_a_hand_over_with_no_answer_in_time_shows_waiting_to_sync_here_at_once(
    qtbot: QtBot, fake_device: Any
) -> None:
    desk = FakePickupDesk(orders=_orders(), answer="waiting")
    counter = Counter(qtbot, fake_device, desk)
    counter.open_row("P-7003")  # partly collected: something stays to collect after this
    counter.tap(counter.screen.order.hand_over_button)
    counter.choose_photo_id()
    counter.screen.handover.rows[0].stepper.set_value(1)
    counter.confirm_with_name()
    receipt = counter.screen.receipt
    assert receipt.status.text().startswith("Saved on this tablet — waiting to sync.")
    assert receipt.reference.text() == "Reference on this tablet (not confirmed yet)"
    counter.tap(receipt.done_button)
    [row] = [row for row in counter.rows() if "P-7003" in row.title]
    assert row.pill == "Waiting to sync"
    counter.open_row("P-7003")
    assert counter.screen.order.sync_pill.isVisible()
    assert counter.screen.order.sync_pill.text() == "Collected — waiting to sync"


def test_a_restock_task_is_confirmed_from_its_tab(counter: Counter) -> None:
    queue = counter.screen.queue
    counter.tap(queue.chips.buttons["restock"])
    assert len(counter.rows()) == 1
    rect = queue.view.visualRect(queue.model.index(0))
    counter.qtbot.mouseClick(queue.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page = counter.screen.restock
    assert counter.screen.pages.currentWidget() is page
    assert page.title.text() == "Restock order #P-7004"
    assert "did not collect it by" in page.explain.text() and "refunds it" in page.explain.text()
    assert page.items.title.text() == "To take from bin A-12"
    with counter.qtbot.waitSignal(counter.screen.receipt_shown, timeout=WAIT_MS):
        counter.tap(page.confirm_button)
    assert counter.desk.restocked == [7004]
    assert counter.screen.receipt.title.text() == "Order #P-7004 put back on sale"
    counter.tap(counter.screen.receipt.done_button)
    assert queue.chips.buttons["restock"].text() == "To restock (0)"
    assert "Nothing to restock" in queue.empty.text()


def test_a_restock_before_the_deadline_is_refused_with_a_sentence(counter: Counter) -> None:
    counter.tap(counter.screen.queue.chips.buttons["restock"])
    counter.qtbot.mouseClick(
        counter.screen.queue.view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=counter.screen.queue.view.visualRect(counter.screen.queue.model.index(0)).center(),
    )
    counter.desk.now = FAKE_NOW - timedelta(days=5)  # the hub's clock says it is not late yet
    counter.tap(counter.screen.restock.confirm_button)
    assert counter.screen.restock.notice.text() == (
        "Order #P-7004 is not past its pickup deadline, so it stays on the shelf."
    )
    assert counter.desk.restocked == []


def test_with_nobody_signed_in_the_counter_says_sign_in_first_and_shows_no_orders(
    qtbot: QtBot, fake_device: Any
) -> None:
    desk = FakePickupDesk(orders=_orders(), signed_in=False)
    counter = Counter(qtbot, fake_device, desk)
    assert counter.screen.notice.text().startswith("Sign in first")
    assert counter.rows() == []
    desk.signed_in = True
    counter.screen.staff_changed()
    counter.settle()
    assert len(counter.rows()) == 6 and not counter.screen.notice.isVisible()


def test_a_sign_out_mid_hand_over_takes_the_order_off_the_screen(counter: Counter) -> None:
    counter.open_row("P-7001")
    counter.tap(counter.screen.order.hand_over_button)
    counter.desk.signed_in = False
    counter.screen.staff_changed()
    assert counter.screen.pages.currentWidget() is counter.screen.queue
    assert counter.rows() == [] and counter.screen.notice.text().startswith("Sign in first")


def test_a_line_with_nothing_left_is_not_offered_again(qtbot: QtBot, fake_device: Any) -> None:
    order = pickup_order(state="partially_collected")
    order.lines[1] = order.lines[1].model_copy(update={"qty_collected": 1})
    desk = FakePickupDesk(orders=[order], order_codes={"SA1.order-7001": "P-7001"})
    counter = Counter(qtbot, fake_device, desk)
    counter.screen.handle_scan("order", "SA1.order-7001")
    counter.settle()
    counter.tap(counter.screen.order.hand_over_button)
    assert [row.line.name for row in counter.screen.handover.rows] == ["Organic tee"]
    assert isinstance(counter.screen.handover.rows[0], LineHandover)
