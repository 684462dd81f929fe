"""The stock desk's rules at the hub, service by service on a seeded chain: a tablet whose kept
places change misses nothing logged, an extension never shortens a hold, an endless-aisle order
never holds units for ever, an import refuses what it cannot keep (naming the line), and an ended
hold stays the floor's task until put back, once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.aisle import place_aisle_order, receive_pickup
from storeassist.hub.services.catalog_admin import (
    BadImportLine,
    read_counts,
    read_products,
    upsert_products,
)
from storeassist.hub.services.change_feed import changes
from storeassist.hub.services.command_effects import place_hold
from storeassist.hub.services.database import HubDatabase, as_utc
from storeassist.hub.services.feed_cursor import FeedCursor
from storeassist.hub.services.holds import extend_hold, put_back_hold, release_hold, store_holds
from storeassist.hub.services.pickups import restock_pickup
from storeassist.hub.services.stock import find_product
from storeassist.hub.services.wire import product_from_row


@pytest.fixture
def db(seeded_db_url: str) -> Iterator[HubDatabase]:
    database = HubDatabase(seeded_db_url)
    try:
        yield database
    finally:
        database.dispose()


def _command(kind: str, payload: dict[str, Any], issued_at: datetime | None = None) -> Any:
    return contract.COMMAND_ADAPTER.validate_python(
        {
            "id": str(uuid.uuid4()),
            "type": kind,
            "issued_at": (issued_at or datetime.now(UTC)).isoformat(),
            "store_id": 1,
            "staff_id": None,
            "payload": payload,
        }
    )


def _walk(db: HubDatabase, cursor: str, stop: Any = None) -> tuple[str, list[contract.ChangeFeed]]:
    """Pages of store 1's stock-desk feed from ``cursor`` to the end (or until ``stop(cursor)``)."""
    pages = []
    while True:
        with db.reading() as session:
            feed = changes(session, 1, cursor, 200, stock_desk=True)
        pages.append(feed)
        cursor = feed.cursor
        if not feed.has_more or (stop is not None and stop(cursor)):
            return cursor, pages
        assert len(pages) < 200


def _rename_a_product_and_close_a_pickup(db: HubDatabase) -> int:
    """Logged changes: the first product renamed, a ready pickup of store 1 collected; answers it."""
    with db.reading() as session:
        sku = session.scalars(select(m.Product.sku).order_by(m.Product.id).limit(1)).one()
        product = product_from_row(find_product(session, sku))
    with db.writing() as session:
        upsert_products(session, [product.model_copy(update={"name": "Renamed meanwhile"})])
        order_id = session.scalars(
            select(m.Order.id)
            .where(m.Order.store_id == 1, m.Order.pickup_state == "ready")
            .order_by(m.Order.id)
            .limit(1)
        ).one()
        session.execute(update(m.Order).where(m.Order.id == order_id).values(pickup_state="collected"))
        session.add(m.ChangeLog(store_id=1, entity="pickup", entity_id=order_id, at=datetime.now(UTC)))
    return order_id


def _open_a_store_next_door(db: HubDatabase) -> None:
    with db.writing() as session:
        here = session.get(m.Store, 1)
        assert here is not None
        session.add(
            m.Store(
                id=9001,
                code="NEXT",
                name="Next door",
                address=here.address,
                city=here.city,
                country=here.country,
                lat=here.lat + 0.001,
                lon=here.lon + 0.001,
                timezone=here.timezone,
                hours=here.hours,
                locale=here.locale,
                currency=here.currency,
                kind="store",
            )
        )


def _told(pages: list[contract.ChangeFeed], order_id: int) -> tuple[list[str], list[str], list[list[int]]]:
    names = [p.name for page in pages for p in page.products]
    states = [str(o.pickup_state) for page in pages for o in page.pickups if o.id == order_id]
    stores = [[s.id for s in page.stores] for page in pages if page.stores]
    return names, states, stores


def test_a_tablet_whose_kept_stores_change_still_gets_what_was_logged_before_the_change(
    db: HubDatabase,
) -> None:
    cursor, _snapshot = _walk(db, "")
    order_id = _rename_a_product_and_close_a_pickup(db)
    _open_a_store_next_door(db)

    _cursor, pages = _walk(db, cursor)

    names, states, stores = _told(pages, order_id)
    assert stores and 9001 in stores[0]
    assert "Renamed meanwhile" in names
    assert states and states[-1] == "collected"


def test_kept_stores_that_change_during_the_snapshot_lose_nothing_logged_since_it_began(
    db: HubDatabase,
) -> None:
    def in_stock_phase(text: str) -> bool:
        cursor = FeedCursor.decode(text, 1)
        return cursor.phase == "stock" and cursor.after is not None

    cursor, _first = _walk(db, "", stop=in_stock_phase)
    order_id = _rename_a_product_and_close_a_pickup(db)
    _open_a_store_next_door(db)

    _cursor, pages = _walk(db, cursor)

    names, states, stores = _told(pages, order_id)
    assert stores and 9001 in stores[0]
    assert "Renamed meanwhile" in names
    assert states and states[-1] == "collected"


def _on_sale_here(db: HubDatabase, store_id: int = 1) -> tuple[str, int]:
    with db.reading() as session:
        row = session.execute(
            select(m.Product.sku, m.Product.id)
            .join(m.Inventory, m.Inventory.product_id == m.Product.id)
            .where(m.Inventory.store_id == store_id, m.Inventory.on_hand - m.Inventory.held >= 3)
            .order_by(m.Product.id)
            .limit(1)
        ).one()
    return row.sku, row.id


def _customer(db: HubDatabase) -> int:
    with db.reading() as session:
        return int(
            session.scalars(
                select(m.Customer.id).where(m.Customer.address.is_not(None)).order_by(m.Customer.id).limit(1)
            ).one()
        )


def _hold(db: HubDatabase, hours: int) -> tuple[str, datetime]:
    sku, _product_id = _on_sale_here(db)
    place = _command("hold.place", {"customer_id": _customer(db), "sku": sku, "qty": 1, "hours": hours})
    with db.writing() as session:
        placed = place_hold(session, place, 1)
    return str(placed["hold_id"]), datetime.fromisoformat(placed["expires_at"])


def test_extending_a_hold_never_shortens_it_nor_ends_it_in_the_past(db: HubDatabase) -> None:
    hold_id, week_out = _hold(db, 168)

    with db.writing() as session:
        extended = extend_hold(session, _command("hold.extend", {"hold_id": hold_id, "hours": 24}), 1)
    assert datetime.fromisoformat(extended["expires_at"]) == week_out

    short_id, _tomorrow = _hold(db, 1)
    late = _command("hold.extend", {"hold_id": short_id, "hours": 1}, datetime.now(UTC) - timedelta(days=3))
    with db.writing() as session:
        extended = extend_hold(session, late, 1)
    assert datetime.fromisoformat(extended["expires_at"]) >= datetime.now(UTC) - timedelta(seconds=5)

    before = datetime.now(UTC)
    with db.writing() as session:
        extended = extend_hold(session, _command("hold.extend", {"hold_id": short_id, "hours": 168}), 1)
    longest = datetime.fromisoformat(extended["expires_at"])
    assert before + timedelta(hours=168) <= longest <= datetime.now(UTC) + timedelta(hours=168)


def _stock_log_rows(db: HubDatabase) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(m.ChangeLog)) or 0)


def test_a_hold_put_back_twice_keeps_its_first_time_and_stays_the_floors_task_until_put_back(
    db: HubDatabase,
) -> None:
    hold_id, _expires = _hold(db, 24)
    with db.writing() as session:
        release_hold(session, _command("hold.release", {"hold_id": hold_id}), 1)

    a_fortnight_on = datetime.now(UTC) + timedelta(days=14)
    with db.reading() as session:
        listed = store_holds(session, 1, now=a_fortnight_on)
    assert hold_id in {h.id for h in listed.holds}  # not put back: still the floor's task

    with db.writing() as session:
        first = put_back_hold(session, _command("hold.put_back", {"hold_id": hold_id}), 1)
    logged = _stock_log_rows(db)
    with db.writing() as session:
        again = put_back_hold(session, _command("hold.put_back", {"hold_id": hold_id}), 1)
    assert again == first
    assert _stock_log_rows(db) == logged

    with db.reading() as session:
        listed = store_holds(session, 1, now=a_fortnight_on)
    assert hold_id not in {h.id for h in listed.holds}


def _level(db: HubDatabase, store_id: int, product_id: int) -> tuple[int, int]:
    with db.reading() as session:
        row = session.execute(
            select(m.Inventory.on_hand, m.Inventory.held).where(
                m.Inventory.store_id == store_id, m.Inventory.product_id == product_id
            )
        ).one()
    return row.on_hand, row.held


def _warehouse(db: HubDatabase) -> int:
    with db.reading() as session:
        return int(session.scalars(select(m.Store.id).where(m.Store.kind == "warehouse")).one())


def test_an_aisle_order_shipped_home_leaves_the_source_at_once_and_holds_nothing(db: HubDatabase) -> None:
    sku, product_id = _on_sale_here(db)
    warehouse = _warehouse(db)
    before = _level(db, warehouse, product_id)
    order = _command(
        "aisle.order",
        {"customer_id": _customer(db), "fulfilment": "ship", "lines": [{"sku": sku, "qty": 2}]},
    )
    seq = _stock_log_rows(db)
    with db.writing() as session:
        place_aisle_order(session, order, 1)

    assert _level(db, warehouse, product_id) == (before[0] - 2, before[1])
    with db.reading() as session:
        logged = session.execute(
            select(m.ChangeLog.store_id, m.ChangeLog.entity_id).where(
                m.ChangeLog.seq > seq, m.ChangeLog.entity == "stock"
            )
        ).all()
    assert [tuple(row) for row in logged] == [(warehouse, product_id)]


def test_an_aisle_order_for_pickup_gets_the_usual_deadline_when_it_arrives_and_can_be_restocked(
    db: HubDatabase,
) -> None:
    sku, _product_id = _on_sale_here(db)
    order = _command(
        "aisle.order",
        {"customer_id": _customer(db), "fulfilment": "bopis", "lines": [{"sku": sku, "qty": 1}]},
    )
    with db.writing() as session:
        order_id = int(place_aisle_order(session, order, 1)["order_id"])
        receive_pickup(session, _command("pickup.receive", {"order_id": order_id, "bin": "A1"}), 1)
        deadline = session.scalar(select(m.Order.pickup_deadline).where(m.Order.id == order_id))
    assert deadline is not None
    week = datetime.now(UTC) + timedelta(days=7)
    assert abs(as_utc(deadline) - week) < timedelta(minutes=1)

    with db.writing() as session:  # a week and a day later, nobody came
        session.execute(
            update(m.Order)
            .where(m.Order.id == order_id)
            .values(pickup_deadline=datetime.now(UTC) - timedelta(days=1))
        )
        restock_pickup(session, _command("pickup.restock", {"order_id": order_id}), 1)
        state = session.scalar(select(m.Order.pickup_state).where(m.Order.id == order_id))
    assert state == "expired"


_PRODUCT = (
    '{{"sku": "{sku}", "gtin": "{gtin}", "style": "NEW", "name": "New", "brand": "B", '
    '"category": "Home", "price_cents": 100}}'
)


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ([("NEW-1", "not a gtin at all")], "line 1: a GTIN is 8, 12, 13 or 14 digits"),
        ([("NEW-1", "4000000000021")], "line 1: GTIN 4000000000021 has a wrong check digit"),
        ([("N" * 33, "4006381333931")], "line 1: a SKU is 1 to 32"),
        ([("NEW 1", "4006381333931")], "line 1: a SKU is 1 to 32"),
    ],
)
def test_an_import_line_with_a_bad_sku_or_gtin_is_refused_naming_it(
    lines: list[tuple[str, str]], says: str
) -> None:
    text = "\n".join(_PRODUCT.format(sku=sku, gtin=gtin) for sku, gtin in lines)
    with pytest.raises(BadImportLine, match=says):
        read_products(text)


def test_an_import_refuses_a_sku_or_gtin_twice_or_another_skus_gtin_naming_the_line(db: HubDatabase) -> None:
    with db.reading() as session:
        taken = session.execute(select(m.Product.sku, m.Product.gtin).order_by(m.Product.id).limit(1)).one()
    cases = [
        ([("NEW-1", "4006381333931"), ("NEW-1", "96385074")], "line 2: SKU NEW-1 comes twice"),
        (
            [("NEW-1", "4006381333931"), ("NEW-2", "004006381333931"[1:])],
            "line 2: GTIN 4006381333931 comes twice",
        ),
        (
            [("NEW-1", "96385074"), ("NEW-2", taken.gtin)],
            f"line 2: GTIN {taken.gtin} is already SKU {taken.sku}",
        ),
    ]
    for lines, says in cases:
        products = read_products("\n".join(_PRODUCT.format(sku=sku, gtin=gtin) for sku, gtin in lines))
        with pytest.raises(BadImportLine, match=says), db.writing() as session:
            upsert_products(session, products)
    with db.reading() as session:
        assert (
            session.scalar(select(func.count()).select_from(m.Product).where(m.Product.style == "NEW")) == 0
        )


def test_an_imported_upc_is_kept_as_its_gtin_13(db: HubDatabase) -> None:
    with db.writing() as session:
        upsert_products(session, read_products(_PRODUCT.format(sku="NEW-UPC", gtin="036000291452")))
    with db.reading() as session:
        assert session.scalar(select(m.Product.gtin).where(m.Product.sku == "NEW-UPC")) == "0036000291452"


def test_a_stock_file_naming_a_sku_twice_is_refused_naming_the_line() -> None:
    with pytest.raises(BadImportLine, match="line 3: SKU ST000001-IND comes twice"):
        read_counts("sku,on_hand\nST000001-IND,3\nST000001-IND,4\n")
    with pytest.raises(BadImportLine, match="line 2: a SKU is 1 to 32"):
        read_counts(f"sku,on_hand\n{'S' * 33},3\n")
