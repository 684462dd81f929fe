"""Cross-channel orders and the pickup (BOPIS) queue. Pickup states and their rules are the domain's
(``storeassist.domain.orders``).

**Who gets the pickup fields.** The pickup counter's release added fields to :class:`Order`
(:data:`PICKUP_ORDER_FIELDS`) and :class:`OrderLine` (:data:`PICKUP_LINE_FIELDS`). A tablet of
the release before reads orders with unknown fields refused, in profiles, the change feed, an
order and the queue, and a chain upgrades its hub before its tablets. So the hub sends those
fields only to a client that lists ``pickup_orders`` in ``X-StoreAssist-Results``
(``contract.commands.RESULTS_WITH_PICKUP_ORDERS``); to any other it serialises every order and
line in the answer with :func:`without_pickup_fields`'s ``exclude``, the previous release's shape.
Every new field has a default, so this release reads either shape.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Field

from storeassist.contract.common import Cents, Channel, Count, EntityId, LineNo, Units, WireModel
from storeassist.domain.orders import PickupState as PickupState

Fulfilment = Literal["ship", "bopis", "curbside", "carry"]
#: Whether a pickup order is paid for: only a paid order is handed over.
PaymentState = Literal["paid", "unpaid"]


class OrderLine(WireModel):
    line_no: LineNo
    sku: str
    name: str
    qty: Units
    price_cents: Cents
    qty_collected: Count = 0
    qty_returned: Count = 0
    #: Units cancelled (missing, damaged, past the deadline) and refunded.
    qty_cancelled: Count = 0
    size: str | None = Field(default=None, max_length=12)
    colour: str | None = Field(default=None, max_length=24)
    #: The product's picture; absent, the tablet shows a placeholder.
    image_url: str | None = Field(default=None, max_length=300)
    #: Handed over instead of units of that line (another size or colour).
    substitutes_line: LineNo | None = None


class Order(WireModel):
    id: EntityId
    number: str
    customer_id: EntityId | None
    customer_name: str | None = None
    channel: Channel
    placed_at: datetime
    status: str
    fulfilment: Fulfilment
    store_id: EntityId | None = Field(default=None, description="store of sale, or pickup store")
    pickup_state: PickupState | None = None
    pickup_deadline: datetime | None = None
    total_cents: Cents
    lines: list[OrderLine]
    # Pickup orders only (0005).
    #: The bin or shelf where it waits.
    pickup_bin: str | None = Field(default=None, max_length=16)
    #: Someone the customer named to collect for them.
    proxy_name: str | None = Field(default=None, max_length=120)
    payment_state: PaymentState = "paid"
    customer_waiting_since: datetime | None = Field(
        default=None, description="the customer said they are here (app check-in, kiosk)"
    )
    pickup_locked: bool = Field(
        default=False, description="a wrong pickup code three times: only a manager may hand it over now"
    )
    last_handover_at: datetime | None = None


class PickupCodeCheck(WireModel):
    """``POST /v1/orders/{order_id}/pickup-code``: a pickup code the customer read out, checked at the hub.

    The hub counts wrong codes per order; at the third the order is locked (``pickup_locked``)
    and only a manager may hand it over."""

    store_id: EntityId
    code: str = Field(pattern=r"^[0-9]{6}$")


class PickupCodeAnswer(WireModel):
    ok: bool
    attempts_left: Count
    locked: bool


class PickupQueue(WireModel):
    store_id: EntityId
    as_of: datetime
    orders: list[Order]


#: :class:`Order`'s fields added with the pickup counter, sent only to a tablet that reads them.
PICKUP_ORDER_FIELDS: frozenset[str] = frozenset(
    {
        "pickup_bin",
        "proxy_name",
        "payment_state",
        "customer_waiting_since",
        "pickup_locked",
        "last_handover_at",
    }
)
#: :class:`OrderLine`'s fields added with the pickup counter, sent only to a tablet that reads them.
PICKUP_LINE_FIELDS: frozenset[str] = frozenset(
    {"qty_cancelled", "size", "colour", "image_url", "substitutes_line"}
)

#: A pydantic ``exclude`` argument: field name → ``True`` or the exclusion inside it (a ``dict``:
#: pydantic reads no other mapping as one).
Exclusion = dict[Any, Any]


def without_pickup_fields(answer: type[BaseModel]) -> Exclusion | None:
    """The ``exclude`` that serialises an ``answer`` (any contract model) with every order and
    order line in it, at any depth, in the shape of the release before the pickup fields; None
    when it carries no orders. Worked out once per model from its fields' types, so a new answer
    that embeds orders is covered without a list to keep up to date; shared, so never changed."""
    return _exclusion_of_model(answer)


@functools.cache
def _exclusion_of_model(model: type[BaseModel]) -> Exclusion | None:
    spec: dict[Any, Any] = {}
    if issubclass(model, Order):
        spec.update(dict.fromkeys(PICKUP_ORDER_FIELDS, True))
    if issubclass(model, OrderLine):
        spec.update(dict.fromkeys(PICKUP_LINE_FIELDS, True))
    for name, field in model.model_fields.items():
        inner = _exclusion_of_type(field.annotation)
        if inner is not None:
            spec[name] = inner
    return spec or None


def _exclusion_of_type(annotation: Any) -> Exclusion | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _exclusion_of_model(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _exclusion_of_type(args[0])
    if origin is Union or origin is types.UnionType:
        found = [e for e in (_exclusion_of_type(a) for a in args) if e is not None]
        if len(found) > 1:
            raise NotImplementedError(f"orders in more than one member of {annotation}")
        return found[0] if found else None
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        by_index = {i: e for i, a in enumerate(args) if (e := _exclusion_of_type(a)) is not None}
        return by_index or None
    if isinstance(origin, type) and issubclass(origin, Mapping) and args:
        inner = _exclusion_of_type(args[-1])
    elif isinstance(origin, type) and issubclass(origin, (Sequence, set, frozenset)) and args:
        inner = _exclusion_of_type(args[0])
    else:
        return None
    return {"__all__": inner} if inner is not None else None
