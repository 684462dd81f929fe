"""Changing the catalog and stock counts from outside (an import, a stock count), logged for tablets.

Tablets keep the whole catalog and the stock of their nearest places, kept current by the change
feed, which reads ``change_log``. So every write here appends its rows in the same transaction:
a product changed is ``product`` for every store (``store_id`` NULL), a count changed is ``stock``
for its store. Products are keyed by SKU (a new SKU is added, a known one updated); each is a
``contract.Product``, so names and attributes are checked by their model; here, before anything
is written, the SKU (1 to 32 of ``A-Z a-z 0-9 . _ -``, as the routes take it) and the GTIN (8, 12,
13 or 14 digits with a valid GS1 check digit, kept as the scan rule spells it: 13 digits where it
fits, ``domain.scan_codes``), and that no SKU or GTIN comes twice and no GTIN is another SKU's
already. The caller owns the transaction (``HubDatabase.writing``), and this takes the change
log's order first (``hold_change_log_order``).

The CLI reads files for these (``storeassist-hub import-products FILE.jsonl``, ``import-stock
--store N FILE.csv``): :func:`read_products` and :func:`read_counts` say which line is wrong, and
so does :func:`upsert_products` for the lines :func:`read_products` numbered.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from pydantic import ValidationError
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.domain.scan_codes import GTIN_LENGTHS, classify_scan, gtin_check_digit_ok
from storeassist.hub.db import models as m
from storeassist.hub.services.database import hold_change_log_order, utc_now
from storeassist.hub.services.errors import NotFound

_change_log = cast(Table, m.ChangeLog.__table__)
_inventory = cast(Table, m.Inventory.__table__)


#: A SKU as the routes take it (``routes_catalog``), at most 32 characters (the column's width).
SKU_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,32}")


class BadImportLine(ValueError):
    """A line of an import file (or a product) that cannot be imported; names the line."""


@dataclass(frozen=True)
class ProductLine:
    """A product read from line ``line`` of an import file."""

    line: int
    product: contract.Product


@dataclass(frozen=True)
class UpsertReport:
    added: int
    updated: int


def check_sku(sku: str, where: str) -> None:
    if SKU_PATTERN.fullmatch(sku) is None:
        raise BadImportLine(f"{where}: a SKU is 1 to 32 letters, digits, dots, underscores or hyphens")


def checked_gtin(gtin: str, where: str) -> str:
    """``gtin`` as products keep it (13 digits where it fits), or :class:`BadImportLine`."""
    if not (gtin.isascii() and gtin.isdigit() and len(gtin) in GTIN_LENGTHS):
        raise BadImportLine(f"{where}: a GTIN is 8, 12, 13 or 14 digits")
    if not gtin_check_digit_ok(gtin):
        raise BadImportLine(f"{where}: GTIN {gtin} has a wrong check digit")
    return classify_scan(gtin).text


def _checked_batch(
    session: Session, products: Iterable[contract.Product | ProductLine]
) -> dict[str, contract.Product]:
    """The products by SKU, each SKU and GTIN checked and the GTIN respelled; refused (naming the
    line, or the SKU of a product that came without one) for a SKU or GTIN that comes twice or a
    GTIN another SKU has."""
    wanted: dict[str, contract.Product] = {}
    where_sku: dict[str, str] = {}
    where_gtin: dict[str, str] = {}
    for item in products:
        product = item.product if isinstance(item, ProductLine) else item
        where = f"line {item.line}" if isinstance(item, ProductLine) else f"SKU {product.sku[:40]}"
        check_sku(product.sku, where)
        gtin = checked_gtin(product.gtin, where)
        if product.sku in where_sku:
            raise BadImportLine(f"{where}: SKU {product.sku} comes twice (also {where_sku[product.sku]})")
        if gtin in where_gtin:
            raise BadImportLine(f"{where}: GTIN {gtin} comes twice (also {where_gtin[gtin]})")
        where_sku[product.sku], where_gtin[gtin] = where, where
        wanted[product.sku] = product if gtin == product.gtin else product.model_copy(update={"gtin": gtin})
    taken = session.execute(select(m.Product.gtin, m.Product.sku).where(m.Product.gtin.in_(list(where_gtin))))
    for gtin, owner in taken:
        mine = next(sku for sku, product in wanted.items() if product.gtin == gtin)
        if owner != mine:
            raise BadImportLine(f"{where_gtin[gtin]}: GTIN {gtin} is already SKU {owner}'s")
    return wanted


def upsert_products(session: Session, products: Iterable[contract.Product | ProductLine]) -> UpsertReport:
    """Add products with new SKUs and update those with known ones; one ``product`` log row each.
    Refused whole with :class:`BadImportLine` if any product cannot be imported."""
    hold_change_log_order(session)
    wanted = _checked_batch(session, products)
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
    counts = list({c.sku: c for c in counts}.values())  # a SKU counted twice: the later count
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


def read_products(text: str) -> list[ProductLine]:
    """Products from JSON Lines, one ``contract.Product`` a line (blank lines skipped), each SKU
    and GTIN checked; a SKU or GTIN that comes twice, or a GTIN another SKU has in the database, is
    refused by :func:`upsert_products`, naming the line too."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            product = contract.Product.model_validate_json(line)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the line"
            raise BadImportLine(f"line {number}: {where}: {first['msg']}") from None
        check_sku(product.sku, f"line {number}")
        checked_gtin(product.gtin, f"line {number}")
        found.append(ProductLine(number, product))
    return found


def read_counts(text: str) -> list[StockCountLine]:
    """Counts from CSV with a header naming ``sku`` and ``on_hand`` (other columns ignored)."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not {"sku", "on_hand"} <= set(reader.fieldnames):
        raise BadImportLine("line 1: the header must name the columns sku and on_hand")
    found = []
    lines_of_sku: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):
        sku, on_hand = (row.get("sku") or "").strip(), (row.get("on_hand") or "").strip()
        check_sku(sku, f"line {number}")
        if sku in lines_of_sku:
            raise BadImportLine(f"line {number}: SKU {sku} comes twice (also line {lines_of_sku[sku]})")
        lines_of_sku[sku] = number
        if not on_hand.isdigit() or int(on_hand) > 1_000_000:
            raise BadImportLine(f"line {number}: on_hand must be a whole number from 0 to 1,000,000")
        found.append(StockCountLine(sku, int(on_hand)))
    return found
