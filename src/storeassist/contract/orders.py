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

from datetime import datetime
from typing import Any, Literal

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

#: A pydantic ``exclude`` argument (``contract.shapes.Exclusion``).
Exclusion = dict[Any, Any]


def without_pickup_fields(answer: type[BaseModel]) -> Exclusion | None:
    """The ``exclude`` that serialises an ``answer`` (any contract model) with every order and
    order line in it, at any depth, in the shape of the release before the pickup fields; None
    when it carries no orders. The field groups of every release are ``contract.shapes``."""
    # Imported here: contract.shapes imports this module.
    from storeassist.contract.shapes import PICKUP_ORDERS, exclusion_for

    return exclusion_for(answer, frozenset({PICKUP_ORDERS.token}))
