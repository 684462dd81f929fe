"""The ``cache.sqlite`` file itself: opening it, knowing it for ours, and making it fresh.

:class:`CacheFile` owns the engine. When it opens the file, a file that is missing, unreadable,
corrupt (``PRAGMA quick_check``) or at a schema version this build does not know is deleted
and made fresh. While the app runs, a read or write that meets a damaged file
(``DatabaseError``: the file overwritten, a bad sector) makes it fresh there and then and tells
the listeners; one failure makes one fresh file, never a loop. A single row that does not hold
what it should (damaged JSON, the wrong shape) is dropped (:meth:`CacheFile.parse`), not the file.

The file carries StoreAssist's ``PRAGMA application_id``. A SQLite file without it where the
cache belongs (even at the right ``user_version``) is someone else's: it is set aside, renamed
``cache.sqlite.foreign-<time>``, never deleted and never opened for writing, and a fresh cache
is made. The one exception is a cache written by a build from before the mark, recognised by
its tables, which is ours and is simply replaced. A folder where the file belongs is reported
as :class:`~storeassist.local.sqlite.StorageLocationUnusable`, naming the path.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DatabaseError

from storeassist.local.cache_schema import OUR_TABLES, SCHEMA_VERSION, Base
from storeassist.local.sqlite import (
    DatabaseIdentity,
    LocalStoreError,
    create_database_file,
    delete_database_files,
    location_unusable,
    open_engine,
    quick_check_ok,
    read_identity,
    schema_version,
    set_aside,
    sqlite_error_code,
    sqlite_error_name,
)

log = logging.getLogger("storeassist.local")

#: ``PRAGMA application_id`` of StoreAssist's cache ("SAca"): a file without it is not our cache.
APPLICATION_ID = 0x53416361
#: What a failed read tells the associate (and what a write says when nothing better fits).
READ_FAILED = "The store data on this device could not be read just now. Try again in a moment."
#: How the associate hears of the cache: it holds the store's data, not "a database".
_WHAT = "this tablet's store data"
#: SQLite result codes that say the device is short of something (a lock, memory, disk space),
#: not that the file is damaged: making the file fresh would not help, so they are reported.
_ENVIRONMENT_CODES = frozenset(
    {
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_NOMEM,
        sqlite3.SQLITE_INTERRUPT,
        sqlite3.SQLITE_FULL,
    }
)
_DATABASE_ERRORS = (DatabaseError, sqlite3.DatabaseError)
_T = TypeVar("_T")
_M = TypeVar("_M", bound=BaseModel)

#: What is found where the cache belongs.
_Found = Literal["missing", "unreadable", "ours", "previous_build", "foreign"]


class CacheFile:
    """The open cache file and its repair (of the file, or of one damaged row); held by
    :class:`~storeassist.local.cache.LocalCache`.

    Used from the GUI thread and from a worker thread; a lock and a generation count make sure
    concurrent failures of the same file lead to one fresh file, not one each.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        #: Why the file was last made fresh ("missing", "corrupt", "schema", "foreign",
        #: "unreadable" while running), else None.
        self.rebuilt_reason: str | None = None
        #: Where a file that was not StoreAssist's cache was moved to, if one was found in its place.
        self.set_aside_path: Path | None = None
        self._rebuild_listeners: list[Callable[[], None]] = []
        self._rebuild_lock = threading.Lock()
        #: Counts fresh files made while running; an operation that failed on an older one does
        #: not make another.
        self._generation = 0
        self._engine = self._open()

    def close(self) -> None:
        self._engine.dispose()

    def add_rebuild_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after the file was made fresh while running (from the thread that
        found the damage), so the sync engine can refill it without waiting for its next round."""
        self._rebuild_listeners.append(listener)

    def rebuild(self, reason: str) -> None:
        """Throw the file away and start empty; the next sync pulls a snapshot."""
        with self._rebuild_lock:
            self._make_fresh(reason)
        self._notify_rebuilt()

    def read(self, what: str, work: Callable[[Connection], _T], *, miss: _T) -> _T:
        """``work`` on a connection; on a damaged file, a fresh one and ``miss`` (what it would answer)."""
        generation, engine = self._generation, self._engine
        try:
            with engine.connect() as connection:
                return work(connection)
        except _DATABASE_ERRORS as exc:
            self._recover(exc, generation, what, READ_FAILED)
        return miss

    def write(self, what: str, work: Callable[[Connection], _T], *, user_message: str) -> _T:
        """``work`` in one transaction; on a damaged file, once more on a fresh one, then give up."""
        generation, engine = self._generation, self._engine
        try:
            with engine.begin() as connection:
                return work(connection)
        except _DATABASE_ERRORS as exc:
            self._recover(exc, generation, what, user_message)
        try:
            with self._engine.begin() as connection:
                return work(connection)
        except _DATABASE_ERRORS as exc:
            if _is_a_bug(exc):
                raise
            log.warning("cache %s failed again on a fresh file (%s)", what, sqlite_error_name(exc))
            raise LocalStoreError(user_message) from exc

    def parse(
        self, model: type[_M], data: object, what: str, drop: Callable[[Connection], object]
    ) -> _M | None:
        """``data`` (a row's JSON) as ``model``, or None after dropping the damaged row with ``drop``."""
        try:
            if not isinstance(data, str | bytes):
                raise TypeError("not JSON text")
            return model.model_validate_json(data)
        except (ValueError, TypeError):
            # The error text would quote the row (personal data): only say which kind of row.
            self.drop_damaged(what, drop)
            return None

    def drop_damaged(self, what: str, drop: Callable[[Connection], object]) -> None:
        """Remove a row that does not hold what it should (``drop``), so it reads as a miss."""
        log.warning("a cached %s was damaged; dropping it", what)
        # A failed drop is logged in write; the row is still not served, and is replaced when
        # the hub's copy is stored.
        with contextlib.suppress(LocalStoreError):
            self.write(f"drop of a damaged {what}", drop, user_message=READ_FAILED)

    # -- opening and repairing ------------------------------------------------------------------

    def _open(self) -> Engine:
        found = _inspect(self.path)
        if found == "missing":
            self.rebuilt_reason = "missing"
            return self._create()
        if found == "foreign":
            return self._replace("foreign")
        if found == "previous_build":
            return self._replace("schema")
        if found == "unreadable" or not quick_check_ok(self.path):
            return self._replace("corrupt")
        engine = open_engine(self.path, durable=False)
        try:
            with engine.connect() as connection:
                version = schema_version(connection)
        except DatabaseError:
            engine.dispose()
            return self._replace("corrupt")
        if version != SCHEMA_VERSION:
            engine.dispose()
            return self._replace("schema")
        return engine

    def _replace(self, reason: str, why: str | None = None) -> Engine:
        """Move what is at the path out of the way (aside if not ours, else deleted); make a fresh file."""
        if _inspect(self.path) == "foreign":
            try:
                self.set_aside_path = set_aside(self.path, "foreign")
            except OSError as exc:
                raise location_unusable(self.path, _WHAT, exc) from exc
            reason = "foreign"
            log.warning(
                "the file where the cache belongs is not StoreAssist's cache; moved it to %s",
                self.set_aside_path.name,
            )
        else:
            log.warning("cache file is unusable (%s); making a fresh one", why or reason)
            try:
                delete_database_files(self.path)
            except OSError as exc:
                raise location_unusable(self.path, _WHAT, exc) from exc
        self.rebuilt_reason = reason
        return self._create()

    def _create(self) -> Engine:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            create_database_file(self.path, APPLICATION_ID)
        except (OSError, sqlite3.Error) as exc:
            raise location_unusable(self.path, _WHAT, exc if isinstance(exc, OSError) else None) from exc
        engine = open_engine(self.path, durable=False)
        try:
            with engine.begin() as connection:
                Base.metadata.create_all(connection)
                connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except DatabaseError as exc:
            engine.dispose()
            raise LocalStoreError(
                f"StoreAssist cannot write {_WHAT} at {self.path}. "
                "Check free disk space, then restart StoreAssist."
            ) from exc
        return engine

    def _make_fresh(self, reason: str, why: str | None = None) -> None:
        """With the rebuild lock held: replace the open file with a fresh one."""
        self._engine.dispose()
        self._engine = self._replace(reason, why)
        self._generation += 1

    def _recover(self, error: Exception, generation: int, what: str, user_message: str) -> None:
        """After ``error`` from ``what`` on the file of ``generation``: make the file fresh once, or
        raise a ``LocalStoreError`` when a fresh file would not help (short of disk, locked)."""
        if _is_a_bug(error):
            raise error  # a fresh file would only hide it
        name = sqlite_error_name(error)
        if sqlite_error_code(error) in _ENVIRONMENT_CODES:
            log.warning("cache %s failed (%s); the file is kept", what, name)
            raise LocalStoreError(user_message) from error
        with self._rebuild_lock:
            if generation != self._generation:
                return  # another caller met the same damage and has already made a fresh file
            self._make_fresh("unreadable", f"{what} failed with {name}; the next sync refills it")
        self._notify_rebuilt()

    def _notify_rebuilt(self) -> None:
        for listener in self._rebuild_listeners:
            try:
                listener()
            except Exception:
                log.exception("cache rebuild listener failed")


def _is_a_bug(error: Exception) -> bool:
    """Our own statement is wrong (a constraint it breaks, a misuse of the driver), not the file."""
    return isinstance(getattr(error, "orig", error), sqlite3.IntegrityError | sqlite3.ProgrammingError)


def _inspect(path: Path) -> _Found:
    """What is at ``path``, read without changing it. Raises ``StorageLocationUnusable`` for a folder."""
    try:
        identity = read_identity(path, _WHAT)
    except sqlite3.DatabaseError:
        return "unreadable"
    if identity is None:
        return "missing"
    if identity.application_id == APPLICATION_ID:
        return "ours"
    return "previous_build" if _from_a_build_before_the_mark(identity) else "foreign"


def _from_a_build_before_the_mark(identity: DatabaseIdentity) -> bool:
    """A cache written before caches carried an application id (schema 1 or 2, our tables only).

    Ours, holding personal data: replaced like any outdated cache rather than left behind."""
    return (
        identity.application_id == 0
        and identity.user_version in (1, 2)
        and {"customer_profiles", "sync_state"} <= identity.tables <= OUR_TABLES
    )
