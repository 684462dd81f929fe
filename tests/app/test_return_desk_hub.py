"""The return desk against the real hub: a purchase receipt opens its order (online, then offline
from the tablet), a tampered or foreign code is refused before anything is asked, a return is
confirmed with the hub's signed reference, a manager approves one that needs it, the offline cap
and an offline return that needs a manager are refused, and the same last unit taken back in two
stores while both were offline is refunded once and the second becomes a conflict.

Each test has a hub of its own (returns change orders and stock); "offline" is a client pointed
at a port nobody listens on, sharing the tablet's cache and outbox.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hub_tablets import HubTablet, enroll_tablet
from tampered_codes import tampered as tamper

from storeassist.client import HubClient
from storeassist.contract import (
    CommandBatch,
    EnrollRequest,
    ReturnableOrder,
    ReturnApproval,
    ReturnApprovalRequest,
    ReturnLookup,
    StaffSignInRequest,
)
from storeassist.domain.return_desk import OpenedReturn, ReturnNotFound, ReturnNotPossible
from storeassist.domain.returns import UnitReturn
from storeassist.domain.tokens import TokenForged, TokenKind, TokenUnknownKey, parse_token, sign_token
from storeassist.hub.seed import demo_pin
from storeassist.local import LocalCache, Outbox, OutboxState
from storeassist.services.return_desk import ReturnDesk
from storeassist.services.sign_in_staff import StaffSessionState
from storeassist.sync import SyncEngine

pytestmark = pytest.mark.anyio

ASSOCIATE = ("S0003", "1003")
MANAGER = ("S0001", "1001")
#: Categories the policy takes back like any other within 30 days (no final sale, no receipt rule).
PLAIN = ("Tops", "Knitwear", "Shirts", "Jeans", "Trousers", "Dresses", "Skirts", "Accessories")


class CountingHub:
    """The tablet's client, counting the look-ups it is asked for."""

    def __init__(self, client: HubClient) -> None:
        self.client = client
        self.lookups = 0

    async def lookup_return(self, lookup: ReturnLookup) -> ReturnableOrder:
        self.lookups += 1
        return await self.client.lookup_return(lookup)

    async def approve_return(self, request: ReturnApprovalRequest) -> ReturnApproval:
        return await self.client.approve_return(request)


@dataclass
class Tablet(HubTablet):
    """One enrolled tablet with its return desk, at ``store_id``."""

    store_id: int
    hub_client: CountingHub
    desk: ReturnDesk

    def offline_desk(self, client: HubClient, **options: Any) -> ReturnDesk:
        """The same tablet with the hub out of reach."""
        sync = SyncEngine(client, self.outbox, self.cache, self.store_id)
        sync.note_reachability(False)
        return ReturnDesk(client, self.cache, self.outbox, sync, self.store_id, self.staff, **options)


def _tablet_of(base: HubTablet, store_id: int) -> Tablet:
    counting = CountingHub(base.client)
    desk = ReturnDesk(counting, base.cache, base.outbox, base.sync, store_id, base.staff)
    return Tablet(**base.parts(), store_id=store_id, hub_client=counting, desk=desk)


async def _store_tablet(hub: Any, folder: Path, store_id: int, who: tuple[str, str], name: str) -> Tablet:
    """A tablet enrolled at another store of the chain, with ``who`` of that store signed in."""
    folder.mkdir(parents=True, exist_ok=True)
    async with HubClient(hub.url) as anonymous:
        enrollment = await anonymous.enroll(EnrollRequest(code=hub.enroll_code(store_id), device_name=name))
    client = HubClient(hub.url, enrollment.credential)
    session = await client.staff_sign_in(StaffSignInRequest(staff_number=who[0], pin=who[1]))
    staff = StaffSessionState()
    staff.sign_in(session)
    cache, outbox = LocalCache(folder / "cache.sqlite"), Outbox(folder / "outbox.sqlite")
    sync = SyncEngine(client, outbox, cache, store_id)
    base = HubTablet(hub, client, enrollment.credential, cache, outbox, staff, session, sync)
    made = _tablet_of(base, store_id)
    await made.sync.sync_now()
    return made


@pytest.fixture
async def tablet(hub_server_fn: Any, tmp_path: Path, anyio_backend: str) -> AsyncIterator[Tablet]:
    base = await enroll_tablet(hub_server_fn, tmp_path / "tablet", who=ASSOCIATE, name="Returns tablet")
    made = _tablet_of(base, hub_server_fn.store_id)
    await made.sync.sync_now()  # the store's data and keys, as after start-up
    yield made
    await made.aclose()


@pytest.fixture
def refused_client(tablet: Tablet, refused_url: str) -> Callable[[], HubClient]:
    return lambda: HubClient(refused_url, tablet.credential, max_attempts=1)


def _db(hub: Any) -> sqlite3.Connection:
    return sqlite3.connect(hub.db_path)


def _receipt(hub: Any, order_id: int) -> str:
    from storeassist.hub.admin import issue_token

    return issue_token(hub.db_url, TokenKind.PURCHASE_RECEIPT, order_id)


def _candidates(
    hub: Any, *, days: tuple[int, int], min_cents: int = 0, max_cents: int = 10**9, min_qty: int = 1
) -> list[int]:
    """Shipped, delivered, paid orders of a customer placed between ``days`` ago, never returned,
    with a line of a plain category priced within the bounds (of ``min_qty`` units or more), newest
    first. Each one looked up spends a profile read of the staff member's budget: few are tried."""
    now = datetime.now(UTC).replace(tzinfo=None)
    marks = ", ".join("?" * len(PLAIN))
    with _db(hub) as db:
        rows = db.execute(
            "SELECT DISTINCT o.id FROM orders o JOIN order_lines l ON l.order_id = o.id "
            "JOIN products p ON p.id = l.product_id "
            "WHERE o.status = 'delivered' AND o.fulfilment = 'ship' AND o.payment_state = 'paid' "
            "AND o.customer_id IS NOT NULL AND o.placed_at BETWEEN ? AND ? "
            f"AND p.category IN ({marks}) AND l.price_cents BETWEEN ? AND ? AND l.qty >= ? "
            "AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.order_id = o.id) "
            "AND NOT EXISTS (SELECT 1 FROM refunds f WHERE f.order_id = o.id) ORDER BY o.placed_at DESC",
            (
                (now - timedelta(days=days[1])).isoformat(sep=" "),
                (now - timedelta(days=days[0])).isoformat(sep=" "),
                *PLAIN,
                min_cents,
                max_cents,
                min_qty,
            ),
        ).fetchall()
    return [row[0] for row in rows]


async def _order(
    tablet: Tablet, verdict: str, fits: Callable[[OpenedReturn, int], bool], **bounds: Any
) -> tuple[OpenedReturn, str, int]:
    """An order opened with its purchase receipt, its code, and a line whose verdict is ``verdict``
    and that ``fits``."""
    for order_id in _candidates(tablet.hub, **bounds)[:40]:
        code = _receipt(tablet.hub, order_id)
        opened = await tablet.desk.open_code(code)
        for line, judged in zip(opened.order.lines, opened.verdicts, strict=True):
            if judged.code == verdict and line.category in PLAIN and fits(opened, line.line_no):
                return opened, code, line.line_no
    pytest.fail(f"the seeded chain has no order with a {verdict} line that fits")


def _line(opened: OpenedReturn, line_no: int) -> Any:
    return next(line for line in opened.order.lines if line.line_no == line_no)


def _verdict(opened: OpenedReturn, line_no: int) -> Any:
    return next(verdict for verdict in opened.verdicts if verdict.line_no == line_no)


def _back(line_no: int, qty: int = 1, condition: str = "resellable") -> list[UnitReturn]:
    return [UnitReturn(line_no=line_no, qty=qty, reason="wrong_size", condition=condition)]  # type: ignore[arg-type]


def _within_cap(opened: OpenedReturn, line_no: int) -> bool:
    return _line(opened, line_no).unit_cents <= 9_000


async def test_a_receipt_opens_its_order_online_and_then_offline_from_the_tablet(tablet, refused_client):
    opened, code, _line_no = await _order(tablet, "returnable", _within_cap, days=(2, 20))

    assert opened.source == "online" and opened.order.with_receipt and opened.order.receipt_code == code
    async with refused_client() as client:
        offline = await tablet.offline_desk(client).open_code(code)
        by_number = await tablet.offline_desk(client).open_number(opened.order.number)
    assert (offline.source, offline.order.with_receipt, offline.order.lines) == (
        "cache",
        True,
        opened.order.lines,
    )
    assert by_number.source == "cache" and not by_number.order.with_receipt
    assert offline.verdicts == opened.verdicts


async def test_a_tampered_or_foreign_code_is_refused_before_anything_is_asked(tablet, refused_client):
    order_id = _candidates(tablet.hub, days=(2, 20))[0]
    code = _receipt(tablet.hub, order_id)
    tampered = tamper(code)
    token = parse_token(code)[0]
    stranger = sign_token(Ed25519PrivateKey.generate(), token.key_id, TokenKind.PURCHASE_RECEIPT, order_id, 1)

    with pytest.raises(TokenForged):
        await tablet.desk.open_code(tampered)
    with pytest.raises(TokenForged):
        await tablet.desk.open_code(stranger)  # the key id is one this tablet holds: checked here
    assert tablet.hub_client.lookups == 0
    unknown_key = sign_token(Ed25519PrivateKey.generate(), 200, TokenKind.PURCHASE_RECEIPT, order_id, 1)
    with pytest.raises(TokenUnknownKey):
        await tablet.desk.open_code(unknown_key)  # left to the hub, which refuses it
    async with refused_client() as client:
        with pytest.raises(TokenForged):
            await tablet.offline_desk(client).open_code(tampered)
    assert tablet.outbox.pending_count() == 0


async def test_another_customers_order_and_an_unknown_number_are_not_opened(tablet):
    opened, _code, _line_no = await _order(tablet, "returnable", _within_cap, days=(2, 20))
    other = next(c for c in tablet.hub.customer_ids if c != opened.order.customer_id)

    with pytest.raises(ReturnNotFound) as another:
        await tablet.desk.open_number(opened.order.number, customer_id=other)
    with pytest.raises(ReturnNotFound) as unknown:
        await tablet.desk.open_number("W99999999")
    assert (another.value.code, unknown.value.code) == ("order_of_another_customer", "unknown_order")
    mine = await tablet.desk.open_number(opened.order.number, customer_id=opened.order.customer_id)
    assert mine.for_customer_id == opened.order.customer_id


async def test_a_return_online_is_confirmed_refunded_and_restocked_here(tablet):
    opened, _code, line_no = await _order(tablet, "returnable", _within_cap, days=(2, 20))
    line = _line(opened, line_no)
    with _db(tablet.hub) as db:
        (before,) = db.execute(
            "SELECT coalesce(sum(i.on_hand), 0) FROM inventory i JOIN products p ON p.id = i.product_id "
            "WHERE p.sku = ? AND i.store_id = ?",
            (line.sku, tablet.store_id),
        ).fetchone()

    decision = tablet.desk.decide(opened, _back(line_no), "original_tender")
    receipt = await tablet.desk.take(
        opened, tablet.desk.new_return_id(), _back(line_no), "original_tender", []
    )

    assert receipt.status == "confirmed", (receipt.code, receipt.params)
    assert (
        receipt.receipt_code is not None
        and parse_token(receipt.receipt_code)[0].kind is TokenKind.RETURN_RECEIPT
    )
    with _db(tablet.hub) as db:
        refunded = db.execute(
            "SELECT coalesce(sum(amount_cents), 0) FROM tender_refunds WHERE order_id = ?",
            (opened.order.order_id,),
        ).fetchone()[0]
        (after,) = db.execute(
            "SELECT on_hand FROM inventory i JOIN products p ON p.id = i.product_id"
            " WHERE p.sku = ? AND i.store_id = ?",
            (line.sku, tablet.store_id),
        ).fetchone()
    assert refunded == sum(t.cents for t in decision.to_tenders) and after == before + 1
    again = await tablet.desk.open_code(opened.order.receipt_code or "")
    assert _line(again, line_no).returned == line.returned + 1 and not again.waiting_to_sync


async def test_a_return_past_its_window_is_taken_once_a_manager_approved_it(tablet):
    opened, _code, line_no = await _order(tablet, "past_window", lambda _o, _n: True, days=(40, 80))
    return_id = tablet.desk.new_return_id()
    with pytest.raises(ReturnNotPossible) as first:
        await tablet.desk.take(opened, return_id, _back(line_no), "store_credit", [])
    assert first.value.code == "approval_required" and "past_window" in str(first.value.params["reasons"])

    approval = await tablet.desk.approve(
        opened,
        return_id,
        tablet.desk.decide(opened, _back(line_no), "store_credit"),
        badge=tablet.hub.manager_badge,
        staff_number=None,
        pin=MANAGER[1],
        reason="Away on business",
    )
    receipt = await tablet.desk.take(opened, return_id, _back(line_no), "store_credit", [])

    assert receipt.status == "confirmed", (receipt.code, receipt.params)
    assert receipt.approved_by == approval.manager_name and tablet.staff.current is not None
    assert tablet.staff.current.staff_id != approval.manager_id, "the associate stays signed in"
    with _db(tablet.hub) as db:
        return_row, approved_by = db.execute(
            "SELECT id, approved_by FROM returns WHERE command_id = ?", (return_id,)
        ).fetchone()
        audited = db.execute(
            "SELECT action, staff_id FROM audit WHERE subject = ? ORDER BY id", (f"return:{return_row}",)
        ).fetchall()
    assert approved_by == approval.manager_id
    assert ("return.approval_used", approval.manager_id) in audited


async def test_offline_the_cap_and_a_return_needing_a_manager_are_refused_with_nothing_written(
    tablet, refused_client
):
    _dear, dear_code, dear_line = await _order(
        tablet, "returnable", lambda o, n: _line(o, n).unit_cents > 10_000, days=(2, 20), min_cents=10_001
    )
    _late, late_code, late_line = await _order(tablet, "past_window", lambda _o, _n: True, days=(40, 80))
    async with refused_client() as client:
        offline = tablet.offline_desk(client)
        over = await offline.open_code(dear_code)
        with pytest.raises(ReturnNotPossible) as capped:
            await offline.take(over, offline.new_return_id(), _back(dear_line), "original_tender", [])
        needs = await offline.open_code(late_code)
        with pytest.raises(ReturnNotPossible) as manager:
            await offline.take(needs, offline.new_return_id(), _back(late_line), "store_credit", [])
    assert (capped.value.code, capped.value.params) == (
        "offline_over_cap",
        {"cap_cents": offline.offline_cap_cents},
    )
    assert manager.value.code == "offline_needs_manager"
    assert tablet.outbox.pending_count() == 0 and tablet.outbox.attention_count() == 0


async def test_the_same_last_unit_taken_back_offline_in_two_stores_is_refunded_once(
    tablet, refused_url, tmp_path
):
    def one_left(opened: OpenedReturn, line_no: int) -> bool:
        return _within_cap(opened, line_no) and _verdict(opened, line_no).returnable == 1

    opened, code, line_no = await _order(tablet, "returnable", one_left, days=(2, 20))
    with _db(tablet.hub) as db:
        staff_number, staff_id = db.execute(
            "SELECT staff_number, id FROM staff WHERE store_id = 2 AND role = 'associate' ORDER BY id LIMIT 1"
        ).fetchone()
    other = await _store_tablet(
        tablet.hub, tmp_path / "other", 2, (staff_number, demo_pin(staff_id)), "Store 2"
    )
    try:
        assert (await other.desk.open_code(code)).source == "online"  # both stores hold the order now
        async with (
            HubClient(refused_url, tablet.credential, max_attempts=1) as here_client,
            HubClient(refused_url, other.credential, max_attempts=1) as there_client,
        ):
            here, there = tablet.offline_desk(here_client), other.offline_desk(there_client)
            mine, theirs = await here.open_code(code), await there.open_code(code)
            first = await here.take(mine, here.new_return_id(), _back(line_no), "original_tender", [])
            second = await there.take(theirs, there.new_return_id(), _back(line_no), "original_tender", [])
            assert (first.status, second.status) == ("waiting", "waiting")
            shown = await here.open_code(code)
            assert shown.waiting_to_sync and _verdict(shown, line_no).returnable == 0
        await tablet.sync.sync_now()  # the connection is back, here first
        await other.sync.sync_now()
        applied = tablet.outbox.get(uuid.UUID(first.return_id))
        [attention] = other.outbox.needs_attention()
    finally:
        await other.aclose()

    assert applied is not None and applied.state is OutboxState.APPLIED
    assert attention.command.id == uuid.UUID(second.return_id)
    assert attention.code == "more_than_returnable" and (attention.result or {}).get("status") == "conflict"
    assert attention.params["returnable"] == 0
    order_id = opened.order.order_id
    with _db(tablet.hub) as db:
        (returns,) = db.execute("SELECT count(*) FROM returns WHERE order_id = ?", (order_id,)).fetchone()
        (refunded,) = db.execute(
            "SELECT coalesce(sum(amount_cents), 0) FROM tender_refunds WHERE order_id = ?", (order_id,)
        ).fetchone()
        (qty_returned,) = db.execute(
            "SELECT qty_returned FROM order_lines WHERE order_id = ? AND line_no = ?", (order_id, line_no)
        ).fetchone()
    assert returns == 1 and qty_returned == _line(opened, line_no).returned + 1
    assert refunded == _line(opened, line_no).unit_cents, "refunded once"


async def test_a_return_the_hub_applied_but_whose_answer_was_lost_is_not_counted_twice(
    tablet, refused_client
):
    def two_left(opened: OpenedReturn, line_no: int) -> bool:  # a second copy would still fit
        return _within_cap(opened, line_no) and _verdict(opened, line_no).returnable >= 2

    opened, code, line_no = await _order(tablet, "returnable", two_left, days=(2, 20), min_qty=2)
    async with refused_client() as client:
        offline = tablet.offline_desk(client)
        receipt = await offline.take(
            await offline.open_code(code), offline.new_return_id(), _back(line_no), "original_tender", []
        )
    entry = tablet.outbox.get(uuid.UUID(receipt.return_id))
    assert receipt.status == "waiting" and entry is not None
    # It reaches the hub, but the answer is lost on the way back: the outbox still waits for it.
    await tablet.client.push_commands(CommandBatch(commands=[entry.command]))

    again = await tablet.desk.open_code(code)

    assert again.waiting_to_sync, "still waiting here"
    assert _line(again, line_no).returned == _line(opened, line_no).returned + 1, "taken back once, not twice"
