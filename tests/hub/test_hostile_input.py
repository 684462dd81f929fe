"""Input made to break the hub gets a 4xx problem body and keeps the connection: numbers past any
column, booleans and strings for ids, payloads nested hundreds deep, forged cursors. Never a 500.

Every integer generated here is out of range for what it is sent as, so no command is ever
applied: these tests share the session's hub with others.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storeassist.hub.api.body_limit import MAX_BODY_DEPTH, nested_deeper_than
from storeassist.hub.api.problems import install_problem_handlers

EXAMPLES = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

#: Numbers no id, page, quantity or store may be, and things that are not numbers at all. (A whole
#: JSON number like 3.0 is the integer 3, so only fractions and whole numbers out of range here.)
_bad_numbers = st.one_of(
    st.integers(min_value=2**31, max_value=2**64),
    st.integers(min_value=2**64),
    st.integers(max_value=-1),
    st.booleans(),
    st.floats().filter(lambda number: not number.is_integer()),
    st.sampled_from([2.0**31, 1e300, -1.0, float("inf")]),
    st.sampled_from(["12", "1e400", "9" * 40, "-0", "0x10", " 1", "１"]),
)
#: The same, written into a URL (where every number is text, so "12" is a number).
_bad_in_url = _bad_numbers.map(lambda value: json.dumps(value) if not isinstance(value, str) else value)


def _assert_client_error(answer: httpx.Response) -> None:
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.text
    assert answer.json()["code"]


def _assert_no_server_error(answer: httpx.Response) -> None:
    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        _assert_client_error(answer)


def _post(device: httpx.Client, route: str, body: Any) -> httpx.Response:
    """POST ``body`` as JSON, NaN and Infinity included (Python's JSON writes them; httpx's refuses)."""
    return device.post(route, content=json.dumps(body), headers={"content-type": "application/json"})


def _note(**fields: Any) -> dict[str, Any]:
    command = {
        "id": str(uuid.uuid4()),
        "type": "note.add",
        "issued_at": datetime.now(UTC).isoformat(),
        "store_id": 1,
        "staff_id": None,
        "payload": {"customer_id": 1, "text": "hostile"},
    }
    return {**command, **fields}


@given(value=_bad_in_url)
@EXAMPLES
def test_bad_numbers_in_paths_are_client_errors(device: httpx.Client, value: str) -> None:
    for path in (
        f"/v1/customers/{value}/profile",
        f"/v1/customers/{value}/recommendations",
        f"/v1/stores/{value}/pickups",
        f"/v1/stores/{value}/changes",
        f"/v1/orders/{value}",
    ):
        _assert_no_server_error(device.get(path))


@given(value=_bad_in_url)
@EXAMPLES
def test_bad_numbers_in_queries_are_client_errors(device: httpx.Client, value: str) -> None:
    for path, params in (
        ("/v1/customers", {"q": "an", "page": value}),
        ("/v1/customers/1/profile", {"store_id": value}),
        ("/v1/customers/1/profile", {"staff_id": value}),
        ("/v1/customers/1/recommendations", {"limit": value}),
        ("/v1/stock/4000000000013", {"store_id": value}),
        ("/v1/products", {"page": value}),
        ("/v1/stores/1/changes", {"limit": value}),
    ):
        _assert_no_server_error(device.get(path, params=params))


@given(value=_bad_numbers)
@EXAMPLES
def test_bad_numbers_in_bodies_are_client_errors(device: httpx.Client, value: Any) -> None:
    for route in ("/v1/customers/resolve", "/v1/orders/resolve"):
        for field in ("store_id", "staff_id"):
            _assert_client_error(_post(device, route, {"token": "SA1.AAAA", field: value}))
    for field in ("store_id", "staff_id"):
        _assert_client_error(_post(device, "/v1/commands", {"commands": [_note(**{field: value})]}))


#: A hand-over's collector check and confirmation, so only the value under test is wrong.
_CHECKED = {
    "verification": {"method": "photo_id", "document_type": "passport", "document_last": "0042"},
    "confirmed_name": "A. Shopper",
}


@given(value=_bad_numbers)
@EXAMPLES
def test_bad_numbers_in_command_payloads_are_never_applied(device: httpx.Client, value: Any) -> None:
    payloads = [
        ("note.add", {"customer_id": value, "text": "hostile"}),
        ("hold.place", {"customer_id": 1, "sku": "X", "qty": value}),
        ("hold.place", {"customer_id": 1, "sku": "X", "qty": 1, "hours": value}),
        ("pickup.collect", {"order_id": value, "lines": {"1": {"handed": 1}}, **_CHECKED}),
        ("pickup.collect", {"order_id": 1, "lines": {"1": {"handed": value}}, **_CHECKED}),
        ("pickup.collect", {"order_id": 1, "lines": {json.dumps(value): {"handed": 1}}, **_CHECKED}),
        ("pickup.restock", {"order_id": value}),
        ("profile.view", {"customer_id": value, "source": "cache", "viewed_at": "2026-01-01T00:00:00Z"}),
    ]
    batch = {"commands": [_note(type=kind, payload=payload) for kind, payload in payloads]}
    answer = _post(device, "/v1/commands", batch)
    _assert_no_server_error(answer)
    if answer.status_code == 200:
        assert {r["status"] for r in answer.json()["results"]} == {"rejected"}


def _nested(depth: int) -> str:
    """A JSON object ``depth`` levels deep, as text (Python's JSON writer recurses, too)."""
    return '{"a":' * (depth - 1) + "{}" + "}" * (depth - 1)


def _batch_with_payload(payload: str) -> str:
    """A command batch of one note whose payload is the JSON text ``payload``."""
    return json.dumps({"commands": [_note(payload="PAYLOAD")]}).replace('"PAYLOAD"', payload)


@pytest.mark.parametrize("depth", [9, 20, 256, 5000])
def test_a_payload_nested_deep_is_refused_before_anything_walks_it(
    device: httpx.Client, depth: int, assert_problem: Any
) -> None:
    body = _batch_with_payload('{"customer_id": 1, "text": "x", "extra": ' + _nested(depth) + "}")
    answer = device.post("/v1/commands", content=body, headers={"content-type": "application/json"})
    # Within the body's depth the command is rejected with the reason; past it, the body is
    # refused unread.
    envelope = 4  # {commands: [ {payload: {
    if depth + envelope > MAX_BODY_DEPTH:
        assert_problem(answer, 400, "body_too_deep")
    else:
        assert answer.status_code == 200, answer.text
        [result] = answer.json()["results"]
        assert result["status"] == "rejected" and "nested more than 8 levels" in result["reason"]


def test_a_payload_too_big_is_rejected_and_its_id_stays_free(device: httpx.Client) -> None:
    too_many = _note(payload={"customer_id": 1, "text": "x", "extra": list(range(600))})
    too_long = _note(payload={"customer_id": 1, "text": "x", "extra": ["y" * 1000] * 9})
    too_large = _note(payload={"customer_id": 1, "text": "x", "extra": 2**70})
    answer = _post(device, "/v1/commands", {"commands": [too_many, too_long, too_large]})
    assert answer.status_code == 200, answer.text
    reasons = [r["reason"] for r in answer.json()["results"] if r["status"] == "rejected"]
    assert len(reasons) == 3
    assert "600" not in reasons[0] and "values" in reasons[0]
    assert "characters" in reasons[1] and "out of range" in reasons[2]


def test_a_body_of_brackets_or_of_huge_numbers_is_a_client_error(device: httpx.Client) -> None:
    headers = {"content-type": "application/json"}
    for body in (
        b"[" * 500_000,
        b'{"commands": [' + b"[{" * 1000 + b"]}",
        b'{"token": "SA1.A", "store_id": ' + b"9" * 5000 + b"}",
        b'{"token": "SA1.A", "store_id": 1e400}',
        b'{"token": "SA1.A", "store_id": NaN}',
    ):
        for route in ("/v1/commands", "/v1/customers/resolve"):
            _assert_client_error(device.post(route, content=body, headers=headers))


def test_brackets_inside_strings_are_text_not_nesting() -> None:
    assert not nested_deeper_than(json.dumps({"text": "[" * 100 + '\\"{' * 50}).encode(), 32)
    assert not nested_deeper_than(b'["\\\\"]', 1)  # an escaped backslash ends the string
    assert nested_deeper_than(b'["\\\\", [[', 2)
    assert not nested_deeper_than(b'["\\"[[["]', 1)  # an escaped quote does not
    assert not nested_deeper_than(b"[" * 32 + b"]" * 32, 32)
    assert nested_deeper_than(b"[{" * 16 + b"[", 32)
    assert not nested_deeper_than(b"", 32)


@pytest.fixture
def raw_connection(device: httpx.Client) -> Iterator[tuple[http.client.HTTPConnection, dict[str, str]]]:
    """One keep-alive connection to the hub, and the device's headers for it."""
    url = urlsplit(str(device.base_url))
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    yield connection, {key: value for key, value in device.headers.items() if key.lower() != "host"}
    connection.close()


def _forged_cursor() -> str:
    import base64

    raw = json.dumps({"st": 1, "p": "log", "k": None, "s": 0}).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_refused_request_keeps_the_connection_open(
    raw_connection: tuple[http.client.HTTPConnection, dict[str, str]],
) -> None:
    connection, headers = raw_connection
    json_headers = {**headers, "Content-Type": "application/json"}
    hostile = [
        ("GET", f"/v1/stores/1/changes?cursor={_forged_cursor()}", None, headers),
        ("GET", f"/v1/customers/{2**70}/profile", None, headers),
        ("POST", "/v1/customers/resolve", json.dumps({"token": "SA1.A", "store_id": 2**70}), json_headers),
        ("POST", "/v1/commands", json.dumps({"commands": [_note(store_id=2**70)]}), json_headers),
        ("POST", "/v1/commands", _batch_with_payload(_nested(256)), json_headers),
        ("POST", "/v1/commands", "[" * 100_000, json_headers),
        ("POST", "/v1/customers/resolve", '{"token": "SA1.A", "store_id": ' + "9" * 5000 + "}", json_headers),
    ]
    connection.connect()
    first_socket = connection.sock
    for method, path, body, request_headers in hostile:
        connection.request(method, path, body=body, headers=request_headers)
        answer = connection.getresponse()
        answer.read()
        assert 400 <= answer.status < 500, (path, answer.status)
        assert not answer.will_close, path
        # The same socket answers the next request: the server did not hang up on a client error.
        connection.request("GET", "/v1/health", headers=headers)
        health = connection.getresponse()
        health.read()
        assert health.status == 200 and connection.sock is first_socket, path


def test_overflow_and_recursion_from_input_are_400_problems() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/overflow")
    def overflow() -> None:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    @app.get("/recursion")
    def recursion() -> None:
        raise RecursionError("maximum recursion depth exceeded")

    async def ask(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            return await client.get(path)

    for path, code in (("/overflow", "number_out_of_range"), ("/recursion", "input_too_deep")):
        answer = asyncio.run(ask(path))
        assert answer.status_code == 400 and answer.json()["code"] == code
        assert "SQLite" not in answer.text and "recursion depth" not in answer.text
