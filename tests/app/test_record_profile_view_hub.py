"""A profile shown from the cache during an outage reaches the real hub's audit trail once the
device is back online: once, dated when it was shown, under this device."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from storeassist.client import HubClient, HubUnreachable
from storeassist.local import OutboxState
from storeassist.services.record_profile_view import RecordProfileView
from storeassist.sync import SyncEngine

pytestmark = pytest.mark.anyio

#: Shown a little while ago: the hub takes views within the outbox's lifetime, not from the future.
SHOWN_AT = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)


def _audited_views(hub, customer_id: int) -> list[tuple[str, int, int | None]]:
    with sqlite3.connect(hub.db_path) as db:
        return db.execute(
            "SELECT at, device_id, staff_id FROM audit WHERE action = 'profile.view' AND subject = ?",
            (f"customer:{customer_id}",),
        ).fetchall()


async def test_a_view_from_the_cache_during_an_outage_is_audited_when_the_hub_is_back(
    device, hub, outbox, cache, refused_url
):
    customer_id = hub.customer_ids[4]
    before = _audited_views(hub, customer_id)
    record = RecordProfileView(outbox, hub.store_id, staff_id=lambda: 3, clock=lambda: SHOWN_AT)

    command = record.cached_view(customer_id)
    async with HubClient(refused_url, device.enrollment.credential, max_attempts=1) as unplugged:
        with pytest.raises(HubUnreachable):
            await SyncEngine(unplugged, outbox, cache, store_id=hub.store_id).sync_now()
    assert outbox.pending_count() == 1
    engine = SyncEngine(device.client, outbox, cache, store_id=hub.store_id)
    await engine.sync_now()
    await engine.sync_now()  # nothing is sent twice

    assert outbox.get(command.id).state is OutboxState.APPLIED
    new = [row for row in _audited_views(hub, customer_id) if row not in before]
    assert len(new) == 1
    at, device_id, staff_id = new[0]
    assert (device_id, staff_id) == (device.enrollment.device_id, 3)
    assert datetime.fromisoformat(at).replace(tzinfo=UTC) == SHOWN_AT
