"""The composition root: read the arguments and settings, build everything, show the right shell.

``storeassist [--demo] [--kiosk] [--data-dir PATH] [--screenshot PNG] [--size WxH]``

The window appears first, built from what its first frame shows (the status strip and "Starting…"):
this module imports the rest — settings, the features' screens, the services — only once that
frame is painted. Everything slow — opening the local databases, reading the keyring, seeding
and starting the training hub, enrolling — then runs as one coroutine on the qasync loop
(:class:`~storeassist.ui.background.OpRunner`), its progress shown inside the window. Nothing
blocks and nothing modal opens before the window is up (style.md §8).

Data folder: ``offline_cache/`` in a source checkout, the platform's user data folder otherwise,
``--data-dir`` always wins.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import logging.handlers
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication, QWidget

from storeassist.settings_file import interface_language, kiosk_mode
from storeassist.shell import Shell, ShellStartup
from storeassist.ui.background import OpRunner
from storeassist.ui.main_window import MainWindow
from storeassist.ui.resources import install_translations, load_theme

if TYPE_CHECKING:  # imported where used, after the first frame (see the module's docstring)
    from keyring.backend import KeyringBackend

    from storeassist.config import Settings
    from storeassist.scanning import ScannerWedge, ScanRouter
    from storeassist.startup import DeviceKind, DeviceServices, DeviceStartup
    from storeassist.ui.features import Feature
    from storeassist.ui.kiosk_window import KioskWindow

log = logging.getLogger("storeassist.app")

#: Give up waiting for "ready" and take the screenshot of whatever shows (e.g. a start-up problem).
SCREENSHOT_DEADLINE_MS = 120_000
#: Start the device this long after the window was shown even if it has not painted yet.
FIRST_PAINT_FALLBACK_MS = 1_000


# -- arguments, data folder, logging ----------------------------------------------------------


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError("size must look like 1280x800") from None
    if not (320 <= width <= 8000 and 320 <= height <= 8000):
        raise argparse.ArgumentTypeError("size must be between 320 and 8000 pixels each way")
    return width, height


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="storeassist", description="StoreAssist store-associate app")
    parser.add_argument("--demo", action="store_true", help="training mode with a practice back office")
    parser.add_argument("--kiosk", action="store_true", help="run the self-service kiosk shell")
    parser.add_argument("--data-dir", type=Path, help="folder for settings, cache and outbox")
    parser.add_argument("--screenshot", type=Path, help="render the window to this PNG when ready, then quit")
    parser.add_argument("--size", type=parse_size, help="window size, e.g. 1280x800 or 800x1280")
    parser.add_argument(
        "--practice-scan", action="store_true", help="training only: scan a practice loyalty card once ready"
    )
    parser.add_argument(
        "--first-frame-exit",
        action="store_true",
        help="print FIRST_FRAME when the window first paints, then quit (start-up benchmark)",
    )
    return parser.parse_args(argv)


def default_data_dir() -> Path:
    """``offline_cache/`` beside ``pyproject.toml`` in a source checkout, else the user data folder."""
    project_root = Path(__file__).resolve().parent.parent.parent
    if not getattr(sys, "frozen", False) and (project_root / "pyproject.toml").is_file():
        return project_root / "offline_cache"
    import platformdirs

    return Path(platformdirs.user_data_dir("StoreAssist", appauthor=False))


def configure_logging(data_dir: Path) -> None:
    """Warnings to stderr, a rotating log file in the data folder for the crash report."""
    root = logging.getLogger("storeassist")
    root.setLevel(logging.INFO)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    console.setFormatter(fmt)
    root.addHandler(console)
    try:
        (data_dir / "logs").mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            data_dir / "logs" / "storeassist.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError as exc:
        root.warning("no log file in %s: %s", data_dir, exc.strerror)
        return
    file_handler.setFormatter(fmt)
    root.addHandler(file_handler)


# -- start-up timing ---------------------------------------------------------------------------


class FirstFrameExit(QObject):
    """``--first-frame-exit``: say so on stdout at the window's first paint, then quit."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            print("FIRST_FRAME", flush=True)
            QTimer.singleShot(0, QCoreApplication.quit)
        return False


# -- screenshots -------------------------------------------------------------------------------


def take_screenshot_when_settled(
    window: QWidget, settled: SignalInstance, path: Path, runner: OpRunner
) -> None:
    """Save ``window`` to ``path`` once ``settled`` fired and no op is running, then quit (a
    kiosk's window, which refuses to close to shoppers, is closed first: nobody attends the run)."""
    taken = False

    def shoot() -> None:
        nonlocal taken
        if taken:
            return
        taken = True
        path.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(path)):
            log.error("could not write the screenshot to %s", path)
        close_unattended = getattr(window, "close_unattended", None)
        if close_unattended is not None:
            close_unattended()
        QCoreApplication.quit()

    def when_idle() -> None:
        if runner.busy:
            runner.busy_changed.connect(lambda busy: busy or QTimer.singleShot(300, shoot))
        else:
            QTimer.singleShot(300, shoot)

    settled.connect(lambda: QTimer.singleShot(100, when_idle))
    QTimer.singleShot(SCREENSHOT_DEADLINE_MS, shoot)


# -- main -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssociateApp:
    """The associate app, put together: what :func:`main`, the tests, the benchmarks and the
    screenshot tool run (each adds only what its process needs: a loop, a scanner, a size)."""

    window: MainWindow[DeviceServices]
    router: ScanRouter
    startup: ShellStartup
    runner: OpRunner


@dataclass(frozen=True)
class KioskApp:
    window: KioskWindow
    router: ScanRouter
    startup: ShellStartup
    runner: OpRunner


def _device(
    settings: Settings,
    data_dir: Path,
    shell: Shell,
    *,
    training: bool,
    kind: DeviceKind = "tablet",
    keyring_backend: KeyringBackend | None,
) -> DeviceStartup:
    def progress(text: str, fraction: float | None) -> None:
        shell.show_progress(QCoreApplication.translate("training", text), fraction)

    from storeassist.startup import DeviceStartup

    return DeviceStartup(
        settings, data_dir, training=training, kind=kind, keyring_backend=keyring_backend, progress=progress
    )


def build_associate_app(
    settings: Settings,
    data_dir: Path,
    *,
    training: bool,
    keyring_backend: KeyringBackend | None = None,
    features: Sequence[Feature[DeviceServices]] | None = None,
    window: MainWindow[DeviceServices] | None = None,
    runner: OpRunner | None = None,
) -> AssociateApp:
    """The associate window with its features, a scan router wired to it, and its start-up
    (not begun: call ``startup.begin()`` once a loop runs). ``window`` (with its ``runner``):
    one already showing, without features yet — the app's first frame."""
    from storeassist.scanning import ScanRouter

    if features is None:
        from storeassist.features import ASSOCIATE_FEATURES

        features = ASSOCIATE_FEATURES
    if (window is None) != (runner is None):
        raise ValueError("give the window together with the op runner it was built with")
    if window is None or runner is None:
        runner = OpRunner()
        window = MainWindow(runner, features, training=training)
    else:
        window.install_features(features)
    router = ScanRouter()
    window.connect_router(router)
    device = _device(settings, data_dir, window, training=training, keyring_backend=keyring_backend)
    return AssociateApp(window, router, ShellStartup(window, runner, device), runner)


def build_kiosk_app(
    settings: Settings,
    data_dir: Path,
    *,
    training: bool,
    keyring_backend: KeyringBackend | None = None,
    features: Sequence[Feature[DeviceServices]] | None = None,
    window: KioskWindow | None = None,
    runner: OpRunner | None = None,
) -> KioskApp:
    """The kiosk on the same start-up and feature registry, enrolled as a kiosk device: its
    features (:data:`~storeassist.features.KIOSK_FEATURES`), a scan router wired to it, frameless
    (the caller shows it full screen, :func:`show_window`), and the settings' idle timing."""
    from storeassist.scanning import ScanRouter

    if features is None:
        from storeassist.features import KIOSK_FEATURES

        features = KIOSK_FEATURES
    if (window is None) != (runner is None):
        raise ValueError("give the window together with the op runner it was built with")
    if window is None or runner is None:
        from storeassist.ui.kiosk_window import KioskWindow

        runner = OpRunner()
        window = KioskWindow(runner, features, training=training)
    else:
        window.install_features(features)
    window.set_idle_timing(settings.kiosk_idle_warning_s * 1000, settings.kiosk_idle_reset_s * 1000)
    router = ScanRouter()
    window.connect_router(router)
    device = _device(
        settings, data_dir, window, training=training, kind="kiosk", keyring_backend=keyring_backend
    )
    return KioskApp(window, router, ShellStartup(window, runner, device), runner)


class AfterFirstPaint(QObject):
    """Calls ``then`` once, as soon as the watched window has painted its first frame — or after
    :data:`FIRST_PAINT_FALLBACK_MS` if it never paints (started minimised, never exposed), so the
    device starts, syncs and takes scans either way."""

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._then: Callable[[], None] | None = then
        self._window = window
        window.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self, self._run)  # after this paint is on screen
        return False

    def _run(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            self._window.removeEventFilter(self)
            then()


@dataclass
class Running:
    """What :func:`main` started after the first frame, to stop at the end."""

    built: AssociateApp | KioskApp | None = None
    wedge: ScannerWedge | None = None


def _after_first_frame(
    qt_app: QApplication,
    window: KioskWindow | MainWindow[DeviceServices],
    runner: OpRunner,
    args: argparse.Namespace,
    data_dir: Path,
    running: Running,
) -> None:
    """The rest of start-up: settings, the features, the scanner, and the device's start-up."""
    from storeassist.config import ConfigError, Settings, load_settings
    from storeassist.scanning import ScannerWedge

    config_problem = None
    try:
        settings = load_settings(data_dir)
    except ConfigError as exc:
        settings, config_problem = Settings(), str(exc)
    built: AssociateApp | KioskApp
    if not isinstance(window, MainWindow):
        built = build_kiosk_app(settings, data_dir, training=args.demo, window=window, runner=runner)
    else:
        built = build_associate_app(settings, data_dir, training=args.demo, window=window, runner=runner)
        if args.demo:
            _offer_practice_scan(built, auto=args.practice_scan)
    running.built = built
    running.wedge = ScannerWedge(settings.scanner)
    running.wedge.install(qt_app)
    running.wedge.scanned.connect(built.router.route)
    if config_problem:
        window.show_startup_problem(config_problem)
    else:
        built.startup.begin()


def _start_after_first_frame(
    qt_app: QApplication,
    window: KioskWindow | MainWindow[DeviceServices],
    runner: OpRunner,
    args: argparse.Namespace,
    data_dir: Path,
    running: Running,
) -> None:
    """:func:`_after_first_frame`, and any failure in it on the start-up page (never a window
    stuck on "Starting…", and ``--screenshot`` then exits non-zero)."""
    try:
        _after_first_frame(qt_app, window, runner, args, data_dir, running)
    except Exception as exc:
        from storeassist.ui.messages import describe_failure

        log.exception("start-up after the first frame failed")
        window.show_startup_problem(describe_failure(exc, doing="start-up"))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    data_dir: Path = (args.data_dir or default_data_dir()).resolve()
    configure_logging(data_dir)

    import qasync

    qt_app = QApplication(sys.argv[:1])
    qt_app.setApplicationName("StoreAssist")
    load_theme(qt_app)
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    language = interface_language(data_dir)
    translator = install_translations(qt_app, language)

    runner = OpRunner()
    window: KioskWindow | MainWindow[DeviceServices]
    kiosk = args.kiosk or kiosk_mode(data_dir)
    if kiosk:
        from storeassist.ui.kiosk_window import KioskWindow

        window = KioskWindow(runner, training=args.demo)
        window.use_translator(translator, language or "en")
    else:
        window = MainWindow(runner, training=args.demo)
    problems: list[str] = []
    window.startup_failed.connect(problems.append)
    running = Running()
    if not args.first_frame_exit:  # that run measures the first frame and quits: nothing to start
        AfterFirstPaint(
            window, lambda: _start_after_first_frame(qt_app, window, runner, args, data_dir, running)
        )

    show_window(window, qt_app, args.size or ((1280, 800) if args.screenshot else None))
    if args.screenshot:
        take_screenshot_when_settled(window, window.settled, args.screenshot, runner)
    first_frame = FirstFrameExit(window) if args.first_frame_exit else None
    if first_frame is not None:
        window.installEventFilter(first_frame)

    with loop:
        loop.run_forever()
        if running.built is not None:
            loop.run_until_complete(running.built.startup.aclose())
    if running.wedge is not None:
        running.wedge.uninstall(qt_app)
    if args.screenshot and problems:
        # An unattended run (a build check, CI) must not read a start-up problem as success.
        print(f"StoreAssist did not start: {problems[-1]}", file=sys.stderr)
        return 1
    return 0


def show_window(window: QWidget, app: QApplication, size: tuple[int, int] | None) -> None:
    """At ``size``, or filling the screen. Without a window manager (a kiosk or a store image
    started straight into X), "maximised" means nothing, so the window is given the screen's
    whole area first and then asks to be maximised where a manager can do it."""
    if size is not None:
        window.resize(*size)
        window.show()
        return
    screen = app.primaryScreen()
    if window.objectName() == "kioskWindow":  # the kiosk: the whole screen, nothing else
        if screen is not None:
            window.setGeometry(screen.geometry())
        window.showFullScreen()
        return
    if screen is not None:
        window.setGeometry(screen.availableGeometry())
    window.showMaximized()


def _offer_practice_scan(built: AssociateApp, *, auto: bool) -> None:
    """Training without a scanner: a button that "scans" a practice loyalty card."""
    window = built.window

    def scan() -> None:
        built.runner.run(
            built.startup.practice_loyalty_code(),
            on_success=built.router.route,
            on_failure=lambda error: window.show_scan_message(_practice_failed(error)),
        )

    window.enable_practice_scan(scan)
    if auto:
        window.ready.connect(scan)


def _practice_failed(error: BaseException) -> str:
    from storeassist.ui.messages import describe_failure

    return describe_failure(error, doing="practice scan")


if __name__ == "__main__":
    sys.exit(main())
