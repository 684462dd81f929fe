"""The hub API's read paths, as a store device uses them, against a real hub on loopback."""

from __future__ import annotations

from typing import Any

import httpx

from storeassist import contract
from storeassist.domain.tokens import TokenKind
from storeassist.hub.admin import issue_token


def test_health_and_keys_need_no_credential(hub_server: Any) -> None:
    health = httpx.get(f"{hub_server.url}/v1/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok" and health.json()["schema"]
    assert health.json()["recommendations"] in {"ready", "building"}
    keys = contract.PublicKeys.model_validate(httpx.get(f"{hub_server.url}/v1/keys").json())
    assert keys.keys


def test_openapi_document_lists_every_documented_path(hub_server: Any) -> None:
    paths = httpx.get(f"{hub_server.url}/openapi.json").json()["paths"]
    assert {
        "/v1/customers/resolve",
        "/v1/commands",
        "/v1/stores/{store_id}/changes",
        "/v1/stock/{sku_or_gtin}",
    } <= set(paths)
    error = paths["/v1/customers/resolve"]["post"]["responses"]["422"]["content"]
    assert "application/problem+json" in error


def test_enrolled_device_gets_credential_keys_and_store(hub_server: Any) -> None:
    answer = httpx.post(
        f"{hub_server.url}/v1/devices/enroll",
        json={"code": hub_server.enroll_code(), "device_name": "till 2"},
    )
    enrolled = contract.EnrollResponse.model_validate(answer.json())
    assert enrolled.store_id == hub_server.store_id and enrolled.public_keys.keys and enrolled.credential
    assert (enrolled.store_locale, enrolled.store_currency) == ("en_US", "USD")


def test_staff_sign_in_by_badge_and_by_number_with_pin(
    hub_server: Any, enroll_device: Any, assert_problem: Any
) -> None:
    with enroll_device(hub_server, role=None) as device:
        by_badge = device.post("/v1/staff/sign-in", json={"badge": hub_server.staff_badge})
        by_pin = device.post(
            "/v1/staff/sign-in", json={"staff_number": hub_server.staff_number, "pin": hub_server.staff_pin}
        )
        assert by_badge.status_code == by_pin.status_code == 200
        assert by_badge.json()["staff_id"] == by_pin.json()["staff_id"]
        session = contract.StaffSession.model_validate(by_pin.json())
        assert session.role == "associate" and session.session_token != by_badge.json()["session_token"]
        # Above associate, a badge alone is not enough; the printed label is no badge at all.
        assert_problem(
            device.post("/v1/staff/sign-in", json={"badge": hub_server.manager_badge}), 403, "pin_required"
        )
        manager = device.post("/v1/staff/sign-in", json={"badge": hub_server.manager_badge, "pin": "1001"})
        assert manager.status_code == 200 and manager.json()["role"] == "manager"
        assert_problem(device.post("/v1/staff/sign-in", json={"badge": "B1001"}), 422)


def test_scanned_loyalty_code_opens_the_full_profile(
    device: httpx.Client, hub_server: Any, query_db: Any
) -> None:
    customer_id = hub_server.customer_ids[0]
    answer = device.post("/v1/customers/resolve", json={"token": hub_server.loyalty_token(customer_id)})
    assert answer.status_code == 200, answer.text
    profile = contract.CustomerProfile.model_validate(answer.json())
    assert profile.customer.id == customer_id
    assert profile.open_pickups, "the first demo customer has a ready pickup at store 1"
    assert all(o.store_id == hub_server.store_id for o in profile.open_pickups)
    assert profile.recent_orders and profile.timeline
    assert [e.at for e in profile.timeline] == sorted((e.at for e in profile.timeline), reverse=True)
    severities = [a.severity for a in profile.alerts]
    assert severities == sorted(severities, key=["critical", "warning", "info"].index)
    audit = query_db(
        hub_server.db_url,
        "SELECT action FROM audit WHERE subject = ? AND action = 'profile.view'",
        f"customer:{customer_id}",
    )
    assert audit


def test_printed_card_code_resolves_too(device: httpx.Client, hub_server: Any) -> None:
    customer_id = hub_server.customer_ids[1]
    answer = device.post(
        "/v1/customers/resolve", json={"token": hub_server.loyalty_token(customer_id, card=True)}
    )
    assert answer.status_code == 200 and answer.json()["customer"]["id"] == customer_id


def test_profile_by_id_shows_cart_and_views_with_availability(device: httpx.Client, hub_server: Any) -> None:
    seen_any = False
    for customer_id in hub_server.customer_ids:
        answer = device.get(f"/v1/customers/{customer_id}/profile", params={"store_id": hub_server.store_id})
        assert answer.status_code == 200
        profile = contract.CustomerProfile.model_validate(answer.json())
        for item in profile.abandoned_cart + profile.recent_views:
            seen_any = True
            assert item.availability in ("here", "nearby", "out")
    assert seen_any


def test_customer_search_by_name_phone_and_email_is_partial_and_paged(
    device: httpx.Client, query_db: Any, hub_server: Any
) -> None:
    name, phone, email = query_db(hub_server.db_url, "SELECT name, phone, email FROM customers WHERE id = 1")[
        0
    ]
    for text in (name[:3].lower(), phone[:6], "+" + phone[:4]):
        found = contract.CustomerPage.model_validate(device.get("/v1/customers", params={"q": text}).json())
        assert found.items, text
    by_email = device.get("/v1/customers", params={"q": email[: email.index("@") + 1]}).json()
    assert any(c["id"] == 1 for c in by_email["items"])
    # the commonest first three letters of a name span more than one page
    ((letter, matches),) = query_db(
        hub_server.db_url,
        "SELECT substr(name_key, 1, 3) AS k, count(*) AS n FROM customers GROUP BY k ORDER BY n DESC LIMIT 1",
    )
    assert matches > 20
    first = device.get("/v1/customers", params={"q": letter}).json()
    assert first["next_page"] == 1
    second = device.get("/v1/customers", params={"q": letter, "page": 1}).json()
    assert all("•" in c["email"] for c in first["items"]), "search rows are masked for every role"
    assert second["items"]
    assert {c["id"] for c in first["items"]}.isdisjoint(c["id"] for c in second["items"])


def test_recommendations_are_in_reach_and_explained(
    device: httpx.Client, hub_server: Any, query_db: Any
) -> None:
    customer_id = hub_server.customer_ids[0]
    answer = device.get(f"/v1/customers/{customer_id}/recommendations", params={"store_id": 1, "limit": 8})
    assert answer.status_code == 200, answer.text
    recommended = contract.RecommendationList.model_validate(answer.json())
    assert 0 < len(recommended.items) <= 8
    owned = {
        sku
        for (sku,) in query_db(
            hub_server.db_url,
            "SELECT p.sku FROM order_lines l JOIN orders o ON o.id = l.order_id"
            " JOIN products p ON p.id = l.product_id WHERE o.customer_id = ?",
            customer_id,
        )
    }
    assert all(r.product.sku not in owned for r in recommended.items)
    assert all(r.reason_code and r.availability in ("here", "nearby") for r in recommended.items)
    styles = [r.product.style for r in recommended.items]
    assert all(styles.count(style) <= 2 for style in styles), "two variants of a style at most"


def test_order_code_and_order_number_find_the_order(device: httpx.Client, hub_server: Any) -> None:
    order_id = hub_server.pickup_order_ids[0]
    by_code = device.post("/v1/orders/resolve", json={"token": hub_server.order_token(order_id)})
    assert by_code.status_code == 200
    order = contract.Order.model_validate(by_code.json())
    assert order.id == order_id and order.lines
    by_number = device.get(f"/v1/orders/{order.number}")
    assert by_number.json() == by_code.json()


def test_stores_and_pickup_queue_most_urgent_first(device: httpx.Client, hub_server: Any) -> None:
    stores = [contract.StoreInfo.model_validate(s) for s in device.get("/v1/stores").json()]
    assert any(s.id == hub_server.store_id for s in stores)
    queue = contract.PickupQueue.model_validate(
        device.get(f"/v1/stores/{hub_server.store_id}/pickups").json()
    )
    order = ["ready", "partially_collected", "picking", "placed"]
    ranks = [order.index(o.pickup_state or "") for o in queue.orders]
    assert ranks == sorted(ranks) and queue.orders
    assert set(hub_server.pickup_order_ids) & {o.id for o in queue.orders}


def test_stock_here_and_nearby_by_sku_and_barcode(
    device: httpx.Client, hub_server: Any, query_db: Any
) -> None:
    sku, gtin = query_db(
        hub_server.db_url,
        "SELECT p.sku, p.gtin FROM products p JOIN inventory i ON i.product_id = p.id"
        " GROUP BY p.id HAVING count(*) > 2 ORDER BY p.id LIMIT 1",
    )[0]
    sku_json = device.get(f"/v1/stock/{sku}", params={"store_id": 1}).json()
    by_sku = contract.StockAnswer.model_validate(sku_json)
    by_gtin = device.get(f"/v1/stock/{gtin}", params={"store_id": 1}).json()
    assert by_gtin == sku_json
    distances = [level.distance_km for level in by_sku.nearby]
    assert distances == sorted(distances)
    assert all(level.store_id != 1 and level.on_hand - level.held > 0 for level in by_sku.nearby)


def test_product_search_by_word_and_by_barcode_prefix(device: httpx.Client) -> None:
    page = contract.ProductPage.model_validate(device.get("/v1/products", params={"q": "shirt"}).json())
    assert page.items and all("shirt" in (p.name + p.category).lower() for p in page.items)
    gtin = page.items[0].gtin
    by_code = device.get("/v1/products", params={"q": gtin[:10]}).json()
    assert any(p["gtin"] == gtin for p in by_code["items"])


def test_change_feed_pages_the_snapshot_then_serves_deltas(
    own_hub_device: tuple[Any, httpx.Client], make_command: Any
) -> None:
    hub, device = own_hub_device
    cursor, seen, pages = "", {"products": 0, "stock": 0, "pickups": 0, "customers": 0}, 0
    while True:
        feed = contract.ChangeFeed.model_validate(
            device.get(f"/v1/stores/{hub.store_id}/changes", params={"cursor": cursor, "limit": 400}).json()
        )
        for key in seen:
            seen[key] += len(getattr(feed, key))
        cursor, pages = feed.cursor, pages + 1
        if not feed.has_more:
            break
        assert pages < 200
    assert all(seen.values()), seen
    customer_id = hub.customer_ids[2]
    applied = device.post(
        "/v1/commands",
        json={"commands": [make_command("note.add", {"customer_id": customer_id, "text": "likes linen"})]},
    )
    assert applied.status_code == 200, applied.text
    assert applied.json()["results"][0]["status"] == "applied"
    delta = contract.ChangeFeed.model_validate(
        device.get(f"/v1/stores/{hub.store_id}/changes", params={"cursor": cursor}).json()
    )
    assert [c.customer.id for c in delta.customers] == [customer_id]
    assert "likes linen" in delta.customers[0].notes
    assert not delta.has_more


def test_token_issued_for_another_kind_is_refused_per_screen(
    device: httpx.Client, hub_server: Any, assert_problem: Any
) -> None:
    order_code = issue_token(hub_server.db_url, TokenKind.ORDER, hub_server.pickup_order_ids[0])
    assert_problem(device.post("/v1/customers/resolve", json={"token": order_code}), 403, "token_wrong_kind")
    loyalty_code = hub_server.loyalty_token(hub_server.customer_ids[0])
    assert_problem(device.post("/v1/orders/resolve", json={"token": loyalty_code}), 403, "token_wrong_kind")


def test_a_profile_view_is_audited_with_the_staff_member_who_looked(
    own_hub_device: tuple[Any, httpx.Client], query_db: Any
) -> None:
    hub, device = own_hub_device  # signed in as store 1's manager, staff 1
    customer_id = hub.customer_ids[0]
    code = hub.loyalty_token(customer_id)

    # The staff session names who looked; a staff id in the request cannot say otherwise.
    assert device.post("/v1/customers/resolve", json={"token": code, "staff_id": 3}).status_code == 200
    assert device.get(f"/v1/customers/{customer_id}/profile", params={"staff_id": 4}).status_code == 200

    rows = query_db(
        hub.db_url,
        "SELECT staff_id FROM audit WHERE action = ? AND subject = ? ORDER BY id",
        "profile.view",
        f"customer:{customer_id}",
    )
    assert [row[0] for row in rows][-2:] == [1, 1]
