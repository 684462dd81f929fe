"""The profile's header card: who the customer is, their standing, and how they may be contacted.

Name and tier, points and what the next tier needs, membership and lifetime value (or that the
role may not see it), preferred store and channel, and marketing consent per channel: one line in
landscape, the "not by" part on its own line in portrait. An offline badge sits on top when the
profile came from the tablet. Points, dates and money are written as the store writes them
(:meth:`ProfileHeader.set_store_format`); the lifetime value is in the profile's currency.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from storeassist.contract import CustomerProfile
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.hub_words import channel_label
from storeassist.ui.widgets import label, pill


class ProfileHeader(QFrame):
    """The top card of :class:`~storeassist.ui.profile_view.ProfileView`."""

    def __init__(self, parent: QWidget | None = None, *, store_format: StoreFormat | None = None) -> None:
        super().__init__(parent)
        self._format = store_format or StoreFormat()
        self.offline_badge = label(role="offline", wrap=True)
        self.offline_badge.setVisible(False)
        self.name = label(role="customerName", wrap=True)
        self.tier = label(role="tier")
        self.tier.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.points = label(role="points")
        self.next_tier = label(role="hint", wrap=True)
        self.membership = label(role="detail", wrap=True)
        self.shopping = label(role="detail", wrap=True)

        name_row = QHBoxLayout()
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.tier, 0, Qt.AlignmentFlag.AlignVCenter)
        points_row = QHBoxLayout()
        points_row.setSpacing(12)
        points_row.addWidget(self.points)
        points_row.addWidget(self.next_tier, 1, Qt.AlignmentFlag.AlignBaseline)

        # "May send offers by: ✓ E-mail ✓ Push   Not by: ✗ SMS ✗ Post" — one line in landscape,
        # the "not by" part on its own line in portrait.
        self.consent_yes = QHBoxLayout()
        self.consent_yes.setSpacing(8)
        self.consent_no = QHBoxLayout()
        self.consent_no.setSpacing(8)
        self.consent = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.consent.setSpacing(20)
        self.consent.addLayout(self.consent_yes)
        self.consent.addLayout(self.consent_no)
        self._build_consent()
        self.consent.addStretch(1)

        self.setProperty("role", "card")
        card_layout = QVBoxLayout(self)
        card_layout.setContentsMargins(20, 16, 20, 16)
        card_layout.setSpacing(8)
        card_layout.addWidget(self.offline_badge)
        card_layout.addLayout(name_row)
        card_layout.addLayout(points_row)
        card_layout.addWidget(self.membership)
        card_layout.addWidget(self.shopping)
        card_layout.addLayout(self.consent)

    def set_store_format(self, fmt: StoreFormat) -> None:
        """Write points, dates, times and money as this store does, from the next :meth:`fill`."""
        self._format = fmt

    def show_source(self, *, offline: bool, checking: bool, as_of: datetime) -> None:
        """Mark a profile from the tablet with its age; ``checking``: the hub is being asked too."""
        self.offline_badge.setVisible(offline)
        if offline and checking:
            self.offline_badge.setText(
                self.tr("Saved on this tablet — as of {time}. Checking with the back office…").format(
                    time=self._format.time(as_of)
                )
            )
        elif offline:
            self.offline_badge.setText(
                self.tr("Offline — as of {time}. Points and orders may have changed since.").format(
                    time=self._format.time(as_of)
                )
            )

    def fill(
        self,
        profile: CustomerProfile,
        *,
        lifetime_value_visible: bool,
        store_name: Callable[[int], str],
    ) -> None:
        """Who, tier and points, membership, how they shop, and consent per channel."""
        customer, loyalty, fmt = profile.customer, profile.loyalty, self._format
        self.name.setText(customer.name)
        self.tier.setText(loyalty.tier[:1].upper() + loyalty.tier[1:])
        self.points.setText(self.tr("{points} points").format(points=fmt.number(loyalty.points)))
        if loyalty.next_tier and loyalty.points_to_next is not None:
            self.next_tier.setText(
                self.tr("{points} more to {tier}").format(
                    points=fmt.number(loyalty.points_to_next), tier=loyalty.next_tier.capitalize()
                )
            )
        else:
            self.next_tier.setText(self.tr("Top tier"))
        self.membership.setText(
            "   ·   ".join(
                (
                    self.tr("Member since {date}").format(date=fmt.date(loyalty.member_since)),
                    self.tr("Lifetime value {money}").format(
                        money=fmt.money(customer.lifetime_value_cents, profile.currency)
                    )
                    if lifetime_value_visible
                    else self.tr("Lifetime value: not shown for your role"),
                )
            )
        )
        if customer.preferred_store_id is None:
            store = self.tr("No preferred store")
        else:
            store = self.tr("Preferred store: {store}").format(store=store_name(customer.preferred_store_id))
        channel = self.tr("Prefers: {channel}").format(channel=channel_label(customer.preferred_channel))
        self.shopping.setText(f"{store}   ·   {channel}")
        self._fill_consent(profile)

    def _build_consent(self) -> None:
        """The consent line's words and chips, made once; a customer shows some of them."""
        self._offers_by = label(self.tr("May send offers by:"), "detail")
        self._no_offers = label(self.tr("No marketing contact on any channel"), "detail")
        self._not_by = label(self.tr("Not by:"), "detail")
        names = (self.tr("E-mail"), self.tr("SMS"), self.tr("Push"), self.tr("Post"))
        self._granted: list[QLabel] = []
        self._refused: list[QLabel] = []
        self.consent_yes.addWidget(self._offers_by)
        self.consent_yes.addWidget(self._no_offers)
        self.consent_no.addWidget(self._not_by)
        for name in names:
            granted = pill(f"✓ {name}", "consent", granted="yes")
            granted.setToolTip(self.tr("Agreed to offers by {channel}").format(channel=name))
            refused = pill(f"✗ {name}", "consent", granted="no")
            refused.setToolTip(self.tr("Did not agree to offers by {channel}").format(channel=name))
            self._granted.append(granted)
            self._refused.append(refused)
            self.consent_yes.addWidget(granted)
            self.consent_no.addWidget(refused)
        self.consent_yes.addStretch(1)
        self.consent_no.addStretch(1)

    def _fill_consent(self, profile: CustomerProfile) -> None:
        consent = profile.customer.consent
        agreed = (consent.email, consent.sms, consent.push, consent.post)
        any_agreed, any_refused = any(agreed), not all(agreed)
        self._offers_by.setVisible(any_agreed)
        self._no_offers.setVisible(not any_agreed)
        self._not_by.setVisible(any_agreed and any_refused)
        for yes, granted, refused in zip(agreed, self._granted, self._refused, strict=True):
            granted.setVisible(yes)
            refused.setVisible(any_agreed and not yes)

    def set_portrait(self, portrait: bool) -> None:
        self.consent.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        self.consent.setSpacing(8 if portrait else 20)
