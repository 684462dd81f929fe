"""The stock desk's reads of the cached catalog and stock: a search, and a product card put
together from the product, its style's variants, its counts at every kept place and companions.

Every read that fails is a miss (logged, never raised): the counter answers with what it has.
Made by :class:`~storeassist.services.stock_desk.StockDesk`, which adds the hub and the outbox.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from storeassist.contract import Product, StockAnswer, StockLevel
from storeassist.contract.catalog import StoreKind
from storeassist.domain.stock import (
    FRESH_FOR,
    Companion,
    ProductCard,
    ProductHit,
    SearchAnswer,
    StockAt,
    StockSource,
    available,
)
from storeassist.local import LocalStoreError
from storeassist.services.stock_cards import (
    KeptStockLevel,
    answered_stock_at,
    kept_stock_at,
    pick_companions,
    related_categories,
    split_places,
    variant_grid,
)

log = logging.getLogger("storeassist.stock")

#: Results a search shows, at most.
SEARCH_LIMIT = 50
#: Candidates read per companion search (a related category, the brand).
COMPANION_CANDIDATES = 60
#: Seconds the candidates found for one category or brand are reused.
CANDIDATES_KEPT_S = 600.0
#: Category and brand texts whose candidates are kept at once (then all are dropped).
_CANDIDATE_TEXTS = 128

_R = TypeVar("_R")


class FoundProducts(Protocol):
    """What a catalog search found (``storeassist.local`` ``CatalogMatches``)."""

    @property
    def products(self) -> Sequence[Product]: ...

    @property
    def corrected(self) -> str | None: ...


class CatalogCache(Protocol):
    """``storeassist.local.LocalCache`` as the catalog reads use it."""

    def product(self, sku_or_gtin: str) -> Product | None: ...

    def search_products(self, text: str, limit: int = ...) -> FoundProducts: ...

    def catalog_count(self) -> int: ...

    def style_products(self, style: str) -> list[Product]: ...

    def stock_levels(self, sku: str) -> Sequence[KeptStockLevel]: ...

    def available_here_many(self, skus: list[str]) -> Mapping[str, int]: ...


def quietly(read: Callable[[], _R], miss: _R, what: str) -> _R:
    """``read()``, or ``miss`` when the cache cannot be read just now (logged)."""
    try:
        return read()
    except LocalStoreError as exc:
        log.warning("the cached %s could not be read (%s)", what, type(exc).__name__)
        return miss


class CatalogFill:
    """Whether the first fill (or any snapshot) of the catalog is still running, from the sync
    engine's ``snapshot_progress`` (connect :meth:`note` to it)."""

    def __init__(self) -> None:
        self._filling = False

    def note(self, progress: object) -> None:
        self._filling = not bool(getattr(progress, "finished", True))

    def __call__(self) -> bool:
        return self._filling


class CatalogLookups:
    """Search and product cards from the cache. ``waiting`` (units per SKU this tablet asked to
    hold and the hub has not confirmed) is passed in by the desk, read once per answer."""

    def __init__(
        self,
        cache: CatalogCache,
        store_id: int,
        *,
        currency: str,
        fresh_for: timedelta = FRESH_FOR,
        catalog_filling: Callable[[], bool] = lambda: False,
    ) -> None:
        self._cache = cache
        self._store_id = store_id
        self._currency = currency
        self.fresh_for = fresh_for
        self._catalog_filling = catalog_filling
        self._candidates: dict[str, tuple[float, list[Product]]] = {}

    def product(self, sku_or_gtin: str) -> Product | None:
        return quietly(lambda: self._cache.product(sku_or_gtin), None, "product")

    def levels(self, sku: str) -> list[KeptStockLevel]:
        """The product's counts at every kept place (own store, nearest stores, warehouse)."""
        none: list[KeptStockLevel] = []
        return quietly(lambda: list(self._cache.stock_levels(sku)), none, "stock")

    def available_here(self, skus: list[str]) -> dict[str, int]:
        """Units on sale here per SKU; a SKU this store does not stock is left out."""
        if not skus:
            return {}
        none: Mapping[str, int] = {}
        return dict(quietly(lambda: self._cache.available_here_many(skus), none, "stock"))

    def search(self, text: str, limit: int = SEARCH_LIMIT) -> SearchAnswer:
        query = text.strip()
        if not query:
            return SearchAnswer(query=query, hits=(), catalog_filling=self._catalog_filling())
        try:
            found = self._cache.search_products(query, limit)
            products, corrected = list(found.products), found.corrected
        except LocalStoreError as exc:
            log.warning("the catalog could not be searched (%s)", type(exc).__name__)
            products, corrected = [], None
        here = self.available_here([p.sku for p in products])
        hits = tuple(ProductHit(p, here.get(p.sku)) for p in products)
        filling = self._catalog_filling() or (not hits and self._catalog_empty())
        return SearchAnswer(query=query, hits=hits, corrected=corrected, catalog_filling=filling)

    def card(
        self,
        product: Product,
        waiting: Mapping[str, int],
        now: datetime,
        *,
        answer: StockAnswer | None = None,
        companions: bool = True,
    ) -> ProductCard:
        """``product``'s card from the cache; with the hub's ``answer``, the card is ``online`` and
        shows the answer's places only: a kept store it leaves out has nothing on sale now (the hub
        names only stores with some), so its kept count is not shown as if just sent."""
        mine = waiting.get(product.sku, 0)
        places: dict[int, StockAt] = {}
        source: StockSource = "cache"
        if answer is None:
            for level in self.levels(product.sku):
                held_here = mine if level.store_id == self._store_id else 0
                places[level.store_id] = kept_stock_at(level, now, self.fresh_for, waiting=held_here)
        else:
            source, product = "online", answer.product
            for sent, kind in _answered(answer):
                held_here = mine if sent.store_id == self._store_id and kind == "store" else 0
                places[sent.store_id] = answered_stock_at(sent, kind, now, self.fresh_for, waiting=held_here)
        here, nearby, warehouse = split_places(places.values(), self._store_id)
        variants = self._style(product) or [product]
        stocked = self.available_here([v.sku for v in variants])
        if here is not None:  # the card's own count, which the hub may just have sent
            stocked[product.sku] = available(here.on_hand, here.held - mine)
        certain = {product.sku: here.certainty} if here is not None else {}
        return ProductCard(
            product=product,
            currency=self._currency,
            grid=variant_grid(variants, stocked, waiting, certain=certain),
            here=here,
            nearby=nearby,
            warehouse=warehouse,
            companions=self.companions(product, waiting) if companions else (),
            source=source,
            waiting_holds=mine,
        )

    def companions(self, product: Product, waiting: Mapping[str, int]) -> tuple[Companion, ...]:
        """Products to suggest beside ``product``, in stock here (``stock_cards.pick_companions``),
        found with the catalog's search: its related categories and its brand."""
        goes_with: list[Product] = []
        for category in related_categories(product.category):
            goes_with += self._search_products(category)
        same_brand = self._search_products(product.brand)
        stocked = self.available_here(sorted({p.sku for p in (*goes_with, *same_brand)}))
        on_sale = {sku: count - waiting.get(sku, 0) for sku, count in stocked.items()}
        return pick_companions(product, goes_with, same_brand, on_sale)

    def _style(self, product: Product) -> list[Product]:
        none: list[Product] = []
        return quietly(lambda: self._cache.style_products(product.style), none, "style")

    def _search_products(self, text: str) -> list[Product]:
        """Companion candidates for ``text`` (a category, a brand): the catalog's search, kept a
        while per text — a search matching a whole category ranks thousands of rows, and the
        counter reads the same few categories and brands all day. Their stock is read each time."""
        now = time.monotonic()
        kept = self._candidates.get(text)
        if kept is not None and now - kept[0] < CANDIDATES_KEPT_S:
            return kept[1]
        if len(self._candidates) >= _CANDIDATE_TEXTS:
            self._candidates.clear()
        found = self._search_uncached(text)
        self._candidates[text] = (now, found)
        return found

    def _search_uncached(self, text: str) -> list[Product]:
        none: list[Product] = []
        return quietly(
            lambda: list(self._cache.search_products(text, COMPANION_CANDIDATES).products), none, "catalog"
        )

    def _catalog_empty(self) -> bool:
        return quietly(self._cache.catalog_count, 1, "catalog") == 0


def _answered(answer: StockAnswer) -> list[tuple[StockLevel, StoreKind]]:
    found: list[tuple[StockLevel, StoreKind]] = [(level, "store") for level in answer.nearby]
    if answer.here is not None:
        found.insert(0, (answer.here, "store"))
    if answer.warehouse is not None:
        found.append((answer.warehouse, "warehouse"))
    return found
