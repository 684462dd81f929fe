"""An exchange in a return: other sizes or colours of the same style given for the units taken back.

Checked before anything is written (:func:`plan_exchange`): each exchange line names a line being
returned and a product of that line's style (else ``exchange_not_same_style``) at the unit price
the customer paid (else ``exchange_price_differs``), and each returned line is exchanged for
exactly as many units as come back (else ``invalid_command``). Then (:func:`make_exchange`):

* ``carry``: the units leave this store's floor now, if on sale here (``on_hand − held``; else
  the conflict ``exchange_out_of_stock`` with what is available);
* ``ship`` / ``bopis``: one endless-aisle order from ``source_store_id`` (None: the warehouse),
  made exactly as ``aisle.order`` makes one (paid; at list prices, which are the prices paid), so
  its number is on the receipt. It is paid by one tender of kind ``exchange`` for its whole
  value: the items brought back paid for it, so its hand-over credits no points for it, and a
  return of it pays that value back as store credit. All such lines of one return come from one
  place the same way; a source without the units is ``exchange_out_of_stock`` too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import Connection, Table, bindparam, literal, select, update
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.aisle import place_aisle_order
from storeassist.hub.services.command_outcomes import CommandConflict, CommandRefused
from storeassist.hub.services.return_facts import ReturnOrder

_products = cast(Table, m.Product.__table__)
_inventory = cast(Table, m.Inventory.__table__)
_orders = cast(Table, m.Order.__table__)
_INSERT_TENDER = cast(Table, m.Tender.__table__).insert()
_PRODUCT = select(_products.c.id, _products.c.style, _products.c.price_cents).where(
    _products.c.sku == bindparam("sku")
)
_TAKE = (
    update(_inventory)
    .where(
        _inventory.c.store_id == bindparam("at_store"),
        _inventory.c.product_id == bindparam("product"),
        _inventory.c.on_hand - _inventory.c.held >= bindparam("units"),
    )
    .values(on_hand=_inventory.c.on_hand - bindparam("units"), updated_at=bindparam("now"))
)
_LEVEL = select(_inventory.c.on_hand, _inventory.c.held).where(
    _inventory.c.store_id == bindparam("at_store"), _inventory.c.product_id == bindparam("product")
)


@dataclass
class ExchangePlan:
    """What an exchange gives: units carried out of this store, and an endless-aisle order."""

    #: (product id, sku, units) handed over from this store's floor.
    carry: list[tuple[int, str, int]] = field(default_factory=list)
    aisle: contract.AisleOrderCommand | None = None


@dataclass(frozen=True)
class ExchangeMade:
    order_id: int | None = None
    order_number: str | None = None
    #: Products whose stock here changed.
    products: frozenset[int] = frozenset()


def _invalid(number: str, why: str) -> CommandRefused:
    return CommandRefused(
        "invalid_command", f"The exchange for order #{number} is not valid: {why}.", field="payload.exchange"
    )


def plan_exchange(
    connection: Connection, order: ReturnOrder, command: contract.TakeReturnCommand
) -> ExchangePlan:
    """The exchange ``command`` asks for, checked against ``order`` (module notes)."""
    payload = command.payload
    number = order.number
    returned = Counter[int]()
    for unit in payload.units:
        returned[unit.line_no] += unit.qty
    given = Counter[int]()
    plan = ExchangePlan()
    aisle: Counter[str] = Counter()
    ways: set[tuple[str, int | None]] = set()
    for wanted in payload.exchange:
        line = order.line(wanted.line_no)
        if line is None or wanted.line_no not in returned:
            raise _invalid(number, f"line {wanted.line_no} is not being returned")
        product: Any = connection.execute(_PRODUCT, {"sku": wanted.sku}).first()
        if product is None or product.style != line.style:
            raise CommandRefused(
                "exchange_not_same_style",
                f"{wanted.sku} is not another size or colour of line {line.line_no} of #{number}.",
                order_number=number,
                sku=wanted.sku,
            )
        if product.price_cents != line.unit_cents:
            raise CommandRefused(
                "exchange_price_differs",
                f"{wanted.sku} is not at the price paid for line {line.line_no} of #{number}.",
                order_number=number,
                sku=wanted.sku,
            )
        given[wanted.line_no] += wanted.qty
        if wanted.fulfilment == "carry":
            plan.carry.append((product.id, wanted.sku, wanted.qty))
        else:
            aisle[wanted.sku] += wanted.qty
            ways.add((wanted.fulfilment, wanted.source_store_id))
    if given != returned:
        raise _invalid(number, "each line coming back is exchanged for as many units")
    if aisle:
        plan.aisle = _aisle_order(order, command, aisle, ways)
    return plan


def _aisle_order(
    order: ReturnOrder,
    command: contract.TakeReturnCommand,
    units: Counter[str],
    ways: set[tuple[str, int | None]],
) -> contract.AisleOrderCommand:
    number = order.number
    if len(ways) != 1:
        raise _invalid(number, "what is not carried out comes one way, from one place")
    if order.customer_id is None:
        raise _invalid(number, "a guest order's exchange can only be carried out of this store")
    ((fulfilment, source),) = ways
    try:
        return contract.AisleOrderCommand(
            id=command.id,
            type="aisle.order",
            issued_at=command.issued_at,
            store_id=command.store_id,
            staff_id=command.staff_id,
            payload=contract.AisleOrderPayload(
                customer_id=order.customer_id,
                lines=[contract.AisleLine(sku=sku, qty=qty) for sku, qty in sorted(units.items())],
                source_store_id=source,
                fulfilment=cast(Any, fulfilment),
            ),
        )
    except ValidationError:
        raise _invalid(number, "too many units to order at once") from None


def make_exchange(
    session: Session,
    plan: ExchangePlan,
    order_number: str,
    store_id: int,
    device_id: int,
    at: datetime,
) -> ExchangeMade:
    """Hand over what is carried and place the endless-aisle order (module notes)."""
    connection = session.connection()
    for product_id, sku, units in plan.carry:
        taken = connection.execute(
            _TAKE, {"at_store": store_id, "product": product_id, "units": units, "now": at}
        )
        if taken.rowcount != 1:
            level: Any = connection.execute(_LEVEL, {"at_store": store_id, "product": product_id}).first()
            available = max(0, level.on_hand - level.held) if level is not None else 0
            raise _out_of_stock(order_number, sku, available, units, store_id)
    made = ExchangeMade(products=frozenset(p for p, _sku, _units in plan.carry))
    if plan.aisle is None:
        return made
    try:
        placed = place_aisle_order(session, plan.aisle, device_id)
    except CommandConflict as short:
        sku, available = str(short.params["sku"]), int(short.params["available"])
        source = int(short.facts.get("store_id", 0))
        raise _out_of_stock(order_number, sku, available, int(short.params["requested"]), source) from None
    session.flush()
    connection.execute(
        _INSERT_TENDER.from_select(
            ["order_id", "kind", "amount_cents"],
            select(_orders.c.id, literal("exchange"), _orders.c.total_cents).where(
                _orders.c.id == placed["order_id"]
            ),
        )
    )
    return ExchangeMade(placed["order_id"], placed["order_number"], made.products)


def _out_of_stock(number: str, sku: str, available: int, wanted: int, store_id: int) -> CommandConflict:
    return CommandConflict(
        "exchange_out_of_stock",
        f"Only {available} of {sku} available to exchange for order #{number}; {wanted} needed.",
        {"sku": sku, "store_id": store_id, "available": available, "requested": wanted},
        order_number=number,
        sku=sku,
        available=available,
    )
