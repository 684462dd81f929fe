"""Stock of one product here, at the other stores that have it, nearest first, and at the warehouse."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.domain.geo import distance_km
from storeassist.hub.db import models as m
from storeassist.hub.services.availability import distances_from
from storeassist.hub.services.database import as_utc
from storeassist.hub.services.errors import NotFound
from storeassist.hub.services.wire import PRODUCT_COLUMNS, AnyRow, load_stores, product_from_row


def find_product(session: Session, sku_or_gtin: str) -> AnyRow:
    """A product by SKU, or by GTIN (a 12-digit UPC-A is zero-padded to GTIN-13)."""
    code = sku_or_gtin.strip()
    if code.isdigit() and len(code) in (8, 12, 13, 14):
        gtin = code.zfill(13) if len(code) == 12 else code
        row = session.execute(select(*PRODUCT_COLUMNS).where(m.Product.gtin == gtin)).first()
        if row is not None:
            return row
    row = session.execute(select(*PRODUCT_COLUMNS).where(m.Product.sku == code)).first()
    if row is None:
        raise NotFound("No product has that SKU or barcode.", code="product_not_found")
    return row


def stock_answer(session: Session, sku_or_gtin: str, store_id: int) -> contract.StockAnswer:
    product = find_product(session, sku_or_gtin)
    stores = load_stores(session)
    distances = distances_from(stores, store_id)
    if not distances:
        raise NotFound(f"There is no store {store_id}.", code="store_not_found")
    names = {s.id: s.name for s in stores}
    here: contract.StockLevel | None = None
    nearby: list[contract.StockLevel] = []
    rows = session.execute(
        select(m.Inventory.store_id, m.Inventory.on_hand, m.Inventory.held, m.Inventory.updated_at).where(
            m.Inventory.product_id == product.id
        )
    )
    for row in rows:
        if row.store_id not in names:
            continue  # the warehouse, below
        level = contract.StockLevel(
            store_id=row.store_id,
            store_name=names.get(row.store_id, ""),
            distance_km=round(distances.get(row.store_id, 0.0), 1),
            on_hand=row.on_hand,
            held=row.held,
            as_of=as_utc(row.updated_at),
        )
        if row.store_id == store_id:
            here = level
        elif row.on_hand - row.held > 0:
            nearby.append(level)
    nearby.sort(key=lambda level: (level.distance_km, level.store_id))
    return contract.StockAnswer(
        product=product_from_row(product),
        here=here,
        nearby=nearby,
        warehouse=_warehouse_level(session, product.id, distances_at_warehouse(session, store_id)),
    )


_WAREHOUSE = select(m.Store.id, m.Store.name, m.Store.lat, m.Store.lon).where(m.Store.kind == "warehouse")


def distances_at_warehouse(session: Session, store_id: int) -> tuple[int, str, float] | None:
    """The warehouse's id, name and distance from ``store_id``, or None for a chain without one."""
    warehouse = session.execute(_WAREHOUSE.order_by(m.Store.id).limit(1)).first()
    here = session.execute(select(m.Store.lat, m.Store.lon).where(m.Store.id == store_id)).first()
    if warehouse is None or here is None:
        return None
    return warehouse.id, warehouse.name, distance_km(here.lat, here.lon, warehouse.lat, warehouse.lon)


def _warehouse_level(
    session: Session, product_id: int, warehouse: tuple[int, str, float] | None
) -> contract.StockLevel | None:
    """The warehouse's count of a product (sent to stock-desk tablets only: ``contract.shapes``)."""
    if warehouse is None:
        return None
    warehouse_id, name, km = warehouse
    row = session.execute(
        select(m.Inventory.on_hand, m.Inventory.held, m.Inventory.updated_at).where(
            m.Inventory.store_id == warehouse_id, m.Inventory.product_id == product_id
        )
    ).first()
    if row is None:
        return None
    return contract.StockLevel(
        store_id=warehouse_id,
        store_name=name,
        distance_km=round(km, 1),
        on_hand=row.on_hand,
        held=row.held,
        as_of=as_utc(row.updated_at),
    )
