"""This store's holds: the active ones (soonest to expire first) with Release and Extend, the
floor's tasks (an ended hold whose units are still set aside: "Put back on the floor"), and what
ended lately. Above them, what shoppers at the store's kiosks asked an associate to hold, each
with Done once seen to. A change made here and not confirmed yet is marked "waiting to sync".

A store has tens of holds, not thousands, so each is a row of widgets with its buttons.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from storeassist.contract import AssistRequest, AssistRequests
from storeassist.domain.stock import HoldBoard, HoldRow
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.stock_card import scrolling
from storeassist.ui.stock_words import StockWords, hold_state, time_left
from storeassist.ui.widgets import Section, label, pill, row_frame, text_column, touch_button

#: What Extend adds to an active hold, in hours from now.
EXTEND_HOURS = 24


class HoldsPage(QWidget):
    """The store's holds; each button asks the screen to act on one hold."""

    back = Signal()
    release_requested = Signal(object)
    extend_requested = Signal(object, int)
    put_back_requested = Signal(object)
    #: A shopper's request (its id) was seen to.
    request_done_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._format = StoreFormat()
        self.board: HoldBoard | None = None
        self.title = label(self.tr("Holds here"), "screenTitle")
        self.back_button = touch_button(self.tr("Back to search"))
        self.back_button.clicked.connect(self.back)
        self.status = label(role="hint", wrap=True)
        self.message = label(role="notice", wrap=True)
        self.message.setVisible(False)
        self.active_section = Section(self.tr("On hold"))
        self.tasks_section = Section(self.tr("Put back on the floor"))
        self.ended_section = Section(self.tr("Ended lately"))
        self.requests_section = Section(self.tr("Shoppers asking at the kiosk"))
        self.requests_section.setVisible(False)
        self.rows: dict[str, QFrame] = {}
        #: The shoppers' requests shown, by id.
        self.request_rows: dict[int, QFrame] = {}

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(12)
        column.addWidget(self.requests_section)
        column.addWidget(self.tasks_section)
        column.addWidget(self.active_section)
        column.addWidget(self.ended_section)
        column.addStretch(1)
        scroll = scrolling(content, "stockHolds")
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addLayout(head)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)

    def set_store_format(self, fmt: StoreFormat) -> None:
        self._format = fmt

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def show_board(self, board: HoldBoard, now: datetime) -> None:
        self.board = board
        self.rows = {}
        if board.source == "cache":
            when = self._format.moment(board.as_of, now=now) if board.as_of else self.tr("never")
            self.status.setText(
                self.tr("Offline — the holds as of {time}. Changes are saved here and sent later.").format(
                    time=when
                )
            )
        else:
            when = self._format.time(board.as_of, now=now) if board.as_of else ""
            self.status.setText(self.tr("Up to date at {time}.").format(time=when))
        tasks = board.to_put_back
        ended = tuple(h for h in board.holds if h.status != "active" and not h.to_put_back)
        for section, holds, empty in (
            (self.tasks_section, tasks, ""),
            (self.active_section, board.active, self.tr("Nothing is on hold here.")),
            (self.ended_section, ended, ""),
        ):
            section.clear()
            section.setVisible(bool(holds) or bool(empty))
            if not holds and empty:
                section.add_quiet(empty)
            for hold in holds:
                row = self._row(hold, now)
                self.rows[hold.id] = row
                section.add(row)

    def show_requests(self, requests: AssistRequests | None, now: datetime) -> None:
        """The shoppers' open requests; None: the back office could not be asked."""
        section = self.requests_section
        section.clear()
        self.request_rows = {}
        if requests is None:
            section.add_quiet(
                self.tr("Shoppers' requests from the kiosk show when the back office can be reached.")
            )
            section.setVisible(True)
            return
        section.setVisible(bool(requests.requests))
        for request in requests.requests:
            row = self._request_row(request, now)
            self.request_rows[request.id] = row
            section.add(row)

    def _request_row(self, request: AssistRequest, now: datetime) -> QFrame:
        row, layout = row_frame()
        variant = " ".join(part for part in (request.size, request.colour) if part)
        what = self.tr("{product} × {qty}").format(product=request.product_name, qty=request.qty)
        title = label(f"{what} · {variant}" if variant else what, "rowTitle", wrap=True)
        detail = label(
            self.tr("Hold it for a shopper · asked {time}").format(
                time=self._format.moment(request.at, now=now)
            ),
            "detail",
            wrap=True,
        )
        layout.addLayout(text_column(title, detail), 1)
        done = touch_button(self.tr("Done"), primary=True)
        done.setObjectName("assistDone")
        done.setAccessibleName(self.tr("Done: {product}").format(product=request.product_name))
        done.clicked.connect(lambda _c=False, rid=request.id: self.request_done_requested.emit(rid))
        layout.addWidget(done)
        return row

    def _row(self, hold: HoldRow, now: datetime) -> QFrame:
        row, layout = row_frame()
        variant = " ".join(part for part in (hold.size, hold.colour) if part)
        what = self.tr("{product} × {qty}").format(product=hold.product_name, qty=hold.qty)
        title = label(f"{what} · {variant}" if variant else what, "rowTitle", wrap=True)
        if hold.status == "active":
            when = self.tr("{left} · until {time}").format(
                left=time_left(hold.expires_at, now), time=self._format.moment(hold.expires_at, now=now)
            )
        else:
            ended = hold.ended_at or hold.expires_at
            when = self.tr("{state} {time}").format(
                state=hold_state(hold), time=self._format.moment(ended, now=now)
            )
        detail = label(
            self.tr("For {customer} · {when}").format(customer=hold.customer_name, when=when),
            "detail",
            wrap=True,
        )
        texts = text_column(title, detail)
        if hold.waiting_to_sync:
            texts.addWidget(pill(self.tr("Waiting to sync"), "pending"), 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(texts, 1)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        if hold.status == "active":
            release = touch_button(self.tr("Release"))
            release.clicked.connect(lambda _c=False, h=hold: self.release_requested.emit(h))
            extend = touch_button(self.tr("Extend %n h", "", EXTEND_HOURS))
            extend.clicked.connect(lambda _c=False, h=hold: self.extend_requested.emit(h, EXTEND_HOURS))
            buttons.addWidget(extend)
            buttons.addWidget(release)
        elif hold.to_put_back:
            put_back = touch_button(self.tr("Put back"), primary=True)
            put_back.setAccessibleName(
                self.tr("Put {product} back on the floor").format(product=hold.product_name)
            )
            put_back.clicked.connect(lambda _c=False, h=hold: self.put_back_requested.emit(h))
            buttons.addWidget(put_back)
        layout.addLayout(buttons)
        return row


__all__ = ["EXTEND_HOURS", "HoldsPage", "StockWords"]
