"""Schema migrations: numbered, complete, and a hub that will not serve an out-of-date database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session

from storeassist.hub.db.models import Base
from storeassist.hub.db.schema import (
    SchemaOutOfDate,
    current_revision,
    head_revision,
    require_current,
    upgrade,
)
from storeassist.hub.db.session import make_engine
from storeassist.hub.keys import public_keys_text


def test_upgrading_an_empty_database_reaches_head(empty_db_url: str) -> None:
    db = empty_db_url
    assert current_revision(db) is None
    assert upgrade(db) == head_revision() == "0010"
    assert require_current(db) == head_revision()


def test_migrations_build_exactly_the_schema_the_models_describe(empty_db_url: str) -> None:
    db = empty_db_url
    upgrade(db)
    engine = make_engine(db)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert differences == []


@pytest.mark.sqlite_only("the advice names a SQLite path; for PostgreSQL see test_postgres_urls_are_shown…")
def test_an_empty_database_is_out_of_date_and_says_how_to_upgrade(tmp_path: Path) -> None:
    db = tmp_path / "hub.sqlite"
    with pytest.raises(SchemaOutOfDate) as refused:
        require_current(str(db))
    assert f"storeassist-hub upgrade --db {db}" in str(refused.value)


@pytest.mark.sqlite_only("edits a SQLite file as an older hub saved it")
def test_a_database_at_an_older_revision_is_refused_until_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "hub.sqlite"
    upgrade(str(db))
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alembic_version SET version_num = '0000'")  # as saved by an older hub
    conn.commit()
    conn.close()
    with pytest.raises(SchemaOutOfDate) as refused:
        require_current(str(db))
    assert refused.value.current == "0000"
    assert f"revision {head_revision()}" in str(refused.value)


@pytest.mark.sqlite_only("a SQLite file of the first release, read with sqlite3")
def test_a_hub_database_of_the_first_release_upgrades_and_keeps_its_data(tmp_path: Path) -> None:
    db = tmp_path / "hub.sqlite"
    upgrade(str(db), "0001")
    with pytest.raises(SchemaOutOfDate):
        require_current(str(db))
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO stores (id, code, name, address, city, country, lat, lon, timezone, hours) "
        "VALUES (1, 'S1', 'Old store', 'x', 'y', 'DK', 0, 0, 'UTC', '9-18')"
    )
    conn.commit()
    conn.close()

    assert upgrade(str(db)) == head_revision()

    conn = sqlite3.connect(db)
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert conn.execute("SELECT name FROM stores").fetchall() == [("Old store",)]
    conn.close()
    assert "ix_inventory_stock" in indexes and "ix_inventory_product" not in indexes


def test_starting_the_server_on_an_old_schema_is_refused(empty_db_url: str) -> None:
    from storeassist.hub.server import start_in_thread

    with pytest.raises(SchemaOutOfDate):
        start_in_thread(empty_db_url)


def test_postgres_urls_are_shown_without_their_password() -> None:
    error = SchemaOutOfDate("postgresql://hub:s3cret@db.example:5432/chain", None, "0001")
    assert "s3cret" not in str(error)
    assert "storeassist-hub upgrade --db postgresql+psycopg://hub:***@db.example:5432/chain" in str(error)


@pytest.mark.sqlite_only("a SQLite file at revision 0003, read with sqlite3")
def test_stores_of_an_older_hub_get_their_countrys_locale_and_currency(tmp_path: Path) -> None:
    db = tmp_path / "hub.sqlite"
    upgrade(str(db), "0003")
    conn = sqlite3.connect(db)
    conn.executemany(
        "INSERT INTO stores (id, code, name, address, city, country, lat, lon, timezone, hours) "
        "VALUES (?, ?, ?, 'x', 'y', ?, 0, 0, ?, '9-18')",
        [
            (1, "S1", "Union Square", "US", "America/New_York"),
            (2, "S2", "Mitte", "DE", "Europe/Berlin"),
            (3, "S3", "Тверская", "RU", "Europe/Moscow"),
            (4, "S4", "Somewhere", "ZZ", "UTC"),
        ],
    )
    conn.commit()
    conn.close()

    assert upgrade(str(db)) == head_revision()

    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT name, locale, currency, timezone FROM stores ORDER BY id").fetchall()
    conn.close()
    assert rows == [
        ("Union Square", "en_US", "USD", "America/New_York"),
        ("Mitte", "de_DE", "EUR", "Europe/Berlin"),
        ("Тверская", "ru_RU", "RUB", "Europe/Moscow"),
        ("Somewhere", "en_US", "USD", "UTC"),  # a country the migration does not know: the defaults
    ]


@pytest.mark.sqlite_only("a SQLite file at revision 0004, read with sqlite3")
def test_orders_of_an_older_hub_become_paid_unlocked_pickups_with_nothing_cancelled(tmp_path: Path) -> None:
    db = tmp_path / "hub.sqlite"
    upgrade(str(db), "0004")
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO stores (id, code, name, address, city, country, lat, lon, timezone, hours) "
        "VALUES (1, 'S1', 'Old store', 'x', 'y', 'DK', 0, 0, 'UTC', '9-18')"
    )
    conn.execute(
        "INSERT INTO products (id, sku, gtin, style, name, brand, category, price_cents, attributes) "
        "VALUES (1, 'SKU1', '4000000000017', 'ST1', 'Scarf', 'B', 'C', 1999, '{}')"
    )
    conn.execute(
        "INSERT INTO orders (id, number, channel, placed_at, status, fulfilment, store_id, pickup_state, "
        "total_cents) VALUES (7, 'W10000007', 'web', '2026-11-01 10:00:00', 'ready_for_pickup', 'bopis', 1, "
        "'ready', 1999)"
    )
    conn.execute(
        "INSERT INTO order_lines (order_id, line_no, product_id, qty, price_cents, qty_collected, "
        "qty_returned) VALUES (7, 1, 1, 1, 1999, 0, 0)"
    )
    conn.commit()
    conn.close()

    assert upgrade(str(db)) == head_revision()

    conn = sqlite3.connect(db)
    order = conn.execute(
        "SELECT pickup_bin, proxy_name, payment_state, customer_waiting_since, pickup_code_hash, "
        "pickup_code_failures, pickup_locked FROM orders"
    ).fetchall()
    line = conn.execute("SELECT qty_cancelled, substitutes_line FROM order_lines").fetchall()
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    conn.close()
    assert order == [(None, None, "paid", None, None, 0, 0)]
    assert line == [(0, None)]
    assert {"pickup_handovers", "refunds", "notifications"} <= tables
    assert {"ix_orders_pickup_queue", "ix_notifications_customer"} <= indexes
    assert "ix_orders_pickup" not in indexes


def _hub_0004_with_open_pickups(db: Path) -> None:
    """A hub of release 0004: store 1 holds 2 units of product 1 for a customer and has open
    pickups of products 1 and 2 (no stock row for 2); a collected, a shipped and another store's
    order besides."""
    upgrade(str(db), "0004")
    conn = sqlite3.connect(db)
    conn.executemany(
        "INSERT INTO stores (id, code, name, address, city, country, lat, lon, timezone, hours) "
        "VALUES (?, ?, 'Old store', 'x', 'y', 'DK', 0, 0, 'UTC', '9-18')",
        [(1, "S1"), (2, "S2")],
    )
    conn.executemany(
        "INSERT INTO products (id, sku, gtin, style, name, brand, category, price_cents, attributes) "
        "VALUES (?, ?, ?, 'ST1', 'Scarf', 'B', 'C', 1000, '{}')",
        [(p, f"SKU{p}", f"400000000001{p}") for p in (1, 2, 3)],
    )
    conn.executemany(
        "INSERT INTO inventory (store_id, product_id, on_hand, held, updated_at) "
        "VALUES (?, ?, ?, ?, '2026-11-01 09:00:00')",
        [(1, 1, 6, 2), (1, 3, 4, 0), (2, 1, 3, 0)],
    )
    orders = [  # id, store, state, fulfilment
        (7, 1, "ready", "bopis"),
        (8, 1, "partially_collected", "bopis"),
        (9, 1, "collected", "bopis"),
        (10, None, None, "ship"),
        (11, 2, "placed", "curbside"),
    ]
    conn.executemany(
        "INSERT INTO orders (id, number, channel, placed_at, status, fulfilment, store_id, pickup_state, "
        "pickup_deadline, total_cents) VALUES (?, 'W' || ?, 'web', '2026-11-01 10:00:00', 'x', ?, ?, ?, "
        "'2026-11-08 21:00:00', 1000)",
        [(i, i, f, s, st) for i, s, st, f in orders],
    )
    lines = [  # order, line, product, qty, collected
        (7, 1, 1, 2, 0),
        (8, 1, 1, 3, 2),
        (8, 2, 2, 1, 0),
        (8, 3, 3, 1, 1),
        (9, 1, 1, 5, 5),
        (10, 1, 1, 4, 0),
        (11, 1, 1, 1, 0),
    ]
    conn.executemany(
        "INSERT INTO order_lines (order_id, line_no, product_id, qty, price_cents, qty_collected, "
        "qty_returned) VALUES (?, ?, ?, ?, 1000, ?, 0)",
        lines,
    )
    conn.commit()
    conn.close()


@pytest.mark.sqlite_only("a SQLite file at revision 0004, read with sqlite3")
def test_upgrading_a_0004_hub_holds_the_units_its_open_pickups_still_wait_for(tmp_path: Path) -> None:
    db = tmp_path / "hub.sqlite"
    _hub_0004_with_open_pickups(db)

    assert upgrade(str(db)) == head_revision()

    conn = sqlite3.connect(db)
    stock = conn.execute(
        "SELECT store_id, product_id, on_hand, held FROM inventory ORDER BY store_id, product_id"
    ).fetchall()
    logged = conn.execute(
        "SELECT store_id, entity, entity_id FROM change_log ORDER BY store_id, entity_id"
    ).fetchall()
    conn.close()
    assert stock == [
        (1, 1, 6, 2 + 2 + 1),  # the customer's 2, order 7's 2, order 8's 1 left; on_hand as it was
        (1, 2, 1, 1),  # no row before: the unit in the bin is on hand and held
        (1, 3, 4, 0),  # order 8's line 3 was collected: nothing to hold
        (2, 1, 3, 1),  # order 11, at store 2
    ]
    assert logged == [(1, "stock", 1), (1, "stock", 2), (2, "stock", 1)]


@pytest.mark.sqlite_only("a SQLite file at revision 0004, then restocked through the hub's effect")
def test_restocking_an_upgraded_hubs_pickups_leaves_a_customers_hold_held(tmp_path: Path) -> None:
    from sqlalchemy.orm import Session

    from storeassist import contract
    from storeassist.hub.services.pickups import restock_pickup

    db = tmp_path / "hub.sqlite"
    _hub_0004_with_open_pickups(db)
    upgrade(str(db))
    engine = make_engine(str(db))
    try:
        with Session(engine) as session, session.begin():
            for order_id in (7, 8):  # both past their deadline
                command = contract.RestockPickupCommand.model_validate(
                    {
                        "id": f"00000000-0000-4000-8000-00000000000{order_id}",
                        "type": "pickup.restock",
                        "issued_at": "2026-12-01T10:00:00Z",
                        "store_id": 1,
                        "payload": {"order_id": order_id},
                    }
                )
                restock_pickup(session, command, device_id=1)
        with engine.connect() as conn:
            held = conn.exec_driver_sql(
                "SELECT product_id, on_hand, held FROM inventory WHERE store_id = 1 ORDER BY product_id"
            ).fetchall()
    finally:
        engine.dispose()
    # Without the backfill the pickups' 3 units of product 1 would have come out of the hold's 2.
    assert [tuple(row) for row in held] == [(1, 6, 2), (2, 1, 0), (3, 4, 0)]


@pytest.mark.sqlite_only("a SQLite file at revision 0005, read with sqlite3")
def test_upgrading_a_0005_hub_holds_the_units_of_its_seeded_holds_and_ends_the_past_due(
    tmp_path: Path,
) -> None:
    """At 0005 ``hold.place`` held its units, but the seed wrote active holds without: 0006 holds
    those still running and ends (put back) those past their time, so no expiry takes others' units."""
    db = tmp_path / "hub.sqlite"
    upgrade(str(db), "0005")
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO stores (id, code, name, address, city, country, lat, lon, timezone, hours) "
        "VALUES (1, 'S1', 'Old store', 'x', 'y', 'DK', 0, 0, 'UTC', '9-18')"
    )
    conn.executemany(
        "INSERT INTO products (id, sku, gtin, style, name, brand, category, price_cents, attributes) "
        "VALUES (?, ?, ?, 'ST1', 'Scarf', 'B', 'C', 1000, '{}')",
        [(p, f"SKU{p}", f"400000000001{p}") for p in (1, 2, 3)],
    )
    # Product 1: 2 held for a placed hold and 1 for an open pickup; no row for product 3.
    conn.executemany(
        "INSERT INTO inventory (store_id, product_id, on_hand, held, updated_at) "
        "VALUES (1, ?, ?, ?, '2026-11-01 09:00:00')",
        [(1, 6, 3), (2, 4, 0)],
    )
    holds = [  # id, product, qty, expires, status
        ("00000000-0000-4000-8000-000000000001", 1, 2, "2099-01-01 10:00:00.000000", "active"),  # placed
        ("00000000-0000-4000-8000-000000000002", 1, 1, "2099-01-01 10:00:00.000000", "active"),  # seeded
        ("00000000-0000-4000-8000-000000000003", 2, 1, "2020-01-01 10:00:00.000000", "active"),  # past due
        ("00000000-0000-4000-8000-000000000004", 3, 1, "2099-01-01 10:00:00.000000", "active"),  # no row
        ("00000000-0000-4000-8000-000000000005", 2, 1, "2099-01-01 10:00:00.000000", "collected"),
    ]
    conn.executemany(
        "INSERT INTO holds (id, customer_id, product_id, store_id, qty, placed_at, expires_at, status) "
        "VALUES (?, 1, ?, 1, ?, '2019-12-30 10:00:00.000000', ?, ?)",
        holds,
    )
    conn.execute(
        "INSERT INTO commands (id, device_id, type, payload_hash, received_at, status) "
        "VALUES ('00000000-0000-4000-8000-000000000001', 1, 'hold.place', 'x', '2019-12-30 10:00:00', "
        "'applied')"
    )
    conn.commit()
    conn.close()

    assert upgrade(str(db)) == head_revision()

    conn = sqlite3.connect(db)
    stock = conn.execute("SELECT product_id, on_hand, held FROM inventory ORDER BY product_id").fetchall()
    ended = conn.execute(
        "SELECT id, status, ended_at IS NOT NULL, put_back_at IS NOT NULL FROM holds ORDER BY id"
    ).fetchall()
    logged = conn.execute("SELECT store_id, entity, entity_id FROM change_log ORDER BY entity_id").fetchall()
    conn.close()
    assert stock == [(1, 6, 3 + 1), (2, 4, 0), (3, 1, 1)]
    assert [row[1:] for row in ended] == [
        ("active", 0, 0),
        ("active", 0, 0),
        ("expired", 1, 1),  # history: its units never left the floor
        ("active", 0, 0),
        ("collected", 0, 0),
    ]
    assert logged == [(1, "stock", 1), (1, "stock", 3)]


@pytest.mark.sqlite_only("a SQLite file at revision 0006, read with sqlite3")
def test_upgrading_a_0006_hub_gives_its_returns_lines_and_splits_what_they_paid_across_the_tenders(
    tmp_path: Path,
) -> None:
    """Before 0007 a return kept only its order and refund: 0007 gives each line with units returned
    a return line on its order's first return, and splits every return and pickup refund across the
    order's tenders, so the next return's facts say what each line and tender already paid back."""
    from storeassist.hub.services.return_facts import read_return_order

    db = tmp_path / "hub.sqlite"
    upgrade(str(db), "0006")
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO stores (id, code, name, address, city, country, lat, lon, timezone, hours) "
        "VALUES (1, 'S1', 'Old store', 'x', 'y', 'DK', 0, 0, 'UTC', '9-18')"
    )
    conn.executemany(
        "INSERT INTO products (id, sku, gtin, style, name, brand, category, price_cents, attributes) "
        "VALUES (?, ?, ?, 'ST1', 'Scarf', 'B', 'Accessories', 1000, '{}')",
        [(p, f"SKU{p}", f"400000000001{p}") for p in (1, 2)],
    )
    orders = [  # id, fulfilment, status
        (7, "ship", "delivered"),  # returned in full on line 1, paid by card and gift card
        (8, "bopis", "partially_collected"),  # a unit cancelled and refunded at the counter
        (9, "ship", "delivered"),  # units returned with no return recorded
        (10, "ship", "delivered"),  # returned twice
    ]
    conn.executemany(
        "INSERT INTO orders (id, number, channel, placed_at, status, fulfilment, store_id, total_cents) "
        "VALUES (?, 'W' || ?, 'web', '2026-11-01 10:00:00', ?, ?, 1, 0)",
        [(i, i, status, fulfilment) for i, fulfilment, status in orders],
    )
    lines = [  # order, line, product, qty, price, collected, returned, cancelled
        (7, 1, 1, 2, 1000, 0, 2, 0),
        (7, 2, 2, 1, 500, 0, 0, 0),
        (8, 1, 1, 3, 1000, 2, 0, 1),
        (9, 1, 1, 1, 1000, 0, 1, 0),
        (10, 1, 2, 2, 250, 0, 2, 0),
    ]
    conn.executemany(
        "INSERT INTO order_lines (order_id, line_no, product_id, qty, price_cents, qty_collected, "
        "qty_returned, qty_cancelled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        lines,
    )
    conn.executemany(
        "INSERT INTO tenders (id, order_id, kind, amount_cents) VALUES (?, ?, ?, ?)",
        [
            (71, 7, "card", 2000),
            (72, 7, "gift_card", 500),
            (81, 8, "card", 3000),
            (91, 9, "card", 1000),
            (101, 10, "paypal", 500),
        ],
    )
    conn.executemany(
        "INSERT INTO returns (id, order_id, store_id, at, refund_cents, reason) VALUES (?, ?, 1, ?, ?, ?)",
        [
            (1, 7, "2026-11-05 10:00:00", 2000, "too small"),
            (2, 10, "2026-11-05 10:00:00", 300, "damaged"),
            (3, 10, "2026-11-06 10:00:00", 200, "changed mind"),
        ],
    )
    conn.execute(
        "INSERT INTO refunds (id, order_id, line_no, qty, amount_cents, reason, at) "
        "VALUES (5, 8, 1, 1, 1000, 'missing', '2026-11-02 10:00:00')"
    )
    conn.commit()
    conn.close()

    assert upgrade(str(db)) == head_revision()

    conn = sqlite3.connect(db)
    return_lines = conn.execute(
        "SELECT return_id, order_id, line_no, qty, reason, condition, refund_cents FROM return_lines "
        "ORDER BY return_id, line_no"
    ).fetchall()
    tender_refunds = conn.execute(
        "SELECT tender_id, return_id, refund_id, amount_cents, status FROM tender_refunds ORDER BY id"
    ).fetchall()
    returns = conn.execute("SELECT command_id, offline, points_restored FROM returns WHERE id = 1").fetchall()
    conn.close()
    assert return_lines == [
        (1, 7, 1, 2, "wrong_size", None, 2000),
        (2, 10, 1, 2, "arrived_damaged", None, 500),
    ]
    assert tender_refunds == [
        (71, 1, None, 1600, "requested"),  # 2000 in proportion to 2000 and 500
        (72, 1, None, 400, "requested"),
        (81, None, 5, 1000, "requested"),
        (101, 2, None, 300, "requested"),
        (101, 3, None, 200, "requested"),
    ]
    assert returns == [(None, 0, 0)]
    engine = make_engine(str(db))
    try:
        with engine.connect() as connection:
            facts = {
                order_id: read_return_order(connection, order_id).facts()  # type: ignore[union-attr]
                for order_id in (7, 8, 9, 10)
            }
    finally:
        engine.dispose()
    assert [(line.returned, line.refunded_cents) for line in facts[7].lines] == [(2, 2000), (0, 0)]
    assert [t.refunded_cents for t in facts[7].tenders] == [1600, 400]
    assert [(line.received, line.refunded_cents) for line in facts[8].lines] == [(2, 1000)]
    assert [t.refunded_cents for t in facts[8].tenders] == [1000]
    assert [(line.returned, line.refunded_cents) for line in facts[9].lines] == [(1, 1000)]  # no return row
    assert [t.refunded_cents for t in facts[9].tenders] == [0]
    assert [(line.returned, line.refunded_cents) for line in facts[10].lines] == [(2, 500)]
    assert [t.refunded_cents for t in facts[10].tenders] == [500]


@pytest.mark.sqlite_only("a SQLite file at revision 0007, read with sqlite3")
def test_upgrading_a_0007_hub_keeps_its_orders_and_devices_with_no_kiosk_pickups_and_no_reasons(
    tmp_path: Path,
) -> None:
    db = tmp_path / "hub.sqlite"
    upgrade(str(db), "0007")
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO stores (id, code, name, address, city, country, lat, lon, timezone, hours) "
        "VALUES (1, 'S1', 'Old store', 'x', 'y', 'DK', 0, 0, 'UTC', '9-18')"
    )
    conn.execute(
        "INSERT INTO orders (id, number, channel, placed_at, status, fulfilment, store_id, pickup_state, "
        "total_cents) VALUES (7, 'W7', 'web', '2026-11-01 10:00:00', 'ready_for_pickup', 'bopis', 1, "
        "'ready', 100)"
    )
    conn.execute(
        "INSERT INTO devices (id, store_id, name, kind, credential_hash, enrolled_at, revoked) "
        "VALUES (3, 1, 'Till', 'tablet', 'h', '2026-11-01 09:00:00', 1)"
    )
    conn.commit()
    conn.close()

    assert upgrade(str(db)) == head_revision()

    conn = sqlite3.connect(db)
    order = conn.execute("SELECT number, kiosk_pickup, locker FROM orders").fetchall()
    device = conn.execute("SELECT name, revoked, revoked_at, revoked_reason FROM devices").fetchall()
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert order == [("W7", 0, None)]
    assert device == [("Till", 1, None, None)]  # revoked before: still revoked, with no reason
    assert {"assist_requests", "kiosk_returns"} <= tables


@pytest.mark.sqlite_only("a SQLite file at revision 0008, read with sqlite3")
def test_upgrading_a_0008_hub_keeps_every_signing_key_published_and_none_retired(tmp_path: Path) -> None:
    db = tmp_path / "hub.sqlite"
    upgrade(str(db), "0008")
    conn = sqlite3.connect(db)
    conn.executemany(
        "INSERT INTO signing_keys (key_id, private_key, public_key, created_at, active) "
        "VALUES (?, ?, ?, '2026-11-01 09:00:00', ?)",
        [(1, b"k" * 32, "old", 0), (2, b"n" * 32, "new", 1)],
    )
    conn.commit()
    conn.close()

    assert upgrade(str(db)) == head_revision()

    conn = sqlite3.connect(db)
    keys = conn.execute("SELECT key_id, active, retired_at FROM signing_keys ORDER BY key_id").fetchall()
    conn.close()
    assert keys == [(1, 0, None), (2, 1, None)]  # the rotated-out key still published, as before
    engine = make_engine(str(db))
    with engine.connect() as connection, Session(connection) as session:
        assert public_keys_text(session) == {1: "old", 2: "new"}
    engine.dispose()


@pytest.mark.sqlite_only("a SQLite file at revision 0008, read with sqlite3")
def test_upgrading_a_0008_hub_keeps_its_kiosk_rows_without_ids_and_holds_a_kiosks_ids_unique(
    tmp_path: Path,
) -> None:
    db = tmp_path / "hub.sqlite"
    upgrade(str(db), "0008")
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO stores (id, code, name, address, city, country, lat, lon, timezone, hours) "
        "VALUES (1, 'S1', 'Old store', 'x', 'y', 'DK', 0, 0, 'UTC', '9-18')"
    )
    conn.execute(
        "INSERT INTO products (id, sku, gtin, style, name, brand, category, price_cents, attributes) "
        "VALUES (1, 'SKU1', '4000000000017', 'ST1', 'Scarf', 'B', 'C', 1999, '{}')"
    )
    conn.execute(
        "INSERT INTO orders (id, number, channel, placed_at, status, fulfilment, store_id, total_cents) "
        "VALUES (7, 'W7', 'web', '2026-11-01 10:00:00', 'delivered', 'ship', 1, 1999)"
    )
    conn.executemany(
        "INSERT INTO devices (id, store_id, name, kind, credential_hash, enrolled_at, revoked) "
        "VALUES (?, 1, 'Kiosk', 'kiosk', ?, '2026-11-01 09:00:00', 0)",
        [(3, "h3"), (4, "h4")],
    )
    conn.execute(
        "INSERT INTO assist_requests (store_id, device_id, kind, product_id, qty, at, status) "
        "VALUES (1, 3, 'hold', 1, 1, '2026-12-01 10:00:00', 'open')"
    )
    conn.execute(
        "INSERT INTO kiosk_returns (store_id, device_id, order_id, reference, day, code, lines, at, status) "
        "VALUES (1, 3, 7, 'K-0001', '2026-12-01', 'x', '[]', '2026-12-01 10:00:00', 'open')"
    )
    conn.commit()
    conn.close()

    assert upgrade(str(db)) == head_revision()

    conn = sqlite3.connect(db)
    kept = (
        conn.execute("SELECT qty, request_id FROM assist_requests").fetchall(),
        conn.execute("SELECT reference, request_id FROM kiosk_returns").fetchall(),
    )
    insert = (
        "INSERT INTO assist_requests (store_id, device_id, kind, product_id, qty, at, status, request_id) "
        "VALUES (1, ?, 'hold', 1, 1, '2026-12-02 10:00:00', 'open', ?)"
    )
    conn.execute(insert, (3, None))  # an older kiosk's: any number without an id
    conn.execute(insert, (3, "00000000-0000-4000-8000-000000000001"))
    conn.execute(insert, (4, "00000000-0000-4000-8000-000000000001"))  # another kiosk's own id
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(insert, (3, "00000000-0000-4000-8000-000000000001"))
    conn.close()
    assert kept == ([(1, None)], [("K-0001", None)])
