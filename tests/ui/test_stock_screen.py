"""The Stock screen with a stock desk that needs no hub (``FakeStockDesk``): searching as you type,
a scanned product's card with its grid and counts (an old count said as "about", greyed), an
unknown barcode offering a search, holding for a customer picked by a loyalty scan, the holds list,
the endless aisle, and every refusal as a sentence on screen."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from fake_devices import FAKE_NOW, FakeDevice
from fake_stock import FakeStockDesk
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from storeassist.contract import CustomerPage, CustomerSummary
from storeassist.services.view_customer import ViewCustomer
from storeassist.ui.background import OpRunner
from storeassist.ui.stock_card import StockRow
from storeassist.ui.stock_screen import StockScreen

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

WAIT_MS = 5_000
LOYALTY = "SA1.loyalty-of-maria"


class Found:
    def __init__(self, profile: Any) -> None:
        self.profile, self.source, self.as_of = profile, "online", datetime(2026, 3, 2, tzinfo=UTC)


class Customers:
    """Finds Maria Jensen (42) by her code or by name."""

    def __init__(self, profile: Any) -> None:
        self.profile = profile

    def cached_customer(self, text: str) -> None:
        return None

    async def identify_by_token(self, text: str, store_id: int) -> Found:
        await asyncio.sleep(0)
        return Found(self.profile)

    async def identify_by_id(self, customer_id: int, store_id: int) -> Found:
        return Found(self.profile)

    async def search(self, text: str, page: int = 0) -> CustomerPage:
        summary = CustomerSummary(
            id=42,
            loyalty_id="L-0000042",
            name="Maria Jensen",
            tier="gold",
            points=1,
            email="m@x.invalid",
            phone="1",
        )
        return CustomerPage(items=[summary] if "mar" in text.casefold() else [])


class Counter:
    def __init__(self, qtbot: QtBot, fake_device: Any, desk: FakeStockDesk, profile: Any) -> None:
        self.qtbot, self.desk = qtbot, desk
        self.runner = OpRunner()
        self.screen = StockScreen(self.runner, clock=lambda: FAKE_NOW)
        qtbot.addWidget(self.screen)
        self.screen.resize(1100, 760)
        customers = Customers(profile)
        finder = ViewCustomer(customers, 1, lambda: "associate", search=customers)
        self.screen.attach(FakeDevice(finder, stock_desk=desk))
        self.screen.show()
        qtbot.waitExposed(self.screen)

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.runner.busy, timeout=WAIT_MS)

    def tap(self, button: Any) -> None:
        assert button.isVisible() and button.isEnabled(), button.text()
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        self.settle()

    def type_search(self, text: str) -> Any:
        with self.qtbot.waitSignal(self.screen.search_shown, timeout=WAIT_MS) as shown:
            self.screen.search.field.setText(text)
        return shown.args[0]

    def scan(self, text: str, kind: str = "product") -> None:
        self.screen.handle_scan(kind, text)  # type: ignore[arg-type]
        self.settle()


@pytest.fixture
def counter(qtbot: QtBot, fake_device: Any, profile_factory: Any) -> Counter:
    return Counter(qtbot, fake_device, FakeStockDesk(), profile_factory())


def test_typing_searches_the_catalog_after_a_pause_and_each_row_says_how_many_are_here(
    counter: Counter,
) -> None:
    answer = counter.type_search("navy tee")

    model = counter.screen.search.model
    assert len(answer.hits) == model.rowCount() == 3
    first = model.index(0)
    assert (
        "Organic cotton tee" in first.data() and "$24.99" in first.data() and "Size S · Navy" in first.data()
    )
    assert (
        first.data(model.PillRole) == ("out", "not stocked here") or "here" in first.data(model.PillRole)[1]
    )
    assert counter.desk.searches[-1] == "navy tee"


def test_a_misspelling_says_what_was_searched_instead_and_a_filling_catalog_says_so(counter: Counter) -> None:
    counter.desk.catalog_filling = True
    counter.type_search("tea")

    page = counter.screen.search
    assert page.corrected.isVisible() and "Did you mean “tee”?" in page.corrected.text()
    assert page.loading.isVisible() and "still loading" in page.loading.text()

    counter.type_search("nothing like it")
    assert page.empty.isVisible() and page.empty.text() == "No product matches “nothing like it”."


def test_a_scanned_barcode_opens_the_card_with_price_grid_and_every_count_with_its_age(
    counter: Counter,
) -> None:
    tee = counter.desk.products[1]  # Navy M: 1 here
    with counter.qtbot.waitSignals([counter.screen.card_shown, counter.screen.card_shown], timeout=WAIT_MS):
        counter.scan(tee.gtin)

    card = counter.screen.card
    assert counter.screen.pages.currentWidget() is card
    assert card.name.text() == "Organic cotton tee" and card.price.text() == "$24.99"
    assert "Material: organic cotton" in card.attributes.text()
    assert card.card is not None and card.card.source == "online"  # the hub's refresh replaced the cache's
    assert len(card.cells) == 6 and card.cells[tee.sku].isChecked()
    rows = card.stock_section.findChildren(StockRow)
    words = [(r.place.text(), r.count.text(), r.uncertain) for r in rows if r.isVisible()]
    assert words == [
        ("Here", "1 available · as of 3 h ago", False),
        ("Harbour Street · 2.4 km", "4 available · as of 3 h ago", False),
        ("Old Town · 7.9 km", "about 2 · 4 day(s) ago", True),
        ("Warehouse (DC1)", "40 available · as of 3 h ago", False),
    ]
    old = next(r for r in rows if r.uncertain)
    assert old.count.property("role") == "quiet" and "check before promising" in old.toolTip()


def test_the_counts_are_painted_first_and_the_companions_follow_on_the_next_turn(counter: Counter) -> None:
    """Offline (no fresher card from the hub): the card comes from the cache without companions,
    so the counts show at once, and the companions in stock here are added right after."""
    counter.desk.online = False
    tee = counter.desk.products[1]
    card = counter.screen.card
    when_painted: list[int] = []
    counter.screen.card_shown.connect(lambda *_: when_painted.append(len(card.card.companions)))
    with counter.qtbot.waitSignal(counter.screen.card_shown, timeout=WAIT_MS):
        counter.scan(tee.gtin)
    assert when_painted == [0]  # painted with its counts, no companions yet
    counter.qtbot.waitUntil(lambda: card.card is not None and bool(card.card.companions), timeout=WAIT_MS)
    assert card.companions_section.isVisibleTo(card)
    titles = [
        w.text() for w in card.companions_section.findChildren(QLabel) if w.property("role") == "rowTitle"
    ]
    assert titles == [c.product.name for c in card.card.companions]


def test_a_tap_on_the_grid_opens_that_size_and_colour(counter: Counter) -> None:
    counter.scan("TEE-NAV-M")
    white_l = "TEE-WHI-L"
    with counter.qtbot.waitSignal(counter.screen.card_shown, timeout=WAIT_MS) as shown:
        counter.tap(counter.screen.card.cells[white_l])
    assert shown.args[0] == white_l
    assert counter.screen.card.card is not None and counter.screen.card.card.product.sku == white_l


def test_an_unknown_barcode_says_so_and_offers_to_search_for_it(counter: Counter) -> None:
    counter.scan("4006381333931")

    page = counter.screen.search
    assert counter.screen.pages.currentWidget() is page
    assert page.unknown.isVisible() and "No product has barcode 4006381333931" in page.unknown.text()
    with counter.qtbot.waitSignal(counter.screen.search_shown, timeout=WAIT_MS):
        counter.tap(page.search_code_button)
    assert page.field.text() == "4006381333931" and not page.unknown.isVisible()


def _open_hold_form(counter: Counter, sku: str = "TEE-WHI-L") -> Any:
    counter.scan(sku)
    counter.tap(counter.screen.card.hold_button)
    form = counter.screen.hold_form
    assert counter.screen.pages.currentWidget() is form
    return form


def test_a_hold_for_a_customer_picked_by_their_loyalty_scan_is_confirmed(counter: Counter) -> None:
    form = _open_hold_form(counter)  # White L: 1 here
    assert not form.action_button.isEnabled()  # nobody chosen yet
    assert counter.screen.takes_scan("loyalty")

    counter.scan(LOYALTY, "loyalty")
    assert form.customer.chosen == (42, "Maria Jensen") and form.action_button.isEnabled()
    assert form.qty.maximum == 1 and not form.qty.plus.isEnabled()
    counter.tap(form.hours["168"])
    with counter.qtbot.waitSignal(counter.screen.receipt_shown, timeout=WAIT_MS) as shown:
        counter.tap(form.action_button)

    assert shown.args[0].status == "confirmed"
    assert form.result.text().startswith("Held.") and form.done_button.isVisible()
    hold = counter.desk.holds_list[0]
    assert (hold.customer_id, hold.qty, (hold.expires_at - FAKE_NOW).days) == (42, 1, 7)


def test_a_customer_found_by_name_and_a_hold_above_what_is_left_is_refused_with_the_number(
    counter: Counter,
) -> None:
    form = _open_hold_form(counter)
    form.customer.search.field.setText("Maria")
    form.customer.search.search()
    counter.qtbot.waitUntil(lambda: form.customer.search.model.rowCount() == 1, timeout=WAIT_MS)
    form.customer.search.customer_chosen.emit(42)
    assert form.customer.chosen == (42, "Maria Jensen")
    # Meanwhile another tablet held the last one.
    on_hand, _held, as_of = counter.desk.counts[("TEE-WHI-L", 1)]
    counter.desk.counts[("TEE-WHI-L", 1)] = (on_hand, on_hand, as_of)

    counter.tap(form.action_button)

    assert (
        form.result.text() == "Only 0 of TEE-WHI-L available to hold here; 1 asked. The hold was not placed."
    )
    assert form.action_button.isVisible() and form.action_button.isEnabled()


def test_offline_a_hold_is_saved_here_and_the_card_and_list_say_it_waits(counter: Counter) -> None:
    counter.desk.online = False
    form = _open_hold_form(counter)
    counter.scan(LOYALTY, "loyalty")
    counter.tap(form.action_button)
    assert "Saved on this tablet" in form.result.text()

    counter.tap(form.done_button)
    card = counter.screen.card
    assert counter.screen.pages.currentWidget() is card
    assert card.waiting.isVisible() and card.waiting.text() == "1 on hold here waiting to sync"
    assert not card.hold_button.isEnabled() and "None on sale here" in card.why_not.text()

    with counter.qtbot.waitSignal(counter.screen.holds_shown, timeout=WAIT_MS) as shown:
        counter.screen.show_holds()
    assert shown.args[0] == "cache" and counter.screen.holds.status.text().startswith("Offline")
    row = counter.screen.holds.rows["hold-1"]
    assert any(label.text() == "Waiting to sync" for label in row.findChildren(type(card.name)))


def test_the_holds_list_releases_extends_and_puts_back(counter: Counter) -> None:
    counter.desk.holds_list.clear()
    for sku in ("TEE-NAV-L", "TEE-WHI-S"):
        counter.desk.hold_now(42, sku, 1, 24)
    with counter.qtbot.waitSignal(counter.screen.holds_shown, timeout=WAIT_MS):
        counter.tap(counter.screen.search.holds_button)
    holds = counter.screen.holds
    assert "23 h 59 min left" not in holds.rows["hold-1"].findChildren(type(holds.title))[1].text()
    assert "24 h 0 min left" in holds.rows["hold-1"].findChildren(type(holds.title))[1].text()

    extend = next(
        b for b in holds.rows["hold-1"].findChildren(type(holds.back_button)) if b.text() == "Extend 24 h"
    )
    with counter.qtbot.waitSignal(counter.screen.holds_shown, timeout=WAIT_MS):
        counter.tap(extend)
    assert holds.message.text() == "Extended."
    release = next(
        b for b in holds.rows["hold-2"].findChildren(type(holds.back_button)) if b.text() == "Release"
    )
    with counter.qtbot.waitSignal(counter.screen.holds_shown, timeout=WAIT_MS):
        counter.tap(release)
    assert "back on sale" in holds.message.text()
    assert holds.tasks_section.isVisible() and "hold-2" in holds.rows

    put_back = next(
        b for b in holds.rows["hold-2"].findChildren(type(holds.back_button)) if b.text() == "Put back"
    )
    with counter.qtbot.waitSignal(counter.screen.holds_shown, timeout=WAIT_MS):
        counter.tap(put_back)
    assert counter.desk.changes == [("extend", "hold-1"), ("release", "hold-2"), ("put_back", "hold-2")]
    assert not counter.screen.holds.board.to_put_back  # type: ignore[union-attr]


def test_an_endless_aisle_order_from_the_warehouse_to_this_store_and_one_with_no_address(
    counter: Counter,
) -> None:
    counter.scan("TEE-NAV-S")  # none here
    card = counter.screen.card
    assert not card.hold_button.isEnabled() and card.order_button.isEnabled()
    counter.tap(card.order_button)
    form = counter.screen.aisle_form
    assert list(form.sources) == [2, 3, None]
    counter.tap(form.sources[None])
    assert form.qty.maximum == 40
    counter.scan(LOYALTY, "loyalty")
    with counter.qtbot.waitSignal(counter.screen.receipt_shown, timeout=WAIT_MS):
        counter.tap(form.action_button)
    assert form.result.text() == "Ordered: order #S-1001. It appears under Pickups when it arrives here."
    customer, lines, source, fulfilment = counter.desk.orders[0]
    assert (customer, lines[0].sku, lines[0].qty, source, fulfilment) == (42, "TEE-NAV-S", 1, None, "bopis")

    counter.tap(form.done_button)
    counter.tap(card.order_button)
    form.customer.choose(13, "Nobody at home")
    counter.tap(form.to["ship"])
    counter.tap(form.action_button)
    assert (
        form.result.text()
        == "Customer 13 has no address on file to ship to. Send it to this store for pickup."
    )


def test_nobody_signed_in_is_a_sentence_not_a_traceback(counter: Counter) -> None:
    counter.desk.signed_in = False
    form = _open_hold_form(counter)
    counter.scan(LOYALTY, "loyalty")
    counter.tap(form.action_button)
    assert form.result.isVisible() and "Traceback" not in form.result.text() and form.result.text()
