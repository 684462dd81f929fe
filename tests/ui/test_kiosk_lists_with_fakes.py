"""The associates' side of the kiosk with fake desks: the returns shoppers started at the kiosk on the
Returns find page (opened with their lines and reasons chosen; offline, said), and the shoppers'
hold requests on the Stock screen's holds page with Done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fake_devices import FAKE_NOW
from fake_returns import RECEIPT, WAIT_MS, Counter, FakeReturnDesk
from fake_stock import FakeStockDesk
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storeassist.contract import AssistRequest, KioskReturn, KioskReturnChoice
from storeassist.ui.background import OpRunner
from storeassist.ui.stock_screen import StockScreen

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]


def _started() -> KioskReturn:
    return KioskReturn(
        id=7,
        reference="K-4821",
        order_number="W10000123",
        code=RECEIPT,
        lines=[KioskReturnChoice(line_no=1, qty=1, reason="wrong_size")],
        at=FAKE_NOW - timedelta(minutes=5),
    )


def test_a_return_started_at_the_kiosk_opens_with_the_shoppers_choices(qtbot: QtBot) -> None:
    desk = FakeReturnDesk(codes={RECEIPT: "W10000123"}, kiosk_list=[_started()])
    counter = Counter(qtbot, desk)
    counter.settle()
    find = counter.screen.find_page
    assert find.kiosk_section.isVisible() and list(find.kiosk_buttons) == [7]

    with qtbot.waitSignal(counter.screen.order_shown, timeout=WAIT_MS):
        counter.tap(find.kiosk_buttons[7])
    row = next(r for r in counter.screen.order.rows if r.line.line_no == 1)
    assert (row.qty, row.reason.currentData(), row.condition.currentData()) == (1, "wrong_size", None)
    assert "K-4821" in counter.screen.order.result.text()
    row.condition.setCurrentIndex(row.condition.findData("resellable"))
    with qtbot.waitSignal(counter.screen.receipt_shown, timeout=WAIT_MS):
        counter.tap(counter.screen.order.take_button)
    assert list(desk.finished_kiosk.values()) == [7]
    with qtbot.waitSignal(counter.screen.kiosk_returns_shown, timeout=WAIT_MS) as shown:
        counter.tap(counter.screen.receipt.done_button)
    assert shown.args == [0] and not find.kiosk_section.isVisible()


def test_offline_the_kiosks_returns_are_said_to_need_the_back_office(qtbot: QtBot) -> None:
    desk = FakeReturnDesk(codes={RECEIPT: "W10000123"}, kiosk_list=[_started()], online=False)
    counter = Counter(qtbot, desk)
    counter.settle()
    find = counter.screen.find_page
    assert find.kiosk_section.isVisible() and find.kiosk_buttons == {}


def test_a_shoppers_hold_request_is_listed_and_done(qtbot: QtBot) -> None:
    from fake_devices import FakeDevice

    from storeassist.services.view_customer import ViewCustomer

    class NoLookups:
        async def identify_by_token(self, text: str, store_id: int) -> None:
            raise AssertionError("not used here")

    desk = FakeStockDesk(
        assist_list=[
            AssistRequest(
                id=3,
                kind="hold",
                sku="TEE-M-NAVY",
                product_name="Organic tee",
                size="M",
                colour="Navy",
                qty=2,
                at=FAKE_NOW - timedelta(minutes=2),
            )
        ]
    )
    runner = OpRunner()
    screen = StockScreen(runner, clock=lambda: FAKE_NOW)
    qtbot.addWidget(screen)
    screen.attach(FakeDevice(ViewCustomer(NoLookups(), 1, lambda: "associate"), stock_desk=desk))
    screen.show()
    with qtbot.waitSignal(screen.requests_shown, timeout=WAIT_MS) as shown:
        screen.show_holds()
    assert shown.args == [1]
    row = screen.holds.request_rows[3]
    done = next(b for b in row.findChildren(type(screen.holds.back_button)) if b.text() == "Done")
    with qtbot.waitSignal(screen.requests_shown, timeout=WAIT_MS) as again:
        qtbot.mouseClick(done, Qt.MouseButton.LeftButton)
    assert again.args == [0] and desk.assists_done == [3]
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT_MS)
