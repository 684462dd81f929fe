"""A tablet enrolled at the real hub under test, with a staff member signed in: its client, cache,
outbox and sync engine, for the services' tests against the hub (each test module adds its desks)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from storeassist.client import HubClient
from storeassist.contract import EnrollRequest, StaffSession, StaffSignInRequest
from storeassist.local import LocalCache, Outbox
from storeassist.services.sign_in_staff import StaffSessionState
from storeassist.sync import SyncEngine


@dataclass
class HubTablet:
    """One enrolled tablet: its files, its online client and its sync."""

    hub: Any
    client: HubClient
    credential: str
    cache: LocalCache
    outbox: Outbox
    staff: StaffSessionState
    session: StaffSession
    sync: SyncEngine

    def parts(self) -> dict[str, Any]:
        """Its fields by name, for a test module's tablet that adds its desks to them."""
        return {f.name: getattr(self, f.name) for f in fields(HubTablet)}

    def engine(self, client: HubClient) -> SyncEngine:
        """A sync engine over this tablet's files through another client (one out of reach)."""
        return SyncEngine(client, self.outbox, self.cache, self.hub.store_id)

    async def aclose(self) -> None:
        await self.sync.aclose()
        await self.client.aclose()
        self.cache.close()
        self.outbox.close()


async def enroll_tablet(
    hub: Any, folder: Path, *, who: tuple[str, str] | None = None, name: str = "Counter tablet"
) -> HubTablet:
    """Enroll a tablet at ``hub`` with a one-time code and sign ``who`` (staff number, PIN; the
    hub's associate by default) in; its cache and outbox in ``folder``. No sync has run yet."""
    folder.mkdir(parents=True, exist_ok=True)
    async with HubClient(hub.url) as anonymous:
        enrollment = await anonymous.enroll(EnrollRequest(code=hub.enroll_code(), device_name=name))
    client = HubClient(hub.url, enrollment.credential)
    number, pin = who or (hub.staff_number, hub.staff_pin)
    session = await client.staff_sign_in(StaffSignInRequest(staff_number=number, pin=pin))
    staff = StaffSessionState()
    staff.sign_in(session)
    cache, outbox = LocalCache(folder / "cache.sqlite"), Outbox(folder / "outbox.sqlite")
    sync = SyncEngine(client, outbox, cache, hub.store_id)
    return HubTablet(hub, client, enrollment.credential, cache, outbox, staff, session, sync)
