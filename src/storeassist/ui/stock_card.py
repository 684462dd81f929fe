"""A product's card: price, attributes, the size × colour grid, the stock here, nearby and at the
warehouse (each count with its age; an old one greyed as "about", never as fact), companions in
stock here, and the two things to do with it (hold it for a customer, order it from elsewhere).

The card scrolls (a phone-sized list of nearby stores in portrait); a tap on a grid cell or a
companion opens that product's card. Built from a :class:`~storeassist.domain.stock.ProductCard`.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from storeassist.domain.stock import ProductCard, StockAt
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.stock_words import (
    StockWords,
    companion_reason,
    count_text,
    here_text,
    place_name,
    variant_text,
)
from storeassist.ui.widgets import (
    MIN_TOUCH_PX,
    PORTRAIT_BELOW,
    Section,
    clear_layout,
    label,
    pill,
    row_frame,
    text_column,
    touch_button,
)

#: A grid cell's least width: a finger's, and "12 here" in bold.
CELL_MIN_PX = 88
CELL_MAX_PX = 160


def orderable_elsewhere(card: ProductCard) -> list[StockAt]:
    """The places an endless-aisle order may come from: other stores and the warehouse with some
    on sale (an uncertain count included: the hub checks it when the order arrives)."""
    places = [*card.nearby, *([card.warehouse] if card.warehouse else [])]
    return [place for place in places if place.available > 0]


def scrolling(content: QWidget, name: str) -> QScrollArea:
    """``content`` in a touch-scrolled area that scrolls only up and down, on the page's own
    background (an area paints grey of its own)."""
    content.setObjectName(f"{name}Content")
    area = QScrollArea()
    area.setObjectName(f"{name}Scroll")
    area.setStyleSheet(f"QScrollArea#{name}Scroll, QWidget#{name}Content {{ background: transparent; }}")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
    return area


class StockRow(QFrame):
    """One place's count: where, how many (with its age) and, if uncertain, greyed with an icon."""

    def __init__(self, stock: StockAt, now: datetime, *, title: str | None = None) -> None:
        super().__init__()
        self.setProperty("role", "profileRow")
        self.stock = stock
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(12)
        self.uncertain = stock.certainty == "uncertain"
        self.place = label(title or place_name(stock), "rowTitle", wrap=True)
        self.count = label(count_text(stock, now), "quiet" if self.uncertain else "detail", wrap=True)
        layout.addLayout(text_column(self.place, self.count), 1)
        if self.uncertain:
            icon = QLabel()
            icon.setPixmap(
                self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(22, 22)
            )
            icon.setToolTip(StockWords.tr("This count is old: check before promising it."))
            icon.setAccessibleName(StockWords.tr("Uncertain count"))
            layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignVCenter)
            self.setToolTip(StockWords.tr("This count is old: check before promising it."))


class CardPage(QWidget):
    """A product as the counter shows it."""

    back = Signal()
    #: Another product's card is wanted (a grid cell, a companion): its SKU.
    product_chosen = Signal(str)
    hold_requested = Signal()
    order_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._format = StoreFormat()
        self.card: ProductCard | None = None
        self.back_button = touch_button(self.tr("Back to search"))
        self.back_button.clicked.connect(self.back)
        self.name = label(role="screenTitle", wrap=True)
        self.facts = label(role="hint", wrap=True)
        self.price = label(role="customerName")
        self.source = label(role="hint", wrap=True)
        self.waiting = pill("", "pending")
        self.attributes = label(role="detail", wrap=True)
        self.hold_button = touch_button(self.tr("Hold for a customer"), primary=True)
        self.order_button = touch_button(self.tr("Order from another store"))
        self.hold_button.clicked.connect(self.hold_requested)
        self.order_button.clicked.connect(self.order_requested)
        self.why_not = label(role="hint", wrap=True)

        self.grid_section = Section(self.tr("Sizes and colours here"))
        self.grid_box = QWidget()
        self.grid = QGridLayout(self.grid_box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(6)
        self.grid_section.header.addWidget(self.grid_box)
        self.stock_section = Section(self.tr("Stock"))
        self.companions_section = Section(self.tr("Goes well with it (in stock here)"))
        self.cells: dict[str, QPushButton] = {}

        content = QWidget()
        self.content = content
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 8, 0)
        body.setSpacing(12)
        head = QHBoxLayout()
        head.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        head.addStretch(1)
        head.addWidget(self.price, 0, Qt.AlignmentFlag.AlignTop)
        body.addLayout(head)
        body.addWidget(self.name)
        body.addWidget(self.facts)
        body.addWidget(self.attributes)
        body.addWidget(self.waiting, 0, Qt.AlignmentFlag.AlignLeft)
        body.addWidget(self.source)
        actions = QHBoxLayout()
        actions.setSpacing(12)
        actions.addWidget(self.hold_button)
        actions.addWidget(self.order_button)
        actions.addStretch(1)
        body.addLayout(actions)
        body.addWidget(self.why_not)
        # The grid beside the stock and companions in landscape, so "do you have it nearby" needs
        # no scrolling; stacked in portrait (see resizeEvent).
        left = QVBoxLayout()
        left.addWidget(self.grid_section)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(12)
        right.addWidget(self.stock_section)
        right.addWidget(self.companions_section)
        right.addStretch(1)
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.setSpacing(12)
        self.columns.addLayout(left, 2)
        self.columns.addLayout(right, 3)
        body.addLayout(self.columns)
        body.addStretch(1)

        self.scroll_area = scrolling(content, "stockCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)

    def set_store_format(self, fmt: StoreFormat) -> None:
        self._format = fmt

    def resizeEvent(self, event: QResizeEvent) -> None:
        portrait = self.width() < PORTRAIT_BELOW
        direction = QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        self.columns.setDirection(direction)
        super().resizeEvent(event)

    def show_card(self, card: ProductCard, now: datetime) -> None:
        self.card = card
        product = card.product
        self.name.setText(product.name)
        facts = [
            product.brand,
            variant_text(product),
            self.tr("SKU {sku}").format(sku=product.sku),
            product.gtin,
        ]
        self.facts.setText(" · ".join(part for part in facts if part))
        self.price.setText(self._format.money(product.price_cents, card.currency))
        attributes = [
            f"{name.replace('_', ' ').capitalize()}: {value}" for name, value in product.attributes.items()
        ]
        self.attributes.setText(" · ".join(attributes))
        self.attributes.setVisible(bool(attributes))
        self.waiting.setText(self.tr("%n on hold here waiting to sync", "", card.waiting_holds))
        self.waiting.setVisible(card.waiting_holds > 0)
        if card.source == "online":
            self.source.setText(self.tr("Counts just sent by the back office."))
        else:
            self.source.setText(self.tr("Counts from this tablet's copy; each says how old it is."))
        self._fill_grid(card)
        self._fill_stock(card, now)
        self._fill_companions(card)

    def show_companions(self, card: ProductCard) -> None:
        """The same card with its companions, once they are known."""
        self.card = card
        self._fill_companions(card)
        available_here = card.here.available if card.here else 0
        elsewhere = orderable_elsewhere(card)
        self.hold_button.setEnabled(available_here > 0)
        self.order_button.setEnabled(bool(elsewhere))
        reasons = []
        if available_here <= 0:
            reasons.append(self.tr("None on sale here to hold."))
        if not elsewhere:
            reasons.append(self.tr("No other store or the warehouse has any to order."))
        self.why_not.setText(" ".join(reasons))
        self.why_not.setVisible(bool(reasons))
        self.scroll_area.verticalScrollBar().setValue(0)

    def _fill_grid(self, card: ProductCard) -> None:
        clear_layout(self.grid)
        self.cells = {}
        grid = card.grid
        colours, sizes = grid.colours, grid.sizes
        for column, colour in enumerate(colours, start=1):
            head = label(colour or self.tr("One colour"), "factName", wrap=True)
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._place(head, 0, column)
        for row, size in enumerate(sizes, start=1):
            self._place(label(size or self.tr("One size"), "factName"), row, 0)
            for column, colour in enumerate(colours, start=1):
                cell = grid.cells.get((size, colour))
                if cell is None:
                    self._place(label("–", "quiet"), row, column)
                    continue
                button = touch_button(here_text(cell.available_here))  # as wide as its words in bold
                button.setProperty("role", "filterChip")
                button.setCheckable(True)
                button.setChecked(cell.sku == card.product.sku)
                button.setMinimumSize(CELL_MIN_PX, MIN_TOUCH_PX)
                button.setMaximumWidth(CELL_MAX_PX)
                button.setSizePolicy(QSizePolicy.Policy.MinimumExpanding, QSizePolicy.Policy.Fixed)
                button.setAccessibleName(
                    self.tr("{size} {colour}: {count}").format(
                        size=size or "", colour=colour or "", count=here_text(cell.available_here)
                    )
                )
                button.clicked.connect(lambda _c=False, sku=cell.sku: self._cell_tapped(sku))
                self._place(button, row, column)
                self.cells[cell.sku] = button
        self.grid.setColumnStretch(len(colours) + 1, 1)  # cells keep a finger's width, not the card's
        self.grid_section.setVisible(len(grid.cells) > 1)

    def _place(self, widget: QWidget, row: int, column: int) -> None:
        """Add to the grid and show now (a shown layout shows new children only on a later pass)."""
        self.grid.addWidget(widget, row, column)
        widget.show()

    def _cell_tapped(self, sku: str) -> None:
        if self.card is not None and sku == self.card.product.sku:
            self.cells[sku].setChecked(True)
            return
        self.product_chosen.emit(sku)

    def _fill_stock(self, card: ProductCard, now: datetime) -> None:
        section = self.stock_section
        section.clear()
        if card.here is not None:
            section.add(StockRow(card.here, now, title=self.tr("Here")))
        else:
            section.add_quiet(self.tr("This store does not stock it."))
        for place in card.nearby:
            section.add(StockRow(place, now))
        if card.warehouse is not None:
            section.add(StockRow(card.warehouse, now))
        if not card.nearby and card.warehouse is None:
            section.add_quiet(self.tr("No count from other stores on this tablet."))

    def _fill_companions(self, card: ProductCard) -> None:
        section = self.companions_section
        section.clear()
        section.setVisible(bool(card.companions))
        for companion in card.companions:
            row, layout = row_frame()
            product = companion.product
            title = label(product.name, "rowTitle", wrap=True)
            detail = [
                companion_reason(companion.reason_code, companion.reason_params),
                here_text(companion.available_here),
                self._format.money(product.price_cents, card.currency),
            ]
            layout.addLayout(text_column(title, label(" · ".join(detail), "detail", wrap=True)), 1)
            button = touch_button(self.tr("Open"))
            button.setAccessibleName(self.tr("Open {name}").format(name=product.name))
            button.clicked.connect(lambda _c=False, sku=product.sku: self.product_chosen.emit(sku))
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
            section.add(row)


__all__ = ["CardPage", "StockRow", "StockWords", "orderable_elsewhere"]
