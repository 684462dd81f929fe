"""Orders by number or signed code, and the open pickup orders of a store's queue."""

from __future__ import annotations

from sqlalchemy import bindparam, case, select
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.domain.orders import QUEUE_STATES as QUEUE_STATES
from storeassist.hub.db import models as m
from storeassist.hub.services.errors import NotFound
from storeassist.hub.services.wire import (
    ORDER_COLUMNS,
    Queryable,
    fetch_prepared,
    orders_wire_json,
    orders_with_lines,
)

QUEUE_LIMIT = 500


def order_by_number(session: Session, number: str) -> contract.Order:
    row = session.execute(select(*ORDER_COLUMNS).where(m.Order.number == number.strip().upper())).first()
    if row is None:
        row = session.execute(select(*ORDER_COLUMNS).where(m.Order.number == number.strip())).first()
    if row is None:
        raise NotFound("There is no order with that number. Check it and try again.", code="order_not_found")
    return orders_with_lines(session, [row])[0]


def order_by_id(session: Session, order_id: int) -> contract.Order:
    row = session.execute(select(*ORDER_COLUMNS).where(m.Order.id == order_id)).first()
    if row is None:
        raise NotFound("That order no longer exists.", code="order_not_found")
    return orders_with_lines(session, [row])[0]


_STORE_EXISTS = select(m.Store.id).where(m.Store.id == bindparam("store_id"))
_QUEUE = (
    select(*ORDER_COLUMNS)
    .where(m.Order.store_id == bindparam("store_id"), m.Order.pickup_state.in_(QUEUE_STATES))
    .order_by(
        case({state: rank for rank, state in enumerate(QUEUE_STATES)}, value=m.Order.pickup_state),
        m.Order.pickup_deadline,
        m.Order.id,
    )
    .limit(QUEUE_LIMIT)
)


def require_store(session: Queryable, store_id: int) -> None:
    if not fetch_prepared(session, _STORE_EXISTS, {"store_id": store_id}):
        raise NotFound(f"There is no store {store_id}.", code="store_not_found")


def pickup_queue_orders(session: Queryable, store_id: int) -> list[contract.Order]:
    """Open pickup orders at the store: ready and partially collected first, then by deadline.

    Built from the database on every call. The route serves the queue as :func:`pickup_queue_json`
    writes it (the same orders, straight to JSON) through ``kept_queues``, which calls that only
    when the store's change log has moved. The statements are prebuilt
    (``wire.fetch_prepared``, straight on SQLite's driver from a bare connection) and the orders
    are built without re-validating the hub's own rows (``wire.orders_with_lines``)."""
    require_store(session, store_id)
    rows = fetch_prepared(session, _QUEUE, {"store_id": store_id})
    return orders_with_lines(session, rows)


def pickup_queue_json(session: Queryable, store_id: int, *, pickup_fields: bool = True) -> bytes:
    """:func:`pickup_queue_orders` as the queue sends them: a JSON array, each order without the
    fields at their contract default (the tablet's contract fills them in again: a big store's
    queue is a third smaller), and without its pickup fields unless ``pickup_fields``. Written
    straight from the rows (``wire.orders_wire_json``), the same bytes the contract objects would
    serialise to."""
    require_store(session, store_id)
    rows = fetch_prepared(session, _QUEUE, {"store_id": store_id}, stored=True)
    return orders_wire_json(session, rows, pickup_fields=pickup_fields)
