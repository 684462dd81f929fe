"""Cross-channel orders and the pickup (BOPIS) queue. Pickup states and their rules are the domain's
(``storeassist.domain.orders``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from storeassist.contract.common import Cents, Channel, Count, EntityId, LineNo, Units, WireModel
from storeassist.domain.orders import PickupState as PickupState

Fulfilment = Literal["ship", "bopis", "curbside", "carry"]


class OrderLine(WireModel):
    line_no: LineNo
    sku: str
    name: str
    qty: Units
    price_cents: Cents
    qty_collected: Count = 0
    qty_returned: Count = 0


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


class PickupQueue(WireModel):
    store_id: EntityId
    as_of: datetime
    orders: list[Order]
