"""The stock desk against the real hub: the catalog and stock the first sync keeps, a card made
fresher online, holds placed, listed, released, extended and put back, a hold taken offline that
the hub can no longer honour, and an endless-aisle order that lands in the store's pickups.

Each test has a hub of its own (holds change stock); "offline" is a client pointed at a port
nobody listens on, sharing the tablet's cache and outbox.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hub_tablets import HubTablet, enroll_tablet

from storeassist.client import HubClient
from storeassist.contract import AisleLine
from storeassist.domain.stock import StockActionInvalid
from storeassist.local import OutboxState
from storeassist.services.stock_desk import StockDesk

pytestmark = pytest.mark.anyio


@dataclass
class Tablet(HubTablet):
    """One enrolled tablet with its stock desk."""

    desk: StockDesk

    def offline_desk(self, client: HubClient) -> StockDesk:
        """The same tablet with the hub out of reach."""
        return StockDesk(client, self.cache, self.outbox, self.engine(client), self.hub.store_id, self.staff)


async def _tablet(hub: Any, folder: Path, name: str) -> Tablet:
    base = await enroll_tablet(hub, folder, name=name)
    desk = StockDesk(base.client, base.cache, base.outbox, base.sync, hub.store_id, base.staff)
    await base.sync.sync_now()  # the catalog, the kept stock and keys, as after start-up
    return Tablet(**base.parts(), desk=desk)


@pytest.fixture
async def tablet(hub_server_fn: Any, tmp_path: Path, anyio_backend: str) -> AsyncIterator[Tablet]:
    made = await _tablet(hub_server_fn, tmp_path / "tablet", "Stock tablet")
    yield made
    await made.aclose()


@pytest.fixture
async def unplugged(tablet: Tablet, refused_url: str) -> AsyncIterator[StockDesk]:
    async with HubClient(refused_url, tablet.credential, max_attempts=1) as client:
        yield tablet.offline_desk(client)


def _db(hub: Any) -> sqlite3.Connection:
    return sqlite3.connect(hub.db_path)


def _stocked_here(hub: Any, at_least: int = 3) -> tuple[str, int]:
    """A SKU with at least ``at_least`` units on sale at the hub's store, and how many."""
    with _db(hub) as db:
        row = db.execute(
            "SELECT p.sku, i.on_hand - i.held FROM inventory i JOIN products p ON p.id = i.product_id"
            " WHERE i.store_id = ? AND i.on_hand - i.held BETWEEN ? AND 20 ORDER BY p.sku LIMIT 1",
            (hub.store_id, at_least),
        ).fetchone()
    assert row is not None, "the seeded store has no SKU with stock to hold"
    return row[0], row[1]


def _hub_available(hub: Any, sku: str, store_id: int) -> int:
    with _db(hub) as db:
        (left,) = db.execute(
            "SELECT i.on_hand - i.held FROM inventory i JOIN products p ON p.id = i.product_id"
            " WHERE p.sku = ? AND i.store_id = ?",
            (sku, store_id),
        ).fetchone()
    return int(left)


def _hold_status(hub: Any, hold_id: str) -> tuple[str, str | None]:
    with _db(hub) as db:
        status, put_back = db.execute(
            "SELECT status, put_back_at FROM holds WHERE id = ?", (hold_id,)
        ).fetchone()
    return status, put_back


async def test_the_first_sync_fills_the_catalog_the_desk_searches_and_cards(tablet: Tablet) -> None:
    sku, on_sale = _stocked_here(tablet.hub)
    card = tablet.desk.card(sku)
    assert card.source == "cache" and card.here is not None
    assert card.here.available == on_sale and card.here.certainty == "fresh"
    assert card.grid.cells[(card.product.size, card.product.colour)].sku == sku
    words = card.product.name.split()
    found = tablet.desk.search(" ".join(w[:4] for w in words[-2:]))
    assert sku in {hit.product.sku for hit in found.hits} or len(found.hits) == 50
    assert tablet.desk.search(card.product.gtin).hits[0].product.sku == sku
    fresh = await tablet.desk.refresh_card(card)
    assert fresh.source == "online" and fresh.here is not None and fresh.here.available == on_sale


async def test_a_refreshed_card_leaves_out_a_kept_store_that_has_sold_out_since(tablet: Tablet) -> None:
    """The hub's answer names only stores with units on sale: a kept nearby store it leaves out is
    not shown with its old count as if the hub had just sent it."""
    hub = tablet.hub
    with _db(hub) as db:  # a SKU on sale here and at another store within 80 km (the chain's second)
        sku = db.execute(
            "SELECT p.sku FROM products p JOIN inventory a ON a.product_id = p.id AND a.store_id = ? "
            "JOIN inventory b ON b.product_id = p.id AND b.store_id = 2 "
            "WHERE a.on_hand > a.held AND b.on_hand > b.held ORDER BY p.sku LIMIT 1",
            (hub.store_id,),
        ).fetchone()[0]
    card = tablet.desk.card(sku)
    gone = 2
    assert gone in {place.store_id for place in card.nearby}
    with _db(tablet.hub) as db:
        db.execute(
            "UPDATE inventory SET on_hand = held WHERE store_id = ? AND product_id = "
            "(SELECT id FROM products WHERE sku = ?)",
            (gone, sku),
        )
    fresh = await tablet.desk.refresh_card(card)
    assert fresh.source == "online"
    assert gone not in {place.store_id for place in fresh.nearby}


async def test_a_hold_online_is_confirmed_listed_released_and_put_back(tablet: Tablet) -> None:
    sku, on_sale = _stocked_here(tablet.hub)
    customer = tablet.hub.customer_ids[0]
    receipt = await tablet.desk.place_hold(customer, sku, 2, 24)
    assert receipt.status == "confirmed" and receipt.reference is not None
    assert _hub_available(tablet.hub, sku, tablet.hub.store_id) == on_sale - 2
    board = await tablet.desk.holds()
    assert board.source == "online"
    [mine] = [h for h in board.active if h.id == receipt.reference]
    assert (mine.sku, mine.qty, mine.customer_id, mine.waiting_to_sync) == (sku, 2, customer, False)
    extended = await tablet.desk.extend(mine, 72)
    assert extended.status == "confirmed"
    released = await tablet.desk.release(mine)
    assert released.status == "confirmed"
    assert _hold_status(tablet.hub, mine.id)[0] == "released"
    assert _hub_available(tablet.hub, sku, tablet.hub.store_id) == on_sale
    [task] = [h for h in (await tablet.desk.holds()).to_put_back if h.id == mine.id]
    assert (await tablet.desk.put_back(task)).status == "confirmed"
    assert _hold_status(tablet.hub, mine.id)[1] is not None


async def test_a_hold_above_what_is_on_sale_is_refused_with_the_number_available(tablet: Tablet) -> None:
    sku, on_sale = _stocked_here(tablet.hub)
    with pytest.raises(StockActionInvalid) as refused:
        await tablet.desk.place_hold(tablet.hub.customer_ids[0], sku, on_sale + 1, 24)
    assert refused.value.code == "not_enough_stock" and refused.value.params["available"] == on_sale
    assert tablet.outbox.pending_count() == 0


async def test_an_offline_hold_the_hub_cannot_honour_needs_attention_with_what_was_available(
    tablet: Tablet, unplugged: StockDesk, tmp_path: Path
) -> None:
    sku, on_sale = _stocked_here(tablet.hub)
    other = await _tablet(tablet.hub, tmp_path / "other", "Second tablet")
    try:  # another tablet takes all but one unit while this one is offline
        taken = await other.desk.place_hold(tablet.hub.customer_ids[1], sku, on_sale - 1, 24)
        assert taken.status == "confirmed"
    finally:
        await other.aclose()
    waiting = await unplugged.place_hold(tablet.hub.customer_ids[0], sku, 2, 24)
    assert waiting.status == "waiting"
    offline_board = await unplugged.holds()
    assert [h.waiting_to_sync for h in offline_board.holds if h.id == waiting.reference] == [True]
    await tablet.sync.sync_now()  # the connection is back
    [refused] = tablet.outbox.needs_attention()
    assert refused.state is OutboxState.NEEDS_ATTENTION and refused.code == "not_enough_stock"
    assert refused.params["available"] == 1 and refused.params["requested"] == 2
    assert waiting.reference not in {h.id for h in (await tablet.desk.holds()).holds}


async def test_an_aisle_order_from_the_warehouse_lands_in_this_stores_pickups(tablet: Tablet) -> None:
    card = tablet.desk.card(_stocked_here(tablet.hub)[0])
    assert card.warehouse is not None and card.warehouse.available > 0
    receipt = await tablet.desk.aisle_order(
        tablet.hub.customer_ids[0], [AisleLine(sku=card.product.sku, qty=1)], None, "bopis"
    )
    assert receipt.status == "confirmed" and receipt.reference
    with _db(tablet.hub) as db:
        state, store = db.execute(
            "SELECT pickup_state, store_id FROM orders WHERE number = ?", (receipt.reference,)
        ).fetchone()
    assert (state, store) == ("placed", tablet.hub.store_id)
    with pytest.raises(StockActionInvalid) as here:
        await tablet.desk.aisle_order(
            tablet.hub.customer_ids[0], [AisleLine(sku=card.product.sku, qty=1)], tablet.hub.store_id, "ship"
        )
    assert here.value.code == "source_is_here"


async def test_offline_the_card_and_the_holds_come_from_the_tablet(
    tablet: Tablet, unplugged: StockDesk
) -> None:
    sku, _ = _stocked_here(tablet.hub)
    online = await tablet.desk.holds()
    card = unplugged.card(sku)
    assert await unplugged.refresh_card(card) is card
    offline = await unplugged.holds()
    assert offline.source == "cache" and offline.as_of == online.as_of
    assert [h.id for h in offline.holds] == [h.id for h in online.holds]
