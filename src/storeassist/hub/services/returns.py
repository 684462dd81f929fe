"""Returns at the counter, at the hub: finding an order to take back, and a manager's approval.

**Lookup** (``POST /v1/returns/lookup``): by a scanned code or a typed number, any order of the
chain from any store's counter (a customer takes back in any store what they bought anywhere).
Found by a valid signed code of the order, a purchase receipt or a hand-over receipt, it is "with
receipt" (the hub's word, never the tablet's); by number, or by a return's receipt, without. The
answer (:class:`~storeassist.contract.ReturnableOrder`) carries the policy's facts as
``return_facts`` reads them, so the tablet decides on what the hub will decide on. An order of
another customer than the one the associate has open is refused (403
``order_of_another_customer``); an unknown one is 404 ``unknown_order``.

**Approval** (``POST /v1/returns/approvals``): the manager's badge or number and PIN are checked
by the route as a sign-in (``access.sign_in_staff``, with its refusals and rate limit), without
opening a session or signing the associate out; a manager or admin is recorded here
(:func:`record_approval`): one ``return_approvals`` row for the return's command id, from this
device and store, valid :data:`APPROVAL_VALID` and used once by the ``return.take`` effect, with
an audit row ``return.approve`` naming the manager. The PIN never reaches this module.

The ``return.take`` effect itself is in ``return_take``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import Connection, Table, bindparam, func, select
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.contract.orders import Fulfilment
from storeassist.domain.tokens import TokenKind
from storeassist.hub.db import models as m
from storeassist.hub.services.access import CHAIN_WIDE_ROLES, SignedInStaff
from storeassist.hub.services.database import as_utc
from storeassist.hub.services.errors import Conflict, Forbidden, NotFound
from storeassist.hub.services.return_facts import (
    FINDING_KINDS,
    ReturnOrder,
    order_id_by_number,
    order_of_code,
    read_return_order,
)
from storeassist.hub.services.staff_sessions import StaffCaller
from storeassist.hub.services.trust import verify_scanned_code, write_audit

#: How long a manager's approval waits for its return to reach the hub.
APPROVAL_VALID = timedelta(minutes=15)
#: Earlier returns of an order an answer lists, newest first.
PAST_RETURNS = 50

_returns = cast(Table, m.Return.__table__)
_return_lines = cast(Table, m.ReturnLine.__table__)
_approvals = cast(Table, m.ReturnApproval.__table__)
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
_INSERT_APPROVAL = _approvals.insert()

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


def require_manager(manager: SignedInStaff) -> None:
    """Only a manager or admin approves a return (403 ``not_a_manager``)."""
    if manager.role not in CHAIN_WIDE_ROLES:
        raise Forbidden("Only a manager can approve a return.", code="not_a_manager")


def record_approval(
    session: Session,
    staff: StaffCaller,
    manager: SignedInStaff,
    request: contract.ReturnApprovalRequest,
    now: datetime,
) -> contract.ReturnApproval:
    """Record ``manager``'s approval of return ``request.return_id`` on ``staff``'s device (the
    caller checked who the manager is); audited as ``return.approve`` by the manager."""
    require_manager(manager)
    expires_at = now + APPROVAL_VALID
    connection = session.connection()
    connection.execute(
        _INSERT_APPROVAL,
        {
            "return_id": str(request.return_id),
            "manager_id": manager.id,
            "store_id": staff.store_id,
            "device_id": staff.device.id,
            "reason": request.reason,
            "at": now,
            "expires_at": expires_at,
            "used_at": None,
        },
    )
    write_audit(
        connection,
        device_id=staff.device.id,
        staff_id=manager.id,
        action="return.approve",
        subject=f"return:{request.return_id.hex}",
        at=now,
    )
    return contract.ReturnApproval(
        return_id=request.return_id,
        manager_id=manager.id,
        manager_name=manager.name,
        approved_at=now,
        expires_at=expires_at,
    )
