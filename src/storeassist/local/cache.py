"""``cache.sqlite``: this store's replica of hub data, good for answering while offline.

Disposable by design: a file that is missing, damaged or at a schema this build does not know
is made fresh and the next sync pulls a snapshot, so the cache has no migrations. That
lifecycle is :mod:`~storeassist.local.cache_file`; the tables are
:mod:`~storeassist.local.cache_schema`. Here, a read that meets a damaged file answers as the
empty cache would (a miss), and a row that does not hold what it should is dropped and read as
a miss, so the hub is asked again.

Personal data is kept only as long as it is useful: each customer profile carries the time
the hub made it (``as_of``) and an expiry (30 days by default), after which it is not served
and is purged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import ColumnElement, Connection, Table, delete, select, update

from storeassist.contract import (
    ChangeFeed,
    CustomerProfile,
    Order,
    PickupQueue,
    PublicKeys,
    RecommendationList,
)
from storeassist.domain.orders import OPEN_PICKUP_STATES as OPEN_PICKUP_STATES
from storeassist.domain.tokens import TokenError, public_key_from_text

# The `name as name` imports are re-exports: these were defined here before the split.
from storeassist.local.cache_catalog import CachedStockLevel as CachedStockLevel
from storeassist.local.cache_catalog import CatalogReads, store_catalog_page
from storeassist.local.cache_catalog import StockedVariant as StockedVariant
from storeassist.local.cache_file import APPLICATION_ID as APPLICATION_ID
from storeassist.local.cache_file import READ_FAILED, CacheFile
from storeassist.local.cache_returns import KeptReturnOrder as KeptReturnOrder
from storeassist.local.cache_returns import ReturnOrders, purge_expired_return_orders
from storeassist.local.cache_schema import SCHEMA_VERSION as SCHEMA_VERSION
from storeassist.local.cache_schema import (
    SNAPSHOT_TABLES,
    pickups,
    profiles,
    public_keys,
    recommendations,
    revoked,
    sync_state,
)
from storeassist.local.cache_schema import CustomerProfileRow as CustomerProfileRow
from storeassist.local.cache_schema import PickupRow as PickupRow
from storeassist.local.cache_schema import ProductRow as ProductRow
from storeassist.local.cache_schema import PublicKeyRow as PublicKeyRow
from storeassist.local.cache_schema import RecommendationsRow as RecommendationsRow
from storeassist.local.cache_schema import RevokedCardRow as RevokedCardRow
from storeassist.local.cache_schema import StockRow as StockRow
from storeassist.local.cache_schema import StoreRow as StoreRow
from storeassist.local.cache_schema import SyncStateRow as SyncStateRow
from storeassist.local.catalog_search import CatalogMatches as CatalogMatches
from storeassist.local.catalog_search import Vocabulary
from storeassist.local.sqlite import LocalStoreError
from storeassist.words import QT_TRANSLATE_NOOP

log = logging.getLogger("storeassist.local")

_PICKUPS_NOT_KEPT = QT_TRANSLATE_NOOP(
    "messages", "The pickup orders could not be saved for offline use on this device. Check free disk space."
)

DEFAULT_PERSONAL_DATA_TTL = timedelta(days=30)
_CURSOR_KEY = "changes_cursor"
#: When the cached pickups were last current: the hub's queue time, or when a feed page was stored.
_PICKUPS_AS_OF_KEY = "pickups_as_of"
#: Parsed pickup orders kept between queue reads, at most (a queue of 500 and the changes since).
_MAX_REMEMBERED_ORDERS = 2000


@dataclass(frozen=True, slots=True)
class CachedProfile:
    profile: CustomerProfile
    as_of: datetime
    expires_at: datetime


class CacheRebuilt(LocalStoreError):
    """The cache was made fresh while a change feed was being stored: pull again from a snapshot."""

    def __init__(self) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP("messages", "The store data on this device was damaged and is being reloaded.")
        )


class LocalCache(CatalogReads, ReturnOrders):
    """The store's replica; every method is a short transaction on the :class:`CacheFile`'s engine.
    The catalog and stock reads are :class:`~storeassist.local.cache_catalog.CatalogReads`, the
    orders kept for returns :class:`~storeassist.local.cache_returns.ReturnOrders`.

    Methods are called from the GUI thread and, for :meth:`apply_feed`, from a worker thread;
    the file makes sure concurrent failures of it lead to one fresh file, not one each.
    """

    def __init__(self, path: Path, *, personal_data_ttl: timedelta = DEFAULT_PERSONAL_DATA_TTL) -> None:
        self.path = path
        self.personal_data_ttl = personal_data_ttl
        self._file = CacheFile(path)
        #: The catalog's words for correcting a misspelling, read again after the catalog changed.
        self._vocabulary = Vocabulary()
        self._file.add_rebuild_listener(self._vocabulary.forget)
        #: Pickup orders already read, by the JSON text of their row: the queue is read often and
        #: whole (500 orders would take tens of milliseconds to parse each time); a row whose text
        #: changed is parsed again. Orders written here go in as they are written.
        self._orders_by_text: dict[str, Order] = {}

    # The file's state and repair are the CacheFile's (documented there); these pass them through.

    @property
    def rebuilt_reason(self) -> str | None:
        return self._file.rebuilt_reason

    @property
    def set_aside_path(self) -> Path | None:
        return self._file.set_aside_path

    def close(self) -> None:
        self._file.close()

    def add_rebuild_listener(self, listener: Callable[[], None]) -> None:
        self._file.add_rebuild_listener(listener)

    def rebuild(self, reason: str) -> None:
        self._file.rebuild(reason)
        self._vocabulary.forget()

    # -- sync state -------------------------------------------------------------------------

    def cursor(self) -> str:
        """Where the change feed left off; "" asks the hub for a snapshot."""
        query = select(sync_state.c.value).where(sync_state.c.key == _CURSOR_KEY)
        value = self._file.read("cursor read", lambda c: c.execute(query).scalar_one_or_none(), miss=None)
        return value if isinstance(value, str) else ""

    def reset_cursor(self) -> None:
        self._file.write(
            "cursor reset",
            lambda c: c.execute(delete(sync_state).where(sync_state.c.key == _CURSOR_KEY)),
            user_message=READ_FAILED,
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
                for table in SNAPSHOT_TABLES:
                    connection.execute(delete(table))
            else:
                # First statement, and a write: the transaction holds the write lock from here on.
                moved = connection.execute(
                    update(sync_state)
                    .where(sync_state.c.key == _CURSOR_KEY, sync_state.c.value == requested_cursor)
                    .values(value=feed.cursor)
                )
                if moved.rowcount != 1:
                    raise CacheRebuilt()
            if store_catalog_page(connection, feed, snapshot_start=requested_cursor == ""):
                catalog_changed.append(True)
            if feed.pickups:
                connection.execute(
                    pickups.insert().prefix_with("OR REPLACE"),
                    [self._pickup_row(order) for order in feed.pickups],
                )
            _set_state(connection, _PICKUPS_AS_OF_KEY, now.astimezone(UTC).isoformat())
            if feed.revoked:
                connection.execute(
                    revoked.insert().prefix_with("OR IGNORE"),
                    [{"customer_id": r.customer_id, "serial": r.serial} for r in feed.revoked],
                )
            for profile in feed.customers:
                self._put_profile(connection, profile, now)
            connection.execute(
                sync_state.insert().prefix_with("OR REPLACE"),
                {"key": _CURSOR_KEY, "value": feed.cursor},
            )

        catalog_changed: list[bool] = []
        self._file.write(
            "change feed write",
            store,
            user_message=QT_TRANSLATE_NOOP(
                "messages", "The store data on this device could not be updated. Check free disk space."
            ),
        )
        if catalog_changed or requested_cursor == "":
            # Once committed (a search meanwhile may have read the words as they were).
            self._vocabulary.forget()
        if not feed.has_more and not self._vocabulary.loaded:
            # Read again here, on the feed's worker, once the catalog has settled (~150-250 ms at
            # 100k): a snapshot's last page changes no product, but its product pages did.
            no_words: list[str] = []
            self._file.read("vocabulary read", self._vocabulary.words, miss=no_words)

    # -- trust ------------------------------------------------------------------------------

    def set_public_keys(self, keys: PublicKeys) -> None:
        def store(connection: Connection) -> None:
            connection.execute(delete(public_keys))
            if keys.keys:
                connection.execute(
                    public_keys.insert(), [{"key_id": k, "key": v} for k, v in keys.keys.items()]
                )

        self._file.write(
            "key write",
            store,
            user_message=QT_TRANSLATE_NOOP(
                "messages", "The back office's keys could not be saved on this device. Check free disk space."
            ),
        )

    def verification_keys(self) -> Mapping[int, Ed25519PublicKey]:
        """The hub's token keys by key id; a damaged key is skipped (tokens it signed read as unknown)."""
        query = select(public_keys.c.key_id, public_keys.c.key)
        no_rows: list[tuple[int, str]] = []
        rows = self._file.read("key read", lambda c: [(r[0], r[1]) for r in c.execute(query)], miss=no_rows)
        keys: dict[int, Ed25519PublicKey] = {}
        for key_id, text in rows:
            try:
                keys[key_id] = public_key_from_text(text)
            except (TokenError, TypeError):
                log.warning("cached public key %d is damaged; ignoring it", key_id)
        return keys

    def is_revoked(self, customer_id: int, serial: int) -> bool:
        query = select(revoked.c.serial).where(
            revoked.c.customer_id == customer_id, revoked.c.serial == serial
        )
        return self._file.read("revocation read", lambda c: c.execute(query).first() is not None, miss=False)

    # -- pickups -----------------------------------------------------------

    def open_pickups(self) -> list[Order]:
        """This store's open pickup orders, in no particular order (the queue's order is the caller's)."""
        query = select(pickups.c.order_id, pickups.c.data).where(
            pickups.c.pickup_state.in_(OPEN_PICKUP_STATES)
        )
        no_rows: list[tuple[int, str]] = []
        rows = self._file.read(
            "pickup read", lambda c: [(r[0], r[1]) for r in c.execute(query)], miss=no_rows
        )
        known: dict[str, Order] = self._orders_by_text
        seen: dict[str, Order] = {}
        orders: list[Order] = []
        for order_id, data in rows:
            order = known.get(data) if isinstance(data, str) else None
            if order is None:
                order = self._parse_pickup(order_id, data)
            if order is not None:
                seen[data] = order
                orders.append(order)
        # Only what the queue holds now stays remembered.
        self._orders_by_text = seen
        return orders

    def pickup(self, order_number: str) -> Order | None:
        """A pickup order of this store by its number (any state the device still holds)."""
        query = select(pickups.c.order_id, pickups.c.data).where(pickups.c.number == order_number)
        row = self._file.read("pickup read", lambda c: c.execute(query).first(), miss=None)
        return None if row is None else self._parse_pickup(row[0], row[1])

    def pickup_by_id(self, order_id: int) -> Order | None:
        query = select(pickups.c.data).where(pickups.c.order_id == order_id)
        data = self._file.read("pickup read", lambda c: c.execute(query).scalar_one_or_none(), miss=None)
        return None if data is None else self._parse_pickup(order_id, data)

    def store_pickup_queue(self, queue: PickupQueue, *, complete: bool) -> None:
        """Keep the hub's queue: its orders replace their rows, and when the queue is ``complete``
        (the hub listed every open order) an open order it no longer lists leaves the cache too
        (collected, cancelled or moved since; the change feed brings its final state)."""
        listed = [order.id for order in queue.orders]

        def store(connection: Connection) -> None:
            if complete:
                connection.execute(
                    delete(pickups).where(
                        pickups.c.pickup_state.in_(OPEN_PICKUP_STATES), pickups.c.order_id.not_in(listed)
                    )
                )
            if queue.orders:
                connection.execute(
                    pickups.insert().prefix_with("OR REPLACE"),
                    [self._pickup_row(order) for order in queue.orders],
                )
            _set_state(connection, _PICKUPS_AS_OF_KEY, queue.as_of.astimezone(UTC).isoformat())

        self._file.write("pickup queue write", store, user_message=_PICKUPS_NOT_KEPT)

    def store_pickup(self, order: Order) -> None:
        """Keep one pickup order as it now stands (opened online, or handed over here and confirmed)."""
        row = self._pickup_row(order)
        self._file.write(
            "pickup write",
            lambda c: c.execute(pickups.insert().prefix_with("OR REPLACE"), row),
            user_message=_PICKUPS_NOT_KEPT,
        )

    def pickups_as_of(self) -> datetime | None:
        """When the cached pickups were current: the hub's queue, or the last change-feed page stored."""
        query = select(sync_state.c.value).where(sync_state.c.key == _PICKUPS_AS_OF_KEY)
        value = self._file.read(
            "pickups time read", lambda c: c.execute(query).scalar_one_or_none(), miss=None
        )
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None
        return moment if moment is not None and moment.tzinfo is not None else None

    def _parse_pickup(self, order_id: int, data: object) -> Order | None:
        drop = _delete_where(pickups, pickups.c.order_id == order_id)
        return self._file.parse(Order, data, "pickup", drop)

    def _pickup_row(self, order: Order) -> dict[str, object]:
        data = order.model_dump_json()
        if len(self._orders_by_text) >= _MAX_REMEMBERED_ORDERS:
            self._orders_by_text = {}  # the next queue read remembers what it holds then
        self._orders_by_text[data] = order
        return {
            "order_id": order.id,
            "number": order.number,
            "pickup_state": order.pickup_state,
            "data": data,
        }

    # -- customer profiles (personal data) -----------------------------------------------------

    def store_profile(self, profile: CustomerProfile, *, now: datetime) -> None:
        """Keep ``profile`` for offline use until ``now`` + the personal-data lifetime."""
        self._file.write(
            "profile write",
            lambda c: self._put_profile(c, profile, now),
            user_message=QT_TRANSLATE_NOOP(
                "messages", "This customer could not be saved for offline use on this device."
            ),
        )

    def profile(self, customer_id: int, *, now: datetime) -> CachedProfile | None:
        """The cached profile if it has not expired; a damaged one is dropped and reads as a miss."""
        query = select(profiles.c.data, profiles.c.as_of, profiles.c.expires_at).where(
            profiles.c.customer_id == customer_id, profiles.c.expires_at > _epoch(now)
        )
        row = self._file.read("profile read", lambda c: c.execute(query).first(), miss=None)
        if row is None:
            return None
        drop = _delete_where(profiles, profiles.c.customer_id == customer_id)
        data, as_of_text, expires_at = row
        profile = self._file.parse(CustomerProfile, data, "customer profile", drop)
        if profile is None:
            return None
        try:
            as_of = datetime.fromisoformat(as_of_text)
            expires = datetime.fromtimestamp(expires_at, UTC)
            if as_of.tzinfo is None:
                raise ValueError("a time without a zone")
        except (ValueError, TypeError, OverflowError, OSError):
            self._file.drop_damaged("customer profile", drop)
            return None
        return CachedProfile(profile=profile, as_of=as_of, expires_at=expires)

    def store_recommendations(self, suggestions: RecommendationList, *, now: datetime) -> None:
        """Keep what the hub suggested for this customer, for offline use, as long as a profile."""
        row = {
            "customer_id": suggestions.customer_id,
            "data": suggestions.model_dump_json(),
            "expires_at": _epoch(now + self.personal_data_ttl),
        }
        self._file.write(
            "suggestions write",
            lambda c: c.execute(recommendations.insert().prefix_with("OR REPLACE"), row),
            user_message=QT_TRANSLATE_NOOP(
                "messages", "Suggestions could not be saved for offline use on this device."
            ),
        )

    def recommendations(self, customer_id: int, *, now: datetime) -> RecommendationList | None:
        """The suggestions last fetched for this customer, if not expired; damaged ones read as none."""
        match = recommendations.c.customer_id == customer_id
        query = select(recommendations.c.data).where(match, recommendations.c.expires_at > _epoch(now))
        data = self._file.read("suggestions read", lambda c: c.execute(query).scalar(), miss=None)
        if data is None:
            return None
        return self._file.parse(
            RecommendationList,
            data,
            "suggestion list",
            _delete_where(recommendations, match),
        )

    def purge_expired(self, *, now: datetime) -> int:
        """Delete personal data past its expiry (profiles, suggestions, orders kept for returns);
        return how many customers' profiles went."""

        def purge(connection: Connection) -> int:
            connection.execute(delete(recommendations).where(recommendations.c.expires_at <= _epoch(now)))
            purge_expired_return_orders(connection, now)
            purged = connection.execute(delete(profiles).where(profiles.c.expires_at <= _epoch(now)))
            return int(purged.rowcount)

        return self._file.write(
            "purge",
            purge,
            user_message=QT_TRANSLATE_NOOP(
                "messages", "Old customer data could not be removed from this device just now."
            ),
        )

    def _put_profile(self, connection: Connection, profile: CustomerProfile, now: datetime) -> None:
        connection.execute(
            profiles.insert().prefix_with("OR REPLACE"),
            {
                "customer_id": profile.customer.id,
                "data": profile.model_dump_json(),
                "as_of": profile.as_of.astimezone(UTC).isoformat(),
                "expires_at": _epoch(now + self.personal_data_ttl),
            },
        )


def _delete_where(table: Table, clause: ColumnElement[bool]) -> Callable[[Connection], object]:
    """A write that removes the rows of ``table`` matching ``clause`` (a damaged row, say)."""
    return lambda connection: connection.execute(delete(table).where(clause))


def _set_state(connection: Connection, key: str, value: str) -> None:
    connection.execute(sync_state.insert().prefix_with("OR REPLACE"), {"key": key, "value": value})


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())
