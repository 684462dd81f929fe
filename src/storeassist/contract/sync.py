"""The device cache feed: a snapshot and then deltas, paged by an opaque cursor."""

from __future__ import annotations

from pydantic import Field

from storeassist.contract.catalog import Product, StockLevel
from storeassist.contract.common import CardSerial, EntityId, WireModel
from storeassist.contract.customers import CustomerProfile
from storeassist.contract.orders import Order


class RevokedCard(WireModel):
    customer_id: EntityId
    serial: CardSerial


class ChangeFeed(WireModel):
    """One page of changes after ``cursor``. A device starts with ``cursor=""`` (the snapshot)
    and repeats with the returned cursor while ``has_more``; later calls return only deltas."""

    cursor: str = Field(max_length=512, description="opaque; send it back as it is")
    has_more: bool
    # Plain ``[]`` defaults (pydantic copies them per instance) keep ``"default": []`` in the
    # published schema, which ``default_factory`` would drop.
    products: list[Product] = []  # noqa: RUF012
    stock: list[tuple[str, StockLevel]] = Field(default=[], description="(sku, level) for this store")
    pickups: list[Order] = []  # noqa: RUF012
    customers: list[CustomerProfile] = Field(default=[], description="recently active and pickup customers")
    revoked: list[RevokedCard] = []  # noqa: RUF012
