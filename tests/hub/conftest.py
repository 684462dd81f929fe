"""Fixtures for the hub API tests: an enrolled device's HTTP client against a real hub on loopback.

With ``STOREASSIST_TEST_PG`` set to a scratch PostgreSQL database's URL, every hub fixture here
(``hub_seed_db``, ``hub_server``, ``hub_server_fn``, ``seeded_db_url``, ``empty_db_url``) is served
from PostgreSQL instead, so the same tests check both backends; tests marked ``sqlite_only`` test
SQLite itself and are skipped then.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

#: Set: the hub tests run on PostgreSQL (a scratch database's URL; see the README).
TEST_PG_URL = os.environ.get("STOREASSIST_TEST_PG") or None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): tests SQLite itself; skipped when STOREASSIST_TEST_PG is set"
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("sqlite_only")
    if TEST_PG_URL and marker is not None:
        reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "tests SQLite itself")
        pytest.skip(f"SQLite only: {reason}")


if TEST_PG_URL:

    @pytest.fixture(scope="session")
    def hub_seed_db(pg_hub_seed_db: Any) -> Any:
        return pg_hub_seed_db

    @pytest.fixture(scope="session")
    def hub_server(pg_hub_server: Any) -> Any:
        return pg_hub_server

    @pytest.fixture
    def hub_server_fn(pg_hub_server_fn: Any) -> Any:
        return pg_hub_server_fn

    @pytest.fixture
    def seeded_db_url(pg_seeded_db_url: str) -> str:
        return pg_seeded_db_url

    @pytest.fixture
    def empty_db_url(pg_empty_db_url: str) -> str:
        return pg_empty_db_url

else:

    @pytest.fixture
    def empty_db_url(tmp_path: Path) -> str:
        """A database that does not exist yet (a SQLite path; on PostgreSQL a new empty database)."""
        return str(tmp_path / "hub.sqlite")


def enroll(
    hub: Any, store_id: int | None = None, *, role: str | None = "manager", device_name: str = "test tablet"
) -> httpx.Client:
    """A client carrying a freshly enrolled device's credential and, unless ``role`` is None, the
    staff session of the first staff member with that role at the device's store. It sends no
    ``X-StoreAssist-Results``: a test that reads orders' pickup fields or result codes asks per
    request, as the app does (``contract.RESULTS_THIS_APP_READS``)."""
    code = hub.enroll_code(store_id)
    answer = httpx.post(f"{hub.url}/v1/devices/enroll", json={"code": code, "device_name": device_name})
    assert answer.status_code == 200, answer.text
    credential = answer.json()["credential"]
    client = httpx.Client(base_url=hub.url, headers={"Authorization": f"Bearer {credential}"}, timeout=30)
    if role is not None:
        sign_in(client, hub, store_id or hub.store_id, role)
    return client


def sign_in(client: httpx.Client, hub: Any, store_id: int, role: str) -> dict[str, Any]:
    """Sign the first ``role`` of ``store_id`` in on ``client`` (staff number and PIN); its later
    requests carry the session. Answers the hub's StaffSession body."""
    from storeassist.hub.seed.catalog import demo_pin

    rows = _query_db(
        hub.db_url,
        "SELECT id, staff_number FROM staff WHERE store_id = ? AND role = ? ORDER BY id LIMIT 1",
        store_id,
        role,
    )
    assert rows, f"no {role} at store {store_id}"
    staff_id, number = rows[0]
    # A one-off request, so the client itself stays unopened for the caller's ``with``.
    answer = httpx.post(
        f"{hub.url}/v1/staff/sign-in",
        json={"staff_number": number, "pin": demo_pin(staff_id)},
        headers={"Authorization": client.headers["Authorization"]},
    )
    assert answer.status_code == 200, answer.text
    session = answer.json()
    client.headers["X-Staff-Session"] = session["session_token"]
    return dict(session)


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
        "issued_at": datetime.now(UTC).isoformat(),
        "store_id": store_id,
        "staff_id": staff_id,
        "payload": payload,
    }


def _query_db(db: str | Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run ``sql`` (``?`` placeholders) on the hub's database directly, by URL or SQLite path, to
    check what was, or was not, written; a write commits."""
    target = str(db)
    if target.startswith(("postgresql:", "postgres:", "postgresql+psycopg:")):
        import psycopg

        conninfo = "postgresql:" + target.split(":", 1)[1]
        with psycopg.connect(conninfo, autocommit=True) as conn:
            cursor = conn.execute(sql.replace("%", "%%").replace("?", "%s"), params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []
    with sqlite3.connect(target.removeprefix("sqlite:///")) as conn:
        return conn.execute(sql, params).fetchall()


def _assert_problem(answer: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """An RFC 9457 problem body with the expected status (and code), and no stack trace; its
    only extension member is ``params`` (``contract.KioskProblem``)."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert set(body) <= {"type", "title", "status", "detail", "code", "params"}
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    assert "Traceback" not in answer.text and 'File "' not in answer.text
    return body


@pytest.fixture(scope="session")
def enroll_device() -> Any:
    """``enroll_device(hub, store_id=None, role="manager", device_name="test tablet")`` → an
    enrolled (and signed-in) client."""
    return enroll


@pytest.fixture(scope="session")
def sign_in_staff() -> Any:
    """``sign_in_staff(client, hub, store_id, role)`` → the StaffSession body; signs the first
    ``role`` of the store in on ``client`` (``hub`` needs only ``url`` and ``db_url``)."""
    return sign_in


@pytest.fixture(scope="session")
def make_command() -> Any:
    """``make_command(type, payload, store_id=1, command_id=None, staff_id=None)`` → a command dict."""
    return _command


@pytest.fixture(scope="session")
def query_db() -> Any:
    """``query_db(hub.db_url, sql, *params)`` → rows, read straight from the hub's database."""
    return _query_db


@pytest.fixture(scope="session")
def assert_problem() -> Any:
    """``assert_problem(response, status, code=None)`` → the problem body, checked."""
    return _assert_problem


class PickupKit:
    """Pickup orders of store 1 to hand over in a test, and the commands that do it."""

    #: A collector checked by photo ID (type and last characters only) who typed their name.
    PHOTO_ID: ClassVar[dict[str, str]] = {
        "method": "photo_id",
        "document_type": "driving_licence",
        "document_last": "K7",
    }

    def ready_order(self, hub: Any, *, skip: tuple[int, ...] = (), lines: int = 1) -> dict[str, Any]:
        """A ready, paid, unlocked pickup at store 1 with at least ``lines`` lines and no proxy:
        ``{"id", "number", "customer_id", "lines": [{"line_no", "product_id", "qty", "price", "sku",
        "style"}]}``."""
        rows = _query_db(
            hub.db_url,
            "SELECT o.id, o.number, o.customer_id FROM orders o WHERE o.store_id = 1 "
            "AND o.pickup_state = 'ready' AND o.payment_state = 'paid' AND NOT o.pickup_locked "
            "AND o.proxy_name IS NULL AND o.customer_id IS NOT NULL "
            "AND (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) >= ? ORDER BY o.id DESC",
            lines,
        )
        order_id, number, customer_id = next(row for row in rows if row[0] not in skip)
        found = _query_db(
            hub.db_url,
            "SELECT l.line_no, l.product_id, l.qty, l.price_cents, p.sku, p.style FROM order_lines l "
            "JOIN products p ON p.id = l.product_id WHERE l.order_id = ? ORDER BY l.line_no",
            order_id,
        )
        keys = ("line_no", "product_id", "qty", "price", "sku", "style")
        return {
            "id": order_id,
            "number": number,
            "customer_id": customer_id,
            "lines": [dict(zip(keys, row, strict=True)) for row in found],
        }

    def collect(
        self,
        order_id: int,
        lines: dict[int, dict[str, Any]],
        *,
        verification: dict[str, Any] | None = None,
        staff_id: int | None = None,
        command_id: str | None = None,
    ) -> dict[str, Any]:
        """A ``pickup.collect`` command: line number → its action (``{"handed": 1}`` …)."""
        payload = {
            "order_id": order_id,
            "lines": {str(n): action for n, action in lines.items()},
            "verification": verification or self.PHOTO_ID,
            "confirmed_name": "A. Shopper",
        }
        return _command("pickup.collect", payload, staff_id=staff_id, command_id=command_id)

    def everything(self, order: dict[str, Any]) -> dict[int, dict[str, Any]]:
        return {line["line_no"]: {"handed": line["qty"]} for line in order["lines"]}

    def stock(self, hub: Any, product_id: int) -> tuple[int, int]:
        """(on_hand, held) of a product at store 1 ((0, 0) without a row)."""
        rows = _query_db(
            hub.db_url,
            "SELECT on_hand, held FROM inventory WHERE store_id = 1 AND product_id = ?",
            product_id,
        )
        return (rows[0][0], rows[0][1]) if rows else (0, 0)

    def staff_of(self, hub: Any, role: str) -> int:
        rows = _query_db(hub.db_url, "SELECT id FROM staff WHERE store_id = 1 AND role = ? ORDER BY id", role)
        return int(rows[0][0])

    def push(self, device: httpx.Client, *commands: dict[str, Any]) -> list[dict[str, Any]]:
        """Send commands as the app does (asking for result codes); their results."""
        from storeassist import contract

        answer = device.post(
            "/v1/commands",
            json={"commands": list(commands)},
            headers={contract.RESULTS_HEADER: contract.RESULTS_THIS_APP_READS},
        )
        assert answer.status_code == 200, answer.text
        results: list[dict[str, Any]] = answer.json()["results"]
        return results


@pytest.fixture(scope="session")
def pickups() -> PickupKit:
    return PickupKit()
