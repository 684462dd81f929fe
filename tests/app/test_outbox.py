"""The outbox keeps every action until the hub has answered for it, across crashes and upgrades."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from pydantic import ValidationError

from storeassist.contract import (
    AddNoteCommand,
    AddNotePayload,
    CollectPickupCommand,
    CollectPickupPayload,
    CommandBatch,
    CommandResult,
    PayloadOutOfBounds,
    PlaceHoldCommand,
    ProfileViewedCommand,
)
from storeassist.local import DuplicateCommandId, Outbox, OutboxState, OutboxTooNew
from storeassist.local.outbox import APPLICATION_ID, SCHEMA_VERSION, OutboxForeign
from storeassist.local.sqlite import StorageLocationUnusable

#: The v1 schema exactly as the first release created it; a frozen copy, not imported from the code.
V1_SCHEMA = """
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
);
PRAGMA user_version = 1;
"""


def test_enqueued_action_is_on_disk_before_enqueue_returns(outbox, make_command, tmp_path):
    command = make_command()
    outbox.enqueue(command)

    # A separate connection sees it: the transaction is committed, not sitting in a session.
    with sqlite3.connect(tmp_path / "outbox.sqlite") as raw:
        row = raw.execute(
            "SELECT type, state, payload FROM commands WHERE id = ?", (str(command.id),)
        ).fetchone()
    assert row[0] == "note.add"
    assert row[1] == "pending"
    assert json.loads(row[2]) == command.payload.model_dump(mode="json")


def test_action_survives_the_app_being_killed_right_after_saving(tmp_path, make_command):
    command = make_command()
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from storeassist.contract import COMMAND_ADAPTER
        from storeassist.local import Outbox
        box = Outbox(Path({str(tmp_path / "outbox.sqlite")!r}))
        box.enqueue(COMMAND_ADAPTER.validate_json({command.model_dump_json()!r}))
        os._exit(0)  # no close, no cleanup: as if the tablet lost power
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)

    reopened = Outbox(tmp_path / "outbox.sqlite")
    try:
        assert [c.id for c in reopened.next_batch(10)] == [command.id]
    finally:
        reopened.close()


def test_outbox_is_opened_in_wal_mode_with_full_sync(outbox):
    with outbox._engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_outbox_made_by_the_v1_schema_opens_and_keeps_its_waiting_actions(tmp_path, make_command):
    path = tmp_path / "outbox.sqlite"
    old = make_command("hold.place")
    with sqlite3.connect(path) as raw:
        raw.executescript(V1_SCHEMA)
        raw.execute(
            "INSERT INTO commands (id, type, payload, issued_at, store_id, staff_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (str(old.id), old.type, old.payload.model_dump_json(), old.issued_at.isoformat(), 1, 5),
        )
    raw.close()

    upgraded = Outbox(path)
    try:
        assert [c for c in upgraded.next_batch(10)] == [old]
        new = make_command()
        upgraded.enqueue(new)
        assert upgraded.pending_count() == 2
        with upgraded._engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA user_version").scalar() == SCHEMA_VERSION
    finally:
        upgraded.close()


def test_outbox_from_a_newer_app_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "outbox.sqlite"
    with sqlite3.connect(path) as raw:
        raw.executescript(V1_SCHEMA.replace("user_version = 1", f"user_version = {SCHEMA_VERSION + 1}"))
    raw.close()
    before = path.read_bytes()

    with pytest.raises(OutboxTooNew) as refused:
        Outbox(path)

    assert "newer StoreAssist" in refused.value.user_message
    assert path.read_bytes() == before


def test_the_same_action_id_twice_is_a_bug_not_a_second_action(outbox, make_command):
    command = make_command()
    outbox.enqueue(command)
    with pytest.raises(DuplicateCommandId):
        outbox.enqueue(command)
    assert outbox.pending_count() == 1


def test_an_action_with_a_bad_payload_cannot_even_be_made(make_command):
    with pytest.raises(ValidationError):
        make_command("hold.place", qty=0)
    with pytest.raises(ValidationError):
        make_command("note.add", sku="SKU-1")  # another type's field


#: Rows exactly as the build before typed commands wrote them: the type's name, the payload's
#: JSON (``model_dump(mode="json")`` of the payload model, compact), the common fields.
ROWS_BEFORE_TYPED_COMMANDS = [
    ("note.add", '{"customer_id":7,"text":"Prefers the blue one"}'),
    ("hold.place", '{"customer_id":7,"sku":"SKU-1","qty":1,"hours":48}'),
    # A hand-over as this build writes it: no earlier build issued ``pickup.collect`` (its payload
    # changed with the pickup counter), so no outbox holds one in the earlier shape.
    (
        "pickup.collect",
        '{"order_id":11,"lines":{"1":{"handed":1,"cancelled":0,"cancel_reason":null,"substituted":0,'
        '"substitute_sku":null},"2":{"handed":0,"cancelled":1,"cancel_reason":"damaged","substituted":0,'
        '"substitute_sku":null}},"verification":{"method":"photo_id","order_code":null,"pickup_code":null,'
        '"document_type":"passport","document_last":"4821","proxy_name":null},'
        '"confirmed_name":"Maria Jensen","signature":null}',
    ),
    ("profile.view", '{"customer_id":7,"source":"cache","viewed_at":"2026-03-02T10:30:00Z"}'),
]


def test_rows_written_before_typed_commands_load_as_their_variants_and_are_sent_unchanged(tmp_path):
    path = tmp_path / "outbox.sqlite"
    with sqlite3.connect(path) as raw:
        raw.executescript(V1_SCHEMA)
        raw.executescript("CREATE INDEX ix_commands_state ON commands (state); PRAGMA user_version = 2;")
        for kind, payload in ROWS_BEFORE_TYPED_COMMANDS:
            raw.execute(
                "INSERT INTO commands (id, type, payload, issued_at, store_id, staff_id)"
                " VALUES (?, ?, ?, '2026-03-02T10:30:00+00:00', 1, 5)",
                (str(uuid.uuid4()), kind, payload),
            )
    raw.close()

    box = Outbox(path)
    try:
        loaded = box.next_batch(10)
    finally:
        box.close()

    assert [type(c) for c in loaded] == [
        AddNoteCommand,
        PlaceHoldCommand,
        CollectPickupCommand,
        ProfileViewedCommand,
    ]
    assert isinstance(loaded[2].payload, CollectPickupPayload)
    assert {n: (a.handed, a.cancelled) for n, a in loaded[2].payload.lines.items()} == {1: (1, 0), 2: (0, 1)}
    # On the wire each is what the earlier build sent: the same payload, the same fields.
    for command, (kind, payload) in zip(loaded, ROWS_BEFORE_TYPED_COMMANDS, strict=True):
        sent = json.loads(CommandBatch(commands=[command]).model_dump_json())["commands"][0]
        assert sent["type"] == kind and sent["payload"] == json.loads(payload)
        assert (sent["issued_at"], sent["store_id"], sent["staff_id"]) == ("2026-03-02T10:30:00Z", 1, 5)


def test_a_refusal_keeps_its_code_and_params_for_the_screen(outbox, make_command):
    old_hub, new_hub = make_command(), make_command()
    for command in (old_hub, new_hub):
        outbox.enqueue(command)

    outbox.record_results(
        [
            CommandResult(id=old_hub.id, status="rejected", reason="There is no customer 7."),
            CommandResult(
                id=new_hub.id,
                status="conflict",
                code="over_collected",
                params={"order_number": "W-1001", "line_no": 2},
                reason="That is more than is left to collect on line 2 of #W-1001.",
            ),
        ]
    )

    [first, second] = outbox.needs_attention()
    assert (first.code, first.params, first.last_error) == (None, {}, "There is no customer 7.")
    assert (second.code, second.params) == ("over_collected", {"order_number": "W-1001", "line_no": 2})


def test_waiting_actions_come_out_in_the_order_they_were_made_in_batches(outbox, make_command):
    made = [make_command() for _ in range(5)]
    for command in made:
        outbox.enqueue(command)
    assert [c.id for c in outbox.next_batch(3)] == [c.id for c in made[:3]]
    assert [c.id for c in outbox.next_batch(10)] == [c.id for c in made]


def test_hub_answers_settle_each_action_and_refusals_wait_for_a_person(outbox, make_command):
    applied, duplicate, conflict, rejected, unanswered = (make_command() for _ in range(5))
    for command in (applied, duplicate, conflict, rejected, unanswered):
        outbox.enqueue(command)
    outbox.mark_sent([c.id for c in outbox.next_batch(10)])

    settled = outbox.record_results(
        [
            CommandResult(id=applied.id, status="applied", result={"note_id": 1}),
            CommandResult(id=duplicate.id, status="duplicate"),
            CommandResult(
                id=conflict.id, status="conflict", reason="Already collected", facts={"state": "x"}
            ),
            CommandResult(id=rejected.id, status="rejected"),
        ]
    )

    assert settled == 4
    assert outbox.get(applied.id).state is OutboxState.APPLIED
    assert outbox.get(applied.id).result["result"] == {"note_id": 1}
    assert outbox.get(duplicate.id).state is OutboxState.DUPLICATE
    assert outbox.get(unanswered.id).state is OutboxState.SENT
    attention = outbox.needs_attention()
    assert [(e.command.id, e.last_error) for e in attention] == [
        (conflict.id, "Already collected"),
        (rejected.id, "The back office answered 'rejected'."),
    ]
    assert attention[0].result["facts"] == {"state": "x"}
    # Only the unanswered one is pushed again, with its attempt counted.
    assert [c.id for c in outbox.next_batch(10)] == [unanswered.id]
    assert outbox.get(unanswered.id).attempts == 1
    assert (outbox.pending_count(), outbox.attention_count()) == (1, 2)


def test_a_retry_answered_duplicate_of_a_refusal_still_waits_for_a_person(outbox, make_command):
    # The first answer (a conflict) was lost on the way; the retry hears "duplicate" of it.
    lost, fine = make_command(), make_command()
    for command in (lost, fine):
        outbox.enqueue(command)
    outbox.mark_sent([c.id for c in outbox.next_batch(10)])

    outbox.record_results(
        [
            CommandResult(
                id=lost.id,
                status="duplicate",
                reason="Only 0 left in store",
                result={"first_status": "conflict"},
            ),
            CommandResult(id=fine.id, status="duplicate", result={"first_status": "applied"}),
        ]
    )

    assert outbox.get(fine.id).state is OutboxState.DUPLICATE
    [waiting] = outbox.needs_attention()
    assert (waiting.command.id, waiting.last_error) == (lost.id, "Only 0 left in store")


def test_a_late_answer_never_moves_an_action_the_hub_already_settled(outbox, make_command):
    command = make_command()
    outbox.enqueue(command)
    outbox.record_results([CommandResult(id=command.id, status="applied")])

    settled = outbox.record_results([CommandResult(id=command.id, status="rejected", reason="late")])

    assert settled == 0
    assert outbox.get(command.id).state is OutboxState.APPLIED
    assert outbox.get(uuid.uuid4()) is None


def test_a_failed_push_keeps_the_actions_waiting_with_the_reason(outbox, make_command):
    command = make_command()
    outbox.enqueue(command)
    outbox.mark_sent([command.id])
    outbox.record_failure([command.id], "HubTimeout")

    entry = outbox.get(command.id)
    assert (entry.state, entry.last_error, entry.attempts) == (OutboxState.SENT, "HubTimeout", 1)
    assert outbox.pending_count() == 1


def test_a_broken_listener_does_not_make_a_saved_action_look_lost(outbox, make_command, caplog):
    def broken() -> None:
        raise RuntimeError("listener bug")

    outbox.add_change_listener(broken)
    outbox.enqueue(make_command())
    assert outbox.pending_count() == 1
    assert "listener failed" in caplog.text


def test_reopening_an_outbox_keeps_everything(tmp_path: Path, make_command):
    first = Outbox(tmp_path / "outbox.sqlite")
    command = make_command("pickup.collect")
    first.enqueue(command)
    first.close()

    second = Outbox(tmp_path / "outbox.sqlite")
    try:
        [reloaded] = second.next_batch(1)
        # The payload comes back as it travels on the wire (JSON object keys are strings).
        assert reloaded.model_dump(mode="json") == command.model_dump(mode="json")
    finally:
        second.close()


def _application_id(path: Path) -> int:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as raw:
        found = int(raw.execute("PRAGMA application_id").fetchone()[0])
    raw.close()
    return found


def test_a_new_outbox_carries_storeassists_mark_not_the_caches(outbox):
    from storeassist.local.cache import APPLICATION_ID as CACHE_APPLICATION_ID

    assert _application_id(outbox.path) == APPLICATION_ID
    assert APPLICATION_ID != CACHE_APPLICATION_ID


def test_an_outbox_from_before_the_mark_keeps_its_actions_and_is_marked(tmp_path, make_command):
    path = tmp_path / "outbox.sqlite"
    with sqlite3.connect(path) as raw:
        raw.executescript(V1_SCHEMA)
    raw.close()
    first = Outbox(path)
    first.enqueue(make_command())
    first.close()

    assert _application_id(path) == APPLICATION_ID
    again = Outbox(path)
    try:
        assert again.pending_count() == 1
    finally:
        again.close()


@pytest.mark.parametrize(
    ("application_id", "schema"),
    [
        (0x1234_5678, V1_SCHEMA),  # another program's mark, though the tables look like ours
        (0, "CREATE TABLE recipes (name TEXT); PRAGMA user_version = 1;"),  # unmarked, not ours
    ],
    ids=["another-app", "unmarked-foreign"],
)
def test_a_foreign_file_where_the_outbox_belongs_is_refused_and_left_exactly_as_found(
    tmp_path, application_id, schema
):
    path = tmp_path / "outbox.sqlite"
    with sqlite3.connect(path) as raw:
        raw.executescript(schema)
        raw.execute(f"PRAGMA application_id = {application_id}")
    raw.close()
    before = path.read_bytes()

    with pytest.raises(OutboxForeign) as refused:
        Outbox(path)

    assert str(path) in refused.value.user_message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outbox.sqlite"]  # nothing moved or added


def test_a_folder_where_the_outbox_belongs_is_reported_with_its_path(tmp_path):
    path = tmp_path / "outbox.sqlite"
    path.mkdir()

    with pytest.raises(StorageLocationUnusable) as refused:
        Outbox(path)

    assert str(path) in refused.value.user_message
    assert "folder" in refused.value.user_message
    assert path.is_dir()


def test_a_command_the_hub_would_refuse_for_its_size_is_never_stored(outbox: Outbox, make_command) -> None:
    # No variant lets a payload past the bounds today; one built unchecked shows the guard holds.
    huge = make_command().model_copy(
        update={"payload": AddNotePayload.model_construct(customer_id=1, text="x" * 9000)}
    )
    with pytest.raises(PayloadOutOfBounds):
        outbox.enqueue(huge)
    assert outbox.pending_count() == 0
