"""Run every benchmark in order, each in its own process, and print the collected figures.

The 1M-customer hub database is seeded once (``bench_hub_seed``) into a temporary folder and
reused by the benchmarks after it through ``STOREASSIST_BENCH_DB``. ``bench_frozen`` builds the
store app with PyInstaller into ``build/bench-frozen/`` (kept while the sources are unchanged).
``BENCH_QUICK=1`` asks each benchmark for a smaller run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
#: Order matters: the seed benchmark builds the database the hub benchmarks read.
ORDER = [
    "bench_hub_seed",
    "bench_hub_api",
    "bench_reco",
    "bench_app",
    "bench_frozen",
    "bench_scan_profile",
    "bench_scan_during_drain",
    "bench_stock",
    "bench_returns",  # reads orders only (look-ups): before bench_pickups changes any
    "bench_kiosk",  # reads shoppers' greetings only
    "bench_pickups",  # hands orders over: after every benchmark that reads the chain's pickups
]


def main() -> int:
    RESULTS.unlink(missing_ok=True)
    failures = []
    with tempfile.TemporaryDirectory(prefix="storeassist-bench-") as tmp:
        env = dict(os.environ)
        env.setdefault("STOREASSIST_BENCH_DB", str(Path(tmp) / "hub-1m.sqlite"))
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        present = [name for name in ORDER if (HERE / f"{name}.py").exists()]
        for name in present:
            started = time.perf_counter()
            print(f"\n=== {name} ===", flush=True)
            done = subprocess.run(
                [sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent, env=env, check=False
            )
            print(f"--- {name}: exit {done.returncode} in {time.perf_counter() - started:.0f} s", flush=True)
            if done.returncode != 0:
                failures.append(name)
    figures = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    print("\n=== figures (bench/results.json) ===")
    for key, value in sorted(figures.items()):
        print(f"{key:40s} {value}")
    if failures:
        print(f"\nbenchmarks that failed: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
