"""Cross-channel orders and the pickup (BOPIS) queue."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from storeassist.contract.common import Channel, WireModel

PickupState = Literal[
    "placed", "picking", "ready", "partially_collected", "collected", "expired", "cancelled"
]
Fulfilment = Literal["ship", "bopis", "curbside", "carry"]


class OrderLine(WireModel):
    line_no: int
    sku: str
    name: str
    qty: int = Field(ge=1)
    price_cents: int = Field(ge=0)
    qty_collected: int = 0
    qty_returned: int = 0


class Order(WireModel):
    id: int
    number: str
    customer_id: int | None
    customer_name: str | None = None
    channel: Channel
    placed_at: datetime
    status: str
    fulfilment: Fulfilment
    store_id: int | None = Field(default=None, description="store of sale, or pickup store")
    pickup_state: PickupState | None = None
    pickup_deadline: datetime | None = None
    total_cents: int
    lines: list[OrderLine]


class PickupQueue(WireModel):
    store_id: int
    as_of: datetime
    orders: list[Order]
