"""Who is calling: device credentials, enrolling a device with a one-time code, staff sign-in.

Credentials and codes are stored only as SHA-256; a PIN only as scrypt ``"salt$hash"`` (hex).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, select, update
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.contract.common import MAX_PARAM_TEXT
from storeassist.domain.tokens import TokenError, TokenKind, verify_token
from storeassist.hub.admin import enrollment_code_hash
from storeassist.hub.db import models as m
from storeassist.hub.keys import ensure_signing_key, public_keys_text
from storeassist.hub.services.database import as_utc, utc_now
from storeassist.hub.services.errors import Forbidden, NotFound, Unauthorized
from storeassist.hub.services.trust import published_keys
from storeassist.hub.services.wire import Queryable, fetch_prepared
from storeassist.hub.staff_pins import verify_pin

#: The one detail of every sign-in refusal (a kiosk's exit refusals too).
SIGN_IN_REFUSED = "Badge, staff number or PIN not recognised."

#: Every request authenticates, so its query is built once (bound parameter), as in ``wire``.
_DEVICE_BY_CREDENTIAL = select(
    m.Device.id, m.Device.store_id, m.Device.kind, m.Device.revoked, m.Device.revoked_reason
).where(m.Device.credential_hash == bindparam("credential_hash"))

#: ``devices.kind`` of a self-service kiosk: it never signs staff in, and only it takes ``/v1/kiosk/*``.
KIOSK = "kiosk"


@dataclass(frozen=True, slots=True)
class CallingDevice:
    id: int
    store_id: int
    kind: str

    @property
    def is_kiosk(self) -> bool:
        return self.kind == KIOSK


def refuse_kiosk(device: CallingDevice) -> None:
    """A kiosk signs no staff in and so reaches no associate route (403 ``kiosk_device``)."""
    if device.is_kiosk:
        raise Forbidden(
            "A self-service kiosk does not sign staff in; use an associate's tablet.", code="kiosk_device"
        )


def require_kiosk(device: CallingDevice) -> None:
    """Only a kiosk takes the kiosk's routes (403 ``kiosk_only``)."""
    if not device.is_kiosk:
        raise Forbidden("This is for the store's self-service kiosk only.", code="kiosk_only")


#: Roles that may sign in on any store's device (the app keeps the same rule).
CHAIN_WIDE_ROLES = frozenset({"manager", "admin"})
_CHAIN_WIDE_ROLES = CHAIN_WIDE_ROLES
#: The one role a signed badge alone may sign in; every other needs the PIN too.
BADGE_ALONE_ROLES = frozenset({"associate"})

_STAFF_EXISTS = select(m.Staff.id).where(m.Staff.id == bindparam("staff_id"))


def require_staff(session: Queryable, staff_id: int | None) -> None:
    """A staff id a device names (who is looking at a profile) must be a real staff member."""
    if staff_id is not None and not fetch_prepared(session, _STAFF_EXISTS, {"staff_id": staff_id}):
        raise NotFound(f"There is no staff member {staff_id}.", code="unknown_staff")


def credential_hash(credential: str) -> str:
    return hashlib.sha256(credential.encode("utf-8", "replace")).hexdigest()


def authenticate_device(session: Queryable, credential: str | None) -> CallingDevice:
    """The enrolled, unrevoked device holding ``credential``, or :class:`Unauthorized`."""
    if not credential:
        raise Unauthorized(
            "Send the device credential as 'Authorization: Bearer …'. Enroll the device first."
        )
    rows = fetch_prepared(session, _DEVICE_BY_CREDENTIAL, {"credential_hash": credential_hash(credential)})
    if not rows:
        raise Unauthorized("This device is not enrolled with the hub. Enroll it with a new code.")
    row = rows[0]
    if row.revoked:
        reason = row.revoked_reason or ""
        why = f" ({reason})" if reason else ""
        raise Unauthorized(
            f"This device was revoked at the back office{why}. Ask a manager to enroll it again.",
            code="device_revoked",
            # IT's reason whole, as a field: the detail's brackets are for a person (and an older
            # app, which reads the reason out of them).
            params={"reason": reason} if reason and len(reason) <= MAX_PARAM_TEXT else None,
        )
    return CallingDevice(row.id, row.store_id, row.kind)


def enroll_device(session: Session, request: contract.EnrollRequest) -> contract.EnrollResponse:
    """Consume a one-time enrollment code and hand back a fresh device credential (write session)."""
    now = utc_now()
    code_hash = enrollment_code_hash(request.code)
    found = session.execute(
        select(m.EnrollmentCode.store_id, m.EnrollmentCode.expires_at, m.EnrollmentCode.used_at).where(
            m.EnrollmentCode.code_hash == code_hash
        )
    ).first()
    if found is None:
        raise Forbidden(
            "That enrollment code is not valid. Check it, or ask for a new one.", code="enroll_code_invalid"
        )
    if found.used_at is not None:
        raise Forbidden("That enrollment code was already used. Ask for a new one.", code="enroll_code_used")
    if as_utc(found.expires_at) <= now:
        raise Forbidden("That enrollment code has expired. Ask for a new one.", code="enroll_code_expired")
    # An UPDATE answers a CursorResult (with rowcount); Session.execute is typed as the plain Result.
    consumed = cast(
        CursorResult[Any],
        session.execute(
            update(m.EnrollmentCode)
            .where(m.EnrollmentCode.code_hash == code_hash, m.EnrollmentCode.used_at.is_(None))
            .values(used_at=now)
        ),
    )
    if consumed.rowcount != 1:  # another request took it first
        raise Forbidden("That enrollment code was already used. Ask for a new one.", code="enroll_code_used")
    credential = secrets.token_urlsafe(32)
    device = m.Device(
        store_id=found.store_id,
        name=request.device_name,
        kind=request.kind,
        credential_hash=credential_hash(credential),
        enrolled_at=now,
        revoked=False,
    )
    session.add(device)
    session.flush()
    store = session.get(m.Store, found.store_id)
    ensure_signing_key(session)
    session.add(
        m.AuditEntry(
            at=now, device_id=device.id, staff_id=None, action="device.enroll", subject=f"device:{device.id}"
        )
    )
    return contract.EnrollResponse(
        device_id=device.id,
        credential=credential,
        store_id=found.store_id,
        store_name=store.name if store is not None else "",
        public_keys=contract.PublicKeys(keys=public_keys_text(session)),
    )


@dataclass(frozen=True, slots=True)
class SignedInStaff:
    """Who a sign-in proved to be (the route then opens their session)."""

    id: int
    name: str
    role: str
    store_id: int


def sign_in_staff(
    session: Session, device: CallingDevice, request: contract.StaffSignInRequest
) -> SignedInStaff:
    """A signed badge (alone only for an associate), or a staff number with its PIN.

    Every failure to prove who someone is gets one vague refusal (``sign_in_refused``); a valid
    badge of a role that needs more is told ``pin_required``, which is not a guess that failed.
    """
    query = select(m.Staff.id, m.Staff.name, m.Staff.role, m.Staff.store_id, m.Staff.pin_hash)
    if request.badge is not None:
        staff_id = _badge_holder(session, request.badge)
        row = session.execute(query.where(m.Staff.id == staff_id)).first()
        if row is not None and request.pin is None and row.role not in BADGE_ALONE_ROLES:
            raise Forbidden("Enter your PIN as well to finish signing in.", code="pin_required")
        ok = row is not None and (request.pin is None or verify_pin(request.pin, row.pin_hash))
    else:
        row = session.execute(query.where(m.Staff.staff_number == request.staff_number)).first()
        ok = row is not None and request.pin is not None and verify_pin(request.pin, row.pin_hash)
    if row is None or not ok:
        raise Forbidden(SIGN_IN_REFUSED, code="sign_in_refused")
    if row.store_id != device.store_id and row.role not in CHAIN_WIDE_ROLES:
        raise Forbidden(
            "Staff of another store cannot sign in on this store's device.", code="sign_in_wrong_store"
        )
    return SignedInStaff(row.id, row.name, row.role, row.store_id)


def _badge_holder(session: Session, text: str) -> int:
    """The staff id a signed, current badge names; :class:`Forbidden` for anything else."""

    def is_revoked(staff_id: int, serial: int) -> bool:
        current = session.execute(select(m.Staff.badge_serial).where(m.Staff.id == staff_id)).scalar()
        return current is None or current != serial

    try:
        token = verify_token(
            text,
            published_keys(session),
            now=utc_now(),
            is_revoked=is_revoked,
            expect={TokenKind.STAFF_BADGE},
        )
    except TokenError:
        raise Forbidden(SIGN_IN_REFUSED, code="sign_in_refused") from None
    return token.subject_id
