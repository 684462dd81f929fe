"""The hub's Ed25519 signing keys for loyalty and order codes.

The private half stays in the hub database; devices receive only :func:`public_keys_text`.
A key id is one byte in the code (see :mod:`storeassist.domain.tokens`), so ids run 1..255.
Old keys stay published (``active=False``) so codes they signed still verify after a rotation,
until IT retires one (``retired_at``): then it is no longer published and its codes are refused.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from storeassist.domain.tokens import public_key_from_text, public_key_to_text
from storeassist.hub.db.models import SigningKey

MAX_KEY_ID = 255


class KeyIdsExhausted(ValueError):
    """Every key id a code can name is taken: the hub cannot start another key."""


class KeyStillSigns(ValueError):
    """The key named is the one signing new codes: rotate to a new key before retiring it."""


def new_signing_key(key_id: int, now: datetime | None = None) -> SigningKey:
    """A fresh key row (not yet added to a session)."""
    if not 1 <= key_id <= MAX_KEY_ID:
        raise ValueError("signing key ids run 1..255")
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return SigningKey(
        key_id=key_id,
        private_key=raw,
        public_key=public_key_to_text(private.public_key()),
        created_at=now or datetime.now(UTC),
        active=True,
    )


def active_key(session: Session) -> SigningKey | None:
    """The key that signs new codes: the newest active one."""
    return session.scalars(
        select(SigningKey)
        .where(SigningKey.active.is_(True), SigningKey.retired_at.is_(None))
        .order_by(SigningKey.key_id.desc())
        .limit(1)
    ).first()


def ensure_signing_key(session: Session) -> SigningKey:
    """The active signing key, creating key 1 (or the next id) when there is none. Flushes, does
    not commit: the caller owns the transaction."""
    key = active_key(session)
    if key is not None:
        return key
    newest = session.scalars(select(SigningKey.key_id).order_by(SigningKey.key_id.desc()).limit(1)).first()
    key = new_signing_key((newest or 0) + 1)
    session.add(key)
    session.flush()
    return key


def rotate_signing_key(session: Session) -> SigningKey:
    """Stop signing with the active key (still published for verification) and start a new one;
    :class:`KeyIdsExhausted`, with nothing changed, once key :data:`MAX_KEY_ID` exists."""
    current = active_key(session)
    newest = session.scalars(select(SigningKey.key_id).order_by(SigningKey.key_id.desc()).limit(1)).first()
    if (newest or 0) >= MAX_KEY_ID:
        raise KeyIdsExhausted(f"signing key {newest} is the last id a code can name (1..{MAX_KEY_ID})")
    if current is not None:
        current.active = False
    key = new_signing_key((newest or 0) + 1)
    session.add(key)
    session.flush()
    return key


def retire_signing_key(session: Session, key: SigningKey, now: datetime | None = None) -> bool:
    """Stop trusting ``key``: it is no longer published and the hub refuses every code it signed.
    The row stays, so its id is never used again. True if retired now, False if it already was
    (nothing changed); :class:`KeyStillSigns`, with nothing changed, if it signs new codes."""
    if key.retired_at is not None:
        return False
    current = active_key(session)
    if current is not None and current.key_id == key.key_id:
        raise KeyStillSigns(f"signing key {key.key_id} signs new codes")
    key.active = False
    key.retired_at = now or datetime.now(UTC)
    session.flush()
    return True


def private_key(session: Session) -> tuple[int, Ed25519PrivateKey]:
    """``(key_id, private key)`` of the active signing key, created if missing."""
    key = ensure_signing_key(session)
    return key.key_id, Ed25519PrivateKey.from_private_bytes(key.private_key)


def public_keys_text(session: Session) -> dict[int, str]:
    """Every published verification key (none retired), by key id, as base64url raw bytes (the
    wire form)."""
    rows = session.execute(
        select(SigningKey.key_id, SigningKey.public_key)
        .where(SigningKey.retired_at.is_(None))
        .order_by(SigningKey.key_id)
    )
    return {key_id: text for key_id, text in rows}


def public_keys(session: Session) -> dict[int, Ed25519PublicKey]:
    """Every published verification key, by key id, ready for ``domain.tokens.verify_token``."""
    return {key_id: public_key_from_text(text) for key_id, text in public_keys_text(session).items()}
