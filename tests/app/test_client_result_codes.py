"""The app asks for codes in command results (and, on every request, for the pickup fields of
orders); a hub leaves them out for tablets that do not ask.

A hub is upgraded before its tablets, and a tablet of the release before codes refuses unknown
fields, so ``code`` and ``params`` come only to a client that sends ``X-StoreAssist-Results:
codes`` (the hub's side: ``tests/hub/test_api_commands.py``). A scripted transport stands in for
the hub here, to see what the client sends; ``test_sync_hub.py`` reads codes from the real one.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from storeassist.client import HubClient
from storeassist.contract import (
    RESULTS_HEADER,
    RESULTS_THIS_APP_READS,
    RESULTS_WITH_CODES,
    CommandBatch,
    StaffSignInRequest,
    wants_pickup_orders,
    wants_result_codes,
)
from storeassist.contract.devices import STAFF_SESSION_HEADER

pytestmark = pytest.mark.anyio

SESSION = {
    "staff_id": 3,
    "name": "Test Associate",
    "role": "associate",
    "store_id": 1,
    "session_token": "S" * 43,
    "idle_minutes": 15,
    "expires_at": "2099-01-01T00:00:00Z",
}


def _hub(seen: list[httpx.Request]) -> httpx.MockTransport:
    """Answers as a hub of this release would: codes for a client that asks, none otherwise."""

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/v1/staff/sign-in":
            return httpx.Response(200, json=SESSION)
        if request.url.path == "/v1/stores":
            return httpx.Response(200, json=[])
        commands: list[dict[str, Any]] = json.loads(request.content)["commands"]
        result: dict[str, Any] = {"id": commands[0]["id"], "status": "rejected", "reason": "No such store."}
        if wants_result_codes(request.headers.get(RESULTS_HEADER)):
            result |= {"code": "wrong_store", "params": {"store_id": 2, "device_store_id": 1}}
        return httpx.Response(200, json={"results": [result]})

    return httpx.MockTransport(handle)


async def test_pushing_commands_asks_for_codes_and_reads_them(make_command: Any) -> None:
    seen: list[httpx.Request] = []
    async with HubClient("http://hub", "cred", transport=_hub(seen), max_attempts=1) as client:
        await client.staff_sign_in(StaffSignInRequest(staff_number="S0003", pin="1003"))
        answer = await client.push_commands(CommandBatch(commands=[make_command()]))
        await client.stores()

    pushed = next(r for r in seen if r.url.path == "/v1/commands")
    assert wants_result_codes(pushed.headers[RESULTS_HEADER]) and RESULTS_WITH_CODES == "codes"
    assert pushed.headers["Authorization"] == "Bearer cred"  # still sent beside it
    assert pushed.headers[STAFF_SESSION_HEADER] == SESSION["session_token"]
    (result,) = answer.results
    assert (result.code, result.params) == ("wrong_store", {"store_id": 2, "device_store_id": 1})
    # Every request says the same: what this release reads (codes, and orders' pickup fields).
    assert {r.headers.get(RESULTS_HEADER) for r in seen} == {RESULTS_THIS_APP_READS}
    assert wants_pickup_orders(RESULTS_THIS_APP_READS) and wants_result_codes(RESULTS_THIS_APP_READS)


async def test_results_from_a_hub_of_the_release_before_codes_still_read(make_command: Any) -> None:
    """Upgraded tablets may meet a hub not yet upgraded: it ignores the header and sends no codes."""

    def old_hub(request: httpx.Request) -> httpx.Response:
        command_id = json.loads(request.content)["commands"][0]["id"]
        return httpx.Response(
            200, json={"results": [{"id": command_id, "status": "conflict", "reason": "Short."}]}
        )

    transport = httpx.MockTransport(old_hub)
    async with HubClient("http://hub", "cred", transport=transport, max_attempts=1) as client:
        answer = await client.push_commands(CommandBatch(commands=[make_command()]))
    (result,) = answer.results
    assert (result.status, result.code, result.params, result.reason) == ("conflict", None, {}, "Short.")
