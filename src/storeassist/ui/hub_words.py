"""The words for what the hub sends as codes: alerts, timeline entries, channels, states, reasons.

The hub says what happened as a code with parameters (``contract.Alert``, ``TimelineEntry``, and
why it suggests a product, ``Recommendation.reason_code``);
this module says it to the associate (style.md §15). Every sentence is a literal in a
``HubWords.tr(...)`` call, so ``pyside6-lupdate`` extracts it under the context ``HubWords``;
counts use Qt's ``%n`` plurals. There is one function per code; a code this build does not know,
or one whose parameters are missing, becomes a general sentence rather than the code itself.
Amounts and numbers are written by :class:`~storeassist.ui.formatting.StoreFormat`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from PySide6.QtCore import QCoreApplication, QObject

from storeassist.contract import Alert, Recommendation, TimelineEntry
from storeassist.ui.formatting import StoreFormat

log = logging.getLogger("storeassist.ui")

Params = Mapping[str, str | int]


class HubWords(QObject):
    """The translation context of these words; never instantiated."""

    @classmethod
    def tr(cls, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        """``QObject.tr`` under this context, callable on the class (``HubWords.tr("…")``, which is
        what ``pyside6-lupdate`` reads as the context)."""
        return QCoreApplication.translate("HubWords", source, disambiguation, n)


class _Missing(Exception):
    """A parameter the sentence needs is absent or of the wrong kind."""


def _text(params: Params, name: str) -> str:
    value = params.get(name)
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _Missing(name)


def _whole(params: Params, name: str) -> int:
    value = params.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _Missing(name)


# -- labels --------------------------------------------------------------------------------------


def channel_label(channel: str) -> str:
    """A sales channel in words an associate would say ("Web shop", "App", …)."""
    labels = {
        "web": HubWords.tr("Web shop"),
        "app": HubWords.tr("App"),
        "store": HubWords.tr("Store"),
        "marketplace": HubWords.tr("Marketplace"),
        "support": HubWords.tr("Customer service"),
    }
    return labels.get(channel, channel)


def kind_label(kind: str) -> str:
    """What a timeline entry is ("Order", "Return" …)."""
    labels = {
        "order": HubWords.tr("Order"),
        "return": HubWords.tr("Return"),
        "pickup": HubWords.tr("Pickup order"),
        "case": HubWords.tr("Support case"),
        "review": HubWords.tr("Review"),
        "view": HubWords.tr("Product viewed"),
        "cart": HubWords.tr("Cart"),
    }
    return labels.get(kind, HubWords.tr("Activity"))


def order_state_label(state: str) -> str:
    """An order's status or a pickup's state, as a code from the hub, in words."""
    labels = {
        "placed": HubWords.tr("placed"),
        "open": HubWords.tr("open"),
        "picking": HubWords.tr("being picked"),
        "processing": HubWords.tr("being prepared"),
        "ready": HubWords.tr("ready for pickup"),
        "ready_for_pickup": HubWords.tr("ready for pickup"),
        "partially_collected": HubWords.tr("partly collected"),
        "collected": HubWords.tr("collected"),
        "completed": HubWords.tr("completed"),
        "shipped": HubWords.tr("shipped"),
        "delivered": HubWords.tr("delivered"),
        "late": HubWords.tr("running late"),
        "failed": HubWords.tr("delivery failed"),
        "expired": HubWords.tr("expired"),
        "cancelled": HubWords.tr("cancelled"),
    }
    return labels.get(state, state.replace("_", " "))


def return_reason_label(reason: str) -> str:
    labels = {
        "too_small": HubWords.tr("too small"),
        "too_large": HubWords.tr("too large"),
        "changed_mind": HubWords.tr("changed their mind"),
        "damaged": HubWords.tr("damaged"),
        "not_as_described": HubWords.tr("not as described"),
        "late_delivery": HubWords.tr("arrived late"),
        # The counter's reasons (``domain.returns.ReturnReason``).
        "wrong_size": HubWords.tr("wrong size"),
        "arrived_damaged": HubWords.tr("arrived damaged"),
        "defective": HubWords.tr("faulty"),
        "other": HubWords.tr("another reason"),
    }
    return labels.get(reason, reason.replace("_", " "))


def case_status_label(status: str) -> str:
    labels = {
        "open": HubWords.tr("open"),
        "pending": HubWords.tr("waiting for an answer"),
        "resolved": HubWords.tr("resolved"),
    }
    return labels.get(status, status.replace("_", " "))


# -- alerts --------------------------------------------------------------------------------------


def alert_heading(alert: Alert) -> str:
    """How serious, and what kind: "Urgent: Open support case"."""
    severity = {
        "critical": HubWords.tr("Urgent"),
        "warning": HubWords.tr("Take care"),
        "info": HubWords.tr("Good to know"),
    }.get(alert.severity, HubWords.tr("Good to know"))
    what = {
        "service_case": HubWords.tr("Open support case"),
        "late_delivery": HubWords.tr("Delivery problem"),
        "negative_review": HubWords.tr("Unhappy review"),
        "low_sentiment": HubWords.tr("Unhappy support contact"),
        "pickup_expiring": HubWords.tr("Pickup about to expire"),
    }.get(alert.kind, HubWords.tr("Something to check"))
    return HubWords.tr("{severity}: {what}").format(severity=severity, what=what)


def alert_text(alert: Alert, fmt: StoreFormat) -> str:
    """What happened and what to say about it, from the alert's code and parameters."""
    sentence = _ALERT_SENTENCES.get(alert.code)
    if sentence is not None:
        try:
            return sentence(alert.params, fmt)
        except (_Missing, KeyError, IndexError, ValueError) as problem:
            log.warning("alert %s could not be worded: %s", alert.code, type(problem).__name__)
    return HubWords.tr("Something needs attention for this customer: check their history before you help.")


def _service_case(p: Params, fmt: StoreFormat) -> str:
    subject, days = _text(p, "subject"), _whole(p, "days")
    if days == 0:
        return HubWords.tr(
            "Support case “{subject}” opened today: apologise and offer to check its status"
        ).format(subject=subject)
    return HubWords.tr(
        "Support case “{subject}” open for %n day(s): apologise and offer to check its status", "", days
    ).format(subject=subject)


def _late_delivery(p: Params, fmt: StoreFormat) -> str:
    number, channel, days = _text(p, "number"), channel_label(_text(p, "channel")), _whole(p, "days")
    if days == 0:
        return HubWords.tr(
            "{channel} order #{number} is running late (placed today): "
            "apologise and offer to check where it is"
        ).format(channel=channel, number=number)
    return HubWords.tr(
        "{channel} order #{number} is running late (placed %n day(s) ago): "
        "apologise and offer to check where it is",
        "",
        days,
    ).format(channel=channel, number=number)


def _failed_delivery(p: Params, fmt: StoreFormat) -> str:
    return HubWords.tr(
        "Delivery of order #{number} failed: apologise and offer to reship it or to refund"
    ).format(number=_text(p, "number"))


def _negative_review(p: Params, fmt: StoreFormat) -> str:
    product, rating, days = _text(p, "product"), fmt.number(_whole(p, "rating")), _whole(p, "days")
    if days == 0:
        return HubWords.tr(
            "Left a {rating}-star review of {product} today: ask what went wrong and offer help"
        ).format(rating=rating, product=product)
    return HubWords.tr(
        "Left a {rating}-star review of {product} %n day(s) ago: ask what went wrong and offer help", "", days
    ).format(rating=rating, product=product)


def _low_sentiment(p: Params, fmt: StoreFormat) -> str:
    subject, days = _text(p, "subject"), _whole(p, "days")
    if days == 0:
        return HubWords.tr("Was unhappy when contacting support today (“{subject}”): take extra care").format(
            subject=subject
        )
    return HubWords.tr(
        "Was unhappy when contacting support %n day(s) ago (“{subject}”): take extra care", "", days
    ).format(subject=subject)


def _pickup_expiring(p: Params, fmt: StoreFormat) -> str:
    number, hours = _text(p, "number"), _whole(p, "hours")
    if hours == 0:
        return HubWords.tr(
            "Pickup order #{number} is ready here and expires within the hour: offer to hand it over now"
        ).format(number=number)
    return HubWords.tr(
        "Pickup order #{number} is ready here and expires in %n hour(s): offer to hand it over now", "", hours
    ).format(number=number)


_ALERT_SENTENCES: dict[str, Callable[[Params, StoreFormat], str]] = {
    "service_case": _service_case,
    "late_delivery": _late_delivery,
    "failed_delivery": _failed_delivery,
    "negative_review": _negative_review,
    "low_sentiment": _low_sentiment,
    "pickup_expiring": _pickup_expiring,
}


# -- timeline ------------------------------------------------------------------------------------


def timeline_words(entry: TimelineEntry, fmt: StoreFormat, currency: str | None = None) -> tuple[str, str]:
    """The entry's title and detail ("Order #W1001", "2 items, $58.00 — delivered"). Amounts are
    in ``currency`` (the profile's), else the store's."""
    words = _TIMELINE_WORDS.get(entry.code)
    if words is not None:
        try:
            return words(entry.params, fmt, currency)
        except (_Missing, KeyError, IndexError, ValueError) as problem:
            log.warning("timeline entry %s could not be worded: %s", entry.code, type(problem).__name__)
    return kind_label(entry.kind), ""


def _order_placed(p: Params, fmt: StoreFormat, currency: str | None) -> tuple[str, str]:
    items, total, status = _whole(p, "items"), fmt.money(_whole(p, "total"), currency), _text(p, "status")
    title = HubWords.tr("Order #{number}").format(number=_text(p, "number"))
    detail = HubWords.tr("%n item(s), {total} — {status}", "", items).format(
        total=total, status=order_state_label(status)
    )
    return title, detail


def _order_returned(p: Params, fmt: StoreFormat, currency: str | None) -> tuple[str, str]:
    refund, reason = fmt.money(_whole(p, "refund"), currency), return_reason_label(_text(p, "reason"))
    title = HubWords.tr("Return on order #{number}").format(number=_text(p, "number"))
    return title, HubWords.tr("Refund {amount} — {reason}").format(amount=refund, reason=reason)


def _case_opened(p: Params, fmt: StoreFormat, currency: str | None) -> tuple[str, str]:
    title = HubWords.tr("Support case: {subject}").format(subject=_text(p, "subject"))
    return title, case_status_label(_text(p, "status"))


def _product_reviewed(p: Params, fmt: StoreFormat, currency: str | None) -> tuple[str, str]:
    product = _text(p, "product")
    if "rating" not in p:
        return HubWords.tr("Reviewed {product}").format(product=product), ""
    rating = fmt.number(_whole(p, "rating"))
    return HubWords.tr("Reviewed {product}: {rating}/5").format(product=product, rating=rating), ""


def _product_viewed(p: Params, fmt: StoreFormat, currency: str | None) -> tuple[str, str]:
    return HubWords.tr("Viewed {product}").format(product=_text(p, "product")), ""


def _cart_added(p: Params, fmt: StoreFormat, currency: str | None) -> tuple[str, str]:
    return HubWords.tr("Added {product} to the cart").format(product=_text(p, "product")), ""


def _cart_left(p: Params, fmt: StoreFormat, currency: str | None) -> tuple[str, str]:
    return HubWords.tr("Left {product} in the cart").format(product=_text(p, "product")), ""


def _customer_notified(p: Params, fmt: StoreFormat, currency: str | None) -> tuple[str, str]:
    """A pickup notice the back office recorded for the customer (it sends none itself)."""
    number = _text(p, "number")
    match _text(p, "notice"):
        case "ready":
            title = HubWords.tr("Told order #{number} is ready to collect").format(number=number)
        case "reminder":
            title = HubWords.tr("Reminded to collect order #{number}").format(number=number)
        case "collected":
            title = HubWords.tr("Told order #{number} was collected").format(number=number)
        case "cancelled":
            title = HubWords.tr("Told order #{number} was cancelled in part or in full").format(number=number)
        case _:
            title = HubWords.tr("Sent a notice about order #{number}").format(number=number)
    match _text(p, "channel"):
        case "email":
            detail = HubWords.tr("By e-mail")
        case "sms":
            detail = HubWords.tr("By text message")
        case "push":
            detail = HubWords.tr("By app notification")
        case _:
            detail = HubWords.tr("Not sent: the customer has not agreed to any channel")
    return title, detail


_TIMELINE_WORDS: dict[str, Callable[[Params, StoreFormat, str | None], tuple[str, str]]] = {
    "order_placed": _order_placed,
    "order_returned": _order_returned,
    "case_opened": _case_opened,
    "product_reviewed": _product_reviewed,
    "product_viewed": _product_viewed,
    "cart_added": _cart_added,
    "cart_left": _cart_left,
    "customer_notified": _customer_notified,
}


# -- suggestions ---------------------------------------------------------------------------------


def recommendation_reason(item: Recommendation) -> str:
    """Why the hub suggests this product, in a line ("Goes with the Merino Beanie from their order
    #S10000003", "In their online cart 3 days ago")."""
    sentence = _REASON_SENTENCES.get(item.reason_code)
    if sentence is not None:
        try:
            return sentence(item.reason_params)
        except (_Missing, KeyError, IndexError, ValueError) as problem:
            log.warning(
                "suggestion reason %s could not be worded: %s", item.reason_code, type(problem).__name__
            )
    return HubWords.tr("Suggested for this customer")


def _goes_with_order(p: Params) -> str:
    number = _text(p, "number") if "number" in p else None
    product = _text(p, "product") if "product" in p else None
    if number is not None and product is not None:
        return HubWords.tr("Goes with the {product} from their order #{number}").format(
            product=product, number=number
        )
    if number is not None:
        return HubWords.tr("Goes with their order #{number}").format(number=number)
    if product is not None:
        return HubWords.tr("Goes with the {product} they bought").format(product=product)
    return HubWords.tr("Goes with something they bought")


def _bought_with_viewed(p: Params) -> str:
    if "product" in p:
        return HubWords.tr("Often bought with the {product} they viewed").format(product=_text(p, "product"))
    return HubWords.tr("Often bought with something they viewed")


def _bought_with_carted(p: Params) -> str:
    if "product" in p:
        return HubWords.tr("Often bought with the {product} they put in their cart").format(
            product=_text(p, "product")
        )
    return HubWords.tr("Often bought with something they put in their cart")


def _months(days: int) -> int:
    return max(1, days // 30)


def _left_in_cart(p: Params) -> str:
    days = _whole(p, "days")
    if days == 0:
        return HubWords.tr("In their online cart today")
    if days < 31:
        return HubWords.tr("In their online cart %n day(s) ago", "", days)
    return HubWords.tr("In their online cart %n month(s) ago", "", _months(days))


def _viewed_online(p: Params) -> str:
    views, days = _whole(p, "views"), _whole(p, "days")
    if days < 7:
        return HubWords.tr("Viewed online %n time(s) this week", "", views)
    if days < 31:
        return HubWords.tr("Viewed online %n time(s) this month", "", views)
    when = HubWords.tr("%n month(s) ago", "", _months(days))
    return HubWords.tr("Viewed online %n time(s), most recently {when}", "", views).format(when=when)


def _category_best_seller(p: Params) -> str:
    return HubWords.tr("A best seller in {category}, a category they shop").format(
        category=_text(p, "category")
    )


def _related_category_best_seller(p: Params) -> str:
    return HubWords.tr("A best seller in {category}, which goes with what they shop").format(
        category=_text(p, "category")
    )


def _popular_now(p: Params) -> str:
    return HubWords.tr("Popular right now")


_REASON_SENTENCES: dict[str, Callable[[Params], str]] = {
    "goes_with_order": _goes_with_order,
    "bought_with_viewed": _bought_with_viewed,
    "bought_with_carted": _bought_with_carted,
    "left_in_cart": _left_in_cart,
    "viewed_online": _viewed_online,
    "category_best_seller": _category_best_seller,
    "related_category_best_seller": _related_category_best_seller,
    "popular_now": _popular_now,
}
