"""Refusals are worded on the tablet from the hub's codes: each refused command's result code and
params, and each problem code of a refused request, become a sentence from a literal string; a
code the tablet does not know is a general sentence, never the code or the hub's English."""

from __future__ import annotations

import ast
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from storeassist import contract
from storeassist.client import HubNotFound, HubRejected, StaffSessionRequired
from storeassist.contract import Problem
from storeassist.domain import tokens
from storeassist.domain.orders import ALL_PICKUP_STATES
from storeassist.ui import messages, overlay_pages, returns_results
from storeassist.ui.messages import describe_failure, problem_sentence
from storeassist.ui.overlay_pages import attention_row, result_sentence

pytestmark = pytest.mark.gui

GENERAL = "The back office refused it."
#: A sample value for each param a result code names.
SAMPLES: dict[str, str | int] = {
    "cap_cents": 10000,
    "bound": "text",
    "limit": 8192,
    "field": "payload.text",
    "store_id": 2,
    "device_store_id": 1,
    "staff_id": 1017,
    "subject": "command",
    "days": 30,
    "customer_id": 4242,
    "sku": "SKU-77",
    "available": 0,
    "requested": 2,
    "order_id": 9911,
    "order_number": "W-1001",
    "pickup_state": "collected",
    "line_no": 3,
    "problem": "invalid_request",
    "at": "2026-11-23T10:02:00+00:00",
    "by_device": "Counter tablet 2",
    "hold_id": "9b1c0c52-0000-4000-8000-000000000001",
    "status": "released",
    "asked": 2,
    "returnable": 1,
    "reasons": "past_window,above_manager_limit",
    "shown": 4000,
    "decided": 3600,
}


@dataclass
class Refused:
    command: contract.Command
    code: str | None
    params: dict[str, str | int] = field(default_factory=dict)


def _hold() -> contract.Command:
    return contract.PlaceHoldCommand(
        id=uuid.uuid4(),
        type="hold.place",
        issued_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        store_id=1,
        payload=contract.PlaceHoldPayload(customer_id=42, sku="SKU-1", qty=2),
    )


@pytest.mark.parametrize("code", sorted(contract.RESULT_CODES))
def test_every_result_code_the_hub_documents_has_its_own_sentence(qapp: Any, code: str) -> None:
    params = {name: SAMPLES[name] for name in contract.RESULT_CODES[code]}

    sentence = result_sentence(code, params)

    assert sentence != GENERAL and "{" not in sentence
    for name, value in params.items():
        if name in (
            "order_number",
            "sku",
            "customer_id",
            "line_no",
            "staff_id",
            "available",
            "requested",
            "by_device",
            "asked",
            "returnable",
        ):
            assert str(value) in sentence, (code, name)


def test_a_return_refused_for_approval_or_amount_says_why_in_words_and_money(qapp: Any) -> None:
    approval = result_sentence("approval_required", {"order_number": "W-9", "reasons": SAMPLES["reasons"]})
    assert approval == (
        "The return of order #W-9 needs a manager's approval (it is past the return window; it is above "
        "the amount an associate may refund). Do it again with a manager at the tablet."
    )
    differs = result_sentence("paid_back_differs", {"order_number": "W-9", "shown": 4000, "decided": 3600})
    assert "$40.00" in differs and "$36.00" in differs
    assert "_" not in result_sentence("approval_required", {"order_number": "W-9", "reasons": "new_rule"})


def test_a_refused_hold_says_what_was_available_and_when_it_was_made(qapp: Any) -> None:
    row = attention_row(
        Refused(_hold(), "not_enough_stock", {"sku": "SKU-1", "available": 1, "requested": 2})
    )

    assert "Hold" in row.headline
    assert row.detail == "Only 1 of SKU-1 available to hold here; 2 asked. The hold was not placed."


def test_a_pickup_that_cannot_be_handed_over_says_its_state_in_words(qapp: Any) -> None:
    for state in ALL_PICKUP_STATES:
        sentence = result_sentence("order_not_collectable", {"order_number": "W-7", "pickup_state": state})
        assert sentence.startswith("Order #W-7 cannot be handed over: it is ") and "_" not in sentence
    unknown = result_sentence("order_not_collectable", {"order_number": "W-7", "pickup_state": "lost"})
    assert unknown == "Order #W-7 cannot be handed over now."


def test_an_order_collected_elsewhere_says_when_and_by_which_tablet_on_the_stores_clock(qapp: Any) -> None:
    from storeassist.ui.formatting import StoreFormat

    params: dict[str, str | int] = {
        "order_number": "P-7",
        "at": "2026-11-23T15:02:00+00:00",
        "by_device": "Counter tablet 2",
    }
    sentence = result_sentence("order_already_collected", params, StoreFormat(time_zone="America/New_York"))
    assert sentence.startswith("Order #P-7 was collected at ")
    assert "10:02" in sentence and sentence.endswith(
        "by Counter tablet 2. Check the bag is not handed over twice."
    )
    unreadable = result_sentence("order_already_collected", {**params, "at": "yesterday"})
    assert unreadable == GENERAL


@pytest.mark.parametrize(
    ("code", "params"),
    [
        (None, {}),  # a hub from before result codes
        ("points_capped", {"points": 5}),  # a code from a newer hub
        ("over_collected", {"order_number": "W-1"}),  # its line is missing
    ],
)
def test_an_unknown_code_or_missing_params_is_the_general_sentence(
    qapp: Any, code: str | None, params: dict[str, str | int]
) -> None:
    assert result_sentence(code, params) == GENERAL


def _translated_literals(module: Any, function: str) -> list[ast.Call]:
    tree = ast.parse(Path(module.__file__).read_text())
    [found] = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == function]
    return [
        node
        for node in ast.walk(found)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "translate"
    ]


@pytest.mark.parametrize(
    ("module", "function"),
    [
        (overlay_pages, "_result_template"),
        (overlay_pages, "_pickup_state_words"),
        (returns_results, "return_result_template"),
        (returns_results, "approval_reason_words"),
        (messages, "problem_sentence"),
        (messages, "_code_sentence"),
        (messages, "token_sentence"),
    ],
)
def test_every_sentence_is_a_literal_lupdate_can_extract(module: Any, function: str) -> None:
    calls = _translated_literals(module, function)
    assert calls
    for call in calls:
        context, source = call.args[:2]
        assert isinstance(context, ast.Constant) and isinstance(context.value, str), ast.unparse(call)
        assert isinstance(source, ast.Constant) and isinstance(source.value, str), ast.unparse(call)


def test_a_refusal_from_the_hub_is_worded_from_its_code_not_its_english(qapp: Any) -> None:
    refused = HubRejected(
        Problem(
            title="Forbidden", status=403, detail="Hub wording, English only.", code="sign_in_wrong_store"
        )
    )
    missing = HubNotFound(
        Problem(title="Not found", status=404, detail="No such customer.", code="customer_not_found")
    )
    newer = HubRejected(
        Problem(title="Nope", status=409, detail="A newer hub's sentence.", code="brand_new_rule")
    )

    assert (
        describe_failure(refused, doing="sign-in")
        == "Staff of another store cannot sign in on this store's tablet."
    )
    assert describe_failure(missing, doing="lookup") == "The back office has no record of this customer."
    general = describe_failure(newer, doing="lookup")
    assert "newer hub" not in general and general == problem_sentence("brand_new_rule")
    assert describe_failure(StaffSessionRequired(None), doing="lookup").startswith("Sign in first")


def test_a_code_the_hub_refused_reads_like_the_same_refusal_found_on_the_tablet(qapp: Any) -> None:
    for error in (
        tokens.TokenMalformed(),
        tokens.TokenForged(),
        tokens.TokenUnknownKey(),
        tokens.TokenExpired(),
        tokens.TokenRevoked(),
        tokens.BadgeRevoked(),
        tokens.TokenError(),
    ):
        from_hub = type(error)("The hub's own English for it.")
        assert describe_failure(error, doing="scan") == error.message
        assert describe_failure(from_hub, doing="scan") == error.message
        assert problem_sentence(error.code) == error.message
    for kind in tokens.TokenKind:
        assert describe_failure(tokens.WrongKind(kind), doing="scan") == str(tokens.WrongKind(kind))


def test_an_unpaid_order_reads_as_a_return_under_needs_attention_and_as_a_hand_over_elsewhere() -> None:
    from storeassist.ui.overlay_pages import result_sentence

    params = {"order_number": "W1"}
    assert "paid back" in result_sentence("order_unpaid", params, returning=True)
    assert "handed over" in result_sentence("order_unpaid", params)
