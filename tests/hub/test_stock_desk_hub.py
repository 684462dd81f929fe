"""The stock desk at the hub: holds after they are placed, the endless aisle, arrivals, the feed's
two shapes, the warehouse in a stock answer, and product and stock changes logged for tablets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from storeassist import contract
from storeassist.hub.services.catalog_admin import StockCountLine, set_stock_counts, upsert_products
from storeassist.hub.services.database import HubDatabase
from storeassist.hub.services.holds import sweep_expired_holds

DESK = {contract.RESULTS_HEADER: contract.RESULTS_THIS_APP_READS}
OLD = {contract.RESULTS_HEADER: "codes, pickup_orders"}


def _send(device: httpx.Client, *commands: dict[str, Any]) -> list[dict[str, Any]]:
    answer = device.post("/v1/commands", json={"commands": list(commands)}, headers=DESK)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["results"])


def _on_sale(
    query_db: Any, db: str, store_id: int, at_least: int = 2, at_most: int = 10**6
) -> tuple[str, int]:
    sku, product_id = query_db(
        db,
        "SELECT p.sku, p.id FROM products p JOIN inventory i ON i.product_id = p.id "
        "WHERE i.store_id = ? AND i.on_hand - i.held BETWEEN ? AND ? ORDER BY p.id LIMIT 1",
        store_id,
        at_least,
        at_most,
    )[0]
    return sku, product_id


def _level(query_db: Any, db: str, store_id: int, product_id: int) -> tuple[int, int]:
    rows = query_db(
        db, "SELECT on_hand, held FROM inventory WHERE store_id = ? AND product_id = ?", store_id, product_id
    )
    return (rows[0][0], rows[0][1]) if rows else (0, 0)


def test_a_hold_is_listed_released_put_back_and_another_stores_is_refused(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    sku, product_id = _on_sale(query_db, hub.db_url, 1)
    customer = hub.customer_ids[0]
    before = _level(query_db, hub.db_url, 1, product_id)
    place = make_command("hold.place", {"customer_id": customer, "sku": sku, "qty": 1, "hours": 24})
    assert _send(device, place)[0]["status"] == "applied"
    assert _level(query_db, hub.db_url, 1, product_id)[1] == before[1] + 1

    listed = contract.StoreHolds.model_validate(device.get("/v1/stores/1/holds").json())
    mine = next(h for h in listed.holds if h.id == place["id"])
    assert mine.status == "active" and mine.sku == sku and mine.customer_name
    actives = [h.expires_at for h in listed.holds if h.status == "active"]
    assert actives == sorted(actives)
    assert device.get("/v1/stores/2/holds").json()["code"] == "wrong_store"

    extend = make_command("hold.extend", {"hold_id": place["id"], "hours": 72})
    assert _send(device, extend)[0]["status"] == "applied"
    put_back_early = make_command("hold.put_back", {"hold_id": place["id"]})
    early = _send(device, put_back_early)[0]
    assert (early["status"], early["code"]) == ("conflict", "hold_still_active")
    release = make_command("hold.release", {"hold_id": place["id"]})
    assert _send(device, release)[0]["status"] == "applied"
    assert _level(query_db, hub.db_url, 1, product_id)[1] == before[1]
    again = _send(device, make_command("hold.release", {"hold_id": place["id"]}))[0]
    assert (again["status"], again["code"], again["params"]["status"]) == (
        "conflict",
        "hold_not_active",
        "released",
    )
    listed = contract.StoreHolds.model_validate(device.get("/v1/stores/1/holds").json())
    ended = next(h for h in listed.holds if h.id == place["id"])
    assert ended.status == "released" and ended.ended_at is not None and ended.put_back_at is None
    assert _send(device, make_command("hold.put_back", {"hold_id": place["id"]}))[0]["status"] == "applied"

    other = query_db(hub.db_url, "SELECT id FROM holds WHERE store_id != 1 AND status = 'active' LIMIT 1")
    refused = _send(device, make_command("hold.release", {"hold_id": other[0][0]}))[0]
    assert (refused["status"], refused["code"]) == ("rejected", "hold_at_another_store")
    unknown = _send(device, make_command("hold.release", {"hold_id": "no-such-hold"}))[0]
    assert unknown["code"] == "unknown_hold"


def test_a_hold_above_what_is_available_is_refused_with_the_number_and_an_expired_hold_frees_its_units(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    sku, product_id = _on_sale(query_db, hub.db_url, 1, 2, 10)
    on_hand, held = _level(query_db, hub.db_url, 1, product_id)
    too_many = make_command(
        "hold.place", {"customer_id": hub.customer_ids[1], "sku": sku, "qty": on_hand - held + 1, "hours": 1}
    )
    refused = _send(device, too_many)[0]
    assert (refused["status"], refused["code"]) == ("conflict", "not_enough_stock")
    assert refused["params"]["available"] == on_hand - held
    place = make_command("hold.place", {"customer_id": hub.customer_ids[1], "sku": sku, "qty": 1, "hours": 1})
    assert _send(device, place)[0]["status"] == "applied"
    db = HubDatabase(hub.db_url)
    try:
        assert sweep_expired_holds(db, None, datetime.now(UTC) + timedelta(hours=2)) >= 1
    finally:
        db.dispose()
    assert query_db(hub.db_url, "SELECT status FROM holds WHERE id = ?", place["id"]) == [("expired",)]
    assert _level(query_db, hub.db_url, 1, product_id) == (on_hand, held)
    profile = device.get(f"/v1/customers/{hub.customer_ids[1]}", params={"store_id": 1}).json()
    assert place["id"] not in {h.get("id") for h in profile.get("holds", [])}


def test_an_aisle_order_from_the_warehouse_arrives_for_pickup_and_moves_its_units(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    warehouse = query_db(hub.db_url, "SELECT id FROM stores WHERE kind = 'warehouse'")[0][0]
    sku, product_id = _on_sale(query_db, hub.db_url, warehouse)
    source_before = _level(query_db, hub.db_url, warehouse, product_id)
    here_before = _level(query_db, hub.db_url, 1, product_id)
    order = make_command(
        "aisle.order",
        {"customer_id": hub.customer_ids[0], "lines": [{"sku": sku, "qty": 2}], "fulfilment": "bopis"},
    )
    result = _send(device, order)[0]
    assert result["status"] == "applied", result
    order_id = result["result"]["order_id"]
    assert _level(query_db, hub.db_url, warehouse, product_id)[1] == source_before[1] + 2
    queue = device.get("/v1/stores/1/pickups", headers=DESK).json()
    assert order_id in {o["id"] for o in queue["orders"]}

    receive = make_command("pickup.receive", {"order_id": order_id, "bin": "B-07"})
    assert _send(device, receive)[0]["status"] == "applied"
    assert _level(query_db, hub.db_url, warehouse, product_id) == (source_before[0] - 2, source_before[1])
    assert _level(query_db, hub.db_url, 1, product_id) == (here_before[0] + 2, here_before[1] + 2)
    twice = _send(device, make_command("pickup.receive", {"order_id": order_id, "bin": "B-07"}))[0]
    assert (twice["status"], twice["code"]) == ("conflict", "not_arriving")

    here = _send(
        device,
        make_command(
            "aisle.order",
            {
                "customer_id": hub.customer_ids[0],
                "lines": [{"sku": sku, "qty": 1}],
                "source_store_id": 1,
                "fulfilment": "ship",
            },
        ),
    )[0]
    assert here["code"] == "source_is_here"
    short = _send(
        device,
        make_command(
            "aisle.order",
            {
                "customer_id": hub.customer_ids[0],
                "lines": [{"sku": sku, "qty": 20}] * 20,
                "fulfilment": "bopis",
            },
        ),
    )[0]
    assert (short["status"], short["code"]) == ("conflict", "not_enough_stock")


def test_old_tablets_keep_the_old_feed_and_stock_answer_and_desk_tablets_get_counts_of_kept_places(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device
    sku = query_db(hub.db_url, "SELECT sku FROM products ORDER BY id LIMIT 1")[0][0]
    old_answer = device.get(f"/v1/stock/{sku}", params={"store_id": 1}, headers=OLD).json()
    assert "warehouse" not in old_answer and "names" not in old_answer["product"]
    desk_answer = contract.StockAnswer.model_validate(
        device.get(f"/v1/stock/{sku}", params={"store_id": 1}, headers=DESK).json()
    )
    assert desk_answer.warehouse is not None and set(desk_answer.product.names) == {"ru", "zh"}
    assert " " not in desk_answer.product.names["zh"]

    old_first = device.get("/v1/stores/1/changes", params={"limit": 200}, headers=OLD).json()
    assert not {"stores", "stock_counts", "progress"} & set(old_first)
    assert all("names" not in p for p in old_first["products"])

    cursor, counts, stores, progress, pages = "", 0, None, [], 0
    while True:
        page = device.get("/v1/stores/1/changes", params={"cursor": cursor, "limit": 200}, headers=DESK)
        assert page.status_code == 200, page.text
        feed = contract.ChangeFeed.model_validate(page.json())
        assert not feed.stock
        counts += len(feed.stock_counts)
        stores = stores or feed.stores
        if feed.progress is not None:
            progress.append(feed.progress)
        cursor, pages = feed.cursor, pages + 1
        if not feed.has_more:
            break
        assert pages < 200
    assert stores is not None and stores[0].id == 1 and stores[0].distance_km == 0
    assert stores[-1].kind == "warehouse" and all(s.kind == "store" for s in stores[:-1])
    distances = [s.distance_km for s in stores[:-1]]
    assert distances == sorted(distances)
    kept = [s.id for s in stores]
    expected = query_db(
        hub.db_url, f"SELECT COUNT(*) FROM inventory WHERE store_id IN ({','.join('?' * len(kept))})", *kept
    )[0][0]
    assert counts == expected
    dones = [p.done for p in progress]
    assert dones == sorted(dones) and progress[-1].done == progress[-1].total

    # Deltas: a count at another kept store and a product change, each once.
    db = HubDatabase(hub.db_url)
    other = stores[1].id
    try:
        with db.writing() as session:
            set_stock_counts(session, other, [StockCountLine(sku, 9), StockCountLine(sku, 11)])
            product = desk_answer.product.model_copy(update={"name": "Renamed"})
            upsert_products(session, [product])
    finally:
        db.dispose()
    delta = contract.ChangeFeed.model_validate(
        device.get("/v1/stores/1/changes", params={"cursor": cursor}, headers=DESK).json()
    )
    assert [(c[0], c[1], c[2]) for c in delta.stock_counts] == [(sku, other, 11)]
    assert [p.name for p in delta.products] == ["Renamed"]
    assert delta.progress is None


def test_a_feed_page_may_be_asked_for_5000_items(own_hub_device: tuple[Any, httpx.Client]) -> None:
    _hub, device = own_hub_device
    assert device.get("/v1/stores/1/changes", params={"limit": 5000}, headers=DESK).status_code == 200
    assert device.get("/v1/stores/1/changes", params={"limit": 5001}, headers=DESK).status_code in (400, 422)


def test_a_desk_tablet_with_a_feed_begun_before_the_upgrade_is_sent_for_a_new_snapshot(
    own_hub_device: tuple[Any, httpx.Client],
) -> None:
    """A tablet of this release whose feed began on a hub that kept no nearby stock (its cursor has
    no desk state) is told to start again, so it gets the nearby stock; an old tablet is not."""
    _hub, device = own_hub_device
    old_cursor = device.get("/v1/stores/1/changes", params={"limit": 50}, headers=OLD).json()["cursor"]
    assert device.get("/v1/stores/1/changes", params={"cursor": old_cursor}, headers=OLD).status_code == 200
    refused = device.get("/v1/stores/1/changes", params={"cursor": old_cursor}, headers=DESK)
    assert (refused.status_code, refused.json()["code"]) == (400, "cursor_expired")
