"""Seed time of a 1,000,000-customer / 100,000-product / 50-store chain into SQLite.

Records ``hub_seed_1m_s``. With ``BENCH_QUICK=1`` it seeds 100,000 customers instead and records
``hub_seed_1m_s`` scaled up linearly (noted in ``hub_seed_quick_customers``), so a quick run
still fills the figure. The seeded file is left at ``STOREASSIST_BENCH_DB`` when that is set, for
the benchmarks after this one; otherwise it is written to a temporary folder and removed.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench._results import record
from storeassist.hub.seed import seed_chain

FULL_CUSTOMERS = 1_000_000
QUICK_CUSTOMERS = 100_000


def run(db_path: Path, customers: int) -> float:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    report = seed_chain(str(db_path), stores=50, products=100_000, customers=customers)
    seconds = time.perf_counter() - started
    print(report.summary())
    print("phases (s from start): " + ", ".join(f"{k} {v:.1f}" for k, v in report.phases.items()))
    return seconds


def main() -> int:
    quick = os.environ.get("BENCH_QUICK") == "1"
    customers = QUICK_CUSTOMERS if quick else FULL_CUSTOMERS
    target = os.environ.get("STOREASSIST_BENCH_DB")
    with tempfile.TemporaryDirectory(prefix="storeassist-seed-") as tmp:
        db_path = Path(target) if target else Path(tmp) / "hub.sqlite"
        db_path.parent.mkdir(parents=True, exist_ok=True)
        seconds = run(db_path, customers)
    figure = seconds * FULL_CUSTOMERS / customers
    print(f"seed of {customers:,} customers / 100,000 products / 50 stores: {seconds:.1f} s")
    if quick:
        print(f"hub_seed_1m_s = {figure:.1f} (BENCH_QUICK: scaled from {customers:,} customers)")
        record("hub_seed_quick_customers", customers)
    else:
        print(f"hub_seed_1m_s = {figure:.1f} (target: 180 s)")
    record("hub_seed_1m_s", figure)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
