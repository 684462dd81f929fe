"""What each command type does to the hub's data. Each effect runs inside the caller's SAVEPOINT,
checks before it writes, appends ``change_log`` rows, and raises :class:`CommandConflict` (with the
facts found) or :class:`CommandRefused` instead of writing anything. Both carry a result code from
``contract.RESULT_CODES`` with its params, for the tablet to word, and an English ``reason`` for
tablets from before codes.

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
from storeassist.domain.orders import HandoverProblem, plan_handover
from storeassist.hub.db import models as m
from storeassist.hub.services.database import utc_now

#: How far ahead of the hub's clock a device's clock may run: ordinary drift, not a wrong date.
MAX_CLOCK_SKEW = timedelta(minutes=5)
#: The oldest action the hub still applies. A device's outbox never drops a command, but an action
#: a month old (a hold, a hand-over, a note) no longer describes the store as it is, and the hub
#: cannot tell it from one dated by a clock reset to 1970; the device's cache keeps personal data
#: for the same 30 days by default (``cache_personal_data_days``). Older commands are rejected
#: with a reason, so a person decides what to do with them.
MAX_COMMAND_AGE = timedelta(days=30)


class CommandNotApplied(Exception):
    """Why a command is not applied: ``code`` (a key of ``contract.RESULT_CODES``) with exactly the
    params that code names, and ``reason``, the same in English."""

    def __init__(self, code: str, reason: str, **params: str | int) -> None:
        super().__init__(reason)
        expected = contract.RESULT_CODES.get(code)
        if expected is None or set(params) != set(expected):
            raise ValueError(f"result code {code!r} with params {sorted(params)} is not documented")
        self.code = code
        self.params = params
        self.reason = reason


class CommandRefused(CommandNotApplied):
    """The command is rejected: it is wrong whatever the hub holds."""


class CommandConflict(CommandNotApplied):
    """The command no longer fits what the hub holds (``facts``, the state found)."""

    def __init__(self, code: str, reason: str, facts: dict[str, Any], **params: str | int) -> None:
        super().__init__(code, reason, **params)
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


def collect_pickup(
    session: Session, command: contract.CollectPickupCommand, device_id: int
) -> dict[str, Any]:
    payload = command.payload
    order = session.execute(
        select(m.Order.id, m.Order.number, m.Order.store_id, m.Order.pickup_state, m.Order.customer_id)
        .where(m.Order.id == payload.order_id)
        .with_for_update()
    ).first()
    if order is None:
        raise CommandRefused(
            "unknown_order", f"There is no order {payload.order_id}.", order_id=payload.order_id
        )
    if order.pickup_state is not None and order.store_id != command.store_id:
        raise CommandRefused(
            "pickup_at_another_store",
            f"Order #{order.number} is to be collected at store {order.store_id}.",
            order_number=order.number,
            store_id=order.store_id,
        )
    lines = {
        row.line_no: row
        for row in session.execute(
            select(
                m.OrderLine.line_no, m.OrderLine.qty, m.OrderLine.qty_collected, m.OrderLine.qty_returned
            ).where(m.OrderLine.order_id == order.id)
        )
    }
    facts = {
        "pickup_state": order.pickup_state,
        "lines": {str(n): {"qty": r.qty, "qty_collected": r.qty_collected} for n, r in sorted(lines.items())},
    }
    try:
        plan = plan_handover(order.pickup_state, lines, payload.lines)
    except HandoverProblem as problem:
        raise _handover_refused(problem, order.number, order.pickup_state, facts) from None
    for line_no, qty in payload.lines.items():
        if qty:
            session.execute(
                update(m.OrderLine)
                .where(m.OrderLine.order_id == order.id, m.OrderLine.line_no == line_no)
                .values(qty_collected=m.OrderLine.qty_collected + qty)
            )
    session.execute(update(m.Order).where(m.Order.id == order.id).values(pickup_state=plan.state))
    _log(session, command.store_id, "pickup", order.id)
    return {"order_id": order.id, "pickup_state": plan.state, "remaining_qty": plan.remaining}


def _handover_refused(
    problem: HandoverProblem, number: str, state: str | None, facts: dict[str, Any]
) -> CommandNotApplied:
    """The domain's objection to a hand-over as the command's result: a conflict when the order
    has moved on since the device looked (collected, cancelled, or collected in part elsewhere),
    a refusal when the command itself is wrong."""
    line_no = problem.line_no or 0
    if problem.code == "not_pickup":
        return CommandRefused("not_a_pickup", f"Order #{number} is not a pickup order.", order_number=number)
    if problem.code == "not_collectable":
        return CommandConflict(
            "order_not_collectable",
            f"Order #{number} cannot be handed over: it is {(state or '').replace('_', ' ')}.",
            facts,
            order_number=number,
            pickup_state=state or "",
        )
    if problem.code == "unknown_line":
        return CommandRefused(
            "unknown_line", f"Order #{number} has no line {line_no}.", order_number=number, line_no=line_no
        )
    if problem.code == "over_collected":
        return CommandConflict(
            "over_collected",
            f"That is more than is left to collect on line {line_no} of #{number}.",
            facts,
            order_number=number,
            line_no=line_no,
        )
    return CommandRefused(
        "nothing_handed",
        "Say which lines are handed over, each with a quantity of at least 1.",
        order_number=number,
    )


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
    contract.CollectPickupCommand: collect_pickup,
    contract.ProfileViewedCommand: record_profile_view,
}

#: Variants whose effect writes their audit row itself (so the caller must not add another).
AUDITED_BY_EFFECT: frozenset[type[contract.CommandBase]] = frozenset({contract.ProfileViewedCommand})
