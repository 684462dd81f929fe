"""The client against the real hub on loopback: every answer arrives as a contract model or a typed error."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from storeassist.client import DeviceRevoked, HubAuthError, HubClient, HubNotFound, HubRejected
from storeassist.contract import AddNoteCommand, AddNotePayload, CommandBatch, EnrollRequest

pytestmark = pytest.mark.anyio


async def test_the_hub_says_it_is_healthy_without_a_credential(hub, anyio_backend):
    async with HubClient(hub.url) as client:
        assert (await client.health())["status"] == "ok"
        assert (await client.public_keys()).keys


async def test_enrolling_gives_this_store_a_credential_and_the_token_keys(device, hub):
    assert device.enrollment.store_id == hub.store_id
    assert device.enrollment.public_keys.keys
    assert any(store.id == hub.store_id for store in await device.client.stores())


async def test_an_enrolment_code_works_only_once(hub, anyio_backend):
    code = hub.enroll_code()
    async with HubClient(hub.url) as client:
        await client.enroll(EnrollRequest(code=code, device_name="first"))
        with pytest.raises((HubAuthError, HubRejected)) as raised:
            await client.enroll(EnrollRequest(code=code, device_name="second"))
    assert raised.value.code == "enroll_code_used"
    assert "already used" in raised.value.user_message


async def test_a_wrong_credential_is_an_auth_error_a_person_can_act_on(hub, anyio_backend):
    async with HubClient(hub.url, "not-a-real-credential") as client:
        with pytest.raises(HubAuthError) as raised:
            await client.stores()
    assert raised.value.user_message


async def test_a_loyalty_code_resolves_to_that_customers_profile(device, hub):
    customer_id = hub.customer_ids[0]
    profile = await device.client.resolve_customer(hub.loyalty_token(customer_id), hub.store_id)
    assert profile.customer.id == customer_id
    assert profile.as_of.tzinfo is not None

    same = await device.client.customer_profile(customer_id, hub.store_id)
    assert same.customer.id == customer_id


async def test_an_order_code_on_the_customer_lookup_is_refused_with_the_token_code(device, hub):
    order_id = hub.pickup_order_ids[0]
    with pytest.raises(HubRejected) as raised:
        await device.client.resolve_customer(hub.order_token(order_id), hub.store_id)
    assert raised.value.code == "token_wrong_kind"

    resolved = await device.client.resolve_order(hub.order_token(order_id), hub.store_id)
    assert resolved.id == order_id
    assert (await device.client.order(resolved.number)).id == order_id


async def test_an_unknown_customer_is_not_found(device, hub):
    with pytest.raises(HubNotFound) as raised:
        await device.client.customer_profile(2_000_000_000, hub.store_id)
    assert raised.value.problem.status == 404
    assert raised.value.user_message


async def test_catalogue_stock_and_pickups_come_back_as_contract_models(device, hub):
    page = await device.client.products("a")
    assert page.items
    stock = await device.client.stock(page.items[0].sku, hub.store_id)
    assert stock.product.sku == page.items[0].sku
    queue = await device.client.pickups(hub.store_id)
    assert queue.store_id == hub.store_id
    customers = await device.client.search_customers("mar")
    assert customers.items
    recommendations = await device.client.recommendations(hub.customer_ids[0], hub.store_id, limit=3)
    assert len(recommendations.items) <= 3


async def test_a_command_sent_twice_is_applied_once(device, hub):
    command = AddNoteCommand(
        id=uuid.uuid4(),
        type="note.add",
        issued_at=datetime.now(UTC),
        store_id=hub.store_id,
        payload=AddNotePayload(customer_id=hub.customer_ids[0], text="Asked about running shoes"),
    )
    first = await device.client.push_commands(CommandBatch(commands=[command]))
    again = await device.client.push_commands(CommandBatch(commands=[command]))
    assert [r.status for r in first.results] == ["applied"]
    assert [r.status for r in again.results] == ["duplicate"]


async def test_a_revoked_device_is_told_its_reason_whole_even_with_brackets_and_a_full_stop(device, hub):
    from storeassist.hub.admin import revoke_device

    reason = 'Sent for repair ("screen"). Back on Monday (after 10:00).'
    revoke_device(hub.db_url, device.enrollment.device_id, reason)
    with pytest.raises(DeviceRevoked) as raised:
        await device.client.stores()
    assert raised.value.reason == reason
    assert raised.value.problem is not None and raised.value.problem.code == "device_revoked"
