"""The self-service kiosk's wire: what a shopper may see of themselves, a price check's hold request,
self-pickup, a return started at the kiosk, and leaving kiosk mode.

Every ``/v1/kiosk/*`` route takes only a kiosk device (a tablet is refused, ``kiosk_only``), and a
kiosk takes no staff session, so it reaches no associate route. A shopper's answer carries no id,
contact detail, order or address: a greeting, tier and points, offers and suggestions in stock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import ConfigDict, Field, model_validator

from storeassist.contract.catalog import Product
from storeassist.contract.common import (
    Count,
    EntityId,
    LineNo,
    MessageCode,
    MessageParams,
    Problem,
    Units,
    WireModel,
)
from storeassist.contract.customers import RecommendationReason
from storeassist.contract.returns import SignedCode
from storeassist.domain.returns import ReturnReason


class KioskScan(WireModel):
    """A shopper's scanned loyalty code (printed card or the app's dynamic code)."""

    token: SignedCode


class KioskOffer(WireModel):
    """An offer for this shopper, worded by the kiosk from ``code`` and ``params``:

    - ``tier_discount``: ``percent`` off for their ``tier``
    - ``points_voucher``: ``points`` can become a voucher worth ``amount_cents``
    - ``category_offer``: ``percent`` off in a ``category`` they like
    """

    code: MessageCode
    params: MessageParams = Field(default_factory=dict)


#: Why a kiosk suggests a product. The hub sends ``picked_for_you`` with no params: a public screen
#: learns nothing of what the shopper bought, viewed or left in a cart (the associate app's codes
#: name those). The associate app's codes stay readable for a kiosk talking to an older hub.
KioskSuggestionReason = Literal["picked_for_you"] | RecommendationReason


class KioskSuggestion(WireModel):
    """A product for this shopper, in stock here. ``reason_code`` is ``picked_for_you`` and
    ``reason_params`` empty: nothing of the shopper's history goes to a public screen."""

    product: Product
    here: Count
    reason_code: KioskSuggestionReason = "picked_for_you"
    reason_params: MessageParams = Field(default_factory=dict)


class KioskShopper(WireModel):
    """What a kiosk shows a shopper who scanned their code: their first name and last initial,
    tier, points, what the next tier needs, offers and suggestions in stock here. Nothing else."""

    greeting_name: str = Field(max_length=60, description="first name and last initial: 'Maria J.'")
    tier: str = Field(max_length=20)
    points: Count
    next_tier: str | None = Field(default=None, max_length=20)
    points_to_next: Count | None = None
    offers: list[KioskOffer] = Field(default_factory=list, max_length=10)
    suggestions: list[KioskSuggestion] = Field(default_factory=list, max_length=12)


#: A shopper's action at the kiosk, by the kiosk's own id (as a command's ``id``): the kiosk sends
#: the same id again when the shopper retries after no answer, and the hub applies it once and
#: answers the repeat as it answered the first. Optional: a kiosk of the release before sends none.
KioskRequestId = Annotated[
    UUID | None,
    Field(
        description="made by the kiosk for one shopper's action, the same on a retry; "
        "the hub applies each id of a kiosk at most once",
    ),
]


class KioskHoldRequest(WireModel):
    """ "Ask an associate to hold it": a request on the associates' screen, not a hold."""

    sku: str = Field(min_length=1, max_length=32)
    qty: Units = 1
    request_id: KioskRequestId = None


class AssistRequest(WireModel):
    """A shopper's request from the kiosk, as the associates' screen lists it."""

    id: EntityId
    kind: Literal["hold"]
    sku: str = Field(max_length=32)
    product_name: str = Field(max_length=160)
    size: str | None = Field(default=None, max_length=12)
    colour: str | None = Field(default=None, max_length=24)
    qty: Units
    at: datetime


class AssistRequests(WireModel):
    store_id: EntityId
    requests: list[AssistRequest] = Field(max_length=200)
    as_of: datetime


class KioskPickup(WireModel):
    """Self-pickup: the order's signed code and the six-digit pickup code the shopper types."""

    order_code: SignedCode
    pickup_code: str = Field(pattern=r"^[0-9]{6}$")


class KioskPickupAnswer(WireModel):
    """Where to collect: at the counter (an associate is told the customer is waiting) or from a
    locker (its number)."""

    order_number: str = Field(max_length=20)
    where: Literal["counter", "locker"]
    locker: str | None = Field(default=None, max_length=16)
    items: Count


class KioskReturnLookup(WireModel):
    """The order a shopper wants to bring back: its scanned receipt or order code."""

    code: SignedCode


class KioskReturnLine(WireModel):
    line_no: LineNo
    name: str = Field(max_length=160)
    size: str | None = Field(default=None, max_length=12)
    colour: str | None = Field(default=None, max_length=24)
    returnable: Count
    #: ``domain.returns.LineVerdict.code``: why it can or cannot come back.
    verdict: MessageCode


class KioskOrder(WireModel):
    """An order as the kiosk shows it to the shopper who scanned its code: lines only."""

    order_number: str = Field(max_length=20)
    lines: list[KioskReturnLine] = Field(max_length=200)


class KioskReturnChoice(WireModel):
    line_no: LineNo
    qty: Units
    reason: ReturnReason


class KioskReturnStart(WireModel):
    """The lines a shopper brings back, for an associate to finish at the counter."""

    code: SignedCode
    lines: list[KioskReturnChoice] = Field(min_length=1, max_length=40)
    request_id: KioskRequestId = None


class KioskReturnStarted(WireModel):
    #: What the shopper tells the associate ("K-4821"), also on the associates' list.
    reference: str = Field(max_length=12)


class KioskReturn(WireModel):
    """A return started at the kiosk, as the associates' Returns screen lists it."""

    id: EntityId
    reference: str = Field(max_length=12)
    order_number: str = Field(max_length=20)
    #: The code the shopper scanned: the associate finishes the return "with receipt".
    code: SignedCode
    lines: list[KioskReturnChoice] = Field(max_length=40)
    at: datetime


class KioskReturns(WireModel):
    store_id: EntityId
    returns: list[KioskReturn] = Field(max_length=200)
    as_of: datetime


class KioskExit(WireModel):
    """Leaving kiosk mode: a manager's badge or staff number, with their PIN."""

    badge: SignedCode | None = None
    staff_number: str | None = Field(default=None, max_length=16, pattern=r"^[A-Z0-9]+$")
    pin: str = Field(min_length=4, max_length=8, pattern=r"^[0-9]+$")

    # The one-way rule, stated in the JSON Schema too (as ``ReturnApprovalRequest`` does), so
    # generated clients and API fuzzers know it.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": ["badge"], "properties": {"badge": {"type": "string"}}},
                {"required": ["staff_number"], "properties": {"staff_number": {"type": "string"}}},
            ]
        }
    )

    @model_validator(mode="after")
    def _one_badge(self) -> KioskExit:
        if (self.badge is None) == (self.staff_number is None):
            raise ValueError("give a badge or a staff number, with the PIN")
        return self


class KioskProblem(Problem):
    """A refusal with values the device words (RFC 9457 allows extension members): a kiosk
    route's ``pickup_code_wrong`` carries ``tries_left``, and any route's 401 ``device_revoked``
    carries IT's ``reason`` when one was given (also in brackets in its detail, for an older
    app). Every other refusal is a plain ``Problem``."""

    params: MessageParams = Field(default_factory=dict)
