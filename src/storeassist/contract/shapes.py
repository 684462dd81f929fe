"""Answer shapes by release: the field groups a client is sent only when it says it reads them.

A tablet refuses unknown fields, and a chain upgrades its hub before its tablets, so each release
that adds fields to an answer names them as a :class:`FieldGroup` under one token of
``X-StoreAssist-Results`` (``contract.commands.RESULTS_HEADER``). The hub serialises an answer
for a client with :func:`exclusion_for` the groups the client does not list: every model of a
group, at any depth of the answer (an order inside a profile, a product inside a recommendation
or a feed page), leaves out that group's fields, which gives the shape of the release before.
Every field of a group has a default, so a client of this release reads either shape.

Groups: :data:`PICKUP_ORDERS` (``pickup_orders``: the pickup counter's fields of orders and
their lines, ``contract.orders``) and :data:`STOCK_DESK` (``stock_desk``: a product's names and
attributes, a stock answer's warehouse, the feed's stores, stock counts and progress).
"""

from __future__ import annotations

import functools
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from storeassist.contract.catalog import (
    STOCK_DESK_ANSWER_FIELDS,
    STOCK_DESK_PRODUCT_FIELDS,
    Product,
    StockAnswer,
)
from storeassist.contract.commands import RESULTS_WITH_PICKUP_ORDERS, RESULTS_WITH_STOCK_DESK, results_read
from storeassist.contract.orders import PICKUP_LINE_FIELDS, PICKUP_ORDER_FIELDS, Order, OrderLine
from storeassist.contract.sync import STOCK_DESK_FEED_FIELDS, ChangeFeed

#: A pydantic ``exclude`` argument: field name → ``True`` or the exclusion inside it (a ``dict``:
#: pydantic reads no other mapping as one).
Exclusion = dict[Any, Any]


@dataclass(frozen=True)
class FieldGroup:
    """Fields one release added, by model, sent only to a client listing ``token``."""

    token: str
    fields: tuple[tuple[type[BaseModel], frozenset[str]], ...]


PICKUP_ORDERS = FieldGroup(
    RESULTS_WITH_PICKUP_ORDERS, ((Order, PICKUP_ORDER_FIELDS), (OrderLine, PICKUP_LINE_FIELDS))
)
STOCK_DESK = FieldGroup(
    RESULTS_WITH_STOCK_DESK,
    (
        (Product, frozenset(STOCK_DESK_PRODUCT_FIELDS)),
        (StockAnswer, frozenset(STOCK_DESK_ANSWER_FIELDS)),
        (ChangeFeed, frozenset(STOCK_DESK_FEED_FIELDS)),
    ),
)
#: Every group, oldest first.
FIELD_GROUPS: tuple[FieldGroup, ...] = (PICKUP_ORDERS, STOCK_DESK)


def groups_not_read(header: str | None) -> frozenset[str]:
    """The tokens of the groups a client with this ``X-StoreAssist-Results`` value does not read."""
    read = results_read(header)
    return frozenset(group.token for group in FIELD_GROUPS if group.token not in read)


def groups_in(answer: type[BaseModel]) -> frozenset[str]:
    """The tokens of the groups with fields somewhere in ``answer``: its shape depends on them."""
    return frozenset(
        group.token for group in FIELD_GROUPS if exclusion_for(answer, frozenset({group.token})) is not None
    )


def exclusion_for(answer: type[BaseModel], missing: frozenset[str]) -> Exclusion | None:
    """The ``exclude`` that serialises ``answer`` (any contract model) without the fields of the
    groups in ``missing`` at any depth; None when it has none of them. Worked out once per model
    and set of groups from the fields' types; shared, so never changed."""
    spec = tuple(
        (model, fields) for group in FIELD_GROUPS if group.token in missing for model, fields in group.fields
    )
    return _exclusion_of_model(answer, spec) if spec else None


Spec = tuple[tuple[type[BaseModel], frozenset[str]], ...]


@functools.cache
def _exclusion_of_model(model: type[BaseModel], spec: Spec) -> Exclusion | None:
    found: dict[Any, Any] = {}
    for owner, fields in spec:
        if issubclass(model, owner):
            found.update(dict.fromkeys(fields, True))
    for name, field in model.model_fields.items():
        if name in found:
            continue
        inner = _exclusion_of_type(field.annotation, spec)
        if inner is not None:
            found[name] = inner
    return found or None


def _exclusion_of_type(annotation: Any, spec: Spec) -> Exclusion | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _exclusion_of_model(annotation, spec)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _exclusion_of_type(args[0], spec)
    if origin is Union or origin is types.UnionType:
        found = [e for e in (_exclusion_of_type(a, spec) for a in args) if e is not None]
        if len(found) > 1:
            raise NotImplementedError(f"grouped fields in more than one member of {annotation}")
        return found[0] if found else None
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        by_index = {i: e for i, a in enumerate(args) if (e := _exclusion_of_type(a, spec)) is not None}
        return by_index or None
    if isinstance(origin, type) and issubclass(origin, Mapping) and args:
        inner = _exclusion_of_type(args[-1], spec)
    elif isinstance(origin, type) and issubclass(origin, (Sequence, set, frozenset)) and args:
        inner = _exclusion_of_type(args[0], spec)
    else:
        return None
    return {"__all__": inner} if inner is not None else None
