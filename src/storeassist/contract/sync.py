"""The device cache feed: a snapshot and then deltas, paged by an opaque cursor.

A tablet that reads ``stock_desk`` (``X-StoreAssist-Results``) gets the stock of its own store, of
the stores nearest it and of the warehouse as compact ``stock_counts`` (``contract.catalog.StockCount``)
with the places they are for in ``stores``, and the snapshot's ``progress``; a tablet of the release
before gets its own store's stock in ``stock``, as it did.
"""

from __future__ import annotations

from pydantic import Field

from storeassist.contract.catalog import NearbyStore, Product, StockCount, StockLevel
from storeassist.contract.common import CardSerial, Count, EntityId, WireModel
from storeassist.contract.customers import CustomerProfile
from storeassist.contract.orders import Order


class RevokedCard(WireModel):
    customer_id: EntityId
    serial: CardSerial


class FeedProgress(WireModel):
    """How far a snapshot has come: items sent so far (products, stock counts, orders, customers)
    of about ``total``, counted when the snapshot began, so a tablet can show a count and a time left."""

    done: Count
    total: Count


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
    stores: list[NearbyStore] = Field(
        default=[],
        description="the places whose stock the device keeps, with their distance; sent with the snapshot's "
        "first stock page and whenever they change, replacing the list (stock_desk)",
    )
    stock_counts: list[StockCount] = Field(
        default=[], description="(sku, store_id, on_hand, held, as_of) of the stores in `stores` (stock_desk)"
    )
    progress: FeedProgress | None = Field(default=None, description="during a snapshot (stock_desk)")


#: The fields of :class:`ChangeFeed` only a client that reads ``stock_desk`` is sent.
STOCK_DESK_FEED_FIELDS = ("stores", "stock_counts", "progress")
