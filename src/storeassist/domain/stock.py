"""What the stock desk shows and what it refuses: search hits, a product card (its size × colour
grid, the stock of this store, the stores nearest it and the warehouse, each count with its age),
holds, endless-aisle orders, and the typed errors the screen turns into a sentence.

The stock desk service (``storeassist.services.stock_desk``) makes these; the Stock screen reads
them. Pure Python: no Qt, HTTP or SQL.

**How sure a count is.** A count is a fact only while it is fresh: one older than
:data:`FRESH_FOR` (the store's setting may change it) is shown as uncertain, with its age, never
as a number to promise. The units on sale are ``on_hand - held`` (held: for holds and pickups).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from storeassist.contract.catalog import HoldStatus, Product, StoreKind

#: A count older than this is uncertain: shown with its age, as "about", never as fact.
FRESH_FOR = timedelta(hours=72)
#: How far another store may be to count as nearby: a shopper can get there, it sells in the same
#: money. The hub's suggestions use the same radius ("in stock within 80 km").
NEARBY_KM = 80.0
#: Where an answer came from: the hub just now, or this tablet's cache.
StockSource = Literal["online", "cache"]
Certainty = Literal["fresh", "uncertain"]
#: What became of a hold, a release, an extension or an order: applied at the hub, queued here
#: (offline: it goes when the hub answers), refused, or in conflict (stock gone meanwhile).
ActionStatus = Literal["confirmed", "waiting", "refused", "conflict"]


def available(on_hand: int, held: int) -> int:
    """Units on sale: on hand, less those held for customers and pickups (never below 0)."""
    return max(0, on_hand - held)


def is_nearby(distance_km: float) -> bool:
    """Whether another store this far away is one to send a shopper to (:data:`NEARBY_KM`)."""
    return distance_km <= NEARBY_KM


#: The seasons a collection is made for; "core" goes with either.
_OPPOSITE_SEASON = {"SS": "AW", "AW": "SS"}


def seasons_clash(one: Product, other: Product) -> bool:
    """Whether two products are of opposite seasons (spring/summer against autumn/winter): sandals
    are no companion for a puffer jacket. A product without a season clashes with nothing."""
    season = one.attributes.get("season")
    return season is not None and other.attributes.get("season") == _OPPOSITE_SEASON.get(season)


def certainty(as_of: datetime, now: datetime, fresh_for: timedelta = FRESH_FOR) -> Certainty:
    """Whether a count taken at ``as_of`` may be stated as fact at ``now``."""
    return "fresh" if now - as_of <= fresh_for else "uncertain"


#: Letter sizes in the order a shopper reads them; anything else sorts after them.
_LETTER_SIZES = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL")
_NUMBER = re.compile(r"^(\d+(?:[.,]\d+)?)")


def size_sort_key(size: str | None) -> tuple[int, float, str]:
    """Sizes as a rack shows them: letter sizes small to large, then numbers (38, 40, 42 …,
    ``8Y``), then any other text; no size last."""
    if size is None:
        return (3, 0.0, "")
    upper = size.upper()
    if upper in _LETTER_SIZES:
        # The text breaks a tie ("M" and "m"), so the order never depends on a set's.
        return (0, float(_LETTER_SIZES.index(upper)), size)
    number = _NUMBER.match(size)
    if number:
        return (1, float(number.group(1).replace(",", ".")), size)
    return (2, 0.0, size)


def ordered_sizes(sizes: Iterable[str | None]) -> list[str | None]:
    """The distinct sizes, in :func:`size_sort_key` order."""
    return sorted(set(sizes), key=size_sort_key)


@dataclass(frozen=True)
class ProductHit:
    """One search result, with the units on sale here (None: this store does not stock it)."""

    product: Product
    available_here: int | None


@dataclass(frozen=True)
class SearchAnswer:
    """What a search found in the cached catalog, best first."""

    query: str
    hits: tuple[ProductHit, ...]
    #: The query as corrected when it found nothing as typed ("jaket" → "jacket"), else None.
    corrected: str | None = None
    #: The catalog is still being filled by the first sync: results may be missing.
    catalog_filling: bool = False


@dataclass(frozen=True)
class StockAt:
    """The stock of one product at one place, with how old and how sure the count is."""

    store_id: int
    store_name: str
    kind: StoreKind
    distance_km: float
    on_hand: int
    held: int
    as_of: datetime
    certainty: Certainty

    @property
    def available(self) -> int:
        return available(self.on_hand, self.held)


@dataclass(frozen=True)
class VariantCell:
    """One size × colour of a style: its SKU and the units on sale here (None: not stocked here)."""

    sku: str
    size: str | None
    colour: str | None
    available_here: int | None
    certainty: Certainty | None = None


@dataclass(frozen=True)
class VariantGrid:
    """A style's variants: ``cells[(size, colour)]``; sizes and colours in display order."""

    sizes: tuple[str | None, ...]
    colours: tuple[str | None, ...]
    cells: Mapping[tuple[str | None, str | None], VariantCell]


@dataclass(frozen=True)
class Companion:
    """A product to suggest beside this one, in stock here, and why (``reason_code`` with
    ``reason_params``, worded by the screen: ``same_style_family``, ``same_brand``, ``goes_with``)."""

    product: Product
    available_here: int
    reason_code: str
    reason_params: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class ProductCard:
    """A product as the counter shows it."""

    product: Product
    #: The store's currency, of ``product.price_cents``.
    currency: str
    grid: VariantGrid
    here: StockAt | None
    #: Other stores whose stock this tablet keeps (or the hub just sent), nearest first.
    nearby: tuple[StockAt, ...]
    warehouse: StockAt | None
    companions: tuple[Companion, ...]
    source: StockSource
    #: Units this tablet has asked to hold and the hub has not confirmed yet (already less on sale).
    waiting_holds: int = 0


@dataclass(frozen=True)
class HoldRow:
    """One hold in the store's list. ``waiting_to_sync``: placed, released or extended here and not
    confirmed by the hub yet (shown as the tablet expects it to be)."""

    id: str
    sku: str
    product_name: str
    size: str | None
    colour: str | None
    customer_id: int
    customer_name: str
    qty: int
    placed_at: datetime
    expires_at: datetime
    status: HoldStatus
    ended_at: datetime | None = None
    put_back_at: datetime | None = None
    waiting_to_sync: bool = False

    @property
    def to_put_back(self) -> bool:
        """An ended hold whose units are still off the floor: a task for the floor."""
        return self.status in ("expired", "released") and self.put_back_at is None


@dataclass(frozen=True)
class HoldBoard:
    """This store's holds as shown: active first (soonest to expire), then ended ones."""

    holds: tuple[HoldRow, ...]
    as_of: datetime | None
    source: StockSource

    @property
    def active(self) -> tuple[HoldRow, ...]:
        return tuple(h for h in self.holds if h.status == "active")

    @property
    def to_put_back(self) -> tuple[HoldRow, ...]:
        return tuple(h for h in self.holds if h.to_put_back)


@dataclass(frozen=True)
class ActionReceipt:
    """What became of a hold, a release, an extension, a put-back or an endless-aisle order.

    ``code`` and ``params`` are the hub's result code when refused or in conflict (``not_enough_stock``
    with ``available``, ``hold_at_another_store`` …); ``reference`` is the hold id or the order
    number once known (an order taken offline has its number when the hub has answered)."""

    status: ActionStatus
    reference: str | None = None
    code: str | None = None
    params: Mapping[str, str | int] = field(default_factory=dict)
    expires_at: datetime | None = None


class ProductNotFound(LookupError):
    """No product in the catalog has that barcode or SKU: the screen offers a search for it."""

    def __init__(self, code: str) -> None:
        super().__init__("no product has that barcode or SKU")
        self.code = code


class StockActionInvalid(ValueError):
    """A hold, release, extension or order refused on the tablet before anything was written.

    ``code`` is a result code of ``contract.RESULT_CODES`` (``not_enough_stock`` with ``sku``,
    ``available`` and ``requested``; ``hold_at_another_store``; ``source_is_here`` …) or
    ``no_customer`` / ``catalog_unknown_sku``; ``params`` are what the sentence needs."""

    def __init__(self, code: str, params: Mapping[str, str | int] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params: Mapping[str, str | int] = dict(params or {})
