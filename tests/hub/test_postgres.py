"""The hub API on PostgreSQL: run when ``STOREASSIST_TEST_PG`` holds a URL of a scratch database
(databases of the run are created next to it and dropped). Seeds a small chain in a database of its
own, serves it on loopback, and checks the paths where PostgreSQL differs from SQLite: profile
assembly, token resolution, and concurrent retries of one command id applying once (row locks and
unique violations instead of SQLite's single writer). The rest of ``tests/hub`` runs on PostgreSQL
too under the same variable (``tests/hub/conftest.py``).
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

PG_URL = os.environ.get("STOREASSIST_TEST_PG")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="set STOREASSIST_TEST_PG to a scratch PostgreSQL URL"),
]


@pytest.fixture(scope="module")
def pg_hub(pg_databases: Any, sign_in_staff: Any) -> Iterator[tuple[str, httpx.Client]]:
    """The hub's database URL and a client as the app is: an enrolled tablet at store 1 with a
    manager signed in, asking for the optional result fields this release reads."""
    from storeassist import contract
    from storeassist.hub.admin import issue_enrollment_code
    from storeassist.hub.seed import seed_chain
    from storeassist.hub.server import start_in_thread

    db_url = pg_databases.create()
    try:
        seed_chain(db_url, stores=3, products=200, customers=300)
        hub = start_in_thread(db_url)
        try:
            code = issue_enrollment_code(db_url, 1)
            enrolled = httpx.post(f"{hub.url}/v1/devices/enroll", json={"code": code, "device_name": "pg"})
            assert enrolled.status_code == 200, enrolled.text
            headers = {
                "Authorization": f"Bearer {enrolled.json()['credential']}",
                contract.RESULTS_HEADER: contract.RESULTS_THIS_APP_READS,
            }
            with httpx.Client(base_url=hub.url, headers=headers, timeout=30) as client:
                sign_in_staff(client, SimpleNamespace(url=hub.url, db_url=db_url), 1, "manager")
                yield db_url, client
        finally:
            hub.stop()
    finally:
        pg_databases.drop(db_url)


def test_loyalty_code_resolves_to_a_profile_on_postgres(pg_hub: tuple[str, httpx.Client]) -> None:
    from storeassist.domain.tokens import TokenKind
    from storeassist.hub.admin import issue_token

    db_url, device = pg_hub
    code = issue_token(db_url, TokenKind.LOYALTY_DYNAMIC, 5)
    answer = device.post("/v1/customers/resolve", json={"token": code})
    assert answer.status_code == 200, answer.text
    customer = answer.json()["customer"]
    assert customer["id"] == 5
    assert device.get("/v1/stores/1/pickups").status_code == 200
    # A search needs three characters: the first three of this customer's name.
    found = device.get("/v1/customers", params={"q": customer["name"][:3]})
    assert found.status_code == 200, found.text
    assert found.json()["items"]


def test_concurrent_retries_apply_once_on_postgres(pg_hub: tuple[str, httpx.Client]) -> None:
    _db_url, device = pg_hub
    note: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "type": "note.add",
        "issued_at": datetime.now(UTC).isoformat(),
        "store_id": 1,
        "payload": {"customer_id": 7, "text": "asked about linen shirts"},
    }
    statuses: list[str] = []
    barrier, lock = threading.Barrier(6), threading.Lock()

    def retry() -> None:
        with httpx.Client(base_url=str(device.base_url), headers=device.headers, timeout=30) as client:
            barrier.wait()
            answer = client.post("/v1/commands", json={"commands": [note]})
            # A refused request shows in the assertion below (an exception here would only warn).
            ok = answer.status_code == 200
            status = answer.json()["results"][0]["status"] if ok else f"{answer.status_code} {answer.text}"
            with lock:
                statuses.append(status)

    workers = [threading.Thread(target=retry) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(statuses) == ["applied"] + ["duplicate"] * 5


def test_a_command_batch_holds_the_change_log_order_until_it_commits(
    pg_hub: tuple[str, httpx.Client],
) -> None:
    """PostgreSQL writers run in parallel; without one order, a change committed after a device
    read a higher ``seq`` would never reach that device. A batch holds the order lock to the end."""
    from sqlalchemy import text

    from storeassist import contract
    from storeassist.hub.services.access import CallingDevice
    from storeassist.hub.services.commands import apply_batch
    from storeassist.hub.services.database import CHANGE_LOG_LOCK, HubDatabase

    db_url, _device = pg_hub
    db = HubDatabase(db_url)
    note = contract.ReceivedCommand(
        id=uuid.uuid4(),
        type="note.add",
        issued_at=datetime.now(UTC),
        store_id=1,
        payload={"customer_id": 8, "text": "prefers a call"},
    )
    held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = :low"
    low = CHANGE_LOG_LOCK & 0xFFFFFFFF
    try:
        with db.writing(durable=True) as session:
            apply_batch(
                session,
                CallingDevice(id=1, store_id=1, kind="tablet"),
                [note],
            )
            with db.reading() as other:
                assert other.execute(text(held), {"low": low}).scalar_one() == 1  # held mid-transaction
        with db.reading() as other:
            assert other.execute(text(held), {"low": low}).scalar_one() == 0  # released at commit
    finally:
        db.dispose()
