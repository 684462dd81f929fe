"""Enrolling a device at the real hub: the credential it gets opens the API."""

from __future__ import annotations

import pytest

from storeassist.client import HubClient
from storeassist.security.credentials import CredentialStore
from storeassist.services.enroll_device import EnrollDevice

pytestmark = pytest.mark.anyio


async def test_a_device_enrolled_with_a_code_can_use_the_hub_with_its_stored_credential(
    hub, tmp_path, memory_keyring, cache, anyio_backend
):
    credentials = CredentialStore(tmp_path, backend=memory_keyring)
    async with HubClient(hub.url, credentials.load) as client:
        enrollment = await EnrollDevice(client, credentials, cache).enroll(hub.enroll_code(), "Till 2")

        assert enrollment.store_id == hub.store_id
        assert (enrollment.store_locale, enrollment.store_currency) == ("en_US", "USD")
        assert cache.verification_keys()
        stores = await client.stores()  # authorised by the credential just stored
        assert hub.store_id in {store.id for store in stores}
