"""The device cache feed of one store: a paged snapshot, then deltas from ``change_log``.

The cursor is opaque to the device (base64url JSON). It names the phase being paged, the last key
sent, and the ``change_log`` position taken when the snapshot began, so nothing that changes during
a long snapshot is missed: the deltas start from there. Phases in order: products, this store's
stock, this store's open pickups, customers (open pickups here, or recently looked up here;
bounded), revoked cards, then the log for ever after.

The cursor (``feed_cursor.FeedCursor``) comes back from a device, so it is input like any other
and decoded strictly.

**A stock-desk feed** (a snapshot begun for a tablet that reads ``stock_desk``) keeps three more
fields in its cursor: the snapshot's total and the items sent so far (``progress`` on every
snapshot page) and the fingerprint of the kept places (``stock_feed.KeptStores``). Its stock
phase sends ``stock_counts`` of the tablet's store, its nearest stores and the warehouse, ten
times ``limit`` a page, keyed by ``[store_id, product_id]``, with ``stores`` on the first page;
its log sends the stock changes of every kept place (once per place and product) and product
changes. When the kept places change (noticed in the stock phase or the log), the feed sends
``stores`` again and the stock phase (and those after it) start over; the log then resumes where
the tablet was in it (the snapshot's start, or its log position), so a product renamed, a pickup
closed or a customer changed meanwhile is still sent. The cursor's shape follows the feed's
first request; the header decides only which fields are serialised (``contract.shapes``).

**A kiosk's feed** (``catalog_only``: ``GET /v1/kiosk/changes``) is the same feed without anything
personal: its snapshot skips the pickups and customers phases, and its log passes over pickup and
customer changes. It carries products, stock (and the stock desk's places), and revoked cards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.services.database import as_utc
from storeassist.hub.services.errors import BadCursor
from storeassist.hub.services.feed_cursor import DeskState, FeedCursor
from storeassist.hub.services.orders import QUEUE_STATES, require_store
from storeassist.hub.services.profiles import build_profile
from storeassist.hub.services.stock_feed import (
    COUNTS_PER_LIMIT,
    KeptStores,
    count_total,
    counts_of,
    counts_page,
    kept_stores,
    products_page,
)
from storeassist.hub.services.wire import ORDER_COLUMNS, PRODUCT_COLUMNS, orders_with_lines, product_from_row

CUSTOMER_PAGE = 100  # profiles average ~6 KB of JSON and ~1 ms to build
LOG_READ_AHEAD = 40
LOG_SCAN_CAP = 20_000
RECENT_LOOKUPS = 2000
CUSTOMER_CAP = 500
#: What a kiosk's feed (``catalog_only``) never carries: its phases, and its log's entities.
PERSONAL_PHASES = frozenset({"pickups", "customers"})
PERSONAL_ENTITIES = frozenset({"pickup", "customer"})


def changes(
    session: Session,
    store_id: int,
    cursor_text: str,
    limit: int,
    *,
    stock_desk: bool = False,
    catalog_only: bool = False,
) -> contract.ChangeFeed:
    """One page of the feed after ``cursor_text`` (``""``: a snapshot, of the stock desk's shape
    for a ``stock_desk`` tablet; ``catalog_only``: a kiosk's, with no pickups or customers)."""
    require_store(session, store_id)
    if cursor_text:
        cursor = FeedCursor.decode(cursor_text, store_id)
        if catalog_only and cursor.phase in PERSONAL_PHASES:
            raise BadCursor(
                "That sync cursor belongs to another store or feed. Start again with an empty cursor."
            )
        if stock_desk and cursor.desk is None:
            # A tablet of this release that began its feed before this hub kept the stock desk's
            # places (the hub was upgraded under it): a new snapshot gives it the nearby stock.
            raise BadCursor(
                "This feed began before the back office kept nearby stock. Start again with an empty cursor.",
                code="cursor_expired",
            )
    else:
        cursor = FeedCursor(store_id, "products", None, _log_position(session))
        if stock_desk:
            kept = kept_stores(session, store_id)
            total = _snapshot_total(session, store_id, kept, catalog_only=catalog_only)
            cursor = replace(cursor, desk=DeskState(total, 0, kept.fingerprint))
    if cursor.desk is not None and cursor.phase in ("stock", "log"):
        desk_pager = _desk_stock_page if cursor.phase == "stock" else _desk_log_page
        page = desk_pager(session, cursor, limit, catalog_only=catalog_only)
    elif cursor.phase == "log":
        page = _log_page(session, cursor, limit, catalog_only=catalog_only)
    else:
        page = _PAGERS[cursor.phase](session, cursor, limit)
    if page.restart is not None:
        return contract.ChangeFeed.model_construct(cursor=page.restart.encode(), has_more=True, **page.items)
    moved = cursor.next_phase() if cursor.phase != "log" and page.full is False else None
    while catalog_only and moved is not None and moved.phase in PERSONAL_PHASES:
        moved = moved.next_phase()
    following = moved or replace(cursor, after=page.last_key)
    if cursor.desk is not None:
        done = cursor.desk.done + sum(len(v) for k, v in page.items.items() if k != "stores")
        desk = replace(cursor.desk, done=min(done, cursor.desk.total))
        following = replace(
            following, desk=desk if page.places is None else replace(desk, places=page.places)
        )
        if cursor.phase != "log":
            page.items["progress"] = contract.FeedProgress(
                done=following.desk.done if following.desk else 0, total=cursor.desk.total
            )
    # Built from the hub's own rows: validated by their columns, not again per row (a stock page
    # carries thousands of counts).
    return contract.ChangeFeed.model_construct(
        cursor=following.encode(), has_more=True if moved else page.full, **page.items
    )


def _log_position(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(m.ChangeLog.seq), 0))).scalar_one())


def _snapshot_total(
    session: Session,
    store_id: int,
    kept: KeptStores,
    *,
    products_too: bool = True,
    catalog_only: bool = False,
) -> int:
    """Items a stock-desk snapshot will send, counted as it begins (for its progress); without
    the products for a snapshot begun again at its stock phase; without pickups and customers
    for a kiosk's."""
    products = (
        session.execute(select(func.count()).select_from(m.Product)).scalar_one() if products_too else 0
    )
    revoked = session.execute(select(func.count()).select_from(m.CardRevocation)).scalar_one()
    if catalog_only:
        return int(products) + count_total(session, kept) + int(revoked)
    pickups = session.execute(
        select(func.count())
        .select_from(m.Order)
        .where(m.Order.store_id == store_id, m.Order.pickup_state.in_(QUEUE_STATES))
    ).scalar_one()
    customers = len(feed_customer_ids(session, store_id))
    return int(products) + count_total(session, kept) + int(pickups) + customers + int(revoked)


@dataclass
class _Page:
    items: dict[str, Any]
    last_key: Any
    full: bool
    #: Where the feed goes next instead (a stock-desk feed whose kept places changed).
    restart: FeedCursor | None = None
    #: The kept places' fingerprint the cursor takes from here (a stock-desk feed's first stock page).
    places: int | None = None


def _products_page(session: Session, cursor: FeedCursor, limit: int) -> _Page:
    after = int(cursor.after) if cursor.after is not None else None
    products, last = products_page(session, after, limit)
    return _Page({"products": products}, last if last is not None else cursor.after, len(products) == limit)


def _stock_levels(
    session: Session, store_id: int, product_ids: list[int] | None, after: int | None, limit: int
) -> list[Any]:
    query = (
        select(
            m.Inventory.product_id,
            m.Inventory.on_hand,
            m.Inventory.held,
            m.Inventory.updated_at,
            m.Product.sku,
            m.Store.name,
        )
        .join(m.Product, m.Product.id == m.Inventory.product_id)
        .join(m.Store, m.Store.id == m.Inventory.store_id)
        .where(m.Inventory.store_id == store_id)
        .order_by(m.Inventory.product_id)
        .limit(limit)
    )
    if product_ids is not None:
        query = query.where(m.Inventory.product_id.in_(product_ids))
    if after is not None:
        query = query.where(m.Inventory.product_id > after)
    return list(session.execute(query))


def _as_stock(store_id: int, rows: list[Any]) -> list[tuple[str, contract.StockLevel]]:
    return [
        (
            r.sku,
            contract.StockLevel(
                store_id=store_id,
                store_name=r.name,
                distance_km=0.0,
                on_hand=r.on_hand,
                held=r.held,
                as_of=as_utc(r.updated_at),
            ),
        )
        for r in rows
    ]


def _stock_page(session: Session, cursor: FeedCursor, limit: int) -> _Page:
    rows = _stock_levels(session, cursor.store_id, None, cursor.after, limit)
    return _Page(
        {"stock": _as_stock(cursor.store_id, rows)},
        rows[-1].product_id if rows else cursor.after,
        len(rows) == limit,
    )


def _pickups_page(session: Session, cursor: FeedCursor, limit: int) -> _Page:
    query = (
        select(*ORDER_COLUMNS)
        .where(m.Order.store_id == cursor.store_id, m.Order.pickup_state.in_(QUEUE_STATES))
        .order_by(m.Order.id)
        .limit(limit)
    )
    if cursor.after is not None:
        query = query.where(m.Order.id > int(cursor.after))
    rows = list(session.execute(query))
    return _Page(
        {"pickups": orders_with_lines(session, rows)},
        rows[-1].id if rows else cursor.after,
        len(rows) == limit,
    )


def feed_customer_ids(session: Session, store_id: int) -> list[int]:
    """Customers a store's devices keep: open pickups there, and those recently looked up there."""
    with_pickups = session.scalars(
        select(m.Order.customer_id)
        .where(
            m.Order.store_id == store_id,
            m.Order.pickup_state.in_(QUEUE_STATES),
            m.Order.customer_id.is_not(None),
        )
        .limit(CUSTOMER_CAP)
    )
    recent = select(m.AuditEntry.subject).where(
        m.AuditEntry.action == "profile.view",
        m.AuditEntry.device_id.in_(select(m.Device.id).where(m.Device.store_id == store_id)),
    )
    looked_up = session.scalars(
        select(recent.order_by(m.AuditEntry.id.desc()).limit(RECENT_LOOKUPS).subquery().c.subject)
    )
    # The WHERE already leaves out NULL; the test only tells the type checker.
    ids = {customer_id for customer_id in with_pickups if customer_id is not None}
    for subject in looked_up:
        if subject.startswith("customer:") and subject[9:].isdigit():
            ids.add(int(subject[9:]))
    return sorted(ids)[:CUSTOMER_CAP]


def _customers_page(session: Session, cursor: FeedCursor, limit: int) -> _Page:
    size = min(limit, CUSTOMER_PAGE)
    after = int(cursor.after) if cursor.after is not None else 0
    ids = [i for i in feed_customer_ids(session, cursor.store_id) if i > after][:size]
    profiles = [build_profile(session, i, cursor.store_id) for i in ids]
    return _Page({"customers": profiles}, ids[-1] if ids else cursor.after, len(ids) == size)


def _revoked_page(session: Session, cursor: FeedCursor, limit: int) -> _Page:
    query = (
        select(m.CardRevocation.customer_id, m.CardRevocation.serial)
        .order_by(m.CardRevocation.customer_id, m.CardRevocation.serial)
        .limit(limit)
    )
    if cursor.after is not None:
        customer_id, serial = cursor.after
        query = query.where(
            tuple_(m.CardRevocation.customer_id, m.CardRevocation.serial)
            > tuple_(int(customer_id), int(serial))
        )
    rows = list(session.execute(query))
    return _Page(
        {"revoked": [contract.RevokedCard(customer_id=r.customer_id, serial=r.serial) for r in rows]},
        [rows[-1].customer_id, rows[-1].serial] if rows else cursor.after,
        len(rows) == limit,
    )


def _log_page(
    session: Session,
    cursor: FeedCursor,
    limit: int,
    kept: KeptStores | None = None,
    *,
    catalog_only: bool = False,
) -> _Page:
    """Up to ``limit`` changed entities (at most ``CUSTOMER_PAGE`` customers) after the cursor.

    The log is read ahead by up to ``LOG_READ_AHEAD`` times the limit, so a customer changed a
    hundred times while a device was away is sent once, with its latest state: a drain of many
    commands on a few customers costs a few profiles, not one per command. The page ends just
    before the first change that would not fit; the cursor is a log position, so nothing after it
    is skipped. With ``kept`` (a stock-desk feed) stock changes of every kept place are read too,
    each (place, product) once, and sent as ``stock_counts``. ``catalog_only`` passes over pickup
    and customer changes (a kiosk's feed).
    """
    scan = min(limit * LOG_READ_AHEAD, LOG_SCAN_CAP)
    places = set(kept.ids) if kept is not None else {cursor.store_id}
    rows = list(
        session.execute(
            select(m.ChangeLog.seq, m.ChangeLog.store_id, m.ChangeLog.entity, m.ChangeLog.entity_id)
            .where(
                m.ChangeLog.seq > int(cursor.after),
                or_(m.ChangeLog.store_id.in_(sorted(places)), m.ChangeLog.store_id.is_(None)),
            )
            .order_by(m.ChangeLog.seq)
            .limit(scan)
        )
    )
    full = len(rows) == scan
    # entity → keys in first-seen order (a dict as an ordered set); a stock key is (place, product)
    changed: dict[str, dict[Any, None]] = {}
    distinct = 0
    last_seq = cursor.after
    for row in rows:
        if catalog_only and row.entity in PERSONAL_ENTITIES:
            last_seq = row.seq
            continue
        if row.store_id is not None and row.store_id != cursor.store_id and row.entity != "stock":
            last_seq = row.seq  # another kept place's pickups and customers are not this store's
            continue
        key = (row.store_id, row.entity_id) if row.entity == "stock" else row.entity_id
        keys = changed.get(row.entity, {})
        if key in keys:
            last_seq = row.seq
            continue
        if distinct == limit or (row.entity == "customer" and len(keys) == CUSTOMER_PAGE):
            full = True  # profiles are heavy: this page ends before this change
            break
        changed.setdefault(row.entity, {})[key] = None
        distinct += 1
        last_seq = row.seq
    items: dict[str, Any] = {}
    if "product" in changed:
        products = session.execute(select(*PRODUCT_COLUMNS).where(m.Product.id.in_(list(changed["product"]))))
        items["products"] = [product_from_row(r) for r in products]
    if "stock" in changed:
        if kept is not None:
            items["stock_counts"] = counts_of(session, changed["stock"])
        else:
            product_ids = [product_id for _store, product_id in changed["stock"]]
            items["stock"] = _as_stock(
                cursor.store_id, _stock_levels(session, cursor.store_id, product_ids, None, len(product_ids))
            )
    if "pickup" in changed:
        orders = list(session.execute(select(*ORDER_COLUMNS).where(m.Order.id.in_(list(changed["pickup"])))))
        items["pickups"] = orders_with_lines(session, orders)
    if "customer" in changed:
        present = session.scalars(select(m.Customer.id).where(m.Customer.id.in_(list(changed["customer"]))))
        items["customers"] = [build_profile(session, i, cursor.store_id) for i in sorted(present)]
    if "revocation" in changed:
        revoked = session.execute(
            select(m.CardRevocation.customer_id, m.CardRevocation.serial).where(
                m.CardRevocation.customer_id.in_(list(changed["revocation"]))
            )
        )
        items["revoked"] = [contract.RevokedCard(customer_id=r.customer_id, serial=r.serial) for r in revoked]
    return _Page(items, last_seq, full)


def _restart_if_moved(
    session: Session, cursor: FeedCursor, kept: KeptStores, *, catalog_only: bool = False
) -> _Page | None:
    """When the kept places are no longer those the cursor names: ``stores`` again and a fresh
    stock phase, whose log starts where this tablet is in it (its log position, or in a snapshot
    the snapshot's start), so nothing logged after that is skipped."""
    desk = cursor.desk
    if desk is None or kept.fingerprint == desk.places:
        return None
    resume = int(cursor.after) if cursor.phase == "log" else cursor.start_seq
    total = _snapshot_total(session, cursor.store_id, kept, products_too=False, catalog_only=catalog_only)
    restart = FeedCursor(cursor.store_id, "stock", None, resume, DeskState(total, 0, kept.fingerprint))
    return _Page({"stores": list(kept.places)}, cursor.after, True, restart=restart)


def _desk_stock_page(
    session: Session, cursor: FeedCursor, limit: int, *, catalog_only: bool = False
) -> _Page:
    """Counts of the kept places, ``COUNTS_PER_LIMIT`` × ``limit`` a page; ``stores`` first."""
    kept = kept_stores(session, cursor.store_id)
    restart = (
        _restart_if_moved(session, cursor, kept, catalog_only=catalog_only)
        if cursor.after is not None
        else None
    )
    if restart is not None:
        return restart
    counts, last, more = counts_page(session, kept, cursor.after, limit * COUNTS_PER_LIMIT)
    items: dict[str, Any] = {"stock_counts": counts}
    if cursor.after is None:  # the places sent now are those the rest of the snapshot keeps
        items["stores"] = list(kept.places)
        return _Page(items, last, more, places=kept.fingerprint)
    return _Page(items, last if last is not None else cursor.after, more)


def _desk_log_page(session: Session, cursor: FeedCursor, limit: int, *, catalog_only: bool = False) -> _Page:
    """The log of a stock-desk feed, or a fresh stock phase when the kept places changed."""
    kept = kept_stores(session, cursor.store_id)
    return _restart_if_moved(session, cursor, kept, catalog_only=catalog_only) or _log_page(
        session, cursor, limit, kept, catalog_only=catalog_only
    )


#: The snapshot's phases; the log (and a stock-desk feed's stock) are paged in ``changes``.
_PAGERS = {
    "products": _products_page,
    "stock": _stock_page,
    "pickups": _pickups_page,
    "customers": _customers_page,
    "revoked": _revoked_page,
}
