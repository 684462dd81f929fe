"""Pickup effects: a hand-over at the counter (``pickup.collect``) and a "to restock" task
confirmed (``pickup.restock``).

Each runs in the batch's SAVEPOINT for its command (``commands``), checks everything before it
writes, and refuses or conflicts with a documented result code (``command_outcomes``). What may
be handed over and the state it leads to are the domain's rules (``domain.orders.plan_handover``).

**A hand-over**, in order: the order is this store's pickup and can be handed over (a second
tablet handing over an order already collected is a conflict naming the first tablet and when);
it is paid (exactly ``paid``, :func:`~storeassist.hub.services.wire.is_paid`: any other payment
state fails closed); a locked order (three wrong pickup codes) is handed over by a manager only;
the collector was checked (a valid signed code of this order, its pickup code, a photo ID, or the
proxy the customer named with their ID); a substitute is the same style and in stock here. Then:
lines (handed, cancelled, substituted), inventory (held units of the order leave ``held``; handed
ones leave ``on_hand`` too; a substitute leaves ``on_hand``), refunds for cancelled units (so only
ever of a paid order), each split across the order's tenders as refund requests
(``tender_refunds``, so a later return knows what each tender has left), points for what was
handed over, the hand-over record (a signed receipt code names it), notices to the customer, and
the change log.

**A restock** cancels what is left and releases it from ``held``; it records refunds (with their
tender refund requests) and says "will be refunded" only for a paid order: an unpaid one had no
money taken.

**Times.** A hand-over is dated when the tablet recorded it (``issued_at``, already checked by the
batch to be at most a few minutes ahead, and clamped to the hub's clock): a conflict must say when
the bag really left the counter, not when an offline tablet came back online.

These effects run hundreds to a batch, so their statements are built once and run on the
session's connection.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Table, bindparam, case, select, update
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.domain.orders import (
    HandoverProblem,
    can_move,
    is_open,
    plan_handover,
    to_collect,
)
from storeassist.domain.pickups import is_named_proxy
from storeassist.domain.tokens import TokenError, TokenKind
from storeassist.hub.db import models as m
from storeassist.hub.services.access import CHAIN_WIDE_ROLES
from storeassist.hub.services.command_outcomes import CommandConflict, CommandNotApplied, CommandRefused
from storeassist.hub.services.database import as_utc, utc_now
from storeassist.hub.services.errors import TokenRefused
from storeassist.hub.services.notifications import channel_of, notice_text, record_notice
from storeassist.hub.services.pickup_codes import code_matches, count_wrong_code
from storeassist.hub.services.receipts import sign_receipt
from storeassist.hub.services.tender_refunds import TenderLedger, earning_share, pay_settled
from storeassist.hub.services.trust import ORDER_KINDS, verify_scanned_code
from storeassist.hub.services.wire import is_paid

#: ``orders.status`` that goes with each pickup state a hand-over or a restock leads to.
ORDER_STATUS: Mapping[str, str] = {
    "partially_collected": "partially_collected",
    "collected": "completed",
    "cancelled": "cancelled",
    "expired": "expired",
}
#: Pickup states an order reaches only through a hand-over, or after one.
_AFTER_HANDOVER = frozenset({"partially_collected", "collected", "expired", "cancelled"})

_orders = cast(Table, m.Order.__table__)
_lines = cast(Table, m.OrderLine.__table__)
_products = cast(Table, m.Product.__table__)
_inventory = cast(Table, m.Inventory.__table__)
_handovers = cast(Table, m.PickupHandover.__table__)
_refunds = cast(Table, m.Refund.__table__)
_customers = cast(Table, m.Customer.__table__)
_ledger = cast(Table, m.PointsEntry.__table__)
_change_log = cast(Table, m.ChangeLog.__table__)
_devices = cast(Table, m.Device.__table__)
_staff = cast(Table, m.Staff.__table__)


def _not_below_zero(value: ColumnElement[int]) -> ColumnElement[int]:
    return case((value < 0, 0), else_=value)


_ORDER = (
    select(
        _orders.c.id,
        _orders.c.number,
        _orders.c.store_id,
        _orders.c.pickup_state,
        _orders.c.customer_id,
        _orders.c.payment_state,
        _orders.c.pickup_locked,
        _orders.c.pickup_code_hash,
        _orders.c.proxy_name,
        _orders.c.pickup_deadline,
    )
    .where(_orders.c.id == bindparam("order_id"))
    .with_for_update()
)
_LINES = (
    select(
        _lines.c.line_no,
        _lines.c.product_id,
        _lines.c.qty,
        _lines.c.price_cents,
        _lines.c.qty_collected,
        _lines.c.qty_returned,
        _lines.c.qty_cancelled,
        _products.c.style,
    )
    .join(_products, _products.c.id == _lines.c.product_id)
    .where(_lines.c.order_id == bindparam("order_id"))
    .order_by(_lines.c.line_no)
)
_LAST_HANDOVER = (
    select(_handovers.c.at, _devices.c.name)
    .join(_devices, _devices.c.id == _handovers.c.device_id)
    .where(_handovers.c.order_id == bindparam("order_id"))
    .order_by(_handovers.c.at.desc(), _handovers.c.id.desc())
    .limit(1)
)
_STAFF_ROLE = select(_staff.c.role).where(_staff.c.id == bindparam("staff_id"))
_PRODUCT_BY_SKU = select(_products.c.id, _products.c.style).where(_products.c.sku == bindparam("sku"))
_STOCK_LEVEL = select(_inventory.c.on_hand, _inventory.c.held).where(
    _inventory.c.store_id == bindparam("at_store"), _inventory.c.product_id == bindparam("product")
)
_TAKE_SUBSTITUTE = (
    update(_inventory)
    .where(
        _inventory.c.store_id == bindparam("at_store"),
        _inventory.c.product_id == bindparam("product"),
        _inventory.c.on_hand - _inventory.c.held >= bindparam("units"),
    )
    .values(on_hand=_inventory.c.on_hand - bindparam("units"), updated_at=bindparam("now"))
)
#: Units of the order leave ``held`` (cancelled ones go back on sale); handed ones leave the store.
_SETTLE_STOCK = (
    update(_inventory)
    .where(_inventory.c.store_id == bindparam("at_store"), _inventory.c.product_id == bindparam("product"))
    .values(
        on_hand=_not_below_zero(_inventory.c.on_hand - bindparam("sold")),
        held=_not_below_zero(_inventory.c.held - bindparam("released")),
        updated_at=bindparam("now"),
    )
)
_SETTLE_LINE = (
    update(_lines)
    .where(_lines.c.order_id == bindparam("order"), _lines.c.line_no == bindparam("line"))
    .values(
        qty_collected=_lines.c.qty_collected + bindparam("handed"),
        qty_cancelled=_lines.c.qty_cancelled + bindparam("cancelled"),
    )
)
_INSERT_LINE = _lines.insert()
_INSERT_REFUND = _refunds.insert().returning(_refunds.c.id)
_MOVE_ORDER = (
    update(_orders)
    .where(_orders.c.id == bindparam("order"))
    .values(pickup_state=bindparam("state"), status=bindparam("new_status"))
)
_INSERT_HANDOVER = _handovers.insert().returning(_handovers.c.id)
_CREDIT_POINTS = (
    update(_customers)
    .where(_customers.c.id == bindparam("customer"))
    .values(points=_customers.c.points + bindparam("credit"))
)
_INSERT_POINTS = _ledger.insert()
_INSERT_CHANGE = _change_log.insert()


def _units(n: int) -> str:
    return "1 unit" if n == 1 else f"{n} units"


class _Order:
    """The order a pickup effect acts on, read once (row locked on PostgreSQL), with its lines
    and, if it was handed over before, the last hand-over's time and tablet."""

    def __init__(self, connection: Connection, order_id: int) -> None:
        row: Any = connection.execute(_ORDER, {"order_id": order_id}).first()
        if row is None:
            raise CommandRefused("unknown_order", f"There is no order {order_id}.", order_id=order_id)
        self.row = row
        self.lines: dict[int, Any] = {
            line.line_no: line for line in connection.execute(_LINES, {"order_id": order_id})
        }
        self.last_at: datetime | None = None
        self.last_device = ""
        if row.pickup_state in _AFTER_HANDOVER:
            last: Any = connection.execute(_LAST_HANDOVER, {"order_id": order_id}).first()
            if last is not None:
                self.last_at, self.last_device = as_utc(last.at), last.name

    @property
    def number(self) -> str:
        return str(self.row.number)

    def facts(self) -> dict[str, Any]:
        """The state found, for a conflict: the tablet shows both sides."""
        return {
            "pickup_state": self.row.pickup_state,
            "last_handover_at": self.last_at.isoformat() if self.last_at is not None else None,
            "by_device": self.last_device or None,
            "lines": {
                str(n): {"qty": r.qty, "qty_collected": r.qty_collected, "qty_cancelled": r.qty_cancelled}
                for n, r in sorted(self.lines.items())
            },
        }

    def require_here(self, store_id: int) -> None:
        row = self.row
        if row.pickup_state is None:
            raise CommandRefused(
                "not_a_pickup", f"Order #{row.number} is not a pickup order.", order_number=row.number
            )
        if row.store_id != store_id:
            raise CommandRefused(
                "pickup_at_another_store",
                f"Order #{row.number} is to be collected at store {row.store_id}.",
                order_number=row.number,
                store_id=row.store_id,
            )

    def refuse_if_collected(self) -> None:
        """An order another tablet already handed over: a conflict saying which and when, so the
        associate checks the bag is not handed over twice."""
        if self.row.pickup_state == "collected" and self.last_at is not None:
            at = self.last_at.isoformat()
            raise CommandConflict(
                "order_already_collected",
                f"Order #{self.number} was collected at {at} (recorded by {self.last_device}). "
                "Check the bag is not handed over twice.",
                self.facts(),
                order_number=self.number,
                at=at,
                by_device=self.last_device,
            )


def collect_pickup(
    session: Session, command: contract.CollectPickupCommand, device_id: int
) -> dict[str, Any]:
    payload = command.payload
    connection = session.connection()
    order = _Order(connection, payload.order_id)
    row = order.row
    if row.pickup_state is not None:
        order.require_here(command.store_id)
    order.refuse_if_collected()
    try:
        plan = plan_handover(row.pickup_state, order.lines, payload.lines)
    except HandoverProblem as problem:
        raise _handover_refused(problem, order) from None
    if not is_paid(row.payment_state):
        raise CommandRefused(
            "order_unpaid",
            f"Order #{order.number} is not paid for yet; take payment before handing it over.",
            order_number=order.number,
        )
    if row.pickup_locked and not _is_manager(connection, command.staff_id):
        raise CommandRefused(
            "pickup_needs_manager",
            f"Order #{order.number} is locked after three wrong pickup codes; a manager hands it over.",
            order_number=order.number,
        )
    at = min(command.issued_at.astimezone(UTC), utc_now())
    _check_collector(session, order, payload.verification, at)
    substitutes = _take_substitutes(connection, order, payload.lines, command.store_id, at)

    store_id = command.store_id
    handed_value = 0
    handed_units = 0
    cancelled_units = 0
    next_line = max(order.lines, default=0) + 1
    touched_products: set[int] = set()
    tenders = TenderLedger(connection, row.id)
    for line_no in sorted(payload.lines):
        action = payload.lines[line_no]
        line = order.lines[line_no]
        taken = action.handed + action.cancelled + action.substituted
        if taken == 0:
            continue
        connection.execute(
            _SETTLE_LINE,
            {
                "order": row.id,
                "line": line_no,
                "handed": action.handed,
                "cancelled": action.cancelled + action.substituted,
            },
        )
        connection.execute(
            _SETTLE_STOCK,
            {
                "at_store": store_id,
                "product": line.product_id,
                "sold": action.handed,
                "released": taken,
                "now": at,
            },
        )
        touched_products.add(line.product_id)
        handed_value += (action.handed + action.substituted) * line.price_cents
        handed_units += action.handed + action.substituted
        if action.cancelled:
            cancelled_units += action.cancelled
            refund_id = connection.execute(
                _INSERT_REFUND,
                {
                    "order_id": row.id,
                    "line_no": line_no,
                    "qty": action.cancelled,
                    "amount_cents": action.cancelled * line.price_cents,
                    "reason": action.cancel_reason,
                    "at": at,
                    "staff_id": command.staff_id,
                    "store_id": store_id,
                },
            ).scalar_one()
            settled = tenders.split(action.cancelled * line.price_cents, at, refund_id=refund_id)
            pay_settled(
                connection,
                settled,
                customer_id=row.customer_id,
                store_id=store_id,
                refund_id=refund_id,
                at=at,
            )
        if action.substituted:
            product_id = substitutes[line_no]
            touched_products.add(product_id)
            connection.execute(
                _INSERT_LINE,
                {
                    "order_id": row.id,
                    "line_no": next_line,
                    "product_id": product_id,
                    "qty": action.substituted,
                    "price_cents": line.price_cents,
                    "qty_collected": action.substituted,
                    "qty_returned": 0,
                    "qty_cancelled": 0,
                    "substitutes_line": line_no,
                },
            )
            next_line += 1
    tenders.write(connection)
    connection.execute(
        _MOVE_ORDER, {"order": row.id, "state": plan.state, "new_status": ORDER_STATUS[plan.state]}
    )
    verification = payload.verification
    handover_id = connection.execute(
        _INSERT_HANDOVER,
        {
            "command_id": str(command.id),
            "order_id": row.id,
            "store_id": store_id,
            "device_id": device_id,
            "staff_id": command.staff_id,
            "at": at,
            "method": verification.method,
            "document_type": verification.document_type,
            "document_last": verification.document_last,
            "proxy_name": verification.proxy_name,
            "confirmed_name": payload.confirmed_name,
            "signature": payload.signature,
            "lines": {str(n): a.model_dump(exclude_defaults=True) for n, a in sorted(payload.lines.items())},
        },
    ).scalar_one()
    # What an exchange paid for earned its points on the order it came from: none here.
    points = earning_share(handed_value, tenders) // 100
    if row.customer_id is not None:
        _credit_points(connection, row.customer_id, points, at)
        channel = channel_of(connection, row.customer_id)
        if handed_units:
            text = notice_text("collected", order.number, units=handed_units, left=plan.remaining)
            record_notice(
                connection,
                customer_id=row.customer_id,
                order_id=row.id,
                kind="collected",
                text=text,
                at=at,
                channel=channel,
            )
        if cancelled_units:
            record_notice(
                connection,
                customer_id=row.customer_id,
                order_id=row.id,
                kind="cancelled",
                text=notice_text("cancelled", order.number, units=cancelled_units),
                at=at,
                channel=channel,
            )
    _log_changes(connection, store_id, row.id, row.customer_id, touched_products, at)
    return {
        "order_id": row.id,
        "pickup_state": plan.state,
        "remaining_qty": plan.remaining,
        "handover_id": handover_id,
        "receipt_code": sign_receipt(session, TokenKind.HANDOVER_RECEIPT, handover_id, at),
        "points_credited": points if row.customer_id is not None else 0,
        "collected_at": at.isoformat(),
    }


def restock_pickup(
    session: Session, command: contract.RestockPickupCommand, device_id: int
) -> dict[str, Any]:
    """An order past its deadline, confirmed on the "to restock" list: what is left is cancelled,
    goes back on sale and, if the order was paid, is refunded; the customer is told. An order not
    paid (:func:`is_paid`) records no refund: no money was taken."""
    connection = session.connection()
    order = _Order(connection, command.payload.order_id)
    row = order.row
    order.require_here(command.store_id)
    order.refuse_if_collected()
    if not is_open(row.pickup_state):
        raise _not_collectable(order)
    now = utc_now()
    if row.pickup_deadline is None or as_utc(row.pickup_deadline) >= now:
        raise CommandRefused(
            "not_overdue",
            f"Order #{order.number} is not past its pickup deadline yet; it stays for the customer.",
            order_number=order.number,
        )
    paid = is_paid(row.payment_state)
    cancelled = 0
    refunded = 0
    touched_products: set[int] = set()
    tenders = TenderLedger(connection, row.id)
    for line_no, line in sorted(order.lines.items()):
        left = to_collect(line)
        if not left:
            continue
        cancelled += left
        touched_products.add(line.product_id)
        connection.execute(_SETTLE_LINE, {"order": row.id, "line": line_no, "handed": 0, "cancelled": left})
        connection.execute(
            _SETTLE_STOCK,
            {
                "at_store": command.store_id,
                "product": line.product_id,
                "sold": 0,
                "released": left,
                "now": now,
            },
        )
        if not paid:
            continue
        refunded += left * line.price_cents
        refund_id = connection.execute(
            _INSERT_REFUND,
            {
                "order_id": row.id,
                "line_no": line_no,
                "qty": left,
                "amount_cents": left * line.price_cents,
                "reason": "expired",
                "at": now,
                "staff_id": command.staff_id,
                "store_id": command.store_id,
            },
        ).scalar_one()
        settled = tenders.split(left * line.price_cents, now, refund_id=refund_id)
        pay_settled(
            connection,
            settled,
            customer_id=row.customer_id,
            store_id=command.store_id,
            refund_id=refund_id,
            at=now,
        )
    tenders.write(connection)
    # Placed or still being picked, it never reached the bin: it is cancelled, not expired.
    state = "expired" if can_move(row.pickup_state, "expired") else "cancelled"
    connection.execute(_MOVE_ORDER, {"order": row.id, "state": state, "new_status": ORDER_STATUS[state]})
    if row.customer_id is not None and cancelled:
        record_notice(
            connection,
            customer_id=row.customer_id,
            order_id=row.id,
            kind="cancelled",
            text=notice_text("cancelled", order.number, units=cancelled, refunded=paid),
            at=now,
        )
    _log_changes(connection, command.store_id, row.id, row.customer_id, touched_products, now)
    return {"order_id": row.id, "pickup_state": state, "cancelled_qty": cancelled, "refunded_cents": refunded}


def _is_manager(connection: Connection, staff_id: int | None) -> bool:
    if staff_id is None:
        return False
    role = connection.execute(_STAFF_ROLE, {"staff_id": staff_id}).scalar()
    return role in CHAIN_WIDE_ROLES


def _check_collector(
    session: Session, order: _Order, verification: contract.PickupVerification, at: datetime
) -> None:
    """The collector was checked as the command says, or the hand-over is refused."""
    row = order.row
    number = order.number
    if verification.method == "order_code":
        assert verification.order_code is not None  # the contract requires it for this method
        try:
            # Valid when the tablet scanned it: a code that expired while the tablet was offline
            # still proves who collected.
            token = verify_scanned_code(session, verification.order_code, ORDER_KINDS, now=at)
        except (TokenRefused, TokenError):
            token = None
        if token is None or token.subject_id != row.id:
            raise CommandRefused(
                "order_code_invalid",
                f"The code shown is not a valid code of order #{number}.",
                order_number=number,
            )
    elif verification.method == "pickup_code":
        assert verification.pickup_code is not None
        if not code_matches(row.id, verification.pickup_code, row.pickup_code_hash):
            order_id = row.id
            raise CommandRefused(
                "pickup_code_wrong",
                f"That is not the pickup code of order #{number}.",
                # Counted even though nothing else is written: three wrong codes lock the order.
                aftermath=lambda s: _count_wrong(s, order_id),
                order_number=number,
            )
    elif verification.method == "proxy_id":
        assert verification.proxy_name is not None
        if not is_named_proxy(verification.proxy_name, row.proxy_name):
            raise CommandRefused(
                "proxy_not_named",
                f"The customer did not name this person to collect order #{number}.",
                order_number=number,
            )
    # photo_id: the document's type and last characters are recorded with the hand-over.


def _count_wrong(session: Session, order_id: int) -> None:
    count_wrong_code(session, order_id)


def _take_substitutes(
    connection: Connection,
    order: _Order,
    actions: Mapping[int, contract.HandoverLine],
    store_id: int,
    now: datetime,
) -> dict[int, int]:
    """Take each substitute from this store's stock (same style, available here): line number →
    the substitute's product id. Taking it is the check, so two tablets cannot take the last one."""
    number = order.number
    taken: dict[int, int] = {}
    for line_no in sorted(actions):
        action = actions[line_no]
        if not action.substituted:
            continue
        sku = action.substitute_sku
        assert sku is not None  # the contract pairs a substituted quantity with its SKU
        product: Any = connection.execute(_PRODUCT_BY_SKU, {"sku": sku}).first()
        if product is None:
            raise CommandRefused(
                "unknown_substitute",
                f"There is no product {sku} to hand over instead.",
                order_number=number,
                sku=sku,
            )
        if product.style != order.lines[line_no].style:
            raise CommandRefused(
                "substitute_not_in_style",
                f"{sku} is not another size or colour of line {line_no} of #{number}.",
                order_number=number,
                sku=sku,
            )
        result = connection.execute(
            _TAKE_SUBSTITUTE,
            {"at_store": store_id, "product": product.id, "units": action.substituted, "now": now},
        )
        if result.rowcount != 1:
            level: Any = connection.execute(
                _STOCK_LEVEL, {"at_store": store_id, "product": product.id}
            ).first()
            available = max(0, level.on_hand - level.held) if level is not None else 0
            raise CommandConflict(
                "substitute_out_of_stock",
                f"Only {_units(available)} of {sku} here to hand over instead; {action.substituted} needed.",
                {**order.facts(), "sku": sku, "available": available, "requested": action.substituted},
                order_number=number,
                sku=sku,
                available=available,
            )
        taken[line_no] = product.id
    return taken


def _credit_points(connection: Connection, customer_id: int, points: int, at: datetime) -> None:
    if points <= 0:
        return
    connection.execute(_CREDIT_POINTS, {"customer": customer_id, "credit": points})
    connection.execute(
        _INSERT_POINTS, {"customer_id": customer_id, "at": at, "delta": points, "reason": "pickup collected"}
    )


def _log_changes(
    connection: Connection,
    store_id: int,
    order_id: int,
    customer_id: int | None,
    products: set[int],
    at: datetime,
) -> None:
    rows = [{"store_id": store_id, "entity": "pickup", "entity_id": order_id, "at": at}]
    rows += [{"store_id": store_id, "entity": "stock", "entity_id": p, "at": at} for p in sorted(products)]
    if customer_id is not None:
        rows.append({"store_id": store_id, "entity": "customer", "entity_id": customer_id, "at": at})
    connection.execute(_INSERT_CHANGE, rows)


def _not_collectable(order: _Order) -> CommandConflict:
    state = order.row.pickup_state or ""
    return CommandConflict(
        "order_not_collectable",
        f"Order #{order.number} cannot be handed over: it is {state.replace('_', ' ')}.",
        order.facts(),
        order_number=order.number,
        pickup_state=state,
    )


def _handover_refused(problem: HandoverProblem, order: _Order) -> CommandNotApplied:
    """The domain's objection to a hand-over as the command's result: a conflict when the order
    has moved on since the tablet looked (collected, cancelled, or collected in part elsewhere),
    a refusal when the command itself is wrong."""
    number = order.number
    line_no = problem.line_no or 0
    if problem.code == "not_pickup":
        return CommandRefused("not_a_pickup", f"Order #{number} is not a pickup order.", order_number=number)
    if problem.code == "not_collectable":
        return _not_collectable(order)
    if problem.code == "unknown_line":
        return CommandRefused(
            "unknown_line", f"Order #{number} has no line {line_no}.", order_number=number, line_no=line_no
        )
    if problem.code == "over_collected":
        return CommandConflict(
            "over_collected",
            f"That is more than is left to collect on line {line_no} of #{number}.",
            order.facts(),
            order_number=number,
            line_no=line_no,
        )
    return CommandRefused(
        "nothing_handed",
        "Say which lines are handed over, each with a quantity of at least 1.",
        order_number=number,
    )
