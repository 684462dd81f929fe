"""Searching for a customer, noting something about them and suggesting products, with the real hub.

Each test enrols its own device at the hub on loopback; "offline" is a client pointed at a port
nobody listens on.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from storeassist.client import HubClient
from storeassist.services.add_note import MAX_NOTE_CHARS, AddCustomerNote, NoteInvalid
from storeassist.services.recommend_products import RecommendProducts
from storeassist.services.search_customers import (
    SearchCustomers,
    SearchNeedsHub,
    SearchNotPossible,
    clean_query,
)
from storeassist.sync import SyncEngine

pytestmark = pytest.mark.anyio


def _customer(hub, customer_id: int) -> tuple[str, str]:
    with sqlite3.connect(hub.db_path) as db:
        name, phone = db.execute("SELECT name, phone FROM customers WHERE id = ?", (customer_id,)).fetchone()
    return name, phone


async def test_part_of_a_name_or_phone_number_finds_the_customer(device, hub):
    customer_id = hub.customer_ids[0]
    name, phone = _customer(hub, customer_id)
    search = SearchCustomers(device.client)

    by_name = await search.search(f"  {name[:3]} ")
    by_phone = await search.search(phone[:7])

    assert customer_id in {c.id for c in by_name.items} | {c.id for c in by_phone.items}
    assert any(c.id == customer_id for c in by_phone.items)


@pytest.mark.parametrize(
    "text", ["", " ", "a", "\x00\x1b", "x" * 200], ids=["empty", "space", "one", "ctrl", "long"]
)
def test_text_that_cannot_be_searched_says_what_to_type(text):
    with pytest.raises(SearchNotPossible) as raised:
        clean_query(text)
    assert raised.value.user_message


def test_control_and_direction_characters_never_reach_the_hub():
    assert clean_query("\u202eMa\x00ria   Jen\tsen") == "Maria Jensen"


async def test_searching_offline_says_to_scan_instead(device, refused_url):
    async with HubClient(refused_url, device.enrollment.credential, max_attempts=1) as unplugged:
        with pytest.raises(SearchNeedsHub) as raised:
            await SearchCustomers(unplugged).search("Maria")
    assert "Scan" in raised.value.user_message


async def test_a_note_is_saved_on_the_tablet_then_reaches_the_hub_once(device, hub, outbox, cache):
    customer_id = hub.customer_ids[0]
    notes = AddCustomerNote(outbox, hub.store_id)

    command = notes.add(customer_id, "  Prefers the\x07 navy one; size 40 runs small.  ")

    assert command.payload.text == "Prefers the navy one; size 40 runs small."
    assert outbox.pending_count() == 1
    engine = SyncEngine(device.client, outbox, cache, hub.store_id)
    await engine.sync_now()
    await engine.sync_now()  # nothing is sent twice
    assert outbox.pending_count() == 0
    with sqlite3.connect(hub.db_path) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM customer_notes WHERE customer_id = ? AND text = ?",
            (customer_id, command.payload.text),
        ).fetchone()
    assert count == 1


@pytest.mark.parametrize("text", ["", "   \n ", "x" * (MAX_NOTE_CHARS + 1)], ids=["empty", "blank", "long"])
def test_a_note_that_cannot_be_saved_says_why_and_writes_nothing(outbox, text):
    with pytest.raises(NoteInvalid) as raised:
        AddCustomerNote(outbox, 1).add(7, text)
    assert raised.value.user_message
    assert outbox.pending_count() == 0


async def test_suggestions_come_online_and_are_kept_for_offline_use(device, hub, cache, refused_url):
    customer_id = hub.customer_ids[0]
    online = await RecommendProducts(device.client, cache).for_customer(customer_id, hub.store_id)
    assert online.source == "online" and online.items is not None and online.items.items
    assert all(item.reason_code for item in online.items.items)

    async with HubClient(refused_url, device.enrollment.credential, max_attempts=1) as unplugged:
        offline = await RecommendProducts(unplugged, cache).for_customer(customer_id, hub.store_id)
        nothing = await RecommendProducts(unplugged, cache).for_customer(hub.customer_ids[1], hub.store_id)
    assert offline.source == "cache"
    assert offline.items == online.items
    assert (nothing.source, nothing.items) == ("none", None)


def test_kept_suggestions_expire_with_the_personal_data(cache, make_profile):
    from storeassist.contract import RecommendationList

    kept_at = datetime(2026, 1, 1, tzinfo=UTC)
    cache.store_recommendations(RecommendationList(customer_id=7, store_id=1, items=[]), now=kept_at)
    assert cache.recommendations(7, now=kept_at) is not None
    later = kept_at + cache.personal_data_ttl
    cache.purge_expired(now=later)
    assert cache.recommendations(7, now=kept_at) is None  # gone from the file, not just hidden
