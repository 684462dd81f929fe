"""The self-service kiosk shell (``storeassist --kiosk``): started like the associate app, then a
placeholder saying what it will be.

It gets its device through the same start-up as the associate window (progress, enrollment as a
kiosk device, start-up problems); the shopper screens come in a later release. The kiosk will
let shoppers scan their loyalty code or a product and see, without help, their points, their
pickups and where an item is in stock. Personal data is never shown unmasked here.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from storeassist.ui.background import OpRunner
from storeassist.ui.setup_pages import SetupSteps, StartupPage


class KioskServices(Protocol):
    """What the kiosk shell uses of the device so far."""

    @property
    def store_name(self) -> str: ...


class KioskWindow(SetupSteps, QWidget):
    #: Shown and waiting for a person (for ``--screenshot``).
    settled = Signal()
    #: Start-up stopped on a problem the start-up page now explains.
    startup_failed = Signal(str)

    def __init__(self, runner: OpRunner, *, training: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(self.tr("StoreAssist kiosk"))

        banner = QWidget()
        banner.setObjectName("trainingBanner")
        banner.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        banner_text = QLabel(self.tr("TRAINING — practice data only"))
        banner_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        banner_layout = QHBoxLayout(banner)
        banner_layout.setContentsMargins(12, 6, 12, 6)
        banner_layout.addWidget(banner_text)
        banner.setVisible(training)
        title = QLabel(self.tr("Self-service kiosk"))
        title.setProperty("role", "screenTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        coming = QLabel(self.tr("Coming in a later release"))
        coming.setProperty("role", "tier")
        what = QLabel(
            self.tr(
                "Shoppers will scan their loyalty code to see their points and pickups, or scan a "
                "product to find its size and colour in stock here or in a nearby store. Names and "
                "contact details are always shown masked on the kiosk."
            )
        )
        what.setProperty("role", "hint")
        what.setWordWrap(True)
        what.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Stretches either side keep the text to a readable measure; an alignment flag on the
        # layout item would instead give the wrapped label too little height.
        what_row = QHBoxLayout()
        what_row.addStretch(1)
        what_row.addWidget(what, 6)
        what_row.addStretch(1)

        self.store = QLabel()
        self.store.setProperty("role", "hint")
        self.store.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome = QWidget()
        layout = QVBoxLayout(self.welcome)
        layout.setContentsMargins(0, 0, 0, 40)
        layout.setSpacing(24)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(self.store)
        layout.addWidget(coming, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addLayout(what_row)
        layout.addStretch(2)

        self.startup_page = StartupPage()
        self.setup_runner = runner
        self.pages = QStackedWidget()
        for page in (self.startup_page, self.welcome):
            self.pages.addWidget(page)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(banner)
        column.addWidget(self.pages, 1)
        self.show_progress(self.tr("Starting…"))

    def bind_sync(self, sync: object) -> None:
        """The kiosk shows shoppers no sync state (the associates' tablets do)."""

    def attach_device(self, services: KioskServices) -> None:
        self.store.setText(services.store_name)
        self.pages.setCurrentWidget(self.welcome)
        self.settled.emit()
