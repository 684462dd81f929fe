"""Training mode sets itself up inside the window: practice store, practice hub, enrollment."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from storeassist.app import build_associate_app
from storeassist.config import Settings

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

SETUP_TIMEOUT_MS = 90_000


def test_first_training_start_shows_progress_then_a_practice_scan_finds_a_customer(
    qtbot: QtBot, tmp_path: Path, memory_keyring
) -> None:
    built = build_associate_app(
        Settings(device_name="training test"), tmp_path, training=True, keyring_backend=memory_keyring
    )
    window, router, startup = built.window, built.router, built.startup
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)

    startup.begin()
    # The window is up and says what it is doing while the practice store is generated.
    assert window.pages.currentWidget() is window.startup_page
    qtbot.waitUntil(lambda: "practice store" in window.startup_page.step.text())
    with qtbot.waitSignal(window.ready, timeout=SETUP_TIMEOUT_MS):
        pass
    assert window.training_bar.isVisible()
    assert "(practice)" in window.status_area.store_label.text()
    assert (tmp_path / "training" / "hub.sqlite").is_file()
    assert memory_keyring.secrets[("storeassist", "training-device")]

    # A practice scan at once: it waits for training's practice sign-in instead of being refused.
    task = asyncio.ensure_future(startup.practice_loyalty_code())
    qtbot.waitUntil(task.done, timeout=SETUP_TIMEOUT_MS)
    router.route(task.result())
    screen = window.feature_widget("customer")
    qtbot.waitUntil(lambda: bool(screen.name.text()) or screen.notice.isVisible(), timeout=SETUP_TIMEOUT_MS)
    assert not screen.notice.isVisible(), screen.notice.text()
    assert screen.points.text().endswith("points")
    assert startup.services.staff.current.role == "associate"  # training starts signed in
    assert startup.services.staff.current.name.split()[0] in window.status_area.staff_button.text()

    closing = asyncio.ensure_future(startup.aclose())
    qtbot.waitUntil(closing.done, timeout=SETUP_TIMEOUT_MS)
    closing.result()
