"""Ranking products for one customer from an :class:`~storeassist.hub.recommend.model.ItemModel`.

Score = what goes with things they bought or looked at (item neighbours, weighted by recency)
+ what they showed intent for and did not buy (repeat views, carts) + the best sellers of the
categories they favour (and their companion categories) + a little overall popularity.
Products they bought, and other sizes or colours of a style they bought, are left out.
Each pick keeps the reason that contributed most, as a code with its values
(``contract.Recommendation``): the tablet words it for the associate.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from storeassist.contract import RecommendationReason
from storeassist.hub.recommend.model import ItemModel

HALF_LIFE_DAYS = 365.0
KIND_WEIGHT = {"purchase": 1.0, "cart": 1.2, "view": 0.6}
NEIGHBOUR_WEIGHT = 1.0
INTENT_WEIGHT = 0.35
CATEGORY_WEIGHT = 1.6
COMPANION_WEIGHT = 0.35
POPULAR_WEIGHT = 0.3
TOP_CATEGORIES = 4
EXCLUDE_OWNED_STYLES = False
MAX_PER_STYLE = 2


@dataclass(frozen=True, slots=True)
class HistoryItem:
    product_id: int
    kind: Literal["purchase", "cart", "view"]
    at: datetime
    order_number: str | None = None
    #: The product's name, for the reason of what goes with it (the model knows ids only).
    product_name: str | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a product is suggested: a ``contract.RecommendationReason`` and the values it is worded with."""

    code: RecommendationReason
    params: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RankedProduct:
    product_id: int
    score: float
    reason: Reason


def _recency(now: datetime, at: datetime) -> float:
    age_days = max(0.0, (now - at).total_seconds() / 86400)
    return math.pow(0.5, age_days / HALF_LIFE_DAYS)


def _days_ago(now: datetime, at: datetime) -> int:
    """Whole days from ``at`` to ``now``, rounded down (a time ahead of ``now`` is today)."""
    return max(0, (now - at).days)


def _goes_with(item: HistoryItem) -> Reason:
    """The reason for a neighbour of something in their history."""
    named = {"product": item.product_name} if item.product_name else {}
    if item.kind == "purchase":
        number = {"number": item.order_number} if item.order_number else {}
        return Reason("goes_with_order", {**number, **named})
    return Reason("bought_with_viewed" if item.kind == "view" else "bought_with_carted", named)


def rank_products(
    model: ItemModel, history: Sequence[HistoryItem], now: datetime, limit: int
) -> list[RankedProduct]:
    """The best ``limit`` candidates, highest score first (before any stock filter)."""
    owned = {h.product_id for h in history if h.kind == "purchase"}
    owned_styles = {model.style_of.get(p) for p in owned} - {None}
    scores: dict[int, float] = defaultdict(float)
    reasons: dict[int, tuple[float, Reason]] = {}

    def add(product_id: int, amount: float, reason: Reason) -> None:
        if amount <= 0:
            return
        scores[product_id] += amount
        best = reasons.get(product_id)
        if best is None or amount > best[0]:
            reasons[product_id] = (amount, reason)

    category_weight: defaultdict[str, float] = defaultdict(float)
    interest: dict[int, list[HistoryItem]] = defaultdict(list)
    for item in history:
        weight = KIND_WEIGHT[item.kind] * _recency(now, item.at)
        category = model.category_of.get(item.product_id)
        if category is not None:
            category_weight[category] += weight
        if item.kind != "purchase":
            interest[item.product_id].append(item)
        neighbours = model.neighbours.get(item.product_id)
        if neighbours:
            why = _goes_with(item)
            # Another size or colour of the item itself shares its name: "goes with the Belt" of a
            # belt says nothing, so its reason leaves the name out.
            unnamed = _goes_with(replace(item, product_name=None)) if item.product_name else why
            style = model.style_of.get(item.product_id)
            for neighbour, similarity in neighbours:
                same_style = style is not None and model.style_of.get(neighbour) == style
                add(neighbour, NEIGHBOUR_WEIGHT * weight * similarity, unnamed if same_style else why)

    for product_id, items in interest.items():
        latest = max(items, key=lambda h: h.at)
        views = sum(1 for h in items if h.kind == "view")
        carts = len(items) - views
        weight = sum(KIND_WEIGHT[h.kind] * _recency(now, h.at) for h in items)
        days = _days_ago(now, latest.at)
        if carts:
            why = Reason("left_in_cart", {"days": days})
        else:
            why = Reason("viewed_online", {"views": views, "days": days})
        add(product_id, INTENT_WEIGHT * weight, why)

    total = sum(category_weight.values()) or 1.0
    spread: defaultdict[str, float] = defaultdict(float, {c: w / total for c, w in category_weight.items()})
    for category, share in list(spread.items()):
        for companion, affinity in model.category_affinity.get(category, {}).items():
            spread[companion] += COMPANION_WEIGHT * share * affinity
    # heapq.nlargest over items() is Counter.most_common(n), for float weights.
    for category, share in heapq.nlargest(TOP_CATEGORIES, spread.items(), key=lambda pair: pair[1]):
        top = model.category_top.get(category, [])
        if not top:
            continue
        best = model.popularity.get(top[0], 1.0) or 1.0
        liked = category in category_weight
        why = Reason(
            "category_best_seller" if liked else "related_category_best_seller", {"category": category}
        )
        for product_id in top:
            add(product_id, CATEGORY_WEIGHT * share * model.popularity.get(product_id, 0.0) / best, why)

    if model.global_top:
        best = model.popularity.get(model.global_top[0], 1.0) or 1.0
        popular = Reason("popular_now")
        for product_id in model.global_top[:50]:
            add(product_id, POPULAR_WEIGHT * model.popularity.get(product_id, 0.0) / best, popular)

    ranked: list[RankedProduct] = []
    per_style: Counter[str | None] = Counter()
    for product_id, score in sorted(scores.items(), key=lambda pair: (-pair[1], pair[0])):
        style = model.style_of.get(product_id)
        if product_id in owned or (EXCLUDE_OWNED_STYLES and style in owned_styles):
            continue
        if style is not None and per_style[style] >= MAX_PER_STYLE:
            continue  # two variants of a style at most: a list of one shirt in eight colours helps nobody
        per_style[style] += 1
        ranked.append(RankedProduct(product_id, round(score, 4), reasons[product_id][1]))
        if len(ranked) == limit:
            break
    return ranked


def most_popular(model: ItemModel, history: Sequence[HistoryItem], limit: int) -> list[int]:
    """The baseline: the chain's best sellers the customer has not bought."""
    owned = {h.product_id for h in history if h.kind == "purchase"}
    return [p for p in model.global_top if p not in owned][:limit]
