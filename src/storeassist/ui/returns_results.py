"""Why a return was not taken back, in words: the sentences for the returns' result codes (the
hub's, ``contract.RESULT_CODES``; the policy's, ``domain.returns.RETURN_REFUSALS``) and for the
tablet's own refusals (``domain.return_desk.ReturnNotPossible``).

:func:`storeassist.ui.overlay_pages.result_sentence` asks :func:`return_result_template` for a
code it does not word itself, so a refused ``return.take`` reads the same under Needs attention
as on the Returns screen. Each sentence is a literal in ``QCoreApplication.translate`` (context
``AttentionPage``, beside the other results), or, when it counts, in ``ReturnResults.tr`` (``%n``),
so ``pyside6-lupdate`` finds it; the params a sentence shows are worded by
:func:`worded_return_params` (money, the approval's reasons).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication

from storeassist.ui.formatting import CountingWords, StoreFormat


class ReturnResults(CountingWords):
    """The context of the returns' sentences that count (``%n``)."""


#: Params that are amounts in minor units of the store's currency.
_MONEY_PARAMS = ("shown", "decided", "cap_cents")


def approval_reason_words(reason: str) -> str:
    """Why a manager must approve (``domain.returns.ApprovalReason``), as a phrase in a list."""
    match reason:
        case "past_window":
            return QCoreApplication.translate("AttentionPage", "it is past the return window")
        case "condition_not_accepted":
            return QCoreApplication.translate(
                "AttentionPage", "an item comes back in a condition the policy does not take"
            )
        case "above_manager_limit":
            return QCoreApplication.translate(
                "AttentionPage", "it is above the amount an associate may refund"
            )
        case "no_receipt":
            return QCoreApplication.translate("AttentionPage", "there is no receipt")
    return QCoreApplication.translate("AttentionPage", "the return policy asks for it")


def worded_return_params(params: Mapping[str, str | int], fmt: StoreFormat | None) -> dict[str, str | int]:
    """The returns' params as a sentence shows them: amounts as money, reasons as words."""
    shown = dict(params)
    writer = fmt or StoreFormat()
    for name in _MONEY_PARAMS:
        value = params.get(name)
        if isinstance(value, int) or (isinstance(value, str) and value.lstrip("-").isdigit()):
            shown[name] = writer.money(int(value))
    reasons = params.get("reasons")
    if isinstance(reasons, str):
        words = [approval_reason_words(reason.strip()) for reason in reasons.split(",") if reason.strip()]
        shown["reasons"] = "; ".join(words)
    return shown


def _count(params: Mapping[str, str | int], name: str) -> int | None:
    """A count among the params (a JSON number, or its digits); None when it is not one."""
    value = params.get(name)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def return_result_template(code: str | None, params: Mapping[str, str | int]) -> str | None:
    """The sentence for a returns' ``code``, with ``{name}`` where a param goes; None for another code.
    A code the pickups share (``order_unpaid``) is worded here for a return."""
    match code:
        case "order_unpaid":
            return QCoreApplication.translate(
                "AttentionPage",
                "Order #{order_number} was never paid for, so nothing on it can be paid back.",
            )
        case "order_cancelled":
            return QCoreApplication.translate(
                "AttentionPage", "Order #{order_number} was cancelled, so nothing on it can be taken back."
            )
        case "nothing_to_return":
            return QCoreApplication.translate(
                "AttentionPage", "Nothing was chosen to take back from order #{order_number}."
            )
        case "final_sale":
            return QCoreApplication.translate(
                "AttentionPage",
                "{sku} (line {line_no}) on order #{order_number} was a final sale: it cannot be taken back, "
                "and no manager can override that.",
            )
        case "more_than_returnable" if params.get("returnable") == 0:
            return QCoreApplication.translate(
                "AttentionPage",
                "Line {line_no} of order #{order_number} was already taken back in full, here or in "
                "another store. Nothing was paid back twice; check with the customer.",
            )
        case "more_than_returnable" if (asked := _count(params, "asked")) is not None:
            return ReturnResults.tr(
                "%n unit(s) of line {line_no} of order #{order_number} were asked back, but only "
                "{returnable} can still be taken back. Nothing was paid back twice; check with the "
                "customer.",
                "",
                asked,
            )
        case "no_receipt_refused":
            return QCoreApplication.translate(
                "AttentionPage",
                "{sku} (line {line_no}) on order #{order_number} is only taken back with its receipt: "
                "scan the receipt or the order code from the customer's e-mail or app.",
            )
        case "order_of_another_customer":
            return QCoreApplication.translate(
                "AttentionPage",
                "Order #{order_number} belongs to another customer, so it cannot be taken back for this one.",
            )
        case "receipt_not_of_order":
            return QCoreApplication.translate(
                "AttentionPage",
                "The receipt code given is not a valid code of order #{order_number}. "
                "Scan the order's own receipt, or take it back without a receipt.",
            )
        case "approval_required":
            return QCoreApplication.translate(
                "AttentionPage",
                "The return of order #{order_number} needs a manager's approval ({reasons}). "
                "Do it again with a manager at the tablet.",
            )
        case "approval_not_valid":
            return QCoreApplication.translate(
                "AttentionPage",
                "The manager's approval of the return of order #{order_number} had expired or was "
                "already used. Ask the manager to approve it again.",
            )
        case "paid_back_differs":
            return QCoreApplication.translate(
                "AttentionPage",
                "The tablet showed {shown} to pay back for order #{order_number}, but the back office "
                "works out {decided}. Nothing was paid back; check the order and do it again.",
            )
        case "exchange_not_same_style":
            return QCoreApplication.translate(
                "AttentionPage",
                "{sku} is not another size or colour of the item returned on order #{order_number}, "
                "so it cannot be given in exchange.",
            )
        case "exchange_price_differs":
            return QCoreApplication.translate(
                "AttentionPage",
                "{sku} costs a different amount from the item returned on order #{order_number}: "
                "an exchange is for the same price only. Refund it instead.",
            )
        case "exchange_out_of_stock" if params.get("available") == 0:
            return QCoreApplication.translate(
                "AttentionPage",
                "{sku} is no longer on sale here, so it was not given in exchange on order "
                "#{order_number}. Choose another size or colour, or order it from elsewhere.",
            )
        case "exchange_out_of_stock" if (available := _count(params, "available")) is not None:
            return ReturnResults.tr(
                "Only %n of {sku} on sale here, not enough to give in exchange on order #{order_number}.",
                "",
                available,
            )
        case "offline_needs_manager":  # the tablet's own check (domain.return_desk.ReturnNotPossible)
            return QCoreApplication.translate(
                "AttentionPage",
                "The back office cannot be reached, and this return needs a manager's approval, which "
                "only the back office can record. Take it back when the tablet is online again.",
            )
        case "offline_over_cap" if "order_number" in params:  # the hub's, of a return queued offline
            return QCoreApplication.translate(
                "AttentionPage",
                "The return of order #{order_number} was taken while the tablet was offline, but it is "
                "above the {cap_cents} a tablet may take back offline, or needs a manager's approval. "
                "Nothing was paid back; do it again with the tablet online.",
            )
        case "offline_over_cap":
            return QCoreApplication.translate(
                "AttentionPage",
                "The back office cannot be reached: this tablet takes back at most {cap_cents} while "
                "offline. Take this return when the tablet is online again.",
            )
        case "amount_out_of_range":
            return QCoreApplication.translate(
                "AttentionPage",
                "That amount is not one a return can have. Check the quantities and do it again.",
            )
        case "signed_out":
            return QCoreApplication.translate(
                "AttentionPage", "Nobody is signed in any more. Sign in and take the return again."
            )
    return None
