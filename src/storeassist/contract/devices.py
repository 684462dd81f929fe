"""Enrolling a device, the hub's public keys, and staff sign-in."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from storeassist.contract.common import Role, WireModel


class EnrollRequest(WireModel):
    code: str = Field(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    device_name: str = Field(min_length=1, max_length=80)
    kind: Literal["tablet", "kiosk"] = "tablet"


class PublicKeys(WireModel):
    """Token-verification keys by key id, each the raw Ed25519 key in base64url."""

    keys: dict[int, str]
    revoked_serials_url: str | None = None


class EnrollResponse(WireModel):
    device_id: int
    credential: str = Field(description="Bearer credential for every later call; keep it in the OS keyring.")
    store_id: int
    store_name: str
    public_keys: PublicKeys


class StaffSignInRequest(WireModel):
    badge: str | None = Field(default=None, min_length=4, max_length=16, pattern=r"^[A-Z0-9]+$")
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
    staff_id: int
    name: str
    role: Role
    store_id: int
