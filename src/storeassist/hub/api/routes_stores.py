"""Stores, a store's pickup queue, and its device-cache change feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from storeassist import contract
from storeassist.contract import Role
from storeassist.domain.privacy import restrict_profile
from storeassist.hub.api.deps import (
    Credentials,
    EntityId,
    StaffToken,
    caller,
    database,
    own_store,
    renew_if_due,
    staff_caller,
    wire_json,
    wire_json_list,
)
from storeassist.hub.api.problems import PROBLEM_RESPONSES
from storeassist.hub.services.change_feed import changes
from storeassist.hub.services.orders import pickup_queue
from storeassist.hub.services.wire import load_stores, store_from_row

#: What a device's cache may hold of a customer: the least any role sees.
CACHE_ROLE: Role = "associate"

router = APIRouter(prefix=contract.API_PREFIX + "/stores", tags=["stores"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=list[contract.StoreInfo])
def stores(request: Request, credentials: Credentials) -> Response:
    with database(request).reading() as session:
        caller(session, credentials)
        return wire_json_list([store_from_row(row) for row in load_stores(session)])


@router.get("/{store_id}/pickups", response_model=contract.PickupQueue)
def store_pickups(
    store_id: EntityId, request: Request, credentials: Credentials, staff_token: StaffToken
) -> Response:
    """Open pickups: ready and partially collected first, then picking and placed; by deadline."""
    db = database(request)
    # A bare connection, as for a scan: an ORM session costs more than the queue's few queries.
    with db.reading_statements() as connection:
        staff = staff_caller(connection, credentials, staff_token)
        queue = pickup_queue(connection, own_store(staff.device, store_id))
    renew_if_due(db, staff)
    return wire_json(queue, request=request)


@router.get("/{store_id}/changes", response_model=contract.ChangeFeed)
def store_changes(
    store_id: EntityId,
    request: Request,
    credentials: Credentials,
    staff_token: StaffToken,
    cursor: Annotated[str, Query(max_length=512, description='"" starts the snapshot')] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> Response:
    """One page of the store's snapshot or deltas; repeat with the returned cursor while has_more.

    The feed carries customers (pickups, recent look-ups), so it needs a staff session; their
    contact details are masked and lifetime values left out whatever the role, because a
    device's cache outlives the session that filled it."""
    db = database(request)
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
        feed = changes(session, own_store(staff.device, store_id), cursor, limit)
    renew_if_due(db, staff)
    if feed.customers:
        trimmed = [restrict_profile(profile, CACHE_ROLE) for profile in feed.customers]
        feed = feed.model_copy(update={"customers": trimmed})
    return wire_json(feed, request=request)
