"""A profile shown from the device's cache is saved for the audit trail at once, offline or not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from storeassist.contract import ProfileViewedPayload
from storeassist.local import Outbox
from storeassist.services.record_profile_view import RecordProfileView

SHOWN_AT = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)


def test_a_cached_view_is_durable_in_the_outbox_with_ids_and_a_time_only(outbox: Outbox) -> None:
    record = RecordProfileView(outbox, 1, staff_id=lambda: 3, clock=lambda: SHOWN_AT)

    command = record.cached_view(42)

    assert outbox.pending_count() == 1
    assert outbox.get(command.id).command == command
    assert (command.type, command.store_id, command.staff_id, command.issued_at) == (
        "profile.view",
        1,
        3,
        SHOWN_AT,
    )
    assert command.payload == ProfileViewedPayload(customer_id=42, source="cache", viewed_at=SHOWN_AT)
    assert command.payload.model_dump(mode="json") == {
        "customer_id": 42,
        "source": "cache",
        "viewed_at": "2026-03-02T09:15:00Z",
    }


def test_a_staff_id_given_for_the_view_wins_and_a_local_clock_is_sent_as_utc(outbox: Outbox) -> None:
    local = SHOWN_AT.astimezone(timezone(timedelta(hours=2)))
    record = RecordProfileView(outbox, 1, staff_id=lambda: 3, clock=lambda: local)

    command = record.cached_view(42, staff_id=5)

    assert command.staff_id == 5
    assert command.payload.model_dump(mode="json")["viewed_at"] == "2026-03-02T09:15:00Z"


def test_each_view_is_its_own_command(outbox: Outbox) -> None:
    record = RecordProfileView(outbox, 1, clock=lambda: SHOWN_AT)

    first, second = record.cached_view(42), record.cached_view(42)

    assert first.id != second.id and first.staff_id is None
    assert outbox.pending_count() == 2


@pytest.mark.parametrize("customer_id", [0, -1])
def test_a_view_of_no_customer_is_a_bug_caught_before_saving(outbox: Outbox, customer_id: int) -> None:
    with pytest.raises(ValidationError):
        RecordProfileView(outbox, 1).cached_view(customer_id)
    assert outbox.pending_count() == 0


def test_a_view_time_without_a_zone_cannot_be_sent() -> None:
    with pytest.raises(ValidationError):
        ProfileViewedPayload(customer_id=1, source="cache", viewed_at=datetime(2026, 3, 2, 9, 15))
