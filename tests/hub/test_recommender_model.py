"""The recommender's model is built beside requests: at the hub's start, and again when it is old.

A kiosk's greeting never waits for it (no suggestions until it is built); an associate's
recommendations wait for the first build; an old model keeps answering while its successor is built.
"""

from __future__ import annotations

from typing import Any

from storeassist.hub.recommend import Recommender, recommend_for
from storeassist.hub.services.database import HubDatabase
from storeassist.hub.services.kiosk import kiosk_shopper


def _customer_with_suggestions(db: HubDatabase, hub_server: Any) -> int:
    recommender = Recommender(db)
    recommender.warm().join(timeout=60)
    with db.reading() as session:
        for customer_id in hub_server.customer_ids[:40]:
            _id, shopper = kiosk_shopper(
                session, recommender, hub_server.loyalty_token(customer_id), hub_server.store_id
            )
            if shopper.suggestions:
                return customer_id
    raise AssertionError("no customer of the seed has a suggestion in stock at the store")


def test_a_kiosk_greeting_does_not_wait_for_the_first_model_and_has_suggestions_once_it_is_built(
    hub_server: Any,
) -> None:
    db = HubDatabase(hub_server.db_url)
    try:
        customer_id = _customer_with_suggestions(db, hub_server)
        recommender = Recommender(db)
        token = hub_server.loyalty_token(customer_id)
        with db.reading() as session:
            _id, before = kiosk_shopper(session, recommender, token, hub_server.store_id)
        assert recommender.model_if_ready() is None
        assert before.suggestions == [] and before.greeting_name and before.tier

        recommender.warm().join(timeout=60)
        assert recommender.model_if_ready() is not None
        with db.reading() as session:
            _id, after = kiosk_shopper(session, recommender, token, hub_server.store_id)
        assert after.suggestions and after.greeting_name == before.greeting_name
    finally:
        db.dispose()


def test_an_associates_recommendations_wait_for_the_first_model_and_an_old_one_serves_while_rebuilt(
    hub_server: Any,
) -> None:
    db = HubDatabase(hub_server.db_url)
    try:
        recommender = Recommender(db, ttl_s=0.0)  # every model is old at once
        customer_id = hub_server.customer_ids[0]
        with db.reading() as session:
            first = recommend_for(session, recommender, customer_id, hub_server.store_id, 5)
            built = recommender.model_if_ready()
            assert built is not None and first.items
            assert recommender.last_build is None  # built on the request's own thread

            again = recommend_for(session, recommender, customer_id, hub_server.store_id, 5)
        assert again.items == first.items  # answered from the old model
        rebuilding = recommender.last_build
        assert rebuilding is not None
        rebuilding.join(timeout=60)
        assert recommender.model_if_ready() is not built
    finally:
        db.dispose()
