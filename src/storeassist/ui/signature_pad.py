"""A box the customer signs in with a finger: kept as SVG path data, "M x y L x y …".

The box is 400×150 and the coordinates are whole numbers inside it, which is what the hand-over
command accepts (``contract.MAX_SIGNATURE_CHARS`` characters at most). Points closer than a few
pixels to the last one are skipped, so a signature stays short; once the path is full, further
strokes are not added (and :attr:`full` says so).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from storeassist.contract.payloads import MAX_SIGNATURE_CHARS

WIDTH, HEIGHT = 400, 150
#: Points nearer than this to the last one kept add nothing a reader would see.
MIN_STEP_PX = 3


class SignaturePad(QWidget):
    """Draw to sign; :meth:`path_data` is the signature, empty when nothing was drawn."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.setFixedSize(WIDTH, HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, False)  # touches arrive as mouse events
        self._strokes: list[list[tuple[int, int]]] = []
        self._length = 0
        self.full = False

    # -- what was drawn -------------------------------------------------------------------

    def path_data(self) -> str:
        parts = []
        for stroke in self._strokes:
            head, *rest = stroke
            parts.append(f"M {head[0]} {head[1]}")
            parts.extend(f"L {x} {y}" for x, y in rest)
        return " ".join(parts)

    def is_empty(self) -> bool:
        return not any(len(stroke) > 1 for stroke in self._strokes)

    def clear(self) -> None:
        self._strokes = []
        self._length = 0
        self.full = False
        self.update()
        self.changed.emit()

    def _add(self, point: QPoint, *, start: bool) -> None:
        x = min(max(point.x(), 0), WIDTH - 1)
        y = min(max(point.y(), 0), HEIGHT - 1)
        if not start and self._strokes:
            last = self._strokes[-1][-1]
            if abs(x - last[0]) + abs(y - last[1]) < MIN_STEP_PX:
                return
        piece = f"{'M' if start else 'L'} {x} {y}"
        extra = len(piece) + (1 if self._length else 0)
        if self._length + extra > MAX_SIGNATURE_CHARS:
            self.full = True
            return
        self._length += extra
        if start:
            self._strokes.append([(x, y)])
        else:
            self._strokes[-1].append((x, y))
        self.update()

    # -- drawing --------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._add(event.position().toPoint(), start=True)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton and self._strokes:
            self._add(event.position().toPoint(), start=False)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._strokes:
            self._add(event.position().toPoint(), start=False)
            # A tap without a move is a dot nobody can read: it is dropped.
            if len(self._strokes[-1]) < 2:
                self._strokes.pop()
                self._length = len(self.path_data())
            self.changed.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setPen(QPen(QColor("#aab4c3"), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        # The line to sign on.
        painter.setPen(QPen(QColor("#d5dce6"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(16, HEIGHT - 30, WIDTH - 16, HEIGHT - 30)
        painter.setPen(QPen(QColor("#1d2430"), 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for stroke in self._strokes:
            path = QPainterPath(QPointF(*stroke[0]))
            for x, y in stroke[1:]:
                path.lineTo(QPointF(x, y))
            painter.drawPath(path)
        painter.end()
