"""Staff sign-in: a badge scan anywhere, or a staff number and PIN on this page.

Customers' profiles open only for a signed-in staff member, and show what that person's role
may see (``domain/privacy``). The page takes the sign-in service and the session holder as
protocols (it never imports a service, style.md §3); the PIN field is cleared after every try
and its text never reaches a message or a log.

A badge alone signs in an associate; for any other role the hub asks for the PIN as well. The
page then keeps the scanned badge in memory (never on screen), shows only the PIN field, and
sends badge and PIN together. The badge is forgotten on success, on a new scan, on signing out
and whenever the page is left.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QRegularExpression, Qt, Signal
from PySide6.QtGui import QHideEvent, QRegularExpressionValidator
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from storeassist.contract import StaffSession
from storeassist.ui.background import OpRunner
from storeassist.ui.messages import describe_failure


class StaffSignInAction(Protocol):
    """``storeassist.services.sign_in_staff.SignInStaff`` as the page uses it.

    ``sign_in_badge`` fails with an error whose ``pin_required`` attribute is true
    (``SignInPinRequired``) when the badge's holder must give their PIN as well.
    """

    def sign_in_badge(self, badge: str, pin: str | None = None) -> Awaitable[StaffSession]: ...

    def sign_in_pin(self, staff_number: str, pin: str) -> Awaitable[StaffSession]: ...


class StaffState(Protocol):
    """``storeassist.services.sign_in_staff.StaffSessionState`` as the window uses it."""

    @property
    def current(self) -> StaffSession | None: ...

    def sign_in(self, session: StaffSession) -> None: ...

    def sign_out(self) -> None: ...

    def touch(self) -> None: ...

    def expire_if_idle(self) -> bool: ...

    def add_listener(self, listener: Callable[[StaffSession | None], None]) -> None: ...


def _tr(text: str) -> str:
    return QCoreApplication.translate("SignInPage", text)


def role_name(role: str) -> str:
    names = {
        "associate": _tr("Associate"),
        "supervisor": _tr("Supervisor"),
        "manager": _tr("Manager"),
        "admin": _tr("Administrator"),
    }
    return names.get(role, role)


class SignInPage(QWidget):
    """Who is working on this tablet: sign in (badge or number + PIN), or sign out."""

    closed = Signal()
    #: Someone signed in; the window returns to the screen that asked.
    signed_in = Signal()
    #: Someone signed in: a sentence naming them and their role. Emitted just after
    #: :attr:`signed_in`, so a window that returned to its screen on that can show it there.
    signed_in_as = Signal(str)

    def __init__(self, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._action: StaffSignInAction | None = None
        self._state: StaffState | None = None
        self._attempt = 0
        # A scanned badge waiting for its holder's PIN. Memory only: never shown or logged.
        self._badge_awaiting_pin: str | None = None

        title = QLabel(self.tr("Staff sign-in"))
        title.setProperty("role", "screenTitle")
        self.who = QLabel()
        self.who.setProperty("role", "hint")
        self.who.setWordWrap(True)
        self.notice = QLabel()
        self.notice.setProperty("role", "notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)

        self.staff_number = QLineEdit()
        self.staff_number.setMaxLength(16)
        self.staff_number.setPlaceholderText(self.tr("e.g. S0042"))
        self.staff_number.setValidator(
            QRegularExpressionValidator(QRegularExpression("[A-Za-z0-9]{0,16}"), self.staff_number)
        )
        self.pin = QLineEdit()
        self.pin.setMaxLength(8)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9]{0,8}"), self.pin))
        self.pin.returnPressed.connect(self.sign_in_with_pin)
        self.sign_in_button = QPushButton(self.tr("Sign in"))
        self.sign_in_button.setProperty("role", "primary")
        self.sign_in_button.clicked.connect(self.sign_in_with_pin)
        self.sign_out_button = QPushButton(self.tr("Sign out"))
        self.sign_out_button.clicked.connect(self._sign_out)
        back = QPushButton(self.tr("Back"))
        back.clicked.connect(self.closed)

        self.form = QWidget()
        self._form_layout = form = QFormLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.setSpacing(12)
        form.addRow(self.tr("Staff number"), self.staff_number)
        form.addRow(self.tr("PIN"), self.pin)
        form.addRow("", self.sign_in_button)

        buttons = QHBoxLayout()
        buttons.addWidget(back)
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(16)
        layout.addWidget(title)
        layout.addWidget(self.who)
        layout.addWidget(self.notice)
        layout.addWidget(self.form)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._refresh()

    def attach(self, action: StaffSignInAction, state: StaffState) -> None:
        self._action = action
        self._state = state
        state.add_listener(lambda _session: self._refresh())
        self._refresh()

    # -- actions --------------------------------------------------------------------------

    @property
    def awaiting_pin(self) -> bool:
        """A badge was scanned and its holder's PIN is wanted to finish signing in."""
        return self._badge_awaiting_pin is not None

    def sign_in_with_badge(self, badge: str) -> None:
        """A staff badge was scanned (anywhere in the window)."""
        if self._action is None:
            self.show_message(self.tr("This tablet is not ready yet. Wait until it is connected."))
            return
        self._forget_badge()  # a new scan replaces a badge still waiting for its PIN
        self._run(self._action.sign_in_badge(badge), badge=badge)

    def sign_in_with_pin(self) -> None:
        if self._action is None:
            self.show_message(self.tr("This tablet is not ready yet. Wait until it is connected."))
            return
        number, pin = self.staff_number.text().strip().upper(), self.pin.text()
        self.pin.clear()  # one try per typed PIN, and never left on screen
        badge = self._badge_awaiting_pin
        if badge is not None:
            if not pin:
                self.show_message(self.tr("Enter your PIN to finish signing in."))
                return
            self._run(self._action.sign_in_badge(badge, pin), badge=badge)
            return
        if not number or not pin:
            self.show_message(self.tr("Enter your staff number and PIN, or scan your badge."))
            return
        self._run(self._action.sign_in_pin(number, pin))

    def show_message(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(True)

    def _run(self, call: Awaitable[Any], *, badge: str | None = None) -> None:
        # Each try gets a number: a slow answer to an earlier badge (or one that arrives after
        # Sign out) must not sign that person in over whoever came after.
        self._attempt += 1
        attempt = self._attempt
        self.notice.setVisible(False)
        self.sign_in_button.setEnabled(False)
        self._runner.run(
            call,
            on_success=lambda session: self._on_signed_in(attempt, session),
            on_failure=lambda error: self._on_failed(attempt, error, badge),
        )

    def _on_signed_in(self, attempt: int, session: StaffSession) -> None:
        if attempt != self._attempt:
            return
        self.sign_in_button.setEnabled(True)
        self._forget_badge()
        if self._state is not None:
            self._state.sign_in(session)
        self.staff_number.clear()
        confirmation = self.tr("Signed in: {name}, {role}.").format(
            name=session.name, role=role_name(session.role)
        )
        self.show_message(confirmation)
        self.signed_in.emit()
        self.signed_in_as.emit(confirmation)

    def _on_failed(self, attempt: int, error: BaseException, badge: str | None) -> None:
        if attempt != self._attempt:
            return
        self.sign_in_button.setEnabled(True)
        if badge is not None and getattr(error, "pin_required", False) is True:
            # The badge is good but not enough for this role: keep it and ask for the PIN.
            self._badge_awaiting_pin = badge
            self._show_pin_only(True)
        self.show_message(describe_failure(error, doing="staff sign-in"))

    def _sign_out(self) -> None:
        self._attempt += 1  # a sign-in still on its way is dropped
        self.sign_in_button.setEnabled(True)
        self._forget_badge()
        if self._state is not None:
            self._state.sign_out()

    def _forget_badge(self) -> None:
        """Drop a badge waiting for its PIN, and any PIN typed for it."""
        if self._badge_awaiting_pin is None:
            return
        self._badge_awaiting_pin = None
        self.pin.clear()
        self._show_pin_only(False)

    def hideEvent(self, event: QHideEvent) -> None:
        # Leaving the page (Back, a screen change, the window hidden) forgets a scanned badge,
        # so the next person to open the page cannot finish someone else's sign-in; an old
        # message (an earlier refusal, who signed in then) would mislead them too.
        self._forget_badge()
        self.notice.setVisible(False)
        super().hideEvent(event)

    # -- showing --------------------------------------------------------------------------

    def _show_pin_only(self, pin_only: bool) -> None:
        """While a badge waits for its PIN the staff number is not needed: only the PIN shows."""
        self._form_layout.setRowVisible(self.staff_number, not pin_only)
        if pin_only:
            self.pin.setFocus(Qt.FocusReason.OtherFocusReason)
        self._refresh()

    def _refresh(self) -> None:
        current = self._state.current if self._state is not None else None
        self.sign_out_button.setVisible(current is not None)
        if self._badge_awaiting_pin is not None:
            self.who.setText(self.tr("Badge read. Enter your PIN below, or tap Back to cancel."))
        elif current is None:
            self.who.setText(self.tr("Scan your staff badge, or enter your staff number and PIN."))
        else:
            self.who.setText(
                self.tr("Signed in: {name} ({role}). Scan another badge to hand over.").format(
                    name=current.name, role=role_name(current.role)
                )
            )


def staff_chip_text(session: StaffSession | None, *, short: bool = False) -> str:
    """The status strip's "who is signed in" text: first name and role, or the first name alone."""
    if session is None:
        return _tr("Sign in")
    first = session.name.split()[0] if session.name.split() else session.name
    return first if short else f"{first} · {role_name(session.role)}"
