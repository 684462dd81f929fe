"""The Stock screen end to end: the real app (``build_associate_app``) against a real hub on loopback.
A product with stock here is scanned, its card comes from the tablet's catalog and then the hub's
counts, and a hold for one of the store's customers is confirmed by the hub, which sets the unit
aside (held + 1) and lists it among the store's holds on screen."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hub_apps import NETWORK_TIMEOUT_MS, enrolled_app, finish, hub_or_skip
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storeassist.ui.stock_screen import StockScreen

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]


@pytest.fixture
def hub(request: pytest.FixtureRequest) -> Any:
    return hub_or_skip(request)


@pytest.fixture
def app(qtbot: QtBot, tmp_path: Path, hub: Any, memory_keyring: Any) -> Iterator[Any]:
    with enrolled_app(qtbot, tmp_path / "tablet", hub, memory_keyring, "Stock tablet") as built:
        yield built


def _product_and_customer(hub: Any) -> tuple[str, str, int, int, str]:
    """(sku, gtin, held at the hub, a customer id, their name) for a product on sale at the store."""
    with sqlite3.connect(hub.db_path) as db:
        sku, gtin, held = db.execute(
            "SELECT p.sku, p.gtin, i.held FROM inventory i JOIN products p ON p.id = i.product_id"
            " WHERE i.store_id = ? AND i.on_hand - i.held >= 2 ORDER BY p.id LIMIT 1",
            (hub.store_id,),
        ).fetchone()
        customer_id, name = db.execute(
            "SELECT id, name FROM customers WHERE preferred_store_id = ? ORDER BY id LIMIT 1", (hub.store_id,)
        ).fetchone()
    return sku, gtin, held, customer_id, name


def test_a_scanned_product_is_held_for_a_customer_at_the_hub_and_listed(
    qtbot: QtBot, app: Any, hub: Any
) -> None:
    window, runner = app.window, app.runner
    screen = window.feature_widget("stock")
    assert isinstance(screen, StockScreen)
    sku, gtin, held, customer_id, name = _product_and_customer(hub)

    shown: list[tuple[str, str]] = []
    screen.card_shown.connect(lambda sku, source: shown.append((sku, source)))
    window.open("product", gtin)
    qtbot.waitUntil(lambda: len(shown) == 2 and not runner.busy, timeout=NETWORK_TIMEOUT_MS)
    assert shown == [(sku, "cache"), (sku, "online")]  # the tablet's copy at once, then the hub's counts
    card = screen.card.card
    assert card is not None and card.here is not None and card.here.available >= 2
    assert screen.card.hold_button.isEnabled()

    qtbot.mouseClick(screen.card.hold_button, Qt.MouseButton.LeftButton)
    form = screen.hold_form
    form.customer.choose(customer_id, name)
    with qtbot.waitSignal(screen.receipt_shown, timeout=NETWORK_TIMEOUT_MS) as receipt:
        qtbot.mouseClick(form.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not runner.busy, timeout=NETWORK_TIMEOUT_MS)

    assert receipt.args[0].status == "confirmed", form.result.text()
    assert form.result.text().startswith("Held.")
    with sqlite3.connect(hub.db_path) as db:
        (now_held,) = db.execute(
            "SELECT i.held FROM inventory i JOIN products p ON p.id = i.product_id"
            " WHERE i.store_id = ? AND p.sku = ?",
            (hub.store_id, sku),
        ).fetchone()
        (holds,) = db.execute(
            "SELECT count(*) FROM holds h JOIN products p ON p.id = h.product_id"
            " WHERE p.sku = ? AND h.customer_id = ? AND h.status = 'active'",
            (sku, customer_id),
        ).fetchone()
    assert (now_held, holds) == (held + 1, 1)

    with qtbot.waitSignal(screen.holds_shown, timeout=NETWORK_TIMEOUT_MS):
        screen.show_holds()
    board = screen.holds.board
    assert board is not None
    assert any(h.sku == sku and h.customer_id == customer_id and h.status == "active" for h in board.holds)


def test_offline_a_card_comes_from_the_tablet_and_a_hold_the_hub_cannot_honour_needs_attention(
    qtbot: QtBot, app: Any, hub: Any
) -> None:
    """The hub out of reach: the scanned card is the tablet's, a hold is saved here and marked
    waiting; meanwhile the store sells all but one, so on sync the hub refuses the hold and Needs
    attention says how many were available."""
    window, runner = app.window, app.runner
    screen = window.feature_widget("stock")
    assert isinstance(screen, StockScreen)
    sku, gtin, _held, customer_id, name = _product_and_customer(hub)

    hub.stop()
    shown: list[tuple[str, str]] = []
    screen.card_shown.connect(lambda sku, source: shown.append((sku, source)))
    window.open("product", gtin)
    qtbot.waitUntil(lambda: not runner.busy, timeout=NETWORK_TIMEOUT_MS)
    assert shown == [(sku, "cache")]  # no fresher counts: the hub is away
    qtbot.mouseClick(screen.card.hold_button, Qt.MouseButton.LeftButton)
    form = screen.hold_form
    form.customer.choose(customer_id, name)
    qtbot.mouseClick(form.qty.plus, Qt.MouseButton.LeftButton)
    assert form.qty.value == 2
    with qtbot.waitSignal(screen.receipt_shown, timeout=NETWORK_TIMEOUT_MS) as receipt:
        qtbot.mouseClick(form.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not runner.busy, timeout=NETWORK_TIMEOUT_MS)
    assert receipt.args[0].status == "waiting", form.result.text()

    with sqlite3.connect(hub.db_path) as db:  # the store sells all but one meanwhile
        db.execute(
            "UPDATE inventory SET on_hand = held + 1 WHERE store_id = ? AND product_id = "
            "(SELECT id FROM products WHERE sku = ?)",
            (hub.store_id, sku),
        )
    hub.restart()
    services = app.startup.services
    finish(qtbot, services.sync.sync_now())
    window.show_attention()
    attention = window.feature_widget("attention")
    texts = [attention.model.data(attention.model.index(n)) for n in range(attention.model.rowCount())]
    [text] = [t for t in texts if sku in t]
    assert f"Only 1 of {sku} available to hold here; 2 asked." in text
