"""The pickup counter against the real hub: the queue, opening an order, checking the collector,
handing over (online, offline, in conflict with another tablet), substitutes and restocking.

Each test has a hub of its own (hand-overs change orders); "offline" is a client pointed at a
port nobody listens on, sharing the tablet's cache and outbox.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hub_tablets import HubTablet, enroll_tablet
from tampered_codes import tampered

from storeassist.client import HubClient, HubConnectionError
from storeassist.contract import (
    CollectPickupPayload,
    CommandBatch,
    Order,
)
from storeassist.domain.orders import queue_sort_key, to_collect
from storeassist.domain.pickups import HandoverInvalid, HandoverReceipt, PickupNotHere
from storeassist.domain.tokens import TokenExpired, TokenForged, TokenKind, parse_token
from storeassist.local import OutboxState
from storeassist.services.pickup_desk import PickupDesk, PickupNotCached
from storeassist.services.view_customer import SignInRequired

pytestmark = pytest.mark.anyio

ASSOCIATE = ("S0003", "1003")
MANAGER = ("S0001", "1001")


@dataclass
class Tablet(HubTablet):
    """One enrolled tablet with its pickup desk."""

    desk: PickupDesk

    def offline_desk(self, client: HubClient) -> PickupDesk:
        """The same tablet with the hub out of reach."""
        return PickupDesk(client, self.cache, self.outbox, self.engine(client), self.hub.store_id, self.staff)


async def _tablet(
    hub: Any, folder: Path, who: tuple[str, str] = ASSOCIATE, name: str = "Counter tablet"
) -> Tablet:
    base = await enroll_tablet(hub, folder, who=who, name=name)
    desk = PickupDesk(base.client, base.cache, base.outbox, base.sync, hub.store_id, base.staff)
    return Tablet(**base.parts(), desk=desk)


@pytest.fixture
async def tablet(hub_server_fn: Any, tmp_path: Path, anyio_backend: str) -> AsyncIterator[Tablet]:
    made = await _tablet(hub_server_fn, tmp_path / "tablet")
    await made.sync.sync_now()  # the store's data and keys, as after start-up
    yield made
    await made.aclose()


@pytest.fixture
async def unplugged(tablet: Tablet, refused_url: str) -> AsyncIterator[PickupDesk]:
    async with HubClient(refused_url, tablet.credential, max_attempts=1) as client:
        yield tablet.offline_desk(client)


def _db(hub: Any) -> sqlite3.Connection:
    return sqlite3.connect(hub.db_path)


def _hub_order(hub: Any, order_id: int) -> tuple[str, int]:
    """(pickup state, units still to collect) at the hub."""
    with _db(hub) as db:
        (state,) = db.execute("SELECT pickup_state FROM orders WHERE id = ?", (order_id,)).fetchone()
        (left,) = db.execute(
            "SELECT coalesce(sum(qty - qty_collected - qty_cancelled), 0) FROM order_lines"
            " WHERE order_id = ?",
            (order_id,),
        ).fetchone()
    return state, left


async def _ready_order(tablet: Tablet) -> Order:
    """A ready, paid, unlocked order of the store, as the desk shows it."""
    board = await tablet.desk.board()
    for order in board.orders:
        if order.pickup_state == "ready" and order.payment_state == "paid" and not order.pickup_locked:
            return order
    pytest.fail("the seeded store has no ready, paid pickup")


def _command_id(receipt: HandoverReceipt) -> uuid.UUID:
    """A receipt waiting to sync names its command."""
    return uuid.UUID(receipt.reference)


def _all_of(order: Order, code: str | None = None) -> CollectPickupPayload:
    verification: dict[str, Any] = (
        {"method": "order_code", "order_code": code}
        if code
        else {"method": "photo_id", "document_type": "driving_licence", "document_last": "72Q4"}
    )
    return CollectPickupPayload.model_validate(
        {
            "order_id": order.id,
            "lines": {line.line_no: {"handed": to_collect(line)} for line in order.lines if to_collect(line)},
            "verification": verification,
            "confirmed_name": "Maria Jensen",
        }
    )


# -- the queue ---------------------------------------------------------------------------------


async def test_the_queue_comes_from_the_hub_and_stays_on_the_tablet_for_offline_use(tablet, unplugged):
    online = await tablet.desk.board()

    assert online.source == "online" and online.orders
    assert all(order.store_id == tablet.hub.store_id for order in online.orders)
    assert list(online.orders) == sorted(online.orders, key=queue_sort_key)
    offline = await unplugged.board()
    assert offline.source == "cache"
    assert {o.id for o in offline.orders} == {o.id for o in online.orders}
    assert offline.as_of == online.as_of
    assert tablet.desk.cached_board().orders == offline.orders


async def test_a_phone_number_finds_the_customer_of_an_open_pickup_through_the_hub(tablet, unplugged):
    order = next(o for o in (await tablet.desk.board()).orders if o.customer_id is not None)
    with _db(tablet.hub) as db:
        (phone,) = db.execute("SELECT phone FROM customers WHERE id = ?", (order.customer_id,)).fetchone()
    spaced = f"+{phone[:-7]} {phone[-7:-4]} {phone[-4:]}"  # as a customer reads it out

    assert order.customer_id in await tablet.desk.customers_by_phone(spaced)
    assert await tablet.desk.customers_by_phone("Maria") == frozenset(), "not a phone number"
    with pytest.raises(HubConnectionError):
        await unplugged.customers_by_phone(spaced)


async def test_nobody_signed_in_sees_no_queue(tablet):
    tablet.staff.sign_out()
    with pytest.raises(SignInRequired):
        tablet.desk.cached_board()
    with pytest.raises(SignInRequired):
        await tablet.desk.board()


# -- opening an order ----------------------------------------------------------------------------


async def test_an_order_code_opens_its_order_online_and_offline(tablet, unplugged):
    order = await _ready_order(tablet)
    code = tablet.hub.order_token(order.id)

    online = await tablet.desk.open_code(code)
    offline = await unplugged.open_code(code)

    assert (online.source, online.order.id, online.order_code) == ("online", order.id, code)
    assert (offline.source, offline.order.id, offline.waiting_to_sync) == ("cache", order.id, False)


async def test_a_forged_or_expired_order_code_is_refused_even_offline(tablet, unplugged):
    from storeassist.hub.admin import issue_token

    order = await _ready_order(tablet)
    code = tablet.hub.order_token(order.id)
    forged = tampered(code)
    expired = issue_token(
        tablet.hub.db_url, TokenKind.ORDER, order.id, now=datetime.now(UTC) - timedelta(days=2)
    )

    for desk in (tablet.desk, unplugged):
        with pytest.raises(TokenForged):
            await desk.open_code(forged)
        with pytest.raises(TokenExpired):
            await desk.open_code(expired)


async def test_another_stores_order_is_not_opened_here(tablet):
    with _db(tablet.hub) as db:
        other_id, other_number = db.execute(
            "SELECT id, number FROM orders WHERE store_id != ? AND pickup_state = 'ready' LIMIT 1",
            (tablet.hub.store_id,),
        ).fetchone()

    with pytest.raises(PickupNotHere):
        await tablet.desk.open_code(tablet.hub.order_token(other_id))
    with pytest.raises(PickupNotHere) as raised:
        await tablet.desk.open_number(other_number)
    assert raised.value.order_number == other_number
    with pytest.raises(PickupNotHere):
        await tablet.desk.open_number("NO-SUCH-1")


async def test_an_order_number_opens_it_online_and_offline_and_an_unknown_one_offline_says_so(
    tablet, unplugged
):
    order = await _ready_order(tablet)

    online = await tablet.desk.open_number(f" {order.number.lower()} ")
    offline = await unplugged.open_number(order.number)

    assert (online.source, online.order.id, online.order_code) == ("online", order.id, None)
    assert (offline.source, offline.order) == ("cache", online.order)
    with pytest.raises(PickupNotCached):
        await unplugged.open_number("W99999999")


# -- handing over --------------------------------------------------------------------------------


async def test_a_hand_over_online_is_confirmed_with_the_hubs_signed_receipt(tablet):
    order = await _ready_order(tablet)
    code = tablet.hub.order_token(order.id)

    receipt = await tablet.desk.hand_over(order, _all_of(order, code))

    assert receipt.status == "confirmed", (receipt.code, receipt.params)
    assert receipt.pickup_state == "collected" and receipt.staff_name == tablet.session.name
    assert parse_token(receipt.reference)[0].subject_id > 0
    assert receipt.points_credited is not None and receipt.points_credited >= 0
    assert [line.handed for line in receipt.lines] == [
        to_collect(line) for line in order.lines if to_collect(line)
    ]
    assert _hub_order(tablet.hub, order.id) == ("collected", 0)
    assert tablet.outbox.pending_count() == 0
    assert order.id not in {o.id for o in tablet.desk.cached_board().orders}


async def test_offline_a_hand_over_waits_shows_collected_at_once_then_is_confirmed(tablet, unplugged):
    order = await _ready_order(tablet)

    receipt = await unplugged.hand_over(order, _all_of(order))

    assert receipt.status == "waiting" and receipt.pickup_state == "collected"
    assert tablet.outbox.pending_count() == 1
    board = unplugged.cached_board()
    [shown] = [o for o in board.orders if o.id == order.id]
    assert shown.pickup_state == "collected" and order.id in board.waiting_to_sync
    opened = await unplugged.open_number(order.number)
    assert opened.waiting_to_sync and opened.order.pickup_state == "collected"
    assert _hub_order(tablet.hub, order.id)[0] == "ready"

    await tablet.sync.sync_now()

    entry = tablet.outbox.get(_command_id(receipt))
    assert entry is not None and entry.state is OutboxState.APPLIED
    assert _hub_order(tablet.hub, order.id) == ("collected", 0)
    assert order.id not in {o.id for o in tablet.desk.cached_board().orders}


async def test_a_hand_over_the_hub_applied_but_whose_answer_was_lost_is_not_shown_twice(tablet, unplugged):
    # A line with units left after one is handed over, so a second copy would still fit the rules.
    board = await tablet.desk.board()
    order, line = next(
        (order, line)
        for order in board.orders
        if order.pickup_state == "ready" and order.payment_state == "paid" and not order.pickup_locked
        for line in order.lines
        if to_collect(line) >= 2
    )
    one_unit = CollectPickupPayload.model_validate(
        {
            "order_id": order.id,
            "lines": {line.line_no: {"handed": 1}},
            "verification": {"method": "photo_id", "document_type": "passport", "document_last": "K42"},
            "confirmed_name": "Maria Jensen",
        }
    )
    receipt = await unplugged.hand_over(order, one_unit)
    entry = tablet.outbox.get(_command_id(receipt))
    assert entry is not None
    # It reaches the hub, but the answer is lost on the way back: the outbox still waits for it.
    await tablet.client.push_commands(CommandBatch(commands=[entry.command]))
    waiting = tablet.outbox.get(_command_id(receipt))
    assert waiting is not None and waiting.state in (OutboxState.PENDING, OutboxState.SENT)

    opened = await tablet.desk.open_number(order.number)

    [shown] = [shown for shown in opened.order.lines if shown.line_no == line.line_no]
    assert shown.qty_collected == line.qty_collected + 1, "the unit handed over once, not twice"


async def test_offline_hand_over_of_an_order_another_tablet_collected_needs_attention_with_the_facts(
    tablet, unplugged, tmp_path
):
    order = await _ready_order(tablet)
    other = await _tablet(tablet.hub, tmp_path / "other", name="Counter tablet 2")
    try:
        first = await other.desk.hand_over(order, _all_of(order))
        assert first.status == "confirmed"

        late = await unplugged.hand_over(order, _all_of(order))
        assert late.status == "waiting"
        await tablet.sync.sync_now()
    finally:
        await other.aclose()

    [attention] = tablet.sync.needs_attention()
    assert attention.command.id == _command_id(late)
    assert attention.code == "order_already_collected"
    assert attention.params["order_number"] == order.number
    assert attention.params["by_device"] == "Counter tablet 2"
    assert (attention.result or {}).get("facts"), "both sides' facts travel with the conflict"
    assert _hub_order(tablet.hub, order.id) == ("collected", 0)


async def test_the_same_hand_over_online_from_a_second_tablet_is_a_conflict_on_its_receipt(tablet, tmp_path):
    order = await _ready_order(tablet)
    other = await _tablet(tablet.hub, tmp_path / "other", name="Counter tablet 2")
    try:
        assert (await other.desk.hand_over(order, _all_of(order))).status == "confirmed"
        second = await tablet.desk.hand_over(order, _all_of(order))
    finally:
        await other.aclose()

    assert (second.status, second.code) == ("conflict", "order_already_collected")
    assert tablet.outbox.attention_count() == 1


@pytest.mark.parametrize("problem", ["unpaid", "locked", "too_many", "nothing", "proxy", "wrong_code"])
async def test_a_hand_over_the_rules_refuse_is_refused_before_anything_is_written(tablet, problem):
    order = await _ready_order(tablet)
    payload = _all_of(order)
    expected = {
        "unpaid": "order_unpaid",
        "locked": "pickup_needs_manager",
        "too_many": "over_collected",
        "nothing": "nothing_handed",
        "proxy": "proxy_not_named",
        "wrong_code": "order_code_invalid",
    }[problem]
    if problem == "unpaid":
        order = order.model_copy(update={"payment_state": "unpaid"})
    elif problem == "locked":
        order = order.model_copy(update={"pickup_locked": True})
    elif problem in ("too_many", "nothing"):
        line = order.lines[0]
        qty = to_collect(line) + 1 if problem == "too_many" else 0
        payload = payload.model_copy(
            update={"lines": {line.line_no: payload.lines[line.line_no].model_copy(update={"handed": qty})}}
        )
    elif problem == "proxy":
        payload = CollectPickupPayload.model_validate(
            {
                **payload.model_dump(),
                "verification": {
                    "method": "proxy_id",
                    "proxy_name": "Someone Else",
                    "document_type": "passport",
                    "document_last": "1234",
                },
            }
        )
    else:
        with _db(tablet.hub) as db:
            (another,) = db.execute(
                "SELECT id FROM orders WHERE id != ? AND store_id = ? LIMIT 1",
                (order.id, tablet.hub.store_id),
            ).fetchone()
        payload = _all_of(order, tablet.hub.order_token(another))

    with pytest.raises(HandoverInvalid) as raised:
        await tablet.desk.hand_over(order, payload)

    assert raised.value.code == expected
    assert raised.value.params.get("order_number") == order.number
    assert tablet.outbox.pending_count() == 0 and tablet.outbox.attention_count() == 0


async def test_a_manager_hands_over_a_locked_order(tablet, tmp_path):
    order = (await _ready_order(tablet)).model_copy(update={"pickup_locked": True})
    manager = await _tablet(tablet.hub, tmp_path / "manager", who=MANAGER)
    try:
        receipt = await manager.desk.hand_over(order, _all_of(order))
    finally:
        await manager.aclose()
    assert receipt.status == "confirmed", (receipt.code, receipt.params)


# -- the pickup code -----------------------------------------------------------------------------


async def test_a_pickup_code_is_checked_at_the_hub_and_three_wrong_ones_lock_the_order(tablet, unplugged):
    from storeassist.hub.services.pickup_codes import hash_pickup_code

    order = await _ready_order(tablet)
    with _db(tablet.hub) as db:
        db.execute(
            "UPDATE orders SET pickup_code_hash = ?, pickup_code_failures = 0, pickup_locked = 0"
            " WHERE id = ?",
            (hash_pickup_code(order.id, "482913"), order.id),
        )

    assert (await tablet.desk.check_pickup_code(order.id, "482913")).ok
    answers = [await tablet.desk.check_pickup_code(order.id, "000000") for _ in range(3)]
    assert [(a.ok, a.attempts_left, a.locked) for a in answers] == [
        (False, 2, False),
        (False, 1, False),
        (False, 0, True),
    ]

    opened = await tablet.desk.open_number(order.number)
    assert opened.order.pickup_locked
    with pytest.raises(HandoverInvalid) as raised:
        await tablet.desk.hand_over(opened.order, _all_of(opened.order))
    assert raised.value.code == "pickup_needs_manager"
    with pytest.raises(HubConnectionError):
        await unplugged.check_pickup_code(order.id, "482913")
    with pytest.raises(HandoverInvalid):
        await tablet.desk.check_pickup_code(order.id, "12ab56")


# -- substitutes and restocking -------------------------------------------------------------------


async def test_another_size_in_stock_here_is_offered_and_handed_over_instead(tablet):
    board = await tablet.desk.board()
    for order in board.orders:
        if order.pickup_state != "ready" or order.payment_state != "paid" or order.pickup_locked:
            continue
        for line in order.lines:
            options = tablet.desk.substitutes(line)
            if options and to_collect(line):
                break
        else:
            continue
        break
    else:
        pytest.skip("no ready order has a line with another size in stock here")
    with _db(tablet.hub) as db:
        styles = {
            row[0]
            for row in db.execute(
                "SELECT style FROM products WHERE sku IN (?, ?)", (line.sku, options[0].sku)
            )
        }
    assert len(styles) == 1 and all(o.sku != line.sku and o.available_here > 0 for o in options)

    payload = CollectPickupPayload.model_validate(
        {
            "order_id": order.id,
            "lines": {line.line_no: {"substituted": 1, "substitute_sku": options[0].sku}},
            "verification": {"method": "photo_id", "document_type": "passport", "document_last": "9X"},
            "signature": "M 10 10 L 40 30",
        }
    )
    receipt = await tablet.desk.hand_over(order, payload)

    assert receipt.status == "confirmed", (receipt.code, receipt.params)
    assert receipt.lines[0].substituted == 1 and receipt.lines[0].substitute_name == options[0].name


async def test_an_overdue_order_is_restocked_and_one_not_due_is_refused(tablet):
    order = await _ready_order(tablet)
    with pytest.raises(HandoverInvalid) as raised:
        await tablet.desk.restock(order)
    assert raised.value.code == "not_overdue" and tablet.outbox.pending_count() == 0

    with _db(tablet.hub) as db:
        db.execute(
            "UPDATE orders SET pickup_deadline = ? WHERE id = ?",
            ((datetime.now(UTC) - timedelta(days=2)).replace(tzinfo=None).isoformat(sep=" "), order.id),
        )
    overdue = (await tablet.desk.open_number(order.number)).order

    receipt = await tablet.desk.restock(overdue)

    assert receipt.status == "confirmed", (receipt.code, receipt.params)
    assert receipt.pickup_state == "expired" and all(line.cancelled for line in receipt.lines)
    assert _hub_order(tablet.hub, order.id) == ("expired", 0)
