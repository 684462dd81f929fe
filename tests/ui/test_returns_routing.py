"""The Returns screen in the window: a scanned receipt opens it; while it shows, an order code is
for a return (elsewhere it opens the pickup); a badge scanned while a manager's approval waits is
the manager's, not a sign-in — read by a scanner or by the tablet's camera, opened over the screen;
and "Take back" on a profile's recent order opens that order on Returns for that customer (only an
order the customer has received, less what was cancelled or brought back)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from fake_devices import FAKE_NOW, FakePickupDesk, pickup_order
from fake_returns import MANAGER_BADGE, FakeReturnDesk, returnable_order
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storeassist.contract import Order, OrderLine
from storeassist.features import ASSOCIATE_FEATURES
from storeassist.scanning import ScanRouter
from storeassist.services.view_customer import ShownCustomer
from storeassist.ui.background import OpRunner
from storeassist.ui.main_window import MainWindow
from storeassist.ui.returns_screen import ReturnsScreen

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

WAIT_MS = 5_000
RECEIPT = "SA1.purchase-receipt"
ORDER_CODE = "SA1.order-code"


class NoLookups:
    async def identify_by_token(self, text: str, store_id: int) -> None:
        raise AssertionError("not used here")


class Window:
    def __init__(self, qtbot: QtBot, fake_device: Any, desk: FakeReturnDesk) -> None:
        self.qtbot, self.desk = qtbot, desk
        self.runner = OpRunner()
        self.window: MainWindow[Any] = MainWindow(self.runner, ASSOCIATE_FEATURES, training=False)
        qtbot.addWidget(self.window)
        self.pickups = FakePickupDesk([pickup_order(number="P-7001")], order_codes={ORDER_CODE: "P-7001"})
        self.window.attach_device(fake_device(NoLookups(), returns=desk, pickups=self.pickups))
        self.router = ScanRouter()
        self.window.connect_router(self.router)
        self.window.resize(1280, 800)
        self.window.show()
        qtbot.waitExposed(self.window)
        screen = self.window.feature_widget("returns")
        assert isinstance(screen, ReturnsScreen)
        self.returns = screen

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.runner.busy, timeout=WAIT_MS)

    def open(self, kind: str, text: str) -> None:
        self.window.open(kind, text)  # type: ignore[arg-type]
        self.settle()


@pytest.fixture
def tablet(qtbot: QtBot, fake_device: Any) -> Window:
    desk = FakeReturnDesk(codes={RECEIPT: "W10000123", ORDER_CODE: "W10000123"})
    return Window(qtbot, fake_device, desk)


def test_a_receipt_scanned_anywhere_opens_returns(tablet: Window) -> None:
    with tablet.qtbot.waitSignal(tablet.returns.order_shown, timeout=WAIT_MS):
        tablet.open("receipt", RECEIPT)
    assert tablet.window.screens.currentWidget() is tablet.returns
    assert tablet.window.nav_buttons[tablet.returns].isChecked()
    assert tablet.returns.order.receipt_pill.text() == "With receipt"


def test_an_order_code_is_a_returns_while_returns_shows_and_a_pickup_elsewhere(tablet: Window) -> None:
    tablet.open("order", ORDER_CODE)
    pickups = tablet.window.feature_widget("pickups")
    assert tablet.window.screens.currentWidget() is pickups

    tablet.window.show_screen(tablet.returns)
    tablet.open("order", ORDER_CODE)
    assert tablet.window.screens.currentWidget() is tablet.returns
    assert tablet.desk.lookups == [(ORDER_CODE, None)]
    assert tablet.returns.opened is not None and tablet.returns.opened.order.with_receipt


def test_a_badge_while_a_manager_is_asked_is_the_managers_not_a_sign_in(tablet: Window) -> None:
    tablet.desk.orders = [returnable_order(days_ago=40)]
    tablet.open("receipt", RECEIPT)
    row = tablet.returns.order.rows[0]
    row.stepper.set_value(1)
    row.reason.setCurrentIndex(row.reason.findData("wrong_size"))
    row.condition.setCurrentIndex(row.condition.findData("resellable"))
    tablet.qtbot.mouseClick(tablet.returns.order.take_button, Qt.MouseButton.LeftButton)
    assert tablet.returns.pages.currentWidget() is tablet.returns.approval

    tablet.router.route(_badge())
    assert tablet.window.screens.currentWidget() is tablet.returns
    assert tablet.returns.approval.has_badge

    tablet.returns.pages.setCurrentWidget(tablet.returns.order)
    tablet.router.route(_badge())
    assert tablet.window.screens.currentWidget() is tablet.window.sign_in_page


def _ask_a_manager(tablet: Window) -> None:
    tablet.desk.orders = [returnable_order(days_ago=40)]
    tablet.open("receipt", RECEIPT)
    row = tablet.returns.order.rows[0]
    row.stepper.set_value(1)
    row.reason.setCurrentIndex(row.reason.findData("wrong_size"))
    row.condition.setCurrentIndex(row.condition.findData("resellable"))
    tablet.qtbot.mouseClick(tablet.returns.order.take_button, Qt.MouseButton.LeftButton)
    assert tablet.returns.pages.currentWidget() is tablet.returns.approval


def _camera_reads(tablet: Window, text: str) -> None:
    """The Camera button, then the camera reading ``text`` (through the window's scan router)."""
    tablet.qtbot.mouseClick(tablet.window.camera_button, Qt.MouseButton.LeftButton)
    camera = tablet.window.camera_page
    assert tablet.window.screens.currentWidget() is camera and camera.panel is not None
    camera.panel.scanned.emit(text)  # type: ignore[attr-defined]
    tablet.settle()


def test_a_managers_badge_read_by_the_camera_over_the_approval_is_the_managers(tablet: Window) -> None:
    _ask_a_manager(tablet)
    _camera_reads(tablet, _badge())

    assert tablet.window.screens.currentWidget() is tablet.returns
    assert tablet.returns.pages.currentWidget() is tablet.returns.approval
    assert tablet.returns.approval.has_badge
    assert not tablet.window.sign_in_page.isVisible()


def test_an_order_code_read_by_the_camera_over_returns_is_a_return(tablet: Window) -> None:
    code = _order_code(9001)
    tablet.desk.codes[code] = "W10000123"
    tablet.window.show_screen(tablet.returns)
    with tablet.qtbot.waitSignal(tablet.returns.order_shown, timeout=WAIT_MS):
        _camera_reads(tablet, code)

    assert tablet.window.screens.currentWidget() is tablet.returns
    assert tablet.window.nav_buttons[tablet.returns].isChecked()
    assert tablet.desk.lookups == [(code, None)]


def test_a_badge_read_by_the_camera_elsewhere_signs_in(tablet: Window) -> None:
    tablet.window.show_screen(tablet.window.feature_widget("stock"))
    _camera_reads(tablet, _badge())
    assert tablet.window.screens.currentWidget() is tablet.window.sign_in_page


def _order_code(order_id: int) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from storeassist.domain.tokens import TokenKind, sign_token

    return sign_token(Ed25519PrivateKey.generate(), 1, TokenKind.ORDER, order_id, 0)


def _badge() -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from storeassist.domain.tokens import TokenKind, sign_token

    return sign_token(Ed25519PrivateKey.generate(), 1, TokenKind.STAFF_BADGE, 7, 1)


def _recent(
    number: str, *, status: str = "delivered", returned: int = 0, cancelled: int = 0, fulfilment: str = "ship"
) -> Order:
    return Order(
        id=9100 + len(number),
        number=number,
        customer_id=42,
        channel="web",
        placed_at=FAKE_NOW - timedelta(days=5),
        status=status,
        fulfilment=fulfilment,  # type: ignore[arg-type]
        total_cents=8000,
        lines=[
            OrderLine(
                line_no=1,
                sku="SKU-1",
                name="Organic cotton tee",
                qty=2,
                price_cents=4000,
                qty_returned=returned,
                qty_cancelled=cancelled,
            )
        ],
    )


def test_take_back_on_a_profiles_recent_order_opens_it_on_returns_for_that_customer(
    tablet: Window, profile_factory: Any
) -> None:
    profile = profile_factory().model_copy(
        update={
            "recent_orders": [
                _recent("W10000123"),
                _recent("W10000124", status="cancelled"),
                _recent("W10000125", returned=2),
                _recent("W10000126", status="shipped"),  # still on its way to the customer
                _recent("W10000127", returned=1, cancelled=1),
                _recent("W10000128", status="ready", fulfilment="bopis"),  # not collected yet
            ]
        }
    )
    customer = tablet.window.feature_widget("customer")
    customer.show_customer(
        ShownCustomer(profile, "online", profile.as_of, role="associate", see_lifetime_value=False)
    )
    section = customer.profile.orders_section
    # Nothing the customer has is left to bring back on the others.
    assert section.isVisible() and section.numbers == ["W10000123"]
    row = section.view.visualRect(section.model.index(0, 0))
    assert row.height() > 0 and section.view.height() >= row.height()

    with tablet.qtbot.waitSignal(tablet.returns.order_shown, timeout=WAIT_MS):
        tablet.qtbot.mouseClick(section.view.viewport(), Qt.MouseButton.LeftButton, pos=row.center())
    tablet.settle()
    assert tablet.window.screens.currentWidget() is tablet.returns
    assert tablet.desk.lookups == [("W10000123", 42)]
    assert tablet.returns.order.receipt_pill.text() == "Without receipt"


def test_a_profile_with_nothing_to_bring_back_shows_no_recent_orders(
    tablet: Window, profile_factory: Any
) -> None:
    profile = profile_factory()
    customer = tablet.window.feature_widget("customer")
    customer.show_customer(
        ShownCustomer(profile, "online", profile.as_of, role="associate", see_lifetime_value=False)
    )
    assert not customer.profile.orders_section.isVisible()


def test_a_manager_badge_code_is_never_shown_or_logged(
    tablet: Window, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="storeassist")
    tablet.desk.orders = [returnable_order(days_ago=40)]
    tablet.open("receipt", RECEIPT)
    row = tablet.returns.order.rows[0]
    row.stepper.set_value(1)
    row.reason.setCurrentIndex(row.reason.findData("wrong_size"))
    row.condition.setCurrentIndex(row.condition.findData("resellable"))
    tablet.qtbot.mouseClick(tablet.returns.order.take_button, Qt.MouseButton.LeftButton)
    tablet.window.open("badge", MANAGER_BADGE)
    approval = tablet.returns.approval
    approval.pin.setText("2468")
    approval.reason.setText("Customer was abroad")
    with tablet.qtbot.waitSignal(tablet.returns.receipt_shown, timeout=WAIT_MS):
        tablet.qtbot.mouseClick(approval.approve_button, Qt.MouseButton.LeftButton)
    tablet.settle()
    assert MANAGER_BADGE not in caplog.text and "2468" not in caplog.text
    assert tablet.returns.receipt.approved.text() == "Approved by Morgan Manager"
