"""An endless-aisle order arriving at the pickup counter, against the real hub: ordered from the
warehouse for pickup here it waits in the queue as placed ("on its way"); received into a bin it
is ready (online at once, offline from the outbox until the hub confirms) and can be handed over;
what the tablet can check is refused before anything is written, and another tablet's arrival
first is a conflict on the receipt.

Each test has a hub of its own; "offline" is a client pointed at a port nobody listens on,
sharing the tablet's cache and outbox.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hub_tablets import HubTablet, enroll_tablet

from storeassist.client import HubClient
from storeassist.contract import AisleLine, CollectPickupPayload, Order
from storeassist.domain.orders import to_collect
from storeassist.domain.pickups import HandoverInvalid, PickupNotHere
from storeassist.local import OutboxState
from storeassist.services.pickup_arrivals import PickupArrivals
from storeassist.services.pickup_desk import PickupDesk
from storeassist.services.stock_desk import StockDesk
from storeassist.services.view_customer import SignInRequired

pytestmark = pytest.mark.anyio


@dataclass
class Tablet(HubTablet):
    """One enrolled tablet with its pickup desk, arrivals and stock desk."""

    desk: PickupDesk
    arrivals: PickupArrivals
    stock: StockDesk

    def offline(self, client: HubClient) -> tuple[PickupDesk, PickupArrivals]:
        """The same tablet's counter with the hub out of reach."""
        engine, store = self.engine(client), self.hub.store_id
        return (
            PickupDesk(client, self.cache, self.outbox, engine, store, self.staff),
            PickupArrivals(self.cache, self.outbox, engine, store, self.staff),
        )


async def _tablet(hub: Any, folder: Path, name: str = "Counter tablet") -> Tablet:
    base = await enroll_tablet(hub, folder, name=name)
    await base.sync.sync_now()  # the store's data, catalog and keys, as after start-up
    client, cache, outbox, sync, staff, store = (
        base.client,
        base.cache,
        base.outbox,
        base.sync,
        base.staff,
        hub.store_id,
    )
    return Tablet(
        **base.parts(),
        desk=PickupDesk(client, cache, outbox, sync, store, staff),
        arrivals=PickupArrivals(cache, outbox, sync, store, staff),
        stock=StockDesk(client, cache, outbox, sync, store, staff),
    )


@pytest.fixture
async def tablet(hub_server_fn: Any, tmp_path: Path, anyio_backend: str) -> AsyncIterator[Tablet]:
    made = await _tablet(hub_server_fn, tmp_path / "tablet")
    yield made
    await made.aclose()


@pytest.fixture
async def unplugged(tablet: Tablet, refused_url: str) -> AsyncIterator[tuple[PickupDesk, PickupArrivals]]:
    async with HubClient(refused_url, tablet.credential, max_attempts=1) as client:
        yield tablet.offline(client)


def _db(hub: Any) -> sqlite3.Connection:
    return sqlite3.connect(hub.db_path)


def _hub_pickup(hub: Any, order_id: int) -> tuple[str, str | None]:
    """(pickup state, bin) at the hub."""
    with _db(hub) as db:
        state, bin_label = db.execute(
            "SELECT pickup_state, pickup_bin FROM orders WHERE id = ?", (order_id,)
        ).fetchone()
    return state, bin_label


def _warehouse_sku(hub: Any) -> str:
    """A SKU the warehouse has units of on sale."""
    with _db(hub) as db:
        row = db.execute(
            "SELECT p.sku FROM inventory i JOIN products p ON p.id = i.product_id"
            " JOIN stores s ON s.id = i.store_id"
            " WHERE s.kind = 'warehouse' AND i.on_hand - i.held >= 2 ORDER BY p.sku LIMIT 1"
        ).fetchone()
    assert row is not None, "the seeded warehouse has nothing on sale"
    return str(row[0])


async def _on_its_way(tablet: Tablet) -> Order:
    """An endless-aisle order from the warehouse for pickup here, as the counter's queue shows it."""
    ordered = await tablet.stock.aisle_order(
        tablet.hub.customer_ids[0], [AisleLine(sku=_warehouse_sku(tablet.hub), qty=1)], None, "bopis"
    )
    assert ordered.status == "confirmed", (ordered.code, ordered.params)
    board = await tablet.desk.board()
    [order] = [order for order in board.orders if order.number == ordered.reference]
    assert order.pickup_state == "placed" and order.pickup_bin is None
    return order


def _all_of(order: Order) -> CollectPickupPayload:
    return CollectPickupPayload.model_validate(
        {
            "order_id": order.id,
            "lines": {line.line_no: {"handed": to_collect(line)} for line in order.lines if to_collect(line)},
            "verification": {"method": "photo_id", "document_type": "passport", "document_last": "K42"},
            "confirmed_name": order.customer_name or "Customer",
        }
    )


async def test_an_aisle_order_received_into_a_bin_is_ready_at_once_and_handed_over(tablet: Tablet) -> None:
    order = await _on_its_way(tablet)

    receipt = await tablet.arrivals.receive(order, " A-7 ")

    assert receipt.status == "confirmed", (receipt.code, receipt.params)
    assert (receipt.order.pickup_state, receipt.order.pickup_bin, receipt.bin) == ("ready", "A-7", "A-7")
    assert _hub_pickup(tablet.hub, order.id) == ("ready", "A-7")
    assert tablet.outbox.pending_count() == 0
    [kept] = [o for o in tablet.desk.cached_board().orders if o.id == order.id]
    assert (kept.pickup_state, kept.pickup_bin) == ("ready", "A-7"), "this tablet's copy is ready too"

    handed = await tablet.desk.hand_over(receipt.order, _all_of(receipt.order))

    assert handed.status == "confirmed" and handed.pickup_state == "collected"
    assert _hub_pickup(tablet.hub, order.id)[0] == "collected"


async def test_offline_an_arrival_shows_ready_in_its_bin_at_once_then_is_confirmed(
    tablet: Tablet, unplugged: tuple[PickupDesk, PickupArrivals]
) -> None:
    order = await _on_its_way(tablet)
    desk, arrivals = unplugged

    receipt = await arrivals.receive(order, "B-2")

    assert receipt.status == "waiting" and receipt.order.pickup_state == "ready"
    assert tablet.outbox.pending_count() == 1
    board = desk.cached_board()
    [shown] = [o for o in board.orders if o.id == order.id]
    assert (shown.pickup_state, shown.pickup_bin) == ("ready", "B-2") and order.id in board.waiting_to_sync
    opened = await desk.open_number(order.number)
    assert opened.waiting_to_sync and opened.order.pickup_state == "ready"
    assert _hub_pickup(tablet.hub, order.id) == ("placed", None)

    await tablet.sync.sync_now()  # the connection is back

    entry = tablet.outbox.get(uuid.UUID(receipt.reference))
    assert entry is not None and entry.state is OutboxState.APPLIED
    assert _hub_pickup(tablet.hub, order.id) == ("ready", "B-2")
    board = tablet.desk.cached_board()
    [shown] = [o for o in board.orders if o.id == order.id]
    assert shown.pickup_bin == "B-2" and order.id not in board.waiting_to_sync


async def test_what_the_tablet_can_check_is_refused_before_anything_is_written(tablet: Tablet) -> None:
    order = await _on_its_way(tablet)
    ready = order.model_copy(update={"pickup_state": "ready", "pickup_bin": "A-1"})
    elsewhere = order.model_copy(update={"store_id": tablet.hub.store_id + 1})

    for bad_bin in ("", "   ", "B/7", "x" * 17, "Hyldé 3"):
        with pytest.raises(HandoverInvalid) as refused:
            await tablet.arrivals.receive(order, bad_bin)
        assert refused.value.code == "bin_invalid" and refused.value.params["order_number"] == order.number
    with pytest.raises(HandoverInvalid) as not_arriving:
        await tablet.arrivals.receive(ready, "A-2")
    assert not_arriving.value.code == "not_arriving"
    assert not_arriving.value.params == {"order_number": order.number, "pickup_state": "ready"}
    with pytest.raises(PickupNotHere):
        await tablet.arrivals.receive(elsewhere, "A-2")
    tablet.staff.sign_out()
    with pytest.raises(SignInRequired):
        await tablet.arrivals.receive(order, "A-2")

    assert tablet.outbox.pending_count() == 0 and tablet.outbox.attention_count() == 0
    assert _hub_pickup(tablet.hub, order.id) == ("placed", None)


async def test_an_order_another_tablet_received_first_is_a_conflict_on_the_receipt(
    tablet: Tablet, tmp_path: Path
) -> None:
    order = await _on_its_way(tablet)
    other = await _tablet(tablet.hub, tmp_path / "other", name="Counter tablet 2")
    try:
        assert (await other.arrivals.receive(order, "C-3")).status == "confirmed"
        late = await tablet.arrivals.receive(order, "D-4")  # this tablet still shows it on its way
    finally:
        await other.aclose()

    assert (late.status, late.code) == ("conflict", "not_arriving")
    assert late.params["order_number"] == order.number and late.params["pickup_state"] == "ready"
    assert late.order.pickup_state == "placed", "not shown as received here"
    assert tablet.outbox.attention_count() == 1
    assert _hub_pickup(tablet.hub, order.id) == ("ready", "C-3")
