"""A manager approves one return on the associate's tablet: their badge (scanned while this page
shows) or staff number, their PIN, and why.

Nobody is signed out: the back office checks the manager as a sign-in would and records the
approval for this return only (``ReturnDeskLike.approve``). Like staff sign-in, the PIN field is
cleared after every try and its text never reaches a message or a log; a scanned badge is kept in
memory only, never shown, and forgotten when the page is left or the next approval starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QHideEvent, QRegularExpressionValidator
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from storeassist.ui.returns_words import ReturnWords, approval_reasons_text
from storeassist.ui.widgets import MIN_TOUCH_PX, label, touch_button

REASON_MIN, REASON_MAX = 3, 200


@dataclass(frozen=True)
class ApprovalForm:
    """What the manager gave; the badge and PIN are left out of any ``repr`` (and so of logs)."""

    badge: str | None = field(repr=False)
    staff_number: str | None
    pin: str = field(repr=False)
    reason: str


def _field(name: str, placeholder: str) -> QLineEdit:
    line = QLineEdit()
    line.setObjectName(name)
    line.setMinimumHeight(MIN_TOUCH_PX)
    line.setPlaceholderText(placeholder)
    return line


def _field_label(text: str) -> QLabel:
    """A field's name, level with the middle of its (touch-sized) field."""
    name = label(text)
    name.setMinimumHeight(MIN_TOUCH_PX)
    name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return name


class ApprovalPage(QWidget):
    """Badge or staff number, PIN and a reason, for one return."""

    back = Signal()
    #: The manager's details, checked for shape (an :class:`ApprovalForm`); the screen sends them.
    submitted = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._badge: str | None = None
        self.title = label(ReturnWords.tr("A manager's approval"), "screenTitle", wrap=True)
        self.what = label(role="rowTitle", wrap=True)
        self.why = label(role="reason", wrap=True)
        self.explain = label(role="hint", wrap=True)
        self.notice = label(role="notice", wrap=True)
        self.notice.setVisible(False)
        self.staff_number = _field("approvalStaffNumber", ReturnWords.tr("e.g. S0042"))
        self.staff_number.setMaxLength(16)
        self.staff_number.setValidator(
            QRegularExpressionValidator(QRegularExpression("[A-Za-z0-9]{0,16}"), self.staff_number)
        )
        self.pin = _field("approvalPin", ReturnWords.tr("4 to 8 digits"))
        self.pin.setMaxLength(8)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9]{0,8}"), self.pin))
        self.reason = _field("approvalReason", ReturnWords.tr("e.g. the customer was abroad"))
        self.reason.setMaxLength(REASON_MAX)
        self.approve_button = touch_button(ReturnWords.tr("Approve"), primary=True)
        self.back_button = touch_button(ReturnWords.tr("Back to the return"))
        self.approve_button.clicked.connect(self._submit)
        self.pin.returnPressed.connect(self._submit)
        self.back_button.clicked.connect(self.back)

        self.form = QWidget()
        self._form = form = QFormLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.setSpacing(12)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_field_label(ReturnWords.tr("Manager's staff number")), self.staff_number)
        form.addRow(_field_label(ReturnWords.tr("Manager's PIN")), self.pin)
        form.addRow(_field_label(ReturnWords.tr("Why it is approved")), self.reason)

        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.approve_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        for part in (self.title, self.what, self.why, self.explain, self.notice):
            layout.addWidget(part)
        layout.addWidget(self.form)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def start(self, what: str, reasons: tuple[str, ...]) -> None:
        """A fresh approval: nothing typed, no badge kept."""
        self._forget()
        self.what.setText(what)
        self.why.setText(approval_reasons_text(reasons))
        self.staff_number.clear()
        self.reason.clear()
        self.notice.setVisible(False)
        self.set_busy(False)

    def use_badge(self, badge: str) -> None:
        """The manager scanned their badge: only the PIN and the reason are left to give."""
        self._badge = badge
        self.pin.clear()
        self._refresh()
        self.notice.setVisible(False)
        self.pin.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def has_badge(self) -> bool:
        return self._badge is not None

    def _submit(self) -> None:
        number = self.staff_number.text().strip().upper()
        pin, reason = self.pin.text(), " ".join(self.reason.text().split())
        self.pin.clear()  # one try per typed PIN, and never left on screen
        if self._badge is None and not number:
            self.show_message(ReturnWords.tr("The manager scans their badge, or types their staff number."))
            return
        if not 4 <= len(pin) <= 8:
            self.show_message(ReturnWords.tr("The manager's PIN has 4 to 8 digits."))
            return
        if len(reason) < REASON_MIN:
            self.show_message(ReturnWords.tr("Say in a few words why the return is approved."))
            return
        self.notice.setVisible(False)
        self.set_busy(True)
        self.submitted.emit(ApprovalForm(self._badge, None if self._badge else number, pin, reason))

    def refused(self, text: str) -> None:
        """The back office did not accept the manager: say why; a badge must be scanned again."""
        self._forget()
        self.set_busy(False)
        self.show_message(text)

    def set_busy(self, busy: bool) -> None:
        self.approve_button.setEnabled(not busy)
        self.form.setEnabled(not busy)

    def show_message(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(True)

    def _forget(self) -> None:
        self._badge = None
        self.pin.clear()
        self._refresh()

    def _refresh(self) -> None:
        self._form.setRowVisible(self.staff_number, self._badge is None)
        if self._badge is None:
            self.explain.setText(
                ReturnWords.tr(
                    "The manager scans their badge, or types their staff number, then their PIN. "
                    "Nobody is signed out."
                )
            )
        else:
            self.explain.setText(
                ReturnWords.tr("Badge read. The manager enters their PIN and why they approve.")
            )

    def hideEvent(self, event: QHideEvent) -> None:
        # Leaving the page forgets a scanned badge, so nobody can finish someone else's approval.
        self._forget()
        super().hideEvent(event)
