"""Stores, a store's pickup queue and holds, its device-cache change feed, and what its kiosks left
for the associates: shoppers' requests and returns started at the kiosk."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from starlette.responses import Response

from storeassist import contract
from storeassist.contract import Role
from storeassist.contract.commands import RESULTS_HEADER
from storeassist.domain.privacy import restrict_profile
from storeassist.hub.api.deps import (
    Credentials,
    EntityId,
    StaffToken,
    caller,
    database,
    own_store,
    reads_pickup_orders,
    reads_stock_desk,
    renew_if_due,
    staff_caller,
    wire_json,
    wire_json_list,
)
from storeassist.hub.api.problems import PROBLEM_RESPONSES
from storeassist.hub.services.change_feed import changes
from storeassist.hub.services.database import utc_now
from storeassist.hub.services.holds import store_holds, sweep_expired_holds
from storeassist.hub.services.kept_queues import KeptQueues, etag_matches
from storeassist.hub.services.kiosk import assist_requests, mark_assist_done
from storeassist.hub.services.kiosk_returns import kiosk_returns
from storeassist.hub.services.wire import load_stores, store_from_row

#: The most items a feed page may be asked for (this release's tablet asks 1,000, as an older hub allows).
MAX_FEED_LIMIT = 5000
#: What a device's cache may hold of a customer: the least any role sees.
CACHE_ROLE: Role = "associate"

router = APIRouter(prefix=contract.API_PREFIX + "/stores", tags=["stores"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=list[contract.StoreInfo])
def stores(request: Request, credentials: Credentials) -> Response:
    with database(request).reading() as session:
        caller(session, credentials)
        return wire_json_list([store_from_row(row) for row in load_stores(session)])


#: The queue is personal data: kept by no cache on the way, and asked for again every time.
_QUEUE_CACHE_CONTROL = "private, no-cache"


@router.get(
    "/{store_id}/pickups",
    response_model=contract.PickupQueue,
    responses={304: {"description": "The queue is still the one whose ETag was sent in If-None-Match"}},
)
def store_pickups(
    store_id: EntityId,
    request: Request,
    credentials: Credentials,
    staff_token: StaffToken,
    if_none_match: Annotated[
        str | None,
        Header(
            max_length=1024,
            description="the ETag of the queue the tablet holds: 304, with no body, while it is current",
        ),
    ] = None,
) -> Response:
    """Open pickups: ready and partially collected first, then picking and placed; by deadline.

    The device, the staff session and the store are checked on every request, before anything
    is served. The queue is then served from this process's kept copy while the store's change
    log has not moved since it was built (``kept_queues``), else built again. ``as_of`` is when
    the hub checked the change log for this request: the queue holds every change committed
    before that time, whether it was built now or kept. Fields at their contract default are
    left out of each order, and its pickup fields too unless ``X-StoreAssist-Results`` lists
    ``pickup_orders`` (``contract.orders``). A weak ``ETag`` names the orders; sent back in
    ``If-None-Match``, it answers 304 with no body while they have not changed (the tablet's copy
    is current as of then)."""
    db = database(request)
    queues: KeptQueues = request.app.state.kept_queues
    # A bare connection, as for a scan: an ORM session costs more than the queue's few queries.
    with db.reading_statements() as connection:
        staff = staff_caller(connection, credentials, staff_token)
        here = own_store(staff.device, store_id)
        as_of = utc_now()  # taken before the change log is read: nothing committed earlier is missed
        kept = queues.current(connection, here, pickup_fields=reads_pickup_orders(request))
    renew_if_due(db, staff)
    headers = {"ETag": kept.etag, "Cache-Control": _QUEUE_CACHE_CONTROL, "Vary": RESULTS_HEADER}
    if etag_matches(if_none_match, kept.etag):
        return Response(status_code=304, headers=headers)
    return Response(kept.body(as_of), media_type="application/json", headers=headers)


@router.get("/{store_id}/holds", response_model=contract.StoreHolds)
def store_hold_list(
    store_id: EntityId, request: Request, credentials: Credentials, staff_token: StaffToken
) -> Response:
    """The store's holds: active ones soonest to expire first, then ended ones newest first —
    those of the last 7 days, and any not yet put back (a task for the floor) however old. Holds
    past their time are expired first. Customer names are shown as the pickup queue shows them."""
    db = database(request)
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
        here = own_store(staff.device, store_id)
    now = utc_now()
    sweep_expired_holds(db, here, now)
    with db.reading() as session:
        answer = store_holds(session, here, now)
    renew_if_due(db, staff)
    return wire_json(answer)


@router.get("/{store_id}/changes", response_model=contract.ChangeFeed)
def store_changes(
    store_id: EntityId,
    request: Request,
    credentials: Credentials,
    staff_token: StaffToken,
    cursor: Annotated[str, Query(max_length=512, description='"" starts the snapshot')] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_FEED_LIMIT)] = 500,
) -> Response:
    """One page of the store's snapshot or deltas; repeat with the returned cursor while has_more.

    The feed carries customers (pickups, recent look-ups), so it needs a staff session; their
    contact details are masked and lifetime values left out whatever the role, because a
    device's cache outlives the session that filled it.

    A snapshot begun by a tablet that reads ``stock_desk`` is of the stock desk's shape: products
    ``limit`` a page, then the stock of its store, its nearest stores and the warehouse as
    compact counts, ten times ``limit`` a page, with ``progress`` on every snapshot page
    (``services.change_feed``)."""
    db = database(request)
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
        feed = changes(
            session, own_store(staff.device, store_id), cursor, limit, stock_desk=reads_stock_desk(request)
        )
    renew_if_due(db, staff)
    if feed.customers:
        trimmed = [restrict_profile(profile, CACHE_ROLE) for profile in feed.customers]
        feed = feed.model_copy(update={"customers": trimmed})
    return wire_json(feed, request=request)


@router.get("/{store_id}/assist-requests", response_model=contract.AssistRequests)
def store_assist_requests(
    store_id: EntityId, request: Request, credentials: Credentials, staff_token: StaffToken
) -> Response:
    """What shoppers at this store's kiosks asked an associate for ("hold it for me"), open ones of
    the last day, oldest first."""
    db = database(request)
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
        answer = assist_requests(session, own_store(staff.device, store_id), utc_now())
    renew_if_due(db, staff)
    return wire_json(answer)


@router.post("/{store_id}/assist-requests/{request_id}/done", status_code=204)
def assist_request_done(
    store_id: EntityId,
    request_id: EntityId,
    request: Request,
    credentials: Credentials,
    staff_token: StaffToken,
) -> Response:
    """An associate saw to a shopper's request (done twice keeps the first); 404
    ``unknown_assist_request`` for one not of this store."""
    db = database(request)
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
        here = own_store(staff.device, store_id)
    with db.writing() as session:
        mark_assist_done(session, here, request_id, staff.staff_id, utc_now())
    renew_if_due(db, staff)
    return Response(status_code=204)


@router.get("/{store_id}/kiosk-returns", response_model=contract.KioskReturns)
def store_kiosk_returns(
    store_id: EntityId, request: Request, credentials: Credentials, staff_token: StaffToken
) -> Response:
    """Returns shoppers started at this store's kiosks and no ``return.take`` has finished yet,
    newest first (the last week's): the order, the code they scanned (so the associate takes it
    back "with receipt"), and the lines and reasons they chose."""
    db = database(request)
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
        answer = kiosk_returns(session, own_store(staff.device, store_id), utc_now())
    renew_if_due(db, staff)
    return wire_json(answer)
