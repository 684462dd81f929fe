"""What an order's tenders paid, what each has paid back, and the refund requests that pay more back.

Money goes back to the tenders an order was paid with, never more to one than it paid: each
``tender_refunds`` row is a request the payment system executes (status ``requested``; kinds and
amounts only, no card data ever). A tender's refunded amount is the sum of its rows, so a later
return splits what it pays back over what each tender has left (``domain.returns``).

:class:`TenderLedger` reads an order's tenders once, in id order (the order
``OrderFacts.tenders`` has), takes refunds against them and writes its rows in one statement.
Pickups record a cancelled unit's refund through it too, so every refund is on some tender.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, func, select

from storeassist.domain.returns import TenderFacts, TenderKind, split_across_tenders
from storeassist.hub.db import models as m

#: A refund request not yet executed by the payment system.
REQUESTED = "requested"

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

    def take(
        self,
        shares: Sequence[int],
        at: datetime,
        *,
        return_id: int | None = None,
        refund_id: int | None = None,
    ) -> None:
        """Pay ``shares`` back, one per tender in :meth:`facts` order (zeros skipped)."""
        for tender, cents in zip(self._tenders, shares, strict=True):
            if cents <= 0:
                continue
            tender.refunded_cents += cents
            self._rows.append(
                {
                    "tender_id": tender.id,
                    "order_id": self.order_id,
                    "return_id": return_id,
                    "refund_id": refund_id,
                    "amount_cents": cents,
                    "status": REQUESTED,
                    "at": at,
                }
            )

    def split(self, cents: int, at: datetime, *, refund_id: int | None = None) -> None:
        """Pay ``cents`` back across the tenders in proportion to what each has left."""
        self.take(split_across_tenders(cents, self.facts()), at, refund_id=refund_id)

    def write(self, connection: Connection) -> None:
        if self._rows:
            connection.execute(_INSERT, self._rows)
            self._rows = []
