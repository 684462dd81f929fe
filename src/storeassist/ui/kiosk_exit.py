"""Leaving kiosk mode: a manager of this store scans their badge (or types their staff number)
and types their PIN; the hub checks them. Opened by a long press on a hidden corner or a key
combination, never shown to shoppers otherwise."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from storeassist.ui.background import OpRunner
from storeassist.ui.kiosk_keypad import Keypad, forget_typing
from storeassist.ui.kiosk_services import KioskDeskLike
from storeassist.ui.kiosk_words import problem_text
from storeassist.ui.stock_card import scrolling
from storeassist.ui.widgets import label, touch_button


class KioskExitPage(QWidget):
    #: The hub accepted the manager: the kiosk may close.
    exit_allowed = Signal()
    #: Back to the shoppers' screens.
    cancelled = Signal()

    def __init__(self, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskExit")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setProperty("kiosk", "panel")
        self._runner = runner
        self.desk: KioskDeskLike | None = None
        self._badge: str | None = None
        self.title = label("", "screenTitle", wrap=True)
        self.hint = label("", "kioskText", wrap=True)
        self.staff_number = QLineEdit()
        self.staff_number.setMaxLength(16)
        self.staff_number.setValidator(QRegularExpressionValidator(QRegularExpression("[A-Za-z0-9]*")))
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9]*")))
        self.keypad = Keypad(self.pin)
        self.message = label("", "kioskMessage", wrap=True)
        self.message.setVisible(False)
        self.leave_button = touch_button("", primary=True)
        self.leave_button.clicked.connect(self._leave)
        self.cancel_button = touch_button("")
        self.cancel_button.clicked.connect(self.cancelled)
        self.pin.returnPressed.connect(self._leave)
        fields = QVBoxLayout()
        fields.setSpacing(12)
        fields.addWidget(self.staff_number)
        fields.addWidget(self.pin)
        fields.addWidget(self.keypad)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.leave_button)
        fields.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(fields, 4)
        row.addStretch(1)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addLayout(row)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(content, "kioskExit"))
        self.retranslate()

    def take_badge(self, badge: str) -> None:
        self._badge = badge
        forget_typing(self.staff_number)
        self.staff_number.setEnabled(False)
        self._say(self.tr("Badge read. Type your PIN."))
        self.pin.setFocus()

    def _leave(self) -> None:
        pin = self.pin.text()
        staff_number = self.staff_number.text().strip().upper() or None
        if self.desk is None or len(pin) < 4 or (self._badge is None and staff_number is None):
            self._say(self.tr("Scan your badge or type your staff number, then your PIN."))
            return
        self.leave_button.setEnabled(False)
        work = self.desk.exit_kiosk(
            badge=self._badge, staff_number=None if self._badge else staff_number, pin=pin
        )
        forget_typing(self.pin)
        self._runner.run(work, on_success=lambda _none: self.exit_allowed.emit(), on_failure=self._refused)

    def _refused(self, error: BaseException) -> None:
        self.leave_button.setEnabled(True)
        self._say(problem_text(error))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def reset(self) -> None:
        self._badge = None
        forget_typing(self.staff_number)
        self.staff_number.setEnabled(True)
        forget_typing(self.pin)
        self.leave_button.setEnabled(True)
        self._say("")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Leave kiosk mode"))
        self.hint.setText(
            self.tr("For managers of this store: scan your badge or type your staff number, then your PIN.")
        )
        self.staff_number.setPlaceholderText(self.tr("Staff number"))
        self.staff_number.setAccessibleName(self.tr("Staff number"))
        self.pin.setPlaceholderText(self.tr("PIN"))
        self.pin.setAccessibleName(self.tr("PIN"))
        self.leave_button.setText(self.tr("Leave kiosk mode"))
        self.cancel_button.setText(self.tr("Cancel"))
