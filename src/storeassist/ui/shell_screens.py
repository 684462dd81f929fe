"""Returns: an empty shell for now, clearly saying what it will do.

A feature (registered in :mod:`storeassist.features`) that needs no services yet. A scan routed
here is acknowledged with a notice, so the associate knows the scan was read and what will happen
in a later release.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from storeassist.ui.background import OpRunner
from storeassist.ui.features import OpenElsewhere, OpenKind


class ShellScreen(QWidget):
    """A screen that is not built yet: its name, a "later release" marker and its purpose."""

    def __init__(self, title: str, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title)
        self.title.setProperty("role", "screenTitle")
        self.badge = QLabel(QCoreApplication.translate("ShellScreen", "Coming in a later release"))
        self.badge.setProperty("role", "tier")
        self.purpose = QLabel(purpose)
        self.purpose.setProperty("role", "hint")
        self.purpose.setWordWrap(True)
        self.notice = QLabel()
        self.notice.setProperty("role", "notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(14)
        layout.addWidget(self.title)
        layout.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignLeft)  # a pill, not a bar
        layout.addWidget(self.notice)
        layout.addWidget(self.purpose)
        layout.addStretch(1)

    def attach(self, services: object) -> None:
        """A shell uses no services yet."""

    def staff_changed(self) -> None:
        """A shell shows nobody's data."""

    def handle_scan(self, kind: OpenKind, text: str) -> None:
        self.show_message(self._scan_notice(kind, text))

    def _scan_notice(self, kind: OpenKind, text: str) -> str:
        return QCoreApplication.translate(
            "ShellScreen", "That code was read. This screen comes in a later release."
        )

    def show_message(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(True)


def returns_screen(_runner: OpRunner | None = None, _open: OpenElsewhere | None = None) -> ShellScreen:
    return ShellScreen(
        QCoreApplication.translate("ShellScreen", "Returns"),
        QCoreApplication.translate(
            "ShellScreen",
            "Here you will take back items bought in any channel — web, app, marketplace or store: "
            "scan the receipt or order code, see what the return policy allows for each item, and "
            "record the return and refund method.",
        ),
    )
