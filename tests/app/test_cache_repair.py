"""The tablet repairs its cache while running, and never takes someone else's file for it.

Every case is a real SQLite file in ``tmp_path``, damaged the way the field damages it: the
file overwritten while the app has it open, one row's JSON broken with raw ``sqlite3`` (which
``PRAGMA quick_check`` does not notice), a foreign database at the right ``user_version``, and
a folder where the file belongs. The outbox beside the cache is never touched.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from storeassist.client import HubUnreachable
from storeassist.contract import (
    ChangeFeed,
    Product,
    PublicKeys,
    RecommendationList,
    RevokedCard,
    StockLevel,
)
from storeassist.domain.tokens import public_key_to_text
from storeassist.local import LocalCache, LocalStoreError, Outbox
from storeassist.local.cache import APPLICATION_ID, SCHEMA_VERSION, CacheRebuilt
from storeassist.local.sqlite import StorageLocationUnusable
from storeassist.services.identify_customer import CustomerNotCached, IdentifyCustomer
from storeassist.sync import SyncEngine

KEY_ID = 3


def _product(sku: str = "SKU-1", gtin: str = "4006381333931") -> Product:
    return Product(
        sku=sku, gtin=gtin, style="S1", name="Trail shoe", brand="Acme", category="shoes", price_cents=8999
    )


def _fill(
    cache: LocalCache, signing_key: Ed25519PrivateKey, make_profile: Any, make_pickup: Any, now: datetime
) -> None:
    """What a tablet holds after a day's work: a snapshot, keys, a customer and their suggestions."""
    cache.apply_feed(
        ChangeFeed(
            cursor="c1",
            has_more=False,
            products=[_product()],
            stock=[("SKU-1", StockLevel(store_id=1, store_name="Main", distance_km=0, on_hand=4, as_of=now))],
            pickups=[make_pickup(2, "ready", now, deadline_days=2)],
            revoked=[RevokedCard(customer_id=7, serial=2)],
        ),
        requested_cursor="",
        now=now,
    )
    cache.set_public_keys(PublicKeys(keys={KEY_ID: public_key_to_text(signing_key.public_key())}))
    cache.store_profile(make_profile(7), now=now)
    cache.store_recommendations(RecommendationList(customer_id=7, store_id=1, items=[]), now=now)


class Rebuilds:
    """Counts the cache's "made fresh" notices."""

    def __init__(self, cache: LocalCache) -> None:
        self.count = 0
        cache.add_rebuild_listener(self._heard)

    def _heard(self) -> None:
        self.count += 1


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def outbox_in_folder(folder: Path, make_command: Any) -> Iterator[Outbox]:
    folder.mkdir(exist_ok=True)
    box = Outbox(folder / "outbox.sqlite")
    box.enqueue(make_command())
    yield box
    box.close()


@pytest.fixture
def running_cache(
    folder: Path, signing_key: Ed25519PrivateKey, make_profile: Any, make_pickup: Any, now: datetime
) -> Iterator[LocalCache]:
    """A cache as on a tablet that has been running since its last start: filled, then closed
    once, so the data sits in the main file, not the WAL. (Pages SQLite still holds in memory
    would be served as they were; the first page read from the file meets the damage.)"""
    folder.mkdir(exist_ok=True)
    first = LocalCache(folder / "cache.sqlite")
    _fill(first, signing_key, make_profile, make_pickup, now)
    first.close()
    cache = LocalCache(folder / "cache.sqlite")
    assert cache.rebuilt_reason is None
    yield cache
    cache.close()


def _overwrite_with_garbage(path: Path) -> None:
    """What the tester did: the file replaced in place while the app has it open."""
    path.write_bytes(b"\x00garbage, not SQLite\xff" * 4096)


READS: dict[str, Callable[[LocalCache, datetime], object]] = {
    "cached profile": lambda cache, now: cache.profile(7, now=now),
    "public keys": lambda cache, now: dict(cache.verification_keys()),
    "revoked serials": lambda cache, now: cache.is_revoked(7, 2),
    "feed cursor": lambda cache, now: cache.cursor(),
    "product": lambda cache, now: cache.product("SKU-1"),
    "stock here": lambda cache, now: cache.stock_here("SKU-1"),
    "open pickups": lambda cache, now: cache.open_pickups(),
    "pickup": lambda cache, now: cache.pickup("W000002"),
    "suggestions": lambda cache, now: cache.recommendations(7, now=now),
    "purge": lambda cache, now: cache.purge_expired(now=now),
}
#: What each read answers from an empty cache.
MISSES: dict[str, object] = {
    "cached profile": None,
    "public keys": {},
    "revoked serials": False,
    "feed cursor": "",
    "product": None,
    "stock here": None,
    "open pickups": [],
    "pickup": None,
    "suggestions": None,
    "purge": 0,
}


# -- the file overwritten while the app runs --------------------------------------------------


@pytest.mark.parametrize("read", list(READS))
def test_any_read_of_a_cache_overwritten_while_open_makes_it_fresh_and_answers_as_a_miss(
    running_cache: LocalCache, outbox_in_folder: Outbox, folder: Path, now: datetime, read: str
) -> None:
    rebuilds = Rebuilds(running_cache)
    outbox_before = (folder / "outbox.sqlite").stat().st_ino, outbox_in_folder.pending_count()
    _overwrite_with_garbage(running_cache.path)

    answer = READS[read](running_cache, now)

    assert answer == MISSES[read]
    assert rebuilds.count == 1
    assert running_cache.rebuilt_reason == "unreadable"
    assert running_cache.cursor() == ""  # the next sync pulls a snapshot
    with sqlite3.connect(running_cache.path) as raw:
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert raw.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    raw.close()
    # The outbox is its own file and engine: same file, same waiting action.
    assert ((folder / "outbox.sqlite").stat().st_ino, outbox_in_folder.pending_count()) == outbox_before


def test_one_damaged_file_is_made_fresh_once_not_at_every_read(
    running_cache: LocalCache, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    rebuilds = Rebuilds(running_cache)
    _overwrite_with_garbage(running_cache.path)

    for read in READS.values():
        read(running_cache, now)
    for read in READS.values():
        read(running_cache, now)

    assert rebuilds.count == 1
    warnings = [r.getMessage() for r in caplog.records if "making a fresh one" in r.getMessage()]
    assert len(warnings) == 1
    assert "SQLITE_" in warnings[0]  # says what SQLite reported ...
    assert "Test Customer" not in caplog.text and "@example" not in caplog.text  # ... and nothing of anyone


def test_after_the_repair_the_cache_works_again(
    running_cache: LocalCache,
    signing_key: Ed25519PrivateKey,
    make_profile: Any,
    make_pickup: Any,
    now: datetime,
) -> None:
    _overwrite_with_garbage(running_cache.path)
    assert running_cache.profile(7, now=now) is None

    _fill(running_cache, signing_key, make_profile, make_pickup, now)

    kept = running_cache.profile(7, now=now)
    assert kept is not None and kept.profile.customer.id == 7
    assert list(running_cache.verification_keys()) == [KEY_ID]
    assert running_cache.is_revoked(7, 2)
    assert running_cache.cursor() == "c1"


def test_a_write_to_an_overwritten_cache_lands_in_the_fresh_file(
    running_cache: LocalCache, make_profile: Any, now: datetime
) -> None:
    rebuilds = Rebuilds(running_cache)
    _overwrite_with_garbage(running_cache.path)

    running_cache.store_profile(make_profile(8), now=now)  # the customer the hub just sent

    assert rebuilds.count == 1
    assert running_cache.profile(8, now=now) is not None
    assert running_cache.profile(7, now=now) is None  # went with the damaged file


def test_a_feed_page_asked_before_the_repair_is_not_stored_over_the_fresh_cache(
    running_cache: LocalCache, now: datetime
) -> None:
    _overwrite_with_garbage(running_cache.path)

    with pytest.raises(CacheRebuilt):
        running_cache.apply_feed(
            ChangeFeed(cursor="c2", has_more=False, products=[_product("SKU-2", "0000000000017")]),
            requested_cursor="c1",
            now=now,
        )

    # Storing it would claim a position in the feed whose earlier pages the fresh file lacks.
    assert running_cache.cursor() == ""
    assert running_cache.product("SKU-2") is None


# -- one damaged row ----------------------------------------------------------------------------


def _damage(path: Path, statement: str) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute(statement)
        assert raw.execute("PRAGMA quick_check").fetchone()[0] == "ok"  # invisible to the file check
    raw.close()


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE customer_profiles SET data = substr(data, 1, 40)",  # cut short
        "UPDATE customer_profiles SET data = '{\"hello\": 1}'",  # valid JSON, wrong shape
        "UPDATE customer_profiles SET data = 42",  # not text at all
        "UPDATE customer_profiles SET as_of = 'yesterday-ish'",
        "UPDATE customer_profiles SET as_of = '2026-03-02T10:30:00'",  # a time without a zone
    ],
    ids=["truncated-json", "wrong-shape", "not-text", "bad-time", "naive-time"],
)
def test_a_damaged_profile_row_is_dropped_and_read_as_a_miss(
    cache: LocalCache, make_profile: Any, now: datetime, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    cache.store_profile(make_profile(7), now=now)
    cache.store_profile(make_profile(8), now=now)
    _damage(cache.path, f"{damage} WHERE customer_id = 7")

    assert cache.profile(7, now=now) is None

    with sqlite3.connect(cache.path) as raw:
        assert raw.execute("SELECT customer_id FROM customer_profiles").fetchall() == [(8,)]
    raw.close()
    assert cache.profile(8, now=now) is not None  # the rest of the cache is untouched
    assert cache.rebuilt_reason == "missing"  # as when it was made: the file was not rebuilt
    assert "Test Customer" not in caplog.text and "hello" not in caplog.text


#: How each table's row is broken (a JSON row: its text cut short; a stock count: its time).
_BROKEN = {"stock": "as_of = 'not a time'"}


@pytest.mark.parametrize(
    ("table", "read"),
    [
        ("products", lambda cache, now: cache.product("SKU-1")),
        ("stock", lambda cache, now: cache.stock_here("SKU-1")),
        ("pickups", lambda cache, now: cache.pickup("W000002")),
        ("pickups", lambda cache, now: cache.open_pickups() or None),
        ("customer_recommendations", lambda cache, now: cache.recommendations(7, now=now)),
    ],
    ids=["product", "stock", "pickup", "open-pickups", "suggestions"],
)
def test_other_damaged_rows_are_dropped_too(
    cache: LocalCache,
    signing_key: Ed25519PrivateKey,
    make_profile: Any,
    make_pickup: Any,
    now: datetime,
    table: str,
    read: Callable[[LocalCache, datetime], object],
) -> None:
    _fill(cache, signing_key, make_profile, make_pickup, now)
    _damage(cache.path, f"UPDATE {table} SET " + _BROKEN.get(table, "data = '{\"broken\": '"))

    assert read(cache, now) is None

    with sqlite3.connect(cache.path) as raw:
        assert raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    raw.close()


@pytest.mark.anyio
async def test_a_damaged_profile_is_fetched_again_from_the_hub(
    trusted_cache: LocalCache, codes: Any, resolver: Any, now: datetime
) -> None:
    hub = resolver
    identify = IdentifyCustomer(hub, trusted_cache, trusted_cache.verification_keys, clock=lambda: now)
    await identify.identify_by_token(codes.loyalty(7), store_id=1)
    _damage(trusted_cache.path, "UPDATE customer_profiles SET data = '{' WHERE customer_id = 7")

    assert identify.cached_customer(codes.loyalty(7)) is None  # a miss, not a validation error
    found = await identify.identify_by_token(codes.loyalty(7), store_id=1)

    assert found.source == "online"
    assert trusted_cache.profile(7, now=now) is not None  # kept again, whole


# -- a file that is not our cache ---------------------------------------------------------------


def _foreign_database(path: Path, *, application_id: int = 0) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE recipes (name TEXT, steps TEXT)")
        raw.execute("INSERT INTO recipes VALUES ('bread', 'knead')")
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        raw.execute(f"PRAGMA application_id = {application_id}")
    raw.close()
    return path.read_bytes()


@pytest.mark.parametrize("application_id", [0, 0x1234_5678], ids=["unmarked", "another-app"])
def test_a_foreign_database_at_the_right_version_is_set_aside_not_deleted(
    folder: Path, application_id: int
) -> None:
    path = folder / "cache.sqlite"
    original = _foreign_database(path, application_id=application_id)

    cache = LocalCache(path)
    try:
        assert cache.rebuilt_reason == "foreign"
        assert cache.set_aside_path is not None
        assert cache.set_aside_path.name.startswith("cache.sqlite.foreign-")
        assert cache.set_aside_path.read_bytes() == original  # moved, not opened for writing
        assert cache.cursor() == ""
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        raw.close()
    finally:
        cache.close()


def test_a_foreign_database_written_over_the_open_cache_is_set_aside_too(running_cache: LocalCache) -> None:
    path = running_cache.path
    original = _foreign_database(path.with_name("elsewhere.sqlite"))
    path.write_bytes(original)

    assert running_cache.cursor() == ""  # the cache's own tables are gone: made fresh

    assert running_cache.rebuilt_reason == "foreign"
    assert running_cache.set_aside_path is not None
    with sqlite3.connect(running_cache.set_aside_path) as raw:
        assert raw.execute("SELECT name FROM recipes").fetchall() == [("bread",)]
    raw.close()


def test_a_cache_from_before_the_mark_is_ours_and_simply_replaced(
    folder: Path, make_profile: Any, now
) -> None:
    path = folder / "cache.sqlite"
    folder.mkdir()
    old = LocalCache(path)
    old.store_profile(make_profile(7), now=now)
    old.close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA application_id = 0")  # as every cache was before this build
        raw.execute("PRAGMA user_version = 2")  # the last schema before the mark
    raw.close()

    cache = LocalCache(path)
    try:
        assert cache.rebuilt_reason == "schema"
        assert cache.set_aside_path is None
        assert not list(folder.glob("*.foreign-*"))  # its customers are not left lying about
        assert cache.profile(7, now=now) is None
    finally:
        cache.close()


def test_our_own_cache_is_reopened_with_its_data(folder: Path, make_profile: Any, now: datetime) -> None:
    folder.mkdir()
    first = LocalCache(folder / "cache.sqlite")
    first.store_profile(make_profile(7), now=now)
    first.close()

    again = LocalCache(folder / "cache.sqlite")
    try:
        assert again.rebuilt_reason is None
        assert again.profile(7, now=now) is not None
    finally:
        again.close()


# -- a folder where the file belongs ------------------------------------------------------------


def test_a_folder_where_the_cache_belongs_is_reported_with_its_path_and_cause(folder: Path) -> None:
    path = folder / "cache.sqlite"
    path.mkdir(parents=True)
    (path / "holiday.jpg").write_bytes(b"someone's photo")

    with pytest.raises(StorageLocationUnusable) as refused:
        LocalCache(path)

    assert isinstance(refused.value, LocalStoreError)  # the start-up page shows its user_message
    assert str(path) in refused.value.user_message
    assert "folder" in refused.value.user_message
    assert refused.value.path == path
    assert (path / "holiday.jpg").read_bytes() == b"someone's photo"  # nothing of it removed


def test_a_file_where_the_data_folder_belongs_is_reported_too(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder")

    with pytest.raises(StorageLocationUnusable) as refused:
        LocalCache(tmp_path / "data" / "cache.sqlite")

    assert str(tmp_path / "data") in refused.value.user_message
    assert "is a file, not a folder" in refused.value.user_message


# -- the scan in hand, and the refill -------------------------------------------------------------


@pytest.fixture
def overwritten(running_cache: LocalCache) -> LocalCache:
    _overwrite_with_garbage(running_cache.path)
    return running_cache


@pytest.mark.anyio
async def test_a_scan_on_an_overwritten_cache_is_answered_by_the_hub_when_online(
    overwritten: LocalCache, codes: Any, resolver: Any, now: datetime
) -> None:
    rebuilds = Rebuilds(overwritten)
    identify = IdentifyCustomer(resolver, overwritten, overwritten.verification_keys, clock=lambda: now)

    assert identify.cached_customer(codes.loyalty(7)) is None  # the early look: nothing, no traceback
    found = await identify.identify_by_token(codes.loyalty(7), store_id=1)

    assert (found.source, found.profile.customer.id) == ("online", 7)
    assert rebuilds.count == 1
    assert overwritten.profile(7, now=now) is not None  # kept in the fresh cache


@pytest.mark.anyio
async def test_a_scan_on_an_overwritten_cache_while_offline_says_the_customer_is_not_saved_here(
    overwritten: LocalCache, codes: Any, resolver: Any, now: datetime
) -> None:
    hub = resolver
    hub.failure = HubUnreachable()
    identify = IdentifyCustomer(hub, overwritten, overwritten.verification_keys, clock=lambda: now)

    assert identify.cached_customer(codes.loyalty(7)) is None
    with pytest.raises(CustomerNotCached) as answered:
        await identify.identify_by_token(codes.loyalty(7), store_id=1)

    assert "not saved on this device" in answered.value.user_message


class FeedHub:
    """The hub's change feed and keys, with a hook run before each page is handed over."""

    def __init__(self, signing_key: Ed25519PrivateKey) -> None:
        self.keys = PublicKeys(keys={KEY_ID: public_key_to_text(signing_key.public_key())})
        self.pages = {
            "": ChangeFeed(cursor="s1", has_more=True, products=[_product()]),
            "s1": ChangeFeed(cursor="d1", has_more=False, revoked=[RevokedCard(customer_id=7, serial=2)]),
            "c1": ChangeFeed(cursor="d1", has_more=False),
            "d1": ChangeFeed(cursor="d1", has_more=False),
        }
        self.cursors_asked: list[str] = []
        self.before_page: Callable[[str], None] = lambda _cursor: None

    async def push_commands(self, batch: Any) -> Any:
        raise AssertionError("nothing to push in these tests")

    async def changes(self, store_id: int, cursor: str, limit: int = 500) -> ChangeFeed:
        self.cursors_asked.append(cursor)
        self.before_page(cursor)
        return self.pages[cursor]

    async def public_keys(self) -> PublicKeys:
        return self.keys


@pytest.mark.anyio
async def test_the_next_sync_refills_a_repaired_cache_from_a_snapshot(
    overwritten: LocalCache, folder: Path, signing_key: Ed25519PrivateKey, now: datetime
) -> None:
    outbox = Outbox(folder / "outbox.sqlite")
    hub = FeedHub(signing_key)
    engine = SyncEngine(hub, outbox, overwritten, store_id=1, clock=lambda: now)
    try:
        await engine.sync_now()
    finally:
        outbox.close()

    assert hub.cursors_asked == ["", "s1"]  # the damaged file's cursor ("c1") is gone with it
    assert overwritten.product("SKU-1") is not None
    assert overwritten.is_revoked(7, 2)
    assert list(overwritten.verification_keys()) == [KEY_ID]


@pytest.mark.anyio
async def test_a_repair_in_the_middle_of_a_pull_starts_the_pull_again_from_a_snapshot(
    cache: LocalCache, folder: Path, signing_key: Ed25519PrivateKey, now: datetime
) -> None:
    hub = FeedHub(signing_key)
    repairs: list[str] = []

    def damaged_during_the_pull(cursor: str) -> None:
        # The associate's scan finds the file damaged between two pages of a snapshot.
        if cursor == "s1" and not repairs:
            repairs.append(cursor)
            cache.rebuild("unreadable")

    hub.before_page = damaged_during_the_pull
    folder.mkdir()
    outbox = Outbox(folder / "outbox.sqlite")
    engine = SyncEngine(hub, outbox, cache, store_id=1, clock=lambda: now)
    try:
        await engine.sync_now()
    finally:
        outbox.close()

    assert hub.cursors_asked == ["", "s1", "", "s1"]
    assert cache.product("SKU-1") is not None  # the first page again, not a gap
    assert cache.cursor() == "d1"


@pytest.mark.anyio
async def test_a_repair_between_rounds_starts_the_refill_at_once(
    cache: LocalCache, folder: Path, signing_key: Ed25519PrivateKey, now: datetime
) -> None:
    hub = FeedHub(signing_key)
    folder.mkdir()
    outbox = Outbox(folder / "outbox.sqlite")
    engine = SyncEngine(hub, outbox, cache, store_id=1, interval_s=3600, clock=lambda: now)
    first_round, refilled = asyncio.Event(), asyncio.Event()

    def round_done(_at: object) -> None:
        (refilled if first_round.is_set() else first_round).set()

    engine.synced_at.connect(round_done)
    engine.start()
    try:
        await first_round.wait()
        cache.rebuild("unreadable")  # what a scan's read does when it meets a damaged file
        async with asyncio.timeout(10):  # far less than the hour-long interval
            await refilled.wait()
    finally:
        await engine.aclose()
        outbox.close()

    assert hub.cursors_asked == ["", "s1", "", "s1"]
    assert cache.product("SKU-1") is not None
