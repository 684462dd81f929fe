"""Both tablet orientations lay out without clipping; touch targets are big enough; TRAINING shows."""

from __future__ import annotations

import pytest
from layout_checks import assert_inside as _assert_inside
from layout_checks import assert_labels_fit as _assert_labels_fit
from layout_checks import assert_touch_targets as _assert_touch_targets
from layout_checks import show_at as _show
from pytestqt.qtbot import QtBot

from storeassist.features import ASSOCIATE_FEATURES
from storeassist.services.view_customer import ShownCustomer
from storeassist.ui.background import OpRunner
from storeassist.ui.kiosk_window import KioskWindow
from storeassist.ui.main_window import MainWindow
from storeassist.ui.resources import load_theme

pytestmark = pytest.mark.gui

SIZES = [(1280, 800), (800, 1280)]


class NoLookups:
    async def identify_by_token(self, text: str, store_id: int) -> None:
        raise AssertionError("not used here")


@pytest.fixture(autouse=True)
def theme(qapp):  # type: ignore[no-untyped-def]
    load_theme(qapp)
    yield
    qapp.setStyleSheet("")


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
def test_customer_screen_with_a_customer_fits(
    qtbot: QtBot, size: tuple[int, int], profile_factory, fake_device
) -> None:
    window = MainWindow(OpRunner(), ASSOCIATE_FEATURES, training=True)
    window.enable_practice_scan(lambda: None)
    window.attach_device(fake_device(NoLookups(), store_name="Aarhus C"))
    profile = profile_factory("Maria Fernanda Jensen-Østergaard")
    window.feature_widget("customer").show_customer(
        ShownCustomer(profile, "cache", profile.as_of, role="associate", see_lifetime_value=False)
    )
    window.feature_widget("customer").show_message(
        "This code has expired. Ask the customer to refresh the code in their app."
    )
    _show(qtbot, window, size)

    assert window.training_bar.isVisible()
    assert "TRAINING" in window.training_banner.text()
    assert window.size().width() == size[0], "something forced the window wider than the tablet"
    _assert_inside(window)
    _assert_labels_fit(window)
    _assert_touch_targets(window)


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
def test_the_returns_screen_waiting_for_a_scan_fits(qtbot: QtBot, size: tuple[int, int], fake_device) -> None:
    window = MainWindow(OpRunner(), ASSOCIATE_FEATURES, training=False)
    window.attach_device(fake_device(NoLookups(), store_name="Aarhus C"))
    screen = window.feature_widget("returns")
    window.show_screen(screen)
    screen.show_message(
        "This tablet is not ready for returns yet. Wait until it is connected, then scan again."
    )
    _show(qtbot, window, size)
    assert not window.training_bar.isVisible()
    assert screen.pages.currentWidget() is screen.find_page
    _assert_inside(window)
    _assert_labels_fit(window)
    _assert_touch_targets(window)


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
def test_enrollment_page_fits(qtbot: QtBot, size: tuple[int, int]) -> None:
    window = MainWindow(OpRunner(), ASSOCIATE_FEATURES, training=False)

    async def enroll(_url: str, _code: str) -> None:
        return None

    window.show_enrollment("https://hub.example.invalid", enroll)
    _show(qtbot, window, size)
    _assert_inside(window)
    _assert_labels_fit(window)
    _assert_touch_targets(window)


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
def test_kiosk_placeholder_fits(qtbot: QtBot, size: tuple[int, int], fake_device) -> None:
    window = KioskWindow(OpRunner(), training=True)
    window.attach_device(fake_device(NoLookups(), store_name="Aarhus C"))
    assert window.pages.currentWidget() is window.welcome
    _show(qtbot, window, size)
    _assert_inside(window)
    _assert_labels_fit(window)
