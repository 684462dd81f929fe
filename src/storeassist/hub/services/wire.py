"""Building contract objects from hub rows, with the few batched queries every area shares.

Loaders take lists of ids and issue one query per table (never one per row), so a profile or a
pickup queue costs a fixed number of round trips however many orders it shows. Their statements
are built once with bound (expanding) parameters and run on the session's connection, which
skips rebuilding each ``select()`` and the ORM's per-statement work on every request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Executable, Result, Row, bindparam, select
from sqlalchemy.orm import Session

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
)


_STORES = select(*STORE_COLUMNS).order_by(m.Store.id)
_PRODUCTS = select(*PRODUCT_COLUMNS).where(m.Product.id.in_(bindparam("ids", expanding=True)))
_ORDER_LINES = (
    select(
        m.OrderLine.order_id,
        m.OrderLine.line_no,
        m.OrderLine.qty,
        m.OrderLine.price_cents,
        m.OrderLine.qty_collected,
        m.OrderLine.qty_returned,
        m.Product.sku,
        m.Product.name,
    )
    .join(m.Product, m.Product.id == m.OrderLine.product_id)
    .where(m.OrderLine.order_id.in_(bindparam("ids", expanding=True)))
    .order_by(m.OrderLine.order_id, m.OrderLine.line_no)
)
_CUSTOMER_NAMES = select(m.Customer.id, m.Customer.name).where(
    m.Customer.id.in_(bindparam("ids", expanding=True))
)


def run_prepared(on: Queryable, statement: Executable, params: dict[str, Any] | None = None) -> Result[Any]:
    """Rows of a statement built once at import (bound parameters), run on the session's
    connection (pending ORM changes flushed first, as ``Session.execute`` would) or on a bare
    connection."""
    if isinstance(on, Session):
        if on.autoflush:
            on.flush()
        on = on.connection()
    return on.execute(statement, params)


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
    )


def load_stores(session: Queryable) -> list[AnyRow]:
    """Every store (a chain has tens, not thousands)."""
    return list(run_prepared(session, _STORES))


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
    another unless the caller already knows them (``names``)."""
    if not order_rows:
        return []
    order_ids = [row.id for row in order_rows]
    lines: dict[int, list[contract.OrderLine]] = defaultdict(list)
    line_rows = run_prepared(session, _ORDER_LINES, {"ids": order_ids})
    for line in line_rows:
        lines[line.order_id].append(
            contract.OrderLine(
                line_no=line.line_no,
                sku=line.sku,
                name=line.name,
                qty=line.qty,
                price_cents=line.price_cents,
                qty_collected=line.qty_collected,
                qty_returned=line.qty_returned,
            )
        )
    customer_ids = {row.customer_id for row in order_rows if row.customer_id is not None}
    names = dict(names or {})
    customer_ids -= names.keys()
    if customer_ids:
        found = run_prepared(session, _CUSTOMER_NAMES, {"ids": sorted(customer_ids)})
        names.update({row.id: row.name for row in found})
    return [order_from_row(row, lines.get(row.id, []), names.get(row.customer_id)) for row in order_rows]


def order_from_row(row: AnyRow, lines: list[contract.OrderLine], customer_name: str | None) -> contract.Order:
    return contract.Order(
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
    )
