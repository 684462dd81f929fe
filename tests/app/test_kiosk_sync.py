"""A kiosk's sync (its own feed, no staff, nothing personal kept) and a device revoked at the back
office (tablet or kiosk): sync stops for good and says why, whichever call met the refusal.

The revocations are real (``storeassist.hub.admin.revoke_device`` on a hub of the test's own); the
feed that would carry personal data to a kiosk is a stand-in, since the real hub never sends it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hub_tablets import enroll_tablet

from storeassist.client import DeviceRevoked
from storeassist.config import Settings
from storeassist.contract import ChangeFeed, CommandBatch, CommandBatchResult, PublicKeys
from storeassist.domain.kiosk import KioskUnavailable
from storeassist.hub.admin import revoke_device
from storeassist.startup import DeviceServices, DeviceStartup
from storeassist.sync import SyncEngine

pytestmark = pytest.mark.anyio

SIGNAL_WAIT_S = 30.0


@pytest.fixture
async def kiosk(
    hub_server_fn: Any, tmp_path: Path, memory_keyring: Any, anyio_backend: str
) -> AsyncIterator[DeviceServices]:
    startup = DeviceStartup(
        Settings(device_name="Kiosk by the door"),
        tmp_path / "kiosk",
        training=False,
        kind="kiosk",
        keyring_backend=memory_keyring,
    )
    try:
        await startup.prepare()
        services = startup.open(await startup.enroll(hub_server_fn.url, hub_server_fn.enroll_code()))
        yield services
    finally:
        await startup.aclose()


class Told:
    """What an engine said through ``device_revoked`` and ``sync_failed``."""

    def __init__(self, engine: SyncEngine) -> None:
        self.revoked: list[str] = []
        self.failed: list[str] = []
        self._heard = asyncio.Event()
        engine.device_revoked.connect(self._on_revoked)
        engine.sync_failed.connect(self.failed.append)

    def _on_revoked(self, reason: str) -> None:
        self.revoked.append(reason)
        self._heard.set()

    async def revocation(self) -> None:
        await asyncio.wait_for(self._heard.wait(), SIGNAL_WAIT_S)


async def stopped(engine: SyncEngine) -> None:
    """Wait (bounded) until the engine's background rounds have ended."""
    for _ in range(int(SIGNAL_WAIT_S * 100)):
        if not engine.running:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("sync is still running")


async def test_a_revoked_kiosk_stops_syncing_and_says_why(kiosk: DeviceServices, hub_server_fn: Any) -> None:
    engine = kiosk.sync
    told = Told(engine)
    await engine.sync_now()
    engine.start()
    revoke_device(hub_server_fn.db_url, kiosk.record.device_id, "Screen cracked")

    engine.wake()
    await told.revocation()
    assert told.revoked == ["Screen cracked"]
    assert told.failed and "revoked" in told.failed[-1], "as a failed round too"
    assert isinstance(engine.revoked, DeviceRevoked) and engine.revoked.reason == "Screen cracked"
    await stopped(engine)
    with pytest.raises(DeviceRevoked):
        await engine.sync_now()
    assert told.revoked == ["Screen cracked"], "said once"

    engine.start()  # a shell starting it again: it does not, and says so again
    assert told.revoked == ["Screen cracked", "Screen cracked"]
    assert not engine.running

    # The shopper at the screen is told the kiosk cannot answer.
    assert kiosk.kiosk is not None
    with pytest.raises(KioskUnavailable) as unavailable:
        await kiosk.kiosk.shopper(hub_server_fn.loyalty_token(hub_server_fn.customer_ids[0]))
    assert unavailable.value.code == "device_revoked"


async def test_a_revoked_tablet_stops_syncing_when_any_call_meets_the_refusal(
    hub_server_fn: Any, tmp_path: Path, anyio_backend: str
) -> None:
    hub = hub_server_fn
    tablet = await enroll_tablet(hub, tmp_path / "tablet", name="Till 2")
    try:
        engine = tablet.sync
        tablet.client.add_revocation_listener(engine.note_revoked)
        told = Told(engine)
        await engine.sync_now()
        engine.start()
        revoke_device(hub.db_url, _device_named(hub, "Till 2"))  # no reason given

        # Not the engine's call: the associate's next look-up meets the refusal first.
        with pytest.raises(DeviceRevoked) as refused:
            await tablet.client.stores()
        assert refused.value.reason is None
        await told.revocation()
        assert told.revoked == [""]
        await stopped(engine)
        pending_before = engine.pending
        engine.wake()
        await asyncio.sleep(0.05)
        assert told.revoked == [""] and engine.pending == pending_before
    finally:
        await tablet.aclose()


def _device_named(hub: Any, name: str) -> int:
    with sqlite3.connect(hub.db_url.removeprefix("sqlite:///")) as conn:
        ((device_id,),) = conn.execute("SELECT id FROM devices WHERE name = ?", (name,)).fetchall()
    return int(device_id)


class PersonalFeed:
    """A hub whose kiosk feed (wrongly) carries a customer and a pickup beside a product."""

    def __init__(self, make_profile: Any, make_pickup: Any) -> None:
        self.profile = make_profile(7, name="Maria Jensen")
        self.pickup = make_pickup(11, "ready", datetime.now(UTC))
        self.store_feed_asked = 0
        self.pushed = 0

    async def push_commands(self, batch: CommandBatch) -> CommandBatchResult:
        self.pushed += 1
        raise AssertionError("a kiosk pushes no commands")

    async def changes(self, store_id: int, cursor: str, limit: int = 500) -> ChangeFeed:
        self.store_feed_asked += 1
        raise AssertionError("a kiosk reads its own feed")

    async def kiosk_changes(self, cursor: str, limit: int = 500) -> ChangeFeed:
        return ChangeFeed(cursor="k1", has_more=False, customers=[self.profile], pickups=[self.pickup])

    async def public_keys(self) -> PublicKeys:
        return PublicKeys(keys={})


async def test_a_kiosk_keeps_nothing_personal_even_from_a_feed_that_carries_it(
    outbox: Any, cache: Any, make_profile: Any, make_pickup: Any, make_command: Any, tmp_path: Path
) -> None:
    hub = PersonalFeed(make_profile, make_pickup)
    outbox.enqueue(make_command())  # even a command waiting (none should be) is not pushed
    engine = SyncEngine(hub, outbox, cache, store_id=1, feed="kiosk")
    report = await engine.sync_now()
    assert report.pushed == 0 and report.pages_pulled == 1 and hub.pushed == 0
    assert cache.cursor() == "k1"
    assert cache.open_pickups() == []
    assert cache.profile(7, now=datetime.now(UTC)) is None
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("cache.sqlite*"))
    assert b"Maria Jensen" not in raw
