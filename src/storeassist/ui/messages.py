"""Turn an exception from a service into one calm sentence for the associate (style.md §6, §15).

Words are made here, where they are read: a refusal from the hub (a ``HubError`` carrying its
``Problem``) and a code that cannot be trusted (``TokenError``, whether this tablet or the hub
found it) are worded from their stable ``code`` with ``QCoreApplication.translate`` on literal
strings, so ``pyside6-lupdate`` finds every one; a code this tablet does not know yet gets a
general sentence, never the hub's English. Other known environment errors carry their own
person-readable text (``user_message``). Anything else is a bug: it is logged with its type and
traceback (not its text) for the crash report, and the person sees a general sentence — never a
traceback.
"""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QCoreApplication

from storeassist.contract import Problem
from storeassist.domain.pickups import HandoverInvalid, PickupNotHere
from storeassist.domain.scan_codes import ScanRejected
from storeassist.domain.tokens import TokenError, TokenKind, WrongKind
from storeassist.ui.overlay_pages import result_sentence

log = logging.getLogger("storeassist.ui")


def describe_failure(error: BaseException, *, doing: str) -> str:
    """``doing`` names the action for the log ("customer lookup"); it is not shown."""
    if isinstance(error, TokenError):
        return token_sentence(error)
    if isinstance(error, ScanRejected):
        return QCoreApplication.translate("domain", str(error.args[0]))
    if isinstance(error, PickupNotHere):
        log.info("%s: not a pickup of this store", doing)
        if not error.order_number:  # a scanned code names the order by its id only
            return QCoreApplication.translate(
                "domain",
                "This order is not waiting for pickup at this store. "
                "Check the store the customer chose for collection.",
            )
        return QCoreApplication.translate(
            "domain",
            "Order #{number} is not waiting for pickup at this store. "
            "Check the order number, or the store the customer chose.",
        ).format(number=error.order_number)
    if isinstance(error, HandoverInvalid):
        log.info("%s refused on this tablet: %s", doing, error.code)
        return result_sentence(error.code, error.params)
    problem = getattr(error, "problem", None)
    if isinstance(problem, Problem):
        log.info("%s refused by the back office: %s", doing, problem.code)
        return problem_sentence(problem.code)
    user_message = getattr(error, "user_message", None)
    if isinstance(user_message, str) and user_message:
        log.info("%s failed: %s", doing, type(error).__name__)
        # Sentences marked QT_TRANSLATE_NOOP("messages", …) where they are written (storeassist.words).
        return QCoreApplication.translate("messages", user_message)
    # The traceback says where the bug is; the exception's text is left out because it may
    # quote a customer's data or a scanned payload (pydantic errors echo their input).
    where = "".join(traceback.format_tb(error.__traceback__))
    log.error("%s failed unexpectedly with %s\n%s", doing, type(error).__name__, where)
    return QCoreApplication.translate(
        "messages", "Something went wrong on this tablet. Try again; if it keeps happening, tell a manager."
    )


def token_sentence(error: TokenError) -> str:
    """Why a scanned code is not accepted, from the error's ``code`` (the hub's, or this tablet's)."""
    if isinstance(error, WrongKind):
        match error.kind:
            case TokenKind.ORDER:
                return QCoreApplication.translate(
                    "domain", "This is an order code; it does not belong on this screen."
                )
            case TokenKind.STAFF_BADGE:
                return QCoreApplication.translate(
                    "domain", "This is a staff badge; it does not belong on this screen."
                )
            case TokenKind.HANDOVER_RECEIPT:
                return QCoreApplication.translate(
                    "domain", "This is a pickup receipt; it does not belong on this screen."
                )
            case TokenKind.PURCHASE_RECEIPT:
                return QCoreApplication.translate(
                    "domain", "This is a purchase receipt; it does not belong on this screen."
                )
            case TokenKind.RETURN_RECEIPT:
                return QCoreApplication.translate(
                    "domain", "This is a return receipt; it does not belong on this screen."
                )
            case _:
                return QCoreApplication.translate(
                    "domain", "This is a loyalty code; it does not belong on this screen."
                )
    return _code_sentence(error.code) or QCoreApplication.translate(
        "domain", "This code is not a StoreAssist code."
    )


def problem_sentence(code: str) -> str:
    """A refusal from the hub, worded from its problem ``code``."""
    sentence = _code_sentence(code)
    if sentence is not None:
        return sentence
    match code:
        case "customer_not_found":
            return QCoreApplication.translate("hub", "The back office has no record of this customer.")
        case "order_not_found":
            return QCoreApplication.translate(
                "hub", "There is no order with that number. Check it and try again."
            )
        case "product_not_found":
            return QCoreApplication.translate("hub", "No product has that SKU or barcode.")
        case "not_found":
            return QCoreApplication.translate(
                "hub", "The back office has no record of that. It may have been removed."
            )
        case "store_not_found":
            return QCoreApplication.translate(
                "hub",
                "The back office does not know this tablet's store. Ask a manager to enrol the tablet again.",
            )
        case "wrong_store":
            return QCoreApplication.translate(
                "hub", "That belongs to another store, so this tablet cannot open it."
            )
        case "unknown_staff":
            return QCoreApplication.translate("hub", "The back office does not know that staff member.")
        case "not_a_manager":
            return QCoreApplication.translate(
                "hub",
                "Only a manager can approve this. Ask a manager to scan their badge or type their number.",
            )
        case "order_of_another_customer":
            return QCoreApplication.translate(
                "hub", "That order belongs to another customer, so it cannot be opened for this one."
            )
        case "unknown_order":
            return QCoreApplication.translate(
                "hub", "There is no order with that number or code. Check it and try again."
            )
        case "pin_required":
            return QCoreApplication.translate("hub", "Enter your PIN as well to finish signing in.")
        case "sign_in_refused":
            return QCoreApplication.translate("hub", "That badge or PIN was not accepted.")
        case "sign_in_wrong_store":
            return QCoreApplication.translate(
                "hub", "Staff of another store cannot sign in on this store's tablet."
            )
        case "too_many_sign_in_attempts":
            return QCoreApplication.translate(
                "hub", "Too many sign-in attempts. Wait a few minutes, then try again."
            )
        case "too_many_reads":
            return QCoreApplication.translate(
                "hub", "Too many customers were opened in a short time. Wait a minute, then try again."
            )
        case "enroll_code_invalid":
            return QCoreApplication.translate(
                "hub", "That enrollment code is not valid. Check it, or ask for a new one."
            )
        case "enroll_code_used":
            return QCoreApplication.translate(
                "hub", "That enrollment code was already used. Ask for a new one."
            )
        case "enroll_code_expired":
            return QCoreApplication.translate("hub", "That enrollment code has expired. Ask for a new one.")
        case "device_revoked":
            return QCoreApplication.translate(
                "hub", "This device's enrollment was revoked. Ask a manager for a new enrollment code."
            )
        case "unauthorized":
            return QCoreApplication.translate(
                "hub", "This tablet is not signed in to the back office. Ask a manager to enrol it again."
            )
        case "staff_session_required" | "staff_session_invalid" | "staff_session_ended":
            return QCoreApplication.translate(
                "hub", "Sign in first: scan your staff badge, or enter your staff number and PIN."
            )
        case (
            "invalid_request"
            | "invalid"
            | "bad_request"
            | "malformed_json"
            | "body_too_large"
            | "body_too_deep"
            | "unknown_parameter"
            | "number_out_of_range"
            | "input_too_deep"
        ):
            return QCoreApplication.translate(
                "hub",
                "The back office could not read this request. Update StoreAssist on this tablet; "
                "if it keeps happening, tell a manager.",
            )
    return QCoreApplication.translate(
        "hub", "The back office refused this request. Try again; if it keeps happening, tell a manager."
    )


def _code_sentence(code: str) -> str | None:
    """A scanned code's refusal (``storeassist.domain.tokens``), by its code."""
    match code:
        case "token_malformed":
            return QCoreApplication.translate(
                "domain", "This code could not be read. Ask the customer to show it again."
            )
        case "token_forged":
            return QCoreApplication.translate(
                "domain", "This code's signature does not check out. It was not issued by us."
            )
        case "token_unknown_key":
            return QCoreApplication.translate(
                "domain", "This code was signed with a key this device does not know. Sync, then scan again."
            )
        case "token_expired":
            return QCoreApplication.translate(
                "domain", "This code has expired. Ask the customer to refresh the code in their app."
            )
        case "token_revoked":
            return QCoreApplication.translate(
                "domain",
                "This loyalty card has been replaced or cancelled. Look the customer up by name or phone.",
            )
        case "badge_revoked":
            return QCoreApplication.translate(
                "domain",
                "This staff badge has been replaced or cancelled. Sign in with your staff number and PIN, "
                "and ask a manager for a new badge.",
            )
        case "token_wrong_kind":
            return QCoreApplication.translate(
                "domain", "This is a valid code, but not the kind this screen takes."
            )
        case "token_invalid":
            return QCoreApplication.translate("domain", "This code is not a StoreAssist code.")
    return None
