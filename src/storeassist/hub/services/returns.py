"""Returns at the counter, at the hub: finding an order to take back.

**Lookup** (``POST /v1/returns/lookup``): by a scanned code or a typed number, any order of the
chain from any store's counter (a customer takes back in any store what they bought anywhere).
Found by a valid signed code of the order, a purchase receipt or a hand-over receipt, it is "with
receipt" (the hub's word, never the tablet's); by number, or by a return's receipt, without. The
answer (:class:`~storeassist.contract.ReturnableOrder`) carries the policy's facts as
``return_facts`` reads them, so the tablet decides on what the hub will decide on. An order of
another customer than the one the associate has open is refused (403
``order_of_another_customer``); an unknown one is 404 ``unknown_order``.

A manager's approval (``POST /v1/returns/approvals``) is ``return_approvals``; the
``return.take`` effect itself is in ``return_take``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import Connection, Table, bindparam, func, select
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.contract.orders import Fulfilment
from storeassist.domain.tokens import TokenKind
from storeassist.hub.db import models as m
from storeassist.hub.services.database import as_utc
from storeassist.hub.services.errors import Conflict, Forbidden, NotFound
from storeassist.hub.services.return_facts import (
    FINDING_KINDS,
    ReturnOrder,
    order_id_by_number,
    order_of_code,
    read_return_order,
)
from storeassist.hub.services.trust import verify_scanned_code

#: Earlier returns of an order an answer lists, newest first.
PAST_RETURNS = 50

_returns = cast(Table, m.Return.__table__)
_return_lines = cast(Table, m.ReturnLine.__table__)
_UNITS = (
    select(func.coalesce(func.sum(_return_lines.c.qty), 0))
    .where(_return_lines.c.return_id == _returns.c.id)
    .scalar_subquery()
)
_PAST_RETURNS = (
    select(
        _returns.c.at,
        _returns.c.store_id,
        _returns.c.refund_cents,
        _returns.c.points_restored,
        _UNITS.label("units"),
        _returns.c.command_id,
    )
    .where(_returns.c.order_id == bindparam("order_id"))
    .order_by(_returns.c.at.desc(), _returns.c.id.desc())
    .limit(PAST_RETURNS)
)

_UNKNOWN = "There is no order with that number or code. Check it and try again."


def lookup_return(session: Session, lookup: contract.ReturnLookup, now: datetime) -> contract.ReturnableOrder:
    """The order ``lookup`` names, as a return sees it; :class:`NotFound` (``unknown_order``),
    :class:`Forbidden` (``order_of_another_customer``) or the scanned code's ``TokenRefused``."""
    connection = session.connection()
    with_receipt = False
    if lookup.code is not None:
        token = verify_scanned_code(session, lookup.code, set(FINDING_KINDS), now=now, as_proof=True)
        order_id = order_of_code(connection, token)
        with_receipt = token.kind is not TokenKind.RETURN_RECEIPT
    else:
        assert lookup.order_number is not None  # the contract asks for one of the two
        order_id = order_id_by_number(connection, lookup.order_number)
    order = read_return_order(connection, order_id) if order_id is not None else None
    if order is None:
        raise NotFound(_UNKNOWN, code="unknown_order")
    # A customer named must be the order's: a guest's order is no named customer's either.
    if lookup.customer_id is not None and order.customer_id != lookup.customer_id:
        raise Forbidden(
            "This order is another customer's. Check the order, or the customer you have open.",
            code="order_of_another_customer",
        )
    return returnable_order(connection, order, now, receipt_code=lookup.code if with_receipt else None)


def returnable_order(
    connection: Connection, order: ReturnOrder, now: datetime, *, receipt_code: str | None
) -> contract.ReturnableOrder:
    """The lookup's answer for ``order`` (with receipt when ``receipt_code`` is given)."""
    facts = order.facts()
    past = connection.execute(_PAST_RETURNS, {"order_id": order.id}).fetchall()
    try:
        return contract.ReturnableOrder(
            order_id=order.id,
            number=order.number,
            channel=cast(contract.Channel, order.channel),
            fulfilment=cast(Fulfilment, order.fulfilment),
            status=order.status,
            payment_state=cast(contract.PaymentState, order.payment_state),
            placed_at=order.placed_at,
            received_at=order.received_at,
            store_id=order.store_id,
            customer_id=order.customer_id,
            customer_name=order.customer_name,
            customer_points=order.customer_points,
            total_cents=order.total_cents,
            lines=[
                contract.ReturnableLine(
                    line_no=row.line_no,
                    sku=row.sku,
                    name=row.name,
                    category=row.category,
                    style=row.style,
                    size=row.size,
                    colour=row.colour,
                    qty=row.qty,
                    unit_cents=row.unit_cents,
                    received=row.received,
                    returned=row.returned,
                    refunded_cents=row.refunded_cents,
                )
                for row in order.lines
            ],
            tenders=[
                contract.OrderTender(kind=t.kind, paid_cents=t.paid_cents, refunded_cents=t.refunded_cents)
                for t in facts.tenders
            ],
            past_returns=[_past_return(row) for row in past],
            with_receipt=receipt_code is not None,
            receipt_code=receipt_code,
            as_of=now,
        )
    except ValidationError:
        # A row no tablet could read (a hand-edited tender kind, an order of hundreds of lines):
        # said so, never a 500 and never the row's values.
        raise Conflict(
            "This order's record cannot be read for a return here; take it back at the back office.",
            code="order_not_readable",
        ) from None


def _past_return(row: Any) -> contract.PastReturn:
    return contract.PastReturn(
        at=as_utc(row.at),
        store_id=row.store_id,
        units=max(0, int(row.units or 0)),
        paid_back_cents=max(0, int(row.refund_cents) + int(row.points_restored or 0)),
        command_id=_command_id(row.command_id),
    )


def _command_id(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:  # a hand-edited row: no command of any tablet's
        return None
