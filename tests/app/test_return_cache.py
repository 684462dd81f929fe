"""Orders opened at the returns counter, kept in the tablet's cache: by id, number and the code they
were scanned with, for as long as a profile, purged with it, and a damaged row read as a miss."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from storeassist.contract import ReturnableOrder
from storeassist.local import LocalCache

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
CODE = "SA1.receipt-code-of-order-41"


def returnable_order(order_id: int = 41, *, returned: int = 0) -> ReturnableOrder:
    return ReturnableOrder.model_validate(
        {
            "order_id": order_id,
            "number": f"W{order_id:07d}",
            "channel": "web",
            "fulfilment": "ship",
            "status": "delivered",
            "payment_state": "paid",
            "placed_at": NOW - timedelta(days=5),
            "received_at": NOW - timedelta(days=3),
            "customer_id": 7,
            "customer_name": "Maria Jensen",
            "customer_points": 120,
            "total_cents": 5998,
            "lines": [
                {
                    "line_no": 1,
                    "sku": "TEE-BLU-M",
                    "name": "Organic tee",
                    "category": "Tops",
                    "style": "TEE",
                    "size": "M",
                    "colour": "Blue",
                    "qty": 2,
                    "unit_cents": 2999,
                    "received": 2,
                    "returned": returned,
                }
            ],
            "tenders": [{"kind": "card", "paid_cents": 5998}],
            "with_receipt": False,
            "as_of": NOW,
        }
    )


def test_a_kept_order_opens_by_id_number_and_the_code_it_was_scanned_with(cache: LocalCache) -> None:
    order = returnable_order()
    cache.keep_return_order(order, now=NOW, receipt_code=CODE, laid_over=["a", "b"])

    for kept in (
        cache.return_order(41, now=NOW),
        cache.return_order_by_number("W0000041", now=NOW),
        cache.return_order_by_code(CODE, now=NOW),
    ):
        assert kept is not None
        assert kept.order == order and kept.laid_over == {"a", "b"}
    assert cache.return_order(42, now=NOW) is None
    assert cache.return_order_by_code("SA1.another", now=NOW) is None


def test_a_number_typed_later_keeps_the_scanned_code_and_replaces_the_order(cache: LocalCache) -> None:
    cache.keep_return_order(returnable_order(), now=NOW, receipt_code=CODE)
    newer = returnable_order(returned=1)
    cache.keep_return_order(newer, now=NOW)

    kept = cache.return_order_by_code(CODE, now=NOW)
    assert kept is not None and kept.order == newer and kept.laid_over == frozenset()


def test_a_kept_order_expires_and_is_purged_with_the_profiles(cache: LocalCache) -> None:
    cache.keep_return_order(returnable_order(), now=NOW)
    later = NOW + cache.personal_data_ttl + timedelta(seconds=1)

    assert cache.return_order(41, now=later) is None
    cache.purge_expired(now=later)
    assert cache.return_order(41, now=NOW) is None, "gone from the file, not only hidden"


def test_a_damaged_kept_order_reads_as_a_miss_and_is_dropped(cache: LocalCache) -> None:
    cache.keep_return_order(returnable_order(), now=NOW)
    with sqlite3.connect(cache.path) as raw:
        raw.execute("UPDATE return_orders SET laid_over = 'not json' WHERE order_id = 41")

    assert cache.return_order(41, now=NOW) is None
    with sqlite3.connect(cache.path) as raw:
        assert raw.execute("SELECT count(*) FROM return_orders").fetchone() == (0,)


def test_counting_a_return_in_a_kept_order_keeps_it_no_longer(cache: LocalCache) -> None:
    cache.keep_return_order(returnable_order(), now=NOW, receipt_code=CODE)
    later = NOW + cache.personal_data_ttl - timedelta(minutes=1)
    past = NOW + cache.personal_data_ttl + timedelta(seconds=1)

    cache.count_return_in_kept_order(returnable_order(returned=1), now=later, laid_over=["r1"])
    cache.count_return_in_kept_order(returnable_order(42, returned=1), now=later, laid_over=["r2"])

    kept = cache.return_order_by_code(CODE, now=later)
    assert kept is not None and kept.order.lines[0].returned == 1 and kept.laid_over == {"r1"}
    assert cache.return_order(41, now=past) is None, "as long as the hub's answer, no longer"
    assert cache.return_order(42, now=later) is None, "an order not kept is not kept by a return"
