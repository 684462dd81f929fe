"""Opening a local SQLite file the same way every time: real transactions, pragmas, numbered migrations.

Both local files are written only by this process; SQLAlchemy's pool hands out long-lived
connections, so the pragmas set on connect hold for the life of the app.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text

log = logging.getLogger("storeassist.local")

#: One migration step: receives a connection inside the step's transaction.
Migration = Callable[[Connection], None]


class LocalStoreError(RuntimeError):
    """A local database problem caused by the environment (disk full, file unreadable), not a bug.

    ``user_message`` is written for the associate.
    """

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def open_engine(path: Path, *, durable: bool) -> Engine:
    """An engine for ``path`` with SQLite's own transaction handling replaced by explicit BEGINs.

    Python 3.11's sqlite3 does not BEGIN before DDL, so a migration would otherwise commit
    statement by statement; taking over BEGIN makes every ``engine.begin()`` block atomic.
    ``durable`` selects WAL with ``synchronous=FULL`` so a commit survives a power cut.
    """
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": 5.0},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def schema_version(connection: Connection) -> int:
    return int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())


def migrate(engine: Engine, migrations: Sequence[Migration], *, name: str) -> int:
    """Bring the file up to ``len(migrations)``, one step per transaction; return the old version.

    The version number moves inside the same transaction as the step, so a crash mid-way
    leaves the file at the last finished step, never between two.
    """
    with engine.connect() as connection:
        start = schema_version(connection)
    for number in range(start + 1, len(migrations) + 1):
        with engine.begin() as connection:
            migrations[number - 1](connection)
            connection.exec_driver_sql(f"PRAGMA user_version = {number}")
        log.info("%s schema migrated to version %d", name, number)
    return start


def stored_schema_version(path: Path) -> int:
    """The ``user_version`` in ``path`` (0 for a file not there yet), read without changing the file."""
    if not path.exists():
        return 0
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])
    finally:
        connection.close()


def quick_check_ok(path: Path) -> bool:
    """True when SQLite reads ``path`` as a healthy database (``PRAGMA quick_check``)."""
    try:
        connection = sqlite3.connect(path)
        try:
            rows = connection.execute("PRAGMA quick_check").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return False
    return rows == [("ok",)]


def delete_database_files(path: Path) -> None:
    """Remove a SQLite file together with its WAL and shared-memory companions."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def execute_script(connection: Connection, statements: str) -> None:
    """Run ``;``-separated DDL through the connection's open transaction."""
    for statement in statements.split(";"):
        if statement.strip():
            connection.execute(text(statement))
