"""Payment at the counter: only an order whose payment state is exactly ``paid`` is paid. Anything
else (``unpaid``, a pending payment, a value another system wrote) fails closed: it is not handed
over, the tablet is told ``unpaid``, and cancelling its units (a restock, a cancelled line) records
no refund of money never taken."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter
from sqlalchemy import text

from storeassist import contract
from storeassist.hub.services.database import HubDatabase
from storeassist.hub.services.orders import pickup_queue_json, pickup_queue_orders
from storeassist.hub.services.wire import is_paid

_NEW_NOTICES = (
    "SELECT kind, text FROM notifications WHERE order_id = ? AND kind NOT IN ('ready', 'reminder') "
    "ORDER BY id"
)
APP_READS = {contract.RESULTS_HEADER: contract.RESULTS_THIS_APP_READS}


def _overdue(hub: Any, order_id: int, query_db: Any, payment_state: str) -> None:
    query_db(
        hub.db_url,
        "UPDATE orders SET pickup_deadline = '2020-01-01 21:00:00', payment_state = ? WHERE id = ?",
        payment_state,
        order_id,
    )


def _items(n: int) -> str:
    return "1 item" if n == 1 else f"{n} items"


def test_only_exactly_paid_is_paid() -> None:
    assert is_paid("paid")
    for state in ("unpaid", "pending", "Paid", "paid ", "", "refunded", None):
        assert not is_paid(state), state


@pytest.mark.parametrize("payment_state", ["unpaid", "pending"])
def test_restocking_an_order_not_paid_cancels_and_releases_it_but_refunds_nothing(
    own_hub_device: tuple[Any, httpx.Client],
    pickups: Any,
    make_command: Any,
    query_db: Any,
    payment_state: str,
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    _overdue(hub, order["id"], query_db, payment_state)
    line = order["lines"][0]
    _on_hand, held = pickups.stock(hub, line["product_id"])
    units = sum(li["qty"] for li in order["lines"] if li["product_id"] == line["product_id"])
    total = sum(li["qty"] for li in order["lines"])

    (result,) = pickups.push(device, make_command("pickup.restock", {"order_id": order["id"]}, staff_id=3))

    assert result["status"] == "applied", result
    assert result["result"] == {
        "order_id": order["id"],
        "pickup_state": "expired",
        "cancelled_qty": total,
        "refunded_cents": 0,
    }
    assert query_db(hub.db_url, "SELECT count(*) FROM refunds WHERE order_id = ?", order["id"]) == [(0,)]
    assert query_db(
        hub.db_url, "SELECT sum(qty_cancelled) FROM order_lines WHERE order_id = ?", order["id"]
    ) == [(total,)]
    assert pickups.stock(hub, line["product_id"])[1] == max(0, held - units)
    verb = "was" if total == 1 else "were"
    notices = query_db(hub.db_url, _NEW_NOTICES, order["id"])
    assert notices == [("cancelled", f"{_items(total)} of order {order['number']} {verb} cancelled.")]
    assert "refund" not in notices[0][1]


def test_restocking_a_paid_order_still_refunds_it_and_says_so(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    _overdue(hub, order["id"], query_db, "paid")
    total = sum(li["qty"] for li in order["lines"])

    (result,) = pickups.push(device, make_command("pickup.restock", {"order_id": order["id"]}, staff_id=3))

    assert result["status"] == "applied", result
    value = sum(li["qty"] * li["price"] for li in order["lines"])
    assert result["result"]["refunded_cents"] == value > 0
    assert query_db(hub.db_url, "SELECT sum(amount_cents) FROM refunds WHERE order_id = ?", order["id"]) == [
        (value,)
    ]
    ((kind, notice),) = query_db(hub.db_url, _NEW_NOTICES, order["id"])
    assert kind == "cancelled" and notice.endswith("cancelled and will be refunded.")
    assert notice.startswith(f"{_items(total)} of order {order['number']} ")


@pytest.mark.parametrize("payment_state", ["unpaid", "pending", "PAID"])
def test_an_order_not_exactly_paid_is_not_handed_over_nor_a_line_of_it_cancelled_and_refunded(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any, payment_state: str
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub, lines=2)
    first, second = order["lines"][:2]
    query_db(hub.db_url, "UPDATE orders SET payment_state = ? WHERE id = ?", payment_state, order["id"])
    before = pickups.stock(hub, first["product_id"])
    lines_before = query_db(
        hub.db_url,
        "SELECT line_no, qty_collected, qty_cancelled FROM order_lines WHERE order_id = ? ORDER BY line_no",
        order["id"],
    )

    results = pickups.push(
        device,
        # A missing item cancelled while the rest is handed over, and every unit cancelled.
        pickups.collect(
            order["id"],
            {
                first["line_no"]: {"cancelled": 1, "cancel_reason": "missing"},
                second["line_no"]: {"handed": second["qty"]},
            },
            staff_id=3,
        ),
        pickups.collect(
            order["id"],
            {li["line_no"]: {"cancelled": li["qty"], "cancel_reason": "damaged"} for li in order["lines"]},
            staff_id=3,
        ),
    )

    assert [(r["status"], r["code"]) for r in results] == [("rejected", "order_unpaid")] * 2
    assert results[0]["params"] == {"order_number": order["number"]}
    assert query_db(hub.db_url, "SELECT count(*) FROM refunds WHERE order_id = ?", order["id"]) == [(0,)]
    assert query_db(hub.db_url, "SELECT count(*) FROM pickup_handovers WHERE order_id = ?", order["id"]) == [
        (0,)
    ]
    assert query_db(hub.db_url, _NEW_NOTICES, order["id"]) == []
    assert (
        query_db(
            hub.db_url,
            "SELECT line_no, qty_collected, qty_cancelled FROM order_lines WHERE order_id = ? "
            "ORDER BY line_no",
            order["id"],
        )
        == lines_before
    )
    assert query_db(hub.db_url, "SELECT pickup_state FROM orders WHERE id = ?", order["id"]) == [("ready",)]
    assert pickups.stock(hub, first["product_id"]) == before


def test_the_tablet_is_told_unpaid_for_any_payment_state_but_paid(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    pending = pickups.ready_order(hub)
    odd = pickups.ready_order(hub, skip=(pending["id"],))
    paid = pickups.ready_order(hub, skip=(pending["id"], odd["id"]))
    query_db(hub.db_url, "UPDATE orders SET payment_state = 'pending' WHERE id = ?", pending["id"])
    query_db(hub.db_url, "UPDATE orders SET payment_state = 'Paid' WHERE id = ?", odd["id"])

    answer = device.get("/v1/stores/1/pickups", headers=APP_READS)

    assert answer.status_code == 200, answer.text
    orders = {o.id: o for o in contract.PickupQueue.model_validate_json(answer.content).orders}
    assert orders[pending["id"]].payment_state == "unpaid"
    assert orders[odd["id"]].payment_state == "unpaid"
    assert orders[paid["id"]].payment_state == "paid"


@pytest.fixture
def db(seeded_db_url: str) -> Iterator[HubDatabase]:
    hub = HubDatabase(seeded_db_url)
    try:
        yield hub
    finally:
        hub.dispose()


def test_both_ways_of_writing_an_order_fail_closed_on_an_unknown_payment_state(db: HubDatabase) -> None:
    with db.reading_statements() as connection:
        first, second = (order.id for order in pickup_queue_orders(connection, 1)[:2])
    with db.writing_statements() as connection:
        connection.execute(text("UPDATE orders SET payment_state = 'pending' WHERE id = :id"), {"id": first})
        connection.execute(text("UPDATE orders SET payment_state = 'paid' WHERE id = :id"), {"id": second})

    with db.reading_statements() as connection:
        objects = {o.id: o for o in pickup_queue_orders(connection, 1)}
        written = pickup_queue_json(connection, 1)
    from_json = {o.id: o for o in TypeAdapter(list[contract.Order]).validate_json(written)}

    assert objects[first].payment_state == from_json[first].payment_state == "unpaid"
    assert objects[second].payment_state == from_json[second].payment_state == "paid"
