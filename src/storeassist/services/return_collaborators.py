"""What the return desk (``services/return_desk.py``) needs of its collaborators, as Protocols.

Each names only the calls the desk makes of the hub client, this tablet's cache, the outbox and
the sync engine, so tests hand in stubs; ``startup.py`` passes the real ones. The signed-in session
is :mod:`~storeassist.services.outbox_commands`' ``SignedInStaff``, shared by every counter service.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Protocol
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from storeassist.contract import (
    Command,
    KioskReturns,
    Product,
    ReturnableOrder,
    ReturnApproval,
    ReturnApprovalRequest,
    ReturnLookup,
)
from storeassist.local import OutboxEntry
from storeassist.local.cache import CachedStockLevel, KeptReturnOrder
from storeassist.services.outbox_commands import ImmediatePush


class ReturnHub(Protocol):
    """``storeassist.client.HubClient`` as the desk uses it."""

    async def lookup_return(self, lookup: ReturnLookup) -> ReturnableOrder: ...

    async def approve_return(self, request: ReturnApprovalRequest) -> ReturnApproval: ...

    async def kiosk_returns(self, store_id: int) -> KioskReturns: ...


class ReturnCache(Protocol):
    """``storeassist.local.LocalCache`` as the desk uses it (each read: a miss is None or empty)."""

    def verification_keys(self) -> Mapping[int, Ed25519PublicKey]: ...

    def keep_return_order(
        self,
        order: ReturnableOrder,
        *,
        now: datetime,
        receipt_code: str | None = None,
        laid_over: Iterable[str] = (),
    ) -> None: ...

    def count_return_in_kept_order(
        self, order: ReturnableOrder, *, now: datetime, laid_over: Iterable[str]
    ) -> None: ...

    def return_order(self, order_id: int, *, now: datetime) -> KeptReturnOrder | None: ...

    def return_order_by_number(self, number: str, *, now: datetime) -> KeptReturnOrder | None: ...

    def return_order_by_code(self, code: str, *, now: datetime) -> KeptReturnOrder | None: ...

    def product(self, sku_or_gtin: str) -> Product | None: ...

    def style_products(self, style: str) -> list[Product]: ...

    def available_here_many(self, skus: Iterable[str]) -> dict[str, int]: ...

    def stock_levels(self, sku: str) -> list[CachedStockLevel]: ...


class ReturnOutbox(Protocol):
    """``storeassist.local.Outbox`` as the desk uses it."""

    def enqueue(self, command: Command) -> None: ...

    def get(self, command_id: UUID) -> OutboxEntry | None: ...

    def unacknowledged(self, *command_types: str) -> list[Command]: ...


class ReturnSync(ImmediatePush, Protocol):
    """``storeassist.sync.SyncEngine`` as the desk uses it: push now, and whether the hub was
    reachable at last contact (None: not known yet)."""

    @property
    def online(self) -> bool | None: ...
