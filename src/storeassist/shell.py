"""A shell's device start-up, run on the op runner: what the associate window and the kiosk share.

:class:`ShellStartup` drives the typed :class:`~storeassist.startup.DeviceStartup` for any
:class:`Shell` (a window that shows progress, a start-up problem or the enrollment form, and
then gets the device's services), and adds what only a running app has: watching activity for
idle sign-out, starting sync, and training's practice sign-in.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QWidget

from storeassist.ui.background import OpRunner

if TYPE_CHECKING:
    from storeassist.config import DeviceRecord
    from storeassist.startup import DeviceServices, DeviceStartup
    from storeassist.ui.setup_pages import EnrollAction
    from storeassist.ui.status_area import SyncSignals

log = logging.getLogger("storeassist.app")


class Shell(Protocol):
    """A window that can show a device's start-up: the associate window and the kiosk."""

    def show_progress(self, text: str, fraction: float | None = None) -> None: ...

    def show_startup_problem(self, text: str) -> None: ...

    def show_enrollment(self, hub_url: str | None, enroll: EnrollAction) -> None: ...

    def attach_device(self, services: DeviceServices) -> None: ...

    def bind_sync(self, sync: SyncSignals) -> None: ...


class ShellStartup(QObject):
    """Runs the typed :class:`~storeassist.startup.DeviceStartup` for a shell, on the op runner.

    The shell shows the progress, the enrollment form or a start-up problem, and gets the
    device's services once ready; this class adds what only a running app has: activity
    watching for idle sign-out, starting sync, and training's practice sign-in.
    """

    def __init__(
        self,
        shell: Shell,
        runner: OpRunner,
        device: DeviceStartup,
        *,
        practice_sign_in: bool | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``practice_sign_in``: in training, sign a practice associate in once ready (the
        default for a tablet; a kiosk has no associate)."""
        super().__init__(parent)
        self._shell = shell
        self._practice_sign_in = device.training and (
            device.kind == "tablet" if practice_sign_in is None else practice_sign_in
        )
        self._runner = runner
        self.device = device
        self._activity: ActivityWatcher | None = None
        self._activity_target: QObject | None = None
        #: Set once training mode's practice sign-in has finished (either way).
        self._practice_ready = asyncio.Event()

    @property
    def services(self) -> DeviceServices | None:
        return self.device.services

    def begin(self) -> None:
        self._runner.run(self.device.prepare(), on_success=self._on_prepared, on_failure=self._on_failed)

    def _on_prepared(self, record: DeviceRecord | None) -> None:
        if record is None:
            self._shell.show_enrollment(self.device.settings.hub_url, self._enroll_and_open)
            return
        try:
            self._open(record)
        except Exception as exc:  # a start-up that stops half-way must say so, not hang at 90 %
            self._on_failed(exc)

    async def _enroll_and_open(self, hub_url: str, code: str) -> None:
        record = await self.device.enroll(hub_url, code)
        try:
            self._open(record)
        except Exception as exc:
            self._on_failed(exc)

    def _on_failed(self, error: BaseException) -> None:
        from storeassist.ui.messages import describe_failure

        self._practice_ready.set()  # nothing to wait for: a practice scan says the tablet is not ready
        self._shell.show_startup_problem(describe_failure(error, doing="start-up"))

    def fail(self, error: BaseException) -> None:
        """Start-up could not even begin (e.g. a screen failed to build): the shell says so."""
        self._on_failed(error)

    async def start_enrolled(self, hub_url: str, code: str) -> DeviceServices:
        """Get ready as :meth:`begin` does, enrolling with ``code`` if this device is not enrolled
        yet (instead of showing the form): for tools and benchmarks that hold a code."""
        record = await self.device.prepare()
        if record is None:
            record = await self.device.enroll(hub_url, code)
        return self._open(record)

    def _open(self, record: DeviceRecord) -> DeviceServices:
        services = self.device.open(record)
        self._watch_activity(ActivityWatcher(services.staff.touch))
        self._shell.bind_sync(services.sync)
        self._shell.attach_device(services)
        services.sync.start()
        if self._practice_sign_in and self.device.training_hub is not None:
            self._runner.run(
                self.device.practice_sign_in(),
                on_success=lambda _session: self._practice_ready.set(),
                on_failure=self._practice_sign_in_failed,
            )
        return services

    def _watch_activity(self, watcher: ActivityWatcher) -> None:
        """Touches, clicks and keys reach the shell's window before any of its widgets, so the
        watcher sits there: a filter on the whole application would be called from Python for
        every event of every widget (thousands when a page changes), and slow every screen."""
        target: QObject | None = QCoreApplication.instance()
        if isinstance(self._shell, QWidget):
            self._shell.winId()  # makes the window's platform handle if it is not shown yet
            target = self._shell.windowHandle() or target
        if target is not None:
            target.installEventFilter(watcher)
        self._activity, self._activity_target = watcher, target

    def _practice_sign_in_failed(self, error: BaseException) -> None:
        log.info("practice sign-in failed (%s)", type(error).__name__)
        self._practice_ready.set()  # a practice scan then asks to sign in, as it would for real

    async def practice_loyalty_code(self, customer_id: int = 1) -> str:
        """Training: a loyalty code for a demo customer, once the practice sign-in is done."""
        # A practice scan right after start-up waits for the practice sign-in, not "Sign in first".
        await self._practice_ready.wait()
        return await self.device.practice_loyalty_code(customer_id)

    async def aclose(self) -> None:
        self._runner.cancel_all()
        target = self._activity_target
        if self._activity is not None and target is not None and shiboken6.isValid(target):
            target.removeEventFilter(self._activity)  # (the window may be gone already)
        await self.device.aclose()


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
