"""State-changing actions: a batch of commands, each applied at most once by its client-made id.

**One registry.** :data:`Command` is a discriminated union with one variant per command type: its
``type`` tag and its typed ``payload``. The hub's effects (``hub/services/command_effects.EFFECTS``)
are keyed by the variant, and the tablet's services make variants (``services/outbox_commands``).
Adding a command is a payload model (``contract.payloads``) and a variant here (in the union), an
effect at the hub, and a service on the tablet; a test checks that every variant has an effect.

**Reading a batch.** The tablet sends a :class:`CommandBatch`. The hub reads the same body as a
:class:`ReceivedCommandBatch`: the fields every command has (id, time, store, staff) are checked
for the whole batch, so a malformed one refuses it (422), but each command's type and payload are
checked on their own with :data:`COMMAND_ADAPTER`, so one bad payload, or a type this hub does not
know yet, is one rejected command, never a refused batch. The published schema is the union's.

Before that, and before anything hashes or serialises a payload (both recurse),
:func:`check_payload_bounds` bounds its shape: at most :data:`MAX_PAYLOAD_DEPTH` levels,
:data:`MAX_PAYLOAD_ITEMS` values, :data:`MAX_PAYLOAD_TEXT` characters of text, numbers within
64 bits. The hub rejects a command past them; a device can check its own before it stores one.
Those bounds are not in the published schema (JSON Schema cannot say them), so they are checked
there, not by the model.

**Results.** A refused or conflicting command's result carries a ``code`` (:data:`RESULT_CODES`)
and ``params`` for the tablet to word in its reader's language; ``reason`` is the hub's English
sentence, kept for tablets from before codes and never shown by this one.

**Who gets codes.** A tablet of the release before codes reads results with unknown fields
refused, and a hub is upgraded before its tablets. So the hub puts ``code`` and ``params`` in a
result only for a client that asks, with the request header :data:`RESULTS_HEADER`
(``X-StoreAssist-Results: codes``) on ``POST /v1/commands``; without it the results have the
previous release's fields (``id``, ``status``, ``reason``, ``facts``, ``result``) and no more
(:meth:`CommandBatchResult.wire_json`). This app always sends it (``client.hub_client``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

from pydantic import (
    Field,
    TypeAdapter,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from storeassist.contract.common import (
    EntityId,
    MessageCode,
    MessageParams,
    WireModel,
)
from storeassist.contract.payloads import (
    AddNotePayload,
    AisleOrderPayload,
    CollectPickupPayload,
    DeviceTime,
    ExtendHoldPayload,
    PlaceHoldPayload,
    ProfileViewedPayload,
    PutBackHoldPayload,
    ReceivePickupPayload,
    ReleaseHoldPayload,
    RestockPickupPayload,
    TakeReturnPayload,
)

CommandType = Literal[
    "note.add",
    "hold.place",
    "hold.release",
    "hold.extend",
    "hold.put_back",
    "aisle.order",
    "pickup.collect",
    "pickup.restock",
    "pickup.receive",
    "return.take",
    "profile.view",
]
CommandStatus = Literal["applied", "duplicate", "conflict", "rejected"]
MAX_BATCH = 500

#: Keys of a payload object itself (the largest payload type has four).
MAX_PAYLOAD_KEYS = 16
#: Levels of nesting in a payload: the object itself is level 1, ``pickup.collect``'s lines level 2.
MAX_PAYLOAD_DEPTH = 8
#: Values in a payload, counting every member of every object and list at any level (a hand-over
#: of :data:`MAX_PICKUP_LINES` lines, five fields each, with its verification, fits).
MAX_PAYLOAD_ITEMS = 512
#: Characters of text in a payload, keys included (a note is at most 1,000).
MAX_PAYLOAD_TEXT = 8192
#: Characters of a command's type name (the hub's record column holds 32).
MAX_TYPE_NAME = 32


class CommandBase(WireModel):
    """The fields every command has; each variant adds its ``type`` tag and its typed ``payload``."""

    id: UUID = Field(description="made by the device; the hub applies each id at most once")
    issued_at: DeviceTime = Field(description="when the device made it, by its clock")
    store_id: EntityId
    staff_id: EntityId | None = Field(default=None, description="who did it: staff of this store")


class AddNoteCommand(CommandBase):
    type: Literal["note.add"]
    payload: AddNotePayload


class PlaceHoldCommand(CommandBase):
    type: Literal["hold.place"]
    payload: PlaceHoldPayload


class ReleaseHoldCommand(CommandBase):
    type: Literal["hold.release"]
    payload: ReleaseHoldPayload


class ExtendHoldCommand(CommandBase):
    type: Literal["hold.extend"]
    payload: ExtendHoldPayload


class PutBackHoldCommand(CommandBase):
    type: Literal["hold.put_back"]
    payload: PutBackHoldPayload


class AisleOrderCommand(CommandBase):
    type: Literal["aisle.order"]
    payload: AisleOrderPayload


class CollectPickupCommand(CommandBase):
    type: Literal["pickup.collect"]
    payload: CollectPickupPayload


class RestockPickupCommand(CommandBase):
    type: Literal["pickup.restock"]
    payload: RestockPickupPayload


class ReceivePickupCommand(CommandBase):
    type: Literal["pickup.receive"]
    payload: ReceivePickupPayload


class TakeReturnCommand(CommandBase):
    type: Literal["return.take"]
    payload: TakeReturnPayload


class ProfileViewedCommand(CommandBase):
    type: Literal["profile.view"]
    payload: ProfileViewedPayload


#: Every command the hub applies: one variant per type, told apart by ``type``.
Command = Annotated[
    AddNoteCommand
    | PlaceHoldCommand
    | ReleaseHoldCommand
    | ExtendHoldCommand
    | PutBackHoldCommand
    | AisleOrderCommand
    | CollectPickupCommand
    | RestockPickupCommand
    | ReceivePickupCommand
    | TakeReturnCommand
    | ProfileViewedCommand,
    Field(discriminator="type"),
]
#: Reads one command (JSON or Python values) as its variant; a type not in the union is refused.
COMMAND_ADAPTER: TypeAdapter[Command] = TypeAdapter(Command)
#: The union's variants, in its order.
COMMAND_VARIANTS: tuple[type[CommandBase], ...] = get_args(get_args(Command)[0])


def type_name(variant: type[CommandBase]) -> str:
    """The ``type`` tag of a variant (``AddNoteCommand`` → ``"note.add"``)."""
    tag: str = get_args(variant.model_fields["type"].annotation)[0]
    return tag


#: Numbers in a payload fit 64 bits; every real one (ids, quantities) is far smaller.
_MAX_PAYLOAD_INT_BITS = 63


class PayloadOutOfBounds(ValueError):
    """A payload past :func:`check_payload_bounds`; ``bound`` names which (``depth``, ``values``,
    ``text`` or ``number``) and ``limit`` its size."""

    def __init__(self, bound: Literal["depth", "values", "text", "number"], limit: int, message: str) -> None:
        super().__init__(message)
        self.bound = bound
        self.limit = limit


def check_payload_bounds(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """``payload`` itself, or :class:`PayloadOutOfBounds` if it is nested too deep or is too big.

    The walk keeps its own stack (no recursion) and stops at the first bound passed, so a hostile
    payload costs at most :data:`MAX_PAYLOAD_ITEMS` steps whatever its size.
    """
    items = 0
    text = 0
    pending: list[tuple[object, int]] = [(payload, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, Mapping | list | tuple):
            if value and depth >= MAX_PAYLOAD_DEPTH:
                raise PayloadOutOfBounds(
                    "depth",
                    MAX_PAYLOAD_DEPTH,
                    f"the payload is nested more than {MAX_PAYLOAD_DEPTH} levels deep",
                )
            items += len(value)
            if items > MAX_PAYLOAD_ITEMS:
                raise PayloadOutOfBounds(
                    "values", MAX_PAYLOAD_ITEMS, f"the payload holds more than {MAX_PAYLOAD_ITEMS} values"
                )
            if isinstance(value, Mapping):
                text += sum(len(key) for key in value if isinstance(key, str))
                pending.extend((member, depth + 1) for member in value.values())
            else:
                pending.extend((member, depth + 1) for member in value)
        elif isinstance(value, str):
            text += len(value)
        elif isinstance(value, int) and value.bit_length() > _MAX_PAYLOAD_INT_BITS:
            raise PayloadOutOfBounds(
                "number", _MAX_PAYLOAD_INT_BITS, "a number in the payload is out of range"
            )
        if text > MAX_PAYLOAD_TEXT:
            raise PayloadOutOfBounds(
                "text", MAX_PAYLOAD_TEXT, f"the payload holds more than {MAX_PAYLOAD_TEXT} characters of text"
            )
    return payload


class ReceivedCommand(CommandBase):
    """A command as the hub first reads it: the fields every command has are checked, its type and
    payload not yet (that is :data:`COMMAND_ADAPTER`'s job, command by command)."""

    type: str = Field(min_length=1, max_length=MAX_TYPE_NAME)
    payload: dict[str, Any] = Field(max_length=MAX_PAYLOAD_KEYS)


def _as_received(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    return handler(value)


#: Read as a :class:`ReceivedCommand`, published as the :data:`Command` union.
_PublishedAsCommand = Annotated[ReceivedCommand, WrapValidator(_as_received, json_schema_input_type=Command)]


class CommandBatch(WireModel):
    """What a tablet sends: its commands, in the order it made them."""

    commands: list[Command] = Field(min_length=1, max_length=MAX_BATCH)


class ReceivedCommandBatch(WireModel):
    """A batch of commands, in the order the device made them. Each command's id, time, store and
    staff are checked for the whole batch; its type and payload on their own, so one the hub
    cannot apply is one rejected result."""

    commands: list[_PublishedAsCommand] = Field(min_length=1, max_length=MAX_BATCH)


#: Why a command was rejected or conflicted, and the names of the ``params`` each code carries.
#: The tablet words each one; a code it does not know (from a newer hub) gets a general sentence.
RESULT_CODES: Mapping[str, tuple[str, ...]] = {
    # The command itself.
    "payload_out_of_bounds": ("bound", "limit"),  # bound: depth, values, text or number
    "invalid_command": ("field",),  # the first field the contract refused ("payload.text")
    "unknown_command_type": (),
    "id_reused": (),  # this device used the id for another action
    "id_foreign": (),  # another device used the id first
    "wrong_store": ("store_id", "device_store_id"),
    "unknown_staff": ("staff_id",),
    "staff_of_another_store": ("staff_id",),
    "staff_required": (),  # a hand-over or restock names nobody
    "staff_not_signed_in": ("staff_id",),  # a manager's authority, sent under someone else's session
    "clock_ahead": ("subject",),  # subject: command or profile_view
    "too_old": ("subject", "days"),
    # What it acts on.
    "unknown_customer": ("customer_id",),
    "unknown_product": ("sku",),
    "not_enough_stock": ("sku", "available", "requested"),  # conflict
    "unknown_order": ("order_id",),
    "not_a_pickup": ("order_number",),
    "pickup_at_another_store": ("order_number", "store_id"),
    "order_not_collectable": ("order_number", "pickup_state"),  # conflict
    "nothing_handed": ("order_number",),
    "unknown_line": ("order_number", "line_no"),
    "over_collected": ("order_number", "line_no"),  # conflict
    # at: ISO time of the hand-over; by_device: the name of the device that recorded it.
    "order_already_collected": ("order_number", "at", "by_device"),  # conflict
    "order_unpaid": ("order_number",),
    "pickup_needs_manager": ("order_number",),  # a wrong pickup code three times
    "pickup_code_wrong": ("order_number",),
    "order_code_invalid": ("order_number",),  # not a valid signed code of this order
    "proxy_not_named": ("order_number",),  # the proxy is not the one the customer named
    "unknown_substitute": ("order_number", "sku"),
    "substitute_not_in_style": ("order_number", "sku"),
    "substitute_out_of_stock": ("order_number", "sku", "available"),  # conflict
    "not_overdue": ("order_number",),  # restock before the deadline
    "not_arriving": ("order_number", "pickup_state"),  # conflict: received when not placed or picking
    # Holds and the endless aisle.
    "unknown_hold": ("hold_id",),
    "hold_at_another_store": ("hold_id", "store_id"),  # store_id: the hold's
    "hold_not_active": ("hold_id", "status"),  # conflict: released, extended … when it has ended
    "hold_still_active": ("hold_id",),  # conflict: put back while still held
    "unknown_store": ("store_id",),
    "source_is_here": ("store_id",),  # order from this store: hold it instead
    "no_address": ("customer_id",),  # ship home, but no address on file
    # Returns (``domain.returns.RETURN_REFUSALS`` and the hub's own checks).
    "order_cancelled": ("order_number",),
    "nothing_to_return": ("order_number",),
    "final_sale": ("order_number", "line_no", "sku"),
    "more_than_returnable": ("order_number", "line_no", "asked", "returnable"),  # conflict
    "no_receipt_refused": ("order_number", "line_no", "sku"),
    "order_of_another_customer": ("order_number",),
    "receipt_not_of_order": ("order_number",),  # the code is not a valid signed code of this order
    "approval_required": ("order_number", "reasons"),  # reasons: the domain's, comma-separated
    "approval_not_valid": ("order_number",),  # none recorded for this return, expired or used
    "paid_back_differs": ("order_number", "shown", "decided"),  # conflict: cents shown vs the hub's
    "exchange_not_same_style": ("order_number", "sku"),
    "exchange_price_differs": ("order_number", "sku"),
    "exchange_out_of_stock": ("order_number", "sku", "available"),  # conflict
    # Taken offline, but above the cap a tablet may take back offline, or needing a manager.
    "offline_over_cap": ("order_number", "cap_cents"),
    # Made by the tablet: the hub refused the command alone with an HTTP problem (its code).
    "refused_by_hub": ("problem",),
}


class CommandResult(WireModel):
    id: UUID
    status: CommandStatus
    code: MessageCode | None = Field(
        default=None,
        description="why it was rejected or conflicted: one of the documented codes; sent only to a "
        "client that asks with X-StoreAssist-Results: codes",
    )
    params: MessageParams = Field(
        default_factory=dict,
        description="the values the code is worded with; sent only with code (X-StoreAssist-Results: codes)",
    )
    reason: str | None = Field(
        default=None, description="the same in English, for tablets from before codes; not for parsing"
    )
    facts: dict[str, Any] | None = Field(default=None, description="for a conflict: the state found")
    result: dict[str, Any] | None = None


#: The request header by which a client says which optional fields of the hub's answers it reads:
#: a comma-separated list of names, of which the hub knows two today, :data:`RESULTS_WITH_CODES`
#: (command results) and :data:`RESULTS_WITH_PICKUP_ORDERS` (orders in any answer). A hub leaves a
#: field out unless its name is listed, because a tablet of an earlier release refuses unknown
#: fields and a chain upgrades its hub before its tablets. The app sends
#: :data:`RESULTS_THIS_APP_READS` on every request (``client.hub_client``).
RESULTS_HEADER = "X-StoreAssist-Results"
#: :data:`RESULTS_HEADER`'s value for ``code`` and ``params`` in each command result.
RESULTS_WITH_CODES = "codes"
#: :data:`RESULTS_HEADER`'s value for the pickup counter's fields of every order and order line an
#: answer carries (``contract.orders.PICKUP_ORDER_FIELDS`` and ``PICKUP_LINE_FIELDS``: the bin,
#: the proxy, payment, cancelled units, size and colour …), in profiles, the change feed, orders
#: and the pickup queue. Without it those answers have the orders of the release before them.
RESULTS_WITH_PICKUP_ORDERS = "pickup_orders"
#: :data:`RESULTS_HEADER`'s value for the stock desk's fields: a product's names and attributes,
#: the warehouse in a stock answer, the feed's stores, compact stock counts and progress
#: (``contract.catalog``, ``contract.sync``). Without it those answers have the previous release's shape.
RESULTS_WITH_STOCK_DESK = "stock_desk"
#: What this release reads: :data:`RESULTS_HEADER`'s value the app sends with every request.
RESULTS_THIS_APP_READS = f"{RESULTS_WITH_CODES}, {RESULTS_WITH_PICKUP_ORDERS}, {RESULTS_WITH_STOCK_DESK}"


@functools.lru_cache(maxsize=64)
def results_read(header: str | None) -> frozenset[str]:
    """The names in a :data:`RESULTS_HEADER` value, compared without case or spaces (names this hub
    does not know are kept and ignored). Cached: a chain's tablets send a handful of values."""
    if not header:
        return frozenset()
    return frozenset(name.strip().lower() for name in header.split(","))


def wants_result_codes(header: str | None) -> bool:
    """Whether a :data:`RESULTS_HEADER` value asks for ``code`` and ``params``."""
    return RESULTS_WITH_CODES in results_read(header)


def wants_pickup_orders(header: str | None) -> bool:
    """Whether a :data:`RESULTS_HEADER` value asks for the pickup fields of orders and lines."""
    return RESULTS_WITH_PICKUP_ORDERS in results_read(header)


def wants_stock_desk(header: str | None) -> bool:
    """Whether a :data:`RESULTS_HEADER` value asks for the stock desk's fields."""
    return RESULTS_WITH_STOCK_DESK in results_read(header)


class CommandBatchResult(WireModel):
    results: list[CommandResult]

    def wire_json(self, *, codes: bool) -> str:
        """The answer's JSON: every field for a client that reads codes, else only the fields the
        release before codes reads (``reason`` stays, in English)."""
        if codes:
            return self.model_dump_json()
        return self.model_dump_json(exclude={"results": {"__all__": {"code", "params"}}})
