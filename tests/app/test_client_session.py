"""The client's staff session: only the session a refused call carried is lost.

A scripted transport stands in for the hub so that a late answer can be made to arrive after a
new sign-in, which a real network only does by chance (it did, once, in a full test run: a sync
round sent before anyone signed in was refused just after the sign-in, and signed the new person
out). What the hub answers on purpose is tested against the real hub elsewhere.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from storeassist.client import HubClient, StaffSessionRequired
from storeassist.contract import StaffSignInRequest

pytestmark = pytest.mark.anyio

ENDED = {"title": "Unauthorized", "status": 401, "code": "staff_session_ended", "detail": "Sign in first."}


def _session(token: str) -> dict[str, object]:
    return {
        "staff_id": 3,
        "name": "Test Associate",
        "role": "associate",
        "store_id": 1,
        "session_token": token,
        "idle_minutes": 15,
        "expires_at": (datetime.now(UTC) + timedelta(hours=12)).isoformat(),
    }


async def test_a_late_refusal_of_an_older_call_does_not_sign_out_whoever_signed_in_since() -> None:
    release = asyncio.Event()
    tokens = iter(["A" * 43, "B" * 43])
    lost: list[bool] = []

    async def hub(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/staff/sign-in":
            return httpx.Response(200, json=_session(next(tokens)))
        await release.wait()  # the old call's answer arrives late
        return httpx.Response(401, json=ENDED)

    async with HubClient("http://hub", "cred", transport=httpx.MockTransport(hub), max_attempts=1) as client:
        client.add_staff_session_listener(lambda: lost.append(True))
        await client.staff_sign_in(StaffSignInRequest(staff_number="S0003", pin="1003"))  # session A
        old_call = asyncio.ensure_future(client.pickups(1))  # carries session A
        await asyncio.sleep(0)  # let it reach the transport
        await client.staff_sign_in(StaffSignInRequest(staff_number="S0004", pin="1004"))  # session B
        release.set()
        with pytest.raises(StaffSessionRequired):
            await old_call

        assert lost == [], "session A's refusal says nothing about session B"
        assert client.has_staff_session

        # B itself refused: now the listener hears it, and the client stops sending B.
        with pytest.raises(StaffSessionRequired):
            await client.pickups(1)
        assert lost == [True] and not client.has_staff_session


async def test_a_refusal_of_a_call_that_carried_no_session_signs_nobody_out() -> None:
    lost: list[bool] = []

    async def hub(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={**ENDED, "code": "staff_session_required"})

    async with HubClient("http://hub", "cred", transport=httpx.MockTransport(hub), max_attempts=1) as client:
        client.add_staff_session_listener(lambda: lost.append(True))
        with pytest.raises(StaffSessionRequired):
            await client.pickups(1)
    assert lost == []


async def test_a_sign_out_that_lands_after_the_next_sign_in_keeps_the_new_session() -> None:
    release = asyncio.Event()
    tokens = iter(["A" * 43, "B" * 43])

    async def hub(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/staff/sign-in":
            return httpx.Response(200, json=_session(next(tokens)))
        if request.url.path == "/v1/staff/sign-out":
            await release.wait()  # slow Wi-Fi: the sign-out of A lands late
            return httpx.Response(401, json=ENDED)
        return httpx.Response(200, json={"store_id": 1, "as_of": datetime.now(UTC).isoformat(), "orders": []})

    async with HubClient("http://hub", "cred", transport=httpx.MockTransport(hub), max_attempts=1) as client:
        await client.staff_sign_in(StaffSignInRequest(staff_number="S0003", pin="1003"))
        signing_out = asyncio.ensure_future(client.staff_sign_out())
        await asyncio.sleep(0)
        await client.staff_sign_in(StaffSignInRequest(staff_number="S0004", pin="1004"))
        release.set()
        with pytest.raises(StaffSessionRequired):
            await signing_out
        assert client.has_staff_session, "B's session survives A's late sign-out"
