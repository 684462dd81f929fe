"""The Customer screen: who was just scanned — name, tier, points, alerts and recent activity.

One user action, one service call (style.md §3): a loyalty scan calls
``IdentifyCustomer.identify_by_token`` through the :class:`OpRunner`. A profile from the
device cache is marked "offline — as of <time>". A refused code becomes a calm notice at the
top of the screen, and whatever customer was showing stays.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from storeassist.contract import CustomerProfile
from storeassist.domain.tokens import TokenError
from storeassist.ui.background import OpRunner
from storeassist.ui.formatting import format_date, format_points, format_time
from storeassist.ui.list_models import ListRow, RowListModel
from storeassist.ui.messages import describe_failure

log = logging.getLogger("storeassist.ui")


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


def _label(text: str = "", role: str | None = None, *, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    if role:
        label.setProperty("role", role)
    label.setWordWrap(wrap)
    return label


def _list_view(model: RowListModel) -> QListView:
    view = QListView()
    view.setModel(model)
    view.setWordWrap(True)
    view.setUniformItemSizes(False)
    view.setSelectionMode(QListView.SelectionMode.NoSelection)
    view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
    return view


class CustomerScreen(QWidget):
    """Shows one identified customer at a time."""

    #: A profile was just put on screen; the argument is where it came from ("online" or "cache").
    #: Emitted after the widgets are filled, so a listener that repaints sees the new profile.
    customer_shown = Signal(str)

    def __init__(self, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._identifier: CustomerIdentifier | None = None
        self._store_id: int | None = None
        # Each lookup gets a number; an answer to an older scan must not replace a newer one.
        self._lookup_seq = 0
        #: The lookup whose customer was painted from the device before the hub answered.
        self._early_shown_for: int | None = None

        self.title = _label(self.tr("Customer"), "screenTitle")
        self.notice = _label(role="notice", wrap=True)
        self.notice.setVisible(False)
        self.hint = _label(
            self.tr("Scan the customer's loyalty card or the code in their app."), "hint", wrap=True
        )
        self.status = _label(role="hint")
        self.status.setVisible(False)

        # -- the profile card -------------------------------------------------------------
        self.offline_badge = _label(role="offline", wrap=True)
        self.offline_badge.setVisible(False)
        self.name = _label(role="customerName", wrap=True)
        self.tier = _label(role="tier")
        self.tier.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.points = _label(role="points")
        self.next_tier = _label(role="hint", wrap=True)
        self.member_since = _label(role="hint", wrap=True)
        self.extras = _label(wrap=True)

        name_row = QHBoxLayout()
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.tier, 0, Qt.AlignmentFlag.AlignVCenter)
        points_row = QHBoxLayout()
        points_row.addWidget(self.points)
        points_row.addWidget(self.next_tier, 1)

        self.card = QFrame()
        self.card.setProperty("role", "card")
        card_layout = QVBoxLayout(self.card)
        card_layout.setContentsMargins(20, 16, 20, 16)
        card_layout.setSpacing(8)
        card_layout.addWidget(self.offline_badge)
        card_layout.addLayout(name_row)
        card_layout.addLayout(points_row)
        card_layout.addWidget(self.member_since)
        card_layout.addWidget(self.extras)

        self.alerts_model = RowListModel(self)
        self.activity_model = RowListModel(self)
        alerts_box = QVBoxLayout()
        alerts_box.addWidget(_label(self.tr("Alerts"), "sectionTitle"))
        alerts_box.addWidget(_list_view(self.alerts_model))
        activity_box = QVBoxLayout()
        activity_box.addWidget(_label(self.tr("Recent activity"), "sectionTitle"))
        activity_box.addWidget(_list_view(self.activity_model))
        # Side by side in landscape, stacked in portrait (see resizeEvent).
        self.lists = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.lists.setSpacing(16)
        self.lists.addLayout(alerts_box, 1)
        self.lists.addLayout(activity_box, 1)

        self.profile = QWidget()
        profile_layout = QVBoxLayout(self.profile)
        profile_layout.setContentsMargins(0, 0, 0, 0)
        profile_layout.setSpacing(12)
        profile_layout.addWidget(self.card)
        profile_layout.addLayout(self.lists, 1)
        self.profile.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.notice)
        layout.addWidget(self.hint)
        layout.addWidget(self.status)
        layout.addWidget(self.profile, 1)
        layout.addStretch(0)

    # -- wiring ---------------------------------------------------------------------------

    def attach(self, identifier: CustomerIdentifier, store_id: int) -> None:
        """Give the screen its service once the device is enrolled (the window exists before)."""
        self._identifier = identifier
        self._store_id = store_id

    # -- user actions ---------------------------------------------------------------------

    def identify(self, token: str) -> None:
        """A loyalty code was scanned: look the customer up (online, or from the cache)."""
        if self._identifier is None or self._store_id is None:
            self.show_message(
                self.tr("This tablet is not ready yet. Wait until it is connected, then scan again.")
            )
            return
        self._lookup_seq += 1
        seq = self._lookup_seq
        self.notice.setVisible(False)
        # A customer this tablet already knows is on screen at once; the hub's answer replaces it.
        try:
            early = self._identifier.cached_customer(token)
        except TokenError as exc:
            # Refused on the device: never sent, and whoever was on screen stays.
            self._set_status("")
            self.show_message(describe_failure(exc, doing="customer lookup"))
            return
        self._early_shown_for = None
        if early is None:
            self._set_status(self.tr("Looking up the customer…"))
        else:
            self._set_status("")
            self.show_customer(early, checking=True)
            self._early_shown_for = seq
        self._runner.run(
            self._identifier.identify_by_token(token, self._store_id),
            on_success=lambda found: self._on_found(seq, found),
            on_failure=lambda error: self._on_failed(seq, error),
        )

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
        if isinstance(error, TokenError) and self._early_shown_for == seq:
            # The hub refused a code the device let through (a card revoked since the last
            # sync, say): the customer shown early for it must not stay on screen.
            self._hide_profile()
        self.show_message(describe_failure(error, doing="customer lookup"))

    def _hide_profile(self) -> None:
        self.profile.setVisible(False)
        self.hint.setVisible(True)

    def show_customer(self, found: IdentifiedCustomerLike, *, checking: bool = False) -> None:
        """Put ``found`` on screen; ``checking``: the device's copy, while the hub is being asked."""
        profile = found.profile
        loyalty = profile.loyalty
        self.notice.setVisible(False)
        self.hint.setVisible(False)
        self.profile.setVisible(True)

        offline = found.source == "cache"
        self.offline_badge.setVisible(offline)
        if offline and checking:
            self.offline_badge.setText(
                self.tr("Saved on this tablet — as of {time}. Checking with the back office…").format(
                    time=format_time(found.as_of)
                )
            )
        elif offline:
            self.offline_badge.setText(
                self.tr("Offline — as of {time}. Points and orders may have changed since.").format(
                    time=format_time(found.as_of)
                )
            )
        self.name.setText(profile.customer.name)
        self.tier.setText(loyalty.tier[:1].upper() + loyalty.tier[1:])
        self.points.setText(self.tr("{points} points").format(points=format_points(loyalty.points)))
        if loyalty.next_tier and loyalty.points_to_next is not None:
            self.next_tier.setText(
                self.tr("{points} more to {tier}").format(
                    points=format_points(loyalty.points_to_next), tier=loyalty.next_tier.capitalize()
                )
            )
        else:
            self.next_tier.setText("")
        self.member_since.setText(
            self.tr("Member since {date}").format(date=format_date(loyalty.member_since))
        )
        self.extras.setText(self._extras_text(profile))
        self.alerts_model.set_rows(self._alert_rows(profile))
        self.activity_model.set_rows(self._activity_rows(profile))
        self.customer_shown.emit(found.source)

    def _extras_text(self, profile: CustomerProfile) -> str:
        parts = []
        if profile.open_pickups:
            parts.append(self.tr("Pickups waiting: {n}").format(n=len(profile.open_pickups)))
        if profile.holds:
            parts.append(self.tr("Items on hold: {n}").format(n=len(profile.holds)))
        sizes = ", ".join(f"{kind} {size}" for kind, size in sorted(profile.customer.sizes.items()))
        if sizes:
            parts.append(self.tr("Sizes: {sizes}").format(sizes=sizes))
        if profile.customer.preferences:
            parts.append(self.tr("Likes: {likes}").format(likes=", ".join(profile.customer.preferences[:4])))
        return "   ·   ".join(parts)

    def _alert_rows(self, profile: CustomerProfile) -> list[ListRow]:
        if not profile.alerts:
            return [ListRow(self.tr("No alerts"))]
        return [ListRow(alert.message, alert.ref or "", alert.severity) for alert in profile.alerts]

    def _activity_rows(self, profile: CustomerProfile) -> list[ListRow]:
        if not profile.timeline:
            return [ListRow(self.tr("No recent activity"))]
        return [
            ListRow(
                entry.title,
                f"{format_time(entry.at)} · {entry.channel}" + (f" · {entry.detail}" if entry.detail else ""),
            )
            for entry in profile.timeline[:50]
        ]

    # -- layout ---------------------------------------------------------------------------

    def resizeEvent(self, event: Any) -> None:
        portrait = self.width() < 900
        self.lists.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        # Stacked, alerts are usually few and activity long: give activity the room.
        self.lists.setStretch(0, 1)
        self.lists.setStretch(1, 2 if portrait else 1)
        super().resizeEvent(event)
