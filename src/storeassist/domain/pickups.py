"""What the pickup counter shows and what it refuses: the queue, an opened order, substitutes, a
hand-over or arrival receipt, and the typed errors the screen turns into a sentence.

The pickup desk service (``storeassist.services.pickup_desk``) makes these; the Pickups screen
reads them. Pure Python: no Qt, HTTP or SQL. Rules on states and quantities are
:mod:`storeassist.domain.orders`'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from storeassist.contract.catalog import Product
from storeassist.contract.orders import Order, OrderLine
from storeassist.domain.orders import LineAction, is_arriving, plan_handover, to_collect

#: Where a board or an order was read: the hub just now, or this tablet's cache.
PickupSource = Literal["online", "cache"]
#: What became of a hand-over or a restock: applied at the hub, queued here, refused, or in conflict.
ReceiptStatus = Literal["confirmed", "waiting", "refused", "conflict"]


@dataclass(frozen=True)
class PickupBoard:
    """The store's pickup queue as shown."""

    #: Sorted by ``queue_sort_key``; this tablet's unconfirmed hand-overs and restocks applied.
    orders: tuple[Order, ...]
    #: When the hub built it (from the cache: the last sync).
    as_of: datetime
    source: PickupSource
    #: Order ids with a hand-over or restock queued here and not yet confirmed by the hub.
    waiting_to_sync: frozenset[int] = frozenset()


@dataclass(frozen=True)
class OpenedPickup:
    """One pickup order opened at the counter."""

    #: This tablet's unconfirmed hand-overs applied.
    order: Order
    source: PickupSource
    #: The scanned signed order code when opened by one: it verifies the collector.
    order_code: str | None
    waiting_to_sync: bool


@dataclass(frozen=True)
class SubstituteOption:
    """Another size or colour of a line's style, in stock here."""

    sku: str
    name: str
    size: str | None
    colour: str | None
    available_here: int


@dataclass(frozen=True)
class ReceiptLine:
    """One line of a hand-over receipt: what happened to it in this hand-over."""

    line_no: int
    name: str
    size: str | None
    colour: str | None
    handed: int
    cancelled: int
    substituted: int
    substitute_name: str | None = None
    #: The size and colour handed over instead (every variant of a style shares its name).
    substitute_size: str | None = None
    substitute_colour: str | None = None


@dataclass(frozen=True)
class HandoverReceipt:
    """What the counter shows after a hand-over (or a restock, whose lines are cancelled)."""

    order_id: int
    order_number: str
    lines: tuple[ReceiptLine, ...]
    #: When handed over (the device's clock, UTC).
    at: datetime
    staff_name: str
    status: ReceiptStatus
    #: The hub's signed receipt code once confirmed, else the command id.
    reference: str
    #: The state the order moves to.
    pickup_state: str
    points_credited: int | None
    #: A refusal's or conflict's result code (``contract.RESULT_CODES``), with its params.
    code: str | None = None
    params: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class ArrivalReceipt:
    """What the counter shows after an order's arrival is recorded (``pickup.receive``)."""

    #: The order as it now shows: ready in ``bin`` when confirmed or waiting to sync; as it was
    #: when refused or in conflict.
    order: Order
    bin: str
    #: When it was put in the bin (the device's clock, UTC).
    at: datetime
    staff_name: str
    status: ReceiptStatus
    #: This tablet's command id (the hub signs no code for an arrival).
    reference: str
    #: A refusal's or conflict's result code (``contract.RESULT_CODES``), with its params.
    code: str | None = None
    params: Mapping[str, str | int] = field(default_factory=dict)


class PickupNotHere(LookupError):
    """The order is not a pickup order of this store (another store's, unknown, or not a pickup)."""

    def __init__(self, order_number: str, store_id: int | None) -> None:
        super().__init__(f"order {order_number} is not a pickup at store {store_id}")
        self.order_number = order_number
        self.store_id = store_id


class HandoverInvalid(ValueError):
    """A hand-over or restock refused on the tablet before anything was written.

    ``code`` is a result code of ``contract.RESULT_CODES`` (``order_unpaid``,
    ``pickup_needs_manager``, ``unknown_substitute``…) or a
    :class:`~storeassist.domain.orders.HandoverProblem` code (``not_collectable``,
    ``nothing_handed``, ``unknown_line``, ``over_collected``); ``params`` are what the sentence
    needs (``order_number``, ``line_no``, ``sku``…)."""

    def __init__(self, code: str, params: Mapping[str, str | int] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params: Mapping[str, str | int] = dict(params or {})


# -- this tablet's own news: an order as it stands after what was done here ---------------------


class HandoverAction(LineAction, Protocol):
    """A line of a hand-over as applied here (the contract's ``HandoverLine``)."""

    @property
    def substitute_sku(self) -> str | None: ...


def apply_handover(
    order: Order,
    lines: Mapping[int, HandoverAction],
    *,
    at: datetime,
    products: Mapping[str, Product] | None = None,
) -> Order:
    """``order`` as it stands once ``lines`` are handed over: quantities collected and cancelled,
    a new line per substitute (its name, size and colour from ``products`` when known), the state
    :func:`~storeassist.domain.orders.plan_handover` names, and ``last_handover_at``.

    Raises ``HandoverProblem`` like ``plan_handover``: what the tablet shows as done must be a
    hand-over the rules allow."""
    plan = plan_handover(order.pickup_state, {line.line_no: line for line in order.lines}, lines)
    known = products or {}
    updated: list[OrderLine] = []
    added: list[OrderLine] = []
    next_line_no = max((line.line_no for line in order.lines), default=0) + 1
    for line in order.lines:
        action = lines.get(line.line_no)
        if action is None:
            updated.append(line)
            continue
        updated.append(
            line.model_copy(
                update={
                    "qty_collected": line.qty_collected + action.handed,
                    "qty_cancelled": line.qty_cancelled + action.cancelled + action.substituted,
                }
            )
        )
        if action.substituted > 0 and action.substitute_sku is not None:
            product = known.get(action.substitute_sku)
            added.append(
                OrderLine(
                    line_no=next_line_no,
                    sku=action.substitute_sku,
                    name=product.name if product is not None else action.substitute_sku,
                    qty=action.substituted,
                    price_cents=line.price_cents,
                    qty_collected=action.substituted,
                    size=product.size if product is not None else None,
                    colour=product.colour if product is not None else None,
                    substitutes_line=line.line_no,
                )
            )
            next_line_no += 1
    return order.model_copy(
        update={"lines": updated + added, "pickup_state": plan.state, "last_handover_at": at}
    )


def apply_restock(order: Order) -> Order:
    """``order`` once its "to restock" task is confirmed: what was left is cancelled, the order expired."""
    lines = [
        line.model_copy(update={"qty_cancelled": line.qty_cancelled + to_collect(line)})
        for line in order.lines
    ]
    return order.model_copy(update={"lines": lines, "pickup_state": "expired"})


def apply_receive(order: Order, bin: str) -> Order:
    """``order`` once it has arrived and is put in ``bin``: ready there. An order no longer on its
    way (the copy already holds the arrival, or the order moved on) is left as it is."""
    if not is_arriving(order.pickup_state):
        return order
    return order.model_copy(update={"pickup_state": "ready", "pickup_bin": bin})


#: Digits a queue search needs before it is taken for a phone number and asked of the hub (the
#: tablet keeps no customer's phone number).
PHONE_SEARCH_MIN_DIGITS = 6
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]+$")


def phone_query(text: str) -> str | None:
    """The digits of a queue search that is a phone number (at least
    :data:`PHONE_SEARCH_MIN_DIGITS`; spaces, ``+``, dashes, dots and brackets allowed), else None."""
    text = text.strip()
    if not text or not _PHONE_LIKE.match(text):
        return None
    digits = re.sub(r"\D", "", text)
    return digits if len(digits) >= PHONE_SEARCH_MIN_DIGITS else None


def is_named_proxy(given: str | None, named: str | None) -> bool:
    """Whether the person collecting (``given``, as on their ID) is the proxy the customer named:
    the same words, whatever the case and spacing. One rule for the screen, the tablet's check
    and the hub's."""
    if given is None or named is None:
        return False
    return " ".join(given.split()).casefold() == " ".join(named.split()).casefold()
