"""The pickup queue a hub keeps per store (``services.kept_queues``): served while the store's
change log has not moved, built again after every write that changes a pickup order, its lines
or its customer; the device, the staff session and the store checked on every request; ``ETag``
and ``If-None-Match`` (304)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest

from storeassist import contract

#: What this release's app sends with every request (``client.hub_client``).
APP_READS = {contract.RESULTS_HEADER: contract.RESULTS_THIS_APP_READS}


def _queue(device: httpx.Client, **headers: str) -> httpx.Response:
    answer = device.get("/v1/stores/1/pickups", headers={**APP_READS, **headers})
    assert answer.status_code in (200, 304), answer.text
    return answer


def _orders(answer: httpx.Response) -> dict[int, contract.Order]:
    queue = contract.PickupQueue.model_validate_json(answer.content)
    return {order.id: order for order in queue.orders}


def _as_of(answer: httpx.Response) -> datetime:
    return contract.PickupQueue.model_validate_json(answer.content).as_of


def test_a_kept_queue_is_served_again_with_a_new_as_of_and_its_etag_answers_304(
    own_hub_device: tuple[Any, httpx.Client],
) -> None:
    _hub, device = own_hub_device
    first = _queue(device)
    second = _queue(device)
    unchanged = _queue(device, **{"If-None-Match": first.headers["etag"]})

    assert first.headers["etag"].startswith('W/"') and second.headers["etag"] == first.headers["etag"]
    assert _orders(second) == _orders(first)
    assert _as_of(second) > _as_of(first), "as_of says when the hub checked the log, each time"
    assert first.headers["cache-control"] == "private, no-cache"
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["etag"] == first.headers["etag"]
    assert _queue(device, **{"If-None-Match": 'W/"q1-other", ' + first.headers["etag"]}).status_code == 304
    assert _queue(device, **{"If-None-Match": 'W/"q1-other"'}).status_code == 200


def test_the_queue_changes_after_a_hand_over(own_hub_device: tuple[Any, httpx.Client], pickups: Any) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    before = _queue(device)
    assert order["id"] in _orders(before)

    (result,) = pickups.push(device, pickups.collect(order["id"], pickups.everything(order), staff_id=3))
    after = _queue(device, **{"If-None-Match": before.headers["etag"]})

    assert result["status"] == "applied", result
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    assert order["id"] not in _orders(after), "collected: no longer in the queue"


def test_the_queue_changes_after_a_restock(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    # Set before the queue is first built: the test's own write appends no change_log row.
    query_db(
        hub.db_url, "UPDATE orders SET pickup_deadline = '2020-01-01 21:00:00' WHERE id = ?", order["id"]
    )
    before = _queue(device)
    assert order["id"] in _orders(before)

    (result,) = pickups.push(device, make_command("pickup.restock", {"order_id": order["id"]}, staff_id=3))
    after = _queue(device)

    assert result["status"] == "applied", result
    assert after.headers["etag"] != before.headers["etag"]
    assert order["id"] not in _orders(after), "expired: no longer in the queue"


def test_the_queue_shows_the_lock_after_the_third_wrong_pickup_code(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    before = _queue(device)
    assert _orders(before)[order["id"]].pickup_locked is False
    url = f"/v1/orders/{order['id']}/pickup-code"

    answers = [device.post(url, json={"store_id": 1, "code": f"00000{n}"}).json() for n in (1, 2)]
    between = _queue(device)
    answers.append(device.post(url, json={"store_id": 1, "code": "000003"}).json())
    after = _queue(device)

    assert [a["locked"] for a in answers] == [False, False, True]
    assert between.headers["etag"] == before.headers["etag"], (
        "a wrong code that does not lock changes nothing shown"
    )
    assert _orders(after)[order["id"]].pickup_locked is True
    # The log names the order, nothing about its customer.
    assert query_db(
        hub.db_url,
        "SELECT entity, store_id FROM change_log WHERE entity_id = ? AND entity = 'pickup'",
        order["id"],
    ) == [("pickup", 1)]


def test_a_wrong_code_in_a_hand_over_that_locks_the_order_is_in_the_queue(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    query_db(hub.db_url, "UPDATE orders SET pickup_code_failures = 2 WHERE id = ?", order["id"])
    before = _queue(device)
    wrong = {"method": "pickup_code", "pickup_code": "000000"}

    (result,) = pickups.push(
        device, pickups.collect(order["id"], pickups.everything(order), verification=wrong)
    )

    assert result["code"] == "pickup_code_wrong", result
    assert _orders(before)[order["id"]].pickup_locked is False
    assert _orders(_queue(device))[order["id"]].pickup_locked is True


def test_the_queue_changes_after_the_customers_name_changes(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any
) -> None:
    """No hub route renames a customer yet; a writer that does logs the change for every store
    (``ChangeLog``), as this test's write does."""
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    before = _queue(device)

    query_db(hub.db_url, "UPDATE customers SET name = 'Renamed Shopper' WHERE id = ?", order["customer_id"])
    query_db(
        hub.db_url,
        "INSERT INTO change_log (store_id, entity, entity_id, at) VALUES (NULL, 'customer', ?, ?)",
        order["customer_id"],
        "2030-01-01 00:00:00",
    )
    after = _queue(device)

    assert _orders(before)[order["id"]].customer_name != "Renamed Shopper"
    assert _orders(after)[order["id"]].customer_name == "Renamed Shopper"


def test_another_stores_staff_and_an_ended_session_are_refused_though_the_queue_is_kept(
    own_hub_device: tuple[Any, httpx.Client], enroll_device: Any, assert_problem: Any
) -> None:
    hub, device = own_hub_device
    kept = _queue(device)

    with enroll_device(hub, store_id=2) as other:
        refused = other.get(
            "/v1/stores/1/pickups", headers={**APP_READS, "If-None-Match": kept.headers["etag"]}
        )
    assert_problem(refused, 403, "wrong_store")
    assert "etag" not in refused.headers

    assert device.post("/v1/staff/sign-out").status_code == 204
    ended = device.get("/v1/stores/1/pickups", headers={**APP_READS, "If-None-Match": kept.headers["etag"]})
    assert ended.status_code == 401 and "etag" not in ended.headers


def test_a_tablet_of_the_release_before_gets_its_own_shape_and_tag(device: httpx.Client) -> None:
    new = _queue(device)
    old = device.get("/v1/stores/1/pickups")

    assert old.status_code == 200 and old.headers["etag"] != new.headers["etag"]
    assert "X-StoreAssist-Results" in new.headers["vary"]
    orders = old.json()["orders"]
    assert orders and not any(contract.PICKUP_ORDER_FIELDS & set(o) for o in orders)
    assert any(o.pickup_bin for o in _orders(new).values())
    assert (
        device.get("/v1/stores/1/pickups", headers={"If-None-Match": new.headers["etag"]}).status_code == 200
    )


@pytest.mark.sqlite_only("reads the database in-process through the hub's own connection")
def test_kept_queues_are_bounded_and_built_again_only_when_the_log_moves(seeded_db_url: str) -> None:
    from storeassist.hub.services.database import HubDatabase
    from storeassist.hub.services.kept_queues import KeptQueues

    db = HubDatabase(seeded_db_url)
    queues = KeptQueues(max_queues=2)
    try:
        with db.reading_statements() as connection:
            first = queues.current(connection, 1)
            assert queues.current(connection, 1) is first and queues.builds == 1
            queues.current(connection, 2)
            queues.current(connection, 3)  # the least recently asked for (store 1) is dropped
            assert len(queues._kept) == 2 and queues.builds == 3
            assert queues.current(connection, 1) is not first and queues.builds == 4
        with db.writing_statements() as connection:
            connection.exec_driver_sql(
                "INSERT INTO change_log (store_id, entity, entity_id, at) "
                "VALUES (1, 'stock', 1, '2030-01-01')"
            )
        with db.reading_statements() as connection:
            rebuilt = queues.current(connection, 1)
            assert queues.builds == 5 and rebuilt.etag == first.etag, "same orders, same tag"
            queues.current(connection, 3)  # kept with store 1 (2 was dropped when 1 came back)
            assert queues.builds == 5, "another store's change does not touch store 3's queue"
    finally:
        db.dispose()
