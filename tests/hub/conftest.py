"""Fixtures for the hub API tests: an enrolled device's HTTP client against a real hub on loopback."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest


def enroll(hub: Any, store_id: int | None = None) -> httpx.Client:
    """A client carrying a freshly enrolled device's credential."""
    code = hub.enroll_code(store_id)
    answer = httpx.post(f"{hub.url}/v1/devices/enroll", json={"code": code, "device_name": "test tablet"})
    assert answer.status_code == 200, answer.text
    credential = answer.json()["credential"]
    return httpx.Client(base_url=hub.url, headers={"Authorization": f"Bearer {credential}"}, timeout=30)


@pytest.fixture(scope="module")
def device(hub_server: Any) -> Iterator[httpx.Client]:
    """An enrolled tablet at the demo store, on the session's shared hub (read-mostly tests)."""
    with enroll(hub_server) as client:
        yield client


@pytest.fixture
def own_hub_device(hub_server_fn: Any) -> Iterator[tuple[Any, httpx.Client]]:
    """A hub of this test's own (free to change its data) and an enrolled device on it."""
    with enroll(hub_server_fn) as client:
        yield hub_server_fn, client


def _command(
    kind: str,
    payload: dict[str, Any],
    *,
    store_id: int = 1,
    command_id: str | None = None,
    staff_id: int | None = None,
) -> dict[str, Any]:
    return {
        "id": command_id or str(uuid.uuid4()),
        "type": kind,
        "issued_at": datetime(2025, 1, 1, tzinfo=UTC).isoformat(),
        "store_id": store_id,
        "staff_id": staff_id,
        "payload": payload,
    }


def _query_db(db_path: Any, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Read the hub's SQLite file directly (to check what was, or was not, written)."""
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


def _assert_problem(answer: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """An RFC 9457 problem body with the expected status (and code), and no stack trace."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert set(body) <= {"type", "title", "status", "detail", "code"}
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    assert "Traceback" not in answer.text and 'File "' not in answer.text
    return body


@pytest.fixture(scope="session")
def make_command() -> Any:
    """``make_command(type, payload, store_id=1, command_id=None, staff_id=None)`` → a command dict."""
    return _command


@pytest.fixture(scope="session")
def query_db() -> Any:
    """``query_db(db_path, sql, *params)`` → rows, read straight from the hub's SQLite file."""
    return _query_db


@pytest.fixture(scope="session")
def assert_problem() -> Any:
    """``assert_problem(response, status, code=None)`` → the problem body, checked."""
    return _assert_problem
