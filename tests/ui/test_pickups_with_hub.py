"""The pickup counter end to end: the real app (``build_associate_app``) against a real hub on loopback,
driven through its widgets — a full hand-over by scanned order code, a partial one after an ID
check, the named proxy, a missing item cancelled, another size swapped in (its stock given at the
hub and synced to the tablet) and one sold out at the hub since the tablet cached it, a restock
task, a hand-over offline that the hub finds already collected by another tablet (needs
attention), the same hand-over from two tablets applied once, and each bad input said on screen
with nothing changed at the hub.

Each test has a hub of its own (``hub_server_fn``): hand-overs change its orders.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from tampered_codes import tampered

from storeassist.app import build_associate_app
from storeassist.config import Settings
from storeassist.contract import Order, OrderLine
from storeassist.domain.orders import to_collect
from storeassist.domain.tokens import TokenKind, parse_token
from storeassist.ui.pickup_words import size_colour
from storeassist.ui.pickups_screen import PickupsScreen

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

NETWORK_TIMEOUT_MS = 30_000


def _finish(qtbot: QtBot, work: Coroutine[Any, Any, Any]) -> Any:
    task = asyncio.ensure_future(work)
    qtbot.waitUntil(task.done, timeout=NETWORK_TIMEOUT_MS)
    return task.result()


class Counter:
    """An enrolled associate app with someone signed in, on its Pickups screen."""

    def __init__(self, qtbot: QtBot, data_dir: Path, hub: Any, keyring: Any, name: str, badge: str) -> None:
        self.qtbot, self.hub = qtbot, hub
        built = build_associate_app(
            Settings(hub_url=hub.url, device_name=name), data_dir, training=False, keyring_backend=keyring
        )
        self.runner, self.window, self.router, self.startup = (
            built.runner,
            built.window,
            built.router,
            built.startup,
        )
        qtbot.addWidget(self.window)
        self.window.resize(1280, 800)
        self.window.show()
        qtbot.waitExposed(self.window)
        with qtbot.waitSignal(self.window.settled, timeout=NETWORK_TIMEOUT_MS):
            self.startup.begin()
        page = self.window.enrollment_page
        page.code.setText(hub.enroll_code())
        with qtbot.waitSignal(self.window.ready, timeout=NETWORK_TIMEOUT_MS):
            qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
        self.window.show_sign_in()
        self.window.sign_in_page.sign_in_with_badge(badge)
        self.settle()
        assert self.startup.services.staff.current is not None, self.window.sign_in_page.notice.text()
        screen = self.window.feature_widget("pickups")
        assert isinstance(screen, PickupsScreen)
        self.screen = screen
        with qtbot.waitSignal(screen.board_shown, timeout=NETWORK_TIMEOUT_MS):
            self.window.show_screen(screen)
        self.settle()

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.runner.busy, timeout=NETWORK_TIMEOUT_MS)

    def tap(self, button: Any) -> None:
        assert button.isVisible() and button.isEnabled(), button.text()
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        self.settle()

    def open(self, kind: str, text: str) -> None:
        self.window.open(kind, text)  # type: ignore[arg-type]
        self.settle()

    def ready_order(self, *, proxy: bool = False) -> Order:
        board = self.screen.board
        assert board is not None
        for order in board.orders:
            if (
                order.pickup_state == "ready"
                and order.payment_state == "paid"
                and not order.pickup_locked
                and bool(order.proxy_name) == proxy
                and order.id not in board.waiting_to_sync
            ):
                return order
        pytest.fail("the seeded store has no such ready pickup")

    def check_id(self, *, proxy: str | None = None) -> None:
        verify = self.screen.verify
        assert self.screen.pages.currentWidget() is verify
        if proxy is None:
            self.tap(verify.id_method)
            check, button = verify.document, verify.id_button
        else:
            self.tap(verify.proxy_method)
            verify.proxy_name.setText(proxy)
            check, button = verify.proxy_document, verify.proxy_button
        self.tap(check.buttons["driving_licence"])
        self.qtbot.keyClicks(check.last, "72Q4")
        self.tap(button)

    def hand_over(self, name: str = "Collector") -> Any:
        page = self.screen.handover
        assert self.screen.pages.currentWidget() is page, self.screen.notice.text()
        page.name.setText(name)
        with self.qtbot.waitSignal(self.screen.receipt_shown, timeout=NETWORK_TIMEOUT_MS) as shown:
            self.tap(page.hand_over_button)
        self.settle()
        return shown.args[0]

    def sync(self) -> None:
        """One full sync round (after any round under way): what the hub logged is in the cache."""
        services = self.startup.services
        assert services is not None
        _finish(self.qtbot, services.sync.sync_now())

    def close(self) -> None:
        _finish(self.qtbot, self.startup.aclose())


@pytest.fixture
def counters(qtbot: QtBot) -> Iterator[list[Counter]]:
    made: list[Counter] = []
    yield made
    for counter in made:
        counter.close()


@pytest.fixture
def hub(request: pytest.FixtureRequest) -> Any:
    try:
        return request.getfixturevalue("hub_server_fn")
    except pytest.FixtureLookupError:
        pytest.skip("the hub_server_fn fixture (tests/conftest.py) is not available")


@pytest.fixture
def counter(qtbot: QtBot, tmp_path: Path, hub: Any, memory_keyring: Any, counters: list[Counter]) -> Counter:
    made = Counter(qtbot, tmp_path / "tablet", hub, memory_keyring, "Counter tablet 1", hub.staff_badge)
    counters.append(made)
    return made


def _db(hub: Any) -> sqlite3.Connection:
    return sqlite3.connect(hub.db_path)


def _at_hub(hub: Any, order_id: int) -> tuple[str, int, int]:
    """(pickup state, units collected, units cancelled) at the hub."""
    with _db(hub) as db:
        (state,) = db.execute("SELECT pickup_state FROM orders WHERE id = ?", (order_id,)).fetchone()
        collected, cancelled = db.execute(
            "SELECT coalesce(sum(qty_collected), 0), coalesce(sum(qty_cancelled), 0) FROM order_lines"
            " WHERE order_id = ?",
            (order_id,),
        ).fetchone()
    return state, collected, cancelled


def _db_time(moment: datetime) -> str:
    """A time as the hub's SQLite columns hold it (UTC, no zone)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def _stock_at_hub(hub: Any, sku: str) -> tuple[int, int]:
    """(on hand, held) of ``sku`` at the hub's store."""
    with _db(hub) as db:
        row = db.execute(
            "SELECT i.on_hand, i.held FROM inventory i JOIN products p ON p.id = i.product_id"
            " WHERE i.store_id = ? AND p.sku = ?",
            (hub.store_id, sku),
        ).fetchone()
    return (0, 0) if row is None else (row[0], row[1])


@dataclass(frozen=True)
class Variant:
    product_id: int
    sku: str
    name: str
    size: str | None
    colour: str | None


def _give_stock_of_a_sibling(hub: Any, line: OrderLine, *, avoid: set[str], available: int) -> Variant:
    """Another size or colour of ``line``'s style (none of ``avoid``; the one least on sale at the
    hub's store) with ``available`` units on sale there beyond those held; the change is logged
    for the stores' change feed, as the hub logs its own, so a tablet's next sync learns it."""
    with _db(hub) as db:
        candidates = db.execute(
            "SELECT p.id, p.sku, p.name, p.size, p.colour FROM products p"
            " LEFT JOIN inventory i ON i.product_id = p.id AND i.store_id = ?"
            " WHERE p.style = (SELECT style FROM products WHERE sku = ?) AND p.sku != ?"
            " ORDER BY coalesce(i.on_hand - i.held, 0), p.sku",
            (hub.store_id, line.sku, line.sku),
        ).fetchall()
        chosen = next((row for row in candidates if row[1] not in avoid), None)
        if chosen is None:
            pytest.fail(f"the seed has no other size or colour of {line.sku}")
        product_id, sku, name, size, colour = chosen
        now = _db_time(datetime.now(UTC))
        db.execute(
            "INSERT INTO inventory (store_id, product_id, on_hand, held, updated_at) VALUES (?, ?, ?, 0, ?)"
            " ON CONFLICT (store_id, product_id)"
            " DO UPDATE SET on_hand = held + excluded.on_hand, updated_at = excluded.updated_at",
            (hub.store_id, product_id, available, now),
        )
        db.execute(
            "INSERT INTO change_log (store_id, entity, entity_id, at) VALUES (?, 'stock', ?, ?)",
            (hub.store_id, product_id, now),
        )
    return Variant(product_id, sku, name, size, colour)


def test_a_scanned_order_code_is_handed_over_in_full_with_the_hubs_signed_receipt(
    counter: Counter, type_keys: Any, wedge: Any
) -> None:
    order = counter.ready_order()
    wedge.scanned.connect(counter.router.route)
    type_keys(counter.window.focusWidget() or counter.window, counter.hub.order_token(order.id))
    counter.settle()
    assert counter.screen.pages.currentWidget() is counter.screen.order, counter.screen.notice.text()
    assert counter.screen.order.title.text() == f"Pickup order #{order.number}"

    counter.tap(counter.screen.order.hand_over_button)  # the order code verified the collector
    receipt = counter.hand_over(order.customer_name or "Customer")

    assert receipt.status == "confirmed", (receipt.code, dict(receipt.params))
    page = counter.screen.receipt
    assert page.status.text() == "Confirmed by the back office."
    assert parse_token(page.qr.text)[0].kind == TokenKind.HANDOVER_RECEIPT
    state, collected, _ = _at_hub(counter.hub, order.id)
    assert state == "collected" and collected == sum(line.qty for line in order.lines)
    counter.tap(page.done_button)
    assert order.number not in " ".join(row.title for row in counter.screen.queue.model.shown_rows())


def test_a_partial_hand_over_after_an_id_check_leaves_the_rest_to_collect(counter: Counter) -> None:
    order = counter.ready_order()
    counter.open("order_number", order.number)
    counter.tap(counter.screen.order.hand_over_button)
    counter.check_id()
    first, *others = counter.screen.handover.rows
    first.stepper.set_value(0)
    for row in others:
        row.stepper.set_value(0)
    first.stepper.set_value(1)

    receipt = counter.hand_over()

    assert receipt.status == "confirmed" and receipt.pickup_state == "partially_collected"
    assert _at_hub(counter.hub, order.id)[:2] == ("partially_collected", 1)
    with _db(counter.hub) as db:
        method, kind, last = db.execute(
            "SELECT method, document_type, document_last FROM pickup_handovers WHERE order_id = ?",
            (order.id,),
        ).fetchone()
    assert (method, kind, last) == ("photo_id", "driving_licence", "72Q4")


def test_the_named_proxy_collects_with_their_id_and_anyone_else_is_refused(counter: Counter) -> None:
    order = counter.ready_order(proxy=True)
    assert order.proxy_name
    counter.open("order_number", order.number)
    assert order.proxy_name in counter.screen.order.proxy.text()
    counter.tap(counter.screen.order.hand_over_button)
    counter.check_id(proxy="Somebody Else")
    assert "not the one the customer named" in counter.screen.verify.notice.text()
    counter.check_id(proxy=order.proxy_name.upper())

    receipt = counter.hand_over(order.proxy_name)

    assert receipt.status == "confirmed", (receipt.code, dict(receipt.params))
    with _db(counter.hub) as db:
        (method,) = db.execute(
            "SELECT method FROM pickup_handovers WHERE order_id = ?", (order.id,)
        ).fetchone()
    assert method == "proxy_id"


def test_a_missing_item_is_cancelled_and_refunded_the_rest_handed_over(counter: Counter) -> None:
    order = counter.ready_order()
    counter.open("order", counter.hub.order_token(order.id))
    counter.tap(counter.screen.order.hand_over_button)
    first = counter.screen.handover.rows[0]
    first.stepper.set_value(0)
    first.rest.setCurrentIndex(first.rest.findData("missing"))

    receipt = counter.hand_over()

    assert receipt.status == "confirmed", (receipt.code, dict(receipt.params))
    assert any(
        "cancelled and refunded" in w.text()
        for w in counter.screen.receipt.details.findChildren(type(counter.screen.receipt.title))
    )
    assert _at_hub(counter.hub, order.id)[2] == to_collect(order.lines[0])
    with _db(counter.hub) as db:
        refunds = db.execute("SELECT count(*) FROM refunds WHERE order_id = ?", (order.id,)).fetchone()
    assert refunds[0] >= 1


def _swap_one_unit(counter: Counter) -> tuple[Order, OrderLine, Variant]:
    """A ready order opened by its number, the collector's ID checked, and another size or colour
    of one of its lines given stock at the hub (logged, and synced to this tablet): the hand-over
    page, with that line's last unit to be swapped for it (the rest of the order handed over)."""
    order = counter.ready_order()
    ordered = {line.sku for line in order.lines}
    line = next(
        (
            line
            for line in order.lines
            if to_collect(line) and sum(other.sku == line.sku for other in order.lines) == 1
        ),
        None,
    )
    assert line is not None, order
    variant = _give_stock_of_a_sibling(counter.hub, line, avoid=ordered, available=1)
    counter.sync()
    services = counter.startup.services
    assert services is not None
    offered = {option.sku: option.available_here for option in services.pickups.substitutes(line)}
    assert offered.get(variant.sku) == 1, offered  # the tablet's cache learned it

    counter.open("order_number", order.number)
    counter.tap(counter.screen.order.hand_over_button)
    counter.check_id()
    [row] = [row for row in counter.screen.handover.rows if row.line.line_no == line.line_no]
    row.stepper.set_value(row.left - 1)
    row.rest.setCurrentIndex(row.rest.findData("substitute"))
    assert row.swap.isVisible()
    index = row.swap.findData(variant.sku)
    assert index >= 0, [row.swap.itemText(n) for n in range(row.swap.count())]
    row.swap.setCurrentIndex(index)
    assert row.swap.currentText().endswith("— 1 here"), row.swap.currentText()
    return order, line, variant


def test_another_size_in_stock_here_is_handed_over_instead(counter: Counter) -> None:
    order, line, variant = _swap_one_unit(counter)
    original_before = _stock_at_hub(counter.hub, line.sku)
    substitute_before = _stock_at_hub(counter.hub, variant.sku)
    left = to_collect(line)

    receipt = counter.hand_over("Collector")

    assert receipt.status == "confirmed", (receipt.code, dict(receipt.params))
    assert counter.screen.receipt.status.text() == "Confirmed by the back office."
    [shown] = [r for r in receipt.lines if r.line_no == line.line_no]
    assert (shown.handed, shown.substituted, shown.cancelled) == (left - 1, 1, 0)
    assert shown.substitute_name == variant.name
    texts = [
        w.text() for w in counter.screen.receipt.details.findChildren(type(counter.screen.receipt.title))
    ]
    # The style's variants share a name: the receipt says which size and colour went instead.
    swapped_in = f"{variant.name} ({size_colour(variant.size, variant.colour)})"
    assert (shown.substitute_size, shown.substitute_colour) == (variant.size, variant.colour)
    assert any(f"1 × {swapped_in} handed over instead of {line.name}" in text for text in texts), texts

    with _db(counter.hub) as db:
        lines = {
            row[0]: row[1:]
            for row in db.execute(
                "SELECT line_no, product_id, qty, qty_collected, qty_cancelled, price_cents, substitutes_line"
                " FROM order_lines WHERE order_id = ?",
                (order.id,),
            )
        }
        (handovers,) = db.execute(
            "SELECT count(*) FROM pickup_handovers WHERE order_id = ? AND method = 'photo_id'", (order.id,)
        ).fetchone()
    [added] = [n for n, row in lines.items() if row[5] is not None]
    assert added > max(other.line_no for other in order.lines)
    assert lines[added] == (variant.product_id, 1, 1, 0, line.price_cents, line.line_no)
    assert lines[line.line_no][2:4] == (line.qty_collected + left - 1, line.qty_cancelled + 1)
    assert handovers == 1
    # The substitute left the shelf; the ordered unit it replaced went back on sale.
    assert _stock_at_hub(counter.hub, variant.sku) == (substitute_before[0] - 1, substitute_before[1])
    assert _stock_at_hub(counter.hub, line.sku) == (
        original_before[0] - (left - 1),
        original_before[1] - left,
    )


def test_a_substitute_sold_out_at_the_hub_since_the_tablet_cached_it_is_not_handed_over(
    counter: Counter,
) -> None:
    order, line, variant = _swap_one_unit(counter)
    with _db(counter.hub) as db:  # the last one sold at the till; this tablet has not heard yet
        db.execute(
            "UPDATE inventory SET on_hand = held WHERE store_id = ? AND product_id = ?",
            (counter.hub.store_id, variant.product_id),
        )
    before = _stock_at_hub(counter.hub, variant.sku), _stock_at_hub(counter.hub, line.sku)

    receipt = counter.hand_over("Collector")

    assert (receipt.status, receipt.code) == ("conflict", "substitute_out_of_stock"), dict(receipt.params)
    assert receipt.params["available"] == 0
    page = counter.screen.receipt
    assert page.title.text() == f"Order #{order.number} was not handed over"
    assert page.status.text() == "The back office did not accept it. It is listed under Needs attention."
    assert page.notice.isVisible()
    assert page.notice.text() == (
        f"{variant.sku} is no longer in stock here, so it was not handed over instead on order "
        f"#{order.number}. Choose another size or colour, or let the customer collect it later."
    )
    assert not page.qr.isVisible()
    assert _at_hub(counter.hub, order.id) == ("ready", 0, 0)
    with _db(counter.hub) as db:
        (lines,) = db.execute("SELECT count(*) FROM order_lines WHERE order_id = ?", (order.id,)).fetchone()
        (handovers,) = db.execute(
            "SELECT count(*) FROM pickup_handovers WHERE order_id = ?", (order.id,)
        ).fetchone()
    assert (lines, handovers) == (len(order.lines), 0)
    assert (_stock_at_hub(counter.hub, variant.sku), _stock_at_hub(counter.hub, line.sku)) == before


def test_an_overdue_order_is_put_back_on_sale_from_the_restock_tab(counter: Counter) -> None:
    order = counter.ready_order()
    with _db(counter.hub) as db:
        db.execute(
            "UPDATE orders SET pickup_deadline = ? WHERE id = ?",
            ((datetime.now(UTC) - timedelta(days=2)).replace(tzinfo=None).isoformat(sep=" "), order.id),
        )
        # Logged, as every write to a pickup order is: the hub serves its kept queue until then.
        db.execute(
            "INSERT INTO change_log (store_id, entity, entity_id, at) VALUES (?, 'pickup', ?, ?)",
            (counter.hub.store_id, order.id, _db_time(datetime.now(UTC))),
        )
    counter.screen.refresh()
    counter.settle()
    queue = counter.screen.queue
    counter.tap(queue.chips.buttons["restock"])
    rows = queue.model.shown_rows()
    [index] = [n for n, row in enumerate(rows) if f"#{order.number}" in row.title]
    rect = queue.view.visualRect(queue.model.index(index))
    counter.qtbot.mouseClick(queue.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert counter.screen.pages.currentWidget() is counter.screen.restock
    with counter.qtbot.waitSignal(counter.screen.receipt_shown, timeout=NETWORK_TIMEOUT_MS):
        counter.tap(counter.screen.restock.confirm_button)
    assert counter.screen.receipt.title.text() == f"Order #{order.number} put back on sale"
    assert _at_hub(counter.hub, order.id)[0] == "expired"


def test_a_hand_over_offline_of_an_order_another_tablet_collected_goes_to_needs_attention(
    qtbot: QtBot, tmp_path: Path, hub: Any, memory_keyring: Any, counter: Counter, counters: list[Counter]
) -> None:
    order = counter.ready_order()
    counter.open("order_number", order.number)  # this tablet has it on screen (and in its cache)
    other = Counter(qtbot, tmp_path / "other", hub, memory_keyring, "Counter tablet 2", hub.staff_badge)
    counters.append(other)
    other.open("order", hub.order_token(order.id))
    other.tap(other.screen.order.hand_over_button)
    assert other.hand_over().status == "confirmed"

    hub.stop()
    counter.tap(counter.screen.order.hand_over_button)
    counter.check_id()
    late = counter.hand_over()
    assert late.status == "waiting"
    assert counter.screen.receipt.status.text().startswith("Saved on this tablet — waiting to sync.")
    counter.tap(counter.screen.receipt.done_button)
    [row] = [row for row in counter.screen.queue.model.shown_rows() if f"#{order.number}" in row.title] or [
        None
    ]
    assert row is None or row.pill == "Waiting to sync"

    hub.restart()
    sync = counter.startup.services.sync
    _finish(qtbot, sync.sync_now())
    counter.window.show_attention()
    attention = counter.window.feature_widget("attention")
    texts = [attention.model.data(attention.model.index(n)) for n in range(attention.model.rowCount())]
    [text] = [t for t in texts if order.number in t]
    assert "Pickup handed over" in text
    assert "by Counter tablet 2. Check the bag is not handed over twice." in text
    assert _at_hub(hub, order.id)[0] == "collected"


def test_the_same_hand_over_from_two_tablets_is_applied_once(
    qtbot: QtBot, tmp_path: Path, hub: Any, memory_keyring: Any, counter: Counter, counters: list[Counter]
) -> None:
    order = counter.ready_order()
    other = Counter(qtbot, tmp_path / "other", hub, memory_keyring, "Counter tablet 2", hub.staff_badge)
    counters.append(other)
    for tablet in (counter, other):
        tablet.open("order", hub.order_token(order.id))
        tablet.tap(tablet.screen.order.hand_over_button)
    first = counter.hand_over()
    second = other.hand_over()

    assert first.status == "confirmed"
    assert (second.status, second.code) == ("conflict", "order_already_collected")
    assert other.screen.receipt.title.text() == f"Order #{order.number} was not handed over"
    assert (
        "by Counter tablet 1. Check the bag is not handed over twice." in other.screen.receipt.notice.text()
    )
    with _db(hub) as db:
        (handovers,) = db.execute(
            "SELECT count(*) FROM pickup_handovers WHERE order_id = ?", (order.id,)
        ).fetchone()
    assert handovers == 1


# -- bad input: a sentence on screen, nothing changed at the hub ---------------------------------------


def test_a_forged_an_expired_and_another_stores_order_code_are_refused(counter: Counter) -> None:
    from storeassist.hub.admin import issue_token

    order = counter.ready_order()
    code = counter.hub.order_token(order.id)
    forged = tampered(code)
    expired = issue_token(
        counter.hub.db_url, TokenKind.ORDER, order.id, now=datetime.now(UTC) - timedelta(days=2)
    )
    with _db(counter.hub) as db:
        other_id, other_number = db.execute(
            "SELECT id, number FROM orders WHERE store_id != ? AND pickup_state = 'ready' LIMIT 1",
            (counter.hub.store_id,),
        ).fetchone()
    cases = [
        (forged, "This code's signature does not check out. It was not issued by us."),
        (expired, "This code has expired. Ask the customer to refresh the code in their app."),
        (counter.hub.order_token(other_id), "This order is not waiting for pickup at this store."),
    ]
    for scanned, sentence in cases:
        counter.open("order", scanned)
        assert counter.screen.notice.text().startswith(sentence)
        assert counter.screen.pages.currentWidget() is counter.screen.queue
    counter.open("order_number", other_number)
    assert counter.screen.notice.text().startswith(
        f"Order #{other_number} is not waiting for pickup at this store."
    )
    assert _at_hub(counter.hub, order.id)[0] == "ready"


def test_a_collected_order_says_when_and_cannot_be_handed_over_again(counter: Counter) -> None:
    order = counter.ready_order()
    counter.open("order", counter.hub.order_token(order.id))
    counter.tap(counter.screen.order.hand_over_button)
    counter.hand_over()
    counter.open("order_number", order.number)
    assert (
        counter.screen.order.notice.text()
        == f"Order #{order.number} cannot be handed over: it is already collected."
    )
    assert not counter.screen.order.hand_over_button.isEnabled()


@pytest.mark.parametrize(("state", "words"), [("cancelled", "cancelled"), ("expired", "expired")])
def test_a_cancelled_or_expired_order_says_so_and_nothing_is_handed_over(
    counter: Counter, state: str, words: str
) -> None:
    order = counter.ready_order()
    with _db(counter.hub) as db:
        db.execute("UPDATE orders SET pickup_state = ? WHERE id = ?", (state, order.id))
        db.execute(
            "INSERT INTO change_log (store_id, entity, entity_id, at) VALUES (?, 'pickup', ?, ?)",
            (counter.hub.store_id, order.id, _db_time(datetime.now(UTC))),
        )
    counter.open("order_number", order.number)
    assert (
        counter.screen.order.notice.text() == f"Order #{order.number} cannot be handed over: it is {words}."
    )
    assert not counter.screen.order.hand_over_button.isEnabled()
    assert _at_hub(counter.hub, order.id) == (state, 0, 0)


def test_an_unpaid_order_is_not_handed_over(counter: Counter) -> None:
    order = counter.ready_order()
    with _db(counter.hub) as db:
        db.execute("UPDATE orders SET payment_state = 'unpaid' WHERE id = ?", (order.id,))
    counter.open("order_number", order.number)
    assert "not paid for yet" in counter.screen.order.notice.text()
    assert not counter.screen.order.hand_over_button.isEnabled()
    assert _at_hub(counter.hub, order.id)[0] == "ready"


def test_three_wrong_pickup_codes_lock_the_order_for_a_manager(counter: Counter) -> None:
    from storeassist.hub.services.pickup_codes import hash_pickup_code

    order = counter.ready_order()
    with _db(counter.hub) as db:
        db.execute(
            "UPDATE orders SET pickup_code_hash = ?, pickup_code_failures = 0, pickup_locked = 0"
            " WHERE id = ?",
            (hash_pickup_code(order.id, "482913"), order.id),
        )
    counter.open("order_number", order.number)
    counter.tap(counter.screen.order.hand_over_button)
    verify = counter.screen.verify
    counter.tap(verify.code_method)
    for _ in range(3):
        counter.qtbot.keyClicks(verify.code, "000000")
        counter.tap(verify.check_code_button)
    assert "only a manager can hand it over now" in verify.notice.text()
    assert not verify.check_code_button.isEnabled()
    counter.check_id()  # an associate checks their ID instead: still a manager's to hand over
    counter.screen.handover.name.setText("Collector")
    counter.tap(counter.screen.handover.hand_over_button)
    assert "only a manager can hand it over now" in counter.screen.handover.notice.text()
    assert counter.startup.services.outbox.pending_count() == 0, "refused before anything was written"
    assert _at_hub(counter.hub, order.id)[0] == "ready"


def test_quantities_out_of_range_cannot_be_entered(counter: Counter) -> None:
    order = counter.ready_order()
    counter.open("order", counter.hub.order_token(order.id))
    counter.tap(counter.screen.order.hand_over_button)
    row = counter.screen.handover.rows[0]
    for _ in range(row.left + 3):
        row.stepper.plus.click()
    assert row.handed == row.left and not row.stepper.plus.isEnabled()
    for _ in range(row.left + 3):
        row.stepper.minus.click()
    assert row.handed == 0 and not row.stepper.minus.isEnabled()
