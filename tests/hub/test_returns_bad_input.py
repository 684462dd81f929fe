"""Bad returns at the hub (issue 12, item 8): more than is returnable, another customer's order, a
tampered or forged receipt code, a negative or absurd amount, an unpaid or cancelled order, a
final-sale item. Each is a typed result with its code and params, and nothing is written."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hub_returns import look_up, make_order, push, return_command, take, written
from pydantic import ValidationError

from storeassist import contract
from storeassist.contract.common import MAX_ID, MAX_QUANTITY
from storeassist.contract.payloads import MAX_RETURN_LINES
from storeassist.domain.tokens import TokenKind, sign_token

RESELLABLE = (1, 1, "changed_mind", "resellable")


def _nothing_written(query_db: Any, hub: Any, before: tuple[Any, ...], order_id: int) -> None:
    assert written(query_db, hub) == before
    assert query_db(hub.db_url, "SELECT sum(qty_returned) FROM order_lines WHERE order_id = ?", order_id) == [
        (0,)
    ]


def test_another_customers_order_is_refused(own_hub_device: tuple[Any, httpx.Client], query_db: Any) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db)
    order = look_up(device, code=hub.order_token(made["id"]))
    before = written(query_db, hub)

    result = take(device, order, [RESELLABLE], customer_id=hub.customer_ids[2])

    assert (result["status"], result["code"], result["params"]) == (
        "rejected",
        "order_of_another_customer",
        {"order_number": made["number"]},
    )
    _nothing_written(query_db, hub, before, made["id"])


def test_a_guests_order_is_no_named_customers_at_the_lookup_or_the_return(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, assert_problem: Any
) -> None:
    """A return begun from a customer's profile names them: a guest order (no customer) is not
    theirs either, so neither the lookup nor the return pays it back to them."""
    hub, device = own_hub_device
    made = make_order(hub, query_db)
    query_db(hub.db_url, "UPDATE orders SET customer_id = NULL WHERE id = ?", made["id"])
    code = hub.order_token(made["id"])
    named = hub.customer_ids[2]
    order = look_up(device, code=code)
    before = written(query_db, hub)

    refused = device.post("/v1/returns/lookup", json={"code": code, "customer_id": named})
    result = take(device, order, [RESELLABLE], customer_id=named, method="store_credit")

    assert_problem(refused, 403, "order_of_another_customer")
    assert (result["status"], result["code"]) == ("rejected", "order_of_another_customer")
    _nothing_written(query_db, hub, before, made["id"])
    assert query_db(hub.db_url, "SELECT count(*) FROM store_credits WHERE customer_id = ?", named) == [(0,)]


def test_a_tampered_forged_or_other_orders_receipt_code_is_not_a_receipt_of_this_order(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, assert_problem: Any
) -> None:
    hub, device = own_hub_device
    made, other = make_order(hub, query_db), make_order(hub, query_db)
    good = hub.order_token(made["id"])
    tampered = good[:20] + ("A" if good[20] != "A" else "B") + good[21:]
    forged = sign_token(Ed25519PrivateKey.generate(), 1, TokenKind.PURCHASE_RECEIPT, made["id"], 0)
    order = look_up(device, code=good)
    before = written(query_db, hub)

    results = [
        take(device, order.model_copy(update={"receipt_code": code}), [RESELLABLE])
        for code in (tampered, forged, hub.order_token(other["id"]))
    ]

    assert [(r["status"], r["code"]) for r in results] == [("rejected", "receipt_not_of_order")] * 3
    assert all(r["params"] == {"order_number": made["number"]} for r in results)
    _nothing_written(query_db, hub, before, made["id"])
    assert_problem(device.post("/v1/returns/lookup", json={"code": forged}), 403, "token_forged")
    assert device.post("/v1/returns/lookup", json={"code": tampered}).status_code in (400, 403, 422)


@pytest.mark.parametrize("amount", [-1, -(2**31), 2**31, 2**53, 12.5, "100"])
def test_a_negative_or_absurd_amount_is_refused_as_invalid(
    amount: Any, own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db)
    order = look_up(device, code=hub.order_token(made["id"]))
    command = return_command(order, [RESELLABLE])
    command["payload"]["paid_back_cents"] = amount
    before = written(query_db, hub)

    result = push(device, command)

    assert result["status"] == "rejected"
    assert result["code"] in ("invalid_command", "payload_out_of_bounds"), result
    assert str(amount) not in result["reason"]
    _nothing_written(query_db, hub, before, made["id"])


def test_an_amount_in_range_but_not_the_policys_is_a_conflict(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db)
    order = look_up(device, code=hub.order_token(made["id"]))
    before = written(query_db, hub)

    result = take(device, order, [RESELLABLE], paid_back=2**31 - 1)

    assert (result["status"], result["code"]) == ("conflict", "paid_back_differs")
    assert (result["params"]["shown"], result["params"]["decided"]) == (2**31 - 1, made["total"])
    _nothing_written(query_db, hub, before, made["id"])


@pytest.mark.parametrize(
    ("how", "code"),
    [
        ({"payment": "unpaid"}, "order_unpaid"),
        ({"payment": "pending"}, "order_unpaid"),  # any state but paid fails closed
        ({"status": "cancelled"}, "order_cancelled"),
    ],
)
def test_an_unpaid_or_cancelled_order_takes_nothing_back(
    how: dict[str, str], code: str, own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db, **how)  # type: ignore[arg-type]
    order = look_up(device, code=hub.order_token(made["id"]))
    assert order.payment_state == ("paid" if "payment" not in how else "unpaid")
    before = written(query_db, hub)

    result = take(device, order, [RESELLABLE], paid_back=0)

    assert (result["status"], result["code"], result["params"]) == (
        "rejected",
        code,
        {"order_number": made["number"]},
    )
    _nothing_written(query_db, hub, before, made["id"])


def test_a_final_sale_item_and_a_receipt_only_item_without_receipt_are_refused(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    underwear, beauty = (
        make_order(hub, query_db, category="Underwear"),
        make_order(hub, query_db, category="Beauty"),
    )
    final_sale = look_up(device, code=hub.order_token(underwear["id"]))
    no_receipt = look_up(device, order_number=beauty["number"])
    before = written(query_db, hub)

    refused_sale = take(device, final_sale, [RESELLABLE], paid_back=0)
    refused_receipt = take(device, no_receipt, [RESELLABLE], paid_back=0)

    assert (refused_sale["code"], refused_sale["params"]) == (
        "final_sale",
        {"order_number": underwear["number"], "line_no": 1, "sku": underwear["lines"][0]["sku"]},
    )
    assert (refused_receipt["code"], refused_receipt["params"]) == (
        "no_receipt_refused",
        {"order_number": beauty["number"], "line_no": 1, "sku": beauty["lines"][0]["sku"]},
    )
    _nothing_written(query_db, hub, before, underwear["id"])
    _nothing_written(query_db, hub, before, beauty["id"])


def test_more_than_is_returnable_is_a_conflict_and_an_unknown_line_or_order_is_refused(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db, lines=(2,))
    order = look_up(device, code=hub.order_token(made["id"]))
    before = written(query_db, hub)

    too_many = take(device, order, [(1, 3, "changed_mind", "resellable")], paid_back=0)
    no_line = take(device, order, [(7, 1, "changed_mind", "resellable")], paid_back=0)
    no_order = take(device, order.model_copy(update={"order_id": 4_999_999}), [RESELLABLE], paid_back=0)

    assert (too_many["status"], too_many["code"], too_many["params"]) == (
        "conflict",
        "more_than_returnable",
        {"order_number": made["number"], "line_no": 1, "asked": 3, "returnable": 2},
    )
    assert (no_line["status"], no_line["code"], no_line["params"]) == (
        "rejected",
        "unknown_line",
        {"order_number": made["number"], "line_no": 7},
    )
    assert (no_order["code"], no_order["params"]) == ("unknown_order", {"order_id": 4_999_999})
    _nothing_written(query_db, hub, before, made["id"])


def test_a_return_dated_ahead_of_the_hub_or_for_another_store_is_refused(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    made = make_order(hub, query_db)
    order = look_up(device, code=hub.order_token(made["id"]))
    ahead = return_command(order, [RESELLABLE])
    ahead["issued_at"] = datetime(2099, 1, 1, tzinfo=UTC).isoformat()
    elsewhere = return_command(order, [RESELLABLE], store_id=2)
    before = written(query_db, hub)

    assert push(device, ahead)["code"] == "clock_ahead"
    assert push(device, elsewhere)["code"] == "wrong_store"
    _nothing_written(query_db, hub, before, made["id"])


def test_the_largest_valid_return_is_within_the_payload_bounds() -> None:
    """Every return the contract accepts can be queued and sent: the most lines of units and of
    exchanges, with the longest values, is inside ``check_payload_bounds``; one more line is not
    a valid return."""
    units = [
        {"line_no": MAX_ID - n, "qty": MAX_QUANTITY, "reason": "not_as_described", "condition": "resellable"}
        for n in range(MAX_RETURN_LINES)
    ]
    exchange = [
        {
            "line_no": MAX_ID - n,
            "sku": "S" * 32,
            "qty": MAX_ID,
            "fulfilment": "carry",
            "source_store_id": MAX_ID,
        }
        for n in range(MAX_RETURN_LINES)
    ]
    largest = contract.TakeReturnPayload.model_validate(
        {
            "order_id": MAX_ID,
            "customer_id": MAX_ID,
            "units": units,
            "method": "exchange",
            "receipt_code": "SA1." + "A" * 116,
            "exchange": exchange,
            "paid_back_cents": MAX_ID,
            "store_credit_cents": MAX_ID,
            "offline": True,
        }
    )

    assert contract.check_payload_bounds(largest.model_dump(mode="json"))
    with pytest.raises(ValidationError):
        contract.TakeReturnPayload.model_validate(
            {**largest.model_dump(mode="json"), "units": [*units, units[0]]}
        )
