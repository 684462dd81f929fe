"""The Pickups feature's words: tabs, states, time left, ID documents, what happens to a line.

Every sentence is a literal in a ``PickupWords.tr(...)`` call (context ``PickupWords``) so
``pyside6-lupdate`` finds it; counts use Qt's ``%n`` plurals; times and money are written by
:class:`~storeassist.ui.formatting.StoreFormat` (style.md §15). Refusals by code are
:func:`storeassist.ui.overlay_pages.result_sentence`'s.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QObject

from storeassist.contract import Order, OrderLine
from storeassist.domain.orders import to_collect

#: The queue's tabs as the screen shows them: the domain's ``QueueTab``s, everything open, and
#: the overdue orders as tasks to put back on sale.
SHOWN_TABS = ("all", "waiting", "ready", "due_today", "partly_collected", "overdue", "restock")


class PickupWords(QObject):
    """The translation context of these words; never instantiated."""

    @classmethod
    def tr(cls, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return QCoreApplication.translate("PickupWords", source, disambiguation, n)


def tab_label(tab: str, count: int) -> str:
    """A tab with its count: "Ready (4)"."""
    labels = {
        "all": PickupWords.tr("All open ({count})"),
        "waiting": PickupWords.tr("Customer waiting ({count})"),
        "ready": PickupWords.tr("Ready ({count})"),
        "due_today": PickupWords.tr("Due today ({count})"),
        "partly_collected": PickupWords.tr("Partly collected ({count})"),
        "overdue": PickupWords.tr("Overdue ({count})"),
        "restock": PickupWords.tr("To restock ({count})"),
    }
    return labels.get(tab, "{count}").format(count=count)


def state_label(state: str | None) -> str:
    """A pickup's state, for a pill or a row."""
    labels = {
        "placed": PickupWords.tr("Not picked yet"),
        "picking": PickupWords.tr("Being picked"),
        "ready": PickupWords.tr("Ready"),
        "partially_collected": PickupWords.tr("Partly collected"),
        "collected": PickupWords.tr("Collected"),
        "expired": PickupWords.tr("Expired, back on sale"),
        "cancelled": PickupWords.tr("Cancelled"),
    }
    return labels.get(state or "", PickupWords.tr("Not a pickup"))


def payment_label(order: Order) -> str:
    if order.payment_state == "paid":
        return PickupWords.tr("Paid")
    return PickupWords.tr("Not paid")


def time_left(deadline: datetime | None, now: datetime) -> str:
    """How long until the pickup deadline: "2 days left", "3 hours left", "overdue by 5 hours"."""
    if deadline is None:
        return PickupWords.tr("No deadline")
    seconds = (deadline - now).total_seconds()
    minutes = int(abs(seconds) // 60)
    hours, days = minutes // 60, minutes // (60 * 24)
    if seconds >= 0:
        if days >= 1:
            return PickupWords.tr("%n day(s) left", "", days)
        if hours >= 1:
            return PickupWords.tr("%n hour(s) left", "", hours)
        return PickupWords.tr("%n minute(s) left", "", max(1, minutes))
    if days >= 1:
        return PickupWords.tr("Overdue by %n day(s)", "", days)
    if hours >= 1:
        return PickupWords.tr("Overdue by %n hour(s)", "", hours)
    return PickupWords.tr("Overdue by %n minute(s)", "", max(1, minutes))


def waiting_for(since: datetime, now: datetime) -> str:
    """How long a customer who checked in has waited: "Waiting 12 min"."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes >= 60:
        return PickupWords.tr("Customer waiting %n hour(s)", "", minutes // 60)
    return PickupWords.tr("Customer waiting %n min", "", minutes)


def size_colour(size: str | None, colour: str | None) -> str:
    """ "Size M · Navy", or whichever of them is known."""
    parts = []
    if size:
        parts.append(PickupWords.tr("Size {size}").format(size=size))
    if colour:
        parts.append(colour)
    return " · ".join(parts)


def line_quantities(line: OrderLine) -> str:
    """ "Ordered 2 · collected 1 · to collect 1" (and cancelled, when some were)."""
    parts = [
        PickupWords.tr("Ordered {n}").format(n=line.qty),
        PickupWords.tr("collected {n}").format(n=line.qty_collected),
    ]
    if line.qty_cancelled:
        parts.append(PickupWords.tr("cancelled {n}").format(n=line.qty_cancelled))
    parts.append(PickupWords.tr("to collect {n}").format(n=to_collect(line)))
    return " · ".join(parts)


def document_label(document_type: str) -> str:
    labels = {
        "passport": PickupWords.tr("Passport"),
        "driving_licence": PickupWords.tr("Driving licence"),
        "national_id": PickupWords.tr("National ID card"),
        "other": PickupWords.tr("Other photo ID"),
    }
    return labels.get(document_type, document_type)


def method_label(method: str) -> str:
    """How the collector was checked, as the receipt and the hand-over page say it."""
    labels = {
        "order_code": PickupWords.tr("Order code scanned"),
        "pickup_code": PickupWords.tr("Pickup code checked"),
        "photo_id": PickupWords.tr("Photo ID checked"),
        "proxy_id": PickupWords.tr("Named person's photo ID checked"),
    }
    return labels.get(method, method)


def items_count(n: int) -> str:
    return PickupWords.tr("%n item(s)", "", n)
