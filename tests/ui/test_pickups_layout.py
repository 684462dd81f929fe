"""Every page of the pickup counter fits the tablet in both orientations: nothing clipped or sticking
out, touch targets big enough, with the longest things it shows (all pills, a named proxy, a
notice, substitutes, a refused receipt)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fake_devices import FAKE_NOW, FakePickupDesk, pickup_order
from layout_checks import assert_inside, assert_labels_fit, assert_touch_targets, show_at
from pytestqt.qtbot import QtBot

from storeassist.contract import PickupVerification
from storeassist.domain.pickups import HandoverReceipt, OpenedPickup, ReceiptLine, SubstituteOption
from storeassist.features import ASSOCIATE_FEATURES
from storeassist.ui.background import OpRunner
from storeassist.ui.main_window import MainWindow
from storeassist.ui.overlay_pages import result_sentence
from storeassist.ui.pickups_screen import PickupsScreen
from storeassist.ui.resources import load_theme

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

SIZES = [(1280, 800), (800, 1280)]


class NoLookups:
    async def identify_by_token(self, text: str, store_id: int) -> None:
        raise AssertionError("not used here")


@pytest.fixture(autouse=True)
def theme(qapp):  # type: ignore[no-untyped-def]
    load_theme(qapp)
    yield
    qapp.setStyleSheet("")


def _long_order() -> Any:
    order = pickup_order(
        name="Maria Fernanda Jensen-Østergaard",
        proxy="Christopher Alexander Østergaard-Whitfield",
        waiting_since=FAKE_NOW - timedelta(minutes=25),
        lines=tuple((f"SKU-{n}", f"Merino wool long-sleeve base layer {n}", 3) for n in range(8)),
        paid=False,
    )
    return order.model_copy(update={"pickup_locked": True})


def _queue(screen: PickupsScreen) -> None:
    screen.refresh()


def _order(screen: PickupsScreen) -> None:
    screen._show_opened(OpenedPickup(_long_order(), "cache", None, True))


def _arriving(screen: PickupsScreen) -> None:
    """On its way, waiting to sync, with the bin refused: every part of the arrival panel shows."""
    order = _long_order().model_copy(update={"pickup_state": "placed", "pickup_bin": None})
    screen._show_opened(OpenedPickup(order, "cache", None, True))
    screen.order.arrival.bin.setText("Back room shelf")
    screen.order.arrival.show_message(result_sentence("bin_invalid", {"order_number": order.number}))


def _verify(screen: PickupsScreen) -> None:
    _order(screen)
    screen.verify.start(_long_order())
    screen.pages.setCurrentWidget(screen.verify)
    screen.verify.proxy_method.click()
    screen.verify.show_message("The person collecting is not the one the customer named for order #P-7001.")


def _handover(screen: PickupsScreen) -> None:
    _order(screen)
    order = _long_order()
    options = [SubstituteOption("SKU-X", "Merino", "XXL", "Charcoal heather", 12)]
    screen.handover.start(
        order,
        PickupVerification(method="photo_id", document_type="passport", document_last="K7Q2"),
        lambda _line: options,
    )
    screen.handover.rows[0].stepper.set_value(1)
    screen.handover.rows[0].rest.setCurrentIndex(3)
    screen.pages.setCurrentWidget(screen.handover)
    screen.handover.show_message("Ask the customer to type their name or sign before you hand over.")


def _receipt(screen: PickupsScreen) -> None:
    lines = tuple(
        ReceiptLine(n, f"Merino wool long-sleeve base layer {n}", "XL", "Charcoal heather", 2, 1, 0)
        for n in range(6)
    )
    receipt = HandoverReceipt(
        order_id=7001,
        order_number="P-7001",
        lines=lines,
        at=FAKE_NOW,
        staff_name="Sam Associate",
        status="conflict",
        reference="x",
        pickup_state="collected",
        points_credited=None,
        code="order_already_collected",
        params={"order_number": "P-7001", "at": FAKE_NOW.isoformat(), "by_device": "Counter tablet 2"},
    )
    screen.receipt.show_receipt(receipt)
    screen.pages.setCurrentWidget(screen.receipt)


def _restock(screen: PickupsScreen) -> None:
    order = pickup_order(deadline=FAKE_NOW - timedelta(days=3), lines=(("A", "Rain jacket", 2),))
    screen.restock.show_task(order, FAKE_NOW)
    screen.pages.setCurrentWidget(screen.restock)


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
@pytest.mark.parametrize(
    "page",
    [_queue, _order, _arriving, _verify, _handover, _receipt, _restock],
    ids=lambda f: f.__name__[1:],
)
def test_every_pickup_page_fits_the_tablet(
    qtbot: QtBot, fake_device: Any, size: tuple[int, int], page: Callable[[PickupsScreen], None]
) -> None:
    orders = [
        pickup_order(n, f"P-{n}", name=f"Customer number {n} with a long name") for n in range(7001, 7040)
    ]
    window = MainWindow(OpRunner(), ASSOCIATE_FEATURES, training=True)
    window.attach_device(
        fake_device(NoLookups(), store_name="Aarhus C", pickups=FakePickupDesk(orders=orders))
    )
    screen = window.feature_widget("pickups")
    assert isinstance(screen, PickupsScreen)
    screen.clock = lambda: FAKE_NOW
    window.show_screen(screen)
    page(screen)
    show_at(qtbot, window, size)
    assert window.size().width() == size[0], "something forced the window wider than the tablet"
    assert_inside(window)
    assert_labels_fit(window)
    assert_touch_targets(window)
