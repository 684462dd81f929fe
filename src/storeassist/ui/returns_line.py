"""One line of an order at the returns counter: what it is, how many were bought, returned and can
still come back, the verdict in words, and — when it can come back — how many do, why, in what
condition (and so where they go), and, for an exchange, what the customer gets instead.

A line that cannot come back shows only its verdict. The row does not decide anything: the page
asks the desk for a decision after every change and tells each row where its units go
(:meth:`ReturnLineRow.set_disposition`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
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
    bought_count,
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
            bought_count(channel, line.qty),
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
        self._layout = layout
        # The inputs are made when the first unit is taken back: an order paints its lines first,
        # and most lines of an order stay where they are.
        self._units: list[UnitChoice] = []
        self._details: QWidget | None = None
        self._exchange: QComboBox | None = None
        self._split = False
        if self.can_return:
            top.addWidget(label(ReturnWords.tr("Taking back"), "factName"), 0, Qt.AlignmentFlag.AlignVCenter)
            top.addWidget(self.stepper, 0, Qt.AlignmentFlag.AlignVCenter)
        else:
            self.stepper.hide()
        self._exchanging = False
        self.stepper.changed.connect(self._changed)

    # -- the inputs, made when first needed -----------------------------------------------

    @property
    def reason(self) -> QComboBox:
        """The reason for the first unit (for all of them unless they differ)."""
        return self._unit(0).reason

    @property
    def condition(self) -> QComboBox:
        return self._unit(0).condition

    @property
    def disposition(self) -> QLabel:
        return self._unit(0).disposition

    @property
    def exchange(self) -> QComboBox:
        self._build()
        assert self._exchange is not None
        return self._exchange

    def _unit(self, index: int) -> UnitChoice:
        self._build()
        while len(self._units) <= index:
            choice = UnitChoice(len(self._units) + 1, self._units[0] if self._units else None)
            choice.changed.connect(self._changed)
            self._units_box.addWidget(choice)
            self._units.append(choice)
        return self._units[index]

    def _build(self) -> None:
        if self._details is not None:
            return
        self._details = QWidget()
        column = QVBoxLayout(self._details)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        self._units_box = QVBoxLayout()
        self._units_box.setSpacing(6)
        column.addLayout(self._units_box)
        self.split_button = QPushButton(ReturnWords.tr("Not all alike? Choose for each unit"))
        self.split_button.setMinimumHeight(MIN_TOUCH_PX)
        self.split_button.clicked.connect(self._split_units)
        column.addWidget(self.split_button)  # the row's width: room for the words when drawn bold
        self._exchange = _combo("returnExchange")
        self._fill_exchange()
        self.exchange_label = label(ReturnWords.tr("Instead"), "factName")
        self.no_exchange = label(
            ReturnWords.tr("No other size or colour of it at the same price: refund it instead."),
            "quiet",
            wrap=True,
        )
        exchange_row = QHBoxLayout()
        exchange_row.setSpacing(8)
        exchange_row.addWidget(self.exchange_label)
        exchange_row.addWidget(self._exchange, 1)
        column.addLayout(exchange_row)
        column.addWidget(self.no_exchange)
        self._layout.addWidget(self._details)
        self._exchange.currentIndexChanged.connect(self._changed)
        self._unit(0)

    def _split_units(self) -> None:
        """Each unit gets its own reason and condition, starting from the first unit's."""
        self._split = True
        self._show_inputs()
        self.changed.emit()

    def _fill_exchange(self) -> None:
        assert self._exchange is not None
        # Nothing chosen for the customer until the associate picks it with them.
        self._exchange.addItem(ReturnWords.tr("Which one? Choose…"), None)
        for option in self.options:
            what = size_colour(option.size, option.colour) or option.name
            if option.available_here > 0:
                self._exchange.addItem(
                    ReturnWords.tr("{what}: from the floor here (%n here)", "", option.available_here).format(
                        what=what
                    ),
                    (option.sku, "carry", None),
                )
            for store_id, place, units in option.elsewhere:
                where = place if store_id is not None else ReturnWords.tr("the warehouse")
                self._exchange.addItem(
                    ReturnWords.tr("{what}: order from {place} (%n there)", "", units).format(
                        what=what, place=where
                    ),
                    (option.sku, "elsewhere", store_id),
                )

    # -- what was chosen ------------------------------------------------------------------

    @property
    def qty(self) -> int:
        return self.stepper.value if self.can_return else 0

    def chosen_exchange(self) -> ExchangeChoice | None:
        if self._exchange is None:
            return None
        data = self._exchange.currentData()
        return cast("ExchangeChoice | None", tuple(data) if data else None)

    def _choices(self) -> list[UnitChoice]:
        """The choices that count now: one for all the units, or one per unit."""
        if self.qty == 0:
            return []
        return [self._unit(i) for i in range(self.qty)] if self._split else [self._unit(0)]

    def unit_returns(self) -> tuple[UnitReturn, ...] | None:
        """This line's units coming back, grouped by reason and condition, once every unit's are
        chosen; None while one is missing (and () when none come back)."""
        counts: dict[tuple[ReturnReason, Condition], int] = {}
        for choice in self._choices():
            reason, condition = choice.chosen_reason(), choice.chosen_condition()
            if reason is None or condition is None:
                return None
            counts[(reason, condition)] = counts.get((reason, condition), 0) + (
                1 if self._split else self.qty
            )
        return tuple(
            UnitReturn(self.line.line_no, qty, reason, condition)
            for (reason, condition), qty in counts.items()
        )

    def missing(self) -> str | None:
        """What is still to choose on this line, as a sentence; None when it is ready."""
        if self.qty == 0:
            return None
        if self.unit_returns() is None:
            return ReturnWords.tr("Choose why {name} comes back, and its condition.").format(
                name=self.line.name
            )
        if self._exchanging:
            choice = self.chosen_exchange()
            if choice is None and self.options:
                return ReturnWords.tr("Choose what {name} is exchanged for.").format(name=self.line.name)
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

    def set_dispositions(self, words: Mapping[tuple[str, str], str]) -> None:
        """Under each choice, where its units go (``words``: by reason and condition)."""
        for choice in self._units:
            text = words.get((choice.chosen_reason() or "", choice.chosen_condition() or ""), "")
            choice.disposition.setText(text)
            choice.disposition.setVisible(bool(text))

    def set_enabled_inputs(self, enabled: bool) -> None:
        self.stepper.setEnabled(enabled)
        if self._details is not None:
            self._details.setEnabled(enabled)

    def _show_inputs(self) -> None:
        coming = self.can_return and self.qty > 0
        if self._details is None and not coming:
            return
        self._build()
        assert self._details is not None
        self._details.setVisible(coming)
        shown = len(self._choices())
        for index, choice in enumerate(self._units):
            choice.setVisible(index < max(1, shown))
            choice.show_number(self._split)
        self.split_button.setVisible(coming and self.qty > 1 and not self._split)
        exchanging = coming and self._exchanging
        has_options = bool(self.options)
        self.exchange_label.setVisible(exchanging and has_options)
        self.exchange.setVisible(exchanging and has_options)
        self.no_exchange.setVisible(exchanging and not has_options)

    def _changed(self, *_args: object) -> None:
        self._show_inputs()
        self.changed.emit()


class UnitChoice(QWidget):
    """Why a unit (or all of a line's units) comes back, its condition, and where it then goes."""

    changed = Signal()

    def __init__(self, number: int, like: UnitChoice | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = label(ReturnWords.tr("Unit {n}").format(n=number), "factName")
        self.reason = _combo("returnReason")
        self.reason.addItem(ReturnWords.tr("Why? Choose…"), None)
        for reason in RETURN_REASONS:
            self.reason.addItem(reason_label(reason), reason)
        self.condition = _combo("returnCondition")
        self.condition.addItem(ReturnWords.tr("Condition? Choose…"), None)
        for condition in CONDITIONS:
            self.condition.addItem(condition_label(condition), condition)
        if like is not None:
            self.reason.setCurrentIndex(like.reason.currentIndex())
            self.condition.setCurrentIndex(like.condition.currentIndex())
        self.disposition = label(role="quiet", wrap=True)
        self.disposition.setVisible(False)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        grid.addWidget(self.number, 0, 0, 1, 2)
        grid.addWidget(self.reason, 1, 0)
        grid.addWidget(self.condition, 1, 1)
        grid.addWidget(self.disposition, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.number.setVisible(False)
        self.reason.currentIndexChanged.connect(self.changed)
        self.condition.currentIndexChanged.connect(self.changed)

    def show_number(self, shown: bool) -> None:
        self.number.setVisible(shown)

    def chosen_reason(self) -> ReturnReason | None:
        return cast("ReturnReason | None", self.reason.currentData())

    def chosen_condition(self) -> Condition | None:
        return cast("Condition | None", self.condition.currentData())
