"""The hub's handle on its database: one engine per app, read sessions and serialised write sessions.

SQLite (the default) allows one writer at a time. Rather than let request threads collide on the
file lock and sleep in SQLite's busy handler, writes inside one process take a lock and start
with ``BEGIN IMMEDIATE``, so a write transaction never upgrades from a read snapshot (which SQLite
would refuse with "database is locked"). Several processes still share the file through
``busy_timeout``. PostgreSQL needs none of this: reads and writes are ordinary transactions.

The pysqlite driver's own transaction handling breaks SAVEPOINT, so the write engine turns it off
and emits ``BEGIN IMMEDIATE`` itself (the recipe from the SQLAlchemy SQLite dialect notes).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from storeassist.hub.db.session import make_engine, make_sessionmaker, normalise_url


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones. Always aware UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class HubDatabase:
    """Engines, sessions and the write discipline for one hub app (no module-level state)."""

    def __init__(self, db_url: str, *, pool_size: int = 8) -> None:
        self.url = normalise_url(db_url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            self.read_engine = make_engine(db_url, pool_size=pool_size, max_overflow=32)
            self.write_engine = make_engine(db_url, pool_size=2, max_overflow=8)
            _begin_immediate(self.write_engine)
            # Commands are acknowledged to devices, which then forget them: their commits reach
            # the disk before the answer does (WAL with synchronous=FULL). Audit rows and other
            # writes keep NORMAL, which in WAL mode never corrupts but may lose the last commits
            # in a power cut.
            self.durable_engine = make_engine(db_url, pool_size=1, max_overflow=4)
            _begin_immediate(self.durable_engine)
            _full_sync(self.durable_engine)
        else:
            self.read_engine = make_engine(db_url, pool_size=pool_size, max_overflow=16)
            self.write_engine = self.durable_engine = self.read_engine
        self._read_sessions = make_sessionmaker(self.read_engine)
        self._write_sessions: sessionmaker[Session] = make_sessionmaker(self.write_engine)
        self._durable_sessions: sessionmaker[Session] = make_sessionmaker(self.durable_engine)
        # Serialises SQLite writers of this process; PostgreSQL writers run in parallel.
        self._write_lock = threading.Lock() if self.is_sqlite else None

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries; nothing it does is committed."""
        session = self._read_sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def reading_statements(self) -> Iterator[Connection]:
        """As :meth:`reading` on a bare connection, for prebuilt Core statements only
        (``wire.fetch_prepared``, ``wire.run_prepared``): opening and closing an ORM session
        costs a profile view more than several of its queries."""
        with self.read_engine.connect() as connection:
            yield connection

    @contextmanager
    def writing(self, *, durable: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back on any error.

        ``durable``: the commit is on disk when the block ends, even on SQLite (for writes
        acknowledged to a device, such as commands)."""
        lock = self._write_lock
        if lock is not None:
            lock.acquire()
        sessions = self._durable_sessions if durable else self._write_sessions
        try:
            with sessions() as session, session.begin():
                yield session
        finally:
            if lock is not None:
                lock.release()

    @contextmanager
    def writing_statements(self) -> Iterator[Connection]:
        """As :meth:`writing` (same lock, same ``BEGIN IMMEDIATE``) on a bare connection, for
        prebuilt Core statements only: no ORM session to set up and tear down, which cost more
        than the insert itself for a transaction that writes one audit row."""
        with self._statements(wait=True) as connection:
            assert connection is not None  # a waiting writer always gets the writer
            yield connection

    @contextmanager
    def writing_statements_if_free(self) -> Iterator[Connection | None]:
        """As :meth:`writing_statements`, but if another write of this process holds the writer,
        yield ``None`` at once instead of waiting (the caller writes later; ``audit_writer``)."""
        with self._statements(wait=False) as connection:
            yield connection

    @contextmanager
    def _statements(self, *, wait: bool) -> Iterator[Connection | None]:
        lock = self._write_lock
        if lock is not None and not lock.acquire(blocking=wait):
            yield None
            return
        try:
            with self.write_engine.begin() as connection:
                yield connection
        finally:
            if lock is not None:
                lock.release()

    def dispose(self) -> None:
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()
            self.durable_engine.dispose()


#: The PostgreSQL advisory lock that orders ``change_log`` writers (any constant of our own).
CHANGE_LOG_LOCK = 0x5A_C4A6_E106


def hold_change_log_order(on: Session | Connection) -> None:
    """Call first in a transaction that may write ``change_log``: on PostgreSQL, such transactions
    then run one at a time, so rows become visible in ``seq`` order and a device reading
    ``seq > cursor`` (or a kept pickup queue checking the newest ``seq``) never passes a change
    still being committed. SQLite has one writer already.

    Taken before any row lock, so two writers never wait on each other both ways; taking it again
    in the same transaction is harmless.
    """
    dialect = on.get_bind().dialect if isinstance(on, Session) else on.dialect
    if dialect.name == "postgresql":
        on.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHANGE_LOG_LOCK})


def _full_sync(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _synchronous_full(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA synchronous=FULL")


def _begin_immediate(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
