"""Shared fixtures: a real hub on loopback over a seeded SQLite chain.

``hub_server`` (session) serves one seeded copy for the whole run; tests that stop or restart the
hub (offline behaviour) take ``hub_server_fn``, their own copy on their own port. Both seed only
once per run (``hub_seed_db``) and copy that pristine file.

When ``STOREASSIST_TEST_PG`` holds a PostgreSQL URL, the ``pg_*`` twins of these fixtures seed
once into a template database on that server and serve databases created from it; the hub tests
(``tests/hub/conftest.py``) take those in place of the SQLite ones.
"""

from __future__ import annotations

import gc
import itertools
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

if TYPE_CHECKING:
    from storeassist.hub.server import RunningHub

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: A scratch PostgreSQL database's URL: the hub tests' PostgreSQL variant runs when it is set.
TEST_PG_URL = os.environ.get("STOREASSIST_TEST_PG") or None


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
        _delete_closed_widgets()
        gc.collect()


def _delete_closed_widgets() -> None:
    """Carry out the deletions a test's windows asked for (``deleteLater``, as qtbot does on
    closing them). Tests run outside ``exec()``, where Qt never does that by itself: the windows
    of earlier tests would pile up, and every style sheet set later would restyle them all."""
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


_QT_FIXTURES = {"qapp", "qtbot", "qasync_loop"}


#: The seeded store every fixture customer and pickup belongs to.
DEMO_STORE_ID = 1


class PostgresDatabases:
    """Databases of this test run, created and dropped on the server ``STOREASSIST_TEST_PG`` names.

    They are named after that database, this process and a counter (``storeassist_test_4711_3``),
    so two runs on one server keep apart; statements run in autocommit on the named database,
    which is otherwise left alone.
    """

    def __init__(self, base_url: str) -> None:
        from sqlalchemy.engine import make_url

        self._base = make_url(base_url).set(drivername="postgresql")
        if not self._base.database:
            raise ValueError(f"STOREASSIST_TEST_PG names no database: {base_url!r}")
        self._prefix = f"{self._base.database}_"
        self._counter = itertools.count(1)
        self._created: list[str] = []

    def url_of(self, name: str) -> str:
        return self._base.set(database=name).render_as_string(hide_password=False)

    def create(self, *, template: str | None = None) -> str:
        """A new database (a copy of ``template``'s URL if given, else empty); returns its URL."""
        from psycopg import sql

        name = f"{self._prefix}{os.getpid()}_{next(self._counter)}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(self._name_in(template)))
        self._execute(statement)
        self._created.append(name)
        return self.url_of(name)

    def drop(self, url: str) -> None:
        """Drop the database at ``url``, closing whatever still holds a connection to it."""
        from psycopg import sql

        name = self._name_in(url)
        self._execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if name in self._created:
            self._created.remove(name)

    def drop_all(self) -> None:
        for name in list(self._created):
            self.drop(self.url_of(name))

    def drop_leftovers(self) -> None:
        """Drop databases that earlier runs left behind (their process is gone: killed, timed out)."""
        with self._connect() as conn:
            names = [row[0] for row in conn.execute("SELECT datname FROM pg_database")]
        for name in names:
            pid, _, number = name.removeprefix(self._prefix).partition("_")
            ours = name.startswith(self._prefix) and pid.isdigit() and number.isdigit()
            if ours and int(pid) != os.getpid() and not _process_alive(int(pid)):
                self.drop(self.url_of(name))

    def _name_in(self, url: str) -> str:
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        assert name is not None and name.startswith(self._prefix), f"not a database of this run: {url}"
        return name

    def _connect(self):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(self._base.render_as_string(hide_password=False), autocommit=True)

    def _execute(self, statement: object) -> None:
        with self._connect() as conn:
            conn.execute(statement)  # type: ignore[arg-type]


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class SeededChain:
    """A pristine seeded database and who is in it.

    On SQLite ``path`` is the seeded file. On PostgreSQL ``path`` is None, ``template_url`` is the
    seeded database and ``postgres`` makes the copies.
    """

    path: Path | None
    customer_ids: list[int]
    pickup_order_ids: list[int]
    template_url: str | None = None
    postgres: PostgresDatabases | None = None

    @property
    def db_url(self) -> str:
        return self.template_url or f"sqlite:///{self.path}"

    def copy(self, sqlite_file: Path) -> str:
        """A writable copy's URL: ``sqlite_file`` on SQLite, a new database on PostgreSQL."""
        if self.postgres is not None:
            return self.postgres.create(template=self.template_url)
        assert self.path is not None
        _copy_database(self.path, sqlite_file)
        return f"sqlite:///{sqlite_file}"

    def discard(self, db_url: str) -> None:
        """Drop a PostgreSQL copy (a SQLite copy goes with its temporary folder)."""
        if self.postgres is not None:
            self.postgres.drop(db_url)


@dataclass
class HubUnderTest:
    """A running hub and the means to talk to it as a device would.

    ``db_url``: its database (``db_path`` is that SQLite file; None on PostgreSQL).
    ``customer_ids``: demo customers of store 1, the first with a ready pickup there.
    ``pickup_order_ids``: open pickup orders at store 1, ready ones first.
    Staff of store 1: ``staff_badge`` signs in alone; ``staff_number`` with ``staff_pin``.
    """

    db_url: str
    customer_ids: list[int]
    pickup_order_ids: list[int]
    store_id: int = DEMO_STORE_ID
    staff_number: str = "S0003"  # an associate at store 1
    staff_pin: str = "1003"
    _running: RunningHub | None = field(default=None, repr=False)

    @property
    def staff_badge(self) -> str:
        """The signed badge of an associate at store 1 (signs in alone)."""
        return self.badge(3)

    @property
    def manager_badge(self) -> str:
        """The signed badge of store 1's manager (signs in with the PIN ``1001``)."""
        return self.badge(1)

    def badge(self, staff_id: int) -> str:
        from storeassist.hub.admin import issue_badge

        return issue_badge(self.db_url, staff_id)

    @property
    def db_path(self) -> Path | None:
        return Path(self.db_url.removeprefix("sqlite:///")) if self.db_url.startswith("sqlite:///") else None

    @property
    def url(self) -> str:
        return self._hub().url

    @property
    def port(self) -> int:
        return self._hub().port

    def wait_for_recommendations(self, timeout_s: float = 120) -> bool:
        return self._hub().wait_for_recommendations(timeout_s)

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


def _seed(db_url: str) -> tuple[list[int], list[int]]:
    """Seed the default small chain; the demo customers and pickups of store 1."""
    from storeassist.hub.seed import demo_customers, demo_pickups, seed_chain

    seed_chain(db_url)
    customers = demo_customers(db_url, 6, DEMO_STORE_ID)
    pickups = [p.order_id for p in demo_pickups(db_url, 6, DEMO_STORE_ID)]
    return customers, pickups


@pytest.fixture(scope="session")
def hub_seed_db(tmp_path_factory: pytest.TempPathFactory) -> SeededChain:
    """Seed the default small chain once per test run; never served, only copied."""
    path = tmp_path_factory.mktemp("hub-seed") / "chain.sqlite"
    customers, pickups = _seed(str(path))
    return SeededChain(path, customers, pickups)


def _hub_on_copy(chain: SeededChain, folder: Path) -> HubUnderTest:
    db_url = chain.copy(folder / "hub.sqlite")
    hub = HubUnderTest(db_url, list(chain.customer_ids), list(chain.pickup_order_ids))
    try:
        hub.start()
    except BaseException:
        chain.discard(hub.db_url)
        raise
    return hub


def _served_copy(chain: SeededChain, folder: Path) -> Iterator[HubUnderTest]:
    hub = _hub_on_copy(chain, folder)
    yield hub
    hub.stop()
    chain.discard(hub.db_url)


def _writable_copy(chain: SeededChain, folder: Path) -> Iterator[str]:
    db_url = chain.copy(folder / "chain.sqlite")
    yield db_url
    chain.discard(db_url)


@pytest.fixture(scope="session")
def hub_server(hub_seed_db: SeededChain, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUnderTest]:
    """One hub for the whole run. Do not stop it in a test: take ``hub_server_fn`` for that."""
    yield from _served_copy(hub_seed_db, tmp_path_factory.mktemp("hub-session"))


@pytest.fixture
def hub_server_fn(hub_seed_db: SeededChain, tmp_path: Path) -> Iterator[HubUnderTest]:
    """A hub of this test's own (its own database copy and port), free to stop and restart."""
    yield from _served_copy(hub_seed_db, tmp_path)


@pytest.fixture
def seeded_db_url(hub_seed_db: SeededChain, tmp_path: Path) -> Iterator[str]:
    """A writable copy of the seeded chain for this test (no server)."""
    yield from _writable_copy(hub_seed_db, tmp_path)


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PostgresDatabases]:
    """Creates and drops this run's databases on ``STOREASSIST_TEST_PG``'s server; drops all at the end."""
    if TEST_PG_URL is None:
        pytest.skip("set STOREASSIST_TEST_PG to a scratch PostgreSQL database's URL")
    databases = PostgresDatabases(TEST_PG_URL)
    databases.drop_leftovers()
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def pg_hub_seed_db(pg_databases: PostgresDatabases) -> SeededChain:
    """``hub_seed_db`` on PostgreSQL: the chain seeded once into a template database."""
    template_url = pg_databases.create()
    customers, pickups = _seed(template_url)
    return SeededChain(None, customers, pickups, template_url=template_url, postgres=pg_databases)


@pytest.fixture(scope="session")
def pg_hub_server(
    pg_hub_seed_db: SeededChain, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HubUnderTest]:
    """``hub_server`` on PostgreSQL."""
    yield from _served_copy(pg_hub_seed_db, tmp_path_factory.mktemp("hub-session"))


@pytest.fixture
def pg_hub_server_fn(pg_hub_seed_db: SeededChain, tmp_path: Path) -> Iterator[HubUnderTest]:
    """``hub_server_fn`` on PostgreSQL."""
    yield from _served_copy(pg_hub_seed_db, tmp_path)


@pytest.fixture
def pg_seeded_db_url(pg_hub_seed_db: SeededChain, tmp_path: Path) -> Iterator[str]:
    """``seeded_db_url`` on PostgreSQL."""
    yield from _writable_copy(pg_hub_seed_db, tmp_path)


@pytest.fixture
def pg_empty_db_url(pg_databases: PostgresDatabases) -> Iterator[str]:
    """A new empty PostgreSQL database for this test."""
    db_url = pg_databases.create()
    yield db_url
    pg_databases.drop(db_url)


class InMemoryKeyring(KeyringBackend):
    """A keyring that forgets everything when the test ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError("nothing stored")


@pytest.fixture
def memory_keyring() -> InMemoryKeyring:
    return InMemoryKeyring()
