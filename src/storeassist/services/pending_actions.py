"""What this tablet did that the hub has not confirmed yet: its own view of "waiting to sync".

An action is in the outbox the moment it is taken (``storeassist.local.Outbox``); until the hub
answers, the tablet shows it where it belongs — a note on its customer's profile — marked as waiting
to sync, whether the hub is reachable or not; a hand-over or restock on its order, which then shows
"collected — waiting to sync"; an arrival, which shows the order ready in its bin. Read from the
outbox each time, so what shows is exactly what is still waiting.
"""

from __future__ import annotations

from typing import Protocol

from storeassist.contract import (
    AddNoteCommand,
    CollectPickupCommand,
    Command,
    ReceivePickupCommand,
    RestockPickupCommand,
)

#: What this tablet did to a pickup order: its arrival put in a bin, a hand-over, or a confirmed
#: "to restock" task.
PickupAction = ReceivePickupCommand | CollectPickupCommand | RestockPickupCommand


class UnconfirmedCommands(Protocol):
    """``storeassist.local.Outbox`` as this service reads it."""

    def unacknowledged(self, *command_types: str) -> list[Command]: ...


class PendingActions:
    def __init__(self, outbox: UnconfirmedCommands) -> None:
        self._outbox = outbox

    def notes_for(self, customer_id: int) -> list[str]:
        """Notes for ``customer_id`` written here and not yet confirmed by the hub, oldest first."""
        return [
            command.payload.text
            for command in self._outbox.unacknowledged("note.add")
            if isinstance(command, AddNoteCommand) and command.payload.customer_id == customer_id
        ]

    def pickup_actions(self) -> dict[int, list[PickupAction]]:
        """Arrivals, hand-overs and restocks made here and not yet confirmed, by order id, oldest first."""
        actions: dict[int, list[PickupAction]] = {}
        for command in self._outbox.unacknowledged("pickup.receive", "pickup.collect", "pickup.restock"):
            if isinstance(command, ReceivePickupCommand | CollectPickupCommand | RestockPickupCommand):
                actions.setdefault(command.payload.order_id, []).append(command)
        return actions
