"""The seeded chain's open pickups, counted once: their units are held once in stock (the seed
counts them after upgrading the empty database to head, so migration 0005's backfill of ``held``
finds nothing to add), and their points are credited once (the hand-over credits what is
collected; the seeded history credits only what was collected before)."""

from __future__ import annotations

from datetime import date
from typing import Any

from storeassist.hub.seed.catalog import catalog_rows, store_rows
from storeassist.hub.seed.clock import Clock
from storeassist.hub.seed.orders import OPEN_PICKUP_STATES
from storeassist.hub.seed.people import generate_block
from storeassist.hub.seed.world import COUNTED, Scale, World, random_stream

_OPEN = "('placed', 'picking', 'ready', 'partially_collected')"


def test_a_fresh_seed_holds_each_open_pickup_unit_once(hub_seed_db: Any, query_db: Any) -> None:
    db = hub_seed_db.db_url
    from storeassist.hub.db.schema import current_revision, head_revision

    assert current_revision(db) == head_revision()
    # The seed holds nothing but open pickups' units and its active holds' (``seed.holds``).
    mismatched = query_db(
        db,
        "SELECT i.store_id, i.product_id, i.held, COALESCE(u.units, 0) FROM inventory i LEFT JOIN ("
        "SELECT store_id, product_id, SUM(units) AS units FROM ("
        "SELECT o.store_id AS store_id, l.product_id AS product_id, "
        "l.qty - l.qty_collected - l.qty_cancelled AS units FROM orders o "
        f"JOIN order_lines l ON l.order_id = o.id WHERE o.pickup_state IN {_OPEN} "
        "UNION ALL SELECT store_id, product_id, qty FROM holds WHERE status = 'active') h "
        "GROUP BY store_id, product_id) u ON u.store_id = i.store_id AND u.product_id = i.product_id "
        "WHERE i.held != COALESCE(u.units, 0) LIMIT 5",
    )
    assert mismatched == []
    assert query_db(db, "SELECT SUM(held) > 0 FROM inventory") == [(1,)]


def _block() -> dict[str, list[Any]]:
    stores, products, customers = 2, 200, 400
    _store_table, store_facts = store_rows(random_stream(7, "stores"), stores)
    catalog = catalog_rows(random_stream(7, "catalog"), products, lambda table, rows: None)
    world = World(
        7, Clock(date(2026, 12, 2)), Scale.for_sizes(stores, products, customers), store_facts, catalog
    )
    return generate_block(world, 0, 1, customers, dict.fromkeys(COUNTED, 1)).rows


def test_seeded_open_pickups_earn_purchase_points_only_for_what_was_collected() -> None:
    rows = _block()
    # orders rows: (id, number, customer, channel, placed_at, status, fulfilment, store, pickup
    # state, deadline, total); order_lines rows: (order, line, product, qty, unit, collected, …).
    state = {row[0]: row[8] for row in rows["orders"]}
    earning = {row[0]: 0 if row[8] in OPEN_PICKUP_STATES else row[10] for row in rows["orders"]}
    for order_id, _line_no, _product, _qty, unit, collected, *_ in rows["order_lines"]:
        if state.get(order_id) in OPEN_PICKUP_STATES:
            earning[order_id] += unit * collected
    open_orders = sum(1 for s in state.values() if s in OPEN_PICKUP_STATES)
    assert open_orders > 0  # the block has open pickups to skip, and some partly collected
    assert any(earning[o] for o, s in state.items() if s in OPEN_PICKUP_STATES)
    purchases = [row for row in rows["points_ledger"] if row[4] == "purchase"]
    assert sum(row[3] for row in purchases) == sum(value // 100 for value in earning.values())
    assert len(purchases) == sum(1 for value in earning.values() if value)


def test_the_seeded_history_is_the_same_every_time() -> None:
    assert _block() == _block()
