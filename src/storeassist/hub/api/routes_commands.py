"""The command endpoint: a batch of device commands, each id applied at most once."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from storeassist import contract
from storeassist.hub.api.deps import Credentials, caller, database, wire_json
from storeassist.hub.api.problems import PROBLEM_RESPONSES
from storeassist.hub.services.commands import apply_batch

router = APIRouter(prefix=contract.API_PREFIX, tags=["commands"], responses=PROBLEM_RESPONSES)


@router.post("/commands", response_model=contract.CommandBatchResult)
def commands(body: contract.CommandBatch, request: Request, credentials: Credentials) -> Response:
    """Each result is applied, duplicate (a retry: the first outcome), conflict (with the facts
    found) or rejected (with the reason). The whole batch is one transaction."""
    db = database(request)
    with db.reading() as session:
        device = caller(session, credentials)
    with db.writing(durable=True) as session:
        return wire_json(apply_batch(session, device, body))
