"""The pickup queue's JSON written straight from the rows (``wire.orders_wire_json``): byte for
byte what the contract objects (``orders.pickup_queue_orders``) serialise to, in both shapes, and
read back by the contract."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import TypeAdapter
from sqlalchemy import Connection, text

from storeassist import contract
from storeassist.contract.orders import without_pickup_fields
from storeassist.hub.services.database import HubDatabase
from storeassist.hub.services.kept_queues import KeptQueues
from storeassist.hub.services.orders import pickup_queue_json, pickup_queue_orders
from storeassist.hub.services.wire import LINE_WIRE_FIELDS, ORDER_WIRE_FIELDS, wire_datetime

STORE = 1


def _contract_json(connection: Connection, store_id: int, *, pickup_fields: bool) -> bytes:
    """The queue as the contract objects serialise it (what the hub sent before)."""
    exclude = None if pickup_fields else without_pickup_fields(contract.Order)
    orders = pickup_queue_orders(connection, store_id)
    return (
        b"["
        + b",".join(o.model_dump_json(exclude=exclude, exclude_defaults=True).encode() for o in orders)
        + b"]"
    )


@pytest.fixture
def db(seeded_db_url: str) -> Iterator[HubDatabase]:
    hub = HubDatabase(seeded_db_url)
    try:
        yield hub
    finally:
        hub.dispose()


def _queue_ids(db: HubDatabase) -> list[int]:
    with db.reading_statements() as connection:
        return [order.id for order in pickup_queue_orders(connection, STORE)]


def _awkward(db: HubDatabase) -> None:
    """Every optional field away from its default somewhere in store 1's queue, with text JSON
    must escape or carry as UTF-8, and times with and without microseconds."""
    ids = _queue_ids(db)
    assert len(ids) >= 6
    a, b, c, d, e, f = ids[:6]
    with db.writing_statements() as connection:
        run = connection.execute
        run(
            text(
                "UPDATE orders SET pickup_bin = :bin, proxy_name = :proxy, payment_state = 'unpaid', "
                "customer_waiting_since = :waiting, pickup_locked = :locked WHERE id = :id"
            ),
            {
                "bin": 'B"7\\Ω',
                "proxy": "Zoë \u2028 «Ли» 😀\n\t\x01/</script>",
                "waiting": datetime(2030, 1, 2, 3, 4, 5, 120),
                "locked": True,
                "id": a,
            },
        )
        run(
            text(
                "UPDATE orders SET customer_waiting_since = :waiting, pickup_deadline = :deadline "
                "WHERE id = :id"
            ),
            {
                "waiting": datetime(2030, 1, 2, 3, 4, 5),
                "deadline": datetime(2030, 1, 3, 0, 0, 0, 999999),
                "id": b,
            },
        )
        # Written as text: SQLite keeps it so, not as SQLAlchemy writes times.
        run(
            text(
                "UPDATE orders SET customer_id = NULL, pickup_bin = '', "
                "pickup_deadline = '2030-01-04 05:06:07' WHERE id = :id"
            ),
            {"id": c},
        )
        run(text("DELETE FROM order_lines WHERE order_id = :id"), {"id": d})
        run(
            text(
                "UPDATE customers SET name = :name WHERE id = (SELECT customer_id FROM orders WHERE id = :id)"
            ),
            {"name": 'O\'Brien "Bob" \\ 李 \x7f', "id": e},
        )
        run(
            text(
                "UPDATE order_lines SET qty_collected = 1, qty_returned = 0, qty_cancelled = 1, "
                "substitutes_line = line_no WHERE order_id = :id"
            ),
            {"id": f},
        )
        run(text("UPDATE orders SET pickup_state = 'partially_collected' WHERE id = :id"), {"id": f})
        run(
            text(
                "UPDATE products SET size = NULL, colour = :colour "
                "WHERE id IN (SELECT product_id FROM order_lines WHERE order_id = :id)"
            ),
            {"colour": "café\u00a0noir", "id": e},
        )


def _with_a_handover(db: HubDatabase) -> None:
    """A hand-over of one queued order (partially collected), so ``last_handover_at`` is shown."""
    order_id = _queue_ids(db)[6]
    with db.writing_statements() as connection:
        connection.execute(
            text(
                "INSERT INTO devices (store_id, name, kind, credential_hash, enrolled_at, revoked) "
                "VALUES (:store, 'Counter', 'tablet', :hash, :at, :revoked)"
            ),
            {"store": STORE, "hash": "f" * 64, "at": datetime(2030, 1, 1), "revoked": False},
        )
        (device,) = connection.execute(
            text("SELECT id FROM devices WHERE credential_hash = :h"), {"h": "f" * 64}
        )
        connection.execute(
            text("UPDATE orders SET pickup_state = 'partially_collected' WHERE id = :id"), {"id": order_id}
        )
        for n, at in enumerate((datetime(2030, 5, 6, 7, 8, 9, 10), datetime(2030, 5, 6, 7, 8, 10))):
            connection.execute(
                text(
                    "INSERT INTO pickup_handovers "
                    "(command_id, order_id, store_id, device_id, at, method, lines) "
                    "VALUES (:command, :order, :store, :device, :at, 'order_code', '{}')"
                ),
                {
                    "command": f"test-handover-{n}",
                    "order": order_id,
                    "store": STORE,
                    "device": device.id,
                    "at": at,
                },
            )


def test_the_fields_written_are_the_contracts_in_its_order() -> None:
    assert tuple(contract.Order.model_fields) == ORDER_WIRE_FIELDS
    assert tuple(contract.OrderLine.model_fields) == LINE_WIRE_FIELDS


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2030, 1, 2, 3, 4, 5),
        datetime(2030, 1, 2, 3, 4, 5, 1),
        datetime(2030, 1, 2, 3, 4, 5, 120000),
        datetime(999, 12, 31, 23, 59, 59, 999999),
        datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2030, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    ],
)
def test_times_are_written_as_pydantic_writes_the_contracts(moment: datetime) -> None:
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    assert f'"{wire_datetime(moment)}"'.encode() == TypeAdapter(datetime).dump_json(aware)


@pytest.mark.parametrize("pickup_fields", [True, False], ids=["this-release", "release-before"])
def test_the_queue_json_is_the_contract_objects_json_byte_for_byte(
    db: HubDatabase, pickup_fields: bool
) -> None:
    _awkward(db)
    _with_a_handover(db)
    with db.reading_statements() as connection:
        written = pickup_queue_json(connection, STORE, pickup_fields=pickup_fields)
        expected = _contract_json(connection, STORE, pickup_fields=pickup_fields)
        objects = pickup_queue_orders(connection, STORE)

    assert written == expected
    # The case covers every field away from its default, and the awkward text.
    for field in ORDER_WIRE_FIELDS:
        default = contract.Order.model_fields[field].default
        if not contract.Order.model_fields[field].is_required():
            assert any(getattr(o, field) != default for o in objects), field
    for field in ("qty_collected", "qty_cancelled", "size", "colour", "substitutes_line"):
        default = contract.OrderLine.model_fields[field].default
        assert any(getattr(line, field) != default for o in objects for line in o.lines), field
    assert any(not o.lines for o in objects) and any(o.customer_id is None for o in objects)
    assert 'O\'Brien \\"Bob\\" \\\\ 李 \x7f'.encode() in written
    if pickup_fields:
        assert "😀".encode() in written and b"\\u0001" in written and b'B\\"7\\\\' in written

    queue = contract.PickupQueue.model_validate_json(
        b'{"store_id":1,"as_of":"2030-01-01T00:00:00Z","orders":' + written + b"}"
    )
    if pickup_fields:
        assert queue.orders == objects
    else:
        old = {o.id: o.model_dump(exclude=without_pickup_fields(contract.Order)) for o in objects}
        assert {
            o.id: o.model_dump(exclude=without_pickup_fields(contract.Order)) for o in queue.orders
        } == old
        assert all(not o.pickup_locked and o.pickup_bin is None for o in queue.orders)


def test_another_stores_queue_and_an_empty_one(db: HubDatabase) -> None:
    with db.reading_statements() as connection:
        for store_id in (2, 3):
            for pickup_fields in (True, False):
                assert pickup_queue_json(connection, store_id, pickup_fields=pickup_fields) == _contract_json(
                    connection, store_id, pickup_fields=pickup_fields
                )
    with db.writing_statements() as connection:
        connection.execute(text("UPDATE orders SET pickup_state = NULL WHERE store_id = 2"))
    with db.reading_statements() as connection:
        assert pickup_queue_json(connection, 2) == b"[]" == _contract_json(connection, 2, pickup_fields=True)


def test_the_kept_queue_body_is_the_contracts(db: HubDatabase) -> None:
    _awkward(db)
    as_of = datetime(2030, 1, 2, 3, 4, 5, 6789, tzinfo=UTC)
    with db.reading_statements() as connection:
        kept = KeptQueues().current(connection, STORE)
        objects = pickup_queue_orders(connection, STORE)
    queue = contract.PickupQueue.model_validate_json(kept.body(as_of))
    assert queue == contract.PickupQueue(store_id=STORE, as_of=as_of, orders=objects)


@pytest.mark.parametrize(
    "stored",
    [
        "2030-01-02 03:04:05.000120",
        "2030-01-02 03:04:05.000000",
        "2030-01-02 03:04:05.999999",
        "2020-01-01 21:00:00",
        "2030-01-02 03:04:05.123",
        "2030-01-02T03:04:05.120000",
    ],
)
def test_sqlites_stored_times_are_written_as_read_by_sqlalchemy(stored: str) -> None:
    from sqlalchemy.engine.processors import str_to_datetime

    from storeassist.hub.services.wire import _wire_time

    assert _wire_time(stored) == wire_datetime(str_to_datetime(stored))
