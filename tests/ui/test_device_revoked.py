"""A device the back office revoked stops syncing and says why: the associate's window says so with
IT's reason; the kiosk shows shoppers it is out of service (the reason is not for them)."""

from __future__ import annotations

import pytest
from fake_kiosk import CANARY_TOKEN, PICKUP_ORDER_CODE, RECEIPT_CODE, FakeKioskDevice
from PySide6.QtCore import QObject, Qt, Signal
from pytestqt.qtbot import QtBot

from storeassist.features import ASSOCIATE_FEATURES, KIOSK_FEATURES
from storeassist.ui.background import OpRunner
from storeassist.ui.kiosk_window import KioskWindow
from storeassist.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]


class RevokedSync(QObject):
    """The sync engine's signals, of which only the revocation is sent here."""

    online_changed = Signal(bool)
    pending_changed = Signal(int)
    sync_failed = Signal(str)
    synced_at = Signal(object)
    attention_changed = Signal(int)
    snapshot_progress = Signal(object)
    device_revoked = Signal(str)


def test_a_revoked_tablet_says_so_with_the_reason(qtbot: QtBot) -> None:
    window = MainWindow(OpRunner(), training=False)
    window.install_features(ASSOCIATE_FEATURES)
    qtbot.addWidget(window)
    sync = RevokedSync()
    window.bind_sync(sync)
    sync.device_revoked.emit("Screen cracked")
    problem = window.status_area.sync_label.toolTip()
    assert "revoked this device" in problem and "Reason given: Screen cracked" in problem


def test_a_revoked_kiosk_is_out_of_service_without_telling_shoppers_why(qtbot: QtBot) -> None:
    window = KioskWindow(OpRunner(), KIOSK_FEATURES, training=False)
    qtbot.addWidget(window)
    sync = RevokedSync()
    window.bind_sync(sync)
    sync.device_revoked.emit("Stolen from store 3")
    assert window.pages.currentWidget() is window.attract
    assert window.attract.message.text() == "This kiosk is out of service. Please ask an associate."
    assert "Stolen" not in window.attract.message.text()
    window.leave_kiosk_mode_for_tests()


OUT_OF_SERVICE = "This kiosk is out of service. Please ask an associate."


def test_a_revoked_kiosk_stays_out_of_service_ignores_scans_and_says_so_after_every_reset(
    qtbot: QtBot,
) -> None:
    window = KioskWindow(OpRunner(), KIOSK_FEATURES, training=False)
    qtbot.addWidget(window)
    device = FakeKioskDevice()
    window.attach_device(device)
    window.show()
    sync = RevokedSync()
    window.bind_sync(sync)
    window.open("loyalty", CANARY_TOKEN)
    shopper = window.feature_screens["kiosk_shopper"]
    qtbot.waitUntil(lambda: "Zebulon" in shopper.greeting.text())  # type: ignore[attr-defined]

    sync.device_revoked.emit("Stolen from store 3")
    assert window.pages.currentWidget() is window.attract
    assert "Zebulon" not in shopper.greeting.text()  # type: ignore[attr-defined]  # the shopper is forgotten
    assert not window.idle.armed

    def out_of_service() -> bool:
        return (
            window.pages.currentWidget() is window.attract
            and window.attract.message.isVisible()
            and window.attract.message.text() == OUT_OF_SERVICE
            and not window.top_bar.isVisible()
        )

    asked = list(device.kiosk.asked)
    for kind, code in (
        ("loyalty", CANARY_TOKEN),
        ("product", "TEE-NAV-M"),
        ("order", PICKUP_ORDER_CODE),
        ("receipt", RECEIPT_CODE),
    ):
        window.open(kind, code)  # type: ignore[arg-type]
        assert out_of_service(), kind
    window.show_scan_message("This kiosk cannot read that code. Please ask an associate.")
    assert out_of_service()
    assert device.kiosk.asked == asked, "a revoked kiosk asks nothing"

    for start_over in (window.reset, window.idle.reset.emit, window.start_over.click):
        with qtbot.waitSignal(window.reset_done):
            start_over()
        assert out_of_service()
    window.show_exit()  # a manager may still try to leave; cancelling comes back out of service
    qtbot.mouseClick(window.exit_page.cancel_button, Qt.MouseButton.LeftButton)
    assert out_of_service()
    assert device.kiosk.asked == asked
    window.leave_kiosk_mode_for_tests()
