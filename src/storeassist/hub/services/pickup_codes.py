"""Six-digit pickup codes: kept as a hash, checked at the hub, locked after three wrong tries.

A code is hashed with its order's id (SHA-256 of ``order:code``), so one table of hashes does not
answer for every order at once. That is not what protects it: six digits are a million guesses
for anyone holding the database. What protects it is that the counter gets three tries per
order (:data:`MAX_WRONG_CODES`), and then the order is locked until a manager hands it over.

Nothing here logs or returns anything about the customer; the answer is whether the code was
right and how many tries are left. The wrong code that locks an order changes what the queue
shows (``pickup_locked``), so it appends a ``change_log`` row for the order (its id only), as
every write to a pickup order does: devices' caches and the kept queues follow the log.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, case, select, update
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.database import hold_change_log_order, utc_now
from storeassist.hub.services.errors import Conflict, Forbidden, NotFound

#: Wrong codes an order takes; the last one locks it.
MAX_WRONG_CODES = 3

_orders = cast(Table, m.Order.__table__)
_COUNT_WRONG = (
    update(_orders)
    .where(_orders.c.id == bindparam("order_id"))
    .values(
        pickup_code_failures=_orders.c.pickup_code_failures + 1,
        pickup_locked=case(
            (_orders.c.pickup_code_failures + 1 >= MAX_WRONG_CODES, True), else_=_orders.c.pickup_locked
        ),
    )
    .returning(_orders.c.pickup_code_failures, _orders.c.pickup_locked, _orders.c.store_id)
)
_INSERT_CHANGE = cast(Table, m.ChangeLog.__table__).insert()
_CODE_STATE = select(
    _orders.c.pickup_code_hash, _orders.c.pickup_code_failures, _orders.c.pickup_locked
).where(_orders.c.id == bindparam("order_id"))
_ORDER_PLACE = select(_orders.c.store_id, _orders.c.pickup_state).where(_orders.c.id == bindparam("order_id"))


def hash_pickup_code(order_id: int, code: str) -> str:
    """What ``orders.pickup_code_hash`` holds for ``code`` on order ``order_id``."""
    return hashlib.sha256(f"{order_id}:{code}".encode("ascii")).hexdigest()


def code_matches(order_id: int, code: str, stored_hash: str | None) -> bool:
    """Whether ``code`` is the order's (an order with no code matches none). Constant-time."""
    if stored_hash is None or not (len(code) == 6 and code.isascii() and code.isdigit()):
        return False
    return hmac.compare_digest(hash_pickup_code(order_id, code), stored_hash)


@dataclass(frozen=True, slots=True)
class CodeCheck:
    """A checked code: right or not, tries left, and whether the order is now locked."""

    ok: bool
    attempts_left: int
    locked: bool


def count_wrong_code(on: Session | Connection, order_id: int) -> CodeCheck:
    """Count one wrong code on the order; the third locks it (and is logged). Answers the state
    after."""
    connection = on.connection() if isinstance(on, Session) else on
    hold_change_log_order(connection)  # before the order's row is locked
    row: Any = connection.execute(_COUNT_WRONG, {"order_id": order_id}).one()
    if row.pickup_locked and row.pickup_code_failures == MAX_WRONG_CODES:
        connection.execute(
            _INSERT_CHANGE,
            {"store_id": row.store_id, "entity": "pickup", "entity_id": order_id, "at": utc_now()},
        )
    return CodeCheck(False, max(0, MAX_WRONG_CODES - row.pickup_code_failures), bool(row.pickup_locked))


def check_pickup_code(on: Session | Connection, order_id: int, code: str) -> CodeCheck:
    """Check ``code`` against the order's and count it if wrong. A locked order takes no code at
    all (the right one included): a manager hands it over instead."""
    connection = on.connection() if isinstance(on, Session) else on
    row: Any = connection.execute(_CODE_STATE, {"order_id": order_id}).one()
    left = max(0, MAX_WRONG_CODES - row.pickup_code_failures)
    if row.pickup_locked:
        return CodeCheck(False, 0, True)
    if code_matches(order_id, code, row.pickup_code_hash):
        return CodeCheck(True, left, False)
    return count_wrong_code(connection, order_id)


def answer_pickup_code(
    session: Session, order_id: int, store_id: int, code: str
) -> contract.PickupCodeAnswer:
    """``POST /v1/orders/{order_id}/pickup-code`` at store ``store_id`` (the asking device's).

    Another store's order is refused as every route refuses it (403 ``wrong_store``), before
    anything is counted; an unknown order is 404 ``order_not_found``, an order that is not a
    pickup 409 ``not_a_pickup``."""
    place: Any = session.connection().execute(_ORDER_PLACE, {"order_id": order_id}).first()
    if place is None:
        raise NotFound("That order no longer exists.", code="order_not_found")
    if place.store_id != store_id:
        raise Forbidden(
            "This device works for its own store only; another store's data is not served to it.",
            code="wrong_store",
        )
    if place.pickup_state is None:
        raise Conflict("That order is not a pickup order, so it has no pickup code.", code="not_a_pickup")
    checked = check_pickup_code(session, order_id, code)
    return contract.PickupCodeAnswer(
        ok=checked.ok, attempts_left=checked.attempts_left, locked=checked.locked
    )
