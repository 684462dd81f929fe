"""What the list delegates share: a bold first line over a lighter second one, each cut with "…".

Rows drawn this way have one height whatever their text, so a list can be sized exactly to its
rows; the whole text stays in the row's tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

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
