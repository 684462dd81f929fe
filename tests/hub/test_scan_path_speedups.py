"""The scan → profile path's shortcuts answer exactly what the plain way did.

Stock is asked only of the asking store and the stores near it, distances are remembered per set
of store positions, and the profile routes read on a bare connection: each is checked here
against the rule it replaces, on the seeded chain.
"""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy import update

from storeassist.domain.geo import distance_km
from storeassist.hub.api import create_app
from storeassist.hub.api.app import POSTGRES_REQUEST_THREADS, SQLITE_REQUEST_THREADS
from storeassist.hub.db import models as m
from storeassist.hub.services.availability import NEARBY_KM, availability_of, distances_at, distances_from
from storeassist.hub.services.database import HubDatabase
from storeassist.hub.services.profiles import build_profile
from storeassist.hub.services.wire import load_stores


def _expected_availability(
    query_db: Any, db_url: str, product_ids: list[int], store_id: int
) -> dict[int, str]:
    """The rule, from raw rows: here if in stock at the store, nearby if within NEARBY_KM, else out."""
    places = {
        sid: (lat, lon)
        for sid, lat, lon in query_db(db_url, "SELECT id, lat, lon FROM stores WHERE kind = 'store'")
    }
    stocked = query_db(
        db_url,
        f"SELECT product_id, store_id FROM inventory WHERE on_hand - held > 0 "
        f"AND product_id IN ({','.join('?' * len(product_ids))})",
        *product_ids,
    )
    here_lat, here_lon = places[store_id]
    answer = dict.fromkeys(product_ids, "out")
    for product_id, where in stocked:
        if where not in places:
            continue  # the warehouse: it ships, it is never "nearby"
        if where == store_id:
            answer[product_id] = "here"
        elif answer[product_id] == "out" and distance_km(here_lat, here_lon, *places[where]) <= NEARBY_KM:
            answer[product_id] = "nearby"
    return answer


def test_availability_asked_only_of_nearby_stores_matches_the_rule_for_every_store(
    seeded_db_url: str, query_db: Any
) -> None:
    db = HubDatabase(seeded_db_url)
    product_ids = [row[0] for row in query_db(seeded_db_url, "SELECT id FROM products ORDER BY id LIMIT 60")]
    store_ids = [row[0] for row in query_db(seeded_db_url, "SELECT id FROM stores WHERE kind = 'store'")]
    try:
        seen = set()
        with db.reading() as session:
            stores = load_stores(session)
            for store_id in store_ids:
                distances = distances_from(stores, store_id)
                found = availability_of(session, product_ids, store_id, distances)
                assert found == _expected_availability(query_db, seeded_db_url, product_ids, store_id)
                seen.update(found.values())
        assert seen == {"here", "nearby", "out"}  # the chain exercises every answer
    finally:
        db.dispose()


def test_distances_follow_a_moved_store_at_once(seeded_db_url: str) -> None:
    db = HubDatabase(seeded_db_url)
    try:
        with db.reading_statements() as connection:
            before = distances_at(connection, 1)
        with db.reading() as session:
            assert before == distances_from(load_stores(session), 1)
        far = max(before, key=lambda sid: before[sid])
        with db.writing() as session:
            session.execute(update(m.Store).where(m.Store.id == far).values(lat=0.0, lon=0.0))
        with db.reading_statements() as connection:
            after = distances_at(connection, 1)
        assert after[far] != pytest.approx(before[far])
        assert {sid: km for sid, km in after.items() if sid != far} == pytest.approx(
            {sid: km for sid, km in before.items() if sid != far}
        )
        after[far] = -1.0  # a caller's copy: changing it must not reach the next caller
        with db.reading_statements() as connection:
            assert distances_at(connection, 1)[far] >= 0
            assert distances_at(connection, None) == {}
    finally:
        db.dispose()


def test_a_profile_read_on_a_bare_connection_equals_one_read_in_a_session(
    seeded_db_url: str, hub_seed_db: Any
) -> None:
    db = HubDatabase(seeded_db_url)
    try:
        for customer_id in hub_seed_db.customer_ids:
            with db.reading() as session:
                in_session = build_profile(session, customer_id, 1)
            with db.reading_statements() as connection:
                bare = build_profile(connection, customer_id, 1)
            assert bare.model_dump(exclude={"as_of"}) == in_session.model_dump(exclude={"as_of"})
    finally:
        db.dispose()


def test_the_app_caps_its_request_threads_for_sqlite_and_widens_them_for_postgres(seeded_db_url: str) -> None:
    async def threads_while_serving(app: FastAPI) -> int:
        async with app.router.lifespan_context(app):
            return int(to_thread.current_default_thread_limiter().total_tokens)

    default = SQLITE_REQUEST_THREADS if seeded_db_url.startswith("sqlite") else POSTGRES_REQUEST_THREADS
    assert anyio.run(threads_while_serving, create_app(seeded_db_url)) == default
    assert anyio.run(threads_while_serving, create_app(seeded_db_url, request_threads=5)) == 5
    assert POSTGRES_REQUEST_THREADS > SQLITE_REQUEST_THREADS
