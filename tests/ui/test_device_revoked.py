"""A device the back office revoked stops syncing and says why: the associate's window says so with
IT's reason; the kiosk shows shoppers it is out of service (the reason is not for them)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Signal
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
