"""The camera panel reports each code once, decodes off the GUI thread, and stays calm without a camera.

No camera is needed: frames are QImages drawn here and fed to the panel's frame methods, as
the camera's video sink would. Time is a fake clock handed to the debouncer and throttle.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

import pytest
import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from storeassist.domain.scan_codes import PaymentCardRefused
from storeassist.domain.tokens import TokenKind, sign_token
from storeassist.scanning import ScanRouter
from storeassist.scanning.camera import (
    CameraNotInstalled,
    FrameDecoder,
    FrameThrottle,
    ScanDebouncer,
)
from storeassist.ui.background import OpRunner
from storeassist.ui.camera_scanner import CameraScannerPanel, MultimediaModules, load_qt_multimedia

pytestmark = pytest.mark.gui

NOT_INSTALLED = "Camera scanning is not installed on this tablet"


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def qr_frame(payload: str, *, module_px: int = 4) -> QImage:
    """A 720p camera frame with ``payload`` as a QR code in the middle of a grey counter."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=module_px, border=4)
    code.add_data(payload)
    code.make()
    frame = Image.new("RGB", (1280, 720), (120, 120, 120))
    image = code.make_image().convert("RGB")
    frame.paste(image, ((1280 - image.width) // 2, (720 - image.height) // 2))
    return QImage(frame.tobytes(), 1280, 720, 3 * 1280, QImage.Format.Format_RGB888).convertToFormat(
        QImage.Format.Format_RGB32
    )


def empty_frame() -> QImage:
    frame = QImage(1280, 720, QImage.Format.Format_RGB32)
    frame.fill(0x787878)
    return frame


def loyalty_token(customer_id: int) -> str:
    return sign_token(Ed25519PrivateKey.generate(), 3, TokenKind.LOYALTY_DYNAMIC, customer_id, 1_900_000_000)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def no_multimedia() -> MultimediaModules:
    raise CameraNotInstalled()


@pytest.fixture
def make_panel(qtbot: QtBot, clock: FakeClock) -> Callable[..., CameraScannerPanel]:
    """A panel on the fake clock, built as if QtMultimedia were absent unless told otherwise.

    The frame path needs only zxing-cpp. Leaving QtMultimedia out keeps these tests the same on
    a tablet with the camera extra, where loading its FFmpeg backend logs Qt warnings about
    optional system libraries (VA-API, PipeWire) and so would fail any test that touched it.
    """
    pytest.importorskip("zxingcpp", reason="zxing-cpp comes with the dev group and the camera extra")

    def build(**overrides: object) -> CameraScannerPanel:
        collaborators: dict[str, object] = {
            "debouncer": ScanDebouncer(repeat_after_s=2.0, clock=clock),
            "throttle": FrameThrottle(min_interval_s=0.1, clock=clock),
            "load_multimedia": no_multimedia,
            **overrides,
        }
        panel = CameraScannerPanel(**collaborators)  # type: ignore[arg-type]
        qtbot.addWidget(panel)
        return panel

    return build


def test_a_code_held_up_to_the_camera_is_emitted_once(
    qtbot: QtBot, clock: FakeClock, make_panel: Callable[..., CameraScannerPanel]
) -> None:
    panel = make_panel()
    code = loyalty_token(4711)
    frame = qr_frame(code)
    with qtbot.waitSignal(panel.scanned, timeout=1000) as first:
        assert panel.scan_frame(frame) == code
    assert first.args == [code]
    with qtbot.assertNotEmitted(panel.scanned):
        for _ in range(15):  # a second and a half more of the same card
            clock.advance(0.1)
            assert panel.scan_frame(frame) is None


def test_each_distinct_code_is_emitted_once_in_the_order_shown(
    qtbot: QtBot, clock: FakeClock, make_panel: Callable[..., CameraScannerPanel]
) -> None:
    panel = make_panel()
    first, second = loyalty_token(1), loyalty_token(2)
    emitted: list[str] = []
    panel.scanned.connect(emitted.append)
    for frame in [qr_frame(first)] * 3 + [empty_frame()] + [qr_frame(second)] * 3:
        panel.scan_frame(frame)
        clock.advance(0.1)
    assert emitted == [first, second]


def test_frames_without_a_code_emit_nothing(
    qtbot: QtBot, make_panel: Callable[..., CameraScannerPanel]
) -> None:
    panel = make_panel()
    with qtbot.assertNotEmitted(panel.scanned):
        assert panel.scan_frame(empty_frame()) is None
        assert panel.scan_frame(QImage()) is None


def test_camera_scans_meet_the_same_router_as_wedge_scans(
    qtbot: QtBot, clock: FakeClock, make_panel: Callable[..., CameraScannerPanel]
) -> None:
    panel = make_panel()
    router = ScanRouter()
    panel.scanned.connect(router.route)  # as app.py connects ScannerWedge.scanned
    code = loyalty_token(4711)
    with qtbot.waitSignal(router.loyalty_scanned, timeout=1000) as loyalty:
        panel.scan_frame(qr_frame(code))
    assert loyalty.args == [code]

    clock.advance(0.1)
    with qtbot.waitSignal(router.rejected, timeout=1000) as refused:
        panel.scan_frame(qr_frame("4111111111111111"))
    assert refused.args == [PaymentCardRefused.message]


class ThreadNotingDecoder(FrameDecoder):
    """The real decoder, noting which thread each frame was decoded on."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[int] = []

    def decode(self, frame: QImage) -> str | None:
        self.threads.append(threading.get_ident())
        return super().decode(frame)


@pytest.mark.usefixtures("qasync_loop")
def test_camera_frames_are_decoded_off_the_gui_thread_one_at_a_time(
    qtbot: QtBot, clock: FakeClock, make_panel: Callable[..., CameraScannerPanel]
) -> None:
    decoder = ThreadNotingDecoder()
    runner = OpRunner()
    panel = make_panel(decoder_factory=lambda: decoder, runner=runner)
    code = loyalty_token(4711)
    frame = qr_frame(code)

    with qtbot.waitSignal(panel.scanned, timeout=5000) as seen:
        assert panel.offer_frame(frame)
        assert not panel.offer_frame(frame)  # the first is still decoding: dropped, not queued
    assert seen.args == [code]
    assert decoder.threads and threading.get_ident() not in decoder.threads

    assert not panel.offer_frame(frame)  # decoded, but 100 ms have not passed
    clock.advance(0.1)
    with qtbot.assertNotEmitted(panel.scanned, wait=0):
        assert panel.offer_frame(frame)  # taken; the same card is not news
        qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert len(decoder.threads) == 2


@pytest.mark.usefixtures("qasync_loop")
def test_a_code_decoded_after_the_camera_stopped_is_not_reported(
    qtbot: QtBot, make_panel: Callable[..., CameraScannerPanel]
) -> None:
    runner = OpRunner()
    panel = make_panel(runner=runner)
    with qtbot.assertNotEmitted(panel.scanned, wait=0):
        assert panel.offer_frame(qr_frame(loyalty_token(4711)))
        panel.stop()  # the panel was hidden while the frame was decoding
        qtbot.waitUntil(lambda: not runner.busy, timeout=5000)


def test_a_decoder_bug_costs_one_frame_not_the_screen(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture, make_panel: Callable[..., CameraScannerPanel]
) -> None:
    class BrokenDecoder(FrameDecoder):
        def decode(self, frame: QImage) -> str | None:
            raise RuntimeError("zxing had a bad day")

    panel = make_panel(decoder_factory=BrokenDecoder)
    with qtbot.assertNotEmitted(panel.scanned):
        assert panel.scan_frame(qr_frame(loyalty_token(1))) is None
    assert "RuntimeError" in caplog.text
    assert "bad day" not in caplog.text  # the type is logged, not a text that could echo a frame


def test_without_qtmultimedia_the_panel_says_so_calmly(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, make_panel: Callable[..., CameraScannerPanel]
) -> None:
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)  # import fails, as without the extra
    panel = make_panel(load_multimedia=load_qt_multimedia)  # the real import check
    panel.show()  # starting the camera is a no-op, not a crash
    qtbot.waitExposed(panel)
    assert isinstance(panel.problem, CameraNotInstalled)
    assert panel.message.text().startswith(NOT_INSTALLED)
    assert panel.message.isVisible()
    assert not panel.camera_active


def test_without_zxing_the_panel_says_so_and_ignores_frames(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, make_panel: Callable[..., CameraScannerPanel]
) -> None:
    monkeypatch.setitem(sys.modules, "zxingcpp", None)
    panel = make_panel(load_multimedia=load_qt_multimedia)
    assert isinstance(panel.problem, CameraNotInstalled)
    assert panel.message.text().startswith(NOT_INSTALLED)
    with qtbot.assertNotEmitted(panel.scanned):
        assert panel.scan_frame(empty_frame()) is None
        assert not panel.offer_frame(empty_frame())
