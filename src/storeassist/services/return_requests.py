"""What the return desk (``services/return_desk.py``) sends the hub and reads back from its refusals:
the return command's payload and id, a manager's approval request, and a refused look-up as the
error the Returns screen words.

Each request is built from the contract's models; what the contract refuses becomes a typed refusal
naming the mistake (never quoting what was typed: an approval carries a PIN), so nothing of the
wrong shape is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from pydantic import ValidationError

from storeassist.client import HubNotFound, HubRejected
from storeassist.contract import ExchangeLine, ReturnApprovalRequest, ReturnUnit, TakeReturnPayload
from storeassist.domain.return_desk import ApprovalRefused, OpenedReturn, ReturnNotFound, ReturnNotPossible
from storeassist.domain.returns import RefundMethod, ReturnDecision, UnitReturn
from storeassist.domain.tokens import (
    SignedToken,
    TokenError,
    TokenExpired,
    TokenForged,
    TokenMalformed,
    TokenUnknownKey,
    WrongKind,
)

#: The most characters of a manager's reason sent (``ReturnApprovalRequest.reason``).
MAX_REASON = 200
_HUB_TOKEN_ERRORS: dict[str, type[TokenError]] = {
    error.code: error for error in (TokenMalformed, TokenForged, TokenUnknownKey, TokenExpired)
}


def command_id_of(return_id: str) -> UUID:
    """A return's id (``ReturnDesk.new_return_id``) as its command's id."""
    try:
        return UUID(str(return_id))
    except ValueError:
        raise ReturnNotPossible("invalid_command", {"field": "id"}) from None


def take_payload(
    opened: OpenedReturn,
    decision: ReturnDecision,
    units: Sequence[UnitReturn],
    method: RefundMethod,
    exchange: Sequence[ExchangeLine],
    offline: bool,
) -> TakeReturnPayload:
    """The command's payload, or the typed refusal naming the first field the contract refuses."""
    try:
        return TakeReturnPayload(
            order_id=opened.order.order_id,
            customer_id=opened.for_customer_id,
            units=[
                ReturnUnit(line_no=u.line_no, qty=u.qty, reason=u.reason, condition=u.condition)
                for u in units
                if u.qty > 0
            ],
            method=method,
            receipt_code=opened.order.receipt_code if opened.order.with_receipt else None,
            exchange=list(exchange),
            paid_back_cents=decision.paid_back_cents,
            store_credit_cents=decision.store_credit_cents,
            offline=offline,
            kiosk_return_id=opened.from_kiosk.id if opened.from_kiosk is not None else None,
        )
    except ValidationError as exc:
        field = ".".join(str(part) for part in exc.errors()[0]["loc"])
        raise ReturnNotPossible("invalid_command", {"field": f"payload.{field}"}) from None


def approval_request(
    return_id: str,
    opened: OpenedReturn,
    decision: ReturnDecision,
    manager: tuple[str | None, str | None],
    pin: str,
    reason: str,
) -> ReturnApprovalRequest:
    """The approval's request of the return ``decision`` of the opened order, by the manager's
    (badge, staff number), or the refusal of what cannot be sent (never quoting the PIN)."""
    badge, staff_number = manager
    badge = (badge or "").strip() or None
    number = (staff_number or "").strip().upper() or None
    pin = pin.strip()
    if not (4 <= len(pin) <= 8 and pin.isascii() and pin.isdigit()):
        raise ApprovalRefused("pin_invalid")
    reason = reason.strip()[:MAX_REASON]  # a longer one is cut, not refused
    if len(reason) < 3:
        raise ApprovalRefused("reason_missing")
    try:
        return ReturnApprovalRequest(
            return_id=command_id_of(return_id),
            order_id=opened.order.order_id,
            paid_back_cents=decision.paid_back_cents,
            reasons=list(decision.approvals),
            badge=badge,
            staff_number=number,
            pin=pin,
            reason=reason,
        )
    except (ValidationError, ReturnNotPossible):
        # The error would quote what was typed; only the kind of mistake is said.
        raise ApprovalRefused("manager_missing") from None


def lookup_refusal(
    exc: HubRejected, verified: SignedToken | TokenUnknownKey | None, number: str | None
) -> Exception:
    """The hub's refusal of a look-up as the error the screen words."""
    if exc.code == "order_of_another_customer":
        return ReturnNotFound("order_of_another_customer", number)
    if isinstance(exc, HubNotFound) or exc.code in ("unknown_order", "not_found"):
        return ReturnNotFound("unknown_order", number)
    if exc.code == WrongKind.code and isinstance(verified, SignedToken):
        return WrongKind(verified.kind)
    error = _HUB_TOKEN_ERRORS.get(exc.code)
    return exc if error is None else error(exc.problem.detail)
