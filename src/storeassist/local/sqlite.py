"""Opening a local SQLite file the same way every time: real transactions, pragmas, numbered migrations.

Both local files are written only by this process; SQLAlchemy's pool hands out long-lived
connections, so the pragmas set on connect hold for the life of the app.

Each file says whose it is with ``PRAGMA application_id``, stamped when the file is made:
:func:`read_identity` reads that mark (and the schema version and table names) without
changing the file, so a file that is not the one StoreAssist expects is recognised before it
is opened for writing.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
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


class StorageLocationUnusable(LocalStoreError):
    """The place where a local file belongs cannot hold it: a folder is in the way, the folder
    above is a file, or this user may not write there. Nothing StoreAssist can repair by itself,
    so ``user_message`` names the path and the cause for whoever fixes the tablet."""

    def __init__(self, user_message: str, *, path: Path, cause: str) -> None:
        super().__init__(user_message)
        self.path = path
        self.cause = cause


def location_unusable(path: Path, what: str, error: OSError | None = None) -> StorageLocationUnusable:
    """The typed error for ``path`` (holding ``what``, as the associate would call it), worded
    from what is actually there, or from ``error`` when the file system refused."""
    if path.is_dir():
        cause = "a folder with that name is in the way"
        fix = "Move or rename that folder (or ask IT to), then restart StoreAssist."
    elif path.exists() and not path.is_file():
        cause = "something that is not a file is in the way"
        fix = "Ask IT to remove it, then restart StoreAssist."
    elif path.parent.exists() and not path.parent.is_dir():
        cause = f"{path.parent} is a file, not a folder"
        fix = "Move or rename that file (or ask IT to), then restart StoreAssist."
    elif error is not None and error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        cause = "this tablet's user account may not write there"
        fix = "Ask IT to check that folder's permissions, then restart StoreAssist."
    else:
        cause = error.strerror if error is not None and error.strerror else "the file cannot be made there"
        fix = "Check free disk space, then restart StoreAssist; if it keeps happening, tell IT."
    return StorageLocationUnusable(
        f"StoreAssist cannot keep {what} at {path}: {cause}. {fix}", path=path, cause=cause
    )


@dataclass(frozen=True, slots=True)
class DatabaseIdentity:
    """Who a SQLite file says it belongs to, and what is in it, read without changing it."""

    application_id: int
    user_version: int
    tables: frozenset[str]


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


def read_identity(path: Path, what: str) -> DatabaseIdentity | None:
    """``path``'s application id, schema version and tables; None when there is no file yet.

    Opened read-only, so a file that turns out not to be ours is left exactly as found. Raises
    :class:`StorageLocationUnusable` when something other than a file is at ``path``, and
    ``sqlite3.DatabaseError`` when the file is not a readable SQLite database.
    """
    if not path.exists():
        return None
    if not path.is_file():
        raise location_unusable(path, what)
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        application_id = int(connection.execute("PRAGMA application_id").fetchone()[0])
        user_version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        tables = frozenset(
            row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        )
    finally:
        connection.close()
    return DatabaseIdentity(application_id, user_version, tables)


def create_database_file(path: Path, application_id: int) -> None:
    """Make an empty database at ``path`` that carries ``application_id``.

    The mark is written before :func:`open_engine` switches the file to WAL, so it sits in the
    main file itself: a crash before the first checkpoint cannot leave a file without it.
    """
    connection = sqlite3.connect(path)
    try:
        connection.execute(f"PRAGMA application_id = {int(application_id)}")
        connection.commit()
    finally:
        connection.close()


def set_aside(path: Path, label: str) -> Path:
    """Rename ``path`` (and any journal beside it) to ``<name>.<label>-<UTC time>``; return the new path.

    For a file that is not ours: it is moved out of the way, never deleted or opened for writing.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{label}-{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.{label}-{stamp}-{number}")
    path.rename(target)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    return target


def sqlite_error_code(error: BaseException) -> int | None:
    """SQLite's primary result code behind ``error`` (itself or SQLAlchemy's wrapper), if any."""
    original = getattr(error, "orig", None) or error
    code = getattr(original, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def sqlite_error_name(error: BaseException) -> str:
    """A name for ``error`` fit for a log: SQLite's code name, never the message (which may quote data)."""
    original = getattr(error, "orig", None) or error
    return str(getattr(original, "sqlite_errorname", None) or type(original).__name__)


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
