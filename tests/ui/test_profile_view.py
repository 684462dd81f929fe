"""The customer profile tells the associate who is in front of them and what to do, on any tablet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from storeassist.contract import (
    Alert,
    CartItem,
    CustomerProfile,
    Hold,
    Order,
    OrderLine,
    Recommendation,
    ServiceCase,
    TimelineEntry,
)
from storeassist.contract.catalog import Product
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.profile_view import ProfileView
from storeassist.ui.resources import load_theme
from storeassist.ui.timeline_model import ICON_NAMES, TimelineModel, channel_icon

pytestmark = pytest.mark.gui

SIZES = [(1280, 800), (800, 1280)]
MIN_TOUCH_PX = 44
NOW = datetime(2026, 11, 2, 9, 15, tzinfo=UTC)
STORES = {1: "Aarhus C", 2: "Aarhus Nord"}
KINDS_AND_CHANNELS: list[tuple[Any, Any]] = [
    ("order", "web"),
    ("view", "app"),
    ("pickup", "app"),
    ("return", "store"),
    ("case", "web"),
    ("review", "marketplace"),
    ("cart", "web"),
    ("order", "store"),
    ("order", "marketplace"),
]
TIMELINE_SIZE = 45
#: What a view is given until the app sets the store's format.
DEFAULT_FORMAT = StoreFormat("en_US", "USD", "UTC")


@pytest.fixture(autouse=True)
def theme(qapp):  # type: ignore[no-untyped-def]
    load_theme(qapp)
    yield
    qapp.setStyleSheet("")


# -- a customer with a lot going on ----------------------------------------------------------


def _order(number: str, state: Any, *, hours_left: int, items: int) -> Order:
    return Order(
        id=int(number[1:]),
        number=number,
        customer_id=42,
        customer_name="Maria Jensen",
        channel="app",
        placed_at=NOW - timedelta(days=2),
        status="open",
        fulfilment="bopis",
        store_id=1,
        pickup_state=state,
        pickup_deadline=NOW + timedelta(hours=hours_left),
        total_cents=12_900 * items,
        lines=[
            OrderLine(line_no=n, sku=f"SKU-{n}", name=f"Item {n}", qty=1, price_cents=12_900)
            for n in range(1, items + 1)
        ],
    )


def _item(name: str, where: Any, *, days_ago: int, channel: Any = "web") -> CartItem:
    return CartItem(
        sku=f"SKU-{name[:4].upper()}",
        product_name=name,
        price_cents=8_995,
        added_at=NOW - timedelta(days=days_ago),
        channel=channel,
        availability=where,
    )


def _entry_words(kind: str, n: int) -> tuple[str, dict[str, str | int]]:
    """The code and parameters the hub sends for an entry of ``kind`` (the n-th of the history)."""
    number = f"W{1000 + n}"
    return {
        "order": ("order_placed", {"number": number, "items": 2, "total": 5_800 + n, "status": "delivered"}),
        "pickup": ("order_placed", {"number": number, "items": 1, "total": 2_900, "status": "ready"}),
        "return": ("order_returned", {"number": number, "refund": 1_950, "reason": "too_small"}),
        "case": ("case_opened", {"subject": "Parcel arrived damaged", "status": "open"}),
        "review": ("product_reviewed", {"product": "Trail running shoes", "rating": 4}),
        "view": ("product_viewed", {"product": "Rain jacket"}),
        "cart": ("cart_added", {"product": "Merino base layer"}),
    }[kind]


def _timeline(count: int = TIMELINE_SIZE) -> list[TimelineEntry]:
    entries = []
    for n in range(count):
        kind, channel = KINDS_AND_CHANNELS[n % len(KINDS_AND_CHANNELS)]
        code, params = _entry_words(kind, n)
        entries.append(
            TimelineEntry(
                at=NOW - timedelta(days=3 * n, hours=n),
                kind=kind,
                channel=channel,
                code=code,
                params=params,
                ref=f"R{n}",
            )
        )
    return entries


def rich_profile(base: CustomerProfile) -> CustomerProfile:
    """``base`` with open pickups, holds, cart, views, cases, alerts of each weight and a long history."""
    return base.model_copy(
        update={
            "alerts": [
                Alert(
                    kind="low_sentiment",
                    severity="info",
                    code="low_sentiment",
                    params={"subject": "Refund not received yet", "days": 12},
                    ref="7",
                ),
                Alert(
                    kind="late_delivery",
                    severity="warning",
                    code="late_delivery",
                    params={"number": "W1001", "channel": "web", "days": 9},
                    ref="W1001",
                ),
                Alert(
                    kind="service_case",
                    severity="critical",
                    code="service_case",
                    params={"subject": "Parcel arrived damaged", "days": 3},
                    ref="9",
                ),
                Alert(
                    kind="pickup_expiring",
                    severity="warning",
                    code="pickup_expiring",
                    params={"number": "A10008104", "hours": 5},
                    ref="A10008104",
                ),
            ],
            "open_pickups": [
                _order("A10008104", "ready", hours_left=5, items=3),
                _order("A10008120", "picking", hours_left=50, items=1),
            ],
            "holds": [
                Hold(
                    id="H-1",
                    sku="SKU-RAIN",
                    product_name="Rain jacket, navy",
                    store_id=2,
                    qty=1,
                    expires_at=NOW + timedelta(hours=30),
                )
            ],
            "abandoned_cart": [
                _item("Trail running shoes", "here", days_ago=1),
                _item("Merino base layer", "out", days_ago=4, channel="app"),
            ],
            "recent_views": [
                _item("Waterproof hiking boots", "nearby", days_ago=0, channel="app"),
                _item("Organic cotton tee", "here", days_ago=2, channel="marketplace"),
                _item("Down vest", "out", days_ago=6),
            ],
            "cases": [
                ServiceCase(
                    id=9,
                    opened_at=NOW - timedelta(days=3),
                    status="open",
                    subject="Damaged parcel",
                    sentiment=-0.6,
                )
            ],
            "timeline": _timeline(),
            "notes": ["Prefers to try shoes in the afternoon", "Allergic to wool"],
        }
    )


def recommendations() -> list[Recommendation]:
    def product(sku: str, name: str, size: str | None) -> Product:
        return Product(
            sku=sku,
            gtin="4006381333931",
            style=sku[:6],
            name=name,
            brand="Harbor",
            category="outdoor",
            price_cents=14_900,
            size=size,
            colour="navy",
        )

    return [
        Recommendation(
            product=product("SKU-TRAIL2", "Trail socks, 3-pack", "39-42"),
            score=0.9,
            reason_code="goes_with_order",
            reason_params={"number": "W1001", "product": "Trail shoes"},
            availability="here",
        ),
        Recommendation(
            product=product("SKU-SHELL", "Lightweight shell jacket", "M"),
            score=0.7,
            reason_code="viewed_online",
            reason_params={"views": 2, "days": 3},
            availability="nearby",
        ),
    ]


# -- helpers ---------------------------------------------------------------------------------


def _view(
    qtbot: QtBot, profile: CustomerProfile, *, source: Any = "online", width: int = 1100
) -> ProfileView:
    view = ProfileView()
    qtbot.addWidget(view)
    view.show_profile(profile, source=source, as_of=profile.as_of, store_names=STORES)
    view.resize(width, 900)
    view.show()
    qtbot.waitExposed(view)
    return view


def _texts(widget: QWidget) -> list[str]:
    return [
        label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget) and label.text()
    ]


def _rows(section: QWidget) -> list[QFrame]:
    return [
        frame
        for frame in section.findChildren(QFrame)
        if frame.property("role") in ("profileRow", "alertBox") and frame.isVisibleTo(section)
    ]


def _row_with(section: QWidget, text: str) -> QFrame:
    matches = [row for row in _rows(section) if any(text in t for t in _texts(row))]
    assert len(matches) == 1, f"{len(matches)} rows mention {text!r}"
    return matches[0]


def _settle() -> None:
    # Nested layouts settle one level per pass.
    for _ in range(5):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


# -- the story -------------------------------------------------------------------------------


def test_header_shows_who_they_are_and_how_to_reach_them(qtbot: QtBot, profile_factory) -> None:
    profile = profile_factory()
    view = _view(qtbot, profile)
    header = _texts(view.card)

    assert view.name.text() == "Maria Jensen"
    assert view.tier.text() == "Gold"
    assert view.points.text() == "12,480 points"
    assert "2,520 more to Platinum" in header
    membership = view.membership.text()
    assert "Member since Apr 1, 2019" in membership
    assert "Lifetime value $1,834.00" in membership
    assert "Preferred store: Aarhus C" in view.shopping.text()
    assert "Prefers: App" in view.shopping.text()
    # Consent in words: who may be sent offers, on which channel.
    assert "May send offers by:" in header
    assert {"✓ E-mail", "✓ Push", "Not by:", "✗ SMS", "✗ Post"} <= set(header)
    assert not view.offline_badge.isVisible()


def test_unknown_store_and_top_tier_are_said_plainly(qtbot: QtBot, profile_factory) -> None:
    base = profile_factory()
    profile = base.model_copy(
        update={
            "loyalty": base.loyalty.model_copy(update={"next_tier": None, "points_to_next": None}),
            "customer": base.customer.model_copy(update={"preferred_store_id": 7}),
        }
    )
    view = ProfileView()
    qtbot.addWidget(view)
    view.show_profile(profile, source="online", as_of=profile.as_of)
    assert "Preferred store: store #7" in view.shopping.text()
    assert view.next_tier.text() == "Top tier"


def test_cached_profile_says_it_may_be_out_of_date(qtbot: QtBot, profile_factory) -> None:
    profile = profile_factory()
    view = _view(qtbot, profile, source="cache")
    assert view.offline_badge.isVisible()
    assert view.offline_badge.text() == (
        f"Offline — as of {DEFAULT_FORMAT.time(profile.as_of)}. Points and orders may have changed since."
    )
    view.show_profile(profile, source="online", as_of=profile.as_of)
    assert not view.offline_badge.isVisible()


def test_alerts_come_first_most_serious_first_with_what_to_say(qtbot: QtBot, profile_factory) -> None:
    view = _view(qtbot, rich_profile(profile_factory()))
    _settle()
    boxes = _rows(view.alerts_section)
    assert [box.property("severity") for box in boxes] == ["critical", "warning", "warning", "info"]
    assert "Urgent: Open support case" in _texts(boxes[0])
    assert (
        "Support case “Parcel arrived damaged” open for 3 day(s): apologise and offer to check its status"
        in _texts(boxes[0])
    )
    assert any("Web shop order #W1001 is running late (placed 9 day(s) ago)" in t for t in _texts(boxes[1]))

    # Right under the header card, above everything else.
    def top(widget: QWidget) -> int:
        return widget.mapTo(view.content, QPoint(0, 0)).y()

    assert top(view.card) < top(view.alerts_section)
    for section in (
        view.pickups_section,
        view.cart_section,
        view.recommendations_section,
        view.notes_section,
    ):
        assert top(view.alerts_section) + view.alerts_section.height() <= top(section)


def test_tapping_an_open_pickup_goes_to_that_pickup(qtbot: QtBot, profile_factory) -> None:
    view = _view(qtbot, rich_profile(profile_factory()))
    row = _row_with(view.pickups_section, "Order #A10008120")
    assert any("1 item(s)" in t and "being picked" in t for t in _texts(row))
    (button,) = row.findChildren(QPushButton)
    with qtbot.waitSignal(view.pickup_requested) as tapped:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert tapped.args == ["A10008120"]

    # The alert about the pickup that is about to expire leads there too.
    alert = _row_with(view.alerts_section, "Pickup about to expire")
    with qtbot.waitSignal(view.pickup_requested) as tapped:
        qtbot.mouseClick(alert.findChildren(QPushButton)[0], Qt.MouseButton.LeftButton)
    assert tapped.args == ["A10008104"]


def test_holds_cart_and_views_say_where_the_item_is_in_words(qtbot: QtBot, profile_factory) -> None:
    view = _view(qtbot, rich_profile(profile_factory()))
    hold = _texts(_row_with(view.pickups_section, "Rain jacket, navy"))
    assert any(t.startswith("Held at Aarhus Nord until") for t in hold)

    cart = {row.name: row for row in view.cart_model.rows()}
    assert cart["Trail running shoes"].where_text == "In stock here"
    assert cart["Merino base layer"].where_text == "Out of stock"
    viewed = next(row for row in view.views_model.rows() if row.name == "Waterproof hiking boots")
    assert viewed.where_text == "In stock nearby"
    assert "$89.95" in viewed.detail and "App" in viewed.detail
    assert view.cart_title.isVisibleTo(view) and view.views_title.isVisibleTo(view)
    # Each list is as tall as its rows: nothing hidden behind a scroll of its own.
    assert view.cart_view.height() >= 2 * view.cart_view.sizeHintForRow(0)


def test_suggestions_show_why_and_where(qtbot: QtBot, profile_factory) -> None:
    view = _view(qtbot, rich_profile(profile_factory()))
    assert "Looking for suggestions…" in _texts(view.recommendations_section)

    view.show_recommendations(recommendations())
    row = _texts(_row_with(view.recommendations_section, "Trail socks, 3-pack"))
    assert "Goes with the Trail shoes from their order #W1001" in row  # worded here, from the code
    assert "In stock here" in row
    jacket = _texts(_row_with(view.recommendations_section, "Lightweight shell jacket"))
    assert "In stock nearby" in jacket
    assert "Viewed online 2 time(s) this week" in jacket  # the source string: no catalogue loaded

    view.show_recommendations([])
    assert _texts(view.recommendations_section) == ["Suggestions", "No suggestions in stock nearby"]


def test_two_variants_of_one_style_share_a_row(qtbot: QtBot, profile_factory) -> None:
    view = _view(qtbot, rich_profile(profile_factory()))
    jacket = recommendations()[1]
    charcoal = jacket.model_copy(
        update={"product": jacket.product.model_copy(update={"sku": "SKU-SHELL-C", "colour": "charcoal"})}
    )
    here = charcoal.model_copy(update={"availability": "here"})

    view.show_recommendations([jacket, here])

    row = _texts(_row_with(view.recommendations_section, "Lightweight shell jacket"))
    detail = next(t for t in row if "navy" in t)
    assert "charcoal" in detail and "nearby" in detail  # navy is nearby; charcoal is here
    assert "In stock here" in row


def test_sizes_and_preferences_are_listed(qtbot: QtBot, profile_factory) -> None:
    view = _view(qtbot, profile_factory())
    texts = _texts(view.preferences_section)
    assert "Shoes 39   ·   Tops M" in texts
    assert "running, outdoor, organic cotton" in texts


def test_adding_a_note_sends_the_trimmed_text_once(qtbot: QtBot, profile_factory) -> None:
    view = _view(qtbot, profile_factory())
    assert view.note_field.maxLength() == 500
    view.note_field.setText("x" * 600)
    assert len(view.note_field.text()) == 500

    view.note_field.clear()
    qtbot.keyClicks(view.note_field, "  Wants a call when size 40 arrives  ")
    with qtbot.waitSignal(view.note_submitted) as sent:
        qtbot.mouseClick(view.add_note_button, Qt.MouseButton.LeftButton)
    assert sent.args == ["Wants a call when size 40 arrives"]
    # A second tap before the note is saved does not send a copy.
    with qtbot.assertNotEmitted(view.note_submitted):
        qtbot.mouseClick(view.add_note_button, Qt.MouseButton.LeftButton)
        qtbot.keyClick(view.note_field, Qt.Key.Key_Return)
    view.note_failed()
    assert view.add_note_button.isEnabled()


def test_an_empty_note_is_refused(qtbot: QtBot, profile_factory) -> None:
    view = _view(qtbot, profile_factory())
    qtbot.keyClicks(view.note_field, "    ")
    assert not view.add_note_button.isEnabled()
    with qtbot.assertNotEmitted(view.note_submitted):
        qtbot.mouseClick(view.add_note_button, Qt.MouseButton.LeftButton)
        qtbot.keyClick(view.note_field, Qt.Key.Key_Return)


def test_a_saved_note_shows_on_top_waiting_to_sync(qtbot: QtBot, profile_factory) -> None:
    profile = rich_profile(profile_factory())
    view = _view(qtbot, profile)
    qtbot.keyClicks(view.note_field, "Ask about the hiking boots")
    view.note_saved("Ask about the hiking boots")

    assert view.note_field.text() == ""
    rows = _rows(view.notes_section)
    assert _texts(rows[0]) == ["Ask about the hiking boots", "waiting to sync"]
    assert _texts(rows[1]) == ["Prefers to try shoes in the afternoon"]

    # Once the hub has it, the profile brings it back as an ordinary note.
    synced = profile.model_copy(update={"notes": ["Ask about the hiking boots", *profile.notes]})
    view.show_profile(synced, source="online", as_of=profile.as_of)
    assert "waiting to sync" not in _texts(view.notes_section)
    assert _texts(_rows(view.notes_section)[0]) == ["Ask about the hiking boots"]


def test_timeline_filters_narrow_it_down(qtbot: QtBot, profile_factory) -> None:
    view = _view(qtbot, rich_profile(profile_factory()))
    model = view.timeline_model
    returns = sum(1 for e in _timeline() if e.kind == "return")

    qtbot.mouseClick(view.filter_buttons["returns"], Qt.MouseButton.LeftButton)
    assert model.rowCount() == returns
    assert {model.data(model.index(r), TimelineModel.KindRole) for r in range(returns)} == {"return"}
    assert view.timeline_count.text() == f"Showing {returns} of {returns}"
    assert not view.show_more_button.isVisible()

    qtbot.mouseClick(view.filter_buttons["service"], Qt.MouseButton.LeftButton)
    assert {e.kind for e in model.shown_entries()} == {"case"}

    qtbot.mouseClick(view.filter_buttons["all"], Qt.MouseButton.LeftButton)
    assert model.rowCount() == 20
    assert view.filter_buttons["all"].isChecked()


def test_timeline_pages_by_twenty(qtbot: QtBot, profile_factory) -> None:
    view = _view(qtbot, rich_profile(profile_factory()))
    model = view.timeline_model
    assert model.rowCount() == 20
    assert view.timeline_count.text() == f"Showing 20 of {TIMELINE_SIZE}"
    first_height = view.timeline_view.height()

    qtbot.mouseClick(view.show_more_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 40
    assert view.timeline_view.height() > first_height, "the list grows; the page scrolls, not the list"
    qtbot.mouseClick(view.show_more_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == TIMELINE_SIZE
    assert not view.show_more_button.isVisible()

    # A new customer starts again at the first page.
    view.show_profile(rich_profile(profile_factory("Ole Hansen")), source="online", as_of=NOW)
    assert model.rowCount() == 20


def test_timeline_rows_carry_channel_icon_and_words(qtbot: QtBot) -> None:
    model = TimelineModel(now=lambda: NOW)
    model.set_entries(_timeline(9))
    for name in ICON_NAMES:
        assert not channel_icon(name).isNull(), f"icon for {name} did not load"
    first = model.index(0)
    title, detail = model.data(first).splitlines()
    assert title == "Order #W1000"
    assert "Web shop" in detail and "2 item(s), $58.00 — delivered" in detail
    assert not model.data(first, Qt.ItemDataRole.DecorationRole).isNull()
    assert model.data(first, Qt.ItemDataRole.ToolTipRole).startswith("Order · Web shop")
    case = model.index(4)
    assert "Customer service" in model.data(case, Qt.ItemDataRole.ToolTipRole)
    with pytest.raises(ValueError):
        model.set_filter("views")


# -- fitting on the tablet -------------------------------------------------------------------


def _window_with(view: ProfileView, size: tuple[int, int]) -> QWidget:
    """A stand-in for the main window: navigation at the side in landscape, below in portrait."""
    window = QWidget()
    landscape = size[0] > size[1]
    outer: QBoxLayout = QHBoxLayout(window) if landscape else QVBoxLayout(window)
    outer.setContentsMargins(0, 0, 0, 0)
    navigation = QWidget()
    if landscape:
        navigation.setFixedWidth(164)
    else:
        navigation.setFixedHeight(88)
    screen = QVBoxLayout()
    screen.setContentsMargins(24, 18, 24, 18)
    screen.addWidget(view)
    if landscape:
        outer.addWidget(navigation)
    outer.addLayout(screen, 1)
    if not landscape:
        outer.addWidget(navigation)
    return window


def _assert_no_horizontal_clipping(view: ProfileView) -> None:
    content, viewport = view.content, view.scroll_area.viewport()
    assert view.scroll_area.horizontalScrollBar().maximum() == 0
    assert content.width() <= viewport.width(), "the profile is wider than the screen"
    for widget in content.findChildren(QWidget):
        if not widget.isVisibleTo(content):
            continue
        left = widget.mapTo(content, QPoint(0, 0)).x()
        assert left >= 0, f"{type(widget).__name__} starts left of the page"
        assert left + widget.width() <= content.width(), f"{type(widget).__name__} sticks out on the right"


def _assert_labels_fit(view: ProfileView) -> None:
    for label in view.content.findChildren(QLabel):
        if not label.isVisibleTo(view.content) or not label.text():
            continue
        if label.wordWrap():
            needed = label.heightForWidth(label.width())
            assert label.height() >= needed - 1, f"wrapped label cut short: {label.text()!r}"
        else:
            assert label.width() >= label.sizeHint().width() - 1, f"clipped label {label.text()!r}"


def _assert_touch_targets(view: ProfileView) -> None:
    targets = view.content.findChildren(QAbstractButton) + view.content.findChildren(QLineEdit)
    for target in targets:
        if not target.isVisibleTo(view.content):
            continue
        assert target.height() >= MIN_TOUCH_PX, f"{target.text()!r} is only {target.height()} px high"
        if isinstance(target, QAbstractButton):
            bold = QFont(target.font())
            bold.setBold(True)
            needed = QFontMetrics(bold).horizontalAdvance(target.text()) + 2 * 12
            assert target.width() >= needed, f"button {target.text()!r} is clipped"


def show_in_window(
    qtbot: QtBot, profile: CustomerProfile, size: tuple[int, int]
) -> tuple[QWidget, ProfileView]:
    view = ProfileView()
    view.show_profile(profile, source="cache", as_of=profile.as_of, store_names=STORES)
    view.show_recommendations(recommendations())
    view.note_saved("Ask about the hiking boots when they are in")
    window = _window_with(view, size)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    _settle()
    return window, view


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
def test_a_full_profile_fits_the_tablet_and_scrolls(
    qtbot: QtBot, size: tuple[int, int], profile_factory
) -> None:
    profile = rich_profile(profile_factory("Maria Fernanda Jensen-Østergaard"))
    window, view = show_in_window(qtbot, profile, size)

    assert window.size().width() == size[0], "something forced the window wider than the tablet"
    assert window.size().height() == size[1], "something forced the window taller than the tablet"
    portrait = size[0] < size[1]
    expected = QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
    assert view.columns.direction() == expected
    # A long profile scrolls instead of being squeezed.
    assert view.scroll_area.verticalScrollBar().maximum() > 0
    assert view.content.height() >= view.content.layout().minimumSize().height()
    _assert_no_horizontal_clipping(view)
    _assert_labels_fit(view)
    _assert_touch_targets(view)

    qtbot.mouseClick(view.show_more_button, Qt.MouseButton.LeftButton)
    _settle()
    _assert_no_horizontal_clipping(view)
    _assert_labels_fit(view)


def test_showing_another_customer_replaces_every_row(qtbot: QtBot, profile_factory) -> None:
    profile = rich_profile(profile_factory())
    view = _view(qtbot, profile)
    rows = len(view.findChildren(QFrame))
    view.show_profile(profile, source="online", as_of=profile.as_of, store_names=STORES)
    # The last profile's rows are hidden at once and deleted at the loop's next turn.
    qtbot.waitUntil(lambda: len(view.findChildren(QFrame)) == rows)

    plain = profile_factory("Ole Hansen")
    view.show_profile(plain, source="online", as_of=plain.as_of)
    assert "No pickups or items on hold." in _texts(view.pickups_section)
    assert "Nothing left in a cart or viewed lately." in _texts(view.cart_section)
    assert not any("Maria" in text for text in _texts(view))


@pytest.mark.parametrize(
    ("locale", "currency", "minor_units", "expected"),
    [
        ("en_US", "USD", 183_400, "$1,834.00"),
        ("en_US", "EUR", 183_400, "€1,834.00"),
        ("de_DE", "EUR", 183_400, "1.834,00\xa0€"),
        ("de_DE", "USD", 1_950, "19,50\xa0$"),
        ("en_US", "XYZ", 183_400, "XYZ1,834.00"),
        ("en_US", "JPY", 1_834, "¥1,834"),  # a yen has no minor unit
    ],
)
def test_money_is_written_with_its_currency_in_the_stores_style(
    locale: str, currency: str, minor_units: int, expected: str
) -> None:
    assert StoreFormat(locale, currency).money(minor_units) == expected
