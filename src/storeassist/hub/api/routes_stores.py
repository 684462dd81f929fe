"""Stores, a store's pickup queue, and its device-cache change feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from storeassist import contract
from storeassist.hub.api.deps import Credentials, EntityId, caller, database, wire_json, wire_json_list
from storeassist.hub.api.problems import PROBLEM_RESPONSES
from storeassist.hub.services.change_feed import changes
from storeassist.hub.services.errors import Forbidden
from storeassist.hub.services.orders import pickup_queue
from storeassist.hub.services.wire import load_stores, store_from_row

router = APIRouter(prefix=contract.API_PREFIX + "/stores", tags=["stores"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=list[contract.StoreInfo])
def stores(request: Request, credentials: Credentials) -> Response:
    with database(request).reading() as session:
        caller(session, credentials)
        return wire_json_list([store_from_row(row) for row in load_stores(session)])


@router.get("/{store_id}/pickups", response_model=contract.PickupQueue)
def store_pickups(store_id: EntityId, request: Request, credentials: Credentials) -> Response:
    """Open pickups: ready and partially collected first, then picking and placed; by deadline."""
    with database(request).reading() as session:
        caller(session, credentials)
        return wire_json(pickup_queue(session, store_id))


@router.get("/{store_id}/changes", response_model=contract.ChangeFeed)
def store_changes(
    store_id: EntityId,
    request: Request,
    credentials: Credentials,
    cursor: Annotated[str, Query(max_length=512, description='"" starts the snapshot')] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> Response:
    """One page of the store's snapshot or deltas; repeat with the returned cursor while has_more."""
    with database(request).reading() as session:
        device = caller(session, credentials)
        if device.store_id != store_id:
            raise Forbidden("A device syncs only the store it is enrolled at.", code="wrong_store")
        return wire_json(changes(session, store_id, cursor, limit))
