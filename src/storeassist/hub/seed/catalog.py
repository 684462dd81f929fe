"""Stores, staff, the catalog and per-store stock of the demo chain.

Stores cluster around a few metro areas so "stock nearby" means something; each store has its
metro's time zone, locale and currency (New York in en_US and USD, Moscow in ru_RU and RUB …).
Products are styles in one category and brand, each in several colours × sizes; every variant is
a SKU with a GTIN-13 (valid GS1 check digit), named in English and, in ``names``, in Russian
and Chinese (``seed.translations``). Popularity is Zipf-like over styles, so a few sell a
lot. Prices are one list for the chain, in minor units of whichever currency a store sells in.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate

from storeassist.domain.scan_codes import gtin_with_check_digit
from storeassist.hub.seed.clock import Clock
from storeassist.hub.seed.translations import local_names
from storeassist.hub.seed.vocab import (
    ADJECTIVES,
    BRANDS,
    CATEGORIES,
    COLOURS,
    MATERIALS,
    METROS,
    STORE_HOURS,
    STORE_METRO_CYCLE,
    STREETS,
    Metro,
)

Row = tuple[object, ...]
Emit = Callable[[str, list[Row]], None]

ZIPF_EXPONENT = 1.05
#: GS1 prefix for the demo company; the rest of the 12-digit body is the product id.
GTIN_COMPANY_PREFIX = "40"


@dataclass
class StoreFacts:
    id: int
    metro: Metro
    lat: float
    lon: float
    weight: float  # share of customers who prefer it


@dataclass
class Catalog:
    """What the customer generator needs about products, as flat lists indexed by product id."""

    price: list[int] = field(default_factory=lambda: [0])
    category_of: list[int] = field(default_factory=lambda: [0])
    #: per category: product ids and the cumulative popularity over them
    by_category: list[list[int]] = field(default_factory=list)
    cum_popularity: list[list[float]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.price) - 1


def store_rows(rng: random.Random, count: int) -> tuple[list[Row], list[StoreFacts]]:
    rows: list[Row] = []
    facts: list[StoreFacts] = []
    per_metro: dict[str, int] = {}
    for store_id in range(1, count + 1):
        metro = METROS[STORE_METRO_CYCLE[(store_id - 1) % len(STORE_METRO_CYCLE)]]
        n = per_metro[metro.key] = per_metro.get(metro.key, 0) + 1
        district = metro.districts[(n - 1) % len(metro.districts)]
        if n > len(metro.districts):
            district = f"{district} {n // len(metro.districts) + 1}"
        # The first store of a metro is central; others spread out 2-25 km.
        spread = 0.0 if n == 1 else rng.uniform(0.02, 0.22)
        lat = round(metro.lat + rng.gauss(0, 1) * spread * 0.7, 5)
        lon = round(metro.lon + rng.gauss(0, 1) * spread, 5)
        street = rng.choice(STREETS[metro.language])
        number = rng.randint(1, 480)
        if metro.language == "zh":
            address = f"{metro.city}市{district}{street}{number}号"
        elif metro.language == "ru":
            address = f"{metro.city}, {street}, д. {number}"
        else:
            address = f"{number} {street}, {district}"
        rows.append(
            (
                store_id,
                f"S{store_id:03d}",
                f"Harbor & Pine {district}",
                address,
                metro.city,
                metro.country,
                lat,
                lon,
                metro.timezone,
                STORE_HOURS[store_id % len(STORE_HOURS)],
                metro.locale,
                metro.currency,
            )
        )
        facts.append(StoreFacts(store_id, metro, lat, lon, 2.5 if store_id == 1 else rng.uniform(0.6, 1.6)))
    return rows, facts


STAFF_ROLES = ("manager", "supervisor", "associate", "associate", "associate")


def staff_plan(stores: list[StoreFacts]) -> list[tuple[int, int, str, str]]:
    """(staff id, store id, role, language) per staff member; store 1 also has the chain admin.
    Badges are ``B{1000 + id}`` and, in this demo chain only, the PIN is the badge's digits."""
    plan: list[tuple[int, int, str, str]] = []
    for store in stores:
        roles = STAFF_ROLES + (("admin",) if store.id == 1 else ())
        for role in roles:
            plan.append((len(plan) + 1, store.id, role, store.metro.language))
    return plan


def demo_pin(staff_id: int) -> str:
    """The seeded PIN of a staff member (demo chains only): the digits of their badge."""
    return str(1000 + staff_id)


def catalog_rows(rng: random.Random, count: int, emit: Emit, chunk: int = 50_000) -> Catalog:
    """Emit ``products`` rows for ``count`` SKUs and return the facts the other generators need."""
    catalog = Catalog(by_category=[[] for _ in CATEGORIES], cum_popularity=[[] for _ in CATEGORIES])
    cat_weights = list(accumulate(c.weight for c in CATEGORIES))
    rows: list[Row] = []
    product_id = 0
    style_no = 0
    while product_id < count:
        style_no += 1
        cat_index = _weighted_index(cat_weights, rng.random())
        category = CATEGORIES[cat_index]
        brand = BRANDS[int(len(BRANDS) * rng.random() ** 1.6)]  # a few house brands dominate
        adjective, noun = rng.choice(ADJECTIVES), rng.choice(category.nouns)
        name = f"{adjective} {noun}"
        names = json.dumps(local_names(brand, adjective, noun), ensure_ascii=False, separators=(",", ":"))
        low, high = category.price_range
        price = int(rng.uniform(low, high)) * 100 + rng.choice((0, 50, 95, 99))
        popularity = 1.0 / style_no**ZIPF_EXPONENT
        material = rng.choice(MATERIALS)
        colours = rng.sample(COLOURS, rng.choice((1, 2, 2, 3, 3, 4)))
        if category.sizes:
            start = rng.randint(0, max(0, len(category.sizes) - 4))
            sizes: list[str | None] = list(category.sizes[start : start + rng.randint(3, 6)])
        else:
            sizes = [None]
        style = f"ST{style_no:06d}"
        attributes = f'{{"material": "{material}", "season": "{rng.choice(("SS", "AW", "core"))}"}}'
        for colour, colour_code in colours:
            for size in sizes:
                if product_id >= count:
                    break
                product_id += 1
                middle = 1.6 if size in ("M", "L", "32", "40", "41", "8Y") else 1.0
                sku = f"{style}-{colour_code}" + (f"-{size}" if size else "")
                gtin = gtin_with_check_digit(f"{GTIN_COMPANY_PREFIX}{product_id:010d}")
                rows.append(
                    (
                        product_id,
                        sku,
                        gtin,
                        style,
                        f"{brand} {name}",
                        brand,
                        category.name,
                        price,
                        size,
                        colour,
                        attributes,
                        names,
                    )
                )
                catalog.price.append(price)
                catalog.category_of.append(cat_index)
                catalog.by_category[cat_index].append(product_id)
                cum = catalog.cum_popularity[cat_index]
                cum.append((cum[-1] if cum else 0.0) + popularity * middle)
        if len(rows) >= chunk:
            emit("products", rows)
            rows = []
    if rows:
        emit("products", rows)
    return catalog


def _weighted_index(cumulative: list[float], u: float) -> int:
    target = u * cumulative[-1]
    for i, c in enumerate(cumulative):
        if target < c:
            return i
    return len(cumulative) - 1


def inventory_rows(
    rng: random.Random,
    clock: Clock,
    stores: list[StoreFacts],
    catalog: Catalog,
    emit: Emit,
    chunk: int = 200_000,
) -> int:
    """Stock of every SKU a store carries. Big sellers are carried everywhere and deeper; most
    counts were updated within the last two days, a few are stale (a week or more old)."""
    random_ = rng.random
    ts = clock.ts
    today = clock.TODAY
    # A product's rank within its category decides how widely it is carried.
    carry = [0.0] * (catalog.count + 1)
    for ids in catalog.by_category:
        n = len(ids)
        for rank, pid in enumerate(ids):
            carry[pid] = 0.95 - 0.6 * rank / max(1, n)
    written = 0
    for store in stores:
        breadth = 0.75 + 0.25 * min(1.0, store.weight / 1.6)
        rows: list[Row] = []
        append = rows.append
        for pid in range(1, catalog.count + 1):
            if random_() > carry[pid] * breadth:
                continue
            u = random_()
            on_hand = 0 if u < 0.07 else int(1 + 24 * carry[pid] * random_() * random_() * 3)
            age = random_()
            # Most counts are from the last two days; one in twenty is stale (a week to a month).
            day = today - 7 - int(random_() * 30) if age < 0.05 else today - 1 - int(age * age * 2)
            append((store.id, pid, on_hand, 0, ts(day, int(random_() * 1440), int(random_() * 60))))
            if len(rows) >= chunk:
                emit("inventory", rows)
                written += len(rows)
                rows = []
                append = rows.append
        if rows:
            emit("inventory", rows)
            written += len(rows)
    return written


#: The chain's warehouse (``stores.kind``): after the stores, with no staff or customers.
WAREHOUSE_CODE = "DC1"


def warehouse_row(store_id: int, near: StoreFacts) -> Row:
    """The warehouse's ``stores`` row, 25-35 km out of the first store's metro."""
    metro = near.metro
    return (
        store_id,
        WAREHOUSE_CODE,
        "Harbor & Pine Distribution Centre",
        "1 Logistics Park",
        metro.city,
        metro.country,
        round(metro.lat + 0.21, 5),
        round(metro.lon + 0.28, 5),
        metro.timezone,
        "00:00-24:00",
        metro.locale,
        metro.currency,
        "warehouse",
    )


def warehouse_inventory_rows(
    clock: Clock, warehouse_id: int, catalog: Catalog, emit: Emit, chunk: int = 200_000
) -> int:
    """Deep stock of every SKU at the warehouse (derived from the product id: no random draws),
    counted yesterday evening."""
    at = clock.ts(clock.TODAY - 1, 20 * 60)
    rows: list[Row] = []
    for pid in range(1, catalog.count + 1):
        rows.append((warehouse_id, pid, 40 + (pid * 7919) % 460, 0, at))
        if len(rows) >= chunk:
            emit("inventory", rows)
            rows = []
    if rows:
        emit("inventory", rows)
    return catalog.count
