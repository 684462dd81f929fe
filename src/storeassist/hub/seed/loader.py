"""Bulk writers for generated rows: SQLite through the raw ``sqlite3`` connection, anything else
(PostgreSQL) through SQLAlchemy Core ``insert()`` executemany.

SQLite loads run in one transaction with journalling and syncing off and without the secondary
indexes, which are rebuilt after the load (much cheaper than keeping them up to date row by row).
A failed load leaves a half-written file; the seed command writes a fresh database, so that file
is simply discarded.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Engine, Integer, insert, text
from sqlalchemy.engine import make_url

from storeassist.hub.db.models import Base
from storeassist.hub.seed.catalog import Row

#: Columns of the tables written outside customer blocks, in insert order.
FIXED_TABLES: dict[str, tuple[str, ...]] = {
    "stores": (
        "id",
        "code",
        "name",
        "address",
        "city",
        "country",
        "lat",
        "lon",
        "timezone",
        "hours",
        "locale",
        "currency",
        "kind",
    ),
    "products": (
        "id",
        "sku",
        "gtin",
        "style",
        "name",
        "brand",
        "category",
        "price_cents",
        "size",
        "colour",
        "attributes",
        "names",
    ),
    "inventory": ("store_id", "product_id", "on_hand", "held", "updated_at"),
    "staff": ("id", "store_id", "staff_number", "name", "role", "badge", "pin_hash"),
    "signing_keys": ("key_id", "private_key", "public_key", "created_at", "active"),
}


class SqliteLoader:
    """Writes rows into a SQLite file in one long transaction."""

    def __init__(self, path: str, columns: dict[str, tuple[str, ...]]) -> None:
        self._columns = columns
        self._conn = sqlite3.connect(path, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=OFF")
        self._conn.execute("PRAGMA synchronous=OFF")
        self._conn.execute("PRAGMA cache_size=-262144")  # 256 MiB
        self._conn.execute("PRAGMA temp_store=MEMORY")
        self._conn.execute("PRAGMA foreign_keys=OFF")
        self._sql = {
            table: f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            for table, cols in columns.items()
        }
        rows = self._conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        self._deferred_indexes: list[tuple[str, str]] = list(rows)
        for name, _sql in self._deferred_indexes:
            self._conn.execute(f'DROP INDEX "{name}"')
        self._conn.execute("BEGIN")

    def emit(self, table: str, rows: Sequence[Row]) -> None:
        self._conn.executemany(self._sql[table], rows)

    @property
    def connection(self) -> sqlite3.Connection:
        return self._conn

    def run(
        self, sql: str, rows: Sequence[dict[str, Any]] | dict[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """One statement with ``:name`` parameters, once per row of ``rows`` if it is a list;
        answers what it reads."""
        if isinstance(rows, Sequence):
            self._conn.executemany(sql, rows)
            return []
        return self._conn.execute(sql, rows or {}).fetchall()

    def merge_block(self, path: Path, offsets: dict[str, str]) -> dict[str, int]:
        """Copy a worker's scratch block file in, shifting its ids (see ``seed.parallel``)."""
        from storeassist.hub.seed.parallel import select_shifted
        from storeassist.hub.seed.world import BLOCK_TABLES

        counts = {}
        self._conn.execute("COMMIT")  # ATTACH is not allowed inside a transaction
        self._conn.execute("ATTACH DATABASE ? AS block", (str(path),))
        self._conn.execute("BEGIN")
        for table, columns in BLOCK_TABLES.items():
            cursor = self._conn.execute(
                f"INSERT INTO main.{table} ({', '.join(columns)}) {select_shifted(table, offsets)}"
            )
            counts[table] = cursor.rowcount
        self._conn.execute("COMMIT")
        self._conn.execute("DETACH DATABASE block")
        self._conn.execute("BEGIN")
        return counts

    def finish(self) -> None:
        """Commit, rebuild the indexes, gather planner statistics, return to WAL."""
        self._conn.execute("COMMIT")
        self._conn.execute("BEGIN")
        for _name, sql in self._deferred_indexes:
            self._conn.execute(sql)
        self._conn.execute("COMMIT")
        self._conn.execute("PRAGMA analysis_limit=1000")
        self._conn.execute("ANALYZE")
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.close()


def _converter(column_type: Any) -> Callable[[Any], Any] | None:
    if isinstance(column_type, DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v).replace(tzinfo=UTC)
    if isinstance(column_type, Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(column_type, Boolean):
        return lambda v: None if v is None else bool(v)
    if isinstance(column_type, JSON):
        return lambda v: None if v is None else json.loads(v)
    return None


class CoreLoader:
    """Writes rows through SQLAlchemy Core (PostgreSQL), converting the generator's SQLite-shaped
    values (text timestamps and JSON, 0/1 booleans) to what the column types take."""

    BATCH = 5_000

    def __init__(self, engine: Engine, columns: dict[str, tuple[str, ...]]) -> None:
        self._engine = engine
        self._columns = columns
        self._conn = engine.connect()
        self._tx = self._conn.begin()
        self._plans: dict[str, list[tuple[str, Callable[[Any], Any] | None]]] = {}
        for table, cols in columns.items():
            sa_table = Base.metadata.tables[table]
            self._plans[table] = [(col, _converter(sa_table.c[col].type)) for col in cols]

    def emit(self, table: str, rows: Sequence[Row]) -> None:
        plan = self._plans[table]
        statement = insert(Base.metadata.tables[table])
        for start in range(0, len(rows), self.BATCH):
            batch = [
                {col: (conv(v) if conv else v) for (col, conv), v in zip(plan, row, strict=True)}
                for row in rows[start : start + self.BATCH]
            ]
            self._conn.execute(statement, batch)

    def run(
        self, sql: str, rows: Sequence[dict[str, Any]] | dict[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """As :meth:`SqliteLoader.run`, through SQLAlchemy (text timestamps cast by the database)."""
        result = self._conn.execute(text(sql), list(rows) if isinstance(rows, Sequence) else (rows or {}))
        return [tuple(row) for row in result] if result.returns_rows else []

    def finish(self) -> None:
        """Commit, then move every id sequence past the ids the seed wrote explicitly."""
        self._tx.commit()
        with self._engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and isinstance(pk[0].type, Integer) and table.name in self._columns:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                            f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
                        )
                    )
        self._conn.close()


def sqlite_path(db_url: str) -> str | None:
    """The file of a SQLite URL, or ``None`` for other databases."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite":
        return None
    return url.database or ":memory:"
