"""Changing the catalog and stock counts from outside (an import, a stock count), logged for tablets.

Tablets keep the whole catalog and the stock of their nearest places, kept current by the change
feed, which reads ``change_log``. So every write here appends its rows in the same transaction:
a product changed is ``product`` for every store (``store_id`` NULL), a count changed is ``stock``
for its store. Products are keyed by SKU (a new SKU is added, a known one updated); each is a
``contract.Product``, so names, attributes and the GTIN's shape are checked before anything is
written. The caller owns the transaction (``HubDatabase.writing``), and this takes the change
log's order first (``hold_change_log_order``).

The CLI reads files for these (``storeassist-hub import-products FILE.jsonl``, ``import-stock
--store N FILE.csv``): :func:`read_products` and :func:`read_counts` say which line is wrong.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from pydantic import ValidationError
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.database import hold_change_log_order, utc_now
from storeassist.hub.services.errors import NotFound

_change_log = cast(Table, m.ChangeLog.__table__)
_inventory = cast(Table, m.Inventory.__table__)


class BadImportLine(ValueError):
    """A line of an import file that is not a product or a count; names the line."""


@dataclass(frozen=True)
class UpsertReport:
    added: int
    updated: int


def upsert_products(session: Session, products: Iterable[contract.Product]) -> UpsertReport:
    """Add products with new SKUs and update those with known ones; one ``product`` log row each."""
    hold_change_log_order(session)
    wanted = {p.sku: p for p in products}
    if not wanted:
        return UpsertReport(0, 0)
    known = {
        sku: product_id
        for sku, product_id in session.execute(
            select(m.Product.sku, m.Product.id).where(m.Product.sku.in_(list(wanted)))
        )
    }
    added = 0
    ids: list[int] = []
    for sku, product in wanted.items():
        values = {
            "gtin": product.gtin,
            "style": product.style,
            "name": product.name,
            "brand": product.brand,
            "category": product.category,
            "price_cents": product.price_cents,
            "size": product.size,
            "colour": product.colour,
            "names": dict(product.names),
            "attributes": dict(product.attributes),
        }
        if sku in known:
            session.execute(update(m.Product).where(m.Product.id == known[sku]).values(**values))
            ids.append(known[sku])
        else:
            row = m.Product(sku=sku, **values)
            session.add(row)
            session.flush()
            ids.append(row.id)
            added += 1
    at = utc_now()
    session.connection().execute(
        _change_log.insert(),
        [{"store_id": None, "entity": "product", "entity_id": i, "at": at} for i in ids],
    )
    return UpsertReport(added, len(ids) - added)


@dataclass(frozen=True)
class StockCountLine:
    """A count of one SKU at a store: what is on hand (``held`` is the hub's own business)."""

    sku: str
    on_hand: int


def set_stock_counts(
    session: Session, store_id: int, counts: Sequence[StockCountLine], at: datetime | None = None
) -> int:
    """Set ``on_hand`` of these SKUs at ``store_id`` as counted ``at`` (held units stay held: a
    count below them leaves nothing on sale); one ``stock`` log row each. Answers how many."""
    hold_change_log_order(session)
    if session.scalar(select(m.Store.id).where(m.Store.id == store_id)) is None:
        raise NotFound(f"There is no store {store_id}.", code="store_not_found")
    at = at or utc_now()
    ids = {
        sku: product_id
        for sku, product_id in session.execute(
            select(m.Product.sku, m.Product.id).where(m.Product.sku.in_([c.sku for c in counts]))
        )
    }
    missing = sorted({c.sku for c in counts} - set(ids))
    if missing:
        raise NotFound(f"No product has SKU {missing[0]}.", code="product_not_found")
    existing = set(
        session.scalars(
            select(m.Inventory.product_id).where(
                m.Inventory.store_id == store_id, m.Inventory.product_id.in_(list(ids.values()))
            )
        )
    )
    updates = [
        {"s": store_id, "p": ids[c.sku], "on_hand": c.on_hand, "at": at}
        for c in counts
        if ids[c.sku] in existing
    ]
    inserts = [
        {"store_id": store_id, "product_id": ids[c.sku], "on_hand": c.on_hand, "held": 0, "updated_at": at}
        for c in counts
        if ids[c.sku] not in existing
    ]
    connection = session.connection()
    if updates:
        connection.execute(
            _inventory.update()
            .where(_inventory.c.store_id == bindparam("s"), _inventory.c.product_id == bindparam("p"))
            .values(on_hand=bindparam("on_hand"), updated_at=bindparam("at")),
            updates,
        )
    if inserts:
        connection.execute(_inventory.insert(), inserts)
    connection.execute(
        _change_log.insert(),
        [{"store_id": store_id, "entity": "stock", "entity_id": ids[c.sku], "at": at} for c in counts],
    )
    return len(counts)


def read_products(text: str) -> list[contract.Product]:
    """Products from JSON Lines, one ``contract.Product`` a line (blank lines skipped)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found.append(contract.Product.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the line"
            raise BadImportLine(f"line {number}: {where}: {first['msg']}") from None
    return found


def read_counts(text: str) -> list[StockCountLine]:
    """Counts from CSV with a header naming ``sku`` and ``on_hand`` (other columns ignored)."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not {"sku", "on_hand"} <= set(reader.fieldnames):
        raise BadImportLine("line 1: the header must name the columns sku and on_hand")
    found = []
    for number, row in enumerate(reader, start=2):
        sku, on_hand = (row.get("sku") or "").strip(), (row.get("on_hand") or "").strip()
        if not sku or len(sku) > 32:
            raise BadImportLine(f"line {number}: a SKU of 1 to 32 characters is needed")
        if not on_hand.isdigit() or int(on_hand) > 1_000_000:
            raise BadImportLine(f"line {number}: on_hand must be a whole number from 0 to 1,000,000")
        found.append(StockCountLine(sku, int(on_hand)))
    return found
