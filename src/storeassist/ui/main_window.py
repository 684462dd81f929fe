"""The associate's main window for tablets: status strip, navigation, and one screen at a time.

The window is built and shown first, empty of services; :mod:`storeassist.app` then gets the
device ready (training set-up or enrollment) and hands the services over with
:meth:`MainWindow.attach_services`. Scans arrive through a :class:`~storeassist.scanning.ScanRouter`
and open the screen their kind belongs to. Works in landscape (1280×800) and portrait (800×1280):
the navigation is a rail on the left or a bar at the bottom.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from storeassist.contract import StaffSession
from storeassist.scanning import ScanRouter
from storeassist.ui.background import OpRunner
from storeassist.ui.customer_screen import CustomerIdentifier, CustomerScreen
from storeassist.ui.list_models import ListRow
from storeassist.ui.overlay_pages import AttentionPage, CameraPage, attention_row
from storeassist.ui.setup_pages import EnrollAction, EnrollmentPage, StartupPage
from storeassist.ui.shell_screens import ShellScreen, pickups_screen, returns_screen, stock_screen
from storeassist.ui.staff_sign_in import SignInPage, StaffSignInAction, StaffState, staff_chip_text
from storeassist.ui.status_area import StatusArea, SyncSignals

log = logging.getLogger("storeassist.ui")


class AttentionSource(SyncSignals, Protocol):
    def needs_attention(self) -> list[Any]: ...


class MainWindow(QMainWindow):
    """Status strip on top, then start-up, enrollment, or the workspace with its screens."""

    #: The workspace is showing and services are attached (used by ``--screenshot`` and tests).
    ready = Signal()
    #: The window waits for a person now: workspace ready, enrollment form, or a start-up problem.
    settled = Signal()
    #: Start-up stopped on a problem the start-up page now explains (the text is that sentence).
    startup_failed = Signal(str)

    def __init__(self, runner: OpRunner, *, training: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._attention_source: AttentionSource | None = None
        self._screen_before_overlay: QWidget | None = None
        self._staff_state: StaffState | None = None
        # Idle sign-out is checked twice a minute; activity itself is noted by the app.
        self._idle_timer = QTimer(self)
        self._idle_timer.setInterval(30_000)
        self._idle_timer.timeout.connect(self._check_idle)
        self.setWindowTitle(self.tr("StoreAssist — training") if training else self.tr("StoreAssist"))

        self.training_banner = QLabel(
            self.tr("TRAINING — practice store with made-up customers. Nothing you do here is real.")
        )
        self.training_banner.setWordWrap(True)
        self.training_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.practice_scan_button = QPushButton(self.tr("Scan a practice card"))
        self.practice_scan_button.setObjectName("practiceScanButton")
        self.practice_scan_button.setVisible(False)
        self.training_bar = QWidget()
        self.training_bar.setObjectName("trainingBanner")
        self.training_bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        bar_layout = QHBoxLayout(self.training_bar)
        bar_layout.setContentsMargins(12, 4, 12, 4)
        bar_layout.addWidget(self.training_banner, 1)
        bar_layout.addWidget(self.practice_scan_button)
        self.training_bar.setVisible(training)
        self.status_area = StatusArea()
        self.status_area.attention_requested.connect(self.show_attention)
        self.status_area.staff_requested.connect(self.show_sign_in)
        runner.busy_changed.connect(self.status_area.set_busy)

        self.startup_page = StartupPage()
        self.enrollment_page = EnrollmentPage(runner)
        self.workspace = self._build_workspace()
        self.pages = QStackedWidget()
        for page in (self.startup_page, self.enrollment_page, self.workspace):
            self.pages.addWidget(page)

        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.training_bar)
        column.addWidget(self.status_area)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.show_progress(self.tr("Starting…"))

    def _build_workspace(self) -> QWidget:
        self.customer_screen = CustomerScreen(self._runner)
        self.customer_screen.pickup_requested.connect(self._on_pickup_requested)
        self.pickups_screen = pickups_screen()
        self.returns_screen = returns_screen()
        self.stock_screen = stock_screen()
        self.attention_page = AttentionPage()
        self.attention_page.closed.connect(self._close_overlay)
        self.camera_page = CameraPage()
        self.camera_page.closed.connect(self._close_overlay)
        self.sign_in_page = SignInPage(self._runner)
        self.sign_in_page.closed.connect(self._close_overlay)
        self.sign_in_page.signed_in.connect(self._close_overlay)
        self.sign_in_page.signed_in_as.connect(self.show_scan_message)  # "Signed in: Name, Role."
        self.screens = QStackedWidget()
        for screen in (self.customer_screen, self.pickups_screen, self.returns_screen, self.stock_screen):
            self.screens.addWidget(screen)
        self.screens.addWidget(self.attention_page)
        self.screens.addWidget(self.camera_page)
        self.screens.addWidget(self.sign_in_page)

        self.navigation = QWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.nav_layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.navigation)
        self.nav_layout.setContentsMargins(10, 12, 10, 12)
        self.nav_layout.setSpacing(8)
        self.nav_group = QButtonGroup(self)
        self.nav_buttons: dict[QWidget, QPushButton] = {}
        for screen, label in (
            (self.customer_screen, self.tr("Customer")),
            (self.pickups_screen, self.tr("Pickups")),
            (self.returns_screen, self.tr("Returns")),
            (self.stock_screen, self.tr("Stock")),
        ):
            button = QPushButton(label)
            button.setCheckable(True)
            button.clicked.connect(lambda _checked=False, s=screen: self.show_screen(s))
            self.nav_group.addButton(button)
            self.nav_layout.addWidget(button)
            self.nav_buttons[screen] = button
        self.nav_layout.addStretch(1)
        self.camera_button = QPushButton(self.tr("Camera"))
        self.camera_button.setAccessibleName(self.tr("Scan with the tablet's camera"))
        self.camera_button.clicked.connect(self._open_camera)
        self.nav_layout.addWidget(self.camera_button)
        self.nav_buttons[self.customer_screen].setChecked(True)

        workspace = QWidget()
        workspace.setObjectName("workspace")
        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight, workspace)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(0)
        self.body.addWidget(self.navigation)
        self.body.addWidget(self.screens, 1)
        return workspace

    # -- pages ----------------------------------------------------------------------------

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

    def attach_services(
        self,
        *,
        identifier: CustomerIdentifier,
        sync: AttentionSource | None,
        store_id: int,
        store_name: str,
        staff_sign_in: StaffSignInAction | None = None,
        staff_state: StaffState | None = None,
        **customer_services: Any,
    ) -> None:
        """The device is ready: connect the screens to their services and show the workspace.

        ``customer_services`` go to :meth:`CustomerScreen.attach` (notes, suggestions, access…).
        With ``staff_sign_in`` and ``staff_state``, badge scans and the status strip sign staff
        in and out, and an idle session ends by itself.
        """
        self.customer_screen.attach(identifier, store_id, **customer_services)
        self.customer_screen.set_store_names({store_id: store_name})
        if staff_sign_in is not None and staff_state is not None:
            self._staff_state = staff_state
            self.sign_in_page.attach(staff_sign_in, staff_state)
            staff_state.add_listener(self._staff_changed)
            self._staff_changed(staff_state.current)
            self._idle_timer.start()
        self.status_area.set_store_name(store_name)
        if sync is not None:
            self._attention_source = sync
            self.status_area.bind(sync)
        self.pages.setCurrentWidget(self.workspace)
        self.show_screen(self.customer_screen)
        self.ready.emit()
        self.settled.emit()

    def enable_practice_scan(self, scan: Callable[[], None]) -> None:
        """Training: a button that stands in for a scanner, so anyone can try the flow."""
        self.practice_scan_button.clicked.connect(scan)
        self.practice_scan_button.setVisible(True)
        self.customer_screen.hint.setText(
            self.tr(
                "Or scan the customer's loyalty card or the code in their app — or tap "
                "“Scan a practice card” above to try it without a scanner."
            )
        )

    # -- screens --------------------------------------------------------------------------

    def show_screen(self, screen: QWidget) -> None:
        self.screens.setCurrentWidget(screen)
        button = self.nav_buttons.get(screen)
        if button is not None:
            button.setChecked(True)

    def show_attention(self) -> None:
        rows = []
        if self._attention_source is not None:
            rows = [attention_row(entry) for entry in self._attention_source.needs_attention()]
        if not rows:
            rows = [ListRow(self.tr("Nothing needs attention."))]
        self.attention_page.model.set_rows(rows)
        self._show_overlay(self.attention_page)

    def _show_overlay(self, page: QWidget) -> None:
        """A page over the current screen (needs attention, camera); Back returns to the screen."""
        if self.pages.currentWidget() is not self.workspace:
            return
        current = self.screens.currentWidget()
        if current in self.nav_buttons:
            self._screen_before_overlay = current
        self.screens.setCurrentWidget(page)
        # No navigation entry is "current" while the page shows.
        self.nav_group.setExclusive(False)
        for button in self.nav_buttons.values():
            button.setChecked(False)
        self.nav_group.setExclusive(True)

    def show_sign_in(self) -> None:
        self._show_overlay(self.sign_in_page)

    def _staff_changed(self, session: StaffSession | None) -> None:
        self.status_area.set_staff(
            staff_chip_text(session),
            short=staff_chip_text(session, short=True),
            signed_in=session is not None,
        )
        self.customer_screen.staff_changed()

    def _check_idle(self) -> None:
        if self._staff_state is not None:
            self._staff_state.expire_if_idle()

    def _open_camera(self) -> None:
        self.camera_page.prepare()
        self._show_overlay(self.camera_page)

    def _close_overlay(self) -> None:
        self.show_screen(self._screen_before_overlay or self.customer_screen)

    # -- scans ----------------------------------------------------------------------------

    def connect_router(self, router: ScanRouter) -> None:
        router.loyalty_scanned.connect(self._on_loyalty_scan)
        router.order_scanned.connect(self._on_order_scan)
        router.product_scanned.connect(self._on_product_scan)
        router.badge_scanned.connect(self._on_badge_scan)
        router.rejected.connect(self.show_scan_message)
        self.camera_page.scanned.connect(router.route)

    def _workspace_ready(self) -> bool:
        if self.pages.currentWidget() is self.workspace:
            return True
        self.show_scan_message(self.tr("The tablet is not ready for scans yet. Finish setting it up first."))
        return False

    def _on_loyalty_scan(self, token: str) -> None:
        if self._workspace_ready():
            self.show_screen(self.customer_screen)
            self.customer_screen.identify(token)

    def _on_order_scan(self, _token: str) -> None:
        if self._workspace_ready():
            self.show_screen(self.pickups_screen)
            self.pickups_screen.show_message(
                self.tr(
                    "Order code read. Opening orders from a scan comes with the Pickups screen "
                    "in a later release."
                )
            )

    def _on_pickup_requested(self, number: str) -> None:
        self.show_screen(self.pickups_screen)
        self.pickups_screen.show_message(
            self.tr(
                "Pickup order #{number}: handing over from this screen comes with the Pickups "
                "screen in a later release. Until then, use the back-office pickup process."
            ).format(number=number)
        )

    def _on_product_scan(self, gtin: str) -> None:
        if self._workspace_ready():
            self.show_screen(self.stock_screen)
            self.stock_screen.show_message(
                self.tr(
                    "Product {gtin} read. Stock lookup comes with the Stock screen in a later release."
                ).format(gtin=gtin)
            )

    def _on_badge_scan(self, badge: str) -> None:
        if self._workspace_ready():
            self.show_sign_in()
            self.sign_in_page.sign_in_with_badge(badge)

    def show_scan_message(self, text: str) -> None:
        """A refused or not-yet-supported scan: a calm notice on whatever is showing."""
        page = self.pages.currentWidget()
        if page is self.enrollment_page:
            self.enrollment_page.show_message(text)
            return
        if page is self.startup_page:
            self.startup_page.step.setText(text)
            return
        screen = self.screens.currentWidget()
        if isinstance(screen, CustomerScreen | ShellScreen | CameraPage | SignInPage):
            screen.show_message(text)
        else:
            self.show_screen(self.customer_screen)
            self.customer_screen.show_message(text)

    # -- layout ---------------------------------------------------------------------------

    def resizeEvent(self, event: Any) -> None:
        portrait = self.height() > self.width()
        # Portrait: the navigation becomes a bar under the screens, reachable by thumb.
        self.body.setDirection(
            QBoxLayout.Direction.BottomToTop if portrait else QBoxLayout.Direction.LeftToRight
        )
        self.nav_layout.setDirection(
            QBoxLayout.Direction.LeftToRight if portrait else QBoxLayout.Direction.TopToBottom
        )
        # A bar shares its width out equally; a rail keeps its buttons at the top.
        for index in range(self.nav_layout.count()):
            item = self.nav_layout.itemAt(index)
            is_button = item is not None and item.widget() is not None
            self.nav_layout.setStretch(
                index, (1 if is_button else 0) if portrait else (0 if is_button else 1)
            )
        self.navigation.setProperty("orientation", "horizontal" if portrait else "vertical")
        self.navigation.style().unpolish(self.navigation)
        self.navigation.style().polish(self.navigation)
        for button in self.nav_buttons.values():
            button.style().unpolish(button)
            button.style().polish(button)
        super().resizeEvent(event)
