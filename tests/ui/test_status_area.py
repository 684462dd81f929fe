"""The status strip follows the sync engine's signals; "needs attention" opens the refused list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from pytestqt.qtbot import QtBot

from storeassist.contract import Command, PlaceHoldCommand, PlaceHoldPayload
from storeassist.features import ASSOCIATE_FEATURES
from storeassist.ui.background import OpRunner
from storeassist.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


class SyncSignalsSource(QObject):
    """Emits what ``storeassist.sync.SyncEngine`` emits, when the test says so."""

    online_changed = Signal(bool)
    pending_changed = Signal(int)
    synced_at = Signal(datetime)
    attention_changed = Signal(int)
    sync_failed = Signal(str)
    snapshot_progress = Signal(object)

    def __init__(self, refused: list[Any]) -> None:
        super().__init__()
        self.refused = refused

    def needs_attention(self) -> list[Any]:
        return self.refused


@dataclass
class Refused:
    command: Command
    code: str | None
    params: dict[str, str | int]


class NoLookups:
    async def identify_by_token(self, text: str, store_id: int) -> None:
        raise AssertionError("not used here")


def _refused_hold() -> Refused:
    command = PlaceHoldCommand(
        id=uuid.uuid4(),
        type="hold.place",
        issued_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        store_id=1,
        payload=PlaceHoldPayload(customer_id=42, sku="SKU-1", qty=1),
    )
    return Refused(command, "not_enough_stock", {"sku": "SKU-1", "available": 0, "requested": 1})


@pytest.fixture
def window_and_sync(qtbot: QtBot, fake_device: Any) -> tuple[MainWindow, SyncSignalsSource]:
    sync = SyncSignalsSource([_refused_hold()])
    window = MainWindow(OpRunner(), ASSOCIATE_FEATURES, training=False)
    qtbot.addWidget(window)
    window.bind_sync(sync)
    window.attach_device(fake_device(NoLookups(), store_name="Aarhus C", sync=sync))
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window, sync


def test_status_shows_online_offline_waiting_and_last_sync(window_and_sync) -> None:
    window, sync = window_and_sync
    status = window.status_area
    assert status.store_label.text() == "Aarhus C"
    assert "Connecting" in status.online_label.text()

    sync.online_changed.emit(True)
    assert "Online" in status.online_label.text()
    sync.online_changed.emit(False)
    assert "Offline" in status.online_label.text()
    assert status.online_label.property("state") == "offline"

    sync.pending_changed.emit(3)
    assert "3" in status.pending_label.text()
    sync.pending_changed.emit(0)
    assert status.pending_label.text() == "All sent"

    assert status.sync_label.text() == "Not synced yet"
    sync.synced_at.emit(datetime.now(UTC))
    assert status.sync_label.text().startswith("Synced ")

    sync.sync_failed.emit("The back office cannot be reached. Keep working.")
    assert status.sync_label.text().startswith("Synced ")  # offline already says it
    sync.online_changed.emit(True)
    sync.sync_failed.emit("The store data on this device was damaged and is being reloaded.")
    assert status.sync_label.text().startswith("Sync problem · Synced ")
    assert "damaged" in status.sync_label.toolTip()
    sync.synced_at.emit(datetime.now(UTC))
    assert status.sync_label.text().startswith("Synced ")


def test_needs_attention_button_counts_and_opens_the_list(qtbot: QtBot, window_and_sync) -> None:
    window, sync = window_and_sync
    button = window.status_area.attention_button
    assert not button.isEnabled()

    sync.attention_changed.emit(1)
    assert button.isEnabled()
    assert "1" in button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert window.screens.currentWidget() is window.feature_widget("attention")
    (row,) = window.feature_widget("attention").model.rows()
    assert "Hold" in row.headline
    assert "The hold was not placed" in row.detail

    sync.attention_changed.emit(0)
    assert not button.isEnabled()


def test_busy_work_shows_in_the_status_strip(qtbot: QtBot, window_and_sync) -> None:
    window, _ = window_and_sync
    runner: OpRunner = window._runner
    runner.busy_changed.emit(True)
    assert window.status_area.busy_bar.isVisible()
    runner.busy_changed.emit(False)
    assert not window.status_area.busy_bar.isVisible()


def test_a_busy_portrait_strip_says_less_and_never_widens_the_window(qtbot: QtBot, window_and_sync) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    from storeassist.ui.resources import load_theme

    window, sync = window_and_sync
    load_theme(QCoreApplication.instance())  # type: ignore[arg-type]
    try:
        window.status_area.set_staff("Joseph · Associate", short="Joseph", signed_in=True)
        sync.online_changed.emit(False)
        sync.pending_changed.emit(12)
        sync.attention_changed.emit(3)
        window.resize(800, 1280)
        for _ in range(5):
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        qtbot.waitUntil(lambda: window.status_area.width() <= 800)

        status = window.status_area
        assert window.width() == 800
        assert status.pending_label.text() == "To send: 12"
        assert status.attention_button.text() == "Attention: 3"
        assert status.staff_button.text() == "Joseph"
        assert not status.sync_label.isVisible()

        window.resize(1280, 800)
        qtbot.waitUntil(lambda: status.pending_label.text() == "Waiting to send: 12")
        assert status.attention_button.text() == "Needs attention: 3"
    finally:
        QCoreApplication.instance().setStyleSheet("")  # type: ignore[union-attr]


def test_the_last_sync_is_told_on_the_stores_clock_in_its_locale(qtbot: QtBot) -> None:
    from storeassist.ui.formatting import StoreFormat
    from storeassist.ui.status_area import StatusArea

    strip = StatusArea()
    qtbot.addWidget(strip)
    synced = datetime(2026, 11, 30, 14, 18, tzinfo=UTC)
    strip.set_store_format(StoreFormat("zh_CN", "CNY", "Asia/Shanghai"))
    strip.set_synced_at(synced)
    assert "22:18" in strip.sync_label.text()  # Shanghai is UTC+8
    strip.set_store_format(StoreFormat("en_US", "USD", "America/New_York"))
    assert "9:18" in strip.sync_label.text() and "AM" in strip.sync_label.text()


def test_a_notice_on_the_needs_attention_page_keeps_the_refused_actions_listed(
    window_and_sync: tuple[MainWindow, SyncSignalsSource],
) -> None:
    window, _sync = window_and_sync
    window.show_attention()
    page = window.feature_widget("attention")
    rows = page.model.rows()
    window.show_scan_message("This looks like a payment card.")
    assert page.model.rows() == rows
    assert page.notice.isVisible() and "payment card" in page.notice.text()
