"""What every service that records an action shares: make the command here, put it in the outbox.

The command id is made on the device, so a retry after a lost answer is applied once by the hub;
the command is durable when :meth:`CommandIssuer.issue` returns (the outbox commits with
``synchronous=FULL``). Each command carries this device's store and the signed-in staff member.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from pydantic import BaseModel

from storeassist.contract import Command, CommandType


class CommandQueue(Protocol):
    def enqueue(self, command: Command) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class CommandIssuer:
    """Base of the services that record an action through the outbox."""

    def __init__(
        self,
        outbox: CommandQueue,
        store_id: int,
        *,
        staff_id: Callable[[], int | None] = lambda: None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._outbox = outbox
        self._store_id = store_id
        self._staff_id = staff_id
        self._clock = clock

    def issue(
        self,
        kind: CommandType,
        payload: BaseModel,
        *,
        at: datetime | None = None,
        staff_id: int | None = None,
    ) -> Command:
        """Enqueue a ``kind`` command with ``payload``; raises the outbox's ``LocalStoreError``."""
        command = Command(
            id=uuid.uuid4(),
            type=kind,
            issued_at=at if at is not None else self._clock(),
            store_id=self._store_id,
            staff_id=staff_id if staff_id is not None else self._staff_id(),
            payload=payload.model_dump(mode="json"),
        )
        self._outbox.enqueue(command)
        return command
