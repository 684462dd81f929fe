"""The full cross-channel customer profile, as one scrolling widget the Customer screen embeds.

Top to bottom: the header card (who, tier and points, how they shop and may be contacted), the
alerts worded for the associate, then — two columns in landscape, one in portrait — pickups and
holds, cart and recently viewed, suggestions, sizes and preferences, notes; last the timeline
with filters and paging. The widget only shows what it is given and reports taps as signals
(``pickup_requested``, ``return_requested``, ``note_submitted``); the screen calls the services
(style.md §3, §5). Recent orders with something to bring back offer "Take back" (``returns_profile``).

Alerts and timeline rows are worded here from the hub's codes (``hub_words``); money, numbers,
dates and times are written as the store writes them, in its time zone
(:meth:`ProfileView.set_store_format`; en_US, USD and UTC until it is called).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from storeassist.contract import Alert, CartItem, CustomerProfile, Hold, Order, Recommendation
from storeassist.domain.orders import items_to_collect
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.hub_words import alert_heading, alert_text, channel_label, recommendation_reason
from storeassist.ui.list_models import ProductRow, ProductRowModel
from storeassist.ui.profile_header import ProfileHeader
from storeassist.ui.returns_profile import RecentOrdersSection
from storeassist.ui.row_delegate import IconRowDelegate, fit_list_height, product_list
from storeassist.ui.timeline_model import FILTER_KINDS, TimelineModel, channel_icon, filter_label
from storeassist.ui.widgets import (
    PORTRAIT_BELOW,
    Section,
    append_shown,
    clear_layout,
    label,
    pill,
    row_frame,
    text_column,
)

NOTE_MAX_CHARS = 500
_SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


class ProfileView(QWidget):
    """Everything the hub knows about one customer, for an associate standing next to them."""

    #: The associate tapped an open pickup; the argument is the order number.
    pickup_requested = Signal(str)
    #: The associate tapped "Take back" on a recent order: its number and the customer's id.
    return_requested = Signal(str, int)
    #: The associate added a note (stripped, not empty). The screen writes it to the outbox and
    #: then calls :meth:`note_saved` (or :meth:`note_failed`).
    note_submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, store_format: StoreFormat | None = None) -> None:
        super().__init__(parent)
        self._format = store_format or StoreFormat()
        #: The currency of the profile shown (its amounts'); suggestions are in the store's.
        self._currency = self._format.currency
        #: What :meth:`show_profile` and :meth:`show_recommendations` were last given, to write
        #: again when the store's format changes.
        self._shown: tuple[CustomerProfile, dict[str, Any]] | None = None
        self._recommendations: list[Recommendation] | Literal["waiting", "unavailable"] = "waiting"
        self._store_names: Mapping[int, str] = {}
        self._customer_id: int | None = None
        self._pending_notes: list[str] = []
        self._saved_notes: list[str] = []

        self.card = ProfileHeader(store_format=self._format)
        # The header's labels, named as before (tests and the scan benchmark read them).
        self.offline_badge, self.name, self.tier = self.card.offline_badge, self.card.name, self.card.tier
        self.points, self.next_tier = self.card.points, self.card.next_tier
        self.membership, self.shopping = self.card.membership, self.card.shopping
        self._build_alerts()
        self._build_pickups()
        self._build_cart()
        self._build_recommendations()
        self._build_preferences()
        self._build_notes()
        self._build_timeline()

        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(self.pickups_section)
        left.addWidget(self.orders_section)
        left.addWidget(self.cart_section)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(12)
        right.addWidget(self.recommendations_section)
        right.addWidget(self.preferences_section)
        right.addWidget(self.notes_section)
        right.addStretch(1)
        # Side by side in landscape, stacked in portrait (see resizeEvent).
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.setSpacing(12)
        self.columns.addLayout(left, 1)
        self.columns.addLayout(right, 1)

        self.content = QWidget()
        self.content.setObjectName("profileContent")
        content_layout = QVBoxLayout(self.content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(12)
        content_layout.addWidget(self.card)
        content_layout.addWidget(self.alerts_section)
        content_layout.addLayout(self.columns)
        content_layout.addWidget(self.timeline_section)
        content_layout.addStretch(1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("profileScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self.content)
        # A finger drags the page on a touch screen (a mouse still uses the scroll bar).
        QScroller.grabGesture(self.scroll_area.viewport(), QScroller.ScrollerGestureType.TouchGesture)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)

    # -- building -------------------------------------------------------------------------

    def _build_alerts(self) -> None:
        self.alerts_section = QWidget()
        self.alerts = QVBoxLayout(self.alerts_section)
        self.alerts.setContentsMargins(0, 0, 0, 0)
        self.alerts.setSpacing(8)

    def _build_pickups(self) -> None:
        self.pickups_section = Section(self.tr("Pickups and holds"))
        self.orders_section = RecentOrdersSection()
        self.orders_section.take_back.connect(self._take_back)

    def _build_cart(self) -> None:
        self.cart_section = Section(self.tr("Cart and recently viewed"))
        self.cart_empty = label(self.tr("Nothing left in a cart or viewed lately."), "quiet", wrap=True)
        self.cart_title = label(self.tr("Left in cart"), "subTitle", wrap=True)
        self.cart_model = ProductRowModel(self)
        self.cart_view = product_list(self.cart_model, "cartList")
        self.views_title = label(self.tr("Recently viewed"), "subTitle", wrap=True)
        self.views_model = ProductRowModel(self)
        self.views_view = product_list(self.views_model, "viewedList")
        for widget in (self.cart_empty, self.cart_title, self.cart_view, self.views_title, self.views_view):
            self.cart_section.header.addWidget(widget)

    def _build_recommendations(self) -> None:
        self.recommendations_section = Section(self.tr("Suggestions"))

    def _build_preferences(self) -> None:
        self.preferences_section = Section(self.tr("Sizes and preferences"))
        # Made once; each customer sets their texts and shows the ones they have.
        self._sizes, self._sizes_value = self._fact(self.tr("Sizes"))
        self._likes, self._likes_value = self._fact(self.tr("Likes"))
        self._language, self._language_value = self._fact(self.tr("Language"))
        self._no_preferences = label(self.tr("No sizes or preferences recorded."), "quiet", wrap=True)
        for widget in (self._sizes, self._likes, self._language, self._no_preferences):
            self.preferences_section.header.addWidget(widget)

    def _build_notes(self) -> None:
        self.notes_section = Section(self.tr("Notes"))
        self.note_field = QLineEdit()
        self.note_field.setMaxLength(NOTE_MAX_CHARS)
        self.note_field.setPlaceholderText(self.tr("Add a note for colleagues"))
        self.note_field.setMinimumWidth(120)
        self.add_note_button = QPushButton(self.tr("Add note"))
        self.add_note_button.setEnabled(False)
        self.note_field.textChanged.connect(self._note_text_changed)
        self.note_field.returnPressed.connect(self._submit_note)
        self.add_note_button.clicked.connect(self._submit_note)
        entry = QHBoxLayout()
        entry.setSpacing(8)
        entry.addWidget(self.note_field, 1)
        entry.addWidget(self.add_note_button)
        self.notes_section.header.addLayout(entry)

    def _build_timeline(self) -> None:
        self.timeline_section = Section(self.tr("Timeline"))
        self.timeline_model = TimelineModel(self)
        self.timeline_model.set_store_format(self._format)

        self.filter_buttons: dict[str, QPushButton] = {}
        self._filter_group = QButtonGroup(self)
        self._filter_group.setExclusive(True)
        chips = QHBoxLayout()
        chips.setSpacing(8)
        for name in FILTER_KINDS:
            button = QPushButton(filter_label(name))
            button.setProperty("role", "filterChip")
            button.setCheckable(True)
            button.setChecked(name == "all")
            button.clicked.connect(lambda _checked=False, name=name: self._filter_timeline(name))
            self._filter_group.addButton(button)
            self.filter_buttons[name] = button
            chips.addWidget(button)
        chips.addStretch(1)
        self.timeline_count = label(role="detail", wrap=True)
        self.timeline_section.header.addLayout(chips)
        self.timeline_section.header.addWidget(self.timeline_count)

        self.timeline_view = QListView()
        self.timeline_view.setModel(self.timeline_model)
        self.timeline_view.setObjectName("timelineList")
        self.timeline_view.setItemDelegate(IconRowDelegate(self.timeline_view))
        self.timeline_view.setWordWrap(False)
        self.timeline_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.timeline_view.setUniformItemSizes(True)
        self.timeline_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.timeline_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # The page scrolls, not the list: the list is always as tall as its rows.
        self.timeline_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timeline_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timeline_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.timeline_model.modelReset.connect(self._timeline_changed)
        self.timeline_model.rowsInserted.connect(self._timeline_changed)
        self.timeline_empty = label(role="quiet", wrap=True)
        self.timeline_section.rows.addWidget(self.timeline_view)
        self.timeline_section.rows.addWidget(self.timeline_empty)

        self.show_more_button = QPushButton(self.tr("Show more"))
        self.show_more_button.clicked.connect(self.timeline_model.show_more)
        self.timeline_section.footer.addWidget(self.show_more_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._timeline_changed()

    # -- filling --------------------------------------------------------------------------

    def set_store_format(self, fmt: StoreFormat) -> None:
        """Write money, numbers, dates and times as this store does (its locale, currency and time
        zone); a profile on screen is written again."""
        if fmt == self._format:
            return
        self._format = fmt
        self.card.set_store_format(fmt)
        self.timeline_model.set_store_format(fmt)
        if self._shown is None:
            self._currency = fmt.currency
            return
        profile, shown_with = self._shown
        recommendations = self._recommendations
        scrolled = self.scroll_area.verticalScrollBar().value()
        self.show_profile(profile, **shown_with)
        if recommendations == "unavailable":
            self.show_recommendations_unavailable()
        elif isinstance(recommendations, list):
            self.show_recommendations(recommendations)
        self.scroll_area.verticalScrollBar().setValue(scrolled)

    def store_format(self) -> StoreFormat:
        return self._format

    def show_profile(
        self,
        profile: CustomerProfile,
        *,
        source: Literal["online", "cache"],
        as_of: datetime,
        store_names: Mapping[int, str] | None = None,
        checking: bool = False,
        lifetime_value_visible: bool = True,
    ) -> None:
        """Show ``profile``; ``source="cache"`` marks it as possibly out of date, and ``checking``
        says the back office is being asked for a fresher copy."""
        self._shown = (
            profile,
            {
                "source": source,
                "as_of": as_of,
                "store_names": store_names,
                "checking": checking,
                "lifetime_value_visible": lifetime_value_visible,
            },
        )
        self._currency = profile.currency
        self._store_names = dict(store_names or {})
        customer = profile.customer
        if customer.id != self._customer_id:
            self._customer_id = customer.id
            self._pending_notes = []
            self.note_field.clear()
        # A note that reached the hub comes back in the profile: it no longer waits.
        self._pending_notes = [n for n in self._pending_notes if n not in profile.notes]
        self._saved_notes = list(profile.notes)

        self.card.show_source(offline=source == "cache", checking=checking, as_of=as_of)
        self.card.fill(
            profile,
            lifetime_value_visible=lifetime_value_visible,
            store_name=self._store_name,
        )
        self._fill_alerts(profile.alerts)
        self._fill_pickups(profile.open_pickups, profile.holds)
        self.orders_section.fill(profile.recent_orders, self._format, profile.currency)
        self._fill_cart(profile.abandoned_cart, profile.recent_views)
        self.show_recommendations_placeholder()
        self._fill_preferences(profile)
        self._fill_notes()
        self.timeline_model.set_entries(profile.timeline, currency=profile.currency)
        self.scroll_area.verticalScrollBar().setValue(0)

    def show_recommendations(self, items: Sequence[Recommendation]) -> None:
        """Suggestions for this customer, each with why and where it is in stock."""
        self._recommendations = list(items)
        section = self.recommendations_section
        section.clear()
        if not items:
            section.add_quiet(self.tr("No suggestions in stock nearby"))
            return
        # Variants of one style (the hub may suggest two) share a row: one belt, in two colours.
        groups: dict[str, list[Recommendation]] = {}
        for item in items:
            groups.setdefault(item.product.style, []).append(item)
        for variants in groups.values():
            section.add(self._recommendation_row(variants))

    def show_recommendations_placeholder(self) -> None:
        """Before suggestions for the shown customer have arrived."""
        self._recommendations = "waiting"
        self.recommendations_section.clear()
        self.recommendations_section.add_quiet(self.tr("Looking for suggestions…"))

    def show_recommendations_unavailable(self) -> None:
        """Offline, and no suggestions for this customer were kept on the tablet."""
        self._recommendations = "unavailable"
        self.recommendations_section.clear()
        self.recommendations_section.add_quiet(
            self.tr("No suggestions offline: none were saved on this tablet for this customer.")
        )

    def note_saved(self, text: str) -> None:
        """The note is safely in the outbox: clear the field and show it as waiting to sync."""
        self.note_field.clear()
        self._pending_notes.insert(0, text)
        self._fill_notes()

    def show_waiting_notes(self, texts: Sequence[str]) -> None:
        """Notes written on this tablet the hub has not confirmed yet (from the outbox): shown
        on top, marked waiting to sync, until the hub's profile carries them."""
        shown = set(self._pending_notes)
        added = False
        for text in texts:
            if text not in shown and text not in self._saved_notes:
                self._pending_notes.insert(0, text)
                shown.add(text)
                added = True
        if added:
            self._fill_notes()

    def note_failed(self) -> None:
        """The note could not be saved: the text stays in the field and may be sent again."""
        self._note_text_changed(self.note_field.text())

    # -- header ---------------------------------------------------------------------------

    # -- alerts ---------------------------------------------------------------------------

    def _fill_alerts(self, alerts: Sequence[Alert]) -> None:
        clear_layout(self.alerts)
        if not alerts:
            append_shown(self.alerts, label(self.tr("No alerts for this customer."), "quiet", wrap=True))
            return
        for alert in sorted(alerts, key=lambda a: _SEVERITY_ORDER.get(a.severity, 3)):
            append_shown(self.alerts, self._alert_box(alert))

    def _alert_box(self, alert: Alert) -> QFrame:
        box, layout = row_frame("alertBox")
        box.setProperty("severity", alert.severity)
        title = label(alert_heading(alert), "alertTitle", wrap=True)
        title.setProperty("severity", alert.severity)
        text = label(alert_text(alert, self._format), "alertText", wrap=True)
        layout.addLayout(text_column(title, text), 1)
        if alert.kind == "pickup_expiring" and alert.ref:
            layout.addWidget(self._pickup_button(alert.ref), 0, Qt.AlignmentFlag.AlignVCenter)
        return box

    # -- pickups and holds ----------------------------------------------------------------

    def _pickup_button(self, number: str) -> QPushButton:
        button = QPushButton(self.tr("Open pickup"))
        button.setProperty("role", "primary")
        button.setAccessibleName(self.tr("Open pickup order {number}").format(number=number))
        button.clicked.connect(lambda _checked=False: self.pickup_requested.emit(number))
        return button

    def _fill_pickups(self, pickups: Sequence[Order], holds: Sequence[Hold]) -> None:
        section = self.pickups_section
        section.clear()
        if not pickups and not holds:
            section.add_quiet(self.tr("No pickups or items on hold."))
            return
        if pickups:
            section.add(label(self.tr("Waiting for pickup here"), "subTitle", wrap=True))
            for order in pickups:
                section.add(self._pickup_row(order))
        if holds:
            section.add(label(self.tr("On hold"), "subTitle", wrap=True))
            for hold in holds:
                section.add(self._hold_row(hold))

    def _take_back(self, number: str) -> None:
        if self._customer_id is not None:
            self.return_requested.emit(number, self._customer_id)

    def _pickup_row(self, order: Order) -> QFrame:
        row, layout = row_frame()
        state = {
            "placed": self.tr("not picked yet"),
            "picking": self.tr("being picked"),
            "ready": self.tr("ready"),
            "partially_collected": self.tr("partly collected"),
        }.get(order.pickup_state or "", (order.pickup_state or order.status).replace("_", " "))
        items = items_to_collect(order.lines)
        detail = [self.tr("%n item(s)", "", items), state]
        if order.fulfilment == "curbside":
            detail.append(self.tr("curbside"))
        if order.pickup_deadline is not None:
            deadline = self._format.moment(order.pickup_deadline)
            detail.append(self.tr("collect by {time}").format(time=deadline))
        headline = label(self.tr("Order #{number}").format(number=order.number), "rowTitle", wrap=True)
        layout.addLayout(text_column(headline, label(" · ".join(detail), "detail", wrap=True)), 1)
        layout.addWidget(self._pickup_button(order.number), 0, Qt.AlignmentFlag.AlignVCenter)
        return row

    def _hold_row(self, hold: Hold) -> QFrame:
        row, layout = row_frame()
        headline = label(
            self.tr("{product} × {qty}").format(product=hold.product_name, qty=hold.qty),
            "rowTitle",
            wrap=True,
        )
        detail = self.tr("Held at {store} until {time}").format(
            store=self._store_name(hold.store_id), time=self._format.moment(hold.expires_at)
        )
        layout.addLayout(text_column(headline, label(detail, "detail", wrap=True)), 1)
        return row

    # -- cart, views and suggestions ------------------------------------------------------

    def _fill_cart(self, cart: Sequence[CartItem], views: Sequence[CartItem]) -> None:
        self.cart_model.set_rows([self._product_row(item, self.tr("added {time}")) for item in cart])
        self.views_model.set_rows([self._product_row(item, self.tr("viewed {time}")) for item in views])
        self.cart_empty.setVisible(not cart and not views)
        for title, view, items in (
            (self.cart_title, self.cart_view, cart),
            (self.views_title, self.views_view, views),
        ):
            title.setVisible(bool(items))
            view.setVisible(bool(items))
            fit_list_height(view)

    def _product_row(self, item: CartItem, when: str) -> ProductRow:
        """``when``: "added {time}" or "viewed {time}", already translated."""
        moment = when.format(time=self._format.moment(item.added_at))
        price = self._format.money(item.price_cents, self._currency)
        return ProductRow(
            name=item.product_name,
            detail=" · ".join((price, moment, channel_label(item.channel))),
            icon=channel_icon(item.channel),
            where=item.availability,
            where_text=self._availability_text(item.availability),
        )

    def _recommendation_row(self, variants: Sequence[Recommendation]) -> QFrame:
        row, layout = row_frame()
        first = variants[0]
        # Suggestions carry no currency of their own: they are in the store's.
        facts = [self._format.money(first.product.price_cents)]
        for variant in variants:
            product, what = variant.product, []
            if product.size:
                what.append(self.tr("size {size}").format(size=product.size))
            if product.colour:
                what.append(product.colour)
            if len(variants) > 1 and variant.availability != "here":
                what.append(self.tr("nearby"))
            if what:
                facts.append(" ".join(what))
        layout.addLayout(
            text_column(
                label(first.product.name, "rowTitle", wrap=True),
                label(recommendation_reason(first), "reason", wrap=True),
                label(" · ".join(facts), "detail", wrap=True),
            ),
            1,
        )
        # The best place any of the variants is in stock: "here" when one of them is.
        where = "here" if any(v.availability == "here" for v in variants) else first.availability
        layout.addWidget(self._availability(where), 0, Qt.AlignmentFlag.AlignTop)
        return row

    def _availability_text(self, where: str) -> str:
        return {
            "here": self.tr("In stock here"),
            "nearby": self.tr("In stock nearby"),
            "out": self.tr("Out of stock"),
        }.get(where, where)

    def _availability(self, where: str) -> QLabel:
        return pill(self._availability_text(where), "availability", where=where)

    # -- sizes, preferences and notes -----------------------------------------------------

    def _fill_preferences(self, profile: CustomerProfile) -> None:
        customer = profile.customer
        sizes = "   ·   ".join(f"{kind.capitalize()} {size}" for kind, size in sorted(customer.sizes.items()))
        language_name = ""
        if customer.language:
            language = QLocale(customer.language).language()
            known = QLocale.languageToString(language) if language != QLocale.Language.C else ""
            language_name = known or customer.language
        for row, value_label, value in (
            (self._sizes, self._sizes_value, sizes),
            (self._likes, self._likes_value, ", ".join(customer.preferences)),
            (self._language, self._language_value, language_name),
        ):
            value_label.setText(value)
            row.setVisible(bool(value))
        self._no_preferences.setVisible(not customer.sizes and not customer.preferences)

    def _fact(self, what: str) -> tuple[QWidget, QLabel]:
        """A "name  value" line; the value is set per customer."""
        fact = QWidget()
        layout = QHBoxLayout(fact)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        name = label(what, "factName")
        name.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        layout.addWidget(name, 0, Qt.AlignmentFlag.AlignTop)
        value = label(wrap=True)
        layout.addWidget(value, 1)
        return fact, value

    def _fill_notes(self) -> None:
        section = self.notes_section
        section.clear()
        for text in self._pending_notes:
            row, layout = row_frame()
            layout.addWidget(label(text, wrap=True), 1)
            layout.addWidget(pill(self.tr("waiting to sync"), "pending"), 0, Qt.AlignmentFlag.AlignTop)
            section.add(row)
        for text in self._saved_notes:
            row, layout = row_frame()
            layout.addWidget(label(text, wrap=True), 1)
            section.add(row)
        if not self._pending_notes and not self._saved_notes:
            section.add_quiet(self.tr("No notes yet."))

    def _note_text_changed(self, text: str) -> None:
        self.add_note_button.setEnabled(bool(text.strip()))

    def _submit_note(self) -> None:
        text = self.note_field.text().strip()
        if not text or not self.add_note_button.isEnabled():
            return
        # One tap, one note: a second tap before it is saved must not queue a copy.
        self.add_note_button.setEnabled(False)
        self.note_submitted.emit(text)

    # -- timeline -------------------------------------------------------------------------

    def _filter_timeline(self, name: str) -> None:
        self.timeline_model.set_filter(name)
        self.filter_buttons[name].setChecked(True)

    def _timeline_changed(self) -> None:
        model = self.timeline_model
        shown, total = model.rowCount(), model.matching_count()
        self.timeline_view.setVisible(shown > 0)
        self.timeline_empty.setVisible(shown == 0)
        if model.current_filter() == "all":
            self.timeline_empty.setText(self.tr("No activity recorded yet."))
        else:
            self.timeline_empty.setText(self.tr("Nothing of this kind in the recent history."))
        self.timeline_count.setText(
            self.tr("Showing {shown} of {total}").format(shown=shown, total=total) if total else ""
        )
        self.timeline_count.setVisible(total > 0)
        self.show_more_button.setVisible(model.has_more())
        self._fit_timeline_height()

    def _fit_timeline_height(self) -> None:
        fit_list_height(self.timeline_view)

    # -- helpers and layout ---------------------------------------------------------------

    def _store_name(self, store_id: int) -> str:
        return self._store_names.get(store_id) or self.tr("store #{id}").format(id=store_id)

    def resizeEvent(self, event: Any) -> None:
        portrait = self.width() < PORTRAIT_BELOW
        direction = QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        self.columns.setDirection(direction)
        self.card.set_portrait(portrait)
        super().resizeEvent(event)
