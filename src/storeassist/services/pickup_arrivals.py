"""The pickup counter's arrivals: an order on its way (an endless-aisle order, or one being picked)
is here, and the associate puts it in a bin; from then on it is ready to hand over.

Like a hand-over (``services/pickup_desk.py``), an arrival is checked on the tablet first — this
store's pickup order, still on its way (placed or picking), a bin of 1–16 letters, digits,
spaces, dots, dashes or underscores — and a refusal is a
:class:`~storeassist.domain.pickups.HandoverInvalid` (``not_arriving``, ``bin_invalid``) or
:class:`~storeassist.domain.pickups.PickupNotHere`, with nothing written. Then the
``pickup.receive`` command goes to the outbox (durable), is pushed at once, and the counter
waits up to 3 s: applied → confirmed, and this tablet's copy is ready in its bin; no answer →
waiting, and the order shows ready in its bin from the outbox at once (``PickupDesk`` lays this
tablet's unconfirmed arrivals over every order it shows, like its hand-overs); a conflict (the
order is no longer on its way: another tablet received it, or it was cancelled) or a refusal →
said on the receipt, and it sits in "needs attention" like any refused command.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol
from uuid import UUID

from pydantic import ValidationError

from storeassist.client import HubError
from storeassist.contract import (
    Command,
    Order,
    ReceivePickupCommand,
    ReceivePickupPayload,
)
from storeassist.domain.orders import is_arriving
from storeassist.domain.pickups import ArrivalReceipt, HandoverInvalid, PickupNotHere, apply_receive
from storeassist.local import LocalStoreError, OutboxEntry
from storeassist.services.outbox_commands import ImmediatePush, SignedInStaff, StaffCommandIssuer, utc_now
from storeassist.services.pickup_receipts import handover_receipt

log = logging.getLogger("storeassist.pickups")

#: Seconds an arrival waits for the hub's answer before the receipt says "waiting".
ARRIVAL_WAIT_S = 3.0


class ArrivalsCache(Protocol):
    """``storeassist.local.LocalCache`` as the arrivals use it."""

    def store_pickup(self, order: Order) -> None: ...


class ArrivalsOutbox(Protocol):
    """``storeassist.local.Outbox`` as the arrivals use it."""

    def enqueue(self, command: Command) -> None: ...

    def get(self, command_id: UUID) -> OutboxEntry | None: ...


class PickupArrivals(StaffCommandIssuer):
    """Recording that a pickup order has arrived (the ``pickup_arrivals`` service of ``DeviceServices``)."""

    def __init__(
        self,
        cache: ArrivalsCache,
        outbox: ArrivalsOutbox,
        sync: ImmediatePush,
        store_id: int,
        staff: SignedInStaff,
        *,
        clock: Callable[[], datetime] = utc_now,
        wait_s: float = ARRIVAL_WAIT_S,
    ) -> None:
        super().__init__(outbox, store_id, staff, clock=clock)
        self._cache = cache
        self._box = outbox
        self._sync = sync
        self._wait_s = wait_s

    async def receive(self, order: Order, bin: str) -> ArrivalReceipt:
        """``order`` (as the counter showed it) has arrived and is put in ``bin``.

        Refused here, with nothing written: :class:`PickupNotHere` for an order that is not a
        pickup of this store; :class:`HandoverInvalid` ``not_arriving`` for one that is not on its
        way (already ready, collected…), ``bin_invalid`` for a bin the hub would not take. Else
        the receipt is ``confirmed``, ``waiting`` (no answer within 3 s: the order shows ready in
        its bin on this tablet and goes when the hub answers), ``conflict`` or ``refused`` (with
        the hub's code; also in "needs attention")."""
        staff = self.signed_in()
        payload = self._checked(order, bin)
        at = self._clock()
        command = ReceivePickupCommand(
            **self.fields(at=at, staff_id=staff.staff_id), type="pickup.receive", payload=payload
        )
        self.issue(command)
        entry = await self._answer_for(command.id)
        # The hand-over's receipt reads the outbox's answer the same way: confirmed, refused, conflict.
        answer = handover_receipt(order, command.id, at, staff, "ready", entry, ())
        arrived = apply_receive(order, payload.bin)
        if answer.status == "confirmed":
            self._keep(arrived)
        return ArrivalReceipt(
            order=arrived if answer.status in ("confirmed", "waiting") else order,
            bin=payload.bin,
            at=at,
            staff_name=staff.name,
            status=answer.status,
            reference=str(command.id),
            code=answer.code,
            params=answer.params,
        )

    def _checked(self, order: Order, bin: str) -> ReceivePickupPayload:
        """The command's payload, once everything the tablet can check is right."""
        if order.store_id != self._store_id or order.pickup_state is None:
            raise PickupNotHere(order.number, order.store_id)
        if not is_arriving(order.pickup_state):
            raise HandoverInvalid(
                "not_arriving", {"order_number": order.number, "pickup_state": order.pickup_state}
            )
        try:
            return ReceivePickupPayload(order_id=order.id, bin=bin.strip())
        except ValidationError:
            raise HandoverInvalid("bin_invalid", {"order_number": order.number}) from None

    async def _answer_for(self, command_id: UUID) -> OutboxEntry | None:
        """Push the outbox now and wait (at most ``wait_s``) for the hub's answer to ``command_id``;
        the push goes on after the wait, and the round after that if it fails."""
        push = self._sync.push_soon()
        try:
            async with asyncio.timeout(self._wait_s):
                await asyncio.shield(push)
        except TimeoutError:
            log.info("the hub did not answer an arrival within %.0f s; it waits to sync", self._wait_s)
        except HubError as exc:
            log.info("an arrival waits to sync (%s)", type(exc).__name__)
        try:
            return self._box.get(command_id)
        except LocalStoreError as exc:  # saved, but its answer cannot be read just now
            log.warning("the arrival's answer could not be read (%s)", type(exc).__name__)
            return None

    def _keep(self, order: Order) -> None:
        """This tablet's copy is ready in its bin (the next sync brings the hub's)."""
        try:
            self._cache.store_pickup(order)
        except LocalStoreError as exc:
            log.warning("an arrived order could not be kept for offline use: %s", exc)
