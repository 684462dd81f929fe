"""This tablet's returns the hub has not confirmed yet, laid over the orders the return desk opens.

A return is in the outbox the moment it is taken; until the hub answers, every copy of its order
the desk shows, from the hub or the cache, counts it: its units returned, the money and points
paid back recorded against the lines and tenders, as the hub will record them. So the same unit is
never offered twice on this tablet, and a second return of the same order is decided on what is
left. Each waiting return is decided again here by the policy at its own time
(``domain.returns.decide_return``); one that no longer fits (another store took the units back
meanwhile) counts its units as returned, up to what was received, and the hub settles it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from storeassist.contract import Command, ReturnableOrder, TakeReturnCommand, TakeReturnPayload
from storeassist.domain.return_desk import order_facts
from storeassist.domain.returns import (
    ReturnDecision,
    ReturnInvalid,
    ReturnPolicy,
    ReturnRequest,
    UnitReturn,
    decide_return,
)
from storeassist.local import LocalStoreError
from storeassist.services.pending_actions import UnconfirmedCommands

log = logging.getLogger("storeassist.returns")


def request_of(payload: TakeReturnPayload) -> ReturnRequest:
    """The policy's request a return command carries ("with receipt": it names the code)."""
    units = tuple(UnitReturn(u.line_no, u.qty, u.reason, u.condition) for u in payload.units)
    return ReturnRequest(units=units, method=payload.method, with_receipt=payload.receipt_code is not None)


def with_return(order: ReturnableOrder, decision: ReturnDecision) -> ReturnableOrder:
    """``order`` after ``decision``: units returned and refunds recorded per line, each tender's
    share recorded against it, points reversed and restored."""
    returned: dict[int, tuple[int, int]] = {}
    for outcome in decision.lines:
        qty, cents = returned.get(outcome.line_no, (0, 0))
        returned[outcome.line_no] = (qty + outcome.qty, cents + outcome.refund_cents)
    lines = [
        line.model_copy(
            update={
                "returned": line.returned + returned[line.line_no][0],
                "refunded_cents": line.refunded_cents + returned[line.line_no][1],
            }
        )
        if line.line_no in returned
        else line
        for line in order.lines
    ]
    tenders = [
        tender.model_copy(update={"refunded_cents": tender.refunded_cents + share})
        for tender, share in zip(order.tenders, decision.tender_shares, strict=False)
    ]
    points = max(0, order.customer_points - decision.points_reversed + decision.points_restored)
    return order.model_copy(update={"lines": lines, "tenders": tenders, "customer_points": points})


def units_returned(order: ReturnableOrder, payload: TakeReturnPayload) -> ReturnableOrder:
    """``order`` with the units of a return that no longer fits counted as returned (up to what the
    customer received), nothing paid back: shown as gone until the hub settles it."""
    asked: dict[int, int] = {}
    for unit in payload.units:
        asked[unit.line_no] = asked.get(unit.line_no, 0) + unit.qty
    lines = [
        line.model_copy(
            update={"returned": min(max(line.received, line.returned), line.returned + asked[line.line_no])}
        )
        if line.line_no in asked
        else line
        for line in order.lines
    ]
    return order.model_copy(update={"lines": lines})


def apply_return(order: ReturnableOrder, command: TakeReturnCommand, policy: ReturnPolicy) -> ReturnableOrder:
    """``order`` with ``command``'s return applied as the policy decides it at the command's time."""
    try:
        decision = decide_return(order_facts(order), request_of(command.payload), policy, command.issued_at)
    except ReturnInvalid as refusal:
        log.info("a waiting return no longer fits order %d as last read (%s)", order.order_id, refusal.code)
        return units_returned(order, command.payload)
    return with_return(order, decision)


class UnconfirmedReturns:
    """The returns waiting in this tablet's outbox, applied to the orders the desk opens."""

    def __init__(self, outbox: UnconfirmedCommands, policy: ReturnPolicy) -> None:
        self._outbox = outbox
        self._policy = policy

    def waiting(self, order_id: int) -> list[TakeReturnCommand]:
        """The returns of ``order_id`` taken here and not yet confirmed, oldest first."""
        try:
            commands: Sequence[Command] = self._outbox.unacknowledged("return.take")
        except LocalStoreError as exc:
            log.warning("returns waiting to sync could not be read (%s)", type(exc).__name__)
            return []
        return [c for c in commands if isinstance(c, TakeReturnCommand) and c.payload.order_id == order_id]

    def laid_over(
        self, order: ReturnableOrder, already: frozenset[str] = frozenset()
    ) -> tuple[ReturnableOrder, bool]:
        """``order`` with this tablet's waiting returns of it applied, except those it already
        counts (``already``: command ids; or the hub lists it among the order's past returns);
        and whether any return of it waits to sync."""
        waiting = self.waiting(order.order_id)
        for command in waiting:
            if str(command.id) in already or self._known_to_hub(order, command):
                continue
            order = apply_return(order, command, self._policy)
        return order, bool(waiting)

    @staticmethod
    def _known_to_hub(order: ReturnableOrder, command: TakeReturnCommand) -> bool:
        """The hub applied this return but its answer has not reached this tablet: the order lists
        a past return made by this very command, so applying it again would count the same units
        twice on screen."""
        return any(past.command_id == command.id for past in order.past_returns)
