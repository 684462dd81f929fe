"""Every page of the returns counter fits the tablet in both orientations: nothing clipped or
sticking out, touch targets big enough, with the longest things it shows (long product names,
every line's inputs and an exchange open, a manager needed, an offline order, a refused receipt)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fake_devices import FAKE_NOW
from fake_returns import RECEIPT_CODE, FakeReturnDesk, line, returnable_order
from layout_checks import assert_inside, assert_labels_fit, assert_touch_targets, show_at
from pytestqt.qtbot import QtBot

from storeassist.domain.return_desk import ExchangeOption, OpenedReturn, ReturnReceipt
from storeassist.domain.returns import DEFAULT_POLICY, ReturnRequest, UnitReturn, decide_return, line_verdicts
from storeassist.features import ASSOCIATE_FEATURES
from storeassist.ui.background import OpRunner
from storeassist.ui.main_window import MainWindow
from storeassist.ui.resources import load_theme
from storeassist.ui.returns_screen import ReturnsScreen

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

SIZES = [(1280, 800), (800, 1280)]
LONG = "Merino wool long-sleeve base layer with thumb loops"


class NoLookups:
    async def identify_by_token(self, text: str, store_id: int) -> None:
        raise AssertionError("not used here")


@pytest.fixture(autouse=True)
def theme(qapp):  # type: ignore[no-untyped-def]
    load_theme(qapp)
    yield
    qapp.setStyleSheet("")


def _order(days_ago: int = 10) -> Any:
    lines = [line(n, f"{LONG} {n}", qty=3, size="XXL", colour="Charcoal heather") for n in range(1, 5)]
    lines.append(line(5, "Wool socks", category="Underwear", size=None, colour=None))
    return returnable_order(lines=lines, days_ago=days_ago, tenders=(("card", 40_000), ("gift_card", 24_000)))


def _opened(
    screen: ReturnsScreen, desk: FakeReturnDesk, *, days_ago: int = 10, source: str = "online"
) -> None:
    order = _order(days_ago).model_copy(update={"with_receipt": True})
    verdicts = line_verdicts(_facts(order), DEFAULT_POLICY, FAKE_NOW, with_receipt=True)
    screen.show_opened(OpenedReturn(order, verdicts, source, waiting_to_sync=source == "cache"))  # type: ignore[arg-type]
    for row in screen.order.rows[:2]:
        row.stepper.set_value(row.stepper.maximum)
        row.reason.setCurrentIndex(row.reason.findData("not_as_described"))
        row.condition.setCurrentIndex(row.condition.findData("opened"))


def _facts(order: Any) -> Any:
    from storeassist.domain.return_desk import order_facts

    return order_facts(order)


def _find(screen: ReturnsScreen, desk: FakeReturnDesk) -> None:
    screen.show_message("This code's signature does not check out. It was not issued by us.")
    screen.find_page.show_message(
        "Type the order number as it is on the receipt or in the customer's e-mail."
    )


def _order_page(screen: ReturnsScreen, desk: FakeReturnDesk) -> None:
    _opened(screen, desk)


def _exchange(screen: ReturnsScreen, desk: FakeReturnDesk) -> None:
    _opened(screen, desk)
    screen.order.method.buttons["exchange"].click()


def _manager(screen: ReturnsScreen, desk: FakeReturnDesk) -> None:
    _opened(screen, desk, days_ago=45)
    screen.order.show_message(
        "The back office cannot be reached: this tablet takes back at most $100.00 while offline."
    )


def _offline(screen: ReturnsScreen, desk: FakeReturnDesk) -> None:
    _opened(screen, desk, source="cache")


def _approval(screen: ReturnsScreen, desk: FakeReturnDesk) -> None:
    _opened(screen, desk, days_ago=45)
    screen.order.take_button.click()
    screen.approval.show_message("That badge, staff number or PIN was not accepted. Try again.")


def _receipt(screen: ReturnsScreen, desk: FakeReturnDesk, status: str = "confirmed") -> None:
    order = _order()
    units = tuple(UnitReturn(n, 3, "wrong_size", "resellable") for n in range(1, 5))
    decision = decide_return(
        _facts(order), ReturnRequest(units, "original_tender", True), DEFAULT_POLICY, FAKE_NOW
    )
    receipt = ReturnReceipt(
        status=status,  # type: ignore[arg-type]
        order_number=order.number,
        decision=decision,
        return_id="9b1c0c52-0000-4000-8000-000000000001",
        taken_at=FAKE_NOW,
        receipt_code=RECEIPT_CODE + "x" * 80 if status == "confirmed" else None,
        approved_by="Morgan Alexandra Manager-Whitfield",
        code="more_than_returnable" if status == "conflict" else None,
        params={"order_number": order.number, "line_no": 1, "asked": 3, "returnable": 0}
        if status == "conflict"
        else None,
    )
    screen.receipt.show_receipt(receipt, order)
    screen.pages.setCurrentWidget(screen.receipt)


def _refused_receipt(screen: ReturnsScreen, desk: FakeReturnDesk) -> None:
    _receipt(screen, desk, "conflict")


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
@pytest.mark.parametrize(
    "page",
    [_find, _order_page, _exchange, _manager, _offline, _approval, _receipt, _refused_receipt],
    ids=lambda f: f.__name__[1:],
)
def test_every_returns_page_fits_the_tablet(
    qtbot: QtBot,
    fake_device: Any,
    size: tuple[int, int],
    page: Callable[[ReturnsScreen, FakeReturnDesk], None],
) -> None:
    desk = FakeReturnDesk(
        options={
            1: [
                ExchangeOption(
                    "X-1", LONG, "XXL", "Charcoal heather", 0, ((2, "Harbour Street Flagship", 3),)
                ),
                ExchangeOption("X-2", LONG, "XL", "Charcoal heather", 4),
            ]
        }
    )
    window = MainWindow(OpRunner(), ASSOCIATE_FEATURES, training=True)
    window.attach_device(fake_device(NoLookups(), store_name="Aarhus C", returns=desk))
    screen = window.feature_widget("returns")
    assert isinstance(screen, ReturnsScreen)
    window.show_screen(screen)
    page(screen, desk)
    show_at(qtbot, window, size)
    assert window.size().width() == size[0], "something forced the window wider than the tablet"
    assert_inside(window)
    assert_labels_fit(window)
    assert_touch_targets(window)


def test_a_receipt_seen_in_portrait_lets_the_window_go_back_to_landscape(
    qtbot: QtBot, fake_device: Any
) -> None:
    """The receipt scrolls: stacked under its lines in portrait, the QR made the screen's least
    height taller than a landscape tablet (the window then stayed 870 px high)."""
    window = MainWindow(OpRunner(), ASSOCIATE_FEATURES, training=True)
    window.attach_device(fake_device(NoLookups(), store_name="Aarhus C", returns=FakeReturnDesk()))
    screen = window.feature_widget("returns")
    assert isinstance(screen, ReturnsScreen)
    window.show_screen(screen)
    _receipt(screen, FakeReturnDesk())
    show_at(qtbot, window, (800, 1280))
    window.show_screen(window.feature_widget("customer"))
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (1280, 800))
