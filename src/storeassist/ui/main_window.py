"""The associate's main window for tablets: status strip, navigation, and one screen at a time.

The window knows no screen by name: it is given the features (:mod:`storeassist.features`),
builds their screens, lists those placed in the navigation, and sends each scan to the feature
that takes its kind. It is built and shown first, empty of services; the start-up
(:mod:`storeassist.app`) then gets the device ready and hands its services over with
:meth:`MainWindow.attach_device`, which passes them to every feature. Staff sign-in and the
camera are the window's own pages. Works in landscape (1280×800) and portrait (800×1280): the
navigation is a rail on the left or a bar at the bottom.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

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

from storeassist.ui.background import OpRunner
from storeassist.ui.features import Feature, FeatureScreen, OpenKind, as_widget
from storeassist.ui.formatting import StoreFormat, StorePlace
from storeassist.ui.setup_pages import SetupSteps, StartupPage
from storeassist.ui.status_area import StatusArea, SyncSignals

if TYPE_CHECKING:  # the first frame needs none of these; the workspace imports them when built
    from storeassist.contract import StaffSession
    from storeassist.scanning import ScanRouter
    from storeassist.ui.overlay_pages import CameraPage
    from storeassist.ui.staff_sign_in import SignInPage, StaffSignInAction, StaffState

log = logging.getLogger("storeassist.ui")

#: The feature the status strip's "needs attention" chip opens.
ATTENTION = "attention"


class WindowServices(StorePlace, Protocol):
    """What the window itself needs of the device (each feature states its own needs); the
    store's way of writing times is for the status strip's "Synced 14:05"."""

    @property
    def store_name(self) -> str: ...

    @property
    def sign_in(self) -> StaffSignInAction | None: ...

    @property
    def staff(self) -> StaffState | None: ...


S = TypeVar("S", bound=WindowServices)


class MainWindow(SetupSteps, QMainWindow, Generic[S]):
    """Status strip on top, then start-up, enrollment, or the workspace with its features' screens."""

    #: The workspace is showing and services are attached (used by ``--screenshot`` and tests).
    ready = Signal()
    #: The window waits for a person now: workspace ready, enrollment form, or a start-up problem.
    settled = Signal()
    #: Start-up stopped on a problem the start-up page now explains (the text is that sentence).
    startup_failed = Signal(str)

    def __init__(
        self,
        runner: OpRunner,
        features: Sequence[Feature[S]] = (),
        *,
        training: bool,
        parent: QWidget | None = None,
    ) -> None:
        """``features``: the screens, now; or later with :meth:`install_features` (the app's
        first frame is painted before the screens' modules are even imported)."""
        super().__init__(parent)
        self._runner = runner
        self._features: tuple[Feature[S], ...] = ()
        self._training = training
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
        self.setup_runner = runner
        #: The navigation and the features' screens, once installed.
        self.workspace = QWidget()
        self.workspace.setObjectName("workspace")
        self.feature_screens: dict[str, FeatureScreen[S]] = {}
        self._feature_widgets: dict[str, QWidget] = {}
        self.nav_buttons: dict[QWidget, QPushButton] = {}
        self._home: QWidget | None = None
        self.pages = QStackedWidget()
        for page in (self.startup_page, self.workspace):
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
        if features:
            self.install_features(features)

    def install_features(self, features: Sequence[Feature[S]]) -> None:
        """Build each feature's screen and the navigation, in the order given (once)."""
        from storeassist.ui.overlay_pages import CameraPage
        from storeassist.ui.staff_sign_in import SignInPage

        if self._features:
            raise RuntimeError("the window's features are installed once")
        self._features = tuple(features)
        self.screens = QStackedWidget()
        self.navigation = QWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.nav_layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.navigation)
        self.nav_layout.setContentsMargins(10, 12, 10, 12)
        self.nav_layout.setSpacing(8)
        self.nav_group = QButtonGroup(self)
        for feature in self._features:
            if feature.key in self.feature_screens:
                raise ValueError(f"two features are called {feature.key!r}")
            screen = feature.build(self._runner, self.open)
            widget = as_widget(screen)
            self.feature_screens[feature.key] = screen
            self._feature_widgets[feature.key] = widget
            self.screens.addWidget(widget)
            closed = getattr(widget, "closed", None)
            if feature.placement == "page" and closed is not None:
                closed.connect(self._close_overlay)  # a page's Back
            if feature.placement == "navigation":
                button = QPushButton(feature.label())
                button.setCheckable(True)
                button.clicked.connect(lambda _checked=False, w=widget: self.show_screen(w))
                self.nav_group.addButton(button)
                self.nav_layout.addWidget(button)
                self.nav_buttons[widget] = button
        self._home = next(iter(self.nav_buttons), None)

        self.camera_page: CameraPage = CameraPage()
        self.camera_page.closed.connect(self._close_overlay)
        self.sign_in_page: SignInPage = SignInPage(self._runner)
        self.sign_in_page.closed.connect(self._close_overlay)
        self.sign_in_page.signed_in.connect(self._close_overlay)
        self.sign_in_page.signed_in_as.connect(self.show_scan_message)  # "Signed in: Name, Role."
        self.screens.addWidget(self.camera_page)
        self.screens.addWidget(self.sign_in_page)

        self.nav_layout.addStretch(1)
        self.camera_button = QPushButton(self.tr("Camera"))
        self.camera_button.setAccessibleName(self.tr("Scan with the tablet's camera"))
        self.camera_button.clicked.connect(self._open_camera)
        self.nav_layout.addWidget(self.camera_button)
        if self._home is not None:
            self.nav_buttons[self._home].setChecked(True)

        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.workspace)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(0)
        self.body.addWidget(self.navigation)
        self.body.addWidget(self.screens, 1)
        self._arrange_navigation()

    def attach_device(self, services: S) -> None:
        """The device is ready: give every feature its services and show the workspace.

        With a sign-in action and staff state, badge scans and the status strip sign staff in
        and out, and an idle session ends by itself."""
        for screen in self.feature_screens.values():
            screen.attach(services)
        sign_in, staff = services.sign_in, services.staff
        if sign_in is not None and staff is not None:
            self._staff_state = staff
            self.sign_in_page.attach(sign_in, staff)
            staff.add_listener(self._staff_changed)
            self._staff_changed(staff.current)
            self._idle_timer.start()
        practice = self.tr(" (practice)") if self._training else ""
        self.status_area.set_store_name(services.store_name + practice)
        self.status_area.set_store_format(StoreFormat.of_place(services))
        self.pages.setCurrentWidget(self.workspace)
        if self._home is not None:
            self.show_screen(self._home)
        self.ready.emit()
        self.settled.emit()

    def bind_sync(self, sync: SyncSignals) -> None:
        """The status strip follows the device's sync: online, waiting, last sync, needs attention;
        a device the back office revoked says so, with IT's reason, on whatever is showing."""
        self.status_area.bind(sync)
        revoked = getattr(sync, "device_revoked", None)
        if revoked is not None:
            revoked.connect(self.show_device_revoked)

    def show_device_revoked(self, reason: str) -> None:
        """Sync has stopped for good: the back office revoked this device."""
        text = self.tr(
            "The back office revoked this device, so it no longer syncs. Ask a manager to enroll it again."
        )
        if reason:
            text += " " + self.tr("Reason given: {reason}").format(reason=reason)
        self.status_area.set_sync_problem(text)
        self.show_scan_message(text)

    def enable_practice_scan(self, scan: Callable[[], None]) -> None:
        """Training: a button that stands in for a scanner, so anyone can try the flow."""
        self.practice_scan_button.clicked.connect(scan)
        self.practice_scan_button.setVisible(True)

    # -- screens --------------------------------------------------------------------------

    def feature_widget(self, key: str) -> QWidget:
        """The widget of the feature called ``key`` (``KeyError`` if there is none)."""
        return self._feature_widgets[key]

    def show_screen(self, screen: QWidget) -> None:
        self.screens.setCurrentWidget(screen)
        button = self.nav_buttons.get(screen)
        if button is not None:
            button.setChecked(True)

    def show_attention(self) -> None:
        if ATTENTION in self._feature_widgets:  # (none before the features are installed)
            self._show_overlay(self._feature_widgets[ATTENTION])

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
        if self._features:
            self._show_overlay(self.sign_in_page)

    def _staff_changed(self, session: StaffSession | None) -> None:
        from storeassist.ui.staff_sign_in import staff_chip_text

        self.status_area.set_staff(
            staff_chip_text(session),
            short=staff_chip_text(session, short=True),
            signed_in=session is not None,
        )
        for screen in self.feature_screens.values():
            screen.staff_changed()

    def _check_idle(self) -> None:
        if self._staff_state is not None:
            self._staff_state.expire_if_idle()

    def _open_camera(self) -> None:
        self.camera_page.prepare()
        self._show_overlay(self.camera_page)

    def _close_overlay(self) -> None:
        target = self._screen_before_overlay or self._home
        if target is not None:
            self.show_screen(target)

    # -- scans ----------------------------------------------------------------------------

    def connect_router(self, router: ScanRouter) -> None:
        router.loyalty_scanned.connect(lambda text: self._on_scan("loyalty", text))
        router.order_scanned.connect(lambda text: self._on_scan("order", text))
        router.receipt_scanned.connect(lambda text: self._on_scan("receipt", text))
        router.product_scanned.connect(lambda text: self._on_scan("product", text))
        router.badge_scanned.connect(self._on_badge_scan)
        router.rejected.connect(self.show_scan_message)
        self.camera_page.scanned.connect(router.route)

    def _workspace_ready(self) -> bool:
        if self.pages.currentWidget() is self.workspace:
            return True
        self.show_scan_message(self.tr("The tablet is not ready for scans yet. Finish setting it up first."))
        return False

    def _on_scan(self, kind: OpenKind, text: str) -> None:
        if self._workspace_ready():
            self.open(kind, text)

    def open(self, kind: OpenKind, text: str) -> None:
        """Show the feature that takes ``kind`` and hand it ``text`` (a scan, or a screen's request).

        A screen showing a form that waits for this kind of code (``takes_scan``: a customer's
        loyalty code on the Stock screen's hold form) gets it first, and stays. A code the camera
        read is for the screen the camera was opened over, as a scanner's would be."""
        self._close_camera()
        current = self.screens.currentWidget()
        takes_scan = getattr(current, "takes_scan", None)
        if callable(takes_scan) and takes_scan(kind):
            current.handle_scan(kind, text)  # type: ignore[union-attr]
            return
        for feature in self._features:
            if kind in feature.scans:
                widget = self._feature_widgets[feature.key]
                if feature.placement == "page":
                    self._show_overlay(widget)
                else:
                    self.show_screen(widget)
                self.feature_screens[feature.key].handle_scan(kind, text)
                return
        self.show_scan_message(self.tr("This tablet has no screen for that code yet."))

    def _on_badge_scan(self, badge: str) -> None:
        """A badge signs in, unless the screen showing waits for one (a manager's approval)."""
        if not self._workspace_ready():
            return
        self._close_camera()
        current = self.screens.currentWidget()
        takes_scan = getattr(current, "takes_scan", None)
        if callable(takes_scan) and takes_scan("badge"):
            current.handle_scan("badge", badge)  # type: ignore[union-attr]
            return
        self.show_sign_in()
        self.sign_in_page.sign_in_with_badge(badge)

    def _close_camera(self) -> None:
        """The camera read a code: back to the screen it was opened over, which may be waiting for
        that code (a manager's badge on the Returns approval, an order code on Returns)."""
        if self._features and self.screens.currentWidget() is self.camera_page:
            self._close_overlay()

    def show_scan_message(self, text: str) -> None:
        """A refused or not-yet-supported scan: a calm notice on whatever is showing."""
        page = self.pages.currentWidget()
        if self.showing_enrollment():
            self.enrollment_page.show_message(text)
            return
        if page is self.startup_page:
            self.startup_page.step.setText(text)
            return
        current = self.screens.currentWidget()
        if current is self.camera_page or current is self.sign_in_page:
            current.show_message(text)
            return
        for key, widget in self._feature_widgets.items():
            if widget is current:
                self.feature_screens[key].show_message(text)
                return
        if self._home is not None:
            self.show_screen(self._home)
            self.show_scan_message(text)

    # -- layout ---------------------------------------------------------------------------

    def resizeEvent(self, event: Any) -> None:
        self._arrange_navigation()
        super().resizeEvent(event)

    def _arrange_navigation(self) -> None:
        if not self._features:
            return
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
