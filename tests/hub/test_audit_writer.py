"""The counter's audit rows never wait behind a sync's long write, and are never dropped."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from storeassist.hub.services.access import CallingDevice
from storeassist.hub.services.audit_writer import AuditWriter
from storeassist.hub.services.database import HubDatabase
from storeassist.hub.services.staff_sessions import StaffCaller

STAFF = StaffCaller(
    CallingDevice(1, 1, "tablet"),
    staff_id=3,
    role="associate",
    token_hash="x" * 64,
    last_seen_at=datetime.now(UTC),
)


def _audited(query_db: Any, db_url: str) -> list[tuple[Any, ...]]:
    return query_db(db_url, "SELECT staff_id, subject FROM audit WHERE action = 'profile.view' ORDER BY id")


def test_a_view_is_audited_at_once_when_the_writer_is_free(seeded_db_url: str, query_db: Any) -> None:
    db = HubDatabase(seeded_db_url)
    writer = AuditWriter(db)
    try:
        writer.record(STAFF, action="profile.view", subject="customer:7")
        assert writer.pending() == 0
        assert _audited(query_db, seeded_db_url) == [(3, "customer:7")]
    finally:
        writer.close()
        db.dispose()


@pytest.mark.sqlite_only("SQLite's one writer; PostgreSQL writes side by side")
def test_a_view_during_a_long_write_answers_at_once_and_is_audited_right_after(
    seeded_db_url: str, query_db: Any
) -> None:
    db = HubDatabase(seeded_db_url)
    writer = AuditWriter(db)
    release, holding = threading.Event(), threading.Event()

    def long_write() -> None:  # a sync's chunk of commands holding the one writer
        with db.writing(durable=True):
            holding.set()
            release.wait(timeout=30)

    sync = threading.Thread(target=long_write)
    sync.start()
    try:
        assert holding.wait(timeout=30)
        # It returns without the writer (else this line would wait for the long write forever); the
        # writer's thread may already have taken the row and be waiting for the lock, so whether it
        # still counts as pending is a race: only that nothing is written yet is certain.
        writer.record(STAFF, action="profile.view", subject="customer:8")
        assert _audited(query_db, seeded_db_url) == []
        release.set()
        sync.join(timeout=30)
        deadline = time.monotonic() + 30
        while writer.pending() or not _audited(query_db, seeded_db_url):
            assert time.monotonic() < deadline, "the queued audit row was never written"
            holding.wait(0.01)  # poll the database the writer thread writes to
        assert _audited(query_db, seeded_db_url) == [(3, "customer:8")]
    finally:
        release.set()
        writer.close()
        db.dispose()


@pytest.mark.sqlite_only("holds the SQLite writer lock")
def test_closing_writes_what_is_still_queued(seeded_db_url: str, query_db: Any) -> None:
    db = HubDatabase(seeded_db_url)
    writer = AuditWriter(db)
    lock = db._write_lock
    assert lock is not None
    with lock:  # the writer is busy the whole time the view is recorded
        writer.record(STAFF, action="profile.view", subject="customer:9")
    writer.close()
    db.dispose()
    assert _audited(query_db, seeded_db_url) == [(3, "customer:9")]
