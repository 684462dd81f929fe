"""The shopper who scanned their loyalty code: a masked greeting, tier and points, what the next
tier needs, offers worded from their codes, and suggestions in stock here (a tap opens one)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QResizeEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QListView, QVBoxLayout, QWidget

from storeassist.contract.kiosk import KioskShopper
from storeassist.ui.background import OpRunner
from storeassist.ui.features import OpenElsewhere, OpenKind
from storeassist.ui.kiosk_screen import KioskScreen, wipe_layout
from storeassist.ui.kiosk_words import offer_text, problem_text, tier_name
from storeassist.ui.stock_card import scrolling
from storeassist.ui.widgets import Section, label, pill, touch_button

SKU_ROLE = Qt.ItemDataRole.UserRole + 1


class KioskShopperScreen(KioskScreen):
    def __init__(
        self, runner: OpRunner, open_elsewhere: OpenElsewhere, parent: QWidget | None = None
    ) -> None:
        super().__init__(runner, open_elsewhere, parent)
        self.setObjectName("kioskShopper")
        self._shopper: KioskShopper | None = None
        self.greeting = label("", "kioskGreeting", wrap=True)
        self.tier = pill("", "tier")
        self.points = label("", "kioskBig", wrap=True)
        self.next_tier = label("", "kioskText", wrap=True)
        self.offers = Section("")
        self.suggestions_section = Section("")
        self.suggestions = QStandardItemModel(self)
        self.suggestion_list = QListView()
        self.suggestion_list.setObjectName("kioskSuggestions")
        self.suggestion_list.setModel(self.suggestions)
        self.suggestion_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.suggestion_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.suggestion_list.setWordWrap(True)
        self.suggestion_list.setSpacing(4)
        self.suggestion_list.clicked.connect(self._suggestion_tapped)
        self.suggestion_list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.suggestions_section.rows.addWidget(self.suggestion_list)
        self.done_button = touch_button("", primary=True)
        self.done_button.clicked.connect(self.finished)

        head = QHBoxLayout()
        head.setSpacing(16)
        head.addWidget(self.greeting, 1)
        head.addWidget(self.tier, 0, Qt.AlignmentFlag.AlignVCenter)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addWidget(self.offers, 1)
        columns.addWidget(self.suggestions_section, 1)
        self.columns = columns
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(16)
        layout.addLayout(head)
        layout.addWidget(self.points)
        layout.addWidget(self.next_tier)
        layout.addWidget(self.message)
        layout.addLayout(columns)
        layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(content, "kioskShopper"))
        self.retranslate()
        self._forget()

    def resizeEvent(self, event: QResizeEvent) -> None:
        portrait = self.width() < 900
        self.columns.setDirection(
            QVBoxLayout.Direction.TopToBottom if portrait else QVBoxLayout.Direction.LeftToRight
        )
        super().resizeEvent(event)

    def handle_scan(self, kind: OpenKind, text: str) -> None:
        self.forget()
        if self._desk is None:
            return
        self.show_message(self.tr("One moment…"))
        self._run(self._desk.shopper(text), self._show, self._failed)

    def _show(self, shopper: KioskShopper) -> None:
        self._shopper = shopper
        self.show_message("")
        self._fill()

    def _failed(self, error: BaseException) -> None:
        self.show_message(problem_text(error))

    def _fill(self) -> None:
        shopper = self._shopper
        if shopper is None:
            return
        self.greeting.setText(self.tr("Hello, {name}!").format(name=shopper.greeting_name))
        self.tier.setText(tier_name(shopper.tier))
        self.tier.setVisible(True)
        self.points.setText(self.tr("{points} points").format(points=self._format.number(shopper.points)))
        if shopper.next_tier and shopper.points_to_next:
            self.next_tier.setText(
                self.tr("{points} more points to {tier}").format(
                    points=self._format.number(shopper.points_to_next), tier=tier_name(shopper.next_tier)
                )
            )
        else:
            self.next_tier.setText(self.tr("You are at our top tier. Thank you!"))
        wipe_layout(self.offers.rows)
        for offer in shopper.offers:
            self.offers.add(label(offer_text(offer.code, offer.params, self._format), "kioskText", wrap=True))
        if not shopper.offers:
            self.offers.add_quiet(self.tr("No offers today. Ask an associate about what is new."))
        self.suggestions.clear()
        for suggestion in shopper.suggestions:
            item = QStandardItem(
                self.tr("{name} · {price} · {count} here").format(
                    name=suggestion.product.name,
                    price=self._format.money(suggestion.product.price_cents),
                    count=suggestion.here,
                )
            )
            item.setData(suggestion.product.sku, SKU_ROLE)
            item.setEditable(False)
            self.suggestions.appendRow(item)
        self.suggestions_section.setVisible(bool(shopper.suggestions))
        rows = self.suggestions.rowCount()
        row_px = self.suggestion_list.sizeHintForRow(0) + 2 * self.suggestion_list.spacing() if rows else 0
        self.suggestion_list.setFixedHeight(max(1, rows * row_px + 8))

    def _suggestion_tapped(self, index: QModelIndex) -> None:
        sku = index.data(SKU_ROLE)
        if isinstance(sku, str):
            self._open("product", sku)

    def _forget(self) -> None:
        self._shopper = None
        for text_label in (self.greeting, self.tier, self.points, self.next_tier):
            text_label.clear()
            text_label.setToolTip("")
            text_label.setAccessibleName("")
        self.tier.setVisible(False)
        wipe_layout(self.offers.rows)
        self.suggestions.clear()
        self.suggestions_section.setVisible(False)

    def retranslate(self) -> None:
        self.offers.title.setText(self.tr("Your offers"))
        self.suggestions_section.title.setText(self.tr("Picked for you, in stock here"))
        self.done_button.setText(self.tr("Done"))
        self._fill()
