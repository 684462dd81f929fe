"""A customer's profile was shown from this device's cache: put the view on the hub's audit trail.

The hub audits every profile it serves. A profile shown from the cache while the hub is out of
reach never passes through it, so the device reports the view as a ``profile.view`` command in
the outbox; the hub writes the audit row, dated when the profile was shown, once the command
arrives. The command carries ids and a time only, never what was on screen.
"""

from __future__ import annotations

from datetime import UTC

from storeassist.contract import ProfileViewedCommand, ProfileViewedPayload
from storeassist.services.outbox_commands import CommandIssuer


class RecordProfileView(CommandIssuer):
    """Records views for the device enrolled at ``store_id``; the hub knows the device by its
    credential. ``staff_id`` gives the signed-in staff member's id, if anyone is signed in."""

    def cached_view(self, customer_id: int, staff_id: int | None = None) -> ProfileViewedCommand:
        """Save the view for sending (durable when this returns) and return its command.

        ``staff_id`` defaults to the constructor's provider. Raises the outbox's
        ``LocalStoreError`` when the device cannot save it.
        """
        viewed_at = self._clock().astimezone(UTC)
        payload = ProfileViewedPayload(customer_id=customer_id, source="cache", viewed_at=viewed_at)
        command = ProfileViewedCommand(
            type="profile.view", payload=payload, **self.fields(at=viewed_at, staff_id=staff_id)
        )
        self.issue(command)
        return command
