"""Alerts at the top of a profile: what went wrong for this customer, and what to say about it.

Ordered most serious first. Wording is for the associate, in plain words, with the next step.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from storeassist import contract
from storeassist.hub.services.database import as_utc
from storeassist.hub.services.wire import AnyRow

DELIVERY_ALERT_WINDOW = timedelta(days=60)
REVIEW_ALERT_WINDOW = timedelta(days=90)
CONTACT_ALERT_WINDOW = timedelta(days=90)
PICKUP_EXPIRY_WARNING = timedelta(hours=24)
LOW_SENTIMENT = -0.4
NEGATIVE_RATING = 2
_SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def _days(delta: timedelta) -> str:
    days = max(0, delta.days)
    return "today" if days == 0 else ("1 day" if days == 1 else f"{days} days")


def alerts_for(
    orders: list[contract.Order],
    open_pickups: list[contract.Order],
    cases: list[contract.ServiceCase],
    events: Sequence[AnyRow],
    now: datetime,
) -> list[contract.Alert]:
    alerts: list[contract.Alert] = []
    for case in cases:
        if case.status in ("open", "pending"):
            age = _days(now - case.opened_at)
            alerts.append(
                contract.Alert(
                    kind="service_case",
                    severity="critical" if case.sentiment <= LOW_SENTIMENT else "warning",
                    message=f"Open support case about {case.subject.lower()} ({age}): "
                    "apologise and offer to check status",
                    ref=str(case.id),
                )
            )
    for order in orders:
        if now - order.placed_at > DELIVERY_ALERT_WINDOW:
            continue
        if order.status == "late":
            alerts.append(
                contract.Alert(
                    kind="late_delivery",
                    severity="warning",
                    message=f"{order.channel.capitalize()} order #{order.number} is running late "
                    f"(placed {_days(now - order.placed_at)} ago): apologise and offer to check where it is",
                    ref=order.number,
                )
            )
        elif order.status == "failed":
            alerts.append(
                contract.Alert(
                    kind="late_delivery",
                    severity="critical",
                    message=f"Delivery of order #{order.number} failed: apologise and offer to reship "
                    "it or to refund",
                    ref=order.number,
                )
            )
    for event in events:
        if event.kind != "review" or event.rating is None or event.rating > NEGATIVE_RATING:
            continue
        at = as_utc(event.at)
        if now - at <= REVIEW_ALERT_WINDOW:
            alerts.append(
                contract.Alert(
                    kind="negative_review",
                    severity="warning",
                    message=f"Left a {event.rating}-star review of {event.name} {_days(now - at)} ago: "
                    "ask what went wrong and offer help",
                    ref=event.sku,
                )
            )
            break
    unhappy = next(
        (
            c
            for c in cases
            if c.status == "resolved"
            and c.sentiment <= LOW_SENTIMENT
            and now - c.opened_at <= CONTACT_ALERT_WINDOW
        ),
        None,
    )
    if unhappy is not None:
        alerts.append(
            contract.Alert(
                kind="low_sentiment",
                severity="info",
                message=f"Was unhappy when contacting support {_days(now - unhappy.opened_at)} ago "
                f"({unhappy.subject.lower()}): take extra care",
                ref=str(unhappy.id),
            )
        )
    for order in open_pickups:
        deadline = order.pickup_deadline
        if order.pickup_state in ("ready", "partially_collected") and deadline is not None:
            left = deadline - now
            if left <= PICKUP_EXPIRY_WARNING:
                hours = max(0, int(left.total_seconds() // 3600))
                alerts.append(
                    contract.Alert(
                        kind="pickup_expiring",
                        severity="warning",
                        message=f"Pickup order #{order.number} is ready here and expires in {hours} h: "
                        "offer to hand it over now",
                        ref=order.number,
                    )
                )
    alerts.sort(key=lambda alert: _SEVERITY_ORDER[alert.severity])
    return alerts
