"""A sheet of real signed codes for trying the app with a scanner or a phone camera.

For a handful of demo customers (printed loyalty cards: no expiry, revocable by serial), open
pickup orders at one store (order codes that expire after ``order_ttl``), purchase receipts of a
few orders the store's customers received lately (``PURCHASE_RECEIPT``: never expire; scanned at
Returns, the order opens "with receipt") and that store's staff badges (signed badge codes,
revocable by serial; one per role, so the role-dependent views can be tried), writes a PNG QR
image and a ``.txt`` with the code, plus ``index.html`` and ``index.txt`` saying whose code is
whose, and each order's six-digit pickup code (:func:`pickup_code_for`). The people are the
seeded demo chain's invented staff and customers.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import DateTime, bindparam, select, text

from storeassist.domain.tokens import TokenKind
from storeassist.hub.admin import mint_token
from storeassist.hub.db.models import Customer, Order, Staff
from storeassist.hub.db.session import make_engine, make_sessionmaker
from storeassist.hub.seed.catalog import demo_pin
from storeassist.hub.seed.demo import demo_cast, demo_pickups
from storeassist.hub.seed.pickups import pickup_code_for as pickup_code_for
from storeassist.hub.services.access import BADGE_ALONE_ROLES
from storeassist.hub.services.database import as_utc

DEFAULT_ORDER_TTL = timedelta(days=14)


LOYALTY_CARD, PICKUP_ORDER, STAFF_BADGE = "loyalty card", "pickup order", "staff badge"
PURCHASE_RECEIPT = "purchase receipt"
#: Receipts are of orders received at most this many days ago: inside the usual return window.
RECEIPT_DAYS = 25

#: Orders of the store's customers delivered or collected lately, paid, with something left to
#: take back; newest first.
_RECEIVED = text(
    "SELECT o.id, o.number, o.customer_id, o.placed_at, o.status, o.channel FROM orders o "
    "JOIN customers c ON c.id = o.customer_id "
    "WHERE c.preferred_store_id = :store AND o.payment_state = 'paid' "
    "AND (o.status = 'delivered' OR o.pickup_state = 'collected') AND o.placed_at >= :since "
    "AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.qty_returned = 0) "
    "ORDER BY o.placed_at DESC, o.id LIMIT :n"
).bindparams(bindparam("since", type_=DateTime(timezone=True)))


@dataclass(frozen=True, slots=True)
class CodeCard:
    kind: str  # LOYALTY_CARD, PICKUP_ORDER, PURCHASE_RECEIPT or STAFF_BADGE
    label: str  # who or what, for the person running the demo
    story: str
    token: str
    png: Path
    txt: Path


def write_demo_codes(
    db_url: str,
    out_dir: Path,
    *,
    store_id: int = 1,
    customers: int = 6,
    pickups: int = 4,
    receipts: int = 3,
    order_ttl: timedelta = DEFAULT_ORDER_TTL,
) -> list[CodeCard]:
    """Write the code sheet into ``out_dir`` (created if missing); returns what was written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cast = demo_cast(db_url, customers, store_id)
    orders = demo_pickups(db_url, pickups, store_id)
    cards: list[CodeCard] = []
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            names: dict[int, str] = dict(
                session.execute(
                    select(Customer.id, Customer.name).where(
                        Customer.id.in_(
                            [c.id for c in cast] + [o.customer_id for o in orders if o.customer_id]
                        )
                    )
                ).all()
            )
            for person in cast:
                token = mint_token(session, TokenKind.LOYALTY_CARD, person.id)
                label = f"{names.get(person.id, '?')} ({person.loyalty_id}, customer {person.id})"
                cards.append(
                    _write_card(out_dir, f"loyalty-{person.id}", LOYALTY_CARD, label, person.story, token)
                )
            for order in orders:
                token = mint_token(
                    session, TokenKind.ORDER, order.order_id, ttl_s=int(order_ttl.total_seconds())
                )
                owner = names.get(order.customer_id or 0, "guest")
                label = f"order {order.number} for {owner}"
                story = (
                    f"pickup at store {store_id}, {order.state.replace('_', ' ')}; "
                    f"pickup code {pickup_code_for(order.order_id)}{_at_the_kiosk(session, order.order_id)}"
                )
                cards.append(_write_card(out_dir, f"order-{order.number}", PICKUP_ORDER, label, story, token))
            cards += _receipt_cards(session, out_dir, store_id, receipts)
            cards += _staff_cards(session, out_dir, store_id)
    finally:
        engine.dispose()
    _write_index(out_dir, cards, store_id, order_ttl)
    return cards


def _at_the_kiosk(session: Any, order_id: int) -> str:
    """ "; self-pickup at the kiosk (locker L-07)" for an order the shopper may collect there."""
    row = session.execute(select(Order.kiosk_pickup, Order.locker).where(Order.id == order_id)).first()
    if row is None or not row.kiosk_pickup:
        return ""
    return f"; self-pickup at the kiosk ({f'locker {row.locker}' if row.locker else 'at the counter'})"


def describe_sheet(cards: list[CodeCard]) -> str:
    """How many codes of each kind were written, every kind counted (for the command's output)."""
    kinds = (LOYALTY_CARD, PICKUP_ORDER, PURCHASE_RECEIPT, STAFF_BADGE)
    counts = {kind: sum(1 for c in cards if c.kind == kind) for kind in kinds}
    return (
        f"{len(cards)} codes: {counts[LOYALTY_CARD]} loyalty cards, {counts[PICKUP_ORDER]} pickup orders, "
        f"{counts[PURCHASE_RECEIPT]} purchase receipts, {counts[STAFF_BADGE]} staff badges"
    )


def _receipt_cards(session: Any, out_dir: Path, store_id: int, n: int) -> list[CodeCard]:
    """Purchase receipts of orders the store's customers received lately (newest first), each
    signed as of when the order was placed."""
    if n <= 0:
        return []
    since = datetime.now(UTC) - timedelta(days=RECEIPT_DAYS)
    rows = session.execute(_RECEIVED, {"store": store_id, "since": since, "n": n}).all()
    cards = []
    for order_id, number, customer_id, placed_at, status, channel in rows:
        placed = as_utc(placed_at if isinstance(placed_at, datetime) else datetime.fromisoformat(placed_at))
        token = mint_token(session, TokenKind.PURCHASE_RECEIPT, order_id, ttl_s=0, now=placed)
        owner = session.execute(select(Customer.name).where(Customer.id == customer_id)).scalar() or "?"
        label = f"receipt of order {number} for {owner}"
        story = (
            f"bought {placed:%d %b} ({channel}), {status}; scan it at Returns to take something back "
            "with its receipt"
        )
        cards.append(_write_card(out_dir, f"receipt-{number}", PURCHASE_RECEIPT, label, story, token))
    return cards


def _staff_cards(session: Any, out_dir: Path, store_id: int) -> list[CodeCard]:
    """The first staff member of each role at the store, with the signed code their badge carries."""
    rows = session.execute(
        select(Staff.id, Staff.name, Staff.role, Staff.staff_number)
        .where(Staff.store_id == store_id)
        .order_by(Staff.id)
    ).all()
    cards, seen = [], set()
    for row in rows:
        if row.role in seen:
            continue
        seen.add(row.role)
        token = mint_token(session, TokenKind.STAFF_BADGE, row.id)
        label = f"{row.name} ({row.role}, staff number {row.staff_number})"
        how = (
            "scan the badge alone"
            if row.role in BADGE_ALONE_ROLES  # any other role scans, then gives the PIN
            else f"scan the badge, then enter the PIN (demo chain: {demo_pin(row.id)})"
        )
        article = "an" if row.role[:1] in "aeiou" else "a"
        story = f"signs in at store {store_id}: {how}; sees what {article} {row.role} may see"
        cards.append(_write_card(out_dir, f"badge-{row.staff_number}", STAFF_BADGE, label, story, token))
    return cards


def _write_card(out_dir: Path, stem: str, kind: str, label: str, story: str, token: str) -> CodeCard:
    png, txt = out_dir / f"{stem}.png", out_dir / f"{stem}.txt"
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
    qr.add_data(token)
    qr.make(fit=True)
    qr.make_image(fill_color="black", back_color="white").save(png)
    txt.write_text(token + "\n", encoding="ascii")
    return CodeCard(kind, label, story, token, png, txt)


def _write_index(out_dir: Path, cards: list[CodeCard], store_id: int, order_ttl: timedelta) -> None:
    summary = describe_sheet(cards)
    lines = [
        f"StoreAssist demo codes (store {store_id}): {summary}. "
        f"Order codes expire after {order_ttl.days} days.",
        "",
    ]
    rows = []
    for card in cards:
        lines += [f"{card.png.name}: {card.kind}: {card.label}: {card.story}", f"    {card.token}", ""]
        rows.append(
            f"<tr><td><img src='{card.png.name}' width='200' alt='{html.escape(card.kind)}'></td>"
            f"<td><b>{html.escape(card.kind)}</b><br>{html.escape(card.label)}<br><i>{html.escape(card.story)}</i>"
            f"<br><code>{html.escape(card.token)}</code></td></tr>"
        )
    (out_dir / "index.txt").write_text("\n".join(lines), encoding="utf-8")
    (out_dir / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>StoreAssist demo codes</title></head><body>"
        f"<h1>StoreAssist demo codes: store {store_id}</h1>"
        f"<p>{html.escape(summary)}. The people are the demo chain's invented staff and customers.</p>"
        f"<p>Scan these with the app. Order codes expire after {order_ttl.days} days; "
        "run <code>storeassist-hub demo-codes</code> again for fresh ones.</p>"
        f"<table cellpadding='8'>{''.join(rows)}</table></body></html>\n",
        encoding="utf-8",
    )
