"""The payload of each command: what an action says, checked the same on the tablet and at the hub.

``contract.commands`` wraps each in its command variant (id, time, store, staff); the names are
re-exported there.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BeforeValidator, Field, model_validator

from storeassist.contract.common import (
    MAX_QUANTITY,
    Cents,
    EntityId,
    LineNo,
    Quantity,
    WholeNumber,
    WireModel,
)
from storeassist.contract.returns import ExchangeLine, SignedCode
from storeassist.domain.returns import Condition, RefundMethod, ReturnReason

#: Lines one pickup hand-over may name.
MAX_PICKUP_LINES = 60
#: Characters of a drawn signature's SVG path data (fits in ``contract.commands.MAX_PAYLOAD_TEXT``).
MAX_SIGNATURE_CHARS = 6000

#: The start of an RFC 3339 date-time, which is what the published schema says a time is.
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}")


def _date_time_text(value: object) -> object:
    """A time as the schema spells it: pydantic alone would also take a number, or a number in a
    string, as seconds since 1970, and a device's time must not be read from one."""
    if isinstance(value, datetime) or (isinstance(value, str) and _DATE_TIME.match(value)):
        return value
    raise ValueError("a time is written as an RFC 3339 date-time with its offset")


#: A moment a device reports, with its offset (``2026-03-02T09:15:00Z``).
DeviceTime = Annotated[AwareDatetime, BeforeValidator(_date_time_text)]


class AddNotePayload(WireModel):
    customer_id: EntityId
    text: str = Field(min_length=1, max_length=1000)


class PlaceHoldPayload(WireModel):
    customer_id: EntityId
    sku: str = Field(min_length=1, max_length=32)
    qty: Annotated[int, Field(strict=True, ge=1, le=20), WholeNumber]
    hours: Annotated[int, Field(strict=True, ge=1, le=168), WholeNumber] = 48


#: Hours one hold may last from now, when placed or extended (a week).
MAX_HOLD_HOURS = 168
#: Lines one endless-aisle order may have.
MAX_AISLE_LINES = 20


class HoldRef(WireModel):
    """Names a hold by the id of the command that placed it."""

    hold_id: str = Field(min_length=1, max_length=36)


class ReleaseHoldPayload(HoldRef):
    """The customer no longer wants it: the units go back on sale, and back to the floor (a task)."""


class ExtendHoldPayload(HoldRef):
    """Keep an active hold longer: it then expires ``hours`` from now (at most a week)."""

    hours: Annotated[int, Field(strict=True, ge=1, le=MAX_HOLD_HOURS), WholeNumber]


class PutBackHoldPayload(HoldRef):
    """The units of an ended hold are back on the shop floor: the floor's task is done."""


class AisleLine(WireModel):
    sku: str = Field(min_length=1, max_length=32)
    qty: Annotated[int, Field(strict=True, ge=1, le=20), WholeNumber]


class AisleOrderPayload(WireModel):
    """The endless aisle: an order on the customer for what this store has not got, from another
    store (``source_store_id``) or the warehouse (None), shipped to the customer's address on file
    (``ship``) or to this store for pickup (``bopis``, then in this store's pickups until it arrives)."""

    customer_id: EntityId
    lines: list[AisleLine] = Field(min_length=1, max_length=MAX_AISLE_LINES)
    source_store_id: EntityId | None = None
    fulfilment: Literal["ship", "bopis"]


class ReceivePickupPayload(WireModel):
    """A pickup order (placed, picking) has arrived at the store and is put in ``bin``: it is ready."""

    order_id: EntityId
    bin: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9 ._-]+$")


class HandoverLine(WireModel):
    """What happens now to one line of a pickup order. Units not named stay to collect later."""

    handed: Quantity = Field(default=0, description="units of this line handed over now")
    cancelled: Quantity = Field(default=0, description="units cancelled (missing or damaged) and refunded")
    cancel_reason: Literal["missing", "damaged"] | None = None
    substituted: Quantity = Field(
        default=0, description="units handed over as another size or colour (substitute_sku) instead"
    )
    substitute_sku: str | None = Field(default=None, min_length=1, max_length=32)

    @model_validator(mode="after")
    def _reasons_given(self) -> HandoverLine:
        if (self.cancelled > 0) != (self.cancel_reason is not None):
            raise ValueError("a cancelled quantity comes with its reason, and a reason with a quantity")
        if (self.substituted > 0) != (self.substitute_sku is not None):
            raise ValueError("a substituted quantity comes with its SKU, and a SKU with a quantity")
        return self


#: How the collector was checked: the order's signed code shown by the customer, the six-digit
#: pickup code they read out (checked at the hub), their photo ID, or the named proxy's photo ID.
VerificationMethod = Literal["order_code", "pickup_code", "photo_id", "proxy_id"]
DocumentType = Literal["passport", "driving_licence", "national_id", "other"]


class PickupVerification(WireModel):
    """Who collected and how they were checked. An ID is recorded by its type and last characters
    only, never its whole number."""

    method: VerificationMethod
    #: ``order_code``: the signed code scanned from the customer's e-mail or app.
    order_code: str | None = Field(default=None, min_length=1, max_length=120)
    #: ``pickup_code``: the six digits the customer read out.
    pickup_code: str | None = Field(default=None, pattern=r"^[0-9]{6}$")
    document_type: DocumentType | None = None
    document_last: str | None = Field(
        default=None, pattern=r"^[A-Z0-9]{2,4}$", description="the document number's last 2-4 characters"
    )
    proxy_name: str | None = Field(default=None, min_length=1, max_length=120)

    @model_validator(mode="after")
    def _evidence_given(self) -> PickupVerification:
        needs: dict[str, tuple[str, ...]] = {
            "order_code": ("order_code",),
            "pickup_code": ("pickup_code",),
            "photo_id": ("document_type", "document_last"),
            "proxy_id": ("proxy_name", "document_type", "document_last"),
        }
        missing = [name for name in needs[self.method] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{self.method} needs {', '.join(missing)}")
        return self


class CollectPickupPayload(WireModel):
    """A hand-over at the counter: what happened to each line, who collected, and their confirmation
    (a typed name, a drawn signature, or both)."""

    order_id: EntityId
    lines: dict[LineNo, HandoverLine] = Field(
        max_length=MAX_PICKUP_LINES, description="line_no → what happens to it now"
    )
    verification: PickupVerification
    confirmed_name: str | None = Field(default=None, min_length=1, max_length=120)
    signature: str | None = Field(
        default=None,
        max_length=MAX_SIGNATURE_CHARS,
        pattern=r"^[ML0-9 ]*$",
        description="a drawn signature as SVG path data: M and L with integer coordinates in a 400×150 box",
    )

    @model_validator(mode="after")
    def _confirmed(self) -> CollectPickupPayload:
        if self.confirmed_name is None and not self.signature:
            raise ValueError("the collector confirms with a typed name or a drawn signature")
        return self


class RestockPickupPayload(WireModel):
    """An order past its pickup deadline, confirmed on the "to restock" list: cancel what is left,
    put it back on sale, refund it, tell the customer."""

    order_id: EntityId


class ProfileViewedPayload(WireModel):
    """A profile shown from the device's cache while the hub was out of reach, for the audit trail.

    The hub audits every profile it serves itself; this reports the views it could not see.
    """

    customer_id: EntityId
    source: Literal["cache"] = Field(description="where the device took the profile from")
    viewed_at: DeviceTime = Field(description="when the profile was shown, by the device's clock")


#: Lines (of units or exchanges) one return may name: a return of this many lines of units and
#: as many exchanges is within ``commands.check_payload_bounds`` (its values), so any valid one
#: can be queued and sent.
MAX_RETURN_LINES = 40


class ReturnUnit(WireModel):
    """Units of one order line coming back, why, and in what state (the domain's vocabulary)."""

    line_no: LineNo
    qty: Annotated[int, Field(strict=True, ge=1, le=MAX_QUANTITY), WholeNumber]
    reason: ReturnReason
    condition: Condition


class TakeReturnPayload(WireModel):
    """A return at the counter. The hub decides it again by the same policy with its own facts, and
    applies it only if it pays back exactly ``paid_back_cents``, ``store_credit_cents`` of it as
    store credit (what the customer was shown); otherwise it is a conflict. A return a manager
    must approve needs their approval recorded at the hub (``POST /v1/returns/approvals``) under
    this command's id."""

    order_id: EntityId
    #: The customer the associate has open, if the return began from a profile.
    customer_id: EntityId | None = None
    units: list[ReturnUnit] = Field(min_length=1, max_length=MAX_RETURN_LINES)
    method: RefundMethod
    #: The signed order or receipt code the order was found with: a return "with receipt".
    receipt_code: SignedCode | None = None
    exchange: list[ExchangeLine] = Field(default_factory=list, max_length=MAX_RETURN_LINES)
    #: Money and restored points (in minor units) the customer was told they get back.
    paid_back_cents: Cents
    #: Of that, what the customer was told comes back as store credit.
    store_credit_cents: Cents
    #: Taken while the tablet could not reach the hub (shown "pending confirmation").
    offline: bool = False
    #: The return a shopper started at the kiosk that this one finishes (``KioskReturn.id``).
    kiosk_return_id: EntityId | None = None

    @model_validator(mode="after")
    def _exchange_only_for_exchanges(self) -> TakeReturnPayload:
        if (self.method == "exchange") != bool(self.exchange):
            raise ValueError("an exchange names what is given instead, and only an exchange does")
        return self
