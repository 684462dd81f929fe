"""The demo's cast: open pickups at every store (every pickup state, several ready ones), and
queries that find customers with a story to show (a ready pickup at store 1, an open complaint,
an abandoned cart, a high tier, a Chinese or Russian name).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from storeassist.hub.db.session import make_engine
from storeassist.hub.seed.orders import PICKUP_DAYS, write_order
from storeassist.hub.seed.people import write_case
from storeassist.hub.seed.world import BlockOutput, World

#: Pickup orders added at every store, whatever the natural history produced.
STORE_PICKUP_CAST = (
    "ready",
    "ready",
    "ready",
    "ready",
    "placed",
    "picking",
    "partially_collected",
    "collected",
    "expired",
    "cancelled",
)


def cast_pickups(world: World, regulars: dict[int, list[int]], id_bases: dict[str, int]) -> BlockOutput:
    """Recent pickup orders in every state at every store, for regular customers of that store;
    the first regular of store 1 also has an open complaint (the demo's opening story)."""
    rng = world.rng("cast")
    out = BlockOutput(id_bases)
    today = world.clock.TODAY
    for store in world.stores:
        people = regulars.get(store.id) or [c for ids in regulars.values() for c in ids][:1]
        if not people:
            continue
        for n, state in enumerate(STORE_PICKUP_CAST):
            customer_id = people[n % len(people)]
            age = {
                "placed": 1,
                "picking": 1,
                "ready": 2 + n % 3,
                "partially_collected": 3,
                "collected": 5,
                "expired": PICKUP_DAYS + 2,
                "cancelled": 3,
            }[state]
            favourites = (world.catalog.category_of[1 + (customer_id * 31) % world.catalog.count],)
            write_order(
                world,
                rng,
                out,
                customer_id,
                "web" if n % 2 else "app",
                today - age,
                favourites,
                store.id,
                forced_state=state,
            )
    first = regulars.get(1)
    if first:
        write_case(world, rng, out, first[0], "open")
    return out


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    id: int
    loyalty_id: str
    story: str  # what to look at, for a person trying the demo (no personal data)


@dataclass(frozen=True, slots=True)
class DemoPickup:
    order_id: int
    number: str
    customer_id: int | None
    state: str


_STORIES = (
    (
        "has a pickup ready here and an open complaint",
        "SELECT c.id, c.loyalty_id FROM customers c JOIN orders o ON o.customer_id = c.id "
        "JOIN service_cases s ON s.customer_id = c.id WHERE o.store_id = :store AND o.pickup_state = 'ready' "
        "AND s.status = 'open' ORDER BY c.id LIMIT 1",
    ),
    (
        "has a pickup ready here",
        "SELECT c.id, c.loyalty_id FROM customers c JOIN orders o ON o.customer_id = c.id "
        "WHERE o.store_id = :store AND o.pickup_state = 'ready' ORDER BY c.id LIMIT 3",
    ),
    (
        "collected part of a pickup here; the rest is waiting",
        "SELECT c.id, c.loyalty_id FROM customers c JOIN orders o ON o.customer_id = c.id "
        "WHERE o.store_id = :store AND o.pickup_state = 'partially_collected' ORDER BY c.id LIMIT 1",
    ),
    (
        "left items in an online cart recently",
        "SELECT c.id, c.loyalty_id FROM customers c JOIN events e ON e.customer_id = c.id "
        "WHERE c.preferred_store_id = :store AND e.kind = 'cart_abandon' ORDER BY c.id LIMIT 1",
    ),
    (
        "is a top-tier member who shops here",
        "SELECT id, loyalty_id FROM customers WHERE preferred_store_id = :store ORDER BY points DESC LIMIT 1",
    ),
    (
        "has a Chinese name",
        "SELECT id, loyalty_id FROM customers WHERE preferred_store_id = :store AND language = 'zh' "
        "ORDER BY id LIMIT 1",
    ),
    (
        "has a Russian name",
        "SELECT id, loyalty_id FROM customers WHERE preferred_store_id = :store AND language = 'ru' "
        "ORDER BY id LIMIT 1",
    ),
    (
        "shops here",
        "SELECT id, loyalty_id FROM customers WHERE preferred_store_id = :store ORDER BY id LIMIT 6",
    ),
)


def demo_cast(db_url: str, n: int = 6, store_id: int = 1) -> list[DemoCustomer]:
    """Up to ``n`` distinct customers worth showing at ``store_id``, the most telling first: the
    first has a ready pickup here (and, in a seeded chain, an open complaint)."""
    found: list[DemoCustomer] = []
    seen: set[int] = set()
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            for story, sql in _STORIES:
                for customer_id, loyalty_id in conn.execute(text(sql), {"store": store_id}):
                    if customer_id not in seen and len(found) < n:
                        seen.add(customer_id)
                        found.append(DemoCustomer(customer_id, loyalty_id, story))
    finally:
        engine.dispose()
    return found


def demo_customers(db_url: str, n: int = 6, store_id: int = 1) -> list[int]:
    """Ids of :func:`demo_cast`."""
    return [c.id for c in demo_cast(db_url, n, store_id)]


def demo_pickups(db_url: str, n: int = 4, store_id: int = 1) -> list[DemoPickup]:
    """Open pickup orders at ``store_id``: ready ones first, then partially collected, placed, picking."""
    sql = text(
        "SELECT id, number, customer_id, pickup_state FROM orders WHERE store_id = :store "
        "AND pickup_state IN ('ready', 'partially_collected', 'placed', 'picking') "
        "ORDER BY CASE pickup_state WHEN 'ready' THEN 0 WHEN 'partially_collected' THEN 1 "
        "WHEN 'placed' THEN 2 ELSE 3 END, id DESC LIMIT :n"
    )
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return [DemoPickup(*row) for row in conn.execute(sql, {"store": store_id, "n": n})]
    finally:
        engine.dispose()
