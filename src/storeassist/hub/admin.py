"""Operator actions on a hub database: enrollment codes, signed codes for demos and tests, staff
badges, and IT's tools (``storeassist-hub`` commands): listing and revoking devices, rotating the
signing key and retiring an old one, revoking a loyalty card or a badge, exporting the audit
trail. Each takes a database URL (or SQLite path) and runs in its own transaction; each IT action
is itself on the audit trail (no device, no staff member: the hub's operator), by id only.

A staff badge is a signed code (``TokenKind.STAFF_BADGE``) carrying the staff id and the staff
row's ``badge_serial``; only the current serial signs anyone in, so raising it
(:func:`revoke_badge`) cancels every badge printed before.

Enrollment codes are stored only as a SHA-256 of the normalised code (:func:`enrollment_code_hash`),
expire after 24 hours and are consumed by the hub's enroll endpoint on first use.
"""

from __future__ import annotations

import csv
import hashlib
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, TextIO

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storeassist.domain.tokens import TokenKind, sign_token
from storeassist.hub.db.models import (
    AuditEntry,
    CardRevocation,
    ChangeLog,
    Customer,
    Device,
    EnrollmentCode,
    Order,
    SigningKey,
    Staff,
    StaffSession,
    Store,
)
from storeassist.hub.db.session import make_engine, make_sessionmaker
from storeassist.hub.keys import active_key, private_key, retire_signing_key, rotate_signing_key
from storeassist.hub.services.database import hold_change_log_order

ENROLLMENT_CODE_TTL = timedelta(hours=24)
#: No 0/O or 1/I/L: an associate types this from a screen or a sheet of paper.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_GROUPS, _CODE_GROUP_LEN = 3, 4


class UnknownSubject(LookupError):
    """The store, customer, order or staff member named does not exist."""


class BadDayRange(ValueError):
    """Days to export that are no range: the first after the last, or past the calendar's end."""


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
        _audit(session, "badge.revoke", f"staff:{staff_id}")
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
        _audit(session, "card.revoke", f"customer:{customer_id}", now)
        return old + 1


def _audit(session: Session, action: str, subject: str, now: datetime | None = None) -> None:
    """An IT action on the audit trail: by the hub's operator (no device, no staff member)."""
    session.add(
        AuditEntry(at=now or datetime.now(UTC), device_id=None, staff_id=None, action=action, subject=subject)
    )


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    """An enrolled device as IT sees it (``storeassist-hub devices list``)."""

    id: int
    store_id: int
    name: str
    kind: str
    enrolled_at: datetime
    revoked: bool
    revoked_at: datetime | None
    revoked_reason: str | None


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive times (stored as UTC)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _record(device: Device) -> DeviceRecord:
    enrolled = _utc(device.enrolled_at)
    assert enrolled is not None
    return DeviceRecord(
        device.id,
        device.store_id,
        device.name,
        device.kind,
        enrolled,
        bool(device.revoked),
        _utc(device.revoked_at),
        device.revoked_reason,
    )


def list_devices(db_url: str, store_id: int | None = None) -> list[DeviceRecord]:
    """Every enrolled device (of ``store_id``), by store and id, revoked ones too."""
    with _session(db_url) as session:
        query = select(Device).order_by(Device.store_id, Device.id)
        if store_id is not None:
            query = query.where(Device.store_id == store_id)
        return [_record(device) for device in session.scalars(query)]


def revoke_device(
    db_url: str, device_id: int, reason: str | None = None, *, now: datetime | None = None
) -> tuple[DeviceRecord, bool]:
    """Revoke a device's enrollment: from its next request the hub answers it 401
    ``device_revoked`` with ``reason``, and any staff session open on it ends now. Answers the
    device and whether it was revoked now (False: it already was, and keeps its first reason)."""
    now = now or datetime.now(UTC)
    with _session(db_url) as session:
        device = session.get(Device, device_id)
        if device is None:
            raise UnknownSubject(f"no device {device_id}")
        if device.revoked:
            return _record(device), False
        device.revoked, device.revoked_at, device.revoked_reason = True, now, reason
        session.execute(
            update(StaffSession)
            .where(StaffSession.device_id == device_id, StaffSession.ended_at.is_(None))
            .values(ended_at=now, ended_why="revoked")
        )
        _audit(session, "device.revoke", f"device:{device_id}", now)
        session.flush()
        return _record(device), True


def rotate_key(db_url: str) -> tuple[int | None, int]:
    """Stop signing with the active key and start the next: codes signed before still verify (the
    old key stays published until :func:`retire_key`), new ones are signed by the new key.
    Answers (old key id, new key id); ``keys.KeyIdsExhausted``, with nothing changed, once the
    last key id is taken."""
    with _session(db_url) as session:
        old = active_key(session)
        old_id = old.key_id if old is not None else None
        new = rotate_signing_key(session)
        _audit(session, "key.rotate", f"key:{new.key_id}")
        return old_id, new.key_id


@dataclass(frozen=True, slots=True)
class RetiredKey:
    """A signing key IT retired (``storeassist-hub retire-key``): when, whether by this call
    (False: it already was, nothing changed), and the key that signs new codes now."""

    key_id: int
    retired_at: datetime
    now: bool
    signing_key_id: int | None


def retire_key(db_url: str, key_id: int, *, now: datetime | None = None) -> RetiredKey:
    """Stop trusting signing key ``key_id`` (leaked, say): it is no longer published at
    ``GET /v1/keys`` and the hub refuses every code it signed (``token_unknown_key``, as for a key
    it never had); devices drop it at their next key fetch. :class:`UnknownSubject` for a key that
    does not exist, ``keys.KeyStillSigns`` for the key signing new codes (rotate first); either way
    nothing is changed. A key already retired is left as it is, and not audited again."""
    now = now or datetime.now(UTC)
    with _session(db_url) as session:
        key = session.get(SigningKey, key_id)
        if key is None:
            raise UnknownSubject(f"no signing key {key_id}")
        retired = retire_signing_key(session, key, now)
        if retired:
            _audit(session, "key.retire", f"key:{key_id}", now)
        signing = active_key(session)
        when = _utc(key.retired_at)
        assert when is not None
        return RetiredKey(key_id, when, retired, signing.key_id if signing is not None else None)


AuditFormat = Literal["csv", "jsonl"]
#: The audit trail's columns, as stored: ids only.
AUDIT_COLUMNS = ("id", "at", "device_id", "staff_id", "action", "subject")
_EXPORT_BATCH = 5000


def check_day_range(first: date, last: date) -> None:
    """:class:`BadDayRange` when ``first`` is after ``last``, or ``last`` is the calendar's last
    day (the end of its day is past what a date can name)."""
    if first > last:
        raise BadDayRange(f"--from {first} is after --to {last}.")
    if last >= date.max:
        latest = date.max - timedelta(days=1)
        raise BadDayRange(f"--to {last} is past the last day an export can name; give {latest} or earlier.")


def export_audit(db_url: str, first: date, last: date, fmt: AuditFormat, out: TextIO) -> int:
    """Write the audit rows of days ``first`` to ``last`` (UTC, both included) to ``out`` as CSV
    (with a header) or JSON Lines, oldest first, as stored; answers how many. The export is
    itself audited; :func:`check_day_range` first."""
    check_day_range(first, last)
    start = datetime.combine(first, time.min, UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, UTC)
    writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow(AUDIT_COLUMNS)
    count, after = 0, 0
    with _session(db_url) as session:
        while True:
            rows = session.execute(
                select(
                    AuditEntry.id,
                    AuditEntry.at,
                    AuditEntry.device_id,
                    AuditEntry.staff_id,
                    AuditEntry.action,
                    AuditEntry.subject,
                )
                .where(AuditEntry.at >= start, AuditEntry.at < end, AuditEntry.id > after)
                .order_by(AuditEntry.id)
                .limit(_EXPORT_BATCH)
            ).all()
            for row in rows:
                at = _utc(row.at)
                values = (
                    row.id,
                    at.isoformat() if at else None,
                    row.device_id,
                    row.staff_id,
                    row.action,
                    row.subject,
                )
                if writer is not None:
                    writer.writerow(values)
                else:
                    out.write(
                        json.dumps(dict(zip(AUDIT_COLUMNS, values, strict=True)), ensure_ascii=False) + "\n"
                    )
            count += len(rows)
            if len(rows) < _EXPORT_BATCH:
                break
            after = rows[-1].id
        _audit(session, "audit.export", f"audit:{first.isoformat()}..{last.isoformat()}")
    return count
