"""A device's services for screens tested without a hub (``tests/support`` is on pytest's path)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from storeassist.contract import (
    CollectPickupPayload,
    Order,
    OrderLine,
    PickupCodeAnswer,
    Role,
)
from storeassist.domain import tokens
from storeassist.domain.orders import (
    HandoverProblem,
    is_arriving,
    is_open,
    is_overdue,
    plan_handover,
    queue_sort_key,
    to_collect,
)
from storeassist.domain.pickups import (
    ArrivalReceipt,
    HandoverInvalid,
    HandoverReceipt,
    OpenedPickup,
    PickupBoard,
    PickupNotHere,
    ReceiptLine,
    SubstituteOption,
    apply_receive,
)
from storeassist.services.view_customer import SignInRequired, ViewCustomer


@dataclass
class FakeDevice:
    """A device's services as the window and its features use them, for screens tested without a
    hub: a real :class:`ViewCustomer` over whatever ``lookup`` stand-in the test gives."""

    view_customer: ViewCustomer
    store_id: int = 1
    store_name: str = "Test store"
    sign_in: Any = None
    staff: Any = None
    sync: Any = None
    notes: Any = None
    suggestions: Any = None
    pickups: Any = None
    pickup_arrivals: Any = None
    stock_desk: Any = None
    returns: Any = None
    store_locale: str | None = None
    store_currency: str | None = None
    store_timezone: str | None = None

    async def store_names(self) -> Mapping[int, str]:
        return {self.store_id: self.store_name}


def make_fake_device(
    lookup: Any, *, role: Role | None = "admin", store_id: int = 1, **services: Any
) -> FakeDevice:
    """``lookup`` answers like ``IdentifyCustomer``; ``role`` is who is signed in (None: nobody)."""
    return FakeDevice(ViewCustomer(lookup, store_id, lambda: role), store_id=store_id, **services)


# -- the pickup counter, without a hub -------------------------------------------------------------


def pickup_order(
    order_id: int = 7001,
    number: str = "P-7001",
    *,
    name: str = "Maria Jensen",
    state: str = "ready",
    lines: tuple[tuple[str, str, int], ...] = (("SKU-TEE-M", "Organic tee", 2), ("SKU-CAP", "Cap", 1)),
    deadline: datetime | None = None,
    waiting_since: datetime | None = None,
    proxy: str | None = None,
    paid: bool = True,
    bin: str | None = "A-12",
    customer_id: int = 42,
) -> Order:
    """A pickup order of store 1 as the hub would send it (sizes and colours on the first line)."""
    now = FAKE_NOW
    return Order(
        id=order_id,
        number=number,
        customer_id=customer_id,
        customer_name=name,
        channel="web",
        placed_at=now - timedelta(days=2),
        status="ready_for_pickup",
        fulfilment="bopis",
        store_id=1,
        pickup_state=state,  # type: ignore[arg-type]
        pickup_deadline=deadline or now + timedelta(days=3),
        total_cents=sum(qty * 2500 for _sku, _name, qty in lines),
        lines=[
            OrderLine(
                line_no=n,
                sku=sku,
                name=product,
                qty=qty,
                price_cents=2500,
                size="M" if n == 1 else None,
                colour="Navy" if n == 1 else None,
            )
            for n, (sku, product, qty) in enumerate(lines, start=1)
        ],
        pickup_bin=bin,
        proxy_name=proxy,
        payment_state="paid" if paid else "unpaid",
        customer_waiting_since=waiting_since,
    )


#: "Now" for the fake desk and the screens tested with it (a Monday morning, UTC).
FAKE_NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class FakeUnreachable(Exception):
    """Stands in for the client's HubConnectionError (named the same in its class chain)."""

    user_message = "The back office cannot be reached."


HubConnectionError = type("HubConnectionError", (FakeUnreachable,), {})


@dataclass
class FakePickupDesk:
    """``PickupDesk`` without a hub or cache: the store's orders in memory, the same checks."""

    orders: list[Order] = field(default_factory=list)
    signed_in: bool = True
    online: bool = True
    role: str = "associate"
    pickup_code: str = "123456"
    #: Signed order codes the "scanner" knows: code text → order number.
    order_codes: dict[str, str] = field(default_factory=dict)
    substitute_options: dict[str, list[SubstituteOption]] = field(default_factory=dict)
    #: What a hand-over answers: confirmed at the hub, or waiting (no answer in time).
    answer: str = "confirmed"
    sent: list[CollectPickupPayload] = field(default_factory=list)
    restocked: list[int] = field(default_factory=list)
    now: datetime = FAKE_NOW
    failures: dict[int, int] = field(default_factory=dict)
    waiting: set[int] = field(default_factory=set)
    #: Customers' phone numbers (digits) as the hub's search knows them: customer id → phone.
    phones: dict[int, str] = field(default_factory=dict)
    phone_searches: list[str] = field(default_factory=list)

    def _signed(self) -> None:
        if not self.signed_in:
            raise SignInRequired()

    def _find(self, order_id: int) -> Order:
        return next(o for o in self.orders if o.id == order_id)

    def _replace(self, order: Order) -> None:
        self.orders = [order if o.id == order.id else o for o in self.orders]

    def cached_board(self) -> PickupBoard:
        self._signed()
        return self._board("cache")

    def _board(self, source: str) -> PickupBoard:
        shown = sorted((o for o in self.orders if is_open(o.pickup_state)), key=queue_sort_key)
        return PickupBoard(tuple(shown), self.now - timedelta(minutes=5), source, frozenset(self.waiting))  # type: ignore[arg-type]

    async def board(self) -> PickupBoard:
        self._signed()
        return self._board("online" if self.online else "cache")

    async def customers_by_phone(self, text: str) -> frozenset[int]:
        self._signed()
        self.phone_searches.append(text)
        if not self.online:
            raise HubConnectionError("offline")
        digits = "".join(ch for ch in text if ch.isdigit())
        return frozenset(cid for cid, phone in self.phones.items() if phone.startswith(digits))

    async def open_code(self, text: str) -> OpenedPickup:
        self._signed()
        if text.startswith("SA1.forged"):
            raise tokens.TokenForged()
        if text.startswith("SA1.expired"):
            raise tokens.TokenExpired()
        number = self.order_codes.get(text)
        if number is None:
            raise tokens.TokenMalformed()
        opened = await self.open_number(number)
        return OpenedPickup(opened.order, opened.source, text, opened.waiting_to_sync)

    async def open_number(self, number: str) -> OpenedPickup:
        self._signed()
        order = next((o for o in self.orders if o.number == number), None)
        if order is None or order.store_id != 1:
            raise PickupNotHere(number, None if order is None else order.store_id)
        return OpenedPickup(order, "online" if self.online else "cache", None, order.id in self.waiting)

    async def check_pickup_code(self, order_id: int, code: str) -> PickupCodeAnswer:
        self._signed()
        if not self.online:
            raise HubConnectionError()
        if code == self.pickup_code and self.failures.get(order_id, 0) < 3:
            return PickupCodeAnswer(ok=True, attempts_left=3 - self.failures.get(order_id, 0), locked=False)
        failures = self.failures[order_id] = self.failures.get(order_id, 0) + 1
        if failures >= 3:
            self._replace(self._find(order_id).model_copy(update={"pickup_locked": True}))
        return PickupCodeAnswer(ok=False, attempts_left=max(0, 3 - failures), locked=failures >= 3)

    def substitutes(self, line: OrderLine) -> list[SubstituteOption]:
        return list(self.substitute_options.get(line.sku, []))

    async def hand_over(self, order: Order, payload: CollectPickupPayload) -> HandoverReceipt:
        self._signed()
        order = self._find(order.id)
        params: dict[str, str | int] = {"order_number": order.number}
        if order.payment_state != "paid":
            raise HandoverInvalid("order_unpaid", params)
        if order.pickup_locked and self.role not in ("manager", "admin"):
            raise HandoverInvalid("pickup_needs_manager", params)
        try:
            plan = plan_handover(
                order.pickup_state, {line.line_no: line for line in order.lines}, payload.lines
            )
        except HandoverProblem as problem:
            line = {"line_no": problem.line_no} if problem.line_no is not None else {}
            raise HandoverInvalid(problem.code, {**params, **line}) from None
        lines = []
        for line in order.lines:
            action = payload.lines.get(line.line_no)
            if action is None:
                lines.append(line)
                continue
            lines.append(
                line.model_copy(
                    update={
                        "qty_collected": line.qty_collected + action.handed,
                        "qty_cancelled": line.qty_cancelled + action.cancelled + action.substituted,
                    }
                )
            )
        self._replace(order.model_copy(update={"lines": lines, "pickup_state": plan.state}))
        self.sent.append(payload)
        if self.answer == "waiting":
            self.waiting.add(order.id)
        return HandoverReceipt(
            order_id=order.id,
            order_number=order.number,
            lines=tuple(
                ReceiptLine(
                    line_no=line.line_no,
                    name=line.name,
                    size=line.size,
                    colour=line.colour,
                    handed=payload.lines[line.line_no].handed,
                    cancelled=payload.lines[line.line_no].cancelled,
                    substituted=payload.lines[line.line_no].substituted,
                    substitute_name=payload.lines[line.line_no].substitute_sku,
                )
                for line in order.lines
                if line.line_no in payload.lines
            ),
            at=self.now,
            staff_name="Sam Associate",
            status=self.answer,  # type: ignore[arg-type]
            reference="SA1.receipt-code"
            if self.answer == "confirmed"
            else "9b1c0c52-0000-4000-8000-000000000001",
            pickup_state=plan.state,
            points_credited=50 if self.answer == "confirmed" else None,
        )

    async def restock(self, order: Order) -> HandoverReceipt:
        self._signed()
        order = self._find(order.id)
        if not is_overdue(order, self.now):
            raise HandoverInvalid("not_overdue", {"order_number": order.number})
        self.restocked.append(order.id)
        lines = [
            line.model_copy(update={"qty_cancelled": line.qty - line.qty_collected}) for line in order.lines
        ]
        self._replace(order.model_copy(update={"lines": lines, "pickup_state": "expired"}))
        return HandoverReceipt(
            order_id=order.id,
            order_number=order.number,
            lines=tuple(
                ReceiptLine(line.line_no, line.name, line.size, line.colour, 0, to_collect(line), 0)
                for line in order.lines
                if to_collect(line)
            ),
            at=self.now,
            staff_name="Sam Associate",
            status="confirmed",
            reference="SA1.restock-code",
            pickup_state="expired",
            points_credited=None,
        )


@dataclass
class FakePickupArrivals:
    """``PickupArrivals`` over a :class:`FakePickupDesk`'s orders: the same checks; the answer is
    ``confirmed``, ``waiting`` (the order shows ready, waiting to sync) or ``conflict`` (another
    tablet received it first)."""

    desk: FakePickupDesk
    answer: str = "confirmed"
    received: list[tuple[int, str]] = field(default_factory=list)

    async def receive(self, order: Order, bin: str) -> ArrivalReceipt:
        self.desk._signed()
        order = self.desk._find(order.id)
        if order.store_id != 1:
            raise PickupNotHere(order.number, order.store_id)
        if not is_arriving(order.pickup_state):
            raise HandoverInvalid(
                "not_arriving", {"order_number": order.number, "pickup_state": order.pickup_state or ""}
            )
        label = bin.strip()
        if not 1 <= len(label) <= 16 or not all(
            ch.isascii() and (ch.isalnum() or ch in " ._-") for ch in label
        ):
            raise HandoverInvalid("bin_invalid", {"order_number": order.number})
        self.received.append((order.id, label))
        conflict = self.answer == "conflict"
        if not conflict:
            order = apply_receive(order, label)
            self.desk._replace(order)
        if self.answer == "waiting":
            self.desk.waiting.add(order.id)
        return ArrivalReceipt(
            order=order,
            bin=label,
            at=self.desk.now,
            staff_name="Sam Associate",
            status=self.answer,  # type: ignore[arg-type]
            reference="9b1c0c52-0000-4000-8000-000000000002",
            code="not_arriving" if conflict else None,
            params={"order_number": order.number, "pickup_state": "ready"} if conflict else {},
        )
