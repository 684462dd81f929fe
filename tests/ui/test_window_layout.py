"""Both tablet orientations lay out without clipping; touch targets are big enough; TRAINING shows."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from storeassist.features import ASSOCIATE_FEATURES
from storeassist.services.view_customer import ShownCustomer
from storeassist.ui.background import OpRunner
from storeassist.ui.kiosk_window import KioskWindow
from storeassist.ui.main_window import MainWindow
from storeassist.ui.resources import load_theme

pytestmark = pytest.mark.gui

SIZES = [(1280, 800), (800, 1280)]
MIN_TOUCH_PX = 44


class NoLookups:
    async def identify_by_token(self, text: str, store_id: int) -> None:
        raise AssertionError("not used here")


@pytest.fixture(autouse=True)
def theme(qapp):  # type: ignore[no-untyped-def]
    load_theme(qapp)
    yield
    qapp.setStyleSheet("")


def _visible(window: QWidget, kind: type) -> list[Any]:
    return [w for w in window.findChildren(kind) if w.isVisibleTo(window) and w.isVisible()]


def _scrolls(widget: QWidget) -> bool:
    """Inside a scroll area's page: it may run below the window, never past its sides."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _assert_inside(window: QWidget) -> None:
    frame = QRect(QPoint(0, 0), window.size())
    for widget in _visible(window, QWidget):
        top_left = widget.mapTo(window, QPoint(0, 0))
        rect = QRect(top_left, widget.size())
        name = widget.objectName() or type(widget).__name__
        if _scrolls(widget):
            assert rect.left() >= 0 and rect.right() <= frame.right(), f"{name} sticks out sideways: {rect}"
        else:
            assert frame.contains(rect), f"{name} sticks out: {rect}"


def _assert_labels_fit(window: QWidget) -> None:
    for label in _visible(window, QLabel):
        if not label.text() or type(label) is not QLabel:
            continue
        if label.wordWrap():
            needed = label.heightForWidth(label.width())
            assert label.height() >= needed - 1, f"wrapped label cut short: {label.text()!r}"
            continue
        hint = label.sizeHint()
        assert label.width() >= hint.width() - 1, f"clipped label {label.text()!r}"


def _assert_touch_targets(window: QWidget) -> None:
    for target in _visible(window, QAbstractButton) + _visible(window, QLineEdit):
        assert target.height() >= MIN_TOUCH_PX, f"{target.text()!r} is only {target.height()} px high"
        if isinstance(target, QAbstractButton):
            # Measured in bold: a checked or primary button is drawn bold and must still fit.
            bold = QFont(target.font())
            bold.setBold(True)
            needed = QFontMetrics(bold).horizontalAdvance(target.text()) + 2 * 12
            assert target.width() >= needed, f"button {target.text()!r} is clipped"


def _show(qtbot: QtBot, window: QWidget, size: tuple[int, int]) -> None:
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    # Deliver pending layout requests (nested layouts settle one level per pass).
    for _ in range(5):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


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
@pytest.mark.parametrize("screen", ["pickups", "returns", "stock"])
def test_coming_later_screens_fit_and_say_so(
    qtbot: QtBot, size: tuple[int, int], screen: str, fake_device
) -> None:
    window = MainWindow(OpRunner(), ASSOCIATE_FEATURES, training=False)
    window.attach_device(fake_device(NoLookups(), store_name="Aarhus C"))
    window.show_screen(window.feature_widget(screen))
    _show(qtbot, window, size)
    assert not window.training_bar.isVisible()
    assert "later release" in window.feature_widget(screen).badge.text()
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
