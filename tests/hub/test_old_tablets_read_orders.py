"""Tablets of the release before the pickup counter still read every answer with orders in it.

That release's contract reads orders with unknown fields refused, and a chain upgrades its hub
first and rolls its stores' tablets over days. So the hub sends the pickup fields of orders and
lines (``contract.PICKUP_ORDER_FIELDS``, ``PICKUP_LINE_FIELDS``) only to a client that lists
``pickup_orders`` in ``X-StoreAssist-Results``, as this release's app does on every request.
Below, the previous release's ``Order`` and ``OrderLine`` are copied as they were (frozen, unknown
fields refused) and every answer that carries orders is read with them: a profile (by id and by
loyalty code), the change feed, an order by number and by code, and the pickup queue.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import Field

from storeassist import contract
from storeassist.contract.common import Cents, Channel, Count, EntityId, LineNo, Units, WireModel
from storeassist.contract.orders import Fulfilment, PickupState, without_pickup_fields

# -- the release before the pickup counter, as its tablets read it --------------------------------


class OldOrderLine(WireModel):  # WireModel: extra="forbid", frozen
    line_no: LineNo
    sku: str
    name: str
    qty: Units
    price_cents: Cents
    qty_collected: Count = 0
    qty_returned: Count = 0


class OldOrder(WireModel):
    id: EntityId
    number: str
    customer_id: EntityId | None
    customer_name: str | None = None
    channel: Channel
    placed_at: datetime
    status: str
    fulfilment: Fulfilment
    store_id: EntityId | None = Field(default=None, description="store of sale, or pickup store")
    pickup_state: PickupState | None = None
    pickup_deadline: datetime | None = None
    total_cents: Cents
    lines: list[OldOrderLine]


class OldPickupQueue(contract.PickupQueue):
    orders: list[OldOrder]  # type: ignore[assignment]


class OldCustomerProfile(contract.CustomerProfile):
    open_pickups: list[OldOrder]  # type: ignore[assignment]
    recent_orders: list[OldOrder]  # type: ignore[assignment]


class OldChangeFeed(contract.ChangeFeed):
    pickups: list[OldOrder] = []  # type: ignore[assignment]  # noqa: RUF012
    customers: list[OldCustomerProfile] = []  # type: ignore[assignment]  # noqa: RUF012


NEW = {contract.RESULTS_HEADER: contract.RESULTS_THIS_APP_READS}


@pytest.fixture(scope="module")
def old_tablet(device: httpx.Client) -> Iterator[httpx.Client]:
    """The same device and staff session, sending what the previous release sends: no
    ``X-StoreAssist-Results`` on reads (the fixture's device sends none either; this says so)."""
    headers = httpx.Headers(device.headers)
    headers.pop(contract.RESULTS_HEADER, None)
    with httpx.Client(base_url=device.base_url, headers=headers, timeout=30) as client:
        yield client


def _ok(answer: httpx.Response) -> str:
    assert answer.status_code == 200, answer.text
    return answer.text


def _without_pickup_fields(order: contract.Order) -> dict[str, Any]:
    return order.model_dump(mode="json", exclude=without_pickup_fields(contract.Order))


def test_the_old_models_are_this_releases_less_the_pickup_fields() -> None:
    assert set(OldOrder.model_fields) == set(contract.Order.model_fields) - contract.PICKUP_ORDER_FIELDS
    assert (
        set(OldOrderLine.model_fields) == set(contract.OrderLine.model_fields) - contract.PICKUP_LINE_FIELDS
    )
    assert OldOrder.model_config.get("extra") == "forbid" == OldOrderLine.model_config.get("extra")
    with pytest.raises(ValueError, match="pickup_bin"):
        OldOrder.model_validate({"pickup_bin": "A1"})
    # Every pickup field has a default, so this release reads an order of either shape.
    new_fields = [
        *(contract.Order.model_fields[f] for f in contract.PICKUP_ORDER_FIELDS),
        *(contract.OrderLine.model_fields[f] for f in contract.PICKUP_LINE_FIELDS),
    ]
    assert all(not field.is_required() for field in new_fields)


def test_the_queue_reads_in_either_shape(device: httpx.Client, old_tablet: httpx.Client) -> None:
    old = OldPickupQueue.model_validate_json(_ok(old_tablet.get("/v1/stores/1/pickups")))
    new = contract.PickupQueue.model_validate_json(_ok(device.get("/v1/stores/1/pickups", headers=NEW)))

    assert old.orders and [o.id for o in old.orders] == [o.id for o in new.orders]
    assert [o.model_dump(mode="json") for o in old.orders] == [_without_pickup_fields(o) for o in new.orders]
    # The new tablet gets the pickup fields, filled where the seed fills them.
    assert any(o.pickup_bin for o in new.orders) and any(o.proxy_name for o in new.orders)
    assert any(o.payment_state == "unpaid" for o in new.orders)
    assert any(line.size or line.colour for o in new.orders for line in o.lines)


def test_an_order_by_number_and_by_code_reads_in_either_shape(
    device: httpx.Client, old_tablet: httpx.Client, hub_server: Any
) -> None:
    queue = contract.PickupQueue.model_validate_json(_ok(device.get("/v1/stores/1/pickups", headers=NEW)))
    order = next(o for o in queue.orders if o.pickup_bin and any(line.size for line in o.lines))
    token = hub_server.order_token(order.id)

    for tablet, headers in ((old_tablet, {}), (device, NEW)):
        by_number = _ok(tablet.get(f"/v1/orders/{order.number}", headers=headers))
        by_code = _ok(tablet.post("/v1/orders/resolve", json={"token": token}, headers=headers))
        assert by_number == by_code
        if tablet is old_tablet:
            assert OldOrder.model_validate_json(by_number).model_dump(mode="json") == _without_pickup_fields(
                order
            )
        else:
            read = contract.Order.model_validate_json(by_number)
            assert read.pickup_bin == order.pickup_bin and read.lines == order.lines
            assert set(json.loads(by_number)) >= contract.PICKUP_ORDER_FIELDS


def test_profiles_read_in_either_shape(
    device: httpx.Client, old_tablet: httpx.Client, hub_server: Any
) -> None:
    with_orders = 0
    for customer_id in hub_server.customer_ids:
        path = f"/v1/customers/{customer_id}/profile"
        old = OldCustomerProfile.model_validate_json(_ok(old_tablet.get(path)))
        new = contract.CustomerProfile.model_validate_json(_ok(device.get(path, headers=NEW)))
        for old_orders, new_orders in (
            (old.open_pickups, new.open_pickups),
            (old.recent_orders, new.recent_orders),
        ):
            assert [o.model_dump(mode="json") for o in old_orders] == [
                _without_pickup_fields(o) for o in new_orders
            ]
            with_orders += bool(new_orders)
    assert with_orders, "the demo customers have orders"
    # By loyalty code too (the scan path): the first demo customer has a ready pickup here.
    first = hub_server.customer_ids[0]
    token = hub_server.loyalty_token(first)
    old = OldCustomerProfile.model_validate_json(
        _ok(old_tablet.post("/v1/customers/resolve", json={"token": token}))
    )
    new = contract.CustomerProfile.model_validate_json(
        _ok(device.post("/v1/customers/resolve", json={"token": token}, headers=NEW))
    )
    assert old.open_pickups and len(old.open_pickups) == len(new.open_pickups)


def test_the_change_feed_reads_in_either_shape(device: httpx.Client, old_tablet: httpx.Client) -> None:
    def pages(tablet: httpx.Client, headers: dict[str, str]) -> Iterator[str]:
        cursor = ""
        for _ in range(200):
            text = _ok(
                tablet.get("/v1/stores/1/changes", params={"cursor": cursor, "limit": 1000}, headers=headers)
            )
            yield text
            page = contract.ChangeFeed.model_validate_json(text)
            if not page.has_more:
                return
            cursor = page.cursor
        raise AssertionError("the snapshot never ended")

    old = [OldChangeFeed.model_validate_json(text) for text in pages(old_tablet, {})]
    new = [contract.ChangeFeed.model_validate_json(text) for text in pages(device, NEW)]

    old_pickups = [o.model_dump(mode="json") for page in old for o in page.pickups]
    assert old_pickups and old_pickups == [_without_pickup_fields(o) for page in new for o in page.pickups]
    assert any(p.open_pickups for page in old for p in page.customers), "pickup customers come in profiles"
    assert any(o.pickup_bin for page in new for o in page.pickups)


@pytest.mark.parametrize(
    ("header", "pickup_fields"),
    [
        (None, False),
        ("codes", False),
        ("pickup_orders", True),
        ("Codes ,PICKUP_ORDERS", True),
        ("codes, pickup_orders, something_later", True),
    ],
)
def test_only_a_client_that_lists_pickup_orders_gets_the_pickup_fields(
    old_tablet: httpx.Client, hub_server: Any, header: str | None, pickup_fields: bool
) -> None:
    order_id = hub_server.pickup_order_ids[0]
    token = hub_server.order_token(order_id)
    headers = {contract.RESULTS_HEADER: header} if header is not None else {}
    body = old_tablet.post("/v1/orders/resolve", json={"token": token}, headers=headers).json()
    assert ("pickup_bin" in body) is pickup_fields
    assert all(("qty_cancelled" in line) is pickup_fields for line in body["lines"])
    assert contract.wants_pickup_orders(header) is pickup_fields


def test_an_answer_with_orders_cannot_be_written_without_the_request() -> None:
    """A route that forgot to pass the request would otherwise send one shape to every tablet."""
    from storeassist.hub.api.deps import wire_json

    queue = contract.PickupQueue(store_id=1, as_of=datetime(2026, 3, 2, tzinfo=UTC), orders=[])
    with pytest.raises(TypeError, match="fields some tablets do not read"):
        wire_json(queue)
    assert wire_json(contract.PickupCodeAnswer(ok=True, attempts_left=3, locked=False)).status_code == 200
    for answer in (contract.CustomerProfile, contract.ChangeFeed, contract.Order, contract.PickupQueue):
        assert without_pickup_fields(answer) is not None, answer
    for answer in (contract.CommandBatchResult, contract.CustomerPage, contract.StockAnswer):
        assert without_pickup_fields(answer) is None, answer


def test_an_old_tablets_hand_over_is_rejected_for_its_payload_and_changes_nothing(
    old_tablet: httpx.Client, hub_server: Any, make_command: Any, pickups: Any
) -> None:
    """What docs/api.md says: the previous release's ``pickup.collect`` payload is not this one's."""
    order = pickups.ready_order(hub_server)
    before = _ok(old_tablet.get(f"/v1/orders/{order['number']}"))
    payload = {"order_id": order["id"], "lines": {"1": 1}, "verified_by": "order_code"}
    command = make_command("pickup.collect", payload, staff_id=pickups.staff_of(hub_server, "manager"))

    answer = old_tablet.post("/v1/commands", json={"commands": [command]})

    (result,) = answer.json()["results"]
    assert result["status"] == "rejected" and result["reason"] and "code" not in result
    assert _ok(old_tablet.get(f"/v1/orders/{order['number']}")) == before
