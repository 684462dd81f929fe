"""Customers: resolve a scanned loyalty code, search, the profile, and recommendations."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from storeassist import contract
from storeassist.contract import Role
from storeassist.domain.privacy import restrict_page, restrict_profile
from storeassist.hub.api.deps import (
    MAX_ID,
    Credentials,
    EntityId,
    PageQuery,
    StaffToken,
    StoreQuery,
    database,
    limit_reads,
    own_store,
    renew_if_due,
    run_database_work,
    staff_caller,
    wire_json,
)
from storeassist.hub.api.problems import PROBLEM_RESPONSES
from storeassist.hub.recommend import recommend_for
from storeassist.hub.services.audit_writer import AuditWriter
from storeassist.hub.services.profiles import build_profile
from storeassist.hub.services.search import search_customers
from storeassist.hub.services.staff_sessions import StaffCaller
from storeassist.hub.services.trust import LOYALTY_KINDS, verify_scanned_code

router = APIRouter(prefix=contract.API_PREFIX + "/customers", tags=["customers"], responses=PROBLEM_RESPONSES)


#: At least three characters that are not spaces: fewer find too many people to be a search
#: for one customer. Written as a pattern, so the OpenAPI document states the rule too.
CUSTOMER_SEARCH_TEXT = r"^\s*[^\s\x00-\x1f\x7f]\s*[^\s\x00-\x1f\x7f]\s*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
CustomerSearchQuery = Annotated[
    str,
    Query(max_length=100, pattern=CUSTOMER_SEARCH_TEXT, description="at least 3 characters besides spaces"),
]
#: Search results show contact details masked, for every role: a list is for picking a person,
#: and the profile then shows what the role may see.
SEARCH_ROLE: Role = "associate"


def _profile_viewed(request: Request, staff: StaffCaller, customer_id: int) -> None:
    """Audit the view (now, or just after a sync's write if one holds the writer), renewing the
    session in the same write when due."""
    audit: AuditWriter = request.app.state.audit_writer
    audit.record(staff, action="profile.view", subject=f"customer:{customer_id}")


@router.post("/resolve", response_model=contract.CustomerProfile)
async def resolve_loyalty_code(
    body: contract.ResolveTokenRequest, request: Request, credentials: Credentials, staff_token: StaffToken
) -> Response:
    """A scanned loyalty code (card or app) → the customer's profile, as the signed-in role may
    see it. Order codes are refused."""
    db = database(request)

    def resolve() -> Response:
        with db.reading_statements() as connection:
            staff = staff_caller(connection, credentials, staff_token)
            store_id = own_store(staff.device, body.store_id)
            limit_reads(request, staff, "profile")
            token = verify_scanned_code(connection, body.token, LOYALTY_KINDS)
            profile = build_profile(connection, token.subject_id, store_id)
        _profile_viewed(request, staff, profile.customer.id)
        return wire_json(restrict_profile(profile, cast(Role, staff.role)), request=request)

    return await run_database_work(request, db, resolve)


@router.get("", response_model=contract.CustomerPage)
def find_customers(
    request: Request,
    credentials: Credentials,
    staff_token: StaffToken,
    q: CustomerSearchQuery,
    page: PageQuery = 0,
) -> Response:
    """Phone (digits) or e-mail ('@') by prefix, otherwise name by prefix; 20 a page; at least
    three characters; contact details masked."""
    db = database(request)
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
        limit_reads(request, staff, "search")
        page_found = search_customers(session, q, page)
    renew_if_due(db, staff)
    return wire_json(restrict_page(page_found, SEARCH_ROLE))


@router.get("/{customer_id}/profile", response_model=contract.CustomerProfile)
async def customer_profile(
    customer_id: EntityId,
    request: Request,
    credentials: Credentials,
    staff_token: StaffToken,
    store_id: StoreQuery | None = None,
    staff_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_ID, description="ignored: the staff session names who is looking"),
    ] = None,
) -> Response:
    """The customer's profile, as the signed-in role may see it (the view is audited)."""
    db = database(request)

    def show() -> Response:
        with db.reading_statements() as connection:
            staff = staff_caller(connection, credentials, staff_token)
            store = own_store(staff.device, store_id)
            limit_reads(request, staff, "profile")
            profile = build_profile(connection, customer_id, store)
        _profile_viewed(request, staff, customer_id)
        return wire_json(restrict_profile(profile, cast(Role, staff.role)), request=request)

    return await run_database_work(request, db, show)


@router.get("/{customer_id}/recommendations", response_model=contract.RecommendationList)
def customer_recommendations(
    customer_id: EntityId,
    request: Request,
    credentials: Credentials,
    staff_token: StaffToken,
    store_id: StoreQuery | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    """What to suggest, in stock here or nearby, each with its reason as a code the tablet words."""
    db = database(request)
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
        answer = recommend_for(
            session, request.app.state.recommender, customer_id, own_store(staff.device, store_id), limit
        )
    renew_if_due(db, staff)
    return wire_json(answer, request=request)
