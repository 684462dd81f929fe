"""What the returns counter shows and what it refuses: an opened order with each line's verdict, the
other sizes and colours an exchange may give, a return's receipt, and the typed errors the screen
turns into a sentence.

The return desk service (``storeassist.services.return_desk``) makes these; the Returns screen reads
them. The rules are :mod:`storeassist.domain.returns`'s. Pure Python: no Qt, HTTP or SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from storeassist.contract.kiosk import KioskReturn
from storeassist.contract.returns import ReturnableOrder
from storeassist.domain.returns import (
    LineFacts,
    LineVerdict,
    OrderFacts,
    ReturnDecision,
    TenderFacts,
)

#: Where an order was read: the hub just now, or this tablet's copy from an earlier lookup.
ReturnSource = Literal["online", "cache"]
#: What became of a return: applied at the hub, queued here ("pending confirmation"), refused, or
#: in conflict (another store took the same units back first).
ReturnStatus = Literal["confirmed", "waiting", "refused", "conflict"]


def order_facts(order: ReturnableOrder) -> OrderFacts:
    """The policy's facts from the hub's answer: the same the hub reads from its rows."""
    return OrderFacts(
        number=order.number,
        customer_id=order.customer_id,
        status=order.status,
        payment_state=order.payment_state,
        received_at=order.received_at,
        total_cents=order.total_cents,
        lines=tuple(
            LineFacts(
                line_no=line.line_no,
                sku=line.sku,
                category=line.category,
                style=line.style,
                qty=line.qty,
                unit_cents=line.unit_cents,
                received=line.received,
                returned=line.returned,
                refunded_cents=line.refunded_cents,
            )
            for line in order.lines
        ),
        tenders=tuple(TenderFacts(t.kind, t.paid_cents, t.refunded_cents) for t in order.tenders),
        customer_points=order.customer_points,
    )


@dataclass(frozen=True)
class OpenedReturn:
    """One order opened at the returns counter."""

    #: As the hub sent it, with this tablet's unconfirmed returns of it laid over (returned units).
    order: ReturnableOrder
    #: Each line's verdict now, in the order's line order.
    verdicts: tuple[LineVerdict, ...]
    source: ReturnSource
    #: A return of this order is queued here and not confirmed yet.
    waiting_to_sync: bool = False
    #: The customer the associate had open when the order was opened (a return begun from their
    #: profile): the return command names them, and the hub refuses another customer's order.
    for_customer_id: int | None = None
    #: The return a shopper started at the kiosk that this one finishes (its lines and reasons
    #: are preselected; the return command names it, so it leaves the associates' list).
    from_kiosk: KioskReturn | None = None

    @property
    def facts(self) -> OrderFacts:
        return order_facts(self.order)


@dataclass(frozen=True)
class ExchangeOption:
    """Another size or colour of a returned line's style, at the same price: here, or where an
    endless-aisle order would come from (another store id, or None for the warehouse)."""

    sku: str
    name: str
    size: str | None
    colour: str | None
    available_here: int
    #: Where it could come from when not here: (store id or None for the warehouse, its name, units).
    elsewhere: tuple[tuple[int | None, str, int], ...] = ()


@dataclass(frozen=True)
class ReturnReceipt:
    """A return as it stands after the associate tapped "Take back"."""

    status: ReturnStatus
    order_number: str
    decision: ReturnDecision
    #: The command's id: the return's reference until the hub numbers it.
    return_id: str
    taken_at: datetime
    #: Confirmed: the hub's signed reference (``RETURN_RECEIPT``) for the receipt's QR.
    receipt_code: str | None = None
    #: Confirmed: the manager who approved it, if one did.
    approved_by: str | None = None
    #: An exchange not in stock here: the endless-aisle order that brings it.
    exchange_order_number: str | None = None
    #: Refused or conflict: the hub's code and params, for the screen to word.
    code: str | None = None
    params: Mapping[str, str | int] | None = None


class ReturnNotFound(LookupError):
    """No order to take back: ``code`` is ``unknown_order`` (no such number), ``not_on_tablet`` (the
    hub cannot be reached and this tablet never opened it), or ``order_of_another_customer``."""

    def __init__(self, code: str, order_number: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.order_number = order_number


class ReturnNotPossible(ValueError):
    """A return this tablet will not take, with the reason's ``code`` and ``params``: the policy's
    (``domain.returns.RETURN_REFUSALS``), or ``offline_needs_manager``, ``offline_over_cap``
    (``cap_cents``), ``exchange_not_same_style``, ``exchange_price_differs``,
    ``exchange_out_of_stock`` (``sku``, ``available``), ``amount_out_of_range``, ``signed_out``."""

    def __init__(self, code: str, params: Mapping[str, str | int] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params = dict(params or {})


class ApprovalRefused(PermissionError):
    """The hub did not record a manager's approval: ``code`` is the hub's problem code
    (``pin_wrong``, ``not_a_manager``, ``badge_revoked``, ``too_many_attempts``, …) or ``offline``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
