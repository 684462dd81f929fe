"""The command endpoint: a batch of device commands, each id applied at most once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from starlette.responses import Response

from storeassist import contract
from storeassist.hub.api.deps import Credentials, StaffToken, database, staff_caller
from storeassist.hub.api.problems import PROBLEM_RESPONSES
from storeassist.hub.services.commands import apply_batch
from storeassist.hub.services.counter_first import CounterFirst
from storeassist.hub.services.staff_sessions import touch

#: Commands applied per write transaction. A batch of 500 held SQLite's one writer for its whole
#: length; in chunks, a scan's audit row or a sign-in gets the writer between two of them.
COMMANDS_PER_TRANSACTION = 50

#: The client's opt-in to ``code`` and ``params`` in results (``contract.RESULTS_HEADER``).
ResultsWanted = Annotated[
    str | None,
    Header(
        alias=contract.RESULTS_HEADER,
        max_length=200,
        description=f"a comma-separated list; '{contract.RESULTS_WITH_CODES}': put code and params in each "
        "result (a tablet from before them refuses unknown fields, so they are left out without it); "
        f"'{contract.RESULTS_WITH_PICKUP_ORDERS}' is for answers with orders",
    ),
]

router = APIRouter(prefix=contract.API_PREFIX, tags=["commands"], responses=PROBLEM_RESPONSES)


@router.post("/commands", response_model=contract.CommandBatchResult)
def commands(
    body: contract.ReceivedCommandBatch,
    request: Request,
    credentials: Credentials,
    staff_token: StaffToken,
    results_wanted: ResultsWanted = None,
) -> Response:
    """Each result is applied, duplicate (a retry: the first outcome), conflict (with the facts
    found) or rejected; a conflict or a rejection has the reason in English and, for a client that
    sends ``X-StoreAssist-Results: codes``, a ``code`` and its ``params`` (without that header the
    results have only the fields the release before codes reads). Commands are committed in order,
    a chunk of them per transaction, all before the answer; a retry after a failure part-way is
    answered duplicate for the chunks already committed.

    The fields every command has are checked for the whole batch (422); each command's type and
    payload are checked on their own, so one the contract refuses, or of a type this hub does not
    know, is one rejected result and the others are applied.

    Sending needs a staff session on the device; each command still names who issued it (an
    outbox may hold commands of several people), and that person must work at this store."""
    db = database(request)
    with db.reading() as session:
        staff = staff_caller(session, credentials, staff_token)
    counter: CounterFirst = request.app.state.counter_first
    results: list[contract.CommandResult] = []
    commands = body.commands
    for start in range(0, len(commands), COMMANDS_PER_TRANSACTION):
        chunk = commands[start : start + COMMANDS_PER_TRANSACTION]
        with db.writing(durable=True) as session:
            results += apply_batch(
                session, staff.device, chunk, between=counter.step_aside, signed_in=staff.staff_id
            ).results
            if start == 0:
                touch(session, staff)
    answer = contract.CommandBatchResult(results=results)
    codes = contract.wants_result_codes(results_wanted)
    return Response(answer.wire_json(codes=codes), media_type="application/json")
