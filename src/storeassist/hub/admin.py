"""Operator actions on a hub database: enrollment codes, signed codes for demos and tests, staff
badges, card and badge revocation. Each takes a database URL (or SQLite path) and runs in its own
transaction.

A staff badge is a signed code (``TokenKind.STAFF_BADGE``) carrying the staff id and the staff
row's ``badge_serial``; only the current serial signs anyone in, so raising it
(:func:`revoke_badge`) cancels every badge printed before.

Enrollment codes are stored only as a SHA-256 of the normalised code (:func:`enrollment_code_hash`),
expire after 24 hours and are consumed by the hub's enroll endpoint on first use.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from storeassist.domain.tokens import TokenKind, sign_token
from storeassist.hub.db.models import (
    CardRevocation,
    ChangeLog,
    Customer,
    EnrollmentCode,
    Order,
    Staff,
    StaffSession,
    Store,
)
from storeassist.hub.db.session import make_engine, make_sessionmaker
from storeassist.hub.keys import private_key
from storeassist.hub.services.database import hold_change_log_order

ENROLLMENT_CODE_TTL = timedelta(hours=24)
#: No 0/O or 1/I/L: an associate types this from a screen or a sheet of paper.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_GROUPS, _CODE_GROUP_LEN = 3, 4


class UnknownSubject(LookupError):
    """The store, customer, order or staff member named does not exist."""


@contextmanager
def _session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            yield session
    finally:
        engine.dispose()


def normalise_enrollment_code(code: str) -> str:
    """Upper-case, trimmed: what a person typed and what was issued compare equal."""
    return code.strip().upper()


def enrollment_code_hash(code: str) -> str:
    """The stored form of an enrollment code (sha256 hex of the normalised code)."""
    return hashlib.sha256(normalise_enrollment_code(code).encode("ascii", "replace")).hexdigest()


def issue_enrollment_code(db_url: str, store_id: int, *, now: datetime | None = None) -> str:
    """A fresh one-time code (``XXXX-XXXX-XXXX``) that enrolls one device at ``store_id`` within 24 h."""
    now = now or datetime.now(UTC)
    code = "-".join(
        "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_GROUP_LEN)) for _ in range(_CODE_GROUPS)
    )
    with _session(db_url) as session:
        if session.get(Store, store_id) is None:
            raise UnknownSubject(f"no store {store_id}")
        session.add(
            EnrollmentCode(
                code_hash=enrollment_code_hash(code),
                store_id=store_id,
                expires_at=now + ENROLLMENT_CODE_TTL,
                used_at=None,
            )
        )
    return code


def mint_token(
    session: Session, kind: TokenKind, subject_id: int, *, ttl_s: int = 900, now: datetime | None = None
) -> str:
    """Sign a code inside an open session. A printed card (``LOYALTY_CARD``) carries the customer's
    current card serial, a ``STAFF_BADGE`` (subject: staff id) the staff member's current badge
    serial; dynamic loyalty codes and order codes carry an expiry ``ttl_s`` from now."""
    now = now or datetime.now(UTC)
    if kind is TokenKind.STAFF_BADGE:
        staff = session.get(Staff, subject_id)
        if staff is None:
            raise UnknownSubject(f"no staff member {subject_id}")
        serial = staff.badge_serial
    elif kind.is_loyalty:
        customer = session.get(Customer, subject_id)
        if customer is None:
            raise UnknownSubject(f"no customer {subject_id}")
        serial = customer.card_serial
    else:
        if session.get(Order, subject_id) is None:
            raise UnknownSubject(f"no order {subject_id}")
        serial = 0
    extra = serial if kind.has_serial else int(now.timestamp()) + ttl_s
    key_id, key = private_key(session)
    return sign_token(key, key_id, kind, subject_id, extra)


def issue_token(
    db_url: str, kind: TokenKind, subject_id: int, *, ttl_s: int = 900, now: datetime | None = None
) -> str:
    """A signed loyalty, order or badge code for ``subject_id`` (customer, order or staff id)."""
    with _session(db_url) as session:
        return mint_token(session, kind, subject_id, ttl_s=ttl_s, now=now)


def issue_badge(db_url: str, staff_id: int) -> str:
    """The signed code to print on ``staff_id``'s badge (their current badge serial).

    Printing it again gives the same code; after :func:`revoke_badge` it gives the new one."""
    return issue_token(db_url, TokenKind.STAFF_BADGE, staff_id)


def revoke_badge(db_url: str, staff_id: int) -> int:
    """Cancel ``staff_id``'s badge (lost, or they left): every badge printed so far stops signing
    them in, any session they have open ends now, and :func:`issue_badge` prints the next.
    Returns the new serial.

    Devices keep no badge revocations: only the hub checks a badge, at sign-in."""
    with _session(db_url) as session:
        session.execute(
            update(StaffSession)
            .where(StaffSession.staff_id == staff_id, StaffSession.ended_at.is_(None))
            .values(ended_at=datetime.now(UTC), ended_why="revoked")
        )
        serial = session.execute(
            update(Staff)
            .where(Staff.id == staff_id)
            .values(badge_serial=Staff.badge_serial + 1)
            .returning(Staff.badge_serial)
        ).scalar_one_or_none()
        if serial is None:
            raise UnknownSubject(f"no staff member {staff_id}")
        return int(serial)


def revoke_card(db_url: str, customer_id: int, *, now: datetime | None = None) -> int:
    """Cancel the customer's printed card: record the old serial as revoked, issue the next serial,
    and log the change so devices learn of it. Returns the new serial."""
    now = now or datetime.now(UTC)
    with _session(db_url) as session:
        hold_change_log_order(session)
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise UnknownSubject(f"no customer {customer_id}")
        old = customer.card_serial
        customer.card_serial = old + 1
        session.add(CardRevocation(customer_id=customer_id, serial=old, revoked_at=now))
        session.add(ChangeLog(store_id=None, entity="revocation", entity_id=customer_id, at=now))
        return old + 1
