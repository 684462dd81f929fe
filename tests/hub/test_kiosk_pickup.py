"""Self-pickup at the kiosk (``POST /v1/kiosk/pickup``), and "ask an associate to hold it"
(``POST /v1/kiosk/hold-requests``) with the associates' list and Done.

A kiosk pickup is an order the seed marked for it, ready, paid and unlocked, of the kiosk's store;
its pickup code is checked as at the counter (three wrong ones lock it for a manager), and a right
one says where to collect and shows the customer waiting in the associates' queue."""

from __future__ import annotations

import re
from typing import Any

from hub_kiosks import enroll_kiosk, kiosk_pickups

from storeassist import contract
from storeassist.hub.seed.pickups import pickup_code_for


def _queue_order(device: Any, order_id: int) -> dict[str, Any]:
    answer = device.get("/v1/stores/1/pickups", headers={contract.RESULTS_HEADER: "pickup_orders"})
    assert answer.status_code == 200, answer.text
    return next(order for order in answer.json()["orders"] if order["id"] == order_id)


def test_a_right_pickup_code_says_where_to_collect_and_the_queue_shows_the_customer_waiting(
    hub_server_fn: Any, enroll_device: Any, query_db: Any
) -> None:
    hub = hub_server_fn
    at_counter = kiosk_pickups(query_db, hub, locker=False)[0]
    in_locker = kiosk_pickups(query_db, hub, locker=True)[0]
    ((number, locker),) = query_db(hub.db_url, "SELECT number, locker FROM orders WHERE id = ?", in_locker)
    ((units,),) = query_db(
        hub.db_url,
        "SELECT sum(qty - qty_collected - qty_cancelled) FROM order_lines WHERE order_id = ?",
        at_counter,
    )
    with enroll_kiosk(hub) as kiosk, enroll_device(hub) as tablet:
        assert _queue_order(tablet, at_counter).get("customer_waiting_since") is None
        log_before = query_db(hub.db_url, "SELECT coalesce(max(seq), 0) FROM change_log")[0][0]

        answer = kiosk.post(
            "/v1/kiosk/pickup",
            json={"order_code": hub.order_token(at_counter), "pickup_code": pickup_code_for(at_counter)},
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["where"] == "counter" and body.get("locker") is None and body["items"] == units
        waiting = _queue_order(tablet, at_counter)["customer_waiting_since"]
        assert waiting is not None
        logged = query_db(
            hub.db_url,
            "SELECT store_id, entity FROM change_log WHERE entity_id = ? AND seq > ?",
            at_counter,
            log_before,
        )
        assert logged == [(1, "pickup")]

        again = kiosk.post(
            "/v1/kiosk/pickup",
            json={"order_code": hub.order_token(at_counter), "pickup_code": pickup_code_for(at_counter)},
        )
        assert again.status_code == 200
        assert _queue_order(tablet, at_counter)["customer_waiting_since"] == waiting, (
            "waiting since the first"
        )

        answer = kiosk.post(
            "/v1/kiosk/pickup",
            json={"order_code": hub.order_token(in_locker), "pickup_code": pickup_code_for(in_locker)},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["where"] == "locker"
        assert answer.json()["locker"] == locker and answer.json()["order_number"] == number
    audited = query_db(
        hub.db_url,
        "SELECT staff_id, subject FROM audit WHERE action = 'kiosk.pickup' AND device_id = ?",
        kiosk.device_id,
    )
    assert sorted(audited) == sorted([(None, f"order:{at_counter}"), (None, f"order:{in_locker}")])


def _kiosk_order(query_db: Any, hub: Any) -> tuple[int, str, str, str]:
    """A kiosk pickup of the store: its id, order code, right pickup code and a wrong one."""
    order_id = kiosk_pickups(query_db, hub)[0]
    right = pickup_code_for(order_id)
    return order_id, hub.order_token(order_id), right, f"{(int(right) + 1) % 1_000_000:06d}"


def test_a_right_code_after_typos_clears_them_and_a_repeat_is_answered_alike_writing_nothing(
    hub_server_fn: Any, enroll_device: Any, query_db: Any
) -> None:
    hub = hub_server_fn
    order_id, code, right, wrong = _kiosk_order(query_db, hub)

    def written() -> tuple[Any, ...]:
        logged = query_db(hub.db_url, "SELECT count(*) FROM change_log WHERE entity_id = ?", order_id)
        audited = query_db(
            hub.db_url,
            "SELECT count(*) FROM audit WHERE action = 'kiosk.pickup' AND subject = ?",
            f"order:{order_id}",
        )
        state = query_db(
            hub.db_url,
            "SELECT pickup_code_failures, customer_waiting_since FROM orders WHERE id = ?",
            order_id,
        )
        return logged[0][0], audited[0][0], *state[0]

    with enroll_kiosk(hub) as kiosk, enroll_device(hub) as tablet:
        for _ in range(2):
            assert (
                kiosk.post("/v1/kiosk/pickup", json={"order_code": code, "pickup_code": wrong}).status_code
                == 403
            )
        logged, audited, failures, waiting = written()
        assert (audited, failures, waiting) == (0, 2, None)

        first = kiosk.post("/v1/kiosk/pickup", json={"order_code": code, "pickup_code": right})
        assert first.status_code == 200, first.text
        after_first = written()
        assert after_first[:3] == (logged + 1, 1, 0) and after_first[3] is not None
        for _ in range(3):
            again = kiosk.post("/v1/kiosk/pickup", json={"order_code": code, "pickup_code": right})
            assert (again.status_code, again.json()) == (200, first.json())
        assert written() == after_first, "no change_log or audit row for a repeat"

        # At the counter the order takes its full three tries again: one typo is not a lock.
        typo = tablet.post(f"/v1/orders/{order_id}/pickup-code", json={"store_id": 1, "code": wrong})
        assert typo.status_code == 200, typo.text
        assert (typo.json()["attempts_left"], typo.json()["locked"]) == (2, False)


def test_three_wrong_pickup_codes_send_the_shopper_to_the_counter(
    hub_server_fn: Any, query_db: Any, assert_problem: Any
) -> None:
    hub = hub_server_fn
    order_id, code, right, wrong = _kiosk_order(query_db, hub)
    with enroll_kiosk(hub) as kiosk:
        for tries_left in (2, 1):
            answer = kiosk.post("/v1/kiosk/pickup", json={"order_code": code, "pickup_code": wrong})
            assert answer.status_code == 403, answer.text
            body = answer.json()
            assert body["code"] == "pickup_code_wrong" and body["params"] == {"tries_left": tries_left}
            assert answer.headers["content-type"].startswith("application/problem+json")
        third = kiosk.post("/v1/kiosk/pickup", json={"order_code": code, "pickup_code": wrong})
        assert_problem(third, 403, "pickup_needs_manager")
        right_now = kiosk.post("/v1/kiosk/pickup", json={"order_code": code, "pickup_code": right})
        assert_problem(right_now, 403, "pickup_needs_manager")
    state = query_db(
        hub.db_url,
        "SELECT pickup_code_failures, pickup_locked, customer_waiting_since FROM orders WHERE id = ?",
        order_id,
    )
    assert state == [(3, 1, None)]


def test_an_order_not_for_the_kiosk_or_of_another_store_is_sent_to_the_counter_uncounted(
    hub_server_fn: Any, query_db: Any, assert_problem: Any
) -> None:
    hub = hub_server_fn
    ((plain,),) = query_db(
        hub.db_url,
        "SELECT id FROM orders WHERE store_id = 1 AND pickup_state = 'ready' AND NOT kiosk_pickup "
        "ORDER BY id LIMIT 1",
    )
    ((collected,),) = query_db(
        hub.db_url,
        "SELECT id FROM orders WHERE store_id = 1 AND pickup_state = 'collected' ORDER BY id LIMIT 1",
    )
    unpaid, elsewhere = kiosk_pickups(query_db, hub)[0], kiosk_pickups(query_db, hub, store_id=2)[0]
    query_db(hub.db_url, "UPDATE orders SET payment_state = 'unpaid' WHERE id = ?", unpaid)
    query_db(hub.db_url, "UPDATE orders SET kiosk_pickup = ? WHERE id = ?", True, collected)
    with enroll_kiosk(hub) as kiosk:
        for order_id in (plain, collected, unpaid):
            answer = kiosk.post(
                "/v1/kiosk/pickup", json={"order_code": hub.order_token(order_id), "pickup_code": "000000"}
            )
            assert_problem(answer, 409, "not_kiosk_pickup")
        answer = kiosk.post(
            "/v1/kiosk/pickup", json={"order_code": hub.order_token(elsewhere), "pickup_code": "000000"}
        )
        assert_problem(answer, 403, "wrong_store")
    failures = query_db(
        hub.db_url,
        "SELECT sum(pickup_code_failures) FROM orders WHERE id IN (?, ?, ?, ?)",
        plain,
        collected,
        unpaid,
        elsewhere,
    )
    assert failures == [(0,)]


def test_a_hold_request_reaches_the_associates_list_until_one_taps_done(
    hub_server_fn: Any, enroll_device: Any, query_db: Any, assert_problem: Any
) -> None:
    hub = hub_server_fn
    ((sku, gtin, name, on_sale),) = query_db(
        hub.db_url,
        "SELECT p.sku, p.gtin, p.name, i.on_hand - i.held FROM inventory i "
        "JOIN products p ON p.id = i.product_id WHERE i.store_id = 1 "
        "AND i.on_hand - i.held BETWEEN 2 AND 20 ORDER BY p.id LIMIT 1",
    )
    with enroll_kiosk(hub) as kiosk, enroll_device(hub, role="associate") as tablet:
        assert kiosk.post("/v1/kiosk/hold-requests", json={"sku": sku, "qty": 2}).status_code == 204
        assert kiosk.post("/v1/kiosk/hold-requests", json={"sku": gtin}).status_code == 204, "by its barcode"
        assert_problem(
            kiosk.post("/v1/kiosk/hold-requests", json={"sku": "NO-SUCH"}), 404, "product_not_found"
        )
        too_many = kiosk.post("/v1/kiosk/hold-requests", json={"sku": sku, "qty": on_sale + 1})
        assert_problem(too_many, 409, "not_in_stock_here")

        listed = tablet.get("/v1/stores/1/assist-requests")
        assert listed.status_code == 200, listed.text
        requests = listed.json()["requests"]
        assert [(r["sku"], r["product_name"], r["qty"], r["kind"]) for r in requests] == [
            (sku, name, 2, "hold"),
            (sku, name, 1, "hold"),
        ]
        first = requests[0]["id"]
        assert tablet.post(f"/v1/stores/1/assist-requests/{first}/done").status_code == 204
        assert tablet.post(f"/v1/stores/1/assist-requests/{first}/done").status_code == 204, "twice is once"
        assert [r["id"] for r in tablet.get("/v1/stores/1/assist-requests").json()["requests"]] == [
            requests[1]["id"]
        ]
        assert_problem(tablet.post("/v1/stores/1/assist-requests/999999/done"), 404, "unknown_assist_request")
    with enroll_device(hub, store_id=2) as other_store:
        assert_problem(other_store.get("/v1/stores/1/assist-requests"), 403, "wrong_store")
        assert_problem(other_store.post(f"/v1/stores/2/assist-requests/{requests[1]['id']}/done"), 404)
    done = query_db(hub.db_url, "SELECT status, done_by IS NOT NULL FROM assist_requests ORDER BY id")
    assert done == [("done", 1), ("open", 0)]
    # Stock is untouched: a request is not a hold.
    assert query_db(
        hub.db_url,
        "SELECT i.on_hand - i.held FROM inventory i JOIN products p ON p.id = i.product_id "
        "WHERE i.store_id = 1 AND p.sku = ?",
        sku,
    ) == [(on_sale,)]


def test_a_kiosk_making_request_after_request_is_told_to_ask_an_associate(
    hub_server_fn: Any, query_db: Any, assert_problem: Any
) -> None:
    hub = hub_server_fn
    ((sku,),) = query_db(
        hub.db_url,
        "SELECT p.sku FROM inventory i JOIN products p ON p.id = i.product_id "
        "WHERE i.store_id = 1 AND i.on_hand - i.held > 0 ORDER BY p.id LIMIT 1",
    )
    with enroll_kiosk(hub) as kiosk:
        for _ in range(20):
            assert kiosk.post("/v1/kiosk/hold-requests", json={"sku": sku}).status_code == 204
        assert_problem(kiosk.post("/v1/kiosk/hold-requests", json={"sku": sku}), 429, "too_many_requests")


def test_the_demo_sheet_says_which_pickups_are_collected_at_the_kiosk(
    seeded_db_url: str, tmp_path: Any
) -> None:
    from storeassist.hub.demo_codes import write_demo_codes

    stories = [card.story for card in write_demo_codes(seeded_db_url, tmp_path)]
    assert any(story.endswith("self-pickup at the kiosk (at the counter)") for story in stories)
    assert any(re.search(r"self-pickup at the kiosk \(locker L-\d\d\)$", story) for story in stories)
