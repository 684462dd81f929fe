"""The Customer screen: who was just scanned, with everything the associate should know.

One user action, one service call (style.md §3): a loyalty scan calls
``IdentifyCustomer.identify_by_token`` through the :class:`OpRunner`; a note goes to the outbox
through ``AddCustomerNote``; suggestions come from ``RecommendProducts`` once the customer is
shown. The profile itself is a :class:`ProfileView`. A profile from the device cache is marked
"offline — as of <time>". A refused code becomes a calm notice at the top of the screen, and
whatever customer was showing stays.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, Literal, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from storeassist.contract import CustomerProfile, CustomerSummary
from storeassist.domain.privacy import ProfileAccess, access_for, restrict_profile, restrict_summary
from storeassist.domain.tokens import TokenError
from storeassist.ui.background import OpRunner
from storeassist.ui.customer_search import CustomerSearch, CustomerSearchPanel
from storeassist.ui.messages import describe_failure
from storeassist.ui.profile_view import ProfileView
from storeassist.ui.widgets import label

log = logging.getLogger("storeassist.ui")

#: What shows when the screen is given no access rule (tools and tests): everything.
_EVERYTHING = access_for("admin")


class IdentifiedCustomerLike(Protocol):
    @property
    def profile(self) -> CustomerProfile: ...

    @property
    def source(self) -> str:  # "online" | "cache"
        ...

    @property
    def as_of(self) -> datetime: ...


class CustomerIdentifier(Protocol):
    """``storeassist.services.identify_customer.IdentifyCustomer`` as this screen uses it."""

    def cached_customer(self, text: str) -> IdentifiedCustomerLike | None: ...

    def identify_by_token(self, text: str, store_id: int) -> Awaitable[Any]: ...

    def identify_by_id(self, customer_id: int, store_id: int) -> Awaitable[Any]: ...


class NoteWriter(Protocol):
    """``storeassist.services.add_note.AddCustomerNote``: durable in the outbox when it returns."""

    def add(self, customer_id: int, text: str) -> Any: ...


class SuggestionSource(Protocol):
    """``storeassist.services.recommend_products.RecommendProducts``: never raises for the hub."""

    def for_customer(self, customer_id: int, store_id: int) -> Awaitable[Any]: ...


class CustomerScreen(QWidget):
    """Shows one identified customer at a time."""

    #: A profile was just put on screen; the argument is where it came from ("online" or "cache").
    #: Emitted after the widgets are filled, so a listener that repaints sees the new profile.
    customer_shown = Signal(str)
    #: The associate tapped an open pickup of the shown customer; the argument is the order number.
    pickup_requested = Signal(str)

    def __init__(self, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._identifier: CustomerIdentifier | None = None
        self._notes: NoteWriter | None = None
        self._suggestions: SuggestionSource | None = None
        self._store_names: Mapping[int, str] = {}
        self._access: Callable[[], ProfileAccess | None] | None = None
        self._viewed_offline: Callable[[int], object] | None = None
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
        self.profile.pickup_requested.connect(self.pickup_requested)

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

    def attach(
        self,
        identifier: CustomerIdentifier,
        store_id: int,
        *,
        notes: NoteWriter | None = None,
        suggestions: SuggestionSource | None = None,
        searcher: CustomerSearch | None = None,
        access: Callable[[], ProfileAccess | None] | None = None,
        viewed_offline: Callable[[int], object] | None = None,
    ) -> None:
        """Give the screen its services once the device is enrolled (the window exists before).

        ``access`` says what the signed-in staff member may see (``None`` from it: nobody is
        signed in, and customers stay closed); profiles and search results are trimmed to it
        before they are shown. Without ``access`` everything shows (tools and tests).
        ``viewed_offline`` records a profile shown from the device alone (the hub audits the rest).
        """
        self._access = access
        self.search.set_searcher(searcher)
        self.search.set_mask(self._mask_summary if access is not None else None)
        self._identifier = identifier
        self._store_id = store_id
        self._notes = notes
        self._suggestions = suggestions
        self._viewed_offline = viewed_offline
        self.staff_changed()

    def set_store_names(self, names: Mapping[int, str]) -> None:
        """Store names for "preferred store" and holds; ids are shown until they are known."""
        self._store_names = dict(names)

    # -- user actions ---------------------------------------------------------------------

    def identify(self, token: str) -> None:
        """A loyalty code was scanned: look the customer up (online, or from the cache)."""
        if self._identifier is None or self._store_id is None:
            self.show_message(
                self.tr("This tablet is not ready yet. Wait until it is connected, then scan again.")
            )
            return
        if not self._may_open_customers():
            return
        self.search.clear()
        seq = self._next_lookup()
        # A customer this tablet already knows is on screen at once; the hub's answer replaces it.
        try:
            early = self._identifier.cached_customer(token)
        except TokenError as exc:
            # Refused on the device: never sent; whoever was on screen goes with the notice.
            self._on_failed(seq, exc)
            return
        if early is None:
            self._set_status(self.tr("Looking up the customer…"))
        else:
            self._set_status("")
            self.show_customer(early, checking=True)
        self._runner.run(
            self._identifier.identify_by_token(token, self._store_id),
            on_success=lambda found: self._on_found(seq, found),
            on_failure=lambda error: self._on_failed(seq, error),
        )

    def open_customer(self, customer_id: int) -> None:
        """A search result was tapped: open that customer (online, or from the cache)."""
        if self._identifier is None or self._store_id is None or not self._may_open_customers():
            return
        self.search.clear()
        seq = self._next_lookup()
        self._set_status(self.tr("Opening the customer…"))
        self._runner.run(
            self._identifier.identify_by_id(customer_id, self._store_id),
            on_success=lambda found: self._on_found(seq, found),
            on_failure=lambda error: self._on_failed(seq, error),
        )

    def staff_changed(self) -> None:
        """Someone signed in or out. Whatever was on screen was trimmed for the one before (a
        manager's view must not stay in front of the associate who takes over), so it goes."""
        signed_in = self._access is None or self._access() is not None
        self.search.setEnabled(signed_in)
        self.search.field.setPlaceholderText(
            self.tr("Search by phone, e-mail or name")
            if signed_in
            else self.tr("Sign in to search for customers")
        )
        if self._access is not None:
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

    def _may_open_customers(self) -> bool:
        if self._access is None or self._access() is not None:
            return True
        self.show_message(self._sign_in_first_text())
        return False

    def _sign_in_first_text(self) -> str:
        return self.tr("Sign in first: scan your staff badge, or tap “Sign in” at the top.")

    def _current_access(self) -> ProfileAccess:
        if self._access is None:
            return _EVERYTHING
        return self._access() or access_for("associate")  # nobody signed in: the least

    def _mask_summary(self, summary: CustomerSummary) -> CustomerSummary:
        return restrict_summary(summary, self._current_access().role)

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

    def _on_found(self, seq: int, found: IdentifiedCustomerLike) -> None:
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

    def show_customer(self, found: IdentifiedCustomerLike, *, checking: bool = False) -> None:
        """Put ``found`` on screen; ``checking``: the device's copy, while the hub is being asked."""
        if self._access is not None and self._access() is None:
            return  # signed out while the lookup ran: nobody may see this customer now
        access = self._current_access()
        profile = restrict_profile(found.profile, access.role)
        self.notice.setVisible(False)
        self._customer_id = profile.customer.id
        self._arrange()
        source: Literal["online", "cache"] = "cache" if found.source == "cache" else "online"
        self.profile.show_profile(
            profile,
            source=source,
            as_of=found.as_of,
            store_names=self._store_names,
            checking=checking,
            lifetime_value_visible=access.see_lifetime_value,
        )
        self.customer_shown.emit(found.source)
        if checking:
            return  # the hub's answer follows; suggestions and the audit go with that one
        if source == "cache" and self._viewed_offline is not None:
            try:
                self._viewed_offline(profile.customer.id)
            except Exception as exc:  # the customer is served either way; the log says it is missing
                log.warning("an offline profile view could not be recorded (%s)", type(exc).__name__)
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

    def _on_suggestions(self, seq: int, customer_id: int, found: Any) -> None:
        if seq != self._lookup_seq or customer_id != self._customer_id:
            return
        if found.items is None:
            self.profile.show_recommendations_unavailable()
        else:
            self.profile.show_recommendations(found.items.items)
