"""What an order's tenders paid, what each has paid back, and the refund requests that pay more back.

Money goes back to the tenders an order was paid with, never more to one than it paid: each
``tender_refunds`` row is what one tender paid back. For a card, PayPal, a gift card or cash it is
a request the payment system executes (status ``requested``; kinds and amounts only, no card data
ever). What the hub pays back itself is ``settled`` at once (:data:`HUB_SETTLED`): points spent
come back as points (or as store credit, if the policy says so), and the value of items brought
back that paid for an exchange's order (an ``exchange`` tender), or store credit spent, comes back
as store credit. A
tender's refunded amount is the sum of its rows, so a later return splits what it pays back over
what each tender has left (``domain.returns``).

:class:`TenderLedger` reads an order's tenders once, in id order (the order
``OrderFacts.tenders`` has), takes refunds against them and writes its rows in one statement.
Pickups record a cancelled unit's refund through it too, so every refund is on some tender, and
pay back what the hub settles (:func:`pay_settled`): points restored, an exchange's value as
store credit. A return pays those as its decision says (``return_take``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, func, select, update

from storeassist.domain.returns import TenderFacts, TenderKind, split_across_tenders
from storeassist.hub.db import models as m

#: A refund request not yet executed by the payment system.
REQUESTED = "requested"
#: Paid back by the hub itself when it was written (points, store credit).
SETTLED = "settled"
#: Tender kinds the hub pays back itself: nothing for a payment system to do.
HUB_SETTLED = frozenset({"points", "exchange", "store_credit"})

_tenders = cast(Table, m.Tender.__table__)
_refunds = cast(Table, m.TenderRefund.__table__)
_REFUNDED = (
    select(_refunds.c.tender_id, func.sum(_refunds.c.amount_cents).label("cents"))
    .where(_refunds.c.order_id == bindparam("order_id"))
    .group_by(_refunds.c.tender_id)
    .subquery()
)
_TENDERS = (
    select(_tenders.c.id, _tenders.c.kind, _tenders.c.amount_cents, func.coalesce(_REFUNDED.c.cents, 0))
    .outerjoin(_REFUNDED, _REFUNDED.c.tender_id == _tenders.c.id)
    .where(_tenders.c.order_id == bindparam("order_id"))
    .order_by(_tenders.c.id)
)
_INSERT = _refunds.insert()
_customers = cast(Table, m.Customer.__table__)
_ledger = cast(Table, m.PointsEntry.__table__)
_credits = cast(Table, m.StoreCredit.__table__)
_RESTORE_POINTS = (
    update(_customers)
    .where(_customers.c.id == bindparam("customer"))
    .values(points=_customers.c.points + bindparam("points"))
)


@dataclass(slots=True)
class _Tender:
    id: int
    kind: str
    paid_cents: int
    refunded_cents: int


class TenderLedger:
    """One order's tenders and what each has paid back, read once; refunds taken against them are
    written by :meth:`write`."""

    def __init__(self, connection: Connection, order_id: int) -> None:
        self.order_id = order_id
        self._tenders = [
            _Tender(row[0], row[1], max(0, int(row[2])), max(0, int(row[3])))
            for row in connection.execute(_TENDERS, {"order_id": order_id})
        ]
        self._rows: list[dict[str, Any]] = []

    def facts(self) -> tuple[TenderFacts, ...]:
        """The policy's view of the tenders, in id order (never more refunded than paid)."""
        return tuple(
            TenderFacts(cast(TenderKind, t.kind), t.paid_cents, min(t.refunded_cents, t.paid_cents))
            for t in self._tenders
        )

    def kinds(self) -> list[str]:
        return [t.kind for t in self._tenders]

    def paid_by(self, kind: str) -> int:
        """What the order's tenders of ``kind`` paid."""
        return sum(t.paid_cents for t in self._tenders if t.kind == kind)

    def take(
        self,
        shares: Sequence[int],
        at: datetime,
        *,
        return_id: int | None = None,
        refund_id: int | None = None,
    ) -> dict[str, int]:
        """Pay ``shares`` back, one per tender in :meth:`facts` order (zeros skipped); answers what
        of it the hub settles itself, by tender kind (:data:`HUB_SETTLED`)."""
        settled: dict[str, int] = {}
        for tender, cents in zip(self._tenders, shares, strict=True):
            if cents <= 0:
                continue
            tender.refunded_cents += cents
            by_hub = tender.kind in HUB_SETTLED
            if by_hub:
                settled[tender.kind] = settled.get(tender.kind, 0) + cents
            self._rows.append(
                {
                    "tender_id": tender.id,
                    "order_id": self.order_id,
                    "return_id": return_id,
                    "refund_id": refund_id,
                    "amount_cents": cents,
                    "status": SETTLED if by_hub else REQUESTED,
                    "at": at,
                }
            )
        return settled

    def split(self, cents: int, at: datetime, *, refund_id: int | None = None) -> dict[str, int]:
        """Pay ``cents`` back across the tenders in proportion to what each has left; answers what
        the hub settles itself, by tender kind."""
        return self.take(split_across_tenders(cents, self.facts()), at, refund_id=refund_id)

    def write(self, connection: Connection) -> None:
        if self._rows:
            connection.execute(_INSERT, self._rows)
            self._rows = []


def pay_settled(
    connection: Connection,
    settled: dict[str, int],
    *,
    customer_id: int | None,
    store_id: int,
    refund_id: int,
    at: datetime,
) -> None:
    """Pay back what a pickup's refund ``refund_id`` left to the hub (:meth:`TenderLedger.split`'s
    answer): points spent restored to the customer (a ``pickup refund`` ledger row), an
    exchange's or store credit's share as store credit."""
    points = settled.get("points", 0)
    if points > 0 and customer_id is not None:
        connection.execute(_RESTORE_POINTS, {"customer": customer_id, "points": points})
        connection.execute(
            _ledger.insert(),
            {"customer_id": customer_id, "at": at, "delta": points, "reason": "pickup refund"},
        )
    credit = settled.get("exchange", 0) + settled.get("store_credit", 0)
    if credit > 0:
        connection.execute(
            _credits.insert(),
            {
                "return_id": None,
                "refund_id": refund_id,
                "customer_id": customer_id,
                "store_id": store_id,
                "amount_cents": credit,
                "issued_at": at,
            },
        )


def earning_share(cents: int, tenders: TenderLedger) -> int:
    """The part of ``cents`` of an order that earns points: not what an ``exchange`` tender paid
    (items brought back, which earned theirs when they were bought), in proportion."""
    paid = sum(t.paid_cents for t in tenders.facts())
    by_exchange = tenders.paid_by("exchange")
    if paid <= 0 or by_exchange <= 0:
        return cents
    return cents * (paid - by_exchange) // paid
