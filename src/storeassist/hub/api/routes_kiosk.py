"""The self-service kiosk's routes (``/v1/kiosk/*``): a kiosk device only (a tablet is 403
``kiosk_only``), never with a staff session (a kiosk signs no one in).

The scanned shopper's greeting, "ask an associate to hold it", self-pickup, starting a return,
a manager leaving kiosk mode, and the kiosk's catalog-only change feed. Services:
``services.kiosk``, ``kiosk_pickup``, ``kiosk_returns``; the feed is ``change_feed``'s.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from storeassist import contract
from storeassist.hub.api.deps import (
    Credentials,
    database,
    kiosk_caller,
    limit_kiosk_reads,
    reads_stock_desk,
    wire_json,
)
from storeassist.hub.api.problems import PROBLEM_RESPONSES
from storeassist.hub.api.routes_stores import MAX_FEED_LIMIT
from storeassist.hub.services.audit_writer import AuditWriter
from storeassist.hub.services.change_feed import changes
from storeassist.hub.services.counter_first import CounterFirst
from storeassist.hub.services.database import utc_now
from storeassist.hub.services.errors import Forbidden
from storeassist.hub.services.kiosk import check_kiosk_exit, kiosk_shopper, request_hold
from storeassist.hub.services.kiosk_pickup import kiosk_pickup
from storeassist.hub.services.kiosk_returns import kiosk_order, kiosk_order_answer, start_kiosk_return
from storeassist.hub.services.sign_in_limits import SignInLimiter
from storeassist.hub.services.trust import record_audit

router = APIRouter(prefix=contract.API_PREFIX + "/kiosk", tags=["kiosk"], responses=PROBLEM_RESPONSES)

_TOO_MANY_READS: dict[int | str, dict[str, Any]] = {
    429: {"model": contract.Problem, "description": "Too many shoppers' reads by this kiosk"}
}


@router.post("/shopper", response_model=contract.KioskShopper, responses=_TOO_MANY_READS)
def shopper(body: contract.KioskScan, request: Request, credentials: Credentials) -> Response:
    """A scanned loyalty code (printed card or the app's code) → what the kiosk shows the shopper:
    first name and last initial, tier, points, the next tier, offers, and suggestions in stock
    here. No id, contact detail, order or address. A revoked card is 403 ``token_revoked``, an
    order code ``token_wrong_kind``. Each scan spends one of the kiosk's profile reads (429
    ``too_many_reads`` past them) and is audited ``kiosk.shopper`` (ids only).

    Suggestions come from the recommender's model the hub builds when it starts; a scan before
    that build ends is greeted without them rather than waiting. A request thread, as the
    suggestions read widely; a command batch still steps aside while it runs (``counter_first``)."""
    db = database(request)
    counter: CounterFirst = request.app.state.counter_first
    with counter.serving(), db.reading() as session:
        device = kiosk_caller(session, credentials)
        limit_kiosk_reads(request, device, "profile")
        customer_id, answer = kiosk_shopper(
            session, request.app.state.recommender, body.token, device.store_id
        )
    audit: AuditWriter = request.app.state.audit_writer
    audit.record(device, action="kiosk.shopper", subject=f"customer:{customer_id}")
    return wire_json(answer, request=request)


@router.post(
    "/hold-requests",
    status_code=204,
    responses={429: {"model": contract.Problem, "description": "Too many requests from this kiosk"}},
)
def hold_request(body: contract.KioskHoldRequest, request: Request, credentials: Credentials) -> Response:
    """ "Ask an associate to hold it": a request on the associates' list of this store (``GET
    /v1/stores/{id}/assist-requests``), not a hold. 404 ``product_not_found`` (by SKU or barcode);
    409 ``not_in_stock_here``; 429 ``too_many_requests`` after 20 in 10 minutes from one kiosk.
    A ``request_id`` this kiosk sent before is answered 204 again with nothing more written (409
    ``request_id_reused`` if it was for another product or quantity)."""
    db = database(request)
    with db.reading() as session:
        device = kiosk_caller(session, credentials)
    with db.writing() as session:
        request_hold(session, device, body, utc_now())
    return Response(status_code=204)


@router.post(
    "/pickup",
    response_model=contract.KioskPickupAnswer,
    responses={
        403: {"model": contract.KioskProblem, "description": "Refused (a wrong pickup code has params)"}
    },
)
def pickup(body: contract.KioskPickup, request: Request, credentials: Credentials) -> Response:
    """Self-pickup: the order's code and the six-digit pickup code → where to collect it (the
    counter, or a locker's number); the associates' queue then shows the customer waiting.

    403 ``pickup_code_wrong`` with ``params.tries_left``; the third wrong code locks the order as
    at the counter: 403 ``pickup_needs_manager`` (go to the counter). 409 ``not_kiosk_pickup`` for
    an order not to be collected here (not marked for the kiosk, not ready, not paid); 403
    ``wrong_store`` for another store's order; 404 ``unknown_order``. Nothing about the customer
    is answered or logged; a right code is audited ``kiosk.pickup``."""
    db = database(request)
    with db.reading() as session:
        device = kiosk_caller(session, credentials)
    # Durable: a wrong try must still count after a crash, or a restart would refill the tries.
    with db.writing(durable=True) as session:
        answer = kiosk_pickup(session, device, body, utc_now())
    if isinstance(answer, Forbidden):
        raise answer  # after the commit: the wrong try is counted
    return wire_json(answer)


@router.post("/returns/lookup", response_model=contract.KioskOrder, responses=_TOO_MANY_READS)
def return_lookup(body: contract.KioskReturnLookup, request: Request, credentials: Credentials) -> Response:
    """The order a scanned receipt or order code names (any store's; the code's expiry does not
    matter): its number and lines, each with what can come back and the policy's verdict code
    (``returnable``, ``past_window``, ``final_sale`` …). Nothing of the customer. Spends one of
    the kiosk's profile reads; audited ``kiosk.return_lookup``."""
    db = database(request)
    with db.reading() as session:
        device = kiosk_caller(session, credentials)
        limit_kiosk_reads(request, device, "profile")
        order, verdicts = kiosk_order(session, body.code, utc_now())
    answer = kiosk_order_answer(order, verdicts)
    audit: AuditWriter = request.app.state.audit_writer
    audit.record(device, action="kiosk.return_lookup", subject=f"order:{order.id}")
    return wire_json(answer)


@router.post(
    "/returns",
    response_model=contract.KioskReturnStarted,
    responses={
        409: {"model": contract.KioskProblem, "description": "A line that cannot come back (params)"},
        **_TOO_MANY_READS,
    },
)
def return_start(body: contract.KioskReturnStart, request: Request, credentials: Credentials) -> Response:
    """Start a return: the lines and reasons the shopper chose, for an associate at this store's
    counter (``GET /v1/stores/{id}/kiosk-returns``) → its reference ("K-4821"). 409
    ``unknown_line``, ``not_returnable`` or ``more_than_returnable`` (with ``line_no``; units an
    open return started at this store's kiosks already has do not count as returnable); audited
    ``kiosk.return_start``. A ``request_id`` this kiosk sent before is answered with the first
    reference and nothing more written (409 ``request_id_reused`` if it was for another return)."""
    db = database(request)
    with db.reading() as session:
        device = kiosk_caller(session, credentials)
        limit_kiosk_reads(request, device, "profile")
    with db.writing() as session:
        started = start_kiosk_return(session, device, body, utc_now())
    return wire_json(started)


@router.post(
    "/exit",
    status_code=204,
    responses={429: {"model": contract.Problem, "description": "Too many refused sign-ins from this kiosk"}},
)
def leave_kiosk_mode(body: contract.KioskExit, request: Request, credentials: Credentials) -> Response:
    """A manager or admin of this store lets the kiosk leave kiosk mode: badge and PIN, or staff
    number and PIN, checked as a sign-in is. Anyone else is 403 ``sign_in_refused``, a wrong PIN
    and a right one of someone below manager or of another store alike (the answer confirms no
    PIN); 429 ``too_many_sign_in_attempts`` after 10 refusals from the kiosk. Nobody is signed
    in; audited ``kiosk.exit``; the PIN is never logged or echoed."""
    db = database(request)
    limiter: SignInLimiter = request.app.state.sign_in_limiter
    with db.reading() as session:
        device = kiosk_caller(session, credentials)
        limiter.check(device.id)
        try:
            manager = check_kiosk_exit(session, device, body)
        except Forbidden as refused:
            if refused.code == "sign_in_refused":  # every exit that is not a manager of this store
                limiter.refused(device.id)
            raise
    with db.writing() as session:
        record_audit(
            session,
            device_id=device.id,
            staff_id=manager.id,
            action="kiosk.exit",
            subject=f"device:{device.id}",
        )
    return Response(status_code=204)


@router.get("/changes", response_model=contract.ChangeFeed)
def kiosk_changes(
    request: Request,
    credentials: Credentials,
    cursor: Annotated[str, Query(max_length=512, description='"" starts the snapshot')] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_FEED_LIMIT)] = 500,
) -> Response:
    """One page of the kiosk's feed: the store feed's pages and cursor, with products, stock (the
    stock desk's shape for a kiosk reading ``stock_desk``) and revoked cards only; never pickups
    or customers. No staff session."""
    db = database(request)
    with db.reading() as session:
        device = kiosk_caller(session, credentials)
        feed = changes(
            session, device.store_id, cursor, limit, stock_desk=reads_stock_desk(request), catalog_only=True
        )
    return wire_json(feed, request=request)
