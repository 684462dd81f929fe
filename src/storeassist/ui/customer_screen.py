"""The Customer screen: who was just scanned, with everything the associate should know.

The Customer feature (registered in :mod:`storeassist.features`). One user action, one service
call (style.md §3): a loyalty scan or a tapped search result asks ``ViewCustomer`` (through the
:class:`OpRunner`), which answers the customer already trimmed for the signed-in role; the screen
only shows it and reports it shown. A note goes to the outbox through ``AddCustomerNote``;
suggestions come from ``RecommendProducts`` once the customer is shown. The profile itself is a
:class:`ProfileView`; one from the device cache is marked "offline — as of <time>". A lookup
that cannot be answered (refused, offline and not on this tablet, failed) becomes a calm notice
at the top, and the customer who was showing leaves the screen with it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from storeassist.contract import CustomerPage, CustomerProfile, RecommendationList
from storeassist.domain.tokens import TokenError
from storeassist.ui.background import OpRunner
from storeassist.ui.customer_search import CustomerSearchPanel
from storeassist.ui.features import OpenElsewhere, OpenKind, return_order_text
from storeassist.ui.formatting import StoreFormat, StorePlace
from storeassist.ui.messages import describe_failure
from storeassist.ui.profile_view import ProfileView
from storeassist.ui.widgets import label

log = logging.getLogger("storeassist.ui")


class ShownCustomerLike(Protocol):
    """``storeassist.services.view_customer.ShownCustomer``: already trimmed and audited."""

    @property
    def profile(self) -> CustomerProfile: ...

    @property
    def source(self) -> Literal["online", "cache"]: ...

    @property
    def as_of(self) -> datetime: ...

    @property
    def see_lifetime_value(self) -> bool: ...

    @property
    def waiting_notes(self) -> Sequence[str]: ...

    @property
    def checking(self) -> bool: ...

    def shown(self) -> None:
        """Tell the service this answer is on screen (it records the view if the hub did not)."""


class CustomerViewer(Protocol):
    """``storeassist.services.view_customer.ViewCustomer`` as this screen uses it."""

    @property
    def signed_in(self) -> bool: ...

    def cached(self, text: str) -> ShownCustomerLike | None: ...

    def by_token(self, text: str) -> Awaitable[ShownCustomerLike]: ...

    def by_id(self, customer_id: int) -> Awaitable[ShownCustomerLike]: ...

    async def search(self, text: str, page: int = 0) -> CustomerPage: ...


class NoteWriter(Protocol):
    """``storeassist.services.add_note.AddCustomerNote``: durable in the outbox when it returns."""

    def add(self, customer_id: int, text: str) -> Any: ...


class SuggestionsLike(Protocol):
    """``storeassist.services.recommend_products.Suggestions``: None when there are none to show."""

    @property
    def items(self) -> RecommendationList | None: ...


class SuggestionSource(Protocol):
    """``storeassist.services.recommend_products.RecommendProducts``: never raises for the hub."""

    def for_customer(self, customer_id: int, store_id: int) -> Awaitable[SuggestionsLike]: ...


class CustomerServices(StorePlace, Protocol):
    """What the Customer feature needs of the device (and how its store writes)."""

    @property
    def store_id(self) -> int: ...

    @property
    def view_customer(self) -> CustomerViewer: ...

    @property
    def notes(self) -> NoteWriter | None: ...

    @property
    def suggestions(self) -> SuggestionSource | None: ...

    def store_names(self) -> Awaitable[Mapping[int, str]]:
        """The chain's store names by id (for "preferred store" and holds)."""
        ...


class CustomerScreen(QWidget):
    """Shows one identified customer at a time."""

    #: A profile was just put on screen; the argument is where it came from ("online" or "cache").
    #: Emitted after the widgets are filled, so a listener that repaints sees the new profile.
    customer_shown = Signal(str)

    def __init__(
        self, runner: OpRunner, open_elsewhere: OpenElsewhere | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._open_elsewhere = open_elsewhere
        self._viewer: CustomerViewer | None = None
        self._notes: NoteWriter | None = None
        self._suggestions: SuggestionSource | None = None
        self._store_names: Mapping[int, str] = {}
        self._store_id: int | None = None
        self._customer_id: int | None = None
        # Each lookup gets a number; an answer to an older scan must not replace a newer one.
        self._lookup_seq = 0
        #: The lookup whose customer was painted from the device before the hub answered.

        self.title = label(self.tr("Customer"), "screenTitle")
        self.notice = label(role="notice", wrap=True)
        self.notice.setVisible(False)
        self.hint = label(
            self.tr("Or scan the customer's loyalty card or the code in their app."), "hint", wrap=True
        )
        self.status = label(role="hint")
        self.status.setVisible(False)

        # Typing in the search field swaps the profile for the results; a tap or a scan swaps back.
        self.search = CustomerSearchPanel(runner)
        self.search.customer_chosen.connect(self.open_customer)
        self.search.field.textChanged.connect(self._search_text_changed)

        self.profile = ProfileView()
        self.profile.setVisible(False)
        self.profile.note_submitted.connect(self._save_note)
        self.profile.pickup_requested.connect(self._pickup_requested)
        self.profile.return_requested.connect(self._return_requested)

        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(24, 18, 24, 0)
        self._layout.setSpacing(12)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.search)
        self._layout.addWidget(self.notice)
        self._layout.addWidget(self.hint)
        self._layout.addWidget(self.status)
        self._layout.addWidget(self.profile, 1)
        self._layout.addStretch(0)
        self._arrange()

    # The header widgets, for tests and the benchmark that wait on what the associate reads.
    @property
    def name(self) -> QLabel:
        return self.profile.name

    @property
    def tier(self) -> QLabel:
        return self.profile.tier

    @property
    def points(self) -> QLabel:
        return self.profile.points

    @property
    def next_tier(self) -> QLabel:
        return self.profile.next_tier

    @property
    def offline_badge(self) -> QLabel:
        return self.profile.offline_badge

    # -- wiring ---------------------------------------------------------------------------

    def attach(self, services: CustomerServices) -> None:
        """Give the screen its services once the device is enrolled (the window exists before).

        What a profile or a search result shows of the customer, and the audit of a view, are
        decided by ``services.view_customer``; this screen only shows what it is given."""
        self._viewer = services.view_customer
        self._store_id = services.store_id
        self._notes = services.notes
        self._suggestions = services.suggestions
        self.search.set_searcher(services.view_customer)
        self.profile.set_store_format(StoreFormat.of_place(services))
        self.staff_changed()
        self._runner.run(
            services.store_names(),
            on_success=self.set_store_names,
            on_failure=lambda error: log.info("store names not loaded (%s)", type(error).__name__),
        )

    def set_store_names(self, names: Mapping[int, str]) -> None:
        """Store names for "preferred store" and holds; ids are shown until they are known."""
        self._store_names = dict(names)

    def handle_scan(self, kind: OpenKind, text: str) -> None:
        if kind == "loyalty":
            self.identify(text)

    # -- user actions ---------------------------------------------------------------------

    def _pickup_requested(self, number: str) -> None:
        """The associate tapped one of the customer's open pickups: the Pickups feature opens it."""
        if self._open_elsewhere is not None:
            self._open_elsewhere("order_number", number)

    def _return_requested(self, number: str, customer_id: int) -> None:
        """The associate tapped "Take back" on one of the customer's orders: the Returns feature
        opens it for this customer."""
        if self._open_elsewhere is not None:
            self._open_elsewhere("return_order", return_order_text(number, customer_id))

    def identify(self, token: str) -> None:
        """A loyalty code was scanned: look the customer up (online, or from the cache)."""
        viewer = self._viewer
        if viewer is None:
            self.show_message(
                self.tr("This tablet is not ready yet. Wait until it is connected, then scan again.")
            )
            return
        if not self._may_open_customers(viewer):
            return
        self.search.clear()
        seq = self._next_lookup()
        # A customer this tablet already knows is on screen at once; the hub's answer replaces it.
        try:
            early = viewer.cached(token)
        except TokenError as exc:
            # Refused on the device: never sent; whoever was on screen goes with the notice.
            self._on_failed(seq, exc)
            return
        if early is None:
            # Whoever was on screen goes now: a note typed while the hub answers must not land on
            # the previous customer, nor may the associate serve the wrong person meanwhile.
            self._hide_profile()
            self._set_status(self.tr("Looking up the customer…"))
        else:
            self._set_status("")
            self.show_customer(early)
        self._runner.run(
            viewer.by_token(token),
            on_success=lambda found: self._on_found(seq, found),
            on_failure=lambda error: self._on_failed(seq, error),
        )

    def open_customer(self, customer_id: int) -> None:
        """A search result was tapped: open that customer (online, or from the cache)."""
        viewer = self._viewer
        if viewer is None or not self._may_open_customers(viewer):
            return
        self.search.clear()
        seq = self._next_lookup()
        self._hide_profile()  # not the previous customer while this one opens
        self._set_status(self.tr("Opening the customer…"))
        self._runner.run(
            viewer.by_id(customer_id),
            on_success=lambda found: self._on_found(seq, found),
            on_failure=lambda error: self._on_failed(seq, error),
        )

    def staff_changed(self) -> None:
        """Someone signed in or out. Whatever was on screen was trimmed for the one before (a
        manager's view must not stay in front of the associate who takes over), so it goes."""
        signed_in = self._viewer is not None and self._viewer.signed_in
        self.search.setEnabled(signed_in)
        self.search.field.setPlaceholderText(
            self.tr("Search by phone, e-mail or name")
            if signed_in
            else self.tr("Sign in to search for customers")
        )
        if self._viewer is not None:
            self.clear_customer()
            if not signed_in:  # idle, signed out, or the hub ended the session: say what to do
                self.show_message(self._sign_in_first_text())

    def clear_customer(self) -> None:
        """Take the customer and any search off the screen (sign-out, idle)."""
        self._lookup_seq += 1  # an answer still on its way is dropped
        self.search.clear()
        self.profile.note_field.clear()  # an unsent note must not go out under the next person
        self.notice.setVisible(False)
        self._set_status("")
        self._hide_profile()

    def _may_open_customers(self, viewer: CustomerViewer) -> bool:
        if viewer.signed_in:
            return True
        self.show_message(self._sign_in_first_text())
        return False

    def _sign_in_first_text(self) -> str:
        return self.tr("Sign in first: scan your staff badge, or tap “Sign in” at the top.")

    def _next_lookup(self) -> int:
        self._lookup_seq += 1
        self.notice.setVisible(False)
        return self._lookup_seq

    def _search_text_changed(self, _text: str) -> None:
        self._arrange()

    def _arrange(self) -> None:
        """Results while searching, else the profile, else the hint; the room goes to what shows."""
        searching = bool(self.search.field.text().strip())
        showing = not searching and self._customer_id is not None
        self.profile.setVisible(showing)
        self.hint.setVisible(not searching and self._customer_id is None)
        self.search.set_idle_hint(not showing)
        self.search.setSizePolicy(
            QSizePolicy.Policy.Preferred,
            QSizePolicy.Policy.Expanding if searching else QSizePolicy.Policy.Maximum,
        )
        self._layout.setStretchFactor(self.search, 1 if searching else 0)
        # The trailing stretch keeps the hint under the search field when nothing else shows.
        self._layout.setStretch(self._layout.count() - 1, 0 if searching or showing else 1)

    def _save_note(self, text: str) -> None:
        if self._notes is None or self._customer_id is None:
            self.show_message(self.tr("Notes cannot be saved on this tablet yet."))
            self.profile.note_failed()
            return
        try:
            self._notes.add(self._customer_id, text)
        except Exception as exc:  # a refused note (typed, with its sentence) or a bug: never lost text
            self.show_message(describe_failure(exc, doing="note"))
            self.profile.note_failed()
        else:
            self.notice.setVisible(False)
            self.profile.note_saved(text)

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def show_message(self, text: str) -> None:
        """A calm notice at the top; the customer shown (if any) stays."""
        self.notice.setText(text)
        self.notice.setVisible(True)

    # -- results --------------------------------------------------------------------------

    def _on_found(self, seq: int, found: ShownCustomerLike) -> None:
        if seq != self._lookup_seq:
            return
        self._set_status("")
        self.show_customer(found)

    def _on_failed(self, seq: int, error: BaseException) -> None:
        if seq != self._lookup_seq:
            return
        self._set_status("")
        # Whoever was on screen goes with the notice: a scan that could not be answered (offline
        # and not on this tablet, refused, failed) must not leave the previous customer there,
        # inviting the associate to serve the wrong person. A copy shown early goes the same way
        # (the hub refused what the device let through: a card revoked since the last sync).
        self._hide_profile()
        self.show_message(describe_failure(error, doing="customer lookup"))

    def _hide_profile(self) -> None:
        self._customer_id = None
        self._arrange()

    def show_customer(self, found: ShownCustomerLike) -> None:
        """Put ``found`` on screen as it came: trimmed and audited by the service already."""
        profile = found.profile
        self.notice.setVisible(False)
        self._customer_id = profile.customer.id
        self._arrange()
        self.profile.show_profile(
            profile,
            source=found.source,
            as_of=found.as_of,
            store_names=self._store_names,
            checking=found.checking,
            lifetime_value_visible=found.see_lifetime_value,
        )
        self.profile.show_waiting_notes(found.waiting_notes)
        self.customer_shown.emit(found.source)
        if not found.checking:  # the hub's answer follows a device copy; suggestions go with it
            found.shown()
            self._load_suggestions(profile.customer.id)

    def _load_suggestions(self, customer_id: int) -> None:
        if self._suggestions is None or self._store_id is None:
            return
        seq = self._lookup_seq
        self._runner.run(
            self._suggestions.for_customer(customer_id, self._store_id),
            on_success=lambda found: self._on_suggestions(seq, customer_id, found),
            on_failure=lambda error: log.info("suggestions not shown (%s)", type(error).__name__),
        )

    def _on_suggestions(self, seq: int, customer_id: int, found: SuggestionsLike) -> None:
        if seq != self._lookup_seq or customer_id != self._customer_id:
            return
        if found.items is None:
            self.profile.show_recommendations_unavailable()
        else:
            self.profile.show_recommendations(found.items.items)
