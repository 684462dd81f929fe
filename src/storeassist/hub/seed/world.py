"""What every part of the generator shares: the clock, the stores, the catalog, the scale, and the
row buffers and id counters one block of customers writes into.

A :class:`World` is built once per run from the seed and is picklable, so worker processes can
generate customer blocks; each block has its own random stream, so the data do not depend on how
blocks are spread over processes.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate

from storeassist.hub.seed.catalog import Catalog, Row, StoreFacts
from storeassist.hub.seed.clock import Clock
from storeassist.hub.seed.vocab import AFFINITY, CATEGORIES

#: Customers per block; fixed so a seed gives the same data at any worker count.
BLOCK_CUSTOMERS = 20_000

#: The tables a customer block writes, with their columns in insert order.
BLOCK_TABLES: dict[str, tuple[str, ...]] = {
    "customers": (
        "id",
        "loyalty_id",
        "name",
        "name_key",
        "email",
        "phone",
        "language",
        "address",
        "points",
        "member_since",
        "preferred_store_id",
        "preferred_channel",
        "sizes",
        "preferences",
        "consent_email",
        "consent_sms",
        "consent_push",
        "consent_post",
        "card_serial",
        "lifetime_value_cents",
    ),
    "card_revocations": ("customer_id", "serial", "revoked_at"),
    "points_ledger": ("id", "customer_id", "at", "delta", "reason"),
    "orders": (
        "id",
        "number",
        "customer_id",
        "channel",
        "placed_at",
        "status",
        "fulfilment",
        "store_id",
        "pickup_state",
        "pickup_deadline",
        "total_cents",
    ),
    "order_lines": (
        "order_id",
        "line_no",
        "product_id",
        "qty",
        "price_cents",
        "qty_collected",
        "qty_returned",
    ),
    "tenders": ("id", "order_id", "kind", "amount_cents"),
    "returns": ("id", "order_id", "customer_id", "store_id", "at", "refund_cents", "reason"),
    "return_lines": (
        "id",
        "return_id",
        "order_id",
        "line_no",
        "qty",
        "reason",
        "condition",
        "disposition",
        "goods_cents",
        "fee_cents",
        "refund_cents",
    ),
    "tender_refunds": ("id", "tender_id", "order_id", "return_id", "amount_cents", "status", "at"),
    "events": ("id", "customer_id", "at", "kind", "channel", "product_id", "rating"),
    "service_cases": ("id", "customer_id", "opened_at", "status", "subject", "sentiment", "order_id"),
    "holds": ("id", "customer_id", "product_id", "store_id", "qty", "placed_at", "expires_at", "status"),
}

#: Tables whose integer ``id`` is assigned by the block (counters below); customers are by range.
COUNTED = (
    "points_ledger",
    "orders",
    "tenders",
    "returns",
    "return_lines",
    "tender_refunds",
    "events",
    "service_cases",
)


def random_stream(seed: int, *stream: object) -> random.Random:
    """An independent, reproducible random stream for one part of the data."""
    return random.Random(f"{seed}:" + ":".join(map(str, stream)))


@dataclass
class Scale:
    stores: int
    products: int
    customers: int
    orders_per_customer: float
    events_per_customer: float

    @classmethod
    def for_sizes(cls, stores: int, products: int, customers: int) -> Scale:
        # Rich histories for small demo chains; modest ones at a million customers to stay fast.
        big = customers > 100_000
        return cls(stores, products, customers, 2.0 if big else 4.0, 3.0 if big else 8.0)


@dataclass
class World:
    seed: int
    clock: Clock
    scale: Scale
    stores: list[StoreFacts]
    catalog: Catalog
    store_cum: list[float] = field(default_factory=list)
    stores_by_metro: dict[str, list[int]] = field(default_factory=dict)
    category_cum: list[float] = field(default_factory=list)
    affine: list[tuple[int, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.store_cum = list(accumulate(s.weight for s in self.stores))
        for s in self.stores:
            self.stores_by_metro.setdefault(s.metro.key, []).append(s.id)
        self.category_cum = list(accumulate(c.weight for c in CATEGORIES))
        index = {c.name: i for i, c in enumerate(CATEGORIES)}
        self.affine = [tuple(index[name] for name in AFFINITY[c.name]) for c in CATEGORIES]

    def rng(self, *stream: object) -> random.Random:
        return random_stream(self.seed, *stream)

    def pick_store(self, u: float) -> StoreFacts:
        return self.stores[bisect(self.store_cum, u * self.store_cum[-1])]

    def pick_category(self, u: float) -> int:
        return bisect(self.category_cum, u * self.category_cum[-1])

    def pick_product(self, category: int, u: float) -> int:
        """A product of ``category``, popular ones far more often (Zipf-like)."""
        cum = self.catalog.cum_popularity[category]
        if not cum:
            return 1 + int(u * self.catalog.count)
        return self.catalog.by_category[category][bisect(cum, u * cum[-1])]


class BlockOutput:
    """Rows of one customer block, by table, and the next free id per counted table."""

    def __init__(self, id_bases: dict[str, int]) -> None:
        self.rows: dict[str, list[Row]] = {table: [] for table in BLOCK_TABLES}
        self.next_id = dict(id_bases)
        #: customers per store, first few, for the demo pickups
        self.regulars: dict[int, list[int]] = {}

    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in self.rows.items()}
