"""Identifying a customer with the real hub, then again with the hub unplugged."""

from __future__ import annotations

import pytest

from storeassist.client import HubClient
from storeassist.services.identify_customer import CustomerNotCached, IdentifyCustomer

pytestmark = pytest.mark.anyio


async def test_a_customer_identified_online_is_still_known_when_the_hub_goes_away(
    device, hub, cache, refused_url
):
    cache.set_public_keys(device.enrollment.public_keys)
    customer_id, stranger_id = hub.customer_ids[0], hub.customer_ids[1]

    online = IdentifyCustomer(device.client, cache, cache.verification_keys)
    found = await online.identify_by_token(hub.loyalty_token(customer_id), hub.store_id)
    assert (found.source, found.profile.customer.id) == ("online", customer_id)

    async with HubClient(refused_url, device.enrollment.credential, max_attempts=1) as unplugged:
        offline = IdentifyCustomer(unplugged, cache, cache.verification_keys)
        again = await offline.identify_by_token(hub.loyalty_token(customer_id), hub.store_id)
        assert (again.source, again.profile.customer.id, again.as_of) == ("cache", customer_id, found.as_of)
        with pytest.raises(CustomerNotCached):
            await offline.identify_by_token(hub.loyalty_token(stranger_id), hub.store_id)


async def test_a_managers_look_up_leaves_only_the_masked_customer_on_the_tablet(device, hub, cache):
    # The test device is signed in as the store's manager, who is shown everything online.
    cache.set_public_keys(device.enrollment.public_keys)
    found = await IdentifyCustomer(device.client, cache, cache.verification_keys).identify_by_token(
        hub.loyalty_token(hub.customer_ids[0]), hub.store_id
    )
    shown = found.profile.customer
    assert "•" not in shown.email and shown.lifetime_value_cents > 0

    kept = cache.profile(shown.id, now=found.as_of)
    assert kept is not None
    assert kept.profile.customer.email != shown.email and "•" in kept.profile.customer.email
    assert kept.profile.customer.lifetime_value_cents == 0
