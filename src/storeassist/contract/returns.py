"""Returns at the counter: finding an order to take back, a manager's approval, and what a return did.

The policy is the domain's (``storeassist.domain.returns``); these are the wire's shapes of its facts.
``POST /v1/returns/lookup`` answers a :class:`ReturnableOrder` for a scanned code or a typed number;
``POST /v1/returns/approvals`` records a manager's approval of one return (named by the id of the
``return.take`` command that will carry it); the command's applied result is a :class:`ReturnTaken`.
No card number, or any other tender detail beyond its kind and amounts, is ever sent to a tablet.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import ConfigDict, Field, model_validator
from pydantic.config import JsonDict

from storeassist.contract.common import Cents, Channel, Count, EntityId, LineNo, Units, WireModel
from storeassist.contract.orders import Fulfilment, PaymentState
from storeassist.domain.returns import ApprovalReason, TenderKind

#: An order number as printed (``W1000123``).
OrderNumber = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")]
#: A scanned signed code's text (``SA1.…``).
SignedCode = Annotated[str, Field(min_length=8, max_length=120, pattern=r"^SA1\.[A-Za-z0-9_-]+$")]


def _given(field: str) -> JsonDict:
    """A JSON Schema branch: ``field`` is given, as a string (null is as good as left out)."""
    return {"required": [field], "properties": {field: {"type": "string"}}}


class ReturnLookup(WireModel):
    """Find an order to take back: by its scanned order or receipt code, or by its typed number.
    ``customer_id`` is the customer the associate has open (a return started from a profile): the
    hub refuses an order of anyone else."""

    code: SignedCode | None = None
    order_number: OrderNumber | None = None
    customer_id: EntityId | None = None

    # The one-way rule, stated in the JSON Schema too, so generated clients and API fuzzers know it.
    model_config = ConfigDict(json_schema_extra={"oneOf": [_given("code"), _given("order_number")]})

    @model_validator(mode="after")
    def _one_way(self) -> ReturnLookup:
        if (self.code is None) == (self.order_number is None):
            raise ValueError("give a scanned code or an order number, not both")
        return self


class ReturnableLine(WireModel):
    line_no: LineNo
    sku: str = Field(max_length=32)
    name: str = Field(max_length=160)
    category: str = Field(max_length=60)
    style: str = Field(max_length=32)
    size: str | None = Field(default=None, max_length=12)
    colour: str | None = Field(default=None, max_length=24)
    qty: Units
    unit_cents: Cents
    #: Units the customer has: collected (pickup) or delivered with the order.
    received: Count
    returned: Count
    #: Money already paid back for this line (earlier returns and cancellations).
    refunded_cents: Cents = 0


class OrderTender(WireModel):
    """One way the order was paid: its kind and amounts only."""

    kind: TenderKind
    paid_cents: Cents
    refunded_cents: Cents = 0


class PastReturn(WireModel):
    at: datetime
    store_id: EntityId | None
    units: Count
    paid_back_cents: Cents
    #: The ``return.take`` command that took it (None: recorded otherwise), so the tablet that took
    #: it knows it is applied even when the hub's answer was lost.
    command_id: UUID | None = None


class ReturnableOrder(WireModel):
    """An order as a return sees it. ``with_receipt`` is the hub's word that the order was found by
    a valid signed code of it (a receipt); a typed number or a profile is "without receipt"."""

    order_id: EntityId
    number: OrderNumber
    channel: Channel
    fulfilment: Fulfilment
    status: str = Field(max_length=20)
    payment_state: PaymentState
    placed_at: datetime
    #: When the return window starts: the last hand-over of a pickup, else when it was placed.
    received_at: datetime
    #: The store it was bought or collected in, if any.
    store_id: EntityId | None = None
    customer_id: EntityId | None = None
    customer_name: str | None = Field(default=None, max_length=120)
    customer_points: Count = 0
    total_cents: Cents
    lines: list[ReturnableLine] = Field(max_length=200)
    tenders: list[OrderTender] = Field(max_length=20)
    past_returns: list[PastReturn] = Field(default_factory=list, max_length=50)
    with_receipt: bool
    #: The code it was found with, when it was a receipt (the return command sends it back).
    receipt_code: SignedCode | None = None
    as_of: datetime


class ReturnApprovalRequest(WireModel):
    """A manager approves one return on the associate's tablet: their badge (with PIN) or staff
    number and PIN, and why. The hub checks them as a sign-in would, without signing anyone out.
    The approval is of what the manager was shown: that order, the amount paid back and the
    policy's reasons; the return it approves is taken by the associate who asked, and pays back
    no more, for no other reason."""

    return_id: UUID = Field(description="the id of the return.take command this approval is for")
    order_id: EntityId = Field(description="the order being taken back")
    paid_back_cents: Cents = Field(description="what the return pays back, as the manager was shown")
    reasons: list[ApprovalReason] = Field(
        max_length=4, description="why the policy asks for a manager, as the manager was shown"
    )
    badge: SignedCode | None = None
    staff_number: str | None = Field(default=None, max_length=16, pattern=r"^[A-Z0-9]+$")
    pin: str = Field(min_length=4, max_length=8, pattern=r"^[0-9]+$")
    reason: str = Field(min_length=3, max_length=200)

    model_config = ConfigDict(json_schema_extra={"oneOf": [_given("badge"), _given("staff_number")]})

    @model_validator(mode="after")
    def _one_badge(self) -> ReturnApprovalRequest:
        if (self.badge is None) == (self.staff_number is None):
            raise ValueError("give a badge or a staff number, with the PIN")
        return self


class ReturnApproval(WireModel):
    return_id: UUID
    manager_id: EntityId
    manager_name: str = Field(max_length=120)
    approved_at: datetime
    #: The return must reach the hub by then (it is made on this tablet at once).
    expires_at: datetime


class TenderPayback(WireModel):
    kind: TenderKind
    cents: Cents


class ReturnTaken(WireModel):
    """A ``return.take`` command's applied ``result``."""

    return_id: EntityId
    #: The return's signed reference (``RETURN_RECEIPT``), for the receipt's QR.
    receipt_code: SignedCode
    paid_back_cents: Cents
    to_tenders: list[TenderPayback] = Field(max_length=20)
    store_credit_cents: Cents
    exchange_cents: Cents
    points_reversed: Count
    points_restored: Count
    #: The endless-aisle order made for an exchange not in stock here.
    exchange_order_number: OrderNumber | None = None
    approved_by: str | None = Field(default=None, max_length=120)


#: How an exchanged item reaches the customer: handed over now from this store's floor, or an
#: endless-aisle order (shipped home, or to this store for pickup).
ExchangeFulfilment = Literal["carry", "ship", "bopis"]


class ExchangeLine(WireModel):
    """The other size or colour given for units of a returned line."""

    line_no: LineNo
    sku: str = Field(min_length=1, max_length=32)
    qty: Units
    fulfilment: ExchangeFulfilment = "carry"
    #: Where an endless-aisle exchange comes from (another store; None: the warehouse).
    source_store_id: EntityId | None = None
