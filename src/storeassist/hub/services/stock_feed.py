"""The stock a stock-desk tablet keeps: its store's, the nearest stores' and the warehouse's.

A tablet that reads ``stock_desk`` keeps counts of its own store, of the
:data:`NEAREST_STORES` stores nearest it (``stores.kind`` store) and of the warehouse, so it can
say "two at Market Street, 3 km" offline. The change feed (``change_feed``) sends them as compact
``stock_counts`` (``contract.StockCount``: sku, store, on hand, held, as of in epoch seconds) with
the places in ``stores``. A snapshot pages them store by store (own first, then by distance,
then the warehouse), in product order inside a store: each page is one index range read per
store, and it is written as JSON straight from the rows (no model per count: a snapshot carries
hundreds of thousands). A snapshot's products pages are built from stored rows the same way
(:func:`products_page`), for every tablet.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, extract, func, select
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.domain.geo import distance_km
from storeassist.hub.db import models as m
from storeassist.hub.services.wire import PRODUCT_COLUMNS, fetch_prepared

#: Other stores whose stock a tablet keeps, nearest first.
NEAREST_STORES = 10
#: Stock counts a snapshot page carries for each product a products page would (``limit``).
COUNTS_PER_LIMIT = 10

_PLACES = select(m.Store.id, m.Store.name, m.Store.kind, m.Store.lat, m.Store.lon).order_by(m.Store.id)
#: The columns of a count, as the driver stores them: the time as whole epoch seconds, in SQL.
_COUNT_COLUMNS = (
    m.Inventory.product_id,
    m.Product.sku,
    m.Inventory.on_hand,
    m.Inventory.held,
    extract("epoch", m.Inventory.updated_at),
)
_COUNTS = (
    select(*_COUNT_COLUMNS)
    .join(m.Product, m.Product.id == m.Inventory.product_id)
    .where(m.Inventory.store_id == bindparam("store_id"), m.Inventory.product_id > bindparam("after"))
    .order_by(m.Inventory.product_id)
    .limit(bindparam("size"))
)
_COUNTS_OF = (
    select(*_COUNT_COLUMNS)
    .join(m.Product, m.Product.id == m.Inventory.product_id)
    .where(
        m.Inventory.store_id == bindparam("store_id"),
        m.Inventory.product_id.in_(bindparam("product_ids", expanding=True)),
    )
)
_PRODUCTS = (
    select(*PRODUCT_COLUMNS)
    .where(m.Product.id > bindparam("after"))
    .order_by(m.Product.id)
    .limit(bindparam("size"))
)


@dataclass(frozen=True)
class KeptStores:
    """The places a store's tablets keep stock of, in the order the feed sends them."""

    places: tuple[contract.NearbyStore, ...]

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(place.id for place in self.places)

    @property
    def fingerprint(self) -> int:
        """A number that changes when the kept places (or their order) do, kept in the cursor."""
        return zlib.crc32(",".join(map(str, self.ids)).encode("ascii"))

    def after(self, store_id: int) -> int | None:
        """The place after ``store_id`` in feed order (None after the last, or if not kept)."""
        ids = self.ids
        if store_id not in ids:
            return None
        index = ids.index(store_id) + 1
        return ids[index] if index < len(ids) else None


def kept_stores(session: Session, store_id: int) -> KeptStores:
    """The store itself (distance 0), its :data:`NEAREST_STORES` nearest stores, the warehouse."""
    rows = list(fetch_prepared(session, _PLACES))
    origin = next((r for r in rows if r.id == store_id), None)
    if origin is None:
        return KeptStores(())

    def place(row: Any) -> contract.NearbyStore:
        km = 0.0 if row.id == store_id else round(distance_km(origin.lat, origin.lon, row.lat, row.lon), 1)
        return contract.NearbyStore(id=row.id, name=row.name, kind=row.kind, distance_km=km)

    others = sorted(
        (place(r) for r in rows if r.kind == "store" and r.id != store_id),
        key=lambda p: (p.distance_km, p.id),
    )
    warehouses = [place(r) for r in rows if r.kind == "warehouse"]
    return KeptStores((place(origin), *others[:NEAREST_STORES], *warehouses))


def count_total(session: Session, kept: KeptStores) -> int:
    """How many counts the kept places have (for a snapshot's progress)."""
    if not kept.places:
        return 0
    return int(
        session.execute(
            select(func.count()).select_from(m.Inventory).where(m.Inventory.store_id.in_(kept.ids))
        ).scalar_one()
    )


def _counts(store_id: int, rows: Iterable[Sequence[Any]]) -> list[contract.StockCount]:
    """Counts from stored rows ``(product_id, sku, on_hand, held, epoch)`` (PostgreSQL's epoch is a
    decimal, SQLite's an integer; a time that is not one counts as 1970: never fresh)."""
    return [(sku, store_id, on_hand, held, int(epoch or 0)) for _pid, sku, on_hand, held, epoch in rows]


def products_page(
    session: Session, after: int | None, size: int
) -> tuple[list[contract.Product], int | None]:
    """A snapshot's products after id ``after``, and the last id sent (None: none), from the stored
    rows: the hub's own columns (checked when written), so each is built without validating it
    again (a page of the tablet's ``limit``, 1,000)."""
    rows = fetch_prepared(session.connection(), _PRODUCTS, {"after": after or 0, "size": size}, stored=True)
    products = [
        contract.Product.model_construct(
            sku=sku,
            gtin=gtin,
            style=style,
            name=name,
            brand=brand,
            category=category,
            price_cents=price_cents,
            size=size_,
            colour=colour,
            names=_json(names),
            attributes=_json(attributes),
        )
        for _id, sku, gtin, style, name, brand, category, price_cents, size_, colour, names, attributes in (
            rows
        )
    ]
    return products, (rows[-1][0] if rows else None)


def _json(value: Any) -> dict[str, Any]:
    """A JSON column as stored (SQLite: text) or as read (PostgreSQL: a dict already)."""
    if isinstance(value, str):
        loaded = json.loads(value)
        return loaded if isinstance(loaded, dict) else {}
    return value if isinstance(value, dict) else {}


def counts_page(
    session: Session, kept: KeptStores, after: Sequence[int] | None, size: int
) -> tuple[list[contract.StockCount], list[int] | None, bool]:
    """Up to ``size`` counts after the key ``after`` (``[store_id, product_id]``; None: from the
    start). Answers the counts, the last key sent, and whether more may follow."""
    if not kept.places:
        return [], None, False
    store, product = (int(after[0]), int(after[1])) if after is not None else (kept.ids[0], 0)
    if store not in kept.ids:
        return [], None, False  # the kept places changed: the log sends them again
    found: list[contract.StockCount] = []
    last: list[int] | None = list(after) if after is not None else None
    current: int | None = store
    while current is not None and len(found) < size:
        rows = fetch_prepared(
            session.connection(),
            _COUNTS,
            {"store_id": current, "after": product, "size": size - len(found)},
            stored=True,
        )
        found += _counts(current, rows)
        if rows:
            last = [current, rows[-1][0]]
        if len(found) < size:
            current, product = kept.after(current), 0
            if current is not None:
                last = [current, 0]
    return found, last, current is not None


def counts_of(session: Session, pairs: Iterable[tuple[int, int]]) -> list[contract.StockCount]:
    """The counts of these ``(store_id, product_id)`` pairs (a delta page's stock changes)."""
    by_store: dict[int, list[int]] = {}
    for store_id, product_id in pairs:
        by_store.setdefault(store_id, []).append(product_id)
    found: list[contract.StockCount] = []
    for store_id, product_ids in sorted(by_store.items()):
        params = {"store_id": store_id, "product_ids": product_ids}
        found += _counts(store_id, fetch_prepared(session.connection(), _COUNTS_OF, params, stored=True))
    return found
