"""A device's services for screens tested without a hub (``tests/support`` is on pytest's path)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from storeassist.contract import Role
from storeassist.services.view_customer import ViewCustomer


@dataclass
class FakeDevice:
    """A device's services as the window and its features use them, for screens tested without a
    hub: a real :class:`ViewCustomer` over whatever ``lookup`` stand-in the test gives."""

    view_customer: ViewCustomer
    store_id: int = 1
    store_name: str = "Test store"
    sign_in: Any = None
    staff: Any = None
    sync: Any = None
    notes: Any = None
    suggestions: Any = None
    store_locale: str | None = None
    store_currency: str | None = None
    store_timezone: str | None = None

    async def store_names(self) -> Mapping[int, str]:
        return {self.store_id: self.store_name}


def make_fake_device(
    lookup: Any, *, role: Role | None = "admin", store_id: int = 1, **services: Any
) -> FakeDevice:
    """``lookup`` answers like ``IdentifyCustomer``; ``role`` is who is signed in (None: nobody)."""
    return FakeDevice(ViewCustomer(lookup, store_id, lambda: role), store_id=store_id, **services)
