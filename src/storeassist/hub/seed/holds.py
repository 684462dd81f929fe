"""The seeded chain's holds as the stock desk sees them: units held, ended holds ended, a demo list.

Run once after every customer block and pickup is written (:func:`finish_holds`):

* a customer block's hold that is still active but already past its time is ``expired`` (ended
  then, and its units put back then: no floor task from history);
* every active hold's units are added to ``held`` at its store (a store with none of the product
  on its books gets a row with them on hand), as ``hold.place`` would have;
* store 1 gets a few more active holds of products it has on sale, expiring in one to three days,
  and one expired hold whose units are still to go back on the floor, so the desk's list has
  something to show. Their ids are fixed (``DEMO_HOLD_IDS``), their customers and products the
  last that fit (tests pick the first), read back, so the same seed gives the same holds.
"""

from __future__ import annotations

from storeassist.hub.seed.clock import Clock
from storeassist.hub.seed.pickups import RunSql

#: The demo holds' ids (command ids, as a tablet's hold.place would make them).
DEMO_HOLD_IDS = (
    "5eed0001-0000-4000-8000-000000000001",
    "5eed0001-0000-4000-8000-000000000002",
    "5eed0001-0000-4000-8000-000000000003",
    "5eed0001-0000-4000-8000-000000000004",
)
#: The expired demo hold, its units not yet back on the floor.
DEMO_FLOOR_TASK_ID = "5eed0001-0000-4000-8000-000000000005"
DEMO_STORE = 1

_END_PAST_DUE = (
    "UPDATE holds SET status = 'expired', ended_at = expires_at, put_back_at = expires_at "
    "WHERE status = 'active' AND expires_at <= :now"
)
_DEMO_CUSTOMERS = "SELECT id FROM customers WHERE preferred_store_id = :store ORDER BY id DESC LIMIT 5"
_DEMO_PRODUCTS = (
    "SELECT product_id FROM inventory WHERE store_id = :store AND on_hand - held >= 3 "
    "ORDER BY product_id DESC LIMIT 5"
)
_INSERT_HOLD = (
    "INSERT INTO holds (id, customer_id, product_id, store_id, qty, placed_at, expires_at, status, "
    "ended_at, put_back_at) VALUES (:id, :customer_id, :product_id, :store_id, :qty, :placed_at, "
    ":expires_at, :status, :ended_at, NULL)"
)
#: Units of every active hold are held at its store (``WHERE true``: see ``seed.pickups``).
_HELD = (
    "INSERT INTO inventory (store_id, product_id, on_hand, held, updated_at) "
    "SELECT store_id, product_id, SUM(qty), SUM(qty), :at FROM holds WHERE status = 'active' "
    "GROUP BY store_id, product_id "
    "ON CONFLICT (store_id, product_id) DO UPDATE SET held = inventory.held + excluded.held, "
    "on_hand = CASE WHEN inventory.on_hand < inventory.held + excluded.held "
    "THEN inventory.held + excluded.held ELSE inventory.on_hand END"
)


def finish_holds(run: RunSql, clock: Clock, now: str) -> int:
    """End past-due holds, add the demo holds, hold every active hold's units; answers the demo
    holds added. ``now`` is the seeding time as the clock writes it."""
    today = clock.TODAY
    run(_END_PAST_DUE, {"now": now})
    customers = [row[0] for row in run(_DEMO_CUSTOMERS, {"store": DEMO_STORE})]
    products = [row[0] for row in run(_DEMO_PRODUCTS, {"store": DEMO_STORE})]
    rows = []
    for index, (hold_id, customer_id, product_id) in enumerate(
        zip(DEMO_HOLD_IDS, customers, products, strict=False)
    ):
        rows.append(
            {
                "id": hold_id,
                "customer_id": customer_id,
                "product_id": product_id,
                "store_id": DEMO_STORE,
                "qty": 1 + index % 2,
                "placed_at": clock.ts(today - 1, 9 * 60 + 15 * index),
                "expires_at": clock.ts(today + 1 + index % 3, 20 * 60),
                "status": "active",
                "ended_at": None,
            }
        )
    if len(customers) > len(rows) and len(products) > len(rows):
        rows.append(
            {
                "id": DEMO_FLOOR_TASK_ID,
                "customer_id": customers[len(rows)],
                "product_id": products[len(rows)],
                "store_id": DEMO_STORE,
                "qty": 1,
                "placed_at": clock.ts(today - 3, 11 * 60),
                "expires_at": clock.ts(today - 1, 11 * 60),
                "status": "expired",
                "ended_at": clock.ts(today - 1, 11 * 60),
            }
        )
    if rows:
        run(_INSERT_HOLD, rows)
    run(_HELD, {"at": clock.ts(today - 1, 20 * 60)})
    return len(rows)
