"""One line of an order at the returns counter: what it is, how many were bought, returned and can
still come back, the verdict in words, and — when it can come back — how many do, why, in what
condition (and so where they go), and, for an exchange, what the customer gets instead.

A line that cannot come back shows only its verdict. The row does not decide anything: the page
asks the desk for a decision after every change and tells each row where its units go
(:meth:`ReturnLineRow.set_disposition`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from storeassist.contract.returns import ExchangeFulfilment, ExchangeLine, ReturnableLine
from storeassist.domain.return_desk import ExchangeOption
from storeassist.domain.returns import (
    CONDITIONS,
    RETURN_REASONS,
    Condition,
    LineVerdict,
    ReturnReason,
    UnitReturn,
)
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.pickup_handover import Stepper
from storeassist.ui.pickup_words import size_colour
from storeassist.ui.returns_words import (
    ReturnWords,
    bought_where,
    condition_label,
    reason_label,
    verdict_text,
)
from storeassist.ui.widgets import MIN_TOUCH_PX, label

#: An exchange choice: (sku, taken here or ordered, the store it comes from; None: the warehouse).
ExchangeChoice = tuple[str, str, int | None]


class ChoiceBox(QComboBox):
    """A drop-down that paints its own chevron (the theme's ``role="choice"`` hides the platform's
    drop-down button, which drew a broken half frame at the right edge under the theme's border)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "choice")

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor("#4a5568" if self.isEnabled() else "#aab4c3"), 2)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        x, y = self.width() - 22, self.height() / 2
        painter.drawPolyline([QPointF(x - 6, y - 3), QPointF(x, y + 3), QPointF(x + 6, y - 3)])
        painter.end()


def _combo(name: str) -> QComboBox:
    combo = ChoiceBox()
    combo.setObjectName(name)
    combo.setMinimumHeight(MIN_TOUCH_PX)
    # As wide as the row gives it, not as its longest choice ("…: order from Harbour Street"):
    # a narrow portrait row must never be pushed wider than the screen.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return combo


class ReturnLineRow(QFrame):
    """A line's facts and verdict, and its inputs when some of it can come back."""

    #: The quantity, reason, condition or exchange changed.
    changed = Signal()

    def __init__(
        self,
        line: ReturnableLine,
        verdict: LineVerdict,
        *,
        channel: str,
        window_days: int,
        fmt: StoreFormat,
        options: Sequence[ExchangeOption] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setProperty("role", "profileRow")
        self.line = line
        self.verdict = verdict
        self.options = list(options)
        self.can_return = verdict.can_return
        self.name = label(line.name, "rowTitle", wrap=True)
        # Each number stays with its words (a no-break space) when the line wraps.
        quantities = [
            ReturnWords.tr("%n {bought_where}", "", line.qty).format(bought_where=bought_where(channel)),
            ReturnWords.tr("%n returned", "", line.returned),
            ReturnWords.tr("%n can come back", "", verdict.returnable),
        ]
        variant = size_colour(line.size, line.colour)
        facts = " · ".join(quantities)
        self.facts = label(f"{variant}\n{facts}" if variant else facts, "detail", wrap=True)
        self.verdict_label = label(
            verdict_text(verdict, window_days, fmt), "detail" if self.can_return else "quiet", wrap=True
        )
        self.verdict_label.setObjectName("returnVerdict")

        top = QHBoxLayout()
        top.setSpacing(12)
        words = QVBoxLayout()
        words.setSpacing(2)
        for part in (self.name, self.facts, self.verdict_label):
            words.addWidget(part)
        top.addLayout(words, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addLayout(top)

        self.stepper = Stepper(verdict.returnable if self.can_return else 0)
        self.stepper.set_value(0)
        self.stepper.setAccessibleName(ReturnWords.tr("How many of {name} come back").format(name=line.name))
        self.reason = _combo("returnReason")
        self.reason.addItem(ReturnWords.tr("Why? Choose…"), None)
        for reason in RETURN_REASONS:
            self.reason.addItem(reason_label(reason), reason)
        self.condition = _combo("returnCondition")
        self.condition.addItem(ReturnWords.tr("Condition? Choose…"), None)
        for condition in CONDITIONS:
            self.condition.addItem(condition_label(condition), condition)
        self.disposition = label(role="quiet", wrap=True)
        self.exchange = _combo("returnExchange")
        self._fill_exchange()
        self.exchange_label = label(ReturnWords.tr("Instead"), "factName")
        self.no_exchange = label(
            ReturnWords.tr("No other size or colour of it at the same price: refund it instead."),
            "quiet",
            wrap=True,
        )
        self.details = QWidget()
        grid = QGridLayout(self.details)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        grid.addWidget(self.reason, 0, 0)
        grid.addWidget(self.condition, 0, 1)
        grid.addWidget(self.disposition, 1, 0, 1, 2)
        exchange_row = QHBoxLayout()
        exchange_row.setSpacing(8)
        exchange_row.addWidget(self.exchange_label)
        exchange_row.addWidget(self.exchange, 1)
        grid.addLayout(exchange_row, 2, 0, 1, 2)
        grid.addWidget(self.no_exchange, 3, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        if self.can_return:
            top.addWidget(label(ReturnWords.tr("Taking back"), "factName"), 0, Qt.AlignmentFlag.AlignVCenter)
            top.addWidget(self.stepper, 0, Qt.AlignmentFlag.AlignVCenter)
            layout.addWidget(self.details)
        else:
            self.stepper.hide()
        self._exchanging = False
        self._show_inputs()

        self.stepper.changed.connect(self._changed)
        for combo in (self.reason, self.condition, self.exchange):
            combo.currentIndexChanged.connect(self._changed)

    def _fill_exchange(self) -> None:
        for option in self.options:
            what = size_colour(option.size, option.colour) or option.name
            if option.available_here > 0:
                self.exchange.addItem(
                    ReturnWords.tr("{what}: from the floor here (%n here)", "", option.available_here).format(
                        what=what
                    ),
                    (option.sku, "carry", None),
                )
            for store_id, place, units in option.elsewhere:
                where = place if store_id is not None else ReturnWords.tr("the warehouse")
                self.exchange.addItem(
                    ReturnWords.tr("{what}: order from {place} (%n there)", "", units).format(
                        what=what, place=where
                    ),
                    (option.sku, "elsewhere", store_id),
                )

    # -- what was chosen ------------------------------------------------------------------

    @property
    def qty(self) -> int:
        return self.stepper.value if self.can_return else 0

    def chosen_reason(self) -> ReturnReason | None:
        return cast("ReturnReason | None", self.reason.currentData())

    def chosen_condition(self) -> Condition | None:
        return cast("Condition | None", self.condition.currentData())

    def chosen_exchange(self) -> ExchangeChoice | None:
        data = self.exchange.currentData()
        return cast("ExchangeChoice | None", tuple(data) if data else None)

    def unit_return(self) -> UnitReturn | None:
        """This line's units coming back, once their reason and condition are chosen."""
        reason, condition = self.chosen_reason(), self.chosen_condition()
        if self.qty == 0 or reason is None or condition is None:
            return None
        return UnitReturn(self.line.line_no, self.qty, reason, condition)

    def missing(self) -> str | None:
        """What is still to choose on this line, as a sentence; None when it is ready."""
        if self.qty == 0:
            return None
        if self.chosen_reason() is None or self.chosen_condition() is None:
            return ReturnWords.tr("Choose why {name} comes back, and its condition.").format(
                name=self.line.name
            )
        if self._exchanging:
            choice = self.chosen_exchange()
            if choice is None:
                return ReturnWords.tr(
                    "There is nothing to give in exchange for {name}: refund it instead."
                ).format(name=self.line.name)
            option = next((o for o in self.options if o.sku == choice[0]), None)
            if choice[1] == "carry" and option is not None and option.available_here < self.qty:
                return ReturnWords.tr(
                    "Only %n of that size or colour here: take fewer back, or order it from elsewhere.",
                    "",
                    option.available_here,
                )
        return None

    def exchange_line(self, elsewhere: ExchangeFulfilment) -> ExchangeLine | None:
        """What the customer gets instead of these units (``elsewhere``: ship or bopis)."""
        choice = self.chosen_exchange()
        if self.qty == 0 or choice is None:
            return None
        sku, how, store_id = choice
        if how == "carry":
            return ExchangeLine(line_no=self.line.line_no, sku=sku, qty=self.qty, fulfilment="carry")
        return ExchangeLine(
            line_no=self.line.line_no, sku=sku, qty=self.qty, fulfilment=elsewhere, source_store_id=store_id
        )

    def from_elsewhere(self) -> bool:
        choice = self.chosen_exchange()
        return self.qty > 0 and self._exchanging and choice is not None and choice[1] != "carry"

    # -- showing --------------------------------------------------------------------------

    def set_exchanging(self, exchanging: bool) -> None:
        self._exchanging = exchanging
        self._show_inputs()

    def set_disposition(self, text: str) -> None:
        self.disposition.setText(text)
        self.disposition.setVisible(bool(text) and self.qty > 0)

    def set_enabled_inputs(self, enabled: bool) -> None:
        for widget in (self.stepper, self.reason, self.condition, self.exchange):
            widget.setEnabled(enabled)

    def _show_inputs(self) -> None:
        coming = self.can_return and self.qty > 0
        self.details.setVisible(coming)
        self.disposition.setVisible(coming and bool(self.disposition.text()))
        exchanging = coming and self._exchanging
        has_options = self.exchange.count() > 0
        self.exchange_label.setVisible(exchanging and has_options)
        self.exchange.setVisible(exchanging and has_options)
        self.no_exchange.setVisible(exchanging and not has_options)

    def _changed(self, *_args: object) -> None:
        self._show_inputs()
        self.changed.emit()
