"""How the stock desk makes a product card from what the tablet holds: each count with its age and
certainty, the style's size × colour grid, and the companions to suggest.

Pure functions over what the cache (or the hub) answered; :mod:`storeassist.services.stock_desk`
reads and calls them. A count is never stated beyond what it is: its time travels with it, and
the units this tablet has asked to hold (not yet confirmed) are already off sale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from storeassist.contract import Product
from storeassist.contract.catalog import StoreKind
from storeassist.domain.stock import (
    Certainty,
    Companion,
    StockAt,
    VariantCell,
    VariantGrid,
    certainty,
    is_nearby,
    ordered_sizes,
    seasons_clash,
)

#: Categories a shopper often takes with one another: a companion of another category comes from
#: these (the catalog's category names). A category not listed has only same-brand companions.
GOES_WITH: Mapping[str, tuple[str, ...]] = {
    "Tops": ("Jeans", "Trousers", "Accessories"),
    "Shirts": ("Trousers", "Knitwear", "Shoes"),
    "Knitwear": ("Shirts", "Jeans", "Outerwear"),
    "Dresses": ("Shoes", "Bags", "Accessories"),
    "Jeans": ("Tops", "Shoes", "Knitwear"),
    "Trousers": ("Shirts", "Shoes", "Knitwear"),
    "Outerwear": ("Knitwear", "Accessories", "Shoes"),
    "Activewear": ("Shoes", "Underwear", "Bags"),
    "Shoes": ("Jeans", "Activewear", "Accessories"),
    "Bags": ("Accessories", "Dresses"),
    "Accessories": ("Outerwear", "Bags", "Knitwear"),
    "Underwear": ("Sleepwear", "Tops"),
    "Sleepwear": ("Underwear", "Home"),
    "Kids": ("Kids", "Shoes"),
    "Home": ("Sleepwear", "Beauty"),
    "Beauty": ("Home", "Bags"),
}
#: Companions shown on a card, at most.
MAX_COMPANIONS = 6


class CountedStock(Protocol):
    """A count of one product at one place, kept (``storeassist.local`` ``CachedStockLevel``) or just
    sent by the hub (``contract.StockLevel``), as read here."""

    @property
    def store_id(self) -> int: ...
    @property
    def store_name(self) -> str: ...
    @property
    def distance_km(self) -> float: ...
    @property
    def on_hand(self) -> int: ...
    @property
    def held(self) -> int: ...
    @property
    def as_of(self) -> datetime: ...


class KeptStockLevel(CountedStock, Protocol):
    """A count the cache keeps, which also says what kind of place it is."""

    @property
    def kind(self) -> str: ...


def kept_stock_at(level: KeptStockLevel, now: datetime, fresh_for: timedelta, *, waiting: int = 0) -> StockAt:
    """A cached count as the card shows it; ``waiting`` units held here, not yet confirmed, are
    counted as held already."""
    kind: StoreKind = "warehouse" if level.kind == "warehouse" else "store"
    return answered_stock_at(level, kind, now, fresh_for, waiting=waiting)


def answered_stock_at(
    level: CountedStock, kind: StoreKind, now: datetime, fresh_for: timedelta, *, waiting: int = 0
) -> StockAt:
    """A count (the hub's, ``GET /v1/stock``, or a kept one) at a place of ``kind`` as the card shows it."""
    return StockAt(
        store_id=level.store_id,
        store_name=level.store_name,
        kind=kind,
        distance_km=level.distance_km,
        on_hand=level.on_hand,
        held=level.held + waiting,
        as_of=level.as_of,
        certainty=certainty(level.as_of, now, fresh_for),
    )


def split_places(
    places: Iterable[StockAt], own_store_id: int
) -> tuple[StockAt | None, tuple[StockAt, ...], StockAt | None]:
    """(here, the other stores nearby — within ``domain.stock.NEARBY_KM`` — nearest first, the
    warehouse) of a product's counts; a kept store farther away is left out."""
    here: StockAt | None = None
    warehouse: StockAt | None = None
    nearby: list[StockAt] = []
    for place in places:
        if place.store_id == own_store_id and place.kind == "store":
            here = place
        elif place.kind == "warehouse":
            warehouse = warehouse or place
        elif is_nearby(place.distance_km):
            nearby.append(place)
    nearby.sort(key=lambda p: (p.distance_km, p.store_name, p.store_id))
    return here, tuple(nearby), warehouse


def variant_grid(
    variants: Iterable[Product],
    available_here: Mapping[str, int],
    waiting: Mapping[str, int],
    *,
    certain: Mapping[str, Certainty] | None = None,
) -> VariantGrid:
    """The style's size × colour grid: each cell the variant's SKU and units on sale here (None:
    not stocked here), less the units this tablet asked to hold. Sizes as a rack shows them,
    colours in alphabetical order. Two variants on one cell (a catalog mistake): the first SKU."""
    cells: dict[tuple[str | None, str | None], VariantCell] = {}
    for product in sorted(variants, key=lambda p: p.sku):
        key = (product.size, product.colour)
        if key in cells:
            continue
        count = available_here.get(product.sku)
        if count is not None:
            count = max(0, count - waiting.get(product.sku, 0))
        cells[key] = VariantCell(
            sku=product.sku,
            size=product.size,
            colour=product.colour,
            available_here=count,
            certainty=(certain or {}).get(product.sku),
        )
    sizes = tuple(ordered_sizes(size for size, _ in cells))
    colours = tuple(sorted({colour for _, colour in cells}, key=lambda c: (c is None, c or "")))
    return VariantGrid(sizes=sizes, colours=colours, cells=cells)


def related_categories(category: str) -> tuple[str, ...]:
    """Categories whose products go with one of ``category`` (none for an unknown category)."""
    return GOES_WITH.get(category, ())


def pick_companions(
    product: Product,
    goes_with: Sequence[Product],
    same_brand: Sequence[Product],
    available_here: Mapping[str, int],
    *,
    limit: int = MAX_COMPANIONS,
) -> tuple[Companion, ...]:
    """Up to ``limit`` products to suggest beside ``product``, each in stock here and of another
    style and not of the opposite season: first from the related categories (``goes_with``, at
    most two per category, most on sale first), then of the same brand in another category
    (``same_brand``). One per style.

    Reasons: ``goes_with`` with ``category`` (``product``'s, the one it goes with), ``same_brand``
    with ``brand``."""
    chosen: list[Companion] = []
    styles = {product.style}
    related = related_categories(product.category)

    def stocked(candidates: Iterable[Product]) -> list[Product]:
        found = [
            c
            for c in candidates
            if c.style not in styles and available_here.get(c.sku, 0) > 0 and not seasons_clash(product, c)
        ]
        return sorted(found, key=lambda c: (-available_here[c.sku], c.sku))

    per_category: dict[str, int] = {}
    for candidate in stocked(c for c in goes_with if c.category in related):
        if len(chosen) >= limit:
            break
        if candidate.style in styles or per_category.get(candidate.category, 0) >= 2:
            continue
        per_category[candidate.category] = per_category.get(candidate.category, 0) + 1
        styles.add(candidate.style)
        chosen.append(
            Companion(candidate, available_here[candidate.sku], "goes_with", {"category": product.category})
        )
    for candidate in stocked(
        c for c in same_brand if c.brand == product.brand and c.category != product.category
    ):
        if len(chosen) >= limit:
            break
        if candidate.style in styles:
            continue
        styles.add(candidate.style)
        chosen.append(
            Companion(candidate, available_here[candidate.sku], "same_brand", {"brand": product.brand})
        )
    return tuple(chosen)
