"""Orders: resolve a scanned order code, look one up by number, check a pickup code.

An order that belongs to a store (its pickup store, or the store of sale) is served only to
that store's devices; an order with no store (shipped home) to any signed-in staff of the chain.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from storeassist import contract
from storeassist.hub.api.deps import (
    Credentials,
    EntityId,
    StaffToken,
    database,
    own_store,
    renew_if_due,
    staff_caller,
    wire_json,
)
from storeassist.hub.api.problems import PROBLEM_RESPONSES
from storeassist.hub.services.orders import order_by_id, order_by_number
from storeassist.hub.services.pickup_codes import answer_pickup_code
from storeassist.hub.services.trust import ORDER_KINDS, verify_scanned_code

router = APIRouter(prefix=contract.API_PREFIX + "/orders", tags=["orders"], responses=PROBLEM_RESPONSES)


@router.post("/resolve", response_model=contract.Order)
def resolve_order_code(
    body: contract.ResolveTokenRequest, request: Request, credentials: Credentials, staff_token: StaffToken
) -> Response:
    """A scanned order (pickup or receipt) code → the order. Loyalty codes are refused."""
    db = database(request)
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
        own_store(staff.device, body.store_id)
        token = verify_scanned_code(session, body.token, ORDER_KINDS)
        order = order_by_id(session, token.subject_id)
    own_store(staff.device, order.store_id)
    renew_if_due(db, staff)
    return wire_json(order, request=request)


@router.get("/{number}", response_model=contract.Order)
def order_by_its_number(
    number: Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")],
    request: Request,
    credentials: Credentials,
    staff_token: StaffToken,
) -> Response:
    db = database(request)
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
        order = order_by_number(session, number)
    own_store(staff.device, order.store_id)
    renew_if_due(db, staff)
    return wire_json(order, request=request)


@router.post("/{order_id}/pickup-code", response_model=contract.PickupCodeAnswer)
def check_pickup_code(
    order_id: EntityId,
    body: contract.PickupCodeCheck,
    request: Request,
    credentials: Credentials,
    staff_token: StaffToken,
) -> Response:
    """A six-digit pickup code the customer read out, checked against the order's. Each wrong one
    counts; the third locks the order (``locked``), after which no code is taken and only a
    manager hands it over. The answer says nothing about the customer, and nothing is logged."""
    db = database(request)
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
    store_id = own_store(staff.device, body.store_id)
    # Durable: a wrong try must still count after a crash, or a restart would refill the tries.
    with db.writing(durable=True) as session:
        answer = answer_pickup_code(session, order_id, store_id, body.code)
    renew_if_due(db, staff)
    return wire_json(answer)
