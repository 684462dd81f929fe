"""Enrolling a device, the hub's public keys, and staff sign-in."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from storeassist.contract.common import (
    CurrencyCode,
    EntityId,
    KeyId,
    LocaleName,
    Role,
    TimeZoneName,
    WholeNumber,
    WireModel,
)

#: A device's name is one line of text IT reads in ``storeassist-hub devices list``: any letters
#: (Latin, Cyrillic, Chinese …), but no control character (C0, DEL, C1), line or paragraph
#: separator, or bidirectional override that could rewrite IT's terminal or reorder its rows.
DEVICE_NAME_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]+$"


class EnrollRequest(WireModel):
    code: str = Field(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    device_name: str = Field(
        min_length=1,
        max_length=80,
        pattern=DEVICE_NAME_PATTERN,
        description="one line: no control characters, line separators or bidirectional overrides",
    )
    kind: Literal["tablet", "kiosk"] = "tablet"


class PublicKeys(WireModel):
    """Token-verification keys by key id, each the raw Ed25519 key in base64url."""

    keys: dict[KeyId, str] = Field(description="key id (0-255) → key")
    revoked_serials_url: str | None = None


class EnrollResponse(WireModel):
    """The device's credential, and the store it now belongs to, with how that store writes
    numbers, money and times (as ``StoreInfo`` has them). The hub sends all three store fields;
    a device that has none of them (enrolled before) reads them from ``/v1/stores``."""

    device_id: EntityId
    credential: str = Field(description="Bearer credential for every later call; keep it in the OS keyring.")
    store_id: EntityId
    store_name: str
    public_keys: PublicKeys
    store_locale: LocaleName | None = None
    store_currency: CurrencyCode | None = None
    store_timezone: TimeZoneName | None = None


#: The header that carries a staff session token on every request made for a signed-in person.
STAFF_SESSION_HEADER = "X-Staff-Session"


class StaffSignInRequest(WireModel):
    """A signed badge code (alone for an associate; with the PIN above that), or a staff number
    and PIN. The badge is the scanned code's text (``SA1.…``): the printed label signs no one in."""

    badge: str | None = Field(default=None, min_length=8, max_length=120, pattern=r"^SA1\.[A-Za-z0-9_-]+$")
    pin: str | None = Field(default=None, min_length=4, max_length=8, pattern=r"^[0-9]+$")
    staff_number: str | None = Field(default=None, max_length=16, pattern=r"^[A-Z0-9]+$")

    # The one-way-in rule, stated in the JSON Schema too, so generated clients and API fuzzers know it.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["badge"], "properties": {"badge": {"type": "string"}}},
                {
                    "required": ["staff_number", "pin"],
                    "properties": {"staff_number": {"type": "string"}, "pin": {"type": "string"}},
                },
            ]
        }
    )

    @model_validator(mode="after")
    def _one_way_in(self) -> StaffSignInRequest:
        if self.badge is None and (self.pin is None or self.staff_number is None):
            raise ValueError("give a badge, or a staff number with a PIN")
        return self


class StaffSession(WireModel):
    """Who signed in, and the hub's session for them on this device.

    ``session_token`` goes in the ``X-Staff-Session`` header of every later request made for
    this person; the hub renews it while it is used and ends it after ``idle_minutes`` without a
    request, at sign-out, at a new sign-in on the device, or at ``expires_at`` at the latest.
    """

    staff_id: EntityId
    name: str = Field(max_length=120)
    role: Role
    store_id: EntityId
    session_token: str = Field(min_length=32, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    idle_minutes: Annotated[int, Field(strict=True, ge=1, le=24 * 60), WholeNumber]
    expires_at: AwareDatetime
