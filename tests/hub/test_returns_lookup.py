"""Finding an order to take back (``POST /v1/returns/lookup``) and a manager's approval
(``POST /v1/returns/approvals``) against the real hub: with a receipt only by a signed code of the
order, any store's order from any store, and an approval checked as a sign-in without signing
anyone in or out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from hub_returns import approved_what, look_up, make_order, manager_approves, query_staff, take

from storeassist import contract
from storeassist.domain.return_desk import order_facts
from storeassist.domain.returns import DEFAULT_POLICY, line_verdicts
from storeassist.domain.tokens import TokenKind
from storeassist.hub.admin import issue_token
from storeassist.hub.demo_codes import PURCHASE_RECEIPT, write_demo_codes
from storeassist.hub.seed.catalog import demo_pin


def test_an_order_found_by_its_code_has_its_receipt_and_by_its_number_has_not(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db, lines=(2, 1), tenders=(("gift_card", 1000), ("card", None)))
    code = hub.order_token(made["id"])
    receipt = issue_token(hub.db_url, TokenKind.PURCHASE_RECEIPT, made["id"])

    by_code, by_receipt = look_up(device, code=code), look_up(device, code=receipt)
    by_number = look_up(device, order_number=made["number"])

    assert (by_code.with_receipt, by_code.receipt_code) == (True, code)
    assert (by_receipt.with_receipt, by_receipt.receipt_code) == (True, receipt)
    assert (by_number.with_receipt, by_number.receipt_code) == (False, None)
    assert by_number.model_dump(exclude={"with_receipt", "receipt_code", "as_of"}) == by_code.model_dump(
        exclude={"with_receipt", "receipt_code", "as_of"}
    )
    assert (by_code.number, by_code.customer_id, by_code.total_cents) == (
        made["number"],
        made["customer_id"],
        made["total"],
    )
    assert [
        (line.line_no, line.qty, line.received, line.returned, line.refunded_cents) for line in by_code.lines
    ] == [
        (1, 2, 2, 0, 0),
        (2, 1, 1, 0, 0),
    ]
    assert [(line.sku, line.unit_cents, line.category) for line in by_code.lines] == [
        (line["sku"], line["unit"], "Knitwear") for line in made["lines"]
    ]
    assert [(t.kind, t.paid_cents, t.refunded_cents) for t in by_code.tenders] == [
        ("gift_card", 1000, 0),
        ("card", made["total"] - 1000, 0),
    ]
    assert by_code.received_at == by_code.placed_at and by_code.past_returns == []
    # Each lookup shows the customer's name and points: audited as a profile view is.
    audited = query_db(
        hub.db_url,
        "SELECT count(*) FROM audit WHERE action = 'return.lookup' AND subject = ?",
        f"order:{made['id']}",
    )
    assert audited == [(3,)]


def test_a_return_receipt_finds_its_order_without_a_receipt(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db, lines=(2,))
    first = take(
        device, look_up(device, code=hub.order_token(made["id"])), [(1, 1, "wrong_size", "resellable")]
    )
    assert first["status"] == "applied", first

    again = look_up(device, code=first["result"]["receipt_code"])

    assert (again.order_id, again.with_receipt, again.receipt_code) == (made["id"], False, None)
    assert again.lines[0].returned == 1


def test_unknown_orders_and_codes_it_does_not_trust_are_refused_in_codes(
    device: httpx.Client, hub_server: Any, assert_problem: Any
) -> None:
    loyalty = hub_server.loyalty_token(hub_server.customer_ids[0])
    forged = hub_server.order_token(hub_server.pickup_order_ids[0])[:-6] + "AAAAAA"

    assert_problem(
        device.post("/v1/returns/lookup", json={"order_number": "W99999999"}), 404, "unknown_order"
    )
    assert_problem(device.post("/v1/returns/lookup", json={"code": forged}), 403, "token_forged")
    assert_problem(device.post("/v1/returns/lookup", json={"code": loyalty}), 403, "token_wrong_kind")
    assert_problem(device.post("/v1/returns/lookup", json={"code": "SA1.AAAA"}), 403, "token_malformed")
    assert_problem(
        device.post("/v1/returns/lookup", json={"code": forged, "order_number": "W1"}), 422, "invalid_request"
    )


def test_another_customers_order_is_refused_when_a_customer_is_open(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, assert_problem: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db)
    code = hub.order_token(made["id"])
    stranger = hub.customer_ids[2]

    refused = device.post("/v1/returns/lookup", json={"code": code, "customer_id": stranger})
    theirs = device.post("/v1/returns/lookup", json={"code": code, "customer_id": made["customer_id"]})

    body = assert_problem(refused, 403, "order_of_another_customer")
    assert made["number"] not in body.get("detail", "")
    assert theirs.status_code == 200


def test_any_stores_device_finds_an_order_bought_or_collected_at_another(
    hub_server: Any, enroll_device: Any, query_db: Any
) -> None:
    made = make_order(hub_server, query_db, store_id=1, fulfilment="carry", status="completed")
    with enroll_device(hub_server, store_id=3, role="associate") as elsewhere:
        found = look_up(elsewhere, order_number=made["number"])
    assert (found.order_id, found.store_id) == (made["id"], 1)


def test_the_lookup_needs_a_staff_session(hub_server: Any, enroll_device: Any, assert_problem: Any) -> None:
    with enroll_device(hub_server, role=None) as nobody:
        assert_problem(
            nobody.post("/v1/returns/lookup", json={"order_number": "W1"}), 401, "staff_session_required"
        )


def test_a_managers_approval_by_badge_and_pin_is_recorded_audited_and_signs_nobody_in(
    hub_server_fn: Any, enroll_device: Any, query_db: Any
) -> None:
    hub = hub_server_fn
    ((manager_id, _number),) = query_staff(hub, query_db, "manager")
    ((associate_id, _number),) = query_staff(hub, query_db, "associate")
    made = make_order(hub, query_db)
    return_id = str(uuid.uuid4())
    with enroll_device(hub, role="associate") as device:
        before = query_db(hub.db_url, "SELECT count(*) FROM staff_sessions WHERE ended_at IS NULL")[0][0]
        answer = device.post(
            "/v1/returns/approvals",
            json={
                "return_id": return_id,
                "badge": hub.badge(manager_id),
                "pin": demo_pin(manager_id),
                "reason": "customer kept the tags",
                "order_id": made["id"],
                "paid_back_cents": 4_000,
                "reasons": ["above_manager_limit", "past_window"],
            },
        )
        after = query_db(hub.db_url, "SELECT count(*) FROM staff_sessions WHERE ended_at IS NULL")[0][0]
        still_signed_in = device.post("/v1/returns/lookup", json={"order_number": "W99999999"})

    assert answer.status_code == 200, answer.text
    approval = contract.ReturnApproval.model_validate(answer.json())
    assert (str(approval.return_id), approval.manager_id) == (return_id, manager_id)
    assert (
        approval.manager_name == query_db(hub.db_url, "SELECT name FROM staff WHERE id = ?", manager_id)[0][0]
    )
    assert abs((approval.approved_at - datetime.now(UTC)).total_seconds()) < 60
    kept = query_db(
        hub.db_url,
        "SELECT manager_id, store_id, reason, used_at, order_id, staff_id, paid_back_cents, reasons "
        "FROM return_approvals WHERE return_id = ?",
        return_id,
    )
    assert kept == [
        (
            manager_id,
            1,
            "customer kept the tags",
            None,
            made["id"],
            associate_id,
            4_000,
            "above_manager_limit,past_window",
        )
    ]
    assert query_db(
        hub.db_url,
        "SELECT staff_id FROM audit WHERE action = 'return.approve' AND subject = ?",
        f"return:{uuid.UUID(return_id).hex}",
    ) == [(manager_id,)]
    assert before == after
    assert still_signed_in.status_code == 404  # the associate's session still answers


def test_a_wrong_pin_or_an_associate_does_not_approve_and_the_pin_is_never_echoed(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, assert_problem: Any
) -> None:
    hub, device = own_hub_device
    ((_manager_id, number),) = query_staff(hub, query_db, "manager")
    return_id = str(uuid.uuid4())

    wrong = device.post(
        "/v1/returns/approvals",
        json={
            "return_id": return_id,
            "staff_number": number,
            "pin": "97531",
            "reason": "regular",
            **approved_what(None),
        },
    )
    associate = manager_approves(hub, query_db, device, return_id, role="associate")

    assert "97531" not in assert_problem(wrong, 403, "sign_in_refused").get("detail", "")
    assert_problem(associate, 403, "not_a_manager")
    assert query_db(hub.db_url, "SELECT count(*) FROM return_approvals") == [(0,)]
    assert_problem(
        device.post(
            "/v1/returns/approvals",
            json={"return_id": return_id, "pin": "1234", "reason": "x y z", **approved_what(None)},
        ),
        422,
        "invalid_request",
    )


def test_too_many_refused_approvals_lock_the_device_as_sign_in_does(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, assert_problem: Any
) -> None:
    hub, device = own_hub_device
    ((_manager_id, number),) = query_staff(hub, query_db, "manager")
    attempt = {
        "return_id": str(uuid.uuid4()),
        "staff_number": number,
        "pin": "0000",
        "reason": "regular",
        **approved_what(None),
    }

    answers = [device.post("/v1/returns/approvals", json=attempt) for _ in range(11)]

    assert [a.status_code for a in answers[:10]] == [403] * 10
    assert_problem(answers[10], 429, "too_many_sign_in_attempts")
    assert manager_approves(hub, query_db, device, attempt["return_id"]).status_code == 429


def test_the_demo_sheets_purchase_receipts_open_their_orders_with_receipt(
    device: httpx.Client, hub_server: Any, tmp_path: Path
) -> None:
    cards = [c for c in write_demo_codes(hub_server.db_url, tmp_path) if c.kind == PURCHASE_RECEIPT]

    assert cards
    for card in cards:
        order = look_up(device, code=card.token)
        assert order.with_receipt and order.number in card.label
        assert any(line.received > line.returned for line in order.lines)


def test_a_shipped_order_counts_as_received_only_once_delivered_and_the_tablet_agrees(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    """Units on their way have not reached the customer: nothing to bring back yet (not_received),
    by the hub's facts and by the tablet's reading of the same answer; a sale carried out of a
    store is the customer's at once."""
    hub, device = own_hub_device
    on_its_way = make_order(hub, query_db, lines=(2,), status="shipped")
    delivered = make_order(hub, query_db, lines=(2,), status="delivered")
    completed = make_order(hub, query_db, lines=(2,), status="completed")
    carried = make_order(hub, query_db, lines=(2,), fulfilment="carry", status="placed", store_id=1)

    answers = {
        name: look_up(device, code=hub.order_token(made["id"]))
        for name, made in (
            ("on_its_way", on_its_way),
            ("delivered", delivered),
            ("completed", completed),
            ("carried", carried),
        )
    }
    too_early = take(device, answers["on_its_way"], [(1, 1, "changed_mind", "resellable")], paid_back=0)

    received = {name: order.lines[0].received for name, order in answers.items()}
    assert received == {"on_its_way": 0, "delivered": 2, "completed": 2, "carried": 2}
    now = datetime.now(UTC)
    verdicts = {
        name: line_verdicts(order_facts(order), DEFAULT_POLICY, now, with_receipt=True)[0].code
        for name, order in answers.items()
    }
    assert verdicts == {
        "on_its_way": "not_received",
        "delivered": "returnable",
        "completed": "returnable",
        "carried": "returnable",
    }
    assert (too_early["status"], too_early["code"]) == ("conflict", "more_than_returnable")


def test_finding_customers_orders_counts_against_the_staff_members_profile_reads(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, assert_problem: Any
) -> None:
    """An order found for a return names its customer and their points: walking order numbers
    reads customers as fast as profiles would, so it spends the same budget (a guest's does not)."""
    hub, device = own_hub_device
    made = make_order(hub, query_db)
    guest = make_order(hub, query_db)
    query_db(hub.db_url, "UPDATE orders SET customer_id = NULL WHERE id = ?", guest["id"])

    answers = [
        device.post("/v1/returns/lookup", json={"order_number": made["number"]}).status_code
        for _ in range(31)
    ]
    profile = device.get(f"/v1/customers/{made['customer_id']}/profile")
    guests = device.post("/v1/returns/lookup", json={"order_number": guest["number"]})

    assert answers[:30] == [200] * 30, "a counter's burst passes"
    assert answers[30] == 429
    assert_problem(profile, 429, "too_many_reads")
    assert guests.status_code == 200


def test_an_approval_of_an_order_that_does_not_exist_is_refused(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, assert_problem: Any
) -> None:
    hub, device = own_hub_device
    answer = manager_approves(hub, query_db, device, str(uuid.uuid4()), order_id=999_999_999)
    assert_problem(answer, 404, "unknown_order")
    assert query_db(hub.db_url, "SELECT count(*) FROM return_approvals") == [(0,)]
