"""Health, device enrollment, the public keys, and staff sign-in and sign-out."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from storeassist import contract
from storeassist.hub.api.deps import (
    Credentials,
    StaffToken,
    caller,
    database,
    run_database_work,
    staff_caller,
    wire_json,
)
from storeassist.hub.api.problems import PROBLEM_RESPONSES
from storeassist.hub.keys import ensure_signing_key, public_keys_text
from storeassist.hub.services.access import enroll_device, refuse_kiosk, sign_in_staff
from storeassist.hub.services.errors import Forbidden
from storeassist.hub.services.sign_in_limits import SignInLimiter
from storeassist.hub.services.staff_sessions import IDLE_MINUTES, end_session, start_session
from storeassist.hub.services.trust import record_audit
from storeassist.hub.services.wire import load_store

router = APIRouter(prefix=contract.API_PREFIX, responses=PROBLEM_RESPONSES)


@router.get("/health", response_model=dict[str, str], tags=["health"])
async def health(request: Request) -> Response:
    """``{"status": "ok", "schema": "<alembic revision>", "recommendations": "ready"}`` when the
    database answers; ``recommendations`` is ``building`` while the hub builds its first
    recommender model (a kiosk greets shoppers without suggestions until then).

    A read only (never the writer lock), run like a scan: not queued behind a sync's command
    batch in the request threads."""
    db = database(request)

    def read_revision() -> str | None:
        with db.reading() as session:
            try:
                found = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except SQLAlchemyError:
                session.rollback()
                session.execute(text("SELECT 1"))
                return None
            return str(found) if found is not None else None

    revision = await run_database_work(request, db, read_revision)
    model = "ready" if request.app.state.recommender.model_if_ready() is not None else "building"
    return Response(
        f'{{"status":"ok","schema":"{revision or "unknown"}","recommendations":"{model}"}}',
        media_type="application/json",
    )


@router.post("/devices/enroll", response_model=contract.EnrollResponse, tags=["devices"])
def enroll(body: contract.EnrollRequest, request: Request) -> Response:
    """Consume a one-time enrollment code; answer the device's credential (shown once), and its
    store with the store's locale, currency and time zone."""
    with database(request).writing() as session:
        enrolled = enroll_device(session, body)
        store = load_store(session, enrolled.store_id)
        if store is not None:
            how_it_writes = {
                "store_locale": store.locale,
                "store_currency": store.currency,
                "store_timezone": store.timezone,
            }
            enrolled = contract.EnrollResponse.model_validate(enrolled.model_dump() | how_it_writes)
        return wire_json(enrolled)


@router.get("/keys", response_model=contract.PublicKeys, tags=["devices"])
def keys(request: Request) -> Response:
    """The public keys that verify loyalty and order codes, by key id."""
    db = database(request)
    with db.reading() as session:
        published = public_keys_text(session)
    if not published:
        with db.writing() as session:
            ensure_signing_key(session)
            published = public_keys_text(session)
    return wire_json(contract.PublicKeys(keys=published))


@router.post(
    "/staff/sign-in",
    response_model=contract.StaffSession,
    tags=["staff"],
    responses={429: {"model": contract.Problem, "description": "Too many refused sign-ins from this device"}},
)
def staff_sign_in(body: contract.StaffSignInRequest, request: Request, credentials: Credentials) -> Response:
    """A signed badge (alone for an associate; with the PIN above that), or a staff number with a
    PIN. Every failure gets the same answer; a device with too many recent refusals is told to
    wait (429) before its next try is even looked at. Success opens a staff session bound to this
    device and store, ending any other open on the device. A kiosk signs no one in (403
    ``kiosk_device``)."""
    db = database(request)
    limiter: SignInLimiter = request.app.state.sign_in_limiter
    with db.reading() as session:
        device = caller(session, credentials)
        refuse_kiosk(device)
        limiter.check(device.id)
        try:
            staff = sign_in_staff(session, device, body)
        except Forbidden as refused:
            if refused.code != "pin_required":  # a valid badge asking for more is not a guess
                limiter.refused(device.id)
            raise
    with db.writing() as session:
        token, expires_at = start_session(session, device, staff_id=staff.id, role=staff.role)
        record_audit(
            session,
            device_id=device.id,
            staff_id=staff.id,
            action="staff.sign_in",
            subject=f"staff:{staff.id}",
        )
    return wire_json(
        contract.StaffSession(
            staff_id=staff.id,
            name=staff.name,
            role=cast(contract.Role, staff.role),
            store_id=staff.store_id,
            session_token=token,
            idle_minutes=IDLE_MINUTES,
            expires_at=expires_at,
        )
    )


@router.post("/staff/sign-out", status_code=204, tags=["staff"])
def staff_sign_out(request: Request, credentials: Credentials, staff_token: StaffToken) -> Response:
    """End this device's staff session."""
    db = database(request)
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
    with db.writing() as session:
        end_session(session, staff)
        record_audit(
            session,
            device_id=staff.device.id,
            staff_id=staff.staff_id,
            action="staff.sign_out",
            subject=f"staff:{staff.staff_id}",
        )
    return Response(status_code=204)
