"""Store scope on every route, found from the hub's own OpenAPI document.

A device of store 2, with a manager of store 2 signed in, asks each route for store 1's data. The
test reads every operation the hub publishes and needs a case for each one that takes a store,
order, pickup or customer reference, so a route added later cannot forget the check: it fails
here until it has a case.

Customers are the chain's, not a store's (a shopper buys everywhere), so a customer route is
scoped by the store it is asked for; orders and pickups belong to their store. Finding an order to
take back, and a manager's approval of a return of it, serve every store on purpose (returns are
taken in any store).

The kiosk's routes are asked by a kiosk of store 2 (a tablet is refused them all): a shopper's
greeting and a return started at the kiosk serve any store's customer and order, a self-pickup
only the kiosk's own store's orders.
"""

from __future__ import annotations

from typing import Any

import httpx
from hub_kiosks import enroll_kiosk

from storeassist.hub.seed.catalog import demo_pin

#: Parameter and body field names that point at a store's, an order's or a customer's data.
SCOPED_NAMES = {"store_id", "customer_id", "order_id", "number", "token", "commands", "order_code"}

#: Routes that take no reference and so need no case (device, staff and catalog plumbing).
UNSCOPED = {
    ("get", "/v1/health"),
    ("post", "/v1/devices/enroll"),
    ("get", "/v1/keys"),
    ("post", "/v1/staff/sign-in"),
    ("post", "/v1/staff/sign-out"),
    ("get", "/v1/stores"),
    ("get", "/v1/products"),
    ("get", "/v1/customers"),  # a search of the chain's customers, rows masked, takes no store
    ("post", "/v1/kiosk/hold-requests"),  # a product, for the kiosk's own store
    ("post", "/v1/kiosk/exit"),
    ("get", "/v1/kiosk/changes"),  # the kiosk's own store's feed
}
#: Routes that serve every store on purpose: a return is taken back in any store of the chain, so
#: another store's device is answered there (its case must succeed), never refused: finding the
#: order, and a manager's approval of this device's own return of it.
CHAIN_WIDE = {
    ("post", "/v1/returns/lookup"),
    ("post", "/v1/returns/approvals"),
    ("post", "/v1/kiosk/shopper"),
    ("post", "/v1/kiosk/returns/lookup"),
    ("post", "/v1/kiosk/returns"),
}
#: Routes only a kiosk takes: asked by a kiosk of store 2.
KIOSK_ONLY_PREFIX = "/v1/kiosk/"


def _references(operation: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    names = {p["name"] for p in operation.get("parameters", [])}
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    names |= set(body.get("properties", {}))
    return names & SCOPED_NAMES


def _cases(hub: Any, store_1_order: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    customer_id = hub.customer_ids[0]
    order_id = hub.pickup_order_ids[0]
    return {
        ("post", "/v1/customers/resolve"): {
            "json": {"token": hub.loyalty_token(customer_id), "store_id": 1},
        },
        ("get", "/v1/customers/{customer_id}/profile"): {
            "url": f"/v1/customers/{customer_id}/profile",
            "params": {"store_id": 1},
        },
        ("get", "/v1/customers/{customer_id}/recommendations"): {
            "url": f"/v1/customers/{customer_id}/recommendations",
            "params": {"store_id": 1},
        },
        ("post", "/v1/orders/resolve"): {"json": {"token": hub.order_token(order_id)}},
        ("get", "/v1/orders/{number}"): {"url": f"/v1/orders/{store_1_order['number']}"},
        ("post", "/v1/orders/{order_id}/pickup-code"): {
            "url": f"/v1/orders/{order_id}/pickup-code",
            "json": {"store_id": 1, "code": "000000"},
        },
        ("get", "/v1/stores/{store_id}/pickups"): {"url": "/v1/stores/1/pickups"},
        ("get", "/v1/stores/{store_id}/holds"): {"url": "/v1/stores/1/holds"},
        ("get", "/v1/stores/{store_id}/changes"): {"url": "/v1/stores/1/changes"},
        ("get", "/v1/stores/{store_id}/assist-requests"): {"url": "/v1/stores/1/assist-requests"},
        ("post", "/v1/stores/{store_id}/assist-requests/{request_id}/done"): {
            "url": "/v1/stores/1/assist-requests/1/done"
        },
        ("get", "/v1/stores/{store_id}/kiosk-returns"): {"url": "/v1/stores/1/kiosk-returns"},
        ("get", "/v1/stock/{sku_or_gtin}"): {"url": "/v1/stock/NO-SUCH-SKU", "params": {"store_id": 1}},
        ("post", "/v1/commands"): {"commands": True},
        ("post", "/v1/returns/lookup"): {"json": {"order_number": store_1_order["number"]}},
        ("post", "/v1/kiosk/shopper"): {"json": {"token": hub.loyalty_token(customer_id)}},
        ("post", "/v1/kiosk/pickup"): {
            "json": {"order_code": hub.order_token(store_1_order["kiosk_pickup"]), "pickup_code": "000000"}
        },
        ("post", "/v1/kiosk/returns/lookup"): {"json": {"code": hub.order_token(store_1_order["collected"])}},
        ("post", "/v1/kiosk/returns"): {
            "json": {
                "code": hub.order_token(store_1_order["collected"]),
                "lines": [{"line_no": 1, "qty": 1, "reason": "wrong_size"}],
            }
        },
    }


def test_a_device_of_another_store_is_refused_on_every_route_that_takes_a_reference(
    hub_server: Any, enroll_device: Any, device: httpx.Client, make_command: Any, query_db: Any
) -> None:
    schema = device.get("/openapi.json").json()
    order_id = hub_server.pickup_order_ids[0]
    ((number,),) = query_db(hub_server.db_url, "SELECT number FROM orders WHERE id = ?", order_id)
    ((kiosk_pickup,),) = query_db(
        hub_server.db_url,
        "SELECT id FROM orders WHERE store_id = 1 AND kiosk_pickup AND pickup_state = 'ready' "
        "ORDER BY id LIMIT 1",
    )
    ((collected,),) = query_db(
        hub_server.db_url,
        "SELECT o.id FROM orders o JOIN order_lines l ON l.order_id = o.id AND l.line_no = 1 "
        "WHERE o.store_id = 1 AND o.pickup_state = 'collected' AND l.qty_collected > l.qty_returned "
        "ORDER BY o.id LIMIT 1",
    )
    cases = _cases(hub_server, {"number": number, "kiosk_pickup": kiosk_pickup, "collected": collected})
    ((manager_id, staff_number),) = query_db(
        hub_server.db_url,
        "SELECT id, staff_number FROM staff WHERE store_id = 2 AND role = 'manager' ORDER BY id LIMIT 1",
    )
    cases[("post", "/v1/returns/approvals")] = {
        "json": {
            "return_id": "00000000-0000-4000-8000-000000000002",
            "staff_number": staff_number,
            "pin": demo_pin(manager_id),
            "reason": "store 1's order, returned in store 2",
            "order_id": order_id,
            "paid_back_cents": 0,
            "reasons": ["past_window"],
        }
    }

    operations = {
        (method, path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    scoped = {key for key, operation in operations.items() if _references(operation, schema)}
    missing = scoped - set(cases)
    assert not missing, f"routes that take a store, order or customer reference need a case here: {missing}"
    assert set(operations) <= scoped | UNSCOPED | CHAIN_WIDE, (
        "a route with no reference must be listed as unscoped"
    )
    assert set(cases) >= CHAIN_WIDE, "a chain-wide route needs a case that succeeds"

    with enroll_device(hub_server, store_id=2) as tablet, enroll_kiosk(hub_server, store_id=2) as kiosk:
        for (method, path), case in cases.items():
            other = kiosk if path.startswith(KIOSK_ONLY_PREFIX) else tablet
            if case.get("commands"):
                note = make_command(
                    "note.add", {"customer_id": hub_server.customer_ids[0], "text": "x"}, store_id=1
                )
                answer = other.post(path, json={"commands": [note]})
                assert answer.status_code == 200, answer.text
                assert answer.json()["results"][0]["status"] == "rejected", "another store's command"
                continue
            answer = other.request(
                method.upper(), case.get("url", path), params=case.get("params"), json=case.get("json")
            )
            if (method, path) in CHAIN_WIDE:
                assert answer.status_code == 200, (method, path, answer.text)
                continue
            assert answer.status_code == 403, (method, path, answer.text)
            assert answer.json()["code"] == "wrong_store", (method, path, answer.text)
    notes = query_db(hub_server.db_url, "SELECT count(*) FROM customer_notes WHERE text = 'x'")
    assert notes == [(0,)], "nothing of another store's was written"
