"""The command endpoint: each id applied at most once, duplicates answered with the first outcome,
conflicts with the facts found, rejections with the reason; an id is its device's alone. Results
carry a code and params only for a client that asks (``X-StoreAssist-Results: codes``, as the app
does); a tablet of the release before codes gets results it can read."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field

from storeassist import contract
from storeassist.hub.services.commands import FOREIGN_ID

#: What the app sends with every batch (``HubClient.push_commands``).
WITH_CODES = {contract.RESULTS_HEADER: contract.RESULTS_WITH_CODES}


class PreviousReleaseResult(BaseModel):
    """``CommandResult`` as the release before codes reads it: unknown fields refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: UUID
    status: Literal["applied", "duplicate", "conflict", "rejected"]
    reason: str | None = Field(default=None)
    facts: dict[str, Any] | None = None
    result: dict[str, Any] | None = None


class PreviousReleaseBatchResult(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    results: list[PreviousReleaseResult]


#: A hand-over checked by photo ID and confirmed by a typed name (the parts a test does not vary).
CHECKED = {
    "verification": {"method": "photo_id", "document_type": "driving_licence", "document_last": "K7"},
    "confirmed_name": "A. Shopper",
}


def _handing(order_id: int, units: dict[str, int]) -> dict[str, Any]:
    """A ``pickup.collect`` payload handing over ``units`` (line number → units) of the order."""
    return {"order_id": order_id, "lines": {n: {"handed": u} for n, u in units.items()}, **CHECKED}


def _post(device: httpx.Client, *commands: dict[str, Any]) -> list[contract.CommandResult]:
    answer = device.post("/v1/commands", json={"commands": list(commands)}, headers=WITH_CODES)
    assert answer.status_code == 200, answer.text
    return contract.CommandBatchResult.model_validate(answer.json()).results


def test_note_is_applied_once_and_a_retry_is_a_duplicate(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    customer_id = hub.customer_ids[0]
    note = make_command("note.add", {"customer_id": customer_id, "text": "prefers the blue one"}, staff_id=3)
    first = _post(device, note)[0]
    again = _post(device, note)[0]
    assert first.status == "applied" and first.result and first.result["note_id"]
    assert again.status == "duplicate" and again.result and again.result["first_status"] == "applied"
    assert again.result["note_id"] == first.result["note_id"]
    notes = query_db(hub.db_url, "SELECT text FROM customer_notes WHERE customer_id = ?", customer_id)
    assert notes.count(("prefers the blue one",)) == 1
    assert query_db(hub.db_url, "SELECT count(*) FROM audit WHERE action = 'note.add'")[0][0] == 1
    profile = device.get(f"/v1/customers/{customer_id}/profile").json()
    assert profile["notes"][0] == "prefers the blue one"


def test_same_id_with_another_payload_is_rejected(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any
) -> None:
    hub, device = own_hub_device
    command_id = str(uuid.uuid4())
    _post(
        device,
        make_command("note.add", {"customer_id": hub.customer_ids[0], "text": "a"}, command_id=command_id),
    )
    reused = _post(
        device,
        make_command("note.add", {"customer_id": hub.customer_ids[0], "text": "b"}, command_id=command_id),
    )[0]
    assert reused.status == "rejected" and "different" in (reused.reason or "")


def test_hold_reserves_stock_and_conflicts_with_the_facts_when_short(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    product_id, sku, on_hand, held = query_db(
        hub.db_url,
        "SELECT p.id, p.sku, i.on_hand, i.held FROM inventory i JOIN products p ON p.id = i.product_id"
        " WHERE i.store_id = 1 AND i.on_hand - i.held BETWEEN 2 AND 20 ORDER BY p.id LIMIT 1",
    )[0]
    customer_id = hub.customer_ids[1]
    placed = _post(device, make_command("hold.place", {"customer_id": customer_id, "sku": sku, "qty": 1}))[0]
    assert placed.status == "applied"
    assert (
        query_db(hub.db_url, "SELECT held FROM inventory WHERE store_id = 1 AND product_id = ?", product_id)[
            0
        ][0]
        == held + 1
    )
    left = on_hand - held - 1
    short = _post(
        device, make_command("hold.place", {"customer_id": customer_id, "sku": sku, "qty": left + 1})
    )[0]
    assert short.status == "conflict"
    assert short.facts == {"sku": sku, "store_id": 1, "available": left, "requested": left + 1}
    profile = device.get(f"/v1/customers/{customer_id}/profile").json()
    assert [h["sku"] for h in profile["holds"]] == [sku]


def test_pickup_collected_in_parts_then_over_collect_conflicts(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    order_id = hub.pickup_order_ids[0]
    lines = query_db(
        hub.db_url, "SELECT line_no, qty, qty_collected FROM order_lines WHERE order_id = ?", order_id
    )
    line_no, qty, collected = lines[0]
    first = _post(device, make_command("pickup.collect", _handing(order_id, {str(line_no): 1})))[0]
    assert first.status == "applied"
    everything = {str(n): q - c - (1 if n == line_no else 0) for n, q, c in lines}
    everything = {n: u for n, u in everything.items() if u}
    rest = _post(device, make_command("pickup.collect", _handing(order_id, everything)))[0]
    assert rest.status == "applied" and rest.result and rest.result["pickup_state"] == "collected"
    again = _post(device, make_command("pickup.collect", _handing(order_id, {str(line_no): 1})))[0]
    assert again.status == "conflict" and again.facts
    assert again.facts["pickup_state"] == "collected"
    assert again.facts["lines"][str(line_no)] == {"qty": qty, "qty_collected": qty, "qty_cancelled": 0}
    assert again.code == "order_already_collected"
    assert again.params == {
        "order_number": again.params["order_number"],
        "at": rest.result["collected_at"],
        "by_device": "test tablet",
    }
    assert collected == 0 or qty > collected
    change_rows = query_db(
        hub.db_url, "SELECT count(*) FROM change_log WHERE entity = 'pickup' AND entity_id = ?", order_id
    )
    assert change_rows[0][0] == 2


def test_a_refused_command_does_not_stop_the_rest_of_the_batch(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any
) -> None:
    hub, device = own_hub_device
    results = _post(
        device,
        make_command("note.add", {"customer_id": hub.customer_ids[0], "text": "one"}),
        make_command("note.add", {"customer_id": hub.customer_ids[0]}),
        make_command("note.add", {"customer_id": hub.customer_ids[0], "text": "three"}, store_id=2),
        make_command("note.add", {"customer_id": hub.customer_ids[0], "text": "four"}),
    )
    assert [r.status for r in results] == ["applied", "rejected", "rejected", "applied"]
    assert "text" in (results[1].reason or "") and "store" in (results[2].reason or "")
    assert (results[1].code, results[1].params) == ("invalid_command", {"field": "payload.text"})
    assert (results[2].code, results[2].params) == ("wrong_store", {"store_id": 2, "device_store_id": 1})


def test_a_command_of_a_type_the_hub_does_not_know_is_one_rejected_result(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    unknown = make_command("points.adjust", {"customer_id": hub.customer_ids[0], "points": 50})
    results = _post(
        device,
        make_command("note.add", {"customer_id": hub.customer_ids[0], "text": "before"}),
        unknown,
        make_command("note.add", {"customer_id": hub.customer_ids[0], "text": "after"}),
    )

    assert [r.status for r in results] == ["applied", "rejected", "applied"]
    assert (results[1].code, results[1].params) == ("unknown_command_type", {})
    assert results[1].reason and "points" not in results[1].reason
    # Nothing was done under its id: it is not claimed, and a retry gets the same answer.
    assert query_db(hub.db_url, "SELECT count(*) FROM commands WHERE id = ?", unknown["id"])[0][0] == 0
    assert _post(device, unknown)[0].code == "unknown_command_type"


def test_a_pickup_hand_over_the_order_rules_refuse_is_answered_with_a_code_for_each_rule(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    order_id = hub.pickup_order_ids[0]
    ((number, state),) = query_db(
        hub.db_url, "SELECT number, pickup_state FROM orders WHERE id = ?", order_id
    )
    line_no, qty, collected = query_db(
        hub.db_url, "SELECT line_no, qty, qty_collected FROM order_lines WHERE order_id = ?", order_id
    )[0]

    def collect(handed: dict[str, int], order: int = order_id) -> contract.CommandResult:
        return _post(device, make_command("pickup.collect", _handing(order, handed)))[0]

    over = collect({str(line_no): qty - collected + 1})
    unknown_line = collect({"999": 1})
    nothing = collect({str(line_no): 0})
    no_order = collect({"1": 1}, order=2**31 - 1)

    assert (over.status, over.code, over.params) == (
        "conflict",
        "over_collected",
        {"order_number": number, "line_no": line_no},
    )
    assert over.facts and over.facts["lines"][str(line_no)] == {
        "qty": qty,
        "qty_collected": collected,
        "qty_cancelled": 0,
    }
    assert (unknown_line.status, unknown_line.code, unknown_line.params) == (
        "rejected",
        "unknown_line",
        {"order_number": number, "line_no": 999},
    )
    assert (nothing.status, nothing.code) == ("rejected", "nothing_handed")
    assert (no_order.code, no_order.params) == ("unknown_order", {"order_id": 2**31 - 1})
    assert query_db(hub.db_url, "SELECT pickup_state FROM orders WHERE id = ?", order_id)[0][0] == state


def test_a_retry_of_a_refused_command_is_answered_with_the_first_code(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any
) -> None:
    _hub, device = own_hub_device
    nobody = make_command("note.add", {"customer_id": 2**31 - 1, "text": "for nobody"})

    first = _post(device, nobody)[0]
    again = _post(device, nobody)[0]

    assert (first.status, first.code, first.params) == (
        "rejected",
        "unknown_customer",
        {"customer_id": 2**31 - 1},
    )
    assert (again.status, again.code, again.params) == ("duplicate", "unknown_customer", first.params)
    assert again.reason == first.reason and again.result == {"first_status": "rejected"}


def test_concurrent_retries_of_one_id_apply_exactly_once(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    product_id, sku = query_db(
        hub.db_url,
        "SELECT p.id, p.sku FROM inventory i JOIN products p ON p.id = i.product_id"
        " WHERE i.store_id = 1 AND i.on_hand - i.held >= 5 ORDER BY p.id LIMIT 1",
    )[0]
    held_before = query_db(
        hub.db_url, "SELECT held FROM inventory WHERE store_id = 1 AND product_id = ?", product_id
    )[0][0]
    hold = make_command("hold.place", {"customer_id": hub.customer_ids[0], "sku": sku, "qty": 1})
    threads, statuses, barrier = 8, [], threading.Barrier(8)
    lock = threading.Lock()

    def retry() -> None:
        with httpx.Client(base_url=str(device.base_url), headers=device.headers, timeout=30) as client:
            barrier.wait()
            status = client.post("/v1/commands", json={"commands": [hold]}).json()["results"][0]["status"]
            with lock:
                statuses.append(status)

    workers = [threading.Thread(target=retry) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(statuses) == ["applied"] + ["duplicate"] * (threads - 1)
    assert (
        query_db(hub.db_url, "SELECT held FROM inventory WHERE store_id = 1 AND product_id = ?", product_id)[
            0
        ][0]
        == held_before + 1
    )
    assert query_db(hub.db_url, "SELECT count(*) FROM holds WHERE id = ?", hold["id"])[0][0] == 1


def test_a_conflict_in_the_middle_of_a_batch_rolls_back_only_itself(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    product_id, sku, on_hand, held = query_db(
        hub.db_url,
        "SELECT p.id, p.sku, i.on_hand, i.held FROM inventory i JOIN products p ON p.id = i.product_id"
        " WHERE i.store_id = 1 AND i.on_hand - i.held BETWEEN 2 AND 20 ORDER BY p.id LIMIT 1",
    )[0]
    customer_id = hub.customer_ids[2]
    batch = [
        make_command("note.add", {"customer_id": customer_id, "text": "before"}),
        make_command("hold.place", {"customer_id": customer_id, "sku": sku, "qty": 1}),
        make_command("hold.place", {"customer_id": customer_id, "sku": sku, "qty": on_hand}),
        make_command("note.add", {"customer_id": customer_id, "text": "after"}),
    ]
    results = _post(device, *batch)
    assert [r.status for r in results] == ["applied", "applied", "conflict", "applied"]
    assert (
        query_db(hub.db_url, "SELECT held FROM inventory WHERE store_id = 1 AND product_id = ?", product_id)[
            0
        ][0]
        == held + 1
    )
    assert query_db(hub.db_url, "SELECT count(*) FROM holds WHERE id = ?", batch[2]["id"])[0][0] == 0
    notes = query_db(hub.db_url, "SELECT text FROM customer_notes WHERE customer_id = ?", customer_id)
    assert {("before",), ("after",)} <= set(notes)
    statuses = dict(
        query_db(
            hub.db_url,
            "SELECT id, status FROM commands WHERE device_id IN "
            "(SELECT device_id FROM commands WHERE id = ?)",
            batch[0]["id"],
        )
    )
    assert [statuses[c["id"]] for c in batch] == ["applied", "applied", "conflict", "applied"]
    # The whole batch again: every answer is the first outcome, and nothing is applied twice.
    again = _post(device, *batch)
    assert [r.status for r in again] == ["duplicate"] * 4
    first_statuses = [r.result and r.result["first_status"] for r in again]
    assert first_statuses == ["applied", "applied", "conflict", "applied"]
    assert again[2].facts == results[2].facts
    assert again[1].result and again[1].result["hold_id"] == batch[1]["id"]
    assert (
        query_db(hub.db_url, "SELECT held FROM inventory WHERE store_id = 1 AND product_id = ?", product_id)[
            0
        ][0]
        == held + 1
    )


def test_one_id_twice_in_a_batch_applies_once(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    customer_id = hub.customer_ids[3]
    note = make_command("note.add", {"customer_id": customer_id, "text": "twice in one batch"})
    reused = make_command("note.add", {"customer_id": customer_id, "text": "other"}, command_id=note["id"])
    results = _post(device, note, note, reused)
    assert [r.status for r in results] == ["applied", "duplicate", "rejected"]
    assert results[1].result and results[1].result["note_id"] == (results[0].result or {})["note_id"]
    notes = query_db(hub.db_url, "SELECT text FROM customer_notes WHERE customer_id = ?", customer_id)
    assert notes.count(("twice in one batch",)) == 1 and ("other",) not in notes


def test_another_device_sending_a_used_id_is_refused_and_told_nothing_of_the_first(
    own_hub_device: tuple[Any, httpx.Client], enroll_device: Any, make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    customer_id = hub.customer_ids[0]
    note = make_command("note.add", {"customer_id": customer_id, "text": "wants it in green"})
    first = _post(device, note)[0]

    with enroll_device(hub) as other_tablet:
        replayed = _post(other_tablet, note)[0]

    assert first.status == "applied"
    assert replayed.model_dump(exclude={"id"}) == {
        "status": "rejected",
        "code": "id_foreign",
        "params": {},
        "reason": FOREIGN_ID,
        "facts": None,
        "result": None,
    }
    assert _post(device, note)[0].status == "duplicate"  # still its own device's to retry
    notes = query_db(hub.db_url, "SELECT count(*) FROM customer_notes WHERE text = 'wants it in green'")
    assert notes[0][0] == 1


def test_a_command_naming_staff_of_another_store_is_rejected(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    ((elsewhere,),) = query_db(
        hub.db_url, "SELECT min(id) FROM staff WHERE store_id <> ? AND role = 'associate'", hub.store_id
    )
    note = make_command("note.add", {"customer_id": hub.customer_ids[0], "text": "x"}, staff_id=elsewhere)

    result = _post(device, note)[0]

    assert result.status == "rejected" and "another store" in (result.reason or "")
    assert (result.code, result.params) == ("staff_of_another_store", {"staff_id": elsewhere})


def test_integers_on_a_command_are_strict_and_bounded(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, assert_problem: Any
) -> None:
    hub, device = own_hub_device
    note = make_command("note.add", {"customer_id": hub.customer_ids[0], "text": "x"})
    for field, value in [("store_id", 2**70), ("store_id", True), ("store_id", "1"), ("staff_id", 2**31)]:
        answer = device.post("/v1/commands", json={"commands": [{**note, field: value}]})
        assert_problem(answer, 422, "invalid_request")
    naive = {**note, "issued_at": datetime.now(UTC).replace(tzinfo=None).isoformat()}
    assert_problem(device.post("/v1/commands", json={"commands": [naive]}), 422, "invalid_request")


@pytest.mark.sqlite_only("SQLite's synchronous PRAGMA; PostgreSQL commits durably by its own settings")
def test_commands_are_committed_with_full_sync_and_other_writes_are_not(tmp_path) -> None:
    from sqlalchemy import text

    from storeassist.hub.db.schema import upgrade
    from storeassist.hub.services.database import HubDatabase

    db_path = tmp_path / "hub.sqlite"
    upgrade(str(db_path))
    db = HubDatabase(str(db_path))
    try:
        with db.writing(durable=True) as session:
            durable = session.execute(text("PRAGMA synchronous")).scalar_one()
        with db.writing() as session:
            ordinary = session.execute(text("PRAGMA synchronous")).scalar_one()
    finally:
        db.dispose()
    assert (durable, ordinary) == (2, 1)  # FULL for what a device is told is done; NORMAL otherwise


def _every_outcome(hub: Any, query_db: Any, make_command: Any) -> list[dict[str, Any]]:
    """A note, the same note again, a hold for more than there is, and a note for another store:
    applied, duplicate, conflict and rejected, in that order (sent twice, all but the first two
    are answered the same again; the first two are then duplicates)."""
    sku, available = query_db(
        hub.db_url,
        "SELECT p.sku, i.on_hand - i.held FROM inventory i JOIN products p ON p.id = i.product_id"
        " WHERE i.store_id = 1 AND i.on_hand - i.held BETWEEN 1 AND 20 ORDER BY p.id LIMIT 1",
    )[0]
    customer_id = hub.customer_ids[0]
    note = make_command("note.add", {"customer_id": customer_id, "text": "wants the green one"})
    return [
        note,
        note,
        make_command("hold.place", {"customer_id": customer_id, "sku": sku, "qty": available + 5}),
        make_command("note.add", {"customer_id": customer_id, "text": "elsewhere"}, store_id=2),
    ]


def test_a_tablet_from_before_codes_gets_results_it_can_read(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    """The hub is upgraded first: a tablet still on the previous release sends no header and must
    keep syncing, so each result has only the fields its contract knows, and the English reason."""
    hub, device = own_hub_device
    answer = device.post("/v1/commands", json={"commands": _every_outcome(hub, query_db, make_command)})
    assert answer.status_code == 200, answer.text

    old = PreviousReleaseBatchResult.model_validate_json(answer.content)
    assert [r.status for r in old.results] == ["applied", "duplicate", "conflict", "rejected"]
    assert all("code" not in r and "params" not in r for r in answer.json()["results"])
    assert old.results[2].reason and old.results[2].facts
    assert old.results[3].reason and "store" in old.results[3].reason
    # Today's contract reads the same answer too (the codes are simply absent).
    assert [r.code for r in contract.CommandBatchResult.model_validate_json(answer.content).results] == [
        None
    ] * 4


def test_a_client_that_asks_for_codes_gets_them_with_the_reason(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    commands = {"commands": _every_outcome(hub, query_db, make_command)}
    answer = device.post("/v1/commands", json=commands, headers={contract.RESULTS_HEADER: "Codes"})
    assert answer.status_code == 200, answer.text

    results = contract.CommandBatchResult.model_validate_json(answer.content).results
    assert [r.status for r in results] == ["applied", "duplicate", "conflict", "rejected"]
    assert [r.code for r in results[2:]] == ["not_enough_stock", "wrong_store"]
    assert results[3].params == {"store_id": 2, "device_store_id": 1}
    assert all(r.reason for r in results[2:])
    assert all("code" in r and "params" in r for r in answer.json()["results"])


@pytest.mark.parametrize(
    ("header", "codes"),
    [(None, False), ("", False), ("codes", True), ("CODES", True), ("later, codes", True), ("codex", False)],
)
def test_only_the_codes_name_in_the_results_header_asks_for_codes(header: str | None, codes: bool) -> None:
    assert contract.wants_result_codes(header) is codes
