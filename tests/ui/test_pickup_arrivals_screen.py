"""An order on its way at the pickup counter, with desks that need no hub (``FakePickupDesk``,
``FakePickupArrivals``): it says "On its way", is put in a bin when it arrives and is then ready
to hand over; waiting to sync, a bad bin and another tablet's arrival first are said on screen.

The same path against the real hub is in ``tests/app/test_pickup_arrivals_hub.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from fake_devices import FAKE_NOW, FakePickupArrivals, FakePickupDesk, pickup_order
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storeassist.ui.background import OpRunner
from storeassist.ui.pickups_screen import PickupsScreen
from storeassist.ui.widgets import MIN_TOUCH_PX

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

WAIT_MS = 5_000


class NoLookups:
    def cached_customer(self, text: str) -> None:
        return None

    async def identify_by_token(self, text: str, store_id: int) -> Any:
        raise AssertionError("no customer scans here")


def _orders() -> list[Any]:
    return [
        pickup_order(7001, "P-7001", name="Maria Jensen"),
        pickup_order(7010, "W-7010", name="Ida Lund", state="placed", bin=None),
        pickup_order(7011, "W-7011", name="Per Vik", state="picking", bin=None),
    ]


class Counter:
    """The Pickups screen with fake desks, as the associate drives it."""

    def __init__(self, qtbot: QtBot, fake_device: Any, answer: str = "confirmed") -> None:
        self.qtbot = qtbot
        self.desk = FakePickupDesk(orders=_orders())
        self.arrivals = FakePickupArrivals(self.desk, answer=answer)
        self.runner = OpRunner()
        self.screen = PickupsScreen(self.runner, clock=lambda: FAKE_NOW)
        qtbot.addWidget(self.screen)
        self.screen.resize(1100, 760)
        self.screen.attach(fake_device(NoLookups(), pickups=self.desk, pickup_arrivals=self.arrivals))
        self.screen.show()
        qtbot.waitExposed(self.screen)
        self.settle()

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.runner.busy, timeout=WAIT_MS)

    def rows(self) -> list[Any]:
        return self.screen.queue.model.shown_rows()

    def open_row(self, number: str) -> None:
        [row] = [n for n, r in enumerate(self.rows()) if f"#{number}" in r.title]
        view = self.screen.queue.view
        rect = view.visualRect(self.screen.queue.model.index(row))
        with self.qtbot.waitSignal(self.screen.order_shown, timeout=WAIT_MS):
            self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        self.settle()

    def put_in_bin(self, text: str) -> Any:
        """Type the bin and tap "Arrived — put in bin"; the receipt the screen got."""
        panel = self.screen.order.arrival
        panel.bin.clear()
        self.qtbot.keyClicks(panel.bin, text)
        assert panel.arrive_button.isVisible() and panel.arrive_button.isEnabled()
        with self.qtbot.waitSignal(self.screen.arrival_recorded, timeout=WAIT_MS) as recorded:
            self.qtbot.mouseClick(panel.arrive_button, Qt.MouseButton.LeftButton)
        self.settle()
        return recorded.args[0]


def _facts(counter: Counter) -> list[str]:
    page = counter.screen.order
    return [w.text() for w in page.findChildren(type(page.title), "factValue")]


def test_an_order_on_its_way_is_put_in_a_bin_and_is_then_ready_to_hand_over(
    qtbot: QtBot, fake_device: Any
) -> None:
    counter = Counter(qtbot, fake_device)
    counter.open_row("W-7010")
    page = counter.screen.order
    panel = page.arrival
    assert panel.isVisible() and panel.title.text() == "On its way"
    assert "Order #W-7010 is not in the store yet" in panel.explain.text()
    assert not page.hand_over_button.isEnabled() and not page.notice.isVisible()
    assert not panel.arrive_button.isEnabled(), "no bin typed yet"
    assert panel.bin.height() >= MIN_TOUCH_PX and panel.arrive_button.height() >= MIN_TOUCH_PX
    assert panel.arrive_button.text() == "Arrived — put in bin"

    receipt = counter.put_in_bin(" B-7 ")

    assert receipt.status == "confirmed" and counter.arrivals.received == [(7010, "B-7")]
    assert not panel.isVisible() and page.state_pill.text() == "Ready"
    assert "B-7" in _facts(counter) and not page.sync_pill.isVisible()
    assert page.hand_over_button.isEnabled()
    counter.qtbot.mouseClick(page.hand_over_button, Qt.MouseButton.LeftButton)
    assert counter.screen.pages.currentWidget() is counter.screen.verify


def test_an_order_being_picked_can_be_received_too_and_a_ready_one_shows_no_arrival(
    qtbot: QtBot, fake_device: Any
) -> None:
    counter = Counter(qtbot, fake_device)
    counter.open_row("P-7001")
    assert not counter.screen.order.arrival.isVisible()
    counter.screen.show_queue()
    counter.settle()
    counter.open_row("W-7011")
    assert counter.screen.order.arrival.isVisible()
    assert counter.put_in_bin("Shelf 3").order.pickup_state == "ready"


def test_with_no_answer_in_time_the_order_shows_ready_in_its_bin_waiting_to_sync(
    qtbot: QtBot, fake_device: Any
) -> None:
    counter = Counter(qtbot, fake_device, answer="waiting")
    counter.open_row("W-7010")

    receipt = counter.put_in_bin("C-1")

    page = counter.screen.order
    assert receipt.status == "waiting"
    assert page.sync_pill.isVisible() and page.sync_pill.text() == "Arrived — waiting to sync"
    assert page.state_pill.text() == "Ready" and "C-1" in _facts(counter)
    assert page.hand_over_button.isEnabled()
    counter.qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    counter.settle()
    [row] = [row for row in counter.rows() if "W-7010" in row.title]
    assert row.pill == "Waiting to sync" and "Bin C-1" in row.detail


@pytest.mark.parametrize("typed", ["B/7", "Bin 12 by the back door"])
def test_a_bin_the_back_office_would_not_take_is_refused_with_nothing_sent(
    qtbot: QtBot, fake_device: Any, typed: str
) -> None:
    counter = Counter(qtbot, fake_device)
    counter.open_row("W-7010")
    panel = counter.screen.order.arrival
    panel.bin.setMaxLength(40)  # as if pasted past the field's limit

    panel.bin.clear()
    counter.qtbot.keyClicks(panel.bin, typed)
    with counter.qtbot.assertNotEmitted(counter.screen.arrival_recorded):
        counter.qtbot.mouseClick(panel.arrive_button, Qt.MouseButton.LeftButton)
        counter.settle()

    assert counter.arrivals.received == []
    assert panel.notice.isVisible() and panel.notice.text().startswith(
        "Type the bin order #W-7010 is put in: up to 16 letters or digits"
    )
    assert panel.isVisible() and counter.screen.order.state_pill.text() != "Ready"
    assert panel.bin.text() == typed, "what was typed stays, to correct"


def test_an_empty_bin_cannot_be_sent(qtbot: QtBot, fake_device: Any) -> None:
    counter = Counter(qtbot, fake_device)
    counter.open_row("W-7010")
    panel = counter.screen.order.arrival
    counter.qtbot.keyClicks(panel.bin, "   ")
    assert not panel.arrive_button.isEnabled()


def test_an_order_another_tablet_received_first_says_so_in_words(qtbot: QtBot, fake_device: Any) -> None:
    counter = Counter(qtbot, fake_device, answer="conflict")
    counter.open_row("W-7010")

    receipt = counter.put_in_bin("B-7")

    panel = counter.screen.order.arrival
    assert receipt.status == "conflict"
    assert panel.notice.text() == "Order #W-7010 is not on its way here, so it cannot be received."
    assert "not_arriving" not in panel.notice.text()
    assert counter.screen.pages.currentWidget() is counter.screen.order
