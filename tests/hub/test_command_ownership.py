"""A command belongs to the device that sent it, names staff of that device's store, and is dated
by a clock the hub can believe: tested on the command service itself, over a seeded database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.access import CallingDevice
from storeassist.hub.services.command_effects import MAX_CLOCK_SKEW, MAX_COMMAND_AGE
from storeassist.hub.services.commands import FOREIGN_ID, apply_batch
from storeassist.hub.services.database import HubDatabase

STORE = 1
#: The furthest behind UTC an offset may be: its wall time is the furthest from the instant.
BEHIND_UTC = timezone(-timedelta(hours=23, minutes=59))


@pytest.fixture
def hub_db(seeded_db_url: str) -> Iterator[HubDatabase]:
    db = HubDatabase(seeded_db_url)
    yield db
    db.dispose()


def _enrolled(db: HubDatabase, store_id: int = STORE) -> CallingDevice:
    with db.writing() as session:
        device = m.Device(
            store_id=store_id,
            name="tablet",
            kind="tablet",
            credential_hash=uuid.uuid4().hex * 2,
            enrolled_at=datetime.now(UTC),
            revoked=False,
        )
        session.add(device)
        session.flush()
        return CallingDevice(device.id, store_id, "tablet")


def _customer(db: HubDatabase) -> int:
    with db.reading() as session:
        return session.scalars(select(m.Customer.id).order_by(m.Customer.id).limit(1)).one()


def _staff(db: HubDatabase, *, here: bool, role: str) -> int:
    with db.reading() as session:
        where = m.Staff.store_id == STORE if here else m.Staff.store_id != STORE
        return session.scalars(select(m.Staff.id).where(where, m.Staff.role == role).limit(1)).one()


def _note(
    customer_id: int,
    text: str = "asked about the linen shirt",
    *,
    command_id: uuid.UUID | None = None,
    staff_id: int | None = None,
    issued_at: datetime | None = None,
) -> contract.Command:
    return contract.AddNoteCommand(
        id=command_id or uuid.uuid4(),
        type="note.add",
        issued_at=issued_at or datetime.now(UTC),
        store_id=STORE,
        staff_id=staff_id,
        payload=contract.AddNotePayload(customer_id=customer_id, text=text),
    )


def _view(customer_id: int, viewed_at: datetime) -> contract.Command:
    return contract.ProfileViewedCommand(
        id=uuid.uuid4(),
        type="profile.view",
        issued_at=datetime.now(UTC),
        store_id=STORE,
        payload=contract.ProfileViewedPayload(customer_id=customer_id, source="cache", viewed_at=viewed_at),
    )


def _send(
    db: HubDatabase, device: CallingDevice, *commands: contract.Command
) -> list[contract.CommandResult]:
    """Apply ``commands`` as the hub receives them (read from JSON, as the route does)."""
    batch = contract.CommandBatch(commands=list(commands)).model_dump_json()
    received = contract.ReceivedCommandBatch.model_validate_json(batch).commands
    with db.writing(durable=True) as session:
        return apply_batch(session, device, received).results


def _as_utc(at: datetime) -> datetime:
    """SQLite hands the stored UTC time back naive; PostgreSQL aware."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _count(db: HubDatabase, model: Any, *where: Any) -> int:
    with db.reading() as session:
        return len(session.scalars(select(model.id).where(*where)).all())


def test_another_device_replaying_a_command_id_is_refused_and_learns_nothing(hub_db: HubDatabase) -> None:
    tablet_a, tablet_b = _enrolled(hub_db), _enrolled(hub_db)
    note = _note(_customer(hub_db))

    first = _send(hub_db, tablet_a, note)[0]
    replayed = _send(hub_db, tablet_b, note)[0]
    again_from_a = _send(hub_db, tablet_a, note)[0]

    assert first.status == "applied" and first.result
    assert (replayed.status, replayed.code, replayed.reason, replayed.facts, replayed.result) == (
        "rejected",
        "id_foreign",
        FOREIGN_ID,
        None,
        None,
    )
    assert again_from_a.status == "duplicate"
    assert again_from_a.result == {**first.result, "first_status": "applied"}
    assert _count(hub_db, m.CustomerNote, m.CustomerNote.text == "asked about the linen shirt") == 1


def test_another_devices_id_with_another_payload_gets_the_same_refusal(hub_db: HubDatabase) -> None:
    tablet_a, tablet_b = _enrolled(hub_db), _enrolled(hub_db)
    customer_id = _customer(hub_db)
    command_id = uuid.uuid4()
    _send(hub_db, tablet_a, _note(customer_id, "first", command_id=command_id))

    forged = _send(hub_db, tablet_b, _note(customer_id, "forged", command_id=command_id))[0]

    # The same answer whatever the payload: B cannot even tell a matching payload from another.
    assert (forged.status, forged.reason) == ("rejected", FOREIGN_ID)
    with hub_db.reading() as session:
        record = session.get(m.CommandRecord, str(command_id))
        assert record is not None and record.device_id == tablet_a.id and record.status == "applied"


def test_a_conflict_found_for_one_device_is_not_told_to_another(hub_db: HubDatabase) -> None:
    tablet_a, tablet_b = _enrolled(hub_db), _enrolled(hub_db)
    with hub_db.reading() as session:
        sku = session.scalars(
            select(m.Product.sku)
            .join(m.Inventory, m.Inventory.product_id == m.Product.id)
            .where(m.Inventory.store_id == STORE)
            .limit(1)
        ).one()
    hold = contract.PlaceHoldCommand(
        id=uuid.uuid4(),
        type="hold.place",
        issued_at=datetime.now(UTC),
        store_id=STORE,
        payload=contract.PlaceHoldPayload(customer_id=_customer(hub_db), sku=sku, qty=20),
    )
    assert _send(hub_db, tablet_a, hold)[0].status == "conflict"

    replayed = _send(hub_db, tablet_b, hold)[0]

    assert (replayed.status, replayed.code, replayed.params) == ("rejected", "id_foreign", {})
    assert (replayed.facts, replayed.result) == (None, None)


def test_staff_of_another_store_cannot_be_named_on_a_command_but_a_manager_can(hub_db: HubDatabase) -> None:
    tablet = _enrolled(hub_db)
    customer_id = _customer(hub_db)
    associate_here = _staff(hub_db, here=True, role="associate")
    associate_elsewhere = _staff(hub_db, here=False, role="associate")
    manager_elsewhere = _staff(hub_db, here=False, role="manager")

    results = _send(
        hub_db,
        tablet,
        _note(customer_id, "by a colleague here", staff_id=associate_here),
        _note(customer_id, "by someone of store 2", staff_id=associate_elsewhere),
        _note(customer_id, "by an area manager", staff_id=manager_elsewhere),
        _note(customer_id, "by nobody in particular"),
    )

    assert [r.status for r in results] == ["applied", "rejected", "applied", "applied"]
    assert (results[1].code, results[1].params) == (
        "staff_of_another_store",
        {"staff_id": associate_elsewhere},
    )
    assert "another store" in (results[1].reason or "")
    assert _count(hub_db, m.CustomerNote, m.CustomerNote.staff_id == associate_elsewhere) == 0


def test_a_command_dated_ahead_of_the_hub_or_long_ago_is_rejected_and_within_the_window_applied(
    hub_db: HubDatabase,
) -> None:
    tablet = _enrolled(hub_db)
    customer_id = _customer(hub_db)
    now = datetime.now(UTC)
    dated = [
        now + MAX_CLOCK_SKEW + timedelta(minutes=1),  # a clock running ahead
        datetime(2099, 1, 1, tzinfo=UTC),
        datetime(1970, 1, 1, tzinfo=UTC),  # a clock reset by a flat battery
        now - MAX_COMMAND_AGE - timedelta(hours=1),
        now + timedelta(minutes=2),  # ordinary drift
        now - MAX_COMMAND_AGE + timedelta(hours=1),
        datetime(9999, 12, 31, 23, 59, tzinfo=BEHIND_UTC),  # after year 9999 once in UTC
    ]

    results = _send(
        hub_db, tablet, *(_note(customer_id, f"note {n}", issued_at=at) for n, at in enumerate(dated))
    )

    assert [r.status for r in results] == ["rejected"] * 4 + ["applied"] * 2 + ["rejected"]
    assert "ahead" in (results[0].reason or "") and "days ago" in (results[3].reason or "")
    assert [(r.code, r.params) for r in results[:4]] == [
        ("clock_ahead", {"subject": "command"}),
        ("clock_ahead", {"subject": "command"}),
        ("too_old", {"subject": "command", "days": MAX_COMMAND_AGE.days}),
        ("too_old", {"subject": "command", "days": MAX_COMMAND_AGE.days}),
    ]


def test_an_offline_view_is_never_audited_with_a_date_from_a_wrong_clock(hub_db: HubDatabase) -> None:
    tablet = _enrolled(hub_db)
    customer_id = _customer(hub_db)
    now = datetime.now(UTC)
    before = _count(hub_db, m.AuditEntry, m.AuditEntry.action == "profile.view")
    wrong = [
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2099, 1, 1, tzinfo=UTC),
        now + MAX_CLOCK_SKEW + timedelta(seconds=30),
        now - MAX_COMMAND_AGE - timedelta(minutes=1),
    ]

    results = _send(hub_db, tablet, *(_view(customer_id, at) for at in wrong))

    assert [r.status for r in results] == ["rejected"] * len(wrong)
    assert all(r.reason for r in results)
    assert [r.code for r in results] == ["too_old", "clock_ahead", "clock_ahead", "too_old"]
    assert {r.params["subject"] for r in results} == {"profile_view"}
    assert _count(hub_db, m.AuditEntry, m.AuditEntry.action == "profile.view") == before


def test_an_offline_view_a_little_ahead_is_audited_at_the_hubs_time_and_flagged(hub_db: HubDatabase) -> None:
    tablet = _enrolled(hub_db)
    customer_id = _customer(hub_db)
    hub_time_before = datetime.now(UTC)
    shown_at = hub_time_before + timedelta(minutes=3)  # the tablet's clock runs 3 minutes fast

    (result,) = _send(hub_db, tablet, _view(customer_id, shown_at))

    assert result.status == "applied" and result.result
    assert result.result["viewed_at_clamped"] is True
    with hub_db.reading() as session:
        entry = session.get(m.AuditEntry, result.result["audit_id"])
        assert entry is not None
        assert hub_time_before <= _as_utc(entry.at) <= datetime.now(UTC)


def test_an_offline_view_in_the_window_keeps_the_time_it_was_shown(hub_db: HubDatabase) -> None:
    tablet = _enrolled(hub_db)
    shown_at = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)

    (result,) = _send(hub_db, tablet, _view(_customer(hub_db), shown_at))

    assert result.status == "applied" and result.result and "viewed_at_clamped" not in result.result
    with hub_db.reading() as session:
        entry = session.get(m.AuditEntry, result.result["audit_id"])
        assert entry is not None
        assert _as_utc(entry.at) == shown_at
