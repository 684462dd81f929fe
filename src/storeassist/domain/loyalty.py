"""Loyalty arithmetic: tiers by points, and what the next tier needs."""

from __future__ import annotations

from dataclasses import dataclass

#: (tier, points needed), ascending.
TIERS: tuple[tuple[str, int], ...] = (("member", 0), ("silver", 1_000), ("gold", 5_000), ("platinum", 15_000))


@dataclass(frozen=True, slots=True)
class TierStanding:
    tier: str
    next_tier: str | None
    points_to_next: int | None


def tier_for(points: int) -> str:
    tier = TIERS[0][0]
    for name, threshold in TIERS:
        if points >= threshold:
            tier = name
    return tier


def standing(points: int) -> TierStanding:
    """The tier that ``points`` earn and how far the next one is."""
    current = tier_for(points)
    for name, threshold in TIERS:
        if threshold > points:
            return TierStanding(current, name, threshold - points)
    return TierStanding(current, None, None)
