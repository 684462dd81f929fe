"""A deterministic, realistic demo chain for the hub: ``seed_chain(db_url, stores=…, products=…,
customers=…, seed=…)``.

The same seed and sizes give the same rows (the signing key excepted: it is always fresh, so a
seed number never lets anyone forge codes). Dates are relative to the seeding day (``today``).
Staff badges are ``B{1000 + staff id}``; in a seeded demo chain each PIN is the badge's digits,
and each open pickup's six-digit code is :func:`pickup_code_for` its order id.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import inspect, text

from storeassist.hub.db import schema
from storeassist.hub.db.models import Base
from storeassist.hub.db.session import make_engine, normalise_url
from storeassist.hub.keys import new_signing_key
from storeassist.hub.seed.catalog import (
    Row,
    catalog_rows,
    demo_pin,
    inventory_rows,
    staff_plan,
    store_rows,
    warehouse_inventory_rows,
    warehouse_row,
)
from storeassist.hub.seed.clock import Clock
from storeassist.hub.seed.demo import (
    DemoCustomer,
    DemoPickup,
    cast_pickups,
    demo_cast,
    demo_customers,
    demo_pickups,
)
from storeassist.hub.seed.holds import finish_holds
from storeassist.hub.seed.loader import FIXED_TABLES, CoreLoader, SqliteLoader, sqlite_path
from storeassist.hub.seed.parallel import generate_customer_blocks
from storeassist.hub.seed.people import person_name
from storeassist.hub.seed.pickups import finish_pickups, pickup_code_for
from storeassist.hub.seed.world import BLOCK_TABLES, COUNTED, Scale, World, random_stream
from storeassist.hub.staff_pins import hash_pin

__all__ = [
    "DemoCustomer",
    "DemoPickup",
    "SeedReport",
    "SeedTargetNotEmpty",
    "demo_cast",
    "demo_customers",
    "demo_pickups",
    "demo_pin",
    "pickup_code_for",
    "seed_chain",
]


#: Below this many customers one process is quicker than starting workers.
PARALLEL_FROM_CUSTOMERS = 100_000


class SeedTargetNotEmpty(RuntimeError):
    """The database already holds a chain; seeding refuses to mix two."""


@dataclass
class SeedReport:
    db_url: str
    seed: int
    stores: int
    products: int
    customers: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        counts = ", ".join(f"{table} {n:,}" for table, n in sorted(self.rows.items()) if n)
        return f"seeded in {self.seconds:.1f} s: {counts}"


def seed_chain(
    db_url: str,
    *,
    stores: int = 5,
    products: int = 500,
    customers: int = 2000,
    seed: int = 7,
    today: date | None = None,
    replace: bool = False,
    workers: int | None = None,
) -> SeedReport:
    """Build a demo chain in an empty database (or, with ``replace``, a fresh one) at schema head.

    ``workers`` customer-generating processes (default: one per CPU for large chains, none for
    small ones) change only the speed, never the rows.
    """
    if stores < 1 or products < 1 or customers < 1:
        raise ValueError("a chain needs at least one store, product and customer")
    started = time.perf_counter()
    url = normalise_url(db_url)
    _prepare_target(url, replace)
    schema.upgrade(url)
    report = SeedReport(url, seed, stores, products, customers)
    phases = report.phases
    clock = Clock(today or datetime.now(UTC).date())
    store_table, store_facts = store_rows(random_stream(seed, "stores"), stores)
    # The warehouse comes after the stores: no staff, customers or pickups (only stores have facts).
    warehouse_id = stores + 1
    store_table = [(*row, "store") for row in store_table] + [warehouse_row(warehouse_id, store_facts[0])]

    columns = {**FIXED_TABLES, **BLOCK_TABLES}
    path = sqlite_path(url)
    engine = None
    if path is not None:
        loader: SqliteLoader | CoreLoader = SqliteLoader(path, columns)
    else:
        engine = make_engine(url)
        loader = CoreLoader(engine, columns)

    def emit(table: str, rows: Sequence[Row]) -> None:
        report.rows[table] = report.rows.get(table, 0) + len(rows)
        loader.emit(table, rows)

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="seed-pins") as pins:
        # scrypt releases the GIL: staff PINs hash while customers are generated.
        plan = staff_plan(store_facts)
        pin_hashes = [pins.submit(hash_pin, demo_pin(staff_id)) for staff_id, *_ in plan]
        emit("stores", store_table)
        catalog = catalog_rows(random_stream(seed, "catalog"), products, emit)
        world = World(seed, clock, Scale.for_sizes(stores, products, customers), store_facts, catalog)
        phases["catalog"] = time.perf_counter() - started

        def write_inventory() -> None:
            inventory_rows(world.rng("inventory"), clock, store_facts, catalog, emit)
            warehouse_inventory_rows(clock, warehouse_id, catalog, emit)
            phases["inventory"] = time.perf_counter() - started

        def merge(path: Path, offsets: dict[str, str]) -> dict[str, int]:
            assert isinstance(loader, SqliteLoader)
            counts = loader.merge_block(path, offsets)
            for table, n in counts.items():
                report.rows[table] = report.rows.get(table, 0) + n
            return counts

        if workers is None:
            workers = min(4, os.cpu_count() or 1) if customers >= PARALLEL_FROM_CUSTOMERS else 1
        id_bases = dict.fromkeys(COUNTED, 1)
        regulars = generate_customer_blocks(
            world,
            customers,
            id_bases,
            emit,
            workers,
            merge if isinstance(loader, SqliteLoader) else None,
            meanwhile=write_inventory,
        )
        phases["customers"] = time.perf_counter() - started
        cast_from = id_bases["orders"]
        cast = cast_pickups(world, regulars, id_bases)
        for table, rows in cast.rows.items():
            emit(table, rows)
        finish_pickups(loader.run, clock, cast_from)
        phases["pickups"] = time.perf_counter() - started
        finish_holds(loader.run, clock, datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"))
        phases["holds"] = time.perf_counter() - started

        staff_rng = world.rng("staff")
        staff_rows = [
            (
                staff_id,
                store_id,
                f"S{staff_id:04d}",
                person_name(staff_rng, language)[0],
                role,
                f"B{1000 + staff_id}",
                pin_hash,
            )
            for (staff_id, store_id, role, language), pin_hash in zip(
                plan, (f.result() for f in pin_hashes), strict=True
            )
        ]
        emit("staff", staff_rows)
    key = new_signing_key(1)
    emit(
        "signing_keys",
        [(key.key_id, key.private_key, key.public_key, key.created_at.strftime("%Y-%m-%d %H:%M:%S"), 1)],
    )
    loader.finish()
    if engine is not None:
        engine.dispose()
    phases["indexes"] = time.perf_counter() - started
    report.seconds = time.perf_counter() - started
    return report


def _prepare_target(url: str, replace: bool) -> None:
    path = sqlite_path(url)
    if path is not None and path != ":memory:":
        if not Path(path).exists() or Path(path).stat().st_size == 0:
            return
        if replace:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(path + suffix).unlink(missing_ok=True)
            return
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            tables = set(inspect(conn).get_table_names())
            holds_data = (
                "customers" in tables and conn.execute(text("SELECT 1 FROM customers LIMIT 1")).first()
            )
            if holds_data and not replace:
                raise SeedTargetNotEmpty(
                    "That database already holds a chain. "
                    "Seed into a new file, or pass --replace to start over."
                )
            if replace and tables:
                Base.metadata.drop_all(conn)
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()
