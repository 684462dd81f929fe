"""Scan → profile while another device drains its outbox: does one tablet's sync stall the counter?

The issue: "A scan's p95 while one device drains 10,000 commands in 500-command batches is at
most twice its idle p95, on SQLite, in one make bench run."

One hub serves ``STOREASSIST_BENCH_DB`` (seeded by ``bench_hub_seed``; without it a small chain
is seeded here and the output says so): ``create_app`` under uvicorn, one worker, in a
subprocess on 127.0.0.1, on SQLite, with read budgets too large to refuse (``bench._hub.served``).
Two enrolled devices of store 1 each have their own associate signed in (``X-Staff-Session``):

- the counter scans: POST /v1/customers/resolve with a signed loyalty code, one request after the
  other, each a different customer (as ``bench_hub_api`` measures it);
- the other device drains: ``COMMANDS`` ``note.add`` commands naming its associate, in batches of
  500 (POST /v1/commands), each batch sent as soon as the one before is answered, as the sync
  engine pushes a full outbox. The bodies are built before the clock starts;
- a third client asks GET /v1/health every ``HEALTH_GAP_S``, in both phases. Health reads one
  row (the schema revision) in the hub's request thread pool, the pool the command route runs
  in, while a scan runs on the event loop itself: a slow health answer means the hub's threads,
  its GIL or its loop were held up, not that a customer's data was slow to read.

The pusher and the health probe run in processes of their own, so none of the three clients
waits for another's GIL; the hub has its own process too.

First the counter scans ``IDLE_SAMPLES`` times with nothing else running but the health probe
(after a warm-up), then again for as long as the drain runs (the scans that started between the
first batch sent and the last one answered). Figures:

- ``scan_idle_p95_ms`` and ``scan_idle_p50_ms``; ``scan_during_drain_p95_ms`` and
  ``scan_during_drain_p50_ms`` (with ``scan_during_drain_samples``, how many scans that was);
- ``scan_during_drain_ratio``: during / idle p95 (target ≤ 2);
- ``drain_under_scans_s``: the drain's wall time under the scans, for ``drain_under_scans_commands``
  commands;
- ``health_during_drain_p50_ms``, beside ``health_idle_p50_ms``.

The drain writes its notes into the benchmark database. A missed target prints MISSED and still
exits 0; an error exits non-zero. ``BENCH_QUICK=1`` drains 5,000 commands and takes fewer idle
samples (on the quick run's 100,000-customer chain).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import sqlite3
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event

import httpx

from bench._hub import (
    SECOND_ASSOCIATE,
    SignedInDevice,
    hub_database,
    mint_loyalty_codes,
    percentile,
    served,
    signed_in_device,
)
from bench._results import record

QUICK = os.environ.get("BENCH_QUICK") == "1"
COMMANDS = 5_000 if QUICK else 10_000
BATCH = 500
IDLE_SAMPLES = 200 if QUICK else 1000
WARMUP = 50 if QUICK else 100
#: Scans during the drain stop here even if it is still running (each a different customer).
MAX_DRAIN_SCANS = 2000 if QUICK else 5000
#: A drain still running after this long is a failure, not a slow figure.
DRAIN_TIMEOUT_S = 600.0
HEALTH_GAP_S = 0.02
#: The health probe stops here in any case (at one probe per ``HEALTH_GAP_S``, minutes of probing).
MAX_HEALTH_PROBES = 50_000
TARGET_RATIO = 2.0


# -- the three clients ----------------------------------------------------------------------------


class Counter:
    """The counter's device: one keep-alive connection, one scan after another."""

    def __init__(self, url: str, device: SignedInDevice, codes: list[str]) -> None:
        self._http = httpx.Client(base_url=url, headers=device.headers, timeout=60)
        self._store_id = device.store_id
        self._codes = codes
        self._next = 0

    def close(self) -> None:
        self._http.close()

    @property
    def codes_left(self) -> int:
        return len(self._codes) - self._next

    def scan(self) -> float:
        """Milliseconds for the next code's POST /v1/customers/resolve (each code used once)."""
        code = self._codes[self._next]
        self._next += 1
        started = time.perf_counter()
        answer = self._http.post("/v1/customers/resolve", json={"token": code, "store_id": self._store_id})
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            raise RuntimeError(f"a scan was answered {answer.status_code}: {answer.text[:300]}")
        return elapsed


class HealthProbe:
    """GET /v1/health every ``HEALTH_GAP_S`` from another process, while the ``with`` block runs.

    A process, not a thread: a thread would wait for this process's GIL while the counter
    scans, and its figure would measure that wait instead of the hub.
    """

    def __init__(self, url: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._ready, self._stop = context.Event(), context.Event()
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=probe_health, args=(url, self._ready, self._stop, send), name="bench-health", daemon=True
        )
        self.samples: list[float] = []

    def __enter__(self) -> HealthProbe:
        self._process.start()
        if not self._ready.wait(timeout=60):
            raise RuntimeError("the health probe did not start")
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        outcome = self._receive.recv() if self._receive.poll(timeout=120) else "no answer"
        self._process.join(timeout=30)
        if isinstance(outcome, str):
            raise RuntimeError(f"the health probe failed: {outcome}")
        self.samples = outcome


def probe_health(url: str, ready: Event, stop: Event, out: Connection) -> None:
    """The health probe's process: milliseconds per GET /v1/health until ``stop``, sent to ``out``."""
    samples: list[float] = []
    try:
        with httpx.Client(base_url=url, timeout=60) as http:
            http.get("/v1/health")  # the connection is made before the clock matters
            ready.set()
            while not stop.is_set() and len(samples) < MAX_HEALTH_PROBES:
                started = time.perf_counter()
                answer = http.get("/v1/health")
                elapsed = (time.perf_counter() - started) * 1000
                if answer.status_code != 200:
                    raise RuntimeError(f"/v1/health answered {answer.status_code}")
                samples.append(elapsed)
                stop.wait(HEALTH_GAP_S)
    except Exception as exc:
        ready.set()
        out.send(f"{type(exc).__name__}: {exc}")
        return
    out.send(samples)


@dataclass
class DrainOutcome:
    seconds: float
    batch_ms: list[float]
    statuses: dict[str, int]


class Drain:
    """The other device pushing prepared batches one after the other, from another process
    (so neither side of the measurement waits for the other's GIL)."""

    def __init__(self, url: str, device: SignedInDevice, bodies: list[bytes]) -> None:
        context = multiprocessing.get_context("spawn")
        self._ready, self._go, self.finished = context.Event(), context.Event(), context.Event()
        self._receive, send = context.Pipe(duplex=False)
        headers = {**device.headers, "Content-Type": "application/json"}
        self._process = context.Process(
            target=push_batches,
            args=(url, headers, bodies, self._ready, self._go, self.finished, send),
            name="bench-drain",
            daemon=True,
        )

    def start(self) -> None:
        """Start the pusher and return once its first batch is on its way."""
        self._process.start()
        if not self._ready.wait(timeout=60):
            raise RuntimeError("the drain did not start")
        self._go.set()

    def outcome(self) -> DrainOutcome:
        """Wait for the drain to end (bounded) and return what it did, or raise what went wrong."""
        if not self._receive.poll(timeout=DRAIN_TIMEOUT_S):
            self._process.kill()
            raise RuntimeError(f"the drain was still running after {DRAIN_TIMEOUT_S:.0f} s")
        outcome = self._receive.recv()
        self._process.join(timeout=30)
        if isinstance(outcome, str):
            raise RuntimeError(f"the drain failed: {outcome}")
        return DrainOutcome(*outcome)


def push_batches(
    url: str,
    headers: dict[str, str],
    bodies: list[bytes],
    ready: Event,
    go: Event,
    finished: Event,
    out: Connection,
) -> None:
    """The drain's process: POST each body to /v1/commands in turn, as fast as they are answered."""
    batch_ms: list[float] = []
    statuses: dict[str, int] = {}
    try:
        with httpx.Client(base_url=url, headers=headers, timeout=DRAIN_TIMEOUT_S) as http:
            http.get("/v1/health")  # the connection is made before the clock starts
            ready.set()
            if not go.wait(timeout=60):
                raise RuntimeError("never told to start")
            t0 = time.perf_counter()
            for body in bodies:
                sent = time.perf_counter()
                answer = http.post("/v1/commands", content=body)
                batch_ms.append((time.perf_counter() - sent) * 1000)
                if answer.status_code != 200:
                    raise RuntimeError(f"a batch was answered {answer.status_code}: {answer.text[:300]}")
                for result in answer.json()["results"]:
                    statuses[result["status"]] = statuses.get(result["status"], 0) + 1
            seconds = time.perf_counter() - t0
    except Exception as exc:
        out.send(f"{type(exc).__name__}: {exc}")
        return
    finally:
        ready.set()
        finished.set()
    out.send((seconds, batch_ms, statuses))


def note_batches(device: SignedInDevice, customer_ids: list[int]) -> list[bytes]:
    """``COMMANDS`` note.add commands as the app's outbox holds them, serialised in batches."""
    from storeassist.contract import AddNoteCommand, AddNotePayload, CommandBatch

    now = datetime.now(UTC)
    commands = [
        AddNoteCommand(
            id=uuid.uuid4(),
            type="note.add",
            issued_at=now,
            store_id=device.store_id,
            staff_id=device.staff_id,
            payload=AddNotePayload(customer_id=customer_id, text="Asked about the autumn range"),
        )
        for customer_id in customer_ids
    ]
    return [
        CommandBatch(commands=commands[start : start + BATCH]).model_dump_json().encode()
        for start in range(0, len(commands), BATCH)
    ]


# -- the run ------------------------------------------------------------------------------------


def machine_load(when: str) -> str:
    """The machine's load beside its cores: the hub, the three clients and anything else running
    share them, and a busy machine stretches the scans during the drain more than the idle ones."""
    one_minute = os.getloadavg()[0]
    return f"load average {when}: {one_minute:.2f} (1 min) on {os.cpu_count()} CPUs"


@dataclass
class Figures:
    idle: list[float]
    during: list[float]
    health_idle: list[float]
    health_during: list[float]
    drain: DrainOutcome


def measure() -> Figures:
    with hub_database() as db_path:
        db_url = f"sqlite:///{db_path}"
        with sqlite3.connect(db_path) as hub_db:
            max_customer = int(hub_db.execute("SELECT max(id) FROM customers").fetchone()[0])
        rng = random.Random(23)
        scanned = rng.sample(range(1, max_customer + 1), WARMUP + IDLE_SAMPLES + MAX_DRAIN_SCANS)
        noted = [rng.randint(1, max_customer) for _ in range(COMMANDS)]
        codes = mint_loyalty_codes(db_url, scanned)
        print(
            f"hub database {db_path} ({max_customer:,} customers); idle: {IDLE_SAMPLES} scans after "
            f"{WARMUP} warm-up; drain: {COMMANDS:,} note.add in batches of {BATCH}",
            flush=True,
        )
        with served(db_url) as url:
            counter_device = signed_in_device(url, db_url, name="bench counter")
            drain_device = signed_in_device(url, db_url, name="bench back room", staff_id=SECOND_ASSOCIATE)
            counter = Counter(url, counter_device, codes)
            try:
                for _ in range(WARMUP):
                    counter.scan()
                print(machine_load("before the idle scans"), flush=True)
                with HealthProbe(url) as health_idle:
                    idle = [counter.scan() for _ in range(IDLE_SAMPLES)]

                drain = Drain(url, drain_device, note_batches(drain_device, noted))
                during: list[float] = []
                print(machine_load("before the drain"), flush=True)
                with HealthProbe(url) as health_during:
                    drain.start()
                    deadline = time.monotonic() + DRAIN_TIMEOUT_S
                    while not drain.finished.is_set() and counter.codes_left and time.monotonic() < deadline:
                        during.append(counter.scan())
                    outcome = drain.outcome()
            finally:
                counter.close()
        if not counter.codes_left:
            print(f"note: the drain outlasted {MAX_DRAIN_SCANS} scans; the later part had no scans beside it")
        applied = outcome.statuses.get("applied", 0)
        if applied != COMMANDS:
            raise RuntimeError(f"the drain's commands were not all applied: {outcome.statuses}")
        if not during:
            raise RuntimeError("no scan ran during the drain")
    return Figures(idle, during, health_idle.samples, health_during.samples, outcome)


def report(figures: Figures) -> None:
    idle_p50, idle_p95 = statistics.median(figures.idle), percentile(figures.idle, 0.95)
    during_p50, during_p95 = statistics.median(figures.during), percentile(figures.during, 0.95)
    ratio = during_p95 / idle_p95
    health_idle = statistics.median(figures.health_idle)
    health_during = statistics.median(figures.health_during)
    drain = figures.drain
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(
        f"scan → profile, idle:         p50 {idle_p50:7.2f} ms, p95 {idle_p95:7.2f} ms "
        f"({len(figures.idle)} scans)"
    )
    print(
        f"scan → profile, during drain: p50 {during_p50:7.2f} ms, p95 {during_p95:7.2f} ms "
        f"({len(figures.during)} scans, max {max(figures.during):.0f} ms)"
    )
    print(f"p95 during / idle: {ratio:.2f} (target ≤ {TARGET_RATIO:.0f}) {verdict}")
    print(
        f"/v1/health p50: idle {health_idle:.2f} ms ({len(figures.health_idle)} probes), "
        f"during drain {health_during:.2f} ms ({len(figures.health_during)} probes, "
        f"p95 {percentile(figures.health_during, 0.95):.0f} ms)"
    )
    print(
        f"drain under scans: {COMMANDS:,} commands in {len(drain.batch_ms)} batches, {drain.seconds:.2f} s; "
        f"a batch p50 {statistics.median(drain.batch_ms):.0f} ms, max {max(drain.batch_ms):.0f} ms"
    )
    record("scan_idle_p50_ms", idle_p50)
    record("scan_idle_p95_ms", idle_p95)
    record("scan_during_drain_p50_ms", during_p50)
    record("scan_during_drain_p95_ms", during_p95)
    record("scan_during_drain_samples", len(figures.during))
    record("scan_during_drain_ratio", ratio)
    record("drain_under_scans_s", drain.seconds)
    record("drain_under_scans_commands", COMMANDS)
    record("health_idle_p50_ms", health_idle)
    record("health_during_drain_p50_ms", health_during)


def main() -> int:
    report(measure())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
