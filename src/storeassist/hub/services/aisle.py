"""The endless aisle: an order from another store or the warehouse, and its arrival for pickup.

``aisle.order`` sells what this store has not got. The source is another store (``kind`` store,
not this one) or, with no ``source_store_id``, the chain's warehouse. Every line must be available
there (``on_hand - held``). For pickup here its units are then held at the source until they
leave (``pickup.receive``); shipped home, they leave the source at once (out of its ``on_hand``,
never held: the source ships them, and nothing later would release a hold). The order is
the customer's, of channel ``store``, at list prices, and **paid** (the demo takes no payment: a
real chain charges at the till first). It ships to the customer's address on file (``ship``) or
comes to this store for pickup (``bopis``: ``pickup_state`` ``placed``, in this store's pickup
queue at once, so Pickups shows it on its way). ``orders.source_store_id`` remembers the source.

``pickup.receive`` is its arrival: a placed or picking pickup order of this store goes ``ready``
in a bin, and its units move from the source (out of its ``on_hand`` and ``held``) to this store
(into ``on_hand`` and ``held``, held for the customer until handed over). An order with no
source (an ordinary pickup picked here) just goes ready. An order that arrives without a pickup
deadline (an endless-aisle one) gets the store's usual one, :data:`PICKUP_WINDOW` after it is
ready, so an uncollected one can be restocked (``pickup.restock``). Every write logs ``change_log`` rows:
the stock of each store and product touched, the pickup (the kept queues move), the customer.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, case, func, select, update
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.command_outcomes import CommandConflict, CommandRefused
from storeassist.hub.services.database import utc_now

#: Endless-aisle orders are numbered as the chain's store orders are: ``S`` and 10,000,000 + id.
ORDER_NUMBER_BASE = 10_000_000
#: How long a pickup waits once ready, as the chain's pickups do (``seed.orders.PICKUP_DAYS``).
PICKUP_WINDOW = timedelta(days=7)
#: States of a pickup order that has not arrived yet.
ARRIVING = ("placed", "picking")

_change_log = cast(Table, m.ChangeLog.__table__)
_orders = cast(Table, m.Order.__table__)


def _log(session: Session, rows: list[tuple[int | None, str, int]], at: datetime) -> None:
    session.connection().execute(
        _change_log.insert(),
        [{"store_id": s, "entity": e, "entity_id": i, "at": at} for s, e, i in rows],
    )


def _source(session: Session, command: contract.AisleOrderCommand) -> int:
    wanted = command.payload.source_store_id
    if wanted is None:
        warehouse = session.scalar(
            select(m.Store.id).where(m.Store.kind == "warehouse").order_by(m.Store.id).limit(1)
        )
        if warehouse is None:
            raise CommandRefused("unknown_store", "This chain has no warehouse.", store_id=0)
        return warehouse
    if wanted == command.store_id:
        raise CommandRefused(
            "source_is_here", "That is this store: hold the item here instead.", store_id=wanted
        )
    kind = session.scalar(select(m.Store.kind).where(m.Store.id == wanted))
    if kind != "store":
        raise CommandRefused("unknown_store", f"There is no store {wanted}.", store_id=wanted)
    return wanted


def place_aisle_order(
    session: Session, command: contract.AisleOrderCommand, device_id: int
) -> dict[str, Any]:
    payload = command.payload
    customer = session.execute(
        select(m.Customer.id, m.Customer.address).where(m.Customer.id == payload.customer_id)
    ).first()
    if customer is None:
        raise CommandRefused(
            "unknown_customer",
            f"There is no customer {payload.customer_id}.",
            customer_id=payload.customer_id,
        )
    if payload.fulfilment == "ship" and not (customer.address or "").strip():
        raise CommandRefused(
            "no_address",
            "This customer has no address on file to ship to.",
            customer_id=payload.customer_id,
        )
    source = _source(session, command)
    wanted = Counter[str]()
    for line in payload.lines:
        wanted[line.sku] += line.qty
    products = {
        row.sku: row
        for row in session.execute(
            select(m.Product.id, m.Product.sku, m.Product.price_cents).where(m.Product.sku.in_(list(wanted)))
        )
    }
    for sku in wanted:
        if sku not in products:
            raise CommandRefused("unknown_product", f"There is no product with SKU {sku}.", sku=sku)
    now = utc_now()
    bopis = payload.fulfilment == "bopis"
    for sku, qty in wanted.items():
        product_id = products[sku].id
        # For pickup here: held at the source until received. Shipped: gone from it now.
        taken_units = {"held": m.Inventory.held + qty} if bopis else {"on_hand": m.Inventory.on_hand - qty}
        taken = session.execute(
            update(m.Inventory)
            .where(
                m.Inventory.store_id == source,
                m.Inventory.product_id == product_id,
                m.Inventory.on_hand - m.Inventory.held >= qty,
            )
            .values(**taken_units, updated_at=now)
        )
        if cast(Any, taken).rowcount != 1:
            level = session.execute(
                select(m.Inventory.on_hand, m.Inventory.held).where(
                    m.Inventory.store_id == source, m.Inventory.product_id == product_id
                )
            ).first()
            available = max(0, level.on_hand - level.held) if level is not None else 0
            raise CommandConflict(
                "not_enough_stock",
                f"Only {available} of {sku} available at the source; {qty} asked.",
                {"sku": sku, "store_id": source, "available": available, "requested": qty},
                sku=sku,
                available=available,
                requested=qty,
            )
    order_id = (
        session.connection()
        .execute(
            _orders.insert().returning(_orders.c.id),
            {
                "number": f"~{command.id.hex[:18]}",  # numbered from its id just below
                "customer_id": payload.customer_id,
                "channel": "store",
                "placed_at": now,
                "status": "placed",
                "fulfilment": payload.fulfilment,
                "store_id": command.store_id,
                "pickup_state": "placed" if bopis else None,
                "pickup_deadline": None,
                "total_cents": sum(products[line.sku].price_cents * line.qty for line in payload.lines),
                "payment_state": "paid",
                "source_store_id": source,
            },
        )
        .scalar_one()
    )
    number = f"S{ORDER_NUMBER_BASE + order_id}"
    session.execute(update(m.Order).where(m.Order.id == order_id).values(number=number))
    session.add_all(
        m.OrderLine(
            order_id=order_id,
            line_no=index,
            product_id=products[line.sku].id,
            qty=line.qty,
            price_cents=products[line.sku].price_cents,
            qty_collected=0,
            qty_returned=0,
            qty_cancelled=0,
        )
        for index, line in enumerate(payload.lines, start=1)
    )
    rows: list[tuple[int | None, str, int]] = [(source, "stock", products[sku].id) for sku in sorted(wanted)]
    if bopis:
        rows.append((command.store_id, "pickup", order_id))
    rows.append((command.store_id, "customer", payload.customer_id))
    _log(session, rows, now)
    return {"order_number": number, "order_id": order_id}


def receive_pickup(
    session: Session, command: contract.ReceivePickupCommand, device_id: int
) -> dict[str, Any]:
    payload = command.payload
    order = session.execute(
        select(
            m.Order.id,
            m.Order.number,
            m.Order.store_id,
            m.Order.pickup_state,
            m.Order.customer_id,
            m.Order.source_store_id,
        ).where(m.Order.id == payload.order_id)
    ).first()
    if order is None:
        raise CommandRefused(
            "unknown_order", f"There is no order {payload.order_id}.", order_id=payload.order_id
        )
    if order.pickup_state is None:
        raise CommandRefused(
            "not_a_pickup", f"Order #{order.number} is not a pickup order.", order_number=order.number
        )
    if order.store_id != command.store_id:
        raise CommandRefused(
            "pickup_at_another_store",
            f"Order #{order.number} is to be collected at store {order.store_id}.",
            order_number=order.number,
            store_id=order.store_id,
        )
    if order.pickup_state not in ARRIVING:
        raise CommandConflict(
            "not_arriving",
            f"Order {order.number} is {order.pickup_state}, not on its way.",
            {"order_number": order.number, "pickup_state": order.pickup_state},
            order_number=order.number,
            pickup_state=order.pickup_state,
        )
    now = utc_now()
    session.execute(
        update(m.Order)
        .where(m.Order.id == order.id)
        .values(
            pickup_state="ready",
            pickup_bin=payload.bin,
            pickup_deadline=func.coalesce(m.Order.pickup_deadline, now + PICKUP_WINDOW),
        )
    )
    rows: list[tuple[int | None, str, int]] = [(command.store_id, "pickup", order.id)]
    source = order.source_store_id
    if source is not None and source != command.store_id:
        lines = session.execute(
            select(m.OrderLine.product_id, m.OrderLine.qty).where(m.OrderLine.order_id == order.id)
        )
        units = Counter[int]()
        for line in lines:
            units[line.product_id] += line.qty
        for product_id, qty in sorted(units.items()):
            _move_units(session, source, command.store_id, product_id, qty, now)
            rows += [(source, "stock", product_id), (command.store_id, "stock", product_id)]
    if order.customer_id is not None:
        rows.append((command.store_id, "customer", order.customer_id))
    _log(session, rows, now)
    return {"order_number": order.number, "pickup_state": "ready"}


def _move_units(session: Session, source: int, here: int, product_id: int, qty: int, at: datetime) -> None:
    """``qty`` held units leave ``source`` and arrive ``here``, held for the customer."""
    session.execute(
        update(m.Inventory)
        .where(m.Inventory.store_id == source, m.Inventory.product_id == product_id)
        .values(
            on_hand=case((m.Inventory.on_hand > qty, m.Inventory.on_hand - qty), else_=0),
            held=case((m.Inventory.held > qty, m.Inventory.held - qty), else_=0),
            updated_at=at,
        )
    )
    arrived = session.execute(
        update(m.Inventory)
        .where(m.Inventory.store_id == here, m.Inventory.product_id == product_id)
        .values(on_hand=m.Inventory.on_hand + qty, held=m.Inventory.held + qty, updated_at=at)
    )
    if cast(Any, arrived).rowcount != 1:
        session.add(m.Inventory(store_id=here, product_id=product_id, on_hand=qty, held=qty, updated_at=at))
        session.flush()
