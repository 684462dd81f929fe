"""Pieces every part of the contract uses: the base model, the problem body, and bounded integers.

Every integer on the wire is one of the annotated types below: *strict* (JSON ``true`` or ``"12"``
is not a number of anything) and *bounded*, so a value either side accepts also fits the database
column it ends up in or comes from, and a 70-bit "id" is a 422, not an ``OverflowError`` deep in
the hub. JSON has one kind of number, so ``12.0`` is the integer 12, as JSON Schema's ``integer``
(which the published API document uses) says; ``12.5`` is not.

The bounds follow the columns: ids, counts, quantities and prices are 32-bit there; a customer's
lifetime value is 64-bit, and is bounded by what a JSON number carries exactly.

Money is an integer number of the currency's minor units (cents, pence, kopecks; a yen has none)
and never a float. The currency (ISO 4217, :data:`CurrencyCode`) is named once per answer, not
on every amount: a ``CustomerProfile`` names its own (``currency``: every amount in it, its orders
and lines, cart, views, lifetime value and timeline parameters). Every other answer (catalog,
stock, pickup queue, change feed, suggestions) is in the currency of the store it is for, which a
device learns at enrollment and from ``/v1/stores`` (``StoreInfo.currency``).

The hub sends no sentences for the screen: alerts, timeline entries and the reasons for a
suggestion carry a :data:`MessageCode` and :data:`MessageParams` (names, numbers, amounts in minor
units, other codes) that the tablet words in its reader's language with Qt's ``tr()`` (style.md
§15). Times are UTC.
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
#: Its currency is the answer's (see the module docstring).
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
#: An ISO 4217 currency code in capitals ("USD", "EUR", "CNY").
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["USD"])]
#: A locale as Qt and CLDR name it: language, optional script, territory ("en_US", "de_DE", "zh_Hans_CN").
LocaleName = Annotated[
    str, Field(max_length=16, pattern=r"^[a-z]{2,3}(_[A-Z][a-z]{3})?_[A-Z]{2}$", examples=["en_US"])
]
#: An IANA time zone ("America/New_York", "UTC"); as long as the stores' column allows.
TimeZoneName = Annotated[
    str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$")
]
#: What a message is, for the tablet to word: lower case, digits and ``_`` (``late_delivery``).
#: A code the tablet does not know yet is shown as a general sentence, never as the code.
MessageCode = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
#: One value a message is worded with: text (a product's name, an order number, another code) or
#: a whole number (days, a rating, an amount in minor units). Never a float, never a boolean.
#: The longest text a message's value may be.
MAX_PARAM_TEXT = 200
MessageParam = (
    Annotated[str, Field(strict=True, max_length=MAX_PARAM_TEXT)]
    | Annotated[int, Field(strict=True, ge=-MAX_EXACT_JSON_INT, le=MAX_EXACT_JSON_INT)]
)
#: A message's values by name; each code documents its names (``customers.Alert``, ``TimelineEntry``,
#: ``Recommendation``).
MessageParams = Annotated[
    dict[Annotated[str, Field(max_length=32, pattern=r"^[a-z][a-z0-9_]*$")], MessageParam],
    Field(max_length=16),
]
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
