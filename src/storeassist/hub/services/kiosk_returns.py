"""Returns started at the kiosk: the shopper scans the order (a receipt or the order code) and picks
the lines and reasons; an associate finishes the return at the counter.

The order is found as ``POST /v1/returns/lookup`` finds one by a scanned code, "with receipt", from
any store of the chain, and each line gets the policy's verdict (``domain.returns.line_verdicts``);
the shopper sees lines only, never the customer. A started return is a ``kiosk_returns`` row with
a short reference ("K-4821") unique per store and store day, listed for the associates until a
``return.take`` names it (:func:`finish_kiosk_return`), which decides it as any return is decided.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError
from sqlalchemy import Connection, Table, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.domain.returns import DEFAULT_POLICY, LineVerdict, line_verdicts
from storeassist.hub.db import models as m
from storeassist.hub.services.access import CallingDevice
from storeassist.hub.services.database import as_utc
from storeassist.hub.services.errors import Conflict, NotFound
from storeassist.hub.services.kiosk import REQUEST_ID_REUSED
from storeassist.hub.services.return_facts import RECEIPT_KINDS, ReturnOrder, order_of_code, read_return_order
from storeassist.hub.services.trust import verify_scanned_code, write_audit

log = logging.getLogger("storeassist.hub.kiosk")

#: Started returns the associates' list shows: open ones of the last week, newest first.
KIOSK_RETURNS_SHOWN_FOR = timedelta(days=7)
KIOSK_RETURNS_LISTED = 200
#: References are "K-" and four digits: ten thousand a store a day.
_REFERENCES = 10_000
_TRIES = 20

_UNKNOWN = "There is no order with that code."


def kiosk_order(
    session: Session, code: str, now: datetime, *, lock: bool = False
) -> tuple[ReturnOrder, tuple[LineVerdict, ...]]:
    """The order a scanned receipt or order code names (its expiry does not matter: it proves the
    purchase), and each line's verdict with receipt. 404 ``unknown_order``; a code the hub does not
    trust is its ``TokenRefused``. ``lock`` locks the order's row (PostgreSQL) until the end of
    the transaction, so two kiosks starting returns of one order queue."""
    token = verify_scanned_code(session, code, set(RECEIPT_KINDS), now=now, as_proof=True)
    connection = session.connection()
    order_id = order_of_code(connection, token)
    order = read_return_order(connection, order_id, lock=lock) if order_id is not None else None
    if order is None:
        raise NotFound(_UNKNOWN, code="unknown_order")
    return order, line_verdicts(order.facts(), DEFAULT_POLICY, now, with_receipt=True)


def kiosk_order_answer(order: ReturnOrder, verdicts: tuple[LineVerdict, ...]) -> contract.KioskOrder:
    """What the shopper sees: the order's number and lines, each with what can come back and why."""
    by_line = {verdict.line_no: verdict for verdict in verdicts}
    try:
        return contract.KioskOrder(
            order_number=order.number,
            lines=[
                contract.KioskReturnLine(
                    line_no=line.line_no,
                    name=line.name,
                    size=line.size,
                    colour=line.colour,
                    returnable=by_line[line.line_no].returnable,
                    verdict=by_line[line.line_no].code,
                )
                for line in order.lines
            ],
        )
    except ValidationError:
        raise Conflict(
            "This order cannot be shown here; please ask at the counter.", code="order_not_readable"
        ) from None


def start_kiosk_return(
    session: Session, device: CallingDevice, request: contract.KioskReturnStart, now: datetime
) -> contract.KioskReturnStarted:
    """Record the lines a shopper brings back, for an associate at this kiosk's store. 409
    ``unknown_line`` for a line the order does not have, ``not_returnable`` for one that cannot
    come back (final sale, all returned, not received …; ``line_no`` and ``verdict``), and
    ``more_than_returnable`` past what can (``line_no``, ``returnable``): what the policy allows
    less the units of the open returns started at this store's kiosks for the order (those of the
    last :data:`KIOSK_RETURNS_SHOWN_FOR`, which the associates' list shows), so two shoppers'
    screens cannot queue the same units twice.

    A ``request_id`` this kiosk sent before is the shopper's retry: answered with the first
    return's reference, nothing written and nothing checked again (an associate may have taken
    it back since); 409 ``request_id_reused`` if that id started another return."""
    first = _first_start(session, device, request)
    if first is not None:
        return first
    order, verdicts = kiosk_order(session, request.code, now, lock=True)
    # A retry that waited for the order's row while its first try was being written (PostgreSQL).
    first = _first_start(session, device, request)
    if first is not None:
        return first
    by_line = {verdict.line_no: verdict for verdict in verdicts}
    started = _units_started(session, device.store_id, order.id, now)
    asked = Counter[int]()
    for choice in request.lines:
        asked[choice.line_no] += choice.qty
    for line_no, qty in sorted(asked.items()):
        verdict = by_line.get(line_no)
        if verdict is None:
            raise Conflict(
                f"Order #{order.number} has no line {line_no}.",
                code="unknown_line",
                params={"line_no": line_no},
            )
        if not verdict.can_return:
            raise Conflict(
                f"Line {line_no} cannot be returned ({verdict.code}).",
                code="not_returnable",
                params={"line_no": line_no, "verdict": verdict.code},
            )
        left = max(0, verdict.returnable - started[line_no])
        if qty > left:
            raise Conflict(
                f"Only {left} of line {line_no} can come back"
                + (" (a return started here already has the others)." if started[line_no] else "."),
                code="more_than_returnable",
                params={"line_no": line_no, "returnable": left},
            )
    day = _store_day(session, device.store_id, now)
    lines = [choice.model_dump(mode="json") for choice in request.lines]
    request_id = str(request.request_id) if request.request_id is not None else None
    for _ in range(_TRIES):
        reference = _free_reference(session, device.store_id, day)
        row = m.KioskReturn(
            store_id=device.store_id,
            device_id=device.id,
            order_id=order.id,
            reference=reference,
            day=day,
            code=request.code,
            lines=lines,
            at=now,
            status="open",
            request_id=request_id,
        )
        try:
            with session.begin_nested():  # another kiosk may take the same reference first
                session.add(row)
                session.flush()
        except IntegrityError:
            first = _first_start(session, device, request)  # or this one's retry, beside it
            if first is not None:
                return first
            continue
        write_audit(
            session,
            device_id=device.id,
            staff_id=None,
            action="kiosk.return_start",
            subject=f"kiosk_return:{row.id}",
        )
        return contract.KioskReturnStarted(reference=reference)
    raise Conflict("Please start the return at the counter.", code="kiosk_busy")


def _first_start(
    session: Session, device: CallingDevice, request: contract.KioskReturnStart
) -> contract.KioskReturnStarted | None:
    """The reference of the return this kiosk already started under ``request.request_id``, if
    any; 409 ``request_id_reused`` when that one was of another code or other lines."""
    if request.request_id is None:
        return None
    first = session.execute(
        select(m.KioskReturn.reference, m.KioskReturn.code, m.KioskReturn.lines).where(
            m.KioskReturn.device_id == device.id, m.KioskReturn.request_id == str(request.request_id)
        )
    ).first()
    if first is None:
        return None
    lines = [choice.model_dump(mode="json") for choice in request.lines]
    if (first.code, first.lines) != (request.code, lines):
        raise Conflict(REQUEST_ID_REUSED, code="request_id_reused")
    return contract.KioskReturnStarted(reference=first.reference)


def _units_started(session: Session, store_id: int, order_id: int, now: datetime) -> Counter[int]:
    """Units of each line of the order in the open returns started at this store's kiosks of the
    last :data:`KIOSK_RETURNS_SHOWN_FOR` (waiting for an associate)."""
    rows = session.scalars(
        select(m.KioskReturn.lines).where(
            m.KioskReturn.store_id == store_id,
            m.KioskReturn.order_id == order_id,
            m.KioskReturn.status == "open",
            m.KioskReturn.at > now - KIOSK_RETURNS_SHOWN_FOR,
        )
    )
    units = Counter[int]()
    for lines in rows:
        for line in lines if isinstance(lines, list) else []:
            try:
                choice = contract.KioskReturnChoice.model_validate(line)
            except ValidationError:  # a hand-edited row: its line counts for nothing, never a 500
                continue
            units[choice.line_no] += choice.qty
    return units


def _store_day(session: Session, store_id: int, now: datetime) -> date:
    """Today on the store's clock (its references start again each day)."""
    name = session.scalar(select(m.Store.timezone).where(m.Store.id == store_id)) or "UTC"
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


def _free_reference(session: Session, store_id: int, day: date) -> str:
    """A reference not yet used at the store that day: random, so the next is not guessable from
    one seen; when most are taken, the first free one."""
    used = set(
        session.scalars(
            select(m.KioskReturn.reference).where(
                m.KioskReturn.store_id == store_id, m.KioskReturn.day == day
            )
        )
    )
    for _ in range(_TRIES):
        reference = f"K-{secrets.randbelow(_REFERENCES):04d}"
        if reference not in used:
            return reference
    free = next((f"K-{n:04d}" for n in range(_REFERENCES) if f"K-{n:04d}" not in used), None)
    if free is None:
        raise Conflict("Please start the return at the counter.", code="kiosk_busy")
    return free


def kiosk_returns(session: Session, store_id: int, now: datetime) -> contract.KioskReturns:
    """The store's returns started at the kiosk and not yet finished, newest first (those of the
    last :data:`KIOSK_RETURNS_SHOWN_FOR`)."""
    rows = session.execute(
        select(
            m.KioskReturn.id,
            m.KioskReturn.reference,
            m.KioskReturn.code,
            m.KioskReturn.lines,
            m.KioskReturn.at,
            m.Order.number,
        )
        .join(m.Order, m.Order.id == m.KioskReturn.order_id)
        .where(
            m.KioskReturn.store_id == store_id,
            m.KioskReturn.status == "open",
            m.KioskReturn.at > now - KIOSK_RETURNS_SHOWN_FOR,
        )
        .order_by(m.KioskReturn.at.desc(), m.KioskReturn.id.desc())
        .limit(KIOSK_RETURNS_LISTED)
    )
    listed = []
    for row in rows:
        try:
            listed.append(
                contract.KioskReturn(
                    id=row.id,
                    reference=row.reference,
                    order_number=row.number,
                    code=row.code,
                    lines=[contract.KioskReturnChoice.model_validate(line) for line in row.lines],
                    at=as_utc(row.at),
                )
            )
        except ValidationError:  # a hand-edited row: left out, never a 500
            log.warning("kiosk return %d cannot be listed", row.id)
    return contract.KioskReturns(store_id=store_id, returns=listed, as_of=now)


_kiosk_returns = cast(Table, m.KioskReturn.__table__)


def finish_kiosk_return(
    connection: Connection,
    kiosk_return_id: int,
    *,
    store_id: int,
    order_id: int,
    return_id: int,
    at: datetime,
) -> bool:
    """Mark the kiosk's started return finished by return ``return_id`` (``return.take`` naming it),
    if it is an open one of this store for this order; answers whether it was. One that is not is
    left as it is (logged by id): the return itself stands."""
    finished = connection.execute(
        update(_kiosk_returns)
        .where(
            _kiosk_returns.c.id == kiosk_return_id,
            _kiosk_returns.c.store_id == store_id,
            _kiosk_returns.c.order_id == order_id,
            _kiosk_returns.c.status == "open",
        )
        .values(status="finished", return_id=return_id, finished_at=at)
    )
    done = bool(cast(Any, finished).rowcount == 1)
    if not done:
        log.info(
            "return %d named kiosk return %d, not an open one of its order here", return_id, kiosk_return_id
        )
    return done
