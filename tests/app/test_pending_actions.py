"""The tablet's own view of what waits for the hub: notes stay "waiting" until the hub answers."""

from __future__ import annotations

from typing import Any

from storeassist.contract import CommandResult
from storeassist.local import Outbox
from storeassist.services.add_note import AddCustomerNote
from storeassist.services.pending_actions import PendingActions


def test_notes_wait_until_the_hub_answers_for_them_and_only_for_their_customer(outbox: Outbox) -> None:
    notes = AddCustomerNote(outbox, store_id=1)
    first = notes.add(42, "Prefers a call after 5")
    notes.add(7, "Someone else's note")
    second = notes.add(42, "Asked about the blue jacket")
    pending = PendingActions(outbox)

    assert pending.notes_for(42) == ["Prefers a call after 5", "Asked about the blue jacket"]

    outbox.mark_sent([first.id])  # sent, no answer yet: still waiting
    assert pending.notes_for(42) == ["Prefers a call after 5", "Asked about the blue jacket"]
    outbox.record_results([CommandResult(id=first.id, status="applied")])
    assert pending.notes_for(42) == ["Asked about the blue jacket"]
    outbox.record_results([CommandResult(id=second.id, status="rejected", code="unknown_customer")])
    assert pending.notes_for(42) == []  # refused: it is in "needs attention" now, not waiting


def test_other_kinds_of_command_are_not_notes(outbox: Outbox, make_command: Any) -> None:
    outbox.enqueue(make_command("profile.view"))
    assert PendingActions(outbox).notes_for(42) == []
