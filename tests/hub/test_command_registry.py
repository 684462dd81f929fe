"""One command registry: the contract's union of command variants, the hub's effect for each, and
how the hub reads a batch (command by command, against the union it publishes)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import get_args

import pytest
from pydantic import ValidationError

from storeassist import contract
from storeassist.hub.services.command_effects import AUDITED_BY_EFFECT, EFFECTS, CommandRefused


def _raw(kind: str, payload: dict[str, object]) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "type": kind,
        "issued_at": datetime.now(UTC).isoformat(),
        "store_id": 1,
        "staff_id": None,
        "payload": payload,
    }


def test_every_command_variant_has_a_hub_effect_and_nothing_else_does() -> None:
    assert set(EFFECTS) == set(contract.COMMAND_VARIANTS)
    assert AUDITED_BY_EFFECT.issubset(EFFECTS)


def test_the_type_names_are_the_unions_tags_once_each() -> None:
    tags = [contract.type_name(variant) for variant in contract.COMMAND_VARIANTS]
    assert sorted(tags) == sorted(get_args(contract.CommandType))
    assert len(set(tags)) == len(tags)
    assert all(len(tag) <= contract.commands.MAX_TYPE_NAME for tag in tags)


def test_the_registry_reads_each_type_as_its_variant_with_a_typed_payload() -> None:
    note = contract.COMMAND_ADAPTER.validate_python(_raw("note.add", {"customer_id": 7, "text": "hi"}))
    collect = contract.COMMAND_ADAPTER.validate_json(
        contract.ReceivedCommand.model_validate(
            _raw(
                "pickup.collect",
                {
                    "order_id": 3,
                    "lines": {"2": {"handed": 1}},
                    "verification": {
                        "method": "photo_id",
                        "document_type": "passport",
                        "document_last": "12",
                    },
                    "confirmed_name": "A. Shopper",
                },
            )
        ).model_dump_json()
    )
    restock = contract.COMMAND_ADAPTER.validate_python(_raw("pickup.restock", {"order_id": 3}))

    assert isinstance(note, contract.AddNoteCommand) and note.payload.text == "hi"
    assert isinstance(collect, contract.CollectPickupCommand)
    assert collect.payload.lines[2].handed == 1 and collect.payload.verification.document_last == "12"
    assert isinstance(restock, contract.RestockPickupCommand) and restock.payload.order_id == 3


def test_the_registry_rejects_an_unknown_type() -> None:
    with pytest.raises(ValidationError) as refused:
        contract.COMMAND_ADAPTER.validate_python(_raw("points.adjust", {"customer_id": 7}))

    assert refused.value.errors()[0]["type"] == "union_tag_invalid"


def test_a_payload_of_another_type_is_refused_by_the_variant() -> None:
    with pytest.raises(ValidationError):
        contract.COMMAND_ADAPTER.validate_python(_raw("hold.place", {"customer_id": 7, "text": "hi"}))


def test_a_received_batch_checks_the_common_fields_but_leaves_type_and_payload_to_each_command() -> None:
    batch = contract.ReceivedCommandBatch.model_validate(
        {"commands": [_raw("points.adjust", {"anything": [1, 2]}), _raw("note.add", {})]}
    )
    assert [c.type for c in batch.commands] == ["points.adjust", "note.add"]

    with pytest.raises(ValidationError):
        contract.ReceivedCommandBatch.model_validate(
            {"commands": [{**_raw("note.add", {}), "store_id": 2**40}]}
        )


def test_the_published_batch_is_the_union_of_command_variants() -> None:
    schema = contract.ReceivedCommandBatch.model_json_schema()
    items = schema["properties"]["commands"]["items"]

    mapping = items["discriminator"]["mapping"]
    assert set(mapping) == set(get_args(contract.CommandType))
    assert {ref.rsplit("/", 1)[-1] for ref in mapping.values()} == {
        variant.__name__ for variant in contract.COMMAND_VARIANTS
    }
    published = {key: value for key, value in schema.items() if key not in ("title", "description")}
    sent = contract.CommandBatch.model_json_schema()
    assert published == {key: value for key, value in sent.items() if key not in ("title", "description")}


def test_every_result_code_names_its_params_in_the_wire_spelling() -> None:
    for code, params in contract.RESULT_CODES.items():
        contract.CommandResult(id=uuid.uuid4(), status="rejected", code=code, params=dict.fromkeys(params, 1))


def test_a_refusal_must_use_a_documented_code_with_its_params() -> None:
    assert CommandRefused("unknown_customer", "No such customer.", customer_id=7).params == {"customer_id": 7}
    with pytest.raises(ValueError):
        CommandRefused("no_such_code", "Nope.")
    with pytest.raises(ValueError):
        CommandRefused("unknown_customer", "No such customer.", order_id=7)
