"""Painted list rows: a bold first line over a lighter second one, each cut with "…".

:class:`TwoLineDelegate` is the base; :class:`IconRowDelegate` adds an icon at the left (the
timeline), :class:`ProductRowDelegate` an availability pill at the right (cart, recently
viewed). Rows drawn this way have one height whatever their text, so a list can be sized exactly
to its rows, and a long list costs no widgets; the whole text stays in the row's tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from storeassist.ui.list_models import ProductRowModel

_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class TwoLineDelegate(QStyledItemDelegate):
    PADDING = 8
    #: Space between the two lines.
    LINE_GAP = 2
    #: The least height of a row, for touch.
    MIN_HEIGHT = 48

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setBold(True)
        return title, QFont(option.font)

    def _text_height(self, option: QStyleOptionViewItem) -> int:
        title, detail = self._fonts(option)
        return QFontMetrics(title).height() + QFontMetrics(detail).height() + self.LINE_GAP

    def _row_size(self, option: QStyleOptionViewItem, content_height: int) -> QSize:
        return QSize(option.rect.width(), max(content_height + 2 * self.PADDING, self.MIN_HEIGHT))

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return self._row_size(option, self._text_height(option))

    @staticmethod
    def _draw_elided(
        painter: QPainter, metrics: QFontMetrics, box: QRect, text: str, align: int = _LEFT
    ) -> None:
        painter.drawText(box, align, metrics.elidedText(text, Qt.TextElideMode.ElideRight, box.width()))

    def _draw_lines(
        self, painter: QPainter, option: QStyleOptionViewItem, left: int, width: int, title: str, detail: str
    ) -> tuple[int, QFontMetrics]:
        """Draw both lines from ``left``, centred in the row; return the top and the title's metrics
        (for what a subclass adds on the first line). Leaves the painter as it found it."""
        title_font, detail_font = self._fonts(option)
        title_metrics, detail_metrics = QFontMetrics(title_font), QFontMetrics(detail_font)
        top = option.rect.center().y() - self._text_height(option) // 2
        painter.save()
        painter.setPen(option.palette.color(option.palette.ColorRole.Text))
        painter.setFont(title_font)
        self._draw_elided(painter, title_metrics, QRect(left, top, width, title_metrics.height()), title)
        # The second line is the same ink, lighter: it follows the theme's text colour.
        painter.setOpacity(0.75)
        painter.setFont(detail_font)
        line_two = QRect(left, top + title_metrics.height() + self.LINE_GAP, width, detail_metrics.height())
        self._draw_elided(painter, detail_metrics, line_two, detail)
        painter.restore()
        return top, title_metrics


#: The icon at the left of an icon row (the timeline's channel, a product's channel).
ROW_ICON_PX = 28


class IconRowDelegate(TwoLineDelegate):
    """A row with an icon (``DecorationRole``) at its left: the title in bold, the detail below
    (the timeline's when · where · what)."""

    GAP = 12

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return self._row_size(option, max(self._text_height(option), ROW_ICON_PX))

    def _right_part(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> int:
        """Width kept free at the row's right end for what a subclass draws there."""
        return 0

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget)
        rect: QRect = opt.rect.adjusted(12, self.PADDING, -12, -self.PADDING)
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        icon_box = QRect(rect.left(), rect.center().y() - ROW_ICON_PX // 2, ROW_ICON_PX, ROW_ICON_PX)
        if isinstance(icon, QIcon):
            icon.paint(painter, icon_box)
        left = icon_box.right() + self.GAP
        right = rect.right() - self._right_part(opt, index)
        title, _, detail = str(index.data(Qt.ItemDataRole.DisplayRole) or "").partition("\n")
        self._draw_lines(painter, opt, left, max(0, right - left), title, detail)
        self._paint_right(painter, opt, index, rect)

    def _paint_right(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
        rect: QRect,
    ) -> None:
        """Draw in the space :meth:`_right_part` kept (nothing here)."""


#: A pill's colours (border, fill, text), as the theme draws its availability labels: "here" (good),
#: "nearby" (take care), "out" (quiet), "critical" (act now).
_PILL_COLOURS = {
    "here": ("#9fd3ae", "#e3f4e8", "#1e6b34"),
    "nearby": ("#f0c36d", "#fff4e0", "#6b4500"),
    "out": ("#cfd5de", "#eef0f3", "#4f5968"),
    "critical": ("#eeb2ad", "#fdeceb", "#8c1d18"),
}
PILL_PAD = 10


def pill_width(font: QFont, text: str) -> int:
    return QFontMetrics(font).horizontalAdvance(text) + 2 * PILL_PAD


def draw_pill(painter: QPainter, font: QFont, right: int, top: int, text: str, kind: str) -> None:
    """A rounded tag ending at ``right``, its top at ``top``, coloured by ``kind`` (``_PILL_COLOURS``)."""
    metrics = QFontMetrics(font)
    width, height = pill_width(font, text), metrics.height() + 6
    box = QRectF(right - width, top, width, height)
    border, fill, ink = _PILL_COLOURS.get(kind, _PILL_COLOURS["out"])
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(border), 1))
    painter.setBrush(QColor(fill))
    painter.drawRoundedRect(box, 8, 8)
    painter.setPen(QColor(ink))
    painter.setFont(font)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)
    painter.restore()


class ProductRowDelegate(IconRowDelegate):
    """A product in a cart or recently viewed: channel icon, name over price · when · channel,
    and where it is in stock as a pill at the right end. One painted row, no widgets, so a
    profile with many items paints as fast as one with few."""

    PILL_GAP = 12

    def _pill_font(self, option: QStyleOptionViewItem) -> QFont:
        font = QFont(option.font)
        font.setBold(True)
        return font

    def _pill_text(self, index: QModelIndex | QPersistentModelIndex) -> tuple[str, str]:
        where, text = index.data(ProductRowModel.AvailabilityRole) or ("out", "")
        return str(where), str(text)

    def _right_part(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> int:
        _where, text = self._pill_text(index)
        return pill_width(self._pill_font(option), text) + self.PILL_GAP if text else 0

    def _paint_right(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
        rect: QRect,
    ) -> None:
        where, text = self._pill_text(index)
        if text:
            draw_pill(painter, self._pill_font(option), rect.right(), rect.top(), text, where)


def product_list(model: ProductRowModel, name: str) -> QListView:
    """A list of painted product rows (:class:`ProductRowDelegate`) that never scrolls itself:
    the page around it does (size it with :func:`fit_list_height`)."""
    view = QListView()
    view.setObjectName(name)
    view.setModel(model)
    view.setItemDelegate(ProductRowDelegate(view))
    view.setUniformItemSizes(True)
    view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return view


def fit_list_height(view: QListView) -> None:
    """As tall as its rows: the page scrolls, the list does not."""
    view.ensurePolished()
    model = view.model()
    rows = model.rowCount() if model is not None else 0
    height = sum(max(0, view.sizeHintForRow(row)) for row in range(rows))
    view.setFixedHeight(height + 2 * view.frameWidth() + 2)
