"""Cross-channel orders with lines, tenders, pickups and returns (with their lines, and the money
paid back to each tender as the hub records it: ``return_lines``, ``tender_refunds``).

Baskets start in one of the customer's favourite categories and add from categories bought with
it (``vocab.AFFINITY``), so co-purchase structure exists for recommendations. Click-and-collect
(BOPIS, curbside) orders of the last few days are still open (placed, picking, ready, partially
collected); older ones were collected, expired or cancelled.
"""

from __future__ import annotations

import random
from typing import cast

from storeassist.domain.returns import TenderFacts, TenderKind, split_across_tenders
from storeassist.hub.seed.world import BlockOutput, World

CHANNELS = ("web", "app", "store", "marketplace")
ORDER_PREFIX = {"web": "W", "app": "A", "store": "S", "marketplace": "M"}
ORDER_NUMBER_BASE = 10_000_000
PICKUP_DAYS = 7
PICKUP_STATUS = {
    "placed": "placed",
    "picking": "processing",
    "ready": "ready_for_pickup",
    "partially_collected": "partially_collected",
    "collected": "completed",
    "expired": "expired",
    "cancelled": "cancelled",
}
#: Pickup states of an order still waiting, in part or in full, at the counter.
OPEN_PICKUP_STATES = frozenset({"placed", "picking", "ready", "partially_collected"})
_SHIP_STATUS_OLD = ("delivered",) * 18 + ("failed",)
_RETURN_REASONS = ("too small", "too large", "changed mind", "damaged", "not as described", "late delivery")
#: Each of those as the return desk records it: (reason, condition, disposition).
_RETURN_LINE = {
    "too small": ("wrong_size", "resellable", "restock"),
    "too large": ("wrong_size", "resellable", "restock"),
    "changed mind": ("changed_mind", "resellable", "restock"),
    "damaged": ("arrived_damaged", "damaged", "return_to_vendor"),
    "not as described": ("not_as_described", "resellable", "restock"),
    "late delivery": ("late_delivery", "resellable", "restock"),
}


def order_number(channel: str, order_id: int) -> str:
    return f"{ORDER_PREFIX[channel]}{ORDER_NUMBER_BASE + order_id}"


def pickup_state_for_age(age: int, u: float) -> str:
    """Where a click-and-collect order placed ``age`` days ago stands today."""
    if age <= 1:
        return "placed" if u < 0.3 else "picking" if u < 0.6 else "ready"
    if age <= 4:
        return (
            "ready"
            if u < 0.8
            else "partially_collected"
            if u < 0.9
            else "cancelled"
            if u < 0.95
            else "collected"
        )
    if age <= PICKUP_DAYS - 1:
        return "collected" if u < 0.5 else "ready" if u < 0.8 else "expired"
    return "collected" if u < 0.85 else "expired" if u < 0.92 else "cancelled"


def fulfilment_for(channel: str, u: float) -> str:
    if channel == "store":
        return "carry"
    if channel == "marketplace":
        return "ship"
    return "ship" if u < 0.68 else "bopis" if u < 0.9 else "curbside"


def write_order(
    world: World,
    rng: random.Random,
    out: BlockOutput,
    customer_id: int | None,
    channel: str,
    day: int,
    favourites: tuple[int, ...],
    home_store: int,
    forced_state: str | None = None,
) -> tuple[int, int, int, list[int], int]:
    """Append one order and everything hanging off it. Returns (order id, total, refund, products,
    earning): ``earning`` is what purchase points are for, the total except for an open pickup,
    where it is only the value already collected (the hand-over credits the rest when it
    happens)."""
    random_ = rng.random
    clock = world.clock
    today = clock.TODAY
    order_id = out.next_id["orders"]
    out.next_id["orders"] = order_id + 1
    placed_at = clock.ts(day, clock.busy_minute(random_(), random_()), int(random_() * 60))

    fulfilment = "bopis" if forced_state else fulfilment_for(channel, random_())
    pickup_state = deadline = None
    store_id: int | None = None
    if fulfilment == "carry":
        store_id = home_store if random_() < 0.8 else world.pick_store(random_()).id
        status = "completed"
    elif fulfilment == "ship":
        age = today - day
        status = (
            "shipped"
            if age < 3
            else "late"
            if age < 8 and random_() < 0.25
            else _SHIP_STATUS_OLD[int(random_() * len(_SHIP_STATUS_OLD))]
        )
    else:
        store_id = home_store
        pickup_state = forced_state or pickup_state_for_age(today - day, random_())
        deadline = clock.ts(day + PICKUP_DAYS, 21 * 60)
        status = PICKUP_STATUS[pickup_state]

    # The basket: a favourite category first, then categories bought with it.
    u = random_()
    n_lines = 1 if u < 0.5 else 2 if u < 0.8 else 3 if u < 0.93 else 4
    first = (
        favourites[int(random_() * len(favourites))] if random_() < 0.85 else world.pick_category(random_())
    )
    affine = world.affine[first]
    lines = out.rows["order_lines"]
    products: list[int] = []
    total = 0
    collected_value = 0
    price = world.catalog.price
    for line_no in range(1, n_lines + 1):
        if line_no == 1:
            category = first
        else:
            v = random_()
            category = (
                affine[int(random_() * len(affine))]
                if v < 0.65
                else first
                if v < 0.85
                else (favourites[int(random_() * len(favourites))])
            )
        pid = world.pick_product(category, random_())
        qty = 1 if random_() < 0.88 else 2
        unit = price[pid] if random_() < 0.85 else price[pid] * 7 // 10
        collected = 0
        if pickup_state == "collected" or (pickup_state == "partially_collected" and line_no == 1):
            collected = qty
        lines.append((order_id, line_no, pid, qty, unit, collected, 0))
        products.append(pid)
        total += unit * qty
        collected_value += unit * collected
    if pickup_state == "partially_collected" and n_lines == 1:
        # One line only (priced at the loop's ``unit``): the shopper took some of it.
        lines[-1] = (order_id, 1, products[0], 2, unit, 1, 0)
        total = unit * 2
        collected_value = unit

    _write_tenders(rng, out, order_id, channel, total)
    refund = 0
    done = status in ("completed", "delivered")
    if done and customer_id is not None and today - day > 3 and random_() < 0.06:
        refund = _write_return(world, rng, out, order_id, customer_id, store_id, home_store, day, lines)
    out.rows["orders"].append(
        (
            order_id,
            order_number(channel, order_id),
            customer_id,
            channel,
            placed_at,
            status,
            fulfilment,
            store_id,
            pickup_state,
            deadline,
            total,
        )
    )
    earning = collected_value if pickup_state in OPEN_PICKUP_STATES else total
    return order_id, total, refund, products, earning


def _write_tenders(rng: random.Random, out: BlockOutput, order_id: int, channel: str, total: int) -> None:
    tenders = out.rows["tenders"]
    u = rng.random()
    if channel == "store":
        kind = "card" if u < 0.75 else "cash" if u < 0.9 else "gift_card" if u < 0.95 else "points"
    elif channel == "marketplace":
        kind = "card"
    else:
        kind = "card" if u < 0.8 else "paypal" if u < 0.95 else "gift_card"
    tender_id = out.next_id["tenders"]
    if rng.random() < 0.08 and total > 2000:
        part = min(total // 2, 500 * (1 + int(rng.random() * 6)))
        tenders.append((tender_id, order_id, "gift_card" if rng.random() < 0.6 else "points", part))
        tenders.append((tender_id + 1, order_id, kind, total - part))
        out.next_id["tenders"] = tender_id + 2
    else:
        tenders.append((tender_id, order_id, kind, total))
        out.next_id["tenders"] = tender_id + 1


def _write_return(
    world: World,
    rng: random.Random,
    out: BlockOutput,
    order_id: int,
    customer_id: int,
    store_id: int | None,
    home_store: int,
    day: int,
    lines: list[tuple[object, ...]],
) -> int:
    """Return the order's first line, paid back in full to the order's tenders (in proportion to
    what each paid); returns the refund. Draws from ``rng`` as before return lines were written,
    so the rest of the chain is unchanged."""
    for i in range(len(lines) - 1, -1, -1):
        if lines[i][1] == 1:
            break
    oid, line_no, pid, qty, unit, collected, _returned = lines[i]
    lines[i] = (oid, line_no, pid, qty, unit, collected, qty)
    # write_order builds order lines from ints; the shared row type only says ``object``.
    refund = cast(int, unit) * cast(int, qty)
    clock = world.clock
    at_day = min(clock.TODAY - 1, day + 3 + int(rng.random() * 25))
    where = store_id if store_id is not None else (home_store if rng.random() < 0.5 else None)
    return_id = out.next_id["returns"]
    out.next_id["returns"] = return_id + 1
    at = clock.ts(at_day, clock.busy_minute(rng.random(), rng.random()))
    words = _RETURN_REASONS[int(rng.random() * len(_RETURN_REASONS))]
    out.rows["returns"].append((return_id, order_id, customer_id, where, at, refund, words))
    line_id = out.next_id["return_lines"]
    out.next_id["return_lines"] = line_id + 1
    reason, condition, disposition = _RETURN_LINE[words]
    out.rows["return_lines"].append(
        (line_id, return_id, order_id, line_no, qty, reason, condition, disposition, refund, 0, refund)
    )
    # The order's tenders are the last rows written (``_write_tenders`` ran just before).
    tenders = out.rows["tenders"]
    first = len(tenders)
    while first > 0 and tenders[first - 1][1] == order_id:
        first -= 1
    paid = [TenderFacts(cast(TenderKind, row[2]), cast(int, row[3])) for row in tenders[first:]]
    shares = split_across_tenders(refund, paid)
    refund_rows = out.rows["tender_refunds"]
    next_id = out.next_id["tender_refunds"]
    for row, share in zip(tenders[first:], shares, strict=True):
        if share > 0:
            refund_rows.append((next_id, row[0], order_id, return_id, share, "requested", at))
            next_id += 1
    out.next_id["tender_refunds"] = next_id
    return refund
