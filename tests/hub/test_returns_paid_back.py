"""What was paid back before a return: the seeded chain's returns have their lines and their refunds
split across the tenders, and a pickup's cancelled units are refunded to the tenders too, so the
next return's facts say what each line and each tender already paid back."""

from __future__ import annotations

from typing import Any

import httpx
from hub_returns import look_up


def test_every_seeded_return_has_its_lines_and_its_refund_on_the_orders_tenders(
    hub_seed_db: Any, query_db: Any
) -> None:
    url = hub_seed_db.db_url
    (returns,) = query_db(url, "SELECT count(*) FROM returns")[0]
    unmatched = query_db(
        url,
        "SELECT count(*) FROM returns r WHERE r.refund_cents != "
        "(SELECT COALESCE(SUM(t.amount_cents), 0) FROM tender_refunds t WHERE t.return_id = r.id) "
        "OR r.refund_cents != (SELECT COALESCE(SUM(l.refund_cents), 0) FROM return_lines l "
        "WHERE l.return_id = r.id AND l.order_id = r.order_id)",
    )
    foreign = query_db(
        url,
        "SELECT count(*) FROM tender_refunds r JOIN tenders t ON t.id = r.tender_id "
        "WHERE t.order_id != r.order_id OR r.amount_cents > t.amount_cents",
    )
    lines = query_db(
        url,
        "SELECT count(*) FROM order_lines o WHERE o.qty_returned != "
        "(SELECT COALESCE(SUM(l.qty), 0) FROM return_lines l WHERE l.order_id = o.order_id "
        "AND l.line_no = o.line_no)",
    )
    assert returns > 50
    assert (unmatched, foreign, lines) == ([(0,)], [(0,)], [(0,)])
    reasons = {r for (r,) in query_db(url, "SELECT DISTINCT reason FROM return_lines")}
    assert reasons <= {"wrong_size", "changed_mind", "arrived_damaged", "not_as_described", "late_delivery"}


def test_a_seeded_returns_order_is_looked_up_with_what_it_paid_back(
    device: httpx.Client, hub_server: Any, query_db: Any
) -> None:
    ((order_id, number, refund),) = query_db(
        hub_server.db_url,
        "SELECT o.id, o.number, r.refund_cents FROM returns r JOIN orders o ON o.id = r.order_id "
        "ORDER BY r.id LIMIT 1",
    )

    order = look_up(device, order_number=number)

    assert order.order_id == order_id
    assert sum(line.refunded_cents for line in order.lines) == refund
    assert sum(t.refunded_cents for t in order.tenders) == refund
    assert [p.paid_back_cents for p in order.past_returns] == [refund]


def test_units_cancelled_at_a_hand_over_are_refunded_to_the_orders_tenders(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    ready = pickups.ready_order(hub)
    line = ready["lines"][0]
    cancel = {line["line_no"]: {"cancelled": 1, "cancel_reason": "damaged"}}

    (result,) = pickups.push(device, pickups.collect(ready["id"], cancel))

    assert result["status"] == "applied", result
    ((refund_id, amount),) = query_db(
        hub.db_url, "SELECT id, amount_cents FROM refunds WHERE order_id = ?", ready["id"]
    )
    requested = query_db(
        hub.db_url,
        "SELECT r.amount_cents, r.status, t.order_id FROM tender_refunds r "
        "JOIN tenders t ON t.id = r.tender_id WHERE r.refund_id = ?",
        refund_id,
    )
    assert sum(cents for cents, _status, _order in requested) == amount == line["price"]
    assert {(status, order) for _cents, status, order in requested} == {("requested", ready["id"])}
    order = look_up(device, order_number=ready["number"])
    cancelled = next(li for li in order.lines if li.line_no == line["line_no"])
    assert cancelled.refunded_cents == line["price"]
    assert sum(t.refunded_cents for t in order.tenders) == line["price"]


def test_an_overdue_pickup_restocked_is_refunded_to_its_tenders(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any, make_command: Any
) -> None:
    hub, device = own_hub_device
    ready = pickups.ready_order(hub)
    query_db(
        hub.db_url, "UPDATE orders SET pickup_deadline = '2020-01-01 00:00:00' WHERE id = ?", ready["id"]
    )

    (result,) = pickups.push(device, make_command("pickup.restock", {"order_id": ready["id"]}, staff_id=3))

    assert result["status"] == "applied", result
    refunded = result["result"]["refunded_cents"]
    assert refunded > 0
    assert query_db(
        hub.db_url, "SELECT sum(amount_cents) FROM tender_refunds WHERE order_id = ?", ready["id"]
    ) == [(refunded,)]
