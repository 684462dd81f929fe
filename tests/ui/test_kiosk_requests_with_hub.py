"""What shoppers start at the kiosk, finished by an associate: the real app (``build_associate_app``)
and a real kiosk device at a real hub on loopback. A shopper's "ask an associate to hold it" shows on
the Stock screen's holds page until an associate taps Done; a return a shopper started shows on the
Returns screen, opens with receipt and the shopper's lines and reasons chosen, and once taken back
it leaves the list."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hub_apps import NETWORK_TIMEOUT_MS, enrolled_app, hub_or_skip
from hub_kiosks import enroll_kiosk
from hub_returns import make_order
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storeassist.ui.returns_screen import ReturnsScreen
from storeassist.ui.stock_screen import StockScreen

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]


@pytest.fixture
def hub(request: pytest.FixtureRequest) -> Any:
    return hub_or_skip(request)


@pytest.fixture
def app(qtbot: QtBot, tmp_path: Path, hub: Any, memory_keyring: Any) -> Iterator[Any]:
    with enrolled_app(qtbot, tmp_path / "tablet", hub, memory_keyring, "Counter tablet") as built:
        yield built


@pytest.fixture
def query_db(hub: Any) -> Any:
    """``query_db(hub.db_url, sql, *params)``, as the hub tests have it (the UI tests' hub is SQLite)."""

    def rows(_db: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(hub.db_path) as db:
            return db.execute(sql, params).fetchall()

    return rows


def _settle(qtbot: QtBot, app: Any) -> None:
    qtbot.waitUntil(lambda: not app.runner.busy, timeout=NETWORK_TIMEOUT_MS)


def test_a_shoppers_hold_request_shows_on_the_holds_page_until_done(
    qtbot: QtBot, app: Any, hub: Any, query_db: Any
) -> None:
    ((sku, name),) = query_db(
        hub.db_url,
        "SELECT p.sku, p.name FROM inventory i JOIN products p ON p.id = i.product_id "
        "WHERE i.store_id = 1 AND i.on_hand - i.held BETWEEN 2 AND 20 ORDER BY p.id LIMIT 1",
    )
    with enroll_kiosk(hub) as kiosk:
        answer = kiosk.post("/v1/kiosk/hold-requests", json={"sku": sku, "qty": 2})
        assert answer.status_code == 204, answer.text

    screen = app.window.feature_widget("stock")
    assert isinstance(screen, StockScreen)
    app.window.show_screen(screen)
    with qtbot.waitSignal(screen.requests_shown, timeout=NETWORK_TIMEOUT_MS) as shown:
        screen.show_holds()
    _settle(qtbot, app)
    assert shown.args == [1]
    page = screen.holds
    assert page.requests_section.isVisible() and page.requests_section.title.text() == (
        "Shoppers asking at the kiosk"
    )
    ((request_id, row),) = page.request_rows.items()
    texts = " ".join(child.text() for child in row.findChildren(type(page.status)))
    assert f"{name} × 2" in texts and "Hold it for a shopper" in texts

    done = next(b for b in row.findChildren(type(page.back_button)) if b.text() == "Done")
    with qtbot.waitSignal(screen.requests_shown, timeout=NETWORK_TIMEOUT_MS) as again:
        qtbot.mouseClick(done, Qt.MouseButton.LeftButton)
    _settle(qtbot, app)
    assert again.args == [0]
    assert page.request_rows == {} and not page.requests_section.isVisible()
    assert page.message.text() == "Done: it is off every associate's list."
    ((status, done_by),) = query_db(
        hub.db_url, "SELECT status, done_by FROM assist_requests WHERE id = ?", request_id
    )
    assert status == "done" and done_by == app.startup.services.staff.current.staff_id


def test_a_return_started_at_the_kiosk_opens_preselected_and_leaves_the_list_once_taken(
    qtbot: QtBot, app: Any, hub: Any, query_db: Any
) -> None:
    made = make_order(hub, query_db, lines=(2, 1), days_ago=3, unit_cents=1500)
    code = hub.order_token(made["id"])
    chosen = [
        {"line_no": 1, "qty": 2, "reason": "wrong_size"},
        {"line_no": 2, "qty": 1, "reason": "arrived_damaged"},
    ]
    with enroll_kiosk(hub) as kiosk:
        answer = kiosk.post("/v1/kiosk/returns", json={"code": code, "lines": chosen})
        assert answer.status_code == 200, answer.text
    reference = answer.json()["reference"]

    screen = app.window.feature_widget("returns")
    assert isinstance(screen, ReturnsScreen)
    with qtbot.waitSignal(screen.kiosk_returns_shown, timeout=NETWORK_TIMEOUT_MS) as shown:
        app.window.show_screen(screen)
    _settle(qtbot, app)
    assert shown.args == [1]
    find = screen.find_page
    assert find.kiosk_section.isVisible() and find.kiosk_section.title.text() == "Started at the kiosk"
    ((kiosk_return_id, button),) = find.kiosk_buttons.items()
    row_texts = " ".join(child.text() for child in button.parentWidget().findChildren(type(find.notice)))
    # Plural forms come from the English catalogue, not installed here: "2 line(s)".
    assert f"{reference} · order #{made['number']}" in row_texts
    assert "2 line" in row_texts and "3 unit" in row_texts and "started" in row_texts

    with qtbot.waitSignal(screen.order_shown, timeout=NETWORK_TIMEOUT_MS) as opened:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    _settle(qtbot, app)
    assert opened.args == [made["number"], "online"]
    assert screen.opened is not None and screen.opened.from_kiosk is not None
    assert screen.order.receipt_pill.text() == "With receipt"
    assert reference in screen.order.result.text()
    rows = {row.line.line_no: row for row in screen.order.rows}
    assert (rows[1].qty, rows[1].reason.currentData()) == (2, "wrong_size")
    assert (rows[2].qty, rows[2].reason.currentData()) == (1, "arrived_damaged")
    assert not screen.order.take_button.isEnabled(), "the associate still looks at each item's condition"
    rows[1].condition.setCurrentIndex(rows[1].condition.findData("resellable"))
    rows[2].condition.setCurrentIndex(rows[2].condition.findData("damaged"))
    assert screen.order.take_button.isEnabled() and screen.order.take_button.text() == "Take back"

    with qtbot.waitSignal(screen.receipt_shown, timeout=NETWORK_TIMEOUT_MS) as taken:
        qtbot.mouseClick(screen.order.take_button, Qt.MouseButton.LeftButton)
    _settle(qtbot, app)
    assert taken.args[0].status == "confirmed"
    ((status,),) = query_db(hub.db_url, "SELECT status FROM kiosk_returns WHERE id = ?", kiosk_return_id)
    assert status == "finished"

    with qtbot.waitSignal(screen.kiosk_returns_shown, timeout=NETWORK_TIMEOUT_MS) as again:
        qtbot.mouseClick(screen.receipt.done_button, Qt.MouseButton.LeftButton)
    _settle(qtbot, app)
    assert again.args == [0]
    assert find.kiosk_buttons == {} and not find.kiosk_section.isVisible()
