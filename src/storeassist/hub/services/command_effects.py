"""What each command type does to the hub's data. Each effect runs inside the caller's SAVEPOINT,
checks before it writes, appends ``change_log`` rows, and raises :class:`CommandConflict` (with the
facts found) or :class:`CommandRefused` instead of writing anything (``command_outcomes``). Both
carry a result code from ``contract.RESULT_CODES`` with its params, for the tablet to word, and an
English ``reason`` for tablets from before codes. The pickup effects live in ``pickups``, the
holds' after they are placed in ``holds``, the endless aisle's and an arrival's in ``aisle``, a
return's in ``return_take``.

:data:`EFFECTS` is the registry: one effect per variant of ``contract.Command``, each given its
variant with a typed payload. Every applied command is audited by the caller, except the variants
in :data:`AUDITED_BY_EFFECT`, whose whole effect is their audit row. Order and pickup rules (what
may be handed over, the state it leads to) are the domain's (``storeassist.domain.orders``).

**Times a device reports** (a command's ``issued_at``, a profile view's ``viewed_at``) are checked
against the hub's clock by :func:`device_time`. A device's clock can be reset (to 1970, after a
flat battery) or set wrong (to 2099), and whatever it dates must not reach the audit trail:

* without a time zone: refused by the contract (422), since "09:15" names no instant;
* more than :data:`MAX_CLOCK_SKEW` ahead of the hub: **rejected**, because the device's clock is
  wrong and so is every time it reports;
* ahead by less than that (ordinary drift between two clocks): **clamped** to the hub's time, so
  no audit row is ever in the future, and flagged in the command's result
  (``"viewed_at_clamped": true``);
* more than :data:`MAX_COMMAND_AGE` before the hub's time: **rejected** (see the constant).

A rejected command waits on the device, with the reason, for a person to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast

from sqlalchemy import CursorResult, Table, bindparam, select, update
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.aisle import place_aisle_order, receive_pickup
from storeassist.hub.services.command_outcomes import (
    CommandConflict as CommandConflict,
)
from storeassist.hub.services.command_outcomes import (
    CommandNotApplied as CommandNotApplied,
)
from storeassist.hub.services.command_outcomes import (
    CommandRefused as CommandRefused,
)
from storeassist.hub.services.database import utc_now
from storeassist.hub.services.holds import extend_hold, put_back_hold, release_hold
from storeassist.hub.services.pickups import collect_pickup, restock_pickup
from storeassist.hub.services.return_take import take_return

#: How far ahead of the hub's clock a device's clock may run: ordinary drift, not a wrong date.
MAX_CLOCK_SKEW = timedelta(minutes=5)
#: The oldest action the hub still applies. A device's outbox never drops a command, but an action
#: a month old (a hold, a hand-over, a note) no longer describes the store as it is, and the hub
#: cannot tell it from one dated by a clock reset to 1970; the device's cache keeps personal data
#: for the same 30 days by default (``cache_personal_data_days``). Older commands are rejected
#: with a reason, so a person decides what to do with them.
MAX_COMMAND_AGE = timedelta(days=30)


# Statements on the tables themselves, built once and run on the session's connection: a batch
# applies hundreds of commands, and building ORM statements, and the ORM's execute (autoflush,
# events) per command, cost more than the SQL.
_customers = cast(Table, m.Customer.__table__)
_notes = cast(Table, m.CustomerNote.__table__)
_change_log = cast(Table, m.ChangeLog.__table__)
_audit = cast(Table, m.AuditEntry.__table__)
_CUSTOMER_EXISTS = select(_customers.c.id).where(_customers.c.id == bindparam("customer_id"))
_INSERT_NOTE = _notes.insert().returning(_notes.c.id)
_INSERT_CHANGE = _change_log.insert()
_INSERT_AUDIT = _audit.insert().returning(_audit.c.id)

#: An effect: ``(session, command of its variant, calling device id) → result``.
Effect = Callable[[Session, Any, int], dict[str, Any]]
#: What a device-reported time dates, for the result's params and the English reason.
DatedSubject = Literal["command", "profile_view"]
_SUBJECT_NAMES: Mapping[DatedSubject, str] = {"command": "This command", "profile_view": "The profile view"}


def device_time(moment: datetime, now: datetime, subject: DatedSubject) -> tuple[datetime, bool]:
    """``moment``, reported by a device, in UTC and checked against the hub's ``now``.

    Answers the time to use and whether it was clamped (a little ahead, moved back to ``now``);
    raises :class:`CommandRefused` (``clock_ahead``, ``too_old``) for a time too far ahead or too
    long ago. ``subject`` says what the time dates.
    """
    what = _SUBJECT_NAMES[subject]
    # Aware minus aware never overflows, whatever the offsets; only converting might.
    ahead = moment - now
    if ahead > MAX_CLOCK_SKEW:
        raise CommandRefused(
            "clock_ahead",
            f"{what} is dated ahead of the back office's clock. Set this device's date and time.",
            subject=subject,
        )
    if -ahead > MAX_COMMAND_AGE:
        raise CommandRefused(
            "too_old",
            f"{what} is dated more than {MAX_COMMAND_AGE.days} days ago, too old to apply now. "
            "If the device's date was wrong, set it.",
            subject=subject,
            days=MAX_COMMAND_AGE.days,
        )
    if ahead > timedelta(0):
        return now, True
    return moment.astimezone(UTC), False


def _require_customer(session: Session, customer_id: int) -> None:
    if session.connection().execute(_CUSTOMER_EXISTS, {"customer_id": customer_id}).first() is None:
        raise CommandRefused(
            "unknown_customer", f"There is no customer {customer_id}.", customer_id=customer_id
        )


def _log(session: Session, store_id: int | None, entity: str, entity_id: int) -> None:
    session.connection().execute(
        _INSERT_CHANGE, {"store_id": store_id, "entity": entity, "entity_id": entity_id, "at": utc_now()}
    )


def add_note(session: Session, command: contract.AddNoteCommand, device_id: int) -> dict[str, Any]:
    payload = command.payload
    _require_customer(session, payload.customer_id)
    note_id = (
        session.connection()
        .execute(
            _INSERT_NOTE,
            {
                "customer_id": payload.customer_id,
                "at": utc_now(),
                "staff_id": command.staff_id,
                "store_id": command.store_id,
                "text": payload.text,
            },
        )
        .scalar_one()
    )
    _log(session, command.store_id, "customer", payload.customer_id)
    return {"note_id": note_id}


def place_hold(session: Session, command: contract.PlaceHoldCommand, device_id: int) -> dict[str, Any]:
    payload = command.payload
    _require_customer(session, payload.customer_id)
    product_id = session.execute(select(m.Product.id).where(m.Product.sku == payload.sku)).scalar()
    if product_id is None:
        raise CommandRefused(
            "unknown_product", f"There is no product with SKU {payload.sku}.", sku=payload.sku
        )
    now = utc_now()
    # An UPDATE answers a CursorResult (with rowcount); Session.execute is typed as the plain Result.
    taken = cast(
        CursorResult[Any],
        session.execute(
            update(m.Inventory)
            .where(
                m.Inventory.store_id == command.store_id,
                m.Inventory.product_id == product_id,
                m.Inventory.on_hand - m.Inventory.held >= payload.qty,
            )
            .values(held=m.Inventory.held + payload.qty, updated_at=now)
        ),
    )
    if taken.rowcount != 1:
        level = session.execute(
            select(m.Inventory.on_hand, m.Inventory.held).where(
                m.Inventory.store_id == command.store_id, m.Inventory.product_id == product_id
            )
        ).first()
        available = max(0, level.on_hand - level.held) if level is not None else 0
        raise CommandConflict(
            "not_enough_stock",
            f"Only {available} available to hold here; {payload.qty} asked.",
            {
                "sku": payload.sku,
                "store_id": command.store_id,
                "available": available,
                "requested": payload.qty,
            },
            sku=payload.sku,
            available=available,
            requested=payload.qty,
        )
    expires_at = now + timedelta(hours=payload.hours)
    session.add(
        m.Hold(
            id=str(command.id),
            customer_id=payload.customer_id,
            product_id=product_id,
            store_id=command.store_id,
            qty=payload.qty,
            placed_at=now,
            expires_at=expires_at,
            status="active",
        )
    )
    _log(session, command.store_id, "stock", product_id)
    _log(session, command.store_id, "customer", payload.customer_id)
    return {"hold_id": str(command.id), "expires_at": expires_at.isoformat()}


def record_profile_view(
    session: Session, command: contract.ProfileViewedCommand, device_id: int
) -> dict[str, Any]:
    """A profile the device showed from its cache: the audit row the hub could not write at the time.

    The row is dated when the device showed the profile (by its clock, checked by
    :func:`device_time`), not when it arrived here.
    """
    payload = command.payload
    _require_customer(session, payload.customer_id)
    # Stored as UTC: SQLite keeps the wall time and drops the offset.
    viewed_at, clamped = device_time(payload.viewed_at, utc_now(), "profile_view")
    audit_id = session.execute(
        _INSERT_AUDIT,
        {
            "at": viewed_at,
            "device_id": device_id,
            "staff_id": command.staff_id,
            "action": "profile.view",
            "subject": f"customer:{payload.customer_id}",
        },
    ).scalar_one()
    return {"audit_id": audit_id, "viewed_at_clamped": True} if clamped else {"audit_id": audit_id}


#: The effect of each variant of ``contract.Command`` (a test checks that none is missing).
EFFECTS: Mapping[type[contract.CommandBase], Effect] = {
    contract.AddNoteCommand: add_note,
    contract.PlaceHoldCommand: place_hold,
    contract.ReleaseHoldCommand: release_hold,
    contract.ExtendHoldCommand: extend_hold,
    contract.PutBackHoldCommand: put_back_hold,
    contract.AisleOrderCommand: place_aisle_order,
    contract.CollectPickupCommand: collect_pickup,
    contract.RestockPickupCommand: restock_pickup,
    contract.ReceivePickupCommand: receive_pickup,
    contract.TakeReturnCommand: take_return,
    contract.ProfileViewedCommand: record_profile_view,
}

#: Variants whose effect writes their audit row itself (so the caller must not add another).
AUDITED_BY_EFFECT: frozenset[type[contract.CommandBase]] = frozenset(
    # A return's row names the return (made by the effect) and, on a row of its own, the manager.
    {contract.ProfileViewedCommand, contract.TakeReturnCommand}
)
