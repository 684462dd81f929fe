"""What the hub would tell a customer about a pickup: recorded, never sent.

A notice goes by the channel the customer prefers, if they agreed to be contacted there (the app
means push, the web e-mail), else by the first one they agreed to (e-mail, SMS, push), else by
none: it is still recorded, so the profile shows the customer was not told. Sending is another
system's job; the text is the English sentence that system would send.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import Connection, Table, bindparam, select

from storeassist.hub.db import models as m

NoticeKind = Literal["ready", "reminder", "collected", "cancelled"]
NoticeChannel = Literal["email", "sms", "push", "none"]

#: The contact channel each preferred shopping channel stands for.
_CHANNEL_OF_PREFERENCE: Mapping[str, NoticeChannel] = {"app": "push", "web": "email"}
_FALLBACK_ORDER: tuple[NoticeChannel, ...] = ("email", "sms", "push")

_notifications = cast(Table, m.Notification.__table__)
_INSERT = _notifications.insert()
_CONTACT = select(
    m.Customer.preferred_channel, m.Customer.consent_email, m.Customer.consent_sms, m.Customer.consent_push
).where(m.Customer.id == bindparam("customer_id"))


def notice_channel(preferred: str | None, *, email: bool, sms: bool, push: bool) -> NoticeChannel:
    """The channel a notice goes by, given the customer's preference and consents."""
    consented = {"email": email, "sms": sms, "push": push}
    wanted = _CHANNEL_OF_PREFERENCE.get(preferred or "")
    if wanted is not None and consented[wanted]:
        return wanted
    return next((channel for channel in _FALLBACK_ORDER if consented[channel]), "none")


def channel_of(connection: Connection, customer_id: int) -> NoticeChannel:
    row: Any = connection.execute(_CONTACT, {"customer_id": customer_id}).first()
    if row is None:
        return "none"
    return notice_channel(
        row.preferred_channel, email=row.consent_email, sms=row.consent_sms, push=row.consent_push
    )


def _items(n: int) -> str:
    return "1 item" if n == 1 else f"{n} items"


def notice_text(
    kind: NoticeKind, number: str, *, units: int = 0, left: int = 0, refunded: bool = True
) -> str:
    """The sentence sent to the customer (English; the store's own system would translate it).
    A cancellation says it will be refunded only when ``refunded`` (the order was paid)."""
    if kind == "ready":
        return f"Your order {number} is ready to collect. Show your order code or pickup code at the counter."
    if kind == "reminder":
        return f"Your order {number} is still waiting for you. Collect it before the pickup deadline."
    if kind == "collected":
        rest = f" {_items(left)} still waiting for you." if left else " Thank you!"
        return f"You collected {_items(units)} from order {number}.{rest}"
    verb = "was" if units == 1 else "were"
    if not refunded:
        return f"{_items(units)} of order {number} {verb} cancelled."
    return f"{_items(units)} of order {number} {verb} cancelled and will be refunded."


def record_notice(
    connection: Connection,
    *,
    customer_id: int,
    order_id: int,
    kind: NoticeKind,
    text: str,
    at: datetime,
    channel: NoticeChannel | None = None,
) -> NoticeChannel:
    """Record one notice (its channel found from the customer's consents unless given)."""
    channel = channel or channel_of(connection, customer_id)
    connection.execute(
        _INSERT,
        {
            "customer_id": customer_id,
            "order_id": order_id,
            "kind": kind,
            "channel": channel,
            "text": text,
            "at": at,
        },
    )
    return channel
