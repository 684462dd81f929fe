"""App foundation figures: cold start, durable enqueue, and draining 10,000 commands to the hub.

- ``cold_start_s``: process start to the first painted frame of the associate window (unfrozen),
  beside ``cold_start_baseline_s``: an empty PySide6 window started the same way. Both run with
  Python's bytecode cache allowed (``PYTHONDONTWRITEBYTECODE`` removed from their environment),
  as on an installed tablet: a machine that sets it would otherwise compile every module of the
  app from source at each start, which the one-line baseline never pays.
- ``enqueue_p95_ms``: ``Outbox.enqueue`` (WAL, synchronous=FULL, one transaction per command),
  beside ``enqueue_baseline_p95_ms``: a raw sqlite3 insert with the same pragmas.
- ``drain_10k_s``: 10,000 queued commands pushed by the sync engine to a hub served by uvicorn in
  another process on 127.0.0.1 (``storeassist.hub.cli serve``), through a ``HubClient`` with an
  associate signed in (the hub takes commands only with a staff session); each note names them.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench._hub import ASSOCIATE, free_port, staff_number, staff_pin, wait_for_health
from bench._results import record

QUICK = os.environ.get("BENCH_QUICK") == "1"
ROOT = Path(__file__).resolve().parents[1]


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


# -- cold start --------------------------------------------------------------------------------

_BASELINE_WINDOW = """
import sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1280, 800)
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print("FIRST_FRAME", flush=True)
            app.quit()
        return False
spy = FirstPaint()
window.installEventFilter(spy)
window.show()
app.exec()
"""


#: The environment both starts run in (see the module docstring).
_START_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def _time_to_first_frame(argv: list[str]) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=_START_ENV)
    assert proc.stdout is not None
    for line in proc.stdout:
        if "FIRST_FRAME" in line:
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError(f"{argv[:3]} ended without painting a frame")
    proc.wait(timeout=60)
    return elapsed


def bench_cold_start(data_dir: Path) -> None:
    runs = 3 if QUICK else 9
    base_argv = [sys.executable, "-c", _BASELINE_WINDOW]
    app_argv = [sys.executable, "-m", "storeassist.app", "--data-dir", str(data_dir), "--first-frame-exit"]
    # One warm-up each so the figures compare Python start-up, not the first read from disk (and
    # the bytecode cache is written); then the two alternate, so a busy spell on a shared machine
    # weighs on both alike.
    _time_to_first_frame(base_argv)
    _time_to_first_frame(app_argv)
    baseline: list[float] = []
    app: list[float] = []
    for _ in range(runs):
        baseline.append(_time_to_first_frame(base_argv))
        app.append(_time_to_first_frame(app_argv))
    record("cold_start_baseline_s", round(statistics.median(baseline), 3))
    record("cold_start_s", round(statistics.median(app), 3))
    ratio = statistics.median(app) / statistics.median(baseline)
    print(
        f"cold start (median of {runs}): app {statistics.median(app):.3f} s, "
        f"empty PySide6 window {statistics.median(baseline):.3f} s: {ratio:.2f}x "
        f"(target <= 2x) {'ok' if ratio <= 2 else 'MISSED'}"
    )


# -- enqueue -----------------------------------------------------------------------------------


def _note(store_id: int, customer_id: int, staff_id: int | None = None) -> object:
    from storeassist.contract import AddNoteCommand, AddNotePayload

    return AddNoteCommand(
        id=uuid.uuid4(),
        type="note.add",
        issued_at=datetime.now(UTC),
        store_id=store_id,
        staff_id=staff_id,
        payload=AddNotePayload(customer_id=customer_id, text="Asked about the autumn range"),
    )


def bench_enqueue(tmp: Path) -> None:
    from storeassist.local.outbox import Outbox

    n = 300 if QUICK else 2000
    raw = sqlite3.connect(tmp / "raw.sqlite", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute(
        "CREATE TABLE commands (id TEXT PRIMARY KEY, type TEXT, payload TEXT, issued_at TEXT, "
        "store_id INTEGER, staff_id INTEGER, state TEXT, attempts INTEGER, last_error TEXT, "
        "result TEXT)"
    )
    baseline = []
    for _ in range(n):
        t0 = time.perf_counter()
        raw.execute("BEGIN")
        raw.execute(
            "INSERT INTO commands VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                str(uuid.uuid4()),
                "note.add",
                '{"customer_id": 1, "text": "x"}',
                datetime.now(UTC).isoformat(),
                1,
                None,
                "pending",
                0,
                None,
                None,
            ),
        )
        raw.execute("COMMIT")
        baseline.append((time.perf_counter() - t0) * 1000)
    raw.close()

    outbox = Outbox(tmp / "outbox.sqlite")
    commands = [_note(1, 1) for _ in range(n)]
    samples = []
    for command in commands:
        t0 = time.perf_counter()
        outbox.enqueue(command)  # type: ignore[arg-type]
        samples.append((time.perf_counter() - t0) * 1000)
    outbox.close()
    record("enqueue_baseline_p95_ms", round(p95(baseline), 3))
    record("enqueue_p95_ms", round(p95(samples), 3))
    print(
        f"enqueue p95 over {n}: outbox {p95(samples):.3f} ms, raw WAL+FULL insert {p95(baseline):.3f} ms "
        f"(target <= 2 ms)"
    )


# -- drain -------------------------------------------------------------------------------------


def _serve_hub(db_path: Path, log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``storeassist-hub serve`` on a free port, its output in ``log_path`` (shown if it fails)."""
    port = free_port()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "storeassist.hub.cli", "serve", "--db", str(db_path), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, proc)
    except RuntimeError:
        proc.kill()
        proc.wait(timeout=30)
        tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
        raise RuntimeError("the hub did not start; its last lines:\n" + "\n".join(tail)) from None
    return proc, url


async def _drain(url: str, code: str, tmp: Path, n: int) -> float:
    from storeassist.client import HubClient
    from storeassist.contract import EnrollRequest, StaffSignInRequest
    from storeassist.local.cache import LocalCache
    from storeassist.local.outbox import Outbox
    from storeassist.sync.engine import SyncEngine

    client = HubClient(url)
    enrolled = await client.enroll(EnrollRequest(code=code, device_name="bench"))
    await client.aclose()
    client = HubClient(url, enrolled.credential)
    # Commands and the change feed need a staff session: an associate signs in, and each note
    # names them, as AddCustomerNote stamps the signed-in staff id.
    staff = await client.staff_sign_in(
        StaffSignInRequest(staff_number=staff_number(ASSOCIATE), pin=staff_pin(ASSOCIATE))
    )
    outbox = Outbox(tmp / "drain-outbox.sqlite")
    cache = LocalCache(tmp / "drain-cache.sqlite")
    await SyncEngine(client, outbox, cache, enrolled.store_id).sync_now()  # snapshot first: not timed
    for i in range(n):
        outbox.enqueue(_note(enrolled.store_id, 1 + i % 50, staff.staff_id))  # type: ignore[arg-type]
    engine = SyncEngine(client, outbox, cache, enrolled.store_id)
    emptied: list[float] = []
    # Registered after the engine's own listener, so ``engine.pending`` is already up to date.
    outbox.add_change_listener(lambda: emptied.append(time.perf_counter()) if engine.pending == 0 else None)
    t0 = time.perf_counter()
    while outbox.pending_count():
        await engine.sync_now()
    elapsed = time.perf_counter() - t0
    applied = n - outbox.attention_count()
    await client.aclose()
    outbox.close()
    # The round also pulls the change feed its own commands produced; say how long the push took.
    print(
        f"drain: {n} commands, {applied} applied, {outbox.attention_count()} need attention; "
        f"outbox empty after {emptied[0] - t0:.2f} s, rounds (push + pull) done after {elapsed:.2f} s"
    )
    return elapsed


def bench_drain(tmp: Path) -> None:
    from storeassist.hub.admin import issue_enrollment_code
    from storeassist.hub.seed import seed_chain

    n = 2000 if QUICK else 10_000
    db = tmp / "drain-hub.sqlite"
    seed_chain(str(db), stores=3, products=200, customers=500, seed=11)
    proc, url = _serve_hub(db, tmp / "drain-hub.log")
    try:
        elapsed = asyncio.run(_drain(url, issue_enrollment_code(str(db), 1), tmp, n))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    figure = elapsed * 10_000 / n
    record("drain_10k_s", round(figure, 2))
    print(f"drain of {n} commands: {elapsed:.2f} s ({figure:.2f} s per 10,000; target <= 10 s)")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="storeassist-bench-app-") as tmp:
        path = Path(tmp)
        bench_enqueue(path)
        bench_drain(path)
        bench_cold_start(path / "cold-start-data")


if __name__ == "__main__":
    main()
