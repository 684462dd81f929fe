"""The self-service kiosk at the hub: the scanned shopper's greeting, "ask an associate to hold
it", the associates' list of those requests, and a manager leaving kiosk mode.

A kiosk is a public screen, so what it gets of a shopper is what ``domain.kiosk`` allows: the
first name and last initial, tier and points, offers and suggestions in stock here. No id, contact
detail, order or address leaves the hub for it. Self-pickup is ``kiosk_pickup``, a return started
at the kiosk ``kiosk_returns``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.domain.kiosk import greeting_name, kiosk_offers
from storeassist.domain.loyalty import standing
from storeassist.hub.db import models as m
from storeassist.hub.recommend import Recommender, recommend_for
from storeassist.hub.services.access import (
    CHAIN_WIDE_ROLES,
    SIGN_IN_REFUSED,
    CallingDevice,
    SignedInStaff,
    sign_in_staff,
)
from storeassist.hub.services.database import as_utc
from storeassist.hub.services.errors import Conflict, Forbidden, HubError, NotFound
from storeassist.hub.services.profiles import load_customer_row
from storeassist.hub.services.trust import LOYALTY_KINDS, record_audit, verify_scanned_code

log = logging.getLogger("storeassist.hub.kiosk")

#: Suggestions a kiosk shows, all in stock here; the recommender is asked for more, since some of
#: its picks are only nearby.
KIOSK_SUGGESTIONS = 6
_SUGGESTION_POOL = 24
#: The one reason a kiosk is sent, with no params: the recommender's own reasons name what the
#: shopper bought, viewed or carted (a product's name, days since a cart, views), history a public
#: screen must not get.
KIOSK_REASON: Final = "picked_for_you"
#: Requests one kiosk may make in :data:`ASSIST_WINDOW` (a shopper asks for a few things at most).
ASSIST_REQUESTS_PER_WINDOW = 20
ASSIST_WINDOW = timedelta(minutes=10)
#: Open requests older than this are no longer listed: the shopper has long gone.
ASSIST_SHOWN_FOR = timedelta(hours=24)
#: Requests a store's list carries (``contract.AssistRequests``).
ASSIST_LISTED = 200
#: A kiosk's request id sent again for another action (``request_hold``, ``start_kiosk_return``).
REQUEST_ID_REUSED = "This request id was already used for another request; the kiosk must make a new id."


class TooManyAssistRequests(HubError):
    status = 429
    code = "too_many_requests"
    title = "Too many requests"


def kiosk_shopper(
    session: Session, recommender: Recommender, token_text: str, store_id: int
) -> tuple[int, contract.KioskShopper]:
    """The shopper a scanned loyalty code names, as the kiosk at ``store_id`` may show them, and
    their id (for the audit trail only; it is not in the answer). A code the hub does not trust
    (forged, expired, a revoked card) is its ``TokenRefused``; an order code is ``token_wrong_kind``."""
    token = verify_scanned_code(session, token_text, LOYALTY_KINDS)
    row: Any = load_customer_row(session, token.subject_id)
    points = max(0, int(row.points))
    tier = standing(points)
    offers = kiosk_offers(points, _liked_categories(session, row.preferences))
    shopper = contract.KioskShopper(
        greeting_name=greeting_name(row.name)[:60],
        tier=tier.tier,
        points=points,
        next_tier=tier.next_tier,
        points_to_next=tier.points_to_next,
        offers=[contract.KioskOffer(code=o.code, params=dict(o.params)) for o in offers],
        suggestions=_suggestions_here(session, recommender, row.id, store_id),
    )
    return int(row.id), shopper


def _liked_categories(session: Session, preferences: Any) -> list[str]:
    """The customer's preference tags that are categories of the catalog, in their order (other
    tags, "petite" or "gift ideas", are no category to offer a discount in)."""
    tags = [str(tag) for tag in (preferences or []) if isinstance(tag, str)][:20]
    if not tags:
        return []
    known = set(session.scalars(select(m.Product.category).where(m.Product.category.in_(tags)).distinct()))
    return [tag for tag in tags if tag in known]


def _suggestions_here(
    session: Session, recommender: Recommender, customer_id: int, store_id: int
) -> list[contract.KioskSuggestion]:
    """The recommender's picks for the customer (as the associate's tablet gets them) that are on
    sale here, one size and colour of a style (the first the recommender ranks), at most
    :data:`KIOSK_SUGGESTIONS`, each with its count here and :data:`KIOSK_REASON` (never the
    recommender's reason: that is the shopper's history)."""
    # A shopper is not kept waiting for the hub's first model: the greeting comes without suggestions.
    picks = recommend_for(
        session, recommender, customer_id, store_id, _SUGGESTION_POOL, wait_for_model=False
    ).items
    styles: set[str] = set()
    here: list[contract.Recommendation] = []
    for pick in picks:
        if pick.availability == "here" and pick.product.style not in styles and len(here) < KIOSK_SUGGESTIONS:
            styles.add(pick.product.style)
            here.append(pick)
    if not here:
        return []
    skus = [pick.product.sku for pick in here]
    rows = session.execute(
        select(m.Product.sku, m.Inventory.on_hand - m.Inventory.held)
        .join(m.Inventory, m.Inventory.product_id == m.Product.id)
        .where(m.Inventory.store_id == store_id, m.Product.sku.in_(skus))
    )
    counts = {sku: on_sale for sku, on_sale in rows}
    return [
        contract.KioskSuggestion(
            product=pick.product,
            here=max(0, int(counts.get(pick.product.sku, 0))),
            reason_code=KIOSK_REASON,
            reason_params={},
        )
        for pick in here
    ]


def request_hold(
    session: Session, device: CallingDevice, request: contract.KioskHoldRequest, now: datetime
) -> int:
    """A shopper asks an associate to hold ``qty`` of a product (by SKU or barcode) on sale here:
    an ``assist_requests`` row for the associates' list, audited ``kiosk.hold_request``; answers
    its id. 404 ``product_not_found``; 409 ``not_in_stock_here`` when fewer are on sale here; 429
    past :data:`ASSIST_REQUESTS_PER_WINDOW` from one kiosk.

    A ``request_id`` this kiosk sent before is the shopper's retry: answered with the first row's
    id, nothing written and nothing checked again (stock or the kiosk's count may have moved
    since); 409 ``request_id_reused`` if that id asked for another product or quantity."""
    product_id = session.scalar(
        select(m.Product.id).where(or_(m.Product.sku == request.sku, m.Product.gtin == request.sku))
    )
    first = _first_hold_request(session, device, request, product_id)
    if first is not None:
        return first
    if product_id is None:
        raise NotFound("There is no product with that code.", code="product_not_found")
    on_sale = session.scalar(
        select(m.Inventory.on_hand - m.Inventory.held).where(
            m.Inventory.store_id == device.store_id, m.Inventory.product_id == product_id
        )
    )
    if (on_sale or 0) < request.qty:
        raise Conflict("Not enough of it is on sale in this store to hold.", code="not_in_stock_here")
    recent = session.scalar(
        select(func.count())
        .select_from(m.AssistRequest)
        .where(m.AssistRequest.device_id == device.id, m.AssistRequest.at > now - ASSIST_WINDOW)
    )
    if (recent or 0) >= ASSIST_REQUESTS_PER_WINDOW:
        raise TooManyAssistRequests("Many requests were just made here; please ask an associate.")
    row = m.AssistRequest(
        store_id=device.store_id,
        device_id=device.id,
        kind="hold",
        product_id=product_id,
        qty=request.qty,
        at=now,
        status="open",
        request_id=str(request.request_id) if request.request_id is not None else None,
    )
    try:
        with session.begin_nested():  # the same id's retry, in a transaction beside this one
            session.add(row)
            session.flush()
    except IntegrityError:
        first = _first_hold_request(session, device, request, product_id)
        if first is None:
            raise
        return first
    record_audit(
        session, device_id=device.id, staff_id=None, action="kiosk.hold_request", subject=f"assist:{row.id}"
    )
    return int(row.id)


def _first_hold_request(
    session: Session, device: CallingDevice, request: contract.KioskHoldRequest, product_id: int | None
) -> int | None:
    """The id of the request this kiosk already made under ``request.request_id``, if any; 409
    ``request_id_reused`` when that one was for another product or quantity."""
    if request.request_id is None:
        return None
    first = session.execute(
        select(m.AssistRequest.id, m.AssistRequest.product_id, m.AssistRequest.qty).where(
            m.AssistRequest.device_id == device.id,
            m.AssistRequest.request_id == str(request.request_id),
        )
    ).first()
    if first is None:
        return None
    if (first.product_id, first.qty) != (product_id, request.qty):
        raise Conflict(REQUEST_ID_REUSED, code="request_id_reused")
    return int(first.id)


def assist_requests(session: Session, store_id: int, now: datetime) -> contract.AssistRequests:
    """The store's open requests from its kiosks of the last :data:`ASSIST_SHOWN_FOR`, oldest
    first (the shopper waiting longest first)."""
    rows = session.execute(
        select(
            m.AssistRequest.id,
            m.AssistRequest.kind,
            m.AssistRequest.qty,
            m.AssistRequest.at,
            m.Product.sku,
            m.Product.name,
            m.Product.size,
            m.Product.colour,
        )
        .join(m.Product, m.Product.id == m.AssistRequest.product_id)
        .where(
            m.AssistRequest.store_id == store_id,
            m.AssistRequest.status == "open",
            m.AssistRequest.at > now - ASSIST_SHOWN_FOR,
        )
        .order_by(m.AssistRequest.at, m.AssistRequest.id)
        .limit(ASSIST_LISTED)
    )
    requests = [
        contract.AssistRequest(
            id=r.id,
            kind=cast(Any, r.kind),
            sku=r.sku,
            product_name=r.name,
            size=r.size,
            colour=r.colour,
            qty=r.qty,
            at=as_utc(r.at),
        )
        for r in rows
    ]
    return contract.AssistRequests(store_id=store_id, requests=requests, as_of=now)


def mark_assist_done(session: Session, store_id: int, request_id: int, staff_id: int, now: datetime) -> None:
    """An associate saw to request ``request_id`` of their store. Done twice (two associates
    tapped it) keeps the first; another store's or an unknown request is 404
    ``unknown_assist_request``."""
    found = session.scalar(
        select(m.AssistRequest.id).where(
            m.AssistRequest.id == request_id, m.AssistRequest.store_id == store_id
        )
    )
    if found is None:
        raise NotFound("There is no such request from this store's kiosk.", code="unknown_assist_request")
    session.execute(
        update(m.AssistRequest)
        .where(m.AssistRequest.id == request_id, m.AssistRequest.status == "open")
        .values(status="done", done_by=staff_id, done_at=now)
    )


def check_kiosk_exit(session: Session, device: CallingDevice, request: contract.KioskExit) -> SignedInStaff:
    """Who may take the kiosk out of kiosk mode: a manager or admin of its store, proved as a
    sign-in is. Anyone else gets one refusal, a wrong PIN's (403 ``sign_in_refused``), whether
    the PIN was wrong or right for someone below manager or of another store: a copied kiosk
    credential cannot confirm a PIN. The hub's log says which it was. Nobody is signed in."""
    proof = contract.StaffSignInRequest(
        badge=request.badge, staff_number=request.staff_number, pin=request.pin
    )
    try:
        person = sign_in_staff(session, device, proof)
    except Forbidden as refused:
        if refused.code != "sign_in_wrong_store":
            raise
        # A right PIN of another store's associate.
        log.warning("kiosk %d: a right PIN of another store's associate cannot leave kiosk mode", device.id)
        raise Forbidden(SIGN_IN_REFUSED, code="sign_in_refused") from None
    if person.role in CHAIN_WIDE_ROLES and person.store_id == device.store_id:
        return person
    why = "not a manager" if person.role not in CHAIN_WIDE_ROLES else "another store's manager"
    log.warning("kiosk %d: staff %d cannot leave kiosk mode (%s)", device.id, person.id, why)
    raise Forbidden(SIGN_IN_REFUSED, code="sign_in_refused")
