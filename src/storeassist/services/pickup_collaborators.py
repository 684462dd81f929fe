"""What the pickup desk (``services/pickup_desk.py``) needs of its collaborators, as Protocols.

Each names only the calls the desk makes of the hub client, this tablet's cache and the outbox, so
tests hand in stubs; ``startup.py`` passes the real ones. The sync engine and the signed-in session
are :mod:`~storeassist.services.outbox_commands`' ``ImmediatePush`` and ``SignedInStaff``, shared
by every counter service.
The cache's reads for the hand-over checks are :class:`~storeassist.services.pickup_checks.CheckedCache`'s.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from storeassist.contract import Command, CustomerPage, Order, PickupCodeAnswer, PickupQueue
from storeassist.local import OutboxEntry
from storeassist.local.cache import StockedVariant
from storeassist.services.pickup_checks import CheckedCache


class PickupHub(Protocol):
    """``storeassist.client.HubClient`` as the desk uses it."""

    async def pickups(self, store_id: int) -> PickupQueue: ...

    async def search_customers(self, q: str, page: int | None = None) -> CustomerPage: ...

    async def resolve_order(self, token: str, store_id: int | None = None) -> Order: ...

    async def order(self, number: str) -> Order: ...

    async def check_pickup_code(self, order_id: int, store_id: int, code: str) -> PickupCodeAnswer: ...


class PickupCache(CheckedCache, Protocol):
    """``storeassist.local.LocalCache`` as the desk uses it (and its hand-over checks)."""

    def open_pickups(self) -> list[Order]: ...

    def pickup(self, order_number: str) -> Order | None: ...

    def pickup_by_id(self, order_id: int) -> Order | None: ...

    def store_pickup_queue(self, queue: PickupQueue, *, complete: bool) -> None: ...

    def store_pickup(self, order: Order) -> None: ...

    def pickups_as_of(self) -> datetime | None: ...

    def style_variants(self, sku: str) -> list[StockedVariant]: ...


class PickupOutbox(Protocol):
    """``storeassist.local.Outbox`` as the desk uses it."""

    def enqueue(self, command: Command) -> None: ...

    def get(self, command_id: UUID) -> OutboxEntry | None: ...

    def unacknowledged(self, *command_types: str) -> list[Command]: ...
