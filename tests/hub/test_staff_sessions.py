"""The hub trusts people, not tablets: a device credential alone opens no customer.

Tried as someone holding one enrolled tablet's credential would: without a staff session, with
another device's session, after sign-out, idle or a new sign-in, and as a role that may see less.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from storeassist import contract

PERSONAL_READS = [
    ("GET", "/v1/customers?q=mar"),
    ("GET", "/v1/customers/1/profile"),
    ("GET", "/v1/customers/1/recommendations"),
    ("GET", "/v1/orders/NOPE123"),
    ("GET", "/v1/stores/1/pickups"),
    ("GET", "/v1/stores/1/changes"),
]


def _session_token(client: httpx.Client) -> str:
    return str(client.headers["X-Staff-Session"])


@pytest.mark.parametrize(("method", "path"), PERSONAL_READS)
def test_a_device_credential_alone_gets_no_personal_data(
    hub_server: Any, enroll_device: Any, assert_problem: Any, method: str, path: str
) -> None:
    with enroll_device(hub_server, role=None) as device:
        body = assert_problem(device.request(method, path), 401, "staff_session_required")
        assert "Sign in first" in body["detail"]


def test_resolve_and_commands_need_a_session_too(
    hub_server: Any, enroll_device: Any, assert_problem: Any, make_command: Any
) -> None:
    code = hub_server.loyalty_token(hub_server.customer_ids[0])
    with enroll_device(hub_server, role=None) as device:
        assert_problem(
            device.post("/v1/customers/resolve", json={"token": code}), 401, "staff_session_required"
        )
        note = make_command("note.add", {"customer_id": hub_server.customer_ids[0], "text": "x"})
        assert_problem(device.post("/v1/commands", json={"commands": [note]}), 401, "staff_session_required")
        # What is not personal stays open to the device: the catalog, stores, keys.
        assert device.get("/v1/stores").status_code == 200
        assert device.get("/v1/products", params={"q": "shirt"}).status_code == 200


def test_a_session_works_only_on_the_device_it_was_issued_to(
    hub_server: Any, enroll_device: Any, assert_problem: Any
) -> None:
    with enroll_device(hub_server) as first, enroll_device(hub_server, role=None) as second:
        second.headers["X-Staff-Session"] = _session_token(first)
        assert_problem(second.get("/v1/customers/1/profile"), 401, "staff_session_invalid")
        assert first.get("/v1/customers/1/profile").status_code == 200


def test_sign_out_and_a_new_sign_in_end_the_session(
    hub_server: Any, enroll_device: Any, assert_problem: Any, query_db: Any
) -> None:
    with enroll_device(hub_server) as device:
        first = _session_token(device)
        assert device.post("/v1/staff/sign-out").status_code == 204
        assert_problem(device.get("/v1/customers/1/profile"), 401, "staff_session_ended")

        again = device.post("/v1/staff/sign-in", json={"staff_number": "S0001", "pin": "1001"}).json()
        device.headers["X-Staff-Session"] = again["session_token"]
        assert again["session_token"] != first and again["idle_minutes"] >= 1
        replaced = device.headers["X-Staff-Session"]
        newest = device.post("/v1/staff/sign-in", json={"staff_number": "S0002", "pin": "1002"}).json()
        device.headers["X-Staff-Session"] = replaced
        assert_problem(device.get("/v1/customers/1/profile"), 401, "staff_session_ended")
        device.headers["X-Staff-Session"] = newest["session_token"]
        assert device.get("/v1/customers/1/profile").status_code == 200
    ended = query_db(hub_server.db_url, "SELECT ended_why FROM staff_sessions WHERE ended_at IS NOT NULL")
    assert {"sign_out", "replaced"} <= {row[0] for row in ended}


def _minutes_ago(db_url: str, minutes: int) -> str:
    """SQL for the time ``minutes`` ago in the hub's database (SQLite or PostgreSQL)."""
    if db_url.startswith("sqlite"):
        return f"datetime('now', '-{minutes} minutes')"
    return f"CURRENT_TIMESTAMP - INTERVAL '{minutes} minutes'"


def test_an_idle_session_ends_and_use_renews_it(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, assert_problem: Any
) -> None:
    hub, device = own_hub_device
    query_db(hub.db_url, f"UPDATE staff_sessions SET last_seen_at = {_minutes_ago(hub.db_url, 5)}")
    assert device.get("/v1/customers/1/profile").status_code == 200
    ((seen,),) = query_db(
        hub.db_url, f"SELECT last_seen_at > {_minutes_ago(hub.db_url, 1)} FROM staff_sessions"
    )
    assert seen, "a request more than a minute after the last one renews the session"
    query_db(hub.db_url, f"UPDATE staff_sessions SET last_seen_at = {_minutes_ago(hub.db_url, 16)}")
    assert_problem(device.get("/v1/customers/1/profile"), 401, "staff_session_ended")


def test_a_revoked_device_is_refused_even_with_a_live_session(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, assert_problem: Any
) -> None:
    hub, device = own_hub_device
    query_db(hub.db_url, "UPDATE devices SET revoked = ?", True)
    assert_problem(device.get("/v1/customers/1/profile"), 401, "device_revoked")


def test_the_hub_sends_only_what_the_role_may_see(hub_server: Any, enroll_device: Any, query_db: Any) -> None:
    customer_id = hub_server.customer_ids[0]
    ((email, phone),) = query_db(
        hub_server.db_url, "SELECT email, phone FROM customers WHERE id = ?", customer_id
    )
    seen = {}
    for role in ("associate", "supervisor", "manager"):
        with enroll_device(hub_server, role=role) as device:
            answer = device.get(f"/v1/customers/{customer_id}/profile")
            assert answer.status_code == 200, answer.text
            seen[role] = contract.CustomerProfile.model_validate(answer.json()).customer
            assert email not in answer.text or role == "manager"
    assert seen["manager"].email == email and seen["manager"].phone == phone
    assert seen["associate"].email != email and "•" in seen["associate"].phone
    assert seen["associate"].lifetime_value_cents == 0
    assert seen["supervisor"].lifetime_value_cents == seen["manager"].lifetime_value_cents > 0


def test_the_change_feed_never_carries_full_contact_details(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device  # a manager: even so, what lands in a device's cache is masked
    emails = {row[0] for row in query_db(hub.db_url, "SELECT email FROM customers")}
    cursor, customers = "", []
    for _page in range(200):
        feed = contract.ChangeFeed.model_validate(
            device.get(f"/v1/stores/{hub.store_id}/changes", params={"cursor": cursor}).json()
        )
        customers += feed.customers
        cursor = feed.cursor
        if not feed.has_more:
            break
    assert customers
    assert not {c.customer.email for c in customers} & emails
    assert all(c.customer.lifetime_value_cents == 0 for c in customers)


def test_search_needs_three_characters(device: httpx.Client, assert_problem: Any) -> None:
    for text in ("ab", "  a ", "a b", ""):
        body = assert_problem(device.get("/v1/customers", params={"q": text}), 422, "invalid_request")
        assert "q" in body["detail"]
    assert device.get("/v1/customers", params={"q": " m a r "}).status_code == 200


def test_bulk_reading_is_limited_and_leaves_an_alert_on_the_audit_trail(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, assert_problem: Any
) -> None:
    hub, device = own_hub_device
    answers = [device.get(f"/v1/customers/{customer_id}/profile").status_code for customer_id in range(1, 41)]
    assert answers[:30] == [200] * 30, "a counter's burst passes"
    assert 429 in answers[30:]
    refused = device.get("/v1/customers/1/profile")
    body = assert_problem(refused, 429, "too_many_reads")
    assert "Wait" in body["detail"] and int(refused.headers["Retry-After"]) >= 1
    alerts = query_db(hub.db_url, "SELECT staff_id, subject FROM audit WHERE action = 'privacy.burst'")
    assert alerts == [(1, "staff:1")], "one alert per burst, naming who"
    # Signing in again does not refill the budget: it is the person's, not the session's.
    again = device.post("/v1/staff/sign-in", json={"staff_number": "S0001", "pin": "1001"})
    device.headers["X-Staff-Session"] = again.json()["session_token"]
    assert_problem(device.get("/v1/customers/2/profile"), 429, "too_many_reads")
    # Searches have a budget of their own.
    assert device.get("/v1/customers", params={"q": "mar"}).status_code == 200


def test_revoking_a_badge_ends_the_holders_open_session(
    own_hub_device: tuple[Any, httpx.Client], assert_problem: Any
) -> None:
    from storeassist.hub.admin import revoke_badge

    hub, device = own_hub_device  # store 1's manager, staff 1, signed in
    assert device.get("/v1/customers/1/profile").status_code == 200
    revoke_badge(hub.db_url, 1)
    assert_problem(device.get("/v1/customers/1/profile"), 401, "staff_session_ended")


def test_the_interactive_api_pages_are_served_only_with_the_flag(seeded_db_url: str) -> None:
    from storeassist.hub.server import start_in_thread

    for serve_docs, expected in ((False, 404), (True, 200)):
        hub = start_in_thread(seeded_db_url, serve_docs=serve_docs)
        try:
            assert httpx.get(f"{hub.url}/docs").status_code == expected
            assert httpx.get(f"{hub.url}/redoc").status_code == expected
            assert httpx.get(f"{hub.url}/openapi.json").status_code == 200
        finally:
            hub.stop()
