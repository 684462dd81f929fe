"""``cache.sqlite``: this store's replica of hub data, good for answering while offline.

Disposable by design: when the file is missing, unreadable, corrupt (``PRAGMA quick_check``)
or at a schema version this build does not know, it is deleted and made fresh, and the next
sync pulls a snapshot. That is why the cache has no migrations: a new schema means a new
empty cache.

The same holds while the app runs: a read that meets a damaged file (``DatabaseError``: the
file overwritten, a bad sector) makes the file fresh there and then, answers as the empty
cache would (a miss), and tells the listeners, so the sync engine refills it; a write is tried
once more on the fresh file. One failure makes one fresh file, never a loop. A single row
that does not hold what it should (damaged JSON, the wrong shape) is dropped and read as a
miss, so the hub is asked again.

The file carries StoreAssist's ``PRAGMA application_id``. A SQLite file without it where the
cache belongs (even at the right ``user_version``) is someone else's: it is set aside, renamed
``cache.sqlite.foreign-<time>``, never deleted and never opened for writing, and a fresh cache
is made. The one exception is a cache written by a build from before the mark, recognised by
its tables, which is ours and is simply replaced. A folder where the file belongs is reported
as :class:`~storeassist.local.sqlite.StorageLocationUnusable`, naming the path.

Personal data is kept only as long as it is useful: each customer profile carries the time
the hub made it (``as_of``) and an expiry (30 days by default), after which it is not served
and is purged.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal, TypeVar, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Connection, Engine, Integer, Table, Text, delete, select, update
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storeassist.contract import (
    ChangeFeed,
    CustomerProfile,
    Order,
    Product,
    PublicKeys,
    RecommendationList,
    StockLevel,
)
from storeassist.domain.tokens import TokenError, public_key_from_text
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

SCHEMA_VERSION = 2  # 2: recommendations kept beside profiles
#: ``PRAGMA application_id`` of StoreAssist's cache ("SAca"): a file without it is not our cache.
APPLICATION_ID = 0x53416361
DEFAULT_PERSONAL_DATA_TTL = timedelta(days=30)
OPEN_PICKUP_STATES = ("placed", "picking", "ready", "partially_collected")
_CURSOR_KEY = "changes_cursor"
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
_READ_FAILED = "The store data on this device could not be read just now. Try again in a moment."
_T = TypeVar("_T")
_M = TypeVar("_M", bound=BaseModel)


class _Base(DeclarativeBase):
    pass


class ProductRow(_Base):
    __tablename__ = "products"
    sku: Mapped[str] = mapped_column(Text, primary_key=True)
    gtin: Mapped[str] = mapped_column(Text, index=True)
    data: Mapped[str] = mapped_column(Text)


class StockRow(_Base):
    """Stock at this store only; other stores are asked for online."""

    __tablename__ = "stock"
    sku: Mapped[str] = mapped_column(Text, primary_key=True)
    data: Mapped[str] = mapped_column(Text)


class PickupRow(_Base):
    __tablename__ = "pickups"
    order_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(Text, index=True)
    pickup_state: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[str] = mapped_column(Text)


class CustomerProfileRow(_Base):
    __tablename__ = "customer_profiles"
    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    as_of: Mapped[str] = mapped_column(Text)
    #: UNIX seconds, so expiry is an integer comparison in SQL.
    expires_at: Mapped[int] = mapped_column(Integer, index=True)


class RecommendationsRow(_Base):
    """What the hub last suggested for a customer at this store: personal data, expiring with the profile."""

    __tablename__ = "customer_recommendations"
    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[int] = mapped_column(Integer, index=True)


class SyncStateRow(_Base):
    __tablename__ = "sync_state"
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PublicKeyRow(_Base):
    __tablename__ = "public_keys"
    key_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(Text)


class RevokedCardRow(_Base):
    __tablename__ = "revoked_cards"
    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[int] = mapped_column(Integer, primary_key=True)


_products = cast(Table, ProductRow.__table__)
_stock = cast(Table, StockRow.__table__)
_pickups = cast(Table, PickupRow.__table__)
_profiles = cast(Table, CustomerProfileRow.__table__)
_recommendations = cast(Table, RecommendationsRow.__table__)
_sync_state = cast(Table, SyncStateRow.__table__)
_public_keys = cast(Table, PublicKeyRow.__table__)
_revoked = cast(Table, RevokedCardRow.__table__)
#: Tables a snapshot replaces wholesale. Profiles fetched online stay until they expire.
_SNAPSHOT_TABLES = (_products, _stock, _pickups, _revoked)


@dataclass(frozen=True, slots=True)
class CachedProfile:
    profile: CustomerProfile
    as_of: datetime
    expires_at: datetime


class CacheRebuilt(LocalStoreError):
    """The cache was made fresh while a change feed was being stored: pull again from a snapshot."""

    def __init__(self) -> None:
        super().__init__("The store data on this device was damaged and is being reloaded.")


#: What is found where the cache belongs.
_Found = Literal["missing", "unreadable", "ours", "previous_build", "foreign"]


class LocalCache:
    """The store's replica; every method is a short transaction on one long-lived engine.

    Methods are called from the GUI thread and, for :meth:`apply_feed`, from a worker thread; a
    lock and a generation count make sure concurrent failures of the same file lead to one
    fresh file, not one each.
    """

    def __init__(self, path: Path, *, personal_data_ttl: timedelta = DEFAULT_PERSONAL_DATA_TTL) -> None:
        self.path = path
        self.personal_data_ttl = personal_data_ttl
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
                _Base.metadata.create_all(connection)
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

    def _read(self, what: str, work: Callable[[Connection], _T], *, miss: _T) -> _T:
        """``work`` on a connection; on a damaged file, a fresh one and ``miss`` (what it would answer)."""
        generation, engine = self._generation, self._engine
        try:
            with engine.connect() as connection:
                return work(connection)
        except _DATABASE_ERRORS as exc:
            self._recover(exc, generation, what, _READ_FAILED)
        return miss

    def _write(self, what: str, work: Callable[[Connection], _T], *, user_message: str) -> _T:
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

    def _parse(
        self, model: type[_M], data: object, what: str, drop: Callable[[Connection], object]
    ) -> _M | None:
        """``data`` as ``model``, or None after dropping the damaged row with ``drop``."""
        try:
            if not isinstance(data, str | bytes):
                raise TypeError("not JSON text")
            return model.model_validate_json(data)
        except (ValueError, TypeError):
            # The error text would quote the row (personal data): only say which kind of row.
            self._drop_damaged(what, drop)
            return None

    def _drop_damaged(self, what: str, drop: Callable[[Connection], object]) -> None:
        log.warning("a cached %s was damaged; dropping it", what)
        # A failed drop is logged in _write; the row is still not served, and is replaced when
        # the hub's copy is stored.
        with contextlib.suppress(LocalStoreError):
            self._write(f"drop of a damaged {what}", drop, user_message=_READ_FAILED)

    # -- sync state -------------------------------------------------------------------------

    def cursor(self) -> str:
        """Where the change feed left off; "" asks the hub for a snapshot."""
        query = select(_sync_state.c.value).where(_sync_state.c.key == _CURSOR_KEY)
        value = self._read("cursor read", lambda c: c.execute(query).scalar_one_or_none(), miss=None)
        return value if isinstance(value, str) else ""

    def reset_cursor(self) -> None:
        self._write(
            "cursor reset",
            lambda c: c.execute(delete(_sync_state).where(_sync_state.c.key == _CURSOR_KEY)),
            user_message=_READ_FAILED,
        )

    def apply_feed(self, feed: ChangeFeed, *, requested_cursor: str, now: datetime) -> None:
        """Store one page of the change feed and its cursor in one transaction.

        The cursor moves only together with the data it covers, so a crash never skips changes.
        A page asked for with ``requested_cursor == ""`` starts a snapshot and replaces the
        replicated tables. Any other page is stored only on top of the cursor it was asked
        with: when the file was made fresh since (its cursor is "" again), :class:`CacheRebuilt`
        says to start again from a snapshot rather than leave a gap.
        """

        def store(connection: Connection) -> None:
            if requested_cursor == "":
                for table in _SNAPSHOT_TABLES:
                    connection.execute(delete(table))
            else:
                # First statement, and a write: the transaction holds the write lock from here on.
                moved = connection.execute(
                    update(_sync_state)
                    .where(_sync_state.c.key == _CURSOR_KEY, _sync_state.c.value == requested_cursor)
                    .values(value=feed.cursor)
                )
                if moved.rowcount != 1:
                    raise CacheRebuilt()
            if feed.products:
                connection.execute(
                    _products.insert().prefix_with("OR REPLACE"),
                    [{"sku": p.sku, "gtin": p.gtin, "data": p.model_dump_json()} for p in feed.products],
                )
            if feed.stock:
                connection.execute(
                    _stock.insert().prefix_with("OR REPLACE"),
                    [{"sku": sku, "data": level.model_dump_json()} for sku, level in feed.stock],
                )
            if feed.pickups:
                connection.execute(
                    _pickups.insert().prefix_with("OR REPLACE"),
                    [_pickup_row(order) for order in feed.pickups],
                )
            if feed.revoked:
                connection.execute(
                    _revoked.insert().prefix_with("OR IGNORE"),
                    [{"customer_id": r.customer_id, "serial": r.serial} for r in feed.revoked],
                )
            for profile in feed.customers:
                self._put_profile(connection, profile, now)
            connection.execute(
                _sync_state.insert().prefix_with("OR REPLACE"), {"key": _CURSOR_KEY, "value": feed.cursor}
            )

        self._write(
            "change feed write",
            store,
            user_message="The store data on this device could not be updated. Check free disk space.",
        )

    # -- trust ------------------------------------------------------------------------------

    def set_public_keys(self, keys: PublicKeys) -> None:
        def store(connection: Connection) -> None:
            connection.execute(delete(_public_keys))
            if keys.keys:
                connection.execute(
                    _public_keys.insert(), [{"key_id": k, "key": v} for k, v in keys.keys.items()]
                )

        self._write(
            "key write",
            store,
            user_message="The back office's keys could not be saved on this device. Check free disk space.",
        )

    def verification_keys(self) -> Mapping[int, Ed25519PublicKey]:
        """The hub's token keys by key id; a damaged key is skipped (tokens it signed read as unknown)."""
        query = select(_public_keys.c.key_id, _public_keys.c.key)
        no_rows: list[tuple[int, str]] = []
        rows = self._read("key read", lambda c: [(r[0], r[1]) for r in c.execute(query)], miss=no_rows)
        keys: dict[int, Ed25519PublicKey] = {}
        for key_id, text in rows:
            try:
                keys[key_id] = public_key_from_text(text)
            except (TokenError, TypeError):
                log.warning("cached public key %d is damaged; ignoring it", key_id)
        return keys

    def is_revoked(self, customer_id: int, serial: int) -> bool:
        query = select(_revoked.c.serial).where(
            _revoked.c.customer_id == customer_id, _revoked.c.serial == serial
        )
        return self._read("revocation read", lambda c: c.execute(query).first() is not None, miss=False)

    # -- catalogue, stock, pickups -----------------------------------------------------------

    def product(self, sku_or_gtin: str) -> Product | None:
        match = (_products.c.sku == sku_or_gtin) | (_products.c.gtin == sku_or_gtin)
        data = self._read(
            "product read",
            lambda c: c.execute(select(_products.c.data).where(match)).scalars().first(),
            miss=None,
        )
        if data is None:
            return None
        return self._parse(Product, data, "product", _delete_where(_products, match))

    def stock_here(self, sku: str) -> StockLevel | None:
        match = _stock.c.sku == sku
        data = self._read(
            "stock read",
            lambda c: c.execute(select(_stock.c.data).where(match)).scalar_one_or_none(),
            miss=None,
        )
        if data is None:
            return None
        return self._parse(StockLevel, data, "stock level", _delete_where(_stock, match))

    def open_pickups(self) -> list[Order]:
        query = select(_pickups.c.order_id, _pickups.c.data).where(
            _pickups.c.pickup_state.in_(OPEN_PICKUP_STATES)
        )
        no_rows: list[tuple[int, str]] = []
        rows = self._read("pickup read", lambda c: [(r[0], r[1]) for r in c.execute(query)], miss=no_rows)
        orders: list[Order] = []
        for order_id, data in rows:
            order = self._parse(
                Order, data, "pickup", _delete_where(_pickups, _pickups.c.order_id == order_id)
            )
            if order is not None:
                orders.append(order)
        return sorted(orders, key=lambda order: order.pickup_deadline or order.placed_at)

    def pickup(self, order_number: str) -> Order | None:
        query = select(_pickups.c.order_id, _pickups.c.data).where(_pickups.c.number == order_number)
        row = self._read("pickup read", lambda c: c.execute(query).first(), miss=None)
        if row is None:
            return None
        return self._parse(Order, row[1], "pickup", _delete_where(_pickups, _pickups.c.order_id == row[0]))

    # -- customer profiles (personal data) -----------------------------------------------------

    def store_profile(self, profile: CustomerProfile, *, now: datetime) -> None:
        """Keep ``profile`` for offline use until ``now`` + the personal-data lifetime."""
        self._write(
            "profile write",
            lambda c: self._put_profile(c, profile, now),
            user_message="This customer could not be saved for offline use on this device.",
        )

    def profile(self, customer_id: int, *, now: datetime) -> CachedProfile | None:
        """The cached profile if it has not expired; a damaged one is dropped and reads as a miss."""
        query = select(_profiles.c.data, _profiles.c.as_of, _profiles.c.expires_at).where(
            _profiles.c.customer_id == customer_id, _profiles.c.expires_at > _epoch(now)
        )
        row = self._read("profile read", lambda c: c.execute(query).first(), miss=None)
        if row is None:
            return None
        drop = _delete_where(_profiles, _profiles.c.customer_id == customer_id)
        data, as_of_text, expires_at = row
        profile = self._parse(CustomerProfile, data, "customer profile", drop)
        if profile is None:
            return None
        try:
            as_of = datetime.fromisoformat(as_of_text)
            expires = datetime.fromtimestamp(expires_at, UTC)
            if as_of.tzinfo is None:
                raise ValueError("a time without a zone")
        except (ValueError, TypeError, OverflowError, OSError):
            self._drop_damaged("customer profile", drop)
            return None
        return CachedProfile(profile=profile, as_of=as_of, expires_at=expires)

    def store_recommendations(self, suggestions: RecommendationList, *, now: datetime) -> None:
        """Keep what the hub suggested for this customer, for offline use, as long as a profile."""
        row = {
            "customer_id": suggestions.customer_id,
            "data": suggestions.model_dump_json(),
            "expires_at": _epoch(now + self.personal_data_ttl),
        }
        self._write(
            "suggestions write",
            lambda c: c.execute(_recommendations.insert().prefix_with("OR REPLACE"), row),
            user_message="Suggestions could not be saved for offline use on this device.",
        )

    def recommendations(self, customer_id: int, *, now: datetime) -> RecommendationList | None:
        """The suggestions last fetched for this customer, if not expired; damaged ones read as none."""
        match = _recommendations.c.customer_id == customer_id
        query = select(_recommendations.c.data).where(match, _recommendations.c.expires_at > _epoch(now))
        data = self._read("suggestions read", lambda c: c.execute(query).scalar(), miss=None)
        if data is None:
            return None
        return self._parse(
            RecommendationList,
            data,
            "suggestion list",
            _delete_where(_recommendations, match),
        )

    def purge_expired(self, *, now: datetime) -> int:
        """Delete personal data past its expiry; return how many customers' profiles went."""

        def purge(connection: Connection) -> int:
            connection.execute(delete(_recommendations).where(_recommendations.c.expires_at <= _epoch(now)))
            purged = connection.execute(delete(_profiles).where(_profiles.c.expires_at <= _epoch(now)))
            return int(purged.rowcount)

        return self._write(
            "purge", purge, user_message="Old customer data could not be removed from this device just now."
        )

    def _put_profile(self, connection: Connection, profile: CustomerProfile, now: datetime) -> None:
        connection.execute(
            _profiles.insert().prefix_with("OR REPLACE"),
            {
                "customer_id": profile.customer.id,
                "data": profile.model_dump_json(),
                "as_of": profile.as_of.astimezone(UTC).isoformat(),
                "expires_at": _epoch(now + self.personal_data_ttl),
            },
        )


#: Every table this build makes; a cache from before the application id holds these or fewer.
_OUR_TABLES = frozenset(_Base.metadata.tables)


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
        and {"customer_profiles", "sync_state"} <= identity.tables <= _OUR_TABLES
    )


def _delete_where(table: Table, clause: ColumnElement[bool]) -> Callable[[Connection], object]:
    """A write that removes the rows of ``table`` matching ``clause`` (a damaged row, say)."""
    return lambda connection: connection.execute(delete(table).where(clause))


def _pickup_row(order: Order) -> dict[str, object]:
    return {
        "order_id": order.id,
        "number": order.number,
        "pickup_state": order.pickup_state,
        "data": order.model_dump_json(),
    }


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())
