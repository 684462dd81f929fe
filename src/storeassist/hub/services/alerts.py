"""Alerts at the top of a profile: what went wrong for this customer, as codes with parameters.

Ordered most serious first. The hub says what happened (a code, the order number, how many days);
the tablet says it to the associate in their language, with the next step (``ui/hub_words.py``).
The codes and their parameters are listed on :class:`storeassist.contract.Alert`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from storeassist import contract
from storeassist.domain.orders import is_collectable
from storeassist.hub.services.database import as_utc
from storeassist.hub.services.wire import AnyRow

DELIVERY_ALERT_WINDOW = timedelta(days=60)
REVIEW_ALERT_WINDOW = timedelta(days=90)
CONTACT_ALERT_WINDOW = timedelta(days=90)
PICKUP_EXPIRY_WARNING = timedelta(hours=24)
LOW_SENTIMENT = -0.4
NEGATIVE_RATING = 2
_SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def _days(delta: timedelta) -> int:
    """Whole days, never negative (a clock a little ahead is "today", not "-1 days")."""
    return max(0, delta.days)


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
            alerts.append(
                contract.Alert(
                    kind="service_case",
                    severity="critical" if case.sentiment <= LOW_SENTIMENT else "warning",
                    code="service_case",
                    params={"subject": case.subject, "days": _days(now - case.opened_at)},
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
                    code="late_delivery",
                    params={
                        "number": order.number,
                        "channel": order.channel,
                        "days": _days(now - order.placed_at),
                    },
                    ref=order.number,
                )
            )
        elif order.status == "failed":
            alerts.append(
                contract.Alert(
                    kind="late_delivery",
                    severity="critical",
                    code="failed_delivery",
                    params={"number": order.number},
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
                    code="negative_review",
                    params={"product": event.name, "rating": int(event.rating), "days": _days(now - at)},
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
                code="low_sentiment",
                params={"subject": unhappy.subject, "days": _days(now - unhappy.opened_at)},
                ref=str(unhappy.id),
            )
        )
    for order in open_pickups:
        deadline = order.pickup_deadline
        if is_collectable(order.pickup_state) and deadline is not None:
            left = deadline - now
            if left <= PICKUP_EXPIRY_WARNING:
                hours = max(0, int(left.total_seconds() // 3600))
                alerts.append(
                    contract.Alert(
                        kind="pickup_expiring",
                        severity="warning",
                        code="pickup_expiring",
                        params={"number": order.number, "hours": hours},
                        ref=order.number,
                    )
                )
    alerts.sort(key=lambda alert: _SEVERITY_ORDER[alert.severity])
    return alerts
