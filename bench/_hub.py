"""A hub for a benchmark to ask: served in a subprocess on 127.0.0.1, and devices signed in to it.

The hub needs a device credential (``Authorization: Bearer``) and a staff session
(``X-Staff-Session``) for personal data and commands. :func:`signed_in_device` enrols a device
with a one-time code and signs a seeded staff member in on it. In a seeded demo chain staff N
has the number ``S{N:04d}`` and the PIN ``demo_pin(N)``; in store 1, staff 1 is the manager and
3, 4 and 5 are associates.

:func:`served` builds the app with read budgets too large to refuse anything: the per-session
limit is still checked on every profile read and search, as in a store, but a throughput or
latency benchmark would otherwise be measuring 429s after the first 30 profiles.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

STORE_ID = 1
#: The associate who scans in the benchmarks (store 1), and a second one for another device.
ASSOCIATE = 3
SECOND_ASSOCIATE = 4
#: Customers in the small chain seeded when no 1M database is given.
SMALL_CHAIN_CUSTOMERS = 5000

SERVER = (
    "import sys, uvicorn; from storeassist.hub.api import create_app; "
    "from storeassist.hub.services.read_limits import ReadBudget; "
    "huge = ReadBudget(burst=10**9, per_minute=10**9); "
    "app = create_app(sys.argv[1], read_budgets={'profile': huge, 'search': huge}); "
    "uvicorn.run(app, host='127.0.0.1', port=int(sys.argv[2]), workers=1, "
    "log_level='warning', access_log=False)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_health(url: str, server: subprocess.Popen[bytes], seconds: float = 180) -> None:
    """Return once ``url`` answers ``/v1/health`` with its recommender's model built, as a hub
    that has been up a while is; a benchmark waiting for its server, not a test."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            answer = httpx.get(f"{url}/v1/health", timeout=1)
            if answer.status_code == 200 and answer.json().get("recommendations") == "ready":
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            raise RuntimeError("the hub did not start")
        time.sleep(0.1)


@contextmanager
def served(db_url: str) -> Iterator[str]:
    """The hub over ``db_url``: uvicorn, one worker, in a subprocess; read budgets unlimited."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, db_url, str(port)])
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def hub_database() -> Iterator[Path]:
    """``STOREASSIST_BENCH_DB`` when it is a file, else a small chain seeded into a temporary one."""
    target = os.environ.get("STOREASSIST_BENCH_DB")
    if target and Path(target).exists():
        yield Path(target)
        return
    from storeassist.hub.seed import seed_chain

    why = "is not set" if not target else f"({target}) does not exist"
    with tempfile.TemporaryDirectory(prefix="storeassist-bench-hub-") as tmp:
        path = Path(tmp) / "hub-small.sqlite"
        print(
            f"STOREASSIST_BENCH_DB {why}: seeding a small chain ({SMALL_CHAIN_CUSTOMERS:,} customers) "
            f"into {path}. These figures are NOT the 1M-customer ones.",
            flush=True,
        )
        seed_chain(str(path), stores=5, products=1000, customers=SMALL_CHAIN_CUSTOMERS, seed=7)
        yield path


# -- devices and staff ----------------------------------------------------------------------------


def staff_number(staff_id: int) -> str:
    return f"S{staff_id:04d}"


def staff_pin(staff_id: int) -> str:
    from storeassist.hub.seed import demo_pin

    return demo_pin(staff_id)


@dataclass(frozen=True)
class SignedInDevice:
    """An enrolled device with a staff member signed in on it."""

    credential: str
    session_token: str
    staff_id: int
    store_id: int

    @property
    def headers(self) -> dict[str, str]:
        """What every request of this device carries: its credential, the staff session, and (as
        the app sends it) which of the hub's optional fields it reads."""
        from storeassist.contract import RESULTS_HEADER, RESULTS_THIS_APP_READS
        from storeassist.contract.devices import STAFF_SESSION_HEADER

        return {
            "Authorization": f"Bearer {self.credential}",
            STAFF_SESSION_HEADER: self.session_token,
            RESULTS_HEADER: RESULTS_THIS_APP_READS,
        }


def enroll(url: str, db_url: str, store_id: int, name: str) -> str:
    """A new device of ``store_id``, enrolled with a fresh one-time code; its credential."""
    from storeassist.hub.admin import issue_enrollment_code

    answer = httpx.post(
        f"{url}/v1/devices/enroll",
        json={"code": issue_enrollment_code(db_url, store_id), "device_name": name},
        timeout=30,
    )
    if answer.status_code != 200:
        raise RuntimeError(f"enrolment answered {answer.status_code}: {answer.text}")
    return str(answer.json()["credential"])


def sign_in(url: str, credential: str, staff_id: int) -> str:
    """Sign seeded staff member ``staff_id`` in on the device (number and PIN); the session token.

    A sign-in ends the device's previous session, so sign in once per device."""
    answer = httpx.post(
        f"{url}/v1/staff/sign-in",
        json={"staff_number": staff_number(staff_id), "pin": staff_pin(staff_id)},
        headers={"Authorization": f"Bearer {credential}"},
        timeout=30,
    )
    if answer.status_code != 200:
        raise RuntimeError(f"staff sign-in answered {answer.status_code}: {answer.text}")
    return str(answer.json()["session_token"])


def signed_in_device(
    url: str, db_url: str, *, name: str, staff_id: int = ASSOCIATE, store_id: int = STORE_ID
) -> SignedInDevice:
    credential = enroll(url, db_url, store_id, name)
    return SignedInDevice(credential, sign_in(url, credential, staff_id), staff_id, store_id)


# -- codes and timing -----------------------------------------------------------------------------


def mint_loyalty_codes(db_url: str, customer_ids: list[int]) -> list[str]:
    from storeassist.domain.tokens import TokenKind
    from storeassist.hub.admin import mint_token
    from storeassist.hub.db.session import make_engine, make_sessionmaker

    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session, session.begin():
        codes = [mint_token(session, TokenKind.LOYALTY_DYNAMIC, c, ttl_s=3600) for c in customer_ids]
    engine.dispose()
    return codes


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(count: int, call: Callable[[int], object]) -> list[float]:
    """Milliseconds each of ``count`` sequential calls took."""
    samples = []
    for i in range(count):
        started = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - started) * 1000)
    return samples
