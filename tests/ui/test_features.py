"""The window routes by the feature list: a feature registered in a test gets its scans and its
navigation entry, with no change to the window."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from storeassist.features import ASSOCIATE_FEATURES
from storeassist.scanning import ScanRouter
from storeassist.ui.background import OpRunner
from storeassist.ui.features import Feature, OpenElsewhere, OpenKind
from storeassist.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

VALID_GTIN = "4006381333931"


class LabelScreen(QWidget):
    """A throwaway feature: remembers what it was given and shows the last scan."""

    def __init__(self, runner: OpRunner, open_elsewhere: OpenElsewhere) -> None:
        super().__init__()
        self.open_elsewhere = open_elsewhere
        self.services: Any = None
        self.scans: list[tuple[OpenKind, str]] = []
        self.staff_changes = 0
        self.label = QLabel("Labels")
        QVBoxLayout(self).addWidget(self.label)

    def attach(self, services: Any) -> None:
        self.services = services

    def handle_scan(self, kind: OpenKind, text: str) -> None:
        self.scans.append((kind, text))
        self.label.setText(f"Label for {text}")

    def show_message(self, text: str) -> None:
        self.label.setText(text)

    def staff_changed(self) -> None:
        self.staff_changes += 1


def _labels() -> str:
    return QCoreApplication.translate("test", "Labels")


LABELS = Feature("labels", _labels, LabelScreen, frozenset({"product"}))


@pytest.fixture
def window(qtbot: QtBot, fake_device: Any, no_lookups: Any) -> MainWindow[Any]:
    customer = next(feature for feature in ASSOCIATE_FEATURES if feature.key == "customer")
    window: MainWindow[Any] = MainWindow(OpRunner(), [customer, LABELS], training=False)
    qtbot.addWidget(window)
    window.attach_device(fake_device(no_lookups))
    window.resize(1280, 800)
    window.show()
    return window


@pytest.fixture
def no_lookups() -> Any:
    class NoLookups:
        def cached_customer(self, text: str) -> None:
            return None

        async def identify_by_token(self, text: str, store_id: int) -> Any:
            raise AssertionError("no customer scans here")

    return NoLookups()


def test_a_feature_registered_in_a_test_gets_its_scans_and_its_navigation_entry(
    window: MainWindow[Any],
) -> None:
    router = ScanRouter()
    window.connect_router(router)
    screen = window.feature_screens["labels"]
    assert isinstance(screen, LabelScreen)
    assert screen.services is not None, "attach_device gives every feature the device's services"

    router.route(VALID_GTIN)

    assert screen.scans == [("product", VALID_GTIN)]
    assert window.screens.currentWidget() is screen
    buttons = [b.text() for b in window.navigation.findChildren(QPushButton)]
    assert "Labels" in buttons and "Customer" in buttons
    assert "Pickups" not in buttons  # only what was registered


def test_a_code_no_feature_takes_is_explained_on_the_current_screen(window: MainWindow[Any]) -> None:
    router = ScanRouter()
    window.connect_router(router)
    window.open("order", "SA1.an-order-code")
    customer = window.feature_widget("customer")
    assert window.screens.currentWidget() is customer
    assert "no screen for that code" in customer.notice.text()


def test_a_screen_can_ask_for_another_features_thing_and_sign_in_changes_reach_every_feature(
    window: MainWindow[Any],
) -> None:
    screen = window.feature_screens["labels"]
    assert isinstance(screen, LabelScreen)
    screen.open_elsewhere("product", VALID_GTIN)  # e.g. a product tapped on another screen
    assert screen.scans == [("product", VALID_GTIN)]
    before = screen.staff_changes
    window._staff_changed(None)
    assert screen.staff_changes == before + 1


def test_two_features_with_one_key_are_refused(qtbot: QtBot) -> None:
    with pytest.raises(ValueError, match="labels"):
        MainWindow(OpRunner(), [LABELS, LABELS], training=False)


def test_the_profiles_open_pickup_opens_on_the_pickups_feature(
    qtbot: QtBot, fake_device: Any, no_lookups: Any
) -> None:
    from fake_devices import FakePickupDesk, pickup_order

    window: MainWindow[Any] = MainWindow(OpRunner(), ASSOCIATE_FEATURES, training=False)
    qtbot.addWidget(window)
    window.attach_device(fake_device(no_lookups, pickups=FakePickupDesk([pickup_order(number="B-2001")])))
    pickups = window.feature_widget("pickups")
    with qtbot.waitSignal(pickups.order_shown, timeout=5_000):
        window.open("order_number", "B-2001")
    assert window.screens.currentWidget() is pickups
    assert pickups.order.title.text() == "Pickup order #B-2001"
    assert window.nav_buttons[pickups].isChecked()
