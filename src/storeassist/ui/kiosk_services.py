"""What the kiosk's screens use of the device: the kiosk desk (``services.kiosk``) and the store.

The screens call only these; :class:`~storeassist.services.kiosk_desk.KioskDesk` satisfies
:class:`KioskDeskLike`, and a kiosk's ``DeviceServices`` satisfies :class:`KioskServices`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storeassist.contract.kiosk import (
    KioskOrder,
    KioskPickupAnswer,
    KioskReturnChoice,
    KioskReturnStarted,
    KioskShopper,
)
from storeassist.domain.stock import ProductCard
from storeassist.ui.formatting import StorePlace


class KioskDeskLike(Protocol):
    """The kiosk desk's use cases, as the screens call them."""

    async def shopper(self, token: str) -> KioskShopper: ...

    def product(self, code: str) -> ProductCard | None: ...

    async def fresher(self, card: ProductCard) -> ProductCard: ...

    async def request_hold(self, sku: str, qty: int = 1) -> None: ...

    async def self_pickup(self, order_code: str, pickup_code: str) -> KioskPickupAnswer: ...

    async def return_order(self, code: str) -> KioskOrder: ...

    async def start_return(self, code: str, lines: Sequence[KioskReturnChoice]) -> KioskReturnStarted: ...

    async def exit_kiosk(self, *, badge: str | None, staff_number: str | None, pin: str) -> None: ...

    def forget(self) -> None: ...


class KioskServices(StorePlace, Protocol):
    """What the kiosk window and its screens use of the device."""

    @property
    def store_name(self) -> str: ...

    @property
    def kiosk(self) -> KioskDeskLike | None: ...
