"""Trusting a scanned code at the hub, and writing the audit trail (ids only, never personal data).

A scan is the hub's hottest path, so its queries are built once (bound parameters) and the
published keys are read on every scan (a rotation or a retired key in another process is seen at
once) but parsed only once per distinct key text: parsing is a pure function of the text, so the
memo cannot go stale.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from storeassist.domain.tokens import (
    SignedToken,
    TokenError,
    TokenKind,
    public_key_from_text,
    verify_token,
)
from storeassist.hub.db import models as m
from storeassist.hub.services.database import utc_now
from storeassist.hub.services.errors import TokenRefused
from storeassist.hub.services.wire import Queryable, fetch_prepared, run_prepared

LOYALTY_KINDS = {TokenKind.LOYALTY_CARD, TokenKind.LOYALTY_DYNAMIC}
ORDER_KINDS = {TokenKind.ORDER}

_REVOKED = select(m.CardRevocation.serial).where(
    m.CardRevocation.customer_id == bindparam("customer_id"), m.CardRevocation.serial == bindparam("serial")
)
#: A retired key (``storeassist-hub retire-key``) is not published: its codes are refused as a
#: code of an unknown key is (``token_unknown_key``).
_PUBLISHED_KEYS = select(m.SigningKey.key_id, m.SigningKey.public_key).where(
    m.SigningKey.retired_at.is_(None)
)
_AUDIT = insert(m.AuditEntry)

#: Distinct published keys a process will ever see: a handful of rotations.
_KEY_MEMO = 64


@lru_cache(maxsize=_KEY_MEMO)
def _parsed_key(text: str) -> Ed25519PublicKey:
    return public_key_from_text(text)


def published_keys(session: Queryable) -> dict[int, Ed25519PublicKey]:
    """Every published verification key by key id (as ``hub.keys.public_keys``), read now."""
    return {row.key_id: _parsed_key(row.public_key) for row in fetch_prepared(session, _PUBLISHED_KEYS)}


def verify_scanned_code(
    session: Queryable,
    text: str,
    expect: set[TokenKind],
    *,
    now: datetime | None = None,
    as_proof: bool = False,
) -> SignedToken:
    """The verified code, or :class:`TokenRefused` carrying the domain's reason and code
    (``as_proof``: a receipt, whose order code's expiry does not matter; ``domain.tokens.verify_token``)."""

    def is_revoked(customer_id: int, serial: int) -> bool:
        return bool(fetch_prepared(session, _REVOKED, {"customer_id": customer_id, "serial": serial}))

    try:
        return verify_token(
            text,
            published_keys(session),
            now=now or utc_now(),
            is_revoked=is_revoked,
            expect=expect,
            as_proof=as_proof,
        )
    except TokenError as exc:
        raise TokenRefused(str(exc), code=exc.code) from exc


def record_audit(
    session: Session, *, device_id: int | None, staff_id: int | None, action: str, subject: str
) -> None:
    """One audit row, added to the session (written with the caller's other changes at flush).
    ``subject`` is ``"kind:id"``: ids only."""
    session.add(
        m.AuditEntry(at=utc_now(), device_id=device_id, staff_id=staff_id, action=action, subject=subject)
    )


def write_audit(
    on: Queryable,
    *,
    device_id: int | None,
    staff_id: int | None,
    action: str,
    subject: str,
    at: datetime | None = None,
) -> None:
    """One audit row, inserted now with a plain INSERT (no ORM object, no unit-of-work flush):
    for a write transaction that records only the audit, such as every profile view
    (``HubDatabase.writing_statements``). ``at``: when it happened, if not now."""
    run_prepared(
        on,
        _AUDIT,
        {
            "at": at or utc_now(),
            "device_id": device_id,
            "staff_id": staff_id,
            "action": action,
            "subject": subject,
        },
    )
