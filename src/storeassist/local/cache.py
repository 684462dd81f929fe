"""``cache.sqlite``: this store's replica of hub data, good for answering while offline.

Disposable by design: when the file is missing, unreadable, corrupt (``PRAGMA quick_check``)
or at a schema version this build does not know, it is deleted and made fresh, and the next
sync pulls a snapshot. That is why the cache has no migrations: a new schema means a new
empty cache.

Personal data is kept only as long as it is useful: each customer profile carries the time
the hub made it (``as_of``) and an expiry (30 days by default), after which it is not served
and is purged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, Engine, Integer, Table, Text, delete, select
from sqlalchemy.exc import DatabaseError, OperationalError
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
    LocalStoreError,
    delete_database_files,
    open_engine,
    quick_check_ok,
    schema_version,
)

log = logging.getLogger("storeassist.local")

SCHEMA_VERSION = 2  # 2: recommendations kept beside profiles
DEFAULT_PERSONAL_DATA_TTL = timedelta(days=30)
OPEN_PICKUP_STATES = ("placed", "picking", "ready", "partially_collected")
_CURSOR_KEY = "changes_cursor"


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


class LocalCache:
    """The store's replica; every method is a short transaction on one long-lived engine."""

    def __init__(self, path: Path, *, personal_data_ttl: timedelta = DEFAULT_PERSONAL_DATA_TTL) -> None:
        self.path = path
        self.personal_data_ttl = personal_data_ttl
        #: Why the file was made fresh when opened ("missing", "corrupt", "schema"), else None.
        self.rebuilt_reason: str | None = None
        self._engine = self._open()

    def close(self) -> None:
        self._engine.dispose()

    def rebuild(self, reason: str) -> None:
        """Throw the file away and start empty; the next sync pulls a snapshot."""
        self._engine.dispose()
        delete_database_files(self.path)
        self.rebuilt_reason = reason
        self._engine = self._create()
        log.warning("cache rebuilt (%s)", reason)

    def _open(self) -> Engine:
        if not self.path.exists():
            self.rebuilt_reason = "missing"
            return self._create()
        if not quick_check_ok(self.path):
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

    def _replace(self, reason: str) -> Engine:
        log.warning("cache file is unusable (%s); making a fresh one", reason)
        delete_database_files(self.path)
        self.rebuilt_reason = reason
        return self._create()

    def _create(self) -> Engine:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        engine = open_engine(self.path, durable=False)
        with engine.begin() as connection:
            _Base.metadata.create_all(connection)
            connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return engine

    # -- sync state -------------------------------------------------------------------------

    def cursor(self) -> str:
        """Where the change feed left off; "" asks the hub for a snapshot."""
        with self._engine.connect() as connection:
            value = connection.execute(
                select(_sync_state.c.value).where(_sync_state.c.key == _CURSOR_KEY)
            ).scalar_one_or_none()
        return value or ""

    def reset_cursor(self) -> None:
        with self._engine.begin() as connection:
            connection.execute(delete(_sync_state).where(_sync_state.c.key == _CURSOR_KEY))

    def apply_feed(self, feed: ChangeFeed, *, requested_cursor: str, now: datetime) -> None:
        """Store one page of the change feed and its cursor in one transaction.

        The cursor moves only together with the data it covers, so a crash never skips changes.
        A page asked for with ``requested_cursor == ""`` starts a snapshot and replaces the
        replicated tables.
        """
        with self._engine.begin() as connection:
            if requested_cursor == "":
                for table in _SNAPSHOT_TABLES:
                    connection.execute(delete(table))
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

    # -- trust ------------------------------------------------------------------------------

    def set_public_keys(self, keys: PublicKeys) -> None:
        with self._engine.begin() as connection:
            connection.execute(delete(_public_keys))
            if keys.keys:
                connection.execute(
                    _public_keys.insert(), [{"key_id": k, "key": v} for k, v in keys.keys.items()]
                )

    def verification_keys(self) -> Mapping[int, Ed25519PublicKey]:
        """The hub's token keys by key id; a damaged key is skipped (tokens it signed read as unknown)."""
        with self._engine.connect() as connection:
            rows = connection.execute(select(_public_keys.c.key_id, _public_keys.c.key)).all()
        keys: dict[int, Ed25519PublicKey] = {}
        for key_id, text in rows:
            try:
                keys[key_id] = public_key_from_text(text)
            except TokenError:
                log.warning("cached public key %d is damaged; ignoring it", key_id)
        return keys

    def is_revoked(self, customer_id: int, serial: int) -> bool:
        query = select(_revoked.c.serial).where(
            _revoked.c.customer_id == customer_id, _revoked.c.serial == serial
        )
        with self._engine.connect() as connection:
            return connection.execute(query).first() is not None

    # -- catalogue, stock, pickups -----------------------------------------------------------

    def product(self, sku_or_gtin: str) -> Product | None:
        query = select(_products.c.data).where(
            (_products.c.sku == sku_or_gtin) | (_products.c.gtin == sku_or_gtin)
        )
        with self._engine.connect() as connection:
            data = connection.execute(query).scalars().first()
        return None if data is None else Product.model_validate_json(data)

    def stock_here(self, sku: str) -> StockLevel | None:
        with self._engine.connect() as connection:
            data = connection.execute(select(_stock.c.data).where(_stock.c.sku == sku)).scalar_one_or_none()
        return None if data is None else StockLevel.model_validate_json(data)

    def open_pickups(self) -> list[Order]:
        query = select(_pickups.c.data).where(_pickups.c.pickup_state.in_(OPEN_PICKUP_STATES))
        with self._engine.connect() as connection:
            orders = [Order.model_validate_json(data) for data in connection.execute(query).scalars()]
        return sorted(orders, key=lambda order: order.pickup_deadline or order.placed_at)

    def pickup(self, order_number: str) -> Order | None:
        query = select(_pickups.c.data).where(_pickups.c.number == order_number)
        with self._engine.connect() as connection:
            data = connection.execute(query).scalars().first()
        return None if data is None else Order.model_validate_json(data)

    # -- customer profiles (personal data) -----------------------------------------------------

    def store_profile(self, profile: CustomerProfile, *, now: datetime) -> None:
        """Keep ``profile`` for offline use until ``now`` + the personal-data lifetime."""
        try:
            with self._engine.begin() as connection:
                self._put_profile(connection, profile, now)
        except OperationalError as exc:
            raise LocalStoreError("This customer could not be saved for offline use on this device.") from exc

    def profile(self, customer_id: int, *, now: datetime) -> CachedProfile | None:
        """The cached profile if it has not expired."""
        query = select(_profiles).where(
            _profiles.c.customer_id == customer_id, _profiles.c.expires_at > _epoch(now)
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return CachedProfile(
            profile=CustomerProfile.model_validate_json(row.data),
            as_of=datetime.fromisoformat(row.as_of),
            expires_at=datetime.fromtimestamp(row.expires_at, UTC),
        )

    def store_recommendations(self, suggestions: RecommendationList, *, now: datetime) -> None:
        """Keep what the hub suggested for this customer, for offline use, as long as a profile."""
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    _recommendations.insert().prefix_with("OR REPLACE"),
                    {
                        "customer_id": suggestions.customer_id,
                        "data": suggestions.model_dump_json(),
                        "expires_at": _epoch(now + self.personal_data_ttl),
                    },
                )
        except OperationalError as exc:
            raise LocalStoreError("Suggestions could not be saved for offline use on this device.") from exc

    def recommendations(self, customer_id: int, *, now: datetime) -> RecommendationList | None:
        """The suggestions last fetched for this customer, if not expired."""
        query = select(_recommendations.c.data).where(
            _recommendations.c.customer_id == customer_id, _recommendations.c.expires_at > _epoch(now)
        )
        with self._engine.connect() as connection:
            data = connection.execute(query).scalar()
        return None if data is None else RecommendationList.model_validate_json(data)

    def purge_expired(self, *, now: datetime) -> int:
        """Delete personal data past its expiry; return how many customers' profiles went."""
        with self._engine.begin() as connection:
            connection.execute(delete(_recommendations).where(_recommendations.c.expires_at <= _epoch(now)))
            purged = connection.execute(delete(_profiles).where(_profiles.c.expires_at <= _epoch(now)))
        return int(purged.rowcount)

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


def _pickup_row(order: Order) -> dict[str, object]:
    return {
        "order_id": order.id,
        "number": order.number,
        "pickup_state": order.pickup_state,
        "data": order.model_dump_json(),
    }


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())
