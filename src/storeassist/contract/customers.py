"""The cross-channel customer profile, search and recommendations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from storeassist.contract.catalog import Product
from storeassist.contract.common import (
    Cents,
    Channel,
    Count,
    EntityId,
    LargeCents,
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
    kind: Literal["service_case", "late_delivery", "negative_review", "low_sentiment", "pickup_expiring"]
    severity: Literal["info", "warning", "critical"]
    message: str = Field(description="what happened and what to say, for the associate")
    ref: str | None = None


class ServiceCase(WireModel):
    id: EntityId
    opened_at: datetime
    status: Literal["open", "pending", "resolved"]
    subject: str
    sentiment: float = Field(ge=-1, le=1)


class Hold(WireModel):
    id: str
    sku: str
    product_name: str
    store_id: EntityId
    qty: Units
    expires_at: datetime


class CartItem(WireModel):
    sku: str
    product_name: str
    price_cents: Cents
    added_at: datetime
    channel: Channel
    availability: Literal["here", "nearby", "out"] = "out"


class TimelineEntry(WireModel):
    at: datetime
    kind: Literal["order", "return", "pickup", "case", "review", "view", "cart"]
    channel: Channel
    title: str
    detail: str = ""
    ref: str | None = None


class CustomerProfile(WireModel):
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
    as_of: datetime


class Recommendation(WireModel):
    product: Product
    score: float
    reason: str
    availability: Literal["here", "nearby"]


class RecommendationList(WireModel):
    customer_id: EntityId
    store_id: EntityId
    items: list[Recommendation]
