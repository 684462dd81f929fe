"""The Stock feature's words: how old a count is, a count said as fact or as "about", hold times,
companions' reasons, the expiry choices and what became of an action.

Every sentence is a literal in a ``StockWords.tr(...)`` call (context ``StockWords``) so
``pyside6-lupdate`` finds it; counts use Qt's ``%n`` plurals; money and times are written by
:class:`~storeassist.ui.formatting.StoreFormat` (style.md §15). Refusals by code are
:func:`storeassist.ui.overlay_pages.result_sentence`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QObject

from storeassist.contract import Product
from storeassist.domain.stock import ActionReceipt, HoldRow, StockAt
from storeassist.ui.overlay_pages import result_sentence

#: The hold form's expiry choices, in hours: 24 h, 48 h, 3 days, 7 days.
HOLD_HOURS = (24, 48, 72, 168)


class StockWords(QObject):
    """The translation context of these words; never instantiated."""

    @classmethod
    def tr(cls, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return QCoreApplication.translate("StockWords", source, disambiguation, n)


def age(as_of: datetime, now: datetime) -> str:
    """How long ago a count was taken: "just now", "12 min ago", "3 h ago", "4 days ago"."""
    seconds = max(0, int((now - as_of).total_seconds()))
    if seconds < 120:
        return StockWords.tr("just now")
    if seconds < 3600:
        return StockWords.tr("%n min ago", "", seconds // 60)
    if seconds < 48 * 3600:
        return StockWords.tr("%n h ago", "", seconds // 3600)
    return StockWords.tr("%n day(s) ago", "", seconds // 86400)


def count_text(stock: StockAt, now: datetime) -> str:
    """A place's count with its age; an uncertain one as "about", never as fact."""
    if stock.certainty == "uncertain":
        return StockWords.tr("about {count} · {age}").format(count=stock.available, age=age(stock.as_of, now))
    return StockWords.tr("{count} available · as of {age}").format(
        count=stock.available, age=age(stock.as_of, now)
    )


def place_name(stock: StockAt) -> str:
    """Where a count is: the warehouse, or a store with its distance."""
    name = stock.store_name or StockWords.tr("Store {id}").format(id=stock.store_id)
    if stock.kind == "warehouse":
        return StockWords.tr("Warehouse ({name})").format(name=name)
    return StockWords.tr("{name} · {km} km").format(name=name, km=f"{stock.distance_km:.1f}")


def variant_text(product: Product) -> str:
    """Size and colour, as far as the product has them."""
    parts = []
    if product.size:
        parts.append(StockWords.tr("Size {size}").format(size=product.size))
    if product.colour:
        parts.append(product.colour)
    return " · ".join(parts)


def here_text(available_here: int | None) -> str:
    """A search row's or grid cell's count here."""
    if available_here is None:
        return StockWords.tr("not stocked here")
    return StockWords.tr("%n here", "", available_here)


def hours_choice(hours: int) -> str:
    """An expiry choice of the hold form."""
    if hours % 24 == 0 and hours > 48:
        return StockWords.tr("%n days", "", hours // 24)
    return StockWords.tr("%n h", "", hours)


def time_left(expires_at: datetime, now: datetime) -> str:
    """An active hold's time left: "2 h 10 min left", "3 days left", "expired"."""
    left = expires_at - now
    if left <= timedelta(0):
        return StockWords.tr("expiring now")
    minutes = int(left.total_seconds()) // 60
    if minutes < 60:
        return StockWords.tr("%n min left", "", max(1, minutes))
    if minutes < 48 * 60:
        return StockWords.tr("{hours} h {minutes} min left").format(hours=minutes // 60, minutes=minutes % 60)
    return StockWords.tr("%n days left", "", minutes // 1440)


def hold_state(hold: HoldRow) -> str:
    labels = {
        "active": StockWords.tr("Held"),
        "expired": StockWords.tr("Expired"),
        "released": StockWords.tr("Released"),
        "collected": StockWords.tr("Collected"),
    }
    return labels.get(hold.status, hold.status)


def companion_reason(code: str, params: Mapping[str, str | int]) -> str:
    """Why a companion is suggested, from the desk's reason code."""
    match code:
        case "same_style_family":
            return StockWords.tr("Same family of styles")
        case "same_brand":
            brand = params.get("brand")
            if brand:
                return StockWords.tr("Also by {brand}").format(brand=brand)
            return StockWords.tr("Same brand")
        case "goes_with":
            category = params.get("category")
            if category:
                return StockWords.tr("Goes with {category}").format(category=str(category).lower())
            return StockWords.tr("Goes with it")
    return StockWords.tr("Suggested")


def receipt_text(receipt: ActionReceipt, done: str, waiting: str) -> str:
    """What became of an action: ``done`` (confirmed), ``waiting`` (queued here), or the refusal."""
    if receipt.status == "confirmed":
        return done
    if receipt.status == "waiting":
        return waiting
    return result_sentence(receipt.code, receipt.params)
