"""Every page of the Stock screen fits the tablet in both orientations (nothing clipped or sticking
out, touch targets big enough) with long names, an uncertain count, notes and refusals; and a
loyalty code scanned while a hold form is open picks its customer instead of opening the Customer
screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fake_devices import FAKE_NOW, FakeDevice
from fake_stock import FakeStockDesk
from layout_checks import assert_inside, assert_labels_fit, assert_touch_targets, show_at
from pytestqt.qtbot import QtBot

from storeassist.domain.stock import ActionReceipt
from storeassist.features import ASSOCIATE_FEATURES
from storeassist.services.view_customer import ViewCustomer
from storeassist.ui.background import OpRunner
from storeassist.ui.main_window import MainWindow
from storeassist.ui.resources import load_theme
from storeassist.ui.stock_screen import StockScreen

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

SIZES = [(1280, 800), (800, 1280)]


class Found:
    def __init__(self, profile: Any) -> None:
        self.profile, self.source, self.as_of = profile, "online", datetime(2026, 3, 2, tzinfo=UTC)


class Customers:
    def __init__(self, profile: Any) -> None:
        self.profile = profile

    def cached_customer(self, text: str) -> None:
        return None

    async def identify_by_token(self, text: str, store_id: int) -> Found:
        return Found(self.profile)


@pytest.fixture(autouse=True)
def theme(qapp):  # type: ignore[no-untyped-def]
    load_theme(qapp)
    yield
    qapp.setStyleSheet("")


def _desk() -> FakeStockDesk:
    desk = FakeStockDesk()
    desk.products = [
        p.model_copy(update={"name": "Organic cotton heavyweight crew-neck tee with a long name"})
        for p in desk.products
    ]
    desk.catalog_filling = True
    for n, sku in enumerate(("TEE-NAV-M", "TEE-NAV-L", "TEE-WHI-S")):
        desk.hold_now(4242, sku, 1, 24 * (n + 1))
    desk.holds_list[2] = desk.holds_list[2].__class__(
        **{**desk.holds_list[2].__dict__, "status": "expired", "ended_at": FAKE_NOW}
    )
    return desk


def _search(screen: StockScreen) -> None:
    screen.search.field.setText("tea")
    screen.search.search_now()
    screen.search.show_unknown_code("4006381333931")


def _card(screen: StockScreen) -> None:
    screen.open_product("TEE-NAV-M")


def _hold(screen: StockScreen) -> None:
    screen.open_product("TEE-WHI-S")
    screen.card.hold_requested.emit()
    screen.hold_form.show_message(
        "Only 0 of TEE-WHI-S available to hold here; 1 asked. The hold was not placed."
    )


def _aisle(screen: StockScreen) -> None:
    screen.open_product("TEE-NAV-S")
    screen.card.order_requested.emit()
    screen.aisle_form.customer.choose(42, "Maria Fernanda Jensen-Østergaard")
    screen.aisle_form.finished(ActionReceipt("confirmed", "S-100245"))


def _holds(screen: StockScreen) -> None:
    screen.show_holds()


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
@pytest.mark.parametrize("page", [_search, _card, _hold, _aisle, _holds], ids=lambda f: f.__name__[1:])
def test_every_stock_page_fits_the_tablet(
    qtbot: QtBot, profile_factory: Any, size: tuple[int, int], page: Callable[[StockScreen], None]
) -> None:
    window = MainWindow(OpRunner(), ASSOCIATE_FEATURES, training=True)
    customers = Customers(profile_factory())
    finder = ViewCustomer(customers, 1, lambda: "associate")
    window.attach_device(FakeDevice(finder, store_name="Aarhus C", stock_desk=_desk()))
    screen = window.feature_widget("stock")
    assert isinstance(screen, StockScreen)
    screen.clock = lambda: FAKE_NOW
    window.show_screen(screen)
    page(screen)
    show_at(qtbot, window, size)
    qtbot.waitUntil(lambda: not window.runner.busy if hasattr(window, "runner") else True)
    assert window.size().width() == size[0], "something forced the window wider than the tablet"
    assert_inside(window)
    assert_labels_fit(window)
    assert_touch_targets(window)


def test_a_loyalty_scan_while_the_hold_form_is_open_picks_its_customer(
    qtbot: QtBot, profile_factory: Any
) -> None:
    runner = OpRunner()
    window = MainWindow(runner, ASSOCIATE_FEATURES, training=False)
    finder = ViewCustomer(Customers(profile_factory()), 1, lambda: "associate")
    window.attach_device(FakeDevice(finder, stock_desk=FakeStockDesk()))
    screen = window.feature_widget("stock")
    assert isinstance(screen, StockScreen)
    show_at(qtbot, window, (1280, 800))
    window.open("product", "TEE-WHI-L")
    screen.card.hold_requested.emit()

    window.open("loyalty", "SA1.loyalty-of-maria")
    qtbot.waitUntil(lambda: screen.hold_form.customer.chosen is not None, timeout=5_000)

    assert window.screens.currentWidget() is screen and screen.pages.currentWidget() is screen.hold_form
    assert screen.hold_form.customer.chosen == (42, "Maria Jensen")
    screen.show_search()
    assert not screen.takes_scan("loyalty")
