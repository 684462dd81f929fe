"""``POST /v1/kiosk/shopper``: a scanned loyalty code → what a public screen may show of a shopper.

The greeting (first name, last initial), tier, points, next tier, offers and suggestions in stock
here, exactly as ``domain.kiosk`` and the recommender say; no id, contact detail, order or address
anywhere in the answer; audited by id; limited per kiosk like a person's profile reads."""

from __future__ import annotations

import json
from typing import Any

from hub_kiosks import enroll_kiosk

from storeassist.domain.kiosk import greeting_name, kiosk_offers
from storeassist.domain.loyalty import standing
from storeassist.hub.admin import revoke_card

#: Keys a shopper's answer never has, at any depth.
PERSONAL_KEYS = {"id", "customer_id", "loyalty_id", "name", "email", "phone", "address", "number", "orders"}


def _shopper(query_db: Any, db_url: str) -> dict[str, Any]:
    """A customer with a full name, a tier above member and a category among their preferences."""
    rows = query_db(
        db_url,
        "SELECT id, name, email, phone, loyalty_id, address, points, preferences FROM customers "
        "WHERE points >= 1000 AND name LIKE '% %' ORDER BY id",
    )
    categories = {row[0] for row in query_db(db_url, "SELECT DISTINCT category FROM products")}
    keys = ("id", "name", "email", "phone", "loyalty_id", "address", "points", "preferences")
    for row in rows:
        found = dict(zip(keys, row, strict=True))
        found["preferences"] = json.loads(found["preferences"] or "[]")
        found["liked"] = [tag for tag in found["preferences"] if tag in categories]
        if found["liked"]:
            return found
    raise AssertionError("the seed has no member above the first tier who likes a category")


def _wait_for_the_model(hub: Any) -> None:
    """A scan before the hub's first recommender model is greeted without suggestions."""
    assert hub.wait_for_recommendations(120), "the hub built no recommender model"


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_a_shopper_sees_their_greeting_tier_offers_and_suggestions_in_stock_here_and_nothing_else(
    hub_server: Any, query_db: Any
) -> None:
    customer = _shopper(query_db, hub_server.db_url)
    _wait_for_the_model(hub_server)
    with enroll_kiosk(hub_server) as kiosk:
        answer = kiosk.post(
            "/v1/kiosk/shopper", json={"token": hub_server.loyalty_token(customer["id"], card=True)}
        )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    tier = standing(customer["points"])
    assert body["greeting_name"] == greeting_name(customer["name"])
    assert body["greeting_name"].endswith(".") and body["greeting_name"] != customer["name"]
    assert (body["tier"], body["points"], body["next_tier"], body["points_to_next"]) == (
        tier.tier,
        customer["points"],
        tier.next_tier,
        tier.points_to_next,
    )
    expected = kiosk_offers(customer["points"], customer["liked"])
    assert body["offers"] == [{"code": o.code, "params": dict(o.params)} for o in expected]
    assert any(o["code"] == "category_offer" for o in body["offers"])

    assert 0 < len(body["suggestions"]) <= 6
    styles = [suggestion["product"]["style"] for suggestion in body["suggestions"]]
    assert len(set(styles)) == len(styles), "one size and colour of a style"
    for suggestion in body["suggestions"]:
        ((on_sale,),) = query_db(
            hub_server.db_url,
            "SELECT i.on_hand - i.held FROM inventory i JOIN products p ON p.id = i.product_id "
            "WHERE i.store_id = 1 AND p.sku = ?",
            suggestion["product"]["sku"],
        )
        assert suggestion["here"] == on_sale > 0
        assert (suggestion["reason_code"], suggestion["reason_params"]) == ("picked_for_you", {})

    # Nothing of the profile beyond that: no id, contact, order or address, at any depth.
    top = {k for k in body if k != "suggestions"}
    assert not (top | _keys(body["offers"])) & PERSONAL_KEYS
    text = answer.text
    for value in (customer["name"], customer["email"], customer["phone"], customer["loyalty_id"]):
        assert value not in text
    if customer["address"]:
        assert customer["address"] not in text
    orders = query_db(hub_server.db_url, "SELECT number FROM orders WHERE customer_id = ?", customer["id"])
    assert not any(number in text for (number,) in orders)

    audited = query_db(
        hub_server.db_url,
        "SELECT staff_id, subject FROM audit WHERE action = 'kiosk.shopper' AND device_id = ?",
        kiosk.device_id,
    )
    assert audited == [(None, f"customer:{customer['id']}")]


def test_no_suggestion_tells_a_kiosk_what_the_shopper_bought_viewed_or_left_in_a_cart(
    hub_server: Any, query_db: Any
) -> None:
    """The recommender's reasons name the shopper's history (a product bought, viewed or carted,
    days since a cart, views); a kiosk gets one neutral reason and no params, for every shopper."""
    customers = [
        int(row[0])
        for row in query_db(
            hub_server.db_url,
            "SELECT DISTINCT customer_id FROM orders WHERE customer_id IS NOT NULL "
            "ORDER BY customer_id LIMIT 60",
        )
    ]
    assert len(customers) == 60
    _wait_for_the_model(hub_server)
    suggestions: list[dict[str, Any]] = []
    # Two kiosks: each spends its own profile reads (30 at once).
    with (
        enroll_kiosk(hub_server, device_name="history kiosk 1") as first,
        enroll_kiosk(hub_server, device_name="history kiosk 2") as second,
    ):
        for n, customer_id in enumerate(customers):
            kiosk = first if n % 2 else second
            answer = kiosk.post(
                "/v1/kiosk/shopper", json={"token": hub_server.loyalty_token(customer_id, card=True)}
            )
            assert answer.status_code == 200, answer.text
            suggestions += answer.json()["suggestions"]
    assert len(suggestions) >= 60, "most shoppers get suggestions"
    assert {s["reason_code"] for s in suggestions} == {"picked_for_you"}
    assert [s["reason_params"] for s in suggestions if set(s["reason_params"]) - {"category"}] == []
    assert all(s["reason_params"] == {} for s in suggestions)


def test_a_revoked_card_and_an_order_code_are_refused(
    hub_server_fn: Any, query_db: Any, assert_problem: Any
) -> None:
    hub = hub_server_fn
    customer_id = hub.customer_ids[1]
    old_card = hub.loyalty_token(customer_id, card=True)
    revoke_card(hub.db_url, customer_id)
    with enroll_kiosk(hub) as kiosk:
        assert_problem(kiosk.post("/v1/kiosk/shopper", json={"token": old_card}), 403, "token_revoked")
        new_card = hub.loyalty_token(customer_id, card=True)
        assert kiosk.post("/v1/kiosk/shopper", json={"token": new_card}).status_code == 200
        order_code = hub.order_token(hub.pickup_order_ids[0])
        assert_problem(kiosk.post("/v1/kiosk/shopper", json={"token": order_code}), 403, "token_wrong_kind")
    audited = query_db(
        hub.db_url,
        "SELECT count(*) FROM audit WHERE action = 'kiosk.shopper' AND device_id = ?",
        kiosk.device_id,
    )
    assert audited == [(1,)], "only the scan that was answered"


def test_a_kiosk_scanning_card_after_card_is_limited_as_a_person_reading_profiles_is(
    hub_server_fn: Any, query_db: Any, assert_problem: Any
) -> None:
    hub = hub_server_fn
    token = hub.loyalty_token(hub.customer_ids[0])
    with enroll_kiosk(hub) as kiosk, enroll_kiosk(hub, device_name="second kiosk") as other:
        for _ in range(30):
            assert kiosk.post("/v1/kiosk/shopper", json={"token": token}).status_code == 200
        refused = kiosk.post("/v1/kiosk/shopper", json={"token": token})
        assert_problem(refused, 429, "too_many_reads")
        assert int(refused.headers["Retry-After"]) >= 1
        assert other.post("/v1/kiosk/shopper", json={"token": token}).status_code == 200, "a budget per kiosk"
    alerts = query_db(
        hub.db_url,
        "SELECT staff_id, subject FROM audit WHERE action = 'privacy.burst' AND device_id = ?",
        kiosk.device_id,
    )
    assert alerts == [(None, f"device:{kiosk.device_id}")]
