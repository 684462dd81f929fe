"""The hub sends codes, numbers and its stores' locales; the tablet makes the words (style.md §15).

Alerts and timeline entries are codes with parameters (never English sentences, never an amount
written with a decimal point), amounts are minor units in the profile's currency, and every
store says how its tablets write: locale, currency, time zone.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, get_args

import httpx

from storeassist import contract

#: Each code the hub sends today, with the parameter names it always carries (and may carry).
ALERT_PARAMS = {
    "service_case": {"subject", "days"},
    "late_delivery": {"number", "channel", "days"},
    "failed_delivery": {"number"},
    "negative_review": {"product", "rating", "days"},
    "low_sentiment": {"subject", "days"},
    "pickup_expiring": {"number", "hours"},
}
TIMELINE_PARAMS = {
    "order_placed": {"number", "items", "total", "status"},
    "order_returned": {"number", "refund", "reason"},
    "case_opened": {"subject", "status"},
    "product_reviewed": {"product"},  # and "rating" when the review had one
    "product_viewed": {"product"},
    "cart_added": {"product"},
    "cart_left": {"product"},
    "customer_notified": {"notice", "channel", "number"},
}
#: Each reason for a suggestion, with the parameters it always carries (and may carry).
REASON_PARAMS: dict[str, tuple[set[str], set[str]]] = {
    "goes_with_order": (set(), {"number", "product"}),
    "bought_with_viewed": (set(), {"product"}),
    "bought_with_carted": (set(), {"product"}),
    "left_in_cart": ({"days"}, set()),
    "viewed_online": ({"views", "days"}, set()),
    "category_best_seller": ({"category"}, set()),
    "related_category_best_seller": ({"category"}, set()),
    "popular_now": (set(), set()),
}
#: What the hub used to write as a suggestion's reason, in English.
REASON_WORDS = re.compile(
    r"goes with|bought with|in (their|a) cart|viewed online|best seller|popular|right now|"
    r"this week|this month|months? ago|times?\b",
    re.IGNORECASE,
)
#: Parameters that are codes the tablet words, not text from the data.
CODE_PARAMS = {"status", "reason", "channel"}
#: What the hub used to write for the screen.
SENTENCE_WORDS = re.compile(r"apologise|item\(s\)|Order #|Viewed |Reviewed |refund |\d+\.\d\d")
DEMO_STORES = {
    1: ("en_US", "USD", "America/New_York"),
    3: ("zh_CN", "CNY", "Asia/Shanghai"),
    4: ("ru_RU", "RUB", "Europe/Moscow"),
}
MOSCOW = 4


def _profiles(device: httpx.Client, hub: Any) -> list[dict[str, Any]]:
    answers = [device.get(f"/v1/customers/{cid}/profile") for cid in hub.customer_ids]
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers if a.status_code != 200]
    return [a.json() for a in answers]


def test_enrollment_tells_the_tablet_how_its_store_writes(hub_server: Any) -> None:
    for store_id in (hub_server.store_id, MOSCOW):
        answer = httpx.post(
            f"{hub_server.url}/v1/devices/enroll",
            json={"code": hub_server.enroll_code(store_id), "device_name": "till 3"},
        )
        enrolled = contract.EnrollResponse.model_validate(answer.json())
        written = (enrolled.store_locale, enrolled.store_currency, enrolled.store_timezone)
        assert written == DEMO_STORES[store_id]


def test_every_store_says_its_locale_currency_and_time_zone(device: httpx.Client) -> None:
    stores = {s["id"]: s for s in device.get("/v1/stores").json()}
    for store_id, expected in DEMO_STORES.items():
        store = contract.StoreInfo.model_validate(stores[store_id])
        assert (store.locale, store.currency, store.timezone) == expected
    assert stores[1]["name"].endswith("Union Square"), "the demo chain's first store is in New York"


def test_alerts_and_timeline_are_codes_with_parameters_not_sentences(
    device: httpx.Client, hub_server: Any
) -> None:
    alerts = timeline = 0
    for body in _profiles(device, hub_server):
        assert body["currency"] == "USD", "a profile seen from New York is in dollars"
        for alert in body["alerts"]:
            alerts += 1
            assert set(alert) == {"kind", "severity", "code", "params", "ref"}
            assert ALERT_PARAMS[alert["code"]] == set(alert["params"]), alert
        totals = {order["number"]: order["total_cents"] for order in body["recent_orders"]}
        for entry in body["timeline"]:
            timeline += 1
            assert set(entry) == {"at", "kind", "channel", "code", "params", "ref"}
            needed = TIMELINE_PARAMS[entry["code"]]
            assert needed <= set(entry["params"]) <= needed | {"rating"}, entry
            if entry["code"] == "order_placed":
                assert entry["params"]["total"] == totals[entry["params"]["number"]], "minor units"
        for item in body["alerts"] + body["timeline"]:
            for name, value in item["params"].items():
                assert isinstance(value, int) or not SENTENCE_WORDS.search(value), (name, value)
                if name in CODE_PARAMS:
                    assert re.fullmatch(r"[a-z][a-z0-9_]*", value), (name, value)
    assert alerts and timeline, "the demo customers have alerts and histories"


def test_a_profile_seen_from_another_country_is_in_its_currency(hub_server: Any, enroll_device: Any) -> None:
    with enroll_device(hub_server, MOSCOW) as moscow:
        answer = moscow.get(f"/v1/customers/{hub_server.customer_ids[0]}/profile")
        assert answer.status_code == 200, answer.text
        profile = contract.CustomerProfile.model_validate(answer.json())
    assert profile.currency == "RUB"
    assert all(e.at.utcoffset() == timedelta(0) for e in profile.timeline), "times are UTC"


def test_suggestions_say_why_with_a_code_and_values_never_an_english_reason(
    device: httpx.Client, hub_server: Any
) -> None:
    assert set(REASON_PARAMS) == set(get_args(contract.RecommendationReason))
    seen: set[str] = set()
    for customer_id in hub_server.customer_ids:
        answer = device.get(f"/v1/customers/{customer_id}/recommendations", params={"limit": 20})
        assert answer.status_code == 200, answer.text
        for item in answer.json()["items"]:
            assert set(item) == {"product", "score", "reason_code", "reason_params", "availability"}, item
            needed, optional = REASON_PARAMS[item["reason_code"]]
            assert needed <= set(item["reason_params"]) <= needed | optional, item
            for name, value in item["reason_params"].items():
                if isinstance(value, str) and name not in ("product", "category"):
                    assert not REASON_WORDS.search(value), (name, value)
            seen.add(item["reason_code"])
    assert len(seen) >= 3, f"the demo customers' suggestions have several kinds of reason: {seen}"
