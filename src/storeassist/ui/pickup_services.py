"""What the Pickups feature asks of the device: the pickup desk, arrivals, and how the store writes.

``storeassist.services.pickup_desk.PickupDesk`` and ``.pickup_arrivals.PickupArrivals`` as the
screens use them (style.md §1: a screen never imports a service; it declares what it calls). The
dataclasses that cross over are the domain's (:mod:`storeassist.domain.pickups`), the orders and
hand-over payloads the contract's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Protocol

from storeassist.contract import CollectPickupPayload, Order, OrderLine, PickupCodeAnswer
from storeassist.domain.pickups import (
    ArrivalReceipt,
    HandoverReceipt,
    OpenedPickup,
    PickupBoard,
    SubstituteOption,
)
from storeassist.ui.formatting import StorePlace


class PickupDeskLike(Protocol):
    """The counter's use cases, one call per action. Each raises ``SignInRequired`` with nobody
    signed in; the errors carry a ``code`` or a ``user_message`` the screen words."""

    def cached_board(self) -> PickupBoard:
        """The queue from this tablet's cache, at once."""
        ...

    def board(self) -> Awaitable[PickupBoard]:
        """The hub's queue (a short deadline), else the cache's."""
        ...

    def open_code(self, text: str) -> Awaitable[OpenedPickup]:
        """A scanned order code, checked here; raises a ``TokenError`` or ``PickupNotHere``."""
        ...

    def open_number(self, number: str) -> Awaitable[OpenedPickup]: ...

    def check_pickup_code(self, order_id: int, code: str) -> Awaitable[PickupCodeAnswer]:
        """At the hub only; offline it raises the client's unavailable error."""
        ...

    def substitutes(self, line: OrderLine) -> Sequence[SubstituteOption]:
        """Other sizes and colours of the line's style in stock here (from the cache)."""
        ...

    def hand_over(self, order: Order, payload: CollectPickupPayload) -> Awaitable[HandoverReceipt]:
        """Checked first (``HandoverInvalid``, nothing written), then queued and sent."""
        ...

    def restock(self, order: Order) -> Awaitable[HandoverReceipt]: ...

    def customers_by_phone(self, text: str) -> Awaitable[frozenset[int]]:
        """The customers whose phone starts with these digits (needs the back office)."""


class PickupArrivalsLike(Protocol):
    """An order on its way has arrived and is put in a bin: it is ready to hand over."""

    def receive(self, order: Order, bin: str) -> Awaitable[ArrivalReceipt]:
        """Checked first (``HandoverInvalid``: ``not_arriving``, ``bin_invalid``; nothing
        written), then queued and sent; the receipt's order is as it now shows."""
        ...


class PickupServices(StorePlace, Protocol):
    """What the Pickups feature needs of the device (and how its store writes)."""

    @property
    def store_id(self) -> int: ...

    @property
    def pickups(self) -> PickupDeskLike | None: ...

    @property
    def pickup_arrivals(self) -> PickupArrivalsLike | None: ...
