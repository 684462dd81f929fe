"""The return policy: properties over generated orders and sequences of returns, and the rules one
by one.

Properties: however returns follow one another (in any order, any store, any refund method), no
line pays back more than was paid for it, no tender more than it paid, the points a customer has
never go below zero, and the points reversed never add up to more than the order earned.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeassist.domain.returns import (
    CONDITIONS,
    DEFAULT_POLICY,
    RETURN_REASONS,
    CategoryRule,
    LineFacts,
    OrderFacts,
    ReturnInvalid,
    ReturnPolicy,
    ReturnRequest,
    TenderFacts,
    UnitReturn,
    decide_return,
    disposition_for,
    line_verdicts,
    offline_allowed,
    points_earned,
    split_across_tenders,
)

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
CATEGORIES = ("Tops", "Shoes", "Beauty", "Home", "Underwear", "Outerwear", "Bags", "Jeans")


@st.composite
def orders(draw: st.DrawFn) -> OrderFacts:
    n_lines = draw(st.integers(1, 4))
    lines = []
    for line_no in range(1, n_lines + 1):
        qty = draw(st.integers(1, 4))
        lines.append(
            LineFacts(
                line_no=line_no,
                sku=f"SKU-{line_no}",
                category=draw(st.sampled_from(CATEGORIES)),
                style=f"ST-{line_no}",
                qty=qty,
                unit_cents=draw(st.integers(1, 60_000)),
                received=draw(st.integers(0, qty)),
                returned=0,
            )
        )
    total = sum(line.qty * line.unit_cents for line in lines)
    kinds = draw(
        st.sampled_from([("card",), ("paypal",), ("points", "card"), ("gift_card", "card"), ("cash",)])
    )
    if len(kinds) == 1:
        tenders = (TenderFacts(kinds[0], total),)
    else:
        part = draw(st.integers(0, total))
        tenders = (TenderFacts(kinds[0], part), TenderFacts(kinds[1], total - part))
    return OrderFacts(
        number="W1000001",
        customer_id=draw(st.one_of(st.none(), st.just(7))),
        status="delivered",
        payment_state="paid",
        received_at=NOW - timedelta(days=draw(st.integers(0, 120))),
        total_cents=total,
        lines=tuple(lines),
        tenders=tenders,
        customer_points=draw(st.integers(0, 3_000)),
    )


units = st.builds(
    UnitReturn,
    line_no=st.integers(1, 4),
    qty=st.integers(1, 3),
    reason=st.sampled_from(RETURN_REASONS),
    condition=st.sampled_from(CONDITIONS),
)
requests = st.builds(
    ReturnRequest,
    units=st.lists(units, min_size=1, max_size=3).map(tuple),
    method=st.sampled_from(["original_tender", "store_credit", "exchange"]),
    with_receipt=st.booleans(),
)


def applied(facts: OrderFacts, request: ReturnRequest, now: datetime) -> tuple[OrderFacts, int, int] | None:
    """The order after the return (as the hub records it), the points reversed and restored; None
    if the policy refuses it."""
    try:
        decision = decide_return(facts, request, DEFAULT_POLICY, now)
    except ReturnInvalid:
        return None
    lines = list(facts.lines)
    for outcome in decision.lines:
        i = next(i for i, line in enumerate(lines) if line.line_no == outcome.line_no)
        line = lines[i]
        lines[i] = replace(
            line,
            returned=line.returned + outcome.qty,
            refunded_cents=line.refunded_cents + outcome.refund_cents,
        )
    tenders = tuple(
        replace(t, refunded_cents=t.refunded_cents + share)
        for t, share in zip(facts.tenders, decision.tender_shares, strict=True)
    )
    points = facts.customer_points - decision.points_reversed + decision.points_restored
    after = replace(facts, lines=tuple(lines), tenders=tenders, customer_points=points)
    return after, decision.points_reversed, decision.points_restored


@settings(max_examples=300, deadline=None)
@given(orders(), st.lists(st.tuples(requests, st.integers(0, 40)), min_size=1, max_size=8))
def test_no_sequence_of_returns_pays_back_more_than_was_paid(
    order: OrderFacts, returns: list[tuple[ReturnRequest, int]]
) -> None:
    facts = order
    reversed_total = 0
    for request, days_later in returns:
        outcome = applied(facts, request, NOW + timedelta(days=days_later))
        if outcome is None:
            continue
        facts, reversed_points, _restored = outcome
        reversed_total += reversed_points
        assert facts.customer_points >= 0
    for line in facts.lines:
        assert line.refunded_cents <= line.qty * line.unit_cents
        assert line.returned <= line.received
    for tender in facts.tenders:
        assert tender.refunded_cents <= tender.paid_cents
    assert sum(t.refunded_cents for t in facts.tenders) <= order.total_cents
    assert reversed_total <= points_earned(order.total_cents)


@settings(max_examples=300, deadline=None)
@given(orders(), requests)
def test_a_decision_adds_up(order: OrderFacts, request: ReturnRequest) -> None:
    try:
        decision = decide_return(order, request, DEFAULT_POLICY, NOW)
    except ReturnInvalid as refused:
        assert refused.code in {"final_sale", "more_than_returnable", "unknown_line", "no_receipt_refused"}
        return
    refunded = sum(o.refund_cents for o in decision.lines)
    assert decision.goods_cents == sum(o.goods_cents for o in decision.lines)
    assert decision.fee_cents == decision.goods_cents - refunded
    if request.method == "exchange":
        assert decision.exchange_cents == refunded and decision.paid_back_cents == 0
        assert decision.points_reversed == 0
    else:
        assert decision.paid_back_cents == refunded
        assert sum(decision.tender_shares) == sum(t.cents for t in decision.to_tenders) + (
            decision.points_restored if DEFAULT_POLICY.restore_redeemed_points else 0
        )
    assert 0 <= decision.points_reversed <= order.customer_points


@given(st.integers(-10, 10_000_000), st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 100_000))))
def test_a_split_never_gives_a_tender_more_than_it_has_left(amount: int, paid: list[tuple[int, int]]) -> None:
    tenders = [TenderFacts("card", p, min(r, p)) for p, r in paid]
    shares = split_across_tenders(amount, tenders)
    left = [t.paid_cents - t.refunded_cents for t in tenders]
    assert all(0 <= share <= room for share, room in zip(shares, left, strict=True))
    assert sum(shares) == max(0, min(amount, sum(left)))


def _order(
    category: str = "Tops", *, days_ago: int = 5, qty: int = 2, unit: int = 4_000, **kw: object
) -> OrderFacts:
    line = LineFacts(1, "SKU-1", category, "ST-1", qty, unit, received=qty, returned=0)
    facts = OrderFacts(
        number="W1000002",
        customer_id=7,
        status="delivered",
        payment_state="paid",
        received_at=NOW - timedelta(days=days_ago),
        total_cents=qty * unit,
        lines=(line,),
        tenders=(TenderFacts("card", qty * unit),),
        customer_points=500,
    )
    return replace(facts, **kw)  # type: ignore[arg-type]


def _ask(
    qty: int = 1, condition: str = "resellable", reason: str = "changed_mind", **kw: object
) -> ReturnRequest:
    unit = UnitReturn(1, qty, reason, condition)  # type: ignore[arg-type]
    return replace(ReturnRequest((unit,), "original_tender", True), **kw)  # type: ignore[arg-type]


def test_a_return_within_the_window_goes_back_to_the_card_and_reverses_points() -> None:
    decision = decide_return(_order(), _ask(), DEFAULT_POLICY, NOW)
    assert [(t.kind, t.cents) for t in decision.to_tenders] == [("card", 4_000)]
    assert decision.points_reversed == 40 and not decision.needs_manager
    assert decision.lines[0].disposition == "restock"


@pytest.mark.parametrize(
    ("code", "facts", "request_"),
    [
        ("order_cancelled", _order(status="cancelled"), _ask()),
        ("order_unpaid", _order(payment_state="unpaid"), _ask()),
        ("final_sale", _order("Underwear"), _ask()),
        ("more_than_returnable", _order(), _ask(qty=3)),
        ("no_receipt_refused", _order("Beauty"), _ask(with_receipt=False)),
        ("nothing_to_return", _order(), ReturnRequest((), "original_tender", True)),
    ],
)
def test_what_no_manager_can_approve_is_refused_by_name(
    code: str, facts: OrderFacts, request_: ReturnRequest
) -> None:
    with pytest.raises(ReturnInvalid) as refused:
        decide_return(facts, request_, DEFAULT_POLICY, NOW)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("facts", "request_", "approval"),
    [
        (_order(days_ago=31), _ask(), "past_window"),
        (_order("Shoes"), _ask(condition="opened"), "condition_not_accepted"),
        (_order("Bags"), _ask(with_receipt=False), "no_receipt"),
        (_order(unit=60_000, qty=1), _ask(), "above_manager_limit"),
    ],
)
def test_what_a_manager_may_approve_is_named(
    facts: OrderFacts, request_: ReturnRequest, approval: str
) -> None:
    decision = decide_return(facts, request_, DEFAULT_POLICY, NOW)
    assert decision.approvals == (approval,)
    assert not offline_allowed(decision, cap_cents=10**9)


def test_without_a_receipt_the_refund_is_store_credit() -> None:
    decision = decide_return(_order(), _ask(with_receipt=False), DEFAULT_POLICY, NOW)
    assert decision.to_tenders == () and decision.store_credit_cents == 4_000


def test_a_refund_above_the_category_cap_is_partly_store_credit() -> None:
    decision = decide_return(_order(unit=25_000, qty=1), _ask(), DEFAULT_POLICY, NOW)
    assert decision.store_credit_cents == 5_000 and decision.to_tenders[0].cents == 20_000


def test_points_spent_on_the_order_come_back_as_points() -> None:
    facts = _order(tenders=(TenderFacts("points", 2_000), TenderFacts("card", 6_000)))
    decision = decide_return(facts, _ask(), DEFAULT_POLICY, NOW)
    assert decision.points_restored == 1_000 and decision.to_tenders[0].cents == 3_000
    no_restore = ReturnPolicy(categories=DEFAULT_POLICY.categories, restore_redeemed_points=False)
    assert decide_return(facts, _ask(), no_restore, NOW).store_credit_cents == 1_000


def test_an_opened_home_item_keeps_a_restocking_fee_but_an_exchange_does_not() -> None:
    refund = decide_return(_order("Home"), _ask(condition="opened"), DEFAULT_POLICY, NOW)
    assert refund.fee_cents == 400 and refund.paid_back_cents == 3_600
    exchange = decide_return(_order("Home"), _ask(condition="opened", method="exchange"), DEFAULT_POLICY, NOW)
    assert exchange.fee_cents == 0 and exchange.exchange_cents == 4_000


def test_points_reversed_never_exceed_what_the_customer_has() -> None:
    decision = decide_return(_order(customer_points=3), _ask(qty=2), DEFAULT_POLICY, NOW)
    assert decision.points_reversed == 3


def test_each_line_says_why_it_can_or_cannot_come_back() -> None:
    facts = OrderFacts(
        number="W1",
        customer_id=1,
        status="delivered",
        payment_state="paid",
        received_at=NOW - timedelta(days=40),
        total_cents=300,
        lines=(
            LineFacts(1, "A", "Tops", "S", 1, 100, received=1, returned=0),
            LineFacts(2, "B", "Shoes", "S", 1, 100, received=1, returned=0),
            LineFacts(3, "C", "Underwear", "S", 1, 100, received=1, returned=0),
            LineFacts(4, "D", "Tops", "S", 1, 100, received=1, returned=1),
            LineFacts(5, "E", "Tops", "S", 1, 100, received=0, returned=0),
        ),
        tenders=(TenderFacts("card", 300),),
    )
    verdicts = line_verdicts(facts, DEFAULT_POLICY, NOW, with_receipt=True)
    assert [v.code for v in verdicts] == [
        "past_window",
        "returnable",
        "final_sale",
        "all_returned",
        "not_received",
    ]
    assert verdicts[0].days_late == 11 and verdicts[0].can_return and not verdicts[2].can_return


@pytest.mark.parametrize(
    ("condition", "reason", "disposition"),
    [
        ("resellable", "changed_mind", "restock"),
        ("opened", "changed_mind", "restock"),
        ("defective", "defective", "return_to_vendor"),
        ("damaged", "arrived_damaged", "return_to_vendor"),
        ("damaged", "changed_mind", "destroy"),
    ],
)
def test_each_condition_has_its_disposition(condition: str, reason: str, disposition: str) -> None:
    assert disposition_for(CategoryRule(), condition, reason) == disposition  # type: ignore[arg-type]
    assert disposition_for(DEFAULT_POLICY.rule("Beauty"), "opened", "changed_mind") == "destroy"


def test_splitting_a_return_into_small_ones_does_not_get_past_the_managers_limit() -> None:
    facts = _order(unit=20_000, qty=3)
    first = decide_return(facts, _ask(qty=1), DEFAULT_POLICY, NOW)
    assert not first.needs_manager
    line = replace(facts.lines[0], returned=1, refunded_cents=20_000)
    second = decide_return(replace(facts, lines=(line,)), _ask(qty=1), DEFAULT_POLICY, NOW)
    assert second.approvals == ("above_manager_limit",)


def test_store_credit_and_goods_brought_back_are_paid_back_as_store_credit_and_earned_no_points() -> None:
    facts = _order(tenders=(TenderFacts("exchange", 4_000), TenderFacts("card", 4_000)))
    decision = decide_return(facts, _ask(), DEFAULT_POLICY, NOW)
    assert [(t.kind, t.cents) for t in decision.to_tenders] == [("card", 2_000)]
    assert decision.store_credit_cents == 2_000 and decision.tender_shares == (2_000, 2_000)
    assert decision.points_reversed == 20, "half the order was paid by goods brought back: half the points"
    credit = decide_return(
        replace(facts, tenders=(TenderFacts("store_credit", 8_000),)), _ask(), DEFAULT_POLICY, NOW
    )
    assert credit.to_tenders == () and credit.store_credit_cents == 4_000
