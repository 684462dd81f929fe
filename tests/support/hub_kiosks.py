"""A self-service kiosk enrolled at the real hub under test (``devices.kind`` 'kiosk'), and what
its tests need of the seeded chain: orders it may hand over, and how to ask for them."""

from __future__ import annotations

from typing import Any

import httpx


class KioskClient(httpx.Client):
    """An enrolled kiosk's client, and its device id."""

    device_id: int


def enroll_kiosk(hub: Any, store_id: int | None = None, *, device_name: str = "test kiosk") -> KioskClient:
    """A client carrying a freshly enrolled kiosk's credential (a kiosk signs nobody in)."""
    code = hub.enroll_code(store_id)
    answer = httpx.post(
        f"{hub.url}/v1/devices/enroll", json={"code": code, "device_name": device_name, "kind": "kiosk"}
    )
    assert answer.status_code == 200, answer.text
    credential = answer.json()["credential"]
    client = KioskClient(base_url=hub.url, headers={"Authorization": f"Bearer {credential}"}, timeout=30)
    client.device_id = int(answer.json()["device_id"])
    return client


def kiosk_pickups(query_db: Any, hub: Any, *, store_id: int = 1, locker: bool | None = None) -> list[int]:
    """Ids of the ready, paid, unlocked orders of a store the seed marked for the kiosk (with a
    locker, without, or either), newest first."""
    where = {None: "", True: " AND locker IS NOT NULL", False: " AND locker IS NULL"}[locker]
    rows = query_db(
        hub.db_url,
        "SELECT id FROM orders WHERE store_id = ? AND kiosk_pickup AND pickup_state = 'ready' "
        f"AND payment_state = 'paid' AND NOT pickup_locked{where} ORDER BY id DESC",
        store_id,
    )
    return [int(row[0]) for row in rows]
