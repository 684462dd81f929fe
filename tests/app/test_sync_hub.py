"""A device syncing with the real hub: snapshot in, actions out, each applied once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from storeassist.client import HubClient, HubUnreachable, StaffSessionRequired
from storeassist.contract import (
    AddNoteCommand,
    AddNotePayload,
    CommandBatch,
    PlaceHoldCommand,
    PlaceHoldPayload,
    StaffSignInRequest,
)
from storeassist.local import OutboxState
from storeassist.sync import SyncEngine
from storeassist.sync.engine import KEYS_EVERY_S

pytestmark = pytest.mark.anyio


def _note(hub, text: str = "Wants a call when size 42 is back") -> AddNoteCommand:
    return AddNoteCommand(
        id=uuid.uuid4(),
        type="note.add",
        issued_at=datetime.now(UTC),
        store_id=hub.store_id,
        payload=AddNotePayload(customer_id=hub.customer_ids[0], text=text),
    )


async def test_a_fresh_device_pulls_its_store_and_pushes_its_actions(device, hub, outbox, cache):
    engine = SyncEngine(device.client, outbox, cache, store_id=hub.store_id)
    note = _note(hub)
    outbox.enqueue(note)

    report = await engine.sync_now()

    assert report.settled == 1
    assert outbox.get(note.id).state is OutboxState.APPLIED
    assert cache.cursor() != ""
    assert cache.verification_keys()
    assert engine.online is True


async def test_a_refused_action_waits_for_a_person_and_the_next_one_still_goes(device, hub, outbox, cache):
    engine = SyncEngine(device.client, outbox, cache, store_id=hub.store_id)
    impossible = PlaceHoldCommand(
        id=uuid.uuid4(),
        type="hold.place",
        issued_at=datetime.now(UTC),
        store_id=hub.store_id,
        payload=PlaceHoldPayload(customer_id=hub.customer_ids[0], sku="NO-SUCH-SKU", qty=1),
    )
    fine = _note(hub)
    outbox.enqueue(impossible)
    outbox.enqueue(fine)

    await engine.sync_now()

    assert outbox.get(fine.id).state is OutboxState.APPLIED
    [waiting] = engine.needs_attention()
    assert waiting.command.id == impossible.id
    assert waiting.last_error
    assert (waiting.code, waiting.params) == ("unknown_product", {"sku": "NO-SUCH-SKU"})


async def test_actions_saved_during_an_outage_are_applied_once_when_it_ends(
    device, hub, outbox, cache, refused_url
):
    notes = [_note(hub, "First"), _note(hub, "Second")]
    for note in notes:
        outbox.enqueue(note)
    async with HubClient(refused_url, device.enrollment.credential, max_attempts=1) as unplugged:
        offline = SyncEngine(unplugged, outbox, cache, store_id=hub.store_id)
        with pytest.raises(HubUnreachable):
            await offline.sync_now()
    assert offline.online is False
    assert outbox.pending_count() == 2

    await SyncEngine(device.client, outbox, cache, store_id=hub.store_id).sync_now()

    assert [outbox.get(n.id).state for n in notes] == [OutboxState.APPLIED, OutboxState.APPLIED]
    again = await device.client.push_commands(CommandBatch(commands=notes))
    assert [r.status for r in again.results] == ["duplicate", "duplicate"]


async def test_with_nobody_signed_in_actions_wait_quietly_and_go_after_a_sign_in(device, hub, outbox, cache):
    engine = SyncEngine(device.client, outbox, cache, store_id=hub.store_id)
    problems: list[str] = []
    engine.sync_failed.connect(problems.append)
    note = _note(hub)
    outbox.enqueue(note)
    await device.client.staff_sign_out()

    with pytest.raises(StaffSessionRequired):
        await engine.sync_now()

    assert outbox.get(note.id).state is not OutboxState.APPLIED, "the hub took nothing without a person"
    assert problems == [], "waiting for a sign-in is not a sync problem"
    assert engine.online is True
    await device.client.staff_sign_in(StaffSignInRequest(staff_number="S0003", pin="1003"))
    await engine.sync_now()
    assert outbox.get(note.id).state is OutboxState.APPLIED


class KeyChecks:
    """An enrolled tablet's sync engine on a clock of the test's: ``sync_at(seconds)`` runs a round
    that many seconds after the first, and ``keys()`` is what the tablet then trusts."""

    def __init__(self, tablet: Any) -> None:
        self.tablet = tablet
        self.start = datetime.now(UTC)
        self.now = self.start
        self.engine = SyncEngine(
            tablet.client, tablet.outbox, tablet.cache, tablet.hub.store_id, clock=lambda: self.now
        )

    async def sync_at(self, seconds: float) -> None:
        self.now = self.start + timedelta(seconds=seconds)
        await self.engine.sync_now()

    def keys(self) -> set[int]:
        return set(self.tablet.cache.verification_keys())


@asynccontextmanager
async def key_checks(hub: Any, folder: Any) -> AsyncIterator[KeyChecks]:
    from hub_tablets import enroll_tablet

    tablet = await enroll_tablet(hub, folder)
    checks = KeyChecks(tablet)
    try:
        yield checks
    finally:
        await checks.engine.aclose()
        await tablet.aclose()


async def test_a_key_rotated_at_the_hub_reaches_a_running_tablet_at_its_next_key_check(
    hub_server_fn, tmp_path
):
    from storeassist.hub.admin import rotate_key

    async with key_checks(hub_server_fn, tmp_path / "tablet") as tablet:
        await tablet.sync_at(0)
        before = tablet.keys()
        _old, new = rotate_key(hub_server_fn.db_url)
        assert new not in before

        await tablet.sync_at(60)  # within the interval: the keys it holds still serve
        assert tablet.keys() == before
        await tablet.sync_at(KEYS_EVERY_S + 1)  # past it: the hub's keys are fetched again
        assert tablet.keys() == before | {new}


async def test_a_key_retired_at_the_hub_is_dropped_by_a_running_tablet_at_its_next_key_check(
    hub_server_fn, tmp_path
):
    from storeassist.hub.admin import retire_key, rotate_key

    old, new = rotate_key(hub_server_fn.db_url)
    assert old is not None
    async with key_checks(hub_server_fn, tmp_path / "tablet") as tablet:
        await tablet.sync_at(0)
        assert tablet.keys() == {old, new}
        assert retire_key(hub_server_fn.db_url, old).now

        await tablet.sync_at(60)  # within the interval: the keys it holds still serve
        assert tablet.keys() == {old, new}
        await tablet.sync_at(KEYS_EVERY_S + 1)  # past it: the hub's keys replace the whole set it held
        assert tablet.keys() == {new}
