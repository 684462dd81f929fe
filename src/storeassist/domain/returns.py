"""The return policy and the one function that applies it, on every tablet and at the hub alike.

A return takes units of an order's lines back, each with a reason and a condition, and pays the
customer back in one of three ways: to the tenders the order was paid with, as store credit, or as
another size or colour of the same style (an exchange). :func:`decide_return` is the whole rule:
given what is known of the order (:class:`OrderFacts`), what the associate asks
(:class:`ReturnRequest`), the policy (:class:`ReturnPolicy`) and the time of the return, it answers
a :class:`ReturnDecision` or raises :class:`ReturnInvalid` with a stable ``code`` and its
``params``. The tablet calls it to show the associate the outcome before anything is written; the
hub calls it again when the command arrives, with its own facts, and applies only what it decides.

The policy is data, one :class:`CategoryRule` per product category (window, final sale, the
conditions taken back without a manager, what happens without a receipt, the part of a refund paid
as store credit, the amount a manager must approve), so a retailer changes rules, not code.

Invariants (tested as properties): no sequence of returns pays back more for a line than was paid
for it, nor more to a tender than it paid; points never go below zero through a return.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

#: Why the customer brings it back (the associate picks one per unit or group of units).
ReturnReason = Literal[
    "wrong_size", "not_as_described", "changed_mind", "arrived_damaged", "defective", "late_delivery", "other"
]
RETURN_REASONS: tuple[ReturnReason, ...] = (
    "wrong_size",
    "not_as_described",
    "changed_mind",
    "arrived_damaged",
    "defective",
    "late_delivery",
    "other",
)
#: The state the item comes back in, as the associate sees it.
Condition = Literal["resellable", "opened", "damaged", "defective"]
CONDITIONS: tuple[Condition, ...] = ("resellable", "opened", "damaged", "defective")
#: Where a returned unit goes: back on sale here, back to the supplier, or thrown away.
Disposition = Literal["restock", "return_to_vendor", "destroy"]
#: How the customer is paid back.
RefundMethod = Literal["original_tender", "store_credit", "exchange"]
#: What an order was paid with. Card and PayPal numbers never reach a tablet: a refund to them is a
#: request the hub records for the payment system. ``exchange``: the value of items brought back,
#: which paid for an endless-aisle order made by an exchange.
TenderKind = Literal["card", "paypal", "gift_card", "cash", "points", "store_credit", "exchange"]
#: What happens to a line's return without a receipt (the order found by number or from a profile).
NoReceipt = Literal["store_credit", "manager", "refused"]
#: Why a return needs a manager's approval.
ApprovalReason = Literal["past_window", "condition_not_accepted", "above_manager_limit", "no_receipt"]

#: Points a customer earns per whole currency unit of an order (100 minor units), as the hub
#: credits them; a redeemed point is worth one minor unit.
MINOR_UNITS_PER_POINT_EARNED = 100


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """How one category of products is taken back."""

    window_days: int = 30
    #: Never taken back (hygiene, clearance): no manager can override it.
    final_sale: bool = False
    #: Conditions taken back without a manager. A defective unit is always taken back, and so is
    #: a damaged one the customer says arrived damaged.
    accepted: frozenset[Condition] = frozenset({"resellable", "opened", "defective"})
    #: Where an opened unit goes (restocked for clothes; destroyed for cosmetics).
    opened_disposition: Disposition = "restock"
    #: Percent kept from an opened unit's refund (a restocking fee); never on an exchange.
    opened_fee_percent: int = 0
    no_receipt: NoReceipt = "store_credit"
    #: In one return, the part of this category's refund above this is paid as store credit.
    credit_above_cents: int = 20_000
    #: In one return, a refund of this category above this needs a manager.
    manager_above_cents: int = 30_000


@dataclass(frozen=True, slots=True)
class ReturnPolicy:
    """The chain's rules: one per category, a default for the rest, and the chain-wide limits."""

    categories: Mapping[str, CategoryRule] = field(default_factory=dict)
    default: CategoryRule = CategoryRule()
    #: A whole return worth more than this needs a manager, whatever the categories say.
    manager_above_cents: int = 50_000
    #: Whether points spent on an order come back as points (else as store credit).
    restore_redeemed_points: bool = True
    #: The most a tablet may take back while it cannot reach the hub (the tablet's setting may be lower).
    offline_cap_cents: int = 10_000

    def rule(self, category: str) -> CategoryRule:
        return self.categories.get(category, self.default)


#: The demo chain's policy: clothes 30 days, shoes and home longer; underwear final sale; opened
#: cosmetics and worn shoes only with a manager.
DEFAULT_POLICY = ReturnPolicy(
    categories={
        "Underwear": CategoryRule(final_sale=True),
        "Beauty": CategoryRule(
            accepted=frozenset({"resellable", "defective"}),
            opened_disposition="destroy",
            no_receipt="refused",
        ),
        "Shoes": CategoryRule(window_days=60, accepted=frozenset({"resellable", "defective"})),
        "Sleepwear": CategoryRule(accepted=frozenset({"resellable", "defective"})),
        "Home": CategoryRule(window_days=90, opened_fee_percent=10),
        "Outerwear": CategoryRule(credit_above_cents=30_000, manager_above_cents=40_000),
        "Bags": CategoryRule(window_days=60, no_receipt="manager"),
    }
)


@dataclass(frozen=True, slots=True)
class LineFacts:
    """One order line as the return sees it."""

    line_no: int
    sku: str
    category: str
    style: str
    qty: int
    unit_cents: int
    #: Units the customer has: collected (pickup) or delivered with the order.
    received: int
    returned: int
    #: Money already paid back for this line (returns and cancellations).
    refunded_cents: int = 0


@dataclass(frozen=True, slots=True)
class TenderFacts:
    kind: TenderKind
    paid_cents: int
    refunded_cents: int = 0


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """What a return needs to know of an order: the same fields whether read from the hub's rows or
    from the answer a tablet was sent."""

    number: str
    customer_id: int | None
    #: placed, shipped, delivered, completed, cancelled …
    status: str
    payment_state: str
    #: When the window starts: the hand-over for a pickup, else when it was placed.
    received_at: datetime
    total_cents: int
    lines: tuple[LineFacts, ...]
    tenders: tuple[TenderFacts, ...]
    #: The customer's points now (a reversal never takes them below zero).
    customer_points: int = 0

    def line(self, line_no: int) -> LineFacts | None:
        return next((line for line in self.lines if line.line_no == line_no), None)


@dataclass(frozen=True, slots=True)
class UnitReturn:
    """Some units of one line, with why they come back and in what state."""

    line_no: int
    qty: int
    reason: ReturnReason
    condition: Condition


@dataclass(frozen=True, slots=True)
class ReturnRequest:
    units: tuple[UnitReturn, ...]
    method: RefundMethod
    #: The order was opened from its signed receipt or order code (checked by whoever decides).
    with_receipt: bool


@dataclass(frozen=True, slots=True)
class LineOutcome:
    line_no: int
    qty: int
    reason: ReturnReason
    condition: Condition
    disposition: Disposition
    #: What the units cost, what the policy keeps (a restocking fee), what is paid back.
    goods_cents: int
    fee_cents: int
    refund_cents: int


@dataclass(frozen=True, slots=True)
class TenderRefund:
    kind: TenderKind
    cents: int


@dataclass(frozen=True, slots=True)
class ReturnDecision:
    lines: tuple[LineOutcome, ...]
    method: RefundMethod
    goods_cents: int
    fee_cents: int
    #: Paid back to the order's tenders (points tenders excluded: they come back as points).
    to_tenders: tuple[TenderRefund, ...]
    #: What each of the order's tenders (in ``OrderFacts.tenders`` order) pays back, points included:
    #: the hub records these against the tenders, so a later return knows what each has left.
    tender_shares: tuple[int, ...]
    store_credit_cents: int
    #: The value handed back as other sizes or colours.
    exchange_cents: int
    points_reversed: int
    points_restored: int
    approvals: tuple[ApprovalReason, ...]

    @property
    def needs_manager(self) -> bool:
        return bool(self.approvals)

    @property
    def money_cents(self) -> int:
        """Money paid back: to the tenders and as store credit."""
        return sum(t.cents for t in self.to_tenders) + self.store_credit_cents

    @property
    def paid_back_cents(self) -> int:
        """What the customer gets back in value: money and restored points (a point is a minor
        unit); an exchange pays nothing back."""
        return self.money_cents + self.points_restored


class ReturnInvalid(ValueError):
    """A return this policy refuses outright, whoever approves; ``code`` names the rule and
    ``params`` the values a sentence needs (documented with each code below)."""

    def __init__(self, code: str, **params: str | int) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


#: The codes :class:`ReturnInvalid` carries, with their params; the hub refuses with the same.
RETURN_REFUSALS: dict[str, tuple[str, ...]] = {
    "order_cancelled": ("order_number",),
    "order_unpaid": ("order_number",),
    "nothing_to_return": ("order_number",),
    "unknown_line": ("order_number", "line_no"),
    "final_sale": ("order_number", "line_no", "sku"),
    "more_than_returnable": ("order_number", "line_no", "asked", "returnable"),
    "no_receipt_refused": ("order_number", "line_no", "sku"),
}


@dataclass(frozen=True, slots=True)
class LineVerdict:
    """Whether a line can come back, and why, for the screen to say in words.

    ``code`` is one of ``returnable`` (until ``deadline``), ``past_window`` (a manager may approve;
    ``days_late``), ``final_sale``, ``all_returned``, ``not_received``, ``no_receipt_refused``,
    ``order_cancelled``, ``order_unpaid``. ``no_receipt`` says what happens without a receipt."""

    line_no: int
    returnable: int
    code: str
    deadline: datetime
    days_late: int = 0
    no_receipt: NoReceipt | None = None

    @property
    def can_return(self) -> bool:
        return self.returnable > 0 and self.code in ("returnable", "past_window")


def line_verdicts(
    facts: OrderFacts, policy: ReturnPolicy, now: datetime, *, with_receipt: bool
) -> tuple[LineVerdict, ...]:
    """Each line's verdict at ``now``, in the order's line order."""
    return tuple(_verdict(facts, line, policy, now, with_receipt) for line in facts.lines)


def _verdict(
    facts: OrderFacts, line: LineFacts, policy: ReturnPolicy, now: datetime, with_receipt: bool
) -> LineVerdict:
    rule = policy.rule(line.category)
    deadline = facts.received_at + timedelta(days=rule.window_days)
    returnable = max(0, min(line.qty, line.received) - line.returned)
    no_receipt = None if with_receipt else rule.no_receipt

    def verdict(code: str, days_late: int = 0) -> LineVerdict:
        return LineVerdict(line.line_no, returnable, code, deadline, days_late, no_receipt)

    if facts.status == "cancelled":
        return verdict("order_cancelled")
    if facts.payment_state != "paid":
        return verdict("order_unpaid")
    if rule.final_sale:
        return verdict("final_sale")
    if returnable == 0:
        return verdict("all_returned" if line.returned > 0 else "not_received")
    if no_receipt == "refused":
        return verdict("no_receipt_refused")
    if now > deadline:
        return verdict("past_window", max(1, (now - deadline).days + 1))
    return verdict("returnable")


def disposition_for(rule: CategoryRule, condition: Condition, reason: ReturnReason) -> Disposition:
    """Where a unit goes: resellable back on sale; opened as the category says; defective back to
    the supplier; damaged back to the supplier if it arrived so (a carrier's claim), else destroyed."""
    if condition == "resellable":
        return "restock"
    if condition == "opened":
        return rule.opened_disposition
    if condition == "defective" or reason == "arrived_damaged":
        return "return_to_vendor"
    return "destroy"


def condition_accepted(rule: CategoryRule, condition: Condition, reason: ReturnReason) -> bool:
    if condition == "defective" or (condition == "damaged" and reason == "arrived_damaged"):
        return True
    return condition in rule.accepted


def decide_return(
    facts: OrderFacts, request: ReturnRequest, policy: ReturnPolicy, now: datetime
) -> ReturnDecision:
    """The policy applied to one return: what each unit does, what is paid back and how, the
    points, and what a manager must approve. Raises :class:`ReturnInvalid` for a return no
    approval can make valid."""
    number = facts.number
    if facts.status == "cancelled":
        raise ReturnInvalid("order_cancelled", order_number=number)
    if facts.payment_state != "paid":
        raise ReturnInvalid("order_unpaid", order_number=number)
    units = [unit for unit in request.units if unit.qty > 0]
    if not units:
        raise ReturnInvalid("nothing_to_return", order_number=number)

    verdicts = {v.line_no: v for v in line_verdicts(facts, policy, now, with_receipt=request.with_receipt)}
    asked: dict[int, int] = {}
    approvals: set[ApprovalReason] = set()
    outcomes: list[LineOutcome] = []
    for unit in units:
        line = facts.line(unit.line_no)
        if line is None:
            raise ReturnInvalid("unknown_line", order_number=number, line_no=unit.line_no)
        rule = policy.rule(line.category)
        verdict = verdicts[line.line_no]
        if rule.final_sale:
            raise ReturnInvalid("final_sale", order_number=number, line_no=line.line_no, sku=line.sku)
        if verdict.code == "no_receipt_refused":
            raise ReturnInvalid("no_receipt_refused", order_number=number, line_no=line.line_no, sku=line.sku)
        asked[line.line_no] = asked.get(line.line_no, 0) + unit.qty
        if asked[line.line_no] > verdict.returnable:
            raise ReturnInvalid(
                "more_than_returnable",
                order_number=number,
                line_no=line.line_no,
                asked=asked[line.line_no],
                returnable=verdict.returnable,
            )
        if verdict.code == "past_window":
            approvals.add("past_window")
        if not condition_accepted(rule, unit.condition, unit.reason):
            approvals.add("condition_not_accepted")
        if verdict.no_receipt == "manager":
            approvals.add("no_receipt")
        goods = unit.qty * line.unit_cents
        fee = 0
        if unit.condition == "opened" and request.method != "exchange":
            fee = goods * rule.opened_fee_percent // 100
        outcomes.append(
            LineOutcome(
                line.line_no,
                unit.qty,
                unit.reason,
                unit.condition,
                disposition_for(rule, unit.condition, unit.reason),
                goods,
                fee,
                goods - fee,
            )
        )

    outcomes = _capped_by_line(facts, outcomes)
    goods_cents = sum(o.goods_cents for o in outcomes)
    fee_cents = sum(o.goods_cents - o.refund_cents for o in outcomes)
    refund = sum(o.refund_cents for o in outcomes)
    # The limits count what the order paid back before too, so splitting a return into several
    # small ones does not get past a manager.
    before: dict[str, int] = {}
    for line in facts.lines:
        before[line.category] = before.get(line.category, 0) + line.refunded_cents
    if goods_cents + sum(before.values()) > policy.manager_above_cents or any(
        total + before.get(category, 0) > policy.rule(category).manager_above_cents
        for category, total in _by_category(facts, outcomes).items()
    ):
        approvals.add("above_manager_limit")

    points_reversed = 0
    if request.method == "exchange":
        to_tenders: tuple[TenderRefund, ...] = ()
        shares: tuple[int, ...] = (0,) * len(facts.tenders)
        store_credit = 0
        points_restored = 0
        exchange = refund
    else:
        exchange = 0
        points_reversed = _points_reversed(facts, goods_cents)
        paid = _pay_back(facts, outcomes, request, policy, refund)
        to_tenders, shares, store_credit, points_restored = paid
    return ReturnDecision(
        lines=tuple(outcomes),
        method=request.method,
        goods_cents=goods_cents,
        fee_cents=fee_cents,
        to_tenders=to_tenders,
        tender_shares=shares,
        store_credit_cents=store_credit,
        exchange_cents=exchange,
        points_reversed=points_reversed,
        points_restored=points_restored,
        approvals=tuple(sorted(approvals)),
    )


def _capped_by_line(facts: OrderFacts, outcomes: Sequence[LineOutcome]) -> list[LineOutcome]:
    """No line pays back more than was paid for it, counting what earlier refunds paid."""
    left = {line.line_no: max(0, line.qty * line.unit_cents - line.refunded_cents) for line in facts.lines}
    capped = []
    for outcome in outcomes:
        refund = min(outcome.refund_cents, left[outcome.line_no])
        left[outcome.line_no] -= refund
        capped.append(
            LineOutcome(
                outcome.line_no,
                outcome.qty,
                outcome.reason,
                outcome.condition,
                outcome.disposition,
                outcome.goods_cents,
                outcome.goods_cents - refund,
                refund,
            )
        )
    return capped


def _by_category(facts: OrderFacts, outcomes: Sequence[LineOutcome]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for outcome in outcomes:
        line = facts.line(outcome.line_no)
        assert line is not None  # checked by decide_return
        totals[line.category] = totals.get(line.category, 0) + outcome.refund_cents
    return totals


def points_earned(total_cents: int) -> int:
    """Points an order of ``total_cents`` earned."""
    return total_cents // MINOR_UNITS_PER_POINT_EARNED


def _points_reversed(facts: OrderFacts, goods_cents: int) -> int:
    """The points earned on the returned goods, in proportion to the order (rounded down, so the
    parts of several returns never add up to more than the order earned), and never more than the
    customer has. What the order paid with goods brought back (an ``exchange`` tender) earned none."""
    if facts.customer_id is None or facts.total_cents <= 0:
        return 0
    share = points_earned(facts.total_cents) * min(goods_cents, facts.total_cents) // facts.total_cents
    paid = sum(t.paid_cents for t in facts.tenders)
    by_exchange = sum(t.paid_cents for t in facts.tenders if t.kind == "exchange")
    if paid > 0 and by_exchange:
        share = share * (paid - by_exchange) // paid
    return max(0, min(share, facts.customer_points))


def _pay_back(
    facts: OrderFacts,
    outcomes: Sequence[LineOutcome],
    request: ReturnRequest,
    policy: ReturnPolicy,
    refund: int,
) -> tuple[tuple[TenderRefund, ...], tuple[int, ...], int, int]:
    """Split ``refund`` into (to tenders, each tender's share, store credit, points restored)."""
    if request.method == "store_credit" or not request.with_receipt:
        # Without a receipt the money comes back as store credit (a manager may have approved it).
        return (), (0,) * len(facts.tenders), refund, 0
    credit = sum(
        max(0, total - policy.rule(category).credit_above_cents)
        for category, total in _by_category(facts, outcomes).items()
    )
    shares = split_across_tenders(refund - credit, facts.tenders)
    # What the tenders cannot take any more (refunded before) is store credit too.
    credit = refund - sum(shares)
    to_tenders: list[TenderRefund] = []
    restored = 0
    for tender, cents in zip(facts.tenders, shares, strict=True):
        if cents == 0:
            continue
        if tender.kind == "points":
            if policy.restore_redeemed_points:
                restored += cents
            else:
                credit += cents
        elif tender.kind in _PAID_BACK_AS_CREDIT:
            credit += cents
        else:
            to_tenders.append(TenderRefund(tender.kind, cents))
    return tuple(_merged(to_tenders)), tuple(shares), credit, restored


#: Tenders no payment system takes a refund to: what store credit or goods brought back for an
#: exchange paid comes back as store credit.
_PAID_BACK_AS_CREDIT: frozenset[TenderKind] = frozenset({"store_credit", "exchange"})


def _merged(refunds: Sequence[TenderRefund]) -> list[TenderRefund]:
    merged: dict[TenderKind, int] = {}
    for refund in refunds:
        merged[refund.kind] = merged.get(refund.kind, 0) + refund.cents
    return [TenderRefund(kind, cents) for kind, cents in merged.items()]


def split_across_tenders(amount: int, tenders: Sequence[TenderFacts]) -> list[int]:
    """``amount`` split across ``tenders`` in proportion to what each paid, never more than any one
    has left to pay back (paid − refunded); remainders go to the tenders in order. The sum is
    ``amount`` if the tenders have that much left, else all they have left."""
    left = [max(0, t.paid_cents - t.refunded_cents) for t in tenders]
    total_left = sum(left)
    if amount <= 0 or total_left == 0:
        return [0] * len(tenders)
    amount = min(amount, total_left)
    shares = [amount * room // total_left for room in left]
    rest = amount - sum(shares)
    for i, room in enumerate(left):
        extra = min(rest, room - shares[i])
        shares[i] += extra
        rest -= extra
    return shares


def offline_allowed(decision: ReturnDecision, cap_cents: int) -> bool:
    """Whether a tablet that cannot reach the hub may take this return now: within the cap, and
    nothing a manager must approve (an approval is checked at the hub). The hub checks it again
    for a return that says it was taken offline."""
    return not decision.needs_manager and decision.goods_cents <= cap_cents
