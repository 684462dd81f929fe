"""The self-service kiosk shell (``storeassist --kiosk``): a placeholder saying what it will be.

The kiosk will let shoppers scan their loyalty code or a product and see, without help, their
points, their pickups and where an item is in stock. Personal data is never shown unmasked here
(architecture.md, "Trust").
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget


class KioskWindow(QWidget):
    #: Shown and waiting for a person (for ``--screenshot``).
    settled = Signal()

    def __init__(self, *, training: bool, parent: QWidget | None = None) -> None:
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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 40)
        layout.setSpacing(24)
        layout.addWidget(banner)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(coming, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addLayout(what_row)
        layout.addStretch(2)
