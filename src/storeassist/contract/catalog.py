"""Stores, products and stock.

Prices are minor units in the currency of the store an answer is for (``StoreInfo.currency``):
the chain keeps one price list, and each store sells in its own currency.
"""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from storeassist.contract.common import (
    Cents,
    Count,
    CurrencyCode,
    EntityId,
    LocaleName,
    NextPage,
    TimeZoneName,
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
