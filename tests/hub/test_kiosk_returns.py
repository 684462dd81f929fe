"""Returns started at the kiosk: the shopper scans the order and picks lines
(``POST /v1/kiosk/returns/lookup``, ``POST /v1/kiosk/returns``), the associates list them
(``GET /v1/stores/{id}/kiosk-returns``), and a ``return.take`` naming one finishes it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from hub_kiosks import enroll_kiosk
from hub_returns import look_up, make_order, push, return_command

from storeassist.domain.return_desk import order_facts
from storeassist.domain.returns import DEFAULT_POLICY, line_verdicts
from storeassist.domain.tokens import TokenKind
from storeassist.hub.admin import issue_token
from storeassist.hub.services import kiosk_returns


def test_the_shopper_sees_the_orders_lines_and_verdicts_as_the_counter_would_and_nothing_of_the_customer(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, tablet = own_hub_device
    made = make_order(hub, query_db, lines=(2, 1), days_ago=3)
    final_sale = make_order(hub, query_db, category="Underwear", lines=(1,), days_ago=3)
    # A code past its expiry still proves the purchase; a purchase receipt too.
    expired = issue_token(hub.db_url, TokenKind.ORDER, made["id"], ttl_s=-600)
    receipt = issue_token(hub.db_url, TokenKind.PURCHASE_RECEIPT, final_sale["id"])
    with enroll_kiosk(hub) as kiosk:
        for order, code in ((made, expired), (final_sale, receipt)):
            answer = kiosk.post("/v1/kiosk/returns/lookup", json={"code": code})
            assert answer.status_code == 200, answer.text
            counter = look_up(tablet, code=code)
            verdicts = line_verdicts(
                order_facts(counter), DEFAULT_POLICY, datetime.now(UTC), with_receipt=True
            )
            assert answer.json() == {
                "order_number": order["number"],
                "lines": [
                    {
                        "line_no": line.line_no,
                        "name": line.name,
                        "size": line.size,
                        "colour": line.colour,
                        "returnable": verdict.returnable,
                        "verdict": verdict.code,
                    }
                    for line, verdict in zip(counter.lines, verdicts, strict=True)
                ],
            }
            assert counter.customer_name and counter.customer_name not in answer.text
            # The order's number is made by the test (``make_order``'s count may hold the customer's digits).
            shown = re.sub(r'"order_number":"[^"]*"|"line_no":\d+|"returnable":\d+', "", answer.text)
            assert str(order["customer_id"]) not in shown
    audited = query_db(
        hub.db_url,
        "SELECT subject FROM audit WHERE action = 'kiosk.return_lookup' AND device_id = ?",
        kiosk.device_id,
    )
    assert sorted(audited) == sorted([(f"order:{made['id']}",), (f"order:{final_sale['id']}",)])


def test_a_return_started_at_the_kiosk_is_listed_for_the_associates_and_finished_by_return_take(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, enroll_device: Any, assert_problem: Any
) -> None:
    hub, tablet = own_hub_device
    made = make_order(hub, query_db, lines=(2, 1), days_ago=3, unit_cents=1500)
    code = hub.order_token(made["id"])
    chosen = [
        {"line_no": 1, "qty": 2, "reason": "wrong_size"},
        {"line_no": 2, "qty": 1, "reason": "changed_mind"},
    ]
    with enroll_kiosk(hub) as kiosk:
        answer = kiosk.post("/v1/kiosk/returns", json={"code": code, "lines": chosen})
    assert answer.status_code == 200, answer.text
    reference = answer.json()["reference"]
    assert re.fullmatch(r"K-\d{4}", reference)

    listed = tablet.get("/v1/stores/1/kiosk-returns")
    assert listed.status_code == 200, listed.text
    (started,) = listed.json()["returns"]
    assert (started["reference"], started["order_number"], started["code"], started["lines"]) == (
        reference,
        made["number"],
        code,
        chosen,
    )
    with enroll_device(hub, store_id=2) as other_store:
        assert_problem(other_store.get("/v1/stores/1/kiosk-returns"), 403, "wrong_store")
        assert other_store.get("/v1/stores/2/kiosk-returns").json()["returns"] == []

    # The associate opens the order with the code the shopper scanned ("with receipt") and takes it.
    order = look_up(tablet, code=started["code"])
    command = return_command(
        order, [(1, 2, "wrong_size", "resellable"), (2, 1, "changed_mind", "resellable")], staff_id=3
    )
    command["payload"]["kiosk_return_id"] = started["id"]
    result = push(tablet, command)
    assert result["status"] == "applied", result
    assert tablet.get("/v1/stores/1/kiosk-returns").json()["returns"] == []
    finished = query_db(hub.db_url, "SELECT status, return_id FROM kiosk_returns WHERE id = ?", started["id"])
    assert finished == [("finished", result["result"]["return_id"])]
    audited = query_db(
        hub.db_url,
        "SELECT staff_id, subject FROM audit WHERE action = 'kiosk.return_start' AND device_id = ?",
        kiosk.device_id,
    )
    assert audited == [(None, f"kiosk_return:{started['id']}")]


def test_a_return_take_naming_another_orders_kiosk_return_is_taken_and_leaves_that_one_open(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, tablet = own_hub_device
    first = make_order(hub, query_db, days_ago=3, unit_cents=1500)
    second = make_order(hub, query_db, days_ago=3, unit_cents=1500)
    with enroll_kiosk(hub) as kiosk:
        kiosk.post(
            "/v1/kiosk/returns",
            json={
                "code": hub.order_token(first["id"]),
                "lines": [{"line_no": 1, "qty": 1, "reason": "other"}],
            },
        )
    (started,) = tablet.get("/v1/stores/1/kiosk-returns").json()["returns"]
    command = return_command(
        look_up(tablet, code=hub.order_token(second["id"])), [(1, 1, "other", "resellable")]
    )
    command["payload"]["kiosk_return_id"] = started["id"]
    assert push(tablet, command)["status"] == "applied"
    assert [r["id"] for r in tablet.get("/v1/stores/1/kiosk-returns").json()["returns"]] == [started["id"]]


def test_lines_that_cannot_come_back_are_refused_with_the_line_and_nothing_is_started(
    hub_server_fn: Any, query_db: Any, assert_problem: Any
) -> None:
    hub = hub_server_fn
    made = make_order(hub, query_db, lines=(2,), days_ago=3)
    final_sale = make_order(hub, query_db, category="Underwear", days_ago=3)
    code = hub.order_token(made["id"])
    with enroll_kiosk(hub) as kiosk:

        def start(code: str, *lines: tuple[int, int]) -> httpx.Response:
            chosen = [{"line_no": n, "qty": q, "reason": "wrong_size"} for n, q in lines]
            return kiosk.post("/v1/kiosk/returns", json={"code": code, "lines": chosen})

        unknown = start(code, (7, 1))
        assert (unknown.status_code, unknown.json()["code"], unknown.json()["params"]) == (
            409,
            "unknown_line",
            {"line_no": 7},
        )
        more = start(code, (1, 2), (1, 1))  # three of a line of two, in two choices
        assert (more.json()["code"], more.json()["params"]) == (
            "more_than_returnable",
            {"line_no": 1, "returnable": 2},
        )
        sale = start(hub.order_token(final_sale["id"]), (1, 1))
        assert (sale.status_code, sale.json()["code"], sale.json()["params"]) == (
            409,
            "not_returnable",
            {"line_no": 1, "verdict": "final_sale"},
        )
        loyalty = hub.loyalty_token(hub.customer_ids[0])
        assert_problem(
            kiosk.post("/v1/kiosk/returns/lookup", json={"code": loyalty}), 403, "token_wrong_kind"
        )
    assert query_db(hub.db_url, "SELECT count(*) FROM kiosk_returns") == [(0,)]


def test_references_are_unique_per_store_and_day(
    hub_server_fn: Any, query_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hub runs in this process: its random draws are made to collide, and it picks another."""
    hub = hub_server_fn
    monkeypatch.setattr(kiosk_returns, "secrets", SimpleNamespace(randbelow=lambda _n: 4821))
    made = make_order(hub, query_db, lines=(3,), days_ago=3)
    line = [{"line_no": 1, "qty": 1, "reason": "other"}]
    references = []
    with enroll_kiosk(hub) as kiosk, enroll_kiosk(hub, store_id=2) as elsewhere:
        for _ in range(3):
            answer = kiosk.post(
                "/v1/kiosk/returns", json={"code": hub.order_token(made["id"]), "lines": line}
            )
            assert answer.status_code == 200, answer.text
            references.append(answer.json()["reference"])
        other = elsewhere.post("/v1/kiosk/returns", json={"code": hub.order_token(made["id"]), "lines": line})
    assert references == ["K-4821", "K-0000", "K-0001"]
    assert other.json()["reference"] == "K-4821", "another store's references are its own"
