"""What every service that records an action shares: make the command here, put it in the outbox.

A service makes its variant of ``contract.Command`` with a typed payload and the fields every
command has (:meth:`CommandIssuer.fields`), then :meth:`CommandIssuer.issue` stores it. The command
id is made on the device, so a retry after a lost answer is applied once by the hub; the command
is durable when ``issue`` returns (the outbox commits with ``synchronous=FULL``). Each command
carries this device's store and the signed-in staff member.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol, TypedDict

from storeassist.contract import Command, StaffSession
from storeassist.services.view_customer import SignInRequired


class CommandQueue(Protocol):
    def enqueue(self, command: Command) -> None: ...


class CommandFields(TypedDict):
    """The fields every command has (``contract.CommandBase``), as keyword arguments for a variant."""

    id: uuid.UUID
    issued_at: datetime
    store_id: int
    staff_id: int | None


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

    def fields(self, *, at: datetime | None = None, staff_id: int | None = None) -> CommandFields:
        """A new id, the time (``at``, else now), this device's store, and who acts (``staff_id``,
        else whoever is signed in)."""
        return CommandFields(
            id=uuid.uuid4(),
            issued_at=at if at is not None else self._clock(),
            store_id=self._store_id,
            staff_id=staff_id if staff_id is not None else self._staff_id(),
        )

    def issue(self, command: Command) -> None:
        """Store ``command`` for sending; raises the outbox's ``LocalStoreError``."""
        self._outbox.enqueue(command)


class ImmediatePush(Protocol):
    """``storeassist.sync.SyncEngine`` as a counter's service uses it: push the outbox now, in a
    task of its own that finishes (and files the answers) even if the counter stops waiting."""

    def push_soon(self) -> asyncio.Future[tuple[int, int]]: ...


class SignedInStaff(Protocol):
    """``StaffSessionState`` as a counter's service uses it."""

    @property
    def current(self) -> StaffSession | None: ...


class StaffCommandIssuer(CommandIssuer):
    """A :class:`CommandIssuer` whose actions need someone signed in (the pickup and stock desks):
    each command names who is signed in, and :meth:`signed_in` refuses when nobody is."""

    def __init__(
        self,
        outbox: CommandQueue,
        store_id: int,
        staff: SignedInStaff,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(outbox, store_id, staff_id=lambda: _staff_id(staff.current), clock=clock)
        self._staff = staff

    def signed_in(self) -> StaffSession:
        """Who is signed in; :class:`~storeassist.services.view_customer.SignInRequired` if nobody."""
        session = self._staff.current
        if session is None:
            raise SignInRequired()
        return session


def _staff_id(session: StaffSession | None) -> int | None:
    return session.staff_id if session is not None else None
