"""An associate adds a note to a customer: written to the outbox first, sent when the hub is reachable.

The note is durable on the device when :meth:`AddCustomerNote.add` returns (the outbox commits
with ``synchronous=FULL``), so the screen may say "saved" at once, online or not. The command id
is made here, so a retry after a lost answer is applied once by the hub.
"""

from __future__ import annotations

import unicodedata

from storeassist.contract import AddNoteCommand, AddNotePayload
from storeassist.services.outbox_commands import CommandIssuer
from storeassist.words import QT_TRANSLATE_NOOP

#: The screen's limit; the wire allows more, so a note typed here is never refused for length there.
MAX_NOTE_CHARS = 500


class NoteInvalid(ValueError):
    """The note cannot be saved as typed; ``user_message`` says why."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def clean_note(text: str) -> str:
    """Trimmed text with control characters removed (line breaks kept)."""
    kept = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    note = kept.strip()
    if not note:
        raise NoteInvalid(
            QT_TRANSLATE_NOOP("messages", "The note is empty. Type what a colleague should know, then save.")
        )
    if len(note) > MAX_NOTE_CHARS:
        raise NoteInvalid(f"Notes are at most {MAX_NOTE_CHARS} characters. Shorten it, then save.")
    return note


class AddCustomerNote(CommandIssuer):
    def add(self, customer_id: int, text: str) -> AddNoteCommand:
        """Save the note for sending; returns the command, already durable. Raises ``NoteInvalid``."""
        payload = AddNotePayload(customer_id=customer_id, text=clean_note(text))
        command = AddNoteCommand(type="note.add", payload=payload, **self.fields())
        self.issue(command)
        return command
