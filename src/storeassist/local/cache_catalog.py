"""The catalog and stock part of ``cache.sqlite``: storing the feed's products, kept places and
stock counts fast, and the reads the stock desk and the pickup counter make of them.

A snapshot brings ~100k products and ~700k counts, so pages are written with plain ``executemany``
statements of tuples (no ORM rows, no per-row dicts): the counts arrive as the tuples the table
holds. Products are upserted, so each keeps its rowid, which is also its row in the search index
(:mod:`~storeassist.local.catalog_search`); a snapshot makes that index again, empty, rather than
deleting its rows one by one.

The **own store** is the first ``kind='store'`` place of the feed's ``stores`` (at distance 0);
a hub of the release before sends only its own stock, whose place is then kept from the levels.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from storeassist.contract import ChangeFeed, Product, StockLevel
from storeassist.contract.catalog import NearbyStore, StoreHolds
from storeassist.domain.stock import available
from storeassist.local.cache_file import CacheFile
from storeassist.local.cache_schema import PRODUCT_SEARCH, PRODUCT_SEARCH_DDL
from storeassist.local.catalog_search import CatalogMatches, Vocabulary, index_columns, search_catalog
from storeassist.words import QT_TRANSLATE_NOOP

#: The own store's id, as a scalar subquery.
_OWN_STORE = "(SELECT id FROM stores WHERE kind = 'store' ORDER BY position LIMIT 1)"
_HOLDS_KEY = "store_holds"
_PUT_STATE = "INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)"
_NO_ROWS: list[tuple[Any, ...]] = []
#: SQLite's default bound on a statement's parameters is 32766; stay well under it.
_IN_CHUNK = 900


@dataclass(frozen=True, slots=True)
class StockedVariant:
    """A product of a style, with the units of it on sale here (on hand, not held for orders)."""

    product: Product
    available: int


@dataclass(frozen=True, slots=True)
class CachedStockLevel:
    """A kept count of one product at one place, with the place as the feed described it."""

    store_id: int
    store_name: str
    kind: str
    distance_km: float
    on_hand: int
    held: int
    as_of: datetime


def store_catalog_page(connection: Connection, feed: ChangeFeed, *, snapshot_start: bool) -> bool:
    """Write a page's products, kept places and stock; True when products were written (the
    search vocabulary is then out of date)."""
    if snapshot_start:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {PRODUCT_SEARCH}")
        connection.exec_driver_sql(PRODUCT_SEARCH_DDL)
    if feed.products:
        _store_products(connection, feed.products, fresh=snapshot_start)
    if feed.stores:
        _store_places(connection, feed.stores)
    if feed.stock:
        places = {level.store_id: level for _, level in feed.stock}
        connection.exec_driver_sql(
            "INSERT OR IGNORE INTO stores (id, name, kind, distance_km, position) "
            "VALUES (?, ?, 'store', ?, ?)",
            [(p.store_id, p.store_name, p.distance_km, -1) for p in places.values()],
        )
        connection.exec_driver_sql(
            "INSERT OR REPLACE INTO stock (sku, store_id, on_hand, held, as_of) VALUES (?, ?, ?, ?, ?)",
            [(sku, lv.store_id, lv.on_hand, lv.held, _epoch(lv.as_of)) for sku, lv in feed.stock],
        )
    if feed.stock_counts:
        connection.exec_driver_sql(
            "INSERT OR REPLACE INTO stock (sku, store_id, on_hand, held, as_of) VALUES (?, ?, ?, ?, ?)",
            feed.stock_counts,
        )
    return bool(feed.products)


def _store_products(connection: Connection, items: Sequence[Product], *, fresh: bool) -> None:
    skus = [p.sku for p in items]
    if not fresh:
        # A product already kept leaves the index first: FTS5 finds a row by ``rowid = ?`` (not by
        # ``rowid IN (…)``, which would read the whole index), and removes its terms.
        kept = [(rowid,) for rowid in _rowids(connection, skus).values()]
        if kept:
            connection.exec_driver_sql(f"DELETE FROM {PRODUCT_SEARCH} WHERE rowid = ?", kept)
    connection.exec_driver_sql(
        "INSERT INTO products (sku, gtin, style, data) VALUES (?, ?, ?, ?) ON CONFLICT (sku) DO UPDATE "
        "SET gtin = excluded.gtin, style = excluded.style, data = excluded.data",
        [(p.sku, p.gtin, p.style, p.model_dump_json()) for p in items],
    )
    # Plain VALUES with the rowids read back: an INSERT … SELECT per row into FTS5 is ~7× slower.
    rowids = _rowids(connection, skus)
    connection.exec_driver_sql(
        f"INSERT INTO {PRODUCT_SEARCH} (rowid, names, codes, facets) VALUES (?, ?, ?, ?)",
        [(rowids[p.sku], *index_columns(p)) for p in items],
    )


def _rowids(connection: Connection, skus: Sequence[str]) -> dict[str, int]:
    """The rowids of the kept products among ``skus``."""
    found: dict[str, int] = {}
    for start in range(0, len(skus), _IN_CHUNK):
        chunk = tuple(skus[start : start + _IN_CHUNK])
        sql = f"SELECT sku, rowid FROM products WHERE sku IN ({', '.join('?' * len(chunk))})"
        found.update((row[0], row[1]) for row in connection.exec_driver_sql(sql, chunk))
    return found


def _store_places(connection: Connection, places: Sequence[NearbyStore]) -> None:
    """The kept places replace the list; the stock of a place no longer kept goes with it."""
    connection.exec_driver_sql("DELETE FROM stores")
    connection.exec_driver_sql(
        "INSERT OR REPLACE INTO stores (id, name, kind, distance_km, position) VALUES (?, ?, ?, ?, ?)",
        [(p.id, p.name, p.kind, p.distance_km, n) for n, p in enumerate(places)],
    )
    connection.exec_driver_sql("DELETE FROM stock WHERE store_id NOT IN (SELECT id FROM stores)")


class CatalogReads:
    """The catalog and stock reads of :class:`~storeassist.local.cache.LocalCache` (a part of it).

    Every read is synchronous and short; a miss (or a damaged file) answers None or empty."""

    _file: CacheFile
    _vocabulary: Vocabulary

    def product(self, sku_or_gtin: str) -> Product | None:
        sql = "SELECT sku, data FROM products WHERE sku = ? OR gtin = ? LIMIT 1"
        row = self._file.read(
            "product read", lambda c: c.exec_driver_sql(sql, (sku_or_gtin, sku_or_gtin)).first(), miss=None
        )
        return None if row is None else self._product(row[0], row[1])

    def style_products(self, style: str) -> list[Product]:
        """Every product of ``style`` (its sizes and colours), by SKU."""
        sql = "SELECT sku, data FROM products WHERE style = ? ORDER BY sku"
        rows = self._file.read("style read", lambda c: _rows(c, sql, (style,)), miss=_NO_ROWS)
        return [p for sku, data in rows if (p := self._product(sku, data)) is not None]

    def catalog_count(self) -> int:
        rows = self._file.read(
            "catalog count", lambda c: _rows(c, "SELECT count(*) FROM products", ()), miss=_NO_ROWS
        )
        return int(rows[0][0]) if rows else 0

    def search_products(self, text: str, limit: int = 50) -> CatalogMatches:
        """Products matching ``text`` as typed, best first (:mod:`~storeassist.local.catalog_search`)."""
        empty: tuple[list[tuple[str, str]], str | None] = ([], None)
        rows, corrected = self._file.read(
            "catalog search", lambda c: search_catalog(c, text, limit, self._vocabulary), miss=empty
        )
        found = [p for sku, data in rows if (p := self._product(sku, data)) is not None]
        return CatalogMatches(products=found, corrected=corrected)

    def kept_stores(self) -> list[NearbyStore]:
        """The places whose stock is kept: own store, then by distance, the warehouse last."""
        sql = f"SELECT id, name, kind, distance_km FROM stores ORDER BY {_PLACE_ORDER}"
        rows = self._file.read("store read", lambda c: _rows(c, sql, ()), miss=_NO_ROWS)
        kept: list[NearbyStore] = []
        for store_id, name, kind, distance in rows:
            try:
                kept.append(NearbyStore(id=store_id, name=name, kind=kind, distance_km=distance))
            except ValueError:
                continue  # a damaged row: the next feed's list replaces it
        return kept

    def stock_levels(self, sku: str) -> list[CachedStockLevel]:
        """``sku``'s kept counts: own store first, then by distance, the warehouse last."""
        sql = (
            "SELECT s.id, s.name, s.kind, s.distance_km, k.on_hand, k.held, k.as_of "
            f"FROM stock AS k JOIN stores AS s ON s.id = k.store_id WHERE k.sku = ? ORDER BY {_PLACE_ORDER}"
        )
        rows = self._file.read("stock read", lambda c: _rows(c, sql, (sku,)), miss=_NO_ROWS)
        return [
            CachedStockLevel(
                store_id=r[0],
                store_name=r[1],
                kind=r[2],
                distance_km=float(r[3]),
                on_hand=r[4],
                held=r[5],
                as_of=as_of,
            )
            for r in rows
            if (as_of := _moment(r[6])) is not None
        ]

    def stock_here(self, sku: str) -> StockLevel | None:
        """This store's count of ``sku``, as the pickup counter reads it."""
        sql = (
            "SELECT s.id, s.name, s.distance_km, k.on_hand, k.held, k.as_of FROM stock AS k "
            f"JOIN stores AS s ON s.id = k.store_id WHERE k.sku = ? AND k.store_id = {_OWN_STORE}"
        )
        row = self._file.read("stock read", lambda c: c.exec_driver_sql(sql, (sku,)).first(), miss=None)
        if row is None:
            return None
        try:
            as_of = _moment(row[5])
            if as_of is None:
                raise ValueError("not a time")
            return StockLevel(
                store_id=row[0],
                store_name=row[1],
                distance_km=row[2],
                on_hand=row[3],
                held=row[4],
                as_of=as_of,
            )
        except ValueError:
            self._file.drop_damaged("stock level", _drop_stock(sku))
            return None

    def available_here_many(self, skus: Iterable[str]) -> dict[str, int]:
        """Units on sale here of each of ``skus`` that this store stocks (absent: no count here)."""
        wanted = list(dict.fromkeys(skus))

        def read(connection: Connection) -> dict[str, int]:
            found: dict[str, int] = {}
            for start in range(0, len(wanted), _IN_CHUNK):
                chunk = wanted[start : start + _IN_CHUNK]
                sql = (
                    "SELECT sku, on_hand, held FROM stock "
                    f"WHERE store_id = {_OWN_STORE} AND sku IN ({', '.join('?' * len(chunk))})"
                )
                for sku, on_hand, held in connection.exec_driver_sql(sql, tuple(chunk)):
                    found[sku] = available(on_hand, held)
            return found

        return self._file.read("stock read", read, miss={}) if wanted else {}

    def style_variants(self, sku: str) -> list[StockedVariant]:
        """The other products of ``sku``'s style (other sizes and colours) with units available
        here: on hand and not held for orders. Nothing when ``sku`` or its stock is not cached."""
        sql = (
            "SELECT p.sku, p.data, k.on_hand, k.held FROM products AS p JOIN stock AS k "
            f"ON k.sku = p.sku AND k.store_id = {_OWN_STORE} "
            "WHERE p.style = (SELECT style FROM products WHERE sku = ?) AND p.sku != ? ORDER BY p.sku"
        )
        rows = self._file.read("variant read", lambda c: _rows(c, sql, (sku, sku)), miss=_NO_ROWS)
        variants: list[StockedVariant] = []
        for variant_sku, data, on_hand, held in rows:
            product = self._product(variant_sku, data)
            if product is not None and available(on_hand, held) > 0:
                variants.append(StockedVariant(product=product, available=available(on_hand, held)))
        return variants

    def put_stock_levels(self, sku: str, levels: Iterable[StockLevel]) -> None:
        """Keep counts of ``sku`` the hub just sent (a product card online), in one transaction:
        each only if its place is kept and it is not older than the count kept."""
        rows = [(sku, lv.on_hand, lv.held, _epoch(lv.as_of), lv.store_id) for lv in levels]
        if not rows:
            return
        sql = (
            "INSERT INTO stock (sku, store_id, on_hand, held, as_of) "
            "SELECT ?, id, ?, ?, ? FROM stores WHERE id = ? "
            "ON CONFLICT (sku, store_id) DO UPDATE SET on_hand = excluded.on_hand, held = excluded.held, "
            "as_of = excluded.as_of WHERE excluded.as_of >= stock.as_of"
        )
        self._file.write(
            "stock write",
            lambda c: c.exec_driver_sql(sql, rows),
            user_message=QT_TRANSLATE_NOOP("messages", "The stock count could not be saved on this device."),
        )

    def keep_store_holds(self, holds: StoreHolds) -> None:
        """Keep the hub's last answer for this store's holds, for offline."""
        params = (_HOLDS_KEY, holds.model_dump_json())
        self._file.write(
            "holds write",
            lambda c: c.exec_driver_sql(_PUT_STATE, params),
            user_message=QT_TRANSLATE_NOOP("messages", "The holds could not be saved for offline use."),
        )

    def store_holds(self) -> StoreHolds | None:
        """The hub's last answer for this store's holds, if one was kept."""
        sql = "SELECT value FROM sync_state WHERE key = ?"
        data = self._file.read(
            "holds read", lambda c: c.exec_driver_sql(sql, (_HOLDS_KEY,)).scalar(), miss=None
        )
        if data is None:
            return None
        return self._file.parse(StoreHolds, data, "hold list", _drop_state(_HOLDS_KEY))

    def _product(self, sku: str, data: object) -> Product | None:
        return self._file.parse(Product, data, "product", _drop_product(sku))


#: Own store first (the first 'store' listed, at distance 0), then by distance, the warehouse last.
_PLACE_ORDER = "(kind = 'warehouse'), distance_km, position"


def _rows(connection: Connection, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in connection.exec_driver_sql(sql, params)]


def _drop_product(sku: str) -> Any:
    def drop(connection: Connection) -> None:
        connection.exec_driver_sql(
            f"DELETE FROM {PRODUCT_SEARCH} WHERE rowid IN (SELECT rowid FROM products WHERE sku = ?)", (sku,)
        )
        connection.exec_driver_sql("DELETE FROM products WHERE sku = ?", (sku,))

    return drop


def _drop_stock(sku: str) -> Any:
    return lambda connection: connection.exec_driver_sql(
        f"DELETE FROM stock WHERE sku = ? AND store_id = {_OWN_STORE}", (sku,)
    )


def _drop_state(key: str) -> Any:
    return lambda connection: connection.exec_driver_sql("DELETE FROM sync_state WHERE key = ?", (key,))


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _moment(epoch: object) -> datetime | None:
    """A kept ``as_of``; None when the row does not hold a time."""
    if not isinstance(epoch, int):
        return None
    try:
        return datetime.fromtimestamp(epoch, UTC)
    except (OverflowError, OSError, ValueError):
        return None
