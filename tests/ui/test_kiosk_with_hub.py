"""The kiosk end to end: the real kiosk app (``build_kiosk_app``) enrolled as a kiosk at a real hub
on loopback. A canary shopper scans their loyalty code and is greeted; after the idle reset their
name, loyalty id and points are in no widget, item model, log line or file of the kiosk's data
folder. A shopper collects a kiosk pickup with its code (the associates' queue then shows them
waiting), and starts a return that the associates' list shows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hub_apps import NETWORK_TIMEOUT_MS, finish, hub_or_skip
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from widget_texts import everything_shown, line_edits_with_history

from storeassist.app import build_kiosk_app
from storeassist.config import Settings
from storeassist.domain.kiosk import greeting_name
from storeassist.domain.tokens import TokenKind
from storeassist.hub.seed.pickups import pickup_code_for

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

CANARY_NAME = "Zebulon Canarywood"
CANARY_POINTS = 987_654


@pytest.fixture
def hub(request: pytest.FixtureRequest) -> Any:
    return hub_or_skip(request)


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path, hub: Any, memory_keyring: Any) -> Iterator[Any]:
    built = build_kiosk_app(
        Settings(hub_url=hub.url, device_name="Kiosk by the door"),
        tmp_path / "kiosk",
        training=False,
        keyring_backend=memory_keyring,
    )
    window = built.window
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    device = finish(qtbot, built.startup.start_enrolled(hub.url, hub.enroll_code()))
    assert device.kiosk is not None, "enrolled as a kiosk"
    finish(qtbot, device.sync.sync_now())  # keys, catalog and stock: nothing of a customer
    yield built
    finish(qtbot, built.startup.aclose())
    window.leave_kiosk_mode_for_tests()


def _canary(hub: Any) -> tuple[int, str]:
    """The first demo customer, renamed and given a distinctive balance; (id, loyalty id)."""
    customer_id = hub.customer_ids[0]
    with sqlite3.connect(hub.db_path) as db:
        db.execute(
            "UPDATE customers SET name = ?, points = ? WHERE id = ?",
            (CANARY_NAME, CANARY_POINTS, customer_id),
        )
        (loyalty_id,) = db.execute("SELECT loyalty_id FROM customers WHERE id = ?", (customer_id,)).fetchone()
    return customer_id, str(loyalty_id)


def _canary_words(loyalty_id: str) -> list[str]:
    points = f"{CANARY_POINTS:,}"
    return [CANARY_NAME, "Canarywood", loyalty_id, str(CANARY_POINTS), points, points.replace(",", "\u00a0")]


def test_a_shopper_greeted_at_the_kiosk_leaves_nothing_behind_after_the_idle_reset(
    qtbot: QtBot, kiosk: Any, hub: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    customer_id, loyalty_id = _canary(hub)
    window = kiosk.window
    screen = window.feature_screens["kiosk_shopper"]

    kiosk.router.route(hub.loyalty_token(customer_id))
    qtbot.waitUntil(lambda: greeting_name(CANARY_NAME) in screen.greeting.text(), timeout=NETWORK_TIMEOUT_MS)
    shown = "\n".join(everything_shown(window))
    assert "Zebulon C." in shown and "987,654" in shown and CANARY_NAME not in shown

    with qtbot.waitSignal(window.reset_done, timeout=NETWORK_TIMEOUT_MS):
        window.idle.reset.emit()  # what the idle timer does after 60 s
    left = "\n".join(everything_shown(window))
    log = caplog.text
    for word in _canary_words(loyalty_id):
        assert word not in left, f"{word!r} is still on the kiosk"
        assert word not in log, f"{word!r} was logged"
    assert line_edits_with_history(window) == []
    for path in (tmp_path / "kiosk").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for word in _canary_words(loyalty_id):
                assert word.encode() not in data, f"{word!r} is in {path.name}"


def test_a_shopper_collects_a_kiosk_pickup_with_its_code_and_the_counter_knows_they_wait(
    qtbot: QtBot, kiosk: Any, hub: Any
) -> None:
    with sqlite3.connect(hub.db_path) as db:
        (order_id,) = db.execute(
            "SELECT id FROM orders WHERE store_id = ? AND kiosk_pickup AND pickup_state = 'ready' "
            "AND payment_state = 'paid' AND NOT pickup_locked AND locker IS NULL ORDER BY id LIMIT 1",
            (hub.store_id,),
        ).fetchone()
    window = kiosk.window
    kiosk.router.route(hub.order_token(order_id))
    screen = window.feature_screens["kiosk_pickup"]
    qtbot.waitUntil(lambda: screen.collect_button.isVisible(), timeout=NETWORK_TIMEOUT_MS)
    qtbot.mouseClick(screen.collect_button, Qt.MouseButton.LeftButton)
    code = pickup_code_for(order_id)
    for digit in code:
        qtbot.mouseClick(screen.keypad.digit_keys[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.stages.currentWidget() is screen.answer_page, timeout=NETWORK_TIMEOUT_MS)
    assert screen.answer_where.text() == "Please collect it at the counter"
    with sqlite3.connect(hub.db_path) as db:
        (waiting,) = db.execute(
            "SELECT customer_waiting_since FROM orders WHERE id = ?", (order_id,)
        ).fetchone()
    assert waiting is not None, "the associates' queue shows the customer waiting"
    with qtbot.waitSignal(window.reset_done, timeout=NETWORK_TIMEOUT_MS):
        qtbot.mouseClick(screen.done_button, Qt.MouseButton.LeftButton)
    assert not any(code in text for text in everything_shown(window)), "the pickup code can be undone back"
    assert line_edits_with_history(window) == []


def test_a_return_started_at_the_kiosk_is_on_the_associates_list(qtbot: QtBot, kiosk: Any, hub: Any) -> None:
    from storeassist.hub.admin import issue_token

    with sqlite3.connect(hub.db_path) as db:
        (order_id,) = db.execute(
            "SELECT o.id FROM orders o JOIN order_lines l ON l.order_id = o.id "
            "JOIN products p ON p.id = l.product_id WHERE o.status = 'delivered' AND o.fulfilment = 'ship' "
            "AND o.payment_state = 'paid' AND p.category IN ('Tops', 'Knitwear', 'Shirts', 'Jeans') "
            "AND l.qty_returned = 0 AND o.placed_at > datetime('now', '-20 days') ORDER BY o.id DESC LIMIT 1"
        ).fetchone()
    code = issue_token(hub.db_url, TokenKind.PURCHASE_RECEIPT, order_id)
    window = kiosk.window
    kiosk.router.route(code)
    screen = window.feature_screens["kiosk_return"]
    qtbot.waitUntil(lambda: any(row.pick.isEnabled() for row in screen.rows), timeout=NETWORK_TIMEOUT_MS)
    row = next(row for row in screen.rows if row.pick.isEnabled())
    qtbot.mouseClick(row.pick, Qt.MouseButton.LeftButton)
    row.reason.setCurrentIndex(row.reason.findData("wrong_size"))
    qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.reference.text().startswith("K-"), timeout=NETWORK_TIMEOUT_MS)
    with sqlite3.connect(hub.db_path) as db:
        rows = db.execute("SELECT reference FROM kiosk_returns WHERE order_id = ?", (order_id,)).fetchall()
    assert [r[0] for r in rows] == [screen.reference.text()]
