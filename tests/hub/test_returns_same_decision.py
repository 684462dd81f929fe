"""The tablet and the hub decide every generated return the same way (issue 12: "how it is checked").

Generated orders (lines of every policy category, fulfilments, units collected, cancelled and
returned before, with and without return lines, pickup refunds, one to three tenders with refunds
already paid, points, guests, unpaid and cancelled orders) are written as rows into a real hub
SQLite database. The hub's facts (``return_facts``, what ``return.take`` decides on) equal
``domain.return_desk.order_facts`` of the hub's lookup answer for the order, sent as JSON and read
as the tablet reads it, and ``decide_return`` answers the same for generated requests from both.

A second property applies generated sequences of returns from two stores through the hub's own
``return.take`` effect and checks what the rows then say: no line paid back more than was paid
for it, no tender more than it paid, no units returned beyond those received, no points below 0.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.domain.return_desk import order_facts
from storeassist.domain.returns import (
    CONDITIONS,
    DEFAULT_POLICY,
    RETURN_REASONS,
    ReturnDecision,
    ReturnInvalid,
    ReturnRequest,
    UnitReturn,
    decide_return,
)
from storeassist.domain.tokens import TokenKind
from storeassist.hub.admin import mint_token
from storeassist.hub.db.schema import upgrade
from storeassist.hub.db.session import make_engine
from storeassist.hub.services.command_outcomes import CommandNotApplied
from storeassist.hub.services.return_facts import read_return_order
from storeassist.hub.services.return_take import take_return
from storeassist.hub.services.returns import returnable_order

#: Every category the demo policy has a rule for, and one it has none for.
CATEGORIES = ("Knitwear", "Underwear", "Beauty", "Shoes", "Sleepwear", "Home", "Outerwear", "Bags")
TENDER_KINDS = ("card", "paypal", "gift_card", "cash", "points", "store_credit")
PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
_ids = itertools.count(1)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A hub database at head with two stores, a device each, a manager, two customers and a
    product (of its own style) per category."""
    path = Path(tmp_path_factory.mktemp("returns-same")) / "hub.sqlite"
    upgrade(str(path))
    made = make_engine(str(path))
    now = datetime.now(UTC)
    with made.begin() as conn:
        for store_id in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO stores (id, code, name, address, city, country, lat, lon, timezone, hours) "
                    "VALUES (:id, :code, 'Store', 'x', 'y', 'US', 0, 0, 'UTC', '9-18')"
                ),
                {"id": store_id, "code": f"S{store_id}"},
            )
            conn.execute(
                text(
                    "INSERT INTO devices (id, store_id, name, kind, credential_hash, enrolled_at, revoked) "
                    "VALUES (:id, :id, 'till', 'tablet', :hash, :now, false)"
                ),
                {"id": store_id, "hash": f"{store_id:064d}", "now": now},
            )
        conn.execute(
            text(
                "INSERT INTO staff (id, store_id, staff_number, name, role, badge, pin_hash) "
                "VALUES (1, 1, 'S0001', 'Manager', 'manager', 'B1001', 'x$y')"
            )
        )
        for customer_id in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO customers (id, loyalty_id, name, name_key, email, phone, language, points, "
                    "member_since, preferred_channel, sizes, preferences, consent_email, consent_sms, "
                    "consent_push, consent_post, card_serial, lifetime_value_cents) VALUES (:id, :loyalty, "
                    "'A Customer', 'a customer', 'a@example.com', '15550000000', 'en', 0, '2020-01-01', "
                    "'email', '{}', '[]', false, false, false, false, 1, 0)"
                ),
                {"id": customer_id, "loyalty": f"L{customer_id}"},
            )
        for product_id, category in enumerate(CATEGORIES, start=1):
            conn.execute(
                text(
                    "INSERT INTO products (id, sku, gtin, style, name, brand, category, price_cents, "
                    "attributes) VALUES (:id, :sku, :gtin, :style, 'Thing', 'Brand', :category, 1000, '{}')"
                ),
                {
                    "id": product_id,
                    "sku": f"SKU{product_id}",
                    "gtin": f"{product_id:013d}",
                    "style": f"ST{product_id}",
                    "category": category,
                },
            )
    yield made
    made.dispose()


@st.composite
def orders(draw: st.DrawFn, returnable: bool = False) -> dict[str, Any]:
    """An order's rows, before they are written (see the module notes for what varies);
    ``returnable``: paid, not cancelled, recent, so most returns of it are taken."""
    fulfilment = draw(st.sampled_from(("ship", "bopis", "curbside", "carry")))
    pickup = fulfilment in ("bopis", "curbside")
    lines = []
    for line_no in range(1, draw(st.integers(1, 4)) + 1):
        qty = draw(st.integers(1, 5))
        collected = draw(st.integers(0, qty)) if pickup else 0
        cancelled = draw(st.integers(0, qty - collected))
        received = collected if pickup else qty - cancelled
        returned = draw(st.integers(0, received // 2 if returnable else received))
        lines.append(
            {
                "line_no": line_no,
                "product_id": 1 + draw(st.integers(0, len(CATEGORIES) - 1)),
                "qty": qty,
                "unit": draw(st.integers(1, 60_000)),
                "collected": collected,
                "cancelled": cancelled,
                "returned": returned,
                "lined": draw(st.integers(0, returned)),  # returned units with a return line
                "refunded_cancel": draw(st.booleans()),
            }
        )
    total = sum(line["qty"] * line["unit"] for line in lines)
    n_tenders = draw(st.integers(1, 3))
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=n_tenders - 1, max_size=n_tenders - 1)))
    amounts = [b - a for a, b in itertools.pairwise([0, *cuts, total])]
    tenders = [
        {
            "kind": draw(st.sampled_from(TENDER_KINDS)),
            "amount": amount,
            "refunded": draw(st.integers(0, amount)) if draw(st.booleans()) else 0,
        }
        for amount in amounts
    ]
    return {
        "fulfilment": fulfilment,
        "status": draw(
            st.sampled_from(
                ("delivered", "completed", "shipped", "late", *(() if returnable else ("cancelled",)))
            )
        ),
        "payment": "paid" if returnable else draw(st.sampled_from(("paid", "paid", "paid", "unpaid"))),
        "customer_id": draw(st.sampled_from((1, 2, None))),
        "points": draw(st.integers(0, 5_000)),
        "days_ago": draw(st.integers(0, 45 if returnable else 120)),
        "handed_days_ago": draw(st.none() | st.integers(0, 20)) if pickup else None,
        "lines": lines,
        "tenders": tenders,
        "total": total,
    }


@st.composite
def requests(draw: st.DrawFn, n_lines: int = 5, most: int = 6) -> ReturnRequest:
    units = draw(
        st.lists(
            st.builds(
                UnitReturn,
                line_no=st.integers(1, n_lines),
                qty=st.integers(0, most),
                reason=st.sampled_from(RETURN_REASONS),
                condition=st.sampled_from(CONDITIONS),
            ),
            min_size=1,
            max_size=4,
        )
    )
    return ReturnRequest(
        tuple(units),
        draw(st.sampled_from(("original_tender", "store_credit", "exchange"))),
        draw(st.booleans()),
    )


def write_order(session: Session, order: dict[str, Any], now: datetime) -> int:
    """``order``'s rows in the hub's tables; answers its id."""
    conn = session.connection()
    order_id = next(_ids)
    if order["customer_id"] is not None:
        conn.execute(
            text("UPDATE customers SET points = :points WHERE id = :id"),
            {"points": order["points"], "id": order["customer_id"]},
        )
    conn.execute(
        text(
            "INSERT INTO orders (id, number, customer_id, channel, placed_at, status, fulfilment, store_id, "
            "total_cents, payment_state) VALUES (:id, :number, :customer, 'web', :placed, :status, "
            ":fulfilment, 1, :total, :payment)"
        ),
        {
            "id": order_id,
            "number": f"P{order_id}",
            "customer": order["customer_id"],
            "placed": now - timedelta(days=order["days_ago"], minutes=7),
            "status": order["status"],
            "fulfilment": order["fulfilment"],
            "total": order["total"],
            "payment": order["payment"],
        },
    )
    return_id = None
    if any(line["lined"] for line in order["lines"]):
        return_id = conn.execute(
            text(
                "INSERT INTO returns (order_id, customer_id, store_id, at, refund_cents, reason) "
                "VALUES (:order, :customer, 1, :at, 0, 'other') RETURNING id"
            ),
            {"order": order_id, "customer": order["customer_id"], "at": now - timedelta(days=1)},
        ).scalar_one()
    for line in order["lines"]:
        conn.execute(
            text(
                "INSERT INTO order_lines (order_id, line_no, product_id, qty, price_cents, qty_collected, "
                "qty_returned, qty_cancelled) VALUES (:order, :line_no, :product_id, :qty, :unit, "
                ":collected, :returned, :cancelled)"
            ),
            {"order": order_id, **{k: v for k, v in line.items() if k not in ("lined", "refunded_cancel")}},
        )
        if line["lined"]:
            conn.execute(
                text(
                    "INSERT INTO return_lines (return_id, order_id, line_no, qty, reason, goods_cents, "
                    "fee_cents, refund_cents) "
                    "VALUES (:rid, :order, :line_no, :qty, 'other', :goods, 0, :refund)"
                ),
                {
                    "rid": return_id,
                    "order": order_id,
                    "line_no": line["line_no"],
                    "qty": line["lined"],
                    "goods": line["lined"] * line["unit"],
                    "refund": line["lined"] * line["unit"] * 9 // 10,
                },
            )
        if line["cancelled"] and line["refunded_cancel"]:
            conn.execute(
                text(
                    "INSERT INTO refunds (order_id, line_no, qty, amount_cents, reason, at) "
                    "VALUES (:order, :line_no, :qty, :amount, 'missing', :at)"
                ),
                {
                    "order": order_id,
                    "line_no": line["line_no"],
                    "qty": line["cancelled"],
                    "amount": line["cancelled"] * line["unit"],
                    "at": now,
                },
            )
    for tender in order["tenders"]:
        tender_id = conn.execute(
            text(
                "INSERT INTO tenders (order_id, kind, amount_cents) "
                "VALUES (:order, :kind, :amount) RETURNING id"
            ),
            {"order": order_id, "kind": tender["kind"], "amount": tender["amount"]},
        ).scalar_one()
        if tender["refunded"]:
            conn.execute(
                text(
                    "INSERT INTO tender_refunds (tender_id, order_id, amount_cents, status, at) "
                    "VALUES (:tender, :order, :amount, 'requested', :at)"
                ),
                {"tender": tender_id, "order": order_id, "amount": tender["refunded"], "at": now},
            )
    if order["handed_days_ago"] is not None:
        conn.execute(
            text(
                "INSERT INTO pickup_handovers (command_id, order_id, store_id, device_id, at, method, lines) "
                "VALUES (:command, :order, 1, 1, :at, 'photo_id', '{}')"
            ),
            {
                "command": str(uuid.uuid4()),
                "order": order_id,
                "at": now - timedelta(days=order["handed_days_ago"]),
            },
        )
    return order_id


def decided(facts: Any, request: ReturnRequest, now: datetime) -> ReturnDecision | tuple[str, dict[str, Any]]:
    try:
        return decide_return(facts, request, DEFAULT_POLICY, now)
    except ReturnInvalid as invalid:
        return invalid.code, dict(invalid.params)


@PROPERTY
@given(order=orders(), asked=st.lists(requests(), min_size=1, max_size=3), with_code=st.booleans())
def test_the_tablet_and_the_hub_decide_every_generated_return_the_same_way(
    engine: Engine, order: dict[str, Any], asked: list[ReturnRequest], with_code: bool
) -> None:
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        order_id = write_order(session, order, now)
        read = read_return_order(session.connection(), order_id)
        assert read is not None
        code = mint_token(session, TokenKind.PURCHASE_RECEIPT, order_id, ttl_s=0) if with_code else None
        answer = returnable_order(session.connection(), read, now, receipt_code=code)
        hub_facts = read.facts()

    # As the tablet gets it: JSON over the wire, read by the contract.
    tablet_facts = order_facts(contract.ReturnableOrder.model_validate_json(answer.model_dump_json()))

    assert tablet_facts == hub_facts
    for request in asked:
        assert decided(tablet_facts, request, now) == decided(hub_facts, request, now)


@PROPERTY
@given(
    order=orders(returnable=True),
    returns=st.lists(
        st.tuples(st.sampled_from((1, 2)), requests(n_lines=2, most=2), st.booleans()), min_size=1, max_size=5
    ),
)
def test_no_sequence_of_returns_at_the_hub_pays_back_more_than_was_paid(
    engine: Engine, order: dict[str, Any], returns: list[tuple[int, ReturnRequest, bool]]
) -> None:
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        order_id = write_order(session, order, now)
        for store_id, request, approved in returns:
            if request.method == "exchange":
                request = ReturnRequest(request.units, "store_credit", request.with_receipt)
            read = read_return_order(session.connection(), order_id)
            assert read is not None
            outcome = decided(read.facts(), request, now)
            if not isinstance(outcome, ReturnDecision):
                continue
            command_id = uuid.uuid4()
            if outcome.needs_manager and approved:
                session.connection().execute(
                    text(
                        "INSERT INTO return_approvals (return_id, manager_id, store_id, device_id, "
                        "order_id, staff_id, paid_back_cents, reasons, reason, at, expires_at) VALUES "
                        "(:rid, 1, :store, :store, :order, 1, :paid, :reasons, 'fine', :now, :until)"
                    ),
                    {
                        "rid": str(command_id),
                        "store": store_id,
                        "order": order_id,
                        "paid": outcome.paid_back_cents,
                        "reasons": ",".join(outcome.approvals),
                        "now": now,
                        "until": now + timedelta(minutes=15),
                    },
                )
            code = mint_token(session, TokenKind.PURCHASE_RECEIPT, order_id, ttl_s=0)
            command = contract.TakeReturnCommand(
                id=command_id,
                type="return.take",
                issued_at=now,
                store_id=store_id,
                staff_id=1,
                payload=contract.TakeReturnPayload(
                    order_id=order_id,
                    units=[
                        contract.ReturnUnit(
                            line_no=u.line_no, qty=u.qty, reason=u.reason, condition=u.condition
                        )
                        for u in request.units
                        if u.qty > 0
                    ],
                    method=request.method,
                    receipt_code=code if request.with_receipt else None,
                    paid_back_cents=outcome.paid_back_cents,
                    store_credit_cents=outcome.store_credit_cents,
                ),
            )
            try:
                with session.begin_nested():
                    take_return(session, command, device_id=store_id)
                event("a return applied")
            except CommandNotApplied as refused:
                assert refused.code == "approval_required" and not approved
        conn = session.connection()
        for line_no, qty, unit, received, returned, paid_back in conn.execute(
            text(
                "SELECT l.line_no, l.qty, l.price_cents, CASE WHEN o.fulfilment IN ('bopis', 'curbside') "
                "THEN l.qty_collected ELSE l.qty - l.qty_cancelled END, l.qty_returned, "
                "(SELECT COALESCE(SUM(r.refund_cents), 0) FROM return_lines r WHERE r.order_id = l.order_id "
                "AND r.line_no = l.line_no "
                "AND r.return_id IN (SELECT id FROM returns WHERE command_id IS NOT NULL)) "
                "FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.order_id = :order"
            ),
            {"order": order_id},
        ):
            line = order["lines"][line_no - 1]
            before = line["lined"] * unit * 9 // 10 + (line["returned"] - line["lined"]) * unit
            before += line["cancelled"] * unit if line["refunded_cancel"] else 0
            assert paid_back <= max(0, qty * unit - before), line_no
            assert returned <= received
        for paid, refunded in conn.execute(
            text(
                "SELECT t.amount_cents, (SELECT COALESCE(SUM(r.amount_cents), 0) FROM tender_refunds r "
                "WHERE r.tender_id = t.id) FROM tenders t WHERE t.order_id = :order"
            ),
            {"order": order_id},
        ):
            assert refunded <= paid
        points = conn.execute(
            text("SELECT points FROM customers WHERE id = :id"), {"id": order["customer_id"] or 0}
        ).scalar()
        assert points is None or points >= 0
