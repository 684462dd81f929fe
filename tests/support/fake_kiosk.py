"""A kiosk desk without a hub, for the kiosk screens' tests: a canary shopper (whose name, loyalty
id and points must never outlive a reset), the stock fake's catalog, one self-pickup order (code
123456, three tries), one order to return from, and a manager who may leave kiosk mode."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from fake_stock import FakeStockDesk

from storeassist.contract.catalog import Product
from storeassist.contract.kiosk import (
    KioskOffer,
    KioskOrder,
    KioskPickupAnswer,
    KioskReturnChoice,
    KioskReturnLine,
    KioskReturnStarted,
    KioskShopper,
    KioskSuggestion,
)
from storeassist.domain.kiosk import KioskRefused, greeting_name
from storeassist.domain.stock import ProductCard

#: The canary: none of these may be found in a widget or model after a reset.
CANARY_NAME = "Zebulon Quartermaine"
CANARY_LOYALTY_ID = "L-7719931"
CANARY_POINTS = 48213
CANARY_TOKEN = f"SA1.loyalty.{CANARY_LOYALTY_ID}"
PICKUP_ORDER_CODE = "SA1.order.P-5501"
LOCKER_ORDER_CODE = "SA1.order.P-5502"
COUNTER_ONLY_CODE = "SA1.order.P-5503"
PICKUP_CODE = "123456"
RECEIPT_CODE = "SA1.receipt.W-8801"
MANAGER = ("M100", "4321")
MANAGER_BADGE = "SA1.badge.M100"


def canary_shopper() -> KioskShopper:
    cap = Product(
        sku="CAP-1", gtin="4000000000501", style="CAP", name="Canvas cap", brand="Nordwear",
        category="accessories", price_cents=1500,
    )  # fmt: skip
    return KioskShopper(
        greeting_name=greeting_name(CANARY_NAME),
        tier="gold",
        points=CANARY_POINTS,
        next_tier="platinum",
        points_to_next=1787,
        offers=[
            KioskOffer(code="tier_discount", params={"tier": "gold", "percent": 10}),
            KioskOffer(code="points_voucher", params={"points": 48000, "amount_cents": 48000}),
            KioskOffer(code="category_offer", params={"category": "tops", "percent": 10}),
        ],
        suggestions=[KioskSuggestion(product=cap, here=4, reason_code="goes_with_order")],
    )


@dataclass
class FakeKioskDesk:
    stock: FakeStockDesk = field(default_factory=FakeStockDesk)
    idle_warning_s: float = 45
    idle_reset_s: float = 60
    tries_left: int = 3
    forgot: int = 0
    hold_requests: list[tuple[str, int]] = field(default_factory=list)
    started: list[tuple[str, list[KioskReturnChoice]]] = field(default_factory=list)
    exits: list[tuple[str | None, str | None]] = field(default_factory=list)
    #: Every code the kiosk asked about (a loyalty token, a product, an order's code), in order.
    asked: list[str] = field(default_factory=list)
    #: While set, every hub call waits for it (a test releases it).
    gate: asyncio.Event | None = None

    async def _wait(self) -> None:
        if self.gate is not None:
            await self.gate.wait()

    async def shopper(self, token: str) -> KioskShopper:
        self.asked.append(token)
        await self._wait()
        if token != CANARY_TOKEN:
            raise KioskRefused("unknown_card")
        return canary_shopper()

    def product(self, code: str) -> ProductCard | None:
        self.asked.append(code)
        try:
            return self.stock.card(code)
        except LookupError:
            return None

    async def fresher(self, card: ProductCard) -> ProductCard:
        await self._wait()
        return card

    async def request_hold(self, sku: str, qty: int = 1) -> None:
        await self._wait()
        self.hold_requests.append((sku, qty))

    async def self_pickup(self, order_code: str, pickup_code: str) -> KioskPickupAnswer:
        self.asked.append(order_code)
        await self._wait()
        if order_code == COUNTER_ONLY_CODE:
            raise KioskRefused("not_kiosk_pickup")
        if self.tries_left <= 0:
            raise KioskRefused("pickup_needs_manager")
        if pickup_code != PICKUP_CODE:
            self.tries_left -= 1
            if self.tries_left <= 0:
                raise KioskRefused("pickup_needs_manager")
            raise KioskRefused("pickup_code_wrong", {"tries_left": self.tries_left})
        if order_code == LOCKER_ORDER_CODE:
            return KioskPickupAnswer(order_number="P-5502", where="locker", locker="14", items=2)
        return KioskPickupAnswer(order_number="P-5501", where="counter", items=3)

    async def return_order(self, code: str) -> KioskOrder:
        self.asked.append(code)
        await self._wait()
        return KioskOrder(
            order_number="W-8801",
            lines=[
                KioskReturnLine(line_no=1, name="Organic cotton tee", size="M", colour="Navy", returnable=1,
                                verdict="returnable"),
                KioskReturnLine(line_no=2, name="Canvas cap", returnable=0, verdict="final_sale"),
            ],
        )  # fmt: skip

    async def start_return(self, code: str, lines: Sequence[KioskReturnChoice]) -> KioskReturnStarted:
        await self._wait()
        if not lines:
            raise KioskRefused("no_lines")
        self.started.append((code, list(lines)))
        return KioskReturnStarted(reference="K-4821")

    async def exit_kiosk(self, *, badge: str | None, staff_number: str | None, pin: str) -> None:
        await self._wait()
        self.exits.append((badge, staff_number))
        if (staff_number, pin) != MANAGER and (badge, pin) != (MANAGER_BADGE, MANAGER[1]):
            raise KioskRefused("sign_in_refused")

    def forget(self) -> None:
        self.forgot += 1


@dataclass
class FakeKioskDevice:
    kiosk: FakeKioskDesk = field(default_factory=FakeKioskDesk)
    store_name: str = "Nordwear Aarhus"
    store_id: int = 1
    store_locale: str | None = None
    store_currency: str | None = None
    store_timezone: str | None = None
