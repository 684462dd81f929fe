"""A profile shown from a device's cache while offline reaches the audit trail as a ``profile.view``
command: one audit row, dated when it was shown, written once however often it is retried."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx

from storeassist import contract

#: Shown two hours ago: the hub takes views dated within the outbox's lifetime, never ahead of it.
_SHOWN = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
SHOWN_AT = _SHOWN.isoformat()
#: The same moment as a tablet two hours east of UTC writes it.
SHOWN_AT_LOCAL = _SHOWN.astimezone(timezone(timedelta(hours=2))).isoformat()


def _post(device: httpx.Client, *commands: dict[str, Any]) -> list[contract.CommandResult]:
    answer = device.post("/v1/commands", json={"commands": list(commands)})
    assert answer.status_code == 200, answer.text
    return contract.CommandBatchResult.model_validate(answer.json()).results


def _view(customer_id: Any, viewed_at: str = SHOWN_AT, source: str = "cache") -> dict[str, Any]:
    return {"customer_id": customer_id, "source": source, "viewed_at": viewed_at}


def _views(query_db: Any, db_url: str, customer_id: int) -> list[tuple[Any, ...]]:
    return query_db(
        db_url,
        "SELECT at, device_id, staff_id FROM audit WHERE action = 'profile.view' AND subject = ?",
        f"customer:{customer_id}",
    )


def _stored_time(value: Any) -> datetime:
    """SQLite hands back the stored UTC time as naive text; PostgreSQL as an aware datetime."""
    moment = datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def test_a_cached_view_is_audited_once_when_it_was_shown_and_a_retry_is_a_duplicate(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    customer_id = hub.customer_ids[0]
    ((device_id,),) = query_db(hub.db_url, "SELECT max(id) FROM devices")
    view = make_command("profile.view", _view(customer_id), staff_id=3)

    first = _post(device, view)[0]
    again = _post(device, view)[0]

    assert first.status == "applied" and first.result and first.result["audit_id"]
    assert again.status == "duplicate" and again.result and again.result["first_status"] == "applied"
    [(at, audited_device, staff_id)] = _views(query_db, hub.db_url, customer_id)
    assert (audited_device, staff_id) == (device_id, 3)
    assert _stored_time(at) == datetime.fromisoformat(SHOWN_AT)
    # The effect's row is the command's only audit row: none is added for the command itself.
    assert query_db(hub.db_url, "SELECT count(*) FROM audit WHERE action = 'profile.view'")[0][0] == 1


def test_a_view_without_a_staff_member_and_a_local_time_is_stored_in_utc(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    customer_id = hub.customer_ids[1]

    result = _post(device, make_command("profile.view", _view(customer_id, SHOWN_AT_LOCAL)))[0]

    assert result.status == "applied"
    [(at, _, staff_id)] = _views(query_db, hub.db_url, customer_id)
    assert staff_id is None
    assert _stored_time(at) == datetime.fromisoformat(SHOWN_AT)


def test_a_view_of_an_unknown_customer_is_rejected_and_not_audited(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    (missing,) = query_db(hub.db_url, "SELECT max(id) + 1 FROM customers")[0]

    result = _post(device, make_command("profile.view", _view(missing)))[0]

    assert result.status == "rejected" and str(missing) in (result.reason or "")
    assert _views(query_db, hub.db_url, missing) == []


def test_views_that_cannot_be_right_are_rejected_with_a_reason_and_write_nothing(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    customer_id = hub.customer_ids[2]
    bad = [
        make_command("profile.view", _view(customer_id, SHOWN_AT.removesuffix("+00:00"))),  # no offset
        make_command("profile.view", _view(customer_id, source="hub")),
        make_command("profile.view", _view(customer_id, "0001-01-01T00:30:00+01:00")),  # before year 1 in UTC
        make_command("profile.view", _view(0)),
        make_command("profile.view", _view(10**20)),
        make_command("profile.view", {"customer_id": customer_id}),
        make_command("profile.view", _view(customer_id), staff_id=10**6),
        make_command("profile.view", _view(customer_id), store_id=2),
    ]

    results = _post(device, *bad)

    assert [r.status for r in results] == ["rejected"] * len(bad)
    assert all(r.reason for r in results)
    # A staff id no database could hold is not even a command (the contract bounds every id).
    huge = make_command("profile.view", _view(customer_id), staff_id=10**20)
    assert device.post("/v1/commands", json={"commands": [huge]}).status_code == 422
    assert _views(query_db, hub.db_url, customer_id) == []


def _snapshot_customers(device: httpx.Client, store_id: int) -> set[int]:
    seen: set[int] = set()
    cursor = ""
    for _ in range(100):
        page = device.get(f"/v1/stores/{store_id}/changes", params={"cursor": cursor, "limit": 500})
        assert page.status_code == 200, page.text
        feed = contract.ChangeFeed.model_validate(page.json())
        seen.update(profile.customer.id for profile in feed.customers)
        if not feed.has_more:
            return seen
        cursor = feed.cursor
    raise AssertionError("the snapshot did not end")


def test_an_offline_view_counts_as_a_recent_lookup_for_the_store_snapshot(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    ((customer_id,),) = query_db(
        hub.db_url,
        "SELECT max(id) FROM customers WHERE id NOT IN"
        " (SELECT customer_id FROM orders WHERE pickup_state IS NOT NULL AND customer_id IS NOT NULL)",
    )
    assert customer_id not in _snapshot_customers(device, hub.store_id)

    assert _post(device, make_command("profile.view", _view(customer_id)))[0].status == "applied"

    assert customer_id in _snapshot_customers(device, hub.store_id)
