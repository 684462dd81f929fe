"""The counter side of the seeded chain's open pickups: bins, proxies, payment, customers waiting,
deadlines, pickup codes, the notices already sent, and the units they hold in stock.

Run once after every order is written (:func:`finish_pickups`). Each order's details are derived
from its id, not drawn from the generator's random streams, so adding them changed no other row,
and the chain's open pickups (a few thousand at a million customers) cost a second or two.

Pickup codes are derived from the order id (:func:`pickup_code_for`) so that the demo, training
mode and tests can know one without reading it back: that is for the invented demo chain only. A
real chain's codes come from its order system, and the hub keeps only their hashes either way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from storeassist.hub.seed.clock import Clock
from storeassist.hub.services.notifications import notice_channel, notice_text
from storeassist.hub.services.pickup_codes import hash_pickup_code

#: Runs one SQL statement (``:name`` parameters) once, or once per row; answers the rows it reads.
RunSql = Callable[[str, Sequence[dict[str, Any]] | dict[str, Any] | None], list[tuple[Any, ...]]]

OPEN_STATES = ("placed", "picking", "ready", "partially_collected")
#: Bins on the pickup shelves of a store: B-01 … B-40.
BINS = 40
#: Lockers a store has for kiosk pickups ("L-01" …).
LOCKERS = 24
#: Invented names a customer gave for someone collecting for them.
PROXY_NAMES = (
    "Alex Morgan",
    "Sam Carter",
    "Jordan Lee",
    "Robin Fischer",
    "Chris Novak",
    "Kim Andersen",
    "Lena Petrova",
    "Wei Zhang",
)


def pickup_code_for(order_id: int) -> str:
    """The six-digit pickup code of a seeded (demo) order."""
    digest = hashlib.sha256(f"storeassist-demo-pickup:{order_id}".encode("ascii")).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 1_000_000:06d}"


def _share(order_id: int, salt: str) -> float:
    """A number in [0, 1) fixed by the order id and ``salt``: the order's draw for one detail."""
    digest = hashlib.blake2b(f"{salt}:{order_id}".encode("ascii"), digest_size=4).digest()
    return int.from_bytes(digest, "big") / 2**32


_OPEN_ORDERS = (
    "SELECT o.id, o.number, o.store_id, o.pickup_state, o.placed_at, o.customer_id, "
    "c.preferred_channel, c.consent_email, c.consent_sms, c.consent_push "
    "FROM orders o LEFT JOIN customers c ON c.id = o.customer_id "
    "WHERE o.pickup_state IN ('placed', 'picking', 'ready', 'partially_collected') ORDER BY o.id"
)
_DETAILS = (
    "UPDATE orders SET pickup_bin = :bin, proxy_name = :proxy, payment_state = :payment, "
    "customer_waiting_since = :waiting, pickup_code_hash = :code_hash, "
    "pickup_deadline = COALESCE(:deadline, pickup_deadline), kiosk_pickup = :kiosk, locker = :locker "
    "WHERE id = :id"
)
_NOTICE = (
    "INSERT INTO notifications (customer_id, order_id, kind, channel, text, at) "
    "VALUES (:customer_id, :order_id, :kind, :channel, :text, :at)"
)
#: Units still to collect of every open pickup are held at its store; a store that had none of
#: the product on its books gets a row (the units are in the bin).
_HELD = (
    "INSERT INTO inventory (store_id, product_id, on_hand, held, updated_at) "
    "SELECT o.store_id, l.product_id, SUM(l.qty - l.qty_collected - l.qty_cancelled), "
    "SUM(l.qty - l.qty_collected - l.qty_cancelled), :at "
    "FROM orders o JOIN order_lines l ON l.order_id = o.id "
    "WHERE o.pickup_state IN ('placed', 'picking', 'ready', 'partially_collected') "
    "AND l.qty - l.qty_collected - l.qty_cancelled > 0 "
    "GROUP BY o.store_id, l.product_id "
    "ON CONFLICT (store_id, product_id) DO UPDATE SET held = inventory.held + excluded.held, "
    "on_hand = CASE WHEN inventory.on_hand < inventory.held + excluded.held "
    "THEN inventory.held + excluded.held ELSE inventory.on_hand END"
)


def _locker(order_id: int) -> str:
    """The locker a kiosk pickup waits in ("L-07")."""
    return f"L-{1 + int(_share(order_id, 'locker number') * LOCKERS):02d}"


def finish_pickups(run: RunSql, clock: Clock, cast_from: int) -> int:
    """Give every open pickup its counter details and notices, and hold its units in stock.

    Orders with ids from ``cast_from`` are the demo's cast (``seed.demo``): each store's first
    ready one is plain, the second has a named proxy, the third a customer waiting; none is
    unpaid or overdue, so the demo's opening stories work. The first may also be collected at
    the store's kiosk, from the counter, and the fourth from a locker. Of the others, about a
    quarter of the ready, paid ones with no proxy and nobody waiting are kiosk pickups, a third of
    those in a locker. Answers the open pickups seen."""
    today = clock.TODAY
    rows = run(_OPEN_ORDERS, None)
    details: list[dict[str, Any]] = []
    notices: list[dict[str, Any]] = []
    ready_seen: dict[int, int] = {}
    for order_id, number, store_id, state, placed_at, customer_id, preferred, email, sms, push in rows:
        cast = order_id >= cast_from
        in_bin = state in ("ready", "partially_collected")
        u = _share(order_id, "pickup")
        proxy = waiting = deadline = locker = None
        payment = "paid"
        kiosk = False
        if cast and state == "ready":
            nth = ready_seen[store_id] = ready_seen.get(store_id, 0) + 1
            proxy = PROXY_NAMES[order_id % len(PROXY_NAMES)] if nth == 2 else None
            waiting = clock.ts(today, 8 * 60 + order_id % 50) if nth == 3 else None
            kiosk = nth in (1, 4)
            locker = _locker(order_id) if nth == 4 else None
        elif not cast:
            proxy = PROXY_NAMES[int(u * 1000) % len(PROXY_NAMES)] if u < 0.06 else None
            payment = "unpaid" if _share(order_id, "payment") < 0.04 else "paid"
            if in_bin:
                v = _share(order_id, "deadline")
                # A few are past their deadline (a "to restock" task), a few due tonight.
                deadline = (
                    clock.ts(today - 1, 21 * 60) if v < 0.1 else clock.ts(today, 21 * 60) if v < 0.2 else None
                )
                if state == "ready" and _share(order_id, "waiting") < 0.03:
                    waiting = clock.ts(today, 8 * 60 + order_id % 50)
            kiosk = state == "ready" and payment == "paid" and proxy is None and waiting is None
            kiosk = kiosk and _share(order_id, "kiosk") < 0.25
            locker = _locker(order_id) if kiosk and _share(order_id, "locker") < 1 / 3 else None
        details.append(
            {
                "id": order_id,
                "bin": f"B-{1 + int(_share(order_id, 'bin') * BINS):02d}" if in_bin else None,
                "proxy": proxy,
                "payment": payment,
                "waiting": waiting,
                "code_hash": hash_pickup_code(order_id, pickup_code_for(order_id)),
                "deadline": deadline,
                "kiosk": kiosk,
                "locker": locker,
            }
        )
        if in_bin and customer_id is not None:
            channel = notice_channel(preferred, email=bool(email), sms=bool(sms), push=bool(push))
            ready_at = str(placed_at)[:10] + " 18:00:00"
            base = {"customer_id": customer_id, "order_id": order_id, "channel": channel}
            notices.append({**base, "kind": "ready", "text": notice_text("ready", number), "at": ready_at})
            if u > 0.5 and str(placed_at)[:10] <= clock.day(today - 2):
                notices.append(
                    {
                        **base,
                        "kind": "reminder",
                        "text": notice_text("reminder", number),
                        "at": clock.ts(today - 1, 10 * 60),
                    }
                )
    if details:
        run(_DETAILS, details)
    if notices:
        run(_NOTICE, notices)
    run(_HELD, {"at": clock.ts(today - 1, 20 * 60)})
    return len(rows)
