"""Shared fixtures: a real hub on loopback over a seeded SQLite chain.

``hub_server`` (session) serves one seeded copy for the whole run; tests that stop or restart the
hub (offline behaviour) take ``hub_server_fn``, their own copy on their own port. Both seed only
once per run (``hub_seed_db``) and copy that pristine file.
"""

from __future__ import annotations

import gc
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from storeassist.hub.server import RunningHub

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

@pytest.fixture(autouse=True)
def _collect_garbage_on_the_main_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """Free what a test dropped here, on the main thread, before the next test runs.

    Python's cycle collector runs on whichever thread happens to allocate, and the hub runs on
    uvicorn threads. A Qt object (a closed qasync loop's timer, say) destroyed from such a thread
    cannot unregister its timers, and Qt later delivers a timer event to freed memory: a segfault
    in an unrelated test. Collecting here keeps every Qt object's end on the thread that owns it.
    """
    yield
    if _QT_FIXTURES.intersection(request.fixturenames):
        gc.collect()


_QT_FIXTURES = {"qapp", "qtbot", "qasync_loop"}


#: The seeded store every fixture customer and pickup belongs to.
DEMO_STORE_ID = 1


@dataclass
class SeededChain:
    """A pristine seeded database and who is in it."""

    path: Path
    customer_ids: list[int]
    pickup_order_ids: list[int]


@dataclass
class HubUnderTest:
    """A running hub and the means to talk to it as a device would.

    ``customer_ids``: demo customers of store 1, the first with a ready pickup there.
    ``pickup_order_ids``: open pickup orders at store 1, ready ones first.
    Staff of store 1: ``staff_badge`` signs in alone; ``staff_number`` with ``staff_pin``.
    """

    db_path: Path
    customer_ids: list[int]
    pickup_order_ids: list[int]
    store_id: int = DEMO_STORE_ID
    staff_badge: str = "B1003"  # an associate at store 1
    staff_number: str = "S0003"
    staff_pin: str = "1003"
    manager_badge: str = "B1001"
    _running: RunningHub | None = field(default=None, repr=False)

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    @property
    def url(self) -> str:
        return self._hub().url

    @property
    def port(self) -> int:
        return self._hub().port

    def _hub(self) -> RunningHub:
        if self._running is None:
            raise RuntimeError("the hub is stopped; call restart()")
        return self._running

    def start(self, port: int = 0) -> None:
        from storeassist.hub.server import start_in_thread

        self._running = start_in_thread(self.db_url, port=port)

    def stop(self) -> None:
        if self._running is not None:
            self._running.stop()

    def restart(self) -> None:
        """Serve again on the same port (devices keep their configured URL)."""
        port = self._hub().port
        self.stop()
        self.start(port)

    def enroll_code(self, store_id: int | None = None) -> str:
        from storeassist.hub.admin import issue_enrollment_code

        return issue_enrollment_code(self.db_url, store_id or self.store_id)

    def loyalty_token(self, customer_id: int, *, card: bool = False, ttl_s: int = 900) -> str:
        """A dynamic (expiring) loyalty code, or the printed card's code with ``card=True``."""
        from storeassist.domain.tokens import TokenKind
        from storeassist.hub.admin import issue_token

        kind = TokenKind.LOYALTY_CARD if card else TokenKind.LOYALTY_DYNAMIC
        return issue_token(self.db_url, kind, customer_id, ttl_s=ttl_s)

    def order_token(self, order_id: int, *, ttl_s: int = 900) -> str:
        from storeassist.domain.tokens import TokenKind
        from storeassist.hub.admin import issue_token

        return issue_token(self.db_url, TokenKind.ORDER, order_id, ttl_s=ttl_s)


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (safe with WAL)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@pytest.fixture(scope="session")
def hub_seed_db(tmp_path_factory: pytest.TempPathFactory) -> SeededChain:
    """Seed the default small chain once per test run; never served, only copied."""
    from storeassist.hub.seed import demo_customers, demo_pickups, seed_chain

    path = tmp_path_factory.mktemp("hub-seed") / "chain.sqlite"
    seed_chain(str(path))
    customers = demo_customers(str(path), 6, DEMO_STORE_ID)
    pickups = [p.order_id for p in demo_pickups(str(path), 6, DEMO_STORE_ID)]
    return SeededChain(path, customers, pickups)


def _hub_on_copy(chain: SeededChain, folder: Path) -> HubUnderTest:
    db_path = folder / "hub.sqlite"
    _copy_database(chain.path, db_path)
    hub = HubUnderTest(db_path, list(chain.customer_ids), list(chain.pickup_order_ids))
    hub.start()
    return hub


@pytest.fixture(scope="session")
def hub_server(hub_seed_db: SeededChain, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUnderTest]:
    """One hub for the whole run. Do not stop it in a test: take ``hub_server_fn`` for that."""
    hub = _hub_on_copy(hub_seed_db, tmp_path_factory.mktemp("hub-session"))
    yield hub
    hub.stop()


@pytest.fixture
def hub_server_fn(hub_seed_db: SeededChain, tmp_path: Path) -> Iterator[HubUnderTest]:
    """A hub of this test's own (its own database copy and port), free to stop and restart."""
    hub = _hub_on_copy(hub_seed_db, tmp_path)
    yield hub
    hub.stop()


@pytest.fixture
def seeded_db_url(hub_seed_db: SeededChain, tmp_path: Path) -> str:
    """A writable copy of the seeded chain for this test (no server)."""
    db_path = tmp_path / "chain.sqlite"
    _copy_database(hub_seed_db.path, db_path)
    return f"sqlite:///{db_path}"
