"""Applying a batch of device commands, each command id at most once.

For every command the :class:`~storeassist.hub.db.models.CommandRecord` row is inserted *first*,
in the same transaction as the command's effect (each command in its own SAVEPOINT). The primary
key, not a check-then-insert, decides which of several concurrent retries of one id applies it:
the losers hit ``IntegrityError``, re-read the winner's record and answer ``duplicate``.

A retry with the same payload answers the first outcome with status ``duplicate`` (its
``result`` carries ``first_status``); the same id with a different payload is ``rejected``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.access import CallingDevice
from storeassist.hub.services.command_effects import EFFECTS, CommandConflict, CommandRefused
from storeassist.hub.services.database import utc_now
from storeassist.hub.services.trust import record_audit

REUSED_ID = "This command id was already used for a different action; the device must make a new id."


def payload_hash(command: contract.Command) -> str:
    """SHA-256 of everything in the command except its id, in a canonical JSON form."""
    canonical = json.dumps(
        command.model_dump(mode="json", exclude={"id"}), sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def apply_batch(
    session: Session, device: CallingDevice, batch: contract.CommandBatch
) -> contract.CommandBatchResult:
    """Apply each command in order; one refused command never stops the ones after it."""
    return contract.CommandBatchResult(results=[apply_command(session, device, c) for c in batch.commands])


def apply_command(
    session: Session, device: CallingDevice, command: contract.Command
) -> contract.CommandResult:
    digest = payload_hash(command)
    record = m.CommandRecord(
        id=str(command.id),
        device_id=device.id,
        type=command.type,
        payload_hash=digest,
        received_at=utc_now(),
        status="applied",
    )
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        return _answer_retry(session, command, digest)

    status: contract.CommandStatus = "applied"
    try:
        with session.begin_nested():
            result = _apply_effect(session, device, command)
    except CommandConflict as conflict:
        status = "conflict"
        record.status, record.reason, record.facts = status, conflict.reason, conflict.facts
    except CommandRefused as refused:
        status = "rejected"
        record.status, record.reason = status, refused.reason
    else:
        record.result = result
        record_audit(
            session,
            device_id=device.id,
            staff_id=command.staff_id,
            action=command.type,
            subject=_audit_subject(command),
        )
    session.flush()
    return contract.CommandResult(
        id=command.id,
        status=status,
        reason=record.reason,
        facts=record.facts,
        result=record.result,
    )


def _apply_effect(session: Session, device: CallingDevice, command: contract.Command) -> dict[str, Any]:
    if command.store_id != device.store_id:
        raise CommandRefused(
            f"This device is enrolled at store {device.store_id}, not store {command.store_id}."
        )
    payload_model = contract.COMMAND_PAYLOADS[command.type]
    try:
        payload = payload_model.model_validate(command.payload)
    except ValidationError as exc:
        raise CommandRefused(_payload_problem(exc)) from exc
    if command.staff_id is not None and session.get(m.Staff, command.staff_id) is None:
        raise CommandRefused(f"There is no staff member {command.staff_id}.")
    return EFFECTS[command.type](session, command, payload)


def _answer_retry(session: Session, command: contract.Command, digest: str) -> contract.CommandResult:
    first = session.execute(select(m.CommandRecord).where(m.CommandRecord.id == str(command.id))).scalar_one()
    if first.payload_hash != digest:
        return contract.CommandResult(id=command.id, status="rejected", reason=REUSED_ID)
    return contract.CommandResult(
        id=command.id,
        status="duplicate",
        reason=first.reason,
        facts=first.facts,
        result={**(first.result or {}), "first_status": first.status},
    )


def _payload_problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "payload"
    return f"The command's payload is not valid: {where}: {first['msg']}."


def _audit_subject(command: contract.Command) -> str:
    payload = command.payload
    if command.type == "pickup.collect":
        return f"order:{payload.get('order_id')}"
    return f"customer:{payload.get('customer_id')}"
