"""One order at the returns counter: its header, a row per line with its verdict and inputs, how the
customer is paid back, and a live summary of what the policy decides.

The header says the order's number, channel, when it was placed, whose it is, whether it was found
with a receipt, and, when it comes from this tablet's copy, as of when. After every tap the page
asks the desk for a decision (``decide``: synchronous, offline too) and shows it; a choice that is
not complete, or that the policy refuses, is a sentence in the summary and the action is off.
Take back (or, when a manager must approve, "Ask a manager") emits :attr:`OrderPage.take_requested`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QVBoxLayout, QWidget

from storeassist.contract.kiosk import KioskReturnChoice
from storeassist.contract.returns import ExchangeLine
from storeassist.domain.return_desk import ExchangeOption, OpenedReturn
from storeassist.domain.returns import (
    RefundMethod,
    ReturnDecision,
    ReturnInvalid,
    UnitReturn,
    offline_allowed,
)
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.hub_words import channel_label
from storeassist.ui.returns_line import ReturnLineRow
from storeassist.ui.returns_summary import MethodChooser, SummarySection
from storeassist.ui.returns_words import ReturnWords, disposition_words, refusal_text
from storeassist.ui.stock_card import scrolling
from storeassist.ui.widgets import PORTRAIT_BELOW, Section, label, pill, touch_button

Decide = Callable[[Sequence[UnitReturn], RefundMethod], ReturnDecision]
OptionsOf = Callable[[int], Sequence[ExchangeOption]]


@dataclass(frozen=True)
class ChosenReturn:
    """What the associate asks for, and what the policy decided for it when they tapped."""

    units: tuple[UnitReturn, ...]
    method: RefundMethod
    exchange: tuple[ExchangeLine, ...]
    decision: ReturnDecision


class OrderPage(QWidget):
    """An opened order: what can come back and how."""

    back = Signal()
    #: Take back (a :class:`ChosenReturn`); the screen asks a manager first if the decision says so.
    take_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._format = StoreFormat()
        self.opened: OpenedReturn | None = None
        self._decide: Decide | None = None
        self._offline_cap = 0
        self.rows: list[ReturnLineRow] = []
        self.title = label(role="screenTitle", wrap=True)
        self.facts = label(role="hint", wrap=True)
        self.receipt_pill = pill("", "availability")
        self.waiting_pill = pill(ReturnWords.tr("A return of it is waiting to sync"), "pending")
        self.source = label(role="offline", wrap=True)
        self.past = label(role="detail", wrap=True)
        self.lines_section = Section(ReturnWords.tr("Items"))
        self.method = MethodChooser()
        self.method.changed.connect(self._update)
        self.summary = SummarySection()
        self.result = label(role="notice", wrap=True)
        self.result.setVisible(False)
        self.cancel_button = touch_button(ReturnWords.tr("Cancel"))
        self.cancel_button.clicked.connect(self.back)
        self.take_button = touch_button(ReturnWords.tr("Take back"), primary=True)
        self.take_button.clicked.connect(self._take)

        content = QWidget()
        self.content = content
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 8, 0)
        body.setSpacing(12)
        body.addWidget(self.title)
        body.addWidget(self.facts)
        pills = QHBoxLayout()
        pills.setSpacing(8)
        pills.addWidget(self.receipt_pill)
        pills.addWidget(self.waiting_pill)
        pills.addStretch(1)
        body.addLayout(pills)
        body.addWidget(self.source)
        body.addWidget(self.past)
        # The lines beside how to pay back and the summary in landscape; stacked in portrait.
        left = QVBoxLayout()
        left.addWidget(self.lines_section)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(12)
        right.addWidget(self.method)
        right.addWidget(self.summary)
        right.addStretch(1)
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.setSpacing(12)
        self.columns.addLayout(left, 2)
        self.columns.addLayout(right, 1)
        body.addLayout(self.columns)
        body.addStretch(1)
        self.scroll_area = scrolling(content, "returnOrder")

        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.take_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.result)
        layout.addLayout(buttons)

    def set_store_format(self, fmt: StoreFormat) -> None:
        self._format = fmt

    def resizeEvent(self, event: QResizeEvent) -> None:
        portrait = self.width() < PORTRAIT_BELOW
        self.columns.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        super().resizeEvent(event)

    # -- filling --------------------------------------------------------------------------

    def show_order(
        self, opened: OpenedReturn, decide: Decide, options_of: OptionsOf, *, offline_cap: int
    ) -> None:
        self.opened, self._decide, self._offline_cap = opened, decide, offline_cap
        order, fmt = opened.order, self._format
        self.title.setText(ReturnWords.tr("Order #{number}").format(number=order.number))
        facts = [
            channel_label(order.channel),
            ReturnWords.tr("placed {date}").format(date=fmt.moment(order.placed_at)),
            order.customer_name or ReturnWords.tr("no customer on it"),
        ]
        self.facts.setText(" · ".join(facts))
        self.receipt_pill.setText(
            ReturnWords.tr("With receipt") if order.with_receipt else ReturnWords.tr("Without receipt")
        )
        self.receipt_pill.setProperty("where", "here" if order.with_receipt else "nearby")
        self.receipt_pill.style().unpolish(self.receipt_pill)
        self.receipt_pill.style().polish(self.receipt_pill)
        self.waiting_pill.setVisible(opened.waiting_to_sync)
        offline = opened.source == "cache"
        self.source.setText(
            ReturnWords.tr(
                "Offline — this tablet's copy, as of {time}. Up to {cap} can be taken back without "
                "a manager; the back office confirms it when the tablet is online."
            ).format(time=fmt.moment(order.as_of), cap=fmt.money(offline_cap))
            if offline
            else ""
        )
        self.source.setVisible(offline)
        earlier = [
            ReturnWords.tr("%n unit(s) on {date} ({amount})", "", past.units).format(
                date=fmt.moment(past.at), amount=fmt.money(past.paid_back_cents)
            )
            for past in order.past_returns
        ]
        self.past.setText(ReturnWords.tr("Returned before: {list}").format(list="; ".join(earlier)))
        self.past.setVisible(bool(earlier))

        self.lines_section.clear()
        self.rows = []
        window = {v.line_no: (v.deadline - order.received_at).days for v in opened.verdicts}
        verdicts = {v.line_no: v for v in opened.verdicts}
        for line in order.lines:
            verdict = verdicts.get(line.line_no)
            if verdict is None:
                continue
            options = options_of(line.line_no) if verdict.can_return else ()
            row = ReturnLineRow(
                line,
                verdict,
                channel=order.channel,
                window_days=window[line.line_no],
                fmt=fmt,
                options=options,
            )
            row.changed.connect(self._update)
            self.lines_section.add(row)
            self.rows.append(row)
        if not any(row.can_return for row in self.rows):
            self.lines_section.add_quiet(ReturnWords.tr("Nothing on this order can be taken back."))
        self.method.start(with_receipt=order.with_receipt)
        self.result.setVisible(False)
        self._locked = False
        self.set_busy(False)  # (decides, and shows the summary)
        self.scroll_area.verticalScrollBar().setValue(0)

    def preselect(self, choices: Sequence[KioskReturnChoice]) -> None:
        """What a shopper chose at the kiosk: each line's quantity and reason (no more than can come
        back now). The associate still looks at each unit's condition before taking it back."""
        for choice in choices:
            row = next((r for r in self.rows if r.line.line_no == choice.line_no and r.can_return), None)
            if row is None:
                continue
            row.stepper.set_value(choice.qty)
            row.reason.setCurrentIndex(max(0, row.reason.findData(choice.reason)))
        self._update()

    # -- deciding -------------------------------------------------------------------------

    def chosen(self) -> tuple[tuple[UnitReturn, ...], RefundMethod, tuple[ExchangeLine, ...]]:
        method = self.method.method()
        units = tuple(unit for row in self.rows for unit in (row.unit_returns() or ()))
        exchange: tuple[ExchangeLine, ...] = ()
        if method == "exchange":
            fulfilment = self.method.elsewhere_fulfilment()
            exchange = tuple(line for row in self.rows if (line := row.exchange_line(fulfilment)) is not None)
        return units, method, exchange

    def _update(self, *_args: object) -> None:
        """Decide again with what is chosen now, and show it."""
        method = self.method.method()
        for row in self.rows:
            row.set_exchanging(method == "exchange")
        self.method.show_elsewhere(any(row.from_elsewhere() for row in self.rows))
        decision = self._decision()
        for row in self.rows:
            row.set_dispositions(
                {
                    (o.reason, o.condition): disposition_words(o.disposition)
                    for o in (decision.lines if decision else ())
                    if o.line_no == row.line.line_no
                }
            )
        ready = decision is not None and self._offline_problem(decision) is None
        self.take_button.setEnabled(ready and not self._busy)
        needs_manager = decision is not None and decision.needs_manager
        self.take_button.setText(
            ReturnWords.tr("Ask a manager to approve") if needs_manager else ReturnWords.tr("Take back")
        )

    def _decision(self) -> ReturnDecision | None:
        opened, decide = self.opened, self._decide
        if opened is None or decide is None:
            return None
        if not any(row.qty for row in self.rows):
            self.summary.show_pending(ReturnWords.tr("Choose how many of each item come back."))
            return None
        missing = next((text for row in self.rows if (text := row.missing()) is not None), None)
        if missing is None:
            missing = self._elsewhere_problem()
        if missing is not None:
            self.summary.show_pending(missing)
            return None
        units, method, _exchange = self.chosen()
        try:
            decision = decide(units, method)
        except ReturnInvalid as refused:
            self.summary.show_refusal(refusal_text(refused.code, refused.params, self._format))
            return None
        except Exception as exc:  # a desk refusal with its own code (ReturnNotPossible), or a bug
            code = getattr(exc, "code", None)
            params = getattr(exc, "params", {})
            if not isinstance(code, str):
                raise
            self.summary.show_refusal(refusal_text(code, params, self._format))
            return None
        self.summary.show_decision(decision, self._format, offline=self._offline_problem(decision))
        return decision

    def _elsewhere_problem(self) -> str | None:
        """What is not given from the floor here is one endless-aisle order, from one place, to the
        order's customer (the desk refuses anything else); what stops that, as a sentence."""
        sources = {
            choice[2]
            for row in self.rows
            if row.from_elsewhere() and (choice := row.chosen_exchange()) is not None
        }
        if not sources or self.opened is None:
            return None
        if self.opened.order.customer_id is None:
            return ReturnWords.tr(
                "This order has no customer to send an exchange to. Give one from the floor here, "
                "or refund it instead."
            )
        if len(sources) > 1:
            return ReturnWords.tr(
                "What is not here comes in one order from one place. Order every item that is not "
                "here from the same store, or every one from the warehouse."
            )
        return None

    def _offline_problem(self, decision: ReturnDecision) -> str | None:
        """From this tablet's copy, what stops the return now (the desk refuses the same)."""
        if (
            self.opened is None
            or self.opened.source != "cache"
            or offline_allowed(decision, self._offline_cap)
        ):
            return None
        code = "offline_needs_manager" if decision.needs_manager else "offline_over_cap"
        return refusal_text(code, {"cap_cents": self._offline_cap}, self._format)

    def _take(self) -> None:
        decision = self._decision()
        if decision is None:
            return
        units, method, exchange = self.chosen()
        self.take_requested.emit(ChosenReturn(units, method, exchange, decision))

    # -- while it is sent -----------------------------------------------------------------

    _busy = False
    _locked = False

    def set_busy(self, busy: bool) -> None:
        """While a return is sent nothing on the page changes, and nobody leaves it (its answer,
        a receipt, is always shown)."""
        self._busy = busy
        with_receipt = self.opened.order.with_receipt if self.opened is not None else True
        editable = not busy and not self._locked
        for row in self.rows:
            row.set_enabled_inputs(editable)
        self.method.set_enabled_inputs(editable, with_receipt=with_receipt)
        self.cancel_button.setEnabled(not busy)
        if busy:
            self.take_button.setEnabled(False)
        else:
            self._update()

    def lock_choice(self) -> None:
        """The return may have been queued although sending it failed: what comes back and how
        stays as it was sent, so Take back sends the very same return again (Cancel leaves it)."""
        self._locked = True
        self.set_busy(False)

    def show_message(self, text: str) -> None:
        self.result.setText(text)
        self.result.setVisible(True)
