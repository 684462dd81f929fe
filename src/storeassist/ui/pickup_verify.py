"""Checking who collects a pickup: the pickup code they read out, their photo ID, or the ID of the
person the customer named. (An order code scanned at the counter already verifies them; the
screen goes straight on to the hand-over.)

An ID is recorded by its type and the last 2-4 characters of its number only: the field takes no
more than four letters or digits, so a whole document number cannot be typed in. A pickup code is
checked at the hub (the screen asks ``PickupDesk.check_pickup_code`` when :attr:`code_entered`
fires); three wrong codes lock the order until a manager hands it over.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from storeassist.contract import Order, PickupCodeAnswer, PickupVerification
from storeassist.contract.payloads import DocumentType
from storeassist.domain.pickups import is_named_proxy
from storeassist.ui.overlay_pages import result_sentence
from storeassist.ui.pickup_words import document_label
from storeassist.ui.widgets import TouchButton, label, touch_button

MIN_TOUCH_PX = 48
#: One character more than is kept, so a fifth typed pushes the first out (see ``_keep_the_last``).
LAST_KEPT = 5
DOCUMENT_TYPES: tuple[DocumentType, ...] = ("passport", "driving_licence", "national_id", "other")


def _chip(text: str) -> QPushButton:
    button = TouchButton(text)
    button.setCheckable(True)
    button.setProperty("role", "filterChip")
    button.setMinimumHeight(MIN_TOUCH_PX)
    return button


class DocumentCheck(QWidget):
    """A photo ID as recorded: its type (chips) and the last characters of its number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(8)
        for n, kind in enumerate(DOCUMENT_TYPES):
            button = _chip(document_label(kind))
            self.group.addButton(button)
            self.buttons[kind] = button
            grid.addWidget(button, n // 2, n % 2)
        self.last = QLineEdit()
        self.last.setObjectName("documentLast")
        self.last.setMaxLength(LAST_KEPT)
        self.last.setMinimumHeight(MIN_TOUCH_PX)
        self.last.setPlaceholderText(self.tr("Last 2–4 characters"))
        self.last.setValidator(QRegularExpressionValidator(QRegularExpression("[A-Za-z0-9]{0,5}"), self.last))
        self.last.setInputMethodHints(
            Qt.InputMethodHint.ImhPreferUppercase | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.last.textEdited.connect(self._keep_the_last)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(label(self.tr("Which photo ID?"), "factName"))
        layout.addLayout(grid)
        layout.addWidget(label(self.tr("The last characters of its number"), "factName"))
        layout.addWidget(self.last)
        layout.addWidget(
            label(
                self.tr("Only the last 2 to 4 letters or digits. Never type the whole number."),
                "quiet",
                wrap=True,
            )
        )

    def _keep_the_last(self, text: str) -> None:
        """Upper case, and only the last characters: someone typing (or scanning) the whole number
        keeps its end, never its start, and the field never holds more than four."""
        self.last.setText(text.upper()[-4:])

    def document_type(self) -> DocumentType | None:
        for kind in DOCUMENT_TYPES:
            if self.buttons[kind].isChecked():
                return kind
        return None

    def clear(self) -> None:
        self.group.setExclusive(False)
        for button in self.buttons.values():
            button.setChecked(False)
        self.group.setExclusive(True)
        self.last.clear()


class VerifyPage(QWidget):
    """Choose how the collector is checked, and check them."""

    back = Signal()
    #: The collector is checked: what the hand-over records.
    verified = Signal(object)
    #: Six digits typed: the screen checks them at the hub and answers :meth:`code_answer`.
    code_entered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._order: Order | None = None
        self.title = label(role="screenTitle", wrap=True)
        self.explain = label(
            self.tr("Check who is collecting before you hand anything over."), "hint", wrap=True
        )
        self.notice = label(role="notice", wrap=True)
        self.notice.setVisible(False)

        self.method_group = QButtonGroup(self)
        self.code_method = _chip(self.tr("Pickup code"))
        self.id_method = _chip(self.tr("Customer's ID"))
        self.proxy_method = _chip(self.tr("Named person's ID"))
        methods = QHBoxLayout()
        methods.setSpacing(8)
        for button in (self.code_method, self.id_method, self.proxy_method):
            # Three to a row share the width they are given (a narrow portrait screen too).
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            self.method_group.addButton(button)
            methods.addWidget(button, 1)

        # The pickup code they read out from their e-mail or app.
        self.code = QLineEdit()
        self.code.setObjectName("pickupCode")
        self.code.setMaxLength(6)
        self.code.setMinimumHeight(MIN_TOUCH_PX)
        self.code.setPlaceholderText(self.tr("6 digits"))
        self.code.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9]{0,6}"), self.code))
        self.code.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.check_code_button = touch_button(self.tr("Check the code"), primary=True)
        self.code_status = label(role="hint", wrap=True)
        code_panel = QWidget()
        code_layout = QVBoxLayout(code_panel)
        code_layout.setContentsMargins(0, 0, 0, 0)
        code_layout.addWidget(
            label(self.tr("Ask for the 6-digit pickup code from their e-mail or app."), "hint", wrap=True)
        )
        code_row = QHBoxLayout()
        code_row.addWidget(self.code, 1)
        code_row.addWidget(self.check_code_button)
        code_layout.addLayout(code_row)
        code_layout.addWidget(self.code_status)
        code_layout.addStretch(1)

        # The customer's own photo ID.
        self.document = DocumentCheck()
        self.id_button = touch_button(self.tr("ID checked — continue"), primary=True)
        id_panel = QWidget()
        id_layout = QVBoxLayout(id_panel)
        id_layout.setContentsMargins(0, 0, 0, 0)
        id_layout.addWidget(label(self.tr("Check the name on the ID matches the order."), "hint", wrap=True))
        id_layout.addWidget(self.document)
        id_layout.addWidget(self.id_button, 0, Qt.AlignmentFlag.AlignRight)
        id_layout.addStretch(1)

        # The person the customer named, with their photo ID.
        self.proxy_named = label(role="hint", wrap=True)
        self.proxy_name = QLineEdit()
        self.proxy_name.setObjectName("proxyName")
        self.proxy_name.setMaxLength(120)
        self.proxy_name.setMinimumHeight(MIN_TOUCH_PX)
        self.proxy_name.setPlaceholderText(self.tr("Name as on their ID"))
        self.proxy_document = DocumentCheck()
        self.proxy_button = touch_button(self.tr("ID checked — continue"), primary=True)
        proxy_panel = QWidget()
        proxy_layout = QVBoxLayout(proxy_panel)
        proxy_layout.setContentsMargins(0, 0, 0, 0)
        proxy_layout.addWidget(self.proxy_named)
        proxy_layout.addWidget(self.proxy_name)
        proxy_layout.addWidget(self.proxy_document)
        proxy_layout.addWidget(self.proxy_button, 0, Qt.AlignmentFlag.AlignRight)
        proxy_layout.addStretch(1)

        self.choose = label(self.tr("Choose how to check them."), "quiet", wrap=True)
        self.panels = QStackedWidget()
        self.panels.setObjectName("verifyPanels")
        for panel in (self.choose, code_panel, id_panel, proxy_panel):
            self.panels.addWidget(panel)

        self.back_button = touch_button(self.tr("Back to the order"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.explain)
        layout.addLayout(methods)
        layout.addWidget(self.notice)
        # The ID panels are the tallest part: they scroll rather than make the screen taller.
        self.scroller = QScrollArea()
        self.scroller.setObjectName("verifyScroll")
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(self.panels)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.back_button.clicked.connect(self.back)
        self.code_method.clicked.connect(lambda: self._choose(1))
        self.id_method.clicked.connect(lambda: self._choose(2))
        self.proxy_method.clicked.connect(lambda: self._choose(3))
        self.check_code_button.clicked.connect(self._check_code)
        self.code.returnPressed.connect(self._check_code)
        self.id_button.clicked.connect(self._id_checked)
        self.proxy_button.clicked.connect(self._proxy_checked)

    def start(self, order: Order) -> None:
        """A fresh check for ``order``: nothing chosen, nothing typed."""
        self._order = order
        self.title.setText(self.tr("Who is collecting order #{number}?").format(number=order.number))
        self.method_group.setExclusive(False)
        for button in (self.code_method, self.id_method, self.proxy_method):
            button.setChecked(False)
        self.method_group.setExclusive(True)
        self.proxy_method.setVisible(bool(order.proxy_name))
        self.proxy_named.setText(
            self.tr("The customer named {name} to collect for them. Check their photo ID.").format(
                name=order.proxy_name or ""
            )
        )
        self.code.clear()
        self.code_status.setText("")
        self.document.clear()
        self.proxy_name.clear()
        self.proxy_document.clear()
        self.notice.setVisible(False)
        self.panels.setCurrentIndex(0)
        self._set_code_locked(order.pickup_locked)

    def _choose(self, panel: int) -> None:
        self.notice.setVisible(False)
        self.panels.setCurrentIndex(panel)

    # -- pickup code ----------------------------------------------------------------------

    def _check_code(self) -> None:
        code = self.code.text()
        if len(code) != 6:
            self.show_message(self.tr("A pickup code has 6 digits."))
            return
        self.notice.setVisible(False)
        self.check_code_button.setEnabled(False)
        self.code_status.setText(self.tr("Checking the code…"))
        self.code_entered.emit(code)

    def code_answer(self, code: str, answer: PickupCodeAnswer) -> None:
        """The hub's answer to :attr:`code_entered`."""
        self.check_code_button.setEnabled(True)
        self.code_status.setText("")
        if answer.ok and not answer.locked:
            self.verified.emit(PickupVerification(method="pickup_code", pickup_code=code))
            return
        order_number = self._order.number if self._order is not None else ""
        self.code.clear()
        if answer.locked:
            self._set_code_locked(True)
            self.show_message(result_sentence("pickup_needs_manager", {"order_number": order_number}))
            return
        self.show_message(
            self.tr(
                "That pickup code is not right. %n attempt(s) left, then a manager is needed.",
                "",
                answer.attempts_left,
            )
        )

    def code_failed(self, text: str) -> None:
        """The code could not be checked (offline, refused): say why; nothing was counted here."""
        self.check_code_button.setEnabled(True)
        self.code_status.setText("")
        self.show_message(text)

    def _set_code_locked(self, locked: bool) -> None:
        self.code.setEnabled(not locked)
        self.check_code_button.setEnabled(not locked)
        if locked:
            self.code_status.setText(
                self.tr(
                    "Locked after three wrong codes: check their photo ID, and ask a manager to hand it over."
                )
            )

    # -- photo ID -------------------------------------------------------------------------

    def _document(self, check: DocumentCheck) -> tuple[DocumentType, str] | None:
        kind, last = check.document_type(), check.last.text().strip().upper()
        if kind is None:
            self.show_message(self.tr("Choose which photo ID you checked."))
            return None
        if not 2 <= len(last) <= 4:
            self.show_message(self.tr("Type the last 2 to 4 characters of the ID's number, and only those."))
            return None
        return kind, last

    def _id_checked(self) -> None:
        document = self._document(self.document)
        if document is None:
            return
        kind, last = document
        self.verified.emit(PickupVerification(method="photo_id", document_type=kind, document_last=last))

    def _proxy_checked(self) -> None:
        order = self._order
        if order is None or not order.proxy_name:
            return
        name = self.proxy_name.text().strip()
        if not name:
            self.show_message(self.tr("Type the name on the person's ID."))
            return
        if not is_named_proxy(name, order.proxy_name):
            self.show_message(result_sentence("proxy_not_named", {"order_number": order.number}))
            return
        document = self._document(self.proxy_document)
        if document is None:
            return
        kind, last = document
        self.verified.emit(
            PickupVerification(method="proxy_id", proxy_name=name, document_type=kind, document_last=last)
        )

    def show_message(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(True)
