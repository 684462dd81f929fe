"""Stores, products and stock."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from storeassist.contract.common import Cents, Count, EntityId, NextPage, WireModel


class StoreInfo(WireModel):
    id: EntityId
    code: str
    name: str
    address: str
    city: str
    country: str
    lat: float
    lon: float
    timezone: str
    hours: str


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
    as_of: datetime


class StockAnswer(WireModel):
    product: Product
    here: StockLevel | None
    nearby: list[StockLevel] = Field(description="other stores with stock, nearest first")
