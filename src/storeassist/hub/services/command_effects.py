"""What each command type does to the hub's data. Each effect runs inside the caller's SAVEPOINT,
checks before it writes, appends ``change_log`` rows, and raises :class:`CommandConflict` (with the
facts found) or :class:`CommandRefused` (with the reason) instead of writing anything.

Every applied command is audited by the caller, except the types in :data:`AUDITED_BY_EFFECT`,
whose whole effect is their audit row.

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

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import CursorResult, Table, bindparam, select, update
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.database import utc_now

COLLECTABLE_STATES = ("ready", "partially_collected")

#: How far ahead of the hub's clock a device's clock may run: ordinary drift, not a wrong date.
MAX_CLOCK_SKEW = timedelta(minutes=5)
#: The oldest action the hub still applies. A device's outbox never drops a command, but an action
#: a month old (a hold, a hand-over, a note) no longer describes the store as it is, and the hub
#: cannot tell it from one dated by a clock reset to 1970; the device's cache keeps personal data
#: for the same 30 days by default (``cache_personal_data_days``). Older commands are rejected
#: with a reason, so a person decides what to do with them.
MAX_COMMAND_AGE = timedelta(days=30)


class CommandRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CommandConflict(Exception):
    def __init__(self, reason: str, facts: dict[str, Any]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.facts = facts


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

#: An effect: ``(session, command, validated payload, calling device id) → result``.
Effect = Callable[[Session, contract.Command, BaseModel, int], dict[str, Any]]


def device_time(moment: datetime, now: datetime, what: str) -> tuple[datetime, bool]:
    """``moment``, reported by a device, in UTC and checked against the hub's ``now``.

    Answers the time to use and whether it was clamped (a little ahead, moved back to ``now``);
    raises :class:`CommandRefused` for a time too far ahead or too long ago. ``what`` names it
    for the reason ("This command", "The profile view").
    """
    # Aware minus aware never overflows, whatever the offsets; only converting might.
    ahead = moment - now
    if ahead > MAX_CLOCK_SKEW:
        raise CommandRefused(
            f"{what} is dated ahead of the back office's clock. Set this device's date and time."
        )
    if -ahead > MAX_COMMAND_AGE:
        raise CommandRefused(
            f"{what} is dated more than {MAX_COMMAND_AGE.days} days ago, too old to apply now. "
            "If the device's date was wrong, set it."
        )
    if ahead > timedelta(0):
        return now, True
    return moment.astimezone(UTC), False


def _require_customer(session: Session, customer_id: int) -> None:
    if session.connection().execute(_CUSTOMER_EXISTS, {"customer_id": customer_id}).first() is None:
        raise CommandRefused(f"There is no customer {customer_id}.")


def _log(session: Session, store_id: int | None, entity: str, entity_id: int) -> None:
    session.connection().execute(
        _INSERT_CHANGE, {"store_id": store_id, "entity": entity, "entity_id": entity_id, "at": utc_now()}
    )


def add_note(
    session: Session, command: contract.Command, payload: BaseModel, device_id: int
) -> dict[str, Any]:
    assert isinstance(payload, contract.AddNotePayload)
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


def place_hold(
    session: Session, command: contract.Command, payload: BaseModel, device_id: int
) -> dict[str, Any]:
    assert isinstance(payload, contract.PlaceHoldPayload)
    _require_customer(session, payload.customer_id)
    product_id = session.execute(select(m.Product.id).where(m.Product.sku == payload.sku)).scalar()
    if product_id is None:
        raise CommandRefused(f"There is no product with SKU {payload.sku}.")
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
            f"Only {available} available to hold here; {payload.qty} asked.",
            {
                "sku": payload.sku,
                "store_id": command.store_id,
                "available": available,
                "requested": payload.qty,
            },
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


def collect_pickup(
    session: Session, command: contract.Command, payload: BaseModel, device_id: int
) -> dict[str, Any]:
    assert isinstance(payload, contract.CollectPickupPayload)
    order = session.execute(
        select(m.Order.id, m.Order.number, m.Order.store_id, m.Order.pickup_state, m.Order.customer_id)
        .where(m.Order.id == payload.order_id)
        .with_for_update()
    ).first()
    if order is None:
        raise CommandRefused(f"There is no order {payload.order_id}.")
    if order.pickup_state is None:
        raise CommandRefused(f"Order #{order.number} is not a pickup order.")
    if order.store_id != command.store_id:
        raise CommandRefused(f"Order #{order.number} is to be collected at store {order.store_id}.")
    lines = {
        row.line_no: row
        for row in session.execute(
            select(m.OrderLine.line_no, m.OrderLine.qty, m.OrderLine.qty_collected).where(
                m.OrderLine.order_id == order.id
            )
        )
    }
    facts = {
        "pickup_state": order.pickup_state,
        "lines": {str(n): {"qty": r.qty, "qty_collected": r.qty_collected} for n, r in sorted(lines.items())},
    }
    if order.pickup_state not in COLLECTABLE_STATES:
        state = order.pickup_state.replace("_", " ")
        raise CommandConflict(f"Order #{order.number} cannot be handed over: it is {state}.", facts)
    if (
        not payload.lines
        or any(qty < 0 for qty in payload.lines.values())
        or sum(payload.lines.values()) == 0
    ):
        raise CommandRefused("Say which lines are handed over, each with a quantity of at least 1.")
    unknown = sorted(set(payload.lines) - set(lines))
    if unknown:
        raise CommandRefused(f"Order #{order.number} has no line {unknown[0]}.")
    over = [n for n, qty in payload.lines.items() if lines[n].qty_collected + qty > lines[n].qty]
    if over:
        raise CommandConflict(
            f"That is more than is left to collect on line {over[0]} of #{order.number}.", facts
        )
    for line_no, qty in payload.lines.items():
        if qty:
            session.execute(
                update(m.OrderLine)
                .where(m.OrderLine.order_id == order.id, m.OrderLine.line_no == line_no)
                .values(qty_collected=m.OrderLine.qty_collected + qty)
            )
    remaining = sum(r.qty - r.qty_collected - payload.lines.get(n, 0) for n, r in lines.items())
    new_state = "collected" if remaining == 0 else "partially_collected"
    session.execute(update(m.Order).where(m.Order.id == order.id).values(pickup_state=new_state))
    _log(session, command.store_id, "pickup", order.id)
    return {"order_id": order.id, "pickup_state": new_state, "remaining_qty": remaining}


def record_profile_view(
    session: Session, command: contract.Command, payload: BaseModel, device_id: int
) -> dict[str, Any]:
    """A profile the device showed from its cache: the audit row the hub could not write at the time.

    The row is dated when the device showed the profile (by its clock, checked by
    :func:`device_time`), not when it arrived here.
    """
    assert isinstance(payload, contract.ProfileViewedPayload)
    _require_customer(session, payload.customer_id)
    # Stored as UTC: SQLite keeps the wall time and drops the offset.
    viewed_at, clamped = device_time(payload.viewed_at, utc_now(), "The profile view")
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


EFFECTS: dict[str, Effect] = {
    "note.add": add_note,
    "hold.place": place_hold,
    "pickup.collect": collect_pickup,
    "profile.view": record_profile_view,
}

#: Command types whose effect writes their audit row itself (so the caller must not add another).
AUDITED_BY_EFFECT = frozenset({"profile.view"})
