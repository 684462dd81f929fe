"""Signed receipts the hub hands back for what a counter did: a pickup's hand-over
(``HANDOVER_RECEIPT``) and a return (``RETURN_RECEIPT``). Subject: the record's id; extra: its
UNIX time (a receipt is proof kept, so it never expires).

Effects sign hundreds of receipts a batch, so the active key is read with a prebuilt statement
and parsed once per distinct key.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from storeassist.domain.tokens import TokenKind, sign_token
from storeassist.hub.db import models as m
from storeassist.hub.keys import private_key

_keys = cast(Table, m.SigningKey.__table__)
_ACTIVE_KEY = (
    select(_keys.c.key_id, _keys.c.private_key)
    .where(_keys.c.active.is_(True), _keys.c.retired_at.is_(None))
    .order_by(_keys.c.key_id.desc())
    .limit(1)
)


@lru_cache(maxsize=8)
def _signer(raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(raw)


def sign_receipt(session: Session, kind: TokenKind, subject_id: int, at: datetime) -> str:
    """The signed reference of record ``subject_id`` made ``at``, with the active key."""
    key: Any = session.connection().execute(_ACTIVE_KEY).first()
    if key is None:
        key_id, signer = private_key(session)  # a hub with no key yet makes one, as for order codes
    else:
        key_id, signer = key.key_id, _signer(bytes(key.private_key))
    return sign_token(signer, key_id, kind, subject_id, int(at.timestamp()))
