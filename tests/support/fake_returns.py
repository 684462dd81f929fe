"""A return desk without a hub or cache, for the Returns screen's tests: orders in memory, the real
policy (``domain.returns.decide_return`` with ``DEFAULT_POLICY``), a manager who approves, and
the desk's answers (confirmed, waiting, refused, conflict) as the test sets them. Like the real
desk, it refuses a return a manager must approve and has not (``ReturnNotPossible``), and answers a
return id it has taken before with that return's receipt. A test holds an answer back with
:attr:`FakeReturnDesk.gate` (an answer that comes late) or makes taking fail after the return was
queued (:attr:`FakeReturnDesk.take_error`)."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fake_devices import FAKE_NOW, FakeDevice, HubConnectionError
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storeassist.contract.kiosk import KioskReturn
from storeassist.contract.returns import (
    ExchangeLine,
    OrderTender,
    ReturnableLine,
    ReturnableOrder,
    ReturnApproval,
)
from storeassist.domain import tokens
from storeassist.domain.return_desk import (
    ApprovalRefused,
    ExchangeOption,
    OpenedReturn,
    ReturnNotFound,
    ReturnNotPossible,
    ReturnReceipt,
    order_facts,
)
from storeassist.domain.returns import (
    DEFAULT_POLICY,
    RefundMethod,
    ReturnDecision,
    ReturnRequest,
    UnitReturn,
    decide_return,
    line_verdicts,
    offline_allowed,
)
from storeassist.services.view_customer import SignInRequired, ViewCustomer
from storeassist.ui.background import OpRunner
from storeassist.ui.returns_line import ReturnLineRow
from storeassist.ui.returns_screen import ReturnsScreen

MANAGER_BADGE = "SA1.manager-badge"
MANAGER = ("M0001", "2468")
ASSOCIATE = ("S0001", "1001")
RECEIPT_CODE = "SA1.signed-return-receipt"
#: A purchase receipt's code the tests' desks know (``FakeReturnDesk.codes``).
RECEIPT = "SA1.purchase-receipt-of-W10000123"
WAIT_MS = 5_000


def line(
    line_no: int,
    name: str,
    *,
    qty: int = 1,
    unit_cents: int = 4000,
    category: str = "Tops",
    returned: int = 0,
    size: str | None = "M",
    colour: str | None = "Navy",
    sku: str | None = None,
) -> ReturnableLine:
    return ReturnableLine(
        line_no=line_no,
        sku=sku or f"SKU-{line_no}",
        name=name,
        category=category,
        style=f"STYLE-{line_no}",
        size=size,
        colour=colour,
        qty=qty,
        unit_cents=unit_cents,
        received=qty,
        returned=returned,
        refunded_cents=returned * unit_cents,
    )


def returnable_order(
    number: str = "W10000123",
    *,
    lines: Sequence[ReturnableLine] | None = None,
    days_ago: int = 10,
    customer_id: int | None = 42,
    status: str = "delivered",
    paid: bool = True,
    tenders: Sequence[tuple[str, int]] | None = None,
    points: int = 500,
) -> ReturnableOrder:
    """A delivered web order of a tee (2 × $40), jeans ($90) and socks (final sale), paid by card."""
    lines = list(
        lines
        or (
            line(1, "Organic cotton tee", qty=2),
            line(2, "Slim jeans", unit_cents=9000, size="32", colour="Indigo"),
            line(3, "Wool socks", unit_cents=1200, category="Underwear", size=None, colour=None),
        )
    )
    total = sum(ln.qty * ln.unit_cents for ln in lines)
    placed = FAKE_NOW - timedelta(days=days_ago)
    return ReturnableOrder(
        order_id=9001,
        number=number,
        channel="web",
        fulfilment="ship",
        status=status,
        payment_state="paid" if paid else "unpaid",
        placed_at=placed,
        received_at=placed + timedelta(days=2),
        customer_id=customer_id,
        customer_name="Maria Jensen" if customer_id else None,
        customer_points=points,
        total_cents=total,
        lines=lines,
        tenders=[
            OrderTender(kind=kind, paid_cents=cents)  # type: ignore[arg-type]
            for kind, cents in (tenders or (("card", total),))
        ],
        with_receipt=False,
        as_of=FAKE_NOW - timedelta(minutes=1),
    )


@dataclass
class FakeReturnDesk:
    """``ReturnDesk`` as the screen uses it, in memory."""

    orders: list[ReturnableOrder] = field(default_factory=lambda: [returnable_order()])
    #: Signed codes the "scanner" knows: code text → order number.
    codes: dict[str, str] = field(default_factory=dict)
    options: dict[int, list[ExchangeOption]] = field(default_factory=dict)
    online: bool = True
    signed_in: bool = True
    #: What a return answers when online: confirmed, or refused / conflict with ``code``.
    answer: str = "confirmed"
    answer_code: str | None = None
    answer_params: dict[str, str | int] = field(default_factory=dict)
    offline_cap: int = DEFAULT_POLICY.offline_cap_cents
    now: datetime = FAKE_NOW
    approvals: dict[str, str] = field(default_factory=dict)
    #: What each approval approved: the order's number, the amount paid back, the reasons.
    approved_what: dict[str, tuple[str, int, tuple[str, ...]]] = field(default_factory=dict)
    taken: list[tuple[str, tuple[UnitReturn, ...], str, tuple[ExchangeLine, ...]]] = field(
        default_factory=list
    )
    lookups: list[tuple[str, int | None]] = field(default_factory=list)
    #: While it is not set, opening, approving and taking (once queued) wait for it.
    gate: asyncio.Event | None = None
    #: Raised by ``take`` once the return is queued (a failure after it was written), then cleared.
    take_error: BaseException | None = None
    #: The receipt of each return taken, by its id (the same Take back again: the same return).
    receipts: dict[str, ReturnReceipt] = field(default_factory=dict)

    #: Returns shoppers started at the kiosk (the hub's list; offline: not readable).
    kiosk_list: list[KioskReturn] = field(default_factory=list)
    #: Each return taken: the kiosk return it finished (or None), by return id.
    finished_kiosk: dict[str, int | None] = field(default_factory=dict)

    store_id: int = 1

    @property
    def offline_cap_cents(self) -> int:
        return self.offline_cap

    def _signed(self) -> None:
        if not self.signed_in:
            raise SignInRequired()

    async def _answer_later(self) -> None:
        if self.gate is not None:
            await self.gate.wait()

    def _order(self, number: str) -> ReturnableOrder:
        found = next((o for o in self.orders if o.number == number), None)
        if found is None:
            raise ReturnNotFound("unknown_order", number)
        return found

    def _opened(self, order: ReturnableOrder, customer_id: int | None) -> OpenedReturn:
        if customer_id is not None and order.customer_id != customer_id:
            raise ReturnNotFound("order_of_another_customer", order.number)
        facts = order_facts(order)
        verdicts = line_verdicts(facts, DEFAULT_POLICY, self.now, with_receipt=order.with_receipt)
        return OpenedReturn(
            order, verdicts, "online" if self.online else "cache", for_customer_id=customer_id
        )

    async def open_code(self, code: str, *, customer_id: int | None = None) -> OpenedReturn:
        self._signed()
        self.lookups.append((code, customer_id))
        await self._answer_later()
        if code.startswith("SA1.forged"):
            raise tokens.TokenForged()
        number = self.codes.get(code)
        if number is None:
            raise tokens.TokenMalformed()
        # A return's receipt finds its order, without a receipt (the hub's rule).
        receipt = not code.startswith("SA1.return")
        order = self._order(number).model_copy(
            update={"with_receipt": receipt, "receipt_code": code if receipt else None}
        )
        return self._opened(order, customer_id)

    async def open_number(self, number: str, *, customer_id: int | None = None) -> OpenedReturn:
        self._signed()
        self.lookups.append((number, customer_id))
        await self._answer_later()
        return self._opened(self._order(number), customer_id)

    async def kiosk_returns(self) -> tuple[KioskReturn, ...]:
        self._signed()
        if not self.online:
            raise HubConnectionError("offline")
        return tuple(self.kiosk_list)

    async def open_kiosk_return(self, kiosk_return: KioskReturn) -> OpenedReturn:
        opened = await self.open_code(kiosk_return.code)
        return dataclasses.replace(opened, from_kiosk=kiosk_return)

    def decide(
        self, opened: OpenedReturn, units: Sequence[UnitReturn], method: RefundMethod
    ) -> ReturnDecision:
        request = ReturnRequest(tuple(units), method, opened.order.with_receipt)
        return decide_return(opened.facts, request, DEFAULT_POLICY, self.now)

    def exchange_options(self, opened: OpenedReturn, line_no: int) -> list[ExchangeOption]:
        return list(self.options.get(line_no, []))

    def new_return_id(self) -> str:
        return str(uuid.uuid4())

    async def approve(
        self,
        opened: OpenedReturn,
        return_id: str,
        decision: ReturnDecision,
        *,
        badge: str | None,
        staff_number: str | None,
        pin: str,
        reason: str,
    ) -> ReturnApproval:
        self._signed()
        await self._answer_later()
        if not self.online:
            raise ApprovalRefused("offline")
        if (badge == MANAGER_BADGE and pin == MANAGER[1]) or (staff_number, pin) == MANAGER:
            self.approvals[return_id] = reason
            self.approved_what[return_id] = (
                opened.order.number,
                decision.paid_back_cents,
                decision.approvals,
            )
            return ReturnApproval(
                return_id=uuid.UUID(return_id),
                manager_id=7,
                manager_name="Morgan Manager",
                approved_at=self.now,
                expires_at=self.now + timedelta(minutes=15),
            )
        if (staff_number, pin) == ASSOCIATE:
            raise ApprovalRefused("not_a_manager")
        raise ApprovalRefused("sign_in_refused")

    async def take(
        self,
        opened: OpenedReturn,
        return_id: str,
        units: Sequence[UnitReturn],
        method: RefundMethod,
        exchange: Sequence[ExchangeLine],
    ) -> ReturnReceipt:
        self._signed()
        if return_id in self.receipts:  # the same Take back again: what became of that return
            return self.receipts[return_id]
        decision = self.decide(opened, units, method)
        number = opened.order.number
        offline = opened.source == "cache" or not self.online
        if offline and not offline_allowed(decision, self.offline_cap):
            refusal = "offline_needs_manager" if decision.needs_manager else "offline_over_cap"
            raise ReturnNotPossible(refusal, {"cap_cents": self.offline_cap})
        if not offline and decision.needs_manager and return_id not in self.approvals:
            reasons = ",".join(decision.approvals)
            raise ReturnNotPossible("approval_required", {"order_number": number, "reasons": reasons})
        elsewhere = {e.source_store_id for e in exchange if e.fulfilment != "carry"}
        if method == "exchange" and (len(elsewhere) > 1 or (elsewhere and opened.order.customer_id is None)):
            # The real desk's check (services.return_exchange): one place, to the order's customer.
            raise ReturnNotPossible("invalid_command", {"field": "payload.exchange"})
        self.taken.append((return_id, tuple(units), method, tuple(exchange)))
        self.finished_kiosk[return_id] = opened.from_kiosk.id if opened.from_kiosk else None
        if opened.from_kiosk is not None and self.online and self.answer == "confirmed":
            self.kiosk_list = [k for k in self.kiosk_list if k.id != opened.from_kiosk.id]
        status = self.answer if self.online else "waiting"
        code, params = self.answer_code, dict(self.answer_params)
        if status in ("confirmed", "waiting"):
            self._apply(number, units)
        self.receipts[return_id] = receipt = ReturnReceipt(
            status=status,  # type: ignore[arg-type]
            order_number=number,
            decision=decision,
            return_id=return_id,
            taken_at=self.now,
            receipt_code=RECEIPT_CODE if status == "confirmed" else None,
            exchange_order_number="A-5001" if any(e.fulfilment != "carry" for e in exchange) else None,
            code=code,
            params=params or None,
        )
        if self.take_error is not None:
            error, self.take_error = self.take_error, None
            raise error
        await self._answer_later()
        return receipt

    def _apply(self, number: str, units: Sequence[UnitReturn]) -> None:
        order = self._order(number)
        back = {u.line_no: u.qty for u in units}
        lines = [
            ln.model_copy(update={"returned": ln.returned + back.get(ln.line_no, 0)}) for ln in order.lines
        ]
        changed = order.model_copy(update={"lines": lines})
        self.orders = [changed if o.number == number else o for o in self.orders]


class NoLookups:
    async def identify_by_token(self, text: str, store_id: int) -> None:
        raise AssertionError("not used here")


class Counter:
    """The Returns screen alone, attached to a desk, driven as an associate would."""

    def __init__(self, qtbot: QtBot, desk: FakeReturnDesk) -> None:
        self.qtbot, self.desk = qtbot, desk
        self.runner = OpRunner()
        self.screen = ReturnsScreen(self.runner)
        qtbot.addWidget(self.screen)
        self.screen.resize(1100, 760)
        finder = ViewCustomer(NoLookups(), 1, lambda: "associate")
        self.screen.attach(FakeDevice(finder, returns=desk))
        self.screen.show()
        qtbot.waitExposed(self.screen)

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.runner.busy, timeout=WAIT_MS)

    def tap(self, button: Any) -> None:
        assert button.isVisible() and button.isEnabled(), button.text()
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        self.settle()

    def scan(self, text: str, kind: str = "receipt") -> None:
        self.screen.handle_scan(kind, text)  # type: ignore[arg-type]
        self.settle()

    def row(self, line_no: int) -> ReturnLineRow:
        return next(row for row in self.screen.order.rows if row.line.line_no == line_no)

    def choose(
        self, line_no: int, qty: int, reason: str = "wrong_size", condition: str = "resellable"
    ) -> None:
        row = self.row(line_no)
        row.stepper.set_value(qty)
        row.reason.setCurrentIndex(row.reason.findData(reason))
        row.condition.setCurrentIndex(row.condition.findData(condition))

    def take(self) -> Any:
        with self.qtbot.waitSignal(self.screen.receipt_shown, timeout=WAIT_MS) as shown:
            self.tap(self.screen.order.take_button)
        return shown.args[0]
