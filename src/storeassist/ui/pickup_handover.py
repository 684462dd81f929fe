"""Handing over: how many of each line go now, what happens to the rest, and the customer's confirmation.

Each line still to collect has a stepper for the units handed over now (all of them to start
with). Units not handed now are collected later, unless the associate says they are missing or
damaged (cancelled and refunded at the hub) or swaps them for another size or colour of the same
style in stock here (``PickupDesk.substitutes``, with the count here). The customer confirms with
their typed name or a drawn signature. The page checks what it can before anything is sent
(nothing chosen, a swap for more than is in stock, no confirmation) and says it in a sentence;
the desk checks the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from storeassist.contract import CollectPickupPayload, HandoverLine, Order, OrderLine, PickupVerification
from storeassist.domain.orders import to_collect
from storeassist.domain.pickups import SubstituteOption
from storeassist.ui.overlay_pages import result_sentence
from storeassist.ui.pickup_words import method_label, size_colour
from storeassist.ui.signature_pad import SignaturePad
from storeassist.ui.widgets import clear_layout, label, touch_button

MIN_TOUCH_PX = 48
#: What becomes of the units of a line not handed over now.
REST_ACTIONS = ("later", "missing", "damaged", "substitute")

SubstitutesOf = Callable[[OrderLine], Sequence[SubstituteOption]]


class Stepper(QWidget):
    """− n + with big buttons, from 0 to a maximum."""

    changed = Signal(int)

    def __init__(self, maximum: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.maximum = maximum
        self.value = maximum
        self.minus = QPushButton("−")
        self.plus = QPushButton("+")
        for button in (self.minus, self.plus):
            # Fixed width only: the theme's 48 px and its border decide the height (a fixed 48
            # cut the border off the bottom).
            button.setFixedWidth(MIN_TOUCH_PX + 8)
        self.shown = label(str(maximum), "points")
        self.shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.shown.setMinimumWidth(48)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.minus)
        layout.addWidget(self.shown)
        layout.addWidget(self.plus)
        self.minus.clicked.connect(lambda: self.set_value(self.value - 1))
        self.plus.clicked.connect(lambda: self.set_value(self.value + 1))
        self._enable()

    def set_value(self, value: int) -> None:
        value = min(max(value, 0), self.maximum)
        if value == self.value:
            return
        self.value = value
        self.shown.setText(str(value))
        self._enable()
        self.changed.emit(value)

    def _enable(self) -> None:
        self.minus.setEnabled(self.value > 0)
        self.plus.setEnabled(self.value < self.maximum)


class LineHandover(QFrame):
    """One line: what it is, how many go now, and what happens to the rest."""

    def __init__(
        self, line: OrderLine, substitutes: Sequence[SubstituteOption], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setProperty("role", "profileRow")
        self.line = line
        self.left = to_collect(line)
        self.substitutes = list(substitutes)
        name = label(line.name, "rowTitle", wrap=True)
        facts = [size_colour(line.size, line.colour), self.tr("To collect: {n}").format(n=self.left)]
        detail = label(" · ".join(part for part in facts if part), "detail", wrap=True)
        self.stepper = Stepper(self.left)
        self.rest_label = label(role="detail", wrap=True)
        self.rest = QComboBox()
        self.rest.setMinimumHeight(MIN_TOUCH_PX)
        self.rest.addItem(self.tr("Collect later"), "later")
        self.rest.addItem(self.tr("Missing: cancel and refund"), "missing")
        self.rest.addItem(self.tr("Damaged: cancel and refund"), "damaged")
        self.rest.addItem(self.tr("Swap for another size or colour"), "substitute")
        self.swap = QComboBox()
        self.swap.setMinimumHeight(MIN_TOUCH_PX)
        for option in self.substitutes:
            shown = size_colour(option.size, option.colour) or option.name
            self.swap.addItem(
                self.tr("{what} — %n here", "", option.available_here).format(what=shown), option.sku
            )
        self.no_swap = label(self.tr("No other size or colour of it is in stock here."), "quiet", wrap=True)

        top = QHBoxLayout()
        top.setSpacing(12)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(name)
        words.addWidget(detail)
        top.addLayout(words, 1)
        top.addWidget(label(self.tr("Now"), "factName"), 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.stepper, 0, Qt.AlignmentFlag.AlignVCenter)
        rest_row = QHBoxLayout()
        rest_row.setSpacing(8)
        rest_row.addWidget(self.rest_label)
        rest_row.addWidget(self.rest, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addLayout(rest_row)
        layout.addWidget(self.swap)
        layout.addWidget(self.no_swap)

        self.stepper.changed.connect(self._update)
        self.rest.currentIndexChanged.connect(self._update)
        self._update()

    @property
    def handed(self) -> int:
        return self.stepper.value

    @property
    def rest_units(self) -> int:
        return self.left - self.stepper.value

    def rest_action(self) -> str:
        return str(self.rest.currentData())

    def chosen_substitute(self) -> SubstituteOption | None:
        sku = self.swap.currentData()
        return next((option for option in self.substitutes if option.sku == sku), None)

    def _update(self, *_args: object) -> None:
        rest = self.rest_units
        self.rest_label.setText(self.tr("The other %n:", "", rest))
        for widget in (self.rest_label, self.rest):
            widget.setVisible(rest > 0)
        swapping = rest > 0 and self.rest_action() == "substitute"
        self.swap.setVisible(swapping and bool(self.substitutes))
        self.no_swap.setVisible(swapping and not self.substitutes)

    def action(self) -> HandoverLine | None:
        """What happens to this line now (None: nothing; every unit stays to collect later)."""
        rest, what = self.rest_units, self.rest_action()
        cancelled = rest if what in ("missing", "damaged") else 0
        option = self.chosen_substitute() if what == "substitute" else None
        substituted = rest if option is not None else 0
        if self.handed == 0 and cancelled == 0 and substituted == 0:
            return None
        return HandoverLine(
            handed=self.handed,
            cancelled=cancelled,
            cancel_reason="missing" if what == "missing" and cancelled else "damaged" if cancelled else None,
            substituted=substituted,
            substitute_sku=option.sku if option is not None and substituted else None,
        )


class HandoverPage(QWidget):
    """The lines, the confirmation, and "Hand over"; emits the payload to send."""

    back = Signal()
    #: What to send: a ``CollectPickupPayload``.
    confirmed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._order: Order | None = None
        self._verification: PickupVerification | None = None
        self.rows: list[LineHandover] = []

        self.title = label(role="screenTitle", wrap=True)
        self.collector = label(role="hint", wrap=True)
        self.notice = label(role="notice", wrap=True)
        self.notice.setVisible(False)

        self.lines = QVBoxLayout()
        self.lines.setSpacing(8)
        self.name = QLineEdit()
        self.name.setObjectName("confirmedName")
        self.name.setMaxLength(120)
        self.name.setMinimumHeight(MIN_TOUCH_PX)
        self.name.setPlaceholderText(self.tr("The customer types their name"))
        self.signature = SignaturePad()
        self.clear_signature = touch_button(self.tr("Clear signature"))
        self.clear_signature.clicked.connect(self.signature.clear)
        signing = QHBoxLayout()
        signing.addWidget(self.signature, 0, Qt.AlignmentFlag.AlignLeft)
        signing.addWidget(self.clear_signature, 0, Qt.AlignmentFlag.AlignBottom)
        signing.addStretch(1)

        content = QWidget()
        content.setObjectName("handoverContent")
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 8, 0)
        body.setSpacing(10)
        body.addLayout(self.lines)
        body.addWidget(label(self.tr("The customer confirms"), "sectionTitle"))
        body.addWidget(label(self.tr("Their name, a signature, or both."), "quiet", wrap=True))
        body.addWidget(self.name)
        body.addLayout(signing)
        body.addStretch(1)
        self.scroller = QScrollArea()
        self.scroller.setObjectName("handoverScroll")
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(content)

        self.back_button = touch_button(self.tr("Back"))
        self.hand_over_button = touch_button(self.tr("Hand over"), primary=True)
        self.hand_over_button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.hand_over_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.collector)
        layout.addWidget(self.notice)
        layout.addWidget(self.scroller, 1)
        layout.addLayout(buttons)

        self.back_button.clicked.connect(self.back)
        self.hand_over_button.clicked.connect(self.submit)

    def start(self, order: Order, verification: PickupVerification, substitutes: SubstitutesOf) -> None:
        self._order = order
        self._verification = verification
        self.title.setText(self.tr("Hand over order #{number}").format(number=order.number))
        self.collector.setText(method_label(verification.method))
        self.notice.setVisible(False)
        self.name.clear()
        self.signature.clear()
        self.set_busy(False)
        clear_layout(self.lines)
        self.rows = []
        for line in order.lines:
            if to_collect(line) == 0:
                continue
            row = LineHandover(line, substitutes(line))
            self.rows.append(row)
            self.lines.addWidget(row)
            row.stepper.changed.connect(self._count_changed)
            row.rest.currentIndexChanged.connect(self._count_changed)
        self._count_changed()
        self.scroller.verticalScrollBar().setValue(0)

    def _count_changed(self, *_args: object) -> None:
        handed = sum(row.handed for row in self.rows)
        self.hand_over_button.setText(
            self.tr("Hand over %n item(s)", "", handed) if handed else self.tr("Confirm")
        )

    def set_busy(self, busy: bool) -> None:
        self.hand_over_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy)

    def payload(self) -> CollectPickupPayload | None:
        """What to send, or None after saying (on the page) what is missing."""
        order, verification = self._order, self._verification
        if order is None or verification is None:
            return None
        lines: dict[int, HandoverLine] = {}
        for row in self.rows:
            if row.rest_units and row.rest_action() == "substitute":
                option = row.chosen_substitute()
                if option is None:
                    self.show_message(
                        self.tr(
                            "{name}: no other size or colour is in stock here. Choose another way."
                        ).format(name=row.line.name)
                    )
                    return None
                if option.available_here < row.rest_units:
                    self.show_message(
                        result_sentence(
                            "substitute_out_of_stock",
                            {
                                "order_number": order.number,
                                "sku": option.sku,
                                "available": option.available_here,
                            },
                        )
                    )
                    return None
            action = row.action()
            if action is not None:
                lines[row.line.line_no] = action
        if not lines:
            self.show_message(
                self.tr("Nothing is chosen: hand over at least one item, or say what is wrong.")
            )
            return None
        name = " ".join(self.name.text().split())
        signature = "" if self.signature.is_empty() else self.signature.path_data()
        if not name and not signature:
            self.show_message(self.tr("Ask the customer to type their name or sign before you hand over."))
            return None
        return CollectPickupPayload(
            order_id=order.id,
            lines=lines,
            verification=verification,
            confirmed_name=name or None,
            signature=signature or None,
        )

    def submit(self) -> None:
        payload = self.payload()
        if payload is not None:
            self.notice.setVisible(False)
            self.confirmed.emit(payload)

    def show_message(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(True)
