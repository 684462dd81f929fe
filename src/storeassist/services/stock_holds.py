"""The store's holds as the stock desk shows them, with what this tablet did and the hub has not
confirmed laid over them; and the receipt of a hold, release, extension, put-back or order.

A hold placed here shows at once as active and "waiting to sync"; a release, an extension or a
put-back made here shows as the tablet expects it to end up, also marked. The hub's answer, when
it comes, replaces all of it (the outbox then no longer lists the command as unconfirmed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from storeassist.contract import (
    AisleOrderCommand,
    Command,
    ExtendHoldCommand,
    PlaceHoldCommand,
    Product,
    PutBackHoldCommand,
    ReleaseHoldCommand,
    StoreHold,
)
from storeassist.domain.stock import ActionReceipt, HoldRow
from storeassist.local import CachedProfile, OutboxEntry, OutboxState
from storeassist.services.outbox_commands import utc_now

#: The commands that change a store's holds, as the outbox names them.
HOLD_COMMAND_TYPES = ("hold.place", "hold.release", "hold.extend", "hold.put_back")
HoldCommand = PlaceHoldCommand | ReleaseHoldCommand | ExtendHoldCommand | PutBackHoldCommand
#: What the tablet knows to show a hold placed here: the product (None if not cached) and the
#: customer's name (None if unknown here).
ProductOf = Callable[[str], Product | None]
CustomerNameOf = Callable[[int], str | None]


class KeptProfiles(Protocol):
    """``storeassist.local.LocalCache`` as :func:`kept_customer_name` reads it."""

    def profile(self, customer_id: int, *, now: datetime) -> CachedProfile | None: ...


def kept_customer_name(cache: KeptProfiles, clock: Callable[[], datetime] = utc_now) -> CustomerNameOf:
    """Names a customer from the profile this tablet keeps (None: not kept, or expired)."""

    def name_of(customer_id: int) -> str | None:
        kept = cache.profile(customer_id, now=clock())
        return kept.profile.customer.name if kept is not None else None

    return name_of


def hold_row(hold: StoreHold) -> HoldRow:
    """A hold of the hub's list as the desk shows it."""
    return HoldRow(
        id=hold.id,
        sku=hold.sku,
        product_name=hold.product_name,
        size=hold.size,
        colour=hold.colour,
        customer_id=hold.customer_id,
        customer_name=hold.customer_name,
        qty=hold.qty,
        placed_at=hold.placed_at,
        expires_at=hold.expires_at,
        status=hold.status,
        ended_at=hold.ended_at,
        put_back_at=hold.put_back_at,
    )


def lay_over(
    rows: Iterable[HoldRow],
    commands: Iterable[Command],
    store_id: int,
    product_of: ProductOf,
    customer_name_of: CustomerNameOf,
) -> list[HoldRow]:
    """``rows`` with this tablet's unconfirmed hold commands (oldest first) applied and marked
    ``waiting_to_sync``; a hold placed here that the hub does not list yet is added. A command
    that no longer fits its hold (ended meanwhile at the hub) changes nothing: the hub decides."""
    shown = {row.id: row for row in rows}
    for command in commands:
        if command.store_id != store_id:
            continue
        if isinstance(command, PlaceHoldCommand):
            hold_id = str(command.id)
            if hold_id not in shown:  # applied already when listed: its answer is on the way
                shown[hold_id] = _placed_here(command, product_of, customer_name_of)
            continue
        if not isinstance(command, ReleaseHoldCommand | ExtendHoldCommand | PutBackHoldCommand):
            continue
        row = shown.get(command.payload.hold_id)
        if row is None:
            continue
        changed = _changed(row, command)
        if changed is not None:
            shown[row.id] = changed
    return sort_holds(shown.values())


def _placed_here(
    command: PlaceHoldCommand, product_of: ProductOf, customer_name_of: CustomerNameOf
) -> HoldRow:
    payload = command.payload
    product = product_of(payload.sku)
    return HoldRow(
        id=str(command.id),
        sku=payload.sku,
        product_name=product.name if product is not None else payload.sku,
        size=product.size if product is not None else None,
        colour=product.colour if product is not None else None,
        customer_id=payload.customer_id,
        customer_name=customer_name_of(payload.customer_id) or "",
        qty=payload.qty,
        placed_at=command.issued_at,
        expires_at=command.issued_at + timedelta(hours=payload.hours),
        status="active",
        waiting_to_sync=True,
    )


def _changed(row: HoldRow, command: HoldCommand) -> HoldRow | None:
    at = command.issued_at
    if isinstance(command, ReleaseHoldCommand):
        if row.status != "active":
            return None
        return replace(row, status="released", ended_at=at, waiting_to_sync=True)
    if isinstance(command, ExtendHoldCommand):
        if row.status != "active":
            return None
        return replace(row, expires_at=at + timedelta(hours=command.payload.hours), waiting_to_sync=True)
    if isinstance(command, PutBackHoldCommand):
        if row.status == "active" or row.put_back_at is not None:
            return None
        return replace(row, put_back_at=at, waiting_to_sync=True)
    return None


def sort_holds(rows: Iterable[HoldRow]) -> list[HoldRow]:
    """Active holds first, soonest to expire; then ended ones, newest ending first."""
    active = sorted((r for r in rows if r.status == "active"), key=lambda r: (r.expires_at, r.id))
    ended = sorted(
        (r for r in rows if r.status != "active"),
        key=lambda r: (r.ended_at or r.expires_at, r.id),
        reverse=True,
    )
    return active + ended


def waiting_hold_units(commands: Iterable[Command], store_id: int) -> dict[str, int]:
    """Units per SKU this tablet asked to hold here and the hub has not confirmed: not on sale."""
    units: dict[str, int] = {}
    for command in commands:
        if isinstance(command, PlaceHoldCommand) and command.store_id == store_id:
            units[command.payload.sku] = units.get(command.payload.sku, 0) + command.payload.qty
    return units


def waiting_aisle_units(commands: Iterable[Command], source_store_id: int | None) -> dict[str, int]:
    """Units per SKU this tablet ordered from ``source_store_id`` (None: the warehouse) that the
    hub has not confirmed."""
    units: dict[str, int] = {}
    for command in commands:
        if isinstance(command, AisleOrderCommand) and command.payload.source_store_id == source_store_id:
            for line in command.payload.lines:
                units[line.sku] = units.get(line.sku, 0) + line.qty
    return units


def action_receipt(
    entry: OutboxEntry | None,
    *,
    reference_key: str | None,
    expires_at: datetime | None = None,
    waiting_reference: str | None = None,
) -> ActionReceipt:
    """What became of a command, from the outbox's copy (``entry``) once pushed: ``confirmed``
    (its ``reference`` the hub's ``reference_key`` result, else ``waiting_reference``),
    ``conflict`` or ``refused`` with the hub's code and params, else ``waiting``."""
    if entry is not None and entry.state in (OutboxState.APPLIED, OutboxState.DUPLICATE):
        outcome = _outcome(entry)
        found = outcome.get(reference_key) if reference_key else None
        reference = str(found) if isinstance(found, str | int) and not isinstance(found, bool) else None
        hub_expiry = _time(outcome.get("expires_at"))
        return ActionReceipt(
            "confirmed",
            reference=reference or waiting_reference,
            expires_at=hub_expiry or expires_at,
        )
    if entry is not None and entry.state is OutboxState.NEEDS_ATTENTION:
        answered = (entry.result or {}).get("status")
        first = (entry.result or {}).get("result") or {}
        conflict = answered == "conflict" or (
            isinstance(first, dict) and first.get("first_status") == "conflict"
        )
        return ActionReceipt(
            "conflict" if conflict else "refused",
            reference=waiting_reference,
            code=entry.code or "refused_by_hub",
            params=dict(entry.params),
        )
    return ActionReceipt("waiting", reference=waiting_reference, expires_at=expires_at)


def _outcome(entry: OutboxEntry) -> Mapping[str, object]:
    outcome = (entry.result or {}).get("result")  # a duplicate's is the first attempt's
    return outcome if isinstance(outcome, dict) else {}


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
