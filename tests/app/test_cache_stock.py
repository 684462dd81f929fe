"""The cache keeps the stock of several places (own store, nearest stores, warehouse) and answers
the stock desk's reads from it, offline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storeassist.contract import ChangeFeed, Product, StockLevel
from storeassist.contract.catalog import NearbyStore, StoreHold, StoreHolds
from storeassist.contract.sync import FeedProgress

PLACES = [
    NearbyStore(id=1, name="Main St", distance_km=0),
    NearbyStore(id=9, name="Harbour", distance_km=12.5),
    NearbyStore(id=4, name="Old Town", distance_km=3.2),
    NearbyStore(id=50, name="DC1", kind="warehouse", distance_km=80),
]


def _product(sku: str, style: str = "TRAIL", size: str | None = None) -> Product:
    return Product(
        sku=sku,
        gtin=f"{abs(hash(sku)) % 10**13:013d}",
        style=style,
        name="Trail shoe",
        brand="Acme",
        category="shoes",
        price_cents=8999,
        size=size,
    )


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _snapshot(cache, now: datetime) -> None:
    t = _epoch(now)
    cache.apply_feed(
        ChangeFeed(
            cursor="p1",
            has_more=True,
            products=[_product("S-40", size="40"), _product("S-41", size="41"), _product("R-1", "ROAD")],
            progress=FeedProgress(done=3, total=10),
        ),
        requested_cursor="",
        now=now,
    )
    cache.apply_feed(
        ChangeFeed(
            cursor="p2",
            has_more=False,
            stores=PLACES,
            stock_counts=[
                ("S-40", 1, 5, 1, t),
                ("S-40", 9, 2, 0, t - 3600),
                ("S-40", 4, 0, 0, t),
                ("S-40", 50, 400, 0, t),
                ("S-41", 1, 2, 2, t),
                ("S-41", 4, 3, 0, t),
            ],
            progress=FeedProgress(done=9, total=10),
        ),
        requested_cursor="p1",
        now=now,
    )


def test_counts_are_listed_own_store_first_then_by_distance_and_the_warehouse_last(cache, now):
    _snapshot(cache, now)

    levels = cache.stock_levels("S-40")

    assert [(lv.store_id, lv.kind, lv.on_hand, lv.held) for lv in levels] == [
        (1, "store", 5, 1),
        (4, "store", 0, 0),
        (9, "store", 2, 0),
        (50, "warehouse", 400, 0),
    ]
    assert levels[2].as_of == now.replace(microsecond=0) - timedelta(hours=1)
    assert levels[1].store_name == "Old Town" and levels[1].distance_km == 3.2
    assert [s.id for s in cache.kept_stores()] == [1, 4, 9, 50]
    assert cache.stock_levels("UNKNOWN") == []


def test_the_counter_reads_its_own_stores_stock_from_the_shared_table(cache, now):
    _snapshot(cache, now)

    here = cache.stock_here("S-40")
    assert here is not None and (here.store_id, here.on_hand, here.held) == (1, 5, 1)
    assert cache.stock_here("R-1") is None  # no count here
    assert cache.available_here_many(["S-40", "S-41", "R-1", "S-40"]) == {"S-40": 4, "S-41": 0}
    assert cache.available_here_many([]) == {}
    assert [v.product.sku for v in cache.style_variants("S-41")] == ["S-40"]
    assert cache.style_variants("S-40") == []  # S-41 is all held: not a substitute


def test_a_style_and_the_catalog_size_are_read_from_the_cache(cache, now):
    _snapshot(cache, now)

    assert [p.sku for p in cache.style_products("TRAIL")] == ["S-40", "S-41"]
    assert cache.style_products("NONE") == []
    assert cache.catalog_count() == 3


def test_a_new_list_of_places_replaces_the_old_and_its_stock_goes_with_it(cache, now):
    _snapshot(cache, now)
    later = _epoch(now) + 60

    cache.apply_feed(
        ChangeFeed(
            cursor="d1",
            has_more=False,
            stores=[PLACES[0], NearbyStore(id=7, name="Airport", distance_km=20), PLACES[3]],
            stock_counts=[("S-40", 7, 8, 0, later), ("S-40", 1, 3, 1, later)],
        ),
        requested_cursor="p2",
        now=now,
    )

    assert [(lv.store_id, lv.on_hand) for lv in cache.stock_levels("S-40")] == [(1, 3), (7, 8), (50, 400)]
    assert [s.name for s in cache.kept_stores()] == ["Main St", "Airport", "DC1"]


def test_a_fresher_count_from_the_hub_is_kept_and_an_older_one_is_not(cache, now):
    _snapshot(cache, now)

    def level(store_id: int, on_hand: int, at: datetime) -> StockLevel:
        return StockLevel(store_id=store_id, store_name="x", distance_km=1, on_hand=on_hand, as_of=at)

    cache.put_stock_levels("S-40", [level(9, 7, now + timedelta(minutes=5))])
    cache.put_stock_levels("S-40", [level(4, 9, now - timedelta(days=1))])  # older than the kept one
    cache.put_stock_levels("R-1", [level(4, 2, now)])  # a new count at a kept place
    cache.put_stock_levels("S-40", [level(33, 1, now)])  # a place not kept: nowhere to show it

    counts = {lv.store_id: lv.on_hand for lv in cache.stock_levels("S-40")}
    assert counts == {1: 5, 4: 0, 9: 7, 50: 400}
    assert [(lv.store_id, lv.on_hand) for lv in cache.stock_levels("R-1")] == [(4, 2)]


def test_a_snapshot_replaces_the_places_and_their_stock(cache, now):
    _snapshot(cache, now)

    cache.apply_feed(
        ChangeFeed(cursor="s2", has_more=False, products=[_product("N-1")]), requested_cursor="", now=now
    )

    assert cache.kept_stores() == []
    assert cache.stock_levels("S-40") == []
    assert cache.catalog_count() == 1


def test_the_hubs_last_list_of_holds_is_kept_for_offline(cache, now):
    assert cache.store_holds() is None
    hold = StoreHold(
        id="c-1",
        sku="S-40",
        product_name="Trail shoe",
        size="40",
        customer_id=7,
        customer_name="Ana P.",
        qty=1,
        placed_at=now,
        expires_at=now + timedelta(hours=24),
        status="active",
    )
    holds = StoreHolds(as_of=datetime(2026, 3, 2, 11, tzinfo=UTC), holds=[hold])

    cache.keep_store_holds(holds)

    assert cache.store_holds() == holds
