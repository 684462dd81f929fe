"""Trusting a scanned code at the hub, and writing the audit trail (ids only, never personal data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storeassist.domain.tokens import SignedToken, TokenError, TokenKind, verify_token
from storeassist.hub.db import models as m
from storeassist.hub.keys import public_keys
from storeassist.hub.services.database import utc_now
from storeassist.hub.services.errors import TokenRefused

LOYALTY_KINDS = {TokenKind.LOYALTY_CARD, TokenKind.LOYALTY_DYNAMIC}
ORDER_KINDS = {TokenKind.ORDER}


def verify_scanned_code(
    session: Session, text: str, expect: set[TokenKind], *, now: datetime | None = None
) -> SignedToken:
    """The verified code, or :class:`TokenRefused` carrying the domain's reason and code."""

    def is_revoked(customer_id: int, serial: int) -> bool:
        found = session.execute(
            select(m.CardRevocation.serial).where(
                m.CardRevocation.customer_id == customer_id, m.CardRevocation.serial == serial
            )
        ).first()
        return found is not None

    try:
        return verify_token(
            text, public_keys(session), now=now or utc_now(), is_revoked=is_revoked, expect=expect
        )
    except TokenError as exc:
        raise TokenRefused(str(exc), code=exc.code) from exc


def record_audit(
    session: Session, *, device_id: int | None, staff_id: int | None, action: str, subject: str
) -> None:
    """One audit row. ``subject`` is ``"kind:id"``: ids only."""
    session.add(
        m.AuditEntry(at=utc_now(), device_id=device_id, staff_id=staff_id, action=action, subject=subject)
    )
