"""Self-pickup at the kiosk: the shopper scanned an order's code; they choose to collect it (or
bring something back from it), type the six-digit pickup code on a big keypad, and are told
where to collect: at the counter, or from a locker. Three wrong codes send them to the counter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QStackedWidget, QVBoxLayout, QWidget

from storeassist.contract.kiosk import KioskPickupAnswer
from storeassist.domain.kiosk import KioskRefused
from storeassist.ui.background import OpRunner
from storeassist.ui.features import OpenElsewhere, OpenKind
from storeassist.ui.kiosk_keypad import Keypad, forget_typing
from storeassist.ui.kiosk_screen import KioskScreen
from storeassist.ui.kiosk_words import problem_text
from storeassist.ui.stock_card import scrolling
from storeassist.ui.widgets import label, touch_button

#: Refusals after which the kiosk stops asking for the code and sends the shopper to the counter.
GO_TO_COUNTER = frozenset({"pickup_needs_manager", "not_kiosk_pickup", "wrong_store"})


class KioskPickupScreen(KioskScreen):
    def __init__(
        self, runner: OpRunner, open_elsewhere: OpenElsewhere, parent: QWidget | None = None
    ) -> None:
        super().__init__(runner, open_elsewhere, parent)
        self.setObjectName("kioskPickup")
        self._order_code: str | None = None
        self._answer: KioskPickupAnswer | None = None
        self._counter_reason: BaseException | None = None
        self.stages = QStackedWidget()

        # 1. collect it, or bring something back?
        self.choose_page = QWidget()
        self.choose_title = label("", "screenTitle", wrap=True)
        self.collect_button = touch_button("", primary=True)
        self.collect_button.setProperty("size", "big")
        self.collect_button.clicked.connect(self._ask_code)
        self.return_button = touch_button("")
        self.return_button.setProperty("size", "big")
        self.return_button.clicked.connect(self._to_return)
        choose = QVBoxLayout(self.choose_page)
        choose.setSpacing(24)
        choose.addStretch(1)
        choose.addWidget(self.choose_title)
        choose.addWidget(self.collect_button)
        choose.addWidget(self.return_button)
        choose.addStretch(2)

        # 2. the pickup code
        self.code_page = QWidget()
        self.code_title = label("", "screenTitle", wrap=True)
        self.code_hint = label("", "kioskText", wrap=True)
        self.code_field = QLineEdit()
        self.code_field.setObjectName("kioskCodeField")
        self.code_field.setMaxLength(6)
        self.code_field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_field.setInputMask("")
        # A public screen: the code shows as dots, like a PIN (their count says how many are typed).
        self.code_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.code_field.returnPressed.connect(self._check_code)
        self.keypad = Keypad(self.code_field)
        self.check_button = touch_button("", primary=True)
        self.check_button.clicked.connect(self._check_code)
        self.code_field.textChanged.connect(lambda text: self.check_button.setEnabled(len(text) == 6))
        self.check_button.setEnabled(False)
        pad_column = QVBoxLayout()
        pad_column.setSpacing(16)
        pad_column.addWidget(self.code_field)
        pad_column.addWidget(self.keypad)
        pad_column.addWidget(self.check_button)
        pad_row = QHBoxLayout()
        pad_row.addStretch(1)
        pad_row.addLayout(pad_column, 4)
        pad_row.addStretch(1)
        code = QVBoxLayout(self.code_page)
        code.setSpacing(16)
        code.addWidget(self.code_title)
        code.addWidget(self.code_hint)
        code.addLayout(pad_row)
        code.addStretch(1)

        # 3. where to collect it, or "please go to the counter"
        self.answer_page = QWidget()
        self.answer_title = label("", "screenTitle", wrap=True)
        self.answer_where = label("", "kioskBig", wrap=True)
        self.answer_detail = label("", "kioskText", wrap=True)
        self.done_button = touch_button("", primary=True)
        self.done_button.clicked.connect(self.finished)
        answer = QVBoxLayout(self.answer_page)
        answer.setSpacing(24)
        answer.addStretch(1)
        answer.addWidget(self.answer_title)
        answer.addWidget(self.answer_where)
        answer.addWidget(self.answer_detail)
        answer.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignLeft)
        answer.addStretch(2)

        for page in (self.choose_page, self.code_page, self.answer_page):
            self.stages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.setSpacing(16)
        layout.addWidget(self.message)
        layout.addWidget(scrolling(self.stages, "kioskPickup"), 1)
        self.retranslate()

    def handle_scan(self, kind: OpenKind, text: str) -> None:
        self.forget()
        self._order_code = text
        self.stages.setCurrentWidget(self.choose_page)

    def _ask_code(self) -> None:
        forget_typing(self.code_field)
        self.show_message("")
        self.stages.setCurrentWidget(self.code_page)

    def _to_return(self) -> None:
        code = self._order_code
        if code is not None:
            self._open("receipt", code)

    def _check_code(self) -> None:
        code = self.code_field.text()
        if self._desk is None or self._order_code is None or len(code) != 6:
            return
        self.check_button.setEnabled(False)
        self.show_message(self.tr("Checking…"))
        self._run(self._desk.self_pickup(self._order_code, code), self._collect, self._refused)

    def _collect(self, answer: KioskPickupAnswer) -> None:
        self._answer = answer
        self._order_code = None
        forget_typing(self.code_field)
        self.show_message("")
        self._fill_answer()
        self.stages.setCurrentWidget(self.answer_page)

    def _refused(self, error: BaseException) -> None:
        forget_typing(self.code_field)
        if isinstance(error, KioskRefused) and (
            error.code in GO_TO_COUNTER
            or (error.code == "pickup_code_wrong" and int(error.params.get("tries_left", 1)) <= 0)
        ):
            if error.code == "pickup_code_wrong":
                error = KioskRefused("pickup_needs_manager")
            self._counter_reason = error
            self._order_code = None
            self.show_message("")
            self._fill_answer()
            self.stages.setCurrentWidget(self.answer_page)
            return
        self.show_message(problem_text(error))

    def _fill_answer(self) -> None:
        answer = self._answer
        if answer is not None:
            self.answer_title.setText(
                self.tr("Your order {number} is ready").format(number=answer.order_number)
            )
            if answer.where == "locker" and answer.locker:
                self.answer_where.setText(
                    self.tr("Collect it from locker {locker}").format(locker=answer.locker)
                )
                self.answer_detail.setText(
                    self.tr("%n item(s). The locker opens for you now.", "", answer.items)
                )
            else:
                self.answer_where.setText(self.tr("Please collect it at the counter"))
                self.answer_detail.setText(
                    self.tr("%n item(s). An associate has been told you are waiting.", "", answer.items)
                )
        elif self._counter_reason is not None:
            self.answer_title.setText(self.tr("Please go to the counter"))
            self.answer_where.setText("")
            self.answer_detail.setText(problem_text(self._counter_reason))

    def _forget(self) -> None:
        self._order_code = None
        self._answer = None
        self._counter_reason = None
        forget_typing(self.code_field)
        for text_label in (self.answer_title, self.answer_where, self.answer_detail):
            text_label.clear()
        self.stages.setCurrentWidget(self.choose_page)

    def retranslate(self) -> None:
        self.choose_title.setText(self.tr("What would you like to do with this order?"))
        self.collect_button.setText(self.tr("Collect my order"))
        self.return_button.setText(self.tr("Bring something back"))
        self.code_title.setText(self.tr("Type your pickup code"))
        self.code_hint.setText(self.tr("The six-digit code is in your order's email or text message."))
        self.code_field.setPlaceholderText(self.tr("6 digits"))
        self.code_field.setAccessibleName(self.tr("Pickup code"))
        self.check_button.setText(self.tr("Check code"))
        self.done_button.setText(self.tr("Done"))
        self._fill_answer()
