"""Health, device enrollment, the public keys, and staff sign-in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from storeassist import contract
from storeassist.hub.api.deps import Credentials, caller, database, wire_json
from storeassist.hub.api.problems import PROBLEM_RESPONSES
from storeassist.hub.keys import ensure_signing_key, public_keys_text
from storeassist.hub.services.access import enroll_device, sign_in_staff
from storeassist.hub.services.errors import Forbidden
from storeassist.hub.services.sign_in_limits import SignInLimiter
from storeassist.hub.services.trust import record_audit

router = APIRouter(prefix=contract.API_PREFIX, responses=PROBLEM_RESPONSES)


@router.get("/health", response_model=dict[str, str], tags=["health"])
def health(request: Request) -> Response:
    """``{"status": "ok", "schema": "<alembic revision>"}`` when the database answers."""
    db = database(request)
    with db.reading() as session:
        try:
            revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            session.rollback()
            revision = None
            session.execute(text("SELECT 1"))
    return Response(f'{{"status":"ok","schema":"{revision or "unknown"}"}}', media_type="application/json")


@router.post("/devices/enroll", response_model=contract.EnrollResponse, tags=["devices"])
def enroll(body: contract.EnrollRequest, request: Request) -> Response:
    """Consume a one-time enrollment code; answer the device's credential (shown once)."""
    with database(request).writing() as session:
        return wire_json(enroll_device(session, body))


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
    """A badge, or a staff number with a PIN. Every failure gets the same answer; a device with
    too many recent refusals is told to wait (429) before its next try is even looked at."""
    db = database(request)
    limiter: SignInLimiter = request.app.state.sign_in_limiter
    with db.reading() as session:
        device = caller(session, credentials)
        limiter.check(device.id)
        try:
            staff = sign_in_staff(session, device, body)
        except Forbidden:
            limiter.refused(device.id)
            raise
    with db.writing() as session:
        record_audit(
            session,
            device_id=device.id,
            staff_id=staff.staff_id,
            action="staff.sign_in",
            subject=f"staff:{staff.staff_id}",
        )
    return wire_json(staff)
