"""Self-pickup at the kiosk: the shopper scans their order code and types the six-digit pickup code.

An order may be collected so only when it is marked for it (``orders.kiosk_pickup``), is this
store's, ready, paid and not locked. The pickup code is checked by ``pickup_codes`` as at the
counter: each wrong one counts, the third locks the order for a manager. A right code tells the
shopper where to collect (the counter, or ``orders.locker``), clears the wrong ones counted, and
sets ``customer_waiting_since`` with a ``change_log`` row and a ``kiosk.pickup`` audit row, so the
associates' queue shows the customer waiting. The right code again (a shopper tapping twice) gets
the same answer and writes neither row: the customer is already waiting.

The check is written even when the answer is a refusal (a wrong code must still count), so
:func:`kiosk_pickup` returns a :class:`KioskPickupRefused` for the route to raise after the
transaction commits, rather than raising inside it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.access import CallingDevice
from storeassist.hub.services.database import hold_change_log_order
from storeassist.hub.services.errors import Conflict, Forbidden, NotFound
from storeassist.hub.services.pickup_codes import check_pickup_code
from storeassist.hub.services.trust import ORDER_KINDS, verify_scanned_code, write_audit
from storeassist.hub.services.wire import is_paid

_orders = cast(Table, m.Order.__table__)
_lines = cast(Table, m.OrderLine.__table__)
_ORDER = select(
    _orders.c.id,
    _orders.c.number,
    _orders.c.store_id,
    _orders.c.pickup_state,
    _orders.c.payment_state,
    _orders.c.pickup_locked,
    _orders.c.kiosk_pickup,
    _orders.c.locker,
)
_UNITS_LEFT = select(
    func.coalesce(func.sum(_lines.c.qty - _lines.c.qty_collected - _lines.c.qty_cancelled), 0)
)

GO_TO_THE_COUNTER = "Please collect this order at the counter."


class KioskPickupRefused(Forbidden):
    """403 ``pickup_code_wrong`` (with ``tries_left``) or ``pickup_needs_manager`` (the order is
    locked: the shopper goes to the counter)."""


def kiosk_pickup(
    session: Session, device: CallingDevice, request: contract.KioskPickup, now: datetime
) -> contract.KioskPickupAnswer | KioskPickupRefused:
    """Check the order code and pickup code at the kiosk ``device`` (see the module notes).

    Raises (nothing written) for: a code the hub does not trust (its ``TokenRefused``); 404
    ``unknown_order``; 403 ``wrong_store`` for another store's order; 409 ``not_kiosk_pickup``
    for an order not to be collected at the kiosk now (not marked for it, not ready, not paid).
    Returns, to be raised once committed, a wrong code's or a locked order's refusal."""
    token = verify_scanned_code(session, request.order_code, ORDER_KINDS)
    connection = session.connection()
    hold_change_log_order(connection)  # before the order's row is locked by a count or the wait
    order: Any = connection.execute(_ORDER.where(_orders.c.id == token.subject_id)).first()
    if order is None:
        raise NotFound("There is no such order.", code="unknown_order")
    if order.store_id != device.store_id:
        raise Forbidden(
            "This device works for its own store only; another store's data is not served to it.",
            code="wrong_store",
        )
    if not order.kiosk_pickup or order.pickup_state != "ready" or not is_paid(order.payment_state):
        raise Conflict(GO_TO_THE_COUNTER, code="not_kiosk_pickup")
    if order.pickup_locked:
        return _needs_manager()
    checked = check_pickup_code(session, order.id, request.pickup_code)
    if not checked.ok:
        if checked.locked:
            return _needs_manager()
        left = checked.attempts_left
        return KioskPickupRefused(
            f"That pickup code is not right. {left} {'try' if left == 1 else 'tries'} left.",
            code="pickup_code_wrong",
            params={"tries_left": left},
        )
    # The shopper proved the code: earlier typos no longer bring the order nearer a lock at the
    # counter. Not on the wire (only ``pickup_locked`` is, and it is unchanged), so not logged.
    connection.execute(
        update(_orders)
        .where(_orders.c.id == order.id, _orders.c.pickup_code_failures != 0)
        .values(pickup_code_failures=0)
    )
    waiting = connection.execute(
        update(_orders)
        .where(_orders.c.id == order.id, _orders.c.customer_waiting_since.is_(None))
        .values(customer_waiting_since=now)
    )
    if waiting.rowcount == 1:  # the first right code; a repeat is answered alike, nothing written
        connection.execute(
            cast(Table, m.ChangeLog.__table__).insert(),
            {"store_id": order.store_id, "entity": "pickup", "entity_id": order.id, "at": now},
        )
        write_audit(
            connection, device_id=device.id, staff_id=None, action="kiosk.pickup", subject=f"order:{order.id}"
        )
    items = connection.execute(_UNITS_LEFT.where(_lines.c.order_id == order.id)).scalar()
    return contract.KioskPickupAnswer(
        order_number=order.number,
        where="locker" if order.locker else "counter",
        locker=order.locker or None,
        items=max(0, int(items or 0)),
    )


def _needs_manager() -> KioskPickupRefused:
    return KioskPickupRefused(
        "This order needs a manager now. " + GO_TO_THE_COUNTER, code="pickup_needs_manager"
    )
