"""The demo chain generator: same seed, same chain; every pickup state at every store; valid
barcodes; names in three scripts; a chain at schema head that others can build on."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from storeassist.domain.scan_codes import gtin_check_digit_ok
from storeassist.hub.db.schema import current_revision, head_revision
from storeassist.hub.seed import SeedTargetNotEmpty, demo_customers, demo_pickups, seed_chain
from storeassist.hub.staff_pins import verify_pin

PICKUP_STATES = {"placed", "picking", "ready", "partially_collected", "collected", "expired", "cancelled"}
#: Rows that differ on purpose between two runs of one seed: a fresh signing key, salted PIN hashes.
VOLATILE = {"signing_keys": None, "staff": "pin_hash", "alembic_version": None, "sqlite_stat1": None}


def _fingerprint(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        prints = {}
        for table in tables:
            if table in VOLATILE and VOLATILE[table] is None:
                continue
            columns = [
                r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != VOLATILE.get(table)
            ]
            digest = hashlib.sha256()
            for row in conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2"):
                digest.update(repr(row).encode())
            prints[table] = digest.hexdigest()
        return prints
    finally:
        conn.close()


@pytest.mark.sqlite_only("fingerprints SQLite files seeded through the SQLite bulk loader")
def test_same_seed_gives_the_same_chain_and_another_seed_a_different_one(tmp_path: Path) -> None:
    sizes = {"stores": 3, "products": 150, "customers": 300, "today": date(2026, 3, 1)}
    seed_chain(str(tmp_path / "a.sqlite"), seed=11, **sizes)
    seed_chain(str(tmp_path / "b.sqlite"), seed=11, **sizes)
    seed_chain(str(tmp_path / "c.sqlite"), seed=12, **sizes)
    first, again, other = (_fingerprint(tmp_path / f"{n}.sqlite") for n in "abc")
    assert first == again
    assert first["customers"] != other["customers"]
    assert first["orders"] != other["orders"]


def test_every_store_has_pickups_in_every_state_and_several_ready(hub_seed_db, query_db) -> None:
    rows = query_db(
        hub_seed_db.db_url,
        "SELECT store_id, pickup_state, COUNT(*) FROM orders WHERE pickup_state IS NOT NULL GROUP BY 1, 2",
    )
    stores = {r[0] for r in query_db(hub_seed_db.db_url, "SELECT id FROM stores WHERE kind = 'store'")}
    by_store: dict[int, dict[str, int]] = {}
    for store_id, state, count in rows:
        by_store.setdefault(store_id, {})[state] = count
    for store_id in stores:
        assert set(by_store[store_id]) == PICKUP_STATES, store_id
        assert by_store[store_id]["ready"] >= 3


def test_most_ready_pickups_have_a_deadline_ahead_and_a_few_are_to_restock(hub_seed_db, query_db) -> None:
    ahead, late = query_db(
        hub_seed_db.db_url,
        "SELECT SUM(CASE WHEN pickup_deadline >= CURRENT_TIMESTAMP THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN pickup_deadline < CURRENT_TIMESTAMP THEN 1 ELSE 0 END) "
        "FROM orders WHERE pickup_state = 'ready'",
    )[0]
    assert late >= 1 and ahead > 4 * late
    # The demo's first pickups (the cast's, newest first) are never overdue or unpaid.
    first = demo_pickups(hub_seed_db.db_url, 4, 1)
    rows = query_db(
        hub_seed_db.db_url,
        f"SELECT payment_state, CASE WHEN pickup_deadline >= CURRENT_TIMESTAMP THEN 1 ELSE 0 END FROM orders "
        f"WHERE id IN ({', '.join(str(p.order_id) for p in first)})",
    )
    assert rows and all(row == ("paid", 1) for row in rows)


def test_open_pickups_have_bins_codes_notices_and_some_proxies_waiting_customers_and_unpaid(
    hub_seed_db, query_db
) -> None:
    from storeassist.hub.seed import pickup_code_for
    from storeassist.hub.services.pickup_codes import code_matches

    url = hub_seed_db.db_url
    ready = query_db(
        url,
        "SELECT id, pickup_bin, pickup_code_hash, proxy_name, payment_state, customer_waiting_since "
        "FROM orders WHERE pickup_state = 'ready'",
    )
    assert all(re.fullmatch(r"B-\d\d", row[1]) for row in ready)
    assert all(code_matches(row[0], pickup_code_for(row[0]), row[2]) for row in ready)
    assert sum(row[3] is not None for row in ready) >= 5  # proxies (one per store's cast at least)
    assert sum(row[5] is not None for row in ready) >= 5  # customers waiting
    assert query_db(url, "SELECT COUNT(*) FROM orders WHERE payment_state = 'unpaid'")[0][0] >= 1
    unnoticed = query_db(
        url,
        "SELECT COUNT(*) FROM orders o WHERE o.pickup_state = 'ready' AND o.customer_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.order_id = o.id AND n.kind = 'ready')",
    )
    assert unnoticed == [(0,)]
    assert query_db(url, "SELECT COUNT(*) FROM notifications WHERE kind = 'reminder'")[0][0] >= 1


def test_held_stock_includes_every_unit_waiting_in_a_pickup_bin(hub_seed_db, query_db) -> None:
    waiting = query_db(
        hub_seed_db.db_url,
        "SELECT store_id, product_id, SUM(units) FROM ("
        "SELECT o.store_id AS store_id, l.product_id AS product_id, "
        "l.qty - l.qty_collected - l.qty_cancelled AS units "
        "FROM orders o JOIN order_lines l ON l.order_id = o.id "
        "WHERE o.pickup_state IN ('placed', 'picking', 'ready', 'partially_collected') "
        "UNION ALL SELECT store_id, product_id, qty FROM holds WHERE status = 'active') held "
        "GROUP BY 1, 2 HAVING SUM(units) > 0",
    )
    stock = {
        (store, product): (on_hand, held)
        for store, product, on_hand, held in query_db(
            hub_seed_db.db_url, "SELECT store_id, product_id, on_hand, held FROM inventory WHERE held > 0"
        )
    }
    for store, product, units in waiting:
        on_hand, held = stock[(store, product)]
        assert held == units and on_hand >= held, (store, product)


def test_every_product_barcode_is_a_gtin13_with_a_valid_check_digit(hub_seed_db, query_db) -> None:
    gtins = [r[0] for r in query_db(hub_seed_db.db_url, "SELECT gtin FROM products")]
    assert len(gtins) == 500 == len(set(gtins))
    assert all(len(g) == 13 and gtin_check_digit_ok(g) for g in gtins)


def test_products_come_in_styles_with_size_and_colour_variants(hub_seed_db, query_db) -> None:
    (styles, with_sizes) = query_db(
        hub_seed_db.db_url, "SELECT COUNT(DISTINCT style), COUNT(size) FROM products"
    )[0]
    assert 20 < styles < 500
    assert with_sizes > 250


def test_names_are_written_in_latin_chinese_and_cyrillic_scripts(hub_seed_db, query_db) -> None:
    names = [r[0] for r in query_db(hub_seed_db.db_url, "SELECT name FROM customers")]
    assert any(re.search(r"[\u4e00-\u9fff]", n) for n in names)
    assert any(re.search(r"[\u0400-\u04ff]", n) for n in names)
    assert any(re.fullmatch(r"[A-Za-z' ]+", n) for n in names)
    addresses = [r[0] for r in query_db(hub_seed_db.db_url, "SELECT address FROM stores")]
    assert any(re.search(r"[\u4e00-\u9fff]", a) for a in addresses)
    assert any(re.search(r"[\u0400-\u04ff]", a) for a in addresses)


def test_orders_cover_every_channel_and_fulfilment(hub_seed_db, query_db) -> None:
    channels = {r[0] for r in query_db(hub_seed_db.db_url, "SELECT DISTINCT channel FROM orders")}
    fulfilments = {r[0] for r in query_db(hub_seed_db.db_url, "SELECT DISTINCT fulfilment FROM orders")}
    assert channels == {"web", "app", "store", "marketplace"}
    assert fulfilments == {"ship", "bopis", "curbside", "carry"}
    kinds = {r[0] for r in query_db(hub_seed_db.db_url, "SELECT DISTINCT kind FROM events")}
    assert kinds == {"view", "cart_add", "cart_abandon", "review"}


def test_loyalty_points_equal_the_ledger(hub_seed_db, query_db) -> None:
    mismatched = query_db(
        hub_seed_db.db_url,
        "SELECT COUNT(*) FROM customers c WHERE c.points != "
        "(SELECT SUM(delta) FROM points_ledger p WHERE p.customer_id = c.id)",
    )
    assert mismatched == [(0,)]


def test_seeded_chain_is_at_schema_head_with_one_signing_key(hub_seed_db, query_db) -> None:
    assert current_revision(hub_seed_db.db_url) == head_revision()
    assert query_db(hub_seed_db.db_url, "SELECT key_id, active FROM signing_keys") == [(1, 1)]


def test_staff_sign_in_with_their_badge_digits_as_pin(hub_seed_db, query_db) -> None:
    badge, pin_hash = query_db(hub_seed_db.db_url, "SELECT badge, pin_hash FROM staff WHERE id = 3")[0]
    assert badge == "B1003"
    assert verify_pin("1003", pin_hash)
    assert not verify_pin("0000", pin_hash)


def test_demo_customers_start_with_one_whose_pickup_is_ready_at_store_1(hub_seed_db, query_db) -> None:
    ids = demo_customers(hub_seed_db.db_url, 6)
    assert len(ids) == 6 == len(set(ids))
    ready = query_db(
        hub_seed_db.db_url,
        f"SELECT COUNT(*) FROM orders WHERE customer_id = {ids[0]} "
        "AND store_id = 1 AND pickup_state = 'ready'",
    )
    assert ready[0][0] >= 1
    pickups = demo_pickups(hub_seed_db.db_url, 4)
    assert pickups[0].state == "ready"


def test_seeding_refuses_a_database_that_already_holds_a_chain(seeded_db_url: str) -> None:
    with pytest.raises(SeedTargetNotEmpty):
        seed_chain(seeded_db_url, stores=1, products=10, customers=10)
