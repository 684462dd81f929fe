"""Customers: resolve a scanned loyalty code, search, the profile, and recommendations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from storeassist import contract
from storeassist.hub.api.deps import (
    MAX_ID,
    Credentials,
    EntityId,
    PageQuery,
    SearchQuery,
    StoreQuery,
    caller,
    database,
    run_database_work,
    wire_json,
)
from storeassist.hub.api.problems import PROBLEM_RESPONSES
from storeassist.hub.recommend import recommend_for
from storeassist.hub.services.access import CallingDevice, require_staff
from storeassist.hub.services.database import HubDatabase
from storeassist.hub.services.profiles import build_profile
from storeassist.hub.services.search import search_customers
from storeassist.hub.services.trust import LOYALTY_KINDS, verify_scanned_code, write_audit

router = APIRouter(prefix=contract.API_PREFIX + "/customers", tags=["customers"], responses=PROBLEM_RESPONSES)


def _profile_viewed(db: HubDatabase, device: CallingDevice, customer_id: int, staff_id: int | None) -> None:
    with db.writing_statements() as connection:
        write_audit(
            connection,
            device_id=device.id,
            staff_id=staff_id,
            action="profile.view",
            subject=f"customer:{customer_id}",
        )


@router.post("/resolve", response_model=contract.CustomerProfile)
async def resolve_loyalty_code(
    body: contract.ResolveTokenRequest, request: Request, credentials: Credentials
) -> Response:
    """A scanned loyalty code (card or app) → the customer's profile. Order codes are refused."""
    db = database(request)

    def resolve() -> Response:
        with db.reading_statements() as connection:
            device = caller(connection, credentials)
            require_staff(connection, body.staff_id)
            token = verify_scanned_code(connection, body.token, LOYALTY_KINDS)
            profile = build_profile(connection, token.subject_id, body.store_id or device.store_id)
        _profile_viewed(db, device, profile.customer.id, body.staff_id)
        return wire_json(profile)

    return await run_database_work(db, resolve)


@router.get("", response_model=contract.CustomerPage)
def find_customers(
    request: Request, credentials: Credentials, q: SearchQuery, page: PageQuery = 0
) -> Response:
    """Phone (digits) or e-mail ('@') by prefix, otherwise name by prefix; 20 a page."""
    with database(request).reading() as session:
        caller(session, credentials)
        return wire_json(search_customers(session, q, page))


@router.get("/{customer_id}/profile", response_model=contract.CustomerProfile)
async def customer_profile(
    customer_id: EntityId,
    request: Request,
    credentials: Credentials,
    store_id: StoreQuery | None = None,
    staff_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="the signed-in staff member, for the audit trail")
    ] = None,
) -> Response:
    db = database(request)

    def show() -> Response:
        with db.reading_statements() as connection:
            device = caller(connection, credentials)
            require_staff(connection, staff_id)
            profile = build_profile(connection, customer_id, store_id or device.store_id)
        _profile_viewed(db, device, customer_id, staff_id)
        return wire_json(profile)

    return await run_database_work(db, show)


@router.get("/{customer_id}/recommendations", response_model=contract.RecommendationList)
def customer_recommendations(
    customer_id: EntityId,
    request: Request,
    credentials: Credentials,
    store_id: StoreQuery | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    """What to suggest, in stock here or nearby, each with a one-line reason."""
    db = database(request)
    with db.reading() as session:
        device = caller(session, credentials)
        answer = recommend_for(
            session, request.app.state.recommender, customer_id, store_id or device.store_id, limit
        )
    return wire_json(answer)
