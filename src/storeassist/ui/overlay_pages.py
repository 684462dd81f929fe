"""Pages that show over the current screen, with Back to return to it: the commands the back
office refused ("needs attention") and the tablet's camera as a scanner."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QLabel, QListView, QPushButton, QVBoxLayout, QWidget

from storeassist.ui.formatting import format_time
from storeassist.ui.list_models import ListRow, RowListModel


def attention_row(entry: Any) -> ListRow:
    """One refused command (``storeassist.local.OutboxEntry``) as a list row."""
    command = entry.command
    what = {
        "note.add": QCoreApplication.translate("MainWindow", "Note for a customer"),
        "hold.place": QCoreApplication.translate("MainWindow", "Hold for a customer"),
        "pickup.collect": QCoreApplication.translate("MainWindow", "Pickup handed over"),
        "profile.view": QCoreApplication.translate("MainWindow", "Customer profile opened offline (audit)"),
    }.get(command.type, command.type)
    reason = entry.last_error or QCoreApplication.translate("MainWindow", "The back office refused it.")
    return ListRow(f"{what} · {format_time(command.issued_at)}", reason, "warning")


class AttentionPage(QWidget):
    """Commands the back office refused, with its reasons."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(self.tr("Needs attention"))
        title.setProperty("role", "screenTitle")
        explain = QLabel(
            self.tr(
                "The back office refused these actions. Nothing else is held up by them; "
                "sort each one out with the customer or a manager."
            )
        )
        explain.setProperty("role", "hint")
        explain.setWordWrap(True)
        self.model = RowListModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        back = QPushButton(self.tr("Back"))
        back.clicked.connect(self.closed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(explain)
        layout.addWidget(self.view, 1)
        layout.addWidget(back, 0, Qt.AlignmentFlag.AlignLeft)


class CameraPage(QWidget):
    """The tablet's camera as a scanner. The panel (and QtMultimedia) is built on first show."""

    closed = Signal()
    #: The text of a code the camera read; the window connects it to the scan router.
    scanned = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel: QWidget | None = None
        self.notice = QLabel()
        self.notice.setProperty("role", "notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        back = QPushButton(self.tr("Back"))
        back.clicked.connect(self.closed)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(24, 18, 24, 18)
        self._layout.setSpacing(12)
        self._layout.addWidget(self.notice)
        self._layout.addWidget(back, 0, Qt.AlignmentFlag.AlignLeft)

    def show_message(self, text: str) -> None:
        """A code the camera read was refused: say why here, and keep the camera running."""
        self.notice.setText(text)
        self.notice.setVisible(True)

    def hideEvent(self, event: Any) -> None:
        self.notice.setVisible(False)
        super().hideEvent(event)

    def prepare(self) -> None:
        """Build the panel before the page is first shown (QtMultimedia loads only now)."""
        if self.panel is None:
            from storeassist.ui.camera_scanner import CameraScannerPanel

            panel = CameraScannerPanel()
            panel.scanned.connect(self.scanned)
            self._layout.insertWidget(1, panel, 1)
            self.panel = panel
