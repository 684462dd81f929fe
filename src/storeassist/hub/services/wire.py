"""Building contract objects from hub rows, with the few batched queries every area shares.

Loaders take lists of ids and issue one query per table (never one per row), so a profile or a
pickup queue costs a fixed number of round trips however many orders it shows. Their statements
are built once with bound (expanding) parameters and run on the session's connection, which
skips rebuilding each ``select()`` and the ORM's per-statement work on every request.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import ClauseElement, Connection, Dialect, Executable, Result, Row, bindparam, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.database import as_utc

#: A result row of any width. SQLAlchemy 2.1 types rows by their columns (``Row[int, str]``), so
#: ``AnyRow`` would mean a one-column row.
AnyRow = Row[*tuple[Any, ...]]

#: What prebuilt statements run on: an ORM session (on its connection) or a bare Core connection
#: (``HubDatabase.reading_statements``, cheaper to open and close on the hottest paths).
Queryable = Session | Connection

PRODUCT_COLUMNS = (
    m.Product.id,
    m.Product.sku,
    m.Product.gtin,
    m.Product.style,
    m.Product.name,
    m.Product.brand,
    m.Product.category,
    m.Product.price_cents,
    m.Product.size,
    m.Product.colour,
)

ORDER_COLUMNS = (
    m.Order.id,
    m.Order.number,
    m.Order.customer_id,
    m.Order.channel,
    m.Order.placed_at,
    m.Order.status,
    m.Order.fulfilment,
    m.Order.store_id,
    m.Order.pickup_state,
    m.Order.pickup_deadline,
    m.Order.total_cents,
    m.Order.pickup_bin,
    m.Order.proxy_name,
    m.Order.payment_state,
    m.Order.customer_waiting_since,
    m.Order.pickup_locked,
)

STORE_COLUMNS = (
    m.Store.id,
    m.Store.code,
    m.Store.name,
    m.Store.address,
    m.Store.city,
    m.Store.country,
    m.Store.lat,
    m.Store.lon,
    m.Store.timezone,
    m.Store.hours,
    m.Store.locale,
    m.Store.currency,
)


_STORES = select(*STORE_COLUMNS).order_by(m.Store.id)
_STORE = select(*STORE_COLUMNS).where(m.Store.id == bindparam("store_id"))
_PRODUCTS = select(*PRODUCT_COLUMNS).where(m.Product.id.in_(bindparam("ids", expanding=True)))
_ORDER_LINES = (
    select(
        m.OrderLine.order_id,
        m.OrderLine.line_no,
        m.OrderLine.qty,
        m.OrderLine.price_cents,
        m.OrderLine.qty_collected,
        m.OrderLine.qty_returned,
        m.OrderLine.qty_cancelled,
        m.OrderLine.substitutes_line,
        m.Product.sku,
        m.Product.name,
        m.Product.size,
        m.Product.colour,
    )
    .join(m.Product, m.Product.id == m.OrderLine.product_id)
    .where(m.OrderLine.order_id.in_(bindparam("ids", expanding=True)))
    .order_by(m.OrderLine.order_id, m.OrderLine.line_no)
)
_LAST_HANDOVERS = (
    select(m.PickupHandover.order_id, func.max(m.PickupHandover.at).label("at"))
    .where(m.PickupHandover.order_id.in_(bindparam("ids", expanding=True)))
    .group_by(m.PickupHandover.order_id)
)
#: Pickup states an order can only reach by a hand-over, or after one: only these have one to show.
_AFTER_HANDOVER = frozenset({"partially_collected", "collected", "expired", "cancelled"})
_CUSTOMER_NAMES = select(m.Customer.id, m.Customer.name).where(
    m.Customer.id.in_(bindparam("ids", expanding=True))
)


_Model = TypeVar("_Model", bound=BaseModel)


def _trusted(model: type[_Model], **values: Any) -> _Model:
    """``model`` holding ``values``, one for every field, as they are: the hub's own rows, typed by
    its columns. Validating each of a queue's hundreds of orders and lines cost more than reading
    them, and even ``model_construct`` (which fills defaults field by field) cost half as much
    again; tablets validate what they receive, and a test checks these against the validated
    models."""
    made = model.__new__(model)
    object.__setattr__(made, "__dict__", values)
    object.__setattr__(made, "__pydantic_fields_set__", set(values))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


def run_prepared(on: Queryable, statement: Executable, params: dict[str, Any] | None = None) -> Result[Any]:
    """Rows of a statement built once at import (bound parameters), run on the session's
    connection (pending ORM changes flushed first, as ``Session.execute`` would) or on a bare
    connection."""
    if isinstance(on, Session):
        if on.autoflush:
            on.flush()
        on = on.connection()
    return on.execute(statement, params)


@dataclass(frozen=True, slots=True)
class _DriverStatement:
    """A prebuilt statement compiled once for SQLite's driver: its SQL, parameter order, and the
    type conversions SQLAlchemy would apply to parameters and result columns."""

    sql: str
    names: tuple[str, ...]
    fixed: dict[str, Any]
    expanding: frozenset[str]
    bind_processors: Mapping[str, Callable[[Any], Any]]
    result_processors: tuple[tuple[int, Callable[[Any], Any]], ...]
    row: Callable[..., Any]


_DRIVER_STATEMENTS: dict[Executable, _DriverStatement] = {}


def fetch_prepared(on: Queryable, statement: Executable, params: dict[str, Any] | None = None) -> list[Any]:
    """Every row of a prebuilt ``select()`` (rows read by column name, as SQLAlchemy's).

    On a bare SQLite connection (``HubDatabase.reading_statements``) the statement, compiled
    once, runs on the driver directly with SQLAlchemy's own parameter and column conversions:
    SQLAlchemy's per-execution work costs about 11 µs a statement, twice what SQLite spends on
    the profile's indexed lookups, and a profile runs a dozen. Elsewhere (a session, PostgreSQL)
    it is :func:`run_prepared`.
    """
    if isinstance(on, Session) or on.dialect.name != "sqlite":
        return list(run_prepared(on, statement, params))
    prepared = _DRIVER_STATEMENTS.get(statement)
    if prepared is None:
        prepared = _DRIVER_STATEMENTS[statement] = _compile_for_driver(statement, on.dialect)
    values = prepared.fixed | params if params else prepared.fixed
    sql = prepared.sql
    bound: list[Any] = []
    for name in prepared.names:
        value = values[name]
        process = prepared.bind_processors.get(name)
        if name in prepared.expanding:
            items = [process(v) for v in value] if process is not None else list(value)
            sql = sql.replace(f"__[POSTCOMPILE_{name}]", ", ".join("?" * len(items)) or "NULL", 1)
            bound.extend(items)
        else:
            bound.append(process(value) if process is not None else value)
    driver = on.connection.driver_connection
    assert driver is not None
    try:
        rows = driver.execute(sql, bound).fetchall()
    except on.dialect.loaded_dbapi.Error as exc:
        # Raised as SQLAlchemy would, so callers and handlers see one kind of database error.
        raise DBAPIError.instance(sql, bound, exc, on.dialect.loaded_dbapi.Error, dialect=on.dialect) from exc
    make, processors = prepared.row, prepared.result_processors
    if not processors:
        return [make(*row) for row in rows]
    answer = []
    for raw in rows:
        row = list(raw)
        for index, process in processors:
            row[index] = process(row[index])
        answer.append(make(*row))
    return answer


def _compile_for_driver(statement: Executable, dialect: Dialect) -> _DriverStatement:
    assert isinstance(statement, ClauseElement)
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler) and compiled.positiontup is not None
    names = tuple(compiled.positiontup)
    binds = compiled.binds
    fixed = {key: bind.value for key, bind in binds.items() if not bind.required and bind.callable is None}
    expanding = frozenset(key for key, bind in binds.items() if bind.expanding)
    # A sequence of processors is for tuple-typed parameters, which these statements never take.
    bind_processors = {key: fn for key, fn in compiled._bind_processors.items() if callable(fn)}
    result_processors = []
    for index, column in enumerate(compiled._result_columns):
        process = column.type._cached_result_processor(dialect, None)
        if process is not None:
            result_processors.append((index, process))
    keys = [column.keyname for column in compiled._result_columns]
    return _DriverStatement(
        sql=compiled.string,
        names=names,
        fixed=fixed,
        expanding=expanding,
        bind_processors=bind_processors,
        result_processors=tuple(result_processors),
        row=namedtuple("PreparedRow", keys),
    )


def product_from_row(row: AnyRow | Any) -> contract.Product:
    return contract.Product(
        sku=row.sku,
        gtin=row.gtin,
        style=row.style,
        name=row.name,
        brand=row.brand,
        category=row.category,
        price_cents=row.price_cents,
        size=row.size,
        colour=row.colour,
    )


def store_from_row(row: AnyRow | Any) -> contract.StoreInfo:
    return contract.StoreInfo(
        id=row.id,
        code=row.code,
        name=row.name,
        address=row.address,
        city=row.city,
        country=row.country,
        lat=row.lat,
        lon=row.lon,
        timezone=row.timezone,
        hours=row.hours,
        locale=row.locale,
        currency=row.currency,
    )


def load_stores(session: Queryable) -> list[AnyRow]:
    """Every store (a chain has tens, not thousands)."""
    return list(run_prepared(session, _STORES))


def load_store(session: Queryable, store_id: int) -> AnyRow | None:
    """One store's row (``STORE_COLUMNS``), or None if there is no such store."""
    rows = fetch_prepared(session, _STORE, {"store_id": store_id})
    return rows[0] if rows else None


def load_products(session: Queryable, product_ids: Iterable[int]) -> dict[int, AnyRow]:
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    rows = run_prepared(session, _PRODUCTS, {"ids": ids})
    return {row.id: row for row in rows}


def orders_with_lines(
    session: Queryable, order_rows: Sequence[AnyRow], names: dict[int, str] | None = None
) -> list[contract.Order]:
    """Contract orders for ``order_rows`` (``ORDER_COLUMNS``): lines in one query, customer names in
    another unless the caller already knows them (``names``), the last hand-over's time in a third
    for orders that had one. Built from the hub's own rows without validation (see
    :func:`order_from_row`)."""
    if not order_rows:
        return []
    order_ids = [row.id for row in order_rows]
    lines: dict[int, list[contract.OrderLine]] = defaultdict(list)
    line_rows = fetch_prepared(session, _ORDER_LINES, {"ids": order_ids})
    for line in line_rows:
        lines[line.order_id].append(
            _trusted(
                contract.OrderLine,
                line_no=line.line_no,
                sku=line.sku,
                name=line.name,
                qty=line.qty,
                price_cents=line.price_cents,
                qty_collected=line.qty_collected,
                qty_returned=line.qty_returned,
                qty_cancelled=line.qty_cancelled,
                size=line.size,
                colour=line.colour,
                # The demo catalog has no pictures; a real one would give its URL here.
                image_url=None,
                substitutes_line=line.substitutes_line,
            )
        )
    customer_ids = {row.customer_id for row in order_rows if row.customer_id is not None}
    names = dict(names or {})
    customer_ids -= names.keys()
    if customer_ids:
        found = fetch_prepared(session, _CUSTOMER_NAMES, {"ids": sorted(customer_ids)})
        names.update({row.id: row.name for row in found})
    handed_ids = [row.id for row in order_rows if row.pickup_state in _AFTER_HANDOVER]
    last_handover: dict[int, datetime] = {}
    if handed_ids:
        found_at = fetch_prepared(session, _LAST_HANDOVERS, {"ids": handed_ids})
        last_handover = {row.order_id: as_utc(row.at) for row in found_at if row.at is not None}
    return [
        order_from_row(row, lines.get(row.id, []), names.get(row.customer_id), last_handover.get(row.id))
        for row in order_rows
    ]


def order_from_row(
    row: AnyRow,
    lines: list[contract.OrderLine],
    customer_name: str | None,
    last_handover_at: datetime | None = None,
) -> contract.Order:
    return _trusted(
        contract.Order,
        id=row.id,
        number=row.number,
        customer_id=row.customer_id,
        customer_name=customer_name,
        channel=row.channel,
        placed_at=as_utc(row.placed_at),
        status=row.status,
        fulfilment=row.fulfilment,
        store_id=row.store_id,
        pickup_state=row.pickup_state,
        pickup_deadline=as_utc(row.pickup_deadline) if row.pickup_deadline is not None else None,
        total_cents=row.total_cents,
        lines=lines,
        pickup_bin=row.pickup_bin,
        proxy_name=row.proxy_name,
        payment_state="unpaid" if row.payment_state == "unpaid" else "paid",
        customer_waiting_since=(
            as_utc(row.customer_waiting_since) if row.customer_waiting_since is not None else None
        ),
        pickup_locked=bool(row.pickup_locked),
        last_handover_at=last_handover_at,
    )
