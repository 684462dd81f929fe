"""A profile reads as its store writes: money, numbers, dates and times in the store's locale and
time zone, and sentences made on the tablet from the hub's codes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from storeassist.contract import Alert, CartItem, CustomerProfile, TimelineEntry
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.hub_words import alert_heading, alert_text, timeline_words
from storeassist.ui.profile_view import ProfileView

pytestmark = pytest.mark.gui

#: 09:15 UTC on a Monday in November: 10:15 in Berlin (CET), 04:15 in New York (EST).
SEEN = datetime(2026, 11, 2, 9, 15, tzinfo=UTC)
BERLIN = StoreFormat("de_DE", "EUR", "Europe/Berlin")
UNION_SQUARE = StoreFormat("en_US", "USD", "America/New_York")


def _profile(base: CustomerProfile, currency: str) -> CustomerProfile:
    return base.model_copy(
        update={
            "currency": currency,
            "abandoned_cart": [
                CartItem(
                    sku="S-1", product_name="Rain jacket", price_cents=1_950, added_at=SEEN, channel="web"
                )
            ],
            "timeline": [
                TimelineEntry(
                    at=SEEN - timedelta(days=1),
                    kind="order",
                    channel="web",
                    code="order_placed",
                    params={"number": "W7", "items": 1, "total": 1_950, "status": "delivered"},
                    ref="W7",
                )
            ],
        }
    )


def _show(qtbot: QtBot, profile: CustomerProfile, fmt: StoreFormat) -> ProfileView:
    view = ProfileView()
    qtbot.addWidget(view)
    view.set_store_format(fmt)
    view.show_profile(profile, source="online", as_of=SEEN)
    return view


def _cart_line(view: ProfileView) -> str:
    return next(row.detail for row in view.cart_model.rows() if "added" in row.detail)


def test_a_profile_in_a_berlin_store_shows_euros_german_numbers_and_berlin_time(
    qtbot: QtBot, profile_factory
) -> None:
    view = _show(qtbot, _profile(profile_factory(), "EUR"), BERLIN)

    line = _cart_line(view)
    assert line.startswith("19,50\xa0€ · ")
    assert "10:15" in line, "added at 09:15 UTC, 10:15 on the store's clock"
    assert view.points.text() == "12.480 points"
    assert "Member since 1. Apr. 2019" in view.membership.text()
    assert "Lifetime value 1.834,00\xa0€" in view.membership.text()
    title, detail = view.timeline_model.data(view.timeline_model.index(0)).splitlines()
    assert title == "Order #W7"
    assert "1 item(s), 19,50\xa0€ — delivered" in detail and "10:15" in detail


def test_the_same_profile_in_union_square_shows_dollars_and_new_york_time(
    qtbot: QtBot, profile_factory
) -> None:
    view = _show(qtbot, _profile(profile_factory(), "USD"), UNION_SQUARE)

    line = _cart_line(view)
    assert line.startswith("$19.50 · ")
    assert "4:15\u202fAM" in line
    assert view.points.text() == "12,480 points"
    assert "Member since Apr 1, 2019" in view.membership.text()
    assert "Lifetime value $1,834.00" in view.membership.text()


def test_a_new_store_format_rewrites_the_profile_on_screen(qtbot: QtBot, profile_factory) -> None:
    view = _show(qtbot, _profile(profile_factory(), "EUR"), UNION_SQUARE)
    assert _cart_line(view).startswith("€19.50 · "), "the profile's own currency, in the store's style"

    view.set_store_format(BERLIN)

    assert _cart_line(view).startswith("19,50\xa0€ · ")
    assert "1.834,00\xa0€" in view.membership.text()
    assert "19,50\xa0€" in view.timeline_model.data(view.timeline_model.index(0))


def test_a_view_nobody_set_a_format_for_writes_like_a_us_store_in_utc(qtbot: QtBot, profile_factory) -> None:
    view = ProfileView()
    qtbot.addWidget(view)
    view.show_profile(_profile(profile_factory(), "USD"), source="online", as_of=SEEN)
    assert view.store_format() == StoreFormat("en_US", "USD", "UTC")
    assert "9:15\u202fAM" in _cart_line(view)


def test_dates_keep_the_order_and_marks_of_each_locale() -> None:
    day = date(2019, 4, 1)
    assert [StoreFormat(locale).date(day) for locale in ("en_US", "de_DE", "en_GB", "zh_CN")] == [
        "Apr 1, 2019",
        "1. Apr. 2019",
        "1 Apr 2019",
        "2019年4月1日",
    ]
    assert StoreFormat("ru_RU").money(123_456_78, "RUB") == "123\xa0456,78\xa0₽"


def test_an_unknown_time_zone_shows_utc_instead_of_failing() -> None:
    fmt = StoreFormat("en_GB", "GBP", "Mars/Olympus_Mons")
    assert fmt.time(SEEN, now=SEEN) == "09:15"


def test_alerts_unknown_to_this_build_or_missing_parameters_get_a_general_sentence() -> None:
    general = "Something needs attention for this customer: check their history before you help."
    newer = Alert(
        kind="service_case", severity="info", code="loyalty_points_expiring", params={"points": 300}
    )
    broken = Alert(kind="pickup_expiring", severity="warning", code="pickup_expiring", params={"hours": 2})
    assert alert_text(newer, UNION_SQUARE) == general
    assert alert_text(broken, UNION_SQUARE) == general
    assert alert_heading(broken) == "Take care: Pickup about to expire"
    today = Alert(
        kind="service_case", severity="critical", code="service_case", params={"subject": "Refund", "days": 0}
    )
    assert alert_text(today, UNION_SQUARE) == (
        "Support case “Refund” opened today: apologise and offer to check its status"
    )


def test_timeline_entries_unknown_to_this_build_say_what_kind_they_are() -> None:
    newer = TimelineEntry(at=SEEN, kind="order", channel="app", code="order_split", params={"parts": 2})
    broken = TimelineEntry(at=SEEN, kind="return", channel="store", code="order_returned", params={})
    assert timeline_words(newer, UNION_SQUARE) == ("Order", "")
    assert timeline_words(broken, UNION_SQUARE) == ("Return", "")
    refund = TimelineEntry(
        at=SEEN,
        kind="return",
        channel="store",
        code="order_returned",
        params={"number": "S9", "refund": 4_500, "reason": "too_small"},
    )
    assert timeline_words(refund, BERLIN, "EUR") == ("Return on order #S9", "Refund 45,00\xa0€ — too small")


def test_a_pickup_notice_the_hub_recorded_says_what_the_customer_was_told_and_how() -> None:
    def notice(what: str, channel: str) -> TimelineEntry:
        params: dict[str, str | int] = {"notice": what, "channel": channel, "number": "W42"}
        return TimelineEntry(at=SEEN, kind="pickup", channel="web", code="customer_notified", params=params)

    assert timeline_words(notice("ready", "sms"), UNION_SQUARE) == (
        "Told order #W42 is ready to collect",
        "By text message",
    )
    assert timeline_words(notice("collected", "email"), UNION_SQUARE) == (
        "Told order #W42 was collected",
        "By e-mail",
    )
    assert timeline_words(notice("reminder", "none"), UNION_SQUARE)[1] == (
        "Not sent: the customer has not agreed to any channel"
    )
    assert timeline_words(notice("refund_due", "push"), UNION_SQUARE) == (
        "Sent a notice about order #W42",
        "By app notification",
    )
