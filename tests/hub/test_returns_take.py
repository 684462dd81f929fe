"""Taking a return back at the hub (``return.take``) against the real hub: the policy decided again on
the hub's own facts, the money split across the tenders as refund requests, store credit, points,
restocking, exchanges, a manager's approval, and two stores returning the same unit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hub_returns import (
    approved_what,
    keys,
    look_up,
    make_order,
    manager_approves,
    push,
    query_staff,
    return_command,
    stamp,
    stock,
    take,
    written,
)

from storeassist import contract
from storeassist.domain.tokens import TokenKind, verify_token


def test_a_return_with_its_receipt_pays_the_card_back_restocks_reverses_points_and_is_signed(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db, lines=(2,))
    line = made["lines"][0]
    code = hub.order_token(made["id"])
    order = look_up(device, code=code)
    assert order.with_receipt and order.receipt_code == code
    points_before = query_db(hub.db_url, "SELECT points FROM customers WHERE id = ?", made["customer_id"])[0][
        0
    ]
    on_hand_before = stock(query_db, hub, line["product_id"])[0]

    result = take(device, order, [(1, 1, "wrong_size", "resellable")], staff_id=3)

    assert result["status"] == "applied", result
    taken = contract.ReturnTaken.model_validate(result["result"])
    assert taken.paid_back_cents == line["unit"]
    assert [(t.kind, t.cents) for t in taken.to_tenders] == [("card", line["unit"])]
    assert taken.store_credit_cents == 0 and taken.exchange_cents == 0
    assert taken.points_reversed == min(points_before, (made["total"] // 100) * line["unit"] // made["total"])
    receipt = verify_token(taken.receipt_code, keys(hub), now=datetime.now(UTC))
    assert (receipt.kind, receipt.subject_id) == (TokenKind.RETURN_RECEIPT, taken.return_id)
    (row,) = query_db(
        hub.db_url,
        "SELECT order_id, store_id, refund_cents, method, with_receipt, offline, device_id, staff_id, "
        "command_id FROM returns WHERE id = ?",
        taken.return_id,
    )
    assert row[:6] == (made["id"], 1, line["unit"], "original_tender", 1, 0) or row[:6] == (
        made["id"],
        1,
        line["unit"],
        "original_tender",
        True,
        False,
    )
    assert row[7] == 3
    assert query_db(
        hub.db_url,
        "SELECT line_no, qty, reason, condition, disposition, refund_cents FROM return_lines "
        "WHERE return_id = ?",
        taken.return_id,
    ) == [(1, 1, "wrong_size", "resellable", "restock", line["unit"])]
    assert query_db(hub.db_url, "SELECT qty_returned FROM order_lines WHERE order_id = ?", made["id"]) == [
        (1,)
    ]
    assert query_db(
        hub.db_url, "SELECT amount_cents, status FROM tender_refunds WHERE return_id = ?", taken.return_id
    ) == [(line["unit"], "requested")]
    assert stock(query_db, hub, line["product_id"])[0] == on_hand_before + 1
    assert (
        query_db(
            hub.db_url,
            "SELECT count(*) FROM change_log WHERE entity = 'stock' AND entity_id = ? AND store_id = 1",
            line["product_id"],
        )[0][0]
        >= 1
    )
    assert query_db(hub.db_url, "SELECT points FROM customers WHERE id = ?", made["customer_id"])[0][0] == (
        points_before - taken.points_reversed
    )
    audit = query_db(
        hub.db_url, "SELECT action, staff_id FROM audit WHERE subject = ?", f"return:{taken.return_id}"
    )
    assert audit == [("return.take", 3)]

    again = look_up(device, order_number=made["number"])
    assert not again.with_receipt and again.receipt_code is None
    assert (again.lines[0].returned, again.lines[0].refunded_cents) == (1, line["unit"])
    assert again.tenders[0].refunded_cents == line["unit"]
    assert [(p.units, p.paid_back_cents, p.store_id) for p in again.past_returns] == [(1, line["unit"], 1)]
    assert str(again.past_returns[0].command_id) == row[8], "names the command that took it"


def test_money_is_split_across_the_tenders_as_they_paid_and_points_spent_come_back_as_points(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(
        hub, query_db, category="Tops", lines=(1, 1), tenders=(("points", 2000), ("card", None))
    )
    order = look_up(device, code=hub.order_token(made["id"]))
    points_before = query_db(hub.db_url, "SELECT points FROM customers WHERE id = ?", made["customer_id"])[0][
        0
    ]

    result = take(device, order, [(1, 1, "changed_mind", "resellable"), (2, 1, "changed_mind", "resellable")])

    assert result["status"] == "applied", result
    taken = contract.ReturnTaken.model_validate(result["result"])
    assert taken.points_restored == 2000
    assert [(t.kind, t.cents) for t in taken.to_tenders] == [("card", made["total"] - 2000)]
    assert taken.paid_back_cents == made["total"]
    shares = query_db(
        hub.db_url,
        "SELECT t.kind, r.amount_cents FROM tender_refunds r JOIN tenders t ON t.id = r.tender_id "
        "WHERE r.return_id = ? ORDER BY t.id",
        taken.return_id,
    )
    assert shares == [("points", 2000), ("card", made["total"] - 2000)]
    points_after = query_db(hub.db_url, "SELECT points FROM customers WHERE id = ?", made["customer_id"])[0][
        0
    ]
    assert points_after == points_before - taken.points_reversed + 2000
    ledger = query_db(
        hub.db_url,
        "SELECT delta FROM points_ledger WHERE customer_id = ? AND reason = 'return' ORDER BY id",
        made["customer_id"],
    )
    assert [d for (d,) in ledger][-2:] == [-taken.points_reversed, 2000] or taken.points_reversed == 0


def test_the_points_ledger_says_what_the_balance_really_moved(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    """A balance below zero (an old hand-edited row) is raised to zero at most by a small restore:
    the ledger row says what the balance moved, so the ledger adds up to it."""
    hub, device = own_hub_device
    made = make_order(hub, query_db, category="Tops", tenders=(("points", 20), ("card", None)))
    query_db(hub.db_url, "UPDATE customers SET points = -50 WHERE id = ?", made["customer_id"])
    order = look_up(device, code=hub.order_token(made["id"]))

    result = take(device, order, [(1, 1, "changed_mind", "resellable")])

    assert result["status"] == "applied", result
    taken = contract.ReturnTaken.model_validate(result["result"])
    assert (taken.points_reversed, taken.points_restored) == (0, 20)
    assert query_db(hub.db_url, "SELECT points FROM customers WHERE id = ?", made["customer_id"]) == [(0,)]
    ledger = query_db(
        hub.db_url,
        "SELECT delta FROM points_ledger WHERE customer_id = ? AND reason = 'return'",
        made["customer_id"],
    )
    assert ledger == [(50,)]


def test_without_a_receipt_the_money_comes_back_as_store_credit(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db)
    order = look_up(device, order_number=made["number"].lower())
    assert not order.with_receipt

    result = take(device, order, [(1, 1, "changed_mind", "resellable")])

    assert result["status"] == "applied", result
    taken = contract.ReturnTaken.model_validate(result["result"])
    assert taken.to_tenders == [] and taken.store_credit_cents == made["total"]
    assert query_db(
        hub.db_url,
        "SELECT amount_cents, customer_id, store_id FROM store_credits WHERE return_id = ?",
        taken.return_id,
    ) == [(made["total"], made["customer_id"], 1)]
    assert query_db(
        hub.db_url, "SELECT count(*) FROM tender_refunds WHERE return_id = ?", taken.return_id
    ) == [(0,)]


def test_a_defective_unit_goes_back_to_the_vendor_and_is_not_restocked(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db)
    before = stock(query_db, hub, made["lines"][0]["product_id"])
    order = look_up(device, code=hub.order_token(made["id"]))

    result = take(device, order, [(1, 1, "defective", "defective")])

    assert result["status"] == "applied", result
    assert query_db(hub.db_url, "SELECT disposition FROM return_lines WHERE order_id = ?", made["id"]) == [
        ("return_to_vendor",)
    ]
    assert stock(query_db, hub, made["lines"][0]["product_id"]) == before


def test_the_amount_shown_must_be_the_hubs_or_it_is_a_conflict_and_nothing_is_written(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db)
    order = look_up(device, code=hub.order_token(made["id"]))
    before = written(query_db, hub)

    result = take(device, order, [(1, 1, "wrong_size", "resellable")], paid_back=made["total"] - 1)

    assert (result["status"], result["code"]) == ("conflict", "paid_back_differs")
    assert result["params"] == {
        "order_number": made["number"],
        "shown": made["total"] - 1,
        "decided": made["total"],
    }
    assert written(query_db, hub) == before


def test_the_store_credit_shown_must_be_the_hubs_too(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    """The same amount back, but all of it to the card where the policy pays part as store credit
    (or the other way round): the customer was told something else, so it is a conflict."""
    hub, device = own_hub_device
    made = make_order(hub, query_db)
    order = look_up(device, code=hub.order_token(made["id"]))
    before = written(query_db, hub)

    result = take(
        device,
        order,
        [(1, 1, "wrong_size", "resellable")],
        paid_back=made["total"],
        store_credit=made["total"],
    )

    assert (result["status"], result["code"]) == ("conflict", "paid_back_differs")
    assert result["params"] == {"order_number": made["number"], "shown": made["total"], "decided": 0}
    assert result["facts"]["decided_store_credit"] == 0
    assert written(query_db, hub) == before


def test_a_return_past_its_window_needs_a_managers_approval_which_is_used_once_and_audited(
    hub_server_fn: Any, enroll_device: Any, query_db: Any
) -> None:
    hub = hub_server_fn
    made = make_order(hub, query_db, days_ago=40)
    with enroll_device(hub, role="associate") as device:
        order = look_up(device, code=hub.order_token(made["id"]))
        return_id = str(uuid.uuid4())

        unapproved = take(device, order, [(1, 1, "wrong_size", "resellable")], command_id=str(uuid.uuid4()))
        approval = manager_approves(hub, query_db, device, return_id, order=order)
        approved = take(device, order, [(1, 1, "wrong_size", "resellable")], command_id=return_id)
        session_still_the_associates = device.post(
            "/v1/returns/lookup", json={"order_number": made["number"]}
        )

    assert (unapproved["status"], unapproved["code"]) == ("rejected", "approval_required")
    assert unapproved["params"] == {"order_number": made["number"], "reasons": "past_window"}
    assert approval.status_code == 200, approval.text
    body = contract.ReturnApproval.model_validate(approval.json())
    assert body.expires_at - body.approved_at == timedelta(minutes=15)
    assert approved["status"] == "applied", approved
    ((manager_id, _number),) = query_staff(hub, query_db, "manager")
    ((associate_id, _number),) = query_staff(hub, query_db, "associate")
    manager_name = query_db(hub.db_url, "SELECT name FROM staff WHERE id = ?", manager_id)[0][0]
    taken = contract.ReturnTaken.model_validate(approved["result"])
    assert taken.approved_by == manager_name
    assert query_db(hub.db_url, "SELECT approved_by FROM returns WHERE id = ?", taken.return_id) == [
        (manager_id,)
    ]
    assert query_db(
        hub.db_url, "SELECT used_at IS NOT NULL FROM return_approvals WHERE return_id = ?", return_id
    ) in ([(1,)], [(True,)])
    audit = query_db(
        hub.db_url,
        "SELECT action, staff_id FROM audit WHERE subject IN (?, ?) ORDER BY id",
        f"return:{uuid.UUID(return_id).hex}",
        f"return:{taken.return_id}",
    )
    assert audit == [
        ("return.approve", manager_id),
        # Sent naming nobody: the return is the associate's whose session sent it.
        ("return.take", associate_id),
        ("return.approval_used", manager_id),
    ]
    assert query_db(hub.db_url, "SELECT staff_id FROM returns WHERE id = ?", taken.return_id) == [
        (associate_id,)
    ]
    assert session_still_the_associates.status_code == 200


@pytest.mark.parametrize(
    "spoil",
    [
        "expired",
        "used",
        "another_device",
        "not_a_manager",
        "more_money",
        "another_order",
        "other_reasons",
        "another_associate",
    ],
)
def test_an_approval_not_of_this_very_return_does_not_approve_it(
    spoil: str, hub_server_fn: Any, enroll_device: Any, query_db: Any
) -> None:
    """Expired, used, given on another device or by someone below manager; or of less money,
    another order, other reasons, or asked by another associate than the one taking it back."""
    hub = hub_server_fn
    made, other_order = make_order(hub, query_db, days_ago=40), make_order(hub, query_db, days_ago=40)
    (_first, (second_associate, _number)) = query_db(
        hub.db_url, "SELECT id, staff_number FROM staff WHERE store_id = 1 AND role = 'associate' ORDER BY id"
    )[:2]
    with enroll_device(hub, role="associate") as device, enroll_device(hub, role="associate") as other:
        order = look_up(device, code=hub.order_token(made["id"]))
        return_id = str(uuid.uuid4())
        what = approved_what(order)
        changed = {
            "more_money": {"paid_back_cents": what["paid_back_cents"] - 1},
            "another_order": {"order_id": other_order["id"]},
            "other_reasons": {"reasons": ["no_receipt"]},
        }.get(spoil, {})
        if spoil == "not_a_manager":
            refused = manager_approves(hub, query_db, device, return_id, role="supervisor", order=order)
            assert refused.status_code == 403 and refused.json()["code"] == "not_a_manager"
        else:
            approving = other if spoil == "another_device" else device
            given = manager_approves(hub, query_db, approving, return_id, order=order, **changed)
            assert given.status_code == 200, given.text
        if spoil == "expired":
            query_db(hub.db_url, "UPDATE return_approvals SET expires_at = ?", "2020-01-01 00:00:00.000000")
        if spoil == "used":
            query_db(hub.db_url, "UPDATE return_approvals SET used_at = ?", "2020-01-01 00:00:00.000000")
        before = written(query_db, hub)

        result = take(
            device,
            order,
            [(1, 1, "wrong_size", "resellable")],
            command_id=return_id,
            staff_id=second_associate if spoil == "another_associate" else None,
        )

    expected = "approval_required" if spoil in ("another_device", "not_a_manager") else "approval_not_valid"
    assert (result["status"], result["code"]) == ("rejected", expected)
    assert written(query_db, hub) == before


def test_a_return_above_the_managers_limit_needs_an_approval(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db, lines=(6,), unit_cents=10_000)
    order = look_up(device, code=hub.order_token(made["id"]))

    result = take(device, order, [(1, 6, "changed_mind", "resellable")])

    assert (result["status"], result["code"]) == ("rejected", "approval_required")
    assert "above_manager_limit" in result["params"]["reasons"].split(",")


def test_an_exchange_carried_out_takes_the_other_size_from_this_store_and_pays_nothing_back(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db)
    line = made["lines"][0]
    other = query_db(
        hub.db_url,
        "SELECT p.id, p.sku FROM products p WHERE p.style = ? AND p.id != ? AND p.price_cents = ? "
        "ORDER BY p.id",
        line["style"],
        line["product_id"],
        line["unit"],
    )[0]
    query_db(hub.db_url, "DELETE FROM inventory WHERE store_id = 1 AND product_id = ?", other[0])
    order = look_up(device, code=hub.order_token(made["id"]))
    swap = [{"line_no": 1, "sku": other[1], "qty": 1, "fulfilment": "carry"}]

    out_of_stock = take(device, order, [(1, 1, "wrong_size", "resellable")], method="exchange", exchange=swap)
    query_db(
        hub.db_url,
        "INSERT INTO inventory (store_id, product_id, on_hand, held, updated_at) VALUES (1, ?, 3, 1, ?)",
        other[0],
        stamp(datetime.now(UTC)),
    )
    exchanged = take(device, order, [(1, 1, "wrong_size", "resellable")], method="exchange", exchange=swap)

    assert (out_of_stock["status"], out_of_stock["code"]) == ("conflict", "exchange_out_of_stock")
    assert out_of_stock["params"] == {"order_number": made["number"], "sku": other[1], "available": 0}
    assert exchanged["status"] == "applied", exchanged
    taken = contract.ReturnTaken.model_validate(exchanged["result"])
    assert (taken.paid_back_cents, taken.exchange_cents, taken.to_tenders) == (0, line["unit"], [])
    assert stock(query_db, hub, other[0]) == (2, 1)
    assert query_db(
        hub.db_url, "SELECT count(*) FROM tender_refunds WHERE return_id = ?", taken.return_id
    ) == [(0,)]


def test_an_exchange_must_be_the_same_style_at_the_same_price(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db, unit_cents=1234)
    line = made["lines"][0]
    same_style = query_db(
        hub.db_url,
        "SELECT sku FROM products WHERE style = ? AND id != ? ORDER BY id",
        line["style"],
        line["product_id"],
    )[0][0]
    other_style = query_db(
        hub.db_url, "SELECT sku FROM products WHERE style != ? ORDER BY id", line["style"]
    )[0][0]
    order = look_up(device, code=hub.order_token(made["id"]))
    units = [(1, 1, "wrong_size", "resellable")]

    def exchange_for(sku: str) -> dict[str, Any]:
        return take(device, order, units, method="exchange", exchange=[{"line_no": 1, "sku": sku, "qty": 1}])

    styled, priced = exchange_for(other_style), exchange_for(same_style)

    assert (styled["code"], styled["params"]["sku"]) == ("exchange_not_same_style", other_style)
    assert (priced["code"], priced["params"]["sku"]) == ("exchange_price_differs", same_style)


def test_an_exchange_from_the_warehouse_is_an_endless_aisle_order_on_the_receipt(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db)
    line = made["lines"][0]
    other = query_db(
        hub.db_url,
        "SELECT sku FROM products WHERE style = ? AND id != ? AND price_cents = ? ORDER BY id",
        line["style"],
        line["product_id"],
        line["unit"],
    )[0][0]
    order = look_up(device, code=hub.order_token(made["id"]))
    swap = [{"line_no": 1, "sku": other, "qty": 1, "fulfilment": "bopis"}]

    result = take(device, order, [(1, 1, "wrong_size", "resellable")], method="exchange", exchange=swap)

    assert result["status"] == "applied", result
    taken = contract.ReturnTaken.model_validate(result["result"])
    assert taken.exchange_order_number is not None
    placed = query_db(
        hub.db_url,
        "SELECT o.customer_id, o.payment_state, o.total_cents, o.pickup_state, s.kind FROM orders o "
        "JOIN stores s ON s.id = o.source_store_id WHERE o.number = ?",
        taken.exchange_order_number,
    )
    assert placed == [(made["customer_id"], "paid", line["unit"], "placed", "warehouse")]
    paid_by = query_db(
        hub.db_url,
        "SELECT t.kind, t.amount_cents FROM tenders t JOIN orders o ON o.id = t.order_id WHERE o.number = ?",
        taken.exchange_order_number,
    )
    assert paid_by == [("exchange", line["unit"])], "paid by the items brought back"


def test_a_pickups_window_starts_at_its_hand_over_and_only_collected_units_come_back(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any
) -> None:
    hub, device = own_hub_device
    ready = pickups.ready_order(hub)
    first = ready["lines"][0]
    handed = {first["line_no"]: {"handed": 1}}
    (collected,) = pickups.push(device, pickups.collect(ready["id"], handed))
    assert collected["status"] == "applied", collected

    order = look_up(device, code=collected["result"]["receipt_code"])

    assert order.with_receipt
    assert order.received_at == datetime.fromisoformat(collected["result"]["collected_at"])
    assert (order.lines[0].line_no, order.lines[0].received) == (first["line_no"], 1)
    too_many = take(device, order, [(first["line_no"], 2, "wrong_size", "resellable")], paid_back=0)
    assert (too_many["status"], too_many["code"]) == ("conflict", "more_than_returnable")
    assert take(device, order, [(first["line_no"], 1, "wrong_size", "resellable")])["status"] == "applied"


def test_the_same_unit_returned_by_two_stores_devices_is_refunded_once_and_the_second_is_a_conflict(
    hub_server_fn: Any, enroll_device: Any, query_db: Any
) -> None:
    hub = hub_server_fn
    made = make_order(hub, query_db, store_id=None, unit_cents=4_000)  # within the offline cap
    with enroll_device(hub, store_id=1) as here, enroll_device(hub, store_id=2) as there:
        seen_here = look_up(here, code=hub.order_token(made["id"]))
        seen_there = look_up(there, code=hub.order_token(made["id"]))
        unit = [(1, 1, "changed_mind", "resellable")]
        first = take(here, seen_here, unit, offline=True)
        second = take(there, seen_there, unit, offline=True, store_id=2)

    assert first["status"] == "applied", first
    assert (second["status"], second["code"]) == ("conflict", "more_than_returnable")
    assert second["params"] == {"order_number": made["number"], "line_no": 1, "asked": 1, "returnable": 0}
    assert second["facts"]["lines"]["1"] == {"qty": 1, "received": 1, "returned": 1}
    assert query_db(
        hub.db_url, "SELECT sum(amount_cents) FROM tender_refunds WHERE order_id = ?", made["id"]
    ) == [(made["total"],)]
    assert query_db(hub.db_url, "SELECT offline, store_id FROM returns WHERE order_id = ?", made["id"]) in (
        [(1, 1)],
        [(True, 1)],
    )


def test_a_return_is_decided_at_the_hubs_time_not_the_tablets(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    """An online return dated ten days back (a tablet's clock, or its say) is still past the
    window now: a manager must approve it."""
    hub, device = own_hub_device
    made = make_order(hub, query_db, days_ago=35)
    order = look_up(device, code=hub.order_token(made["id"]))
    before = written(query_db, hub)

    result = take(
        device,
        order,
        [(1, 1, "wrong_size", "resellable")],
        issued_at=datetime.now(UTC) - timedelta(days=10),
    )

    assert (result["status"], result["code"]) == ("rejected", "approval_required")
    assert result["params"]["reasons"] == "past_window"
    assert written(query_db, hub) == before


def test_an_offline_return_is_decided_at_the_counters_time_within_three_days_and_within_the_cap(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    """Taken offline two days ago, inside the window then: applied, dated then. Taken offline
    five days ago: decided now, past the window, so not a return a tablet may take offline. And
    the offline flag is no way past the cap."""
    hub, device = own_hub_device
    now = datetime.now(UTC)
    recent = make_order(hub, query_db, days_ago=31, unit_cents=4_000)
    stale = make_order(hub, query_db, days_ago=33, unit_cents=4_000)
    dear = make_order(hub, query_db, lines=(2,), unit_cents=6_000)
    unit = [(1, 1, "wrong_size", "resellable")]

    two_days = take(
        device,
        look_up(device, code=hub.order_token(recent["id"])),
        unit,
        offline=True,
        issued_at=now - timedelta(days=2),
    )
    five_days = take(
        device,
        look_up(device, code=hub.order_token(stale["id"])),
        unit,
        offline=True,
        issued_at=now - timedelta(days=5),
    )
    over_cap = take(
        device,
        look_up(device, code=hub.order_token(dear["id"])),
        [(1, 2, "wrong_size", "resellable")],
        offline=True,
    )

    assert two_days["status"] == "applied", two_days
    ((at,),) = query_db(hub.db_url, "SELECT at FROM returns WHERE order_id = ?", recent["id"])
    assert (
        abs((datetime.fromisoformat(str(at)).replace(tzinfo=UTC) - (now - timedelta(days=2))).total_seconds())
        < 1
    )
    assert (five_days["status"], five_days["code"]) == ("rejected", "offline_over_cap")
    assert five_days["params"] == {"order_number": stale["number"], "cap_cents": 10_000}
    assert (over_cap["status"], over_cap["code"]) == ("rejected", "offline_over_cap")
    assert over_cap["params"] == {"order_number": dear["number"], "cap_cents": 10_000}
    assert query_db(
        hub.db_url, "SELECT count(*) FROM returns WHERE order_id IN (?, ?)", stale["id"], dear["id"]
    ) == [(0,)]


def test_a_retry_of_an_applied_return_is_a_duplicate_and_pays_nothing_twice(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db, lines=(2,))
    order = look_up(device, code=hub.order_token(made["id"]))
    command = return_command(order, [(1, 1, "wrong_size", "resellable")])
    first = push(device, command)
    before = written(query_db, hub)

    again = push(device, command)

    assert first["status"] == "applied"
    assert again["status"] == "duplicate" and again["result"]["return_id"] == first["result"]["return_id"]
    assert written(query_db, hub) == before


def test_an_order_code_past_its_expiry_still_proves_the_purchase_at_the_lookup_and_the_return(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    """An app's order code lasts minutes for a pickup, but as a receipt it proves the order was the
    customer's whenever it is shown: the return is "with receipt" and pays the card back."""
    hub, device = own_hub_device
    made = make_order(hub, query_db, lines=(1,))
    code = hub.order_token(made["id"], ttl_s=-3600)
    order = look_up(device, code=code)
    assert order.with_receipt and order.receipt_code == code

    result = take(device, order, [(1, 1, "wrong_size", "resellable")], staff_id=3)

    assert result["status"] == "applied", result
    taken = contract.ReturnTaken.model_validate(result["result"])
    assert [t.kind for t in taken.to_tenders] == ["card"] and taken.store_credit_cents == 0
