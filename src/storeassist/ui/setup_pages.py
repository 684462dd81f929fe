"""Pages shown before the associate can work: start-up progress and one-time enrollment.

Both live inside the main window, so the window appears at once and nothing modal or blocking
happens before it does (style.md §8).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from storeassist.ui.background import OpRunner

EnrollAction = Callable[[str, str], Coroutine[Any, Any, Any]]


def _centered_column(page: QWidget) -> QVBoxLayout:
    outer = QVBoxLayout(page)
    outer.setContentsMargins(40, 40, 40, 40)
    outer.addStretch(1)
    column = QVBoxLayout()
    column.setSpacing(16)
    outer.addLayout(column)
    outer.addStretch(2)
    return column


class StartupPage(QWidget):
    """ "Getting ready…" with what is happening and, when known, how far along it is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startupPage")
        self.title = QLabel(self.tr("Getting StoreAssist ready"))
        self.title.setProperty("role", "screenTitle")
        self.step = QLabel()
        self.step.setProperty("role", "hint")
        self.step.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.problem = QLabel()
        self.problem.setProperty("role", "notice")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        column = _centered_column(self)
        for widget in (self.title, self.step, self.progress, self.problem):
            column.addWidget(widget)

    def set_step(self, text: str, fraction: float | None = None) -> None:
        self.step.setText(text)
        if fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 100)
            self.progress.setValue(round(fraction * 100))

    def set_problem(self, text: str) -> None:
        self.progress.setVisible(False)
        self.problem.setText(text)
        self.problem.setVisible(True)


class EnrollmentPage(QWidget):
    """Asks once for the back office address and the one-time code a manager issued."""

    enrolled = Signal()

    def __init__(self, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enrollmentPage")
        self._runner = runner
        self._enroll: EnrollAction | None = None

        title = QLabel(self.tr("Set up this tablet"))
        title.setProperty("role", "screenTitle")
        explain = QLabel(
            self.tr(
                "Enter the one-time code from the back office (Devices → Enroll a tablet). "
                "You only do this once; afterwards the tablet signs in by itself."
            )
        )
        explain.setProperty("role", "hint")
        explain.setWordWrap(True)
        self.hub_url = QLineEdit()
        self.hub_url.setPlaceholderText("https://hub.example.com")
        self.code = QLineEdit()
        self.code.setPlaceholderText("XXXX-XXXX-XXXX")
        self.code.setMaxLength(64)
        self.code.returnPressed.connect(self.submit)
        self.button = QPushButton(self.tr("Enroll this tablet"))
        self.button.setProperty("role", "primary")
        self.button.clicked.connect(self.submit)
        self.message = QLabel()
        self.message.setProperty("role", "notice")
        self.message.setWordWrap(True)
        self.message.setVisible(False)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(14)
        form.addRow(self.tr("Back office address"), self.hub_url)
        form.addRow(self.tr("One-time code"), self.code)

        column = _centered_column(self)
        column.addWidget(title)
        column.addWidget(explain)
        column.addLayout(form)
        column.addWidget(self.message)
        column.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)

    def prepare(self, hub_url: str | None, enroll: EnrollAction) -> None:
        self.hub_url.setText(hub_url or "")
        self._enroll = enroll
        (self.code if hub_url else self.hub_url).setFocus()

    def submit(self) -> None:
        hub_url, code = self.hub_url.text().strip(), self.code.text().strip()
        if not hub_url or not code:
            self.show_message(self.tr("Enter both the back office address and the one-time code."))
            return
        if self._enroll is None or not self.button.isEnabled():
            return
        self.button.setEnabled(False)
        self.message.setVisible(False)
        self._runner.run(self._enroll(hub_url, code), on_success=self._on_done, on_failure=self._on_failed)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(True)

    def _on_done(self, _result: object) -> None:
        self.button.setEnabled(True)
        self.code.clear()
        self.enrolled.emit()

    def _on_failed(self, error: BaseException) -> None:
        self.button.setEnabled(True)
        from storeassist.ui.messages import describe_failure  # not needed for the first frame

        self.show_message(describe_failure(error, doing="enrollment"))


class SetupSteps:
    """What every shell shows while its device gets ready: progress, a start-up problem, or the
    enrollment form. For a window with ``pages`` holding ``startup_page``, its op runner in
    ``setup_runner``, and the ``settled`` and ``startup_failed`` signals (the associate window and
    the kiosk). The enrollment page is made the first time it is needed: an enrolled device
    never shows it, and its first frame is painted sooner without it."""

    pages: QStackedWidget
    startup_page: StartupPage
    setup_runner: OpRunner
    settled: SignalInstance
    startup_failed: SignalInstance
    _enrollment_page: EnrollmentPage | None = None

    @property
    def enrollment_page(self) -> EnrollmentPage:
        if self._enrollment_page is None:
            self._enrollment_page = EnrollmentPage(self.setup_runner)
            self.pages.addWidget(self._enrollment_page)
        return self._enrollment_page

    def showing_enrollment(self) -> bool:
        page = self._enrollment_page
        return page is not None and self.pages.currentWidget() is page

    def show_progress(self, text: str, fraction: float | None = None) -> None:
        self.startup_page.set_step(text, fraction)
        self.pages.setCurrentWidget(self.startup_page)

    def show_startup_problem(self, text: str) -> None:
        self.startup_page.set_problem(text)
        self.pages.setCurrentWidget(self.startup_page)
        self.startup_failed.emit(text)
        self.settled.emit()

    def show_enrollment(self, hub_url: str | None, enroll: EnrollAction) -> None:
        self.enrollment_page.prepare(hub_url, enroll)
        self.pages.setCurrentWidget(self.enrollment_page)
        self.settled.emit()
