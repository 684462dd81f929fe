"""A shopper's action at the kiosk is applied once however often the kiosk sends it: "ask an
associate to hold it" (``POST /v1/kiosk/hold-requests``) and a return started at the kiosk
(``POST /v1/kiosk/returns``) carry the kiosk's ``request_id``, and a repeat from the same kiosk
is answered as the first was, with no second row and no second audit row. And two shoppers'
screens cannot queue the same units of an order for the store's associates."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from hub_kiosks import enroll_kiosk
from hub_returns import look_up, make_order, push, return_command


def _product_on_sale(hub: Any, query_db: Any) -> str:
    """A product of which store 1 has 2 or more on sale."""
    ((sku,),) = query_db(
        hub.db_url,
        "SELECT p.sku FROM inventory i JOIN products p ON p.id = i.product_id "
        "WHERE i.store_id = 1 AND i.on_hand - i.held BETWEEN 2 AND 20 ORDER BY p.id LIMIT 1",
    )
    return str(sku)


def _rows(hub: Any, query_db: Any, table: str, request_id: str) -> int:
    ((count,),) = query_db(hub.db_url, f"SELECT count(*) FROM {table} WHERE request_id = ?", request_id)
    return int(count)


def _audited(hub: Any, query_db: Any, action: str, device_id: int) -> int:
    ((count,),) = query_db(
        hub.db_url, "SELECT count(*) FROM audit WHERE action = ? AND device_id = ?", action, device_id
    )
    return int(count)


def test_a_hold_request_sent_again_with_its_id_is_answered_alike_and_asked_once(
    hub_server_fn: Any, query_db: Any, assert_problem: Any
) -> None:
    hub = hub_server_fn
    sku = _product_on_sale(hub, query_db)
    first_id, other_id = str(uuid.uuid4()), str(uuid.uuid4())
    with enroll_kiosk(hub) as kiosk, enroll_kiosk(hub) as other_kiosk:
        asked = {"sku": sku, "qty": 2, "request_id": first_id}
        assert kiosk.post("/v1/kiosk/hold-requests", json=asked).status_code == 204
        # The answer was lost: the kiosk sends the same action again, twice.
        assert kiosk.post("/v1/kiosk/hold-requests", json=asked).status_code == 204
        assert kiosk.post("/v1/kiosk/hold-requests", json=asked).status_code == 204
        assert _rows(hub, query_db, "assist_requests", first_id) == 1
        assert _audited(hub, query_db, "kiosk.hold_request", kiosk.device_id) == 1

        # A new action is a new request, and so is the same id from another kiosk (ids are a kiosk's own).
        again = {"sku": sku, "qty": 2, "request_id": other_id}
        assert kiosk.post("/v1/kiosk/hold-requests", json=again).status_code == 204
        assert other_kiosk.post("/v1/kiosk/hold-requests", json=asked).status_code == 204
        assert _rows(hub, query_db, "assist_requests", other_id) == 1
        assert _rows(hub, query_db, "assist_requests", first_id) == 2
        assert _audited(hub, query_db, "kiosk.hold_request", kiosk.device_id) == 2

        # The id asking for something else is refused, and writes nothing.
        changed = kiosk.post("/v1/kiosk/hold-requests", json={**asked, "qty": 1})
        assert_problem(changed, 409, "request_id_reused")
        # A repeat is answered as the first was, even once the stock it was checked against is gone.
        query_db(
            hub.db_url,
            "UPDATE inventory SET held = on_hand WHERE store_id = 1 "
            "AND product_id = (SELECT id FROM products WHERE sku = ?)",
            sku,
        )
        assert kiosk.post("/v1/kiosk/hold-requests", json=asked).status_code == 204
        assert_problem(
            kiosk.post("/v1/kiosk/hold-requests", json={"sku": sku, "request_id": str(uuid.uuid4())}),
            409,
            "not_in_stock_here",
        )
    assert query_db(hub.db_url, "SELECT device_id, qty FROM assist_requests ORDER BY id") == [
        (kiosk.device_id, 2),
        (kiosk.device_id, 2),
        (other_kiosk.device_id, 2),
    ]


def test_a_return_started_again_with_its_id_answers_the_same_reference_and_starts_once(
    hub_server_fn: Any, query_db: Any, assert_problem: Any
) -> None:
    hub = hub_server_fn
    made = make_order(hub, query_db, lines=(3,), days_ago=3)
    code = hub.order_token(made["id"])
    first_id = str(uuid.uuid4())
    started = {
        "code": code,
        "lines": [{"line_no": 1, "qty": 1, "reason": "wrong_size"}],
        "request_id": first_id,
    }
    with enroll_kiosk(hub) as kiosk:
        first = kiosk.post("/v1/kiosk/returns", json=started)
        assert first.status_code == 200, first.text
        repeat = kiosk.post("/v1/kiosk/returns", json=started)
        assert repeat.status_code == 200, repeat.text
        assert repeat.json() == first.json()
        assert _rows(hub, query_db, "kiosk_returns", first_id) == 1
        assert _audited(hub, query_db, "kiosk.return_start", kiosk.device_id) == 1

        # A new action (another shopper's unit of the same line) is a new return with its own reference.
        second_id = str(uuid.uuid4())
        second = kiosk.post("/v1/kiosk/returns", json={**started, "request_id": second_id})
        assert second.status_code == 200, second.text
        assert second.json()["reference"] != first.json()["reference"]
        assert _rows(hub, query_db, "kiosk_returns", second_id) == 1

        changed = {**started, "lines": [{"line_no": 1, "qty": 1, "reason": "changed_mind"}]}
        assert_problem(kiosk.post("/v1/kiosk/returns", json=changed), 409, "request_id_reused")
    listed = query_db(
        hub.db_url, "SELECT reference FROM kiosk_returns WHERE order_id = ? ORDER BY id", made["id"]
    )
    assert listed == [(first.json()["reference"],), (second.json()["reference"],)]
    assert _audited(hub, query_db, "kiosk.return_start", kiosk.device_id) == 2


def test_a_repeat_of_a_return_an_associate_already_took_back_still_answers_its_reference(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, tablet = own_hub_device
    made = make_order(hub, query_db, lines=(1,), days_ago=3, unit_cents=1500)
    code = hub.order_token(made["id"])
    started = {
        "code": code,
        "lines": [{"line_no": 1, "qty": 1, "reason": "other"}],
        "request_id": str(uuid.uuid4()),
    }
    with enroll_kiosk(hub) as kiosk:
        first = kiosk.post("/v1/kiosk/returns", json=started)
        assert first.status_code == 200, first.text
        (listed,) = tablet.get("/v1/stores/1/kiosk-returns").json()["returns"]
        command = return_command(look_up(tablet, code=code), [(1, 1, "other", "resellable")])
        command["payload"]["kiosk_return_id"] = listed["id"]
        assert push(tablet, command)["status"] == "applied"
        # The line is all returned now: the repeat is the first answer, not a refusal.
        repeat = kiosk.post("/v1/kiosk/returns", json=started)
    assert (repeat.status_code, repeat.json()) == (200, first.json())
    assert query_db(hub.db_url, "SELECT status FROM kiosk_returns WHERE order_id = ?", made["id"]) == [
        ("finished",)
    ]


def test_a_second_open_kiosk_return_cannot_queue_the_units_the_first_already_has(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, assert_problem: Any
) -> None:
    hub, tablet = own_hub_device
    made = make_order(hub, query_db, lines=(4, 1), days_ago=3, unit_cents=1500)
    code = hub.order_token(made["id"])

    def start(kiosk: httpx.Client, *lines: tuple[int, int]) -> httpx.Response:
        chosen = [{"line_no": n, "qty": q, "reason": "wrong_size"} for n, q in lines]
        return kiosk.post("/v1/kiosk/returns", json={"code": code, "lines": chosen})

    with enroll_kiosk(hub) as one_screen, enroll_kiosk(hub) as another_screen:
        assert start(one_screen, (1, 2), (2, 1)).status_code == 200
        more = assert_problem(start(another_screen, (1, 3)), 409, "more_than_returnable")
        assert more["params"] == {"line_no": 1, "returnable": 2}
        gone = assert_problem(start(another_screen, (2, 1)), 409, "more_than_returnable")
        assert gone["params"] == {"line_no": 2, "returnable": 0}
        assert start(another_screen, (1, 1)).status_code == 200, "a unit left may still be started"
        left = assert_problem(start(one_screen, (1, 2)), 409, "more_than_returnable")
        assert left["params"] == {"line_no": 1, "returnable": 1}

        # Once an associate takes the first back its units are returned, and no longer counted as
        # waiting too: of line 1's four, two are returned and one waits, so one may be started.
        first = next(
            r for r in tablet.get("/v1/stores/1/kiosk-returns").json()["returns"] if r["lines"][0]["qty"] == 2
        )
        command = return_command(
            look_up(tablet, code=code),
            [(1, 2, "wrong_size", "resellable"), (2, 1, "wrong_size", "resellable")],
        )
        command["payload"]["kiosk_return_id"] = first["id"]
        assert push(tablet, command)["status"] == "applied"
        assert start(one_screen, (1, 1)).status_code == 200
        assert_problem(start(another_screen, (1, 1)), 409, "more_than_returnable")
    rows = query_db(hub.db_url, "SELECT status FROM kiosk_returns WHERE order_id = ? ORDER BY id", made["id"])
    assert rows == [("finished",), ("open",), ("open",)]
