"""Loyalty standing and store distances."""

from __future__ import annotations

import pytest

from storeassist.domain.geo import distance_km
from storeassist.domain.loyalty import standing


@pytest.mark.parametrize(
    ("points", "tier", "next_tier", "to_next"),
    [
        (0, "member", "silver", 1000),
        (999, "member", "silver", 1),
        (1000, "silver", "gold", 4000),
        (20000, "platinum", None, None),
    ],
)
def test_standing_says_what_the_next_tier_needs(
    points: int, tier: str, next_tier: str | None, to_next: int | None
) -> None:
    s = standing(points)
    assert (s.tier, s.next_tier, s.points_to_next) == (tier, next_tier, to_next)


def test_london_to_paris_is_about_344_km() -> None:
    assert distance_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.5, abs=1.5)
