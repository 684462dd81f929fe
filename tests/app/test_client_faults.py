"""Network faults become typed errors a person can read; only calls safe to repeat are retried.

The fake transports here stand in for the network only (refused connections, timeouts, 5xx);
everything the hub answers on purpose is tested against the real hub in ``test_client_hub.py``.
"""

from __future__ import annotations

import logging

import httpx
import pytest

from storeassist.client import (
    DeviceRevoked,
    HubAuthError,
    HubClient,
    HubServerError,
    HubTimeout,
    HubUnreachable,
)
from storeassist.contract import EnrollRequest, StaffSignInRequest

pytestmark = pytest.mark.anyio


class Delays:
    """Records the backoff the client asks for instead of sleeping."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


def _faulty(fault: Exception | int, calls: list[httpx.Request], *, then_ok: dict | None = None):
    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if then_ok is not None and len(calls) > 1:
            return httpx.Response(200, json=then_ok)
        if isinstance(fault, int):
            return httpx.Response(fault, text="upstream down")
        raise fault

    return httpx.MockTransport(handle)


async def test_a_hub_nobody_answers_for_is_unreachable_after_backing_off(refused_url):
    delays = Delays()
    async with HubClient(refused_url, "cred", sleep=delays, jitter=lambda: 1.0) as client:
        with pytest.raises(HubUnreachable) as raised:
            await client.stores()

    assert "keep working" in raised.value.user_message
    assert delays.asked == [0.25, 0.5]  # exponential, full jitter at its ceiling


async def test_once_the_hub_is_known_unreachable_the_next_call_fails_fast_until_it_answers():
    calls: list[httpx.Request] = []
    hub_up = {"now": False}

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if not hub_up["now"]:
            raise httpx.ConnectError("refused")
        return httpx.Response(200, json={"status": "ok", "schema": "0002"})

    delays = Delays()
    transport = httpx.MockTransport(handle)
    async with HubClient(
        "http://hub", "cred", transport=transport, sleep=delays, jitter=lambda: 1.0
    ) as client:
        with pytest.raises(HubUnreachable):
            await client.health()
        assert len(calls) == 3  # retried with backoff the first time
        with pytest.raises(HubUnreachable):
            await client.health()
        assert len(calls) == 4  # then tried once: an offline associate gets the cached answer at once
        hub_up["now"] = True
        assert (await client.health())["status"] == "ok"
        hub_up["now"] = False
        with pytest.raises(HubUnreachable):
            await client.health()
        assert len(calls) == 8  # an answer restored the retries
    assert delays.asked == [0.25, 0.5, 0.25, 0.5]


async def test_backoff_is_jittered_and_capped(refused_url):
    delays = Delays()
    client = HubClient(
        refused_url,
        "cred",
        sleep=delays,
        jitter=lambda: 0.5,
        max_attempts=6,
        backoff_base_s=1,
        backoff_cap_s=4,
    )
    async with client:
        with pytest.raises(HubUnreachable):
            await client.health()
    assert delays.asked == [0.5, 1.0, 2.0, 2.0, 2.0]


async def test_a_read_timeout_on_a_lookup_is_retried_then_reported_as_slow():
    calls: list[httpx.Request] = []
    transport = _faulty(httpx.ReadTimeout("slow"), calls)
    async with HubClient("http://hub", "cred", transport=transport, sleep=Delays()) as client:
        with pytest.raises(HubTimeout) as raised:
            await client.customer_profile(7, store_id=1)
    assert len(calls) == 3
    assert "taking too long" in raised.value.user_message


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda c: c.enroll(EnrollRequest(code="ABCD-1234", device_name="Till 1")), "/v1/devices/enroll"),
        (
            lambda c: c.staff_sign_in(StaffSignInRequest(staff_number="S1234", pin="1234")),
            "/v1/staff/sign-in",
        ),
    ],
)
async def test_calls_that_are_not_safe_to_repeat_are_tried_once(call, path):
    calls: list[httpx.Request] = []
    transport = _faulty(httpx.ReadTimeout("slow"), calls)
    async with HubClient("http://hub", "cred", transport=transport, sleep=Delays()) as client:
        with pytest.raises(HubTimeout):
            await call(client)
    assert [r.url.path for r in calls] == [path]


async def test_pushing_commands_is_retried_because_the_hub_deduplicates_them(make_command):
    from storeassist.contract import CommandBatch

    calls: list[httpx.Request] = []
    transport = _faulty(httpx.ConnectError("refused"), calls)
    async with HubClient("http://hub", "cred", transport=transport, sleep=Delays()) as client:
        with pytest.raises(HubUnreachable):
            await client.push_commands(CommandBatch(commands=[make_command()]))
    assert len(calls) == 3
    assert len({r.content for r in calls}) == 1  # the very same batch, same ids, each time


async def test_a_5xx_is_a_server_error_and_a_lookup_recovers_when_the_hub_does():
    calls: list[httpx.Request] = []
    transport = _faulty(503, calls, then_ok={"status": "ok", "schema": "0001"})
    async with HubClient("http://hub", "cred", transport=transport, sleep=Delays()) as client:
        assert await client.health() == {"status": "ok", "schema": "0001"}
    assert len(calls) == 2

    calls.clear()
    transport = _faulty(502, calls)
    async with HubClient("http://hub", "cred", transport=transport, sleep=Delays(), max_attempts=2) as client:
        with pytest.raises(HubServerError) as raised:
            await client.products("shoe")
    assert raised.value.status == 502
    assert len(calls) == 2


async def test_a_device_without_a_credential_is_told_to_enrol_without_calling_the_hub():
    calls: list[httpx.Request] = []
    transport = _faulty(500, calls)
    async with HubClient("http://hub", lambda: None, transport=transport) as client:
        with pytest.raises(HubAuthError) as raised:
            await client.pickups(1)
    assert calls == []
    assert "not enrolled" in raised.value.user_message


def _revoked(body: dict) -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda _request: httpx.Response(
            401, json={"title": "Unauthorized", "status": 401, "code": "device_revoked", **body}
        )
    )


def _detail(why: str = "") -> str:
    """The hub's detail of a revoked device, with IT's reason in brackets when there is one."""
    bracketed = f" ({why})" if why else ""
    return f"This device was revoked at the back office{bracketed}. Ask a manager to enroll it again."


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        # This hub: IT's reason as a field, whole, though the detail's brackets would cut it short.
        (
            {"detail": _detail('Lost ("till 3"). Call IT'), "params": {"reason": 'Lost ("till 3"). Call IT'}},
            'Lost ("till 3"). Call IT',
        ),
        ({"detail": _detail("Lost at till 3")}, "Lost at till 3"),  # an older hub: the detail only
        ({"detail": _detail()}, None),  # no reason given, by either hub
        ({"detail": _detail("Stolen"), "params": {"reason": "  "}}, "Stolen"),  # a blank field is none
    ],
)
async def test_a_revoked_device_reads_its_reason_from_the_field_or_else_from_an_older_hubs_detail(
    body, reason
):
    async with HubClient("http://hub", "cred", transport=_revoked(body)) as client:
        with pytest.raises(DeviceRevoked) as raised:
            await client.stores()
    assert raised.value.reason == reason


async def test_the_credential_is_read_each_call_so_a_new_one_applies_at_once():
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        raise httpx.ConnectError("refused")

    current = {"value": "first"}
    client = HubClient(
        "http://hub", lambda: current["value"], transport=httpx.MockTransport(handle), max_attempts=1
    )
    async with client:
        for value in ("first", "second"):
            current["value"] = value
            with pytest.raises(HubUnreachable):
                await client.stores()
    assert seen == ["Bearer first", "Bearer second"]


async def test_logs_name_the_route_never_the_customer_or_the_credential(caplog, refused_url):
    caplog.set_level(logging.DEBUG, logger="storeassist.client")
    async with HubClient(refused_url, "s3cret-credential", sleep=Delays()) as client:
        with pytest.raises(HubUnreachable):
            await client.search_customers("+44 7700 900123")
        with pytest.raises(HubUnreachable):
            await client.customer_profile(424242, store_id=1)
    assert "/v1/customers?q" in caplog.text
    for secret in ("7700", "424242", "s3cret"):
        assert secret not in caplog.text


async def test_every_call_tells_listeners_whether_the_hub_answered():
    calls: list[httpx.Request] = []
    heard: list[bool] = []
    transport = _faulty(httpx.ConnectError("refused"), calls, then_ok={"status": "ok", "schema": "x"})
    async with HubClient("http://hub.invalid", "cred", transport=transport, max_attempts=1) as client:
        client.add_reachability_listener(heard.append)
        with pytest.raises(HubUnreachable):
            await client.health()
        await client.health()  # the second request is answered

    assert heard == [False, True]


async def test_a_broken_reachability_listener_does_not_break_the_call():
    def broken(_reachable: bool) -> None:
        raise RuntimeError("listener bug")

    transport = httpx.MockTransport(lambda _request: httpx.Response(200, json={"status": "ok"}))
    async with HubClient("http://hub.invalid", "cred", transport=transport) as client:
        client.add_reachability_listener(broken)
        assert (await client.health())["status"] == "ok"
