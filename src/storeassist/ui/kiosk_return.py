"""Starting a return at the kiosk: the shopper scans the order's receipt (or its order code),
picks the lines and a reason for each, and gets a reference to tell the associate, who finishes
the return at the counter from the "Started at the kiosk" list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from storeassist.contract.kiosk import KioskOrder, KioskReturnChoice, KioskReturnLine, KioskReturnStarted
from storeassist.ui.background import OpRunner
from storeassist.ui.features import OpenElsewhere, OpenKind
from storeassist.ui.kiosk_screen import KioskScreen, wipe_layout
from storeassist.ui.kiosk_words import REASONS, problem_text, reason_text, verdict_text
from storeassist.ui.returns_line import ChoiceBox
from storeassist.ui.stock_card import scrolling
from storeassist.ui.widgets import MIN_TOUCH_PX, append_shown, label, row_frame, text_column, touch_button


class LineRow(QWidget):
    """One line of the order: tap to bring it back, then say why."""

    def __init__(self, line: KioskReturnLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = line
        frame, layout = row_frame()
        self.frame = frame
        self.pick = touch_button("")
        self.pick.setCheckable(True)
        self.pick.setProperty("role", "filterChip")
        self.title = label("", "rowTitle", wrap=True)
        self.detail = label("", "detail", wrap=True)
        self.reason = ChoiceBox()  # draws its own chevron (the theme hides the platform's)
        self.reason.setMinimumHeight(MIN_TOUCH_PX)
        self.reason.setEnabled(False)
        self.pick.toggled.connect(self.reason.setEnabled)
        self.returnable = line.returnable > 0 and line.verdict == "returnable"
        self.pick.setEnabled(self.returnable)
        self.reason.setVisible(self.returnable)  # nothing to choose for what cannot come back
        layout.addWidget(self.pick, 0, Qt.AlignmentFlag.AlignVCenter)
        # The reason under the words, not beside them: a portrait kiosk keeps the name whole.
        column = text_column(self.title, self.detail)
        column.addSpacing(6)
        column.addWidget(self.reason)
        layout.addLayout(column, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        self.retranslate()

    def retranslate(self) -> None:
        line = self.line
        self.pick.setText(self.tr("Bring back") if not self.pick.isChecked() else self.tr("Chosen"))
        parts = [part for part in (line.size, line.colour) if part]
        self.title.setText(" · ".join([line.name, *parts]))
        self.detail.setText(verdict_text(line.verdict))
        chosen = self.reason.currentIndex()
        self.reason.clear()
        self.reason.addItem(self.tr("Why? Choose a reason"), None)
        for reason in REASONS:
            self.reason.addItem(reason_text(reason), reason)
        self.reason.setCurrentIndex(max(0, chosen))

    def choice(self) -> KioskReturnChoice | None:
        reason = self.reason.currentData()
        if not self.pick.isChecked() or reason is None:
            return None
        return KioskReturnChoice(line_no=self.line.line_no, qty=self.line.returnable, reason=reason)


class KioskReturnScreen(KioskScreen):
    def __init__(
        self, runner: OpRunner, open_elsewhere: OpenElsewhere, parent: QWidget | None = None
    ) -> None:
        super().__init__(runner, open_elsewhere, parent)
        self.setObjectName("kioskReturn")
        self._code: str | None = None
        self._order: KioskOrder | None = None
        self._started: KioskReturnStarted | None = None
        self.rows: list[LineRow] = []
        self.stages = QStackedWidget()

        self.lines_page = QWidget()
        self.lines_title = label("", "screenTitle", wrap=True)
        self.lines_hint = label("", "kioskText", wrap=True)
        self.lines_box = QVBoxLayout()
        self.lines_box.setSpacing(8)
        self.start_button = touch_button("", primary=True)
        self.start_button.clicked.connect(self._start)
        lines = QVBoxLayout(self.lines_page)
        lines.setSpacing(16)
        lines.addWidget(self.lines_title)
        lines.addWidget(self.lines_hint)
        lines.addLayout(self.lines_box)
        lines.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignRight)
        lines.addStretch(1)

        self.done_page = QWidget()
        self.done_title = label("", "screenTitle", wrap=True)
        self.reference = label("", "kioskReference")
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.done_hint = label("", "kioskText", wrap=True)
        self.done_button: QPushButton = touch_button("", primary=True)
        self.done_button.clicked.connect(self.finished)
        done = QVBoxLayout(self.done_page)
        done.setSpacing(24)
        done.addStretch(1)
        done.addWidget(self.done_title)
        done.addWidget(self.reference)
        done.addWidget(self.done_hint)
        row = QHBoxLayout()
        row.addWidget(self.done_button)
        row.addStretch(1)
        done.addLayout(row)
        done.addStretch(2)

        self.stages.addWidget(self.lines_page)
        self.stages.addWidget(self.done_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.setSpacing(16)
        layout.addWidget(self.message)
        layout.addWidget(scrolling(self.stages, "kioskReturn"), 1)
        self.retranslate()

    def handle_scan(self, kind: OpenKind, text: str) -> None:
        self.forget()
        if self._desk is None:
            return
        self._code = text
        self.show_message(self.tr("Looking up your order…"))
        self._run(self._desk.return_order(text), self._show_order, self._failed)

    def _show_order(self, order: KioskOrder) -> None:
        self._order = order
        self.show_message("")
        self._clear_rows()
        for line in order.lines:
            row = LineRow(line)
            row.pick.toggled.connect(lambda _on, r=row: r.retranslate())
            self.rows.append(row)
            append_shown(self.lines_box, row)
        self.lines_title.setText(self.tr("Order {number}").format(number=order.order_number))
        self.stages.setCurrentWidget(self.lines_page)

    def _failed(self, error: BaseException) -> None:
        self.show_message(problem_text(error))

    def _start(self) -> None:
        if self._desk is None or self._code is None:
            return
        picked = [row for row in self.rows if row.pick.isChecked()]
        choices = [choice for row in picked if (choice := row.choice()) is not None]
        if not picked:
            self.show_message(self.tr("Tap “Bring back” on each item you are returning."))
            return
        if len(choices) < len(picked):
            self.show_message(self.tr("Choose a reason for each item you are returning."))
            return
        self.start_button.setEnabled(False)
        self.show_message(self.tr("One moment…"))
        self._run(self._desk.start_return(self._code, choices), self._started_return, self._start_failed)

    def _started_return(self, started: KioskReturnStarted) -> None:
        self._started = started
        self._code = None
        self._order = None
        self._clear_rows()
        self.show_message("")
        self.reference.setText(started.reference)
        self.stages.setCurrentWidget(self.done_page)

    def _start_failed(self, error: BaseException) -> None:
        self.start_button.setEnabled(True)
        self.show_message(problem_text(error))

    def _clear_rows(self) -> None:
        self.rows = []
        wipe_layout(self.lines_box)

    def _forget(self) -> None:
        self._code = None
        self._order = None
        self._started = None
        self._clear_rows()
        self.lines_title.clear()
        self.reference.clear()
        self.start_button.setEnabled(True)
        self.stages.setCurrentWidget(self.lines_page)

    def retranslate(self) -> None:
        self.lines_hint.setText(self.tr("Tap each item you are bringing back and choose why."))
        if self._order is not None:
            self.lines_title.setText(self.tr("Order {number}").format(number=self._order.order_number))
        self.start_button.setText(self.tr("Start the return"))
        self.done_title.setText(self.tr("Your return is started"))
        self.done_hint.setText(
            self.tr("Tell the associate at the counter this reference and hand over the items.")
        )
        self.done_button.setText(self.tr("Done"))
        for row in self.rows:
            row.retranslate()
