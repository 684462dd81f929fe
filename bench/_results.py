"""Recording benchmark figures: ``record(name, value)`` merges into ``bench/results.json``."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


def record(name: str, value: float) -> None:
    """Set ``name`` to ``value`` in the flat JSON object of results (atomic replace)."""
    figures = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    figures[name] = round(float(value), 3)
    fd, tmp = tempfile.mkstemp(dir=RESULTS.parent, prefix=".results-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(figures, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.replace(tmp, RESULTS)
