"""Item-to-item statistics learned from behaviour: co-purchase, co-view, popularity, category affinity.

Pure Python over plain tuples, so the hub (from its database) and the offline evaluation (from a
held-out split) build it the same way. Neighbour lists are bounded (:data:`NEIGHBOURS`) so the
model stays small at 100,000 products.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

NEIGHBOURS = 25
CATEGORY_TOP = 40
GLOBAL_TOP = 200
#: Items per customer taken into the pair counts; keeps one heavy buyer from dominating (and the cost).
ITEMS_PER_CUSTOMER = 24
CO_VIEW_WEIGHT = 0.3
#: Shrinks the similarity of pairs seen only a few times.
SHRINKAGE = 3.0

K = TypeVar("K")


@dataclass
class ItemModel:
    """What the ranking needs, by product id."""

    neighbours: dict[int, list[tuple[int, float]]] = field(default_factory=dict)
    popularity: dict[int, float] = field(default_factory=dict)
    category_of: dict[int, str] = field(default_factory=dict)
    style_of: dict[int, str] = field(default_factory=dict)
    category_top: dict[str, list[int]] = field(default_factory=dict)
    category_affinity: dict[str, dict[str, float]] = field(default_factory=dict)
    global_top: list[int] = field(default_factory=list)


def build_item_model(
    purchases: Iterable[tuple[int, int]],
    views: Iterable[tuple[int, int]],
    category_of: Mapping[int, str],
    style_of: Mapping[int, str],
) -> ItemModel:
    """``purchases`` and ``views`` are ``(customer_id, product_id)`` pairs, most recent first per customer."""
    bought: dict[int, list[int]] = defaultdict(list)
    for customer_id, product_id in purchases:
        items = bought[customer_id]
        if product_id not in items and len(items) < ITEMS_PER_CUSTOMER:
            items.append(product_id)
    viewed: dict[int, list[int]] = defaultdict(list)
    for customer_id, product_id in views:
        items = viewed[customer_id]
        if product_id not in items and len(items) < ITEMS_PER_CUSTOMER:
            items.append(product_id)

    # Weighted counts (views count CO_VIEW_WEIGHT), so float accumulators rather than Counter,
    # whose values typeshed pins to int; _most_common ranks them as Counter.most_common would.
    popularity: defaultdict[int, float] = defaultdict(float)
    pairs: defaultdict[int, defaultdict[int, float]] = defaultdict(lambda: defaultdict(float))
    category_pairs: defaultdict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    for items in bought.values():
        for p in items:
            popularity[p] += 1
        for a in items:
            row = pairs[a]
            for b in items:
                if a != b:
                    row[b] += 1.0
        categories = {category_of.get(p, "") for p in items}
        for c1 in categories:
            for c2 in categories:
                if c1 != c2:
                    category_pairs[c1][c2] += 1.0
    for customer_id, items in viewed.items():
        together = set(items) | set(bought.get(customer_id, ()))
        for p in items:
            popularity[p] += CO_VIEW_WEIGHT
        for a in items:
            row = pairs[a]
            for b in together:
                if a != b:
                    row[b] += CO_VIEW_WEIGHT
                    pairs[b][a] += CO_VIEW_WEIGHT

    neighbours: dict[int, list[tuple[int, float]]] = {}
    for a, row in pairs.items():
        pop_a = popularity.get(a, 0.0) + SHRINKAGE
        scored = (
            (b, count / math.sqrt(pop_a * (popularity.get(b, 0.0) + SHRINKAGE))) for b, count in row.items()
        )
        neighbours[a] = heapq.nlargest(NEIGHBOURS, scored, key=lambda pair: pair[1])

    by_category: dict[str, list[int]] = defaultdict(list)
    for product_id in sorted(popularity, key=lambda p: (-popularity[p], p)):
        bucket = by_category[category_of.get(product_id, "")]
        if len(bucket) < CATEGORY_TOP:
            bucket.append(product_id)
    affinity: dict[str, dict[str, float]] = {}
    for c1, companions in category_pairs.items():
        total = sum(companions.values()) or 1.0
        affinity[c1] = {c2: count / total for c2, count in _most_common(companions, 6)}
    return ItemModel(
        neighbours=neighbours,
        popularity=dict(popularity),
        category_of=dict(category_of),
        style_of=dict(style_of),
        category_top=dict(by_category),
        category_affinity=affinity,
        global_top=[p for p, _ in _most_common(popularity, GLOBAL_TOP)],
    )


def _most_common(counts: Mapping[K, float], n: int) -> list[tuple[K, float]]:
    """The ``n`` largest counts, ties in insertion order: the same as ``Counter.most_common(n)``."""
    return heapq.nlargest(n, counts.items(), key=lambda pair: pair[1])
