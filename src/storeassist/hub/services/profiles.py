"""The cross-channel customer profile an associate sees after one scan.

Built from a fixed number of indexed, bounded queries (customer by key; orders, events, cases,
holds, notes and returns by ``customer_id`` with a LIMIT; lines, products and stock in batches),
so its cost does not grow with the size of the chain or the customer's history.

The statements are built once, at import, with bound parameters, and run through
``wire.fetch_prepared`` (on SQLite, straight on the driver): a profile is a dozen queries, and
building each ``select()`` anew, or even running a prebuilt one through SQLAlchemy's execution
machinery, cost several times more CPU than SQLite spends answering it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from storeassist import contract
from storeassist.domain.loyalty import standing
from storeassist.domain.orders import OPEN_PICKUP_STATES
from storeassist.hub.db import models as m
from storeassist.hub.services.alerts import alerts_for
from storeassist.hub.services.availability import availability_of, distances_at
from storeassist.hub.services.database import as_utc, utc_now
from storeassist.hub.services.errors import NotFound
from storeassist.hub.services.wire import ORDER_COLUMNS, AnyRow, Queryable, fetch_prepared, orders_with_lines

#: The currency of a profile seen from no store (and of a store the database lost): the default
#: of ``stores.currency``.
DEFAULT_CURRENCY = "USD"
RECENT_ORDERS = 20
RECENT_EVENTS = 200
CART_AND_VIEWS = 10
RECENT_CASES = 20
RECENT_NOTES = 20
RECENT_RETURNS = 20
RECENT_NOTICES = 20
TIMELINE_ENTRIES = 60
_CHANNELS = {"web", "app", "store", "marketplace"}

_CUSTOMER = select(m.Customer.__table__).where(m.Customer.id == bindparam("customer_id"))
_STORE_CURRENCY = select(m.Store.currency).where(m.Store.id == bindparam("store_id"))
_RECENT_ORDERS = (
    select(*ORDER_COLUMNS)
    .where(m.Order.customer_id == bindparam("customer_id"))
    .order_by(m.Order.placed_at.desc())
    .limit(RECENT_ORDERS)
)
_OPEN_PICKUPS = (
    select(*ORDER_COLUMNS)
    .where(
        m.Order.customer_id == bindparam("customer_id"),
        m.Order.store_id == bindparam("store_id"),
        m.Order.pickup_state.in_(OPEN_PICKUP_STATES),
    )
    .order_by(m.Order.pickup_deadline)
    .limit(RECENT_ORDERS)
)
_EVENTS = (
    select(
        m.Event.at,
        m.Event.kind,
        m.Event.channel,
        m.Event.product_id,
        m.Event.rating,
        m.Product.sku,
        m.Product.name,
        m.Product.price_cents,
    )
    .join(m.Product, m.Product.id == m.Event.product_id)
    .where(m.Event.customer_id == bindparam("customer_id"))
    .order_by(m.Event.at.desc())
    .limit(RECENT_EVENTS)
)
_CASES = (
    select(
        m.ServiceCase.id,
        m.ServiceCase.opened_at,
        m.ServiceCase.status,
        m.ServiceCase.subject,
        m.ServiceCase.sentiment,
    )
    .where(m.ServiceCase.customer_id == bindparam("customer_id"))
    .order_by(m.ServiceCase.opened_at.desc())
    .limit(RECENT_CASES)
)
_HOLDS = (
    select(m.Hold.id, m.Hold.store_id, m.Hold.qty, m.Hold.expires_at, m.Product.sku, m.Product.name)
    .join(m.Product, m.Product.id == m.Hold.product_id)
    .where(
        m.Hold.customer_id == bindparam("customer_id"),
        m.Hold.status == "active",
        m.Hold.expires_at > bindparam("now"),
    )
    .order_by(m.Hold.expires_at)
    .limit(RECENT_NOTES)
)
_NOTES = (
    select(m.CustomerNote.text)
    .where(m.CustomerNote.customer_id == bindparam("customer_id"))
    .order_by(m.CustomerNote.at.desc(), m.CustomerNote.id.desc())
    .limit(RECENT_NOTES)
)
_RETURNS = (
    select(m.Return.at, m.Return.refund_cents, m.Return.reason, m.Return.store_id, m.Order.number)
    .join(m.Order, m.Order.id == m.Return.order_id)
    .where(m.Return.customer_id == bindparam("customer_id"))
    .order_by(m.Return.at.desc())
    .limit(RECENT_RETURNS)
)

#: Pickup notices the hub recorded for the customer (``notifications``), with their order.
_NOTICES = (
    select(
        m.Notification.at,
        m.Notification.kind,
        m.Notification.channel,
        m.Order.number,
        m.Order.channel.label("sold_on"),
    )
    .join(m.Order, m.Order.id == m.Notification.order_id)
    .where(m.Notification.customer_id == bindparam("customer_id"))
    .order_by(m.Notification.at.desc(), m.Notification.id.desc())
    .limit(RECENT_NOTICES)
)


def load_customer_row(session: Queryable, customer_id: int) -> AnyRow:
    rows = fetch_prepared(session, _CUSTOMER, {"customer_id": customer_id})
    if not rows:
        raise NotFound(f"There is no customer {customer_id}.", code="customer_not_found")
    row: AnyRow = rows[0]
    return row


def customer_detail(row: AnyRow) -> contract.CustomerDetail:
    return contract.CustomerDetail(
        id=row.id,
        loyalty_id=row.loyalty_id,
        name=row.name,
        email=row.email,
        phone=row.phone,
        language=row.language,
        preferred_store_id=row.preferred_store_id,
        preferred_channel=_channel(row.preferred_channel),
        sizes={str(k): str(v) for k, v in (row.sizes or {}).items()},
        preferences=[str(p) for p in (row.preferences or [])],
        consent=contract.Consent(
            email=row.consent_email, sms=row.consent_sms, push=row.consent_push, post=row.consent_post
        ),
        lifetime_value_cents=row.lifetime_value_cents,
    )


def loyalty_standing(row: AnyRow) -> contract.LoyaltyStanding:
    tier = standing(row.points)
    return contract.LoyaltyStanding(
        tier=tier.tier,
        points=row.points,
        next_tier=tier.next_tier,
        points_to_next=tier.points_to_next,
        member_since=row.member_since,
    )


def build_profile(session: Queryable, customer_id: int, store_id: int | None) -> contract.CustomerProfile:
    """Everything the profile screen shows for ``customer_id`` as seen from ``store_id``."""
    now = utc_now()
    customer = load_customer_row(session, customer_id)
    key = {"customer_id": customer_id}
    order_rows: list[AnyRow] = fetch_prepared(session, _RECENT_ORDERS, key)
    pickup_rows: list[AnyRow] = []
    if store_id is not None:
        pickup_rows = fetch_prepared(
            session, _OPEN_PICKUPS, {"customer_id": customer_id, "store_id": store_id}
        )
    recent_ids = {row.id for row in order_rows}
    orders = orders_with_lines(
        session, order_rows + [r for r in pickup_rows if r.id not in recent_ids], {customer.id: customer.name}
    )
    by_id = {order.id: order for order in orders}
    recent_orders = [by_id[row.id] for row in order_rows]
    open_pickups = [by_id[row.id] for row in pickup_rows]

    events: list[AnyRow] = fetch_prepared(session, _EVENTS, key)
    cases = [
        contract.ServiceCase(
            id=row.id,
            opened_at=as_utc(row.opened_at),
            status=row.status if row.status in ("open", "pending", "resolved") else "resolved",
            subject=row.subject,
            sentiment=max(-1.0, min(1.0, row.sentiment)),
        )
        for row in fetch_prepared(session, _CASES, key)
    ]
    holds = [
        contract.Hold(
            id=row.id,
            sku=row.sku,
            product_name=row.name,
            store_id=row.store_id,
            qty=row.qty,
            expires_at=as_utc(row.expires_at),
        )
        for row in fetch_prepared(session, _HOLDS, {"customer_id": customer_id, "now": now})
    ]
    notes = [row.text for row in fetch_prepared(session, _NOTES, key)]
    returns: list[AnyRow] = fetch_prepared(session, _RETURNS, key)
    notices: list[AnyRow] = fetch_prepared(session, _NOTICES, key)

    abandoned = _distinct_products(events, {"cart_abandon"})
    viewed = _distinct_products(events, {"view"})
    availability = availability_of(
        session, [e.product_id for e in abandoned + viewed], store_id, distances_at(session, store_id)
    )
    return contract.CustomerProfile(
        customer=customer_detail(customer),
        loyalty=loyalty_standing(customer),
        alerts=alerts_for(recent_orders, open_pickups, cases, events, now),
        open_pickups=open_pickups,
        holds=holds,
        abandoned_cart=[_cart_item(e, availability[e.product_id]) for e in abandoned],
        recent_views=[_cart_item(e, availability[e.product_id]) for e in viewed],
        recent_orders=recent_orders,
        cases=cases,
        timeline=_timeline(recent_orders, returns, cases, events, notices),
        notes=notes,
        as_of=now,
        currency=_currency(session, store_id if store_id is not None else customer.preferred_store_id),
    )


def _currency(session: Queryable, store_id: int | None) -> str:
    """The currency of the store a profile is seen from: every amount in it is in that currency."""
    if store_id is None:
        return DEFAULT_CURRENCY
    rows = fetch_prepared(session, _STORE_CURRENCY, {"store_id": store_id})
    return str(rows[0].currency) if rows else DEFAULT_CURRENCY


def _channel(value: str | None) -> Any:
    return value if value in _CHANNELS else "store"


def _distinct_products(events: Sequence[AnyRow], kinds: set[str]) -> list[AnyRow]:
    seen: set[int] = set()
    picked = []
    for event in events:
        if event.kind in kinds and event.product_id not in seen:
            seen.add(event.product_id)
            picked.append(event)
            if len(picked) == CART_AND_VIEWS:
                break
    return picked


def _cart_item(event: AnyRow, availability: Any) -> contract.CartItem:
    return contract.CartItem(
        sku=event.sku,
        product_name=event.name,
        price_cents=event.price_cents,
        added_at=as_utc(event.at),
        channel=_channel(event.channel),
        availability=availability,
    )


#: The event kinds the timeline shows: the entry's kind and its code.
_EVENT_ENTRIES: dict[str, tuple[Any, str]] = {
    "review": ("review", "product_reviewed"),
    "view": ("view", "product_viewed"),
    "cart_add": ("cart", "cart_added"),
    "cart_abandon": ("cart", "cart_left"),
}


def _timeline(
    orders: list[contract.Order],
    returns: Sequence[AnyRow],
    cases: list[contract.ServiceCase],
    events: Sequence[AnyRow],
    notices: Sequence[AnyRow] = (),
) -> list[contract.TimelineEntry]:
    """The newest of everything the customer did, and of what the chain told them about their
    pickups, as codes and parameters (``TimelineEntry``)."""
    entries: list[contract.TimelineEntry] = []
    for notice in notices:
        # Filed under pickups with the order's channel: a tablet of the release before notices
        # reads the entry (and words an unknown code generally) rather than refusing the profile.
        entries.append(
            contract.TimelineEntry(
                at=as_utc(notice.at),
                kind="pickup",
                channel=_channel(notice.sold_on),
                code="customer_notified",
                params={"notice": notice.kind, "channel": notice.channel, "number": notice.number},
                ref=notice.number,
            )
        )
    for order in orders:
        is_pickup = order.fulfilment in ("bopis", "curbside")
        state = order.pickup_state if is_pickup and order.pickup_state else order.status
        entries.append(
            contract.TimelineEntry(
                at=order.placed_at,
                kind="pickup" if is_pickup else "order",
                channel=order.channel,
                code="order_placed",
                params={
                    "number": order.number,
                    "items": sum(line.qty for line in order.lines),
                    "total": order.total_cents,
                    "status": _code_of(state),
                },
                ref=order.number,
            )
        )
    for row in returns:
        entries.append(
            contract.TimelineEntry(
                at=as_utc(row.at),
                kind="return",
                channel="store" if row.store_id is not None else "web",
                code="order_returned",
                params={"number": row.number, "refund": row.refund_cents, "reason": _code_of(row.reason)},
                ref=row.number,
            )
        )
    for case in cases:
        entries.append(
            contract.TimelineEntry(
                at=case.opened_at,
                kind="case",
                channel="web",
                code="case_opened",
                params={"subject": case.subject, "status": case.status},
                ref=str(case.id),
            )
        )
    for event in events:
        found = _EVENT_ENTRIES.get(event.kind)
        if found is None:
            continue
        kind, code = found
        params: dict[str, str | int] = {"product": event.name}
        if kind == "review" and event.rating is not None:
            params["rating"] = int(event.rating)
        entries.append(
            contract.TimelineEntry(
                at=as_utc(event.at),
                kind=kind,
                channel=_channel(event.channel),
                code=code,
                params=params,
                ref=event.sku,
            )
        )
    entries.sort(key=_entry_time, reverse=True)
    return entries[:TIMELINE_ENTRIES]


def _code_of(value: str) -> str:
    """A stored state or reason as a code: "late delivery" → ``late_delivery`` (the tablet words it)."""
    return "_".join("".join(c if c.isascii() and c.isalnum() else " " for c in value.lower()).split())[:200]


def _entry_time(entry: contract.TimelineEntry) -> datetime:
    return entry.at
