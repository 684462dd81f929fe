"""Stores, products and stock.

Prices are minor units in the currency of the store an answer is for (``StoreInfo.currency``):
the chain keeps one price list, and each store sells in its own currency.

**Who gets the stock desk's fields.** The stock desk's release added fields to :class:`Product`
(:data:`STOCK_DESK_PRODUCT_FIELDS`: its name in the catalog's other languages, its attributes), to
:class:`StockAnswer` (``warehouse``) and to the change feed (``contract.sync``). A tablet of the
release before refuses unknown fields, so the hub sends them only to a client that lists
``stock_desk`` in ``X-StoreAssist-Results`` (``contract.commands.RESULTS_WITH_STOCK_DESK``), as it
does the pickup fields of orders. Every new field has a default, so this release reads either shape.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from storeassist.contract.common import (
    Cents,
    Count,
    CurrencyCode,
    EntityId,
    LocaleName,
    NextPage,
    TimeZoneName,
    Units,
    WireModel,
)


class StoreInfo(WireModel):
    """A store, and how its tablets write for its people: ``locale`` (numbers, dates, the
    currency's symbol), ``currency`` (of every amount an answer for this store carries) and
    ``timezone`` (the clock times are shown in)."""

    id: EntityId
    code: str
    name: str
    address: str
    city: str
    country: str
    lat: float
    lon: float
    timezone: TimeZoneName
    hours: str
    locale: LocaleName
    currency: CurrencyCode


#: A language of the catalog, as ISO 639-1 ("ru", "zh").
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
#: A product's name in another language of the catalog.
LocalName = Annotated[str, Field(min_length=1, max_length=160)]
AttributeName = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
AttributeValue = Annotated[str, Field(max_length=80)]


class Product(WireModel):
    sku: str
    gtin: str = Field(description="GTIN-13 with a valid check digit (a UPC-A is zero-padded)")
    style: str = Field(description="parent style; variants share it")
    name: str
    brand: str
    category: str
    price_cents: Cents
    size: str | None = None
    colour: str | None = None
    names: dict[LanguageCode, LocalName] = Field(
        default={},
        max_length=16,
        description="the name in the catalog's other languages, by language (stock_desk)",
    )
    attributes: dict[AttributeName, AttributeValue] = Field(
        default={}, max_length=16, description="material, season … (stock_desk)"
    )


#: The fields of :class:`Product` only a client that reads ``stock_desk`` is sent.
STOCK_DESK_PRODUCT_FIELDS = ("names", "attributes")


class ProductPage(WireModel):
    items: list[Product]
    next_page: NextPage | None = None


class StockLevel(WireModel):
    store_id: EntityId
    store_name: str
    distance_km: float = Field(ge=0)
    on_hand: Count
    held: Count = 0
    as_of: AwareDatetime


class StockAnswer(WireModel):
    product: Product
    here: StockLevel | None
    nearby: list[StockLevel] = Field(description="other stores with stock, nearest first")
    warehouse: StockLevel | None = Field(
        default=None, description="the chain's warehouse, which ships to a customer or a store (stock_desk)"
    )


#: The fields of :class:`StockAnswer` only a client that reads ``stock_desk`` is sent.
STOCK_DESK_ANSWER_FIELDS = ("warehouse",)

StoreKind = Literal["store", "warehouse"]


class NearbyStore(WireModel):
    """A place whose stock a tablet keeps: its own store (distance 0), the stores nearest it, and
    the warehouse (``kind``), with its distance from the tablet's store."""

    id: EntityId
    name: str
    kind: StoreKind = "store"
    distance_km: float = Field(ge=0)


#: Seconds since 1970 (UTC), as a whole number: compact, for the many rows of the feed's stock.
EpochSeconds = Annotated[int, Field(strict=True, ge=0, le=2**40)]

#: One count of the feed's stock, compact because a snapshot carries hundreds of thousands:
#: ``(sku, store_id, on_hand, held, as_of)``; the units on sale are ``on_hand - held``.
StockCount = tuple[str, EntityId, Count, Count, EpochSeconds]


HoldStatus = Literal["active", "expired", "released", "collected"]


class StoreHold(WireModel):
    """A hold at a store, as the store's list shows it. An ended hold (expired or released) whose
    units are not back on the floor yet is a task for the floor (``put_back_at`` is None)."""

    id: str = Field(min_length=1, max_length=36, description="the id of the command that placed it")
    sku: str
    product_name: str
    size: str | None = None
    colour: str | None = None
    customer_id: EntityId
    customer_name: str
    qty: Units
    placed_at: AwareDatetime
    expires_at: AwareDatetime
    status: HoldStatus
    ended_at: AwareDatetime | None = None
    put_back_at: AwareDatetime | None = None


class StoreHolds(WireModel):
    """``GET /v1/stores/{id}/holds``: active holds, soonest to expire first, then holds that ended
    in the last 7 days, newest first. ``as_of`` is when the hub read them."""

    as_of: AwareDatetime
    holds: list[StoreHold]
