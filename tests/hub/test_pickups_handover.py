"""Handing a pickup over at the counter (``pickup.collect``) against the real hub: every line action,
every way of checking the collector, and each refusal or conflict leaves nothing changed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from storeassist import contract
from storeassist.domain.tokens import TokenKind, verify_token
from storeassist.hub.services.pickup_codes import hash_pickup_code

#: The notices a hand-over or restock records (the seed recorded "ready" and "reminder" before).
_NEW_NOTICES = "SELECT kind FROM notifications WHERE order_id = ? AND kind NOT IN ('ready', 'reminder')"


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _public_keys(hub: Any) -> Any:
    from storeassist.domain.tokens import public_key_from_text

    keys = httpx.get(f"{hub.url}/v1/keys").json()["keys"]
    return {int(key_id): public_key_from_text(text) for key_id, text in keys.items()}


def test_a_full_hand_over_collects_commits_stock_credits_points_and_tells_the_customer(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    line = order["lines"][0]
    on_hand, held = pickups.stock(hub, line["product_id"])
    (points_before,) = query_db(
        hub.db_url, "SELECT points FROM customers WHERE id = ?", order["customer_id"]
    )[0]
    value = sum(li["qty"] * li["price"] for li in order["lines"])

    (result,) = pickups.push(device, pickups.collect(order["id"], pickups.everything(order), staff_id=3))

    assert result["status"] == "applied", result
    applied = result["result"]
    assert set(applied) == {
        "order_id",
        "pickup_state",
        "remaining_qty",
        "handover_id",
        "receipt_code",
        "points_credited",
        "collected_at",
    }
    assert (applied["pickup_state"], applied["remaining_qty"]) == ("collected", 0)
    assert applied["points_credited"] == value // 100
    units = sum(li["qty"] for li in order["lines"] if li["product_id"] == line["product_id"])
    after_on_hand, after_held = pickups.stock(hub, line["product_id"])
    assert after_on_hand == max(0, on_hand - units) and after_held == max(0, held - units)
    assert query_db(hub.db_url, "SELECT points FROM customers WHERE id = ?", order["customer_id"])[0][0] == (
        points_before + value // 100
    )
    handover = query_db(
        hub.db_url,
        "SELECT method, document_type, document_last, confirmed_name, staff_id FROM pickup_handovers "
        "WHERE id = ?",
        applied["handover_id"],
    )
    assert handover == [("photo_id", "driving_licence", "K7", "A. Shopper", 3)]
    kinds = query_db(
        hub.db_url,
        _NEW_NOTICES,
        order["id"],
    )
    assert kinds == [("collected",)]
    receipt = verify_token(applied["receipt_code"], _public_keys(hub), now=datetime.now(UTC))
    assert (receipt.kind, receipt.subject_id) == (TokenKind.HANDOVER_RECEIPT, applied["handover_id"])
    queued = device.get("/v1/stores/1/pickups").json()["orders"]
    assert order["id"] not in [o["id"] for o in queued]
    profile = device.get(f"/v1/customers/{order['customer_id']}/profile", params={"store_id": 1}).json()
    notices = [e for e in profile["timeline"] if e["code"] == "customer_notified"]
    assert notices and notices[0]["params"]["notice"] == "collected"
    assert notices[0]["params"]["number"] == order["number"]


def test_a_partial_hand_over_leaves_the_rest_to_collect_and_shows_when(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub, lines=2)
    first = order["lines"][0]

    (result,) = pickups.push(device, pickups.collect(order["id"], {first["line_no"]: {"handed": 1}}))

    assert result["status"] == "applied", result
    left = sum(li["qty"] for li in order["lines"]) - 1
    assert (result["result"]["pickup_state"], result["result"]["remaining_qty"]) == (
        "partially_collected",
        left,
    )
    # Asked as the app asks: orders then carry their pickup fields (last_handover_at).
    app_reads = {contract.RESULTS_HEADER: contract.RESULTS_THIS_APP_READS}
    shown = device.get(f"/v1/orders/{order['number']}", headers=app_reads).json()
    assert shown["pickup_state"] == "partially_collected"
    assert _moment(shown["last_handover_at"]) == _moment(result["result"]["collected_at"])
    assert shown["lines"][0]["qty_collected"] == 1


def test_the_named_proxy_collects_with_their_id_and_anyone_else_is_refused(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    query_db(hub.db_url, "UPDATE orders SET proxy_name = 'Maria Keller' WHERE id = ?", order["id"])
    proxy = {"method": "proxy_id", "document_type": "passport", "document_last": "4421"}

    stranger = pickups.push(
        device,
        pickups.collect(
            order["id"], pickups.everything(order), verification={**proxy, "proxy_name": "Max Keller"}
        ),
    )[0]
    named = pickups.push(
        device,
        pickups.collect(
            order["id"], pickups.everything(order), verification={**proxy, "proxy_name": "  maria   KELLER "}
        ),
    )[0]

    assert (stranger["status"], stranger["code"]) == ("rejected", "proxy_not_named")
    assert stranger["params"] == {"order_number": order["number"]}
    assert named["status"] == "applied", named
    kept = query_db(
        hub.db_url,
        "SELECT method, proxy_name, document_last FROM pickup_handovers WHERE order_id = ?",
        order["id"],
    )
    assert kept == [("proxy_id", "  maria   KELLER ", "4421")]


def test_an_order_code_must_be_a_valid_code_of_this_very_order(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    other = pickups.ready_order(hub, skip=(order["id"],))

    def by_code(code: str) -> dict[str, Any]:
        verification = {"method": "order_code", "order_code": code}
        return pickups.push(
            device, pickups.collect(order["id"], pickups.everything(order), verification=verification)
        )[0]

    wrong_order = by_code(hub.order_token(other["id"]))
    forged = by_code(hub.order_token(order["id"])[:-4] + "AAAA")
    right = by_code(hub.order_token(order["id"]))

    assert (wrong_order["code"], wrong_order["params"]) == (
        "order_code_invalid",
        {"order_number": order["number"]},
    )
    assert forged["code"] == "order_code_invalid"
    assert right["status"] == "applied", right


def test_three_wrong_pickup_codes_lock_the_order_for_all_but_a_manager(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any, enroll_device: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    query_db(
        hub.db_url,
        "UPDATE orders SET pickup_code_hash = ? WHERE id = ?",
        hash_pickup_code(order["id"], "246810"),
        order["id"],
    )
    associate, manager = pickups.staff_of(hub, "associate"), pickups.staff_of(hub, "manager")

    def with_code(code: str, staff_id: int) -> dict[str, Any]:
        verification = {"method": "pickup_code", "pickup_code": code}
        command = pickups.collect(
            order["id"], pickups.everything(order), verification=verification, staff_id=staff_id
        )
        return pickups.push(device, command)[0]

    wrong = [with_code("000000", associate) for _ in range(3)]
    locked_out = with_code("246810", associate)
    by_manager = with_code("246810", manager)

    assert [(r["status"], r["code"]) for r in wrong] == [("rejected", "pickup_code_wrong")] * 3
    assert query_db(
        hub.db_url, "SELECT pickup_code_failures, pickup_locked FROM orders WHERE id = ?", order["id"]
    ) == [(3, 1)]
    assert (locked_out["code"], locked_out["params"]) == (
        "pickup_needs_manager",
        {"order_number": order["number"]},
    )
    assert by_manager["status"] == "applied", by_manager


def test_a_managers_authority_is_taken_only_from_the_manager_signed_in(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any, enroll_device: Any
) -> None:
    hub, _manager_device = own_hub_device
    order = pickups.ready_order(hub)
    query_db(hub.db_url, "UPDATE orders SET pickup_locked = ? WHERE id = ?", True, order["id"])
    manager = pickups.staff_of(hub, "manager")
    photo_id = {"method": "photo_id", "document_type": "passport", "document_last": "K42"}

    with enroll_device(hub, role="associate") as associate_device:
        # A copied tablet credential and an associate's session cannot borrow a manager's name.
        in_managers_name = pickups.collect(
            order["id"], pickups.everything(order), verification=photo_id, staff_id=manager
        )
        nobody = pickups.collect(order["id"], pickups.everything(order), verification=photo_id, staff_id=None)
        borrowed, unnamed = pickups.push(associate_device, in_managers_name, nobody)

    assert (borrowed["status"], borrowed["code"], borrowed["params"]) == (
        "rejected",
        "staff_not_signed_in",
        {"staff_id": manager},
    )
    # Naming nobody, it is done by the associate signed in, who may not hand over a locked order.
    assert (unnamed["status"], unnamed["code"]) == ("rejected", "pickup_needs_manager")
    assert query_db(hub.db_url, "SELECT pickup_state FROM orders WHERE id = ?", order["id"]) == [("ready",)]


def test_a_substitute_of_the_same_style_in_stock_is_handed_over_as_a_new_line(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    line = order["lines"][0]
    candidates = query_db(
        hub.db_url,
        "SELECT p.id, p.sku FROM products p JOIN inventory i ON i.product_id = p.id AND i.store_id = 1 "
        "WHERE p.style = ? AND p.id != ? AND i.on_hand - i.held >= 1 ORDER BY p.id",
        line["style"],
        line["product_id"],
    )
    if not candidates:
        # Make one: the same style's first other SKU, put in stock here.
        (product_id, sku), *_ = query_db(
            hub.db_url,
            "SELECT id, sku FROM products WHERE style = ? AND id != ? ORDER BY id",
            line["style"],
            line["product_id"],
        )
        query_db(
            hub.db_url,
            "INSERT INTO inventory (store_id, product_id, on_hand, held, updated_at) "
            "VALUES (1, ?, 3, 0, '2026-01-01 00:00:00') "
            "ON CONFLICT (store_id, product_id) DO UPDATE SET on_hand = 3, held = 0",
            product_id,
        )
    else:
        product_id, sku = candidates[0]
    on_hand, held = pickups.stock(hub, product_id)
    other_style = query_db(
        hub.db_url, "SELECT sku FROM products WHERE style != ? ORDER BY id LIMIT 1", line["style"]
    )[0][0]

    def substitute(with_sku: str, units: int = 1) -> dict[str, Any]:
        action = {"substituted": units, "substitute_sku": with_sku}
        return pickups.push(device, pickups.collect(order["id"], {line["line_no"]: action}))[0]

    unknown = substitute("NO-SUCH-SKU")
    not_style = substitute(other_style)
    short = substitute(sku, line["qty"]) if on_hand - held < line["qty"] else None
    applied = substitute(sku)

    assert (unknown["code"], unknown["params"]) == (
        "unknown_substitute",
        {"order_number": order["number"], "sku": "NO-SUCH-SKU"},
    )
    assert (not_style["code"], not_style["params"]) == (
        "substitute_not_in_style",
        {"order_number": order["number"], "sku": other_style},
    )
    if short is not None:
        assert (short["status"], short["code"]) == ("conflict", "substitute_out_of_stock")
    assert applied["status"] == "applied", applied
    new_line = query_db(
        hub.db_url,
        "SELECT product_id, qty, qty_collected, price_cents, substitutes_line FROM order_lines "
        "WHERE order_id = ? AND substitutes_line IS NOT NULL",
        order["id"],
    )
    assert new_line == [(product_id, 1, 1, line["price"], line["line_no"])]
    assert query_db(
        hub.db_url,
        "SELECT qty_cancelled FROM order_lines WHERE order_id = ? AND line_no = ?",
        order["id"],
        line["line_no"],
    ) == [(1,)]
    assert pickups.stock(hub, product_id) == (on_hand - 1, held)
    assert query_db(hub.db_url, "SELECT count(*) FROM refunds WHERE order_id = ?", order["id"]) == [(0,)]


def test_a_substitute_out_of_stock_is_a_conflict_with_what_is_available(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub)
    line = order["lines"][0]
    query_db(
        hub.db_url,
        "UPDATE inventory SET on_hand = held WHERE store_id = 1 AND product_id = ?",
        line["product_id"],
    )
    action = {"substituted": 1, "substitute_sku": line["sku"]}

    (result,) = pickups.push(device, pickups.collect(order["id"], {line["line_no"]: action}))

    assert (result["status"], result["code"]) == ("conflict", "substitute_out_of_stock")
    assert result["params"] == {"order_number": order["number"], "sku": line["sku"], "available": 0}
    assert query_db(hub.db_url, "SELECT pickup_state FROM orders WHERE id = ?", order["id"]) == [("ready",)]


def test_cancelling_a_missing_line_refunds_it_and_tells_the_customer(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    order = pickups.ready_order(hub, lines=2)
    first, second = order["lines"][:2]
    _on_hand, held = pickups.stock(hub, first["product_id"])

    (result,) = pickups.push(
        device,
        pickups.collect(
            order["id"],
            {
                first["line_no"]: {"cancelled": 1, "cancel_reason": "missing"},
                second["line_no"]: {"handed": 1},
            },
            staff_id=3,
        ),
    )

    assert result["status"] == "applied", result
    assert query_db(
        hub.db_url,
        "SELECT line_no, qty, amount_cents, reason, staff_id, store_id FROM refunds WHERE order_id = ?",
        order["id"],
    ) == [(first["line_no"], 1, first["price"], "missing", 3, 1)]
    kinds = query_db(
        hub.db_url,
        _NEW_NOTICES + " ORDER BY id",
        order["id"],
    )
    assert kinds == [("collected",), ("cancelled",)]
    if first["product_id"] != second["product_id"]:
        assert pickups.stock(hub, first["product_id"])[1] == max(0, held - 1)


def test_an_unpaid_order_another_stores_order_and_a_cancelled_order_are_not_handed_over(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any
) -> None:
    hub, device = own_hub_device
    unpaid = pickups.ready_order(hub)
    cancelled = pickups.ready_order(hub, skip=(unpaid["id"],))
    query_db(hub.db_url, "UPDATE orders SET payment_state = 'unpaid' WHERE id = ?", unpaid["id"])
    query_db(hub.db_url, "UPDATE orders SET pickup_state = 'cancelled' WHERE id = ?", cancelled["id"])
    elsewhere, number = query_db(
        hub.db_url, "SELECT id, number FROM orders WHERE store_id = 2 AND pickup_state = 'ready' LIMIT 1"
    )[0]

    results = pickups.push(
        device,
        pickups.collect(unpaid["id"], pickups.everything(unpaid)),
        pickups.collect(cancelled["id"], pickups.everything(cancelled)),
        pickups.collect(elsewhere, {1: {"handed": 1}}),
        pickups.collect(cancelled["id"], {1: {"handed": 99}}),
    )

    assert [(r["status"], r["code"]) for r in results] == [
        ("rejected", "order_unpaid"),
        ("conflict", "order_not_collectable"),
        ("rejected", "pickup_at_another_store"),
        ("conflict", "order_not_collectable"),
    ]
    assert results[2]["params"] == {"order_number": number, "store_id": 2}
    assert query_db(hub.db_url, "SELECT count(*) FROM pickup_handovers") == [(0,)]


def test_two_tablets_handing_over_the_same_order_apply_it_once(
    own_hub_device: tuple[Any, httpx.Client], pickups: Any, query_db: Any, enroll_device: Any
) -> None:
    hub, _device = own_hub_device
    order = pickups.ready_order(hub)
    with (
        enroll_device(hub, role="associate", device_name="Counter tablet 1") as one,
        enroll_device(hub, role="associate", device_name="Counter tablet 2") as two,
    ):
        first = pickups.push(
            one, pickups.collect(order["id"], pickups.everything(order), command_id=str(uuid.uuid4()))
        )[0]
        second = pickups.push(
            two, pickups.collect(order["id"], pickups.everything(order), command_id=str(uuid.uuid4()))
        )[0]

    assert first["status"] == "applied", first
    assert (second["status"], second["code"]) == ("conflict", "order_already_collected")
    assert second["params"] == {
        "order_number": order["number"],
        "at": first["result"]["collected_at"],
        "by_device": "Counter tablet 1",
    }
    assert second["facts"]["by_device"] == "Counter tablet 1"
    assert second["facts"]["last_handover_at"] == first["result"]["collected_at"]
    assert query_db(hub.db_url, "SELECT count(*) FROM pickup_handovers WHERE order_id = ?", order["id"]) == [
        (1,)
    ]
