"""``outbox.sqlite``: every state-changing action, kept until the hub has answered for it.

This file is precious. The app never deletes it, opens it in WAL mode with
``synchronous=FULL``, and commits each command in its own transaction before
:meth:`Outbox.enqueue` returns, so "done" on screen means "on disk".

Life of a command::

    pending ──push──▶ sent ──hub answered──▶ applied | duplicate | needs_attention
                       │
                       └─no answer (offline, timeout)─▶ stays sent, pushed again with the same id

Resending is safe because the hub applies each command id at most once and answers a
repeat with the first result.

A command is kept as its type's name and its payload as JSON beside the fields every command
has, and read back as its variant of ``contract.Command`` (``COMMAND_ADAPTER``); rows written by
earlier builds, which kept the same columns, read back the same way. The hub's answer is kept
whole (``result``); a refusal's ``code`` and ``params`` are read from it for the screen.

The file carries StoreAssist's outbox ``PRAGMA application_id`` (an outbox from a build before
the mark is recognised by its one ``commands`` table and stamped). A file that is not ours is
refused with :class:`OutboxForeign` and left exactly as found: never deleted, never moved.
"""

from __future__ import annotations

import enum
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storeassist.contract import COMMAND_ADAPTER, Command, CommandResult, check_payload_bounds
from storeassist.local.sqlite import (
    DatabaseIdentity,
    LocalStoreError,
    create_database_file,
    execute_script,
    location_unusable,
    migrate,
    open_engine,
    read_identity,
)

log = logging.getLogger("storeassist.local")


class OutboxState(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    NEEDS_ATTENTION = "needs_attention"


#: States the hub has not answered for yet: these are pushed (again).
UNACKNOWLEDGED = (OutboxState.PENDING.value, OutboxState.SENT.value)


class _Base(DeclarativeBase):
    pass


class CommandRow(_Base):
    """The ``commands`` table as the newest migration leaves it."""

    __tablename__ = "commands"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[str] = mapped_column(Text)
    store_id: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state: Mapped[str] = mapped_column(Text, default=OutboxState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)


_commands = cast(Table, CommandRow.__table__)
#: The order commands were made on this device; wall-clock ``issued_at`` can jump when the clock is set.
_ENQUEUE_ORDER: ColumnElement[int] = literal_column("commands.rowid")
#: Spelled out rather than ``IN (...)``, which SQLAlchemy cannot expand in an executemany.
_WAITING: ColumnElement[bool] = or_(*(_commands.c.state == state for state in UNACKNOWLEDGED))


def _v1_commands_table(connection: Connection) -> None:
    execute_script(
        connection,
        """
        CREATE TABLE commands (
            id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            payload TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            store_id INTEGER NOT NULL,
            staff_id INTEGER,
            state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            result TEXT
        )
        """,
    )


def _v2_state_index(connection: Connection) -> None:
    # Every push and every badge count filters by state; without this they scan the whole history.
    execute_script(connection, "CREATE INDEX ix_commands_state ON commands (state)")


#: Append only. Never edit a step that has shipped: devices in the field have already run it.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_v1_commands_table, _v2_state_index)
SCHEMA_VERSION = len(MIGRATIONS)
#: ``PRAGMA application_id`` of StoreAssist's outbox ("SAob"), distinct from the cache's.
APPLICATION_ID = 0x53416F62
#: How the associate hears of the outbox.
_WHAT = "the list of actions waiting for the back office"


class OutboxTooNew(LocalStoreError):
    """The outbox was written by a newer StoreAssist; refusing to touch it protects its commands."""


class OutboxForeign(LocalStoreError):
    """The file where the outbox belongs is not StoreAssist's outbox; it is left exactly as found."""


class DuplicateCommandId(ValueError):
    """A command id was enqueued twice: a bug in the caller, since ids are made fresh per action."""


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One stored command and what has become of it.

    ``code`` and ``params`` say why the hub did not apply it (``contract.RESULT_CODES``), for the
    screen to word; None for an answer from a hub before codes, or no answer yet. ``last_error``
    is the English reason, for the log."""

    command: Command
    state: OutboxState
    attempts: int
    last_error: str | None
    result: dict[str, Any] | None
    code: str | None = None
    params: Mapping[str, str | int] = field(default_factory=dict)


class Outbox:
    """The device's queue of commands for the hub, on one long-lived engine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._listeners: list[Callable[[], None]] = []
        cannot_open = LocalStoreError(
            "The list of actions waiting for the back office cannot be opened. "
            "Check free disk space, then restart StoreAssist."
        )
        # Read whose file it is and its version before the engine switches it to WAL: a file
        # that is not ours, or a newer app's, is left exactly as it was found.
        try:
            found = read_identity(path, _WHAT)
        except sqlite3.DatabaseError as exc:
            raise cannot_open from exc
        if found is not None and not _is_an_outbox(found):
            raise OutboxForeign(
                f"The file at {path} is not StoreAssist's list of actions waiting for the back office, "
                "so StoreAssist left it alone. Ask IT to move that file elsewhere, then restart StoreAssist."
            )
        if found is not None and found.user_version > SCHEMA_VERSION:
            raise OutboxTooNew(
                "The list of actions waiting for the back office was saved by a newer StoreAssist. "
                "Update the app on this device."
            )
        if found is None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                create_database_file(path, APPLICATION_ID)
            except OSError as exc:
                raise location_unusable(path, _WHAT, exc) from exc
            except sqlite3.Error as exc:
                raise cannot_open from exc
        self._engine = open_engine(path, durable=True)
        try:
            migrate(self._engine, MIGRATIONS, name="outbox")
            if found is not None and found.application_id == 0:
                # An outbox from before the mark: stamp it, in a transaction of its own.
                with self._engine.begin() as connection:
                    connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        except OperationalError as exc:
            self._engine.dispose()
            raise cannot_open from exc

    def close(self) -> None:
        self._engine.dispose()

    def add_change_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after every committed change (the sync engine updates its counts)."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in self._listeners:
            # The change is already committed; a failing listener must not make the caller
            # believe the action was lost.
            try:
                listener()
            except Exception:
                log.exception("outbox change listener failed")

    def enqueue(self, command: Command) -> None:
        """Store ``command`` durably (committed, fsynced) before returning."""
        # The variant checked its payload when it was made; its size is checked here, which turns
        # a command the hub would refuse into the caller's bug now, instead of a rejection at the
        # hub hours later that an associate cannot fix.
        payload = check_payload_bounds(command.payload.model_dump(mode="json"))
        row = {
            "id": str(command.id),
            "type": command.type,
            "payload": json.dumps(payload, separators=(",", ":")),
            "issued_at": command.issued_at.astimezone(UTC).isoformat(),
            "store_id": command.store_id,
            "staff_id": command.staff_id,
            "state": OutboxState.PENDING.value,
            "attempts": 0,
        }
        try:
            with self._engine.begin() as connection:
                connection.execute(_commands.insert(), row)
        except IntegrityError as exc:
            raise DuplicateCommandId(f"command {command.id} is already in the outbox") from exc
        except OperationalError as exc:
            raise LocalStoreError(
                "This action could not be saved on the device. Check free disk space and try again."
            ) from exc
        self._changed()

    def next_batch(self, limit: int) -> list[Command]:
        """The oldest commands the hub has not answered for, in the order they were enqueued."""
        query = select(_commands).where(_WAITING).order_by(_ENQUEUE_ORDER).limit(limit)
        with self._engine.connect() as connection:
            return [_command_from_row(row._mapping) for row in connection.execute(query)]

    def mark_sent(self, ids: Sequence[UUID]) -> None:
        """Record an attempt before the request leaves, so a crash mid-push still counts it."""
        statement = (
            update(_commands)
            .where(_commands.c.id == bindparam("command_id"))
            .values(state=OutboxState.SENT.value, attempts=_commands.c.attempts + 1)
        )
        with self._engine.begin() as connection:
            connection.execute(statement, [{"command_id": str(i)} for i in ids])

    def record_failure(self, ids: Sequence[UUID], error: str) -> None:
        """Note why a push got no answer; the commands stay unacknowledged and will be pushed again."""
        statement = (
            update(_commands)
            .where(_commands.c.id == bindparam("command_id"))
            .where(_WAITING)
            .values(last_error=error)
        )
        with self._engine.begin() as connection:
            connection.execute(statement, [{"command_id": str(i)} for i in ids])

    def record_results(self, results: Iterable[CommandResult]) -> int:
        """Apply the hub's answers; return how many commands they settled.

        Only answers for commands still waiting are taken: an answer cannot move a settled
        command, so a late duplicate reply never undoes anything.
        """
        rows = [_settlement(result) for result in results]
        if not rows:
            return 0
        statement = (
            update(_commands)
            .where(_commands.c.id == bindparam("command_id"))
            .where(_WAITING)
            .values(
                state=bindparam("new_state"),
                last_error=bindparam("reason"),
                result=bindparam("answer"),
            )
        )
        with self._engine.begin() as connection:
            settled = connection.execute(statement, rows).rowcount
        if settled != len(rows):
            log.warning("hub answered for %d commands the outbox was not waiting on", len(rows) - settled)
        self._changed()
        return settled

    def unacknowledged(self, *command_types: str) -> list[Command]:
        """Commands of the ``command_types`` made here that the hub has not answered for yet, in
        the order they were made: what this tablet shows as "waiting to sync"."""
        query = (
            select(_commands).where(_WAITING, _commands.c.type.in_(command_types)).order_by(_ENQUEUE_ORDER)
        )
        with self._engine.connect() as connection:
            return [_command_from_row(row._mapping) for row in connection.execute(query)]

    def get(self, command_id: UUID) -> OutboxEntry | None:
        with self._engine.connect() as connection:
            row = connection.execute(select(_commands).where(_commands.c.id == str(command_id))).first()
        return None if row is None else _entry_from_row(row._mapping)

    def pending_count(self) -> int:
        """Commands the hub has not answered for yet (the "N actions waiting" badge)."""
        return self._count(_WAITING)

    def attention_count(self) -> int:
        return self._count(_commands.c.state == OutboxState.NEEDS_ATTENTION.value)

    def needs_attention(self) -> list[OutboxEntry]:
        """Commands the hub refused, oldest first, each with the hub's reason."""
        query = (
            select(_commands)
            .where(_commands.c.state == OutboxState.NEEDS_ATTENTION.value)
            .order_by(_ENQUEUE_ORDER)
        )
        with self._engine.connect() as connection:
            return [_entry_from_row(row._mapping) for row in connection.execute(query)]

    def _count(self, condition: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(_commands).where(condition)
        with self._engine.connect() as connection:
            return int(connection.execute(query).scalar_one())


def _settlement(result: CommandResult) -> dict[str, Any]:
    # A "duplicate" answers a retry with the first attempt's outcome. If that first attempt was
    # refused (its answer lost on the way), the refusal still needs a person: not filed as done.
    first = (result.result or {}).get("first_status") if result.status == "duplicate" else None
    if result.status == "applied" or (result.status == "duplicate" and first in (None, "applied")):
        state, reason = OutboxState(result.status), None
    else:
        state = OutboxState.NEEDS_ATTENTION
        status = first if result.status == "duplicate" else result.status
        reason = result.reason or f"The back office answered '{status}'."
    answer = result.model_dump(mode="json", exclude={"id"})
    return {
        "command_id": str(result.id),
        "new_state": state.value,
        "reason": reason,
        "answer": json.dumps(answer, separators=(",", ":")),
    }


def _command_from_row(row: Any) -> Command:
    return COMMAND_ADAPTER.validate_python(
        {
            "id": row["id"],
            "type": row["type"],
            "issued_at": datetime.fromisoformat(row["issued_at"]),
            "store_id": row["store_id"],
            "staff_id": row["staff_id"],
            "payload": json.loads(row["payload"]),
        }
    )


def _entry_from_row(row: Any) -> OutboxEntry:
    answer = None if row["result"] is None else json.loads(row["result"])
    code, params = None, {}
    if isinstance(answer, dict) and isinstance(answer.get("code"), str):
        code = answer["code"]
        found = answer.get("params")
        if isinstance(found, dict):
            params = {k: v for k, v in found.items() if isinstance(v, str | int) and not isinstance(v, bool)}
    return OutboxEntry(
        command=_command_from_row(row),
        state=OutboxState(row["state"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        result=answer,
        code=code,
        params=params,
    )


def _is_an_outbox(found: DatabaseIdentity) -> bool:
    """StoreAssist's outbox: by its mark, or from a build before the mark by its one table
    (or, empty, by having none yet)."""
    if found.application_id == APPLICATION_ID:
        return True
    if found.application_id != 0:
        return False
    if found.user_version == 0:
        return not found.tables
    return found.tables == {"commands"}
