"""Orders: resolve a scanned order code, or look one up by number."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from storeassist import contract
from storeassist.hub.api.deps import Credentials, caller, database, wire_json
from storeassist.hub.api.problems import PROBLEM_RESPONSES
from storeassist.hub.services.orders import order_by_id, order_by_number
from storeassist.hub.services.trust import ORDER_KINDS, verify_scanned_code

router = APIRouter(prefix=contract.API_PREFIX + "/orders", tags=["orders"], responses=PROBLEM_RESPONSES)


@router.post("/resolve", response_model=contract.Order)
def resolve_order_code(
    body: contract.ResolveTokenRequest, request: Request, credentials: Credentials
) -> Response:
    """A scanned order (pickup or receipt) code → the order. Loyalty codes are refused."""
    with database(request).reading() as session:
        caller(session, credentials)
        token = verify_scanned_code(session, body.token, ORDER_KINDS)
        return wire_json(order_by_id(session, token.subject_id))


@router.get("/{number}", response_model=contract.Order)
def order_by_its_number(
    number: Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")],
    request: Request,
    credentials: Credentials,
) -> Response:
    with database(request).reading() as session:
        caller(session, credentials)
        return wire_json(order_by_number(session, number))
