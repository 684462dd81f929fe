"""The self-service kiosk (``storeassist --kiosk``): full screen, no window chrome, an attract
screen in the store's brand, and the kiosk's features (:data:`storeassist.features.KIOSK_FEATURES`)
opened by what a shopper scans.

It starts like the associate window (progress, enrollment as a kiosk device, start-up problems).
Then: a loyalty code opens the shopper's greeting, a product its price and stock, an order's code
self-pickup (or a return), a receipt a return. The kiosk forgets the shopper after each finished
flow and after a while without a touch (a warning first; ``kiosk_attract.IdleWatch``), and closes
only for a manager of this store (:class:`~storeassist.ui.kiosk_exit.KioskExitPage`), opened by a
long press on the top-right corner or Ctrl+Alt+Shift+K.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTranslator, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from storeassist.domain.kiosk import IDLE_RESET_S, IDLE_WARNING_S
from storeassist.ui.background import OpRunner
from storeassist.ui.features import Feature, FeatureScreen, OpenKind, as_widget
from storeassist.ui.kiosk_attract import AttractPage, HiddenCorner, IdleWatch
from storeassist.ui.setup_pages import SetupSteps, StartupPage
from storeassist.ui.widgets import label, touch_button

log = logging.getLogger("storeassist.kiosk")

#: The key combination that opens the manager's exit.
EXIT_KEYS = "Ctrl+Alt+Shift+K"


class KioskServices(Protocol):
    """What the kiosk window uses of the device (each screen states its own needs)."""

    @property
    def store_name(self) -> str: ...


class KioskWindow(SetupSteps, QWidget):
    #: Shown and waiting for a person (for ``--screenshot``).
    settled = Signal()
    #: Start-up stopped on a problem the start-up page now explains.
    startup_failed = Signal(str)
    #: The idle warning is showing.
    idle_warned = Signal()
    #: The kiosk forgot its shopper and shows the attract screen again.
    reset_done = Signal()
    #: The interface language changed (its Qt locale name).
    language_changed = Signal(str)

    def __init__(
        self,
        runner: OpRunner,
        features: Sequence[Feature[Any]] = (),
        *,
        training: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kioskWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        # No title bar, no frame: nothing to drag, minimise or close.
        self.setWindowFlags(Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self._runner = runner
        self._training = training
        self._may_close = False
        self._services: Any = None
        self._features: tuple[Feature[Any], ...] = ()
        self.feature_screens: dict[str, FeatureScreen[Any]] = {}
        self._feature_widgets: dict[str, QWidget] = {}
        self._translator: QTranslator | None = None
        #: Loads and installs the translation for a language; returns it (None: source strings).
        self.load_translation: Callable[[str], QTranslator | None] = _install_translation
        self.language = "en"
        #: The store's language, the one the kiosk started in: each reset goes back to it.
        self.default_language = "en"
        self._default_translator: QTranslator | None = None
        #: The back office revoked this kiosk: out of service for good (until it is set up again).
        self.revoked = False

        self.banner = QWidget()
        self.banner.setObjectName("trainingBanner")
        self.banner.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.banner_text = QLabel()
        self.banner_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(12, 6, 12, 6)
        banner_layout.addWidget(self.banner_text)
        self.banner.setVisible(training)

        # The bar over a shopper's screen: the store, and a way back to the start.
        self.top_bar = QWidget()
        self.top_bar.setObjectName("kioskTopBar")
        self.top_bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.store = label("", "kioskStore")
        self.start_over = touch_button("")
        self.start_over.setObjectName("kioskStartOver")
        self.start_over.clicked.connect(self.reset)
        bar = QHBoxLayout(self.top_bar)
        bar.setContentsMargins(24, 8, 96, 8)
        bar.addWidget(self.store, 1)
        bar.addWidget(self.start_over)
        self.top_bar.setVisible(False)

        self.idle_warning = label("", "kioskIdle", wrap=True)
        self.idle_warning.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.idle_warning.setVisible(False)

        self.attract = AttractPage()
        self.attract.language_chosen.connect(self.switch_language)
        self.welcome = self.attract  # the start-up's "ready" page
        self.startup_page = StartupPage()
        self.setup_runner = runner
        self.screens = QStackedWidget()
        self.screens.setObjectName("kioskScreens")
        from storeassist.ui.kiosk_exit import KioskExitPage

        self.exit_page = KioskExitPage(runner)
        self.exit_page.cancelled.connect(self.reset)
        self.exit_page.exit_allowed.connect(self.leave_kiosk_mode)
        self.screens.addWidget(self.exit_page)
        self.pages = QStackedWidget()
        for page in (self.startup_page, self.attract, self.screens):
            self.pages.addWidget(page)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.top_bar)
        column.addWidget(self.pages, 1)
        column.addWidget(self.idle_warning)

        self.idle = IdleWatch(IDLE_WARNING_S * 1000, IDLE_RESET_S * 1000, self)
        self.idle.warn.connect(self._warn_idle)
        self.idle.reset.connect(self.reset)
        self.idle.activity.connect(lambda: self.idle_warning.setVisible(False))
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        self.corner = HiddenCorner(self)
        self.corner.long_pressed.connect(self.show_exit)
        self.exit_shortcut = QShortcut(QKeySequence(EXIT_KEYS), self)
        self.exit_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.exit_shortcut.activated.connect(self.show_exit)
        self.retranslate()
        self.show_progress(self.tr("Starting…"))
        if features:
            self.install_features(features)

    # -- features and scans ---------------------------------------------------------------

    def install_features(self, features: Sequence[Feature[Any]]) -> None:
        if self._features:
            raise RuntimeError("the kiosk's features are installed once")
        self._features = tuple(features)
        for feature in self._features:
            if feature.key in self.feature_screens:
                raise ValueError(f"two features are called {feature.key!r}")
            screen = feature.build(self._runner, self.open)
            widget = as_widget(screen)
            self.feature_screens[feature.key] = screen
            self._feature_widgets[feature.key] = widget
            self.screens.addWidget(widget)
            finished = getattr(widget, "finished", None)
            if finished is not None:
                finished.connect(self.reset)
        if self._services is not None:
            for screen in self.feature_screens.values():
                screen.attach(self._services)

    def connect_router(self, router: Any) -> None:
        """Scans: a loyalty code, a product, an order's code, a receipt, a manager's badge."""
        router.loyalty_scanned.connect(lambda text: self.open("loyalty", text))
        router.product_scanned.connect(lambda text: self.open("product", text))
        router.order_scanned.connect(lambda text: self.open("order", text))
        router.receipt_scanned.connect(lambda text: self.open("receipt", text))
        router.badge_scanned.connect(self._badge_scanned)
        router.rejected.connect(self.show_scan_message)

    def _ready(self) -> bool:
        return self._services is not None and self.pages.currentWidget() is not self.startup_page

    def open(self, kind: OpenKind, text: str) -> None:
        """Show the feature that takes ``kind`` and hand it the code (not once revoked)."""
        if self.revoked or not self._ready() or self.showing_exit():
            return
        for feature in self._features:
            if kind in feature.scans:
                widget = self._feature_widgets[feature.key]
                current = self.screens.currentWidget()
                if (
                    current is not None
                    and current is not widget
                    and self.pages.currentWidget() is self.screens
                ):
                    self._forget_screen(current)
                self.screens.setCurrentWidget(widget)
                self.pages.setCurrentWidget(self.screens)
                self.top_bar.setVisible(True)
                self.idle_warning.setVisible(False)
                self.idle.arm()
                self.feature_screens[feature.key].handle_scan(kind, text)
                return
        self.show_scan_message(self.tr("This kiosk cannot read that code. Please ask an associate."))

    def _badge_scanned(self, badge: str) -> None:
        if not self._ready():
            return
        self.show_exit()
        self.exit_page.take_badge(badge)

    def show_scan_message(self, text: str) -> None:
        if self.revoked:
            return  # the welcome screen keeps saying it is out of service
        if self.pages.currentWidget() is self.screens:
            current = self.screens.currentWidget()
            for key, widget in self._feature_widgets.items():
                if widget is current:
                    self.feature_screens[key].show_message(text)
                    return
        if self.pages.currentWidget() is self.attract:
            self.attract.message.setText(text)
            self.attract.message.setVisible(bool(text))

    # -- forgetting the shopper -----------------------------------------------------------

    def _forget_screen(self, widget: QWidget) -> None:
        for key, each in self._feature_widgets.items():
            if each is widget:
                forget = getattr(self.feature_screens[key], "forget", None)
                if callable(forget):
                    forget()

    def reset(self) -> None:
        """Forget the shopper everywhere, and show the attract screen."""
        self.idle.disarm()
        for key in self._feature_widgets:
            forget = getattr(self.feature_screens[key], "forget", None)
            if callable(forget):
                forget()
        desk = getattr(self._services, "kiosk", None) if self._services is not None else None
        if desk is not None:
            desk.forget()
        self._back_to_default_language()
        self.exit_page.reset()
        self.idle_warning.setVisible(False)
        self.attract.message.clear()
        self.attract.message.setVisible(False)
        self.top_bar.setVisible(False)
        if self._services is not None or self.revoked:
            self.pages.setCurrentWidget(self.attract)
        if self.revoked:
            self._say_out_of_service()
        self.reset_done.emit()

    def _warn_idle(self) -> None:
        self.idle_warning.setVisible(True)
        self.idle_warned.emit()

    def set_idle_timing(self, warning_ms: int, reset_ms: int) -> None:
        self.idle.set_timing(warning_ms, reset_ms)

    # -- leaving kiosk mode ---------------------------------------------------------------

    def showing_exit(self) -> bool:
        return self.pages.currentWidget() is self.screens and self.screens.currentWidget() is self.exit_page

    def show_exit(self) -> None:
        if not self._ready():
            return
        self.reset()
        self.exit_page.desk = getattr(self._services, "kiosk", None)
        self.screens.setCurrentWidget(self.exit_page)
        self.pages.setCurrentWidget(self.screens)
        self.top_bar.setVisible(False)
        self.idle.arm()

    def leave_kiosk_mode(self) -> None:
        """A manager was accepted: close for real."""
        log.info("kiosk mode left by a manager")
        self._may_close = True
        self.close()
        QCoreApplication.quit()

    def close_unattended(self) -> None:
        """Close without a manager, for a run nobody attends (``--screenshot``, a build check),
        and stop watching the application."""
        self._may_close = True
        self.close()

    def leave_kiosk_mode_for_tests(self) -> None:
        """Close without a manager (a test's teardown)."""
        self.close_unattended()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._may_close:
            self.idle.disarm()
            app = QCoreApplication.instance()
            if app is not None:
                app.removeEventFilter(self.idle)
            event.accept()
            return
        event.ignore()  # Alt+F4, a window manager's close: only a manager leaves kiosk mode

    def keyPressEvent(self, event: Any) -> None:
        event.accept()  # Escape and the like lead nowhere

    # -- language ---------------------------------------------------------------------------

    def use_translator(self, translator: QTranslator | None, language: str) -> None:
        """The translation the app installed at start-up (the store's language): replaced when a
        shopper picks another, installed again at every reset."""
        self._translator = self._default_translator = translator
        self.language = self.default_language = language
        self.attract.show_language(language)

    def switch_language(self, language: str) -> None:
        """Install ``language``'s translation now; every kiosk widget words itself again."""
        self._remove_translator()
        self._translator = self.load_translation(language)
        self._language_is(language)

    def _back_to_default_language(self) -> None:
        """The next shopper starts in the store's language (the start-up's translation again)."""
        if self.language == self.default_language and self._translator is self._default_translator:
            return
        self._remove_translator()
        app = QCoreApplication.instance()
        if app is not None and self._default_translator is not None:
            app.installTranslator(self._default_translator)
        self._translator = self._default_translator
        self._language_is(self.default_language)

    def _remove_translator(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and self._translator is not None:
            app.removeTranslator(self._translator)
            if self._translator is not self._default_translator:  # kept for the next reset
                self._translator.deleteLater()
        self._translator = None

    def _language_is(self, language: str) -> None:
        self.language = language
        self.attract.show_language(language)
        self.language_changed.emit(language)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("StoreAssist kiosk"))
        self.banner_text.setText(self.tr("TRAINING — practice data only"))
        self.start_over.setText(self.tr("Start over"))
        self.idle_warning.setText(
            self.tr("Are you still there? The kiosk starts over soon. Touch the screen to carry on.")
        )
        if self.revoked:
            self._say_out_of_service()

    # -- the device -----------------------------------------------------------------------

    def bind_sync(self, sync: object) -> None:
        """The kiosk shows shoppers no sync state (the associates' tablets do), except that it is
        out of service once the back office revoked it (IT's reason is not for shoppers)."""
        revoked = getattr(sync, "device_revoked", None)
        if revoked is not None:
            revoked.connect(self.show_out_of_service)

    def show_out_of_service(self, _reason: str = "") -> None:
        """Revoked: the shopper is forgotten and the welcome screen says so, for good. Scans are
        ignored from now on (no request, no screen) and every reset says it again; only the
        manager's exit is left."""
        self.revoked = True
        self.reset()

    def _say_out_of_service(self) -> None:
        self.attract.message.setText(self.tr("This kiosk is out of service. Please ask an associate."))
        self.attract.message.setVisible(True)

    def attach_device(self, services: KioskServices) -> None:
        self._services = services
        self.store.setText(services.store_name)
        self.attract.brand.setText(services.store_name)
        desk = getattr(services, "kiosk", None)
        warning_s = getattr(desk, "idle_warning_s", None)
        reset_s = getattr(desk, "idle_reset_s", None)
        if isinstance(warning_s, int | float) and isinstance(reset_s, int | float):
            self.set_idle_timing(int(warning_s * 1000), int(reset_s * 1000))
        for screen in self.feature_screens.values():
            screen.attach(services)
        self.pages.setCurrentWidget(self.attract)
        self.settled.emit()

    def resizeEvent(self, event: Any) -> None:
        self.corner.move(self.width() - self.corner.width(), 0)
        self.corner.raise_()
        super().resizeEvent(event)


def _install_translation(language: str) -> QTranslator | None:
    from storeassist.ui.resources import install_translations

    app = QCoreApplication.instance()
    if app is None:
        return None
    return install_translations(app, language)
