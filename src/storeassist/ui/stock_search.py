"""Finding a product: a search field with results as you type, from the tablet's catalog.

Typing pauses :data:`DEBOUNCE_MS`, then the screen asks the desk (the cache: offline too) and
calls :meth:`SearchPage.show_answer`. Each hit is one painted row (style.md §7): name over brand ·
size · colour · price, and the units on sale here as a pill. A corrected query says "Did you
mean …", a catalog still filling says results may be missing, and an unknown barcode offers a
search for it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QStyle,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from storeassist.domain.stock import ProductHit, SearchAnswer
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.row_delegate import TwoLineDelegate, draw_pill, pill_width
from storeassist.ui.stock_words import StockWords, here_text, variant_text
from storeassist.ui.widgets import MIN_TOUCH_PX, label, row_list, touch_button

#: Typing pauses this long before the catalog is searched.
DEBOUNCE_MS = 150
FIELD_MAX_CHARS = 100


class HitsModel(QAbstractListModel):
    """The search's hits, best first; each worded when painted."""

    SkuRole = Qt.ItemDataRole.UserRole + 1
    PillRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[ProductHit] = []
        self._format = StoreFormat()
        self._currency = "USD"

    def set_format(self, fmt: StoreFormat) -> None:
        self._format = fmt
        self._currency = fmt.currency

    def set_hits(self, hits: list[ProductHit]) -> None:
        self.beginResetModel()
        self._hits = hits
        self.endResetModel()

    def hits(self) -> list[ProductHit]:
        return list(self._hits)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        product = hit.product
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            facts = [
                product.brand,
                variant_text(product),
                self._format.money(product.price_cents, self._currency),
            ]
            line = f"{product.name}\n{' · '.join(part for part in facts if part)}"
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{line}\n{here_text(hit.available_here)}"
            return line
        if role == self.SkuRole:
            return product.sku
        if role == self.PillRole:
            count = hit.available_here
            kind = "out" if not count else "here"
            return kind, here_text(count)
        return None


class HitDelegate(TwoLineDelegate):
    """Name in bold over the facts; the count here as a pill at the right."""

    PADDING = 12
    MIN_HEIGHT = 64
    SIDE = 16
    GAP = 12

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect: QRect = opt.rect.adjusted(self.SIDE, self.PADDING, -self.SIDE, -self.PADDING)
        kind, pill = index.data(HitsModel.PillRole) or ("out", "")
        font = QFont(opt.font)
        font.setBold(True)
        room = min(pill_width(font, pill), rect.width() // 2) + self.GAP if pill else 0
        title, _, detail = str(index.data(Qt.ItemDataRole.DisplayRole) or "").partition("\n")
        top, _ = self._draw_lines(painter, opt, rect.left(), max(0, rect.width() - room), title, detail)
        if pill:
            draw_pill(painter, font, rect.right(), top - 3, pill, str(kind))


class SearchPage(QWidget):
    """The search field, its notes and the hits; a tap opens a product's card."""

    #: The search text after a pause in typing (the screen asks the desk, then ``show_answer``).
    search_requested = Signal(str)
    product_chosen = Signal(str)
    holds_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label(self.tr("Stock"), "screenTitle")
        self.holds_button = touch_button(self.tr("Holds"))
        self.holds_button.clicked.connect(self.holds_requested)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.holds_button)
        self.hint = label(
            self.tr("Scan a product's barcode, or search by name, brand, SKU, colour or size."),
            "hint",
            wrap=True,
        )
        self.field = QLineEdit()
        self.field.setObjectName("stockSearchField")
        self.field.setPlaceholderText(self.tr("Search the catalog"))
        # A finger-sized Clear, not the field's small built-in one.
        self.clear_button = touch_button(self.tr("Clear"))
        self.clear_button.setVisible(False)
        self.clear_button.clicked.connect(self.field.clear)
        self.field.setMaxLength(FIELD_MAX_CHARS)
        self.field.setMinimumHeight(MIN_TOUCH_PX)
        self.field.setInputMethodHints(Qt.InputMethodHint.ImhNoPredictiveText)
        self.loading = label(role="hint", wrap=True)
        self.loading.setVisible(False)
        self.corrected = label(role="hint", wrap=True)
        self.corrected.setVisible(False)
        self.unknown = label(role="notice", wrap=True)
        self.unknown.setVisible(False)
        self.search_code_button = touch_button(self.tr("Search for it"))
        self.search_code_button.setVisible(False)
        self.search_code_button.clicked.connect(self._search_unknown_code)
        self.empty = label(role="quiet", wrap=True)
        self.empty.setVisible(False)

        self.model = HitsModel(self)
        self.view = row_list("stockHits", self.model, HitDelegate)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        field_row = QHBoxLayout()
        field_row.setSpacing(8)
        field_row.addWidget(self.field, 1)
        field_row.addWidget(self.clear_button)
        layout.addLayout(field_row)
        layout.addWidget(self.unknown)
        layout.addWidget(self.search_code_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.loading)
        layout.addWidget(self.corrected)
        layout.addWidget(self.empty)
        layout.addWidget(self.view, 1)

        self._unknown_code = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(lambda: self.search_requested.emit(self.field.text()))
        self.field.textChanged.connect(self._edited)
        self.view.clicked.connect(self._tapped)

    def set_store_format(self, fmt: StoreFormat) -> None:
        self.model.set_format(fmt)

    def _edited(self, text: str) -> None:
        self.clear_button.setVisible(bool(text))
        self._timer.start()

    def search_now(self) -> None:
        self._timer.stop()
        self.search_requested.emit(self.field.text())

    def show_answer(self, answer: SearchAnswer) -> None:
        """Paint ``answer`` unless the field has changed since it was asked."""
        if answer.query != self.field.text():
            return
        self.model.set_hits(list(answer.hits))
        self.loading.setVisible(answer.catalog_filling)
        self.loading.setText(
            self.tr("The catalog is still loading on this tablet: some products may be missing for now.")
        )
        self.corrected.setVisible(answer.corrected is not None)
        if answer.corrected is not None:
            self.corrected.setText(
                self.tr("Nothing matched as typed. Did you mean “{text}”?").format(text=answer.corrected[:60])
            )
        typed = answer.query.strip()
        empty = bool(typed) and not answer.hits
        self.empty.setVisible(empty)
        if empty:
            self.empty.setText(self.tr("No product matches “{query}”.").format(query=typed[:40]))
        self.view.setVisible(not empty)

    def show_unknown_code(self, code: str) -> None:
        """A scanned barcode no product has: say so, and offer to search for it."""
        self._unknown_code = code
        self.unknown.setText(
            self.tr("No product has barcode {code}. It may be new, or for another shop.").format(
                code=code[:32]
            )
        )
        self.unknown.setVisible(True)
        self.search_code_button.setVisible(True)

    def clear_notes(self) -> None:
        self.unknown.setVisible(False)
        self.search_code_button.setVisible(False)

    def _search_unknown_code(self) -> None:
        self.clear_notes()
        self.field.setText(self._unknown_code)
        self.search_now()

    def _tapped(self, index: QModelIndex) -> None:
        sku = index.data(HitsModel.SkuRole)
        if sku:
            self.product_chosen.emit(str(sku))


__all__ = ["DEBOUNCE_MS", "HitsModel", "SearchPage", "StockWords"]
