"""Applying a batch of device commands, each command id at most once.

A batch is one transaction. Its :class:`~storeassist.hub.db.models.CommandRecord` rows are
claimed *first*, all in one ``INSERT … ON CONFLICT (id) DO NOTHING RETURNING id``: the primary
key, not a check-then-insert, decides which of several concurrent retries of one id applies it.
An id the insert did not return was already claimed (by an earlier request, or by a concurrent
one that PostgreSQL made this insert wait for); its first record is read back and answered.
Ids are claimed in sorted order, so two overlapping batches take their row locks in the same
order and cannot deadlock each other.

Before any of that, each received command is read as its variant of ``contract.Command``: its
payload within ``contract.check_payload_bounds`` first, then the union's own check. A command past
the bounds, of a type this hub does not know, or that the contract refuses is rejected there and
its id is not claimed (nothing was done under it, so a retry gets the same answer).

Each claimed command's effect then runs in its own SAVEPOINT, so a refused or conflicting
command rolls back only itself and never stops the ones after it. The outcomes are written to
the claimed records in one statement at the end of the batch. A record's ``reason`` is the
English sentence; the code and params of an outcome that was not applied are kept in its
``result`` column (``{"code": …, "params": …}``), so a retry is answered with them too.

A record belongs to the device that claimed it. A retry from that device with the same payload
answers the first outcome with status ``duplicate`` (its ``result`` carries ``first_status``);
the same id with a different payload is ``rejected``. The id from any *other* device is
``rejected`` (``id_foreign``) and learns nothing of the first outcome: a command id is
not a key to another tablet's results.

Before its effect, a claimed command must be for the device's own store, dated within the
window around the hub's clock (``command_effects.device_time``: not ahead by more than
``MAX_CLOCK_SKEW``, not older than ``MAX_COMMAND_AGE``), and name as its ``staff_id`` nobody or
a staff member of that store (managers and admins work chain-wide, as at sign-in).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from pydantic import BaseModel, ValidationError
from sqlalchemy import JSON, Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.access import CHAIN_WIDE_ROLES, CallingDevice
from storeassist.hub.services.command_effects import (
    AUDITED_BY_EFFECT,
    EFFECTS,
    CommandConflict,
    CommandNotApplied,
    CommandRefused,
    device_time,
)
from storeassist.hub.services.database import hold_change_log_order, utc_now
from storeassist.hub.services.holds import expire_holds

REUSED_ID = "This command id was already used for a different action; the device must make a new id."
FOREIGN_ID = "This command id was already used by another device; the device must make a new id."

#: The names of every command's fields and its payload's: the only text a reason may repeat.
_FIELD_NAMES = frozenset(
    name
    for variant in contract.COMMAND_VARIANTS
    for model in (variant, variant.model_fields["payload"].annotation)
    if isinstance(model, type) and issubclass(model, BaseModel)
    for name in model.model_fields
)

_records = cast(Table, m.CommandRecord.__table__)
_INSERT_AUDIT = cast(Table, m.AuditEntry.__table__).insert()


@dataclass(frozen=True, slots=True)
class _FirstOutcome:
    """What the first application of an id decided, as kept in its record."""

    device_id: int
    payload_hash: str
    status: str
    code: str | None
    params: dict[str, str | int]
    reason: str | None
    facts: dict[str, Any] | None
    result: dict[str, Any] | None

    @classmethod
    def of(cls, device_id: int, digest: str, result: contract.CommandResult) -> _FirstOutcome:
        return cls(
            device_id,
            digest,
            result.status,
            result.code,
            dict(result.params),
            result.reason,
            result.facts,
            result.result,
        )

    def record_result(self) -> dict[str, Any] | None:
        """What the record's ``result`` column keeps: the effect's result, or the code and params."""
        if self.code is None:
            return self.result
        return {"code": self.code, "params": self.params}


def payload_hash(command: contract.ReceivedCommand) -> str:
    """SHA-256 of everything in the command as received except its id, in a canonical JSON form."""
    canonical = json.dumps(
        command.model_dump(mode="json", exclude={"id"}), sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def apply_batch(
    session: Session,
    device: CallingDevice,
    received: Sequence[contract.ReceivedCommand],
    *,
    between: Callable[[], None] | None = None,
    signed_in: int | None = None,
) -> contract.CommandBatchResult:
    """Apply each command in order; one refused command never stops the ones after it.

    ``between`` is called before each command's effect (``CounterFirst.step_aside``);
    ``signed_in`` is the staff member whose session sends the batch (see :data:`NEEDS_ITS_PERSON`)."""
    hold_change_log_order(session)
    now = utc_now()
    # A release or extend must not act on a hold already past its time (commands are for this store).
    expire_holds(session, now, device.store_id)
    # Read before anything is claimed, hashed or walked; one that cannot be read is not claimed.
    readings = [_read(raw) for raw in received]
    readable = [
        (raw, command)
        for raw, command in zip(received, readings, strict=True)
        if not isinstance(command, CommandNotApplied)
    ]
    commands = [command for _raw, command in readable]
    digests = [payload_hash(raw) for raw, _command in readable]
    claimed = _claim(session, device, commands, digests, now)
    earlier = _first_outcomes(session, {str(c.id) for c in commands} - claimed)
    staff = _StaffOfBatch(session, device, signed_in)
    results: list[contract.CommandResult] = []
    applied: list[contract.Command] = []
    next_digest = iter(digests)
    for raw, command in zip(received, readings, strict=True):
        if isinstance(command, CommandNotApplied):
            results.append(_not_applied(raw.id, command))
            continue
        digest = next(next_digest)
        key = str(command.id)
        first = earlier.get(key)
        if first is not None:
            # Claimed before this batch, or earlier in this same batch.
            results.append(_answer_retry(device, command, digest, first))
            continue
        if between is not None:
            between()
        result = _apply_claimed(session, device, command, staff, now)
        results.append(result)
        earlier[key] = _FirstOutcome.of(device.id, digest, result)
        if result.status == "applied":
            applied.append(command)
    _settle_records(session, claimed, earlier)
    audit_rows = [
        {
            "at": now,
            "device_id": device.id,
            "staff_id": command.staff_id,
            "action": command.type,
            "subject": _audit_subject(command),
        }
        for command in applied
        if type(command) not in AUDITED_BY_EFFECT
    ]
    if audit_rows:
        # One executemany for the batch: an ORM object and unit-of-work flush per row cost more.
        session.connection().execute(_INSERT_AUDIT, audit_rows)
    return contract.CommandBatchResult(results=results)


def _read(raw: contract.ReceivedCommand) -> contract.Command | CommandRefused:
    """``raw`` as its variant, or why it cannot be: past the payload bounds, a type this hub does
    not know, or refused by the contract."""
    try:
        contract.check_payload_bounds(raw.payload)
    except contract.PayloadOutOfBounds as exc:
        return CommandRefused(
            "payload_out_of_bounds",
            f"The command's payload is not valid: {exc}.",
            bound=exc.bound,
            limit=exc.limit,
        )
    try:
        return contract.COMMAND_ADAPTER.validate_python(raw.model_dump())
    except ValidationError as exc:
        return _unreadable(exc)


def _unreadable(exc: ValidationError) -> CommandRefused:
    first = exc.errors()[0]
    if first["type"] == "union_tag_invalid":
        return CommandRefused(
            "unknown_command_type", "This back office does not know this kind of command; update it."
        )
    # The location starts with the variant's tag; the rest names the field. Anything but a
    # field's name or an index (a map key, an unknown field) is the sender's text: it is named
    # by its place only, never echoed.
    where = ".".join(
        str(part) if isinstance(part, int) or part in _FIELD_NAMES or part == "[key]" else "…"
        for part in first["loc"][1:]
    )
    return CommandRefused(
        "invalid_command",
        f"The command is not valid: {where or 'command'}: {first['msg']}.",
        field=where or "command",
    )


def _not_applied(command_id: UUID, outcome: CommandNotApplied) -> contract.CommandResult:
    return contract.CommandResult(
        id=command_id,
        status="conflict" if isinstance(outcome, CommandConflict) else "rejected",
        code=outcome.code,
        params=outcome.params,
        reason=outcome.reason,
        facts=outcome.facts if isinstance(outcome, CommandConflict) else None,
    )


def _claim(
    session: Session,
    device: CallingDevice,
    commands: Sequence[contract.Command],
    digests: Sequence[str],
    now: datetime,
) -> set[str]:
    """Insert a record for every id not claimed yet; answer the ids this transaction now owns."""
    if not commands:
        return set()
    rows: dict[str, dict[str, Any]] = {}
    for command, digest in zip(commands, digests, strict=True):
        rows.setdefault(
            str(command.id),
            {
                "id": str(command.id),
                "device_id": device.id,
                "type": command.type,
                "payload_hash": digest,
                "received_at": now,
                "status": "applied",
            },
        )
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(_records).on_conflict_do_nothing(index_elements=["id"]).returning(_records.c.id)
    # An executemany: SQLAlchemy sends it as multi-row INSERTs, in this (sorted) order.
    return set(session.execute(statement, [rows[key] for key in sorted(rows)]).scalars())


def _first_outcomes(session: Session, ids: set[str]) -> dict[str, _FirstOutcome]:
    if not ids:
        return {}
    query = select(
        _records.c.id,
        _records.c.device_id,
        _records.c.payload_hash,
        _records.c.status,
        _records.c.reason,
        _records.c.facts,
        _records.c.result,
    ).where(_records.c.id.in_(sorted(ids)))
    return {row.id: _outcome_of_record(row) for row in session.execute(query)}


def _outcome_of_record(row: Any) -> _FirstOutcome:
    """A record as the outcome it keeps. A record written before result codes has none: its
    retry is answered with the English reason alone."""
    result, code, params = row.result, None, {}
    if row.status != "applied" and isinstance(result, dict) and isinstance(result.get("code"), str):
        code, params, result = result["code"], dict(result.get("params") or {}), None
    return _FirstOutcome(
        row.device_id, row.payload_hash, row.status, code, params, row.reason, row.facts, result
    )


#: Commands whose effect gives the named person's role authority (a manager hands over an order
#: locked by wrong pickup codes) or needs to know who did it (a return pays money back, and a
#: manager's approval of it is bound to the associate who asked): one that names nobody is done by
#: whoever's session sends it, and a manager or admin it names must be the one whose session sends
#: it. Other commands may name anyone of the store: an outbox holds the actions of everyone who
#: used the tablet offline, sent under whoever is signed in later.
NEEDS_ITS_PERSON: frozenset[type[contract.CommandBase]] = frozenset(
    {contract.CollectPickupCommand, contract.RestockPickupCommand, contract.TakeReturnCommand}
)


class _StaffOfBatch:
    """Who may be named as a command's ``staff_id`` on this device: each id looked up once a batch."""

    def __init__(self, session: Session, device: CallingDevice, signed_in: int | None = None) -> None:
        self._session = session
        self._device = device
        self.signed_in = signed_in
        self._checked: dict[int, CommandRefused | None] = {}
        self._roles: dict[int, str] = {}

    def authority_refusal(self, command: contract.Command) -> CommandRefused | None:
        """Why ``command`` (of :data:`NEEDS_ITS_PERSON`) may not act with its named person's role."""
        if command.staff_id is None:
            return CommandRefused("staff_required", "This action must name the staff member who did it.")
        role = self._roles.get(command.staff_id)
        if role in CHAIN_WIDE_ROLES and command.staff_id != self.signed_in:
            return CommandRefused(
                "staff_not_signed_in",
                f"Staff member {command.staff_id} acts with a manager's authority here, so must be "
                "signed in on this device to send it.",
                staff_id=command.staff_id,
            )
        return None

    def refusal(self, staff_id: int) -> CommandRefused | None:
        """Why ``staff_id`` may not act on this device, or None if they may."""
        if staff_id not in self._checked:
            self._checked[staff_id] = self._look_up(staff_id)
        return self._checked[staff_id]

    def _look_up(self, staff_id: int) -> CommandRefused | None:
        row = self._session.execute(
            select(m.Staff.store_id, m.Staff.role).where(m.Staff.id == staff_id)
        ).first()
        if row is None:
            return CommandRefused("unknown_staff", f"There is no staff member {staff_id}.", staff_id=staff_id)
        self._roles[staff_id] = row.role
        if row.store_id != self._device.store_id and row.role not in CHAIN_WIDE_ROLES:
            return CommandRefused(
                "staff_of_another_store",
                f"Staff member {staff_id} works at another store, so cannot act on this store's device.",
                staff_id=staff_id,
            )
        return None


def _apply_claimed(
    session: Session,
    device: CallingDevice,
    command: contract.Command,
    staff: _StaffOfBatch,
    now: datetime,
) -> contract.CommandResult:
    try:
        with session.begin_nested():
            result = _apply_effect(session, device, command, staff, now)
    except CommandNotApplied as outcome:
        if outcome.aftermath is not None:
            # What the refusal itself records (a wrong pickup code counts), in its own SAVEPOINT.
            with session.begin_nested():
                outcome.aftermath(session)
        return _not_applied(command.id, outcome)
    return contract.CommandResult(id=command.id, status="applied", result=result)


def _settle_records(session: Session, claimed: set[str], outcomes: dict[str, _FirstOutcome]) -> None:
    """Write each claimed command's outcome to its record (one statement for the batch)."""
    if not claimed:
        return
    # SQL NULL, not JSON 'null', where there are no facts or no result (as an unset column).
    as_json = JSON(none_as_null=True)
    statement = (
        update(_records)
        .where(_records.c.id == bindparam("record_id"))
        .values(
            status=bindparam("new_status"),
            reason=bindparam("new_reason"),
            facts=bindparam("new_facts", type_=as_json),
            result=bindparam("new_result", type_=as_json),
        )
    )
    rows = [
        {
            "record_id": key,
            "new_status": outcomes[key].status,
            "new_reason": outcomes[key].reason,
            "new_facts": outcomes[key].facts,
            "new_result": outcomes[key].record_result(),
        }
        for key in sorted(claimed)
    ]
    session.connection().execute(statement, rows)


def _apply_effect(
    session: Session,
    device: CallingDevice,
    command: contract.Command,
    staff: _StaffOfBatch,
    now: datetime,
) -> dict[str, Any]:
    if command.store_id != device.store_id:
        raise CommandRefused(
            "wrong_store",
            f"This device is enrolled at store {device.store_id}, not store {command.store_id}.",
            store_id=command.store_id,
            device_store_id=device.store_id,
        )
    # Only checked: the hub dates what a command does by its own clock (the profile view's
    # ``viewed_at`` is checked by its effect).
    device_time(command.issued_at, now, "command")
    if type(command) in NEEDS_ITS_PERSON and command.staff_id is None and staff.signed_in is not None:
        # Done by nobody named: by whoever's session sends it, who is recorded.
        command = command.model_copy(update={"staff_id": staff.signed_in})
    if command.staff_id is not None:
        refusal = staff.refusal(command.staff_id)
        if refusal is not None:
            raise refusal
    if type(command) in NEEDS_ITS_PERSON:
        refusal = staff.authority_refusal(command)
        if refusal is not None:
            raise refusal
    return EFFECTS[type(command)](session, command, device.id)


def _answer_retry(
    device: CallingDevice, command: contract.Command, digest: str, first: _FirstOutcome
) -> contract.CommandResult:
    if first.device_id != device.id:
        # Nothing of the first outcome: it is another device's business.
        return _not_applied(command.id, CommandRefused("id_foreign", FOREIGN_ID))
    if first.payload_hash != digest:
        return _not_applied(command.id, CommandRefused("id_reused", REUSED_ID))
    return contract.CommandResult(
        id=command.id,
        status="duplicate",
        code=first.code,
        params=first.params,
        reason=first.reason,
        facts=first.facts,
        result={**(first.result or {}), "first_status": first.status},
    )


def _audit_subject(command: contract.Command) -> str:
    """What an applied command's audit row names: ids only, at most 40 characters."""
    payload = command.payload
    if isinstance(payload, contract.HoldRef):
        # A hold's id is its placing command's (a UUID: 32 hex digits without the dashes).
        return f"hold:{payload.hold_id.replace('-', '')[:35]}"
    if isinstance(payload, contract.CollectPickupPayload | contract.RestockPickupPayload):
        return f"order:{payload.order_id}"
    if isinstance(payload, contract.ReceivePickupPayload):
        return f"order:{payload.order_id}"
    return f"customer:{payload.customer_id}"
