"""State-changing actions: a batch of commands, each applied at most once by its client-made id.

A command's ``payload`` stays a plain JSON object here (at most :data:`MAX_PAYLOAD_KEYS` keys),
and each type's model checks it command by command, so one bad payload is one rejected command,
never a refused batch. Before that, and before anything hashes or serialises it (both recurse),
:func:`check_payload_bounds` bounds its shape: at most :data:`MAX_PAYLOAD_DEPTH` levels,
:data:`MAX_PAYLOAD_ITEMS` values, :data:`MAX_PAYLOAD_TEXT` characters of text, numbers within
64 bits. The hub rejects a command past them; a device can check its own before it stores one.
Those bounds are not in the published schema (JSON Schema cannot say them), so they are checked
there, not by the model.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field

from storeassist.contract.common import EntityId, LineNo, Quantity, WholeNumber, WireModel

CommandType = Literal["note.add", "hold.place", "pickup.collect", "profile.view"]
CommandStatus = Literal["applied", "duplicate", "conflict", "rejected"]
MAX_BATCH = 500

#: Keys of a payload object itself (the largest payload type has four).
MAX_PAYLOAD_KEYS = 16
#: Levels of nesting in a payload: the object itself is level 1, ``pickup.collect``'s lines level 2.
MAX_PAYLOAD_DEPTH = 8
#: Values in a payload, counting every member of every object and list at any level.
MAX_PAYLOAD_ITEMS = 256
#: Characters of text in a payload, keys included (a note is at most 1,000).
MAX_PAYLOAD_TEXT = 8192
#: Lines one pickup hand-over may name.
MAX_PICKUP_LINES = 100


class AddNotePayload(WireModel):
    customer_id: EntityId
    text: str = Field(min_length=1, max_length=1000)


class PlaceHoldPayload(WireModel):
    customer_id: EntityId
    sku: str = Field(min_length=1, max_length=32)
    qty: Annotated[int, Field(strict=True, ge=1, le=20), WholeNumber]
    hours: Annotated[int, Field(strict=True, ge=1, le=168), WholeNumber] = 48


class CollectPickupPayload(WireModel):
    order_id: EntityId
    lines: dict[LineNo, Quantity] = Field(
        max_length=MAX_PICKUP_LINES, description="line_no → quantity handed over now"
    )
    verified_by: Literal["order_code", "loyalty_code", "photo_id"]


class ProfileViewedPayload(WireModel):
    """A profile shown from the device's cache while the hub was out of reach, for the audit trail.

    The hub audits every profile it serves itself; this reports the views it could not see.
    """

    customer_id: EntityId
    source: Literal["cache"] = Field(description="where the device took the profile from")
    viewed_at: AwareDatetime = Field(description="when the profile was shown, by the device's clock")


COMMAND_PAYLOADS: dict[str, type[BaseModel]] = {
    "note.add": AddNotePayload,
    "hold.place": PlaceHoldPayload,
    "pickup.collect": CollectPickupPayload,
    "profile.view": ProfileViewedPayload,
}

#: Numbers in a payload fit 64 bits; every real one (ids, quantities) is far smaller.
_MAX_PAYLOAD_INT_BITS = 63


def check_payload_bounds(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` itself, or :class:`ValueError` if it is nested too deep or is too big.

    The walk keeps its own stack (no recursion) and stops at the first bound passed, so a hostile
    payload costs at most :data:`MAX_PAYLOAD_ITEMS` steps whatever its size.
    """
    items = 0
    text = 0
    pending: list[tuple[object, int]] = [(payload, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list | tuple):
            if value and depth >= MAX_PAYLOAD_DEPTH:
                raise ValueError(f"the payload is nested more than {MAX_PAYLOAD_DEPTH} levels deep")
            items += len(value)
            if items > MAX_PAYLOAD_ITEMS:
                raise ValueError(f"the payload holds more than {MAX_PAYLOAD_ITEMS} values")
            if isinstance(value, dict):
                text += sum(len(key) for key in value if isinstance(key, str))
                pending.extend((member, depth + 1) for member in value.values())
            else:
                pending.extend((member, depth + 1) for member in value)
        elif isinstance(value, str):
            text += len(value)
        elif isinstance(value, int) and value.bit_length() > _MAX_PAYLOAD_INT_BITS:
            raise ValueError("a number in the payload is out of range")
        if text > MAX_PAYLOAD_TEXT:
            raise ValueError(f"the payload holds more than {MAX_PAYLOAD_TEXT} characters of text")
    return payload


class Command(WireModel):
    id: UUID = Field(description="made by the device; the hub applies each id at most once")
    type: CommandType
    issued_at: AwareDatetime = Field(description="when the device made it, by its clock")
    store_id: EntityId
    staff_id: EntityId | None = Field(default=None, description="who did it: staff of this store")
    payload: dict[str, Any] = Field(
        max_length=MAX_PAYLOAD_KEYS,
        description=f"the type's payload; the hub rejects one over {MAX_PAYLOAD_DEPTH} levels deep "
        f"or {MAX_PAYLOAD_ITEMS} values",
    )


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
