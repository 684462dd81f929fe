"""The kiosk's welcome page and what watches over it: the attract page in the store's brand with
the shoppers' languages (:class:`AttractPage`), the idle warning and reset (:class:`IdleWatch`),
and the corner a manager presses to leave kiosk mode (:class:`HiddenCorner`). The window that
holds them is :mod:`storeassist.ui.kiosk_window`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractButton, QButtonGroup, QHBoxLayout, QVBoxLayout, QWidget

from storeassist.ui.widgets import label, touch_button

#: The languages a shopper can choose, each named in itself: (Qt locale name, name).
LANGUAGES = (("en", "English"), ("zh_CN", "中文"), ("ru", "Русский"))
#: How long a press on the hidden corner opens the manager's exit.
LONG_PRESS_MS = 3_000
#: Events that say someone is at the kiosk.
ACTIVITY = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
    }
)


class IdleWatch(QObject):
    """Two single-shot timers, restarted by any touch, key or scan the application sees: a warning
    at ``warning_ms`` and the reset at ``reset_ms`` (injectable: tests use milliseconds)."""

    warn = Signal()
    reset = Signal()
    activity = Signal()

    def __init__(self, warning_ms: int, reset_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.warning_timer = QTimer(self)
        self.warning_timer.setSingleShot(True)
        self.warning_timer.timeout.connect(self.warn)
        self.reset_timer = QTimer(self)
        self.reset_timer.setSingleShot(True)
        self.reset_timer.timeout.connect(self.reset)
        self.set_timing(warning_ms, reset_ms)
        self.armed = False

    def set_timing(self, warning_ms: int, reset_ms: int) -> None:
        self.warning_timer.setInterval(warning_ms)
        self.reset_timer.setInterval(reset_ms)

    def arm(self) -> None:
        """Someone is using the kiosk: watch for them going away."""
        self.armed = True
        self.restart()

    def disarm(self) -> None:
        self.armed = False
        self.warning_timer.stop()
        self.reset_timer.stop()

    def restart(self) -> None:
        if self.armed:
            self.warning_timer.start()
            self.reset_timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.armed and event.type() in ACTIVITY:
            self.restart()
            self.activity.emit()
        return False


class HiddenCorner(QWidget):
    """An invisible square in a corner: held down for :data:`LONG_PRESS_MS`, it asks for the exit."""

    long_pressed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("kioskCorner")
        self.setFixedSize(72, 72)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(LONG_PRESS_MS)
        self.timer.timeout.connect(self.long_pressed)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.timer.start()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.timer.stop()
        event.accept()


class AttractPage(QWidget):
    """The screen between shoppers: the store's name, what to scan, and the languages."""

    language_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskAttract")
        self.brand = label("", "kioskBrand", wrap=True)
        self.brand.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = label("", "screenTitle", wrap=True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.steps = [label("", "kioskStep", wrap=True) for _ in range(3)]
        self.message = label("", "kioskMessage", wrap=True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setVisible(False)
        self.language_label = label("", "hint")
        self.language_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.language_group = QButtonGroup(self)
        self.language_buttons: dict[str, QAbstractButton] = {}
        languages = QHBoxLayout()
        languages.setSpacing(16)
        languages.addStretch(1)
        for code, name in LANGUAGES:
            button = touch_button(name)
            button.setProperty("role", "kioskLanguage")
            button.setCheckable(True)
            button.setMinimumSize(160, 64)
            button.clicked.connect(lambda _c=False, c=code: self.language_chosen.emit(c))
            self.language_group.addButton(button)
            self.language_buttons[code] = button
            languages.addWidget(button)
        languages.addStretch(1)
        steps = QVBoxLayout()
        steps.setSpacing(16)
        for step in self.steps:
            steps.addWidget(step)
        steps_row = QHBoxLayout()
        steps_row.addStretch(1)
        steps_row.addLayout(steps, 8)
        steps_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 40)
        layout.setSpacing(24)
        layout.addStretch(1)
        layout.addWidget(self.brand)
        layout.addWidget(self.title)
        layout.addSpacing(16)
        layout.addLayout(steps_row)
        layout.addWidget(self.message)
        layout.addStretch(2)
        layout.addWidget(self.language_label)
        layout.addLayout(languages)
        self.retranslate()

    def show_language(self, language: str) -> None:
        """Check ``language``'s button, or none when it is not one of the shoppers' languages."""
        button = self.language_buttons.get(language)
        if button is not None:
            button.setChecked(True)
            return
        self.language_group.setExclusive(False)
        for each in self.language_buttons.values():
            each.setChecked(False)
        self.language_group.setExclusive(True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Welcome! Scan to start"))
        self.steps[0].setText(self.tr("Scan your loyalty card or app code to see your points and offers."))
        self.steps[1].setText(self.tr("Scan a price tag to see sizes, colours and stock nearby."))
        self.steps[2].setText(self.tr("Scan your order's code to collect it or to bring something back."))
        self.language_label.setText(self.tr("Language"))
