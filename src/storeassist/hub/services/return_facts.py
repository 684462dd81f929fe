"""An order as a return reads it from the hub's rows: the policy's facts, and what the lookup's answer
and the ``return.take`` effect need besides.

The same read serves both, so the facts the hub decides a return on are exactly those its lookup
sent the tablet (``domain.return_desk.order_facts`` of the answer; a property test checks it):

* ``received_at``, when the window starts: the last hand-over of a pickup order that has one,
  else when it was placed;
* per line, ``received``: the units collected of a pickup order (``bopis``, ``curbside``); of a
  shipped order, those ordered less any cancelled once it is delivered or completed (none while
  it is on its way: nothing has reached the customer to bring back); of a sale carried out of a
  store, those ordered less any cancelled; ``returned``: ``qty_returned``; ``refunded_cents``: what its
  return lines and pickup refunds paid back, and, for units returned before 0007 with no return
  line, their unit price (such units were paid back in full);
* per tender, what it paid and what its ``tender_refunds`` paid back (``TenderLedger``);
* the customer's points (never below zero) and the payment state (``paid`` or ``unpaid``: any
  other stored state fails closed, as for pickups).

Which order a scanned code names (:func:`order_of_code`): an order or purchase receipt code names
it, a hand-over receipt names the hand-over, a return receipt the return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, func, select

from storeassist.domain.returns import LineFacts, OrderFacts
from storeassist.domain.tokens import SignedToken, TokenKind
from storeassist.hub.db import models as m
from storeassist.hub.services.database import as_utc
from storeassist.hub.services.tender_refunds import TenderLedger
from storeassist.hub.services.wire import is_paid

#: Codes that prove the customer bought the order: a return "with receipt".
RECEIPT_KINDS = frozenset({TokenKind.ORDER, TokenKind.PURCHASE_RECEIPT, TokenKind.HANDOVER_RECEIPT})
#: Codes that find an order to take back (a return's receipt too, but without receipt).
FINDING_KINDS = RECEIPT_KINDS | {TokenKind.RETURN_RECEIPT}
#: Fulfilments whose units are those collected at the counter.
PICKUP_FULFILMENTS = frozenset({"bopis", "curbside"})
#: The states of a shipped order whose units have reached the customer.
DELIVERED_STATUSES = frozenset({"delivered", "completed"})

_orders = cast(Table, m.Order.__table__)
_lines = cast(Table, m.OrderLine.__table__)
_products = cast(Table, m.Product.__table__)
_customers = cast(Table, m.Customer.__table__)
_handovers = cast(Table, m.PickupHandover.__table__)
_returns = cast(Table, m.Return.__table__)
_return_lines = cast(Table, m.ReturnLine.__table__)
_refunds = cast(Table, m.Refund.__table__)

_ORDER_COLUMNS = (
    _orders.c.id,
    _orders.c.number,
    _orders.c.customer_id,
    _orders.c.channel,
    _orders.c.fulfilment,
    _orders.c.status,
    _orders.c.payment_state,
    _orders.c.placed_at,
    _orders.c.store_id,
    _orders.c.pickup_state,
    _orders.c.total_cents,
)
_ORDER = select(*_ORDER_COLUMNS).where(_orders.c.id == bindparam("order_id"))
#: The effect's read: the order row locked (PostgreSQL), so two stores' returns of one order queue.
_ORDER_LOCKED = _ORDER.with_for_update()
_CUSTOMER = select(_customers.c.name, _customers.c.points).where(_customers.c.id == bindparam("customer_id"))
_LINES = (
    select(
        _lines.c.line_no,
        _lines.c.product_id,
        _lines.c.qty,
        _lines.c.price_cents,
        _lines.c.qty_collected,
        _lines.c.qty_returned,
        _lines.c.qty_cancelled,
        _products.c.sku,
        _products.c.name,
        _products.c.category,
        _products.c.style,
        _products.c.size,
        _products.c.colour,
    )
    .join(_products, _products.c.id == _lines.c.product_id)
    .where(_lines.c.order_id == bindparam("order_id"))
    .order_by(_lines.c.line_no)
)
_RETURNED = (
    select(
        _return_lines.c.line_no,
        func.sum(_return_lines.c.qty),
        func.sum(_return_lines.c.refund_cents),
    )
    .where(_return_lines.c.order_id == bindparam("order_id"))
    .group_by(_return_lines.c.line_no)
)
_REFUNDED = (
    select(_refunds.c.line_no, func.sum(_refunds.c.amount_cents))
    .where(_refunds.c.order_id == bindparam("order_id"))
    .group_by(_refunds.c.line_no)
)
_LAST_HANDOVER = select(func.max(_handovers.c.at)).where(_handovers.c.order_id == bindparam("order_id"))
_BY_NUMBER = select(_orders.c.id).where(_orders.c.number == bindparam("number"))
_HANDOVER_ORDER = select(_handovers.c.order_id).where(_handovers.c.id == bindparam("subject"))
_RETURN_ORDER = select(_returns.c.order_id).where(_returns.c.id == bindparam("subject"))
_ORDER_EXISTS = select(_orders.c.id).where(_orders.c.id == bindparam("subject"))


@dataclass(frozen=True, slots=True)
class ReturnLineRow:
    """One order line with its product, as a return sees it."""

    line_no: int
    product_id: int
    sku: str
    name: str
    category: str
    style: str
    size: str | None
    colour: str | None
    qty: int
    unit_cents: int
    received: int
    returned: int
    refunded_cents: int

    def facts(self) -> LineFacts:
        return LineFacts(
            line_no=self.line_no,
            sku=self.sku,
            category=self.category,
            style=self.style,
            qty=self.qty,
            unit_cents=self.unit_cents,
            received=self.received,
            returned=self.returned,
            refunded_cents=self.refunded_cents,
        )


@dataclass(frozen=True, slots=True)
class ReturnOrder:
    """An order read for a return (see the module notes)."""

    id: int
    number: str
    channel: str
    fulfilment: str
    status: str
    payment_state: str
    placed_at: datetime
    received_at: datetime
    store_id: int | None
    pickup_state: str | None
    customer_id: int | None
    customer_name: str | None
    customer_points: int
    total_cents: int
    lines: tuple[ReturnLineRow, ...]
    tenders: TenderLedger

    def line(self, line_no: int) -> ReturnLineRow | None:
        return next((line for line in self.lines if line.line_no == line_no), None)

    def facts(self) -> OrderFacts:
        return OrderFacts(
            number=self.number,
            customer_id=self.customer_id,
            status=self.status,
            payment_state=self.payment_state,
            received_at=self.received_at,
            total_cents=self.total_cents,
            lines=tuple(line.facts() for line in self.lines),
            tenders=self.tenders.facts(),
            customer_points=self.customer_points,
        )


def read_return_order(connection: Connection, order_id: int, *, lock: bool = False) -> ReturnOrder | None:
    """The order ``order_id`` as a return reads it, or None; ``lock`` locks its row (the effect)."""
    row: Any = connection.execute(_ORDER_LOCKED if lock else _ORDER, {"order_id": order_id}).first()
    if row is None:
        return None
    key = {"order_id": order_id}
    customer: Any = None
    if row.customer_id is not None:
        customer = connection.execute(_CUSTOMER, {"customer_id": row.customer_id}).first()
    returned = {n: (int(qty or 0), int(cents or 0)) for n, qty, cents in connection.execute(_RETURNED, key)}
    refunded = {n: int(cents or 0) for n, cents in connection.execute(_REFUNDED, key)}
    received_at = as_utc(row.placed_at)
    if row.fulfilment in PICKUP_FULFILMENTS:
        handed_at = connection.execute(_LAST_HANDOVER, key).scalar()
        if handed_at is not None:
            received_at = as_utc(handed_at if isinstance(handed_at, datetime) else _stored_time(handed_at))
    lines = tuple(
        _line(line, _received_as(row), returned.get(line.line_no, (0, 0)), refunded.get(line.line_no, 0))
        for line in connection.execute(_LINES, key)
    )
    return ReturnOrder(
        id=row.id,
        number=row.number,
        channel=row.channel,
        fulfilment=row.fulfilment,
        status=row.status,
        payment_state="paid" if is_paid(row.payment_state) else "unpaid",
        placed_at=as_utc(row.placed_at),
        received_at=received_at,
        store_id=row.store_id,
        pickup_state=row.pickup_state,
        customer_id=row.customer_id,
        customer_name=customer.name if customer is not None else None,
        customer_points=max(0, int(customer.points)) if customer is not None else 0,
        total_cents=max(0, int(row.total_cents)),
        lines=lines,
        tenders=TenderLedger(connection, order_id),
    )


def _stored_time(value: Any) -> datetime:
    """A ``MAX()`` of a time column: SQLite answers the stored text, not a datetime."""
    return datetime.fromisoformat(str(value))


def _received_as(order: Any) -> str:
    """How an order's lines count what the customer has: ``collected`` (a pickup), ``ordered`` (a
    sale carried out, or a shipment delivered), or ``none`` (a shipment not delivered yet)."""
    if order.fulfilment in PICKUP_FULFILMENTS:
        return "collected"
    if order.fulfilment == "carry" or order.status in DELIVERED_STATUSES:
        return "ordered"
    return "none"


def _line(row: Any, received_as: str, returned: tuple[int, int], refunded: int) -> ReturnLineRow:
    qty = max(0, int(row.qty))
    if received_as == "collected":
        received = max(0, int(row.qty_collected))
    elif received_as == "ordered":
        received = max(0, qty - int(row.qty_cancelled))
    else:
        received = 0
    qty_returned = max(0, int(row.qty_returned))
    lined_qty, lined_cents = returned
    # Units returned before 0007 without a return line were paid back in full.
    legacy = max(0, qty_returned - lined_qty) * int(row.price_cents)
    return ReturnLineRow(
        line_no=row.line_no,
        product_id=row.product_id,
        sku=row.sku,
        name=row.name,
        category=row.category,
        style=row.style,
        size=row.size,
        colour=row.colour,
        qty=qty,
        unit_cents=max(0, int(row.price_cents)),
        received=received,
        returned=qty_returned,
        refunded_cents=max(0, lined_cents + refunded + legacy),
    )


def order_id_by_number(connection: Connection, number: str) -> int | None:
    """The order printed ``number`` (as typed, or upper-cased), or None."""
    for candidate in dict.fromkeys((number.strip().upper(), number.strip())):
        found = connection.execute(_BY_NUMBER, {"number": candidate}).scalar()
        if found is not None:
            return int(found)
    return None


def order_of_code(connection: Connection, token: SignedToken) -> int | None:
    """The order a verified code names, or None (a hand-over or return that no longer exists)."""
    statement = {
        TokenKind.HANDOVER_RECEIPT: _HANDOVER_ORDER,
        TokenKind.RETURN_RECEIPT: _RETURN_ORDER,
    }.get(token.kind, _ORDER_EXISTS)
    found = connection.execute(statement, {"subject": token.subject_id}).scalar()
    return int(found) if found is not None else None
