"""What was paid back before a return: the seeded chain's returns have their lines and their refunds
split across the tenders, and a pickup's cancelled units are refunded to the tenders too, so the
next return's facts say what each line and each tender already paid back."""

from __future__ import annotations

from typing import Any

import httpx
from hub_returns import look_up, make_order, take

from storeassist import contract


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


def _pay_with(query_db: Any, hub: Any, order_id: int, tenders: tuple[tuple[str, int | None], ...]) -> None:
    """The order paid by ``tenders`` instead (kind, cents; None: the rest of its total)."""
    ((total,),) = query_db(hub.db_url, "SELECT total_cents FROM orders WHERE id = ?", order_id)
    query_db(hub.db_url, "DELETE FROM tenders WHERE order_id = ?", order_id)
    left = total
    for kind, cents in tenders:
        amount = left if cents is None else cents
        left -= amount
        query_db(
            hub.db_url,
            "INSERT INTO tenders (order_id, kind, amount_cents) VALUES (?, ?, ?)",
            order_id,
            kind,
            amount,
        )


def _points(query_db: Any, hub: Any, customer_id: int) -> int:
    return int(query_db(hub.db_url, "SELECT points FROM customers WHERE id = ?", customer_id)[0][0])


def test_points_spent_on_a_return_come_back_as_points_settled_and_the_card_as_a_request(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db, category="Tops", tenders=(("points", 1000), ("card", None)))
    order = look_up(device, code=hub.order_token(made["id"]))

    result = take(device, order, [(1, 1, "changed_mind", "resellable")])

    assert result["status"] == "applied", result
    rows = query_db(
        hub.db_url,
        "SELECT t.kind, r.amount_cents, r.status FROM tender_refunds r JOIN tenders t ON t.id = r.tender_id "
        "WHERE r.order_id = ? ORDER BY t.id",
        made["id"],
    )
    assert rows == [("points", 1000, "settled"), ("card", made["total"] - 1000, "requested")]


def test_a_pickups_refund_gives_points_spent_back_as_points_settled(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    ready = pickups.ready_order(hub)
    line = ready["lines"][0]
    _pay_with(query_db, hub, ready["id"], (("points", None),))
    before = _points(query_db, hub, ready["customer_id"])
    cancel = {line["line_no"]: {"cancelled": 1, "cancel_reason": "damaged"}}

    (result,) = pickups.push(device, pickups.collect(ready["id"], cancel))

    assert result["status"] == "applied", result
    assert query_db(
        hub.db_url, "SELECT amount_cents, status FROM tender_refunds WHERE order_id = ?", ready["id"]
    ) == [(line["price"], "settled")]
    assert _points(query_db, hub, ready["customer_id"]) == before + line["price"]
    ledger = query_db(
        hub.db_url,
        "SELECT delta FROM points_ledger WHERE customer_id = ? AND reason = 'pickup refund'",
        ready["customer_id"],
    )
    assert ledger == [(line["price"],)]


def test_an_exchanges_order_earns_no_points_at_its_hand_over_and_its_refund_is_store_credit(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any
) -> None:
    """Half paid by items brought back (an exchange tender), half by card: the hand-over credits
    points for the card's half only; a unit cancelled pays the exchange's share back as store
    credit (settled), the card's as a request."""
    hub, device = own_hub_device
    ready = pickups.ready_order(hub, lines=2)
    first, second = ready["lines"][:2]
    ((total,),) = query_db(hub.db_url, "SELECT total_cents FROM orders WHERE id = ?", ready["id"])
    _pay_with(query_db, hub, ready["id"], (("exchange", total // 2), ("card", None)))
    lines = pickups.everything(ready)
    lines[second["line_no"]] = {"handed": second["qty"] - 1, "cancelled": 1, "cancel_reason": "damaged"}

    (result,) = pickups.push(device, pickups.collect(ready["id"], lines))

    assert result["status"] == "applied", result
    handed = total - second["price"]
    assert result["result"]["points_credited"] == (handed * (total - total // 2) // total) // 100
    refunded = query_db(
        hub.db_url,
        "SELECT t.kind, r.amount_cents, r.status, r.refund_id FROM tender_refunds r "
        "JOIN tenders t ON t.id = r.tender_id WHERE r.order_id = ? ORDER BY t.id",
        ready["id"],
    )
    assert {(kind, status) for kind, _cents, status, _refund in refunded} == {
        ("exchange", "settled"),
        ("card", "requested"),
    }
    assert sum(cents for _kind, cents, _status, _refund in refunded) == second["price"]
    exchange_share = next(cents for kind, cents, _status, _refund in refunded if kind == "exchange")
    credit = query_db(
        hub.db_url,
        "SELECT amount_cents, customer_id, refund_id, return_id FROM store_credits WHERE refund_id = ?",
        refunded[0][3],
    )
    assert credit == [(exchange_share, ready["customer_id"], refunded[0][3], None)]
    assert first["line_no"] in lines


def test_a_return_of_an_exchanges_order_pays_its_value_back_as_store_credit(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    """Items brought back paid for it: taken back, that value is store credit (settled), never a
    refund request to a payment system, and no points are reversed for it (none were earned)."""
    hub, device = own_hub_device
    made = make_order(hub, query_db, tenders=(("exchange", None),), unit_cents=4_000)
    order = look_up(device, code=hub.order_token(made["id"]))
    assert [t.kind for t in order.tenders] == ["exchange"]

    result = take(device, order, [(1, 1, "wrong_size", "resellable")])

    assert result["status"] == "applied", result
    taken = contract.ReturnTaken.model_validate(result["result"])
    assert (taken.to_tenders, taken.store_credit_cents, taken.points_reversed) == ([], 4_000, 0)
    assert query_db(
        hub.db_url, "SELECT amount_cents, status FROM tender_refunds WHERE order_id = ?", made["id"]
    ) == [(4_000, "settled")]
    assert query_db(
        hub.db_url, "SELECT amount_cents FROM store_credits WHERE return_id = ?", taken.return_id
    ) == [(4_000,)]
