"""The ``return.take`` effect: a return taken at a counter, decided again by the hub and applied.

In order, nothing written until every check has passed (the batch's SAVEPOINT undoes the rest):

1. the order exists (``unknown_order``), is the customer's the associate has open, if any
   (``order_of_another_customer``), and, when the command sends the code it was found with, that
   code is a valid signed code of this order (``receipt_not_of_order``): only then is it a return
   "with receipt";
2. the policy, ``domain.returns.decide_return`` with ``DEFAULT_POLICY`` on the facts read now
   (``return_facts``) at the hub's time: a tablet's clock decides nothing, except for a return
   taken while it was offline, decided at the moment at the counter (the command's
   ``issued_at``) if that is within :data:`OFFLINE_GRACE` of the hub's time (a tablet offline
   longer, or a clock set back, gets the hub's time). Its refusals are the command's
   (``order_cancelled``, ``order_unpaid``, ``final_sale`` …), except ``more_than_returnable``, a
   **conflict**: the units were taken back meanwhile, typically by another store while both were
   offline, so the second is never refunded;
   a return taken offline must be one a tablet may take offline
   (``domain.returns.offline_allowed`` with the policy's cap: nothing a manager must approve),
   else ``offline_over_cap``: the offline flag is no way past the policy's cap;
3. what the customer was told they get back (``paid_back_cents``, and ``store_credit_cents`` of
   it as store credit) is what the hub decided (an exchange: 0), else the conflict
   ``paid_back_differs`` (shown, decided);
4. an exchange's lines (``return_exchange``);
5. a return the policy wants a manager for needs an approval recorded for this command id from
   this device (``POST /v1/returns/approvals``) of this very return (``return_approvals``): none
   is ``approval_required`` (with the reasons); one expired, used, or of another order, associate,
   amount or reasons is ``approval_not_valid``; the one found is used now.

Applied, it writes the return and its lines, the units returned on the order's lines, restocked
units back in this store's stock, a refund request per tender share, store credit, the points
reversed and restored (ledger rows ``return``), the exchange, change-log rows (the customer, the
pickup if the order is one, stock here) and its audit rows (``return.take`` by the associate;
``return.approval_used`` by the manager), and answers a :class:`~storeassist.contract.ReturnTaken`
with the return's signed ``RETURN_RECEIPT`` code.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, case, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.domain.returns import (
    DEFAULT_POLICY,
    ReturnDecision,
    ReturnInvalid,
    ReturnRequest,
    UnitReturn,
    decide_return,
    offline_allowed,
)
from storeassist.domain.tokens import TokenError, TokenKind
from storeassist.hub.db import models as m
from storeassist.hub.services.command_outcomes import CommandConflict, CommandNotApplied, CommandRefused
from storeassist.hub.services.database import utc_now
from storeassist.hub.services.errors import TokenRefused
from storeassist.hub.services.kiosk_returns import finish_kiosk_return
from storeassist.hub.services.receipts import sign_receipt
from storeassist.hub.services.return_approvals import use_approval
from storeassist.hub.services.return_exchange import ExchangeMade, ExchangePlan, make_exchange, plan_exchange
from storeassist.hub.services.return_facts import RECEIPT_KINDS, ReturnOrder, order_of_code, read_return_order
from storeassist.hub.services.trust import verify_scanned_code

#: How long before the hub's time a return taken offline may be decided at its counter's time.
OFFLINE_GRACE = timedelta(days=3)

_returns = cast(Table, m.Return.__table__)
_return_lines = cast(Table, m.ReturnLine.__table__)
_lines = cast(Table, m.OrderLine.__table__)
_inventory = cast(Table, m.Inventory.__table__)
_customers = cast(Table, m.Customer.__table__)
_ledger = cast(Table, m.PointsEntry.__table__)
_credits = cast(Table, m.StoreCredit.__table__)
_staff = cast(Table, m.Staff.__table__)
_change_log = cast(Table, m.ChangeLog.__table__)
_audit = cast(Table, m.AuditEntry.__table__)

_STAFF_NAME = select(_staff.c.name).where(_staff.c.id == bindparam("staff_id"))
_INSERT_RETURN = _returns.insert().returning(_returns.c.id)
_INSERT_LINE = _return_lines.insert()
_RETURN_UNITS = (
    update(_lines)
    .where(_lines.c.order_id == bindparam("order"), _lines.c.line_no == bindparam("line"))
    .values(qty_returned=_lines.c.qty_returned + bindparam("units"))
)
_POINTS = select(_customers.c.points).where(_customers.c.id == bindparam("customer"))
_MOVE_POINTS = (
    update(_customers)
    .where(_customers.c.id == bindparam("customer"))
    .values(
        points=case(
            (_customers.c.points + bindparam("delta") < 0, 0), else_=_customers.c.points + bindparam("delta")
        )
    )
    .returning(_customers.c.points)
)
_INSERT_POINTS = _ledger.insert()
_INSERT_CREDIT = _credits.insert()
_INSERT_CHANGE = _change_log.insert()
_INSERT_AUDIT = _audit.insert()

#: What the customer is told for each of the policy's refusals (the tablet words the code).
_REASONS = {
    "order_cancelled": "Order #{order_number} was cancelled: there is nothing to take back.",
    "order_unpaid": "Order #{order_number} was never paid for: there is nothing to refund.",
    "nothing_to_return": "Say which units of order #{order_number} come back.",
    "unknown_line": "Order #{order_number} has no line {line_no}.",
    "final_sale": "{sku} (line {line_no} of #{order_number}) was a final sale: it cannot be taken back.",
    "more_than_returnable": (
        "Only {returnable} of line {line_no} of #{order_number} can still come back; {asked} asked. "
        "Were they taken back elsewhere meanwhile?"
    ),
    "no_receipt_refused": "{sku} (line {line_no} of #{order_number}) is taken back with a receipt only.",
}


def take_return(session: Session, command: contract.TakeReturnCommand, device_id: int) -> dict[str, Any]:
    payload = command.payload
    connection = session.connection()
    now = utc_now()
    at = decided_at(command, now)
    order = read_return_order(connection, payload.order_id, lock=True)
    if order is None:
        raise CommandRefused(
            "unknown_order", f"There is no order {payload.order_id}.", order_id=payload.order_id
        )
    number = order.number
    # A customer named must be the order's: a guest's order is no named customer's either.
    if payload.customer_id is not None and payload.customer_id != order.customer_id:
        raise CommandRefused(
            "order_of_another_customer", f"Order #{number} is another customer's.", order_number=number
        )
    with_receipt = payload.receipt_code is not None
    if payload.receipt_code is not None and not _receipt_of(session, payload.receipt_code, order.id, at):
        raise CommandRefused(
            "receipt_not_of_order",
            f"The code sent is not a valid receipt of order #{number}.",
            order_number=number,
        )
    units = tuple(UnitReturn(u.line_no, u.qty, u.reason, u.condition) for u in payload.units)
    try:
        decision = decide_return(
            order.facts(), ReturnRequest(units, payload.method, with_receipt), DEFAULT_POLICY, at
        )
    except ReturnInvalid as invalid:
        raise _refused(invalid, order) from None
    cap = DEFAULT_POLICY.offline_cap_cents
    if payload.offline and not offline_allowed(decision, cap):
        raise CommandRefused(
            "offline_over_cap",
            f"The return of order #{number} was taken offline, but is above the {cap} a tablet may "
            "take back offline or needs a manager's approval.",
            order_number=number,
            cap_cents=cap,
        )
    _check_paid_back(payload, decision, order)
    plan = plan_exchange(connection, order, command) if payload.method == "exchange" else ExchangePlan()
    manager_id = (
        use_approval(connection, command, device_id, order.id, decision, number, now)
        if decision.needs_manager
        else None
    )
    made = make_exchange(session, plan, number, command.store_id, device_id, at)
    return_id = _write_return(
        connection, command, device_id, order, decision, with_receipt, manager_id, made, at
    )
    if payload.kiosk_return_id is not None:
        finish_kiosk_return(
            connection,
            payload.kiosk_return_id,
            store_id=command.store_id,
            order_id=order.id,
            return_id=return_id,
            at=at,
        )
    restocked = _restock(connection, order, decision, command.store_id, at)
    order.tenders.take(decision.tender_shares, at, return_id=return_id)
    order.tenders.write(connection)
    if decision.store_credit_cents:
        connection.execute(
            _INSERT_CREDIT,
            {
                "return_id": return_id,
                "customer_id": order.customer_id,
                "store_id": command.store_id,
                "amount_cents": decision.store_credit_cents,
                "issued_at": at,
            },
        )
    _move_points(connection, order.customer_id, decision, at)
    _log_changes(connection, command.store_id, order, restocked | made.products, at)
    _audit_return(connection, command, device_id, return_id, manager_id, at)
    manager = connection.execute(_STAFF_NAME, {"staff_id": manager_id}).scalar() if manager_id else None
    taken = contract.ReturnTaken(
        return_id=return_id,
        receipt_code=sign_receipt(session, TokenKind.RETURN_RECEIPT, return_id, at),
        paid_back_cents=decision.paid_back_cents,
        to_tenders=[contract.TenderPayback(kind=t.kind, cents=t.cents) for t in decision.to_tenders],
        store_credit_cents=decision.store_credit_cents,
        exchange_cents=decision.exchange_cents,
        points_reversed=decision.points_reversed,
        points_restored=decision.points_restored,
        exchange_order_number=made.order_number,
        approved_by=manager,
    )
    return taken.model_dump(mode="json")


def decided_at(command: contract.TakeReturnCommand, now: datetime) -> datetime:
    """When the policy looks at a return: the hub's ``now``, or the moment at the counter of a
    return taken offline within :data:`OFFLINE_GRACE` of it (module notes)."""
    issued = command.issued_at.astimezone(UTC)
    if command.payload.offline and now - OFFLINE_GRACE <= issued <= now:
        return issued
    return now


def _receipt_of(session: Session, code: str, order_id: int, at: datetime) -> bool:
    """Whether ``code`` was, when scanned (``at``), a valid receipt or order code of this order."""
    try:
        token = verify_scanned_code(session, code, set(RECEIPT_KINDS), now=at, as_proof=True)
    except (TokenRefused, TokenError):
        return False
    return order_of_code(session.connection(), token) == order_id


def _facts(order: ReturnOrder) -> dict[str, Any]:
    """The order's state found, for a conflict."""
    return {
        "order_number": order.number,
        "lines": {
            str(line.line_no): {"qty": line.qty, "received": line.received, "returned": line.returned}
            for line in order.lines
        },
    }


def _check_paid_back(
    payload: contract.TakeReturnPayload, decision: ReturnDecision, order: ReturnOrder
) -> None:
    """What the customer was told they get back, and how much of it as store credit, is what the
    hub decided, else the conflict ``paid_back_differs``: ``shown`` and ``decided`` are the amounts
    paid back, or, when only the store credit differs, the store credit."""
    shown = (payload.paid_back_cents, payload.store_credit_cents)
    decided = (decision.paid_back_cents, decision.store_credit_cents)
    if shown == decided:
        return
    which = 0 if shown[0] != decided[0] else 1
    raise CommandConflict(
        "paid_back_differs",
        f"The customer was told {shown[0]} back for order #{order.number}, {shown[1]} as store credit; "
        f"the policy pays {decided[0]}, {decided[1]} as store credit. Check the return again.",
        {**_facts(order), "decided": decided[0], "decided_store_credit": decided[1]},
        order_number=order.number,
        shown=shown[which],
        decided=decided[which],
    )


def _refused(invalid: ReturnInvalid, order: ReturnOrder) -> CommandNotApplied:
    params: dict[str, Any] = dict(invalid.params)
    reason = _REASONS.get(invalid.code, "The return is not possible.").format(**params)
    if invalid.code == "more_than_returnable":
        return CommandConflict(invalid.code, reason, _facts(order), **params)
    return CommandRefused(invalid.code, reason, **params)


def _write_return(
    connection: Connection,
    command: contract.TakeReturnCommand,
    device_id: int,
    order: ReturnOrder,
    decision: ReturnDecision,
    with_receipt: bool,
    manager_id: int | None,
    made: ExchangeMade,
    at: datetime,
) -> int:
    """The return, its lines, and its units on the order's lines; answers the return's id."""
    return_id = int(
        connection.execute(
            _INSERT_RETURN,
            {
                "order_id": order.id,
                "customer_id": order.customer_id,
                "store_id": command.store_id,
                "at": at,
                "refund_cents": decision.money_cents,
                "reason": decision.lines[0].reason,
                "command_id": str(command.id),
                "device_id": device_id,
                "staff_id": command.staff_id,
                "approved_by": manager_id,
                "method": decision.method,
                "with_receipt": with_receipt,
                "offline": command.payload.offline,
                "store_credit_cents": decision.store_credit_cents,
                "exchange_cents": decision.exchange_cents,
                "points_reversed": decision.points_reversed,
                "points_restored": decision.points_restored,
                "exchange_order_id": made.order_id,
            },
        ).scalar_one()
    )
    connection.execute(
        _INSERT_LINE,
        [
            {
                "return_id": return_id,
                "order_id": order.id,
                "line_no": line.line_no,
                "qty": line.qty,
                "reason": line.reason,
                "condition": line.condition,
                "disposition": line.disposition,
                "goods_cents": line.goods_cents,
                "fee_cents": line.fee_cents,
                "refund_cents": line.refund_cents,
            }
            for line in decision.lines
        ],
    )
    units = Counter[int]()
    for line in decision.lines:
        units[line.line_no] += line.qty
    connection.execute(
        _RETURN_UNITS, [{"order": order.id, "line": n, "units": qty} for n, qty in sorted(units.items())]
    )
    return return_id


def _restock(
    connection: Connection, order: ReturnOrder, decision: ReturnDecision, store_id: int, at: datetime
) -> set[int]:
    """Units coming back resellable go back on sale here (a row made if the store had none)."""
    units = Counter[int]()
    for outcome in decision.lines:
        line = order.line(outcome.line_no)
        if outcome.disposition == "restock" and line is not None:
            units[line.product_id] += outcome.qty
    if not units:
        return set()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(_inventory)
    upsert = statement.on_conflict_do_update(
        index_elements=["store_id", "product_id"],
        set_={
            "on_hand": _inventory.c.on_hand + statement.excluded.on_hand,
            "updated_at": statement.excluded.updated_at,
        },
    )
    connection.execute(
        upsert,
        [
            {"store_id": store_id, "product_id": p, "on_hand": qty, "held": 0, "updated_at": at}
            for p, qty in sorted(units.items())
        ],
    )
    return set(units)


def _move_points(
    connection: Connection, customer_id: int | None, decision: ReturnDecision, at: datetime
) -> None:
    """Points reversed, then restored; each ledger row says what the balance really moved (it
    never goes below zero), so the ledger always adds up to it."""
    if customer_id is None:
        return
    for delta in (-decision.points_reversed, decision.points_restored):
        if not delta:
            continue
        before = connection.execute(_POINTS, {"customer": customer_id}).scalar()
        after = connection.execute(_MOVE_POINTS, {"customer": customer_id, "delta": delta}).scalar()
        if before is None or after is None:
            return  # the customer is gone: nothing moved
        if after != before:
            connection.execute(
                _INSERT_POINTS,
                {"customer_id": customer_id, "at": at, "delta": after - before, "reason": "return"},
            )


def _log_changes(
    connection: Connection, store_id: int, order: ReturnOrder, products: set[int], at: datetime
) -> None:
    rows = [{"store_id": store_id, "entity": "stock", "entity_id": p, "at": at} for p in sorted(products)]
    if order.pickup_state is not None and order.store_id is not None:
        rows.append({"store_id": order.store_id, "entity": "pickup", "entity_id": order.id, "at": at})
    if order.customer_id is not None:
        rows.append({"store_id": store_id, "entity": "customer", "entity_id": order.customer_id, "at": at})
    if rows:
        connection.execute(_INSERT_CHANGE, rows)


def _audit_return(
    connection: Connection,
    command: contract.TakeReturnCommand,
    device_id: int,
    return_id: int,
    manager_id: int | None,
    at: datetime,
) -> None:
    """``return.take`` by whoever the command names; the approving manager on a row of their own."""
    rows = [
        {
            "at": at,
            "device_id": device_id,
            "staff_id": command.staff_id,
            "action": "return.take",
            "subject": f"return:{return_id}",
        }
    ]
    if manager_id is not None:
        rows.append(
            {
                "at": at,
                "device_id": device_id,
                "staff_id": manager_id,
                "action": "return.approval_used",
                "subject": f"return:{return_id}",
            }
        )
    connection.execute(_INSERT_AUDIT, rows)
