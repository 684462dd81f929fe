"""Every class of bad input gets a 4xx problem body (RFC 9457), never a stack trace or a half-write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from storeassist.hub.admin import issue_token, revoke_card


def test_no_credential_or_unknown_credential_is_401(hub_server: Any, assert_problem: Any) -> None:
    assert_problem(httpx.get(f"{hub_server.url}/v1/stores"), 401, "unauthorized")
    assert_problem(
        httpx.get(f"{hub_server.url}/v1/stores", headers={"Authorization": "Bearer not-a-credential"}), 401
    )


def test_revoked_device_is_401(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, assert_problem: Any
) -> None:
    hub, device = own_hub_device
    assert device.get("/v1/stores").status_code == 200
    query_db(hub.db_url, "UPDATE devices SET revoked = ?", True)
    assert_problem(device.get("/v1/stores"), 401, "device_revoked")


def test_enrollment_code_works_once(hub_server: Any, assert_problem: Any) -> None:
    code = hub_server.enroll_code()
    url = f"{hub_server.url}/v1/devices/enroll"
    assert httpx.post(url, json={"code": code, "device_name": "a"}).status_code == 200
    assert_problem(httpx.post(url, json={"code": code, "device_name": "b"}), 403, "enroll_code_used")
    assert_problem(
        httpx.post(url, json={"code": "ABCD-EFGH-JKMN", "device_name": "c"}), 403, "enroll_code_invalid"
    )


def test_wrong_pin_is_refused_without_saying_which_part(
    device: httpx.Client, hub_server: Any, assert_problem: Any
) -> None:
    body = assert_problem(
        device.post("/v1/staff/sign-in", json={"staff_number": hub_server.staff_number, "pin": "0000"}),
        403,
        "sign_in_refused",
    )
    assert "0000" not in body["detail"]
    assert_problem(device.post("/v1/staff/sign-in", json={"pin": "1234"}), 422, "invalid_request")


def test_malformed_json_is_400(device: httpx.Client, assert_problem: Any) -> None:
    answer = device.post(
        "/v1/commands", content=b'{"commands": [', headers={"content-type": "application/json"}
    )
    assert_problem(answer, 400, "malformed_json")


def test_bad_fields_are_422_without_echoing_the_input(device: httpx.Client, assert_problem: Any) -> None:
    body = assert_problem(device.post("/v1/staff/sign-in", json={"badge": "secret-badge!!"}), 422)
    assert "secret-badge" not in body["detail"]
    assert_problem(device.post("/v1/customers/resolve", json={"token": "x" * 600}), 422)
    assert_problem(device.post("/v1/commands", json={"commands": []}), 422)
    assert_problem(device.get("/v1/customers", params={"q": "a", "page": -1}), 422)
    assert_problem(device.get("/v1/customers/0/profile"), 422)
    assert_problem(device.get(f"/v1/customers/{2**40}/profile"), 422)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/customers/999999/profile",
        "/v1/customers/999999/recommendations?store_id=1",
        "/v1/orders/NOPE123",
        "/v1/stock/NO-SUCH-SKU?store_id=1",
        "/v1/no/such/path",
    ],
)
def test_unknown_ids_are_404(device: httpx.Client, path: str, assert_problem: Any) -> None:
    assert_problem(device.get(path), 404)


@pytest.fixture
def huge_body() -> Iterator[bytes]:
    yield b'{"commands": [' + b" " * (2 * 1024 * 1024) + b"]}"


def test_oversized_body_is_413_by_length_and_by_stream(
    device: httpx.Client, huge_body: bytes, assert_problem: Any
) -> None:
    announced = device.post("/v1/commands", content=huge_body, headers={"content-type": "application/json"})
    assert_problem(announced, 413, "body_too_large")

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(huge_body), 64 * 1024):
            yield huge_body[start : start + 64 * 1024]

    streamed = device.post("/v1/commands", content=chunks(), headers={"content-type": "application/json"})
    assert_problem(streamed, 413)


def test_forged_expired_revoked_and_garbage_codes(
    device: httpx.Client, hub_server: Any, assert_problem: Any
) -> None:
    from storeassist.domain.tokens import TokenKind

    customer_id = hub_server.customer_ids[3]
    good = hub_server.loyalty_token(customer_id)
    forged = good[:-6] + ("AAAAAA" if not good.endswith("AAAAAA") else "BBBBBB")
    assert_problem(device.post("/v1/customers/resolve", json={"token": forged}), 403, "token_forged")
    expired = issue_token(hub_server.db_url, TokenKind.LOYALTY_DYNAMIC, customer_id, ttl_s=-3600)
    assert_problem(device.post("/v1/customers/resolve", json={"token": expired}), 403, "token_expired")
    assert_problem(device.post("/v1/customers/resolve", json={"token": "hello"}), 403, "token_malformed")
    assert_problem(device.post("/v1/customers/resolve", json={"token": good[:50]}), 403, "token_malformed")


def test_revoked_card_is_refused(own_hub_device: tuple[Any, httpx.Client], assert_problem: Any) -> None:
    hub, device = own_hub_device
    customer_id = hub.customer_ids[0]
    old_card = hub.loyalty_token(customer_id, card=True)
    revoke_card(hub.db_url, customer_id)
    assert_problem(device.post("/v1/customers/resolve", json={"token": old_card}), 403, "token_revoked")
    new_card = hub.loyalty_token(customer_id, card=True)
    assert device.post("/v1/customers/resolve", json={"token": new_card}).status_code == 200


def _handing(order_id: int, lines: dict[str, Any]) -> dict[str, Any]:
    """A ``pickup.collect`` payload with these line actions, the collector checked by photo ID."""
    return {
        "order_id": order_id,
        "lines": lines,
        "verification": {"method": "photo_id", "document_type": "passport", "document_last": "0042"},
        "confirmed_name": "A. Shopper",
    }


def test_negative_or_absurd_quantities_are_rejected_and_nothing_changes(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    sku = query_db(hub.db_url, "SELECT sku FROM products ORDER BY id LIMIT 1")[0][0]
    order_id = hub.pickup_order_ids[0]
    before = (
        query_db(hub.db_url, "SELECT sum(held) FROM inventory"),
        query_db(hub.db_url, "SELECT qty_collected FROM order_lines WHERE order_id = ?", order_id),
    )
    bad = [
        make_command("hold.place", {"customer_id": hub.customer_ids[0], "sku": sku, "qty": -3}),
        make_command("hold.place", {"customer_id": hub.customer_ids[0], "sku": sku, "qty": 10**12}),
        make_command("pickup.collect", _handing(order_id, {"1": {"handed": -1}})),
        make_command("pickup.collect", _handing(order_id, {"1": {"handed": 10**30}})),
        make_command("pickup.collect", _handing(order_id, {"1": {"cancelled": 1}})),  # no reason
        make_command("pickup.collect", _handing(order_id, {"77": {"handed": 1}})),
        make_command("note.add", {"customer_id": 10**15, "text": "x"}),
    ]
    answer = device.post("/v1/commands", json={"commands": bad})
    assert answer.status_code == 200
    statuses = [r["status"] for r in answer.json()["results"]]
    # 10**30 of a line is past any quantity (and 64 bits), not a conflict with what is left.
    assert statuses == ["rejected"] * 7
    assert all(r["reason"] for r in answer.json()["results"])
    after = (
        query_db(hub.db_url, "SELECT sum(held) FROM inventory"),
        query_db(hub.db_url, "SELECT qty_collected FROM order_lines WHERE order_id = ?", order_id),
    )
    assert after == before


def test_a_device_that_keeps_guessing_pins_is_told_to_wait_and_others_are_not(
    hub_server_fn: Any, assert_problem: Any
) -> None:
    from storeassist.hub.services.sign_in_limits import MAX_REFUSALS

    hub = hub_server_fn

    def enroll() -> httpx.Client:
        answer = httpx.post(
            f"{hub.url}/v1/devices/enroll", json={"code": hub.enroll_code(), "device_name": "t"}
        )
        credential = answer.json()["credential"]
        return httpx.Client(base_url=hub.url, headers={"Authorization": f"Bearer {credential}"}, timeout=30)

    guess = {"staff_number": hub.staff_number, "pin": "0000"}
    right = {"staff_number": hub.staff_number, "pin": hub.staff_pin}
    with enroll() as guesser, enroll() as colleague:
        for _ in range(MAX_REFUSALS):
            assert_problem(guesser.post("/v1/staff/sign-in", json=guess), 403, "sign_in_refused")
        body = assert_problem(guesser.post("/v1/staff/sign-in", json=right), 429, "too_many_sign_in_attempts")
        assert "minute" in body["detail"] and hub.staff_pin not in body["detail"]
        assert colleague.post("/v1/staff/sign-in", json=right).status_code == 200


def test_an_associate_of_another_store_is_kept_out_by_the_hub_and_a_manager_is_not(
    hub_server: Any, enroll_device: Any, query_db: Any, assert_problem: Any
) -> None:
    rows = query_db(
        hub_server.db_url, "SELECT id, role FROM staff WHERE store_id <> ? ORDER BY id", hub_server.store_id
    )
    associate = next(staff_id for staff_id, role in rows if role == "associate")
    manager = next(staff_id for staff_id, role in rows if role == "manager")
    with enroll_device(hub_server, role=None) as device:
        badge = hub_server.badge(associate)
        assert_problem(device.post("/v1/staff/sign-in", json={"badge": badge}), 403, "sign_in_wrong_store")
        signed_in = device.post(
            "/v1/staff/sign-in", json={"badge": hub_server.badge(manager), "pin": str(1000 + manager)}
        )
        assert signed_in.status_code == 200, signed_in.text


def test_a_query_parameter_a_route_does_not_take_is_refused_not_ignored(
    device: httpx.Client, assert_problem: Any
) -> None:
    # A misspelt store id must not quietly fall back to the device's store or a default.
    assert_problem(device.get("/v1/customers/1/profile", params={"stor_id": 2}), 400, "unknown_parameter")
    assert device.get("/v1/customers/1/profile", params={"store_id": 1}).status_code == 200
