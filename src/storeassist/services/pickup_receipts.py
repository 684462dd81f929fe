"""What the counter shows after a hand-over or a restock: the receipt, from the order, what was
asked, and the hub's answer as the outbox filed it (if it came in time)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from storeassist.contract import CollectPickupPayload, Order, Product, StaffSession
from storeassist.domain.orders import to_collect
from storeassist.domain.pickups import HandoverReceipt, ReceiptLine
from storeassist.local import OutboxEntry, OutboxState


def handover_receipt(
    order: Order,
    command_id: UUID,
    at: datetime,
    staff: StaffSession,
    planned_state: str,
    entry: OutboxEntry | None,
    lines: tuple[ReceiptLine, ...],
) -> HandoverReceipt:
    """The receipt of a hand-over (or restock) by ``staff`` at ``at``: confirmed with the hub's
    signed code when ``entry`` (the outbox's copy of the command) holds its answer, refused or in
    conflict with the answer's code, else waiting to sync under this tablet's reference."""
    status, reference, state, points = "waiting", str(command_id), planned_state, None
    code: str | None = None
    params: Mapping[str, str | int] = {}
    if entry is not None and entry.state in (OutboxState.APPLIED, OutboxState.DUPLICATE):
        outcome = _outcome(entry)
        status = "confirmed"
        receipt_code = outcome.get("receipt_code")
        reference = receipt_code if isinstance(receipt_code, str) else reference
        hub_state = outcome.get("pickup_state")
        state = hub_state if isinstance(hub_state, str) else state
        credited = outcome.get("points_credited")
        points = credited if isinstance(credited, int) and not isinstance(credited, bool) else None
    elif entry is not None and entry.state is OutboxState.NEEDS_ATTENTION:
        answered = (entry.result or {}).get("status")
        first = (entry.result or {}).get("result") or {}
        conflict = answered == "conflict" or (
            isinstance(first, dict) and first.get("first_status") == "conflict"
        )
        status = "conflict" if conflict else "refused"
        state = order.pickup_state or planned_state
        code, params = entry.code, entry.params
    return HandoverReceipt(
        order_id=order.id,
        order_number=order.number,
        lines=lines,
        at=at,
        staff_name=staff.name,
        status=status,  # type: ignore[arg-type]
        reference=reference,
        pickup_state=state,
        points_credited=points,
        code=code,
        params=params,
    )


def _outcome(entry: OutboxEntry) -> Mapping[str, object]:
    """What the hub said an applied command did (its ``result``), or nothing."""
    outcome = (entry.result or {}).get("result")  # a duplicate's is the first attempt's
    return outcome if isinstance(outcome, dict) else {}


def receipt_lines(
    order: Order, payload: CollectPickupPayload, substitutes: Mapping[str, Product]
) -> tuple[ReceiptLine, ...]:
    """What happened to each line of ``order`` in this hand-over, and what is left for later."""
    lines: list[ReceiptLine] = []
    for line in order.lines:
        action = payload.lines.get(line.line_no)
        if action is None:
            if to_collect(line) > 0:  # left for later: the receipt says so
                lines.append(ReceiptLine(line.line_no, line.name, line.size, line.colour, 0, 0, 0))
            continue
        sku = action.substitute_sku
        swapped_in = substitutes.get(sku) if sku is not None else None
        lines.append(
            ReceiptLine(
                line_no=line.line_no,
                name=line.name,
                size=line.size,
                colour=line.colour,
                handed=action.handed,
                cancelled=action.cancelled,
                substituted=action.substituted,
                substitute_name=None if sku is None else swapped_in.name if swapped_in else sku,
                substitute_size=swapped_in.size if swapped_in else None,
                substitute_colour=swapped_in.colour if swapped_in else None,
            )
        )
    return tuple(lines)
