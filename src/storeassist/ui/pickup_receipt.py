"""The hand-over receipt on screen: order, lines, time, associate, status, and a QR of its reference.

Confirmed by the hub, the reference is the hub's signed receipt code; saved on this tablet and not
confirmed yet, it is the command's id, and the receipt says it is waiting to sync. A hand-over
the hub refused or found in conflict says why, and that it is listed under "Needs attention".
The QR is painted here from ``qrcode``'s matrix (no image files); printing comes later.
"""

from __future__ import annotations

import logging

import qrcode
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget
from qrcode.constants import ERROR_CORRECT_M

from storeassist.domain.pickups import HandoverReceipt, ReceiptLine
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.overlay_pages import result_sentence
from storeassist.ui.pickup_words import PickupWords, size_colour, state_label
from storeassist.ui.widgets import Section, label, touch_button

log = logging.getLogger("storeassist.ui")
MIN_TOUCH_PX = 48
QR_PX = 240
QR_MASK = 2


class QrCodeView(QWidget):
    """A QR code of ``text``, painted square at the widget's size (white quiet zone included)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receiptQr")
        self.setFixedSize(QR_PX, QR_PX)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.text = ""
        self._matrix: list[list[bool]] = []

    def set_text(self, text: str) -> None:
        self.text = text
        self._matrix = []
        if text:
            # A fixed mask: choosing the "best" of eight costs ~40 ms in pure Python on a tablet,
            # and any mask reads; a screen QR at this size does not need the best one.
            qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2, mask_pattern=QR_MASK)
            qr.add_data(text)
            qr.make(fit=True)
            self._matrix = qr.get_matrix()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        modules = len(self._matrix)
        if modules:
            cell = min(self.width(), self.height()) / modules
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#000000"))
            for y, row in enumerate(self._matrix):
                for x, dark in enumerate(row):
                    if dark:
                        painter.drawRect(QRectF(x * cell, y * cell, cell + 0.5, cell + 0.5))
        painter.end()


def _swapped_in(line: ReceiptLine) -> str:
    """The item handed over instead, by its size and colour (the style's name alone is the same)."""
    if line.substitute_name is None:
        return PickupWords.tr("another size or colour")
    details = size_colour(line.substitute_size, line.substitute_colour)
    if not details:
        return line.substitute_name
    return PickupWords.tr("{name} ({details})").format(name=line.substitute_name, details=details)


def receipt_line_text(line: ReceiptLine) -> str:
    """What happened to one line in this hand-over, in a sentence or two."""
    what = line.name
    details = size_colour(line.size, line.colour)
    if details:
        what = PickupWords.tr("{name} ({details})").format(name=line.name, details=details)
    parts = []
    if line.handed:
        parts.append(PickupWords.tr("{n} × {what} handed over").format(n=line.handed, what=what))
    if line.substituted:
        parts.append(
            PickupWords.tr("{n} × {substitute} handed over instead of {what}").format(
                n=line.substituted,
                substitute=_swapped_in(line),
                what=what,
            )
        )
    if line.cancelled:
        parts.append(
            PickupWords.tr("{n} × {what} cancelled and refunded").format(n=line.cancelled, what=what)
        )
    return "; ".join(parts) or PickupWords.tr("{what}: to collect later").format(what=what)


class ReceiptPage(QWidget):
    """A hand-over's (or a restock's) receipt; Done goes back to the queue."""

    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._format = StoreFormat()
        self.receipt: HandoverReceipt | None = None
        self.title = label(role="screenTitle", wrap=True)
        self.status = label(role="hint", wrap=True)
        self.notice = label(role="notice", wrap=True)
        self.notice.setVisible(False)
        # Made once and filled per receipt: a receipt is painted while the customer waits, and
        # new labels cost their polish and layout every time.
        self.details = Section(self.tr("Receipt"))
        self.what = label(wrap=True)
        self.now_state = label(wrap=True)
        self.at = label(role="detail", wrap=True)
        self.by = label(role="detail", wrap=True)
        self.points = label(role="detail", wrap=True)
        for part in (self.what, self.now_state, self.at, self.by, self.points):
            self.details.add(part)
        self.qr = QrCodeView()
        self.reference = label(role="quiet", wrap=True)
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reference.setMaximumWidth(QR_PX + 40)
        qr_column = QVBoxLayout()
        qr_column.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        qr_column.addWidget(self.reference)
        qr_column.addStretch(1)
        details_column = QVBoxLayout()
        details_column.addWidget(self.details)
        details_column.addStretch(1)
        self.body = QHBoxLayout()
        self.body.setSpacing(16)
        self.body.addLayout(details_column, 1)
        self.body.addLayout(qr_column)
        self.done_button = touch_button(self.tr("Done"), primary=True)
        self.done_button.clicked.connect(self.done)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.notice)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignRight)

    def set_store_format(self, fmt: StoreFormat) -> None:
        self._format = fmt

    def show_receipt(self, receipt: HandoverReceipt, *, restock: bool = False) -> None:
        self.receipt = receipt
        number = receipt.order_number
        refused = receipt.status in ("refused", "conflict")
        if restock:
            self.title.setText(self.tr("Order #{number} put back on sale").format(number=number))
        elif refused:
            self.title.setText(self.tr("Order #{number} was not handed over").format(number=number))
        else:
            self.title.setText(self.tr("Order #{number} handed over").format(number=number))
        match receipt.status:
            case "confirmed":
                self.status.setText(self.tr("Confirmed by the back office."))
            case "waiting":
                self.status.setText(
                    self.tr(
                        "Saved on this tablet — waiting to sync. It is sent as soon as the back office "
                        "answers; the receipt code follows."
                    )
                )
            case _:
                self.status.setText(
                    self.tr("The back office did not accept it. It is listed under Needs attention.")
                )
        if refused:
            self.notice.setText(result_sentence(receipt.code, receipt.params, self._format))
        self.notice.setVisible(refused)
        # What happened first, what is left for later last; a bullet each, so wrapped lines read apart.
        lines = sorted(receipt.lines, key=lambda line: line.handed + line.cancelled + line.substituted == 0)
        self.what.setText("\n".join(f"• {receipt_line_text(line)}" for line in lines))
        self.what.setVisible(bool(receipt.lines))
        self.now_state.setText(
            self.tr("The order is now: {state}").format(state=state_label(receipt.pickup_state))
        )
        self.now_state.setVisible(not refused and not restock)
        self.at.setText(self.tr("At {time}").format(time=self._format.moment(receipt.at)))
        self.by.setText(self.tr("By {name}").format(name=receipt.staff_name))
        points = receipt.points_credited or 0
        self.points.setText(self.tr("%n loyalty point(s) credited", "", points) if points else "")
        self.points.setVisible(bool(points))
        confirmed = receipt.status == "confirmed"
        self.qr.set_text(receipt.reference if not refused else "")
        self.qr.setVisible(not refused)
        self.reference.setVisible(not refused)
        self.reference.setText(
            self.tr("Receipt code") if confirmed else self.tr("Reference on this tablet (not confirmed yet)")
        )
