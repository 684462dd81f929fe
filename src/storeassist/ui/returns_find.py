"""Finding the order to take back: scan its receipt or order code, or type its number.

The page only asks; the screen opens the order (``ReturnDeskLike.open_code`` / ``open_number``)
when :attr:`FindPage.number_entered` fires or a code is scanned, or a return a shopper started at
the kiosk is tapped (:attr:`FindPage.kiosk_return_chosen`). A typed number takes only what an
order number can hold (letters, digits and dashes, at most 20), so nothing else is ever sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from storeassist.contract.kiosk import KioskReturn
from storeassist.ui.formatting import StoreFormat
from storeassist.ui.returns_words import ReturnWords
from storeassist.ui.widgets import MIN_TOUCH_PX, Section, label, row_frame, text_column, touch_button

#: The longest order number the back office gives (``contract.returns.OrderNumber``).
NUMBER_MAX = 20


class FindPage(QWidget):
    """The Returns screen's first page."""

    #: An order number was typed and Find tapped (stripped, upper case, not empty).
    number_entered = Signal(str)
    #: A return started at the kiosk was tapped (its ``KioskReturn``).
    kiosk_return_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label(ReturnWords.tr("Take back an order"), "screenTitle", wrap=True)
        self.scan_hint = label(
            ReturnWords.tr("Scan the receipt, or the order code in the customer's e-mail or app."),
            "hint",
            wrap=True,
        )
        self.receipt_note = label(
            ReturnWords.tr(
                "A scanned receipt or order code counts as a receipt. A typed number does not: "
                "money then comes back as store credit, and some items cannot be returned."
            ),
            "quiet",
            wrap=True,
        )
        self.number = QLineEdit()
        self.number.setObjectName("returnOrderNumber")
        self.number.setMaxLength(NUMBER_MAX)
        self.number.setMinimumHeight(MIN_TOUCH_PX)
        self.number.setPlaceholderText(ReturnWords.tr("Order number, e.g. W10001234"))
        self.number.setValidator(
            QRegularExpressionValidator(QRegularExpression(f"[A-Za-z0-9-]{{0,{NUMBER_MAX}}}"), self.number)
        )
        self.number.setInputMethodHints(
            Qt.InputMethodHint.ImhPreferUppercase | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.number.returnPressed.connect(self._find)
        self.find_button = touch_button(ReturnWords.tr("Find"), primary=True)
        self.find_button.clicked.connect(self._find)
        self.notice = label(role="notice", wrap=True)
        self.notice.setVisible(False)
        self.profile_hint = label(
            ReturnWords.tr("Or open the customer's profile and tap the order under Recent orders."),
            "hint",
            wrap=True,
        )

        self._format = StoreFormat()
        self.kiosk_section = Section(ReturnWords.tr("Started at the kiosk"))
        self.kiosk_section.setVisible(False)
        #: The kiosk's returns shown, by id: each row's Open button.
        self.kiosk_buttons: dict[int, QPushButton] = {}

        by_number = Section(ReturnWords.tr("No code to scan?"))
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.number, 1)
        row.addWidget(self.find_button)
        by_number.header.addLayout(row)
        by_number.header.addWidget(self.receipt_note)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(self.title)
        layout.addWidget(self.scan_hint)
        layout.addWidget(self.notice)
        layout.addWidget(by_number)
        layout.addWidget(self.profile_hint)
        layout.addWidget(self.kiosk_section)
        layout.addStretch(1)

    def set_store_format(self, fmt: StoreFormat) -> None:
        self._format = fmt

    def show_kiosk_returns(self, returns: Sequence[KioskReturn] | None, now: datetime) -> None:
        """Returns shoppers started at the kiosk; None: the back office could not be asked."""
        section = self.kiosk_section
        section.clear()
        self.kiosk_buttons = {}
        if returns is None:
            section.add_quiet(
                ReturnWords.tr("Returns started at the kiosk show when the back office can be reached.")
            )
            section.setVisible(True)
            return
        section.setVisible(bool(returns))
        for started in returns:
            row, layout = row_frame()
            units = sum(choice.qty for choice in started.lines)
            started_at = self._format.moment(started.at, now=now)
            title = label(
                ReturnWords.tr("{reference} · order #{number}").format(
                    reference=started.reference, number=started.order_number
                ),
                "rowTitle",
                wrap=True,
            )
            detail = label(
                " · ".join(
                    (
                        ReturnWords.tr("%n line(s)", "", len(started.lines)),
                        ReturnWords.tr("%n unit(s)", "", units),
                        ReturnWords.tr("started {time}").format(time=started_at),
                    )
                ),
                "detail",
                wrap=True,
            )
            layout.addLayout(text_column(title, detail), 1)
            button = touch_button(ReturnWords.tr("Open"), primary=True)
            button.setAccessibleName(ReturnWords.tr("Open {reference}").format(reference=started.reference))
            button.clicked.connect(lambda _c=False, k=started: self.kiosk_return_chosen.emit(k))
            layout.addWidget(button)
            self.kiosk_buttons[started.id] = button
            section.add(row)

    def _find(self) -> None:
        number = self.number.text().strip().upper()
        if not number:
            self.show_message(
                ReturnWords.tr("Type the order number as it is on the receipt or in the customer's e-mail.")
            )
            return
        self.notice.setVisible(False)
        self.number_entered.emit(number)

    def show_message(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(True)

    def reset(self) -> None:
        self.number.clear()
        self.notice.setVisible(False)
