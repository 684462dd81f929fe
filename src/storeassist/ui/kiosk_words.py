"""The kiosk's sentences for what the hub sends as codes: offers, refusals, return reasons.

Every sentence is a literal inside ``QCoreApplication.translate("KioskWords", …)`` so lupdate
finds it and the kiosk can switch language while running. Nothing here quotes a shopper's data
beyond what the sentence is about (a tier, a number of points).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication

from storeassist.domain.kiosk import KioskRefused, KioskUnavailable
from storeassist.domain.returns import RETURN_REASONS, ReturnReason
from storeassist.ui.formatting import CountingWords, StoreFormat


class KioskCounts(CountingWords):
    """The context of the kiosk's sentences that count (``%n``)."""


def _int(params: Mapping[str, str | int], name: str) -> int:
    value = params.get(name, 0)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def tier_name(tier: str) -> str:
    names = {
        "member": QCoreApplication.translate("KioskWords", "Member"),
        "silver": QCoreApplication.translate("KioskWords", "Silver"),
        "gold": QCoreApplication.translate("KioskWords", "Gold"),
        "platinum": QCoreApplication.translate("KioskWords", "Platinum"),
    }
    return names.get(tier.lower(), tier.capitalize())


def offer_text(code: str, params: Mapping[str, str | int], fmt: StoreFormat) -> str:
    """An offer worded from its code and params (``contract.kiosk.KioskOffer``)."""
    if code == "tier_discount":
        return QCoreApplication.translate(
            "KioskWords", "{percent}% off everything as a {tier} member"
        ).format(percent=_int(params, "percent"), tier=tier_name(str(params.get("tier", ""))))
    if code == "points_voucher":
        return QCoreApplication.translate(
            "KioskWords", "Turn {points} points into a {amount} voucher at the counter"
        ).format(points=fmt.number(_int(params, "points")), amount=fmt.money(_int(params, "amount_cents")))
    if code == "category_offer":
        return QCoreApplication.translate("KioskWords", "{percent}% off {category} today").format(
            percent=_int(params, "percent"), category=str(params.get("category", ""))
        )
    return QCoreApplication.translate("KioskWords", "Ask at the counter about today's offers for members")


def reason_text(reason: ReturnReason) -> str:
    words: dict[str, str] = {
        "wrong_size": QCoreApplication.translate("KioskWords", "Wrong size"),
        "not_as_described": QCoreApplication.translate("KioskWords", "Not as described"),
        "changed_mind": QCoreApplication.translate("KioskWords", "Changed my mind"),
        "arrived_damaged": QCoreApplication.translate("KioskWords", "Arrived damaged"),
        "defective": QCoreApplication.translate("KioskWords", "Faulty"),
        "late_delivery": QCoreApplication.translate("KioskWords", "Arrived too late"),
        "other": QCoreApplication.translate("KioskWords", "Something else"),
    }
    return words[reason]


REASONS: tuple[ReturnReason, ...] = RETURN_REASONS


def verdict_text(code: str) -> str:
    """Why a line can or cannot come back, shortly (``domain.returns`` verdict codes)."""
    if code == "returnable":
        return QCoreApplication.translate("KioskWords", "Can be returned")
    if code == "final_sale":
        return QCoreApplication.translate("KioskWords", "Final sale: cannot be returned")
    if code == "all_returned":
        return QCoreApplication.translate("KioskWords", "Already returned")
    if code == "not_received":
        return QCoreApplication.translate("KioskWords", "Not collected yet")
    if code == "past_window":
        return QCoreApplication.translate("KioskWords", "Past the return window: ask an associate")
    return QCoreApplication.translate("KioskWords", "An associate will check this one")


def problem_text(error: BaseException) -> str:
    """A refusal or a failure, for a shopper: what happened and what to do; never a code."""
    if isinstance(error, KioskRefused):
        code, params = error.code, error.params
        if code == "pickup_code_wrong":
            tries = _int(params, "tries_left")
            return KioskCounts.tr("That pickup code is not right. %n tries left.", "", tries)
        if code == "pickup_needs_manager":
            return QCoreApplication.translate(
                "KioskWords", "Please go to the counter: an associate will hand your order over."
            )
        if code == "not_kiosk_pickup":
            return QCoreApplication.translate(
                "KioskWords", "This order is collected at the counter. An associate will help you there."
            )
        if code == "pickup_code_malformed":
            return QCoreApplication.translate("KioskWords", "The pickup code has six digits.")
        if code in ("product_not_found", "not_in_stock_here"):
            return QCoreApplication.translate(
                "KioskWords", "None of these are on sale here just now. An associate can help."
            )
        if code in ("too_many_requests", "too_many_reads"):
            return QCoreApplication.translate("KioskWords", "The kiosk is busy. Please ask an associate.")
        if code == "no_lines":
            return QCoreApplication.translate("KioskWords", "Choose at least one item to bring back.")
        if code in ("sign_in_refused", "sign_in_wrong_store", "too_many_sign_in_attempts"):
            return QCoreApplication.translate(
                "KioskWords", "Not accepted: a manager of this store with the right PIN is needed."
            )
        return QCoreApplication.translate("KioskWords", "The kiosk cannot do that. Please ask an associate.")
    if isinstance(error, KioskUnavailable):
        return QCoreApplication.translate(
            "KioskWords", "The kiosk cannot reach the store's system just now. Please ask an associate."
        )
    return QCoreApplication.translate(
        "KioskWords", "That code could not be read here. Please ask an associate."
    )
