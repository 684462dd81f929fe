"""Enrolling keeps the credential in the credential store and the hub's keys in the cache."""

from __future__ import annotations

import pytest

from storeassist.contract import EnrollRequest, EnrollResponse, PublicKeys
from storeassist.security.credentials import CredentialStore
from storeassist.services.enroll_device import EnrollDevice, EnrollmentInputInvalid

pytestmark = pytest.mark.anyio


class Enroller:
    def __init__(self, keys: PublicKeys) -> None:
        self.keys = keys
        self.requests: list[EnrollRequest] = []

    async def enroll(self, request: EnrollRequest) -> EnrollResponse:
        self.requests.append(request)
        return EnrollResponse(
            device_id=4,
            credential="dev-cred",
            store_id=2,
            store_name="Harbour",
            public_keys=self.keys,
            store_locale="de_DE",
            store_currency="EUR",
            store_timezone="Europe/Berlin",
        )


async def test_enrolling_stores_the_credential_and_the_keys_for_offline_scans(
    tmp_path, memory_keyring, cache, signing_key
):
    from storeassist.domain.tokens import public_key_to_text

    keys = PublicKeys(keys={1: public_key_to_text(signing_key.public_key())})
    credentials = CredentialStore(tmp_path, backend=memory_keyring)
    enroller = Enroller(keys)

    enrollment = await EnrollDevice(enroller, credentials, cache).enroll(
        " ABCD-1234 ", "Till 1", kind="kiosk"
    )

    assert (enrollment.device_id, enrollment.store_id, enrollment.store_name) == (4, 2, "Harbour")
    # How the store writes money and times travels with it, for the device record.
    assert (enrollment.store_locale, enrollment.store_currency, enrollment.store_timezone) == (
        "de_DE",
        "EUR",
        "Europe/Berlin",
    )
    assert credentials.load() == "dev-cred"
    assert list(cache.verification_keys()) == [1]
    assert enroller.requests[0].code == "ABCD-1234"
    assert "dev-cred" not in repr(enrollment)


async def test_a_mistyped_code_is_explained_without_asking_the_hub(tmp_path, memory_keyring):
    enroller = Enroller(PublicKeys(keys={}))
    with pytest.raises(EnrollmentInputInvalid) as raised:
        await EnrollDevice(enroller, CredentialStore(tmp_path, backend=memory_keyring)).enroll(
            "ab c!", "Till 1"
        )
    assert "letters, digits and dashes" in raised.value.user_message
    assert enroller.requests == []
