"""What the returns counter shows after "Take back": the receipt, from the tablet's decision and the
hub's answer as the outbox filed it (if it came in time).

Confirmed: the hub applied the return; its ``ReturnTaken`` result gives the signed reference for the
receipt's QR, the manager who approved it, the endless-aisle order of an exchange, and what was
paid back and how (split by tender, store credit, points): the receipt says what the hub did, not
what this tablet expected. Refused or in
conflict: the hub's code and params (the same the "needs attention" list words). No answer yet:
waiting, under the command's id ("pending confirmation").
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from pydantic import ValidationError

from storeassist.contract import ReturnTaken
from storeassist.domain.return_desk import ReturnReceipt
from storeassist.domain.returns import ReturnDecision, TenderRefund
from storeassist.local import OutboxEntry, OutboxState

log = logging.getLogger("storeassist.returns")


def return_receipt(
    order_number: str,
    decision: ReturnDecision,
    return_id: UUID,
    at: datetime,
    entry: OutboxEntry | None,
) -> ReturnReceipt:
    """The receipt of the return ``return_id`` of ``order_number`` taken at ``at``, as ``entry``
    (the outbox's copy of its command, if it could be read) stands."""
    common = {"order_number": order_number, "decision": decision, "return_id": str(return_id), "taken_at": at}
    if entry is not None and entry.state in (OutboxState.APPLIED, OutboxState.DUPLICATE):
        taken = _taken(entry)
        if taken is None:  # applied, but its result unreadable: still the tablet's decision
            return ReturnReceipt(status="confirmed", **common)  # type: ignore[arg-type]
        common["decision"] = as_taken(decision, taken)
        return ReturnReceipt(
            status="confirmed",
            receipt_code=taken.receipt_code,
            approved_by=taken.approved_by,
            exchange_order_number=taken.exchange_order_number,
            **common,  # type: ignore[arg-type]
        )
    if entry is not None and entry.state is OutboxState.NEEDS_ATTENTION:
        return ReturnReceipt(
            status="conflict" if _in_conflict(entry) else "refused",
            code=entry.code,
            params=dict(entry.params),
            **common,  # type: ignore[arg-type]
        )
    return ReturnReceipt(status="waiting", **common)  # type: ignore[arg-type]


def as_taken(decision: ReturnDecision, taken: ReturnTaken) -> ReturnDecision:
    """``decision`` (the lines as this tablet decided them) paid back as the hub says it did."""
    return dataclasses.replace(
        decision,
        to_tenders=tuple(TenderRefund(t.kind, t.cents) for t in taken.to_tenders),
        store_credit_cents=taken.store_credit_cents,
        exchange_cents=taken.exchange_cents,
        points_reversed=taken.points_reversed,
        points_restored=taken.points_restored,
    )


def _taken(entry: OutboxEntry) -> ReturnTaken | None:
    """The applied command's result. A duplicate's is the first attempt's, with the hub's
    ``first_status`` beside it (not a field of the result: dropped before it is read)."""
    outcome = (entry.result or {}).get("result")
    if not isinstance(outcome, Mapping):
        return None
    outcome = {key: value for key, value in outcome.items() if key != "first_status"}
    try:
        return ReturnTaken.model_validate(outcome)
    except ValidationError as exc:
        log.warning("a return's result does not match the contract (%d errors)", exc.error_count())
        return None


def _in_conflict(entry: OutboxEntry) -> bool:
    answered = (entry.result or {}).get("status")
    first = (entry.result or {}).get("result") or {}
    return answered == "conflict" or (isinstance(first, Mapping) and first.get("first_status") == "conflict")
