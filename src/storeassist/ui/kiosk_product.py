"""A scanned product at the kiosk: price, sizes and colours here, nearby stores with their counts
and how fresh each is (the associates' product card, :class:`~storeassist.ui.stock_card.CardPage`),
and "Ask an associate to hold it", which puts a request on the associates' screen."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QVBoxLayout, QWidget

from storeassist.domain.stock import ProductCard
from storeassist.ui.background import OpRunner
from storeassist.ui.features import OpenElsewhere, OpenKind
from storeassist.ui.kiosk_screen import KioskScreen, blank, wipe_layout
from storeassist.ui.kiosk_services import KioskServices
from storeassist.ui.kiosk_words import problem_text
from storeassist.ui.stock_card import CardPage


def _now() -> datetime:
    return datetime.now(UTC)


class KioskProductScreen(KioskScreen):
    def __init__(
        self, runner: OpRunner, open_elsewhere: OpenElsewhere, parent: QWidget | None = None
    ) -> None:
        super().__init__(runner, open_elsewhere, parent)
        self.setObjectName("kioskProduct")
        self.clock = _now
        self.card_page = CardPage()
        self.card_page.back.connect(self.finished)
        self.card_page.product_chosen.connect(lambda sku: self.handle_scan("product", sku))
        self.card_page.hold_requested.connect(self._ask_hold)
        # A kiosk orders nothing and says nothing of the tablet's copy of the counts.
        self.card_page.order_button.hide()
        self.card_page.source.hide()
        self.card_page.waiting.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(self.message)
        layout.addWidget(self.card_page, 1)
        self.retranslate()

    def attach(self, services: KioskServices) -> None:
        super().attach(services)
        self.card_page.set_store_format(self._format)

    def handle_scan(self, kind: OpenKind, text: str) -> None:
        self.show_message("")
        card = self._desk.product(text) if self._desk is not None else None
        if card is None:
            self._clear_card()
            self.show_message(self.tr("We could not find that product. An associate can help."))
            return
        self._show(card)
        if self._desk is not None:
            self._run(self._desk.fresher(card), self._show, lambda _error: None)

    def _show(self, card: ProductCard) -> None:
        self.card_page.show_card(card, self.clock())
        self.card_page.show_companions(card)
        self.card_page.order_button.hide()
        self.card_page.source.hide()
        self.card_page.waiting.hide()
        self.card_page.hold_button.setVisible(True)

    def _ask_hold(self) -> None:
        card = self.card_page.card
        if card is None or self._desk is None:
            return
        self.card_page.hold_button.setEnabled(False)
        self.show_message(self.tr("Asking an associate…"))
        self._run(self._desk.request_hold(card.product.sku), self._asked, self._hold_failed)

    def _asked(self, _none: None) -> None:
        self.show_message(
            self.tr(
                "An associate has been asked to put one aside for you. Please wait here or at the counter."
            )
        )

    def _hold_failed(self, error: BaseException) -> None:
        self.card_page.hold_button.setEnabled(True)
        self.show_message(problem_text(error))

    def _clear_card(self) -> None:
        page = self.card_page
        page.card = None
        for section in (page.grid_section, page.stock_section, page.companions_section):
            wipe_layout(section.rows)
        wipe_layout(page.grid)
        page.cells = {}
        for text_label in (page.name, page.facts, page.price, page.attributes, page.why_not):
            blank(text_label)
        page.hold_button.setVisible(False)

    def _forget(self) -> None:
        self._clear_card()

    def retranslate(self) -> None:
        page = self.card_page
        page.back_button.setText(self.tr("Done"))
        page.hold_button.setText(self.tr("Ask an associate to hold it"))
        page.grid_section.title.setText(self.tr("Sizes and colours here"))
        page.stock_section.title.setText(self.tr("In stock here and nearby"))
        page.companions_section.title.setText(self.tr("Goes well with it (in stock here)"))
        if page.card is not None:
            self._show(page.card)
