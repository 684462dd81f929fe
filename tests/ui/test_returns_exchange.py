"""Exchanges at the Returns screen (``FakeReturnDesk``): the associate picks another size or colour
with the customer (nothing is picked for them); what is not on the floor here comes in one
endless-aisle order from one place, to the order's customer, so the page never offers an exchange
the desk refuses: two places, or an order with no customer to send it to, are a sentence and
Take back stays off."""

from __future__ import annotations

import pytest
from fake_returns import RECEIPT, Counter, FakeReturnDesk, line, returnable_order
from pytestqt.qtbot import QtBot

from storeassist.domain.return_desk import ExchangeOption

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qasync_loop")]

TEE_L = ExchangeOption("SKU-1-L", "Organic cotton tee", "L", "Navy", 0, ((2, "Harbour Street", 3),))
TEE_S = ExchangeOption("SKU-1-S", "Organic cotton tee", "S", "Navy", 4)
JEANS_34 = ExchangeOption(
    "SKU-2-34", "Slim jeans", "34", "Indigo", 0, ((None, "Warehouse", 9), (2, "Harbour Street", 1))
)
ONE_PLACE = (
    "What is not here comes in one order from one place. Order every item that is not here from "
    "the same store, or every one from the warehouse."
)


@pytest.fixture
def desk() -> FakeReturnDesk:
    return FakeReturnDesk(codes={RECEIPT: "W10000123"}, options={1: [TEE_L, TEE_S], 2: [JEANS_34]})


@pytest.fixture
def counter(qtbot: QtBot, desk: FakeReturnDesk) -> Counter:
    return Counter(qtbot, desk)


def _pick(counter: Counter, line_no: int, text_start: str) -> None:
    combo = counter.row(line_no).exchange
    index = next(n for n in range(combo.count()) if combo.itemText(n).startswith(text_start))
    combo.setCurrentIndex(index)


def test_an_exchange_for_another_size_from_another_store_is_shipped(
    counter: Counter, desk: FakeReturnDesk
) -> None:
    counter.scan(RECEIPT)
    page = counter.screen.order
    counter.choose(1, 1)
    counter.tap(page.method.buttons["exchange"])
    row = counter.row(1)
    assert row.exchange.isVisible()
    texts = [row.exchange.itemText(n) for n in range(row.exchange.count())]
    assert texts == [
        "Which one? Choose…",
        "Size L · Navy: order from Harbour Street (3 there)",
        "Size S · Navy: from the floor here (4 here)",
    ]
    assert page.summary.headline.text() == "Choose what Organic cotton tee is exchanged for."
    assert not page.take_button.isEnabled() and not page.method.elsewhere_box.isVisible()

    _pick(counter, 1, "Size L")
    assert page.method.elsewhere_box.isVisible()
    assert page.summary.headline.text() == "1 item(s) exchanged, worth $40.00"

    receipt = counter.take()
    [(_, _, method, exchange)] = desk.taken
    assert method == "exchange"
    assert [(e.sku, e.qty, e.fulfilment, e.source_store_id) for e in exchange] == [("SKU-1-L", 1, "ship", 2)]
    assert receipt.exchange_order_number == "A-5001"
    assert "Order #A-5001 brings what was not here." in counter.screen.receipt.exchange.text()


def test_what_is_not_here_comes_from_one_place(counter: Counter, desk: FakeReturnDesk) -> None:
    counter.scan(RECEIPT)
    page = counter.screen.order
    counter.choose(1, 1)
    counter.choose(2, 1)
    counter.tap(page.method.buttons["exchange"])
    _pick(counter, 1, "Size L · Navy: order from Harbour Street")
    _pick(counter, 2, "Size 34 · Indigo: order from the warehouse")

    assert page.summary.headline.text() == ONE_PLACE
    assert not page.take_button.isEnabled()

    _pick(counter, 2, "Size 34 · Indigo: order from Harbour Street")
    assert page.take_button.isEnabled()
    counter.take()
    [(_, _, _, exchange)] = desk.taken
    assert {(e.fulfilment, e.source_store_id) for e in exchange} == {("ship", 2)}


def test_one_line_from_the_floor_and_one_ordered_is_one_place(counter: Counter, desk: FakeReturnDesk) -> None:
    counter.scan(RECEIPT)
    page = counter.screen.order
    counter.choose(1, 1)
    counter.choose(2, 1)
    counter.tap(page.method.buttons["exchange"])
    _pick(counter, 1, "Size S · Navy: from the floor here")
    _pick(counter, 2, "Size 34 · Indigo: order from the warehouse")
    assert page.take_button.isEnabled()
    counter.take()
    [(_, _, _, exchange)] = desk.taken
    assert sorted((e.fulfilment, e.source_store_id) for e in exchange) == [
        ("carry", None),
        ("ship", None),
    ]


def test_an_order_with_no_customer_exchanges_only_from_the_floor_here(
    counter: Counter, desk: FakeReturnDesk
) -> None:
    desk.orders = [returnable_order(customer_id=None)]
    counter.scan(RECEIPT)
    page = counter.screen.order
    counter.choose(1, 1)
    counter.tap(page.method.buttons["exchange"])
    _pick(counter, 1, "Size L · Navy: order from Harbour Street")

    assert page.summary.headline.text() == (
        "This order has no customer to send an exchange to. Give one from the floor here, "
        "or refund it instead."
    )
    assert not page.take_button.isEnabled()

    _pick(counter, 1, "Size S · Navy: from the floor here")
    assert counter.take().status == "confirmed"


def test_an_exchange_with_nothing_to_give_says_so(counter: Counter, desk: FakeReturnDesk) -> None:
    desk.orders = [returnable_order(lines=[line(3, "Cap")])]
    counter.scan(RECEIPT)
    counter.choose(3, 1)
    counter.tap(counter.screen.order.method.buttons["exchange"])
    assert counter.row(3).no_exchange.isVisible()
    assert counter.screen.order.summary.headline.text().startswith("There is nothing to give in exchange")
    assert not counter.screen.order.take_button.isEnabled()
