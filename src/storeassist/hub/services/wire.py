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
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import ClauseElement, Connection, Dialect, Executable, Result, Row, bindparam, func, select
from sqlalchemy.engine.processors import str_to_datetime
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

#: The one ``orders.payment_state`` that means the money was taken (``contract.PaymentState``).
PAID = "paid"


def is_paid(payment_state: str | None) -> bool:
    """Whether an order's stored ``payment_state`` says it is paid: exactly :data:`PAID`. Anything
    else (``unpaid``, NULL, a pending payment or a value another system wrote) fails closed: the
    tablet is told ``unpaid``, the hub hands nothing over and refunds nothing for it."""
    return payment_state == PAID


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
    m.Product.names,
    m.Product.attributes,
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


#: The chain's stores, without its warehouse (``stores.kind``), which sells nothing.
_STORES = select(*STORE_COLUMNS).where(m.Store.kind == "store").order_by(m.Store.id)
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


def fetch_prepared(
    on: Queryable, statement: Executable, params: dict[str, Any] | None = None, *, stored: bool = False
) -> list[Any]:
    """Every row of a prebuilt ``select()`` (rows read by column name, as SQLAlchemy's).

    On a bare SQLite connection (``HubDatabase.reading_statements``) the statement, compiled
    once, runs on the driver directly with SQLAlchemy's own parameter and column conversions:
    SQLAlchemy's per-execution work costs about 11 µs a statement, twice what SQLite spends on
    the profile's indexed lookups, and a profile runs a dozen. Elsewhere (a session, PostgreSQL)
    it is :func:`run_prepared`.

    ``stored``: there, the driver's own rows instead (plain tuples, in the statement's column
    order, of the values as SQLite stores them: times as text, booleans as 0 and 1), for a caller
    that writes them out itself (:func:`orders_wire_json`); elsewhere SQLAlchemy's rows as ever.
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
        rows: list[Any] = driver.execute(sql, bound).fetchall()
    except on.dialect.loaded_dbapi.Error as exc:
        # Raised as SQLAlchemy would, so callers and handlers see one kind of database error.
        raise DBAPIError.instance(sql, bound, exc, on.dialect.loaded_dbapi.Error, dialect=on.dialect) from exc
    if stored:
        return rows
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
        names=row.names or {},
        attributes=row.attributes or {},
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
    """Every store, not the warehouse (a chain has tens, not thousands)."""
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


#: The fields :func:`orders_wire_json` writes, in the contract's order (a test holds them to
#: ``contract.Order.model_fields`` and ``contract.OrderLine.model_fields``).
ORDER_WIRE_FIELDS = (
    "id",
    "number",
    "customer_id",
    "customer_name",
    "channel",
    "placed_at",
    "status",
    "fulfilment",
    "store_id",
    "pickup_state",
    "pickup_deadline",
    "total_cents",
    "lines",
    "pickup_bin",
    "proxy_name",
    "payment_state",
    "customer_waiting_since",
    "pickup_locked",
    "last_handover_at",
)
LINE_WIRE_FIELDS = (
    "line_no",
    "sku",
    "name",
    "qty",
    "price_cents",
    "qty_collected",
    "qty_returned",
    "qty_cancelled",
    "size",
    "colour",
    "image_url",
    "substitutes_line",
)


def wire_datetime(moment: datetime) -> str:
    """A database time as pydantic writes the contract's (aware, UTC) datetimes: ISO 8601 with a
    ``T``, microseconds only when there are some, and ``Z``."""
    if moment.tzinfo is not None:  # PostgreSQL; SQLite's are naive and UTC
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat() + "Z"


def _wire_time(value: datetime | str) -> str:
    """:func:`wire_datetime` of a time as the driver hands it over: a ``datetime``, or SQLite's
    text. Text as SQLAlchemy stores it (``2030-01-02 03:04:05.000120``, always six digits) is
    rewritten as it stands; any other is read as SQLAlchemy reads it first."""
    if type(value) is str:
        if len(value) == 26 and value[10] == " " and value[13] == value[16] == ":" and value[19] == ".":
            if value.endswith(".000000"):
                return f"{value[:10]}T{value[11:19]}Z"
            return f"{value[:10]}T{value[11:]}Z"
        value = _SQLITE_DATETIME(value)
    assert isinstance(value, datetime)
    return wire_datetime(value)


#: SQLAlchemy's reading of SQLite's stored times (what ``fetch_prepared`` applies to them).
_SQLITE_DATETIME: Callable[[str], datetime] = str_to_datetime


#: A JSON string as pydantic writes text: UTF-8, with only ``"``, ``\\`` and control characters
#: escaped (``json``'s encoder with ``ensure_ascii=False``).
_text = encode_basestring


def _int_or_null(value: int | None) -> str:
    return "null" if value is None else str(value)


def orders_wire_json(
    session: Queryable, order_rows: Sequence[AnyRow], *, pickup_fields: bool = True
) -> bytes:
    """The JSON array of the orders in ``order_rows`` (``ORDER_COLUMNS``, as stored or as
    SQLAlchemy reads them: :func:`fetch_prepared`'s ``stored``), byte for byte what
    ``[o.model_dump_json(exclude_defaults=True) for o in orders_with_lines(...)]`` joined would
    be (with :func:`contract.orders.without_pickup_fields`'s ``exclude`` unless
    ``pickup_fields``): each order and line without the fields at their contract default, in the
    contract's field order (:data:`ORDER_WIRE_FIELDS`), written as text straight from the rows of
    the same queries. Building hundreds of contract objects only to serialise them was most of a
    big store's queue; a test holds the two to the same bytes."""
    if not order_rows:
        return b"[]"
    # The rows of the statements orders_with_lines runs, as stored (``fetch_prepared``).
    order_ids = [row[0] for row in order_rows]
    line_rows = fetch_prepared(session, _ORDER_LINES, {"ids": order_ids}, stored=True)
    customer_ids = sorted({row[2] for row in order_rows if row[2] is not None})
    names: dict[int, str] = {}
    if customer_ids:
        names = dict(fetch_prepared(session, _CUSTOMER_NAMES, {"ids": customer_ids}, stored=True))
    handed_ids = [row[0] for row in order_rows if row[8] in _AFTER_HANDOVER]
    last_handover: dict[int, Any] = {}
    if handed_ids:
        found_at = fetch_prepared(session, _LAST_HANDOVERS, {"ids": handed_ids}, stored=True)
        last_handover = {order_id: at for order_id, at in found_at if at is not None}
    lines: dict[int, list[str]] = defaultdict(list)
    for (
        order_id,
        line_no,
        qty,
        price_cents,
        qty_collected,
        qty_returned,
        qty_cancelled,
        substitutes_line,
        sku,
        name,
        size,
        colour,
    ) in line_rows:
        wire = (
            f'{{"line_no":{line_no},"sku":{_text(sku)},"name":{_text(name)},'
            f'"qty":{qty},"price_cents":{price_cents}'
        )
        if qty_collected != 0:
            wire += f',"qty_collected":{qty_collected}'
        if qty_returned != 0:
            wire += f',"qty_returned":{qty_returned}'
        if pickup_fields:
            if qty_cancelled != 0:
                wire += f',"qty_cancelled":{qty_cancelled}'
            if size is not None:
                wire += f',"size":{_text(size)}'
            if colour is not None:
                wire += f',"colour":{_text(colour)}'
            # image_url: None (see orders_with_lines), its default.
            if substitutes_line is not None:
                wire += f',"substitutes_line":{substitutes_line}'
        lines[order_id].append(wire + "}")
    orders = []
    for (
        order_id,
        number,
        customer_id,
        channel,
        placed_at,
        status,
        fulfilment,
        store_id,
        pickup_state,
        pickup_deadline,
        total_cents,
        pickup_bin,
        proxy_name,
        payment_state,
        customer_waiting_since,
        pickup_locked,
    ) in order_rows:
        wire = f'{{"id":{order_id},"number":{_text(number)},"customer_id":{_int_or_null(customer_id)}'
        name = names.get(customer_id)
        if name is not None:
            wire += f',"customer_name":{_text(name)}'
        wire += (
            f',"channel":{_text(channel)},"placed_at":"{_wire_time(placed_at)}"'
            f',"status":{_text(status)},"fulfilment":{_text(fulfilment)}'
        )
        if store_id is not None:
            wire += f',"store_id":{store_id}'
        if pickup_state is not None:
            wire += f',"pickup_state":{_text(pickup_state)}'
        if pickup_deadline is not None:
            wire += f',"pickup_deadline":"{_wire_time(pickup_deadline)}"'
        wire += f',"total_cents":{total_cents},"lines":[{",".join(lines.get(order_id, ()))}]'
        if pickup_fields:
            if pickup_bin is not None:
                wire += f',"pickup_bin":{_text(pickup_bin)}'
            if proxy_name is not None:
                wire += f',"proxy_name":{_text(proxy_name)}'
            if not is_paid(payment_state):
                wire += ',"payment_state":"unpaid"'
            if customer_waiting_since is not None:
                wire += f',"customer_waiting_since":"{_wire_time(customer_waiting_since)}"'
            if pickup_locked:
                wire += ',"pickup_locked":true'
            handed = last_handover.get(order_id)
            if handed is not None:
                wire += f',"last_handover_at":"{_wire_time(handed)}"'
        orders.append(wire + "}")
    return f"[{','.join(orders)}]".encode()


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
        payment_state="paid" if is_paid(row.payment_state) else "unpaid",
        customer_waiting_since=(
            as_utc(row.customer_waiting_since) if row.customer_waiting_since is not None else None
        ),
        pickup_locked=bool(row.pickup_locked),
        last_handover_at=last_handover_at,
    )
