"""The tables of ``cache.sqlite``, and the schema version that names this set of them.

The cache has no migrations (it is disposable: see :mod:`storeassist.local.cache`), so this
module is the whole of its schema: a file at another ``SCHEMA_VERSION`` is made fresh with
these tables rather than changed in place.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Integer, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: 2: recommendations kept beside profiles; 3: profiles name their currency, alerts and timeline
#: entries are codes with parameters (a kept profile of version 2 would not read); 4: a kept
#: suggestion's reason is a code with parameters, not a sentence; 5: products by style (a pickup
#: line's substitutes), orders with their pickup fields, the time the pickups were current.
SCHEMA_VERSION = 5


class Base(DeclarativeBase):
    pass


class ProductRow(Base):
    __tablename__ = "products"
    sku: Mapped[str] = mapped_column(Text, primary_key=True)
    gtin: Mapped[str] = mapped_column(Text, index=True)
    #: The parent style its variants share: the other sizes and colours of a product.
    style: Mapped[str] = mapped_column(Text, index=True)
    data: Mapped[str] = mapped_column(Text)


class StockRow(Base):
    """Stock at this store only; other stores are asked for online."""

    __tablename__ = "stock"
    sku: Mapped[str] = mapped_column(Text, primary_key=True)
    data: Mapped[str] = mapped_column(Text)


class PickupRow(Base):
    __tablename__ = "pickups"
    order_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(Text, index=True)
    pickup_state: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[str] = mapped_column(Text)


class CustomerProfileRow(Base):
    __tablename__ = "customer_profiles"
    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    as_of: Mapped[str] = mapped_column(Text)
    #: UNIX seconds, so expiry is an integer comparison in SQL.
    expires_at: Mapped[int] = mapped_column(Integer, index=True)


class RecommendationsRow(Base):
    """What the hub last suggested for a customer at this store: personal data, expiring with the profile."""

    __tablename__ = "customer_recommendations"
    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[int] = mapped_column(Integer, index=True)


class SyncStateRow(Base):
    __tablename__ = "sync_state"
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PublicKeyRow(Base):
    __tablename__ = "public_keys"
    key_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(Text)


class RevokedCardRow(Base):
    __tablename__ = "revoked_cards"
    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[int] = mapped_column(Integer, primary_key=True)


# Core tables, for the cache's statements (short transactions on a connection, no ORM session).
products = cast(Table, ProductRow.__table__)
stock = cast(Table, StockRow.__table__)
pickups = cast(Table, PickupRow.__table__)
profiles = cast(Table, CustomerProfileRow.__table__)
recommendations = cast(Table, RecommendationsRow.__table__)
sync_state = cast(Table, SyncStateRow.__table__)
public_keys = cast(Table, PublicKeyRow.__table__)
revoked = cast(Table, RevokedCardRow.__table__)
#: Tables a snapshot replaces wholesale. Profiles fetched online stay until they expire.
SNAPSHOT_TABLES = (products, stock, pickups, revoked)
#: Every table this build makes; a cache from before the application id holds these or fewer.
OUR_TABLES = frozenset(Base.metadata.tables)
