"""Returns: find an order to take back, and record a manager's approval of one return.

Both need the device and a staff session. Returns are the chain's: any store's counter takes back
an order bought anywhere, so neither route is scoped to the device's store. The return itself is
the ``return.take`` command (``POST /v1/commands``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from storeassist import contract
from storeassist.hub.api.deps import (
    Credentials,
    StaffToken,
    database,
    limit_reads,
    renew_if_due,
    staff_caller,
    wire_json,
)
from storeassist.hub.api.problems import PROBLEM_RESPONSES
from storeassist.hub.services.access import sign_in_staff
from storeassist.hub.services.audit_writer import AuditWriter
from storeassist.hub.services.database import utc_now
from storeassist.hub.services.errors import Forbidden
from storeassist.hub.services.return_approvals import record_approval, require_manager
from storeassist.hub.services.returns import lookup_return
from storeassist.hub.services.sign_in_limits import SignInLimiter

router = APIRouter(prefix=contract.API_PREFIX + "/returns", tags=["returns"], responses=PROBLEM_RESPONSES)


@router.post(
    "/lookup",
    response_model=contract.ReturnableOrder,
    responses={
        429: {"model": contract.Problem, "description": "Too many customer reads by this staff member"}
    },
)
def look_up_return(
    body: contract.ReturnLookup, request: Request, credentials: Credentials, staff_token: StaffToken
) -> Response:
    """An order to take back, by its scanned code (an order code, a purchase or hand-over receipt:
    "with receipt"; a return's receipt finds its order without) or its typed number (without
    receipt), from any store of the chain. 404 ``unknown_order``; 403 ``order_of_another_customer``
    when ``customer_id`` names someone else; a code the hub does not trust is 403 with its token
    code. Lines carry what was bought, received, returned and refunded; tenders what each paid and
    paid back, kinds and amounts only. A customer's order is audited ``return.lookup`` and counts
    as a profile read of the staff member's budget (429 ``too_many_reads`` past it)."""
    db = database(request)
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
        answer = lookup_return(session, body, utc_now())
    if answer.customer_id is not None:
        # It names the customer and their points: limited and audited as a profile view is, so
        # walking order numbers is no way round the limit on reading customers.
        limit_reads(request, staff, "profile")
        audit: AuditWriter = request.app.state.audit_writer
        audit.record(staff, action="return.lookup", subject=f"order:{answer.order_id}")
    renew_if_due(db, staff)
    return wire_json(answer)


@router.post(
    "/approvals",
    response_model=contract.ReturnApproval,
    responses={429: {"model": contract.Problem, "description": "Too many refused sign-ins from this device"}},
)
def approve_return(
    body: contract.ReturnApprovalRequest, request: Request, credentials: Credentials, staff_token: StaffToken
) -> Response:
    """A manager approves one return (``return_id``: its ``return.take`` command's id) on the
    associate's tablet: badge and PIN, or staff number and PIN, checked as a sign-in is (403
    ``sign_in_refused``, ``sign_in_wrong_store``; 429 ``too_many_sign_in_attempts`` after 10
    refusals from the device), then 403 ``not_a_manager`` below manager; 404 ``unknown_order``
    for an order that does not exist. Recorded for this device and store, valid 15 minutes, used
    once, and only by a return of that order, taken by the associate whose session asks, paying
    back at most ``paid_back_cents`` for no reasons but ``reasons``; audited ``return.approve``.
    Nobody is signed in or out, and the PIN is never logged or echoed."""
    db = database(request)
    limiter: SignInLimiter = request.app.state.sign_in_limiter
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
        limiter.check(staff.device.id)
        proof = contract.StaffSignInRequest(badge=body.badge, staff_number=body.staff_number, pin=body.pin)
        try:
            manager = sign_in_staff(session, staff.device, proof)
        except Forbidden as refused:
            if refused.code != "pin_required":  # never: a PIN is always sent
                limiter.refused(staff.device.id)
            raise
    require_manager(manager)
    with db.writing() as session:
        approval = record_approval(session, staff, manager, body, utc_now())
    renew_if_due(db, staff)
    return wire_json(approval)
