"""``POST /v1/orders/{order_id}/pickup-code``: a code the customer reads out, checked at the hub;
the third wrong one locks the order; another store's order and an unknown one are refused before
anything is counted."""

from __future__ import annotations

from typing import Any

import httpx

from storeassist import contract
from storeassist.hub.services.pickup_codes import hash_pickup_code

#: What this release's app sends with every request: orders then carry their pickup fields.
APP_READS = {contract.RESULTS_HEADER: contract.RESULTS_THIS_APP_READS}


def test_a_right_code_is_ok_and_three_wrong_ones_lock_the_order(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    query_db(
        hub.db_url,
        "UPDATE orders SET pickup_code_hash = ?, pickup_code_failures = 0 WHERE id = ?",
        hash_pickup_code(order["id"], "135790"),
        order["id"],
    )
    url = f"/v1/orders/{order['id']}/pickup-code"

    def check(code: str) -> dict[str, Any]:
        answer = device.post(url, json={"store_id": 1, "code": code})
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    right = check("135790")
    wrong = [check("000001"), check("000002"), check("000003")]
    right_but_locked = check("135790")

    assert right == {"ok": True, "attempts_left": 3, "locked": False}
    assert wrong == [
        {"ok": False, "attempts_left": 2, "locked": False},
        {"ok": False, "attempts_left": 1, "locked": False},
        {"ok": False, "attempts_left": 0, "locked": True},
    ]
    assert right_but_locked == {"ok": False, "attempts_left": 0, "locked": True}
    shown = device.get(f"/v1/orders/{order['number']}", headers=APP_READS).json()
    assert shown["pickup_locked"] is True


def test_another_stores_order_an_unknown_order_and_a_malformed_code_are_refused(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any, assert_problem: Any
) -> None:
    hub, device = own_hub_device
    (elsewhere,) = query_db(
        hub.db_url, "SELECT id FROM orders WHERE store_id = 2 AND pickup_state = 'ready' LIMIT 1"
    )[0]

    other_store = device.post(f"/v1/orders/{elsewhere}/pickup-code", json={"store_id": 1, "code": "123456"})
    naming_it = device.post(f"/v1/orders/{elsewhere}/pickup-code", json={"store_id": 2, "code": "123456"})
    unknown = device.post("/v1/orders/2147483647/pickup-code", json={"store_id": 1, "code": "123456"})
    short = device.post(f"/v1/orders/{elsewhere}/pickup-code", json={"store_id": 1, "code": "12345"})

    assert_problem(other_store, 403, "wrong_store")
    assert_problem(naming_it, 403, "wrong_store")
    assert_problem(unknown, 404, "order_not_found")
    assert short.status_code == 422 and "12345" not in short.text
    assert query_db(hub.db_url, "SELECT pickup_code_failures FROM orders WHERE id = ?", elsewhere) == [(0,)]


def test_checking_a_code_needs_a_signed_in_staff_member(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, enroll_device: Any, assert_problem: Any
) -> None:
    hub, _device = own_hub_device
    order = pickups.ready_order(hub)
    with enroll_device(hub, role=None) as unsigned:
        answer = unsigned.post(
            f"/v1/orders/{order['id']}/pickup-code", json={"store_id": 1, "code": "123456"}
        )
    assert answer.status_code == 401


def test_a_seeded_orders_pickup_code_is_the_one_the_demo_sheet_gives(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any
) -> None:
    from storeassist.hub.demo_codes import pickup_code_for

    hub, device = own_hub_device
    order = pickups.ready_order(hub)

    answer = device.post(
        f"/v1/orders/{order['id']}/pickup-code", json={"store_id": 1, "code": pickup_code_for(order["id"])}
    )

    assert answer.json() == {"ok": True, "attempts_left": 3, "locked": False}


def test_the_queue_the_hub_builds_without_validation_is_what_the_contract_reads(device: httpx.Client) -> None:
    answer = device.get("/v1/stores/1/pickups", headers=APP_READS)

    assert answer.status_code == 200, answer.text
    queue = contract.PickupQueue.model_validate_json(answer.text)
    # The kept queue leaves out fields at their contract default (``kept_queues``).
    assert queue.orders and queue.model_dump_json(exclude_defaults=True) == answer.text
    assert {o.payment_state for o in queue.orders} <= {"paid", "unpaid"}
    assert any(o.pickup_bin for o in queue.orders)
