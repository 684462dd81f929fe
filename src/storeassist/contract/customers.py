"""The cross-channel customer profile, search and recommendations.

A profile names its currency once (:attr:`CustomerProfile.currency`); every amount in it is in
minor units of that currency. Alerts, timeline entries and the reasons for a suggestion are codes
with parameters, never sentences: the tablet words them (``storeassist.ui.hub_words``). Times
are UTC.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, Field

from storeassist.contract.catalog import Product
from storeassist.contract.common import (
    Cents,
    Channel,
    Count,
    CurrencyCode,
    EntityId,
    LargeCents,
    MessageCode,
    MessageParams,
    NextPage,
    Units,
    WireModel,
)
from storeassist.contract.orders import Order


class ResolveTokenRequest(WireModel):
    token: str = Field(min_length=1, max_length=512)
    store_id: EntityId | None = None
    staff_id: EntityId | None = Field(
        default=None, description="the signed-in staff member, for the audit trail"
    )


class Consent(WireModel):
    email: bool
    sms: bool
    push: bool
    post: bool


class LoyaltyStanding(WireModel):
    tier: str
    points: Count
    next_tier: str | None
    points_to_next: Count | None
    member_since: date


class CustomerSummary(WireModel):
    id: EntityId
    loyalty_id: str
    name: str
    tier: str
    points: Count
    email: str
    phone: str


class CustomerPage(WireModel):
    items: list[CustomerSummary]
    next_page: NextPage | None = None


class CustomerDetail(WireModel):
    id: EntityId
    loyalty_id: str
    name: str
    email: str
    phone: str
    language: str
    preferred_store_id: EntityId | None
    preferred_channel: Channel
    sizes: dict[str, str]
    preferences: list[str]
    consent: Consent
    lifetime_value_cents: LargeCents


class Alert(WireModel):
    """Something to know before speaking to the customer; the tablet words it from ``code``.

    ``kind`` is the alert's family (what the box is headed with); ``code`` is the sentence, the
    kind's own name unless one kind has several. ``params`` by code (amounts in minor units of the
    profile's currency, ``days`` and ``hours`` whole and rounded down):

    - ``service_case``: ``subject`` (the case's, as customer service wrote it), ``days`` open
    - ``late_delivery``: ``number``, ``channel`` (web, app, store, marketplace), ``days`` since placed
    - ``failed_delivery`` (kind ``late_delivery``): ``number``
    - ``negative_review``: ``product``, ``rating`` (1-5), ``days`` ago
    - ``low_sentiment``: ``subject``, ``days`` ago
    - ``pickup_expiring``: ``number``, ``hours`` left
    """

    kind: Literal["service_case", "late_delivery", "negative_review", "low_sentiment", "pickup_expiring"]
    severity: Literal["info", "warning", "critical"]
    code: MessageCode
    params: MessageParams = Field(default_factory=dict)
    ref: str | None = None


class ServiceCase(WireModel):
    id: EntityId
    opened_at: AwareDatetime
    status: Literal["open", "pending", "resolved"]
    subject: str
    sentiment: float = Field(ge=-1, le=1)


class Hold(WireModel):
    id: str
    sku: str
    product_name: str
    store_id: EntityId
    qty: Units
    expires_at: AwareDatetime


class CartItem(WireModel):
    sku: str
    product_name: str
    price_cents: Cents
    added_at: AwareDatetime
    channel: Channel
    availability: Literal["here", "nearby", "out"] = "out"


class TimelineEntry(WireModel):
    """One thing the customer did, newest first in a profile; the tablet words it from ``code``.

    ``kind`` files it (the screen's filters and icons); ``params`` by code (amounts in minor units
    of the profile's currency; states and reasons are codes too):

    - ``order_placed``: ``number``, ``items`` (units), ``total``, ``status`` (the pickup state of
      a pickup order, else the order's status: ``shipped``, ``delivered``, ``late`` …)
    - ``order_returned``: ``number``, ``refund``, ``reason`` (``too_small``, ``damaged`` …)
    - ``case_opened``: ``subject``, ``status`` (open, pending, resolved)
    - ``product_reviewed``: ``product``, ``rating`` (1-5; absent when the review had none)
    - ``product_viewed``, ``cart_added``, ``cart_left``: ``product``
    - ``customer_notified`` (kind ``pickup``): what the hub recorded telling the customer about a
      pickup: ``notice`` (``ready``, ``reminder``, ``collected``, ``cancelled``), ``channel``
      (``email``, ``sms``, ``push``, or ``none`` when they agreed to no channel) and ``number``
      (the order's)
    """

    at: AwareDatetime
    kind: Literal["order", "return", "pickup", "case", "review", "view", "cart"]
    channel: Channel
    code: MessageCode
    params: MessageParams = Field(default_factory=dict)
    ref: str | None = None


class CustomerProfile(WireModel):
    """Everything about one customer as seen from one store. ``currency`` is the currency of
    every amount in it (that store's); ``as_of`` is when the hub built it."""

    customer: CustomerDetail
    loyalty: LoyaltyStanding
    alerts: list[Alert]
    open_pickups: list[Order]
    holds: list[Hold]
    abandoned_cart: list[CartItem]
    recent_views: list[CartItem]
    recent_orders: list[Order]
    cases: list[ServiceCase]
    timeline: list[TimelineEntry]
    # A plain ``[]`` (pydantic copies it per instance) keeps ``"default": []`` in the published schema.
    notes: list[str] = []  # noqa: RUF012
    as_of: AwareDatetime
    currency: CurrencyCode


#: Why a product is suggested (``Recommendation.reason_code``); the tablet words each one.
RecommendationReason = Literal[
    "goes_with_order",
    "bought_with_viewed",
    "bought_with_carted",
    "left_in_cart",
    "viewed_online",
    "category_best_seller",
    "related_category_best_seller",
    "popular_now",
]


class Recommendation(WireModel):
    """A product to suggest, in the store's currency, and why: the tablet words ``reason_code``
    with ``reason_params`` (``days`` whole and rounded down, as of the answer):

    - ``goes_with_order``: goes with something they bought; ``number`` (the order's) and
      ``product`` (the name of the item it goes with), each when known
    - ``bought_with_viewed``, ``bought_with_carted``: often bought with something they viewed
      online, or put in an online cart; ``product`` (that item's name) when known
    - ``left_in_cart``: in their online cart and not bought; ``days`` since it was last put there
    - ``viewed_online``: viewed online and not bought; ``views`` (how many times), ``days`` since
      the last view
    - ``category_best_seller``: a best seller in ``category``, one they buy from and browse
    - ``related_category_best_seller``: a best seller in ``category``, one that goes with those
      they shop
    - ``popular_now``: one of the chain's best sellers (no params)
    """

    product: Product
    score: float
    reason_code: RecommendationReason
    reason_params: MessageParams = Field(
        default_factory=dict, description="the values the reason is worded with, by reason_code"
    )
    availability: Literal["here", "nearby"]


class RecommendationList(WireModel):
    customer_id: EntityId
    store_id: EntityId
    items: list[Recommendation]
