"""The cache is a disposable replica: rebuilt when missing, damaged or from another schema."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

from storeassist.contract import (
    ChangeFeed,
    PickupQueue,
    Product,
    PublicKeys,
    Recommendation,
    RecommendationList,
    RevokedCard,
    StockLevel,
)
from storeassist.local import LocalCache
from storeassist.local.cache import SCHEMA_VERSION


def _product(sku: str, gtin: str = "4006381333931") -> Product:
    return Product(
        sku=sku, gtin=gtin, style="S1", name="Trail shoe", brand="Acme", category="shoes", price_cents=8999
    )


def _level(now, on_hand: int = 4) -> StockLevel:
    return StockLevel(store_id=1, store_name="Main St", distance_km=0, on_hand=on_hand, as_of=now)


def test_a_missing_cache_is_created_empty(tmp_path):
    cache = LocalCache(tmp_path / "cache.sqlite")
    try:
        assert cache.rebuilt_reason == "missing"
        assert cache.cursor() == ""
    finally:
        cache.close()


def test_a_healthy_cache_is_reopened_with_its_data(tmp_path, now):
    first = LocalCache(tmp_path / "cache.sqlite")
    first.apply_feed(
        ChangeFeed(cursor="c1", has_more=False, products=[_product("SKU-1")]), requested_cursor="", now=now
    )
    first.close()

    second = LocalCache(tmp_path / "cache.sqlite")
    try:
        assert second.rebuilt_reason is None
        assert second.cursor() == "c1"
        assert second.product("SKU-1") is not None
    finally:
        second.close()


def test_a_file_that_is_not_a_database_is_replaced(tmp_path):
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"this is not SQLite" * 100)

    cache = LocalCache(path)
    try:
        assert cache.rebuilt_reason == "corrupt"
        assert cache.cursor() == ""
    finally:
        cache.close()


def test_a_cache_with_damaged_pages_is_replaced(tmp_path, now):
    path = tmp_path / "cache.sqlite"
    cache = LocalCache(path)
    products = [_product(f"SKU-{i}", gtin=f"{i:013d}") for i in range(400)]
    cache.apply_feed(ChangeFeed(cursor="c1", has_more=False, products=products), requested_cursor="", now=now)
    cache.close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[2 * page : 6 * page] = b"\xff" * (4 * page)  # scribble over b-tree pages, as a bad sector would
    path.write_bytes(bytes(data))

    reopened = LocalCache(path)
    try:
        assert reopened.rebuilt_reason == "corrupt"
        assert reopened.product("SKU-1") is None
    finally:
        reopened.close()


def test_a_cache_from_another_schema_version_is_replaced(tmp_path, now):
    path = tmp_path / "cache.sqlite"
    cache = LocalCache(path)
    cache.apply_feed(ChangeFeed(cursor="c9", has_more=False), requested_cursor="", now=now)
    cache.close()
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 7}")
    raw.close()

    reopened = LocalCache(path)
    try:
        assert reopened.rebuilt_reason == "schema"
        assert reopened.cursor() == ""
    finally:
        reopened.close()


def test_suggestions_kept_by_the_build_before_reason_codes_are_dropped_with_their_cache(tmp_path, now):
    """Version 3 kept each suggestion's reason as an English sentence; such a file is made fresh
    (its rows are not read as today's shape), and what is kept now reads back with its code."""
    path = tmp_path / "cache.sqlite"
    cache = LocalCache(path)
    item = Recommendation(
        product=_product("SKU-2"),
        score=0.5,
        reason_code="viewed_online",
        reason_params={"views": 2, "days": 1},
        availability="here",
    )
    cache.store_recommendations(RecommendationList(customer_id=7, store_id=1, items=[item]), now=now)
    assert cache.recommendations(7, now=now) == RecommendationList(customer_id=7, store_id=1, items=[item])
    cache.close()
    old_item = item.model_dump(mode="json", exclude={"reason_code", "reason_params"})
    old_item["reason"] = "viewed online 2 times this week"
    old_list = json.dumps({"customer_id": 7, "store_id": 1, "items": [old_item]})
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE customer_recommendations SET data = ?", (old_list,))
        raw.execute("PRAGMA user_version = 3")
    raw.close()

    reopened = LocalCache(path)
    try:
        assert SCHEMA_VERSION >= 4
        assert reopened.rebuilt_reason == "schema"
        assert reopened.recommendations(7, now=now) is None
    finally:
        reopened.close()


def test_a_snapshot_replaces_the_replica_and_deltas_update_it(cache, now, make_pickup):
    cache.apply_feed(
        ChangeFeed(
            cursor="snap-1",
            has_more=False,
            products=[_product("OLD", gtin="0000000000017")],
            pickups=[make_pickup(1, "ready", now)],
        ),
        requested_cursor="",
        now=now,
    )
    cache.apply_feed(
        ChangeFeed(
            cursor="snap-2",
            has_more=False,
            products=[_product("SKU-1")],
            stock=[("SKU-1", _level(now))],
            pickups=[make_pickup(2, "ready", now), make_pickup(3, "picking", now)],
        ),
        requested_cursor="",
        now=now,
    )
    assert cache.product("OLD") is None
    assert cache.product("4006381333931").sku == "SKU-1"  # found by GTIN as scanned

    cache.apply_feed(
        ChangeFeed(
            cursor="delta-1",
            has_more=False,
            stock=[("SKU-1", _level(now, on_hand=1))],
            pickups=[make_pickup(2, "collected", now)],
        ),
        requested_cursor="snap-2",
        now=now,
    )
    assert cache.cursor() == "delta-1"
    assert cache.stock_here("SKU-1").on_hand == 1
    assert [o.id for o in cache.open_pickups()] == [3]
    assert cache.pickup("W000002").pickup_state == "collected"


def test_personal_data_expires_and_is_purged(tmp_path, now, make_profile):
    cache = LocalCache(tmp_path / "cache.sqlite", personal_data_ttl=timedelta(days=30))
    try:
        cache.store_profile(make_profile(7, as_of=now - timedelta(hours=1)), now=now)
        cache.apply_feed(
            ChangeFeed(cursor="c", has_more=False, customers=[make_profile(8)]), requested_cursor="", now=now
        )

        kept = cache.profile(7, now=now + timedelta(days=29))
        assert kept is not None
        assert kept.as_of == now - timedelta(hours=1)
        assert kept.profile.customer.id == 7
        assert cache.profile(8, now=now) is not None

        assert cache.profile(7, now=now + timedelta(days=30, seconds=1)) is None
        assert cache.purge_expired(now=now + timedelta(days=31)) == 2
        assert cache.profile(7, now=now) is None
    finally:
        cache.close()


def test_public_keys_and_revoked_cards_are_kept_for_offline_checks(cache, signing_key, now):
    from storeassist.domain.tokens import public_key_to_text

    cache.set_public_keys(PublicKeys(keys={1: public_key_to_text(signing_key.public_key()), 2: "damaged"}))
    cache.apply_feed(
        ChangeFeed(cursor="c", has_more=False, revoked=[RevokedCard(customer_id=7, serial=3)]),
        requested_cursor="",
        now=now,
    )

    assert list(cache.verification_keys()) == [1]
    assert cache.is_revoked(7, 3)
    assert not cache.is_revoked(7, 4)


def test_rebuild_starts_empty_so_the_next_sync_pulls_a_snapshot(cache, now):
    cache.apply_feed(
        ChangeFeed(cursor="c5", has_more=False, products=[_product("SKU-1")]), requested_cursor="", now=now
    )
    cache.rebuild("corrupt")
    assert cache.cursor() == ""
    assert cache.product("SKU-1") is None
    assert cache.rebuilt_reason == "corrupt"


def _variant(sku: str, gtin: str, style: str, size: str) -> Product:
    return Product(
        sku=sku,
        gtin=gtin,
        style=style,
        name=f"Trail shoe {size}",
        brand="Acme",
        category="shoes",
        price_cents=8999,
        size=size,
    )


def test_other_sizes_of_a_style_on_sale_here_are_its_substitutes(cache, now):
    products = [
        _variant("S-40", "0000000000017", "TRAIL", "40"),
        _variant("S-41", "0000000000024", "TRAIL", "41"),
        _variant("S-42", "0000000000031", "TRAIL", "42"),
        _variant("S-43", "0000000000048", "TRAIL", "43"),
        _variant("R-41", "0000000000055", "ROAD", "41"),
    ]
    held = StockLevel(store_id=1, store_name="Main St", distance_km=0, on_hand=2, held=2, as_of=now)
    stock = [("S-40", _level(now, 3)), ("S-41", _level(now)), ("S-42", held), ("R-41", _level(now))]
    cache.apply_feed(
        ChangeFeed(cursor="c1", has_more=False, products=products, stock=stock), requested_cursor="", now=now
    )

    variants = cache.style_variants("S-41")

    # Not itself, not another style, not one all held for orders, not one with no stock row here.
    assert [(v.product.sku, v.available) for v in variants] == [("S-40", 3)]
    assert cache.style_variants("UNKNOWN") == []


def test_the_hubs_queue_replaces_the_open_pickups_it_no_longer_lists_only_when_complete(
    cache, now, make_pickup
):
    cache.apply_feed(
        ChangeFeed(
            cursor="c1", has_more=False, pickups=[make_pickup(1, "ready", now), make_pickup(2, "ready", now)]
        ),
        requested_cursor="",
        now=now,
    )
    assert cache.pickups_as_of() == now
    later = now + timedelta(minutes=5)
    handed_elsewhere = make_pickup(1, "partially_collected", now)

    cache.store_pickup_queue(PickupQueue(store_id=1, as_of=later, orders=[handed_elsewhere]), complete=False)
    assert {(o.id, o.pickup_state) for o in cache.open_pickups()} == {
        (1, "partially_collected"),
        (2, "ready"),
    }

    cache.store_pickup_queue(PickupQueue(store_id=1, as_of=later, orders=[handed_elsewhere]), complete=True)
    assert [o.id for o in cache.open_pickups()] == [1]
    assert cache.pickups_as_of() == later
    assert cache.pickup_by_id(1) == handed_elsewhere and cache.pickup_by_id(2) is None


def test_a_pickup_changed_on_disk_is_read_as_it_now_is(cache, now, make_pickup):
    order = make_pickup(1, "ready", now)
    cache.store_pickup(order)
    assert cache.open_pickups() == [order]
    changed = order.model_copy(update={"pickup_bin": "B-07"})
    with sqlite3.connect(cache.path) as raw:
        raw.execute("UPDATE pickups SET data = ? WHERE order_id = 1", (changed.model_dump_json(),))
    raw.close()

    assert cache.open_pickups() == [changed]
