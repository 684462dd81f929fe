"""The composition root: read the arguments and settings, build everything, show the right shell.

``storeassist [--demo] [--kiosk] [--data-dir PATH] [--screenshot PNG] [--size WxH]``

The window appears first. Everything slow — opening the local databases, reading the keyring,
seeding and starting the training hub, enrolling — then runs as one coroutine on the qasync loop
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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from storeassist.config import (
    ConfigError,
    DeviceRecord,
    Settings,
    load_device_record,
    load_settings,
    save_device_record,
)
from storeassist.scanning import ScannerWedge, ScanRouter
from storeassist.ui.background import OpRunner
from storeassist.ui.kiosk_window import KioskWindow
from storeassist.ui.main_window import MainWindow
from storeassist.ui.messages import describe_failure
from storeassist.ui.resources import install_translations, load_theme

if TYPE_CHECKING:
    from storeassist.client import HubClient
    from storeassist.contract import StaffSession
    from storeassist.sync import SyncEngine

log = logging.getLogger("storeassist.app")

#: Give up waiting for "ready" and take the screenshot of whatever shows (e.g. a start-up problem).
SCREENSHOT_DEADLINE_MS = 120_000


def _tr(text: str) -> str:
    return QCoreApplication.translate("app", text)


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


# -- the associate app's start-up ------------------------------------------------------------


@dataclass
class DeviceServices:
    """What a ready device runs on; closed in reverse at shutdown."""

    client: Any
    cache: Any
    outbox: Any
    sync: Any
    identify: Any

    async def aclose(self) -> None:
        await self.sync.aclose()
        await self.client.aclose()
        self.cache.close()
        self.outbox.close()


class AssociateStartup(QObject):
    """Gets the device from "window just shown" to "ready for scans", reporting progress in the window.

    ``keyring_backend`` is for tests (an in-memory keyring); the app uses the OS keyring.
    """

    def __init__(
        self,
        window: MainWindow,
        runner: OpRunner,
        settings: Settings,
        data_dir: Path,
        *,
        training: bool,
        keyring_backend: Any = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._runner = runner
        self._settings = settings
        self._data_dir = data_dir
        self._training = training
        self._keyring_backend = keyring_backend
        self.training_hub: Any = None
        self.services: DeviceServices | None = None
        self.staff: Any = None  # who is signed in (StaffSessionState), once the device is ready
        self._activity: ActivityWatcher | None = None
        #: Set once training mode's practice sign-in has finished (either way).
        self._practice_ready = asyncio.Event()
        self._credentials: Any = None
        self._cache: Any = None
        self._outbox: Any = None

    @property
    def device_dir(self) -> Path:
        from storeassist.training import training_dir

        return training_dir(self._data_dir) if self._training else self._data_dir

    def begin(self) -> None:
        self._runner.run(self._prepare(), on_success=self._on_prepared, on_failure=self._on_failed)

    def _progress(self, text: str, fraction: float | None) -> None:
        self._window.show_progress(QCoreApplication.translate("training", text), fraction)

    async def _prepare(self) -> DeviceRecord | None:
        if self._training:
            from storeassist.training import start_training_hub

            self.training_hub = await start_training_hub(self._data_dir, self._progress)
        self._progress("Opening this tablet's records…", 0.9)
        await asyncio.to_thread(self._open_local)
        record = await asyncio.to_thread(load_device_record, self.device_dir)
        enrolled = record is not None and await asyncio.to_thread(self._credentials.load) is not None
        if self._training and self.training_hub is not None:
            if not enrolled:
                self._progress("Enrolling this tablet with the practice back office…", 0.95)
                code = await asyncio.to_thread(self.training_hub.issue_enrollment_code)
                record = await self._enroll(self.training_hub.url, code)
                enrolled = True
            assert record is not None
            # The practice hub listens on a new port each start.
            record = record.model_copy(update={"hub_url": self.training_hub.url})
        return record if enrolled else None

    def _open_local(self) -> None:
        """Runs on a worker thread: SQLite files and the keyring may be slow to open."""
        from storeassist.local import LocalCache, Outbox
        from storeassist.local.sqlite import StorageLocationUnusable, location_unusable
        from storeassist.security.credentials import CredentialStore

        folder = self.device_dir
        if folder.exists() and not folder.is_dir():
            cause = "a file with that name is in the way"
            raise StorageLocationUnusable(
                f"StoreAssist cannot keep its data in {folder}: {cause}. "
                "Move or rename that file (or ask IT to), then restart StoreAssist.",
                path=folder,
                cause=cause,
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file where the folder should be, no permission, a full disk
            raise location_unusable(folder, "the device's data folder", exc) from exc
        self._credentials = CredentialStore(
            folder,
            backend=self._keyring_backend,
            account="training-device" if self._training else "device",
        )
        ttl = timedelta(days=self._settings.cache_personal_data_days)
        self._cache = LocalCache(folder / "cache.sqlite", personal_data_ttl=ttl)
        # Customers not seen for longer than the configured time leave the tablet before anyone looks.
        purged = self._cache.purge_expired(now=datetime.now(UTC))
        if purged:
            log.info("purged %d expired customer profiles at start-up", purged)
        self._outbox = Outbox(folder / "outbox.sqlite")

    async def _enroll(self, hub_url: str, code: str) -> DeviceRecord:
        from storeassist.client import HubClient
        from storeassist.services.enroll_device import EnrollDevice

        client = HubClient(hub_url)
        try:
            enrollment = await EnrollDevice(client, self._credentials, self._cache).enroll(
                code, self._settings.device_name, "tablet"
            )
        finally:
            await client.aclose()
        record = DeviceRecord(
            device_id=enrollment.device_id,
            store_id=enrollment.store_id,
            store_name=enrollment.store_name,
            hub_url=hub_url,
        )
        await asyncio.to_thread(save_device_record, self.device_dir, record)
        return record

    async def _enroll_and_open(self, hub_url: str, code: str) -> None:
        record = await self._enroll(hub_url, code)
        self._open_services(record)

    def _on_prepared(self, record: DeviceRecord | None) -> None:
        if record is None:
            self._window.show_enrollment(self._settings.hub_url, self._enroll_and_open)
        else:
            self._open_services(record)

    def _on_failed(self, error: BaseException) -> None:
        self._window.show_startup_problem(describe_failure(error, doing="start-up"))

    def _open_services(self, record: DeviceRecord) -> None:
        from storeassist.client import HubClient
        from storeassist.domain.privacy import access_for
        from storeassist.services.add_note import AddCustomerNote
        from storeassist.services.identify_customer import IdentifyCustomer
        from storeassist.services.recommend_products import RecommendProducts
        from storeassist.services.record_profile_view import RecordProfileView
        from storeassist.services.search_customers import SearchCustomers
        from storeassist.services.sign_in_staff import SignInStaff, StaffSessionState
        from storeassist.sync import SyncEngine

        client = HubClient(record.hub_url, self._credentials.load)
        sync = SyncEngine(client, self._outbox, self._cache, record.store_id)
        client.add_reachability_listener(sync.note_reachability)
        staff = StaffSessionState(idle_minutes=self._settings.staff_idle_minutes)
        self.staff = staff
        identify = IdentifyCustomer(
            client,
            self._cache,
            self._cache.verification_keys,
            staff_id=staff.staff_id,
            hub_went_quiet=client.note_gave_up,
        )
        self.services = DeviceServices(client, self._cache, self._outbox, sync, identify)
        self._activity = ActivityWatcher(staff.touch)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self._activity)
        sign_in = SignInStaff(client, record.store_id)
        # The hub's staff session and the screen's sign-in end together, whichever ends first.
        client.add_staff_session_listener(staff.sign_out)
        staff.add_listener(lambda session: self._staff_changed(client, sync, session))
        viewed = RecordProfileView(self._outbox, record.store_id, staff_id=staff.staff_id)
        store_name = record.store_name + (_tr(" (practice)") if self._training else "")
        self._window.attach_services(
            identifier=identify,
            sync=sync,
            store_id=record.store_id,
            store_name=store_name,
            staff_sign_in=sign_in,
            staff_state=staff,
            notes=AddCustomerNote(self._outbox, record.store_id, staff_id=staff.staff_id),
            suggestions=RecommendProducts(client, self._cache),
            searcher=SearchCustomers(client),
            access=lambda: access_for(staff.role) if staff.role is not None else None,
            viewed_offline=viewed.cached_view,
        )
        sync.start()
        self._runner.run(
            client.stores(),
            on_success=lambda stores: self._window.customer_screen.set_store_names(
                {store.id: store.name for store in stores}
            ),
            on_failure=lambda error: log.info("store names not loaded (%s)", type(error).__name__),
        )
        if self.training_hub is not None:
            # Training starts signed in as a practice associate: nothing to remember to try it.
            self._runner.run(
                self._practice_sign_in(sign_in),
                on_success=self._practice_signed_in,
                on_failure=self._practice_sign_in_failed,
            )

    def _staff_changed(self, client: HubClient, sync: SyncEngine, session: StaffSession | None) -> None:
        if session is not None:
            sync.wake()  # commands and changes waited for someone to be signed in
            return
        self._runner.run(
            client.staff_sign_out(),
            on_success=lambda _none: None,
            on_failure=lambda error: log.info("hub sign-out not confirmed (%s)", type(error).__name__),
        )

    def _practice_signed_in(self, session: Any) -> None:
        self.staff.sign_in(session)
        self._practice_ready.set()

    def _practice_sign_in_failed(self, error: BaseException) -> None:
        log.info("practice sign-in failed (%s)", type(error).__name__)
        self._practice_ready.set()  # a practice scan then asks to sign in, as it would for real

    async def _practice_sign_in(self, sign_in: Any) -> Any:
        assert self.training_hub is not None
        badge = await asyncio.to_thread(self.training_hub.practice_badge)
        return await sign_in.sign_in_badge(badge)

    async def practice_loyalty_code(self, customer_id: int = 1) -> str:
        """Training: a loyalty code for a demo customer, as if a card were scanned."""
        if self.training_hub is None:
            raise RuntimeError("practice codes exist only in training mode")
        # A practice scan right after start-up waits for the practice sign-in, not "Sign in first".
        await self._practice_ready.wait()
        return await asyncio.to_thread(self.training_hub.practice_loyalty_code, customer_id)

    async def aclose(self) -> None:
        self._runner.cancel_all()
        app = QCoreApplication.instance()
        if self._activity is not None and app is not None:
            app.removeEventFilter(self._activity)
        if self.services is not None:
            await self.services.aclose()
        elif self._cache is not None:
            self._cache.close()
            self._outbox.close()
        if self.training_hub is not None:
            await asyncio.to_thread(self.training_hub.stop)


class ActivityWatcher(QObject):
    """Any touch, click or key press in the app counts as the signed-in staff member's activity."""

    _ACTIVITY = frozenset(
        {QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin, QEvent.Type.Wheel}
    )

    def __init__(self, touch: Callable[[], None]) -> None:
        super().__init__()
        self._touch = touch

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self._ACTIVITY:
            self._touch()
        return False


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


def take_screenshot_when_settled(window: QWidget, settled: Any, path: Path, runner: OpRunner) -> None:
    """Save ``window`` to ``path`` once ``settled`` fired and no op is running, then quit."""
    taken = False

    def shoot() -> None:
        nonlocal taken
        if taken:
            return
        taken = True
        path.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(path)):
            log.error("could not write the screenshot to %s", path)
        QCoreApplication.quit()

    def when_idle() -> None:
        if runner.busy:
            runner.busy_changed.connect(lambda busy: busy or QTimer.singleShot(300, shoot))
        else:
            QTimer.singleShot(300, shoot)

    settled.connect(lambda: QTimer.singleShot(100, when_idle))
    QTimer.singleShot(SCREENSHOT_DEADLINE_MS, shoot)


# -- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    data_dir: Path = (args.data_dir or default_data_dir()).resolve()
    configure_logging(data_dir)

    import qasync

    app = QApplication(sys.argv[:1])
    app.setApplicationName("StoreAssist")
    load_theme(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    config_problem = None
    try:
        settings = load_settings(data_dir)
    except ConfigError as exc:
        settings, config_problem = Settings(), str(exc)
    install_translations(app, settings.language)
    runner = OpRunner()

    wedge = ScannerWedge(settings.scanner)
    wedge.install(app)
    router = ScanRouter()
    wedge.scanned.connect(router.route)

    startup: AssociateStartup | None = None
    problems: list[str] = []
    if args.kiosk:
        kiosk = KioskWindow(training=args.demo)
        window: QWidget = kiosk
        settled: Any = kiosk.settled
        QTimer.singleShot(0, kiosk.settled.emit)
    else:
        main_window = MainWindow(runner, training=args.demo)
        main_window.connect_router(router)
        main_window.startup_failed.connect(problems.append)
        window, settled = main_window, main_window.settled
        startup = AssociateStartup(main_window, runner, settings, data_dir, training=args.demo)
        if config_problem:
            # Once the loop runs, as start-up would: a --screenshot run is listening by then.
            problem = config_problem
            QTimer.singleShot(0, lambda: main_window.show_startup_problem(problem))
        else:
            QTimer.singleShot(0, startup.begin)
        if args.demo:
            _offer_practice_scan(main_window, startup, runner, router, auto=args.practice_scan)

    if args.size:
        window.resize(*args.size)
        window.show()
    elif args.screenshot:
        window.resize(1280, 800)
        window.show()
    else:
        window.showMaximized()
    if args.screenshot:
        take_screenshot_when_settled(window, settled, args.screenshot, runner)
    first_frame = FirstFrameExit(window) if args.first_frame_exit else None
    if first_frame is not None:
        window.installEventFilter(first_frame)

    with loop:
        loop.run_forever()
        if startup is not None:
            loop.run_until_complete(startup.aclose())
    wedge.uninstall(app)
    if args.screenshot and problems:
        # An unattended run (a build check, CI) must not read a start-up problem as success.
        print(f"StoreAssist did not start: {problems[-1]}", file=sys.stderr)
        return 1
    return 0


def _offer_practice_scan(
    window: MainWindow, startup: AssociateStartup, runner: OpRunner, router: ScanRouter, *, auto: bool
) -> None:
    """Training without a scanner: a button that "scans" a practice loyalty card."""

    def scan() -> None:
        runner.run(
            startup.practice_loyalty_code(),
            on_success=router.route,
            on_failure=lambda error: window.show_scan_message(describe_failure(error, doing="practice scan")),
        )

    window.enable_practice_scan(scan)
    if auto:
        window.ready.connect(scan)


if __name__ == "__main__":
    sys.exit(main())
