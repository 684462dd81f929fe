"""Recommendations for a customer at a store, from cross-channel behaviour, filtered to stock here or nearby.

The item model (co-purchase, co-view, popularity) is learned from a bounded sample of the most
recent orders and events and cached per process for :data:`MODEL_TTL_S` seconds: it is derived data
any process can rebuild, so hub processes stay interchangeable.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Literal, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from storeassist import contract
from storeassist.hub.db import models as m
from storeassist.hub.recommend.model import ItemModel, build_item_model
from storeassist.hub.recommend.ranking import HistoryItem, rank_products
from storeassist.hub.services.availability import availability_of, distances_from
from storeassist.hub.services.database import HubDatabase, as_utc, utc_now
from storeassist.hub.services.errors import NotFound
from storeassist.hub.services.wire import load_products, load_stores, product_from_row

MODEL_TTL_S = 3600.0
SAMPLE_LINES = 400_000
SAMPLE_EVENTS = 400_000
HISTORY_LINES = 60
HISTORY_EVENTS = 100
_EVENT_KINDS: dict[str, Literal["view", "cart"]] = {
    "view": "view",
    "cart_add": "cart",
    "cart_abandon": "cart",
}

__all__ = ["Recommender", "recommend_for"]

_log = logging.getLogger(__name__)


class Recommender:
    """Holds this process's item model.

    ``warm`` builds it in the background when the hub starts, so no request pays for the first
    build unless it comes before the build ends (``model`` then waits for it; ``model_if_ready``
    does not). A model older than the TTL keeps serving while a new one is built beside it.
    """

    def __init__(self, db: HubDatabase, ttl_s: float = MODEL_TTL_S) -> None:
        self._db = db
        self.ttl_s = ttl_s
        self._build_lock = threading.Lock()  # one build at a time
        self._model: ItemModel | None = None
        self._built_at = 0.0
        self._refreshing = False
        self._built = threading.Event()
        self.last_build: threading.Thread | None = None  # the latest build started beside requests

    def warm(self) -> threading.Thread:
        """Start building the model on a thread of its own; the caller does not wait."""
        thread = threading.Thread(target=self._build, name="recommender-build", daemon=True)
        self.last_build = thread
        thread.start()
        return thread

    def model(self, session: Session) -> ItemModel:
        """The model, built here if there is none yet (or waiting for the build under way)."""
        current = self._model
        if current is None:
            with self._build_lock:
                if self._model is None:
                    self._set(load_item_model(session))
                current = self._model
            assert current is not None
        elif self._stale() and not self._refreshing:
            self._refreshing = True
            self.warm()
        return current

    def model_if_ready(self) -> ItemModel | None:
        """The model if one is built, without waiting for one."""
        return self._model

    def wait_until_built(self, timeout_s: float) -> bool:
        """Whether a model is built within ``timeout_s`` (for a caller that needs suggestions)."""
        return self._built.wait(timeout_s)

    def _stale(self) -> bool:
        return time.monotonic() - self._built_at > self.ttl_s

    def _set(self, model: ItemModel) -> None:
        self._model = model
        self._built_at = time.monotonic()
        self._built.set()

    def _build(self) -> None:
        try:
            with self._build_lock, self._db.reading() as session:
                if self._model is None or self._stale():
                    self._set(load_item_model(session))
        except Exception:
            _log.exception("building the recommender's model failed; the next request builds it")
        finally:
            self._refreshing = False


def load_item_model(session: Session) -> ItemModel:
    # The WHERE drops orders without a customer; the nullable column's type cannot say so.
    purchases = cast(
        Iterable[tuple[int, int]],
        session.execute(
            select(m.Order.customer_id, m.OrderLine.product_id)
            .join(m.Order, m.Order.id == m.OrderLine.order_id)
            .where(m.Order.customer_id.is_not(None))
            .order_by(m.OrderLine.order_id.desc())
            .limit(SAMPLE_LINES)
        ),
    )
    views = session.execute(
        select(m.Event.customer_id, m.Event.product_id)
        .where(m.Event.kind.in_(tuple(_EVENT_KINDS)))
        .order_by(m.Event.id.desc())
        .limit(SAMPLE_EVENTS)
    )
    categories: dict[int, str] = {}
    styles: dict[int, str] = {}
    for product_id, category, style in session.execute(
        select(m.Product.id, m.Product.category, m.Product.style)
    ):
        categories[product_id] = category
        styles[product_id] = style
    return build_item_model(purchases, views, categories, styles)


def customer_history(session: Session, customer_id: int) -> list[HistoryItem]:
    """What they bought (newest orders first), viewed and put in carts, each item with its name."""
    history = [
        HistoryItem(row.product_id, "purchase", as_utc(row.placed_at), row.number, row.name)
        for row in session.execute(
            select(m.OrderLine.product_id, m.Order.placed_at, m.Order.number, m.Product.name)
            .join(m.Order, m.Order.id == m.OrderLine.order_id)
            .join(m.Product, m.Product.id == m.OrderLine.product_id)
            .where(m.Order.customer_id == customer_id)
            .order_by(m.Order.placed_at.desc())
            .limit(HISTORY_LINES)
        )
    ]
    for row in session.execute(
        select(m.Event.product_id, m.Event.kind, m.Event.at, m.Product.name)
        .join(m.Product, m.Product.id == m.Event.product_id)
        .where(m.Event.customer_id == customer_id, m.Event.kind.in_(tuple(_EVENT_KINDS)))
        .order_by(m.Event.at.desc())
        .limit(HISTORY_EVENTS)
    ):
        kind = _EVENT_KINDS[row.kind]
        history.append(HistoryItem(row.product_id, kind, as_utc(row.at), product_name=row.name))
    return history


def recommend_for(
    session: Session,
    recommender: Recommender,
    customer_id: int,
    store_id: int,
    limit: int,
    *,
    wait_for_model: bool = True,
) -> contract.RecommendationList:
    """Up to ``limit`` products in stock here or nearby, best first, each with its reason as a code
    and values (``contract.Recommendation``), for the tablet to word. With ``wait_for_model``
    false, none while the hub is still building its first model."""
    if session.execute(select(m.Customer.id).where(m.Customer.id == customer_id)).first() is None:
        raise NotFound(f"There is no customer {customer_id}.", code="customer_not_found")
    stores = load_stores(session)
    distances = distances_from(stores, store_id)
    if not distances:
        raise NotFound(f"There is no store {store_id}.", code="store_not_found")
    model = recommender.model(session) if wait_for_model else recommender.model_if_ready()
    if model is None:
        return contract.RecommendationList(customer_id=customer_id, store_id=store_id, items=[])
    candidates = rank_products(model, customer_history(session, customer_id), utc_now(), limit * 4)
    availability = availability_of(session, [c.product_id for c in candidates], store_id, distances)
    in_reach = [c for c in candidates if availability[c.product_id] != "out"][:limit]
    products = load_products(session, [c.product_id for c in in_reach])
    items = [
        contract.Recommendation(
            product=product_from_row(products[c.product_id]),
            score=c.score,
            reason_code=c.reason.code,
            reason_params=dict(c.reason.params),
            availability=availability[c.product_id],  # type: ignore[arg-type]
        )
        for c in in_reach
        if c.product_id in products
    ]
    return contract.RecommendationList(customer_id=customer_id, store_id=store_id, items=items)
