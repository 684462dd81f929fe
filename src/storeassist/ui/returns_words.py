"""The Returns feature's words: each line's verdict, reasons, conditions, where a unit goes, how the
customer is paid back, and every refusal the counter can meet.

Every sentence is a literal in a ``ReturnWords.tr(...)`` call (context ``ReturnWords``) so
``pyside6-lupdate`` finds it; counts use Qt's ``%n`` plurals; money and dates are written by
:class:`~storeassist.ui.formatting.StoreFormat` (style.md §15). Refusals by result code are
:func:`storeassist.ui.overlay_pages.result_sentence`'s (:mod:`storeassist.ui.returns_results`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QObject, QTime, QTimeZone

from storeassist.domain.return_desk import ApprovalRefused, ReturnNotFound, ReturnNotPossible
from storeassist.domain.returns import LineVerdict, ReturnInvalid
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.messages import describe_failure, problem_sentence
from storeassist.ui.overlay_pages import result_sentence
from storeassist.ui.returns_results import approval_reason_words

log = logging.getLogger("storeassist.ui")


class ReturnWords(QObject):
    """The translation context of these words; never instantiated."""

    @classmethod
    def tr(cls, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return QCoreApplication.translate("ReturnWords", source, disambiguation, n)


def reason_label(reason: str) -> str:
    """Why the customer brings it back (``domain.returns.ReturnReason``)."""
    labels = {
        "wrong_size": ReturnWords.tr("Wrong size"),
        "not_as_described": ReturnWords.tr("Not as described"),
        "changed_mind": ReturnWords.tr("Changed their mind"),
        "arrived_damaged": ReturnWords.tr("Arrived damaged"),
        "defective": ReturnWords.tr("Faulty"),
        "late_delivery": ReturnWords.tr("Arrived too late"),
        "other": ReturnWords.tr("Another reason"),
    }
    return labels.get(reason, reason.replace("_", " "))


def condition_label(condition: str) -> str:
    """The state it comes back in (``domain.returns.Condition``)."""
    labels = {
        "resellable": ReturnWords.tr("As new"),
        "opened": ReturnWords.tr("Opened or worn"),
        "damaged": ReturnWords.tr("Damaged"),
        "defective": ReturnWords.tr("Faulty"),
    }
    return labels.get(condition, condition.replace("_", " "))


def disposition_words(disposition: str) -> str:
    """Where the units go (``domain.returns.Disposition``), as the line's hint says it."""
    labels = {
        "restock": ReturnWords.tr("Goes back on sale here."),
        "return_to_vendor": ReturnWords.tr("Goes back to the supplier: put it in the supplier bin."),
        "destroy": ReturnWords.tr("Cannot be sold again: put it in the disposal bin."),
    }
    return labels.get(disposition, "")


def method_label(method: str) -> str:
    labels = {
        "original_tender": ReturnWords.tr("Original payment"),
        "store_credit": ReturnWords.tr("Store credit"),
        "exchange": ReturnWords.tr("Exchange"),
    }
    return labels.get(method, method)


def tender_label(kind: str) -> str:
    """What an order was paid with, as "{amount} back to …" ends."""
    labels = {
        "card": ReturnWords.tr("the card"),
        "paypal": ReturnWords.tr("PayPal"),
        "gift_card": ReturnWords.tr("the gift card"),
        "cash": ReturnWords.tr("cash"),
        "points": ReturnWords.tr("loyalty points"),
        "store_credit": ReturnWords.tr("store credit"),
    }
    return labels.get(kind, kind.replace("_", " "))


def reason_phrase(reason: str) -> str:
    """Why it comes back, as a phrase inside a sentence ("1 × Tee: wrong size, as new.")."""
    phrases = {
        "wrong_size": ReturnWords.tr("wrong size"),
        "not_as_described": ReturnWords.tr("not as described"),
        "changed_mind": ReturnWords.tr("changed their mind"),
        "arrived_damaged": ReturnWords.tr("arrived damaged"),
        "defective": ReturnWords.tr("faulty"),
        "late_delivery": ReturnWords.tr("arrived too late"),
        "other": ReturnWords.tr("another reason"),
    }
    return phrases.get(reason, reason.replace("_", " "))


def condition_phrase(condition: str) -> str:
    """The state it comes back in, as a phrase inside a sentence."""
    phrases = {
        "resellable": ReturnWords.tr("as new"),
        "opened": ReturnWords.tr("opened or worn"),
        "damaged": ReturnWords.tr("damaged"),
        "defective": ReturnWords.tr("faulty"),
    }
    return phrases.get(condition, condition.replace("_", " "))


def bought_count(channel: str, qty: int) -> str:
    """How many of a line were bought, and where: one plural phrase per channel (the number kept
    with its words by a no-break space)."""
    match channel:
        case "web":
            return ReturnWords.tr("%n bought on the web", "", qty)
        case "app":
            return ReturnWords.tr("%n bought in the app", "", qty)
        case "store":
            return ReturnWords.tr("%n bought in a store", "", qty)
        case "marketplace":
            return ReturnWords.tr("%n bought on a marketplace", "", qty)
    return ReturnWords.tr("%n bought", "", qty)


def store_date(moment: datetime, fmt: StoreFormat) -> str:
    """The day ``moment`` falls on in the store's time zone, with the month named."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    qt = QDateTime(
        QDate(utc.year, utc.month, utc.day), QTime(utc.hour, utc.minute, utc.second), QTimeZone.utc()
    ).toTimeZone(fmt.zone)
    day = qt.date()
    return fmt.date(date(day.year(), day.month(), day.day()))


def verdict_text(verdict: LineVerdict, window_days: int, fmt: StoreFormat) -> str:
    """Whether a line can come back, and why, in plain words."""
    until = store_date(verdict.deadline, fmt)
    match verdict.code:
        case "returnable":
            text = ReturnWords.tr("Returnable until {date}").format(date=until)
        case "past_window":
            text = ReturnWords.tr(
                "Past the {window}-day window by %n day(s): a manager may approve", "", verdict.days_late
            ).format(window=window_days)
        case "final_sale":
            return ReturnWords.tr("Final sale: cannot be returned")
        case "all_returned":
            return ReturnWords.tr("Already returned in full")
        case "not_received":
            return ReturnWords.tr("Not received by the customer yet: nothing to take back")
        case "no_receipt_refused":
            return ReturnWords.tr("Without a receipt: cannot be returned. Scan the receipt or order code.")
        case "order_cancelled":
            return ReturnWords.tr("The order was cancelled: nothing to take back")
        case "order_unpaid":
            return ReturnWords.tr("The order is not paid: nothing to take back")
        case _:
            return ReturnWords.tr("Cannot be returned")
    if verdict.no_receipt == "store_credit":
        text += " · " + ReturnWords.tr("Without a receipt: store credit only")
    elif verdict.no_receipt == "manager":
        text += " · " + ReturnWords.tr("Without a receipt: a manager must approve")
    return text


def approval_reasons_text(reasons: tuple[str, ...]) -> str:
    """ "A manager must approve: …" with each reason."""
    words = "; ".join(approval_reason_words(reason) for reason in reasons)
    return ReturnWords.tr("A manager must approve: {reasons}.").format(reasons=words)


def refusal_text(code: str, params: Mapping[str, str | int], fmt: StoreFormat | None = None) -> str:
    """A return the policy, this tablet or the back office refused, by its code."""
    return result_sentence(code, params, fmt, returning=True)


def return_failure(error: BaseException, *, doing: str, fmt: StoreFormat | None = None) -> str:
    """Any failure of a returns action, as the sentence the page shows."""
    if isinstance(error, ReturnNotFound):
        log.info("%s: order not found (%s)", doing, error.code)
        return not_found_text(error)
    if isinstance(error, ReturnNotPossible | ReturnInvalid):
        log.info("%s refused on this tablet: %s", doing, error.code)
        return refusal_text(error.code, error.params, fmt)
    if isinstance(error, ApprovalRefused):
        log.info("%s refused: %s", doing, error.code)
        return approval_refused_text(error.code)
    return describe_failure(error, doing=doing)


def not_found_text(error: ReturnNotFound) -> str:
    number = error.order_number or ""
    match error.code:
        case "not_on_tablet":
            return ReturnWords.tr(
                "The back office cannot be reached, and this tablet has not opened that order before. "
                "Try again when it is online."
            )
        case "order_of_another_customer":
            return result_sentence("order_of_another_customer", {"order_number": number})
        case _ if number:
            return ReturnWords.tr("There is no order #{number}. Check the number on the receipt.").format(
                number=number
            )
    return ReturnWords.tr("There is no such order. Check the number on the receipt.")


def approval_refused_text(code: str) -> str:
    """Why a manager's approval was not recorded."""
    match code:
        case "offline":
            return ReturnWords.tr(
                "A manager's approval needs the back office, which cannot be reached now. "
                "Try again in a moment, or take the return later."
            )
        case "pin_wrong" | "sign_in_refused":
            return ReturnWords.tr("That badge, staff number or PIN was not accepted. Try again.")
        case "too_many_attempts":
            return problem_sentence("too_many_sign_in_attempts")
        case "manager_missing":
            return ReturnWords.tr("The manager scans their badge, or types their staff number.")
        case "pin_invalid":
            return ReturnWords.tr("The manager's PIN has 4 to 8 digits.")
        case "reason_missing":
            return ReturnWords.tr("Say in a few words why the return is approved.")
    return problem_sentence(code)
