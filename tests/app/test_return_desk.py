"""The return desk over a real cache and outbox, with the hub's answers played by a small fake: an
order opened by code or number (online, then from the cache), codes refused before any request,
the policy's decision, a manager's approval, the offline cap, exchanges, and the receipt."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tampered_codes import tampered

from storeassist.client import HubNotFound, HubRejected, HubUnreachable
from storeassist.contract import (
    ChangeFeed,
    Command,
    CommandResult,
    ExchangeLine,
    NearbyStore,
    Problem,
    Product,
    PublicKeys,
    ReturnableOrder,
    ReturnApproval,
    ReturnApprovalRequest,
    ReturnLookup,
    StaffSession,
    TakeReturnPayload,
)
from storeassist.domain.return_desk import ApprovalRefused, ReturnNotFound, ReturnNotPossible
from storeassist.domain.returns import ReturnInvalid, UnitReturn
from storeassist.domain.tokens import (
    TokenForged,
    TokenKind,
    TokenMalformed,
    TokenUnknownKey,
    WrongKind,
    parse_token,
    public_key_to_text,
    sign_token,
)
from storeassist.local import LocalCache, Outbox, OutboxState
from storeassist.services.return_desk import ReturnDesk
from storeassist.services.view_customer import SignInRequired

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
HERE, NEAR, DC = 1, 2, 99
KEY_ID = 3
ORDER_ID = 41
NUMBER = "W0000041"
RESELLABLE = "resellable"


def _product(sku: str, size: str, colour: str, price: int = 2999) -> Product:
    return Product(
        sku=sku,
        gtin=f"40000000{abs(hash(sku)) % 10000:04d}0"[:13],
        style="TEE",
        name="Organic tee",
        brand="Nordwear",
        category="Tops",
        price_cents=price,
        size=size,
        colour=colour,
    )


PRODUCTS = [
    _product("TEE-BLU-M", "M", "Blue"),
    _product("TEE-BLU-L", "L", "Blue"),
    _product("TEE-RED-M", "M", "Red"),
    _product("TEE-GRN-M", "M", "Green", price=3499),  # another price: no exchange
]


def returnable(*, days_ago: int = 3, unit_cents: int = 2999, qty: int = 2, **changes: Any) -> ReturnableOrder:
    data: dict[str, Any] = {
        "order_id": ORDER_ID,
        "number": NUMBER,
        "channel": "web",
        "fulfilment": "ship",
        "status": "delivered",
        "payment_state": "paid",
        "placed_at": NOW - timedelta(days=days_ago + 2),
        "received_at": NOW - timedelta(days=days_ago),
        "customer_id": 7,
        "customer_name": "Maria Jensen",
        "customer_points": 500,
        "total_cents": qty * unit_cents,
        "lines": [
            {
                "line_no": 1,
                "sku": "TEE-BLU-M",
                "name": "Organic tee",
                "category": "Tops",
                "style": "TEE",
                "size": "M",
                "colour": "Blue",
                "qty": qty,
                "unit_cents": unit_cents,
                "received": qty,
                "returned": 0,
            }
        ],
        "tenders": [{"kind": "card", "paid_cents": qty * unit_cents}],
        "with_receipt": False,
        "as_of": NOW,
    }
    data.update(changes)
    return ReturnableOrder.model_validate(data)


class FakeHub:
    """The two returns routes: the order set (None: unreachable), or the refusal set."""

    def __init__(self) -> None:
        self.order: ReturnableOrder | None = returnable()
        self.refusal: HubRejected | None = None
        self.lookups: list[ReturnLookup] = []
        self.approvals: list[ReturnApprovalRequest] = []
        self.approval_refusal: HubRejected | None = None

    async def lookup_return(self, lookup: ReturnLookup) -> ReturnableOrder:
        self.lookups.append(lookup)
        if self.refusal is not None:
            raise self.refusal
        if self.order is None:
            raise HubUnreachable()
        receipt = lookup.code is not None and parse_token(lookup.code)[0].kind is not TokenKind.RETURN_RECEIPT
        return self.order.model_copy(update={"with_receipt": receipt, "receipt_code": lookup.code})

    async def approve_return(self, request: ReturnApprovalRequest) -> ReturnApproval:
        self.approvals.append(request)
        if self.approval_refusal is not None:
            raise self.approval_refusal
        if self.order is None:
            raise HubUnreachable()
        return ReturnApproval(
            return_id=request.return_id,
            manager_id=1,
            manager_name="Mo Manager",
            approved_at=NOW,
            expires_at=NOW + timedelta(minutes=15),
        )


class FakeSync:
    """Pushes at once: each waiting command answered by ``answer`` (None: the hub is out of reach)."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.answer: Callable[[Command], CommandResult] | None = None
        self.online: bool | None = True

    def push_soon(self) -> asyncio.Future[tuple[int, int]]:
        done: asyncio.Future[tuple[int, int]] = asyncio.get_running_loop().create_future()
        if self.answer is None:
            done.set_exception(HubUnreachable())
            return done
        batch = self.outbox.next_batch(500)
        self.outbox.mark_sent([c.id for c in batch])
        done.set_result((self.outbox.record_results([self.answer(c) for c in batch]), 0))
        return done


class Staff:
    def __init__(self) -> None:
        self.current: StaffSession | None = StaffSession(
            staff_id=3,
            name="Ana Associate",
            role="associate",
            store_id=HERE,
            session_token="t" * 32,
            idle_minutes=5,
            expires_at=NOW + timedelta(hours=8),
        )


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def cache(tmp_path: Path, key: Ed25519PrivateKey) -> Iterator[LocalCache]:
    made = LocalCache(tmp_path / "cache.sqlite")
    stores = [
        NearbyStore(id=HERE, name="Here", distance_km=0),
        NearbyStore(id=NEAR, name="Near", distance_km=2.5),
        NearbyStore(id=DC, name="DC1", kind="warehouse", distance_km=40),
    ]
    at = int((NOW - timedelta(hours=1)).timestamp())
    counts = [
        ("TEE-BLU-L", HERE, 3, 1, at),
        ("TEE-RED-M", HERE, 0, 0, at),
        ("TEE-RED-M", NEAR, 4, 0, at),
        ("TEE-RED-M", DC, 50, 0, at),
        ("TEE-GRN-M", HERE, 9, 0, at),
    ]
    made.apply_feed(
        ChangeFeed(cursor="c1", has_more=False, products=PRODUCTS, stores=stores, stock_counts=counts),
        requested_cursor="",
        now=NOW,
    )
    made.set_public_keys(PublicKeys(keys={KEY_ID: public_key_to_text(key.public_key())}))
    yield made
    made.close()


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[Outbox]:
    made = Outbox(tmp_path / "outbox.sqlite")
    yield made
    made.close()


class Counter:
    def __init__(self, cache: LocalCache, outbox: Outbox, key: Ed25519PrivateKey) -> None:
        self.hub, self.sync, self.staff = FakeHub(), FakeSync(outbox), Staff()
        self.cache, self.outbox, self.key = cache, outbox, key
        self.desk = self.make(self.hub)

    def make(self, hub: FakeHub, **options: Any) -> ReturnDesk:
        return ReturnDesk(
            hub,
            self.cache,
            self.outbox,
            self.sync,
            HERE,
            self.staff,
            **{"clock": lambda: NOW, "take_wait_s": 0.5, **options},
        )

    def code(self, kind: TokenKind = TokenKind.PURCHASE_RECEIPT, subject: int = ORDER_ID) -> str:
        extra = int((NOW + timedelta(days=1)).timestamp()) if kind.has_expiry else int(NOW.timestamp())
        return sign_token(self.key, KEY_ID, kind, subject, extra)

    def offline(self, **options: Any) -> ReturnDesk:
        """The same tablet with the hub out of reach."""
        unreachable = FakeHub()
        unreachable.order = None
        self.sync.online = False
        return self.make(unreachable, **options)


@pytest.fixture
def counter(cache: LocalCache, outbox: Outbox, key: Ed25519PrivateKey) -> Counter:
    return Counter(cache, outbox, key)


def _one(qty: int = 1, condition: str = RESELLABLE, reason: str = "wrong_size") -> list[UnitReturn]:
    return [UnitReturn(line_no=1, qty=qty, reason=reason, condition=condition)]  # type: ignore[arg-type]


def _applied(command: Command) -> CommandResult:
    """The hub applied the return as the tablet said: the card pays back what is not store credit;
    an exchange pays nothing back (2999 a unit given)."""
    payload = command.payload
    assert isinstance(payload, TakeReturnPayload)
    card = payload.paid_back_cents - payload.store_credit_cents
    exchanged = sum(u.qty for u in payload.units) * 2999 if payload.method == "exchange" else 0
    return CommandResult(
        id=command.id,
        status="applied",
        result={
            "return_id": 9,
            "receipt_code": "SA1.return-receipt-9",
            "paid_back_cents": payload.paid_back_cents,
            "to_tenders": [{"kind": "card", "cents": card}] if card else [],
            "store_credit_cents": payload.store_credit_cents,
            "exchange_cents": exchanged,
            "points_reversed": 0 if exchanged else 29,
            "points_restored": 0,
            "approved_by": "Mo Manager",
        },
    )


# -- finding the order ------------------------------------------------------------------------


async def test_a_receipt_opens_its_order_online_then_from_the_tablet_with_the_receipt(
    counter: Counter,
) -> None:
    code = counter.code()
    online = await counter.desk.open_code(f" {code} ")

    assert online.source == "online" and online.order.with_receipt and online.order.receipt_code == code
    assert [v.code for v in online.verdicts] == ["returnable"] and online.verdicts[0].returnable == 2
    offline = await counter.offline().open_code(code)
    assert (offline.source, offline.order.with_receipt, offline.order.number) == ("cache", True, NUMBER)
    by_number = await counter.offline().open_number(NUMBER.lower())
    assert by_number.source == "cache" and not by_number.order.with_receipt
    assert by_number.verdicts[0].no_receipt == "store_credit"


async def test_an_order_code_of_a_kept_order_opens_it_offline_by_its_subject(counter: Counter) -> None:
    await counter.desk.open_number(NUMBER)
    opened = await counter.offline().open_code(counter.code(TokenKind.ORDER))
    assert opened.source == "cache" and opened.order.with_receipt


async def test_a_returns_receipt_finds_its_order_without_a_receipt(counter: Counter) -> None:
    code = counter.code(TokenKind.RETURN_RECEIPT, 9)
    counter.hub.order = returnable()  # the hub says: found, without receipt
    online = await counter.desk.open_code(code)
    offline = await counter.offline().open_code(code)
    assert not online.order.with_receipt
    assert (offline.source, offline.order.with_receipt, offline.order.receipt_code) == ("cache", False, None)


async def test_forged_malformed_and_wrong_kind_codes_are_refused_before_any_request(counter: Counter) -> None:
    code = counter.code()
    forged = tampered(code)
    with pytest.raises(TokenForged):
        await counter.desk.open_code(forged)
    with pytest.raises(TokenMalformed):
        await counter.desk.open_code("SA1.not-a-code")
    with pytest.raises(WrongKind):
        await counter.desk.open_code(counter.code(TokenKind.LOYALTY_CARD, 7))
    assert counter.hub.lookups == []


async def test_a_code_of_a_key_this_tablet_lacks_is_left_to_the_hub_and_refused_offline(
    counter: Counter,
) -> None:
    other = sign_token(Ed25519PrivateKey.generate(), 9, TokenKind.PURCHASE_RECEIPT, ORDER_ID, 1)
    assert (await counter.desk.open_code(other)).source == "online"
    with pytest.raises(TokenUnknownKey):
        await counter.offline().open_code(other)


async def test_an_order_never_opened_here_cannot_be_opened_offline(counter: Counter) -> None:
    with pytest.raises(ReturnNotFound) as raised:
        await counter.offline().open_number("W123")
    assert (raised.value.code, raised.value.order_number) == ("not_on_tablet", "W123")
    with pytest.raises(ReturnNotFound):
        await counter.offline().open_code(counter.code())


async def test_the_hubs_refusals_are_said_as_not_found(counter: Counter) -> None:
    counter.hub.refusal = HubNotFound(Problem(title="no", status=404, code="unknown_order"))
    with pytest.raises(ReturnNotFound) as unknown:
        await counter.desk.open_number("W999")
    counter.hub.refusal = HubRejected(Problem(title="no", status=403, code="order_of_another_customer"))
    with pytest.raises(ReturnNotFound) as another:
        await counter.desk.open_number(NUMBER, customer_id=8)
    assert (unknown.value.code, another.value.code) == ("unknown_order", "order_of_another_customer")
    assert counter.hub.lookups[-1].customer_id == 8
    with pytest.raises(ReturnNotFound) as typed:
        await counter.desk.open_number("no such number!")
    assert typed.value.code == "unknown_order"


async def test_offline_an_order_of_another_customer_is_not_opened_from_their_profile(
    counter: Counter,
) -> None:
    await counter.desk.open_number(NUMBER)
    with pytest.raises(ReturnNotFound) as raised:
        await counter.offline().open_number(NUMBER, customer_id=8)
    assert raised.value.code == "order_of_another_customer"
    assert (await counter.offline().open_number(NUMBER, customer_id=7)).for_customer_id == 7


async def test_offline_a_guests_order_is_not_opened_for_a_named_customer(counter: Counter) -> None:
    counter.hub.order = returnable(customer_id=None, customer_name=None)
    await counter.desk.open_number(NUMBER)
    with pytest.raises(ReturnNotFound) as raised:
        await counter.offline().open_number(NUMBER, customer_id=7)
    assert raised.value.code == "order_of_another_customer"


async def test_nobody_signed_in_opens_nothing(counter: Counter) -> None:
    counter.staff.current = None
    with pytest.raises(SignInRequired):
        await counter.desk.open_number(NUMBER)
    assert counter.hub.lookups == []


# -- deciding -----------------------------------------------------------------------------------


async def test_the_decision_is_the_policys_and_bad_amounts_are_refused(counter: Counter) -> None:
    opened = await counter.desk.open_code(counter.code())
    decision = counter.desk.decide(opened, _one(), "original_tender")
    assert decision.paid_back_cents == 2999 and decision.to_tenders[0].kind == "card"
    with pytest.raises(ReturnInvalid) as too_many:
        counter.desk.decide(opened, _one(3), "original_tender")
    assert too_many.value.code == "more_than_returnable"
    for qty in (-1, 10**9):
        with pytest.raises(ReturnNotPossible) as absurd:
            counter.desk.decide(opened, _one(qty), "original_tender")
        assert absurd.value.code == "amount_out_of_range"


async def test_what_an_exchange_paid_comes_back_as_store_credit_with_no_points_reversed(
    counter: Counter,
) -> None:
    counter.hub.order = returnable(tenders=[{"kind": "exchange", "paid_cents": 5998}])
    opened = await counter.desk.open_code(counter.code())

    decision = counter.desk.decide(opened, _one(), "original_tender")

    assert decision.to_tenders == () and decision.store_credit_cents == 2999
    assert decision.points_reversed == 0 and decision.tender_shares == (2999,)


# -- taking it back -----------------------------------------------------------------------------


async def test_a_return_online_is_confirmed_with_the_hubs_reference(counter: Counter) -> None:
    counter.sync.answer = _applied
    opened = await counter.desk.open_code(counter.code())
    receipt = await counter.desk.take(opened, counter.desk.new_return_id(), _one(), "original_tender", [])

    assert receipt.status == "confirmed" and receipt.receipt_code == "SA1.return-receipt-9"
    [entry] = [counter.outbox.get(uuid.UUID(receipt.return_id))]
    assert entry is not None and entry.state is OutboxState.APPLIED
    payload = entry.command.payload
    assert payload.receipt_code == opened.order.receipt_code and payload.paid_back_cents == 2999  # type: ignore[union-attr]
    assert not payload.offline  # type: ignore[union-attr]
    again = await counter.offline().open_number(NUMBER)
    assert again.order.lines[0].returned == 1 and not again.waiting_to_sync


async def test_a_confirmed_receipt_says_what_the_hub_paid_back_not_what_the_tablet_expected(
    counter: Counter,
) -> None:
    def split_otherwise(command: Command) -> CommandResult:
        applied = _applied(command)
        result = {
            **(applied.result or {}),
            "to_tenders": [{"kind": "gift_card", "cents": 999}, {"kind": "card", "cents": 1000}],
            "store_credit_cents": 1000,
            "points_reversed": 12,
            "points_restored": 0,
        }
        return applied.model_copy(update={"result": result})

    counter.sync.answer = split_otherwise
    opened = await counter.desk.open_code(counter.code())
    receipt = await counter.desk.take(opened, counter.desk.new_return_id(), _one(), "original_tender", [])

    paid = receipt.decision
    assert receipt.status == "confirmed"
    assert [(t.kind, t.cents) for t in paid.to_tenders] == [("gift_card", 999), ("card", 1000)]
    assert (paid.store_credit_cents, paid.points_reversed, paid.paid_back_cents) == (1000, 12, 2999)
    entry = counter.outbox.get(uuid.UUID(receipt.return_id))
    assert entry is not None and entry.command.payload.store_credit_cents == 0  # type: ignore[union-attr]


async def test_a_return_answered_as_a_duplicate_keeps_the_hubs_reference(counter: Counter) -> None:
    """The hub applied it on an earlier try whose answer was lost: the retry is a duplicate whose
    result is the first one's with ``first_status`` beside it; the receipt still has its QR."""

    def duplicate(command: Command) -> CommandResult:
        first = _applied(command)
        return CommandResult(
            id=command.id, status="duplicate", result={**(first.result or {}), "first_status": "applied"}
        )

    counter.sync.answer = duplicate
    opened = await counter.desk.open_code(counter.code())
    receipt = await counter.desk.take(opened, counter.desk.new_return_id(), _one(), "original_tender", [])

    assert receipt.status == "confirmed" and receipt.receipt_code == "SA1.return-receipt-9"
    assert receipt.approved_by == "Mo Manager"


async def test_offline_a_small_return_waits_and_is_counted_at_once(counter: Counter) -> None:
    await counter.desk.open_code(counter.code())
    offline = counter.offline()
    opened = await offline.open_code(counter.code())
    receipt = await offline.take(opened, offline.new_return_id(), _one(), "original_tender", [])

    assert receipt.status == "waiting" and receipt.receipt_code is None
    entry = counter.outbox.get(uuid.UUID(receipt.return_id))
    assert entry is not None and entry.command.payload.offline  # type: ignore[union-attr]
    again = await offline.open_code(counter.code())
    assert again.waiting_to_sync and again.order.lines[0].returned == 1
    assert again.verdicts[0].returnable == 1
    online = await counter.desk.open_number(NUMBER)  # the hub has not heard of it yet
    assert online.order.lines[0].returned == 1 and online.waiting_to_sync
    tapped_again = await offline.take(opened, receipt.return_id, _one(), "original_tender", [])
    assert tapped_again.status == "waiting" and counter.outbox.pending_count() == 1


async def test_a_return_taken_here_does_not_keep_the_order_longer(counter: Counter) -> None:
    """The kept copy counts the return at once, but it is personal data kept from the hub's answer
    for the personal-data lifetime: a return taken later does not start that time again."""
    counter.hub.order = returnable(days_ago=0)
    await counter.desk.open_code(counter.code())
    ttl = counter.cache.personal_data_ttl
    offline = counter.offline(clock=lambda: NOW + ttl - timedelta(minutes=5))
    opened = await offline.open_number(NUMBER)
    receipt = await offline.take(opened, offline.new_return_id(), _one(), "original_tender", [])
    assert receipt.status == "waiting"

    kept = counter.cache.return_order(ORDER_ID, now=NOW + ttl - timedelta(minutes=1))
    assert kept is not None and kept.order.lines[0].returned == 1
    assert counter.cache.return_order(ORDER_ID, now=NOW + ttl + timedelta(seconds=1)) is None


async def test_cached_keys_that_cannot_be_read_are_said_and_left_to_the_hub(
    counter: Counter, caplog: pytest.LogCaptureFixture
) -> None:
    from storeassist.local import LocalStoreError

    def broken() -> Any:
        raise LocalStoreError("damaged")

    counter.cache.verification_keys = broken  # type: ignore[method-assign]
    with caplog.at_level("WARNING", logger="storeassist.returns"):
        opened = await counter.desk.open_code(counter.code())
    assert opened.source == "online"
    assert "cached keys could not be read" in caplog.text


async def test_a_waiting_return_is_known_applied_by_its_command_id_not_its_time(counter: Counter) -> None:
    """The hub dates a return by its own clock: the order's past returns name the command that
    took each, and only that says this tablet's waiting return is already counted there."""
    await counter.desk.open_code(counter.code())
    offline = counter.offline()
    receipt = await offline.take(
        await offline.open_code(counter.code()), offline.new_return_id(), _one(), "original_tender", []
    )
    assert receipt.status == "waiting"
    applied = returnable(
        lines=[{**returnable().lines[0].model_dump(), "returned": 1, "refunded_cents": 2999}],
        tenders=[{"kind": "card", "paid_cents": 5998, "refunded_cents": 2999}],
    )

    def past(command_id: str | None, at: datetime) -> dict[str, Any]:
        return {"at": at, "store_id": HERE, "units": 1, "paid_back_cents": 2999, "command_id": command_id}

    # Applied at the hub an hour after the tap (its own clock), named by the command: counted once.
    counter.hub.order = ReturnableOrder.model_validate(
        {**applied.model_dump(), "past_returns": [past(receipt.return_id, NOW + timedelta(hours=1))]}
    )
    named = await counter.desk.open_number(NUMBER)
    # Another return of the same units at the very moment of the tap: not this one.
    counter.hub.order = ReturnableOrder.model_validate(
        {**applied.model_dump(), "past_returns": [past(str(uuid.uuid4()), NOW)]}
    )
    other = await counter.desk.open_number(NUMBER)

    assert named.order.lines[0].returned == 1, "counted once"
    assert other.order.lines[0].returned == 2, "another return: this one still waits on top of it"


async def test_offline_a_return_above_the_cap_or_needing_a_manager_is_refused(counter: Counter) -> None:
    counter.hub.order = returnable(unit_cents=6000)
    await counter.desk.open_code(counter.code())
    offline = counter.offline(offline_cap_cents=10_000)
    opened = await offline.open_code(counter.code())
    with pytest.raises(ReturnNotPossible) as over:
        await offline.take(opened, offline.new_return_id(), _one(2), "original_tender", [])
    assert (over.value.code, over.value.params) == ("offline_over_cap", {"cap_cents": 10_000})
    with pytest.raises(ReturnNotPossible) as manager:
        await offline.take(opened, offline.new_return_id(), _one(1, "damaged"), "original_tender", [])
    assert manager.value.code == "offline_needs_manager"
    assert counter.outbox.pending_count() == 0
    assert counter.make(FakeHub(), offline_cap_cents=10**9).offline_cap_cents == 10_000, (
        "never above the policy's"
    )


async def test_a_return_that_needs_a_manager_is_taken_once_one_approved_it(counter: Counter) -> None:
    counter.hub.order = returnable(days_ago=40)
    counter.sync.answer = _applied
    opened = await counter.desk.open_code(counter.code())
    assert opened.verdicts[0].code == "past_window"
    return_id = counter.desk.new_return_id()
    with pytest.raises(ReturnNotPossible) as first:
        await counter.desk.take(opened, return_id, _one(), "original_tender", [])
    assert first.value.params == {"order_number": NUMBER, "reasons": "past_window"}

    approval = await counter.desk.approve(
        opened,
        return_id,
        counter.desk.decide(opened, _one(), "original_tender"),
        badge=None,
        staff_number=" s0001 ",
        pin="1001",
        reason="Customer was travelling",
    )
    receipt = await counter.desk.take(opened, return_id, _one(), "original_tender", [])

    sent = counter.hub.approvals[0]
    assert approval.manager_name == "Mo Manager" and sent.staff_number == "S0001"
    assert (sent.order_id, sent.paid_back_cents, sent.reasons) == (ORDER_ID, 2999 - 0, ["past_window"])
    assert receipt.status == "confirmed" and receipt.approved_by == "Mo Manager"
    assert receipt.return_id == return_id


async def test_offline_an_approval_given_while_online_does_not_make_a_return_one_to_take_offline(
    counter: Counter,
) -> None:
    """The hub refuses a return taken offline that needs a manager (offline_over_cap): the tablet
    does not queue one, approved or not."""
    counter.hub.order = returnable(days_ago=40)
    opened = await counter.desk.open_code(counter.code())
    return_id = counter.desk.new_return_id()
    decision = counter.desk.decide(opened, _one(), "original_tender")
    await counter.desk.approve(
        opened, return_id, decision, badge=None, staff_number="S0001", pin="1001", reason="travelling"
    )
    counter.sync.online = False

    with pytest.raises(ReturnNotPossible) as refused:
        await counter.desk.take(opened, return_id, _one(), "original_tender", [])

    assert refused.value.code == "offline_needs_manager"
    assert counter.outbox.pending_count() == 0


async def test_an_approval_is_of_what_the_manager_was_shown_and_of_the_associate_who_asked(
    counter: Counter,
) -> None:
    """An approval of one unit is no approval of two under the same id; one given to the associate
    signed in before is forgotten when someone else signs in; one past its time is asked again.
    Each is refused here (approval_required: the screen asks the manager), with nothing queued."""
    counter.hub.order = returnable(days_ago=40)
    counter.sync.answer = _applied
    now = [NOW]
    desk = counter.make(counter.hub, clock=lambda: now[0])
    opened = await desk.open_code(counter.code())

    async def approved_for(units: list[UnitReturn]) -> str:
        return_id = desk.new_return_id()
        decision = desk.decide(opened, units, "original_tender")
        await desk.approve(
            opened, return_id, decision, badge=None, staff_number="S0001", pin="1001", reason="travelling"
        )
        return return_id

    more = await approved_for(_one(1))
    with pytest.raises(ReturnNotPossible) as bigger:
        await desk.take(opened, more, _one(2), "original_tender", [])
    someone_else = await approved_for(_one(1))
    assert counter.staff.current is not None
    counter.staff.current = counter.staff.current.model_copy(update={"staff_id": 4, "name": "Bo"})
    with pytest.raises(ReturnNotPossible) as other_associate:
        await desk.take(opened, someone_else, _one(1), "original_tender", [])
    expired = await approved_for(_one(1))  # valid until NOW + 15 minutes
    now[0] = NOW + timedelta(minutes=16)
    with pytest.raises(ReturnNotPossible) as too_late:
        await desk.take(opened, expired, _one(1), "original_tender", [])

    codes = {bigger.value.code, other_associate.value.code, too_late.value.code}
    assert codes == {"approval_required"}
    assert counter.outbox.pending_count() == 0 and counter.outbox.get(uuid.UUID(more)) is None


async def test_an_approval_refused_says_why_and_sends_nothing_of_the_wrong_shape(counter: Counter) -> None:
    return_id = counter.desk.new_return_id()
    opened = await counter.desk.open_code(counter.code())
    decision = counter.desk.decide(opened, _one(), "original_tender")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"staff_number": "S0001", "pin": "12", "reason": "ok then"}, "pin_invalid"),
        ({"staff_number": "S0001", "pin": "1001", "reason": " x "}, "reason_missing"),
        ({"staff_number": None, "pin": "1001", "reason": "ok then"}, "manager_missing"),
        ({"staff_number": "S 1", "pin": "1001", "reason": "ok then"}, "manager_missing"),
    ]
    for fields, code in cases:
        with pytest.raises(ApprovalRefused) as refused:
            await counter.desk.approve(opened, return_id, decision, badge=None, **fields)
        assert refused.value.code == code and "1001" not in str(refused.value)
        error = refused.value
        assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    assert counter.hub.approvals == []
    counter.hub.approval_refusal = HubRejected(Problem(title="no", status=403, code="not_a_manager"))
    with pytest.raises(ApprovalRefused) as not_manager:
        await counter.desk.approve(
            opened, return_id, decision, badge=None, staff_number="S0003", pin="1003", reason="ok then"
        )
    with pytest.raises(ApprovalRefused) as offline:
        await counter.offline().approve(
            opened, return_id, decision, badge=None, staff_number="S0001", pin="1001", reason="ok then"
        )
    assert (not_manager.value.code, offline.value.code) == ("not_a_manager", "offline")


async def test_a_return_the_outbox_will_not_hold_is_refused_with_nothing_queued(counter: Counter) -> None:
    from storeassist.contract import PayloadOutOfBounds

    def too_big(command: Command) -> None:
        raise PayloadOutOfBounds("values", 512, "the payload holds more than 512 values")

    opened = await counter.desk.open_code(counter.code())
    counter.outbox.enqueue = too_big  # type: ignore[method-assign]
    with pytest.raises(ReturnNotPossible) as refused:
        await counter.desk.take(opened, counter.desk.new_return_id(), _one(), "original_tender", [])
    assert (refused.value.code, refused.value.params) == (
        "payload_out_of_bounds",
        {"bound": "values", "limit": 512},
    )
    assert counter.outbox.pending_count() == 0


async def test_a_refusal_and_a_conflict_are_said_on_the_receipt(counter: Counter) -> None:
    opened = await counter.desk.open_code(counter.code())
    counter.sync.answer = lambda c: CommandResult(
        id=c.id, status="conflict", code="more_than_returnable", params={"order_number": NUMBER, "line_no": 1}
    )
    receipt = await counter.desk.take(opened, counter.desk.new_return_id(), _one(), "store_credit", [])
    assert (receipt.status, receipt.code) == ("conflict", "more_than_returnable")
    counter.sync.answer = lambda c: CommandResult(id=c.id, status="rejected", code="approval_required")
    refused = await counter.desk.take(opened, counter.desk.new_return_id(), _one(), "store_credit", [])
    assert (refused.status, refused.code) == ("refused", "approval_required")


# -- exchanges ---------------------------------------------------------------------------------


async def test_exchange_options_are_the_styles_other_sizes_at_the_same_price(counter: Counter) -> None:
    opened = await counter.desk.open_code(counter.code())
    options = counter.desk.exchange_options(opened, 1)

    assert [(o.sku, o.available_here) for o in options] == [("TEE-BLU-L", 2), ("TEE-RED-M", 0)]
    assert options[1].elsewhere == ((NEAR, "Near", 4), (None, "DC1", 50))
    assert counter.desk.exchange_options(opened, 9) == []


async def test_an_exchange_the_hub_would_refuse_is_refused_here(counter: Counter) -> None:
    counter.sync.answer = _applied
    opened = await counter.desk.open_code(counter.code())

    def line(sku: str, qty: int = 1, **more: Any) -> ExchangeLine:
        return ExchangeLine(line_no=1, sku=sku, qty=qty, **more)

    cases = [
        ([line("TEE-GRN-M")], "exchange_price_differs"),
        ([line("OTHER-SKU")], "exchange_not_same_style"),
        ([line("TEE-RED-M")], "exchange_out_of_stock"),
        ([line("TEE-BLU-L", 2)], "invalid_command"),
        ([line("TEE-RED-M", fulfilment="ship"), line("TEE-RED-M", fulfilment="bopis")], "invalid_command"),
        ([], "invalid_command"),
    ]
    for given, code in cases:
        with pytest.raises(ReturnNotPossible) as refused:
            await counter.desk.take(opened, counter.desk.new_return_id(), _one(), "exchange", given)
        assert refused.value.code == code, given
    assert counter.outbox.pending_count() == 0

    shipped = [line("TEE-RED-M", fulfilment="ship", source_store_id=NEAR)]
    receipt = await counter.desk.take(opened, counter.desk.new_return_id(), _one(), "exchange", shipped)
    assert receipt.status == "confirmed" and receipt.decision.exchange_cents == 2999
    carried = await counter.desk.take(
        opened, counter.desk.new_return_id(), _one(), "exchange", [line("TEE-BLU-L")]
    )
    assert carried.status == "confirmed"


def test_the_offline_cap_setting_defaults_to_the_policys_and_may_not_exceed_it() -> None:
    from pydantic import ValidationError

    from storeassist.config import Settings
    from storeassist.domain.returns import DEFAULT_POLICY

    assert Settings().returns_offline_cap_cents == DEFAULT_POLICY.offline_cap_cents
    assert Settings(returns_offline_cap_cents=0).returns_offline_cap_cents == 0
    with pytest.raises(ValidationError):
        Settings(returns_offline_cap_cents=DEFAULT_POLICY.offline_cap_cents + 1)
