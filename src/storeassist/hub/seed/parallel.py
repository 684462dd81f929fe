"""Generating customer blocks, here or in worker processes, and writing them in order.

Each block of :data:`~storeassist.hub.seed.world.BLOCK_CUSTOMERS` customers has its own random
stream, so rows do not depend on where a block was generated. In a worker, a block is written with
ids counted from 1 into a scratch SQLite file (no constraints, no indexes); the parent then copies
it into the chain with ``INSERT … SELECT``, shifting ids past the blocks before it. That keeps the
per-row Python work (generating and binding) on every core and leaves only C-speed copying to the
parent. Order numbers are derived from order ids, so they are re-derived on the shift.
"""

from __future__ import annotations

import logging
import multiprocessing
import sqlite3
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from storeassist.hub.seed.catalog import Row
from storeassist.hub.seed.orders import ORDER_NUMBER_BASE
from storeassist.hub.seed.people import generate_block
from storeassist.hub.seed.world import BLOCK_CUSTOMERS, BLOCK_TABLES, COUNTED, BlockOutput, World

Emit = Callable[[str, list[Row]], None]
#: Copies a scratch block file into the chain: (file, id offsets per counted table) → rows per table.
Merge = Callable[[Path, dict[str, str]], dict[str, int]]
REGULARS_PER_STORE = 12
log = logging.getLogger("storeassist.hub.seed")

#: Column expressions that shift a block's local ids; ``{orders}`` etc. are replaced by offsets.
SHIFTED: dict[str, dict[str, str]] = {
    "points_ledger": {"id": "id + {points_ledger}"},
    "orders": {
        "id": "id + {orders}",
        "number": f"substr(number, 1, 1) || ({ORDER_NUMBER_BASE} + id + {{orders}})",
    },
    "order_lines": {"order_id": "order_id + {orders}"},
    "tenders": {"id": "id + {tenders}", "order_id": "order_id + {orders}"},
    "returns": {"id": "id + {returns}", "order_id": "order_id + {orders}"},
    "return_lines": {
        "id": "id + {return_lines}",
        "return_id": "return_id + {returns}",
        "order_id": "order_id + {orders}",
    },
    "tender_refunds": {
        "id": "id + {tender_refunds}",
        "tender_id": "tender_id + {tenders}",
        "order_id": "order_id + {orders}",
        "return_id": "return_id + {returns}",
    },
    "events": {"id": "id + {events}"},
    "service_cases": {"id": "id + {service_cases}", "order_id": "order_id + {orders}"},
}

_worker_world: World | None = None


def generate_customer_blocks(
    world: World,
    customers: int,
    id_bases: dict[str, int],
    emit: Emit,
    workers: int = 1,
    merge: Merge | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> dict[int, list[int]]:
    """Generate every customer block and write it: with ``emit`` here, or through ``merge`` from
    worker processes when ``workers > 1``; ``meanwhile`` runs here while the workers generate.
    Updates ``id_bases`` to the next free ids; returns each store's first regular customers."""
    regulars: dict[int, list[int]] = {}
    blocks = [
        (block_no, first, min(BLOCK_CUSTOMERS, customers + 1 - first))
        for block_no, first in enumerate(range(1, customers + 1, BLOCK_CUSTOMERS))
    ]
    if workers <= 1 or merge is None or len(blocks) < 2:
        if meanwhile is not None:
            meanwhile()
        for block_no, first, count in blocks:
            out = generate_block(world, block_no, first, count, id_bases)
            for table, rows in out.rows.items():
                if rows:
                    emit(table, rows)
            id_bases.update(out.next_id)
            _add_regulars(regulars, out.regulars)
        return regulars

    context = multiprocessing.get_context("spawn")  # no fork of a process that has threads
    with (
        tempfile.TemporaryDirectory(prefix="storeassist-seed-") as scratch,
        ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(world,)) as pool,
    ):
        futures: list[Future[tuple[str, dict[str, int], dict[int, list[int]]]]] = [
            pool.submit(_block_to_file, block_no, first, count, scratch) for block_no, first, count in blocks
        ]
        if meanwhile is not None:
            meanwhile()
            meanwhile = None
        for n, future in enumerate(futures):
            try:
                path, local_next, block_regulars = future.result()
            except BrokenProcessPool:
                if n:
                    raise
                # Workers could not start (e.g. ``__main__`` not importable): generate here instead.
                log.warning("seed workers unavailable; generating customers in one process")
                return generate_customer_blocks(world, customers, id_bases, emit, 1)
            offsets = {table: str(id_bases[table] - 1) for table in COUNTED}
            merge(Path(path), offsets)
            Path(path).unlink()
            for table in COUNTED:
                id_bases[table] += local_next[table] - 1
            _add_regulars(regulars, block_regulars)
    return regulars


def select_shifted(table: str, offsets: dict[str, str]) -> str:
    """``SELECT`` of a block table's columns with ids shifted by ``offsets``."""
    shifted = SHIFTED.get(table, {})
    columns = [shifted.get(col, col).format(**offsets) for col in BLOCK_TABLES[table]]
    return f"SELECT {', '.join(columns)} FROM block.{table}"


def _add_regulars(regulars: dict[int, list[int]], found: dict[int, list[int]]) -> None:
    for store_id, ids in found.items():
        have = regulars.setdefault(store_id, [])
        have.extend(ids[: REGULARS_PER_STORE - len(have)])


def _init_worker(world: World) -> None:
    global _worker_world
    _worker_world = world


def _block_to_file(
    block_no: int, first: int, count: int, scratch: str
) -> tuple[str, dict[str, int], dict[int, list[int]]]:
    assert _worker_world is not None
    out: BlockOutput = generate_block(_worker_world, block_no, first, count, dict.fromkeys(COUNTED, 1))
    path = str(Path(scratch) / f"block-{block_no:05d}.sqlite")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        for table, columns in BLOCK_TABLES.items():
            conn.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
            marks = ", ".join("?" * len(columns))
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", out.rows[table])
        conn.execute("COMMIT")
    finally:
        conn.close()
    return path, out.next_id, out.regulars
