"""An associate adds a note to a customer: written to the outbox first, sent when the hub is reachable.

The note is durable on the device when :meth:`AddCustomerNote.add` returns (the outbox commits
with ``synchronous=FULL``), so the screen may say "saved" at once, online or not. The command id
is made here, so a retry after a lost answer is applied once by the hub.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from storeassist.contract import AddNotePayload, Command

#: The screen's limit; the wire allows more, so a note typed here is never refused for length there.
MAX_NOTE_CHARS = 500


class CommandQueue(Protocol):
    def enqueue(self, command: Command) -> None: ...


class NoteInvalid(ValueError):
    """The note cannot be saved as typed; ``user_message`` says why."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def _utc_now() -> datetime:
    return datetime.now(UTC)


def clean_note(text: str) -> str:
    """Trimmed text with control characters removed (line breaks kept)."""
    kept = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    note = kept.strip()
    if not note:
        raise NoteInvalid("The note is empty. Type what a colleague should know, then save.")
    if len(note) > MAX_NOTE_CHARS:
        raise NoteInvalid(f"Notes are at most {MAX_NOTE_CHARS} characters. Shorten it, then save.")
    return note


class AddCustomerNote:
    def __init__(
        self,
        outbox: CommandQueue,
        store_id: int,
        *,
        staff_id: Callable[[], int | None] = lambda: None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._outbox = outbox
        self._store_id = store_id
        self._staff_id = staff_id
        self._clock = clock

    def add(self, customer_id: int, text: str) -> Command:
        """Save the note for sending; returns the command, already durable. Raises ``NoteInvalid``."""
        payload = AddNotePayload(customer_id=customer_id, text=clean_note(text))
        command = Command(
            id=uuid.uuid4(),
            type="note.add",
            issued_at=self._clock(),
            store_id=self._store_id,
            staff_id=self._staff_id(),
            payload=payload.model_dump(),
        )
        self._outbox.enqueue(command)
        return command
