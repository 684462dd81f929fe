"""What a self-service kiosk may show a shopper, and when it forgets them.

A kiosk is a public screen: it greets a shopper by first name and last initial, shows their tier,
points and offers, and nothing else of their profile. It forgets them after a finished flow and
after :data:`IDLE_RESET_S` without a touch (warning at :data:`IDLE_WARNING_S`). Pure Python.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from storeassist.domain.loyalty import standing

#: Seconds without a touch before the kiosk warns that it will start over, and before it does.
IDLE_WARNING_S = 45
IDLE_RESET_S = 60
#: Points that make a voucher, and what the voucher is worth (minor units).
VOUCHER_POINTS = 500
VOUCHER_CENTS = 500
#: Percent off by tier, for members above the first tier.
TIER_PERCENT = {"silver": 5, "gold": 10, "platinum": 15}
#: Percent off in a category the shopper says they like.
LIKED_CATEGORY_PERCENT = 10


def _is_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in ("W", "F") for ch in text)


def greeting_name(full_name: str) -> str:
    """The name a kiosk greets with: the first name and the last name's initial ("Maria J."); a
    name written without spaces (Chinese, Japanese, Korean) keeps its first character only
    ("马**"); a lone first name is itself. Never a whole full name."""
    parts = full_name.split()
    if not parts:
        return ""
    if len(parts) == 1:
        name = parts[0]
        if _is_cjk(name) and len(name) > 1:
            return name[0] + "*" * min(3, len(name) - 1)
        return name  # a first name alone
    return f"{parts[0]} {parts[-1][0]}."


@dataclass(frozen=True, slots=True)
class Offer:
    code: str
    params: dict[str, str | int]


def kiosk_offers(points: int, liked_categories: list[str]) -> list[Offer]:
    """The offers a kiosk shows a shopper with ``points`` who likes ``liked_categories``: their
    tier's discount, a voucher their points can buy, and the first category they like."""
    offers: list[Offer] = []
    tier = standing(points).tier
    if tier in TIER_PERCENT:
        offers.append(Offer("tier_discount", {"tier": tier, "percent": TIER_PERCENT[tier]}))
    if points >= VOUCHER_POINTS:
        vouchers = points // VOUCHER_POINTS
        offers.append(
            Offer(
                "points_voucher",
                {"points": vouchers * VOUCHER_POINTS, "amount_cents": vouchers * VOUCHER_CENTS},
            )
        )
    if liked_categories:
        offers.append(
            Offer("category_offer", {"category": liked_categories[0], "percent": LIKED_CATEGORY_PERCENT})
        )
    return offers


class KioskRefused(ValueError):
    """A kiosk's request the hub (or the kiosk itself, before sending) refused, with what the
    kiosk words it from: ``code`` is the hub's problem code (``pickup_code_wrong`` with
    ``tries_left``, ``pickup_needs_manager``, ``not_kiosk_pickup``, ``unknown_line`` with
    ``line_no`` …) or the kiosk's own (``pickup_code_malformed``, ``sign_in_refused``);
    ``params`` are the values the sentence needs. Carries nothing of the shopper."""

    def __init__(self, code: str, params: dict[str, str | int] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, str | int] = dict(params or {})


class KioskUnavailable(RuntimeError):
    """The kiosk could not get an answer: the hub did not answer within the kiosk's time
    (``code`` ``hub_unreachable``), failed (``hub_error``), or no longer takes this device
    (``device_revoked``). The kiosk asks the shopper to see an associate."""

    def __init__(self, code: str = "hub_unreachable") -> None:
        super().__init__(code)
        self.code = code
