"""Staff sessions: the hub's own record of who is signed in on which device.

A device credential proves which tablet is asking, never who: it can be copied off a stolen
tablet. So every request for personal data, and every command, also carries a staff session
token (``X-Staff-Session``) that the hub issued at sign-in, bound to that device and its store.
Only the token's SHA-256 is stored.

A session ends at sign-out, when another sign-in on the same device replaces it, after
:data:`IDLE_MINUTES` without a request, and at :data:`MAX_HOURS` after sign-in however busy.
Use renews it: a request more than :data:`TOUCH_EVERY` after the last recorded one moves
``last_seen_at`` on, so a busy counter writes at most one row a minute per session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from storeassist.hub.db import models as m
from storeassist.hub.services.access import CallingDevice, refuse_kiosk
from storeassist.hub.services.database import as_utc, utc_now
from storeassist.hub.services.errors import Unauthorized
from storeassist.hub.services.wire import Queryable, fetch_prepared, run_prepared

#: A session with no request for this long has ended (the app signs out after 5 idle minutes).
IDLE_MINUTES = 15
#: However busy, a session ends this long after sign-in.
MAX_HOURS = 12
#: ``last_seen_at`` is written at most this often per session.
TOUCH_EVERY = timedelta(seconds=60)

SIGN_IN_FIRST = "Sign in first: scan your staff badge, or enter your staff number and PIN."

_BY_TOKEN = select(
    m.StaffSession.device_id,
    m.StaffSession.staff_id,
    m.StaffSession.store_id,
    m.StaffSession.role,
    m.StaffSession.last_seen_at,
    m.StaffSession.expires_at,
    m.StaffSession.ended_at,
).where(m.StaffSession.token_hash == bindparam("token_hash"))
_TOUCH = (
    update(m.StaffSession)
    .where(m.StaffSession.token_hash == bindparam("session_hash"), m.StaffSession.ended_at.is_(None))
    .values(last_seen_at=bindparam("seen_at"))
)


@dataclass(frozen=True, slots=True)
class StaffCaller:
    """A request made by a signed-in staff member on an enrolled device."""

    device: CallingDevice
    staff_id: int
    role: str
    token_hash: str
    last_seen_at: datetime

    @property
    def store_id(self) -> int:
        """The store the request is for: always the device's own."""
        return self.device.store_id

    def touch_due(self, now: datetime) -> bool:
        return now - self.last_seen_at >= TOUCH_EVERY


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start_session(
    session: Session, device: CallingDevice, *, staff_id: int, role: str
) -> tuple[str, datetime]:
    """End the device's open sessions and open a new one; the token (shown once) and its end."""
    now = utc_now()
    session.execute(
        update(m.StaffSession)
        .where(m.StaffSession.device_id == device.id, m.StaffSession.ended_at.is_(None))
        .values(ended_at=now, ended_why="replaced")
    )
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=MAX_HOURS)
    session.add(
        m.StaffSession(
            token_hash=token_hash(token),
            device_id=device.id,
            staff_id=staff_id,
            store_id=device.store_id,
            role=role,
            started_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
    )
    return token, expires_at


def end_session(session: Session, caller: StaffCaller) -> None:
    session.execute(
        update(m.StaffSession)
        .where(m.StaffSession.token_hash == caller.token_hash, m.StaffSession.ended_at.is_(None))
        .values(ended_at=utc_now(), ended_why="sign_out")
    )


def check_session(on: Queryable, device: CallingDevice, token: str | None) -> StaffCaller:
    """The signed-in staff member behind ``token`` on ``device``, or :class:`Unauthorized`.

    A token of another device is answered as an unknown one: it says nothing about whose it is.
    A kiosk has no staff session whatever it sends (403 ``kiosk_device``).
    """
    refuse_kiosk(device)
    if not token:
        raise Unauthorized(SIGN_IN_FIRST, code="staff_session_required")
    hashed = token_hash(token)
    rows = fetch_prepared(on, _BY_TOKEN, {"token_hash": hashed}) if len(token) <= 64 else []
    if not rows or rows[0].device_id != device.id:
        raise Unauthorized(SIGN_IN_FIRST, code="staff_session_invalid")
    row = rows[0]
    now = utc_now()
    last_seen = as_utc(row.last_seen_at)
    if (
        row.ended_at is not None
        or now >= as_utc(row.expires_at)
        or now - last_seen >= timedelta(minutes=IDLE_MINUTES)
    ):
        raise Unauthorized(
            "Your sign-in on this tablet has ended. " + SIGN_IN_FIRST, code="staff_session_ended"
        )
    return StaffCaller(device, row.staff_id, row.role, hashed, last_seen)


def touch(on: Queryable, caller: StaffCaller) -> None:
    """Record that the session is in use (renewing it); call when :meth:`StaffCaller.touch_due`."""
    run_prepared(on, _TOUCH, {"session_hash": caller.token_hash, "seen_at": utc_now()})
