"""A kiosk device at the hub, route by route, found from the hub's own OpenAPI document.

A kiosk (``devices.kind`` 'kiosk') signs nobody in, so every route that needs a staff session is
closed to it: 403 ``kiosk_device``, even with a live session token in hand. It reads only health,
the keys, the stores, the catalog and stock, and its own ``/v1/kiosk/*`` routes; a tablet, even
with a manager signed in, is refused every ``/v1/kiosk/*`` route (403 ``kiosk_only``). A route
added later fails here until it is classified and given a case.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from hub_kiosks import enroll_kiosk, kiosk_pickups

from storeassist.hub.seed.catalog import demo_pin

#: Routes a kiosk reads (answered 2xx for the case below).
KIOSK_READS = {
    ("get", "/v1/health"),
    ("get", "/v1/keys"),
    ("get", "/v1/stores"),
    ("get", "/v1/products"),
    ("get", "/v1/stock/{sku_or_gtin}"),
}
#: Routes that take no device credential at all, so none can be refused: enrollment itself.
NO_CREDENTIAL = {("post", "/v1/devices/enroll")}


def _operations(client: Any) -> set[tuple[str, str]]:
    schema = client.get("/openapi.json").json()
    return {(method, path) for path, item in schema["paths"].items() for method in item}


def _staff(query_db: Any, hub: Any, role: str) -> tuple[int, str]:
    ((staff_id, number),) = query_db(
        hub.db_url,
        "SELECT id, staff_number FROM staff WHERE store_id = 1 AND role = ? ORDER BY id LIMIT 1",
        role,
    )
    return int(staff_id), str(number)


def _associate_cases(hub: Any, query_db: Any, make_command: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """A request each associate route would answer for a signed-in manager of store 1."""
    customer_id = hub.customer_ids[0]
    order_id = hub.pickup_order_ids[0]
    ((number,),) = query_db(hub.db_url, "SELECT number FROM orders WHERE id = ?", order_id)
    manager_id, manager_number = _staff(query_db, hub, "manager")
    return {
        ("post", "/v1/staff/sign-in"): {
            "json": {"staff_number": manager_number, "pin": demo_pin(manager_id)}
        },
        ("post", "/v1/staff/sign-out"): {},
        ("post", "/v1/customers/resolve"): {"json": {"token": hub.loyalty_token(customer_id), "store_id": 1}},
        ("get", "/v1/customers"): {"params": {"q": "mar"}},
        ("get", "/v1/customers/{customer_id}/profile"): {"url": f"/v1/customers/{customer_id}/profile"},
        ("get", "/v1/customers/{customer_id}/recommendations"): {
            "url": f"/v1/customers/{customer_id}/recommendations"
        },
        ("post", "/v1/orders/resolve"): {"json": {"token": hub.order_token(order_id)}},
        ("get", "/v1/orders/{number}"): {"url": f"/v1/orders/{number}"},
        ("post", "/v1/orders/{order_id}/pickup-code"): {
            "url": f"/v1/orders/{order_id}/pickup-code",
            "json": {"store_id": 1, "code": "000000"},
        },
        ("post", "/v1/returns/lookup"): {"json": {"order_number": number}},
        ("post", "/v1/returns/approvals"): {
            "json": {
                "return_id": "00000000-0000-4000-8000-000000000013",
                "order_id": order_id,
                "paid_back_cents": 0,
                "reasons": ["past_window"],
                "staff_number": manager_number,
                "pin": demo_pin(manager_id),
                "reason": "a kiosk asking",
            }
        },
        ("get", "/v1/stores/{store_id}/pickups"): {"url": "/v1/stores/1/pickups"},
        ("get", "/v1/stores/{store_id}/holds"): {"url": "/v1/stores/1/holds"},
        ("get", "/v1/stores/{store_id}/changes"): {"url": "/v1/stores/1/changes"},
        ("get", "/v1/stores/{store_id}/assist-requests"): {"url": "/v1/stores/1/assist-requests"},
        ("post", "/v1/stores/{store_id}/assist-requests/{request_id}/done"): {
            "url": "/v1/stores/1/assist-requests/1/done"
        },
        ("get", "/v1/stores/{store_id}/kiosk-returns"): {"url": "/v1/stores/1/kiosk-returns"},
        ("post", "/v1/commands"): {
            "json": {
                "commands": [make_command("note.add", {"customer_id": customer_id, "text": "kiosk note"})]
            }
        },
    }


def _kiosk_cases(hub: Any, query_db: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """A request each kiosk route answers a kiosk of store 1 without a refusal of its kind."""
    ((sku,),) = query_db(
        hub.db_url,
        "SELECT p.sku FROM inventory i JOIN products p ON p.id = i.product_id "
        "WHERE i.store_id = 1 AND i.on_hand - i.held > 2 ORDER BY p.id LIMIT 1",
    )
    ((collected,),) = query_db(
        hub.db_url,
        "SELECT id FROM orders WHERE store_id = 1 AND pickup_state = 'collected' ORDER BY id LIMIT 1",
    )
    manager_id, manager_number = _staff(query_db, hub, "manager")
    receipt = hub.order_token(collected)
    return {
        ("post", "/v1/kiosk/shopper"): {"json": {"token": hub.loyalty_token(hub.customer_ids[0])}},
        ("post", "/v1/kiosk/hold-requests"): {"json": {"sku": sku, "qty": 1}},
        ("post", "/v1/kiosk/pickup"): {
            "json": {"order_code": hub.order_token(kiosk_pickups(query_db, hub)[0]), "pickup_code": "000000"}
        },
        ("post", "/v1/kiosk/returns/lookup"): {"json": {"code": receipt}},
        ("post", "/v1/kiosk/returns"): {
            "json": {"code": receipt, "lines": [{"line_no": 1, "qty": 1, "reason": "wrong_size"}]}
        },
        ("post", "/v1/kiosk/exit"): {"json": {"staff_number": manager_number, "pin": demo_pin(manager_id)}},
        ("get", "/v1/kiosk/changes"): {"params": {"limit": 50}},
    }


def _read_cases(hub: Any, query_db: Any) -> dict[tuple[str, str], dict[str, Any]]:
    ((sku,),) = query_db(
        hub.db_url, "SELECT p.sku FROM inventory i JOIN products p ON p.id = i.product_id LIMIT 1"
    )
    return {
        ("get", "/v1/health"): {},
        ("get", "/v1/keys"): {},
        ("get", "/v1/stores"): {},
        ("get", "/v1/products"): {"params": {"q": "shirt"}},
        ("get", "/v1/stock/{sku_or_gtin}"): {"url": f"/v1/stock/{sku}", "params": {"store_id": 1}},
    }


def _call(client: Any, method: str, path: str, case: dict[str, Any], **extra: Any) -> Any:
    return client.request(
        method.upper(), case.get("url", path), params=case.get("params"), json=case.get("json"), **extra
    )


def _session_for(query_db: Any, hub: Any, device_id: int) -> str:
    """A live staff session bound to the kiosk, written straight into the hub (no route makes one)."""
    token = secrets.token_urlsafe(32)
    manager_id, _number = _staff(query_db, hub, "manager")
    now = datetime.now(UTC).replace(tzinfo=None)
    query_db(
        hub.db_url,
        "INSERT INTO staff_sessions (token_hash, device_id, staff_id, store_id, role, started_at, "
        "last_seen_at, expires_at) VALUES (?, ?, ?, 1, 'manager', ?, ?, ?)",
        hashlib.sha256(token.encode()).hexdigest(),
        device_id,
        manager_id,
        now.isoformat(" "),
        now.isoformat(" "),
        (now + timedelta(hours=1)).isoformat(" "),
    )
    return token


def test_a_kiosk_is_refused_every_associate_route_and_reads_only_the_catalog_and_its_own(
    hub_server_fn: Any, query_db: Any, make_command: Any, assert_problem: Any
) -> None:
    hub = hub_server_fn
    associate = _associate_cases(hub, query_db, make_command)
    kiosk_routes = _kiosk_cases(hub, query_db)
    reads = _read_cases(hub, query_db)
    with enroll_kiosk(hub) as kiosk:
        operations = _operations(kiosk)
        unclassified = operations - set(associate) - set(kiosk_routes) - set(reads) - NO_CREDENTIAL
        assert not unclassified, f"classify each new route for a kiosk, with a case: {unclassified}"
        assert {p for _m, p in kiosk_routes} == {p for _m, p in operations if p.startswith("/v1/kiosk/")}
        assert set(reads) == KIOSK_READS

        token = _session_for(query_db, hub, kiosk.device_id)  # a session it should never have had
        failures_before = query_db(hub.db_url, "SELECT sum(pickup_code_failures) FROM orders")
        for (method, path), case in associate.items():
            for headers in ({}, {"X-Staff-Session": token}):
                answer = _call(kiosk, method, path, case, headers=headers)
                assert_problem(answer, 403, "kiosk_device")
        for (method, path), case in reads.items():
            answer = _call(kiosk, method, path, case)
            assert answer.status_code == 200, (method, path, answer.text)
        for (method, path), case in kiosk_routes.items():
            answer = _call(kiosk, method, path, case)
            assert answer.status_code < 500, (method, path, answer.text)
            if answer.status_code in (401, 403):
                assert answer.json()["code"] not in ("kiosk_only", "kiosk_device", "unauthorized"), (
                    path,
                    answer.text,
                )

    # Nothing an associate route writes was written for the kiosk.
    assert query_db(hub.db_url, "SELECT count(*) FROM customer_notes WHERE text = 'kiosk note'") == [(0,)]
    assert query_db(hub.db_url, "SELECT sum(pickup_code_failures) FROM orders") == [
        (failures_before[0][0] + 1,)  # the kiosk's own wrong pickup code, and no other
    ]
    signed_in = query_db(
        hub.db_url,
        "SELECT count(*) FROM audit WHERE action IN ('staff.sign_in', 'return.approve', 'profile.view') "
        "AND device_id = ?",
        kiosk.device_id,
    )
    assert signed_in == [(0,)]


def test_a_tablet_is_refused_every_kiosk_route_even_with_a_manager_signed_in(
    hub_server: Any, device: Any, query_db: Any, assert_problem: Any
) -> None:
    cases = _kiosk_cases(hub_server, query_db)
    assert {p for _m, p in cases} == {p for _m, p in _operations(device) if p.startswith("/v1/kiosk/")}
    before = query_db(hub_server.db_url, "SELECT count(*) FROM assist_requests")
    for (method, path), case in cases.items():
        assert_problem(_call(device, method, path, case), 403, "kiosk_only")
    assert query_db(hub_server.db_url, "SELECT count(*) FROM assist_requests") == before


def test_a_kiosk_cannot_sign_staff_in_by_badge_either(
    hub_server: Any, assert_problem: Any, query_db: Any
) -> None:
    with enroll_kiosk(hub_server) as kiosk:
        for _ in range(12):  # past the sign-in limiter's refusals: still the kiosk's refusal, not 429
            answer = kiosk.post("/v1/staff/sign-in", json={"badge": hub_server.staff_badge})
            assert_problem(answer, 403, "kiosk_device")
    assert query_db(
        hub_server.db_url, "SELECT count(*) FROM staff_sessions WHERE device_id = ?", kiosk.device_id
    ) == [(0,)]
