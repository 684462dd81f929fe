"""The "Scan with camera" panel: the tablet's own camera as a scanner, for stores without a handheld one.

The panel shows the camera preview and emits :attr:`CameraScannerPanel.scanned` with each new
code it reads. Whoever places the panel connects that signal to
:meth:`storeassist.scanning.ScanRouter.route`, exactly as ``app.py`` connects the keyboard
wedge, so a camera scan is classified, refused or routed like any other scan.

Camera scanning is an optional install (the ``camera`` extra: QtMultimedia from PySide6-Addons
and zxing-cpp). Without it, or without a camera, the panel says so calmly and does nothing else;
QtMultimedia is only imported when a panel is built, never when this module is.

Frames arrive about 30 times a second on the GUI thread. :class:`~storeassist.scanning.camera.FrameThrottle`
lets through at most one every 100 ms, and only when the previous one is decoded; decoding runs
on a worker thread through the :class:`~storeassist.ui.background.OpRunner` (zxing-cpp releases
the GIL), so the preview and the rest of the screen stay smooth. The camera runs only while the
panel is visible.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import shiboken6
from PySide6.QtCore import QCameraPermission, QCoreApplication, Qt, Signal
from PySide6.QtGui import QHideEvent, QImage, QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from storeassist.scanning.camera import (
    CameraAccessDenied,
    CameraFailed,
    CameraNotInstalled,
    CameraUnavailable,
    FrameDecoder,
    FrameThrottle,
    NoCameraFound,
    ScanDebouncer,
)
from storeassist.ui.background import OpRunner

log = logging.getLogger("storeassist.scan")


_READY = "Hold the code steady in front of the camera."


def _tr(text: str) -> str:
    return QCoreApplication.translate("CameraScannerPanel", text)


@dataclass(frozen=True, slots=True)
class MultimediaModules:
    """The two Qt modules the panel needs, imported together: both come with PySide6-Addons."""

    multimedia: ModuleType
    widgets: ModuleType


def load_qt_multimedia() -> MultimediaModules:
    """Import QtMultimedia and its widgets, or raise :class:`CameraNotInstalled`.

    An ImportError also covers a present module whose system libraries are missing (on Linux,
    QtMultimedia needs PulseAudio's client library): either way the tablet cannot use the camera.
    """
    try:
        return MultimediaModules(
            multimedia=importlib.import_module("PySide6.QtMultimedia"),
            widgets=importlib.import_module("PySide6.QtMultimediaWidgets"),
        )
    except ImportError as missing:
        log.info("camera scanning unavailable: QtMultimedia did not import (%s)", type(missing).__name__)
        raise CameraNotInstalled() from missing


class CameraScannerPanel(QWidget):
    """Preview and decode the default camera; emit each new code once.

    Collaborators come in through the constructor so tests can hand in their own clock-driven
    debouncer and throttle, or a loader that fails as on a tablet without the extra.
    """

    #: The text of a newly seen code; connect to :meth:`ScanRouter.route`.
    scanned = Signal(str)
    #: The panel cannot scan; carries the sentence it now shows.
    unavailable = Signal(str)

    def __init__(
        self,
        *,
        decoder_factory: Callable[[], FrameDecoder] = FrameDecoder,
        debouncer: ScanDebouncer | None = None,
        throttle: FrameThrottle | None = None,
        runner: OpRunner | None = None,
        load_multimedia: Callable[[], MultimediaModules] = load_qt_multimedia,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._debouncer = debouncer or ScanDebouncer()
        self._throttle = throttle or FrameThrottle()
        # A runner of its own by default: ten decodes a second must not make the window's busy
        # indicator flicker. Not parented to the panel, so a decode that finishes after the panel
        # is gone still has a live runner to report to (the callback then checks the panel).
        self._runner = runner or OpRunner()
        #: Bumped whenever the camera stops: a decode started before then is not reported.
        self._generation = 0
        self._problem: CameraUnavailable | None = None
        self._decoder: FrameDecoder | None = None
        self._qt: MultimediaModules | None = None
        # Built on first start(): QCamera, QMediaCaptureSession.
        self._camera: Any = None
        self._session: Any = None
        self._preview: Any = None  # a QVideoWidget, when QtMultimedia is there

        title = QLabel(_tr("Scan with camera"))
        title.setProperty("role", "sectionTitle")
        self.message = QLabel()
        self.message.setProperty("role", "hint")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(title)

        try:
            self._decoder = decoder_factory()
            self._qt = load_multimedia()
        except CameraUnavailable as problem:
            self._set_problem(problem)
        else:
            self._preview = self._qt.widgets.QVideoWidget(self)
            self._preview.setMinimumSize(240, 180)
            # The preview's own sink hands us every frame it shows; the frame is shared, not copied.
            self._preview.videoSink().videoFrameChanged.connect(self._on_video_frame)
            layout.addWidget(self._preview, 1)
            self.message.setText(_tr(_READY))
        layout.addWidget(self.message)
        if self._preview is None:
            # Nothing to preview: the title and the reason sit together at the top.
            self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            layout.addStretch(1)

    # -- public -----------------------------------------------------------------------------

    @property
    def problem(self) -> CameraUnavailable | None:
        """Why the panel cannot scan, or ``None`` while it can."""
        return self._problem

    @property
    def camera_active(self) -> bool:
        return self._camera is not None and bool(self._camera.isActive())

    def start(self) -> None:
        """Open the default camera, or show why it cannot be used.

        Nothing to do without the extra. Any other problem (no camera, access denied, camera
        busy) may have been put right since, so each start tries again.
        """
        if self._qt is None or self._decoder is None or self.camera_active:
            return
        self._clear_problem()
        multimedia = self._qt.multimedia
        device = multimedia.QMediaDevices.defaultVideoInput()
        if device.isNull():
            self._set_problem(NoCameraFound())
            return
        permission = QCameraPermission()
        # Permissions are asked of the application object; it is the platform being asked,
        # not a registry of collaborators. Linux and Windows always answer Granted.
        app = QCoreApplication.instance()
        assert app is not None  # a widget exists, so an application does
        status = app.checkPermission(permission)
        if status == Qt.PermissionStatus.Undetermined:
            # macOS and Android ask the person once; start again when they have answered.
            app.requestPermission(permission, self, self._permission_answered)
            return
        if status == Qt.PermissionStatus.Denied:
            self._set_problem(CameraAccessDenied())
            return

        if self._camera is None:
            camera = multimedia.QCamera(device, self)
            if camera.error() != multimedia.QCamera.Error.NoError:
                # Refused when opened (unplugged in between, driver trouble): no signal follows.
                log.warning("camera could not be opened: %s", camera.errorString())
                camera.deleteLater()
                self._set_problem(CameraFailed())
                return
            self._camera = camera
            preferred = _preferred_format(device)
            if preferred is not None:
                self._camera.setCameraFormat(preferred)
            self._camera.errorOccurred.connect(self._on_camera_error)
            self._session = multimedia.QMediaCaptureSession(self)
            self._session.setCamera(self._camera)
            self._session.setVideoOutput(self._preview)
        self._camera.start()

    def stop(self) -> None:
        """Close the camera; a decode still running is dropped, and the next sighting is news."""
        self._generation += 1
        self._throttle.finish()
        self._debouncer.reset()
        if self._camera is not None:
            self._camera.stop()

    def scan_frame(self, frame: QImage) -> str | None:
        """Decode ``frame`` now, on this thread; emit and return its code if it is new.

        The whole frame → decode → emit path, for callers that have frames of their own (and
        for tests, which have no camera). Camera frames take the throttled, off-thread path
        that :meth:`offer_frame` also offers.
        """
        if self._decoder is None:
            return None
        return self._report(self._decode_guarded(self._decoder, frame))

    def offer_frame(self, frame: QImage) -> bool:
        """Decode ``frame`` on a worker thread unless one is still decoding or one was taken <100 ms ago.

        Returns whether the frame was taken; a taken frame's new code is emitted when its decode
        finishes. Needs the qasync loop the app runs on.
        """
        if self._decoder is None or not self._throttle.try_start():
            return False
        self._decode_in_background(self._decoder, frame)
        return True

    # -- Qt events --------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.start()

    def hideEvent(self, event: QHideEvent) -> None:
        # The camera light goes off as soon as the panel is out of sight.
        self.stop()
        super().hideEvent(event)

    # -- internals --------------------------------------------------------------------------

    def _on_video_frame(self, frame: Any) -> None:
        # Ask the throttle before converting: toImage() is the expensive part on the GUI thread.
        if self._decoder is None or not self._throttle.try_start():
            return
        image = frame.toImage()
        if image.isNull():
            self._throttle.finish()
            return
        self._decode_in_background(self._decoder, image)

    def _decode_in_background(self, decoder: FrameDecoder, frame: QImage) -> None:
        generation = self._generation

        def decoded(text: str | None) -> None:
            if not shiboken6.isValid(self) or generation != self._generation:
                return  # the panel closed or the camera stopped meanwhile; stop() freed the throttle
            self._throttle.finish()
            self._report(text)

        def failed(error: BaseException) -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                self._throttle.finish()
            # A bug in decoding; the next frame tries again. Type only: the frame is a picture of
            # whatever the camera saw.
            log.error("camera frame decoding failed with %s", type(error).__name__)

        # QImage is implicitly shared and reentrant: the worker reads its own reference to the
        # frame while the GUI thread goes on; FrameDecoder keeps no state between frames.
        self._runner.run(asyncio.to_thread(decoder.decode, frame), on_success=decoded, on_failure=failed)

    @staticmethod
    def _decode_guarded(decoder: FrameDecoder, frame: QImage) -> str | None:
        try:
            return decoder.decode(frame)
        except Exception as bug:  # one unreadable frame must not take the screen down
            log.error("camera frame decoding failed with %s", type(bug).__name__)
            return None

    def _report(self, text: str | None) -> str | None:
        if text is None or not self._debouncer.admit(text):
            return None
        self.scanned.emit(text)
        return text

    def _permission_answered(self, permission: QCameraPermission) -> None:
        app = QCoreApplication.instance()
        if app is not None and app.checkPermission(permission) == Qt.PermissionStatus.Granted:
            if self.isVisible():
                self.start()
        else:
            self._set_problem(CameraAccessDenied())

    def _on_camera_error(self, error: Any, description: str) -> None:
        # The platform's description goes to the log; the associate gets what to do.
        log.warning("camera error %s: %s", error, description)
        self._set_problem(CameraFailed())
        self.stop()
        # Built afresh on the next start, from whatever camera is the default by then.
        for part in (self._session, self._camera):
            if part is not None:
                part.deleteLater()
        self._camera = self._session = None

    def _clear_problem(self) -> None:
        if self._problem is None:
            return
        self._problem = None
        self.message.setText(_tr(_READY))
        self._preview.setVisible(True)

    def _set_problem(self, problem: CameraUnavailable) -> None:
        self._problem = problem
        text = _tr(problem.user_message)
        self.message.setText(text)
        if self._preview is not None:
            self._preview.setVisible(False)
        self.unavailable.emit(text)


def _preferred_format(device: Any) -> Any:
    """The camera's largest format no wider than 1280 px, so frames need no scaling before decoding.

    ``None`` if the camera lists none that small; its default is used and the decoder scales.
    """
    fitting = [
        fmt
        for fmt in device.videoFormats()
        if 0 < max(fmt.resolution().width(), fmt.resolution().height()) <= 1280
    ]
    if not fitting:
        return None
    return max(
        fitting, key=lambda fmt: (fmt.resolution().width() * fmt.resolution().height(), fmt.maxFrameRate())
    )
