"""The Camera button opens the camera as a scanner; what it reads goes through the same router."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from storeassist.features import ASSOCIATE_FEATURES
from storeassist.scanning import ScanRouter
from storeassist.ui.background import OpRunner
from storeassist.ui.main_window import MainWindow
from storeassist.ui.resources import load_theme

pytestmark = pytest.mark.gui

VALID_GTIN = "4006381333931"


class _NoLookups:
    def cached_customer(self, text: str) -> None:
        return None

    async def identify_by_token(self, text: str, store_id: int) -> Any:
        raise AssertionError("not used here")


@pytest.fixture
def window(qtbot: QtBot, qapp: Any, fake_device: Any) -> Iterator[MainWindow]:
    load_theme(qapp)
    window = MainWindow(OpRunner(), ASSOCIATE_FEATURES, training=False)
    qtbot.addWidget(window)
    router = ScanRouter()
    window.connect_router(router)
    window.attach_device(fake_device(_NoLookups()))
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    yield window
    qapp.setStyleSheet("")


def test_the_camera_button_opens_the_camera_page_and_back_returns(qtbot: QtBot, window: MainWindow) -> None:
    window.show_screen(window.feature_widget("stock"))
    window.camera_button.click()

    assert window.screens.currentWidget() is window.camera_page
    assert window.camera_page.panel is not None and window.camera_page.panel.isVisible()
    assert not any(button.isChecked() for button in window.nav_buttons.values())
    assert window.camera_button.height() >= 44

    window.camera_page.closed.emit()
    assert window.screens.currentWidget() is window.feature_widget("stock")
    assert window.nav_buttons[window.feature_widget("stock")].isChecked()


def test_a_code_the_camera_reads_is_routed_like_a_scanner_scan(qtbot: QtBot, window: MainWindow) -> None:
    window.camera_button.click()
    assert window.camera_page.panel is not None

    window.camera_page.panel.scanned.emit(VALID_GTIN)  # type: ignore[attr-defined]

    assert window.screens.currentWidget() is window.feature_widget("stock")
    assert VALID_GTIN in window.feature_widget("stock").notice.text()


def test_a_refused_camera_read_is_explained_on_the_camera_page(qtbot: QtBot, window: MainWindow) -> None:
    window.camera_button.click()
    assert window.camera_page.panel is not None

    window.camera_page.panel.scanned.emit("\x1b[31mnot a code\x00")  # type: ignore[attr-defined]

    assert window.screens.currentWidget() is window.camera_page
    assert window.camera_page.notice.isVisible() and window.camera_page.notice.text()
