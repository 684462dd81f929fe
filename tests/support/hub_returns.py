"""Orders to take back at the real hub under test, and the ``return.take`` commands a tablet sends
for them: shared by the hub's returns tests (``tests/hub/test_returns_*.py``).

``make_order`` writes an order straight into the hub's database (ids from 5,000,001, far past the
seeded chain's and any the hub makes meanwhile), so each test says exactly what was bought, how
it was paid and when; ``look_up`` asks the hub as a tablet does; ``return_command`` decides the
return with the tablet's own facts and the shared policy, as the return desk does.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from storeassist import contract
from storeassist.domain.return_desk import order_facts
from storeassist.domain.returns import DEFAULT_POLICY, ReturnRequest, UnitReturn, decide_return
from storeassist.domain.tokens import public_key_from_text
from storeassist.hub.seed.catalog import demo_pin

APP_READS = {contract.RESULTS_HEADER: contract.RESULTS_THIS_APP_READS}
_ids = itertools.count(5_000_001)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def make_order(
    hub: Any,
    query_db: Any,
    *,
    category: str = "Knitwear",
    lines: tuple[int, ...] = (1,),
    tenders: tuple[tuple[str, int | None], ...] = (("card", None),),
    days_ago: int = 5,
    fulfilment: str = "ship",
    status: str = "delivered",
    payment: str = "paid",
    customer_id: int | None = None,
    store_id: int | None = None,
    unit_cents: int | None = None,
) -> dict[str, Any]:
    """An order of the demo chain's customer (one line per quantity in ``lines``, each a product of
    ``category`` at its list price unless ``unit_cents``), paid by ``tenders`` (kind, cents; None:
    the rest), ``days_ago`` days ago: ``{"id", "number", "customer_id", "total", "lines": [...]}``."""
    db = hub.db_url
    products = query_db(
        db,
        "SELECT p.id, p.sku, p.style, p.price_cents FROM products p WHERE p.category = ? "
        "AND (SELECT count(*) FROM products q WHERE q.style = p.style AND q.price_cents = p.price_cents) > 2 "
        "ORDER BY p.id",
        category,
    )
    order_id = next(_ids)
    number = f"T{order_id}"
    customer = hub.customer_ids[1] if customer_id is None else customer_id
    chosen = []
    for line_no, qty in enumerate(lines, start=1):
        product_id, sku, style, price = products[line_no - 1]
        chosen.append(
            {
                "line_no": line_no,
                "product_id": product_id,
                "sku": sku,
                "style": style,
                "qty": qty,
                "unit": unit_cents or price,
            }
        )
    total = sum(line["qty"] * line["unit"] for line in chosen)
    placed = datetime.now(UTC) - timedelta(days=days_ago)
    query_db(
        db,
        "INSERT INTO orders (id, number, customer_id, channel, placed_at, status, fulfilment, store_id, "
        "total_cents, payment_state) VALUES (?, ?, ?, 'web', ?, ?, ?, ?, ?, ?)",
        order_id,
        number,
        customer,
        stamp(placed),
        status,
        fulfilment,
        store_id,
        total,
        payment,
    )
    for line in chosen:
        collected = line["qty"] if fulfilment in ("bopis", "curbside") else 0
        query_db(
            db,
            "INSERT INTO order_lines (order_id, line_no, product_id, qty, price_cents, qty_collected, "
            "qty_returned, qty_cancelled) VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
            order_id,
            line["line_no"],
            line["product_id"],
            line["qty"],
            line["unit"],
            collected,
        )
    left = total
    for n, (kind, cents) in enumerate(tenders):
        amount = left if cents is None else cents
        left -= amount
        query_db(
            db,
            "INSERT INTO tenders (id, order_id, kind, amount_cents) VALUES (?, ?, ?, ?)",
            order_id * 10 + n,
            order_id,
            kind,
            amount,
        )
    return {"id": order_id, "number": number, "customer_id": customer, "total": total, "lines": chosen}


def look_up(device: httpx.Client, **lookup: Any) -> contract.ReturnableOrder:
    answer = device.post("/v1/returns/lookup", json=lookup)
    assert answer.status_code == 200, answer.text
    return contract.ReturnableOrder.model_validate(answer.json())


def return_command(
    order: contract.ReturnableOrder,
    units: list[tuple[int, int, str, str]],
    *,
    method: str = "original_tender",
    exchange: list[dict[str, Any]] | None = None,
    paid_back: int | None = None,
    store_credit: int | None = None,
    command_id: str | None = None,
    staff_id: int | None = None,
    customer_id: int | None = None,
    offline: bool = False,
    store_id: int = 1,
    issued_at: datetime | None = None,
) -> dict[str, Any]:
    """A ``return.take`` of ``order`` as the tablet makes it: the amounts it decided itself (unless
    ``paid_back`` or ``store_credit``; one given, the other is 0 unless given too), the code the
    order was found with, made now (or at ``issued_at``)."""
    issued_at = issued_at or datetime.now(UTC)
    if paid_back is None and store_credit is None:
        request = ReturnRequest(
            tuple(UnitReturn(*unit) for unit in units),  # type: ignore[arg-type]
            method,  # type: ignore[arg-type]
            order.with_receipt,
        )
        decision = decide_return(order_facts(order), request, DEFAULT_POLICY, issued_at)
        paid_back, store_credit = decision.paid_back_cents, decision.store_credit_cents
    payload: dict[str, Any] = {
        "order_id": order.order_id,
        "units": [{"line_no": n, "qty": q, "reason": r, "condition": c} for n, q, r, c in units],
        "method": method,
        "receipt_code": order.receipt_code,
        "paid_back_cents": paid_back or 0,
        "store_credit_cents": store_credit or 0,
        "offline": offline,
    }
    if customer_id is not None:
        payload["customer_id"] = customer_id
    if exchange:
        payload["exchange"] = exchange
    return {
        "id": command_id or str(uuid.uuid4()),
        "type": "return.take",
        "issued_at": issued_at.isoformat(),
        "store_id": store_id,
        "staff_id": staff_id,
        "payload": payload,
    }


def push(device: httpx.Client, command: dict[str, Any]) -> dict[str, Any]:
    """Send one command as the app does (asking for result codes); its result."""
    answer = device.post("/v1/commands", json={"commands": [command]}, headers=APP_READS)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()["results"][0]
    return result


def take(
    device: httpx.Client, order: contract.ReturnableOrder, units: list[tuple[int, int, str, str]], **how: Any
) -> dict[str, Any]:
    """:func:`return_command` pushed from ``device``; its result."""
    return push(device, return_command(order, units, **how))


def keys(hub: Any) -> dict[int, Any]:
    published = httpx.get(f"{hub.url}/v1/keys").json()["keys"]
    return {int(key_id): public_key_from_text(text) for key_id, text in published.items()}


def stock(query_db: Any, hub: Any, product_id: int, store_id: int = 1) -> tuple[int, int]:
    rows = query_db(
        hub.db_url,
        "SELECT on_hand, held FROM inventory WHERE store_id = ? AND product_id = ?",
        store_id,
        product_id,
    )
    return (rows[0][0], rows[0][1]) if rows else (0, 0)


def written(query_db: Any, hub: Any) -> tuple[Any, ...]:
    """Counts of everything a return writes."""
    return tuple(
        query_db(hub.db_url, f"SELECT count(*) FROM {table}")[0][0]
        for table in ("returns", "return_lines", "tender_refunds", "store_credits", "points_ledger")
    )


def approved_what(
    order: contract.ReturnableOrder | None,
    units: list[tuple[int, int, str, str]] | None = None,
    method: str = "original_tender",
) -> dict[str, Any]:
    """What a manager approves of a return of ``order`` (as the tablet decides it now): the
    order, the amount paid back, the reasons. Without an order, one of the seeded chain's."""
    if order is None:
        return {"order_id": 1, "paid_back_cents": 0, "reasons": ["past_window"]}
    request = ReturnRequest(
        tuple(UnitReturn(*unit) for unit in (units or [(1, 1, "wrong_size", "resellable")])),  # type: ignore[arg-type]
        method,  # type: ignore[arg-type]
        order.with_receipt,
    )
    decision = decide_return(order_facts(order), request, DEFAULT_POLICY, datetime.now(UTC))
    return {
        "order_id": order.order_id,
        "paid_back_cents": decision.paid_back_cents,
        "reasons": list(decision.approvals),
    }


def manager_approves(
    hub: Any,
    query_db: Any,
    device: httpx.Client,
    return_id: str,
    role: str = "manager",
    *,
    order: contract.ReturnableOrder | None = None,
    **what: Any,
) -> httpx.Response:
    """The first ``role`` of store 1 approves return ``return_id`` of ``order`` on ``device``, as
    :func:`approved_what` (its fields replaced by ``what``)."""
    ((staff_id, number),) = query_staff(hub, query_db, role)
    return device.post(
        "/v1/returns/approvals",
        json={
            "return_id": return_id,
            "staff_number": number,
            "pin": demo_pin(staff_id),
            "reason": "regular",
            **approved_what(order),
            **what,
        },
    )


def query_staff(hub: Any, query_db: Any, role: str) -> list[tuple[Any, ...]]:
    return list(
        query_db(
            hub.db_url,
            "SELECT id, staff_number FROM staff WHERE store_id = 1 AND role = ? ORDER BY id LIMIT 1",
            role,
        )
    )
