"""Offline evaluation of the hub's recommender: hit-rate@10 on each sampled customer's held-out last
purchase, against a most-popular baseline, in the same run on a seeded chain.

For each sampled customer with at least two purchases, the products of their most recent order
are held out; the item model is learned from everything else (no leakage), and both rankers see
only the remaining history. A hit is any held-out product in the top 10.
Figures: ``reco_hit10``, ``reco_hit10_popular``, ``reco_lift_vs_popular`` (target ≥ 1.3).
``BENCH_QUICK=1`` samples fewer customers. ``STOREASSIST_RECO_DB`` reuses a seeded chain.
"""

from __future__ import annotations

import os
import random
import sqlite3
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from bench._results import record
from storeassist.hub.recommend.model import build_item_model
from storeassist.hub.recommend.ranking import HistoryItem, most_popular, rank_products

TOP_K = 10
SAMPLE = 2000
QUICK_SAMPLE = 500
_EVENT_KINDS = {"view": "view", "cart_add": "cart", "cart_abandon": "cart"}


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def evaluate(db_path: Path, sample: int, seed: int = 11) -> tuple[float, float, int]:
    conn = sqlite3.connect(db_path)
    lines: dict[int, list[tuple[str, int, int, str]]] = defaultdict(
        list
    )  # customer → (at, order, product, number)
    for customer_id, placed_at, order_id, product_id, number in conn.execute(
        "SELECT o.customer_id, o.placed_at, o.id, l.product_id, o.number FROM order_lines l"
        " JOIN orders o ON o.id = l.order_id WHERE o.customer_id IS NOT NULL"
    ):
        lines[customer_id].append((placed_at, order_id, product_id, number))
    events: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    for customer_id, at, kind, product_id in conn.execute(
        "SELECT customer_id, at, kind, product_id FROM events"
        " WHERE kind IN ('view', 'cart_add', 'cart_abandon')"
    ):
        events[customer_id].append((at, product_id, kind))
    categories, styles = {}, {}
    for product_id, category, style in conn.execute("SELECT id, category, style FROM products"):
        categories[product_id], styles[product_id] = category, style
    conn.close()

    eligible = sorted(c for c, rows in lines.items() if len({order for _at, order, _p, _n in rows}) >= 2)
    chosen = set(random.Random(seed).sample(eligible, min(sample, len(eligible))))
    held_out: dict[int, set[int]] = {}
    histories: dict[int, list[HistoryItem]] = {}
    purchases: list[tuple[int, int]] = []
    for customer_id, rows in lines.items():
        rows.sort(reverse=True)
        last_order = rows[0][1]
        keep = rows
        if customer_id in chosen:
            held_out[customer_id] = {p for _at, order, p, _n in rows if order == last_order}
            keep = [r for r in rows if r[1] != last_order]
            cutoff = rows[0][0]
            histories[customer_id] = [
                HistoryItem(p, "purchase", _when(at), number) for at, _o, p, number in keep
            ] + [
                HistoryItem(p, _EVENT_KINDS[kind], _when(at))  # type: ignore[arg-type]
                for at, p, kind in events.get(customer_id, ())
                if at < cutoff
            ]
        purchases.extend((customer_id, p) for _at, _o, p, _n in keep)
    views = [
        (c, p)
        for c, rows in events.items()
        for at, p, _kind in sorted(rows, reverse=True)
        if c not in chosen or at < lines[c][0][0]
    ]
    model = build_item_model(purchases, views, categories, styles)

    hits = popular_hits = 0
    for customer_id in sorted(chosen):
        history = histories[customer_id]
        now = max((h.at for h in history), default=datetime.now(UTC))
        ranked = [r.product_id for r in rank_products(model, history, now, TOP_K)]
        hits += bool(held_out[customer_id] & set(ranked))
        popular_hits += bool(held_out[customer_id] & set(most_popular(model, history, TOP_K)))
    return hits / len(chosen), popular_hits / len(chosen), len(chosen)


def main() -> int:
    quick = os.environ.get("BENCH_QUICK") == "1"
    sample = QUICK_SAMPLE if quick else SAMPLE
    reuse = os.environ.get("STOREASSIST_RECO_DB")
    with tempfile.TemporaryDirectory(prefix="storeassist-reco-") as tmp:
        db_path = Path(reuse) if reuse else Path(tmp) / "chain.sqlite"
        if not reuse:
            from storeassist.hub.seed import seed_chain

            seed_chain(str(db_path), stores=10, products=2000, customers=20_000, seed=7)
        started = time.perf_counter()
        hit10, popular10, evaluated = evaluate(db_path, sample)
    lift = hit10 / popular10 if popular10 else float("inf")
    print(f"customers evaluated: {evaluated}  ({time.perf_counter() - started:.1f} s)")
    print(
        f"reco_hit10 = {hit10:.3f}   reco_hit10_popular = {popular10:.3f}   lift = {lift:.2f} (target ≥ 1.30)"
    )
    record("reco_hit10", hit10)
    record("reco_hit10_popular", popular10)
    record("reco_lift_vs_popular", lift)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
