"""Pieces every part of the contract uses: the base model, the problem body, and bounded integers.

Every integer on the wire is one of the annotated types below: *strict* (JSON ``true`` or ``"12"``
is not a number of anything) and *bounded*, so a value either side accepts also fits the database
column it ends up in or comes from, and a 70-bit "id" is a 422, not an ``OverflowError`` deep in
the hub. JSON has one kind of number, so ``12.0`` is the integer 12, as JSON Schema's ``integer``
(which the published API document uses) says; ``12.5`` is not.

The bounds follow the columns: ids, counts, quantities and prices are 32-bit there; a customer's
lifetime value is 64-bit, and is bounded by what a JSON number carries exactly.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

API_PREFIX = "/v1"

Channel = Literal["web", "app", "store", "marketplace"]
Role = Literal["associate", "supervisor", "manager", "admin"]

#: The largest id the hub issues, and the largest 32-bit integer column value (PostgreSQL ``integer``).
MAX_ID = 2**31 - 1
#: The largest integer a JSON number carries exactly in every client (a double's 53-bit mantissa).
MAX_EXACT_JSON_INT = 2**53 - 1
#: Pages of a search: 0-based, 20 results a page.
MAX_PAGE = 10_000
#: The most units of one order line one command may hand over.
MAX_QUANTITY = 10_000


def _int_from_whole_number(value: object) -> object:
    """A JSON number with nothing after the point (``12.0``, ``1e3``) as the integer it is.

    Anything else is passed on unchanged for the strict integer check to judge.
    """
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def _int_from_json_key(value: object) -> object:
    """A JSON object key is always text, so a map keyed by numbers arrives as ``{"3": …}``.

    Plain ASCII digits without a leading zero become the number; anything else is passed on
    unchanged for the strict integer check to refuse.
    """
    if (
        isinstance(value, str)
        and 0 < len(value) <= 10
        and value.isascii()
        and value.isdigit()
        and (value == "0" or value[0] != "0")
    ):
        return int(value)
    return value


#: Put after an integer's ``Field(strict=True, ge=…, le=…)`` (so the bounds stay in the JSON
#: Schema): a whole JSON number such as ``12.0`` is then that integer.
WholeNumber = BeforeValidator(_int_from_whole_number)
_KEY = BeforeValidator(_int_from_json_key)

#: The id of a row at the hub (customer, order, store, staff member, device, product …).
EntityId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID), WholeNumber]
#: How many of something a row holds: stock on hand or held, quantities collected, points.
Count = Annotated[int, Field(strict=True, ge=0, le=MAX_ID), WholeNumber]
#: How many units an order line or a hold is for: at least one.
Units = Annotated[int, Field(strict=True, ge=1, le=MAX_ID), WholeNumber]
#: How many units one command hands over.
Quantity = Annotated[int, Field(strict=True, ge=0, le=MAX_QUANTITY), WholeNumber]
#: An amount of money in minor units (cents), as a price or an order total is stored (32-bit).
Cents = Annotated[int, Field(strict=True, ge=0, le=MAX_ID), WholeNumber]
#: A sum of money over years (a customer's lifetime value), stored in a 64-bit column.
LargeCents = Annotated[int, Field(strict=True, ge=0, le=MAX_EXACT_JSON_INT), WholeNumber]
#: A 0-based page number a client may ask for.
PageNumber = Annotated[int, Field(strict=True, ge=0, le=MAX_PAGE), WholeNumber]
#: The page after this one. It may be one past :data:`MAX_PAGE`, which the hub then refuses.
NextPage = Annotated[int, Field(strict=True, ge=1, le=MAX_PAGE + 1), WholeNumber]
#: A printed loyalty card's serial (raised by one at each revocation).
CardSerial = Annotated[int, Field(strict=True, ge=0, le=MAX_ID), WholeNumber]
#: An order line's number; also a map key (``{"1": 2}`` in JSON), hence the key conversion.
LineNo = Annotated[int, Field(strict=True, ge=1, le=MAX_ID), WholeNumber, _KEY]
#: A signing key's id (one byte of every signed code); also a map key, like :data:`LineNo`.
KeyId = Annotated[int, Field(strict=True, ge=0, le=255), WholeNumber, _KEY]
#: An HTTP status of an error answer.
ErrorStatus = Annotated[int, Field(strict=True, ge=400, le=599), WholeNumber]


class WireModel(BaseModel):
    """Base of every contract model: unknown fields are refused, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Problem(WireModel):
    """An error answer in the style of RFC 9457 (``application/problem+json``).

    ``code`` is stable and machine-readable (``token_expired``, ``not_found`` …); ``detail`` is
    written for a person and never contains a stack trace or personal data.
    """

    type: str = "about:blank"
    title: str
    status: ErrorStatus
    detail: str | None = None
    code: str
