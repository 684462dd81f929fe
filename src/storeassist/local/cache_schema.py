"""The tables of ``cache.sqlite``, and the schema version that names this set of them.

The cache has no migrations (it is disposable: see :mod:`storeassist.local.cache`), so this
module is the whole of its schema: a file at another ``SCHEMA_VERSION`` is made fresh with
these tables rather than changed in place.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import DDL, Float, Integer, Table, Text, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: 2: recommendations kept beside profiles; 3: profiles name their currency, alerts and timeline
#: entries are codes with parameters (a kept profile of version 2 would not read); 4: a kept
#: suggestion's reason is a code with parameters, not a sentence; 5: products by style (a pickup
#: line's substitutes), orders with their pickup fields, the time the pickups were current; 6: the
#: stock of several kept places (own store, nearest stores, warehouse) as rows, the kept places,
#: and the catalog's search index; 7: orders opened at the returns counter (personal data, expiring).
SCHEMA_VERSION = 7


class Base(DeclarativeBase):
    pass


class ProductRow(Base):
    __tablename__ = "products"
    sku: Mapped[str] = mapped_column(Text, primary_key=True)
    gtin: Mapped[str] = mapped_column(Text, index=True)
    #: The parent style its variants share: the other sizes and colours of a product.
    style: Mapped[str] = mapped_column(Text, index=True)
    data: Mapped[str] = mapped_column(Text)


class StoreRow(Base):
    """A place whose stock the tablet keeps, as the feed's ``stores`` lists it (``position``: its
    place in that list, so the own store, listed first, is the ``kind='store'`` row lowest in it)."""

    __tablename__ = "stores"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    distance_km: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer)


class StockRow(Base):
    """One count of one product at one kept place; ``as_of`` in UNIX seconds. Without a rowid, the
    rows sit in (sku, store_id) order: a product's counts at every place are one read."""

    __tablename__ = "stock"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012
    sku: Mapped[str] = mapped_column(Text, primary_key=True)
    store_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    on_hand: Mapped[int] = mapped_column(Integer)
    held: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[int] = mapped_column(Integer)


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


class ReturnOrderRow(Base):
    """An order opened at the returns counter, as the hub answered it (``contract.ReturnableOrder``
    JSON), with the returns taken here since laid over; personal data (the customer's name),
    expiring with the profiles. ``receipt_code``: the scanned code it was found with, so the same
    code opens it offline; ``laid_over``: ids (JSON list) of this tablet's returns already counted
    in ``data``."""

    __tablename__ = "return_orders"
    order_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(Text, index=True)
    receipt_code: Mapped[str | None] = mapped_column(Text, nullable=True, index=True)
    data: Mapped[str] = mapped_column(Text)
    laid_over: Mapped[str] = mapped_column(Text, default="[]")
    #: UNIX seconds, so expiry is an integer comparison in SQL.
    expires_at: Mapped[int] = mapped_column(Integer, index=True)


#: The catalog's full-text index (FTS5), one row per product at the product's rowid (products are
#: upserted, so a product keeps its rowid). ``names``: its name in every language, CJK runs already
#: cut into characters and pairs of characters (:mod:`~storeassist.local.catalog_search`);
#: ``codes``: SKU, GTIN, style; ``facets``: brand, category, colour, size, attribute values. Prefix
#: indexes of 1 and 2 characters keep the first letters typed fast. Not a mapped table (SQLAlchemy
#: does not know virtual tables); made with the others, and made again empty by a snapshot.
PRODUCT_SEARCH = "product_search"
PRODUCT_SEARCH_DDL = (
    f"CREATE VIRTUAL TABLE {PRODUCT_SEARCH} USING fts5("
    "names, codes, facets, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2')"
)
#: The index's terms, for correcting a misspelt word.
PRODUCT_TERMS = "product_terms"
PRODUCT_TERMS_DDL = f"CREATE VIRTUAL TABLE {PRODUCT_TERMS} USING fts5vocab({PRODUCT_SEARCH}, 'row')"


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
stores = cast(Table, StoreRow.__table__)
stock = cast(Table, StockRow.__table__)
pickups = cast(Table, PickupRow.__table__)
profiles = cast(Table, CustomerProfileRow.__table__)
recommendations = cast(Table, RecommendationsRow.__table__)
return_orders = cast(Table, ReturnOrderRow.__table__)
sync_state = cast(Table, SyncStateRow.__table__)
public_keys = cast(Table, PublicKeyRow.__table__)
revoked = cast(Table, RevokedCardRow.__table__)
#: Tables a snapshot replaces wholesale. Profiles and return orders fetched online stay until they expire.
SNAPSHOT_TABLES = (products, stores, stock, pickups, revoked)
#: Every table this build makes; a cache from before the application id holds these or fewer.
OUR_TABLES = frozenset(Base.metadata.tables) | {
    PRODUCT_SEARCH,
    PRODUCT_TERMS,
    *(f"{PRODUCT_SEARCH}_{part}" for part in ("data", "idx", "content", "docsize", "config")),
}

event.listen(Base.metadata, "after_create", DDL(PRODUCT_SEARCH_DDL))  # type: ignore[no-untyped-call]
event.listen(Base.metadata, "after_create", DDL(PRODUCT_TERMS_DDL))  # type: ignore[no-untyped-call]
