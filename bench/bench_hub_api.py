"""The hub API at a million customers: token → profile latency and throughput, stock and pickups.

Serves ``STOREASSIST_BENCH_DB`` (seeded by ``bench_hub_seed``) with uvicorn, one worker, in a
subprocess on 127.0.0.1, and measures over loopback with httpx. Every request comes from one
enrolled device of store 1 with an associate signed in (``X-Staff-Session``), so the hub checks
the device, the staff session, the store and the read limit, and trims the profile to the role,
as for a scan at the counter. The read budgets are too large to refuse (``bench._hub.served``):
the limiter's check runs, its 30-a-minute refusal does not.

- ``hub_token_profile_p95_ms``: POST /v1/customers/resolve with a signed loyalty code (p50 printed too);
- ``hub_token_profile_baseline_p95_ms``: a raw SQLite primary-key lookup of the customer row, same run;
- ``hub_token_profile_rps``: token → profile requests per second from concurrent clients, driven
  by ``wrk`` (C, one thread, rotating among the minted codes) when it is installed; otherwise by
  Python httpx clients in threads, which take CPU from the server on the same machine and so
  lower the figure (the output says which driver ran);
- ``hub_stock_nearby_p95_ms`` and ``hub_pickup_queue_p95_ms`` (store 1's queue: its open pickups,
  400 at a million customers, with their lines).

Targets: p95 ≤ 25 ms, ≥ 1,000 req/s. ``BENCH_QUICK=1`` takes fewer samples.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench._hub import STORE_ID, mint_loyalty_codes, percentile, served, signed_in_device, timed
from bench._results import record


def throughput(
    url: str, headers: dict[str, str], codes: list[str], clients: int, limit: int, seconds: float
) -> float:
    done = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(worker: int) -> None:
        nonlocal done
        with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
            i = worker
            while time.perf_counter() < stop_at:
                with lock:
                    if done >= limit:
                        return
                    done += 1
                answer = http.post(
                    "/v1/customers/resolve", json={"token": codes[i % len(codes)], "store_id": STORE_ID}
                )
                assert answer.status_code == 200, answer.text
                i += clients

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(w,)) for w in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done / (time.perf_counter() - started)


#: wrk replays the request bodies in turn; ``{bodies}`` and ``{headers}`` are Lua table bodies.
WRK_SCRIPT = """
local bodies = {{{bodies}}}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
{headers}
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, "/v1/customers/resolve", nil, bodies[i])
end
"""


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string of ASCII text is a valid Lua string literal


def throughput_wrk(
    wrk: str, url: str, headers: dict[str, str], codes: list[str], connections: int, seconds: float
) -> float:
    """Requests per second from ``wrk`` (one thread, ``connections`` keep-alive connections)."""
    bodies = ",".join(lua_string(json.dumps({"token": code, "store_id": STORE_ID})) for code in codes)
    header_lines = "\n".join(f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "resolve.lua"
        script.write_text(WRK_SCRIPT.format(bodies=bodies, headers=header_lines), encoding="utf-8")
        out = subprocess.run(
            [wrk, "-t1", f"-c{connections}", f"-d{seconds:.0f}s", "-s", str(script), url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    refused = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if refused or "Socket errors" in out:
        raise RuntimeError(f"wrk saw failed requests:\n{out}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise RuntimeError(f"could not read wrk's output:\n{out}")
    return float(found.group(1))


def queue(http: httpx.Client) -> None:
    """The store's pickup queue, as its tablet asks for it. (Another store's queue is a quick 403,
    which is what an earlier version of this benchmark timed 49 times in 50.)"""
    answer = http.get(f"/v1/stores/{STORE_ID}/pickups")
    assert answer.status_code == 200, answer.text


def main() -> int:
    quick = os.environ.get("BENCH_QUICK") == "1"
    samples = 300 if quick else 1000
    target = os.environ.get("STOREASSIST_BENCH_DB")
    if not target or not Path(target).exists():
        print("STOREASSIST_BENCH_DB is not a seeded database; run bench_hub_seed first (python -m bench).")
        return 1
    db_path = Path(target)
    db_url = f"sqlite:///{db_path}"
    conn = sqlite3.connect(db_path)
    max_customer = conn.execute("SELECT max(id) FROM customers").fetchone()[0]
    max_product = conn.execute("SELECT max(id) FROM products").fetchone()[0]
    rng = random.Random(5)
    customer_ids = [rng.randint(1, max_customer) for _ in range(samples)]
    skus = [
        conn.execute("SELECT sku FROM products WHERE id = ?", (rng.randint(1, max_product),)).fetchone()[0]
        for _ in range(samples // 2)
    ]
    codes = mint_loyalty_codes(db_url, customer_ids)

    with served(db_url) as url:
        headers = signed_in_device(url, db_url, name="bench").headers
        with httpx.Client(base_url=url, headers=headers, timeout=30) as http:

            def resolve(i: int) -> None:
                answer = http.post("/v1/customers/resolve", json={"token": codes[i], "store_id": STORE_ID})
                assert answer.status_code == 200, answer.text

            timed(min(100, samples), resolve)  # warm caches and connections
            profile = timed(samples, resolve)
            stock = timed(
                len(skus), lambda i: http.get(f"/v1/stock/{skus[i]}", params={"store_id": STORE_ID})
            )
            pickups = timed(samples // 2, lambda i: queue(http))
        baseline = timed(
            samples,
            lambda i: conn.execute("SELECT * FROM customers WHERE id = ?", (customer_ids[i],)).fetchone(),
        )
        wrk = shutil.which("wrk")
        seconds = 5 if quick else 10
        if wrk is not None:
            rps = throughput_wrk(wrk, url, headers, codes, connections=8, seconds=seconds)
            driver = "wrk, 8 connections"
        else:
            rps = throughput(url, headers, codes, clients=8, limit=20_000, seconds=seconds)
            driver = (
                "Python httpx clients, 8 threads: may be client-bound; install wrk for the server's figure"
            )
    conn.close()

    figures = {
        "hub_token_profile_p95_ms": percentile(profile, 0.95),
        "hub_token_profile_baseline_p95_ms": percentile(baseline, 0.95),
        "hub_token_profile_rps": rps,
        "hub_stock_nearby_p95_ms": percentile(stock, 0.95),
        "hub_pickup_queue_p95_ms": percentile(pickups, 0.95),
    }
    print(
        f"token → profile: p50 {statistics.median(profile):.2f} ms, "
        f"p95 {figures['hub_token_profile_p95_ms']:.2f} ms"
        f" (target ≤ 25); raw SQLite PK lookup p95 {figures['hub_token_profile_baseline_p95_ms']:.3f} ms"
    )
    print(f"token → profile throughput: {rps:.0f} req/s on one worker (target ≥ 1,000; {driver})")
    print(
        f"stock nearby p95 {figures['hub_stock_nearby_p95_ms']:.2f} ms; "
        f"pickup queue p95 {figures['hub_pickup_queue_p95_ms']:.2f} ms"
    )
    for name, value in figures.items():
        record(name, value)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
