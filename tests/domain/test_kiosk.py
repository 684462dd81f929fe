"""What a kiosk may say of a shopper: a greeting that is never a whole name, and offers from their
points and what they like."""

from __future__ import annotations

import pytest

from storeassist.domain.kiosk import greeting_name, kiosk_offers


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("Maria Jensen", "Maria J."),
        ("Jean-Luc de la Tour", "Jean-Luc T."),
        ("马雨桐", "马**"),
        ("Ana", "Ana"),
        ("  ", ""),
    ],
)
def test_a_shopper_is_greeted_by_first_name_and_initial_never_by_full_name(name: str, greeting: str) -> None:
    assert greeting_name(name) == greeting


def test_offers_follow_the_tier_the_points_and_what_the_shopper_likes() -> None:
    assert [(o.code, o.params) for o in kiosk_offers(5_200, ["Dresses", "Shoes"])] == [
        ("tier_discount", {"tier": "gold", "percent": 10}),
        ("points_voucher", {"points": 5_000, "amount_cents": 5_000}),
        ("category_offer", {"category": "Dresses", "percent": 10}),
    ]
    assert kiosk_offers(120, []) == []
