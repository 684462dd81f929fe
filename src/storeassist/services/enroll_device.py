"""Enrol this device with a one-time code from the back office, and keep the credential it gets.

The credential goes to the :class:`~storeassist.security.credentials.CredentialStore`
(OS keyring), never into config or logs. The hub's public keys come back in the same answer
and go straight into the cache, so the first loyalty scan can be verified before any sync.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal, Protocol

from pydantic import ValidationError

from storeassist.contract import EnrollRequest, EnrollResponse, PublicKeys

log = logging.getLogger("storeassist.services")


class DeviceEnroller(Protocol):
    async def enroll(self, request: EnrollRequest) -> EnrollResponse: ...


class CredentialSink(Protocol):
    def save(self, credential: str) -> None: ...


class KeyCache(Protocol):
    def set_public_keys(self, keys: PublicKeys) -> None: ...


class EnrollmentInputInvalid(ValueError):
    """The code or device name cannot be right; nothing was sent to the hub."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


@dataclass(frozen=True, slots=True)
class Enrollment:
    """What the app keeps in its settings after enrolling; the credential is not part of it.

    ``store_locale``, ``store_currency`` and ``store_timezone`` say how the store writes numbers,
    money and times (None if the hub did not say; ``/v1/stores`` has them too)."""

    device_id: int
    store_id: int
    store_name: str
    store_locale: str | None = None
    store_currency: str | None = None
    store_timezone: str | None = None


class EnrollDevice:
    def __init__(
        self, client: DeviceEnroller, credentials: CredentialSink, cache: KeyCache | None = None
    ) -> None:
        self._client = client
        self._credentials = credentials
        self._cache = cache

    async def enroll(
        self, code: str, device_name: str, kind: Literal["tablet", "kiosk"] = "tablet"
    ) -> Enrollment:
        """Raise ``EnrollmentInputInvalid`` before calling the hub, or a ``HubError`` from it
        (``HubRejected`` when the code is unknown or used)."""
        try:
            request = EnrollRequest(code=code.strip(), device_name=device_name.strip(), kind=kind)
        except ValidationError:
            raise EnrollmentInputInvalid(
                "That enrolment code or device name is not valid. Codes use letters, digits and dashes."
            ) from None
        answer = await self._client.enroll(request)
        self._credentials.save(answer.credential)
        if self._cache is not None:
            self._cache.set_public_keys(answer.public_keys)
        log.info("device enrolled as device %d for store %d", answer.device_id, answer.store_id)
        return Enrollment(
            device_id=answer.device_id,
            store_id=answer.store_id,
            store_name=answer.store_name,
            store_locale=answer.store_locale,
            store_currency=answer.store_currency,
            store_timezone=answer.store_timezone,
        )
