"""A manager's approval of one return: recorded when given, used once by the return it approves.

**Given** (``POST /v1/returns/approvals``): the route checks the manager's badge or number and PIN
as a sign-in (``access.sign_in_staff``, with its refusals and rate limit), without opening a
session or signing the associate out; a manager or admin is recorded here
(:func:`record_approval`): one ``return_approvals`` row for the return's command id, from this
device and store, valid :data:`APPROVAL_VALID`, with an audit row ``return.approve`` naming the
manager. It is an approval of what the manager was shown and nothing else: the order, the
associate who asked (the session's staff member), the amount paid back and the policy's reasons.
The PIN never reaches this module.

**Used** (:func:`use_approval`, by the ``return.take`` effect): a return the policy wants a
manager for needs such an approval for its command id from this device (none:
``approval_required``, with the reasons). One that has expired, was used, or approves something
else — another order, another associate, less money, other reasons — is ``approval_not_valid``:
an approval of a small return is never one of a bigger return under the same id.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, select, update
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.domain.returns import ReturnDecision
from storeassist.hub.db import models as m
from storeassist.hub.services.access import CHAIN_WIDE_ROLES, SignedInStaff
from storeassist.hub.services.command_outcomes import CommandRefused
from storeassist.hub.services.database import as_utc
from storeassist.hub.services.errors import Forbidden, NotFound
from storeassist.hub.services.staff_sessions import StaffCaller
from storeassist.hub.services.trust import write_audit

#: How long a manager's approval waits for its return to reach the hub.
APPROVAL_VALID = timedelta(minutes=15)

_approvals = cast(Table, m.ReturnApproval.__table__)
_orders = cast(Table, m.Order.__table__)
_INSERT_APPROVAL = _approvals.insert()
_ORDER_EXISTS = select(_orders.c.id).where(_orders.c.id == bindparam("order_id"))
_APPROVALS = (
    select(
        _approvals.c.id,
        _approvals.c.manager_id,
        _approvals.c.expires_at,
        _approvals.c.used_at,
        _approvals.c.order_id,
        _approvals.c.staff_id,
        _approvals.c.paid_back_cents,
        _approvals.c.reasons,
    )
    .where(
        _approvals.c.return_id == bindparam("return_id"),
        _approvals.c.store_id == bindparam("store_id"),
        _approvals.c.device_id == bindparam("device_id"),
    )
    .order_by(_approvals.c.id.desc())
)
_USE_APPROVAL = (
    update(_approvals)
    .where(_approvals.c.id == bindparam("approval"), _approvals.c.used_at.is_(None))
    .values(used_at=bindparam("now"))
)


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
    """Record ``manager``'s approval of return ``request.return_id``, as asked by ``staff`` on
    their device (the caller checked who the manager is); audited as ``return.approve`` by the
    manager. 404 ``unknown_order`` if the order it names does not exist."""
    require_manager(manager)
    connection = session.connection()
    if connection.execute(_ORDER_EXISTS, {"order_id": request.order_id}).first() is None:
        raise NotFound("There is no such order to approve a return of.", code="unknown_order")
    expires_at = now + APPROVAL_VALID
    connection.execute(
        _INSERT_APPROVAL,
        {
            "return_id": str(request.return_id),
            "manager_id": manager.id,
            "store_id": staff.store_id,
            "device_id": staff.device.id,
            "order_id": request.order_id,
            "staff_id": staff.staff_id,
            "paid_back_cents": request.paid_back_cents,
            "reasons": ",".join(sorted(set(request.reasons))),
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


def use_approval(
    connection: Connection,
    command: contract.TakeReturnCommand,
    device_id: int,
    order_id: int,
    decision: ReturnDecision,
    number: str,
    now: datetime,
) -> int:
    """The manager whose approval of this very return, from this device, is used now (module
    notes); :class:`CommandRefused` ``approval_required`` or ``approval_not_valid``."""
    found = connection.execute(
        _APPROVALS, {"return_id": str(command.id), "store_id": command.store_id, "device_id": device_id}
    ).fetchall()
    if not found:
        reasons = ",".join(decision.approvals)
        raise CommandRefused(
            "approval_required",
            f"This return of order #{number} needs a manager's approval ({reasons.replace(',', ', ')}).",
            order_number=number,
            reasons=reasons,
        )
    for approval in found:
        if (
            approval.used_at is None
            and as_utc(approval.expires_at) > now
            and _approves(approval, command, order_id, decision)
            and connection.execute(_USE_APPROVAL, {"approval": approval.id, "now": now}).rowcount == 1
        ):
            return int(approval.manager_id)
    raise CommandRefused(
        "approval_not_valid",
        f"The manager's approval of this return of order #{number} has expired, was used, or was of "
        "another return: ask again.",
        order_number=number,
    )


def _approves(
    approval: Any, command: contract.TakeReturnCommand, order_id: int, decision: ReturnDecision
) -> bool:
    """Whether ``approval`` is of this return: the same order, asked by the staff member the
    command names, paying back no more, for no reason the manager was not shown."""
    approved = {reason for reason in str(approval.reasons or "").split(",") if reason}
    return (
        approval.order_id == order_id
        and command.staff_id is not None
        and approval.staff_id == command.staff_id
        and decision.paid_back_cents <= int(approval.paid_back_cents)
        and set(decision.approvals) <= approved
    )
