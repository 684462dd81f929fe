"""Holds after they are placed: a store's list, release, extend, put back, and expiry.

A hold (``hold.place``, ``command_effects``) keeps units of one product for one customer at one
store: they are in ``inventory.held`` until the hold ends. It ends when a person releases it, when
it expires (:func:`expire_holds`) or when it is collected; its units then go back on sale at once
(``held`` goes down) and, until someone puts them back on the shop floor (``hold.put_back``), the
ended hold is a task for the floor. Every change appends ``change_log`` rows in the same
transaction: the stock of the (store, product), and the customer, whose profile shows holds.

Expiry runs before a store's list answers, at the start of every command batch, and every minute
in ``serve`` (``hub.server``), so a hold never outlives its time by more than a minute anywhere
the hub shows it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Table, and_, case, or_, select, update
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.command_outcomes import CommandConflict, CommandRefused
from storeassist.hub.services.database import HubDatabase, as_utc, hold_change_log_order, utc_now
from storeassist.hub.services.orders import require_store

#: How long an ended hold stays on a store's list once its units are back on the floor (one not
#: yet put back is the floor's task and stays listed until it is).
ENDED_SHOWN_FOR = timedelta(days=7)
#: How often ``serve`` sweeps expired holds.
EXPIRY_SWEEP_SECONDS = 60.0

_change_log = cast(Table, m.ChangeLog.__table__)


def log_hold_change(session: Session, store_id: int, product_id: int, customer_id: int, at: datetime) -> None:
    """The ``change_log`` rows of a hold that changed: its stock, and its customer's profile."""
    session.connection().execute(
        _change_log.insert(),
        [
            {"store_id": store_id, "entity": "stock", "entity_id": product_id, "at": at},
            {"store_id": store_id, "entity": "customer", "entity_id": customer_id, "at": at},
        ],
    )


def _release_units(session: Session, store_id: int, product_id: int, qty: int, at: datetime) -> None:
    """Put ``qty`` held units back on sale (never below zero held)."""
    session.execute(
        update(m.Inventory)
        .where(m.Inventory.store_id == store_id, m.Inventory.product_id == product_id)
        .values(
            held=case((m.Inventory.held > qty, m.Inventory.held - qty), else_=0),
            updated_at=at,
        )
    )


def expire_holds(session: Session, now: datetime | None = None, store_id: int | None = None) -> int:
    """Mark active holds past their ``expires_at`` expired, releasing their units; answers how many.

    ``store_id`` limits the sweep to one store (its list is about to be read)."""
    now = now or utc_now()
    query = select(m.Hold.id, m.Hold.store_id, m.Hold.product_id, m.Hold.customer_id, m.Hold.qty).where(
        m.Hold.status == "active", m.Hold.expires_at <= now
    )
    if store_id is not None:
        query = query.where(m.Hold.store_id == store_id)
    due = list(session.execute(query))
    for hold in due:
        ended = cast(
            CursorResult[Any],
            session.execute(
                update(m.Hold)
                .where(m.Hold.id == hold.id, m.Hold.status == "active")
                .values(status="expired", ended_at=now)
            ),
        )
        if ended.rowcount != 1:
            continue  # ended meanwhile by another process
        _release_units(session, hold.store_id, hold.product_id, hold.qty, now)
        log_hold_change(session, hold.store_id, hold.product_id, hold.customer_id, now)
    return len(due)


def sweep_expired_holds(db: HubDatabase, store_id: int | None = None, now: datetime | None = None) -> int:
    """:func:`expire_holds` in a transaction of its own, taken only when a hold is due (a read
    first: the list and the minute's sweep rarely find one); answers how many ended."""
    now = now or utc_now()
    query = select(m.Hold.id).where(m.Hold.status == "active", m.Hold.expires_at <= now).limit(1)
    if store_id is not None:
        query = query.where(m.Hold.store_id == store_id)
    with db.reading() as session:
        if session.execute(query).first() is None:
            return 0
    with db.writing() as session:
        hold_change_log_order(session)
        return expire_holds(session, now, store_id)


def store_holds(session: Session, store_id: int, now: datetime | None = None) -> contract.StoreHolds:
    """A store's holds (``GET /v1/stores/{id}/holds``): active ones soonest to expire first, then
    ended ones whose units are not yet back on the floor and those that ended in the last
    :data:`ENDED_SHOWN_FOR`, newest first. Sweep first
    (:func:`sweep_expired_holds`), so the list never shows a hold active past its time."""
    require_store(session, store_id)
    now = now or utc_now()
    rows = session.execute(
        select(
            m.Hold.id,
            m.Hold.customer_id,
            m.Hold.qty,
            m.Hold.placed_at,
            m.Hold.expires_at,
            m.Hold.status,
            m.Hold.ended_at,
            m.Hold.put_back_at,
            m.Product.sku,
            m.Product.name.label("product_name"),
            m.Product.size,
            m.Product.colour,
            m.Customer.name.label("customer_name"),
        )
        .join(m.Product, m.Product.id == m.Hold.product_id)
        .join(m.Customer, m.Customer.id == m.Hold.customer_id)
        .where(
            m.Hold.store_id == store_id,
            or_(
                m.Hold.status == "active",
                and_(m.Hold.ended_at.is_not(None), m.Hold.put_back_at.is_(None)),
                and_(m.Hold.ended_at.is_not(None), m.Hold.ended_at >= now - ENDED_SHOWN_FOR),
            ),
        )
    )
    holds = [
        contract.StoreHold(
            id=r.id,
            sku=r.sku,
            product_name=r.product_name,
            size=r.size,
            colour=r.colour,
            customer_id=r.customer_id,
            customer_name=r.customer_name,
            qty=r.qty,
            placed_at=as_utc(r.placed_at),
            expires_at=as_utc(r.expires_at),
            status=r.status,
            ended_at=as_utc(r.ended_at) if r.ended_at is not None else None,
            put_back_at=as_utc(r.put_back_at) if r.put_back_at is not None else None,
        )
        for r in rows
    ]
    active = sorted((h for h in holds if h.status == "active"), key=lambda h: (h.expires_at, h.id))
    ended = sorted(
        (h for h in holds if h.status != "active"),
        key=lambda h: (h.ended_at or h.expires_at, h.id),
        reverse=True,
    )
    return contract.StoreHolds(as_of=now, holds=active + ended)


def _hold_here(session: Session, hold_id: str, store_id: int) -> Any:
    """The hold a command names, if it is this store's (else refused)."""
    hold = session.execute(
        select(
            m.Hold.id,
            m.Hold.store_id,
            m.Hold.product_id,
            m.Hold.customer_id,
            m.Hold.qty,
            m.Hold.status,
            m.Hold.expires_at,
            m.Hold.put_back_at,
        ).where(m.Hold.id == hold_id)
    ).first()
    if hold is None:
        raise CommandRefused("unknown_hold", "There is no such hold.", hold_id=hold_id)
    if hold.store_id != store_id:
        raise CommandRefused(
            "hold_at_another_store",
            "That hold is another store's; another store's hold cannot be changed here.",
            hold_id=hold_id,
            store_id=hold.store_id,
        )
    return hold


def _require_active(hold: Any) -> None:
    if hold.status != "active":
        raise CommandConflict(
            "hold_not_active",
            f"That hold has ended ({hold.status}).",
            {"hold_id": hold.id, "status": hold.status},
            hold_id=hold.id,
            status=hold.status,
        )


def release_hold(session: Session, command: contract.ReleaseHoldCommand, device_id: int) -> dict[str, Any]:
    """The customer no longer wants it: the units go back on sale, and the floor gets a task."""
    hold = _hold_here(session, command.payload.hold_id, command.store_id)
    _require_active(hold)
    now = utc_now()
    session.execute(update(m.Hold).where(m.Hold.id == hold.id).values(status="released", ended_at=now))
    _release_units(session, hold.store_id, hold.product_id, hold.qty, now)
    log_hold_change(session, hold.store_id, hold.product_id, hold.customer_id, now)
    return {"hold_id": hold.id, "released_at": now.isoformat()}


def extend_hold(session: Session, command: contract.ExtendHoldCommand, device_id: int) -> dict[str, Any]:
    """An active hold now expires ``hours`` from the command's time (as the hub dates it), unless
    it already expires later: an extension never shortens a hold, and never ends it in the past
    (a late offline extend). ``hours`` is at most ``MAX_HOLD_HOURS``, so the new time is at most a
    week from the command's."""
    hold = _hold_here(session, command.payload.hold_id, command.store_id)
    _require_active(hold)
    now = utc_now()
    issued = min(as_utc(command.issued_at), now)
    asked = issued + timedelta(hours=min(command.payload.hours, contract.MAX_HOLD_HOURS))
    expires_at = max(as_utc(hold.expires_at), asked, now)
    session.execute(update(m.Hold).where(m.Hold.id == hold.id).values(expires_at=expires_at))
    log_hold_change(session, hold.store_id, hold.product_id, hold.customer_id, now)
    return {"hold_id": hold.id, "expires_at": expires_at.isoformat()}


def put_back_hold(session: Session, command: contract.PutBackHoldCommand, device_id: int) -> dict[str, Any]:
    """The units of an ended hold are back on the shop floor: the floor's task is done."""
    hold = _hold_here(session, command.payload.hold_id, command.store_id)
    if hold.status == "active":
        raise CommandConflict(
            "hold_still_active",
            "That hold is still active: release it first.",
            {"hold_id": hold.id},
            hold_id=hold.id,
        )
    if hold.put_back_at is not None:  # done already: the first time stands, nothing new to log
        return {"hold_id": hold.id, "put_back_at": as_utc(hold.put_back_at).isoformat()}
    now = utc_now()
    put = cast(
        CursorResult[Any],
        session.execute(
            update(m.Hold).where(m.Hold.id == hold.id, m.Hold.put_back_at.is_(None)).values(put_back_at=now)
        ),
    )
    if put.rowcount != 1:  # put back meanwhile by another process
        first = session.scalar(select(m.Hold.put_back_at).where(m.Hold.id == hold.id))
        return {"hold_id": hold.id, "put_back_at": as_utc(first or now).isoformat()}
    log_hold_change(session, hold.store_id, hold.product_id, hold.customer_id, now)
    return {"hold_id": hold.id, "put_back_at": now.isoformat()}
