"""State-changing actions: a batch of commands, each applied at most once by its client-made id."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field

from storeassist.contract.common import WireModel

CommandType = Literal["note.add", "hold.place", "pickup.collect", "profile.view"]
CommandStatus = Literal["applied", "duplicate", "conflict", "rejected"]
MAX_BATCH = 500


class AddNotePayload(WireModel):
    customer_id: int = Field(ge=1)
    text: str = Field(min_length=1, max_length=1000)


class PlaceHoldPayload(WireModel):
    customer_id: int = Field(ge=1)
    sku: str = Field(min_length=1, max_length=32)
    qty: int = Field(ge=1, le=20)
    hours: int = Field(default=48, ge=1, le=168)


class CollectPickupPayload(WireModel):
    order_id: int = Field(ge=1)
    lines: dict[int, int] = Field(description="line_no → quantity handed over now")
    verified_by: Literal["order_code", "loyalty_code", "photo_id"]


class ProfileViewedPayload(WireModel):
    """A profile shown from the device's cache while the hub was out of reach, for the audit trail.

    The hub audits every profile it serves itself; this reports the views it could not see.
    """

    customer_id: int = Field(ge=1)
    source: Literal["cache"] = Field(description="where the device took the profile from")
    viewed_at: AwareDatetime = Field(description="when the profile was shown, by the device's clock")


COMMAND_PAYLOADS: dict[str, type[BaseModel]] = {
    "note.add": AddNotePayload,
    "hold.place": PlaceHoldPayload,
    "pickup.collect": CollectPickupPayload,
    "profile.view": ProfileViewedPayload,
}


class Command(WireModel):
    id: UUID = Field(description="made by the device; the hub applies each id at most once")
    type: CommandType
    issued_at: datetime
    store_id: int
    staff_id: int | None = None
    payload: dict[str, Any]


class CommandBatch(WireModel):
    commands: list[Command] = Field(min_length=1, max_length=MAX_BATCH)


class CommandResult(WireModel):
    id: UUID
    status: CommandStatus
    reason: str | None = Field(default=None, description="why it was rejected or conflicted, for a person")
    facts: dict[str, Any] | None = Field(default=None, description="for a conflict: the state found")
    result: dict[str, Any] | None = None


class CommandBatchResult(WireModel):
    results: list[CommandResult]
