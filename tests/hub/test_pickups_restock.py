"""Confirming a "to restock" task (``pickup.restock``): only past the deadline; then what was left
is cancelled, back on sale, refunded, and the customer told."""

from __future__ import annotations

from typing import Any

import httpx

#: The notices a hand-over or restock records (the seed recorded "ready" and "reminder" before).
_NEW_NOTICES = "SELECT kind FROM notifications WHERE order_id = ? AND kind NOT IN ('ready', 'reminder')"


def _restock(order_id: int, make_command: Any) -> dict[str, Any]:
    return dict(make_command("pickup.restock", {"order_id": order_id}, staff_id=3))


def test_an_order_is_not_restocked_before_its_deadline(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    query_db(
        hub.db_url, "UPDATE orders SET pickup_deadline = '2999-01-01 21:00:00' WHERE id = ?", order["id"]
    )

    (result,) = pickups.push(device, _restock(order["id"], make_command))

    assert (result["status"], result["code"], result["params"]) == (
        "rejected",
        "not_overdue",
        {"order_number": order["number"]},
    )
    assert query_db(hub.db_url, "SELECT pickup_state FROM orders WHERE id = ?", order["id"]) == [("ready",)]


def test_an_overdue_order_is_expired_its_units_released_refunded_and_the_customer_told(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    line = order["lines"][0]
    query_db(
        hub.db_url, "UPDATE orders SET pickup_deadline = '2020-01-01 21:00:00' WHERE id = ?", order["id"]
    )
    _on_hand, held = pickups.stock(hub, line["product_id"])
    units = sum(li["qty"] for li in order["lines"] if li["product_id"] == line["product_id"])

    (result,) = pickups.push(device, _restock(order["id"], make_command))
    (again,) = pickups.push(device, _restock(order["id"], make_command))

    assert result["status"] == "applied", result
    total = sum(li["qty"] for li in order["lines"])
    assert result["result"] == {
        "order_id": order["id"],
        "pickup_state": "expired",
        "cancelled_qty": total,
        "refunded_cents": sum(li["qty"] * li["price"] for li in order["lines"]),
    }
    assert pickups.stock(hub, line["product_id"])[1] == max(0, held - units)
    refunds = query_db(
        hub.db_url, "SELECT reason, sum(qty) FROM refunds WHERE order_id = ? GROUP BY reason", order["id"]
    )
    assert refunds == [("expired", total)]
    assert query_db(
        hub.db_url,
        _NEW_NOTICES,
        order["id"],
    ) == [("cancelled",)]
    assert (again["status"], again["code"]) == ("conflict", "order_not_collectable")
    assert query_db(hub.db_url, "SELECT action, subject FROM audit WHERE action = 'pickup.restock'") == [
        ("pickup.restock", f"order:{order['id']}")
    ]
