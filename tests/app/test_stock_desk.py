"""The stock desk over a real cache and outbox, with the hub's answers played by a small fake:
search, the product card (grid, places with their age, companions), fresher counts, holds placed
and laid over while they wait, refusals on the tablet, and the endless aisle."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from storeassist.client import HubUnreachable
from storeassist.contract import (
    AisleLine,
    ChangeFeed,
    Command,
    CommandResult,
    Hold,
    NearbyStore,
    Product,
    StaffSession,
    StockAnswer,
    StockLevel,
    StoreHold,
    StoreHolds,
)
from storeassist.domain.scan_codes import ScanKind, classify_scan, gtin_with_check_digit
from storeassist.domain.stock import ProductNotFound, StockActionInvalid
from storeassist.local import LocalCache, Outbox
from storeassist.services.stock_catalog import CatalogFill
from storeassist.services.stock_desk import StockDesk
from storeassist.services.view_customer import SignInRequired

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
HERE, NEAR, FAR, DC = 1, 2, 3, 99


def _product(
    n: int, sku: str, style: str, category: str, brand: str, size: str | None, colour: str
) -> Product:
    return Product(
        sku=sku,
        gtin=gtin_with_check_digit(f"400000{n:06d}"),
        style=style,
        name=f"{brand} {category} {style}",
        brand=brand,
        category=category,
        price_cents=4999,
        size=size,
        colour=colour,
        names={"ru": "Джинсы" if category == "Jeans" else "Вещь"},
        attributes={"material": "denim"},
    )


PRODUCTS = [
    _product(1, "J-BLU-30", "J", "Jeans", "Northline", "30", "Blue"),
    _product(2, "J-BLU-32", "J", "Jeans", "Northline", "32", "Blue"),
    _product(3, "J-BLK-30", "J", "Jeans", "Northline", "30", "Black"),
    _product(4, "J-BLK-32", "J", "Jeans", "Northline", "32", "Black"),
    _product(5, "T-WHT-M", "T", "Tops", "Kestrel", "M", "White"),  # goes with jeans, in stock
    _product(6, "B-TAN", "B", "Bags", "Northline", None, "Tan"),  # same brand, in stock
    _product(7, "S-RED-41", "S", "Shoes", "Kestrel", "41", "Red"),  # goes with jeans, none here
]


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _counts() -> list[tuple[str, int, int, int, int]]:
    fresh, old = _epoch(NOW - timedelta(hours=3)), _epoch(NOW - timedelta(days=5))
    return [
        ("J-BLU-30", HERE, 5, 1, fresh),
        ("J-BLU-32", HERE, 0, 0, fresh),
        ("J-BLK-30", HERE, 2, 0, fresh),
        ("T-WHT-M", HERE, 7, 0, fresh),
        ("B-TAN", HERE, 3, 0, fresh),
        ("S-RED-41", HERE, 0, 0, fresh),
        ("J-BLU-30", FAR, 9, 0, old),
        ("J-BLU-30", NEAR, 4, 2, fresh),
        ("J-BLU-30", DC, 500, 0, fresh),
    ]


class FakeHub:
    def __init__(self) -> None:
        self.stock_answer: StockAnswer | None = None
        self.holds_answer: StoreHolds | None = None

    async def stock(self, sku_or_gtin: str, store_id: int) -> StockAnswer:
        if self.stock_answer is None:
            raise HubUnreachable()
        return self.stock_answer

    async def store_holds(self, store_id: int) -> StoreHolds:
        if self.holds_answer is None:
            raise HubUnreachable()
        return self.holds_answer


class FakeSync:
    """Pushes the outbox at once: each waiting command answered by ``answer`` (None: offline)."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.answer: Callable[[Command], CommandResult] | None = None

    def push_soon(self) -> asyncio.Future[tuple[int, int]]:
        done: asyncio.Future[tuple[int, int]] = asyncio.get_running_loop().create_future()
        if self.answer is None:
            done.set_exception(HubUnreachable())
            return done
        batch = self.outbox.next_batch(500)
        self.outbox.mark_sent([c.id for c in batch])
        done.set_result((self.outbox.record_results([self.answer(c) for c in batch]), 0))
        return done


class Staff:
    def __init__(self) -> None:
        self.current: StaffSession | None = StaffSession(
            staff_id=3,
            name="Ana Associate",
            role="associate",
            store_id=HERE,
            session_token="t" * 32,
            idle_minutes=5,
            expires_at=NOW + timedelta(hours=8),
        )


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[LocalCache]:
    made = LocalCache(tmp_path / "cache.sqlite")
    stores = [
        NearbyStore(id=HERE, name="Here", distance_km=0),
        NearbyStore(id=NEAR, name="Near", distance_km=2.5),
        NearbyStore(id=FAR, name="Far", distance_km=9),
        NearbyStore(id=DC, name="DC1", kind="warehouse", distance_km=40),
    ]
    feed = ChangeFeed(cursor="c1", has_more=False, products=PRODUCTS, stores=stores, stock_counts=_counts())
    made.apply_feed(feed, requested_cursor="", now=NOW)
    yield made
    made.close()


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[Outbox]:
    made = Outbox(tmp_path / "outbox.sqlite")
    yield made
    made.close()


class Desk:
    def __init__(self, cache: LocalCache, outbox: Outbox) -> None:
        self.hub, self.sync, self.staff, self.fill = FakeHub(), FakeSync(outbox), Staff(), CatalogFill()
        self.cache, self.outbox = cache, outbox
        self.desk = StockDesk(
            self.hub,
            cache,
            outbox,
            self.sync,
            HERE,
            self.staff,
            currency="EUR",
            catalog_filling=self.fill,
            customer_name=lambda customer_id: {42: "Mia Chen"}.get(customer_id),
            clock=lambda: NOW,
            action_wait_s=0.5,
        )


@pytest.fixture
def setup(cache: LocalCache, outbox: Outbox) -> Desk:
    return Desk(cache, outbox)


def _applied(result: dict[str, Any]) -> Callable[[Command], CommandResult]:
    return lambda command: CommandResult(id=command.id, status="applied", result=result)


# -- finding a product ----------------------------------------------------------------------


def test_search_finds_products_with_the_units_on_sale_here(setup: Desk) -> None:
    answer = setup.desk.search("northline jea")
    found = {hit.product.sku: hit.available_here for hit in answer.hits}
    assert found["J-BLU-30"] == 4  # 5 on hand, 1 held
    assert found["J-BLU-32"] == 0
    assert "J-BLK-32" in found and found["J-BLK-32"] is None  # not stocked here
    assert not answer.catalog_filling


def test_search_in_russian_and_an_empty_query(setup: Desk) -> None:
    assert {hit.product.sku for hit in setup.desk.search("джин").hits} >= {"J-BLU-30", "J-BLK-32"}
    blank = setup.desk.search("   ")
    assert blank.hits == () and blank.query == ""


def test_search_says_the_catalog_is_still_filling(setup: Desk, tmp_path: Path, outbox: Outbox) -> None:
    setup.fill.note(type("Progress", (), {"finished": False})())
    assert setup.desk.search("jeans").catalog_filling
    setup.fill.note(type("Progress", (), {"finished": True})())
    assert not setup.desk.search("jeans").catalog_filling
    empty = LocalCache(tmp_path / "empty.sqlite")
    try:
        assert Desk(empty, outbox).desk.search("jeans").catalog_filling  # nothing cached yet
    finally:
        empty.close()


def test_the_card_shows_the_grid_here_nearby_and_the_warehouse_each_with_its_age(setup: Desk) -> None:
    card = setup.desk.card(" J-BLU-30 ")
    assert card.currency == "EUR" and card.source == "cache"
    grid = card.grid
    assert grid.sizes == ("30", "32") and grid.colours == ("Black", "Blue")
    assert grid.cells[("30", "Blue")].available_here == 4
    assert grid.cells[("32", "Blue")].available_here == 0
    assert grid.cells[("32", "Black")].available_here is None  # not stocked here
    assert card.here is not None and card.here.available == 4 and card.here.certainty == "fresh"
    assert [(p.store_name, p.available, p.certainty) for p in card.nearby] == [
        ("Near", 2, "fresh"),
        ("Far", 9, "uncertain"),  # five days old: "about 9", never a fact
    ]
    assert card.warehouse is not None and card.warehouse.kind == "warehouse"
    assert card.warehouse.available == 500


def test_a_card_opens_by_barcode_and_an_unknown_code_is_not_found(setup: Desk) -> None:
    assert setup.desk.card(PRODUCTS[2].gtin).product.sku == "J-BLK-30"
    with pytest.raises(ProductNotFound) as missing:
        setup.desk.card("4006381333931")
    assert missing.value.code == "4006381333931"
    with pytest.raises(ProductNotFound):
        setup.desk.card("  ")


def test_an_ean_8_and_a_upc_a_scanned_open_their_products_cards(setup: Desk) -> None:
    """A GTIN-8 is kept and passed on as its 8 digits; a UPC-A as the GTIN-13 with a leading 0."""
    ean8, upca = gtin_with_check_digit("9638507"), gtin_with_check_digit("03600029145")
    small = _product(9, "G-8", "G", "Beauty", "Kestrel", None, "Clear").model_copy(update={"gtin": ean8})
    upc = _product(10, "U-12", "U", "Beauty", "Kestrel", None, "Clear").model_copy(
        update={"gtin": "0" + upca}
    )
    feed = ChangeFeed(cursor="c2", has_more=False, products=[small, upc])
    setup.cache.apply_feed(feed, requested_cursor="c1", now=NOW)
    for scanned, sku in ((ean8, "G-8"), (upca, "U-12")):
        code = classify_scan(scanned)
        assert code.kind is ScanKind.PRODUCT
        assert setup.desk.card(code.text).product.sku == sku


def test_companions_are_in_stock_here_with_their_reason(setup: Desk) -> None:
    companions = {
        c.product.sku: (c.reason_code, dict(c.reason_params)) for c in setup.desk.card("J-BLU-30").companions
    }
    assert companions["T-WHT-M"] == ("goes_with", {"category": "Jeans"})
    assert companions["B-TAN"] == ("same_brand", {"brand": "Northline"})
    assert "S-RED-41" not in companions  # none on sale here
    assert not any(sku.startswith("J-") for sku in companions)  # never its own style


def test_a_count_older_than_the_stores_setting_is_uncertain(cache: LocalCache, outbox: Outbox) -> None:
    strict = StockDesk(
        FakeHub(), cache, outbox, FakeSync(outbox), HERE, Staff(), fresh_for=timedelta(hours=1)
    )
    strict_card = strict.card("J-BLU-30")
    assert strict_card.here is not None and strict_card.here.certainty == "uncertain"


async def test_fresher_counts_from_the_hub_are_shown_and_kept(setup: Desk) -> None:
    card = setup.desk.card("J-BLU-30")
    level = StockLevel(store_id=HERE, store_name="Here", distance_km=0, on_hand=8, held=1, as_of=NOW)
    far = StockLevel(store_id=FAR, store_name="Far", distance_km=9, on_hand=3, held=0, as_of=NOW)
    setup.hub.stock_answer = StockAnswer(product=PRODUCTS[0], here=level, nearby=[far], warehouse=None)
    fresh = await setup.desk.refresh_card(card)
    assert fresh.source == "online"
    assert fresh.here is not None and fresh.here.available == 7
    assert fresh.grid.cells[("30", "Blue")].available_here == 7
    assert {p.store_name: p.certainty for p in fresh.nearby}["Far"] == "fresh"
    kept = setup.desk.card("J-BLU-30")
    assert kept.here is not None and kept.here.available == 7 and kept.source == "cache"


async def test_offline_the_card_stays_as_it_was(setup: Desk) -> None:
    card = setup.desk.card("J-BLU-30")
    assert await setup.desk.refresh_card(card) is card


# -- holds ----------------------------------------------------------------------------------


async def test_a_hold_above_what_is_on_sale_is_refused_with_the_number_available(setup: Desk) -> None:
    with pytest.raises(StockActionInvalid) as refused:
        await setup.desk.place_hold(42, "J-BLU-30", 5, 24)
    assert refused.value.code == "not_enough_stock"
    assert dict(refused.value.params) == {"sku": "J-BLU-30", "available": 4, "requested": 5}
    assert setup.outbox.pending_count() == 0  # nothing written


async def test_a_hold_offline_waits_is_off_sale_and_shows_in_the_list(setup: Desk) -> None:
    receipt = await setup.desk.place_hold(42, "J-BLU-30", 3, 24)
    assert receipt.status == "waiting" and receipt.expires_at == NOW + timedelta(hours=24)
    card = setup.desk.card("J-BLU-30")
    assert card.waiting_holds == 3
    assert card.here is not None and card.here.available == 1
    assert card.grid.cells[("30", "Blue")].available_here == 1
    with pytest.raises(StockActionInvalid) as refused:
        await setup.desk.place_hold(42, "J-BLU-30", 2, 24)  # only 1 left, counting the first
    assert refused.value.params["available"] == 1
    board = await setup.desk.holds()
    assert board.source == "cache" and board.as_of is None
    [row] = board.holds
    assert row.id == receipt.reference and row.waiting_to_sync and row.status == "active"
    assert (row.customer_name, row.qty, row.size, row.colour) == ("Mia Chen", 3, "30", "Blue")


async def test_a_hold_the_hub_applies_is_confirmed_and_one_it_refuses_says_how_many(setup: Desk) -> None:
    expiry = (NOW + timedelta(hours=48)).isoformat()
    setup.sync.answer = lambda c: CommandResult(
        id=c.id, status="applied", result={"hold_id": str(c.id), "expires_at": expiry}
    )
    confirmed = await setup.desk.place_hold(42, "J-BLU-30", 1, 48)
    assert confirmed.status == "confirmed" and confirmed.expires_at == NOW + timedelta(hours=48)
    assert confirmed.reference is not None
    setup.sync.answer = lambda c: CommandResult(
        id=c.id,
        status="conflict",
        code="not_enough_stock",
        params={"sku": "J-BLU-30", "available": 0, "requested": 1},
    )
    refused = await setup.desk.place_hold(42, "J-BLU-30", 1, 48)
    assert refused.status == "conflict" and refused.code == "not_enough_stock"
    assert refused.params["available"] == 0
    assert len(setup.outbox.needs_attention()) == 1


def _store_hold(hold_id: str, status: str = "active", **changes: Any) -> StoreHold:
    fields: dict[str, Any] = {
        "id": hold_id,
        "sku": "J-BLU-30",
        "product_name": "Jeans",
        "customer_id": 7,
        "customer_name": "Ola K.",
        "qty": 1,
        "placed_at": NOW - timedelta(hours=5),
        "expires_at": NOW + timedelta(hours=19),
        "status": status,
    }
    return StoreHold.model_validate({**fields, **changes})


async def test_the_hubs_holds_with_this_tablets_changes_laid_over(setup: Desk) -> None:
    ended = _store_hold("h-ended", "expired", ended_at=NOW - timedelta(hours=1))
    setup.hub.holds_answer = StoreHolds(as_of=NOW, holds=[_store_hold("h-1"), _store_hold("h-2"), ended])
    board = await setup.desk.holds()
    assert board.source == "online" and [h.id for h in board.active] == ["h-1", "h-2"]
    assert [h.id for h in board.to_put_back] == ["h-ended"]
    one, two = board.active
    assert (await setup.desk.release(one)).status == "waiting"
    assert (await setup.desk.extend(two, 72)).status == "waiting"
    assert (await setup.desk.put_back(board.to_put_back[0])).status == "waiting"
    setup.hub.holds_answer = None  # offline now: the kept list, with the changes over it
    board = await setup.desk.holds()
    shown = {h.id: h for h in board.holds}
    assert board.source == "cache" and board.as_of == NOW
    assert shown["h-1"].status == "released" and shown["h-1"].waiting_to_sync
    assert shown["h-2"].expires_at == NOW + timedelta(hours=72) and shown["h-2"].waiting_to_sync
    assert shown["h-ended"].put_back_at == NOW
    assert [h.id for h in board.to_put_back] == ["h-1"]  # released here: now the floor's task
    assert [h.id for h in board.holds] == ["h-2", "h-1", "h-ended"]  # active, then newest ended


async def test_another_stores_hold_and_an_ended_one_are_refused_here(setup: Desk) -> None:
    theirs = Hold(id="h-9", sku="J-BLU-30", product_name="Jeans", store_id=NEAR, qty=1, expires_at=NOW)
    for action in (setup.desk.release(theirs), setup.desk.extend(theirs, 24), setup.desk.put_back(theirs)):
        with pytest.raises(StockActionInvalid) as refused:
            await action
        assert refused.value.code == "hold_at_another_store"
        assert dict(refused.value.params) == {"hold_id": "h-9", "store_id": NEAR}
    setup.hub.holds_answer = StoreHolds(as_of=NOW, holds=[_store_hold("h-1"), _store_hold("h-x", "released")])
    active, released = (await setup.desk.holds()).holds
    with pytest.raises(StockActionInvalid) as ended:
        await setup.desk.release(released)
    assert ended.value.code == "hold_not_active" and ended.value.params["status"] == "released"
    with pytest.raises(StockActionInvalid) as still:
        await setup.desk.put_back(active)
    assert still.value.code == "hold_still_active"
    with pytest.raises(StockActionInvalid) as too_long:
        await setup.desk.extend(active, 169)
    assert too_long.value.code == "payload_out_of_bounds"
    assert setup.outbox.pending_count() == 0


async def test_holds_need_someone_signed_in(setup: Desk) -> None:
    setup.staff.current = None
    with pytest.raises(SignInRequired):
        await setup.desk.holds()
    with pytest.raises(SignInRequired):
        await setup.desk.place_hold(42, "J-BLU-30", 1, 24)
    assert setup.desk.card("J-BLU-30").product.sku == "J-BLU-30"  # finding stock needs nobody


async def test_bad_hold_requests_are_refused_before_anything_is_written(setup: Desk) -> None:
    cases = [
        (0, "J-BLU-30", 1, 24, "no_customer"),
        (42, "NOPE", 1, 24, "catalog_unknown_sku"),
        (42, "J-BLU-30", 0, 24, "payload_out_of_bounds"),
        (42, "J-BLU-30", 1, 0, "payload_out_of_bounds"),
    ]
    for customer, sku, qty, hours, code in cases:
        with pytest.raises(StockActionInvalid) as refused:
            await setup.desk.place_hold(customer, sku, qty, hours)
        assert refused.value.code == code
    assert setup.outbox.pending_count() == 0


async def test_a_sku_longer_than_the_contract_allows_is_a_typed_refusal_not_a_traceback(setup: Desk) -> None:
    """A catalog that let in a 40-character SKU: holding it is refused naming the field."""
    long_sku = "L" * 40
    product = _product(8, long_sku, "L", "Tops", "Kestrel", "M", "Grey")
    feed = ChangeFeed(
        cursor="c2", has_more=False, products=[product], stock_counts=[(long_sku, HERE, 5, 0, 0)]
    )
    setup.cache.apply_feed(feed, requested_cursor="c1", now=NOW)
    with pytest.raises(StockActionInvalid) as refused:
        await setup.desk.place_hold(42, long_sku, 1, 24)
    assert (refused.value.code, refused.value.params) == ("invalid_command", {"field": "payload.sku"})
    assert setup.outbox.pending_count() == 0


# -- the endless aisle ----------------------------------------------------------------------


async def test_an_aisle_order_is_checked_against_the_source_then_sent(setup: Desk) -> None:
    with pytest.raises(StockActionInvalid) as here:
        await setup.desk.aisle_order(42, [AisleLine(sku="J-BLU-30", qty=1)], HERE, "bopis")
    assert here.value.code == "source_is_here"
    with pytest.raises(StockActionInvalid) as short:
        await setup.desk.aisle_order(42, [AisleLine(sku="J-BLU-30", qty=3)], NEAR, "ship")
    assert dict(short.value.params) == {"sku": "J-BLU-30", "available": 2, "requested": 3}
    # An old count at the source is no reason to refuse: the hub decides.
    waiting = await setup.desk.aisle_order(42, [AisleLine(sku="J-BLU-30", qty=9)], FAR, "ship")
    assert waiting.status == "waiting" and waiting.reference is None
    setup.sync.answer = _applied({"order_number": "A-10001", "order_id": 501})
    done = await setup.desk.aisle_order(
        42, [AisleLine(sku="J-BLU-30", qty=1), AisleLine(sku="J-BLU-30", qty=1)], None, "bopis"
    )
    assert done.status == "confirmed" and done.reference == "A-10001"
